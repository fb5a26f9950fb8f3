/* fuzz_jmespath_eval.c: expression and document together, split at the
 * first NUL byte; the document is parsed with dbward's JSON limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/jmespath.h>
#include <dbward/snapshot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    if (!nul)
        return 0;
    size_t elen = (size_t)(nul - data);
    json_t *doc = NULL;
    struct dw_error jerr;
    if (dw_json_load_buffer((const char *)nul + 1, size - elen - 1, "fuzz", &doc, &jerr) != DW_OK)
        return 0;
    struct dw_jmes *j = NULL;
    struct dw_jmes_error err;
    if (dw_jmes_compile((const char *)data, elen, &j, &err) == DW_OK) {
        json_t *out = dw_jmes_eval(j, doc, &err);
        if (!out && err.kind == DW_JMES_OK)
            abort();
        json_t *again = dw_jmes_eval(j, doc, &err); /* a compiled expression is reusable */
        if ((out == NULL) != (again == NULL))
            abort();
        json_decref(out);
        json_decref(again);
        dw_jmes_free(j);
    }
    json_decref(doc);
    return 0;
}
