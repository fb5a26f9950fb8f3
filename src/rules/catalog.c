/* catalog.c: the control catalog compiled into the binary: the single
 * source of truth for ids, severities, NIST CSF subcategories, company
 * control statements, parameters and the prose behind `dbward explain`.
 * The rows live at the end of each rules_*.c beside their evaluators; this
 * file joins them with the custom controls and ACCOUNT into the registry. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

static const struct dw_param_def s_params[] = {
    {"required_tags", "Owner,Environment,DataClassification",
     "comma-separated tag keys every DMS resource and table must carry with a value"},
    {"prod_tag", "Environment=prod", "KEY=VALUE marking production DMS instances"},
    {"backup_max_age_days", "7", "newest DynamoDB backup must be younger than this"},
    {"unused_days", "30", "window in which an empty table must show consumed capacity"},
    {"access_key_max_age_days", "90", "active IAM access keys must be younger than this"},
    {"company_cidrs", "",
     "comma-separated CIDRs of the company networks, IPv4 or IPv6 (ACC-10; empty: any network condition of a Deny "
     "counts)"},
    {"company_vpcs", "",
     "comma-separated vpc- and vpce- ids of the company networks (ACC-10; empty: any network condition of a Deny "
     "counts)"},
    {"password_max_age_days", "90",
     "console passwords must have been changed within this many days (ACC-11, from the credential report)"},
    {"dax_approved", "false", "true when company policy allows DAX (DDB-03 then does not apply)"},
    {"cert_min_days", "30", "a DMS endpoint's certificate must stay valid longer than this (DMS-14)"},
    {"company_ca_bundle", "",
     "PEM file of the company CA certificates DMS endpoints' certificates must chain to (DMS-14); unset: only the "
     "dates are judged"},
    {"secret_rotation_max_days", "90",
     "a DMS endpoint's secret must rotate at least this often and have rotated within this many days (DMS-16)"},
    {"key_origins", "EXTERNAL,AWS_CLOUDHSM",
     "comma-separated KMS key origins that count as the company's own key material (ACC-09): AWS_KMS, EXTERNAL, "
     "AWS_CLOUDHSM, EXTERNAL_KEY_STORE"},
    {"key_material_min_days", "30", "imported key material must stay valid longer than this (ACC-09)"},
    {"source_ip_widest_prefix", "8",
     "widest IPv4 prefix (1 to 32) that the aws:SourceIp values of one condition may admit together and still count "
     "as a network limit (DDB-01, ACC-05)"},
    {"log_retention_min_days", "365", "DMS task log groups must keep events at least this long (DMS-15)"},
    {"siem_destinations", "",
     "comma-separated ARN globs of the SIEM's log destinations (DMS-15, ACC-08); empty: a Firehose stream that "
     "delivers to Splunk, or for S3 notifications any SQS queue or SNS topic"},
};

size_t dw_param_def_count(void) { return DW_ARRAY_LEN(s_params); }
const struct dw_param_def *dw_param_def_get(size_t i) { return &s_params[i]; }

/* The built-in controls: each service file ends with its own rows. */
static const struct {
    const struct dw_control *v;
    const size_t *n;
} s_services[] = {
    {dwi_dms_controls, &dwi_dms_controls_count},
    {dwi_ddb_controls, &dwi_ddb_controls_count},
    {dwi_acc_controls, &dwi_acc_controls_count},
    {dwi_acc_iam_controls, &dwi_acc_iam_controls_count},
};

size_t dw_catalog_count(void)
{
    size_t n = 0;
    for (size_t s = 0; s < DW_ARRAY_LEN(s_services); s++)
        n += *s_services[s].n;
    return n;
}

const struct dw_control *dw_catalog_get(size_t i)
{
    for (size_t s = 0; s < DW_ARRAY_LEN(s_services); s++) {
        if (i < *s_services[s].n)
            return &s_services[s].v[i];
        i -= *s_services[s].n;
    }
    return NULL;
}

const struct dw_control *dw_catalog_find(const char *id)
{
    for (size_t i = 0; i < dw_catalog_count(); i++) {
        if (strcasecmp(dw_catalog_get(i)->id, id) == 0)
            return dw_catalog_get(i);
    }
    return NULL;
}

const struct dw_peers *dw_control_peers(const char *id)
{
    const struct dw_control *c = dw_registry_find(NULL, 0, id);
    return c ? c->peers : NULL;
}

/* The finding that stands for an account dbward could not enter. */
static const struct dw_control s_account = {
    .id = "ACCOUNT",
    .service = "account",
    .title = "The audit role can be assumed in the account",
    .severity = DW_SEV_HIGH,
    .nist_csf = {"ID.AM-1", NULL},
    /* An account that can be audited is one in the inventory of systems
     * (CSF 2.0 ID.AM-02), not hardware (ID.AM-01). */
    .nist_csf2 = {"ID.AM-02", NULL},
    .statements = {0},
    .seed = "-",
    .fix_kind = DW_FIX_MANUAL,
    .resource_type = "AWS::::Account",
    .is_global = true,
    .what = "dbward could assume the audit role in the account and collect its evidence.",
    .why = "An account that cannot be audited must show as ERROR, never as an account without failures.",
    .audit = "aws sts assume-role --role-arn arn:aws:iam::<account>:role/<name> --role-session-name check",
    .fix = "Deploy the audit role (for example with a StackSet) and trust the scanning principal.",
    .peers = &(const struct dw_peers){
        .id = "ACCOUNT",
        .prowler = "none",
        .security_hub = "none",
        .aws_config = "none",
        .conformity = "none",
        .difference = "Scanners that cannot enter an account usually log it and go on; dbward reports the account as an ERROR "
            "finding, so an account it could not audit never reads as one without failures.",
    },
};

const struct dw_control *dw_account_control(void) { return &s_account; }

size_t dw_registry_count(const struct dw_control *const *custom, size_t n_custom)
{
    (void)custom;
    return dw_catalog_count() + n_custom + 1;
}

const struct dw_control *dw_registry_get(const struct dw_control *const *custom, size_t n_custom, size_t i)
{
    if (i < dw_catalog_count())
        return dw_catalog_get(i);
    i -= dw_catalog_count();
    if (i < n_custom)
        return custom[i];
    return i == n_custom ? &s_account : NULL;
}

const struct dw_control *dw_registry_find(const struct dw_control *const *custom, size_t n_custom, const char *id)
{
    for (size_t i = 0; i < dw_registry_count(custom, n_custom); i++) {
        const struct dw_control *c = dw_registry_get(custom, n_custom, i);
        if (strcasecmp(c->id, id) == 0)
            return c;
    }
    return NULL;
}

bool dw_registry_any(const struct dw_control *const *custom, size_t n_custom, const char *glob)
{
    for (size_t i = 0; i < dw_registry_count(custom, n_custom); i++) {
        if (dw_glob_match(glob, dw_registry_get(custom, n_custom, i)->id, true))
            return true;
    }
    return false;
}

bool dw_control_selected(const struct dw_control *c, const char **globs, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        if (dw_glob_match(globs[i], c->id, true))
            return true;
    }
    return false;
}

/* One item of company_cidrs: an address or address/prefix (IPv4 or IPv6). */
static bool s_cidr_ok(const char *v, size_t n)
{
    char addr[64];
    const char *slash = memchr(v, '/', n);
    size_t al = slash ? (size_t)(slash - v) : n;
    if (al == 0 || al >= sizeof(addr))
        return false;
    memcpy(addr, v, al);
    addr[al] = '\0';
    unsigned char buf[16];
    bool v6 = strchr(addr, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1)
        return false;
    if (!slash)
        return true;
    size_t pl = n - al - 1;
    if (pl == 0 || pl > 3)
        return false;
    long p = 0;
    for (size_t i = 0; i < pl; i++) {
        if (!isdigit((unsigned char)slash[1 + i]))
            return false;
        p = p * 10 + (slash[1 + i] - '0');
    }
    return p <= (v6 ? 128 : 32) && !(pl > 1 && slash[1] == '0');
}

/* One item of company_vpcs: vpc- or vpce- followed by lower-case hex. */
static bool s_vpc_ok(const char *v, size_t n)
{
    size_t pre = n > 5 && strncmp(v, "vpce-", 5) == 0 ? 5 : n > 4 && strncmp(v, "vpc-", 4) == 0 ? 4 : 0;
    if (!pre || n - pre < 8 || n - pre > 17)
        return false;
    for (size_t i = pre; i < n; i++)
        if (!isdigit((unsigned char)v[i]) && !(v[i] >= 'a' && v[i] <= 'f'))
            return false;
    return true;
}

/* A comma-separated list (spaces around items allowed, empty: unset); *bad
 * points at the first bad item. */
static bool s_list_ok(const char *value, bool cidrs, const char **bad)
{
    for (const char *p = value; *p;) {
        size_t k = strcspn(p, ",");
        const char *a = p, *e = p + k;
        while (a < e && *a == ' ')
            a++;
        while (e > a && e[-1] == ' ')
            e--;
        if (e == a || !(cidrs ? s_cidr_ok(a, (size_t)(e - a)) : s_vpc_ok(a, (size_t)(e - a)))) {
            *bad = a;
            return false;
        }
        p += k + (p[k] == ',');
    }
    return true;
}

enum dw_status dw_param_check(const char *name, const char *value, struct dw_error *err)
{
    const struct dw_param_def *def = NULL;
    for (size_t i = 0; i < DW_ARRAY_LEN(s_params); i++) {
        if (strcmp(s_params[i].name, name) == 0)
            def = &s_params[i];
    }
    if (!def)
        return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0, "unknown parameter \"%s\"", name);
    if (strstr(name, "_days")) {
        const char *p = value;
        bool ok = *p != '\0';
        for (; *p && ok; p++)
            ok = isdigit((unsigned char)*p);
        if (!ok || strlen(value) > 6 || value[0] == '0')
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "%s must be a whole number of days from 1 to 999999", name);
    } else if (strcmp(name, "source_ip_widest_prefix") == 0) {
        char *end = NULL;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < 1 || v > 32)
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "source_ip_widest_prefix must be a prefix length from 1 to 32");
    } else if (strcmp(name, "company_ca_bundle") == 0) {
        if (*value) { /* the file must be there and hold certificates now, not halfway through a scan */
            char *why = NULL;
            struct dwi_certs *b = dwi_certs_load_file(value, &why);
            dwi_certs_free(b);
            if (!b) {
                enum dw_status rc = dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0, "company_ca_bundle: %s", why);
                free(why);
                return rc;
            }
        }
    } else if (strcmp(name, "key_origins") == 0) {
        static const char *const known[] = {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"};
        const char *p = value;
        do {
            size_t n = strcspn(p, ",");
            bool ok = false;
            for (size_t k = 0; k < DW_ARRAY_LEN(known) && !ok; k++)
                ok = strlen(known[k]) == n && strncmp(known[k], p, n) == 0;
            if (!ok)
                return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                    "key_origins must be a comma-separated list of AWS_KMS, EXTERNAL, "
                                    "AWS_CLOUDHSM and EXTERNAL_KEY_STORE");
            p += n;
        } while (*p++ == ',');
    } else if (strcmp(name, "company_cidrs") == 0 || strcmp(name, "company_vpcs") == 0) {
        const char *bad = NULL;
        if (!s_list_ok(value, strcmp(name, "company_cidrs") == 0, &bad))
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                strcmp(name, "company_cidrs") == 0
                                    ? "company_cidrs: \"%.64s\" is not an IPv4 or IPv6 address or CIDR range"
                                    : "company_vpcs: \"%.64s\" is not a vpc- or vpce- id",
                                bad);
    } else if (strcmp(name, "dax_approved") == 0) {
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "dax_approved must be true or false");
    } else if (strcmp(name, "prod_tag") == 0) {
        if (!strchr(value, '=') || value[0] == '=')
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "prod_tag must look like KEY=VALUE");
    } else if (strcmp(name, "siem_destinations") == 0) {
        for (const char *p = value; *p;) {
            while (*p == ' ')
                p++;
            size_t n = strcspn(p, ",");
            if (n < 4 || strncmp(p, "arn:", 4) != 0)
                return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                    "siem_destinations must be comma-separated ARN globs (each starting with "
                                    "arn:), got \"%.*s\"", (int)n, p);
            p += n;
            if (*p == ',' && !p[1])
                return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                    "siem_destinations ends with a comma");
            if (*p == ',')
                p++;
        }
    } else if (strcmp(name, "required_tags") == 0 && !*value) {
        return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                            "required_tags must name at least one tag key");
    }
    return DW_OK;
}
