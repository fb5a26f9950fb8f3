/* report_stream.c: reports written batch by batch as an audit makes its
 * findings (dbward/report.h dw_report_stream_*), so no finding is kept.
 * CSV rows go straight to the output. The JSON report's head names every
 * account and the time of the oldest evidence: when the metadata is final
 * before the findings (dw_report_stream_head: one snapshot), the head is
 * written first and the findings straight after it; otherwise they go to
 * an unnamed temporary file (tmpfile: 0600, never in a folder listing, gone
 * when closed) and are copied after the head at the end. Both write the
 * same bytes as dw_report_json and dw_report_csv do on the same findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

enum s_kind { S_JSON, S_CSV };

struct dw_report_stream {
    enum s_kind kind;
    FILE *out;
    FILE *body;          /* JSON without a head yet: the findings so far */
    char *head;          /* JSON with its head written: the head's bytes */
    size_t head_len;
    struct dw_summary sum;
    size_t total;
    bool failed;
};

bool dw_report_can_stream(const char *format)
{
    return strcmp(format, "json") == 0 || strcmp(format, "csv") == 0;
}

enum dw_status dw_report_stream_new(const char *format, FILE *out, struct dw_report_stream **s_out,
                                    struct dw_error *err)
{
    *s_out = NULL;
    if (!dw_report_can_stream(format))
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0, "the %s report cannot be written as a stream", format);
    struct dw_report_stream *s = dw_xcalloc(1, sizeof(*s));
    s->out = out;
    s->kind = strcmp(format, "json") == 0 ? S_JSON : S_CSV;
    if (s->kind == S_JSON) {
        s->body = tmpfile();
        if (!s->body) {
            free(s);
            return dw_error_set(err, DW_E_IO, "", 0, 0, 0, "cannot create a temporary file for the report: %s",
                                strerror(errno));
        }
    } else {
        dw_rpt_csv_head(out);
    }
    *s_out = s;
    return DW_OK;
}

/* The JSON head of meta, as bytes (new) in *len. */
static char *s_head_bytes(const struct dw_report_meta *meta, size_t *len)
{
    char *buf = NULL;
    FILE *m = open_memstream(&buf, len);
    if (!m)
        return NULL;
    struct dw_jw w;
    dw_jw_init(&w, m);
    dw_rpt_json_head(&w, meta);
    bool ok = dw_jw_status(&w) == DW_OK;
    if (fclose(m) != 0 || !ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

enum dw_status dw_report_stream_head(struct dw_report_stream *s, const struct dw_report_meta *meta)
{
    if (s->kind != S_JSON || s->head || s->total)
        return DW_OK; /* CSV has no head; after findings it is too late */
    s->head = s_head_bytes(meta, &s->head_len);
    if (!s->head || fwrite(s->head, 1, s->head_len, s->out) != s->head_len)
        s->failed = true;
    fclose(s->body);
    s->body = NULL;
    return s->failed ? DW_E_IO : DW_OK;
}

enum dw_status dw_report_stream_add(struct dw_report_stream *s, const struct dw_findings *batch)
{
    if (s->kind == S_JSON) {
        struct dw_jw w;
        dw_rpt_json_body_writer(&w, s->body ? s->body : s->out, s->total > 0);
        dw_rpt_json_findings(&w, batch);
        s->failed = s->failed || dw_jw_status(&w) != DW_OK;
    } else {
        dw_rpt_csv_rows(s->out, batch);
        s->failed = s->failed || ferror(s->out);
    }
    dw_summary_add(&s->sum, batch);
    s->total += batch->n;
    return s->failed ? DW_E_IO : DW_OK;
}

/* Copies the body after the head. */
static bool s_copy(FILE *from, FILE *to)
{
    if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
        return false;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), from)) > 0) {
        if (fwrite(buf, 1, n, to) != n)
            return false;
    }
    return !ferror(from);
}

enum dw_status dw_report_stream_finish(struct dw_report_stream *s, const struct dw_report_meta *meta)
{
    if (s->kind == S_JSON && !s->failed && s->head) {
        /* The head written first must be the run's: the metadata promised
         * final before the findings is checked against the end's. */
        size_t len = 0;
        char *now = s_head_bytes(meta, &len);
        s->failed = !now || len != s->head_len || memcmp(now, s->head, len) != 0;
        free(now);
        struct dw_jw w;
        dw_rpt_json_body_writer(&w, s->out, s->total > 0);
        if (!s->failed)
            dw_rpt_json_tail(&w, &s->sum, s->total);
        s->failed = s->failed || dw_jw_status(&w) != DW_OK || fputc('\n', s->out) == EOF;
    } else if (s->kind == S_JSON && !s->failed) {
        struct dw_jw w;
        dw_jw_init(&w, s->out);
        dw_rpt_json_head(&w, meta);
        s->failed = dw_jw_status(&w) != DW_OK || !s_copy(s->body, s->out);
        w.any[w.depth - 1] = s->total > 0;
        dw_rpt_json_tail(&w, &s->sum, s->total);
        s->failed = s->failed || dw_jw_status(&w) != DW_OK || fputc('\n', s->out) == EOF;
    }
    return s->failed || ferror(s->out) ? DW_E_IO : DW_OK;
}

void dw_report_stream_free(struct dw_report_stream *s)
{
    if (!s)
        return;
    if (s->body)
        fclose(s->body);
    free(s->head);
    free(s);
}
