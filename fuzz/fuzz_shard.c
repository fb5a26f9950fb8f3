/* fuzz_shard.c: the --shard value and the batch systems' index variables
 * (dw_audit_shard_parse, src/audit/shard.c). The input is three lines: the
 * option's value, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX (an empty
 * or missing line is an unset variable). Besides not crashing: a refusal has
 * a reason; an accepted value has 1 <= count <= DW_SHARD_MAX and index <
 * count, and the share it selects of a list with repeats holds each id at
 * most once and the size the rule gives (ceil or floor of distinct / count). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"

static const char *const s_ids[] = {"333333333333", "111111111111", "222222222222", "111111111111",
                                    "555555555555", "444444444444", "666666666666"};
#define S_N (sizeof(s_ids) / sizeof(s_ids[0]))
#define S_DISTINCT 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0'; /* a NUL inside ends the text, as in argv and the environment */
    char *line[3] = {text, NULL, NULL};
    for (int i = 1; i < 3; i++) {
        char *nl = line[i - 1] ? strchr(line[i - 1], '\n') : NULL;
        if (nl) {
            *nl = '\0';
            line[i] = nl + 1;
        }
    }
    struct dw_shard sh;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_audit_shard_parse(line[0], line[1], line[2], &sh, &err) != DW_OK) {
        if (!err.message[0] || err.status != DW_E_USAGE)
            abort();
        free(text);
        return 0;
    }
    if (sh.count < 1 || sh.count > DW_SHARD_MAX || sh.index >= sh.count)
        abort();
    bool keep[S_N];
    size_t kept = dwi_shard_select(s_ids, S_N, &sh, keep);
    size_t want = S_DISTINCT / sh.count + (sh.index < S_DISTINCT % sh.count ? 1 : 0);
    size_t n = 0;
    for (size_t i = 0; i < S_N; i++) {
        for (size_t k = 0; k < i && keep[i]; k++) {
            if (keep[k] && strcmp(s_ids[k], s_ids[i]) == 0)
                abort(); /* an id kept twice */
        }
        n += keep[i];
    }
    if (kept != want || n != kept)
        abort();
    free(text);
    return 0;
}
