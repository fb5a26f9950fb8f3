/* snapshot.c: lazy, cached loader for snapshot folders. It maps
 * (region, service, command, key) to a file path, loads the file or its
 * .error.json twin, and remembers the result. It knows nothing about
 * controls; shapes inside the answers are the evaluators' business.
 *
 * The folder the user names is opened once (it may itself be a link);
 * below it nothing is followed: every folder and file is opened with
 * O_NOFOLLOW, and a link, FIFO, socket or device where a file or folder is
 * expected is refused with a reason naming the entry (docs/snapshot.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbward/snapshot.h>

#include "redact/redact.h"
#include "snapshot/readahead.h"
#include "util/util.h"

struct s_entry {
    char *path;         /* relative path, the hash key */
    uint64_t hash;      /* dw_hash_str(path) */
    struct dw_doc doc;  /* doc.path points at path */
    char *error_code;   /* owned storage behind doc.error_code */
    char *reason;       /* owned storage behind doc.reason */
    struct s_entry *next;
    struct s_entry *gnext; /* the next entry of its call (struct s_call) */
};

/* The cached entries of one call (region/service/command, its keys and
 * all), so forgetting a call or a region touches only what it forgets. */
struct s_call {
    char *prefix; /* region/service/command */
    struct s_entry *first;
    struct s_call *next;
};

/* A folder's listing, kept while its region is read: which files exist and
 * which are regular files, without a path lookup per file. */
struct s_listing {
    char *folder; /* relative path */
    struct dw_dirlist *list;
    struct s_listing *next;
};

#define S_CALL_BUCKETS 256
/* A prefetch of fewer files than this is not worth its thread. */
#define S_PREFETCH_MIN 32

struct dw_snapshot {
    char *dir;   /* NULL for a snapshot built in memory (dw_snapshot_new) */
    int root_fd; /* dir, opened once; every read goes below it */
    /* The folder read last, kept open: files are asked for folder by folder
     * (every describe-table/<key>), so this saves the 3 or 4 openat calls
     * of the walk for most files. On the bench's 10k-resource snapshot
     * (27,332 files, 2 loaded cores) CPU time was 1.57-1.64 s with it,
     * 1.65-1.68 s without, 1.55-1.67 s for the old stat+fopen reader. */
    char *last_folder; /* relative path, or NULL */
    int last_fd;       /* its descriptor, -1 when none */
    char *account_id;
    char *partition;
    char **regions;
    size_t n_regions;
    int64_t taken_at;
    char taken_at_iso[32];
    char *rbuf;  /* the read buffer of s_load_at, kept between files */
    size_t rcap;
    struct dw_readahead *ra; /* the read-ahead thread, once a prefetch started it */
    bool no_readahead;
    struct s_entry **buckets;
    size_t n_buckets;
    size_t n_entries;
    struct s_call *calls[S_CALL_BUCKETS];
    struct s_call *last_call; /* entries come call by call: looked at first */
    struct s_listing *listings; /* the one used last first */
    /* In memory only: the files as put (dw_snapshot_put), keyed by their
     * relative file name with its suffix; doc.json holds the document. A
     * table of its own: the cache above may forget a document, these are
     * the only copy. */
    struct s_entry **files;
    size_t n_file_buckets;
    size_t n_files;
};

char *dw_snapshot_key_encode(const char *key)
{
    size_t n = 0;
    for (const char *c = key; c && *c; c++)
        n += *c == '/' ? 3 : 1;
    if (n > (size_t)1 << 20) /* no such file name: the key is refused as unsafe */
        return dw_xstrdup("");
    char *out = dw_xmalloc(n + 1), *o = out;
    for (const char *c = key; c && *c; c++) {
        if (*c == '/') {
            memcpy(o, "%2F", 3);
            o += 3;
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

/* The inverse of dw_snapshot_key_encode for a file name's key; a new string. */
static char *s_key_decode(const char *name, size_t len)
{
    char *out = dw_xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (i + 3 <= len && strncmp(name + i, "%2F", 3) == 0) {
            out[o++] = '/';
            i += 2;
        } else {
            out[o++] = name[i];
        }
    }
    out[o] = '\0';
    return out;
}

static bool s_valid_name(const char *s)
{
    if (!s || !*s || s[0] == '.')
        return false;
    for (const char *c = s; *c; c++) {
        if (*c == '/' || *c == '\\' || (unsigned char)*c < 0x20)
            return false;
    }
    return true;
}

/* The AWS partitions and the prefixes of their region names (botocore's
 * partitions.json regionRegex: <prefix>-<name>-<number>). */
static const struct {
    const char *partition;
    const char *prefixes; /* space-separated */
} s_partitions[] = {
    {"aws", "us eu ap sa ca me af il mx"},
    {"aws-cn", "cn"},
    {"aws-us-gov", "us-gov"},
    {"aws-iso", "us-iso"},
    {"aws-iso-b", "us-isob"},
    {"aws-iso-e", "eu-isoe"},
    {"aws-iso-f", "us-isof"},
    {"aws-eusc", "eusc-de"},
};

/* Index of partition in s_partitions, or -1. */
static int s_partition_index(const char *partition)
{
    for (size_t i = 0; i < DW_ARRAY_LEN(s_partitions); i++) {
        if (strcmp(s_partitions[i].partition, partition) == 0)
            return (int)i;
    }
    return -1;
}

/* True when region is <prefix>-<name>-<number> for one of the partition's
 * prefixes, name one run of [a-z0-9], number 1 to 3 digits. */
static bool s_region_in_partition(const char *region, int part)
{
    const char *list = s_partitions[part].prefixes;
    while (*list) {
        size_t plen = strcspn(list, " ");
        if (strncmp(region, list, plen) == 0 && region[plen] == '-') {
            const char *p = region + plen + 1;
            size_t name = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
            size_t digits = p[name] == '-' ? strspn(p + name + 1, "0123456789") : 0;
            if (name > 0 && digits >= 1 && digits <= 3 && p[name + 1 + digits] == '\0')
                return true;
        }
        list += plen;
        list += *list == ' ';
    }
    return false;
}

/* Up to 40 bytes of s for an error message: printable ASCII as it is, any
 * other byte as \xHH, so a hostile value cannot drive the terminal. */
static void s_shown(const char *s, char *out, size_t out_len)
{
    size_t o = 0;
    for (size_t i = 0; i < 40 && s[i] && o + 5 < out_len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, out_len - o, "\\x%02x", c);
    }
    out[o] = '\0';
}

/* Every folder at the top of the snapshot is "global" or a region name of
 * the manifest's partition. A region the manifest does not list may hold
 * evidence that a scanned region refers to (a KMS key in another region);
 * it is not scanned itself. Any other folder means the two disagree.
 * This checks one top folder's name. */
static enum dw_status s_check_top(const struct dw_snapshot *s, const char *name, const char *mpath,
                                  struct dw_error *err)
{
    bool listed = false;
    for (size_t i = 0; i < s->n_regions && !listed; i++)
        listed = strcmp(s->regions[i], name) == 0;
    int part = s_partition_index(s->partition);
    if (!listed && (part < 0 || !s_region_in_partition(name, part))) {
        char shown[256];
        s_shown(name, shown, sizeof(shown));
        return dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                            "the snapshot has a folder \"%s\" that is neither \"global\" nor a region name of "
                            "partition \"%s\"",
                            shown, s->partition);
    }
    return DW_OK;
}

/* Every top folder of a snapshot folder (s_check_top). */
static enum dw_status s_check_folders(const struct dw_snapshot *s, const char *mpath, struct dw_error *err)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return dw_error_set(err, DW_E_IO, s->dir, 0, 0, 0, "cannot list the snapshot folder: %s", strerror(errno));
    enum dw_status rc = DW_OK;
    struct dirent *e;
    while (rc == DW_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "global") == 0)
            continue;
        char *full = dw_xasprintf("%s/%s", s->dir, e->d_name);
        struct stat st;
        bool is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        free(full);
        if (is_dir)
            rc = s_check_top(s, e->d_name, mpath, err);
    }
    closedir(d);
    return rc;
}

static enum dw_status s_manifest_str(json_t *m, const char *key, char **out, const char *path,
                                     struct dw_error *err)
{
    json_t *v = json_object_get(m, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return dw_error_set(err, DW_E_SCHEMA, path, 0, 0, 0,
                            "manifest field \"%s\" must be a non-empty string", key);
    *out = dw_xstrdup(json_string_value(v));
    return DW_OK;
}

/* Loads the JSON file name in the folder dir_fd without following links
 * (shown names it in errors), through the snapshot's read buffer (one
 * allocation for every file, instead of one each); listed_regular: a folder
 * listing showed it as a regular file, so it is not looked at first. */
static enum dw_status s_load_at(struct dw_snapshot *s, int dir_fd, const char *name, const char *shown,
                                bool listed_regular, json_t **out, struct dw_error *err)
{
    return dw_json_read_at(dir_fd, name, shown, listed_regular, DW_SNAPSHOT_MAX_FILE_BYTES, &s->rbuf, &s->rcap, out,
                           err);
}

/* Reads the manifest m into s: every field checked (docs/snapshot.md);
 * mpath names it in errors. */
static enum dw_status s_read_manifest(struct dw_snapshot *s, json_t *m, const char *mpath, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    if (!json_is_object(m)) {
        rc = dw_error_set(err, DW_E_SCHEMA, mpath, 1, 1, 0, "manifest must be a JSON object");
        goto out;
    }
    rc = s_manifest_str(m, "account_id", &s->account_id, mpath, err);
    if (rc)
        goto out;
    size_t alen = strlen(s->account_id);
    bool digits = alen == 12;
    for (size_t i = 0; i < alen && digits; i++)
        digits = s->account_id[i] >= '0' && s->account_id[i] <= '9';
    if (!digits) {
        char shown[256];
        s_shown(s->account_id, shown, sizeof(shown));
        rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                          "manifest field \"account_id\" must be 12 digits, got \"%s\"", shown);
        goto out;
    }
    rc = s_manifest_str(m, "partition", &s->partition, mpath, err);
    if (rc)
        goto out;
    int part = s_partition_index(s->partition);
    if (part < 0) {
        char shown[256];
        s_shown(s->partition, shown, sizeof(shown));
        rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                          "manifest field \"partition\" must be an AWS partition (aws, aws-cn, aws-us-gov, "
                          "aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc), got \"%s\"",
                          shown);
        goto out;
    }
    char *taken = NULL;
    rc = s_manifest_str(m, "taken_at", &taken, mpath, err);
    if (rc)
        goto out;
    bool ok_time = dw_time_parse_iso8601(taken, &s->taken_at);
    free(taken);
    dw_time_format_iso8601(s->taken_at, s->taken_at_iso, sizeof(s->taken_at_iso));
    if (!ok_time) {
        rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                          "manifest field \"taken_at\" is not an ISO 8601 time");
        goto out;
    }
    json_t *regions = json_object_get(m, "regions");
    if (!json_is_array(regions) || json_array_size(regions) == 0) {
        rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                          "manifest field \"regions\" must be a non-empty array of strings");
        goto out;
    }
    s->regions = dw_xcalloc(json_array_size(regions), sizeof(char *));
    size_t i;
    json_t *r;
    json_array_foreach(regions, i, r)
    {
        if (!json_is_string(r)) {
            rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                              "manifest field \"regions\"[%zu] is not a string", i);
            goto out;
        }
        const char *name = json_string_value(r);
        char shown[256];
        s_shown(name, shown, sizeof(shown));
        if (strlen(name) != json_string_length(r) || !s_region_in_partition(name, part)) {
            rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                              "manifest field \"regions\"[%zu] is not a region name of partition \"%s\", "
                              "got \"%s\"",
                              i, s->partition, shown);
            goto out;
        }
        for (size_t k = 0; k < s->n_regions; k++) {
            if (strcmp(s->regions[k], name) == 0) {
                rc = dw_error_set(err, DW_E_SCHEMA, mpath, 0, 0, 0,
                                  "manifest field \"regions\"[%zu] repeats \"%s\"", i, shown);
                goto out;
            }
        }
        s->regions[s->n_regions++] = dw_xstrdup(name);
    }
out:
    return rc;
}

enum dw_status dw_snapshot_open(const char *dir, struct dw_snapshot **out, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    json_t *m = NULL;
    char *mpath = dw_xasprintf("%s/manifest.json", dir);
    struct dw_snapshot *s = dw_xcalloc(1, sizeof(*s));
    *out = NULL;
    s->dir = dw_xstrdup(dir);
    s->n_buckets = 1024;
    s->buckets = dw_xcalloc(s->n_buckets, sizeof(*s->buckets));
    /* The folder the user named is resolved once, links and all. */
    s->last_fd = -1;
    s->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0) {
        int e = errno;
        if (e == ENOENT)
            rc = dw_error_set(err, DW_E_NOT_FOUND, mpath, 0, 0, 0, "%s", strerror(e));
        else
            rc = dw_error_set(err, DW_E_IO, dir, 0, 0, 0, "cannot open the snapshot folder: %s", strerror(e));
        goto out;
    }

    rc = s_load_at(s, s->root_fd, "manifest.json", mpath, false, &m, err);
    if (rc)
        goto out;
    rc = s_read_manifest(s, m, mpath, err);
    if (rc)
        goto out;
    rc = s_check_folders(s, mpath, err);
out:
    json_decref(m);
    free(mpath);
    if (rc) {
        dw_snapshot_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

static void s_entry_free(struct s_entry *e)
{
    json_decref(e->doc.json);
    free(e->path);
    free(e->error_code);
    free(e->reason);
    free(e);
}

static void s_listing_free(struct s_listing *l)
{
    dw_dirlist_free(l->list);
    free(l->folder);
    free(l);
}

/* Frees every entry of a table of n buckets, and the table. */
static void s_table_free(struct s_entry **t, size_t n)
{
    for (size_t b = 0; b < n; b++) {
        struct s_entry *e = t ? t[b] : NULL;
        while (e) {
            struct s_entry *next = e->next;
            s_entry_free(e);
            e = next;
        }
    }
    free(t);
}

void dw_snapshot_free(struct dw_snapshot *s)
{
    if (!s)
        return;
    dw_readahead_free(s->ra);
    s_table_free(s->buckets, s->n_buckets);
    for (size_t b = 0; b < S_CALL_BUCKETS; b++) {
        for (struct s_call *c = s->calls[b], *next; c; c = next) {
            next = c->next;
            free(c->prefix);
            free(c);
        }
    }
    for (struct s_listing *l = s->listings, *next; l; l = next) {
        next = l->next;
        s_listing_free(l);
    }
    free(s->rbuf);
    s_table_free(s->files, s->n_file_buckets);
    for (size_t i = 0; i < s->n_regions; i++)
        free(s->regions[i]);
    free(s->regions);
    free(s->account_id);
    free(s->partition);
    free(s->dir);
    if (s->root_fd >= 0)
        close(s->root_fd);
    if (s->last_fd >= 0)
        close(s->last_fd);
    free(s->last_folder);
    free(s);
}

const char *dw_snapshot_account_id(const struct dw_snapshot *s) { return s->account_id; }
const char *dw_snapshot_partition(const struct dw_snapshot *s) { return s->partition; }
size_t dw_snapshot_region_count(const struct dw_snapshot *s) { return s->n_regions; }
const char *dw_snapshot_region(const struct dw_snapshot *s, size_t i) { return s->regions[i]; }
int64_t dw_snapshot_taken_at(const struct dw_snapshot *s) { return s->taken_at; }
const char *dw_snapshot_dir(const struct dw_snapshot *s) { return s->dir; }
const char *dw_snapshot_taken_at_iso(const struct dw_snapshot *s) { return s->taken_at_iso; }

/* True when dir_fd holds an entry called name, whatever it is: a dangling
 * or looping link exists (and is refused when read), it is not missing. */
static bool s_exists_at(int dir_fd, const char *name)
{
    struct stat st;
    return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static char *s_describe_call(const char *region, const char *service, const char *command,
                             const char *key)
{
    if (key)
        return dw_xstrjoin(service, " ", command, " for ", key, " in ", region);
    return dw_xstrjoin(service, " ", command, " in ", region);
}

static void s_format_err(struct dw_buf *b, const struct dw_error *e)
{
    if (e->line > 0)
        dw_buf_printf(b, "%s:%d:%d: %s", e->source, e->line, e->column, e->message);
    else
        dw_buf_printf(b, "%s: %s", e->source, e->message);
}

/* The folder rel below the root, opened without following links; the
 * descriptor is borrowed from s (valid until the next call). */
static enum dw_status s_folder(struct dw_snapshot *s, const char *rel, int *fd, struct dw_error *err)
{
    if (s->last_folder && strcmp(s->last_folder, rel) == 0) {
        *fd = s->last_fd;
        return DW_OK;
    }
    int nfd = -1;
    enum dw_status rc = dw_dir_open_beneath(s->root_fd, rel, false, s->dir, &nfd, err);
    if (rc)
        return rc;
    if (s->last_fd >= 0)
        close(s->last_fd);
    free(s->last_folder);
    s->last_folder = dw_xstrdup(rel);
    s->last_fd = nfd;
    *fd = nfd;
    return DW_OK;
}

/* The listing of folder rel, open as fd: kept from an earlier look, else
 * read now. NULL when it cannot be read (the caller then looks file by
 * file). */
static const struct dw_dirlist *s_listing(struct dw_snapshot *s, const char *rel, int fd)
{
    struct s_listing **link = &s->listings;
    for (; *link; link = &(*link)->next) {
        struct s_listing *l = *link;
        if (strcmp(l->folder, rel) == 0) {
            *link = l->next; /* to the front */
            l->next = s->listings;
            s->listings = l;
            return l->list;
        }
    }
    struct dw_error e;
    memset(&e, 0, sizeof(e));
    struct dw_dirlist *list = NULL;
    if (dw_dirlist_read(fd, rel, &list, &e))
        return NULL;
    struct s_listing *l = dw_xcalloc(1, sizeof(*l));
    l->folder = dw_xstrdup(rel);
    l->list = list;
    l->next = s->listings;
    s->listings = l;
    return list;
}

/* The file put under rel (dw_snapshot_put), or NULL. */
static struct s_entry *s_file_find(const struct dw_snapshot *s, const char *rel)
{
    if (!s->files)
        return NULL;
    for (struct s_entry *e = s->files[dw_hash_str(rel) % s->n_file_buckets]; e; e = e->next) {
        if (strcmp(e->path, rel) == 0)
            return e;
    }
    return NULL;
}

/* e as the answer j says (a new reference, stolen): a JSON object, else BAD. */
static void s_fill_ok(struct s_entry *e, const char *call, json_t *j, struct dw_buf *b)
{
    if (!json_is_object(j)) {
        e->doc.state = DW_DOC_BAD;
        dw_buf_printf(b, "%s could not be read: %s.json is not a JSON object", call, e->path);
        json_decref(j);
        return;
    }
    e->doc.state = DW_DOC_OK;
    dw_redact_json(j); /* no secret a careless export holds can reach a report */
    e->doc.json = j;
}

/* e as the error twin j says (borrowed): its code, else BAD. */
static void s_fill_error(struct s_entry *e, const char *call, const json_t *j, struct dw_buf *b)
{
    json_t *code = json_object_get(j, "code");
    json_t *msg = json_object_get(j, "message");
    e->doc.state = json_is_string(code) ? DW_DOC_API_ERROR : DW_DOC_BAD;
    if (e->doc.state == DW_DOC_BAD) {
        dw_buf_printf(b, "%s could not be read: %s.error.json has no \"code\" string", call, e->path);
        return;
    }
    const char *c = json_string_value(code);
    e->error_code = dw_xstrdup(c);
    bool denied = strstr(c, "AccessDenied") || strstr(c, "Unauthorized") || strstr(c, "NotAuthorized");
    dw_buf_printf(b, "%s %s (%s)", call, denied ? "was denied" : "failed", c);
    if (json_is_string(msg) && json_string_length(msg) > 0)
        dw_buf_printf(b, ": %.200s", json_string_value(msg));
}

static void s_fill_ambiguous(struct s_entry *e, const char *call, struct dw_buf *b)
{
    e->doc.state = DW_DOC_BAD;
    dw_buf_printf(b, "%s: both %s.json and %s.error.json exist; the snapshot is ambiguous", call, e->path,
                  e->path);
}

static void s_fill_missing(struct s_entry *e, const char *call, struct dw_buf *b)
{
    e->doc.state = DW_DOC_MISSING;
    dw_buf_printf(b, "%s was not recorded (%s.json is missing)", call, e->path);
}

/* Fills e from the files put in memory: the same states as from a folder. */
static void s_load_mem(struct dw_snapshot *s, struct s_entry *e, const char *call, struct dw_buf *b)
{
    char *name = dw_xstrjoin(e->path, ".json");
    char *ename = dw_xstrjoin(e->path, ".error.json");
    struct s_entry *ok = s_file_find(s, name);
    struct s_entry *er = s_file_find(s, ename);
    if (ok && er)
        s_fill_ambiguous(e, call, b);
    else if (ok)
        s_fill_ok(e, call, json_incref(ok->doc.json), b);
    else if (er)
        s_fill_error(e, call, er->doc.json, b);
    else
        s_fill_missing(e, call, b);
    free(name);
    free(ename);
}

/* Fills e from the files on disk. */
static void s_load_dir(struct dw_snapshot *s, struct s_entry *e, const char *call, struct dw_buf *b)
{
    struct dw_error jerr;
    memset(&jerr, 0, sizeof(jerr));
    char *full = dw_xstrjoin(s->dir, "/", e->path, ".json");
    char *efull = dw_xstrjoin(s->dir, "/", e->path, ".error.json");
    /* e->path is region/service/command[/key]: a folder and a base name. */
    const char *slash = strrchr(e->path, '/');
    char *folder = slash ? dw_xstrndup(e->path, (size_t)(slash - e->path)) : dw_xstrdup("");
    const char *base = slash ? slash + 1 : e->path;
    char *name = dw_xstrjoin(base, ".json");
    char *ename = dw_xstrjoin(base, ".error.json");
    int dfd = -1;
    enum dw_status drc = s_folder(s, folder, &dfd, &jerr);
    const struct dw_dirlist *list = drc == DW_OK ? s_listing(s, folder, dfd) : NULL;
    json_t *j = NULL;
    enum dw_status lrc = DW_E_NOT_FOUND;
    bool has_ok, has_err;
    if (list) {
        /* The folder's listing says which of the two exist, and whether the
         * answer is a regular file: no look at the path before the read. */
        int type = dw_dirlist_type(list, name);
        has_err = dw_dirlist_type(list, ename) >= 0;
        has_ok = type >= 0;
        if (has_ok && !has_err && !dw_readahead_take(s->ra, folder, name, &lrc, &j, &jerr))
            lrc = s_load_at(s, dfd, name, full, type == DT_REG, &j, &jerr);
    } else {
        has_err = drc == DW_OK && s_exists_at(dfd, ename);
        /* Without an error twin the answer is read at once: the read tells
         * whether it exists (one look at the folder less per file). */
        if (drc == DW_OK && !has_err)
            lrc = s_load_at(s, dfd, name, full, false, &j, &jerr);
        has_ok = drc == DW_OK && (has_err ? s_exists_at(dfd, name) : lrc != DW_E_NOT_FOUND);
    }

    if (drc && drc != DW_E_NOT_FOUND) {
        /* A folder on the way is a link or not a folder. */
        e->doc.state = DW_DOC_BAD;
        dw_buf_printf(b, "%s could not be read: ", call);
        s_format_err(b, &jerr);
    } else if (has_ok && has_err) {
        s_fill_ambiguous(e, call, b);
    } else if (has_ok) {
        if (lrc) {
            e->doc.state = DW_DOC_BAD;
            dw_buf_printf(b, "%s could not be read: ", call);
            s_format_err(b, &jerr);
        } else {
            s_fill_ok(e, call, j, b);
        }
    } else if (has_err) {
        json_t *ej = NULL;
        if (s_load_at(s, dfd, ename, efull, false, &ej, &jerr)) {
            e->doc.state = DW_DOC_BAD;
            dw_buf_printf(b, "%s could not be read: ", call);
            s_format_err(b, &jerr);
        } else {
            s_fill_error(e, call, ej, b);
            json_decref(ej);
        }
    } else {
        s_fill_missing(e, call, b);
    }
    free(folder);
    free(name);
    free(ename);
    free(full);
    free(efull);
}

/* Fills e from the folder or from memory. */
static void s_load(struct dw_snapshot *s, struct s_entry *e, const char *call)
{
    struct dw_buf b;
    dw_buf_init(&b, 4096);
    if (s->dir)
        s_load_dir(s, e, call, &b);
    else
        s_load_mem(s, e, call, &b);
    e->reason = dw_buf_steal(&b);
    if (!e->reason)
        e->reason = dw_xstrdup(call);
    e->doc.reason = e->reason;
    e->doc.error_code = e->error_code;
}

/* Adds e to a table of entries (the cache, or the files put in memory),
 * which grows 4 times when it holds more than 2 entries a bucket. */
static void s_insert(struct s_entry ***buckets, size_t *n_buckets, size_t *n, struct s_entry *e)
{
    uint64_t h = e->hash % *n_buckets;
    e->next = (*buckets)[h];
    (*buckets)[h] = e;
    (*n)++;
    if (*n <= *n_buckets * 2)
        return;
    size_t nb = *n_buckets * 4;
    struct s_entry **nbk = dw_xcalloc(nb, sizeof(*nbk));
    for (size_t b = 0; b < *n_buckets; b++) {
        struct s_entry *x = (*buckets)[b];
        while (x) {
            struct s_entry *next = x->next;
            uint64_t nh = x->hash % nb;
            x->next = nbk[nh];
            nbk[nh] = x;
            x = next;
        }
    }
    free(*buckets);
    *buckets = nbk;
    *n_buckets = nb;
}

/* The call of prefix (region/service/command), or NULL. */
static struct s_call *s_call_find(const struct dw_snapshot *s, const char *prefix)
{
    struct s_call *c = s->calls[dw_hash_str(prefix) % S_CALL_BUCKETS];
    while (c && strcmp(c->prefix, prefix) != 0)
        c = c->next;
    return c;
}

/* Files e under its call (region/service/command: the path up to its
 * third '/'). */
static void s_call_add(struct dw_snapshot *s, struct s_entry *e)
{
    size_t len = 0;
    for (int slashes = 0; e->path[len] && !(e->path[len] == '/' && ++slashes == 3);)
        len++;
    struct s_call *c = s->last_call;
    if (!c || strncmp(c->prefix, e->path, len) != 0 || c->prefix[len]) {
        char *prefix = dw_xstrndup(e->path, len);
        c = s_call_find(s, prefix);
        if (c) {
            free(prefix);
        } else {
            size_t b = dw_hash_str(prefix) % S_CALL_BUCKETS;
            c = dw_xcalloc(1, sizeof(*c));
            c->prefix = prefix;
            c->next = s->calls[b];
            s->calls[b] = c;
        }
        s->last_call = c;
    }
    e->gnext = c->first;
    c->first = e;
}

const struct dw_doc *dw_snapshot_get(struct dw_snapshot *s, const char *region, const char *service,
                                     const char *command, const char *key)
{
    /* A '/' of a key is written %2F (dw_snapshot_key_encode): a secret named
     * dms/orders has a file of its own, never a folder. */
    char *ekey = key ? dw_snapshot_key_encode(key) : NULL;
    char *path = key ? dw_xstrjoin(region, "/", service, "/", command, "/", ekey)
                     : dw_xstrjoin(region, "/", service, "/", command);
    uint64_t hash = dw_hash_str(path);
    for (struct s_entry *e = s->buckets[hash % s->n_buckets]; e; e = e->next) {
        if (e->hash == hash && strcmp(e->path, path) == 0) {
            free(path);
            free(ekey);
            return &e->doc;
        }
    }
    struct s_entry *e = dw_xcalloc(1, sizeof(*e));
    e->path = path;
    e->hash = hash;
    e->doc.path = e->path;
    char *call = s_describe_call(region, service, command, key);
    if (key && !s_valid_name(ekey)) {
        e->doc.state = DW_DOC_BAD;
        e->reason = dw_xasprintf("%s: the resource key is not a safe file name", call);
        e->doc.reason = e->reason;
    } else {
        s_load(s, e, call);
    }
    free(call);
    free(ekey);
    s_insert(&s->buckets, &s->n_buckets, &s->n_entries, e);
    s_call_add(s, e);
    return &e->doc;
}

/* Forgets every entry of call c, and c. */
static void s_call_drop(struct dw_snapshot *s, struct s_call *c)
{
    struct s_entry *e = c->first;
    while (e) {
        struct s_entry *gnext = e->gnext;
        struct s_entry **link = &s->buckets[e->hash % s->n_buckets];
        while (*link != e)
            link = &(*link)->next;
        *link = e->next;
        s_entry_free(e);
        s->n_entries--;
        e = gnext;
    }
    if (s->last_call == c)
        s->last_call = NULL;
    free(c->prefix);
    free(c);
}

/* Forgets the listings of folder (exactly), or of every folder below it. */
static void s_listings_drop(struct dw_snapshot *s, const char *folder, bool below)
{
    size_t len = strlen(folder);
    struct s_listing **link = &s->listings;
    while (*link) {
        struct s_listing *l = *link;
        bool match = below ? strncmp(l->folder, folder, len) == 0 && (!l->folder[len] || l->folder[len] == '/')
                           : strcmp(l->folder, folder) == 0;
        if (match) {
            *link = l->next;
            s_listing_free(l);
        } else {
            link = &l->next;
        }
    }
}

void dw_snapshot_prefetch_end(struct dw_snapshot *s) { dw_readahead_end(s->ra); }

void dw_snapshot_set_readahead(struct dw_snapshot *s, bool on)
{
    dw_snapshot_prefetch_end(s);
    s->no_readahead = !on;
}

/* The prefetch's folder for one call: its descriptor (a copy) and listing,
 * or false when either cannot be had (its files are then read as asked). */
static bool s_prefetch_folder(struct dw_snapshot *s, const char *rel, int *fd, const struct dw_dirlist **list)
{
    struct dw_error err;
    int dfd = -1;
    if (s_folder(s, rel, &dfd, &err))
        return false;
    *list = s_listing(s, rel, dfd);
    *fd = *list ? fcntl(dfd, F_DUPFD_CLOEXEC, 0) : -1;
    return *fd >= 0;
}

void dw_snapshot_prefetch(struct dw_snapshot *s, const char *region, const char *const *calls, size_t n_calls,
                          const char *const *keys, size_t n_keys)
{
    dw_snapshot_prefetch_end(s);
    if (s->no_readahead || !s->dir || n_calls == 0 || n_keys < S_PREFETCH_MIN)
        return;
    int *dirs = dw_xcalloc(n_calls, sizeof(*dirs));
    char **folders = dw_xcalloc(n_calls, sizeof(*folders));
    const struct dw_dirlist **lists = dw_xcalloc(n_calls, sizeof(*lists));
    size_t n_dirs = 0;
    for (size_t c = 0; c < n_calls; c++) {
        const char *sp = strchr(calls[c], ' ');
        char *folder = sp ? dw_xasprintf("%s/%.*s/%s", region, (int)(sp - calls[c]), calls[c], sp + 1) : NULL;
        int fd = -1;
        /* A call with an answer cached already was read by an earlier loop:
         * its keys are not looked at again (so none of the keys below is
         * cached: every cached answer is filed under its call). */
        const struct s_call *sc = folder ? s_call_find(s, folder) : NULL;
        if (folder && !(sc && sc->first) && s_prefetch_folder(s, folder, &fd, &lists[n_dirs])) {
            dirs[n_dirs] = fd;
            folders[n_dirs++] = folder;
        } else {
            free(folder);
        }
    }
    if (n_dirs == 0) {
        free(dirs);
        free(folders);
        free(lists);
        return;
    }
    size_t n = 0;
    struct dw_ra_job *jobs = dw_xcalloc(n_keys * n_dirs, sizeof(*jobs));
    for (size_t k = 0; k < n_keys; k++) {
        char *ekey = dw_snapshot_key_encode(keys[k]);
        char *name = dw_xstrjoin(ekey, ".json");
        char *ename = dw_xstrjoin(ekey, ".error.json");
        for (size_t d = 0; d < n_dirs && s_valid_name(ekey); d++) {
            /* Only what s_load_dir would read at once: a listed answer
             * without an error twin. */
            int type = dw_dirlist_type(lists[d], name);
            if (type < 0 || dw_dirlist_type(lists[d], ename) >= 0)
                continue;
            struct dw_ra_job *j = &jobs[n++];
            j->dir = d;
            j->name = dw_xstrdup(name);
            j->shown = dw_xstrjoin(s->dir, "/", folders[d], "/", ekey, ".json");
            j->listed_regular = type == DT_REG;
        }
        free(ekey);
        free(name);
        free(ename);
    }
    free(lists);
    if (!s->ra)
        s->ra = dw_readahead_new(DW_SNAPSHOT_MAX_FILE_BYTES);
    dw_readahead_batch(s->ra, jobs, n, folders, dirs, n_dirs);
}

void dw_snapshot_evict(struct dw_snapshot *s, const char *region, const char *service, const char *command)
{
    dw_snapshot_prefetch_end(s);
    char *prefix = service && command ? dw_xasprintf("%s/%s/%s", region, service, command) : dw_xstrdup(region);
    size_t len = strlen(prefix);
    for (size_t b = 0; b < S_CALL_BUCKETS; b++) {
        struct s_call **link = &s->calls[b];
        while (*link) {
            struct s_call *c = *link;
            bool match = service && command ? strcmp(c->prefix, prefix) == 0
                                            : strncmp(c->prefix, prefix, len) == 0 && c->prefix[len] == '/';
            if (match) {
                *link = c->next;
                s_call_drop(s, c);
            } else {
                link = &c->next;
            }
        }
    }
    /* A call's keyed answers have a folder of their own, its answer without
     * a key lies in the service's folder (a few entries, listed again at
     * the next look); a region's folders go with the region. So a get
     * after an eviction sees the folder as it is then. */
    s_listings_drop(s, prefix, !(service && command));
    if (service && command) {
        char *sfolder = dw_xasprintf("%s/%s", region, service);
        s_listings_drop(s, sfolder, false);
        free(sfolder);
    }
    free(prefix);
}

static int s_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The length of the key a file name records (name less .json or
 * .error.json), or 0 when it records none (another name, or a hidden one). */
static size_t s_key_len(const char *name)
{
    size_t len = strlen(name);
    if (name[0] == '.')
        return 0;
    if (len > 11 && strcmp(name + len - 11, ".error.json") == 0)
        return len - 11;
    if (len > 5 && strcmp(name + len - 5, ".json") == 0)
        return len - 5;
    return 0;
}

/* dw_snapshot_keys of a snapshot in memory: the names of the files put
 * directly below region/service/command/. */
static char **s_keys_mem(const struct dw_snapshot *s, const char *region, const char *service, const char *command)
{
    char *rel = dw_xasprintf("%s/%s/%s/", region, service, command);
    size_t rlen = strlen(rel), n = 0, cap = 16;
    char **v = dw_xcalloc(cap + 1, sizeof(char *));
    bool any = false;
    for (size_t b = 0; b < s->n_file_buckets; b++) {
        for (const struct s_entry *e = s->files[b]; e; e = e->next) {
            if (strncmp(e->path, rel, rlen) != 0)
                continue;
            any = true; /* the folder exists */
            const char *name = e->path + rlen;
            size_t cut = s_key_len(name);
            if (!cut || strchr(name, '/'))
                continue;
            if (n == cap) {
                cap *= 2;
                v = dw_xrealloc(v, (cap + 1) * sizeof(char *));
            }
            v[n++] = s_key_decode(name, cut);
        }
    }
    free(rel);
    if (!any) {
        free(v);
        return NULL;
    }
    qsort(v, n, sizeof(char *), s_strcmp_p);
    size_t k = 0; /* a key with both a .json and an .error.json is listed once */
    for (size_t i = 0; i < n; i++) {
        if (k && strcmp(v[k - 1], v[i]) == 0)
            free(v[i]);
        else
            v[k++] = v[i];
    }
    v[k] = NULL;
    return v;
}

char **dw_snapshot_keys(struct dw_snapshot *s, const char *region, const char *service, const char *command)
{
    if (!s->dir)
        return s_keys_mem(s, region, service, command);
    char *rel = dw_xasprintf("%s/%s/%s", region, service, command);
    int dfd = -1;
    struct dw_error err;
    enum dw_status rc = dw_dir_open_beneath(s->root_fd, rel, false, s->dir, &dfd, &err);
    free(rel);
    /* A folder that is a link (or not a folder) lists no keys: links are
     * not followed, and its files are never read. */
    if (rc)
        return NULL;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return NULL;
    }
    size_t n = 0, cap = 16;
    char **v = dw_xcalloc(cap + 1, sizeof(char *));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t cut = s_key_len(name);
        if (!cut)
            continue;
        char *key = s_key_decode(name, cut);
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++)
            dup = strcmp(v[i], key) == 0;
        if (dup) {
            free(key);
            continue;
        }
        if (n == cap) {
            cap *= 2;
            v = dw_xrealloc(v, (cap + 1) * sizeof(char *));
        }
        v[n++] = key;
        v[n] = NULL;
    }
    closedir(d);
    qsort(v, n, sizeof(char *), s_strcmp_p);
    v[n] = NULL;
    return v;
}

/* ---- snapshots built in memory ---- */

struct dw_snapshot *dw_snapshot_new(void)
{
    struct dw_snapshot *s = dw_xcalloc(1, sizeof(*s));
    s->root_fd = -1;
    s->last_fd = -1;
    s->n_buckets = 1024;
    s->buckets = dw_xcalloc(s->n_buckets, sizeof(*s->buckets));
    s->n_file_buckets = 1024;
    s->files = dw_xcalloc(s->n_file_buckets, sizeof(*s->files));
    return s;
}

/* The top folders of the files put, checked as a folder's are. */
static enum dw_status s_check_mem_folders(const struct dw_snapshot *s, const char *mpath, struct dw_error *err)
{
    for (size_t b = 0; b < s->n_file_buckets; b++) {
        for (const struct s_entry *e = s->files[b]; e; e = e->next) {
            const char *slash = strchr(e->path, '/');
            if (!slash || e->path[0] == '.') /* a file at the top, or a hidden folder: not checked */
                continue;
            char *top = dw_xstrndup(e->path, (size_t)(slash - e->path));
            enum dw_status rc = strcmp(top, "global") == 0 ? DW_OK : s_check_top(s, top, mpath, err);
            free(top);
            if (rc)
                return rc;
        }
    }
    return DW_OK;
}

enum dw_status dw_snapshot_put(struct dw_snapshot *s, const char *file, json_t *doc, struct dw_error *err)
{
    if (s->dir)
        return dw_error_set(err, DW_E_USAGE, file, 0, 0, 0, "a snapshot read from a folder takes no files");
    struct s_entry *e = s_file_find(s, file);
    if (e) { /* the same file again: the later document replaces it, as a file would */
        json_decref(e->doc.json);
        e->doc.json = json_incref(doc);
    } else {
        e = dw_xcalloc(1, sizeof(*e));
        e->path = dw_xstrdup(file);
        e->hash = dw_hash_str(e->path);
        e->doc.path = e->path;
        e->doc.json = json_incref(doc);
        s_insert(&s->files, &s->n_file_buckets, &s->n_files, e);
    }
    if (strcmp(file, "manifest.json") != 0)
        return DW_OK;
    if (s->account_id)
        return dw_error_set(err, DW_E_USAGE, file, 0, 0, 0, "the snapshot already has its manifest");
    enum dw_status rc = s_read_manifest(s, doc, file, err);
    if (!rc)
        rc = s_check_mem_folders(s, file, err);
    return rc;
}

const json_t *dw_snapshot_file(const struct dw_snapshot *s, const char *file)
{
    const struct s_entry *e = s_file_find(s, file);
    return e ? e->doc.json : NULL;
}
