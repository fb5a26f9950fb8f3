/* finding.c: the finding's names, its vector and its key (dbward/finding.h).
 * Knows nothing of controls beyond the pointer a finding carries. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/finding.h>

#include "util/util.h"

static const char *const s_results[] = {"PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "MUTED"};
static const char *const s_sevs[] = {"low", "medium", "high", "critical"};
static const char *const s_fixes[] = {"in-place", "recreate", "manual"};

const char *dw_result_str(enum dw_result r) { return r < DW_RESULT_COUNT ? s_results[r] : "?"; }
const char *dw_severity_str(enum dw_severity s) { return s < DW_SEV_COUNT ? s_sevs[s] : "?"; }
const char *dw_fix_kind_str(enum dw_fix_kind k) { return k <= DW_FIX_MANUAL ? s_fixes[k] : "?"; }

bool dw_severity_parse(const char *s, enum dw_severity *out)
{
    for (size_t i = 0; i < DW_SEV_COUNT; i++) {
        if (strcasecmp(s, s_sevs[i]) == 0) {
            *out = (enum dw_severity)i;
            return true;
        }
    }
    return false;
}

struct dw_finding *dw_findings_push(struct dw_findings *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = dw_xrealloc(f->v, f->cap * sizeof(*f->v));
    }
    struct dw_finding *x = &f->v[f->n++];
    memset(x, 0, sizeof(*x));
    return x;
}

static void s_finding_clean_up(struct dw_finding *f)
{
    free(f->resource_type);
    free(f->resource_id);
    free(f->region);
    free(f->account_id);
    free(f->reason);
    for (size_t i = 0; i < f->n_commands; i++)
        free(f->commands[i]);
    free(f->commands);
    for (size_t i = 0; i < f->n_notes; i++)
        free(f->notes[i]);
    free(f->notes);
    free(f->muted_reason);
    free(f->muted_until);
}

void dw_findings_clean_up(struct dw_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        s_finding_clean_up(&f->v[i]);
    free(f->v);
    memset(f, 0, sizeof(*f));
}

char *dw_finding_key(const char *account_id, const char *region, const char *control_id,
                     const char *resource_id)
{
    return dw_xasprintf("%s|%s|%s|%s", account_id ? account_id : "", region ? region : "",
                        control_id ? control_id : "", resource_id ? resource_id : "");
}
