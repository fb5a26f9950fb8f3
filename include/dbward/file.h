/* dbward/file.h: the one way dbward writes a file. Output goes to a new
 * temporary file (mode 0600, created with O_EXCL and O_NOFOLLOW) in the
 * target's own folder, every write is checked, and only a complete, flushed
 * and fsync'd file is renamed over the target. On any error the old file is
 * left as it was (or there is none), the temporary file is removed, and the
 * error names the file and the OS error ("No space left on device").
 *
 * The target itself is never followed: when it is a symbolic link, or
 * exists and is neither a regular file nor a character device, the write is
 * refused before anything is created. A character device (/dev/null) is
 * written in place, since there is nothing to rename over. A link planted
 * after that check is replaced by the rename (rename never follows one),
 * so its target is never written either way. The folders on the way to
 * the target are the caller's choice and are followed.
 *
 * Libraries and the CLI alike use this; nothing here prints. */
#ifndef DBWARD_FILE_H
#define DBWARD_FILE_H

#include <stdio.h>

#include <dbward/error.h>

struct dw_atomic_file;

/* Starts writing path. On success *out owns a new writer: write through
 * dw_atomic_file_stream, then end with exactly one of dw_atomic_file_commit
 * or dw_atomic_file_abort, which free it. On failure *out is NULL, nothing
 * was created, and err names path (DW_E_IO). */
enum dw_status dw_atomic_file_open(const char *path, struct dw_atomic_file **out, struct dw_error *err);

/* Same, for the file name (one component, no '/') inside the open folder
 * dir_fd, which is borrowed and must stay open until commit or abort.
 * display is the path used in messages (copied). */
enum dw_status dw_atomic_file_openat(int dir_fd, const char *name, const char *display,
                                     struct dw_atomic_file **out, struct dw_error *err);

/* The stream to write to, borrowed from f. Write errors are remembered and
 * reported by dw_atomic_file_commit; a writer may check ferror() sooner. */
FILE *dw_atomic_file_stream(struct dw_atomic_file *f);

/* Flushes, fsyncs and closes the temporary file, checking each step, then
 * renames it over the target. Frees f in every case. On failure the target
 * is unchanged, the temporary file is gone, and err says which step failed
 * with the OS error. */
enum dw_status dw_atomic_file_commit(struct dw_atomic_file *f, struct dw_error *err);

/* Drops what was written: removes the temporary file, leaves the target
 * unchanged, frees f. NULL is accepted. */
void dw_atomic_file_abort(struct dw_atomic_file *f);

/* Writes len bytes of data to path in one go (open, write, commit). */
enum dw_status dw_atomic_file_write(const char *path, const void *data, size_t len, struct dw_error *err);

#endif
