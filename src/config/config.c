/* config.c: dbward.yaml. libyaml builds the node tree (with marks); this
 * file walks it against a fixed schema and compiles every expression, so
 * a config that loads cannot fail later for a reason it could have shown. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include <dbward/config.h>
#include <dbward/plan.h>

#include "util/util.h"

#define DW_CONFIG_MAX_BYTES ((size_t)4 << 20)
#define DW_YAML_MAX_DEPTH 64
#define DW_YAML_MAX_NODES 100000

struct ld {
    size_t visited;         /* nodes walked by the depth check (aliases can multiply them) */
    yaml_document_t *doc;
    const char *src;
    struct dw_error *err;
    struct dw_config *cfg;
    bool failed;
};

static enum dw_status s_err(struct ld *l, yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum dw_status s_err(struct ld *l, yaml_node_t *n, const char *fmt, ...)
{
    if (l->failed)
        return DW_E_SCHEMA;
    l->failed = true;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return dw_error_set(l->err, DW_E_SCHEMA, l->src, n ? (int)n->start_mark.line + 1 : 0,
                        n ? (int)n->start_mark.column + 1 : 0, n ? n->start_mark.index : 0, "%s", msg);
}

static yaml_node_t *s_node(struct ld *l, int id) { return yaml_document_get_node(l->doc, id); }

static struct dw_config_pos s_pos(const yaml_node_t *n)
{
    return (struct dw_config_pos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1, n->start_mark.index};
}

static const char *s_scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static char *s_str(struct ld *l, yaml_node_t *n, const char *what)
{
    const char *v = s_scalar(n);
    if (!v) {
        s_err(l, n, "%s must be a string", what);
        return NULL;
    }
    return dw_xstrdup(v);
}

static bool s_list(struct ld *l, yaml_node_t *n, const char *what)
{
    if (!n || n->type != YAML_SEQUENCE_NODE) {
        s_err(l, n, "%s must be a list", what);
        return false;
    }
    return true;
}

static bool s_map(struct ld *l, yaml_node_t *n, const char *what)
{
    if (!n || n->type != YAML_MAPPING_NODE) {
        s_err(l, n, "%s must be a mapping", what);
        return false;
    }
    return true;
}

/* A list of strings, or one string. */
static char **s_strings(struct ld *l, yaml_node_t *n, const char *what, size_t *count)
{
    *count = 0;
    if (s_scalar(n)) {
        char **v = dw_xcalloc(2, sizeof(char *));
        v[0] = dw_xstrdup(s_scalar(n));
        *count = 1;
        return v;
    }
    if (!s_list(l, n, what))
        return NULL;
    size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    char **v = dw_xcalloc(len + 1, sizeof(char *));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *x = s_node(l, *it);
        if (!s_scalar(x)) {
            s_err(l, x, "each entry of %s must be a string", what);
            break;
        }
        v[(*count)++] = dw_xstrdup(s_scalar(x));
    }
    return v;
}

static void s_free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* A scalar with its position; an absent node leaves t empty. */
static bool s_text(struct ld *l, yaml_node_t *n, const char *what, struct dw_config_text *t)
{
    memset(t, 0, sizeof(*t));
    if (!n)
        return true;
    const char *v = s_scalar(n);
    if (!v) {
        s_err(l, n, "%s must be a string", what);
        return false;
    }
    t->text = dw_xstrdup(v);
    t->line = (int)n->start_mark.line + 1;
    t->column = (int)n->start_mark.column + 1;
    t->index = n->start_mark.index;
    bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    bool quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                  n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    t->inner = (plain || quoted) && !strchr(v, '\n') ? (quoted ? 1 : 0) : -1;
    return true;
}

static bool s_key_is(const char *k, const char *const *allowed)
{
    for (; *allowed; allowed++) {
        if (strcmp(k, *allowed) == 0)
            return true;
    }
    return false;
}

/* Checks every key of a mapping against allowed names. */
static bool s_keys(struct ld *l, yaml_node_t *map, const char *const *allowed, const char *where)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = s_node(l, p->key);
        const char *ks = s_scalar(k);
        if (!ks) {
            s_err(l, k, "keys of %s must be plain names", where);
            return false;
        }
        if (!s_key_is(ks, allowed)) {
            struct dw_buf b;
            dw_buf_init(&b, 512);
            for (const char *const *a = allowed; *a; a++)
                dw_buf_printf(&b, "%s%s", a == allowed ? "" : ", ", *a);
            char *list = dw_buf_steal(&b);
            s_err(l, k, "unknown key \"%s\" in %s (expected one of: %s)", ks, where, list ? list : "");
            free(list);
            return false;
        }
    }
    return true;
}

static yaml_node_t *s_get(struct ld *l, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *ks = s_scalar(s_node(l, p->key));
        if (ks && strcmp(ks, key) == 0)
            return s_node(l, p->value);
    }
    return NULL;
}

static bool s_date(const char *s, int64_t *end_of_day)
{
    int64_t t = 0;
    if (!dw_time_parse_iso8601(s, &t))
        return false;
    if (strlen(s) == 10)
        t += 86400 - 1; /* a date means "through that day" */
    *end_of_day = t;
    return true;
}

/* Snapshot calls a custom control may read: the ones dbward collects. */
/* A custom control reads one snapshot call of the plan (dbward/plan.h). */
static bool s_plan_call(const char *call)
{
    const struct dw_plan_call *c = call && !strchr(call, '/') ? dw_plan_find(call) : NULL;
    return c && c->scope != DW_PLAN_BOOTSTRAP;
}

static void s_custom_free(struct dw_custom_spec *c)
{
    struct dw_config_text *texts[] = {&c->id, &c->title, &c->description, &c->why, &c->audit, &c->resource_type,
                                      &c->call, &c->list, &c->id_expression, &c->condition, &c->remediation};
    for (size_t i = 0; i < DW_ARRAY_LEN(texts); i++)
        free(texts[i]->text);
    for (size_t i = 0; i < 4; i++)
        free(c->nist_csf[i]);
    for (size_t i = 0; i < DW_ARRAY_LEN(c->nist_csf2); i++)
        free(c->nist_csf2[i]);
    memset(c, 0, sizeof(*c));
}

static void s_custom(struct ld *l, yaml_node_t *n)
{
    static const char *const keys[] = {"id", "title", "severity", "nist_csf", "nist_csf2", "control_statements",
                                       "description",
                                       "why", "audit", "resource_type", "call", "list", "id_expression",
                                       "condition", "remediation", "remediation_kind", NULL};
    if (!s_map(l, n, "a custom control") || !s_keys(l, n, keys, "a custom control"))
        return;
    static const char *const required[] = {"id", "title", "severity", "call", "id_expression", "condition", NULL};
    for (const char *const *r = required; *r; r++) {
        if (!s_get(l, n, *r)) {
            s_err(l, n, "a custom control needs \"%s\"", *r);
            return;
        }
    }
    struct dw_custom_spec c;
    memset(&c, 0, sizeof(c));
    yaml_node_t *v = s_get(l, n, "id");
    const char *id = s_scalar(v);
    bool id_ok = id && isupper((unsigned char)id[0]) && strchr(id, '-') && strlen(id) < 32;
    for (const char *p = id; id_ok && *p; p++)
        id_ok = isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-';
    if (!id_ok) {
        s_err(l, v, "id must look like ABC-01 (capitals, digits and '-')");
        return;
    }
    for (size_t i = 0; i < l->cfg->n_custom; i++) {
        if (strcasecmp(l->cfg->custom[i].id.text, id) == 0) {
            s_err(l, v, "id %s is already taken", id);
            return;
        }
    }
    s_text(l, v, "id", &c.id);
    s_text(l, s_get(l, n, "title"), "title", &c.title);
    v = s_get(l, n, "severity");
    c.severity = DW_SEV_LOW;
    if (!s_scalar(v) || !dw_severity_parse(s_scalar(v), &c.severity))
        s_err(l, v, "severity must be low, medium, high or critical");
    if ((v = s_get(l, n, "nist_csf"))) {
        size_t cnt = 0;
        char **list = s_strings(l, v, "nist_csf", &cnt);
        if (cnt > 3)
            s_err(l, v, "at most 3 NIST CSF subcategories");
        for (size_t i = 0; i < cnt && i < 3; i++)
            c.nist_csf[i] = list[i];
        for (size_t i = 3; i < cnt; i++)
            free(list[i]);
        free(list);
    }
    if ((v = s_get(l, n, "nist_csf2"))) {
        /* CSF 2.0 ids when the table's answer for nist_csf is not the one (or has none). */
        size_t cnt = 0, max = DW_ARRAY_LEN(c.nist_csf2) - 1;
        char **list = s_strings(l, v, "nist_csf2", &cnt);
        if (cnt > max)
            s_err(l, v, "at most %zu NIST CSF 2.0 subcategories", max);
        for (size_t i = 0; i < cnt; i++) {
            if (i < max)
                c.nist_csf2[i] = list[i];
            else
                free(list[i]);
        }
        free(list);
    }
    if ((v = s_get(l, n, "control_statements")) && s_list(l, v, "control_statements")) {
        size_t k = 0;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && !l->failed; it++) {
            yaml_node_t *x = s_node(l, *it);
            char *end = NULL;
            long num = s_scalar(x) ? strtol(s_scalar(x), &end, 10) : 0;
            if (!s_scalar(x) || *end || num < 1 || num > 99 || k >= 3)
                s_err(l, x, "control_statements holds up to 3 numbers from 1 to 99");
            else
                c.statements[k++] = (int)num;
        }
    }
    s_text(l, s_get(l, n, "description"), "description", &c.description);
    s_text(l, s_get(l, n, "why"), "why", &c.why);
    s_text(l, s_get(l, n, "audit"), "audit", &c.audit);
    s_text(l, s_get(l, n, "resource_type"), "resource_type", &c.resource_type);
    c.fix_kind = DW_FIX_MANUAL;
    if ((v = s_get(l, n, "remediation_kind"))) {
        const char *k = s_scalar(v);
        if (k && strcmp(k, "in-place") == 0)
            c.fix_kind = DW_FIX_IN_PLACE;
        else if (k && strcmp(k, "recreate") == 0)
            c.fix_kind = DW_FIX_RECREATE;
        else if (!k || strcmp(k, "manual") != 0)
            s_err(l, v, "remediation_kind must be in-place, recreate or manual");
    }
    v = s_get(l, n, "call");
    if (!s_plan_call(s_scalar(v)))
        s_err(l, v, "call must be one of the snapshot calls dbward collects (see docs/snapshot.md), e.g. "
                    "\"dynamodb describe-table\"");
    else
        s_text(l, v, "call", &c.call);
    static const struct {
        const char *key;
        size_t off;
    } exprs[] = {{"list", offsetof(struct dw_custom_spec, list)},
                 {"id_expression", offsetof(struct dw_custom_spec, id_expression)},
                 {"condition", offsetof(struct dw_custom_spec, condition)}};
    for (size_t i = 0; i < DW_ARRAY_LEN(exprs) && !l->failed; i++) {
        v = s_get(l, n, exprs[i].key);
        struct dw_config_text *t = (struct dw_config_text *)((char *)&c + exprs[i].off);
        if (v && (!s_scalar(v) || !*s_scalar(v)))
            s_err(l, v, "%s must be a JMESPath expression", exprs[i].key);
        else
            s_text(l, v, exprs[i].key, t);
    }
    s_text(l, s_get(l, n, "remediation"), "remediation", &c.remediation);
    if (l->failed) {
        s_custom_free(&c);
        return;
    }
    struct dw_config *cfg = l->cfg;
    cfg->custom = dw_xrealloc(cfg->custom, (cfg->n_custom + 1) * sizeof(*cfg->custom));
    cfg->custom[cfg->n_custom++] = c;
}

static void s_suppression(struct ld *l, yaml_node_t *n)
{
    static const char *const keys[] = {"control", "resource", "region", "account", "reason", "expires", NULL};
    if (!s_map(l, n, "a suppression") || !s_keys(l, n, keys, "a suppression"))
        return;
    struct dw_suppression s;
    memset(&s, 0, sizeof(s));
    s.line = (int)n->start_mark.line + 1;
    s.column = (int)n->start_mark.column + 1;
    yaml_node_t *v;
    if (!(v = s_get(l, n, "control"))) {
        s_err(l, n, "a suppression needs \"control\"");
        return;
    }
    /* Whether it matches a control is dw_custom_build's check (rules knows them). */
    s.control = s_str(l, v, "control");
    s.control_at = s_pos(v);
    s.resource = (v = s_get(l, n, "resource")) ? s_str(l, v, "resource") : dw_xstrdup("*");
    s.region = (v = s_get(l, n, "region")) ? s_str(l, v, "region") : NULL;
    s.account = (v = s_get(l, n, "account")) ? s_str(l, v, "account") : NULL;
    v = s_get(l, n, "reason");
    if (!v || !s_scalar(v) || !*s_scalar(v))
        s_err(l, v ? v : n, "a suppression needs a non-empty \"reason\"");
    else
        s.reason = dw_xstrdup(s_scalar(v));
    if ((v = s_get(l, n, "expires"))) {
        s.expires = s_str(l, v, "expires");
        if (s.expires && !s_date(s.expires, &s.expires_epoch_s))
            s_err(l, v, "expires must be a date, YYYY-MM-DD");
    }
    struct dw_config *cfg = l->cfg;
    cfg->supp = dw_xrealloc(cfg->supp, (cfg->n_supp + 1) * sizeof(*cfg->supp));
    cfg->supp[cfg->n_supp++] = s;
}

static void s_params(struct ld *l, yaml_node_t *n)
{
    if (!s_map(l, n, "parameters"))
        return;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !l->failed; p++) {
        yaml_node_t *k = s_node(l, p->key);
        yaml_node_t *v = s_node(l, p->value);
        const char *name = s_scalar(k);
        char *value = NULL;
        if (v && v->type == YAML_SEQUENCE_NODE) {
            size_t cnt = 0;
            char **list = s_strings(l, v, name ? name : "a parameter", &cnt);
            struct dw_buf b;
            dw_buf_init(&b, 65536);
            for (size_t i = 0; i < cnt; i++)
                dw_buf_printf(&b, "%s%s", i ? "," : "", list[i]);
            s_free_strings(list, cnt);
            value = dw_buf_steal(&b);
        } else if (s_scalar(v)) {
            value = dw_xstrdup(s_scalar(v));
        } else {
            s_err(l, v, "parameter values are strings, numbers or lists of strings");
            return;
        }
        if (!name) {
            s_err(l, k, "parameter names are strings");
            free(value);
            return;
        }
        /* Whether the name and value are known is dw_custom_build's check (rules owns the parameters). */
        struct dw_config *cfg = l->cfg;
        cfg->params = dw_xrealloc(cfg->params, (cfg->n_params + 1) * sizeof(*cfg->params));
        cfg->params_at = dw_xrealloc(cfg->params_at, (cfg->n_params + 1) * sizeof(*cfg->params_at));
        cfg->params_at[cfg->n_params].name = s_pos(k);
        cfg->params_at[cfg->n_params].value = s_pos(v);
        cfg->params[cfg->n_params].name = dw_xstrdup(name);
        cfg->params[cfg->n_params].value = value;
        cfg->n_params++;
    }
}

static void s_controls(struct ld *l, yaml_node_t *n)
{
    static const char *const keys[] = {"include", "exclude", "severity", NULL};
    if (!s_map(l, n, "controls") || !s_keys(l, n, keys, "controls"))
        return;
    struct dw_config *cfg = l->cfg;
    yaml_node_t *v;
    if ((v = s_get(l, n, "include")))
        cfg->include = s_strings(l, v, "controls.include", &cfg->n_include);
    if ((v = s_get(l, n, "exclude"))) {
        cfg->exclude = s_strings(l, v, "controls.exclude", &cfg->n_exclude);
        cfg->exclude_at = dw_xcalloc(cfg->n_exclude + 1, sizeof(*cfg->exclude_at));
        for (size_t i = 0; i < cfg->n_exclude; i++) {
            yaml_node_t *x = v->type == YAML_SEQUENCE_NODE ? s_node(l, v->data.sequence.items.start[i]) : v;
            cfg->exclude_at[i] = s_pos(x);
        }
    }
    if ((v = s_get(l, n, "severity")) && s_map(l, v, "controls.severity")) {
        size_t cap = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
        cfg->sev_ids = dw_xcalloc(cap + 1, sizeof(char *));
        cfg->sev_values = dw_xcalloc(cap + 1, sizeof(enum dw_severity));
        cfg->sev_at = dw_xcalloc(cap + 1, sizeof(*cfg->sev_at));
        for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top && !l->failed; p++) {
            yaml_node_t *k = s_node(l, p->key);
            yaml_node_t *x = s_node(l, p->value);
            enum dw_severity sev = DW_SEV_LOW;
            if (!s_scalar(k)) {
                s_err(l, k, "a severity override is keyed by a control id");
                return;
            }
            if (!s_scalar(x) || !dw_severity_parse(s_scalar(x), &sev)) {
                s_err(l, x, "severity must be low, medium, high or critical");
                return;
            }
            cfg->sev_at[cfg->n_sev] = s_pos(k);
            cfg->sev_ids[cfg->n_sev] = dw_xstrdup(s_scalar(k));
            cfg->sev_values[cfg->n_sev++] = sev;
        }
    }
}

static bool s_depth_ok(struct ld *l, yaml_node_t *n, int depth)
{
    if (++l->visited > DW_YAML_MAX_NODES) {
        s_err(l, n, "more than %d nodes once aliases are followed", DW_YAML_MAX_NODES);
        return false;
    }
    if (depth > DW_YAML_MAX_DEPTH) {
        s_err(l, n, "nested deeper than %d levels", DW_YAML_MAX_DEPTH);
        return false;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
            if (!s_depth_ok(l, s_node(l, *it), depth + 1))
                return false;
    } else if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
            if (!s_depth_ok(l, s_node(l, p->key), depth + 1) || !s_depth_ok(l, s_node(l, p->value), depth + 1))
                return false;
    }
    return true;
}

enum dw_status dw_config_load_buffer(const char *data, size_t len, const char *source, struct dw_config **out,
                                     struct dw_error *err)
{
    *out = NULL;
    struct dw_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    if (len > DW_CONFIG_MAX_BYTES)
        return dw_error_set(err, DW_E_TOO_BIG, source, 0, 0, 0, "larger than %zu bytes", DW_CONFIG_MAX_BYTES);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        enum dw_status rc = dw_error_set(err, DW_E_PARSE, source, (int)parser.problem_mark.line + 1,
                                         (int)parser.problem_mark.column + 1, parser.problem_mark.index, "%s%s%s",
                                         parser.problem ? parser.problem : "malformed YAML",
                                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    struct dw_config *cfg = dw_xcalloc(1, sizeof(*cfg));
    cfg->path = dw_xstrdup(source);
    struct ld l = {0, &doc, source, err, cfg, false};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    static const char *const top[] = {"version", "regions", "controls", "parameters", "suppressions",
                                      "custom_controls", NULL};
    if (!root) {
        /* An empty file is a valid, empty configuration. */
    } else if (s_depth_ok(&l, root, 0) && s_map(&l, root, "the top level of dbward.yaml") &&
               s_keys(&l, root, top, "dbward.yaml")) {
        yaml_node_t *v;
        if ((v = s_get(&l, root, "version")) && (!s_scalar(v) || strcmp(s_scalar(v), "1") != 0))
            s_err(&l, v, "version must be 1");
        if (!l.failed && (v = s_get(&l, root, "custom_controls")) && s_list(&l, v, "custom_controls"))
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && !l.failed; it++)
                s_custom(&l, s_node(&l, *it));
        if (!l.failed && (v = s_get(&l, root, "regions"))) {
            cfg->regions = s_strings(&l, v, "regions", &cfg->n_regions);
            for (size_t i = 0; i < cfg->n_regions && !l.failed; i++) {
                for (const char *p = cfg->regions[i]; *p && !l.failed; p++)
                    if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
                        s_err(&l, v, "\"%s\" is not a region name", cfg->regions[i]);
            }
        }
        if (!l.failed && (v = s_get(&l, root, "controls")))
            s_controls(&l, v);
        if (!l.failed && (v = s_get(&l, root, "parameters")))
            s_params(&l, v);
        if (!l.failed && (v = s_get(&l, root, "suppressions")) && s_list(&l, v, "suppressions"))
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && !l.failed; it++)
                s_suppression(&l, s_node(&l, *it));
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (l.failed) {
        dw_config_free(cfg);
        return err->status ? err->status : DW_E_SCHEMA;
    }
    *out = cfg;
    return DW_OK;
}

enum dw_status dw_config_load(const char *path, struct dw_config **out, struct dw_error *err)
{
    *out = NULL;
    struct dw_buf b;
    dw_buf_init(&b, DW_CONFIG_MAX_BYTES);
    enum dw_status rd = dw_buf_read_file(&b, path);
    if (rd == DW_E_NOT_FOUND)
        return dw_error_set(err, DW_E_NOT_FOUND, path, 0, 0, 0, "cannot open the configuration");
    if (rd)
        return dw_error_set(err, DW_E_TOO_BIG, path, 0, 0, 0, "larger than %zu bytes", DW_CONFIG_MAX_BYTES);
    enum dw_status rc = dw_config_load_buffer(b.data ? b.data : "", b.len, path, out, err);
    dw_buf_clean_up(&b);
    return rc;
}

void dw_config_free(struct dw_config *c)
{
    if (!c)
        return;
    free(c->path);
    s_free_strings(c->regions, c->n_regions);
    s_free_strings(c->include, c->n_include);
    s_free_strings(c->exclude, c->n_exclude);
    s_free_strings(c->sev_ids, c->n_sev);
    free(c->sev_values);
    free(c->sev_at);
    free(c->params_at);
    free(c->exclude_at);
    for (size_t i = 0; i < c->n_params; i++) {
        free((char *)c->params[i].name);
        free((char *)c->params[i].value);
    }
    free(c->params);
    for (size_t i = 0; i < c->n_supp; i++) {
        struct dw_suppression *s = &c->supp[i];
        free(s->control);
        free(s->resource);
        free(s->region);
        free(s->account);
        free(s->reason);
        free(s->expires);
    }
    free(c->supp);
    for (size_t i = 0; i < c->n_custom; i++)
        s_custom_free(&c->custom[i]);
    free(c->custom);
    free(c);
}

