/* dbward/secret.h: holders for secret bytes (secret keys, session tokens,
 * derived signing keys, endpoint passwords). The memory is wiped before it
 * is freed; nothing in dbward formats a dw_secret into a log or report. */
#ifndef DBWARD_SECRET_H
#define DBWARD_SECRET_H

#include <stddef.h>

struct dw_secret {
    unsigned char *bytes; /* len bytes, followed by a NUL for C APIs */
    size_t len;
};

/* Copies len bytes into a new secret; free with dw_secret_free. */
struct dw_secret *dw_secret_new(const void *data, size_t len);
/* Same from a NUL-terminated string; NULL in gives NULL out. */
struct dw_secret *dw_secret_from_str(const char *s);
/* Wipes and frees; NULL is fine. */
void dw_secret_free(struct dw_secret *s);
/* The secret as a NUL-terminated string, borrowed. Only signers and HTTP
 * header assembly may call this. */
const char *dw_secret_str(const struct dw_secret *s);
/* Wipes n bytes at p in a way the compiler cannot drop. */
void dw_secure_zero(void *p, size_t n);

#endif
