/* jmespath_compliance.c: runs one file of the JMESPath compliance suite
 * (a JSON file of tests/conformance/jmespath): every case must give its result (by
 * value: 1 == 1.0, object key order ignored) or its error kind. Bench-only
 * cases must merely succeed. Prints "N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/jmespath.h>

static int s_same(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return 0;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (!s_same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        }
        return 1;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            json_t *w = json_object_get(b, k);
            if (!w || !s_same(v, w))
                return 0;
        }
        return 1;
    }
    return json_equal(a, b);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    json_error_t je;
    json_t *suite = json_load_file(argv[1], 0, &je);
    if (!json_is_array(suite)) {
        fprintf(stderr, "%s:%d:%d: %s\n", argv[1], je.line, je.column, je.text);
        return 2;
    }
    int pass = 0, fail = 0;
    size_t g, c;
    json_t *group, *cs;
    json_array_foreach(suite, g, group)
    {
        json_t *given = json_object_get(group, "given");
        json_array_foreach(json_object_get(group, "cases"), c, cs)
        {
            const char *expr = json_string_value(json_object_get(cs, "expression"));
            json_t *want = json_object_get(cs, "result");
            const char *want_err = json_string_value(json_object_get(cs, "error"));
            int bench_only = !want && !want_err && json_object_get(cs, "bench");
            struct dw_jmes *jm = NULL;
            struct dw_jmes_error err;
            json_t *got = NULL;
            const char *got_err = NULL;
            if (dw_jmes_compile(expr, strlen(expr), &jm, &err) != DW_OK) {
                got_err = dw_jmes_err_kind_str(err.kind);
            } else {
                got = dw_jmes_eval(jm, given, &err);
                if (!got)
                    got_err = dw_jmes_err_kind_str(err.kind);
            }
            int ok;
            if (want_err)
                ok = got_err && strcmp(got_err, want_err) == 0;
            else if (bench_only)
                ok = got != NULL;
            else
                ok = got && s_same(got, want);
            if (ok) {
                pass++;
            } else {
                fail++;
                char *g1 = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
                char *w1 = want ? json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
                fprintf(stderr, "FAIL [%zu.%zu] %s\n  want %s\n  got  %s%s%s\n", g, c, expr,
                        want_err ? want_err : (w1 ? w1 : "(bench)"), got_err ? got_err : (g1 ? g1 : "?"),
                        got_err ? ": " : "", got_err ? err.message : "");
                free(g1);
                free(w1);
            }
            json_decref(got);
            dw_jmes_free(jm);
        }
    }
    json_decref(suite);
    printf("%s: %d passed, %d failed\n", argv[1], pass, fail);
    return fail ? 1 : 0;
}
