/* suppress.c: the config's suppressions applied to findings. A live
 * suppression mutes the FAIL or ERROR findings it matches (control glob,
 * resource glob, region, account); an expired one mutes nothing and says
 * so once. */
#include <stdlib.h>
#include <string.h>

#include <dbward/config.h>

#include "rules_int.h"

void dw_suppressions_apply(const struct dw_config *c, struct dw_findings *f, int64_t now, bool *said,
                           dw_suppress_warn_fn warn, void *user)
{
    if (!c || !c->n_supp)
        return;
    bool *warned = said ? said : dw_xcalloc(c->n_supp, sizeof(bool));
    for (size_t i = 0; i < f->n; i++) {
        struct dw_finding *x = &f->v[i];
        if (x->status != DW_FAIL && x->status != DW_ERROR)
            continue;
        for (size_t k = 0; k < c->n_supp; k++) {
            const struct dw_suppression *s = &c->supp[k];
            if (!dw_glob_match(s->control, x->control->id, true) || !dw_glob_match(s->resource, x->resource_id, false))
                continue;
            if ((s->region && strcmp(s->region, x->region) != 0) || (s->account && strcmp(s->account, x->account_id) != 0))
                continue;
            if (s->expires_epoch_s && s->expires_epoch_s < now) {
                if (!warned[k] && warn) {
                    char *m = dw_xasprintf("%s:%d:%d: the suppression of %s for %s expired on %s; it no longer mutes",
                                           c->path, s->line, s->column, s->control, s->resource, s->expires);
                    warn(user, m);
                    free(m);
                }
                warned[k] = true;
                continue;
            }
            x->muted_from = x->status;
            x->status = DW_MUTED;
            x->muted_reason = dw_xstrdup(s->reason);
            x->muted_until = s->expires ? dw_xstrdup(s->expires) : NULL;
            break;
        }
    }
    if (!said)
        free(warned);
}
