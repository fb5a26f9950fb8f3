/* dbward/json.h: the capped JSON loader every reader of outside JSON uses
 * (reports, stdin, snapshot files). Errors name the source, line and
 * column; nothing prints. */
#ifndef DBWARD_JSON_H
#define DBWARD_JSON_H

#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

/* Largest single JSON document dbward will read (bytes). */
#define DW_JSON_MAX_FILE_BYTES ((size_t)512 * 1024 * 1024)

/* Parses one JSON file with dbward's limits (size, duplicate keys). On
 * failure fills err with the file, line and column. The result is a new
 * reference. For files the user names (reports): the path is followed as
 * given, and anything but a regular file is refused. Snapshot files are
 * read by dw_snapshot_open/get, which never follow a link. */
enum dw_status dw_json_load_file(const char *path, json_t **out, struct dw_error *err);
/* Same for a buffer; source names it in errors. */
enum dw_status dw_json_load_buffer(const char *data, size_t len, const char *source, json_t **out,
                                   struct dw_error *err);

#endif
