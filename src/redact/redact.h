/* redact.h: redaction by structure for everything dbward shows or saves:
 * JSON documents (evidence, snapshot answers, request and response bodies)
 * walked member by member, XML bodies element by element, form bodies pair
 * by pair, HTTP headers by name and URLs through libcurl's URL parser
 * (userinfo never shown). Secret values are replaced, never searched for
 * in text. The names come from the botocore models' `sensitive` traits
 * (scripts/check-sensitive.py checks the list against them). */
#ifndef DW_REDACT_H
#define DW_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* What replaces a secret value. */
#define DW_REDACTED "[REDACTED]"
/* Deepest JSON or XML nesting walked; deeper parts are replaced whole. */
#define DW_REDACT_MAX_DEPTH 256

/* True when a JSON member or XML element of that name holds a value the
 * botocore models mark sensitive, or a credential (secret key, token). */
bool dw_redact_member_is_sensitive(const char *name);

/* Replaces, in place, the value of every sensitive member of j (objects
 * inside arrays included) by DW_REDACTED, and redacts every string member
 * named ExtraConnectionAttributes (any case) with dw_eca_redact. j is
 * borrowed; NULL is fine. Containers nested deeper than
 * DW_REDACT_MAX_DEPTH are replaced whole. */
void dw_redact_json(json_t *j);

/* A body of len bytes for the debug log: JSON (object or array) is parsed,
 * redacted with dw_redact_json and printed compact; XML is parsed (no
 * entities, no network) and sensitive elements emptied; an HTML form body
 * (name=value&...) has sensitive values replaced. Anything that does not
 * parse is not shown ("[N bytes, not shown: ...]"). At most max_show bytes
 * of the redacted text are kept. Returns a new string (free()). */
char *dw_redact_body(const char *body, size_t len, size_t max_show);

/* A "Name: value" header line with the value replaced when the name is a
 * credential header (Authorization, Proxy-Authorization, Cookie,
 * X-Amz-Security-Token, X-aws-ec2-metadata-token, or a name holding "auth"
 * or a dw_secret_name_is_secret word). Returns a new string (free()). */
char *dw_redact_header(const char *line);

/* url for display: parsed with curl_url, user, password and login options
 * removed, query values of secret names (signatures, credentials, tokens)
 * replaced. A URL that does not parse comes back as a placeholder, never as
 * typed. Returns a new string (free()). */
char *dw_redact_url(const char *url);

#endif
