/* dirlist.c: a folder's entries read once, as names and the types the
 * folder itself records (readdir's d_type), so a reader of many files of one
 * folder learns which exist, and which are regular files, without a path
 * lookup per name. It opens nothing: the caller owns the folder's
 * descriptor. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

struct s_slot {
    char *name; /* NULL: empty */
    unsigned char type;
};

struct dw_dirlist {
    struct s_slot *slots;
    size_t n_slots; /* a power of 2, at least twice n */
    size_t n;
};

static void s_put(struct dw_dirlist *l, char *name, unsigned char type)
{
    size_t mask = l->n_slots - 1;
    for (size_t i = dw_hash_str(name) & mask;; i = (i + 1) & mask) {
        if (!l->slots[i].name) {
            l->slots[i].name = name;
            l->slots[i].type = type;
            l->n++;
            return;
        }
    }
}

static void s_grow(struct dw_dirlist *l)
{
    struct s_slot *old = l->slots;
    size_t n_old = l->n_slots;
    l->n_slots *= 2;
    l->slots = dw_xcalloc(l->n_slots, sizeof(*l->slots));
    l->n = 0;
    for (size_t i = 0; i < n_old; i++) {
        if (old[i].name)
            s_put(l, old[i].name, old[i].type);
    }
    free(old);
}

enum dw_status dw_dirlist_read(int dir_fd, const char *display, struct dw_dirlist **out, struct dw_error *err)
{
    *out = NULL;
    /* fdopendir takes the descriptor it is given: it gets a copy, read from
     * the start whatever was read of the folder before. */
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return dw_error_set(err, DW_E_IO, display, 0, 0, 0, "cannot list the folder: %s", strerror(e));
    }
    struct dw_dirlist *l = dw_xcalloc(1, sizeof(*l));
    l->n_slots = 64;
    l->slots = dw_xcalloc(l->n_slots, sizeof(*l->slots));
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de)
            break;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((l->n + 1) * 2 > l->n_slots)
            s_grow(l);
        s_put(l, dw_xstrdup(de->d_name), de->d_type);
    }
    int e = errno;
    closedir(d);
    if (e) {
        dw_dirlist_free(l);
        return dw_error_set(err, DW_E_IO, display, 0, 0, 0, "cannot list the folder: %s", strerror(e));
    }
    *out = l;
    return DW_OK;
}

int dw_dirlist_type(const struct dw_dirlist *l, const char *name)
{
    size_t mask = l->n_slots - 1;
    for (size_t i = dw_hash_str(name) & mask; l->slots[i].name; i = (i + 1) & mask) {
        if (strcmp(l->slots[i].name, name) == 0)
            return l->slots[i].type;
    }
    return -1;
}

void dw_dirlist_free(struct dw_dirlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_slots; i++)
        free(l->slots[i].name);
    free(l->slots);
    free(l);
}
