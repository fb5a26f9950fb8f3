/* dbward/version.h: dbward's version and commit, and the libraries it runs
 * with. Depends on nothing else of dbward. */
#ifndef DBWARD_VERSION_H
#define DBWARD_VERSION_H

#include <stddef.h>

const char *dw_version(void);    /* "0.1.0" */
const char *dw_git_commit(void); /* the short commit of the build, or "unknown" */
/* "libcurl 7.88.1, OpenSSL 3.0.x ..., jansson 2.14, ...": the libraries as
 * linked at run time, written into out (n bytes). */
void dw_library_versions(char *out, size_t n);

#endif
