/* eval_util.c: helpers shared by the evaluators: snapshot access, params,
 * finding emission, JSON paths, tags, KMS key resolution and trails. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

const struct dw_doc *dwi_doc(struct dw_scan_ctx *ctx, const char *service, const char *command,
                             const char *key)
{
    return dw_snapshot_get(ctx->snap, ctx->region, service, command, key);
}

const struct dw_doc *dwi_doc_in(struct dw_scan_ctx *ctx, const char *region, const char *service,
                                const char *command, const char *key)
{
    return dw_snapshot_get(ctx->snap, region, service, command, key);
}

void dwi_keys_add(struct dwi_keys *k, json_t *items, const char *field, bool arn_tail)
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        const char *v = field ? dwi_str(x, field) : json_string_value(x);
        if (!v)
            continue;
        if (k->n == k->cap) {
            k->cap = k->cap ? k->cap * 2 : 64;
            k->v = dw_xrealloc(k->v, k->cap * sizeof(*k->v));
        }
        k->v[k->n++] = arn_tail ? dwi_arn_tail(v) : v;
    }
}

void dwi_prefetch_keys(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *what, struct dwi_keys *keys)
{
    enum { MAX_CALLS = sizeof(c->calls) / sizeof(c->calls[0]) };
    char *calls[MAX_CALLS] = {0};
    size_t n_calls = 0, wlen = strlen(what);
    for (size_t i = 0; i < MAX_CALLS && c->calls[i]; i++) {
        const char *call = c->calls[i];
        size_t len = strlen(call);
        if (len > wlen + 1 && call[len - wlen - 1] == '/' && strcmp(call + len - wlen, what) == 0)
            calls[n_calls++] = dw_xstrndup(call, len - wlen - 1);
    }
    dw_snapshot_prefetch(ctx->snap, ctx->region, (const char *const *)calls, n_calls, keys->v, keys->n);
    for (size_t i = 0; i < n_calls; i++)
        free(calls[i]);
    free(keys->v);
    memset(keys, 0, sizeof(*keys));
}

void dwi_prefetch(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *what, json_t *keys)
{
    struct dwi_keys k = {0};
    dwi_keys_add(&k, keys, NULL, false);
    dwi_prefetch_keys(ctx, c, what, &k);
}

void dwi_prefetch_end(struct dw_scan_ctx *ctx) { dw_snapshot_prefetch_end(ctx->snap); }

const char *dwi_param(struct dw_scan_ctx *ctx, const char *name)
{
    for (size_t i = ctx->opts->n_params; i > 0; i--) {
        if (strcmp(ctx->opts->params[i - 1].name, name) == 0)
            return ctx->opts->params[i - 1].value;
    }
    for (size_t i = 0; i < dw_param_def_count(); i++) {
        if (strcmp(dw_param_def_get(i)->name, name) == 0)
            return dw_param_def_get(i)->def;
    }
    return "";
}

long dwi_param_long(struct dw_scan_ctx *ctx, const char *name)
{
    return strtol(dwi_param(ctx, name), NULL, 10); /* validated by dw_param_check */
}

static void s_push(char ***v, size_t *n, char *s)
{
    *v = dw_xrealloc(*v, (*n + 1) * sizeof(char *));
    (*v)[(*n)++] = s;
}

struct dw_finding *dwi_emit(struct dw_scan_ctx *ctx, const struct dw_control *c,
                            enum dw_result status, const char *rtype, const char *rid,
                            const char *fmt, ...)
{
    struct dw_finding *f = dw_findings_push(ctx->out);
    f->control = c;
    f->status = status;
    f->severity = c->severity;
    f->resource_type = dw_xstrdup(rtype ? rtype : c->resource_type);
    f->resource_id = dw_xstrdup(rid ? rid : "");
    f->region = dw_xstrdup(ctx->region);
    f->account_id = dw_xstrdup(ctx->account);
    va_list ap;
    va_start(ap, fmt);
    f->reason = dw_xvasprintf(fmt, ap);
    va_end(ap);
    return f;
}

void dwi_cmd_take(struct dw_finding *f, char *cmd)
{
    if (cmd)
        s_push(&f->commands, &f->n_commands, cmd);
    else
        s_push(&f->notes, &f->n_notes, dw_xstrdup("A fix command was too long to print."));
}

void dwi_cmd(struct dw_finding *f, const char *fmt, ...)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    va_list ap;
    va_start(ap, fmt);
    dw_shell_vprintf(&b, fmt, ap);
    va_end(ap);
    dwi_cmd_take(f, dw_buf_steal(&b));
}

void dwi_note(struct dw_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_push(&f->notes, &f->n_notes, dw_xvasprintf(fmt, ap));
    va_end(ap);
}

json_t *dwi_memo_get(struct dw_scan_ctx *ctx, const char *name)
{
    char *key = dw_xasprintf("%s|%s", ctx->region, name);
    json_t *v = json_object_get(ctx->memo, key);
    free(key);
    return v;
}

json_t *dwi_memo_set(struct dw_scan_ctx *ctx, const char *name, json_t *value)
{
    char *key = dw_xasprintf("%s|%s", ctx->region, name);
    json_object_set_new(ctx->memo, key, value);
    free(key);
    return value;
}

void dwi_memo_drop_prefix(json_t *memo, const char *prefix)
{
    size_t len = strlen(prefix);
    const char *key;
    json_t *val;
    void *tmp;
    json_object_foreach_safe(memo, tmp, key, val)
    {
        (void)val;
        if (strncmp(key, prefix, len) == 0)
            json_object_del(memo, key);
    }
}

void dwi_memo_drop_call(struct dw_scan_ctx *ctx, const char *service, const char *command)
{
    char *prefix = dw_xstrjoin(ctx->region, "|", service, " ", command, "#");
    dwi_memo_drop_prefix(ctx->memo, prefix);
    free(prefix);
}

void dwi_index_add(json_t *index, const char *key, json_t *item)
{
    json_t *arr = json_object_get(index, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(index, key, arr);
    }
    if (json_array_size(arr) && json_array_get(arr, json_array_size(arr) - 1) == item)
        return; /* the same item twice in a row: once is enough */
    json_array_append(arr, item);
}

json_t *dwi_get(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!json_is_object(cur))
            return NULL;
        cur = json_object_getn(cur, p, n);
        p = dot ? dot + 1 : p + n;
    }
    return cur;
}

const char *dwi_str(json_t *root, const char *path)
{
    return json_string_value(dwi_get(root, path));
}

int dwi_bool(json_t *root, const char *path)
{
    json_t *v = dwi_get(root, path);
    if (!json_is_boolean(v))
        return -1;
    return json_is_true(v) ? 1 : 0;
}

char *dwi_scope_id(struct dw_scan_ctx *ctx)
{
    return dw_xasprintf("%s/%s", ctx->account, ctx->region);
}

json_t *dwi_list_try(const struct dw_doc *d, const char *key, char **why)
{
    *why = NULL;
    if (d->state != DW_DOC_OK) {
        *why = dw_xstrdup(d->reason);
        return NULL;
    }
    json_t *arr = dwi_get(d->json, key);
    if (!json_is_array(arr)) {
        *why = dw_xasprintf("%s.json has no \"%s\" array", d->path, key);
        return NULL;
    }
    return arr;
}

void dwi_list_error(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *why,
                    const char *scope_rtype, const char *scope_rid)
{
    char *own = NULL;
    if (!scope_rid) {
        own = dwi_scope_id(ctx);
        scope_rid = own;
    }
    /* A control that reads several lists says every one it could not read
     * in one ERROR of its scope (its findings in this region are the last of
     * the list): findings are one per control and resource, so a merge or
     * an import keeps each. */
    struct dw_finding *had = NULL;
    for (size_t k = ctx->out->n; k-- > 0 && ctx->out->v[k].control == c && !had;) {
        struct dw_finding *x = &ctx->out->v[k];
        if (x->status == DW_ERROR && strcmp(x->resource_id, scope_rid) == 0 && strcmp(x->region, ctx->region) == 0)
            had = x;
    }
    if (had) {
        char *joined = dw_xasprintf("%s; %s", had->reason, why);
        free(had->reason);
        had->reason = joined;
    } else {
        dwi_emit(ctx, c, DW_ERROR, scope_rtype ? scope_rtype : "AWS::::Account", scope_rid, "%s", why);
    }
    free(own);
}

json_t *dwi_list(struct dw_scan_ctx *ctx, const struct dw_control *c, const struct dw_doc *d,
                 const char *key, const char *scope_rtype, const char *scope_rid)
{
    char *why = NULL;
    json_t *arr = dwi_list_try(d, key, &why);
    if (why)
        dwi_list_error(ctx, c, why, scope_rtype, scope_rid);
    free(why);
    return arr;
}

const char *dwi_tag(json_t *tags, const char *key)
{
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t)
    {
        const char *k = dwi_str(t, "Key");
        if (k && strcmp(k, key) == 0)
            return dwi_str(t, "Value") ? dwi_str(t, "Value") : "";
    }
    return NULL;
}

char *dwi_missing_tags(struct dw_scan_ctx *ctx, json_t *tags)
{
    char *list = dw_xstrdup(dwi_param(ctx, "required_tags"));
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    char *save = list;
    for (;;) {
        char *comma = strchr(save, ',');
        if (comma)
            *comma = '\0';
        char *k = save;
        while (*k == ' ')
            k++;
        if (*k) {
            const char *v = dwi_tag(tags, k);
            if (!v || !*v)
                dw_buf_printf(&b, "%s%s%s", b.len ? ", " : "", k, v ? " (empty)" : "");
        }
        if (!comma)
            break;
        save = comma + 1;
    }
    free(list);
    char *r = dw_buf_steal(&b);
    if (r && !*r) {
        free(r);
        r = NULL;
    }
    return r;
}

char *dwi_arn_region(const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = arn;
    for (int i = 0; i < 3; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    const char *e = strchr(p, ':');
    if (!e || e == p)
        return NULL;
    return dw_xstrndup(p, (size_t)(e - p));
}

const char *dwi_arn_tail(const char *arn)
{
    const char *c = strrchr(arn, ':');
    return c ? c + 1 : arn;
}

void dwi_key_clean_up(struct dwi_key *k)
{
    free(k->region);
    free(k->key_id);
    free(k->reason);
    free(k->alias_reason);
    memset(k, 0, sizeof(*k));
}

void dwi_key_resolve(struct dw_scan_ctx *ctx, const char *ref, const char *region,
                     struct dwi_key *out)
{
    memset(out, 0, sizeof(*out));
    char *r = dwi_arn_region(ref);
    out->region = r ? r : dw_xstrdup(region);
    const char *alias = NULL;
    if (strncmp(ref, "alias/", 6) == 0)
        alias = ref;
    else if (strstr(ref, ":alias/"))
        alias = strstr(ref, ":alias/") + 1;
    if (alias) {
        const struct dw_doc *d = dwi_doc_in(ctx, out->region, "kms", "list-aliases", NULL);
        if (d->state != DW_DOC_OK) {
            out->reason = dw_xasprintf("cannot resolve %s: %s", alias, d->reason);
            return;
        }
        const char *target = dwi_kms_alias_target(ctx, out->region, alias);
        if (target)
            out->key_id = dw_xstrdup(target);
        if (!out->key_id) {
            out->reason = dw_xasprintf("alias %s is not in kms list-aliases in %s", alias,
                                       out->region);
            return;
        }
    } else {
        const char *slash = strstr(ref, ":key/");
        out->key_id = dw_xstrdup(slash ? slash + 5 : ref);
    }
    const struct dw_doc *d = dwi_doc_in(ctx, out->region, "kms", "describe-key", out->key_id);
    if (d->state != DW_DOC_OK) {
        out->reason = dw_xstrdup(d->reason);
        return;
    }
    out->manager = dwi_str(d->json, "KeyMetadata.KeyManager");
    out->state = dwi_str(d->json, "KeyMetadata.KeyState");
    out->arn = dwi_str(d->json, "KeyMetadata.Arn");
    out->spec = dwi_str(d->json, "KeyMetadata.KeySpec");
    if (!out->spec)
        out->spec = dwi_str(d->json, "KeyMetadata.CustomerMasterKeySpec");
    if (!out->manager || !out->state) {
        out->reason = dw_xasprintf("%s.json lacks KeyMetadata.KeyManager or KeyMetadata.KeyState",
                                   d->path);
        return;
    }
    out->ok = true;
    if (strcmp(out->manager, "CUSTOMER") != 0) {
        out->aws_managed = 1;
        snprintf(out->why_aws, sizeof(out->why_aws), "KeyManager is %s", out->manager);
        return;
    }
    const char *id = dwi_str(d->json, "KeyMetadata.KeyId");
    out->aws_managed = dwi_key_aws_alias(ctx, out->region, id ? id : out->key_id, &out->aws_alias,
                                         &out->alias_reason);
    if (out->aws_managed == 1)
        snprintf(out->why_aws, sizeof(out->why_aws),
                 "target of %s, although KeyManager is CUSTOMER", out->aws_alias);
}

int dwi_key_aws_alias(struct dw_scan_ctx *ctx, const char *region, const char *key_id,
                      const char **alias, char **why)
{
    *alias = NULL;
    const struct dw_doc *d = dwi_doc_in(ctx, region, "kms", "list-aliases", NULL);
    json_t *arr = d->state == DW_DOC_OK ? dwi_get(d->json, "Aliases") : NULL;
    if (d->state != DW_DOC_OK) {
        *why = dw_xstrdup(d->reason);
        return -1;
    }
    if (!json_is_array(arr)) {
        *why = dw_xasprintf("%s.json has no \"Aliases\" array", d->path);
        return -1;
    }
    if (!key_id)
        return 0;
    *alias = dwi_kms_aws_alias_of(ctx, region, key_id);
    return *alias ? 1 : 0;
}

int dwi_trails_covering(struct dw_scan_ctx *ctx, const struct dw_control *c, struct dwi_trail *out,
                        int max)
{
    const struct dw_doc *d = dwi_doc(ctx, "cloudtrail", "describe-trails", NULL);
    json_t *arr = dwi_list(ctx, c, d, "trailList", NULL, NULL);
    if (!arr)
        return -1;
    int n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        const char *name = dwi_str(t, "Name");
        const char *home = dwi_str(t, "HomeRegion");
        if (!name || !home || n >= max)
            continue;
        if (dwi_bool(t, "IsMultiRegionTrail") != 1 && strcmp(home, ctx->region) != 0)
            continue;
        out[n].trail = t;
        out[n].name = name;
        out[n].arn = dwi_str(t, "TrailARN") ? dwi_str(t, "TrailARN") : name;
        out[n].home = home;
        out[n].status = dwi_doc_in(ctx, home, "cloudtrail", "get-trail-status", name);
        out[n].selectors = dwi_doc_in(ctx, home, "cloudtrail", "get-event-selectors", name);
        n++;
    }
    return n;
}

int dwi_region_has(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *service,
                   const char *command, const char *key)
{
    const struct dw_doc *d = dwi_doc(ctx, service, command, NULL);
    json_t *arr = dwi_list(ctx, c, d, key, NULL, NULL);
    if (!arr)
        return -1;
    return json_array_size(arr) > 0;
}

const char *dwi_jmes_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    default: return "null";
    }
}

void dwi_tag_fix(struct dw_finding *f, const char *command_prefix, const char *missing)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    if (!command_prefix)
        b.st = DW_E_TOO_BIG; /* the prefix did not fit: no command, a note */
    else
        dw_buf_puts(&b, command_prefix);
    /* missing is "Key1, Key2 (empty), ...": one Key=...,Value=REPLACE_ME per key. */
    char *list = dw_xstrdup(missing);
    for (char *p = list; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0';
        dw_shell_printf(&b, " Key=%s,Value=REPLACE_ME", p);
        p = comma ? comma + 2 : NULL;
    }
    free(list);
    dwi_cmd_take(f, dw_buf_steal(&b));
    dwi_note(f, "Replace each REPLACE_ME with the value your tagging standard requires.");
}

json_t *dwi_iam_policy(json_t *det, const char *arn)
{
    size_t i;
    json_t *p;
    json_array_foreach(dwi_get(det, "Policies"), i, p)
    {
        if (arn && dwi_str(p, "Arn") && strcmp(dwi_str(p, "Arn"), arn) == 0)
            return p;
    }
    return NULL;
}

json_t *dwi_iam_default_doc(json_t *policy)
{
    size_t k;
    json_t *v;
    json_array_foreach(dwi_get(policy, "PolicyVersionList"), k, v)
    {
        if (dwi_bool(v, "IsDefaultVersion") == 1)
            return dwi_get(v, "Document");
    }
    return NULL;
}

json_t *dwi_iam_group(json_t *det, const char *name)
{
    size_t k;
    json_t *gd;
    json_array_foreach(dwi_get(det, "GroupDetailList"), k, gd)
    {
        if (name && dwi_str(gd, "GroupName") && strcmp(dwi_str(gd, "GroupName"), name) == 0)
            return gd;
    }
    return NULL;
}

int dwi_iam_console_password(struct dw_scan_ctx *ctx, const char *name, char **why)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "get-login-profile", name);
    if (d->state == DW_DOC_OK)
        return 1;
    if (d->state == DW_DOC_API_ERROR && strcmp(d->error_code, "NoSuchEntity") == 0)
        return 0;
    *why = dw_xstrdup(d->reason);
    return -1;
}
