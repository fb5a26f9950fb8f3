/* fuzz_config.c: dbward.yaml from arbitrary bytes; on success, exercise the
 * loaded expressions once so a bad one cannot hide. */
#include <stdint.h>
#include <stdlib.h>

#include <dbward/config.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_config *c = NULL;
    struct dw_error err;
    if (dw_config_load_buffer((const char *)data, size, "fuzz.yaml", &c, &err) != DW_OK) {
        if (!err.message[0])
            abort();
        return 0;
    }
    json_t *doc = json_pack("{s:[{s:s}]}", "ReplicationInstances", "EngineVersion", "3.5.3");
    for (size_t i = 0; i < c->n_custom; i++) {
        struct dw_jmes_error je;
        json_t *v = dw_jmes_eval(c->custom[i]->condition, doc, &je);
        json_decref(v);
    }
    json_decref(doc);
    dw_config_free(c);
    return 0;
}
