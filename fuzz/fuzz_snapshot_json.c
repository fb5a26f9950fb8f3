/* fuzz_snapshot_json.c: the JSON loader used for every snapshot file, then
 * the evaluators' view of it: the bytes become a one-file snapshot answer
 * for a call chosen by the first byte, and every control runs over it.
 *
 * Then a property: in a copy of the demo account (examples/account, found
 * next to this file, or at $DW_FUZZ_SNAPSHOT), one file chosen by the input
 * is removed, truncated, replaced by the input's bytes when they are not a
 * JSON object, or replaced by {}; no finding may turn PASS that was not PASS
 * in the unmodified scan (missing or broken data never passes). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbward/dbward.h>
#include <dbward/snapshot.h>

#include <jansson.h>

static const char *const s_calls[] = {
    "us-east-1/dms/describe-replication-instances", "us-east-1/dms/describe-endpoints",
    "us-east-1/dms/describe-replication-tasks",     "us-east-1/dynamodb/list-tables",
    "us-east-1/dax/describe-clusters",               "us-east-1/cloudtrail/describe-trails",
    "us-east-1/kms/list-keys",                       "global/iam/get-account-authorization-details",
    "us-east-1/ec2/describe-vpcs",                   "us-east-1/cloudwatch/describe-alarms",
};

/* ---- the property: a damaged file never turns a finding PASS ---- */

struct s_base {
    char dir[64];          /* the copy the inputs damage, one per process */
    char **files;          /* paths of its files, relative to dir */
    size_t n_files;
    char **pass_keys;      /* "control|region|resource" of each PASS of the clean scan */
    size_t n_pass;
    int ready;             /* 1 set up, -1 not available */
};
static struct s_base s_b;

static void s_cleanup(void)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_b.dir);
    if (s_b.dir[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz_snapshot_json: could not remove %s\n", s_b.dir);
}

static void s_list(const char *root, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        char full[2048];
        snprintf(full, sizeof(full), "%s/%s", root, sub);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            s_list(root, sub);
        } else if (S_ISREG(st.st_mode)) {
            s_b.files = realloc(s_b.files, (s_b.n_files + 1) * sizeof(char *));
            s_b.files[s_b.n_files++] = strdup(sub);
        }
    }
    if (d)
        closedir(d);
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *s_key(const struct dw_finding *f)
{
    size_t n = strlen(f->control->id) + strlen(f->region) + strlen(f->resource_id) + 3;
    char *k = malloc(n);
    snprintf(k, n, "%s|%s|%s", f->control->id, f->region, f->resource_id);
    return k;
}

static int s_scan(struct dw_findings *out)
{
    struct dw_error err;
    struct dw_snapshot *snap = NULL;
    memset(&err, 0, sizeof(err));
    if (dw_snapshot_open(s_b.dir, &snap, &err) != DW_OK)
        return -1;
    struct dw_scan_opts opts = {0};
    int rc = dw_scan_run(snap, &opts, out, &err) == DW_OK ? 0 : -1;
    dw_snapshot_free(snap);
    return rc;
}

static void s_setup(void)
{
    s_b.ready = -1;
    char src[1024];
    const char *env = getenv("DW_FUZZ_SNAPSHOT");
    if (env) {
        snprintf(src, sizeof(src), "%s", env);
    } else {
        snprintf(src, sizeof(src), "%s", __FILE__);
        char *slash = strrchr(src, '/');
        if (!slash)
            return;
        snprintf(slash, sizeof(src) - (size_t)(slash - src), "/../examples/account");
    }
    char probe[1100];
    snprintf(probe, sizeof(probe), "%s/manifest.json", src);
    if (access(probe, R_OK) != 0)
        return;
    snprintf(s_b.dir, sizeof(s_b.dir), "/tmp/dw-fuzz-base-XXXXXX");
    if (!mkdtemp(s_b.dir))
        return;
    atexit(s_cleanup);
    char cmd[2300];
    snprintf(cmd, sizeof(cmd), "cp -R '%s/.' '%s'", src, s_b.dir);
    if (system(cmd) != 0)
        return;
    s_list(s_b.dir, "");
    qsort(s_b.files, s_b.n_files, sizeof(char *), s_cmp); /* the same file for the same input anywhere */
    struct dw_findings f = {0};
    if (!s_b.n_files || s_scan(&f) != 0)
        return;
    for (size_t i = 0; i < f.n; i++) {
        if (f.v[i].status != DW_PASS)
            continue;
        s_b.pass_keys = realloc(s_b.pass_keys, (s_b.n_pass + 1) * sizeof(char *));
        s_b.pass_keys[s_b.n_pass++] = s_key(&f.v[i]);
    }
    dw_findings_clean_up(&f);
    s_b.ready = 1;
}

static unsigned char *s_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void s_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    if (len)
        fwrite(data, 1, len, f);
    fclose(f);
}

/* Counts of key among the clean scan's PASS findings. */
static size_t s_base_passes(const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < s_b.n_pass; i++)
        n += strcmp(s_b.pass_keys[i], key) == 0;
    return n;
}

/* Each property check rescans the whole demo account (the IAM policy engine
 * makes that about 0.1 s, ten times more under ASan). The corpus replay in
 * ctest may check only every Nth input (DW_FUZZ_PROPERTY_EVERY=N, a fixed
 * sample, the same every run); libFuzzer runs and a plain replay check all. */
static bool s_sampled_out(void)
{
    static unsigned long seen;
    const char *e = getenv("DW_FUZZ_PROPERTY_EVERY");
    unsigned long every = e ? strtoul(e, NULL, 10) : 1;
    return every > 1 && seen++ % every != 0;
}

static void s_property(const uint8_t *data, size_t size)
{
    if (size < 2 || s_sampled_out())
        return;
    if (!s_b.ready)
        s_setup();
    if (s_b.ready < 0)
        return;
    size_t which = ((size_t)data[0] | (size_t)data[1] << 8) % s_b.n_files;
    int op = (data[0] >> 4) % 4;
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", s_b.dir, s_b.files[which]);
    size_t len = 0;
    unsigned char *orig = s_read(path, &len);
    if (!orig)
        return;
    const char *what = "removed";
    if (op == 0) {
        unlink(path);
    } else if (op == 1) {
        s_write(path, orig, len ? (size > 3 ? ((size_t)data[2] | (size_t)data[3] << 8) % len : len / 2) : 0);
        what = "truncated";
    } else if (op == 2) {
        json_t *j = json_loadb((const char *)data + 2, size - 2, JSON_DECODE_ANY, NULL);
        int is_object = json_is_object(j);
        json_decref(j);
        if (is_object) { /* a valid answer may rightly pass: not part of the property */
            free(orig);
            return;
        }
        s_write(path, data + 2, size - 2);
        what = "replaced by a non-object";
    } else {
        s_write(path, "{}", 2);
        what = "replaced by {}";
    }
    struct dw_findings f = {0};
    if (s_scan(&f) == 0) {
        /* Multiset check: a (control, region, resource) may not PASS more often than before. */
        for (size_t i = 0; i < f.n; i++) {
            if (f.v[i].status != DW_PASS)
                continue;
            char *k = s_key(&f.v[i]);
            size_t now = 0;
            for (size_t m = 0; m < f.n; m++) {
                if (f.v[m].status == DW_PASS) {
                    char *k2 = s_key(&f.v[m]);
                    now += strcmp(k, k2) == 0;
                    free(k2);
                }
            }
            if (now > s_base_passes(k)) {
                fprintf(stderr, "fuzz_snapshot_json: %s %s, and %s turned PASS: %s\n", s_b.files[which], what,
                        k, f.v[i].reason);
                abort();
            }
            free(k);
        }
    }
    dw_findings_clean_up(&f);
    s_write(path, orig, len);
    free(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = NULL;
    struct dw_error err;
    if (dw_json_load_buffer((const char *)data, size, "fuzz", &j, &err) == DW_OK)
        json_decref(j);
    if (size < 1)
        return 0;
    char dir[] = "/tmp/dw-fuzz-XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    char path[512];
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs("{\"account_id\":\"123456789012\",\"partition\":\"aws\",\"regions\":[\"us-east-1\"],"
          "\"taken_at\":\"2026-01-01T00:00:00Z\"}",
          f);
    fclose(f);
    const char *call = s_calls[data[0] % (sizeof(s_calls) / sizeof(s_calls[0]))];
    snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(strchr(call, '/') - call), call);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(strrchr(call, '/') - call), call);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/%s.json", dir, call);
    f = fopen(path, "wb");
    if (f) {
        fwrite(data + 1, 1, size - 1, f);
        fclose(f);
    }
    struct dw_snapshot *snap = NULL;
    if (dw_snapshot_open(dir, &snap, &err) == DW_OK) {
        struct dw_scan_opts opts = {0};
        struct dw_findings out = {0};
        dw_scan_run(snap, &opts, &out, &err);
        /* Invariant: nothing in a fuzzed snapshot can PASS a control whose data is absent
         * except where the answer itself says so; at minimum every finding has a reason. */
        for (size_t i = 0; i < out.n; i++) {
            if (!out.v[i].reason || !out.v[i].reason[0])
                abort();
        }
        dw_findings_clean_up(&out);
        dw_snapshot_free(snap);
    }
    /* Remove what was made, deepest first, without a shell per input. */
    unlink(path);
    snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(strrchr(call, '/') - call), call);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(strchr(call, '/') - call), call);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    unlink(path);
    rmdir(dir);
    s_property(data, size);
    return 0;
}
