/* dbward/json.h: the capped JSON loader every reader of outside JSON uses
 * (reports, stdin, snapshot files). Errors name the source, line and
 * column; nothing prints. */
#ifndef DBWARD_JSON_H
#define DBWARD_JSON_H

#include <stddef.h>
#include <stdio.h>

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

/* Opens a file the user names for reading, as dw_json_load_file does:
 * followed as given, anything but a regular file refused. */
enum dw_status dw_json_open_file(const char *path, FILE **out, struct dw_error *err);

/* Reads the JSON object in f member by member, so a file of any size is
 * read holding one member or one element at a time. Every member but key
 * is parsed whole into *head (a new object); key's array goes into *head
 * empty, its elements handed to fn one at a time in order (borrowed: fn
 * increfs what it keeps), or, with fn NULL, only skipped: their extent is
 * found, their syntax left unchecked. A key that is not an array is a
 * member like the others. The rules are the loader's (duplicate keys
 * refused, jansson's depth limit in the whole file), and each member and
 * element is at most DW_JSON_MAX_FILE_BYTES, the file unlimited. Errors
 * name source, line, column and byte offset; fn's stop the read and are
 * returned. */
typedef enum dw_status (*dw_json_each_fn)(void *user, json_t *elem, size_t index, struct dw_error *err);
enum dw_status dw_json_stream(FILE *f, const char *source, const char *key, dw_json_each_fn fn, void *user,
                              json_t **head, struct dw_error *err);

#endif
