/* custom.c: evaluator for custom controls from dbward.yaml. For each answer
 * of the control's snapshot call (one file, or every key of a per-resource
 * call) the list expression yields the resources; for each, the id
 * expression names it and the condition must give true. Anything that
 * cannot be evaluated is ERROR with the reason; only `true` is PASS. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/config.h>
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

/* ---- Building the config's custom controls ---- */

static enum dw_status s_at(struct dw_error *err, const struct dw_config *cfg, struct dw_config_pos at,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum dw_status s_at(struct dw_error *err, const struct dw_config *cfg, struct dw_config_pos at,
                           const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return dw_error_set(err, DW_E_SCHEMA, cfg->path, at.line, at.column, at.index, "%s", msg);
}

static struct dw_config_pos s_text_pos(const struct dw_config_text *t)
{
    return (struct dw_config_pos){t->line, t->column, t->index};
}

static enum dw_status s_compile(const struct dw_config *cfg, const struct dw_config_text *t, const char *what,
                                struct dw_jmes **out, struct dw_error *err)
{
    struct dw_jmes_error je;
    if (!dw_jmes_compile(t->text, strlen(t->text), out, &je))
        return DW_OK;
    /* Point at the failing character when the text sits on one line. */
    int col = t->column + (t->inner >= 0 ? t->inner + (int)je.offset : 0);
    return dw_error_set(err, DW_E_SCHEMA, cfg->path, t->line, col, t->index, "%s: %s error: %s", what,
                        dw_jmes_err_kind_str(je.kind), je.message);
}

static bool s_builtin_placeholder(const char *name, size_t len)
{
    return (len == 6 && !strncmp(name, "region", 6)) || (len == 7 && !strncmp(name, "account", 7)) ||
           (len == 9 && !strncmp(name, "partition", 9)) || (len == 2 && !strncmp(name, "id", 2));
}

/* Compiles each {expression} of the remediation template, so a typo is a load error. */
static enum dw_status s_placeholders(const struct dw_config *cfg, const struct dw_config_text *t,
                                     struct dw_custom_control *cc, struct dw_error *err)
{
    for (const char *p = t->text; (p = strchr(p, '{')) != NULL;) {
        const char *e = strchr(p, '}');
        if (!e)
            return s_at(err, cfg, s_text_pos(t), "remediation has a '{' without '}'");
        size_t len = (size_t)(e - p - 1);
        const char *name = p + 1;
        if (!s_builtin_placeholder(name, len)) {
            struct dw_jmes *j = NULL;
            struct dw_jmes_error je;
            if (dw_jmes_compile(name, len, &j, &je))
                return dw_error_set(err, DW_E_SCHEMA, cfg->path, t->line, t->column, t->index,
                                    "remediation placeholder {%.*s}: %s error: %s", (int)len, name,
                                    dw_jmes_err_kind_str(je.kind), je.message);
            cc->placeholders = dw_xrealloc(cc->placeholders, (cc->n_placeholders + 1) * sizeof(*cc->placeholders));
            cc->placeholders[cc->n_placeholders++] = j;
        }
        p = e + 1;
    }
    return DW_OK;
}

static char *s_dup_or(const struct dw_config_text *t, const char *fallback)
{
    return t->text ? dw_xstrdup(t->text) : fallback ? dw_xstrdup(fallback) : NULL;
}

static void s_custom_free(struct dw_custom_control *cc)
{
    if (!cc)
        return;
    struct dw_control *c = &cc->control;
    free((char *)c->id);
    free((char *)c->title);
    free((char *)c->what);
    free((char *)c->why);
    free((char *)c->audit);
    free((char *)c->fix);
    free((char *)c->resource_type);
    free((char *)c->calls[0]);
    for (size_t i = 0; i < 4; i++)
        free((char *)c->nist_csf[i]);
    for (size_t i = 0; i < DW_ARRAY_LEN(c->nist_csf2); i++)
        free((char *)c->nist_csf2[i]);
    free(cc->call_service);
    free(cc->call_command);
    dw_jmes_free(cc->list);
    dw_jmes_free(cc->id);
    dw_jmes_free(cc->condition);
    free(cc->remediation);
    for (size_t i = 0; i < cc->n_placeholders; i++)
        dw_jmes_free(cc->placeholders[i]);
    free(cc->placeholders);
    free(cc);
}

static enum dw_status s_one(const struct dw_config *cfg, const struct dw_custom_spec *sp,
                            struct dw_custom_control **out, struct dw_error *err)
{
    *out = NULL;
    if (dw_catalog_find(sp->id.text) || strcasecmp(sp->id.text, dw_account_control()->id) == 0)
        return s_at(err, cfg, s_text_pos(&sp->id), "id %s is already taken", sp->id.text);
    struct dw_custom_control *cc = dw_xcalloc(1, sizeof(*cc));
    struct dw_control *c = &cc->control;
    c->custom = cc;
    c->service = "custom";
    c->seed = "dbward.yaml";
    c->id = dw_xstrdup(sp->id.text);
    c->title = s_dup_or(&sp->title, "");
    c->severity = sp->severity;
    for (size_t i = 0; i < 3 && sp->nist_csf[i]; i++)
        c->nist_csf[i] = dw_xstrdup(sp->nist_csf[i]);
    for (size_t i = 0; i + 1 < DW_ARRAY_LEN(sp->nist_csf2) && sp->nist_csf2[i]; i++)
        c->nist_csf2[i] = dw_xstrdup(sp->nist_csf2[i]);
    memcpy(c->statements, sp->statements, sizeof(c->statements));
    c->what = s_dup_or(&sp->description, "(no description)");
    c->why = s_dup_or(&sp->why, "Set by this team's dbward.yaml.");
    c->audit = s_dup_or(&sp->audit, NULL);
    c->resource_type = s_dup_or(&sp->resource_type, "AWS::::Resource");
    c->fix_kind = sp->fix_kind;
    c->fix = s_dup_or(&sp->remediation, NULL);
    const char *call = sp->call.text;
    const char *space = strchr(call, ' ');
    cc->call_service = dw_xstrndup(call, (size_t)(space - call));
    cc->call_command = dw_xstrdup(space + 1);
    c->calls[0] = dw_xstrdup(call);
    c->is_global = strcmp(cc->call_service, "iam") == 0;
    enum dw_status rc = DW_OK;
    if (sp->list.text)
        rc = s_compile(cfg, &sp->list, "list", &cc->list, err);
    else
        rc = dw_jmes_compile("@", 1, &cc->list, NULL) ? DW_E_SCHEMA : DW_OK;
    if (!rc)
        rc = s_compile(cfg, &sp->id_expression, "id_expression", &cc->id, err);
    if (!rc)
        rc = s_compile(cfg, &sp->condition, "condition", &cc->condition, err);
    if (!rc && sp->remediation.text) {
        cc->remediation = dw_xstrdup(sp->remediation.text);
        rc = s_placeholders(cfg, &sp->remediation, cc, err);
    }
    if (rc) {
        s_custom_free(cc);
        return rc;
    }
    *out = cc;
    return DW_OK;
}

enum dw_status dw_custom_build(const struct dw_config *cfg, struct dw_custom_set *out, struct dw_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!cfg)
        return DW_OK;
    out->items = dw_xcalloc(cfg->n_custom + 1, sizeof(*out->items));
    out->controls = dw_xcalloc(cfg->n_custom + 1, sizeof(*out->controls));
    for (size_t i = 0; i < cfg->n_custom; i++) {
        enum dw_status rc = s_one(cfg, &cfg->custom[i], &out->items[out->n], err);
        if (rc)
            return rc;
        out->controls[out->n] = &out->items[out->n]->control;
        out->n++;
    }
    for (size_t i = 0; i < cfg->n_params; i++) {
        struct dw_error perr;
        memset(&perr, 0, sizeof(perr));
        if (dw_param_check(cfg->params[i].name, cfg->params[i].value, &perr)) {
            bool unknown = strstr(perr.message, "unknown parameter") != NULL;
            return s_at(err, cfg, unknown ? cfg->params_at[i].name : cfg->params_at[i].value, "%s", perr.message);
        }
    }
    /* Every control id the config names must name a control of the registry. */
    for (size_t i = 0; i < cfg->n_supp; i++) {
        const struct dw_suppression *s = &cfg->supp[i];
        if (!dw_registry_any(out->controls, out->n, s->control))
            return s_at(err, cfg, s->control_at, "control %s matches no control",
                        s->control);
    }
    for (size_t i = 0; i < cfg->n_sev; i++) {
        if (!dw_registry_find(out->controls, out->n, cfg->sev_ids[i]))
            return s_at(err, cfg, cfg->sev_at[i], "severity override for an unknown control \"%s\"",
                        cfg->sev_ids[i]);
    }
    for (size_t i = 0; i < cfg->n_exclude; i++) {
        if (!dw_registry_any(out->controls, out->n, cfg->exclude[i]))
            return s_at(err, cfg, cfg->exclude_at[i], "controls.exclude %s matches no control (see dbward controls)",
                        cfg->exclude[i]);
    }
    return DW_OK;
}

void dw_custom_set_clean_up(struct dw_custom_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        s_custom_free(s->items[i]);
    free(s->items);
    free((void *)s->controls);
    memset(s, 0, sizeof(*s));
}
