/* dbward/secret.h: holders for secret bytes (secret keys, session tokens,
 * derived signing keys, endpoint passwords). The memory is wiped before it
 * is freed; nothing in dbward formats a dw_secret into a log or report. */
#ifndef DBWARD_SECRET_H
#define DBWARD_SECRET_H

#include <stdbool.h>
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

/* True when a setting's name names a password, secret, key or token: it
 * contains, case-insensitively, one of "pwd", "pass", "secret", "key",
 * "token", "credential" or "securitydbencryption" (docs/live.md lists them).
 * Used for DMS extra connection attribute keys and credential headers. */
bool dw_secret_name_is_secret(const char *name, size_t len);

/* Redacts a DMS ExtraConnectionAttributes string: a ';'-separated list of
 * key=value entries. A value whose key dw_secret_name_is_secret accepts is
 * replaced by "[REDACTED]": the value runs to the next ';', and when it
 * opens with a quote (" or ') or '{', also on to the matching close that
 * only blanks and then ';' or the end follow (a backslash escapes the next
 * byte), so a quoted value may hold ';'. An unterminated quote redacts
 * everything to the end of the string. A non-blank segment without '='
 * (possibly the tail of a value that held ';') is redacted whole. Since
 * this grammar is ambiguous, every ';' starts a candidate entry and a byte
 * is kept only if no reading puts it inside a secret value; runs of
 * redacted bytes become one "[REDACTED]". Other bytes are copied as they
 * are. Returns a new NUL-terminated string (free with free()); *out_len
 * (may be NULL) gets its length, which may hold NULs copied from s.
 * *n_redacted (may be NULL) gets the number of "[REDACTED]" runs. */
char *dw_eca_redact(const char *s, size_t len, size_t *out_len, size_t *n_redacted);

#endif
