/* dbward/snapshot.h: read a saved account (a folder of `aws --output json`
 * files, see docs/snapshot.md), or one the live collection built in memory
 * with the same files. Files are loaded lazily, parsed once and cached. A call that failed when it was recorded, a missing file and a file
 * that is not valid JSON are three distinct states: none of them ever looks
 * like an empty answer. Does not evaluate anything. */
#ifndef DBWARD_SNAPSHOT_H
#define DBWARD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <dbward/error.h>
#include <dbward/json.h>

/* Largest single snapshot file dbward will read (bytes). */
#define DW_SNAPSHOT_MAX_FILE_BYTES DW_JSON_MAX_FILE_BYTES

enum dw_doc_state {
    DW_DOC_OK,        /* json holds the parsed answer */
    DW_DOC_MISSING,   /* no file: the call was not recorded */
    DW_DOC_API_ERROR, /* <path>.error.json: the call failed; code says how */
    DW_DOC_BAD        /* the file exists but cannot be used (syntax, size, shape) */
};

/* One recorded call. Every pointer is borrowed from the snapshot and valid
 * until dw_snapshot_free, or dw_snapshot_evict of its region. */
struct dw_doc {
    enum dw_doc_state state;
    json_t *json;           /* the answer when state is DW_DOC_OK, else NULL */
    const char *path;       /* path relative to the snapshot folder */
    const char *error_code; /* AWS error code when state is DW_DOC_API_ERROR */
    const char *reason;     /* why the doc is unusable; "" when OK */
};

struct dw_snapshot;

/* Opens the snapshot in dir and reads its manifest. On success *out owns a
 * new snapshot (free with dw_snapshot_free). On failure returns a status,
 * fills err (file, line, column) and leaves *out NULL. */
enum dw_status dw_snapshot_open(const char *dir, struct dw_snapshot **out, struct dw_error *err);
void dw_snapshot_free(struct dw_snapshot *snap);

/* Manifest fields, borrowed. */
const char *dw_snapshot_account_id(const struct dw_snapshot *snap);
const char *dw_snapshot_partition(const struct dw_snapshot *snap);
size_t dw_snapshot_region_count(const struct dw_snapshot *snap);
const char *dw_snapshot_region(const struct dw_snapshot *snap, size_t i);
int64_t dw_snapshot_taken_at(const struct dw_snapshot *snap); /* epoch seconds */
/* taken_at in canonical form, "YYYY-MM-DDTHH:MM:SSZ". */
const char *dw_snapshot_taken_at_iso(const struct dw_snapshot *snap);
const char *dw_snapshot_dir(const struct dw_snapshot *snap); /* NULL in memory */

/* Returns the recorded answer of `aws <service> <command>` in region (or
 * "global"), for key when the call is per resource (key NULL otherwise).
 * Never returns NULL; the result is borrowed from snap. The key's file name
 * is dw_snapshot_key_encode(key); a key starting with '.' (or holding a
 * backslash or a control character) gives DW_DOC_BAD. */
const struct dw_doc *dw_snapshot_get(struct dw_snapshot *snap, const char *region,
                                     const char *service, const char *command, const char *key);

/* Tells snap that the answers of the calls ("service command", n_calls of
 * them) in region are about to be asked for, for each of keys[0..n_keys) in
 * turn: key by key, each key's calls in the order given. A second thread
 * reads and parses those files ahead of the asks (a bounded number of them
 * at a time); dw_snapshot_get still gives what it would give without this,
 * and reads a file itself when it was not read ahead. Ends any earlier
 * prefetch. Does nothing for a snapshot in memory, or for answers cached
 * already. */
void dw_snapshot_prefetch(struct dw_snapshot *snap, const char *region, const char *const *calls, size_t n_calls,
                          const char *const *keys, size_t n_keys);
/* Ends the prefetch, if any: the thread stops and what it read and was
 * not asked for is freed. dw_snapshot_evict and dw_snapshot_free end it too. */
void dw_snapshot_prefetch_end(struct dw_snapshot *snap);
/* Whether dw_snapshot_prefetch starts its thread (on when opened); off, it
 * does nothing and every file is read as asked. */
void dw_snapshot_set_readahead(struct dw_snapshot *snap, bool on);

/* Forgets the cached answers of region, or only those of one call in it
 * (`service command`, every key of it; both NULL: the whole region), so a
 * scan holds what its remaining controls need; the documents are invalid
 * after, and a later get reads the file again. */
void dw_snapshot_evict(struct dw_snapshot *snap, const char *region, const char *service, const char *command);

/* The file name of a resource key: '/' becomes %2F, so a key (a secret
 * named dms/orders) never names a folder. No resource name AWS allows holds
 * '%', so the mapping is one to one on real keys. A new string. */
char *dw_snapshot_key_encode(const char *key);

/* Lists the keys recorded for a per-resource call (file names without
 * .json / .error.json, decoded), sorted. Returns a new NULL-terminated array of new
 * strings (free each, then the array); NULL when the folder does not exist. */
char **dw_snapshot_keys(struct dw_snapshot *snap, const char *region, const char *service,
                        const char *command);

/* A snapshot built in memory (a live collection): the files a folder would
 * hold are put one by one, then read as from a folder, with the same
 * states and reasons. Put every file before the first dw_snapshot_get: the
 * cache does not see a later one. Free with dw_snapshot_free. */
struct dw_snapshot *dw_snapshot_new(void);

/* Records the document of the file name file, relative to the snapshot's
 * folder as a folder would hold it ("us-east-1/kms/list-keys.json", its
 * "....error.json" twin, "manifest.json"). The snapshot takes a reference:
 * doc must not change afterwards. The manifest is put last: it is then
 * checked as dw_snapshot_open checks a folder's (fields, top folders), with
 * errors naming "manifest.json"; DW_OK otherwise. */
enum dw_status dw_snapshot_put(struct dw_snapshot *snap, const char *file, json_t *doc, struct dw_error *err);

/* The document put under file, borrowed; NULL when none was (or the
 * snapshot was read from a folder). */
const json_t *dw_snapshot_file(const struct dw_snapshot *snap, const char *file);

#endif
