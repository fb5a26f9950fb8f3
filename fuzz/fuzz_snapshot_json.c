/* fuzz_snapshot_json.c: the JSON loader used for every snapshot file, then
 * the evaluators' view of it: the bytes become a one-file snapshot answer
 * for a call chosen by the first byte, and every control runs over it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbward/dbward.h>
#include <dbward/snapshot.h>

static const char *const s_calls[] = {
    "us-east-1/dms/describe-replication-instances", "us-east-1/dms/describe-endpoints",
    "us-east-1/dms/describe-replication-tasks",     "us-east-1/dynamodb/list-tables",
    "us-east-1/dax/describe-clusters",               "us-east-1/cloudtrail/describe-trails",
    "us-east-1/kms/list-keys",                       "global/iam/get-account-authorization-details",
    "us-east-1/ec2/describe-vpcs",                   "us-east-1/cloudwatch/describe-alarms",
};

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
    unlink(path);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 0;
    return 0;
}
