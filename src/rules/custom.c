/* custom.c: evaluator for custom controls from dbward.yaml. For each answer
 * of the control's snapshot call (one file, or every key of a per-resource
 * call) the list expression yields the resources; for each, the id
 * expression names it and the condition must give true. Anything that
 * cannot be evaluated is ERROR with the reason; only `true` is PASS. */
#include <stdlib.h>
#include <string.h>

#include <dbward/jmespath.h>

#include "rules_int.h"

static char *s_render(struct dw_scan_ctx *ctx, const struct dw_custom_control *cc, const char *id, json_t *res)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    size_t ph = 0;
    for (const char *p = cc->remediation; *p;) {
        if (*p != '{') {
            dw_buf_append(&b, p, 1);
            p++;
            continue;
        }
        const char *e = strchr(p, '}');
        size_t len = (size_t)(e - p - 1);
        const char *name = p + 1;
        const char *lit = NULL;
        char *owned = NULL;
        if (len == 6 && !strncmp(name, "region", 6))
            lit = ctx->region;
        else if (len == 7 && !strncmp(name, "account", 7))
            lit = ctx->account;
        else if (len == 9 && !strncmp(name, "partition", 9))
            lit = ctx->partition;
        else if (len == 2 && !strncmp(name, "id", 2))
            lit = id;
        else if (ph < cc->n_placeholders) {
            json_t *v = dw_jmes_eval(cc->placeholders[ph++], res, NULL);
            if (json_is_string(v))
                owned = dw_xstrdup(json_string_value(v));
            else if (json_is_integer(v))
                owned = dw_xasprintf("%lld", (long long)json_integer_value(v));
            else
                owned = dw_xasprintf("REPLACE_%.*s", (int)len, name);
            json_decref(v);
            lit = owned;
        }
        dw_shell_quote(&b, lit ? lit : "");
        free(owned);
        p = e + 1;
    }
    return dw_buf_steal(&b);
}

static void s_one_answer(struct dw_scan_ctx *ctx, const struct dw_control *c, const struct dw_doc *d,
                         const char *key)
{
    const struct dw_custom_control *cc = c->custom;
    char *scope = key ? dw_xasprintf("%s/%s/%s", ctx->account, ctx->region, key) : dwi_scope_id(ctx);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, NULL, scope, "%s", d->reason);
        free(scope);
        return;
    }
    struct dw_jmes_error je;
    json_t *list = dw_jmes_eval(cc->list, d->json, &je);
    if (!list) {
        dwi_emit(ctx, c, DW_ERROR, NULL, scope, "list expression failed (%s): %s", dw_jmes_err_kind_str(je.kind),
                 je.message);
    } else if (json_is_null(list)) {
        dwi_emit(ctx, c, DW_ERROR, NULL, scope, "list expression \"%s\" matched nothing in %s.json",
                 dw_jmes_text(cc->list), d->path);
    } else {
        json_t *items = list;
        json_t *wrap = NULL;
        if (!json_is_array(list)) {
            wrap = json_array();
            json_array_append(wrap, list);
            items = wrap;
        }
        size_t i;
        json_t *res;
        json_array_foreach(items, i, res)
        {
            json_t *idv = dw_jmes_eval(cc->id, res, &je);
            const char *rid = json_string_value(idv);
            char *fallback = dw_xasprintf("%s[%zu]", scope, i);
            if (!rid) {
                dwi_emit(ctx, c, DW_ERROR, NULL, fallback, "id expression \"%s\" did not give a string",
                         dw_jmes_text(cc->id));
            } else {
                json_t *ok = dw_jmes_eval(cc->condition, res, &je);
                if (!ok) {
                    dwi_emit(ctx, c, DW_ERROR, NULL, rid, "condition failed (%s): %s", dw_jmes_err_kind_str(je.kind),
                             je.message);
                } else if (json_is_true(ok)) {
                    dwi_emit(ctx, c, DW_PASS, NULL, rid, "%s is true", dw_jmes_text(cc->condition));
                } else if (json_is_false(ok)) {
                    struct dw_finding *f =
                        dwi_emit(ctx, c, DW_FAIL, NULL, rid, "%s is false", dw_jmes_text(cc->condition));
                    if (cc->remediation) {
                        dwi_cmd_take(f, s_render(ctx, cc, rid, res));
                    } else {
                        dwi_note(f, "No remediation is set for this custom control in %s.", c->seed);
                    }
                } else {
                    dwi_emit(ctx, c, DW_ERROR, NULL, rid,
                             "condition gave %s, not true or false (is a field missing?)", dwi_jmes_type(ok));
                }
                json_decref(ok);
            }
            free(fallback);
            json_decref(idv);
        }
        json_decref(wrap);
    }
    json_decref(list);
    free(scope);
}

void dwi_eval_custom(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_custom_control *cc = c->custom;
    char **keys = dw_snapshot_keys(ctx->snap, ctx->region, cc->call_service, cc->call_command);
    if (!keys) {
        /* An account-wide call (or a per-resource one with nothing recorded). */
        s_one_answer(ctx, c, dwi_doc(ctx, cc->call_service, cc->call_command, NULL), NULL);
        return;
    }
    for (size_t i = 0; keys[i]; i++) {
        s_one_answer(ctx, c, dwi_doc(ctx, cc->call_service, cc->call_command, keys[i]), keys[i]);
        free(keys[i]);
    }
    free(keys);
}
