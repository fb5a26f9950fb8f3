/* fuzz_jmespath.c: compile arbitrary expressions, then evaluate them on a
 * fixed document; every failure must carry a kind and a message. */
#include <stdint.h>
#include <stdlib.h>

#include <dbward/jmespath.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_jmes *j = NULL;
    struct dw_jmes_error err;
    if (dw_jmes_compile((const char *)data, size, &j, &err) != DW_OK) {
        if (err.kind == DW_JMES_OK || !err.message[0] || err.offset > size)
            abort();
        return 0;
    }
    json_t *doc = json_pack("{s:[{s:i, s:s}, {s:i, s:[i, i]}], s:{s:b, s:n}, s:s}", "a", "b", 1, "c", "x", "b", 2,
                            "d", 1, 2, "e", "f", 1, "g", "h", "caf\xc3\xa9");
    json_t *out = dw_jmes_eval(j, doc, &err);
    if (!out && (err.kind == DW_JMES_OK || !err.message[0]))
        abort();
    json_decref(out);
    json_decref(doc);
    dw_jmes_free(j);
    return 0;
}
