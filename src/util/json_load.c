/* json_load.c: the one capped JSON loader. Files the user names (reports)
 * and buffers (stdin, snapshot files already read) are parsed with
 * dbward's limits: a size cap, duplicate keys refused, errors with the
 * source, line and column. Nothing here prints. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbward/json.h>

#include "util/util.h"

enum dw_status dw_json_load_buffer(const char *data, size_t len, const char *source, json_t **out,
                                   struct dw_error *err)
{
    json_error_t jerr;
    *out = NULL;
    if (len > DW_JSON_MAX_FILE_BYTES)
        return dw_error_set(err, DW_E_TOO_BIG, source, 0, 0, 0, "file is larger than %zu bytes",
                            DW_JSON_MAX_FILE_BYTES);
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!j) {
        int line = jerr.line > 0 ? jerr.line : 0;
        int col = jerr.column > 0 ? jerr.column : 0;
        return dw_error_set(err, DW_E_PARSE, source, line, col, (size_t)(jerr.position > 0 ? jerr.position : 0),
                            "%s", jerr.text);
    }
    *out = j;
    return DW_OK;
}

enum dw_status dw_json_load_file(const char *path, json_t **out, struct dw_error *err)
{
    FILE *f;
    struct stat st;
    *out = NULL;
    enum dw_status rc = dw_json_open_file(path, &f, err);
    if (rc)
        return rc;
    char *data = NULL;
    if (fstat(fileno(f), &st) != 0) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "%s", strerror(errno));
        goto out;
    }
    if ((size_t)st.st_size > DW_JSON_MAX_FILE_BYTES) {
        rc = dw_error_set(err, DW_E_TOO_BIG, path, 0, 0, 0, "file is larger than %zu bytes",
                          DW_JSON_MAX_FILE_BYTES);
        goto out;
    }
    size_t n = (size_t)st.st_size;
    data = dw_xmalloc(n + 1);
    if (fread(data, 1, n, f) != n) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "short read");
        goto out;
    }
    rc = dw_json_load_buffer(data, n, path, out, err);
out:
    fclose(f);
    free(data);
    return rc;
}

enum dw_status dw_json_open_file(const char *path, FILE **out, struct dw_error *err)
{
    struct stat st;
    *out = NULL;
    /* Looked at before it is opened: opening a device or a FIFO can block
     * or act. Then opened non-blocking, never as a terminal, and looked at
     * again in case it was swapped meanwhile. */
    if (stat(path, &st) != 0)
        return dw_error_set(err, errno == ENOENT ? DW_E_NOT_FOUND : DW_E_IO, path, 0, 0, 0, "%s",
                            strerror(errno));
    if (!S_ISREG(st.st_mode))
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "not a regular file");
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return dw_error_set(err, errno == ENOENT ? DW_E_NOT_FOUND : DW_E_IO, path, 0, 0, 0, "%s",
                            strerror(errno));
    FILE *f = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "%s", S_ISREG(st.st_mode) ? strerror(e) : "not a regular file");
    }
    if (fcntl(fd, F_SETFL, O_RDONLY) != 0 || !(f = fdopen(fd, "rb"))) {
        int e = errno;
        close(fd);
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "%s", strerror(e));
    }
    *out = f;
    return DW_OK;
}

/* The streamed reader: the bytes not yet taken, buf[start..end), and the
 * position of buf[start] in the file (offset, 1-based line and column). */
struct s_rd {
    FILE *f;
    const char *source;
    char *buf;
    size_t cap, start, end;
    bool eof;
    size_t off;
    int line, col;
    struct dw_error *err;
};

#define S_CHUNK ((size_t)64 * 1024)

/* At least need bytes from start, unless the file ends first; false on a
 * read error. Moves what is left to the front and grows the buffer. */
static bool s_fill(struct s_rd *rd, size_t need)
{
    while (rd->end - rd->start < need && !rd->eof) {
        if (rd->start) {
            memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
            rd->end -= rd->start;
            rd->start = 0;
        }
        if (rd->cap - rd->end < S_CHUNK) {
            rd->cap = rd->cap ? 2 * rd->cap : 4 * S_CHUNK;
            rd->buf = dw_xrealloc(rd->buf, rd->cap);
        }
        size_t got = fread(rd->buf + rd->end, 1, rd->cap - rd->end, rd->f);
        rd->end += got;
        if (got == 0) {
            if (ferror(rd->f)) {
                dw_error_set(rd->err, DW_E_IO, rd->source, rd->line, rd->col, rd->off, "read error");
                return false;
            }
            rd->eof = true;
        }
    }
    return true;
}

/* The next byte, or EOF (-1) at the end or on a read error (err set). */
static int s_peek(struct s_rd *rd)
{
    if (!s_fill(rd, 1) || rd->start == rd->end)
        return EOF;
    return (unsigned char)rd->buf[rd->start];
}

static void s_take(struct s_rd *rd, size_t n)
{
    for (size_t i = rd->start; i < rd->start + n; i++) {
        if (rd->buf[i] == '\n') {
            rd->line++;
            rd->col = 1;
        } else {
            rd->col++;
        }
    }
    rd->start += n;
    rd->off += n;
}

static int s_ws(struct s_rd *rd)
{
    for (;;) {
        int c = s_peek(rd);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
        s_take(rd, 1);
    }
}

static enum dw_status s_fail(struct s_rd *rd, const char *what)
{
    if (rd->err->status == DW_E_IO)
        return DW_E_IO;
    return dw_error_set(rd->err, DW_E_PARSE, rd->source, rd->line, rd->col, rd->off, "%s", what);
}

/* The same, placed i bytes on. */
static enum dw_status s_fail_at(struct s_rd *rd, size_t i, const char *what)
{
    struct s_rd at = *rd;
    s_take(&at, i);
    return s_fail(&at, what);
}

/* The length of the JSON value at start in *len: a container to its
 * closing bracket, a string to its closing quote, any other token to the
 * next delimiter. Only its extent and depth are found here (base: the
 * containers around it, so that its depth is jansson's in the whole file);
 * its syntax is jansson's to check when it is parsed. */
static enum dw_status s_extent(struct s_rd *rd, size_t base, size_t *len)
{
    size_t i = 0, depth = 0, deepest = 1;
    bool in_str = false, scalar = false;
    for (;; i++) {
        if (i >= DW_JSON_MAX_FILE_BYTES)
            return dw_error_set(rd->err, DW_E_TOO_BIG, rd->source, rd->line, rd->col, rd->off,
                                "a value is larger than %zu bytes", DW_JSON_MAX_FILE_BYTES);
        if (!s_fill(rd, i + 1))
            return DW_E_IO;
        if (rd->start + i >= rd->end) {
            if (scalar && i > 0)
                break;
            if (!i)
                return s_fail(rd, "a value expected");
            /* i may be one past the end: a backslash was the last byte. */
            return s_fail_at(rd, rd->end - rd->start, "the file ends inside a value");
        }
        char c = rd->buf[rd->start + i];
        bool delim = c == ',' || c == '}' || c == ']' || c == ':' || c == ' ' || c == '\t' || c == '\n' ||
                     c == '\r';
        if (i == 0) {
            if (c == '"')
                in_str = true;
            else if (c == '{' || c == '[')
                depth = 1;
            else if (delim)
                return s_fail(rd, "a value expected");
            else
                scalar = true;
            continue;
        }
        size_t here = 0; /* the depth of a value starting at c, 0: none */
        if (scalar) {
            if (delim)
                break;
        } else if (in_str) {
            if (c == '\\') {
                i++; /* the escaped byte, read or found missing at the loop's top */
            } else if (c == '"') {
                in_str = false;
                if (depth == 0) {
                    i++;
                    break;
                }
            }
        } else if (c == '{' || c == '[') {
            here = ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                i++;
                break;
            }
        } else if (c == '"') {
            in_str = true;
            here = depth + 1;
        } else if (!delim) {
            here = depth + 1;
        }
        if (here > deepest)
            deepest = here;
        if (base + deepest > JSON_PARSER_MAX_DEPTH)
            return s_fail_at(rd, i, "maximum parsing depth reached");
    }
    *len = i;
    return DW_OK;
}

/* The value of the next len bytes, parsed with the loader's rules, its
 * error placed in the file; the bytes are taken. */
static enum dw_status s_parse(struct s_rd *rd, size_t len, json_t **out)
{
    enum dw_status rc = dw_json_load_buffer(rd->buf + rd->start, len, rd->source, out, rd->err);
    if (rc && rd->err) {
        if (rd->err->line > 1) {
            rd->err->line += rd->line - 1;
        } else {
            rd->err->line = rd->line;
            rd->err->column += rd->col - 1;
        }
        rd->err->offset += rd->off;
    }
    if (!rc)
        s_take(rd, len);
    return rc;
}

static enum dw_status s_value(struct s_rd *rd, size_t base, json_t **out)
{
    size_t len;
    enum dw_status rc = s_extent(rd, base, &len);
    return rc ? rc : s_parse(rd, len, out);
}

/* What follows a member or an element: the container's close (*done),
 * or a comma before the next one. */
static enum dw_status s_after(struct s_rd *rd, char close, bool *done)
{
    int c = s_ws(rd);
    *done = c == close;
    if (c != close && c != ',')
        return s_fail(rd, close == ']' ? "',' or ']' expected" : "',' or '}' expected");
    s_take(rd, 1);
    return DW_OK;
}

/* The elements of the array at start, to fn, or skipped. */
static enum dw_status s_elements(struct s_rd *rd, dw_json_each_fn fn, void *user)
{
    s_take(rd, 1); /* [ */
    if (s_ws(rd) == ']') {
        s_take(rd, 1);
        return DW_OK;
    }
    for (size_t i = 0;; i++) {
        size_t len;
        s_ws(rd);
        enum dw_status rc = s_extent(rd, 2, &len);
        if (rc)
            return rc;
        if (fn) {
            json_t *v;
            if ((rc = s_parse(rd, len, &v)))
                return rc;
            rc = fn(user, v, i, rd->err);
            json_decref(v);
            if (rc)
                return rc;
        } else {
            s_take(rd, len);
        }
        bool done;
        if ((rc = s_after(rd, ']', &done)) || done)
            return rc;
    }
}

static enum dw_status s_members(struct s_rd *rd, const char *key, dw_json_each_fn fn, void *user, json_t *head)
{
    if (s_ws(rd) != '{')
        return s_fail(rd, "a JSON object expected");
    s_take(rd, 1);
    if (s_ws(rd) == '}') {
        s_take(rd, 1);
        return DW_OK;
    }
    for (;;) {
        json_t *name = NULL, *v = NULL;
        if (s_ws(rd) != '"')
            return s_fail(rd, "a string expected as object key");
        struct s_rd at = *rd;
        enum dw_status rc = s_value(rd, 1, &name);
        if (rc)
            return rc;
        const char *k = json_string_value(name);
        if (json_object_get(head, k)) {
            json_decref(name);
            return s_fail(&at, "duplicate object key");
        }
        if (s_ws(rd) != ':') {
            json_decref(name);
            return s_fail(rd, "':' expected");
        }
        s_take(rd, 1);
        if (strcmp(k, key) == 0 && s_ws(rd) == '[') {
            if (!(rc = s_elements(rd, fn, user)))
                v = json_array();
        } else {
            s_ws(rd);
            rc = s_value(rd, 1, &v);
        }
        if (!rc)
            json_object_set_new(head, k, v);
        json_decref(name);
        if (rc)
            return rc;
        bool done;
        if ((rc = s_after(rd, '}', &done)) || done)
            return rc;
    }
}

enum dw_status dw_json_stream(FILE *f, const char *source, const char *key, dw_json_each_fn fn, void *user,
                              json_t **head, struct dw_error *err)
{
    struct dw_error local = {0};
    struct s_rd rd = {.f = f, .source = source, .line = 1, .col = 1, .err = err ? err : &local};
    memset(rd.err, 0, sizeof(*rd.err));
    json_t *h = json_object();
    enum dw_status rc = s_members(&rd, key, fn, user, h);
    if (!rc && s_ws(&rd) != EOF)
        rc = s_fail(&rd, "end of file expected");
    if (!rc && rd.err->status == DW_E_IO)
        rc = DW_E_IO;
    free(rd.buf);
    if (rc) {
        json_decref(h);
        h = NULL;
    }
    *head = h;
    return rc;
}

enum dw_status dw_json_read_at(int dir_fd, const char *name, const char *shown, bool listed_regular,
                               size_t max_bytes, char **buf_io, size_t *cap_io, json_t **out, struct dw_error *err)
{
    size_t len = 0;
    *out = NULL;
    enum dw_status rc =
        listed_regular ? dw_file_read_listed_at(dir_fd, name, shown, max_bytes, buf_io, cap_io, &len, err)
                       : dw_file_read_into_at(dir_fd, name, shown, max_bytes, buf_io, cap_io, &len, err);
    if (!rc)
        rc = dw_json_load_buffer(*buf_io, len, shown, out, err);
    return rc;
}
