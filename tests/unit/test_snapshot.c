/* test_snapshot.c: the snapshot loader: manifest validation, the four doc
 * states, exact error positions for malformed JSON, unsafe keys, caching,
 * region names per partition, region folders the manifest must list,
 * eviction of cached answers; a snapshot built in memory answers as the
 * folder of the same files; the read-ahead thread answers as the calling
 * thread alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <dbward/snapshot.h>

#include "util/util.h"

static char s_dir[256];

static void s_write(const char *rel, const char *body)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", s_dir, rel);
    for (char *p = path + strlen(s_dir) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
}

static const char *s_manifest =
    "{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"regions\": [\"us-east-1\", "
    "\"eu-west-1\"], \"taken_at\": \"2026-01-10T00:00:00Z\", \"produced_by\": {\"tool\": \"test\"}}\n";

static int s_setup(void **state)
{
    (void)state;
    snprintf(s_dir, sizeof(s_dir), "/tmp/dw-snap-XXXXXX");
    if (!mkdtemp(s_dir))
        return -1;
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    char *cmd = dw_xasprintf("rm -rf '%s'", s_dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static void test_manifest_errors(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        enum dw_status status;
        int line, column;
        const char *msg;
    } cases[] = {
        {NULL, DW_E_NOT_FOUND, 0, 0, NULL},
        {"{\"account_id\": \"123456789012\",\n \"partition\": aws}\n", DW_E_PARSE, 2, 17, "invalid token near 'aws'"},
        {"[]", DW_E_SCHEMA, 1, 1, "manifest must be a JSON object"},
        {"{\"account_id\": \"12345\", \"partition\": \"aws\"}", DW_E_SCHEMA, 0, 0,
         "manifest field \"account_id\" must be 12 digits, got \"12345\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"yesterday\", \"regions\": [\"x\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"taken_at\" is not an ISO 8601 time"},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": []}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\" must be a non-empty array of strings"},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"../x\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws\", got \"../x\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-east-1$(touch X)\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws\", got \"us-east-1$(touch X)\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-east-1\\n\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws\", got \"us-east-1\\x0a\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-gov-west-1\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws\", got \"us-gov-west-1\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws-us-gov\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-east-1\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws-us-gov\", got \"us-east-1\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-east-1\", \"us-east-1\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[1] repeats \"us-east-1\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws\", \"taken_at\": \"2026-01-01\", \"regions\": [\"US-EAST-1\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"regions\"[0] is not a region name of partition \"aws\", got \"US-EAST-1\""},
        {"{\"account_id\": \"123456789012\", \"partition\": \"aws;id\", \"taken_at\": \"2026-01-01\", \"regions\": [\"us-east-1\"]}",
         DW_E_SCHEMA, 0, 0, "manifest field \"partition\" must be an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc), got \"aws;id\""},
        {"{\"account_id\": \"12345678901\\u001b\", \"partition\": \"aws\"}", DW_E_SCHEMA, 0, 0,
         "manifest field \"account_id\" must be 12 digits, got \"12345678901\\x1b\""},
        {"{\"account_id\": \"123456789012\", \"account_id\": \"123456789012\"}", DW_E_PARSE, 1, 43, "duplicate object key near '\"account_id\"'"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char rel[64];
        snprintf(rel, sizeof(rel), "m%zu", i);
        char *sub = dw_xasprintf("%s/%s", s_dir, rel);
        mkdir(sub, 0700);
        if (cases[i].body) {
            char *mrel = dw_xasprintf("%s/manifest.json", rel);
            s_write(mrel, cases[i].body);
            free(mrel);
        }
        struct dw_snapshot *snap = (struct dw_snapshot *)1;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_snapshot_open(sub, &snap, &err);
        if (rc != cases[i].status)
            fail_msg("case %zu: status %d want %d (%s)", i, rc, cases[i].status, err.message);
        assert_null(snap);
        assert_non_null(strstr(err.source, "manifest.json"));
        if (err.line != cases[i].line || err.column != cases[i].column)
            fail_msg("case %zu: at %d:%d want %d:%d (%s)", i, err.line, err.column, cases[i].line,
                     cases[i].column, err.message);
        if (cases[i].msg)
            assert_string_equal(err.message, cases[i].msg);
        free(sub);
    }
}

static void test_doc_states(void **state)
{
    (void)state;
    s_write("manifest.json", s_manifest);
    s_write("us-east-1/dynamodb/list-tables.json", "{\"TableNames\": [\"a\"]}");
    s_write("us-east-1/dynamodb/describe-table/a.error.json",
            "{\"code\": \"AccessDeniedException\", \"message\": \"no\"}");
    s_write("us-east-1/kms/describe-key/k1.json", "{\n  \"KeyMetadata\": {\n    \"KeyId\": \"k1\",,\n  }\n}\n");
    s_write("us-east-1/kms/list-keys.json", "{}");
    s_write("us-east-1/kms/list-keys.error.json", "{\"code\": \"X\"}");
    s_write("us-east-1/dax/describe-clusters.json", "[]");
    s_write("eu-west-1/dax/describe-clusters.error.json", "{\"message\": \"no code\"}");
    s_write("eu-west-1/ec2/describe-vpcs.error.json", "{\"code\": \"Throttling\", \"message\": \"slow down\"}");

    struct dw_snapshot *snap = NULL;
    struct dw_error err;
    assert_int_equal(dw_snapshot_open(s_dir, &snap, &err), DW_OK);
    assert_string_equal(dw_snapshot_account_id(snap), "123456789012");
    assert_int_equal(dw_snapshot_region_count(snap), 2);
    assert_string_equal(dw_snapshot_region(snap, 1), "eu-west-1");
    assert_string_equal(dw_snapshot_taken_at_iso(snap), "2026-01-10T00:00:00Z");

    const struct dw_doc *d = dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(d->state, DW_DOC_OK);
    assert_int_equal(json_array_size(json_object_get(d->json, "TableNames")), 1);
    assert_ptr_equal(d, dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL)); /* cached */

    d = dw_snapshot_get(snap, "us-east-1", "dynamodb", "describe-table", "a");
    assert_int_equal(d->state, DW_DOC_API_ERROR);
    assert_string_equal(d->error_code, "AccessDeniedException");
    assert_string_equal(d->reason,
                        "dynamodb describe-table for a in us-east-1 was denied (AccessDeniedException): no");

    d = dw_snapshot_get(snap, "eu-west-1", "ec2", "describe-vpcs", NULL);
    assert_string_equal(d->reason, "ec2 describe-vpcs in eu-west-1 failed (Throttling): slow down");

    d = dw_snapshot_get(snap, "us-east-1", "kms", "describe-key", "k1");
    assert_int_equal(d->state, DW_DOC_BAD);
    char *want = dw_xasprintf("kms describe-key for k1 in us-east-1 could not be read: "
                              "%s/us-east-1/kms/describe-key/k1.json:3:19: string or '}' expected near ','",
                              s_dir);
    assert_string_equal(d->reason, want);
    free(want);

    d = dw_snapshot_get(snap, "us-east-1", "kms", "list-keys", NULL);
    assert_int_equal(d->state, DW_DOC_BAD);
    assert_non_null(strstr(d->reason, "ambiguous"));

    d = dw_snapshot_get(snap, "us-east-1", "dax", "describe-clusters", NULL);
    assert_int_equal(d->state, DW_DOC_BAD);
    assert_non_null(strstr(d->reason, "is not a JSON object"));

    d = dw_snapshot_get(snap, "eu-west-1", "dax", "describe-clusters", NULL);
    assert_int_equal(d->state, DW_DOC_BAD);
    assert_non_null(strstr(d->reason, "has no \"code\" string"));

    d = dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(d->state, DW_DOC_MISSING);
    assert_string_equal(d->reason,
                        "dynamodb list-tables in eu-west-1 was not recorded (eu-west-1/dynamodb/list-tables.json is missing)");
    assert_null(d->json);

    static const char *const unsafe[] = {"../etc", ".hidden", "a\\b", ""};
    for (size_t i = 0; i < DW_ARRAY_LEN(unsafe); i++) {
        d = dw_snapshot_get(snap, "us-east-1", "dynamodb", "describe-table", unsafe[i]);
        assert_int_equal(d->state, DW_DOC_BAD);
        assert_non_null(strstr(d->reason, "not a safe file name"));
    }
    /* A '/' of a key is %2F in its file name: a file of its own, never a folder. */
    d = dw_snapshot_get(snap, "us-east-1", "secretsmanager", "describe-secret", "dms/orders");
    assert_int_equal(d->state, DW_DOC_MISSING);
    assert_non_null(strstr(d->reason, "us-east-1/secretsmanager/describe-secret/dms%2Forders.json is missing"));
    char *enc = dw_snapshot_key_encode("a/b/c%d");
    assert_string_equal(enc, "a%2Fb%2Fc%d");
    free(enc);
    enc = dw_snapshot_key_encode("/");
    assert_string_equal(enc, "%2F");
    free(enc);
    /* A key whose file name would pass 1 MiB is refused (the empty name is unsafe). */
    char *big = malloc(((size_t)1 << 20) + 2);
    memset(big, 'k', (size_t)1 << 20);
    big[(size_t)1 << 20] = '\0';
    enc = dw_snapshot_key_encode(big);
    assert_int_equal(strlen(enc), (size_t)1 << 20);
    free(enc);
    big[(size_t)1 << 20] = '/';
    big[((size_t)1 << 20) + 1] = '\0';
    enc = dw_snapshot_key_encode(big);
    assert_string_equal(enc, "");
    free(enc);
    free(big);
    /* Many distinct lookups exercise the hash table growth. */
    for (int i = 0; i < 5000; i++) {
        char k[32];
        snprintf(k, sizeof(k), "t%d", i);
        d = dw_snapshot_get(snap, "us-east-1", "dynamodb", "describe-table", k);
        assert_int_equal(d->state, DW_DOC_MISSING);
    }
    d = dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(d->state, DW_DOC_OK);
    dw_snapshot_free(snap);
}

/* Eviction forgets one region's cached answers, and only that region's: a
 * region whose name is a prefix of another's keeps nothing of it, the other
 * regions stay cached, and a get after eviction reads the file again. */
static void test_evict(void **state)
{
    (void)state;
    s_write("manifest.json", s_manifest);
    s_write("us-east-1/dynamodb/list-tables.json", "{\"TableNames\": [\"a\"]}");
    s_write("eu-west-1/dynamodb/list-tables.json", "{\"TableNames\": [\"b\", \"c\"]}");
    struct dw_snapshot *snap = NULL;
    struct dw_error err;
    assert_int_equal(dw_snapshot_open(s_dir, &snap, &err), DW_OK);
    const struct dw_doc *eu = dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL);
    const struct dw_doc *us = dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(us->state, DW_DOC_OK);
    dw_snapshot_evict(snap, "us-east", NULL, NULL);
    dw_snapshot_evict(snap, "us-east-1/dyn", NULL, NULL);
    assert_ptr_equal(us, dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL));
    /* The file changes on disk: only a get after eviction sees it. */
    s_write("us-east-1/dynamodb/list-tables.json", "{\"TableNames\": [\"a\", \"z\"]}");
    dw_snapshot_evict(snap, "us-east-1", NULL, NULL);
    assert_ptr_equal(eu, dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL));
    const struct dw_doc *again = dw_snapshot_get(snap, "us-east-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(again->state, DW_DOC_OK);
    assert_int_equal(json_array_size(json_object_get(again->json, "TableNames")), 2);
    /* One call's answers: a call whose name only starts the same stays. */
    const struct dw_doc *dt = dw_snapshot_get(snap, "eu-west-1", "dynamodb", "describe-table", "b");
    assert_int_equal(dt->state, DW_DOC_MISSING);
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "list-table");
    assert_ptr_equal(eu, dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL));
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "describe-table");
    assert_ptr_equal(eu, dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL));
    s_write("eu-west-1/dynamodb/describe-table/b.json", "{\"Table\": {}}");
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "describe-table", "b")->state, DW_DOC_OK);
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "list-tables");
    dw_snapshot_evict(snap, "us-east-1", NULL, NULL);
    eu = dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL);
    assert_int_equal(json_array_size(json_object_get(eu->json, "TableNames")), 2);
    /* A folder read before (it was listed): an answer written after, or an
     * error twin, counts once its call is forgotten, with or without a key. */
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-backups", NULL)->state, DW_DOC_MISSING);
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "describe-table", "c")->state, DW_DOC_MISSING);
    s_write("eu-west-1/dynamodb/list-backups.json", "{\"BackupSummaries\": []}");
    s_write("eu-west-1/dynamodb/describe-table/c.json", "{\"Table\": {}}");
    s_write("eu-west-1/dynamodb/list-tables.error.json", "{\"code\": \"AccessDenied\"}");
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "list-backups");
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "describe-table");
    dw_snapshot_evict(snap, "eu-west-1", "dynamodb", "list-tables");
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-backups", NULL)->state, DW_DOC_OK);
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "describe-table", "c")->state, DW_DOC_OK);
    assert_int_equal(dw_snapshot_get(snap, "eu-west-1", "dynamodb", "list-tables", NULL)->state, DW_DOC_BAD);
    dw_snapshot_free(snap);
}

/* The read-ahead thread gives what the calling thread reads alone (the
 * oracle: the same snapshot opened again with no read-ahead): over 200 keys
 * of two calls, with files that are not JSON, not objects, missing, error
 * twins, both twins, links, folders and a key with a '/', asked for in
 * order, with keys skipped, out of order, twice, past the prefetch's end,
 * and with the prefetch ended or the call evicted half way. */
static void s_ra_compare(struct dw_snapshot *a, struct dw_snapshot *b, const char *cmd, const char *key)
{
    const struct dw_doc *x = dw_snapshot_get(a, "us-east-1", "dynamodb", cmd, key);
    const struct dw_doc *y = dw_snapshot_get(b, "us-east-1", "dynamodb", cmd, key);
    assert_int_equal(x->state, y->state);
    assert_string_equal(x->reason, y->reason);
    assert_true((x->json == NULL) == (y->json == NULL));
    if (x->json)
        assert_true(json_equal(x->json, y->json));
}

static void test_readahead_equals_one_thread(void **state)
{
    (void)state;
    s_write("manifest.json", s_manifest);
    enum { N = 200 };
    const char *keys[N];
    char names[N][32];
    for (int i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof(name), i == 7 ? "t/%03d" : "t%03d", i % 1000);
        memcpy(names[i], name, sizeof(name));
        keys[i] = names[i];
        char rel[128], body[128];
        const char *enc = i == 7 ? "t%2F007" : name;
        snprintf(rel, sizeof(rel), "us-east-1/dynamodb/describe-table/%s.json", enc);
        snprintf(body, sizeof(body), "{\"Table\": {\"TableName\": \"%s\", \"N\": %d}}", name, i);
        switch (i % 10) {
        case 3: s_write(rel, "{\"Table\": {\"x\": 1,}}"); break; /* not JSON */
        case 4: s_write(rel, "[1, 2]"); break;                    /* not an object */
        case 5: break;                                             /* missing */
        case 6: {                                                  /* a link */
            char target[512], link[512];
            snprintf(target, sizeof(target), "%s/elsewhere.json", s_dir);
            snprintf(link, sizeof(link), "%s/%s", s_dir, rel);
            s_write("elsewhere.json", "{}");
            s_write(rel, "{}");
            unlink(link);
            assert_int_equal(symlink(target, link), 0);
            break;
        }
        case 8: { /* a folder */
            char dir[512];
            snprintf(dir, sizeof(dir), "%s/%s", s_dir, rel);
            s_write("us-east-1/dynamodb/describe-table/.keep", "");
            assert_int_equal(mkdir(dir, 0700), 0);
            break;
        }
        default: s_write(rel, body);
        }
        snprintf(rel, sizeof(rel), "us-east-1/dynamodb/describe-time-to-live/%s.%s", enc,
                 i % 7 == 2 ? "error.json" : "json");
        s_write(rel, i % 7 == 2 ? "{\"code\": \"ResourceNotFoundException\"}" : "{\"TimeToLiveDescription\": {}}");
        if (i % 13 == 1) { /* both twins */
            snprintf(rel, sizeof(rel), "us-east-1/dynamodb/describe-time-to-live/%s.json", enc);
            s_write(rel, "{}");
        }
    }
    static const char *const calls[] = {"dynamodb describe-table", "dynamodb describe-time-to-live"};
    for (int round = 0; round < 3; round++) {
        struct dw_snapshot *a = NULL, *b = NULL;
        struct dw_error err;
        assert_int_equal(dw_snapshot_open(s_dir, &a, &err), DW_OK);
        assert_int_equal(dw_snapshot_open(s_dir, &b, &err), DW_OK);
        dw_snapshot_set_readahead(b, false);
        dw_snapshot_prefetch(a, "us-east-1", calls, 2, keys, N);
        dw_snapshot_prefetch(b, "us-east-1", calls, 2, keys, N); /* does nothing */
        for (int i = 0; i < N; i++) {
            if (i % 17 == 9)
                continue; /* skipped: forgotten by the next take */
            if (round == 1 && i == N / 2)
                dw_snapshot_prefetch_end(a);
            if (round == 2 && i == N / 2)
                dw_snapshot_evict(a, "us-east-1", "dynamodb", "describe-time-to-live");
            s_ra_compare(a, b, "describe-table", keys[i]);
            if (i % 11 != 4) /* some keys' second call is never asked for */
                s_ra_compare(a, b, "describe-time-to-live", keys[i]);
            if (i % 23 == 5 && i > 30)
                s_ra_compare(a, b, "describe-table", keys[i - 30]); /* behind: cached or read again */
            if (i % 29 == 0 && i + 3 < N)
                s_ra_compare(a, b, "describe-time-to-live", keys[i + 3]); /* ahead of its turn */
        }
        s_ra_compare(a, b, "describe-table", "not-prefetched");
        dw_snapshot_free(a);
        dw_snapshot_free(b);
    }
}

static void test_json_buffer_positions(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int line, column;
        size_t offset;
    } cases[] = {
        {"{", 1, 1, 1},
        {"{\"a\": }", 1, 7, 7},
        {"{\"a\": 1}\n{\"b\": 2}", 2, 1, 10},
        {"{\"a\": \"\\u00\"}", 1, 12, 12},
        {"\n\n   nul", 3, 6, 8},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        json_t *j = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        assert_int_equal(dw_json_load_buffer(cases[i].in, strlen(cases[i].in), "buf", &j, &err), DW_E_PARSE);
        assert_null(j);
        if (err.line != cases[i].line || err.column != cases[i].column || err.offset != cases[i].offset)
            fail_msg("case %zu: %d:%d@%zu want %d:%d@%zu (%s)", i, err.line, err.column, err.offset,
                     cases[i].line, cases[i].column, cases[i].offset, err.message);
    }
}

/* Region names of every partition are accepted; a region folder the
 * manifest does not list is accepted (evidence a scanned region refers to),
 * a folder that is no region name of the partition is refused, files and
 * "global" are not folders of regions. */
static void test_manifest_regions(void **state)
{
    (void)state;
    static const struct {
        const char *partition, *region;
    } ok[] = {
        {"aws", "us-east-1"},          {"aws", "ap-southeast-7"},      {"aws", "mx-central-1"},
        {"aws", "il-central-1"},       {"aws-cn", "cn-northwest-1"},   {"aws-us-gov", "us-gov-west-1"},
        {"aws-iso", "us-iso-east-1"},  {"aws-iso-b", "us-isob-east-1"}, {"aws-iso-e", "eu-isoe-west-1"},
        {"aws-iso-f", "us-isof-south-1"}, {"aws-eusc", "eusc-de-east-1"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(ok); i++) {
        char *rel = dw_xasprintf("ok%zu/manifest.json", i);
        char *body = dw_xasprintf("{\"account_id\": \"123456789012\", \"partition\": \"%s\", \"regions\": "
                                  "[\"%s\"], \"taken_at\": \"2026-01-10T00:00:00Z\"}",
                                  ok[i].partition, ok[i].region);
        s_write(rel, body);
        char *dir = dw_xasprintf("%s/ok%zu", s_dir, i);
        char *sub = dw_xasprintf("ok%zu/%s/dms/describe-endpoints.json", i, ok[i].region);
        s_write(sub, "{}");
        struct dw_snapshot *snap = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        if (dw_snapshot_open(dir, &snap, &err) != DW_OK)
            fail_msg("%s in %s refused: %s", ok[i].region, ok[i].partition, err.message);
        dw_snapshot_free(snap);
        free(sub);
        free(dir);
        free(body);
        free(rel);
    }
    s_write("f/manifest.json", s_manifest);
    s_write("f/us-east-1/dms/describe-endpoints.json", "{}");
    s_write("f/global/iam/get-account-authorization-details.json", "{}");
    s_write("f/expected", "not a folder");
    char *dir = dw_xasprintf("%s/f", s_dir);
    struct dw_snapshot *snap = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_snapshot_open(dir, &snap, &err), DW_OK);
    dw_snapshot_free(snap);
    s_write("f/us-west-2/dms/describe-endpoints.json", "{}");
    assert_int_equal(dw_snapshot_open(dir, &snap, &err), DW_OK);
    dw_snapshot_free(snap);
    static const char *const bad[] = {"cn-north-1", "us-east-1$(touch X)", "US-EAST-1", "us-east", "evidence"};
    for (size_t i = 0; i < DW_ARRAY_LEN(bad); i++) {
        char *rel = dw_xasprintf("f/%s/dms/describe-endpoints.json", bad[i]);
        s_write(rel, "{}");
        snap = (struct dw_snapshot *)1;
        assert_int_equal(dw_snapshot_open(dir, &snap, &err), DW_E_SCHEMA);
        assert_null(snap);
        assert_non_null(strstr(err.source, "manifest.json"));
        assert_non_null(strstr(err.message, "that is neither \"global\" nor a region name of partition \"aws\""));
        char *top = dw_xasprintf("%s/f/%s", s_dir, bad[i]);
        char *cmd = dw_xasprintf("rm -rf '%s'", top);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        free(top);
        free(rel);
    }
    free(dir);
}

/* The same files in a folder and put in memory: every doc's state, json,
 * code and reason, the keys and the manifest agree (the folder is the oracle). */
static const struct {
    const char *file, *body;
} s_files[] = {
    {"us-east-1/kms/list-keys.json", "{\"Keys\": [{\"KeyId\": \"k1\"}, {\"KeyId\": \"k/2\"}]}"},
    {"us-east-1/kms/describe-key/k1.json", "{\"KeyMetadata\": {\"KeyId\": \"k1\"}}"},
    {"us-east-1/kms/describe-key/k%2F2.error.json", "{\"code\": \"AccessDeniedException\", \"message\": \"no\"}"},
    {"us-east-1/kms/get-key-policy/k1.json", "{\"Policy\": \"{}\"}"},
    {"us-east-1/kms/get-key-policy/k1.error.json", "{\"code\": \"X\"}"},
    {"us-east-1/kms/get-key-rotation-status/k1.error.json", "{\"message\": \"no code\"}"},
    {"eu-west-1/dynamodb/list-tables.json", "[1, 2]"},
    {"eu-west-1/dms/describe-endpoints.json", "{\"Endpoints\": [{\"Password\": \"hunter2\"}]}"},
    {"global/iam/list-users.error.json", "{\"code\": \"Throttling\", \"message\": \"\"}"},
    {"ap-south-1/kms/describe-key/k3.json", "{\"KeyMetadata\": {}}"},
};

static struct dw_snapshot *s_mem(const char *manifest, struct dw_error *err, enum dw_status *rc)
{
    struct dw_snapshot *m = dw_snapshot_new();
    for (size_t i = 0; i < DW_ARRAY_LEN(s_files); i++) {
        json_t *j = json_loads(s_files[i].body, JSON_DECODE_ANY, NULL);
        assert_non_null(j);
        assert_int_equal(dw_snapshot_put(m, s_files[i].file, j, err), DW_OK);
        json_decref(j);
    }
    json_t *man = json_loads(manifest, 0, NULL);
    *rc = dw_snapshot_put(m, "manifest.json", man, err);
    json_decref(man);
    return m;
}

static void test_memory_equals_folder(void **state)
{
    (void)state;
    for (size_t i = 0; i < DW_ARRAY_LEN(s_files); i++)
        s_write(s_files[i].file, s_files[i].body);
    s_write("manifest.json", s_manifest);
    struct dw_snapshot *d = NULL;
    struct dw_error err;
    assert_int_equal(dw_snapshot_open(s_dir, &d, &err), DW_OK);
    enum dw_status rc;
    struct dw_snapshot *m = s_mem(s_manifest, &err, &rc);
    assert_int_equal(rc, DW_OK);
    assert_null(dw_snapshot_dir(m));
    assert_string_equal(dw_snapshot_account_id(m), dw_snapshot_account_id(d));
    assert_string_equal(dw_snapshot_partition(m), dw_snapshot_partition(d));
    assert_string_equal(dw_snapshot_taken_at_iso(m), dw_snapshot_taken_at_iso(d));
    assert_int_equal(dw_snapshot_region_count(m), dw_snapshot_region_count(d));
    static const char *const calls[][4] = {
        {"us-east-1", "kms", "list-keys", NULL},
        {"us-east-1", "kms", "describe-key", "k1"},
        {"us-east-1", "kms", "describe-key", "k/2"},
        {"us-east-1", "kms", "describe-key", "k9"},
        {"us-east-1", "kms", "describe-key", ".hidden"},
        {"us-east-1", "kms", "get-key-policy", "k1"},
        {"us-east-1", "kms", "get-key-rotation-status", "k1"},
        {"eu-west-1", "dynamodb", "list-tables", NULL},
        {"eu-west-1", "dms", "describe-endpoints", NULL},
        {"global", "iam", "list-users", NULL},
        {"global", "iam", "get-account-summary", NULL},
        {"ap-south-1", "kms", "describe-key", "k3"},
    };
    int states = 0;
    for (size_t i = 0; i < DW_ARRAY_LEN(calls); i++) {
        const struct dw_doc *a = dw_snapshot_get(d, calls[i][0], calls[i][1], calls[i][2], calls[i][3]);
        const struct dw_doc *b = dw_snapshot_get(m, calls[i][0], calls[i][1], calls[i][2], calls[i][3]);
        assert_int_equal(a->state, b->state);
        states |= 1 << a->state;
        assert_string_equal(a->path, b->path);
        assert_string_equal(a->reason, b->reason);
        if (a->error_code || b->error_code)
            assert_string_equal(a->error_code, b->error_code);
        if (a->json || b->json)
            assert_true(json_equal(a->json, b->json));
    }
    assert_int_equal(states, 0xf); /* every state was compared */
    /* The answer is redacted as a folder's is. */
    const struct dw_doc *ep = dw_snapshot_get(m, "eu-west-1", "dms", "describe-endpoints", NULL);
    char *dump = json_dumps(ep->json, 0);
    assert_null(strstr(dump, "hunter2"));
    free(dump);
    static const char *const lists[][3] = {
        {"us-east-1", "kms", "describe-key"}, {"us-east-1", "kms", "get-key-policy"},
        {"us-east-1", "kms", "list-keys"},    {"eu-west-1", "kms", "describe-key"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(lists); i++) {
        char **ka = dw_snapshot_keys(d, lists[i][0], lists[i][1], lists[i][2]);
        char **kb = dw_snapshot_keys(m, lists[i][0], lists[i][1], lists[i][2]);
        assert_true((ka == NULL) == (kb == NULL));
        for (size_t k = 0; ka && (ka[k] || kb[k]); k++) {
            assert_non_null(ka[k]);
            assert_non_null(kb[k]);
            assert_string_equal(ka[k], kb[k]);
        }
        for (size_t k = 0; ka && ka[k]; k++)
            free(ka[k]);
        for (size_t k = 0; kb && kb[k]; k++)
            free(kb[k]);
        free(ka);
        free(kb);
    }
    /* The raw document put, for the collector's own reads. */
    assert_non_null(dw_snapshot_file(m, "global/iam/list-users.error.json"));
    assert_null(dw_snapshot_file(m, "global/iam/list-users.json"));
    assert_null(dw_snapshot_file(d, "global/iam/list-users.error.json"));
    dw_snapshot_free(d);
    dw_snapshot_free(m);
}

/* The manifest put in memory is checked as a folder's: its fields, and a top
 * folder that is neither global nor a region of its partition. */
static void test_memory_manifest(void **state)
{
    (void)state;
    struct dw_error err;
    enum dw_status rc;
    struct dw_snapshot *m = s_mem("{\"account_id\": \"12345\", \"partition\": \"aws\", \"regions\": [\"us-east-1\"], "
                                  "\"taken_at\": \"2026-01-10T00:00:00Z\"}",
                                  &err, &rc);
    assert_int_equal(rc, DW_E_SCHEMA);
    assert_non_null(strstr(err.message, "must be 12 digits"));
    dw_snapshot_free(m);
    m = s_mem("{\"account_id\": \"123456789012\", \"partition\": \"aws-cn\", \"regions\": [\"cn-north-1\"], "
              "\"taken_at\": \"2026-01-10T00:00:00Z\"}",
              &err, &rc);
    assert_int_equal(rc, DW_E_SCHEMA);
    assert_string_equal(err.source, "manifest.json");
    assert_non_null(strstr(err.message, "neither \"global\" nor a region name of partition \"aws-cn\""));
    dw_snapshot_free(m);
    /* A folder snapshot takes no file. */
    s_write("manifest.json", s_manifest);
    struct dw_snapshot *d = NULL;
    assert_int_equal(dw_snapshot_open(s_dir, &d, &err), DW_OK);
    json_t *j = json_object();
    assert_int_equal(dw_snapshot_put(d, "global/iam/x.json", j, &err), DW_E_USAGE);
    json_decref(j);
    dw_snapshot_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_manifest_errors, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_doc_states, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_manifest_regions, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_evict, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_readahead_equals_one_thread, s_setup, s_teardown),
        cmocka_unit_test(test_json_buffer_positions),
        cmocka_unit_test_setup_teardown(test_memory_equals_folder, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_memory_manifest, s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
