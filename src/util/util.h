/* util.h: the bottom layer shared by every module: allocation that aborts on
 * OOM, capped growable buffers, formatted strings, glob matching and time
 * parsing. Depends on nothing but libc. */
#ifndef DW_UTIL_H
#define DW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/error.h>

/* Allocation never fails: on OOM these print to stderr and abort. */
void *dw_xmalloc(size_t n);
void *dw_xcalloc(size_t count, size_t n);
void *dw_xrealloc(void *p, size_t n);
char *dw_xstrdup(const char *s);
char *dw_xstrndup(const char *s, size_t n);
/* Returns a new heap string (free with free()) built from a printf format. */
char *dw_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *dw_xvasprintf(const char *fmt, va_list ap);
/* The strings, end to end, in a new heap string: the paths and names built
 * for every file a scan reads, without a format to parse. The macro ends the
 * list with a typed NULL; an argument that is NULL ends it early. */
char *dw_xstrjoin_list(const char *first, ...) __attribute__((sentinel));
#define dw_xstrjoin(...) dw_xstrjoin_list(__VA_ARGS__, (const char *)NULL)

/* A growable byte buffer with a hard cap. Errors are sticky: once an append
 * fails (DW_E_TOO_BIG), later appends do nothing and dw_buf_status reports it. */
struct dw_buf {
    char *data;        /* always NUL-terminated when non-NULL */
    size_t len;        /* bytes used, excluding the NUL */
    size_t cap;        /* bytes allocated */
    size_t max_len;    /* largest len allowed */
    enum dw_status st; /* DW_OK until an append failed */
};
void dw_buf_init(struct dw_buf *b, size_t max_len);
void dw_buf_clean_up(struct dw_buf *b);
void dw_buf_append(struct dw_buf *b, const char *p, size_t n);
void dw_buf_puts(struct dw_buf *b, const char *s);
void dw_buf_printf(struct dw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the whole file at path to b (initialised by the caller with its
 * cap). Returns DW_OK, DW_E_NOT_FOUND when it cannot be opened, or
 * DW_E_TOO_BIG when it exceeds b's cap (b is then cleaned up). */
enum dw_status dw_buf_read_file(struct dw_buf *b, const char *path);
/* Hands the string to the caller (free with free()) and resets b. Returns
 * NULL if an append had failed. */
char *dw_buf_steal(struct dw_buf *b);

/* Opens the folder rel ("a/b/c", relative; "." and ".." refused) below the
 * open folder dir_fd, one component at a time with O_NOFOLLOW, so no
 * symbolic link on the way is followed. With create, missing folders are
 * made with mode 0700. On success *out_fd is a new descriptor (close it).
 * Errors name root/rel-so-far: DW_E_NOT_FOUND when a folder is missing
 * (and not created), DW_E_IO for a link or a non-folder. src/util/file.c. */
enum dw_status dw_dir_open_beneath(int dir_fd, const char *rel, bool create, const char *root, int *out_fd,
                                   struct dw_error *err);
/* Reads the regular file name (one component) in dir_fd without following a
 * link, and without opening a FIFO, socket or device: those are refused
 * with a message that says what the entry is and quotes nothing of any
 * target. At most max_bytes (DW_E_TOO_BIG past it). On success *data is a
 * new NUL-terminated buffer (free with free()) of *len bytes. DW_E_NOT_FOUND
 * when there is no entry at all (a dangling link is an entry: a link). */
enum dw_status dw_file_read_at(int dir_fd, const char *name, const char *display, size_t max_bytes, char **data,
                               size_t *len, struct dw_error *err);
/* The same into a buffer kept between calls (*buf_io of *cap_io bytes, or
 * NULL and 0; grown when the file needs more; the caller frees it), so a
 * reader of many files allocates once. */
enum dw_status dw_file_read_into_at(int dir_fd, const char *name, const char *display, size_t max_bytes,
                                    char **buf_io, size_t *cap_io, size_t *len, struct dw_error *err);

/* The same for a name a folder listing (dw_dirlist_type) showed as a
 * regular file: that listing is the look before opening, so the name is
 * not looked up twice. Still opened without following a link and checked
 * to be a regular file once open. */
enum dw_status dw_file_read_listed_at(int dir_fd, const char *name, const char *display, size_t max_bytes,
                                      char **buf_io, size_t *cap_io, size_t *len, struct dw_error *err);

/* Reads the JSON file name in dir_fd (dw_file_read_listed_at when a listing
 * showed it as a regular file, else dw_file_read_into_at, through the kept
 * buffer *buf_io) and parses it (dw_json_load_buffer); shown names it in
 * errors. *out is new (jansson's json_t). src/util/json_load.c. */
struct json_t;
enum dw_status dw_json_read_at(int dir_fd, const char *name, const char *shown, bool listed_regular,
                               size_t max_bytes, char **buf_io, size_t *cap_io, struct json_t **out,
                               struct dw_error *err);

/* A folder's entries, read once (src/util/dirlist.c). */
struct dw_dirlist;
/* Lists the open folder dir_fd (the descriptor stays the caller's); display
 * names it in errors. *out is new (dw_dirlist_free). */
enum dw_status dw_dirlist_read(int dir_fd, const char *display, struct dw_dirlist **out, struct dw_error *err);
/* The type the folder records for name (DT_REG, DT_DIR, ..., DT_UNKNOWN
 * when the file system does not say), or -1 when there is no such entry. */
int dw_dirlist_type(const struct dw_dirlist *l, const char *name);
void dw_dirlist_free(struct dw_dirlist *l);

/* 64-bit FNV-1a of a NUL-terminated string (src/util/hash.c). */
uint64_t dw_hash_str(const char *s);

/* Shell-style glob: '*' any run, '?' one character. Case-insensitive when
 * nocase is set. Matches the whole string. */
bool dw_glob_match(const char *pattern, const char *s, bool nocase);
/* True when pattern matches every string that starts with prefix, i.e. the
 * pattern cannot tell those strings apart ("dynamodb:*" covers "dynamodb:"). */
bool dw_glob_covers_prefix(const char *pattern, const char *prefix, bool nocase);
/* True when pattern matches at least one string that starts with prefix. */
bool dw_glob_meets_prefix(const char *pattern, const char *prefix, bool nocase);

/* Parses ISO 8601 as the AWS CLI prints it ("2024-05-01T10:20:30Z",
 * "2024-05-01T10:20:30.123000+00:00", "2024-05-01") into seconds since the
 * epoch. Returns false on anything else. */
bool dw_time_parse_iso8601(const char *s, int64_t *out_epoch_s);
/* Formats epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21 bytes). */
void dw_time_format_iso8601(int64_t epoch_s, char *out, size_t out_len);

/* Shell quoting (shell.c), the only path from a value to a command line.
 * dw_shell_quote appends s so that bash reads back exactly its bytes as one
 * word (or as part of the word or quoted string b ends in): plain words
 * ([A-Za-z0-9@%_+=:,./-]) as they are, printable ASCII in '...', anything
 * else in $'...' with \xHH escapes. A value starting with '-' right after
 * " --option " is glued to it ("--option=-x") so the AWS CLI reads it as the
 * value. */
void dw_shell_quote(struct dw_buf *b, const char *s);
/* printf for command templates: the literal text is copied as it is, every
 * %s argument goes through dw_shell_quote (NULL as ""), and only %%, %d, %u
 * and their l, ll and z forms are allowed (numbers need no quoting). */
void dw_shell_printf(struct dw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dw_shell_vprintf(struct dw_buf *b, const char *fmt, va_list ap);
/* The same into a new string (free with free()); NULL past 1 MiB. */
char *dw_shell_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends text as comment lines: prefix (which starts with '#') at the start
 * and after every newline, so no byte of text can end the comment. Control
 * bytes other than tab, DEL, invalid UTF-8 and layout characters (bidi
 * overrides, zero-width, line separators) are shown as \xHH. */
void dw_shell_comment(struct dw_buf *b, const char *prefix, const char *text);

/* Wipes n bytes in a way the compiler cannot elide (secrets in buffers). */
void dw_secure_zero_buf(void *p, size_t n);

/* The value of the hexadecimal digit c (either case), or -1. */
int dw_hex_digit(char c);

/* Bump allocator: many small objects, one free. Memory is zeroed. */
struct dw_arena;
struct dw_arena *dw_arena_new(void);
void *dw_arena_alloc(struct dw_arena *a, size_t n);
char *dw_arena_strndup(struct dw_arena *a, const char *s, size_t n);
void dw_arena_free(struct dw_arena *a);

#define DW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
