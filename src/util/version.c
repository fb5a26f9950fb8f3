/* version.c: dbward's own version and commit (set by the build), and the
 * versions of the libraries it runs with, as linked. */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <yaml.h>

#include <dbward/version.h>

#ifndef DW_VERSION
#define DW_VERSION "0.0.0"
#endif
#ifndef DW_GIT_COMMIT
#define DW_GIT_COMMIT "unknown"
#endif

const char *dw_version(void) { return DW_VERSION; }
const char *dw_git_commit(void) { return DW_GIT_COMMIT; }

void dw_library_versions(char *out, size_t n)
{
    const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
    long x = strtol(xmlParserVersion, NULL, 10); /* "20914" is 2.9.14 */
    snprintf(out, n, "libcurl %s, %s, jansson %s, libxml2 %ld.%ld.%ld, libyaml %s, SQLite %s", cv ? cv->version : "?",
             OpenSSL_version(OPENSSL_VERSION), jansson_version_str(), x / 10000, x / 100 % 100, x % 100,
             yaml_get_version_string(), sqlite3_libversion());
}
