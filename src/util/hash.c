/* hash.c: the string hash every table of names in dbward uses (64-bit
 * FNV-1a). */
#include <stdint.h>

#include "util/util.h"

uint64_t dw_hash_str(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}
