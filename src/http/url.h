/* url.h: an endpoint URL read with libcurl's own URL parser (curl_url), and
 * the parts of it that SigV4 signs, taken from the same parse: the Host
 * header, the path and the query exactly as libcurl sends them.
 *
 * The URL handed to libcurl is the one re-serialised here, never the text
 * as typed, so the signed request and the sent request cannot differ:
 * - the host is lower-cased, a default port (http 80, https 443) dropped;
 * - userinfo ("user:pw@") and the fragment are removed, never sent;
 * - an empty path becomes "/", dot segments are removed (libcurl's rule);
 * - an endpoint's own query ("?x=1") is kept and signed, as botocore keeps
 *   it, but rewritten with every name and value in SigV4's encoding
 *   (unreserved bytes as is, the rest %XX), and empty pairs dropped, so
 *   the raw query on the wire already is its canonical form for every
 *   signer (botocore signs the raw text; AWS decodes and re-encodes).
 * Refused with a reason: a scheme other than http/https, bytes outside
 * printable ASCII, IPv6 zone ids, anything libcurl's parser refuses. The
 * messages never quote the URL (it may hold a password). */
#ifndef DW_HTTP_URL_H
#define DW_HTTP_URL_H

#include <stdbool.h>

#include <dbward/error.h>

/* All strings owned; dw_http_url_clean_up frees them. */
struct dw_http_url {
    char *url;         /* the URL to give libcurl */
    char *host;        /* Host header value: host, or host:port for a non-default port */
    char *path;        /* request path as sent, "/" at least */
    char *query;       /* query as sent, without '?'; NULL when there is none */
    bool had_userinfo; /* the text had "user[:pw]@" (dropped) */
    bool had_fragment; /* the text had "#..." (dropped) */
};

/* Parses text. source names the text's origin in err ("--endpoint-url").
 * Returns DW_OK, or DW_E_USAGE with err filled. */
enum dw_status dw_http_url_parse(const char *text, const char *source, struct dw_http_url *out,
                                 struct dw_error *err);
void dw_http_url_clean_up(struct dw_http_url *u);

#endif
