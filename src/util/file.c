/* file.c: how dbward touches the file system for its outputs and its
 * snapshot reads. Writing: a temporary file beside the target, checked
 * writes, fsync, rename (dbward/file.h). Reading and folder walks: one
 * component at a time with O_NOFOLLOW, so a symbolic link, a FIFO or a
 * device planted inside a tree is refused instead of followed or opened.
 * Nothing here prints; errors name the file and carry strerror(). */
#define _GNU_SOURCE /* fopencookie: a stream whose every write we check */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <dbward/file.h>

#include "util/util.h"

struct dw_atomic_file {
    int dir_fd;          /* folder holding the target */
    bool owns_dir_fd;    /* dir_fd was opened by dw_atomic_file_open */
    int fd;              /* the temporary file (or the device); -1 once closed */
    FILE *stream;        /* fopencookie stream over fd */
    char *name;          /* target name inside dir_fd */
    char *tmp_name;      /* temporary name inside dir_fd; NULL for a device */
    char *display;       /* path shown in messages */
    int write_errno;     /* first failed write's errno, 0 if none */
    int close_errno;     /* close()'s errno, 0 if none */
    bool discarding;     /* abort in progress: drop buffered bytes */
};

/* The kind of a file for messages, from its lstat mode. */
static const char *s_kind(mode_t m)
{
    if (S_ISLNK(m))
        return "a symbolic link";
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    return "not a regular file";
}

static ssize_t s_cookie_write(void *cookie, const char *buf, size_t n)
{
    struct dw_atomic_file *f = cookie;
    if (f->discarding)
        return (ssize_t)n;
    if (f->write_errno)
        return 0;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(f->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->write_errno = w < 0 ? errno : EIO;
            return 0; /* fopencookie: 0 is an error; the stream's error flag is set */
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int s_cookie_close(void *cookie)
{
    struct dw_atomic_file *f = cookie;
    int rc = 0;
    if (f->fd >= 0 && close(f->fd) != 0) {
        f->close_errno = errno;
        rc = -1;
    }
    f->fd = -1;
    return rc;
}

static void s_free(struct dw_atomic_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->owns_dir_fd && f->dir_fd >= 0)
        close(f->dir_fd);
    free(f->name);
    free(f->tmp_name);
    free(f->display);
    free(f);
}

/* A fresh temporary name for target name: ".NAME.dbward-XXXXXXXXXXXX.tmp",
 * with the name cut so the whole stays inside NAME_MAX. */
static char *s_tmp_name(const char *name, unsigned attempt)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
        r = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^ ((uint64_t)attempt << 16) ^ (uintptr_t)name;
    return dw_xasprintf(".%.160s.dbward-%012llx.tmp", name, (unsigned long long)(r & 0xffffffffffffULL));
}

static enum dw_status s_start(struct dw_atomic_file *f, struct dw_error *err)
{
    struct stat st;
    if (fstatat(f->dir_fd, f->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISCHR(st.st_mode)) {
            /* /dev/null and friends: nothing to rename over, written in place. */
            f->fd = openat(f->dir_fd, f->name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
            if (f->fd < 0)
                return dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot open: %s", strerror(errno));
            return DW_OK;
        }
        if (!S_ISREG(st.st_mode))
            return dw_error_set(err, DW_E_IO, f->display, 0, 0, 0,
                                "is %s; dbward replaces only regular files and never writes through a link",
                                s_kind(st.st_mode));
    } else if (errno != ENOENT) {
        return dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "%s", strerror(errno));
    }
    for (unsigned attempt = 0; attempt < 64; attempt++) {
        free(f->tmp_name);
        f->tmp_name = s_tmp_name(f->name, attempt);
        f->fd = openat(f->dir_fd, f->tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f->fd >= 0 || errno != EEXIST)
            break;
    }
    if (f->fd < 0) {
        int e = errno;
        free(f->tmp_name);
        f->tmp_name = NULL;
        return dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot create a temporary file beside it: %s",
                            strerror(e));
    }
    /* The umask can only take bits away from 0600; make it exactly 0600. */
    if (fchmod(f->fd, 0600) != 0) {
        int e = errno;
        unlinkat(f->dir_fd, f->tmp_name, 0);
        return dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot set the mode of the temporary file: %s",
                            strerror(e));
    }
    return DW_OK;
}

static enum dw_status s_finish_open(struct dw_atomic_file *f, struct dw_atomic_file **out, struct dw_error *err)
{
    enum dw_status rc = s_start(f, err);
    if (rc)
        goto out;
    cookie_io_functions_t io = {.read = NULL, .write = s_cookie_write, .seek = NULL, .close = s_cookie_close};
    f->stream = fopencookie(f, "w", io);
    if (!f->stream) {
        rc = dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot open a stream: %s", strerror(errno));
        if (f->tmp_name)
            unlinkat(f->dir_fd, f->tmp_name, 0);
        goto out;
    }
out:
    if (rc) {
        s_free(f);
        f = NULL;
    }
    *out = f;
    return rc;
}

enum dw_status dw_atomic_file_openat(int dir_fd, const char *name, const char *display,
                                     struct dw_atomic_file **out, struct dw_error *err)
{
    *out = NULL;
    if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return dw_error_set(err, DW_E_USAGE, display, 0, 0, 0, "not a file name");
    struct dw_atomic_file *f = dw_xcalloc(1, sizeof(*f));
    f->dir_fd = dir_fd;
    f->fd = -1;
    f->name = dw_xstrdup(name);
    f->display = dw_xstrdup(display ? display : name);
    return s_finish_open(f, out, err);
}

enum dw_status dw_atomic_file_open(const char *path, struct dw_atomic_file **out, struct dw_error *err)
{
    *out = NULL;
    size_t len = strlen(path);
    if (!len || path[len - 1] == '/')
        return dw_error_set(err, DW_E_USAGE, path, 0, 0, 0, "is a folder name, not a file name");
    const char *slash = strrchr(path, '/');
    char *dir = slash ? dw_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : dw_xstrdup(".");
    const char *name = slash ? slash + 1 : path;
    /* The folder is the caller's choice and may be reached through links. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int e = errno;
    free(dir);
    if (dfd < 0)
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "cannot open its folder: %s", strerror(e));
    if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        close(dfd);
        return dw_error_set(err, DW_E_USAGE, path, 0, 0, 0, "not a file name");
    }
    struct dw_atomic_file *f = dw_xcalloc(1, sizeof(*f));
    f->dir_fd = dfd;
    f->owns_dir_fd = true;
    f->fd = -1;
    f->name = dw_xstrdup(name);
    f->display = dw_xstrdup(path);
    return s_finish_open(f, out, err);
}

FILE *dw_atomic_file_stream(struct dw_atomic_file *f)
{
    return f->stream;
}

enum dw_status dw_atomic_file_commit(struct dw_atomic_file *f, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    bool flushed = fflush(f->stream) == 0 && !ferror(f->stream) && !f->write_errno;
    int flush_errno = f->write_errno ? f->write_errno : EIO;
    /* fsync is for a file that will replace another; a device has no use for it. */
    int sync_errno = 0;
    if (flushed && f->tmp_name && fsync(f->fd) != 0)
        sync_errno = errno;
    int closed = fclose(f->stream);
    f->stream = NULL;
    if (!flushed) {
        rc = dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot write: %s", strerror(flush_errno));
        goto out;
    }
    if (sync_errno) {
        rc = dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot write (fsync): %s", strerror(sync_errno));
        goto out;
    }
    if (closed != 0) {
        rc = dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot write (close): %s",
                          strerror(f->close_errno ? f->close_errno : EIO));
        goto out;
    }
    if (f->tmp_name) {
        if (renameat(f->dir_fd, f->tmp_name, f->dir_fd, f->name) != 0) {
            rc = dw_error_set(err, DW_E_IO, f->display, 0, 0, 0, "cannot move the new file into place: %s",
                              strerror(errno));
            goto out;
        }
        free(f->tmp_name);
        f->tmp_name = NULL;
        /* The rename is durable once the folder is; some file systems
         * cannot fsync a folder, which is not an error of this write. */
        (void)fsync(f->dir_fd);
    }
out:
    if (f->tmp_name)
        unlinkat(f->dir_fd, f->tmp_name, 0);
    s_free(f);
    return rc;
}

void dw_atomic_file_abort(struct dw_atomic_file *f)
{
    if (!f)
        return;
    f->discarding = true;
    if (f->stream)
        fclose(f->stream);
    f->stream = NULL;
    if (f->tmp_name)
        unlinkat(f->dir_fd, f->tmp_name, 0);
    s_free(f);
}

enum dw_status dw_atomic_file_write(const char *path, const void *data, size_t len, struct dw_error *err)
{
    struct dw_atomic_file *f = NULL;
    enum dw_status rc = dw_atomic_file_open(path, &f, err);
    if (rc)
        return rc;
    if (len)
        fwrite(data, 1, len, dw_atomic_file_stream(f));
    return dw_atomic_file_commit(f, err);
}

/* ---- walking and reading without following links ---- */

/* Fills err for the entry name in dir_fd that could not be opened as what
 * was expected (want_dir: a folder); says what it is instead. */
static enum dw_status s_refuse(int dir_fd, const char *name, int open_errno, bool want_dir, const char *display,
                               struct dw_error *err)
{
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int e = errno;
        return dw_error_set(err, e == ENOENT ? DW_E_NOT_FOUND : DW_E_IO, display, 0, 0, 0, "%s", strerror(e));
    }
    if (S_ISLNK(st.st_mode))
        return dw_error_set(err, DW_E_IO, display, 0, 0, 0,
                            "is a symbolic link; dbward does not follow links inside a snapshot");
    if (want_dir && !S_ISDIR(st.st_mode))
        return dw_error_set(err, DW_E_IO, display, 0, 0, 0, "is %s where a folder is expected",
                            S_ISREG(st.st_mode) ? "a file" : s_kind(st.st_mode));
    if (!want_dir && !S_ISREG(st.st_mode))
        return dw_error_set(err, DW_E_IO, display, 0, 0, 0, "is %s where a file is expected", s_kind(st.st_mode));
    return dw_error_set(err, DW_E_IO, display, 0, 0, 0, "%s", strerror(open_errno));
}

enum dw_status dw_dir_open_beneath(int dir_fd, const char *rel, bool create, const char *root, int *out_fd,
                                   struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    *out_fd = -1;
    struct dw_buf shown;
    dw_buf_init(&shown, 8192);
    dw_buf_puts(&shown, root);
    int cur = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (cur < 0)
        return dw_error_set(err, DW_E_IO, root, 0, 0, 0, "%s", strerror(errno));
    const char *p = rel;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 0) {
            p++;
            continue;
        }
        char *comp = dw_xstrndup(p, n);
        dw_buf_puts(&shown, "/");
        dw_buf_puts(&shown, comp);
        const char *disp = shown.data ? shown.data : root;
        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            rc = dw_error_set(err, DW_E_USAGE, disp, 0, 0, 0, "\".\" and \"..\" are not followed");
            free(comp);
            goto out;
        }
        int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(cur, comp, 0700) != 0 && errno != EEXIST) {
                rc = dw_error_set(err, DW_E_IO, disp, 0, 0, 0, "cannot create the folder: %s", strerror(errno));
                free(comp);
                goto out;
            }
            next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            rc = s_refuse(cur, comp, errno, true, disp, err);
            free(comp);
            goto out;
        }
        free(comp);
        close(cur);
        cur = next;
        p += n;
    }
out:
    dw_buf_clean_up(&shown);
    if (rc) {
        close(cur);
        return rc;
    }
    *out_fd = cur;
    return DW_OK;
}

/* Opens and reads name once it was seen to be a regular file. */
static enum dw_status s_read_open(int dir_fd, const char *name, const char *display, size_t max_bytes,
                                  char **buf_io, size_t *cap_io, size_t *len, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    int fd = -1;
    struct stat st;
    /* O_NOFOLLOW and O_NONBLOCK in case it was swapped since the look. */
    fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        rc = s_refuse(dir_fd, name, errno, false, display, err);
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        rc = dw_error_set(err, DW_E_IO, display, 0, 0, 0, "%s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = dw_error_set(err, DW_E_IO, display, 0, 0, 0, "is %s where a file is expected", s_kind(st.st_mode));
        goto out;
    }
    if ((uint64_t)st.st_size > (uint64_t)max_bytes) {
        rc = dw_error_set(err, DW_E_TOO_BIG, display, 0, 0, 0, "file is larger than %zu bytes", max_bytes);
        goto out;
    }
    size_t want = (size_t)st.st_size;
    if (!*buf_io || *cap_io < want + 1) {
        free(*buf_io);
        size_t twice = *cap_io * 2 > 4096 ? *cap_io * 2 : 4096;
        *cap_io = want + 1 > twice ? want + 1 : twice;
        *buf_io = dw_xmalloc(*cap_io);
    }
    char *buf = *buf_io;
    size_t got = 0;
    /* Read what fstat promised; a file that grows meanwhile is cut there. */
    while (got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = dw_error_set(err, DW_E_IO, display, 0, 0, 0, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    *len = got;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

enum dw_status dw_file_read_into_at(int dir_fd, const char *name, const char *display, size_t max_bytes,
                                    char **buf_io, size_t *cap_io, size_t *len, struct dw_error *err)
{
    struct stat st;
    *len = 0;
    /* Look before opening: opening a device or a FIFO can block or act. */
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return s_refuse(dir_fd, name, errno, false, display, err);
    return s_read_open(dir_fd, name, display, max_bytes, buf_io, cap_io, len, err);
}

enum dw_status dw_file_read_listed_at(int dir_fd, const char *name, const char *display, size_t max_bytes,
                                      char **buf_io, size_t *cap_io, size_t *len, struct dw_error *err)
{
    *len = 0;
    return s_read_open(dir_fd, name, display, max_bytes, buf_io, cap_io, len, err);
}

enum dw_status dw_file_read_at(int dir_fd, const char *name, const char *display, size_t max_bytes, char **data,
                               size_t *len, struct dw_error *err)
{
    char *buf = NULL;
    size_t cap = 0;
    enum dw_status rc = dw_file_read_into_at(dir_fd, name, display, max_bytes, &buf, &cap, len, err);
    if (rc) {
        free(buf);
        buf = NULL;
        *len = 0;
    }
    *data = buf;
    return rc;
}
