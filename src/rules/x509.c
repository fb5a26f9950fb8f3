/* x509.c: PEM certificates from outside dbward (a DMS certificate's
 * CertificatePem, the company CA bundle of DMS-14) parsed with OpenSSL, and
 * the chain check against the bundle with OpenSSL's X509_STORE. Bad input is
 * a reason (a new string), never a crash. It does not judge dates: DMS-14
 * reads ValidToDate from the answer, so the chain check ignores time. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "rules_int.h"

#define DWI_CERTS_MAX 512                      /* certificates in one text */
#define DWI_BUNDLE_MAX_BYTES ((size_t)4 << 20) /* a CA bundle file */

struct dwi_certs {
    STACK_OF(X509) *v; /* owned; the first is the certificate judged */
};

/* OpenSSL's last error as a new string ("PEM routines::bad base64 decode"), then clears it. */
static char *s_ssl_why(const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    char buf[256];
    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    return dw_xstrdup(e ? buf : fallback);
}

struct dwi_certs *dwi_certs_parse(const char *pem, size_t len, char **why)
{
    *why = NULL;
    if (len > INT_MAX) {
        *why = dw_xstrdup("the text is too large");
        return NULL;
    }
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    STACK_OF(X509) *v = sk_X509_new_null();
    if (!bio || !v)
        abort(); /* out of memory: dbward aborts on OOM */
    X509 *x = NULL;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (sk_X509_num(v) >= DWI_CERTS_MAX || !sk_X509_push(v, x)) {
            X509_free(x);
            *why = dw_xasprintf("more than %d certificates", DWI_CERTS_MAX);
            break;
        }
    }
    if (!*why) {
        /* The loop ends at the first block that is not a certificate: after at least one
         * certificate, running out of PEM blocks is the normal end; anything else is not. */
        unsigned long e = ERR_peek_last_error();
        bool clean_end = ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
        if (sk_X509_num(v) == 0 && (clean_end || !e)) {
            *why = dw_xstrdup("no PEM certificate in it (no -----BEGIN CERTIFICATE----- block)");
            ERR_clear_error();
        } else if (!clean_end && e) {
            char *ssl = s_ssl_why("unreadable");
            *why = dw_xasprintf("certificate %d does not parse: %s", sk_X509_num(v) + 1, ssl);
            free(ssl);
        }
        ERR_clear_error();
    }
    BIO_free(bio);
    if (*why) {
        sk_X509_pop_free(v, X509_free);
        return NULL;
    }
    struct dwi_certs *c = dw_xcalloc(1, sizeof(*c));
    c->v = v;
    return c;
}

void dwi_certs_free(struct dwi_certs *c)
{
    if (!c)
        return;
    sk_X509_pop_free(c->v, X509_free);
    free(c);
}

size_t dwi_certs_count(const struct dwi_certs *c)
{
    return c ? (size_t)sk_X509_num(c->v) : 0;
}

static char *s_name(const X509_NAME *n)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        abort();
    X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    char *s = dw_xstrndup(data ? data : "", len > 0 ? (size_t)len : 0);
    BIO_free(b);
    return s;
}

char *dwi_certs_issuer(const struct dwi_certs *c)
{
    return s_name(X509_get_issuer_name(sk_X509_value(c->v, 0)));
}

char *dwi_certs_subject(const struct dwi_certs *c)
{
    return s_name(X509_get_subject_name(sk_X509_value(c->v, 0)));
}

struct dwi_certs *dwi_certs_load_file(const char *path, char **why)
{
    *why = NULL;
    /* The folders on the way are the user's own choice; the file itself is opened without
     * following a link (dw_file_read_at refuses links, FIFOs and devices). */
    char *copy = dw_xstrdup(path);
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
    const char *base = slash ? slash + 1 : copy;
    if (slash)
        *slash = '\0';
    struct dwi_certs *c = NULL;
    char *data = NULL;
    size_t len = 0;
    struct stat st;
    if (lstat(path, &st) != 0) {
        *why = errno == ENOENT ? dw_xasprintf("%s does not exist", path)
                               : dw_xasprintf("%s: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISLNK(st.st_mode)) {
        *why = dw_xasprintf("%s is a symbolic link; dbward does not follow links to its inputs", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = dw_xasprintf("%s is not a regular file", path);
        goto out;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        *why = dw_xasprintf("%s: cannot open its folder: %s", path, strerror(errno));
        goto out;
    }
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    enum dw_status rc = dw_file_read_at(dfd, base, path, DWI_BUNDLE_MAX_BYTES, &data, &len, &err);
    close(dfd);
    if (rc == DW_E_NOT_FOUND) {
        *why = dw_xasprintf("%s does not exist", path);
        goto out;
    }
    if (rc) {
        *why = dw_xasprintf("%s: %s", path, err.message[0] ? err.message : "cannot be read");
        goto out;
    }
    char *pwhy = NULL;
    c = dwi_certs_parse(data, len, &pwhy);
    if (!c) {
        *why = dw_xasprintf("%s: %s", path, pwhy);
        free(pwhy);
    }
out:
    free(data);
    free(copy);
    return c;
}

int dwi_certs_chain(const struct dwi_certs *cert, const struct dwi_certs *trusted, char **why)
{
    *why = NULL;
    int result = -1;
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *xc = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    if (!st || !xc || !untrusted)
        abort();
    for (int i = 0; i < sk_X509_num(trusted->v); i++) {
        if (!X509_STORE_add_cert(st, sk_X509_value(trusted->v, i)))
            ERR_clear_error(); /* a certificate listed twice in the bundle */
    }
    for (int i = 1; i < sk_X509_num(cert->v); i++)
        sk_X509_push(untrusted, sk_X509_value(cert->v, i)); /* borrowed: freed with cert */
    if (!X509_STORE_CTX_init(xc, st, sk_X509_value(cert->v, 0), untrusted)) {
        *why = s_ssl_why("the verification could not start");
        goto out;
    }
    /* A bundle may hold an intermediate rather than the root: a chain to any certificate of
     * it counts. Dates are DMS-14's ValidToDate clause, not the chain's. */
    X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(xc);
    X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
    if (X509_verify_cert(xc) == 1) {
        result = 1;
    } else {
        int e = X509_STORE_CTX_get_error(xc);
        *why = dw_xasprintf("%s (depth %d)", X509_verify_cert_error_string(e), X509_STORE_CTX_get_error_depth(xc));
        result = 0;
    }
    ERR_clear_error();
out:
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(xc);
    X509_STORE_free(st);
    return result;
}
