/* fuzz_ini.c: the shared config and credentials files. */
#include <stdint.h>
#include <stdlib.h>

#include <dbward/creds.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_error err;
    if (dw_ini_check((const char *)data, size, "fuzz.ini", &err) != DW_OK && (!err.message[0] || err.line < 1))
        abort();
    return 0;
}
