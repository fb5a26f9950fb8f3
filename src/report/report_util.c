/* report_util.c: helpers shared by the report writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "report/report_util.h"
#include "util/util.h"

void dw_rpt_finding_id(const struct dw_finding *x, char *out, size_t out_len)
{
    char *key = dw_finding_key(x->account_id, x->region, x->control->id, x->resource_id);
    unsigned char md[32];
    unsigned int md_len = 0;
    if (!EVP_Digest(key, strlen(key), md, &md_len, EVP_sha256(), NULL))
        memset(md, 0, sizeof(md));
    free(key);
    size_t at = 0;
    for (unsigned int i = 0; i < 32 && at + 2 < out_len; i++) {
        snprintf(out + at, out_len - at, "%02x", md[i]);
        at += 2;
    }
    if (out_len)
        out[at < out_len ? at : out_len - 1] = '\0';
}

int64_t dw_rpt_taken_at(const struct dw_report_meta *meta)
{
    int64_t t = 0;
    if (!meta->taken_at || !dw_time_parse_iso8601(meta->taken_at, &t))
        return 0;
    return t;
}

json_t *dw_rpt_csf_array(const struct dw_control *c, enum dw_csf_version v, const char *prefix)
{
    struct dw_csf_list l;
    dw_control_csf(c, v, &l);
    json_t *a = json_array();
    for (size_t i = 0; i < l.n; i++) {
        char *s = dw_xasprintf("%s%s", prefix ? prefix : "", l.v[i]);
        json_array_append_new(a, json_string(s));
        free(s);
    }
    return a;
}

json_t *dw_rpt_csf_requirements(const struct dw_control *c)
{
    json_t *a = dw_rpt_csf_array(c, DW_CSF_1_1, "NIST CSF 1.1 ");
    json_t *b = dw_rpt_csf_array(c, DW_CSF_2_0, "NIST CSF 2.0 ");
    json_t *cs = dw_rpt_cs_array(c);
    json_array_extend(a, b);
    json_array_extend(a, cs);
    json_decref(b);
    json_decref(cs);
    return a;
}

json_t *dw_rpt_cs_array(const struct dw_control *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < 4 && c->statements[i]; i++) {
        char s[16];
        snprintf(s, sizeof(s), "CS-%02d", c->statements[i]);
        json_array_append_new(a, json_string(s));
    }
    return a;
}

enum dw_status dw_rpt_dump(FILE *out, json_t *root, size_t flags)
{
    int rc = json_dumpf(root, out, flags);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return DW_E_IO;
    return DW_OK;
}

void dw_rpt_markup(FILE *out, const char *s, const char *apos, const char *bad)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs(apos, out); break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
                fputs(bad, out);
            else
                fputc(*p, out);
        }
    }
}
