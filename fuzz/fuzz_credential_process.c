/* fuzz_credential_process.c: the JSON a credential_process prints. */
#include <stdint.h>
#include <stdlib.h>

#include <dbward/creds.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_creds *c = NULL;
    struct dw_error err;
    if (dw_creds_parse_process_output((const char *)data, size, &c, &err) == DW_OK) {
        if (!c || !c->access_key_id || !c->secret_key)
            abort();
        dw_creds_free(c);
    } else if (!err.message[0]) {
        abort();
    }
    return 0;
}
