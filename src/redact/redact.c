/* redact.c: see redact.h. Each format is parsed with the library that reads
 * it elsewhere in dbward (jansson, libxml2, libcurl's URL API) and secret
 * values are replaced in the parsed form, so a value cannot leak its tail
 * past an escaped quote or a separator. It does not decide what is logged. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <dbward/secret.h>

#include "redact.h"
#include "util/util.h"

/* Members bound to a shape with the `sensitive` trait in the botocore
 * models of the services dbward calls (every operation, input and output;
 * scripts/check-sensitive.py fails when the models name one missing here),
 * and the credential members of STS, IMDS and container answers. The
 * Organizations shapes AccountName and Email are sensitive too, but their
 * member names ("Name", "Email") would blank every resource name: they are
 * personal data, not secrets, and stay (the check lists the exception). */
struct s_name {
    const char *name;
    size_t len;
};
#define S_NAME(s) {s, sizeof(s) - 1}
static const struct s_name s_sensitive[] = {
    S_NAME("AsmPassword"), S_NAME("AuthPassword"), S_NAME("CertificatePem"), S_NAME("Password"),
    S_NAME("SaslPassword"), S_NAME("SecurityDbEncryption"), S_NAME("SslClientKeyPassword"),
    S_NAME("KeyStorePassword"), S_NAME("Plaintext"), S_NAME("PrivateKeyPlaintext"), S_NAME("RawSecretAccessKey"),
    S_NAME("SecretAccessKey"), S_NAME("NewPassword"), S_NAME("OldPassword"), S_NAME("PrivateKey"),
    S_NAME("Base32StringSeed"), S_NAME("QRCodePNG"), S_NAME("ServicePassword"), S_NAME("KeyMaterial"),
    S_NAME("UserData"), S_NAME("SessionToken"), S_NAME("Token"), S_NAME("WebIdentityToken"),
    /* firehose describe-delivery-stream (DMS-15, ACC-08): HTTP endpoint URL and attribute values, Splunk HEC token */
    S_NAME("Url"), S_NAME("AttributeValue"), S_NAME("HECToken")};
#undef S_NAME

bool dw_redact_member_is_sensitive(const char *name)
{
    /* Every member of every answer is asked about: the lengths are
     * compared first, most names meet no string comparison. */
    size_t len = strlen(name);
    for (size_t i = 0; i < DW_ARRAY_LEN(s_sensitive); i++) {
        if (s_sensitive[i].len == len && memcmp(name, s_sensitive[i].name, len) == 0)
            return true;
    }
    return false;
}

static bool s_is_eca(const char *name)
{
    return strcasecmp(name, "ExtraConnectionAttributes") == 0;
}

static json_t *s_too_deep(void)
{
    return json_string(DW_REDACTED " (nested too deep)");
}

static void s_json(json_t *j, int depth);

/* A PEM text cut down to its certificate blocks: a DMS certificate's CertificatePem is a public
 * CA certificate that DMS-14 verifies, but botocore marks the member sensitive because an
 * imported PEM may carry more (a private key). Only "-----BEGIN CERTIFICATE-----" blocks whose
 * body is base64 survive; NULL when none does. A new string. */
static char *s_pem_certs_only(const char *pem)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end[] = "-----END CERTIFICATE-----";
    struct dw_buf b;
    dw_buf_init(&b, (size_t)4 << 20);
    for (const char *p = strstr(pem, begin); p; p = strstr(p, begin)) {
        const char *body = p + sizeof(begin) - 1;
        const char *e = strstr(body, end);
        if (!e)
            break;
        /* The markers stand on lines of their own, as PEM writes them. */
        bool base64 = (*body == '\n' || (body[0] == '\r' && body[1] == '\n')) && e > body && e[-1] == '\n';
        for (const char *q = body; q < e && base64; q++)
            base64 = isalnum((unsigned char)*q) || *q == '+' || *q == '/' || *q == '=' || isspace((unsigned char)*q);
        if (base64) {
            dw_buf_append(&b, p, (size_t)(e - p) + sizeof(end) - 1);
            dw_buf_puts(&b, "\n");
        }
        p = e + sizeof(end) - 1;
    }
    char *out = dw_buf_steal(&b);
    if (out && !*out) {
        free(out);
        out = NULL;
    }
    return out;
}

static void s_json_member(json_t *obj, const char *k, json_t *v, int depth)
{
    if (strcmp(k, "CertificatePem") == 0 && json_is_string(v)) {
        char *certs = s_pem_certs_only(json_string_value(v));
        json_object_set_new(obj, k, json_string(certs ? certs : DW_REDACTED)); /* steals the new string */
        free(certs);
    } else if (dw_redact_member_is_sensitive(k) && !json_is_null(v)) {
        json_object_set_new(obj, k, json_string(DW_REDACTED)); /* steals the new string */
    } else if (json_is_string(v) && s_is_eca(k)) {
        size_t n = 0;
        char *red = dw_eca_redact(json_string_value(v), json_string_length(v), &n, NULL);
        json_t *nv = json_stringn(red, n);
        json_object_set_new(obj, k, nv ? nv : json_string(DW_REDACTED)); /* steals nv */
        free(red);
    } else if ((json_is_object(v) || json_is_array(v)) && depth >= DW_REDACT_MAX_DEPTH) {
        json_object_set_new(obj, k, s_too_deep());
    } else {
        s_json(v, depth + 1);
    }
}

static void s_json(json_t *j, int depth)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
        {
            if ((json_is_object(v) || json_is_array(v)) && depth >= DW_REDACT_MAX_DEPTH)
                json_array_set_new(j, i, s_too_deep());
            else
                s_json(v, depth + 1);
        }
        return;
    }
    if (!json_is_object(j))
        return;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) s_json_member(j, k, v, depth);
}

void dw_redact_json(json_t *j)
{
    s_json(j, 0);
}

/* ---- bodies ---- */

static size_t s_skip_blank(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)p[i]))
        i++;
    return i;
}

static char *s_not_shown(size_t len, const char *why)
{
    return dw_xasprintf("[%zu bytes, not shown: %s]", len, why);
}

static char *s_body_json(const char *body, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
    if (!j)
        return s_not_shown(len, "not valid JSON");
    dw_redact_json(j);
    char *out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    return out ? out : s_not_shown(len, "not printable");
}

static void s_xml_set_text(xmlNode *n, const char *text)
{
    while (n->children) {
        xmlNode *c = n->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    xmlNodeAddContent(n, (const xmlChar *)text); /* added as text: escaped on output */
}

/* Returns false when the tree is nested deeper than the limit. */
static bool s_xml(xmlNode *n, int depth)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        for (xmlAttr *a = n->properties; a; a = a->next) {
            if (dw_redact_member_is_sensitive((const char *)a->name))
                xmlNodeSetContent((xmlNode *)a, (const xmlChar *)DW_REDACTED); /* no entities in it */
        }
        if (dw_redact_member_is_sensitive(name)) {
            s_xml_set_text(n, DW_REDACTED);
        } else if (s_is_eca(name)) {
            xmlChar *t = xmlNodeGetContent(n);
            const char *tv = t ? (const char *)t : "";
            char *red = dw_eca_redact(tv, strlen(tv), NULL, NULL);
            s_xml_set_text(n, red);
            free(red);
            xmlFree(t);
        } else if (n->children) {
            if (depth >= DW_REDACT_MAX_DEPTH || !s_xml(n->children, depth + 1))
                return false;
        }
    }
    return true;
}

static char *s_body_xml(const char *body, size_t len)
{
    if (len > (size_t)0x7fffffff)
        return s_not_shown(len, "too large");
    xmlDoc *doc = xmlReadMemory(body, (int)len, "body.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return s_not_shown(len, "not well-formed XML");
    char *out = NULL;
    if (xmlGetIntSubset(doc)) {
        out = s_not_shown(len, "XML with a document type"); /* its entities would print as declared */
    } else if (!s_xml(xmlDocGetRootElement(doc), 0)) {
        out = s_not_shown(len, "XML nested too deep");
    } else {
        /* The root element alone: one log line, no XML declaration. */
        xmlBuffer *xb = xmlBufferCreate();
        if (xb && xmlNodeDump(xb, doc, xmlDocGetRootElement(doc), 0, 0) >= 0)
            out = dw_xstrndup((const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
        else
            out = s_not_shown(len, "not printable");
        xmlBufferFree(xb);
    }
    xmlFreeDoc(doc);
    return out;
}

static bool s_contains_nocase(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= len; i++) {
        if (strncasecmp(s + i, word, wl) == 0)
            return true;
    }
    return false;
}

/* A form or query parameter name: the last dotted part names the member
 * ("Foo.member.1.Password"); secret words anywhere count too. */
static bool s_param_is_secret(const char *name, size_t len)
{
    static const char *const words[] = {"token", "secret", "passw", "pwd", "signature", "credential"};
    for (size_t i = 0; i < DW_ARRAY_LEN(words); i++) {
        if (s_contains_nocase(name, len, words[i]))
            return true;
    }
    size_t dot = len;
    while (dot > 0 && name[dot - 1] != '.')
        dot--;
    char *last = dw_xstrndup(name + dot, len - dot);
    bool hit = dw_redact_member_is_sensitive(last) || s_is_eca(last);
    free(last);
    return hit;
}

/* name=value&... with names of [A-Za-z0-9._-~%]; NULL when body is not
 * such a form. */
static char *s_form(const char *body, size_t len, char sep)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    size_t i = 0;
    bool ok = len > 0;
    while (ok && i < len) {
        const char *amp = memchr(body + i, sep, len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + i, '=', end - i);
        size_t ne = eq ? (size_t)(eq - body) : end;
        for (size_t k = i; k < ne && ok; k++)
            ok = isalnum((unsigned char)body[k]) || strchr("._-~%", body[k]) != NULL;
        ok = ok && ne > i && eq;
        if (!ok)
            break;
        dw_buf_append(&b, body + i, ne + 1 - i);
        if (s_param_is_secret(body + i, ne - i))
            dw_buf_puts(&b, DW_REDACTED);
        else
            dw_buf_append(&b, body + ne + 1, end - ne - 1);
        if (amp)
            dw_buf_append(&b, &sep, 1);
        i = end + 1;
    }
    if (!ok) {
        dw_buf_clean_up(&b);
        return NULL;
    }
    return dw_buf_steal(&b);
}

char *dw_redact_body(const char *body, size_t len, size_t max_show)
{
    size_t s = s_skip_blank(body, len);
    char *out = NULL;
    if (s < len && (body[s] == '{' || body[s] == '['))
        out = s_body_json(body, len);
    else if (s < len && body[s] == '<')
        out = s_body_xml(body, len);
    else
        out = s_form(body, len, '&');
    if (!out)
        out = s_not_shown(len, "neither JSON, XML nor a form");
    size_t n = strlen(out);
    if (n > max_show) {
        char *cut = dw_xasprintf("%.*s... (%zu bytes in all)", (int)max_show, out, n);
        free(out);
        out = cut;
    }
    return out;
}

char *dw_redact_header(const char *line)
{
    const char *colon = strchr(line, ':');
    if (!colon)
        return dw_xstrdup(DW_REDACTED); /* not a header line: show nothing of it */
    size_t nl = (size_t)(colon - line);
    static const char *const names[] = {"authorization", "proxy-authorization", "cookie", "set-cookie",
                                        "x-amz-security-token", "x-aws-ec2-metadata-token"};
    bool secret = s_contains_nocase(line, nl, "auth") || dw_secret_name_is_secret(line, nl);
    for (size_t i = 0; i < DW_ARRAY_LEN(names) && !secret; i++)
        secret = nl == strlen(names[i]) && strncasecmp(line, names[i], nl) == 0;
    if (!secret)
        return dw_xstrdup(line);
    return dw_xasprintf("%.*s: " DW_REDACTED, (int)nl, line);
}

char *dw_redact_url(const char *url)
{
    CURLU *u = curl_url();
    char *q = NULL, *shown = NULL, *out = NULL;
    if (!u || curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        out = dw_xstrdup("[a URL that does not parse, not shown]");
        goto out;
    }
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
    if (curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK && q) {
        char *rq = s_form(q, strlen(q), '&');
        if (!rq)
            rq = dw_xstrdup(DW_REDACTED);
        curl_url_set(u, CURLUPART_QUERY, rq, 0);
        free(rq);
    }
    if (curl_url_get(u, CURLUPART_URL, &shown, 0) != CURLUE_OK || !shown)
        out = dw_xstrdup("[a URL that does not print, not shown]");
    else
        out = dw_xstrdup(shown);
out:
    curl_free(q);
    curl_free(shown);
    curl_url_cleanup(u);
    return out;
}
