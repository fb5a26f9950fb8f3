/* policy_answer.c: prints dbward's set-level answers for policy corpus files
 * as one JSON object per file, for the differential test against the
 * independent brute-force evaluator (bruteforce.py). A corpus file holds
 * {"kind": "identity", "policies": [{"name", "document", "boundary"}]} or
 * {"kind": "key", "policy": {...}}; the scope is fixed (scope.json's values,
 * repeated here). Exit 2 when a file cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <dbward/policy.h>

static const char *const s_regions[] = {"us-east-1", "eu-west-1"};
static const char *const s_vpces[] = {"vpce-0a1b2c3d4e5f60001"};
static const char *const s_vpcs[] = {"vpc-0a1b2c3d4e5f60001"};
static const char s_key_arn[] = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

static char **s_strings(json_t *a, size_t *n)
{
    *n = json_array_size(a);
    char **v = calloc(*n + 1, sizeof(char *));
    for (size_t i = 0; i < *n; i++)
        v[i] = (char *)json_string_value(json_array_get(a, i));
    return v;
}

/* {"kind": "net", "policies": [...], "company_cidrs": [...], "company_vpcs": [...]}: ACC-10's question. */
static void s_net(json_t *j, const char *path, json_t *out)
{
    json_t *pols = json_object_get(j, "policies");
    size_t n = json_array_size(pols);
    struct dw_policy_ref *refs = calloc(n + 1, sizeof(*refs));
    struct dw_policy **parsed = calloc(n + 1, sizeof(*parsed));
    const char *bad = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    for (size_t i = 0; i < n && !bad; i++) {
        json_t *e = json_array_get(pols, i);
        refs[i].name = json_string_value(json_object_get(e, "name"));
        refs[i].is_boundary = json_is_true(json_object_get(e, "boundary"));
        if (dw_policy_parse(json_object_get(e, "document"), path, &parsed[i], &err))
            bad = err.message;
        refs[i].policy = parsed[i];
    }
    struct dw_policy_net net;
    memset(&net, 0, sizeof(net));
    char **cidrs = s_strings(json_object_get(j, "company_cidrs"), &net.n_cidrs);
    char **vpcs = s_strings(json_object_get(j, "company_vpcs"), &net.n_vpcs);
    net.cidrs = cidrs;
    net.vpcs = vpcs;
    net.ip_widest_prefix = 8;
    if (bad) {
        json_object_set_new(out, "error", json_string(bad));
    } else {
        struct dw_policy_net_answer a;
        dw_policy_net_eval(refs, n, &net, &a);
        json_object_set_new(out, "known", json_boolean(a.is_known));
        json_object_set_new(out, "reach", json_boolean(a.reach));
        json_object_set_new(out, "outside_denied", json_boolean(a.outside_denied));
        json_object_set_new(out, "allows_refuse", json_boolean(a.allows_refuse));
        json_object_set_new(out, "derived", json_boolean(a.derived));
        const char *names[] = {"out_source", "out_action", "out_resource", "in_source", "in_action", "in_resource"};
        const char *vals[] = {a.out_source, a.out_action, a.out_resource, a.in_source, a.in_action, a.in_resource};
        for (size_t i = 0; i < 6; i++)
            json_object_set_new(out, names[i], vals[i] ? json_string(vals[i]) : json_null());
        json_object_set_new(out, "why", json_string(a.why ? a.why : ""));
        dw_policy_net_answer_clean_up(&a);
    }
    for (size_t i = 0; i < n; i++)
        dw_policy_free(parsed[i]);
    free(parsed);
    free(refs);
    free(cidrs);
    free(vpcs);
}

static int s_one(const char *path)
{
    struct dw_policy_scope sc = {
        .partition = "aws", .account = "123456789012", .regions = s_regions, .n_regions = 2,
        .org_id = "o-a1b2c3d4e5", .vpces = s_vpces, .n_vpces = 1, .vpcs = s_vpcs, .n_vpcs = 1,
        .ip_widest_prefix = 8,
    };
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, je.line, je.column, je.text);
        return 2;
    }
    int rc = 0;
    const char *kind = json_string_value(json_object_get(j, "kind"));
    json_t *out = json_object();
    json_object_set_new(out, "file", json_string(path)); /* steals */
    if (kind && strcmp(kind, "key") == 0) {
        struct dw_policy *p = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        if (dw_policy_parse(json_object_get(j, "policy"), path, &p, &err)) {
            json_object_set_new(out, "error", json_string(err.message));
        } else {
            struct dw_policy_kms_answer a;
            dw_policy_kms_eval(p, &sc, s_key_arn, &a);
            json_object_set_new(out, "known", json_boolean(a.is_known));
            json_object_set_new(out, "open", json_boolean(a.open));
            json_object_set_new(out, "broad", json_boolean(a.broad));
            json_object_set_new(out, "why", json_string(a.why ? a.why : ""));
            dw_policy_kms_answer_clean_up(&a);
        }
        dw_policy_free(p);
    } else if (kind && strcmp(kind, "net") == 0) {
        s_net(j, path, out);
    } else {
        json_t *pols = json_object_get(j, "policies");
        size_t n = json_array_size(pols);
        struct dw_policy_ref *refs = calloc(n + 1, sizeof(*refs));
        struct dw_policy **parsed = calloc(n + 1, sizeof(*parsed));
        const char *bad = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        for (size_t i = 0; i < n && !bad; i++) {
            json_t *e = json_array_get(pols, i);
            refs[i].name = json_string_value(json_object_get(e, "name"));
            refs[i].is_boundary = json_is_true(json_object_get(e, "boundary"));
            if (dw_policy_parse(json_object_get(e, "document"), path, &parsed[i], &err))
                bad = err.message;
            refs[i].policy = parsed[i];
        }
        if (bad) {
            json_object_set_new(out, "error", json_string(bad));
        } else {
            struct dw_policy_ddb_answer a;
            dw_policy_ddb_eval(refs, n, &sc, &a);
            json_object_set_new(out, "known", json_boolean(a.is_known));
            json_object_set_new(out, "reach", json_boolean(a.reach));
            json_object_set_new(out, "total", json_boolean(a.total));
            json_object_set_new(out, "via_not", json_boolean(a.via_not));
            json_object_set_new(out, "via_star", json_boolean(a.via_star));
            json_object_set_new(out, "future", json_boolean(a.future));
            json_object_set_new(out, "why", json_string(a.why ? a.why : ""));
            dw_policy_ddb_answer_clean_up(&a);
        }
        for (size_t i = 0; i < n; i++)
            dw_policy_free(parsed[i]);
        free(parsed);
        free(refs);
    }
    char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    printf("%s\n", s);
    free(s);
    json_decref(out);
    json_decref(j);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int r = s_one(argv[i]);
        if (r)
            rc = r;
    }
    return rc;
}
