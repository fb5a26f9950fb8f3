/* fuzz_pem.c: PEM certificates from outside (DMS-14): a DMS certificate's
 * CertificatePem as the snapshot reader keeps it, and the company CA
 * bundle. The first byte picks the mode.
 * Even: the rest is a CertificatePem value. It goes through the reader's
 * redaction (only base64 certificate blocks survive), which must leave no
 * other PEM block (no other BEGIN line, no key's END line) and be idempotent, then through the parser; when it
 * parses, the names are printed and the certificate is checked against
 * itself as the bundle (1, or 0 with a reason).
 * Odd: the rest is split at its first NUL into a certificate text and a
 * bundle text; both are parsed and, when both parse, the chain is checked
 * (any answer but a crash or a leak is fine). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "redact/redact.h"
#include "rules/rules_int.h"

static void s_names(const struct dwi_certs *c)
{
    char *i = dwi_certs_issuer(c);
    char *s = dwi_certs_subject(c);
    if (!i || !s || dwi_certs_count(c) == 0)
        abort();
    free(i);
    free(s);
}

static char *s_redacted(const char *text, size_t len)
{
    json_t *o = json_object();
    json_t *v = json_stringn(text, len);
    if (!v) { /* not UTF-8: a JSON answer could not carry it */
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "CertificatePem", v); /* steals v */
    dw_redact_json(o);
    const char *r = json_string_value(json_object_get(o, "CertificatePem"));
    char *out = r ? strdup(r) : NULL;
    json_decref(o);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char *why = NULL;
    if ((data[0] & 1) == 0) {
        char *kept = s_redacted(text, len);
        if (!kept)
            return 0;
        /* Only certificate blocks survive: no other BEGIN line, no key block's END line. */
        for (const char *b = strstr(kept, "-----BEGIN "); b; b = strstr(b + 1, "-----BEGIN ")) {
            if (strncmp(b, "-----BEGIN CERTIFICATE-----", 27) != 0)
                abort();
        }
        if (strstr(kept, "KEY-----"))
            abort();
        char *again = s_redacted(kept, strlen(kept));
        if (!again || strcmp(again, kept) != 0)
            abort();
        free(again);
        struct dwi_certs *c = dwi_certs_parse(kept, strlen(kept), &why);
        if (c) {
            s_names(c);
            /* Against itself as the bundle: 1, or 0 with OpenSSL's reason (a certificate that
             * parses may still be one the verifier rejects: bad extensions, an unknown
             * critical one); never -1, never a 0 without a reason. */
            char *cwhy = NULL;
            int r = dwi_certs_chain(c, c, &cwhy);
            if (r == -1 || (r == 0 && !cwhy))
                abort();
            if (getenv("DW_FUZZ_PEM_VERBOSE") && cwhy)
                fprintf(stderr, "self-chain: %s\n", cwhy);
            free(cwhy);
        } else if (!why) {
            abort(); /* a failure always says why */
        }
        dwi_certs_free(c);
        free(why);
        free(kept);
        return 0;
    }
    const char *nul = memchr(text, '\0', len);
    size_t cert_len = nul ? (size_t)(nul - text) : len;
    const char *bundle_text = nul ? nul + 1 : "";
    size_t bundle_len = nul ? len - cert_len - 1 : 0;
    struct dwi_certs *c = dwi_certs_parse(text, cert_len, &why);
    free(why);
    why = NULL;
    struct dwi_certs *b = dwi_certs_parse(bundle_text, bundle_len, &why);
    free(why);
    if (c && b) {
        char *cwhy = NULL;
        int r = dwi_certs_chain(c, b, &cwhy);
        if (r < -1 || r > 1 || (r != 1 && !cwhy))
            abort();
        free(cwhy);
    }
    dwi_certs_free(c);
    dwi_certs_free(b);
    return 0;
}
