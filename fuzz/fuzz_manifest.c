/* fuzz_manifest.c: dw_snapshot_open on a fuzzed manifest.json. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <dbward/snapshot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[] = "/tmp/dw-fuzzm-XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    char path[512];
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
    }
    struct dw_snapshot *snap = NULL;
    struct dw_error err;
    if (dw_snapshot_open(dir, &snap, &err) == DW_OK) {
        for (size_t i = 0; i < dw_snapshot_region_count(snap); i++)
            dw_snapshot_get(snap, dw_snapshot_region(snap, i), "dms", "describe-endpoints", NULL);
        dw_snapshot_free(snap);
    } else if (err.message[0] == '\0') {
        abort(); /* every rejection must say why */
    }
    unlink(path);
    rmdir(dir);
    return 0;
}
