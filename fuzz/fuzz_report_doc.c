/* fuzz_report_doc.c: a JSON report read back (dw_report_load, what
 * `dbward report` and merge's renderings run on) from any bytes. A
 * document that loads renders in every format, and its JSON rendering,
 * loaded again, renders the same JSON: the reader and the writer agree.
 * The fix script of a loaded document is written (its plan per resource
 * splits and rebuilds commands); the document diffed with itself has no
 * new failure, and merged with itself no more findings than it had. A
 * document that is refused is refused with a message. Never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

static char *s_json(const struct dw_report_loaded *r, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    if (!out)
        abort();
    if (dw_report_json(out, &r->meta, &r->findings) != DW_OK)
        abort();
    fclose(out);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *doc = json_loadb((const char *)data, size, 0, &je);
    if (!doc)
        return 0;
    struct dw_report_loaded *r = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_report_load(doc, "fuzz", NULL, 0, &r, &err) != DW_OK) {
        if (!err.message[0])
            abort();
        json_decref(doc);
        return 0;
    }
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        abort();
    struct dw_text_opts to = {.color = true};
    dw_report_text_opts(sink, &r->meta, &r->findings, &to);
    dw_report_csv(sink, &r->findings);
    dw_report_junit(sink, &r->findings);
    dw_report_sarif(sink, &r->meta, &r->findings);
    dw_report_ocsf(sink, &r->meta, &r->findings);
    dw_report_html(sink, &r->meta, &r->findings);
    dw_report_matrix(sink, &r->findings, DW_CSF_2_0, true);
    dw_report_matrix(sink, &r->findings, DW_CSF_1_1, false);
    dw_report_asff(sink, &r->meta, &r->findings, 0, DW_ASFF_BATCH, true);
    /* The fix script, whose plan per resource splits and rebuilds commands. */
    struct dw_remediate_opts ro = {0};
    if (dw_remediate_script(r, "fuzz", &ro, sink) != DW_OK)
        abort();
    /* Compared with itself: nothing new; merged with itself: every key once. */
    size_t fresh = 0;
    if (dw_report_diff(r, "a", r, "b", &(struct dw_diff_opts){.as_json = true}, sink, &fresh, &err) != DW_OK ||
        fresh)
        abort();
    const struct dw_report_loaded *two[2] = {r, r};
    const char *names[2] = {"a", "b"};
    struct dw_report_loaded *m = dw_report_merge(two, names, 2);
    if (m->findings.n > r->findings.n)
        abort();
    dw_report_json(sink, &m->meta, &m->findings);
    dw_report_loaded_free(m);
    fclose(sink);
    /* Written, read and written again: the same JSON. */
    size_t l1 = 0, l2 = 0;
    char *j1 = s_json(r, &l1);
    json_t *doc2 = json_loadb(j1, l1, 0, &je);
    if (!doc2)
        abort();
    struct dw_report_loaded *r2 = NULL;
    if (dw_report_load(doc2, "fuzz again", NULL, 0, &r2, &err) != DW_OK)
        abort();
    char *j2 = s_json(r2, &l2);
    if (l1 != l2 || memcmp(j1, j2, l1) != 0)
        abort();
    free(j1);
    free(j2);
    dw_report_loaded_free(r2);
    dw_report_loaded_free(r);
    json_decref(doc2);
    json_decref(doc);
    return 0;
}
