/* parse_floor.c: the offline bench's floor. Walks a snapshot folder and, for
 * every *.json file in it, reads the file, parses it with jansson (the flags
 * dbward's loader uses) and frees it at once: the least work any reader of
 * the same files with the same library does. Prints the number of files, the
 * bytes of all of them and the bytes of the largest top-level folder (a
 * region, or global): "files bytes largest_dir_bytes largest_dir". Built by
 * bench/run only, never part of dbward. Exit 1 when a file cannot be read or
 * parsed (the bench's snapshots are all valid JSON). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_root;
static size_t s_root_len;
static unsigned long long s_files, s_bytes;
/* Bytes per top-level folder: a short list (a snapshot has at most a few dozen regions). */
static char s_dirs[64][64];
static unsigned long long s_dir_bytes[64];
static int s_n_dirs;
static int s_failed;

static void s_count_dir(const char *path, unsigned long long n)
{
    const char *rel = path + s_root_len;
    while (*rel == '/')
        rel++;
    const char *slash = strchr(rel, '/');
    if (!slash)
        return; /* a file at the top (manifest.json) belongs to no region */
    size_t len = (size_t)(slash - rel);
    if (len >= sizeof(s_dirs[0]))
        len = sizeof(s_dirs[0]) - 1;
    for (int i = 0; i < s_n_dirs; i++) {
        if (strlen(s_dirs[i]) == len && strncmp(s_dirs[i], rel, len) == 0) {
            s_dir_bytes[i] += n;
            return;
        }
    }
    if (s_n_dirs < 64) {
        memcpy(s_dirs[s_n_dirs], rel, len);
        s_dirs[s_n_dirs][len] = '\0';
        s_dir_bytes[s_n_dirs++] = n;
    }
}

static int s_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".json") != 0)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "parse_floor: %s: cannot open\n", path);
        s_failed = 1;
        return 0;
    }
    size_t size = (size_t)st->st_size;
    char *buf = malloc(size ? size : 1);
    size_t got = buf ? fread(buf, 1, size, f) : 0;
    fclose(f);
    json_error_t err;
    json_t *j = buf ? json_loadb(buf, got, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err) : NULL;
    if (!j) {
        fprintf(stderr, "parse_floor: %s: %s\n", path, buf ? err.text : "out of memory");
        s_failed = 1;
    }
    json_decref(j);
    free(buf);
    s_files++;
    s_bytes += got;
    s_count_dir(path, got);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: parse_floor SNAPSHOT_DIR\n");
        return 2;
    }
    s_root = argv[1];
    s_root_len = strlen(s_root);
    if (nftw(s_root, s_visit, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "parse_floor: cannot walk %s\n", s_root);
        return 1;
    }
    int big = -1;
    for (int i = 0; i < s_n_dirs; i++) {
        if (big < 0 || s_dir_bytes[i] > s_dir_bytes[big])
            big = i;
    }
    printf("%llu %llu %llu %s\n", s_files, s_bytes, big >= 0 ? s_dir_bytes[big] : 0ULL,
           big >= 0 ? s_dirs[big] : "-");
    return s_failed;
}
