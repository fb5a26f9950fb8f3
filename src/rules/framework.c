/* framework.c: the frameworks and documents a control is traced to, each
 * fact in one table: the NIST CSF 1.1 -> 2.0 subcategory table, the CSF
 * functions, and the titles of the source documents the seed field numbers.
 * Every writer, `explain`, `controls` and the control pages read them from
 * here; the rows of rules_*.c only carry the 1.1 ids and the seed numbers.
 *
 * The CSF table follows NIST's own transition data: the CSF 2.0 catalog that
 * NIST publishes in OSCAL (usnistgov/oscal-content, nist.gov/CSF/v2.0,
 * "NIST_CSF_v2.0_catalog", generated from the CSF 2.0 Reference Tool, CPRT)
 * keeps every withdrawn 1.1 subcategory with "moved_to" or
 * "incorporated_into" links to its 2.0 successors; a 1.1 outcome that 2.0
 * kept is listed under the same number, now two digits (PR.DS-1 ->
 * PR.DS-01). The table holds every 1.1 id a built-in control carries
 * (unit/framework fails on one it lacks); add a row, from that catalog, when
 * a control brings a new one. docs/frameworks.md shows the table. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/dbward.h>

#include "util/util.h"

static const char s_physical[] = "PR.AA-06 is physical access to facilities; no dbward control looks at physical "
                                 "access, only at network paths (PR.IR-01)";

/* In 1.1 order (function, category, number). */
static const struct dw_csf_map s_map[] = {
    {"ID.AM-1", {"ID.AM-01"}, NULL, NULL},
    {"ID.AM-5", {"ID.AM-05"}, NULL, NULL},
    {"ID.RA-1", {"ID.RA-01"}, NULL, NULL},
    {"PR.AC-1", {"PR.AA-01", "PR.AA-05"}, NULL, NULL},
    {"PR.AC-3", {"PR.AA-03", "PR.AA-05", "PR.IR-01"}, NULL, NULL},
    {"PR.AC-4", {"PR.AA-05"}, NULL, NULL},
    {"PR.AC-5", {"PR.IR-01"}, NULL, NULL},
    {"PR.AC-7", {"PR.AA-03"}, NULL, NULL},
    {"PR.DS-1", {"PR.DS-01"}, NULL, NULL},
    {"PR.DS-2", {"PR.DS-02"}, NULL, NULL},
    {"PR.DS-6", {"PR.DS-01", "DE.CM-09"}, NULL, NULL},
    {"PR.IP-4", {"PR.DS-11"}, NULL, NULL},
    {"PR.IP-12", {"ID.RA-01", "PR.PS-02"}, NULL, NULL},
    {"PR.PT-1", {"PR.PS-04"}, NULL, NULL},
    {"PR.PT-4", {"PR.IR-01"}, "PR.AA-06", s_physical},
    {"PR.PT-5", {"PR.IR-03"}, NULL, NULL},
    {"DE.AE-3", {"DE.AE-03"}, NULL, NULL},
    {"DE.CM-1", {"DE.CM-01"}, NULL, NULL},
    {"DE.CM-7", {"DE.CM-01", "DE.CM-03", "DE.CM-06", "DE.CM-09"}, NULL, NULL},
    {"RC.RP-1", {"RC.RP-01"}, NULL, NULL},
};

size_t dw_csf_map_count(void) { return DW_ARRAY_LEN(s_map); }
const struct dw_csf_map *dw_csf_map_get(size_t i) { return i < DW_ARRAY_LEN(s_map) ? &s_map[i] : NULL; }

const struct dw_csf_map *dw_csf_map_find(const char *csf1)
{
    for (size_t i = 0; csf1 && i < DW_ARRAY_LEN(s_map); i++) {
        if (strcmp(s_map[i].csf1, csf1) == 0)
            return &s_map[i];
    }
    return NULL;
}

bool dw_csf_version_parse(const char *s, enum dw_csf_version *out)
{
    if (s && strcasecmp(s, "csf1") == 0)
        *out = DW_CSF_1_1;
    else if (s && strcasecmp(s, "csf2") == 0)
        *out = DW_CSF_2_0;
    else
        return false;
    return true;
}

const char *dw_csf_version_name(enum dw_csf_version v)
{
    return v == DW_CSF_1_1 ? "NIST CSF 1.1" : "NIST CSF 2.0";
}

static void s_add(struct dw_csf_list *out, const char *id)
{
    for (size_t i = 0; i < out->n; i++) {
        if (strcmp(out->v[i], id) == 0)
            return;
    }
    if (out->n < DW_CSF_LIST_MAX)
        out->v[out->n++] = id;
    out->v[out->n] = NULL;
}

void dw_csf2_of(const char *const *csf1, size_t n, struct dw_csf_list *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n && csf1[i]; i++) {
        const struct dw_csf_map *m = dw_csf_map_find(csf1[i]);
        if (!m) {
            if (!out->unmapped)
                out->unmapped = csf1[i];
            continue;
        }
        for (size_t k = 0; k < DW_ARRAY_LEN(m->csf2) && m->csf2[k]; k++)
            s_add(out, m->csf2[k]);
    }
}

void dw_control_csf2(const struct dw_control *c, struct dw_csf_list *out)
{
    if (c->nist_csf2[0]) {
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; i < DW_ARRAY_LEN(c->nist_csf2) && c->nist_csf2[i]; i++)
            s_add(out, c->nist_csf2[i]);
        return;
    }
    dw_csf2_of(c->nist_csf, DW_ARRAY_LEN(c->nist_csf), out);
}

void dw_control_csf(const struct dw_control *c, enum dw_csf_version v, struct dw_csf_list *out)
{
    if (v == DW_CSF_2_0) {
        dw_control_csf2(c, out);
        return;
    }
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < DW_ARRAY_LEN(c->nist_csf) && c->nist_csf[i]; i++)
        s_add(out, c->nist_csf[i]);
}

static const char *const s_fn_code[DW_CSF_FUNCTIONS] = {"GV", "ID", "PR", "DE", "RS", "RC"};
static const char *const s_fn_name[DW_CSF_FUNCTIONS] = {"Govern", "Identify", "Protect", "Detect", "Respond",
                                                        "Recover"};

const char *dw_csf_function_code(int i) { return i >= 0 && i < DW_CSF_FUNCTIONS ? s_fn_code[i] : ""; }
const char *dw_csf_function_name(int i) { return i >= 0 && i < DW_CSF_FUNCTIONS ? s_fn_name[i] : "Other"; }

int dw_csf_function_of(const char *subcategory)
{
    for (int i = 0; subcategory && i < DW_CSF_FUNCTIONS; i++) {
        if (strncmp(subcategory, s_fn_code[i], 2) == 0 && subcategory[2] == '.')
            return i;
    }
    return -1;
}

/* ---- source documents ---- */

/* The documents the catalog was written from, by the number the seed field
 * uses, titled as each document titles itself. */
static const struct dw_source s_sources[] = {
    {"000", "AWS DMS (Database Migration Service) - Security Playbook"},
    {"001", "AWS DMS User Guide: Security in AWS Database Migration Service"},
    {"002", "Conformity rule: AWS DMS Replication Instances Encrypted with KMS CMKs"},
    {"003", "Conformity rule: Publicly Accessible DMS Replication Instances"},
    {"004", "AWS DynamoDB - Security Runbook"},
};

size_t dw_source_count(void) { return DW_ARRAY_LEN(s_sources); }
const struct dw_source *dw_source_get(size_t i) { return i < DW_ARRAY_LEN(s_sources) ? &s_sources[i] : NULL; }

const struct dw_source *dw_source_find(const char *id)
{
    for (size_t i = 0; id && i < DW_ARRAY_LEN(s_sources); i++) {
        if (strcmp(s_sources[i].id, id) == 0)
            return &s_sources[i];
    }
    return NULL;
}

static bool s_has_check(const char *peer) { return peer && *peer && strncmp(peer, "none", 4) != 0; }

/* "beyond the sources: checked by Prowler, Security Hub and AWS Config". */
static char *s_beyond(const struct dw_control *c)
{
    const struct dw_peers *p = c->peers;
    const char *tools[4];
    size_t n = 0;
    if (p && s_has_check(p->prowler))
        tools[n++] = "Prowler";
    if (p && s_has_check(p->security_hub))
        tools[n++] = "Security Hub";
    if (p && s_has_check(p->aws_config))
        tools[n++] = "AWS Config";
    if (p && s_has_check(p->conformity))
        tools[n++] = "Conformity";
    if (!n)
        return dw_xstrdup("beyond the sources: a check of dbward's own (no peer tool has one)");
    char buf[160] = "beyond the sources: checked by ";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof(buf) - l, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", tools[i]);
    }
    return dw_xstrdup(buf);
}

/* Splits the seed at commas outside parentheses: "004 (CS 1, CS 3), 001". */
static size_t s_split(const char *seed, const char *start[], size_t len[], size_t max)
{
    size_t n = 0;
    int depth = 0;
    const char *p = seed, *from = seed;
    for (;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0)) {
            const char *a = from, *b = p;
            while (a < b && (*a == ' ' || *a == '*'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '*'))
                b--;
            if (b > a && n < max) {
                start[n] = a;
                len[n++] = (size_t)(b - a);
            }
            if (*p == '\0')
                break;
            from = p + 1;
        }
    }
    return n;
}

void dw_control_sources(const struct dw_control *c, struct dw_control_sources *out)
{
    memset(out, 0, sizeof(*out));
    if (c->custom) {
        out->id[0] = dw_xstrdup("dbward.yaml");
        out->title[0] = dw_xstrdup("dbward.yaml (a custom control of this configuration)");
        out->n = 1;
        return;
    }
    const char *start[DW_SOURCES_MAX];
    size_t len[DW_SOURCES_MAX];
    size_t n = s_split(c->seed ? c->seed : "", start, len, DW_SOURCES_MAX);
    for (size_t i = 0; i < n; i++) {
        /* The item's own word (a number, "beyond", "-"), then its note. */
        size_t w = 0;
        while (w < len[i] && start[i][w] != ' ' && start[i][w] != '*' && start[i][w] != '(')
            w++;
        const char *note = start[i] + w;
        size_t note_len = len[i] - w;
        while (note_len && (*note == ' ' || *note == '*')) {
            note++;
            note_len--;
        }
        char *id = dw_xstrndup(start[i], w);
        char *base = NULL;
        const struct dw_source *s = dw_source_find(id);
        if (s) {
            base = dw_xstrdup(s->title);
        } else if (strcasecmp(id, "beyond") == 0) {
            base = s_beyond(c);
        } else if (strcmp(id, "-") == 0) {
            base = dw_xstrdup("dbward itself (the audit's own finding)");
        } else {
            base = dw_xasprintf("unknown source \"%s\"", id);
            out->unknown++;
        }
        out->id[out->n] = id;
        out->title[out->n] = note_len ? dw_xasprintf("%s %.*s", base, (int)note_len, note) : dw_xstrdup(base);
        out->n++;
        free(base);
    }
}

void dw_control_sources_clean_up(struct dw_control_sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->id[i]);
        free(s->title[i]);
    }
    memset(s, 0, sizeof(*s));
}

char *dw_control_sources_text(const struct dw_control *c)
{
    struct dw_control_sources s;
    dw_control_sources(c, &s);
    size_t len = 1;
    for (size_t i = 0; i < s.n; i++)
        len += strlen(s.title[i]) + 2;
    char *out = dw_xmalloc(len);
    out[0] = '\0';
    size_t at = 0;
    for (size_t i = 0; i < s.n; i++) {
        at += (size_t)snprintf(out + at, len - at, "%s%s", i ? "; " : "", s.title[i]);
    }
    dw_control_sources_clean_up(&s);
    return out;
}
