/* fuzz_report.c: every report writer as a round trip. The input is cut at
 * newlines into fields for up to four findings (resource id, reason, region,
 * a command, a muted reason); each writer renders them, and what can be read
 * back is: the JSON report, SARIF, OCSF and ASFF with jansson (the resource
 * id must come back byte for byte), JUnit with libxml2 (well-formed), CSV
 * with an RFC 4180 reader (every field back). The JSON report then goes
 * through diff and remediate, the readers of dbward's own reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <dbward/report.h>

#include "util/util.h"

/* Length of the valid UTF-8 sequence at s (of n bytes), 0 when invalid. */
static size_t s_utf8_len(const unsigned char *s, size_t n)
{
    size_t need = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!need || need > n || (need == 2 && s[0] < 0xC2) || (need == 4 && s[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (need == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0;
    if (need == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return need;
}

/* The next field, up to a newline. Findings hold UTF-8 text (they come from
 * JSON), so NUL and bytes that are not UTF-8 become '?'. */
static char *s_field(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *s = *p;
    while (*p < end && **p != '\n')
        (*p)++;
    size_t n = (size_t)(*p - s);
    char *f = dw_xstrndup((const char *)s, n);
    for (size_t i = 0; i < n;) {
        size_t l = f[i] ? s_utf8_len((const unsigned char *)f + i, n - i) : 0;
        if (!l) {
            f[i++] = '?';
            continue;
        }
        i += l;
    }
    if (*p < end)
        (*p)++;
    return f;
}

static char *s_render(int which, const struct dw_report_meta *meta, const struct dw_findings *f, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    if (!out)
        abort();
    enum dw_status rc = DW_OK;
    switch (which) {
    case 0: rc = dw_report_json(out, meta, f); break;
    case 1: rc = dw_report_sarif(out, meta, f); break;
    case 2: rc = dw_report_ocsf(out, meta, f); break;
    case 3: rc = dw_report_asff(out, meta, f, 0, DW_ASFF_BATCH, false); break;
    case 4: rc = dw_report_junit(out, f); break;
    case 5: rc = dw_report_csv(out, f); break;
    case 6: rc = dw_report_html(out, meta, f); break;
    case 7: rc = dw_report_text(out, meta, f, true); break;
    case 8: rc = dw_report_matrix(out, f, DW_CSF_1_1, true); break;
    default: rc = dw_report_matrix(out, f, DW_CSF_2_0, true); break;
    }
    fclose(out);
    if (rc != DW_OK)
        abort();
    return buf;
}

/* Undoes the writer's two cell rules (docs/reports.md, "CSV"): a leading
 * ' mark, then \n, \r and \\. In place. */
static void s_csv_cell_decode(char *v)
{
    char *w = v;
    const char *r = v[0] == '\'' ? v + 1 : v;
    for (; *r; r++) {
        if (*r == '\\' && (r[1] == 'n' || r[1] == 'r' || r[1] == '\\')) {
            *w++ = r[1] == 'n' ? '\n' : r[1] == 'r' ? '\r' : '\\';
            r++;
        } else if (*r == '\\' || *r == '\n' || *r == '\r') {
            abort(); /* a lone backslash or a raw line break: the writer escapes them */
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* Reads one RFC 4180 record at *p; returns the number of fields and
 * stores field k (malloc'd) in want_k when k == pick. */
static size_t s_csv_record(const char **p, size_t pick, char **picked)
{
    size_t k = 0;
    struct dw_buf b;
    for (;;) {
        dw_buf_init(&b, (size_t)1 << 26);
        if (**p == '"') {
            (*p)++;
            for (;;) {
                if (**p == '\0')
                    abort(); /* unterminated quote */
                if (**p == '"' && (*p)[1] == '"') {
                    dw_buf_append(&b, "\"", 1);
                    *p += 2;
                } else if (**p == '"') {
                    (*p)++;
                    break;
                } else {
                    dw_buf_append(&b, *p, 1);
                    (*p)++;
                }
            }
        } else {
            while (**p && **p != ',' && !(**p == '\r' && (*p)[1] == '\n'))
                dw_buf_append(&b, (*p)++, 1);
        }
        char *v = dw_buf_steal(&b);
        if (k == pick && picked)
            *picked = v;
        else
            free(v);
        k++;
        if (**p == ',') {
            (*p)++;
            continue;
        }
        if (**p == '\r' && (*p)[1] == '\n')
            *p += 2;
        else if (**p)
            abort(); /* text after a closing quote */
        return k;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ids[] = {"DMS-01", "DDB-10", "ACC-01", "DMS-05"};
    static const enum dw_result st[] = {DW_FAIL, DW_MUTED, DW_ERROR, DW_PASS};
    const uint8_t *p = data, *end = data + size;
    struct dw_findings f = {0};
    f.cap = 4;
    f.v = dw_xcalloc(f.cap, sizeof(*f.v));
    while (f.n < 4 && p < end) {
        struct dw_finding *x = &f.v[f.n];
        x->control = dw_catalog_find(ids[f.n]);
        x->status = st[f.n];
        x->muted_from = DW_FAIL;
        x->severity = x->control->severity;
        x->resource_type = dw_xstrdup(x->control->resource_type);
        x->resource_id = s_field(&p, end);
        x->reason = s_field(&p, end);
        x->region = s_field(&p, end);
        x->account_id = dw_xstrdup("123456789012");
        x->commands = dw_xcalloc(1, sizeof(char *));
        x->commands[0] = s_field(&p, end);
        x->n_commands = 1;
        if (x->status == DW_MUTED)
            x->muted_reason = s_field(&p, end);
        f.n++;
    }
    static const char *regions[] = {"us-east-1"};
    struct dw_report_meta meta = {.account_id = "123456789012", .partition = "aws", .regions = regions, .n_regions = 1, .taken_at = "2026-01-01T00:00:00Z", .source = "fuzz"};
    for (int w = 0; w < 10; w++) {
        size_t len = 0;
        char *out = s_render(w, &meta, &f, &len);
        if (w <= 3) {
            /* JSON writers: every document parses; OCSF is one per line. */
            json_error_t je;
            if (w == 2) {
                char *line = out;
                for (size_t i = 0; i < f.n; i++) {
                    char *nl = strchr(line, '\n');
                    if (!nl)
                        abort();
                    json_t *e = json_loadb(line, (size_t)(nl - line), 0, &je);
                    if (!e)
                        abort();
                    const char *rid = json_string_value(
                        json_object_get(json_array_get(json_object_get(e, "resources"), 0), "uid"));
                    if (!rid || strcmp(rid, f.v[i].resource_id) != 0)
                        abort();
                    json_decref(e);
                    line = nl + 1;
                }
            } else {
                json_t *doc = json_loadb(out, len, 0, &je);
                if (!doc)
                    abort();
                if (w == 0) {
                    json_t *fs = json_object_get(doc, "findings");
                    for (size_t i = 0; i < f.n; i++) {
                        const json_t *x = json_array_get(fs, i);
                        if (strcmp(json_string_value(json_object_get(x, "resource_id")), f.v[i].resource_id) ||
                            strcmp(json_string_value(json_object_get(x, "reason")), f.v[i].reason))
                            abort();
                    }
                    /* dbward's own readers of reports. */
                    size_t fresh = 0;
                    struct dw_error err;
                    struct dw_report_loaded *r = NULL;
                    if (dw_report_load(doc, "a", NULL, 0, &r, &err) != DW_OK)
                        abort();
                    FILE *sink = fopen("/dev/null", "w");
                    if (dw_report_diff(r, "a", r, "b", &(struct dw_diff_opts){0}, sink, &fresh, &err) != DW_OK || fresh)
                        abort();
                    struct dw_remediate_opts ro = {0};
                    if (dw_remediate_script(r, "a", &ro, sink) != DW_OK)
                        abort();
                    fclose(sink);
                    dw_report_loaded_free(r);
                }
                json_decref(doc);
            }
        } else if (w == 4) {
            xmlDocPtr x = xmlReadMemory(out, (int)len, "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                          XML_PARSE_NOWARNING);
            if (!x)
                abort();
            xmlFreeDoc(x);
        } else if (w == 5) {
            const char *q = out;
            (void)s_csv_record(&q, 99, NULL); /* header */
            for (size_t i = 0; i < f.n; i++) {
                char *rid = NULL;
                if (s_csv_record(&q, 7, &rid) != 16 || !rid)
                    abort();
                s_csv_cell_decode(rid);
                if (strcmp(rid, f.v[i].resource_id) != 0)
                    abort();
                free(rid);
            }
            if (*q)
                abort();
        }
        free(out);
    }
    dw_findings_clean_up(&f);
    return 0;
}
