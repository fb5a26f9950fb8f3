/* report_doc.c: the JSON report as read back (dbward/finding.h): one place
 * that says what a dbward report is, so diff, merge and remediate accept
 * and refuse the same documents with the same words. */
#include <string.h>

#include <jansson.h>

#include <dbward/finding.h>

enum dw_status dw_report_doc_check(const json_t *doc, const char *source, struct dw_error *err)
{
    json_t *rep = (json_t *)doc; /* jansson's getters take no const; nothing is changed */
    const char *name = json_string_value(json_object_get(json_object_get(rep, "tool"), "name"));
    if (!json_is_object(rep) || !name || strcmp(name, "dbward") != 0 ||
        !json_is_array(json_object_get(rep, "findings")))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "not a dbward JSON report (schema_version %d with a findings array)",
                            DW_REPORT_SCHEMA_VERSION);
    json_int_t v = json_integer_value(json_object_get(rep, "schema_version"));
    if (!json_is_integer(json_object_get(rep, "schema_version")) || v != DW_REPORT_SCHEMA_VERSION) {
        const char *ver = json_string_value(json_object_get(json_object_get(rep, "tool"), "version"));
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "report schema_version %lld (dbward %s) cannot be read by this dbward, which "
                            "reads schema_version %d",
                            (long long)v, ver ? ver : "", DW_REPORT_SCHEMA_VERSION);
    }
    return DW_OK;
}
