/* sigv4_vector.c: checks one AWS SigV4 test vector piece by piece:
 * canonical request, string to sign, signature, Authorization header.
 *   sigv4_vector v4 DIR        (aws-c-auth layout: context.json, request.txt, header-*.txt)
 *   sigv4_vector legacy DIR    (botocore layout: NAME.req/.creq/.sts/.authz)
 * Exits 0 on match, 1 on mismatch, 77 for vectors outside SigV4-for-non-S3
 * (normalize: false). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <dbward/sigv4.h>

static char *s_read(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void s_chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

struct parsed {
    char method[16];
    char *path;
    char *query;
    struct dw_sigv4_header headers[64];
    char *names[64];
    char *values[64];
    size_t n;
    char *body;
};

/* Parses a raw request: request line, headers with obs-fold, blank line, body. */
static void s_parse(char *raw, struct parsed *p)
{
    memset(p, 0, sizeof(*p));
    char *line_end = strchr(raw, '\n');
    *line_end = '\0';
    char *sp = strchr(raw, ' ');
    snprintf(p->method, sizeof(p->method), "%.*s", (int)(sp - raw), raw);
    char *target = sp + 1;
    char *http = strstr(target, " HTTP/");
    if (http)
        *http = '\0';
    char *q = strchr(target, '?');
    if (q) {
        *q = '\0';
        p->query = strdup(q + 1);
    }
    p->path = strdup(target);
    char *cur = line_end + 1;
    while (*cur && *cur != '\n') {
        char *e = strchr(cur, '\n');
        if (e)
            *e = '\0';
        if ((*cur == ' ' || *cur == '\t') && p->n) {
            size_t jl = strlen(p->values[p->n - 1]) + strlen(cur) + 2;
            char *j = malloc(jl);
            snprintf(j, jl, "%s %s", p->values[p->n - 1], cur);
            free(p->values[p->n - 1]);
            p->values[p->n - 1] = j;
        } else {
            char *colon = strchr(cur, ':');
            p->names[p->n] = strndup(cur, (size_t)(colon - cur));
            p->values[p->n] = strdup(colon + 1);
            p->n++;
        }
        if (!e) {
            cur += strlen(cur);
            break;
        }
        cur = e + 1;
    }
    p->body = strdup(*cur == '\n' ? cur + 1 : "");
    for (size_t i = 0; i < p->n; i++) {
        p->headers[i].name = p->names[i];
        p->headers[i].value = p->values[i];
    }
}

static int s_cmp(const char *what, const char *got, char *want)
{
    if (!want) {
        fprintf(stderr, "missing expected %s\n", what);
        return 1;
    }
    s_chomp(want);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s differs\n--- got\n%s\n--- want\n%s\n", what, got, want);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const char *dir = argv[2];
    bool v4 = strcmp(argv[1], "v4") == 0;
    char *raw, *creq, *sts, *sig = NULL, *authz = NULL;
    struct dw_sigv4_params prm = {.region = "us-east-1", .service = "service"};
    struct dw_secret *secret = NULL, *token = NULL;
    const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    char name[512];
    if (v4) {
        json_error_t je;
        char path[4096];
        snprintf(path, sizeof(path), "%s/context.json", dir);
        json_t *ctx = json_load_file(path, 0, &je);
        if (!ctx)
            return 2;
        if (json_is_false(json_object_get(ctx, "normalize"))) {
            printf("skipped: S3-style (unnormalized) vector\n");
            json_decref(ctx);
            return 77;
        }
        json_t *cr = json_object_get(ctx, "credentials");
        prm.access_key = strdup(json_string_value(json_object_get(cr, "access_key_id")));
        secret = dw_secret_from_str(json_string_value(json_object_get(cr, "secret_access_key")));
        token = dw_secret_from_str(json_string_value(json_object_get(cr, "token")));
        prm.region = strdup(json_string_value(json_object_get(ctx, "region")));
        prm.service = strdup(json_string_value(json_object_get(ctx, "service")));
        prm.sign_body = json_is_true(json_object_get(ctx, "sign_body"));
        prm.omit_session_token = json_is_true(json_object_get(ctx, "omit_session_token"));
        const char *ts = json_string_value(json_object_get(ctx, "timestamp"));
        char amz[20];
        snprintf(amz, sizeof(amz), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", ts, ts + 5, ts + 8, ts + 11, ts + 14, ts + 17);
        if (!dw_sigv4_parse_amz_date(amz, &prm.epoch_s))
            return 2;
        json_decref(ctx);
        raw = s_read(dir, "request.txt");
        creq = s_read(dir, "header-canonical-request.txt");
        sts = s_read(dir, "header-string-to-sign.txt");
        sig = s_read(dir, "header-signature.txt");
        char *signed_req = s_read(dir, "header-signed-request.txt");
        char *a = signed_req ? strstr(signed_req, "\nAuthorization:") : NULL;
        if (a) {
            a += strlen("\nAuthorization:");
            char *e = strchr(a, '\n');
            authz = strndup(a, e ? (size_t)(e - a) : strlen(a));
        }
        free(signed_req);
    } else {
        prm.access_key = "AKIDEXAMPLE";
        secret = dw_secret_from_str("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        dw_sigv4_parse_amz_date("20150830T123600Z", &prm.epoch_s);
        snprintf(name, sizeof(name), "%s.req", base);
        raw = s_read(dir, name);
        snprintf(name, sizeof(name), "%s.creq", base);
        creq = s_read(dir, name);
        snprintf(name, sizeof(name), "%s.sts", base);
        sts = s_read(dir, name);
        snprintf(name, sizeof(name), "%s.authz", base);
        authz = s_read(dir, name);
        /* The legacy suite gives the session token only in the canonical
         * request; sign with it unless the request already carries it. */
        const char *t = creq ? strstr(creq, "\nx-amz-security-token:") : NULL;
        if (t && raw && !strcasestr(raw, "X-Amz-Security-Token:")) {
            t += strlen("\nx-amz-security-token:");
            char *tok = strndup(t, strcspn(t, "\n"));
            token = dw_secret_from_str(tok);
            free(tok);
        }
    }
    if (!raw) {
        fprintf(stderr, "no request in %s\n", dir);
        return 2;
    }
    prm.secret_key = secret;
    prm.session_token = token;
    struct parsed p;
    s_parse(raw, &p);
    struct dw_sigv4_request req = {p.method, p.path, p.query, p.headers, p.n, p.body, strlen(p.body)};
    struct dw_sigv4_result r;
    struct dw_error err;
    if (dw_sigv4_sign(&req, &prm, &r, &err)) {
        fprintf(stderr, "sign failed: %s\n", err.message);
        return 1;
    }
    int bad = s_cmp("canonical request", r.canonical_request, creq);
    bad |= s_cmp("string to sign", r.string_to_sign, sts);
    if (sig)
        bad |= s_cmp("signature", r.signature, sig);
    bad |= s_cmp("Authorization", r.authorization, authz);
    if (!bad)
        printf("ok %s: canonical request, string to sign, signature, Authorization\n", base);
    dw_sigv4_result_clean_up(&r);
    dw_secret_free(secret);
    dw_secret_free(token);
    free(raw);
    free(creq);
    free(sts);
    free(sig);
    free(authz);
    free(p.path);
    free(p.query);
    free(p.body);
    for (size_t i = 0; i < p.n; i++) {
        free(p.names[i]);
        free(p.values[i]);
    }
    if (v4) {
        free((char *)prm.access_key);
        free((char *)prm.region);
        free((char *)prm.service);
    }
    return bad;
}
