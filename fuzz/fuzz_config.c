/* fuzz_config.c: dbward.yaml from arbitrary bytes; on success, exercise the
 * loaded expressions once so a bad one cannot hide. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/jmespath.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_config *c = NULL;
    struct dw_error err;
    if (dw_config_load_buffer((const char *)data, size, "fuzz.yaml", &c, &err) != DW_OK) {
        if (!err.message[0])
            abort();
        return 0;
    }
    struct dw_custom_set set;
    if (dw_custom_build(c, &set, &err) != DW_OK) {
        if (!err.message[0] || strcmp(err.source, "fuzz.yaml") != 0)
            abort();
        dw_custom_set_clean_up(&set);
        dw_config_free(c);
        return 0;
    }
    json_t *doc = json_pack("{s:[{s:s}]}", "ReplicationInstances", "EngineVersion", "3.5.3");
    for (size_t i = 0; i < set.n; i++) {
        struct dw_jmes_error je;
        json_t *v = dw_jmes_eval(set.items[i]->condition, doc, &je);
        json_decref(v);
    }
    json_decref(doc);
    dw_custom_set_clean_up(&set);
    dw_config_free(c);
    return 0;
}
