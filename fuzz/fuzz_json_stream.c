/* fuzz_json_stream.c: the streamed reader of a JSON object (dw_json_stream,
 * what report and merge read reports of any size with) against jansson's
 * whole-document load with the same rules (dw_json_load_buffer), the
 * oracle. Whatever the whole load takes as an object, the streamed read
 * takes too, member for member and element for element, and skipping the
 * elements gives the same members; whatever it refuses, the streamed read
 * refuses with a message. A document that loads as a report reads the
 * same opened in two passes (dw_report_open, dw_report_findings) as read
 * whole: the same JSON report written from either; merged streamed with a
 * copy of itself under other account ids (dw_report_merge_stream), when
 * that streams, it gives the JSON the whole merge (dw_report_merge) gives.
 * Never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/json.h>
#include <dbward/report.h>

static enum dw_status s_collect(void *user, json_t *elem, size_t index, struct dw_error *err)
{
    (void)err;
    if (index != json_array_size(user))
        abort();
    json_array_append(user, elem);
    return DW_OK;
}


static enum dw_status s_copy_batch(void *user, const struct dw_findings *batch)
{
    for (size_t i = 0; i < batch->n; i++)
        dw_findings_push_copy(user, &batch->v[i]);
    return DW_OK;
}

static enum dw_status s_copy(void *user, struct dw_findings *batch) { return s_copy_batch(user, batch); }

static char *s_json(const struct dw_report_meta *meta, const struct dw_findings *f, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    if (!out || dw_report_json(out, meta, f) != DW_OK)
        abort();
    fclose(out);
    return buf;
}

/* Aborts unless both write the same JSON report. */
static void s_same_json(const struct dw_report_meta *ma, const struct dw_findings *fa,
                        const struct dw_report_meta *mb, const struct dw_findings *fb)
{
    size_t la, lb;
    char *a = s_json(ma, fa, &la);
    char *b = s_json(mb, fb, &lb);
    if (la != lb || memcmp(a, b, la) != 0)
        abort();
    free(a);
    free(b);
}

/* doc with every account id (the report's, its list's, each finding's)
 * suffixed: a report of other accounts. */
static json_t *s_moved(const json_t *doc)
{
    json_t *d = json_deep_copy(doc);
    const char *a = json_string_value(json_object_get(d, "account_id"));
    if (a)
        json_object_set_new(d, "account_id", json_sprintf("%s~", a));
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(d, "accounts"), i, v)
    {
        json_t *n = json_is_string(v) ? json_sprintf("%s~", json_string_value(v)) : NULL;
        if (n)
            json_string_set(v, json_string_value(n));
        json_decref(n);
    }
    json_array_foreach(json_object_get(d, "findings"), i, v)
    {
        const char *fa = json_string_value(json_object_get(v, "account_id"));
        if (fa)
            json_object_set_new(v, "account_id", json_sprintf("%s~", fa));
    }
    return d;
}


/* The report and its moved copy merged streamed and whole. */
static void s_merge(const uint8_t *data, size_t size, json_t *whole, struct dw_report_loaded *r)
{
    json_t *moved = s_moved(whole);
    char *text = json_dumps(moved, JSON_COMPACT);
    struct dw_error err;
    struct dw_report_loaded *m2 = NULL;
    if (!text || dw_report_load(moved, "b", NULL, 0, &m2, &err) != DW_OK)
        abort();
    FILE *fa = fmemopen((void *)data, size, "rb"), *fb = fmemopen(text, strlen(text), "rb");
    struct dw_report_loaded *o[2] = {NULL, NULL};
    if (!fa || !fb || dw_report_open(fa, "a", NULL, NULL, 0, &o[0], &err) != DW_OK ||
        dw_report_open(fb, "b", NULL, NULL, 0, &o[1], &err) != DW_OK)
        abort();
    struct dw_fsrc *spool = NULL;
    struct dw_report_loaded *sm = NULL;
    bool overlap = false;
    const char *names[2] = {"a", "b"};
    if (dw_fsrc_spool_new(&spool, &err) != DW_OK ||
        dw_report_merge_stream(o, names, 2, spool, &sm, &overlap, &err) != DW_OK)
        abort();
    if (!overlap) {
        struct dw_findings got = {0};
        if (dw_fsrc_batches(spool, 64, s_copy_batch, &got) != DW_OK)
            abort();
        const struct dw_report_loaded *two[2] = {r, m2};
        struct dw_report_loaded *wm = dw_report_merge(two, names, 2);
        s_same_json(&wm->meta, &wm->findings, &sm->meta, &got);
        dw_report_loaded_free(wm);
        dw_findings_clean_up(&got);
    }
    dw_report_loaded_free(sm);
    dw_fsrc_free(spool);
    dw_report_loaded_free(o[0]);
    dw_report_loaded_free(o[1]);
    dw_report_loaded_free(m2);
    free(text);
    json_decref(moved);
}

/* The same bytes read whole and opened in two passes, as a report. */
static void s_report(const uint8_t *data, size_t size, json_t *whole)
{
    struct dw_error err;
    struct dw_report_loaded *r = NULL, *o = NULL;
    bool loads = dw_report_load(whole, "fuzz", NULL, 0, &r, &err) == DW_OK;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        abort();
    if (dw_report_open(f, "fuzz", NULL, NULL, 0, &o, &err) != DW_OK) {
        if (loads || !err.message[0])
            abort();
        return;
    }
    struct dw_findings got = {0};
    enum dw_status rc = dw_report_findings(o, 7, s_copy, &got, &err);
    if (loads != (rc == DW_OK) || (rc && !err.message[0]))
        abort();
    if (loads) {
        s_same_json(&r->meta, &r->findings, &o->meta, &got);
        s_merge(data, size, whole, r);
    }
    dw_findings_clean_up(&got);
    dw_report_loaded_free(o);
    dw_report_loaded_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_error err;
    json_t *whole = NULL;
    bool ok = dw_json_load_buffer((const char *)data, size, "fuzz", &whole, &err) == DW_OK && json_is_object(whole);
    for (int skip = 0; skip < 2; skip++) {
        FILE *f = fmemopen((void *)data, size, "rb");
        if (!f)
            abort();
        json_t *elems = json_array(), *head = NULL;
        enum dw_status rc = dw_json_stream(f, "fuzz", "findings", skip ? NULL : s_collect, elems, &head, &err);
        fclose(f);
        if (rc && !err.message[0])
            abort();
        if (ok) {
            if (rc)
                abort();
            json_t *want = json_deep_copy(whole);
            if (json_is_array(json_object_get(want, "findings"))) {
                if (!skip && !json_equal(json_object_get(want, "findings"), elems))
                    abort();
                json_object_set_new(want, "findings", json_array());
            }
            if (!json_equal(want, head))
                abort();
            json_decref(want);
        } else if (!skip && !rc) {
            abort(); /* refused whole, taken streamed */
        }
        json_decref(head);
        json_decref(elems);
    }
    if (ok)
        s_report(data, size, whole);
    json_decref(whole);
    return 0;
}
