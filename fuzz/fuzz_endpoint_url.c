/* fuzz_endpoint_url.c: the endpoint URL parser (src/http/url.c). Besides not
 * crashing: a refused URL has a reason; an accepted one has no userinfo or
 * fragment left, a lower-case host, a path starting with '/', and parsing
 * the URL it wrote gives back the very same URL, Host, path and query. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/url.h"

static int s_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0'; /* a NUL inside ends the text, as in argv */
    struct dw_http_url u, again;
    struct dw_error err;
    if (dw_http_url_parse(text, "fuzz", &u, &err) != DW_OK) {
        if (!err.message[0])
            abort();
        free(text);
        return 0;
    }
    if (strchr(u.host, '@') || strchr(u.url, '#') || u.path[0] != '/')
        abort();
    for (const char *c = u.host; *c; c++) {
        if (isupper((unsigned char)*c))
            abort();
    }
    if (dw_http_url_parse(u.url, "fuzz", &again, &err) != DW_OK)
        abort();
    if (!s_eq(u.url, again.url) || !s_eq(u.host, again.host) || !s_eq(u.path, again.path) ||
        !s_eq(u.query, again.query) || again.had_userinfo || again.had_fragment)
        abort();
    dw_http_url_clean_up(&u);
    dw_http_url_clean_up(&again);
    free(text);
    return 0;
}
