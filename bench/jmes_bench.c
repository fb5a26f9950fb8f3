/* jmes_bench.c: times dbward's JMESPath engine on the compliance suite's
 * benchmark cases: compile ("parse"), evaluate a compiled expression
 * ("interpret") and both ("full"), in microseconds per operation. Prints
 * one JSON line per case for bench/jmespath. Not a test: no thresholds. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <dbward/jmespath.h>

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    json_error_t je;
    json_t *suite = json_load_file(argv[1], 0, &je);
    size_t g, c;
    json_t *group, *cs;
    json_array_foreach(suite, g, group)
    {
        json_t *given = json_object_get(group, "given");
        json_array_foreach(json_object_get(group, "cases"), c, cs)
        {
            const char *expr = json_string_value(json_object_get(cs, "expression"));
            const char *kind = json_string_value(json_object_get(cs, "bench"));
            if (!kind)
                continue;
            struct dw_jmes *jm = NULL;
            if (dw_jmes_compile(expr, strlen(expr), &jm, NULL))
                continue;
            /* Run for about 0.2 s per measurement. */
            long n = 0;
            double t0 = s_now(), t1;
            do {
                for (int k = 0; k < 100; k++) {
                    if (!strcmp(kind, "interpret")) {
                        json_decref(dw_jmes_eval(jm, given, NULL));
                    } else {
                        struct dw_jmes *x = NULL;
                        dw_jmes_compile(expr, strlen(expr), &x, NULL);
                        if (!strcmp(kind, "full"))
                            json_decref(dw_jmes_eval(x, given, NULL));
                        dw_jmes_free(x);
                    }
                }
                n += 100;
                t1 = s_now();
            } while (t1 - t0 < 0.2);
            printf("{\"case\": \"%zu.%zu\", \"bench\": \"%s\", \"us\": %.3f}\n", g, c, kind, (t1 - t0) / (double)n * 1e6);
            dw_jmes_free(jm);
        }
    }
    json_decref(suite);
    return 0;
}
