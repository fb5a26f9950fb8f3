/* siem.c: does a log destination reach the SIEM? The one reading of the
 * siem_destinations parameter, shared by DMS-15 (DMS task log groups) and
 * ACC-08 (CloudTrail trails): a destination ARN is judged here, and a log
 * group's subscription filters are judged through it. It reads the
 * snapshot only; it emits no finding (the callers do). */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* Field n (0-based) of an ARN, "arn:partition:service:region:account:resource",
 * as a new string; the last field keeps its ':'s. NULL when too short. */
static char *s_arn_field(const char *arn, int n)
{
    const char *p = arn;
    for (int i = 0; i < n; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    size_t len = n >= 5 ? strlen(p) : strcspn(p, ":");
    return dw_xstrndup(p, len);
}

/* The configured globs: 1 one matches (*why names it), 0 none does. */
static int s_match_globs(const char *globs, const char *arn, char **why)
{
    char *list = dw_xstrdup(globs);
    int hit = 0;
    for (char *p = list; p && *p && !hit;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        size_t n = strlen(p);
        while (n && p[n - 1] == ' ')
            p[--n] = '\0';
        if (*p && dw_glob_match(p, arn, false)) {
            *why = dw_xasprintf("%s matches siem_destinations %s", arn, p);
            hit = 1;
        }
        p = comma ? comma + 1 : NULL;
    }
    free(list);
    if (!hit)
        *why = dw_xasprintf("%s is not in siem_destinations", arn);
    return hit;
}

/* Without siem_destinations: a Firehose stream counts when one of its
 * destinations is Splunk (describe-delivery-stream, in the stream's region). */
static int s_firehose_splunk(struct dw_scan_ctx *ctx, const char *arn, char **why)
{
    char *region = s_arn_field(arn, 3);
    char *res = s_arn_field(arn, 5);
    const char *name = res && strncmp(res, "deliverystream/", 15) == 0 ? res + 15 : NULL;
    int r = -1;
    if (!region || !*region || !name || !*name) {
        *why = dw_xasprintf("%s does not name a Firehose delivery stream", arn);
        r = 0;
        goto out;
    }
    const struct dw_doc *d = dwi_doc_in(ctx, region, "firehose", "describe-delivery-stream", name);
    if (d->state != DW_DOC_OK) {
        *why = dw_xasprintf("whether Firehose stream %s delivers to Splunk is unknown: %s", name, d->reason);
        goto out;
    }
    json_t *dests = dwi_get(d->json, "DeliveryStreamDescription.Destinations");
    if (!json_is_array(dests)) {
        *why = dw_xasprintf("%s.json lacks DeliveryStreamDescription.Destinations", d->path);
        goto out;
    }
    size_t i;
    json_t *x;
    json_array_foreach(dests, i, x)
    {
        json_t *sp = dwi_get(x, "SplunkDestinationDescription");
        if (json_is_object(sp)) {
            const char *hec = dwi_str(sp, "HECEndpoint");
            *why = dw_xasprintf("Firehose stream %s delivers to Splunk (%s)", name, hec ? hec : "HEC endpoint not named");
            r = 1;
            goto out;
        }
    }
    *why = dw_xasprintf("Firehose stream %s has no Splunk destination (no SplunkDestinationDescription)", name);
    r = 0;
out:
    free(region);
    free(res);
    return r;
}

int dwi_siem_destination(struct dw_scan_ctx *ctx, const char *arn, char **why)
{
    const char *globs = dwi_param(ctx, "siem_destinations");
    if (!arn || !*arn) {
        *why = dw_xstrdup("the destination has no ARN");
        return -1;
    }
    if (*globs)
        return s_match_globs(globs, arn, why);
    char *svc = s_arn_field(arn, 2);
    int r = 0;
    if (svc && strcmp(svc, "firehose") == 0) {
        r = s_firehose_splunk(ctx, arn, why);
    } else if (svc && (strcmp(svc, "sqs") == 0 || strcmp(svc, "sns") == 0)) {
        *why = dw_xasprintf("%s is an %s %s, and siem_destinations is unset, so any one counts", arn,
                            strcmp(svc, "sqs") == 0 ? "SQS" : "SNS", strcmp(svc, "sqs") == 0 ? "queue" : "topic");
        r = 1;
    } else {
        *why = dw_xasprintf("%s is not a Firehose stream delivering to Splunk (siem_destinations is unset)", arn);
    }
    free(svc);
    return r;
}

int dwi_log_group_to_siem(struct dw_scan_ctx *ctx, const char *region, const char *group, char **why)
{
    const struct dw_doc *d = dwi_doc_in(ctx, region, "logs", "describe-subscription-filters", group);
    if (d->state != DW_DOC_OK) {
        *why = dw_xstrdup(d->reason);
        return -1;
    }
    json_t *arr = dwi_get(d->json, "subscriptionFilters");
    if (!json_is_array(arr)) {
        *why = dw_xasprintf("%s.json has no \"subscriptionFilters\" array", d->path);
        return -1;
    }
    if (json_array_size(arr) == 0) {
        *why = dw_xasprintf("log group %s has no subscription filter", group);
        return 0;
    }
    struct dw_buf no;
    dw_buf_init(&no, 65536);
    char *unknown = NULL;
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        const char *fname = dwi_str(f, "filterName") ? dwi_str(f, "filterName") : "(unnamed)";
        char *w = NULL;
        int r = dwi_siem_destination(ctx, dwi_str(f, "destinationArn"), &w);
        if (r == 1) {
            *why = dw_xasprintf("subscription filter %s: %s", fname, w);
            free(w);
            free(unknown);
            dw_buf_clean_up(&no);
            return 1;
        }
        if (r < 0 && !unknown)
            unknown = dw_xasprintf("subscription filter %s: %s", fname, w);
        else if (r == 0)
            dw_buf_printf(&no, "%sfilter %s: %s", no.len ? "; " : "", fname, w);
        free(w);
    }
    if (unknown) {
        *why = unknown;
        dw_buf_clean_up(&no);
        return -1;
    }
    char *n = dw_buf_steal(&no);
    *why = dw_xasprintf("no subscription filter of %s sends to a SIEM destination (%s)", group,
                        n ? n : "reasons too long");
    free(n);
    return 0;
}
