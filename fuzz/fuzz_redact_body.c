/* fuzz_redact_body.c: the debug log's body redaction (JSON, XML, forms).
 * Any input: no crash, no leak. A JSON input that parses: the redacted
 * text parses too and no sensitive member holds anything but
 * "[REDACTED]" or null. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "redact/redact.h"

static void s_check(json_t *j, int depth)
{
    if (depth > DW_REDACT_MAX_DEPTH + 1)
        return;
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) s_check(v, depth + 1);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        if (dw_redact_member_is_sensitive(k) && !json_is_null(v) &&
            !(json_is_string(v) && strcmp(json_string_value(v), DW_REDACTED) == 0))
            abort(); /* a sensitive member kept its value */
        s_check(v, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = dw_redact_body((const char *)data, size, (size_t)-1);
    json_t *in = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    if (in && (json_is_object(in) || json_is_array(in))) {
        json_t *red = json_loads(out, JSON_ALLOW_NUL, NULL);
        if (!red)
            abort(); /* redacted JSON must still be JSON */
        s_check(red, 0);
        json_decref(red);
    }
    json_decref(in);
    free(out);
    return 0;
}
