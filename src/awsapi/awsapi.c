/* awsapi.c: see awsapi_int.h. The models are the botocore subset compiled
 * into models_gen.c; nothing here is specific to one control. */
#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi_int.h"
#include "http/url.h"
#include "util/util.h"

struct dw_aws_models {
    json_t *root;
};

struct dw_aws_models *dw_aws_models_load(void)
{
    json_error_t je;
    json_t *root = json_loadb(dwi_models_json, dwi_models_json_len, 0, &je);
    if (!root)
        return NULL; /* a build defect, not input: callers report it */
    struct dw_aws_models *m = dw_xcalloc(1, sizeof(*m));
    m->root = root;
    return m;
}

void dw_aws_models_free(struct dw_aws_models *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m);
}

void dw_aws_call_clean_up(struct dw_aws_call *c)
{
    free(c->url);
    free(c->host);
    free(c->path);
    free(c->query);
    free(c->method);
    free(c->body);
    free(c->content_type);
    free(c->target);
    free(c->signing_service);
    free(c->signing_region);
    memset(c, 0, sizeof(*c));
}

enum dw_status dw_aws_call_set_url(struct dw_aws_call *c, const char *url, const char *source,
                                   struct dw_error *err)
{
    struct dw_http_url u;
    enum dw_status rc = dw_http_url_parse(url, source, &u, err);
    if (rc)
        return rc;
    free(c->url);
    free(c->host);
    free(c->path);
    free(c->query);
    c->url = u.url;
    c->host = u.host;
    c->path = u.path;
    c->query = u.query;
    return DW_OK;
}

const char *dw_aws_partition_of(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

static json_t *s_svc(const struct dw_aws_models *m, const char *service)
{
    return json_object_get(m->root, service);
}

static json_t *s_op(const struct dw_aws_models *m, const char *service, const char *command)
{
    return json_object_get(json_object_get(s_svc(m, service), "operations"), command);
}

static const char *s_meta(const struct dw_aws_models *m, const char *service, const char *key)
{
    return json_string_value(json_object_get(json_object_get(s_svc(m, service), "metadata"), key));
}

/* Query/EC2 form serialisation of a JSON value under prefix. */
static void s_form(struct dw_buf *b, const char *prefix, json_t *v, bool ec2)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            char *p = prefix[0] ? dw_xasprintf("%s.%s", prefix, k) : dw_xstrdup(k);
            s_form(b, p, x, ec2);
            free(p);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            char *p = ec2 ? dw_xasprintf("%s.%zu", prefix, i + 1) : dw_xasprintf("%s.member.%zu", prefix, i + 1);
            s_form(b, p, x, ec2);
            free(p);
        }
    } else {
        char *val = NULL;
        if (json_is_string(v))
            val = dw_xstrdup(json_string_value(v));
        else if (json_is_integer(v))
            val = dw_xasprintf("%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            val = dw_xasprintf("%.17g", json_real_value(v));
        else if (json_is_boolean(v))
            val = dw_xstrdup(json_is_true(v) ? "true" : "false");
        if (!val)
            return;
        char *ek = dw_uri_encode(prefix, strlen(prefix), false);
        char *ev = dw_uri_encode(val, strlen(val), false);
        dw_buf_printf(b, "&%s=%s", ek, ev);
        free(ek);
        free(ev);
        free(val);
    }
}

/* A REST request URI template ("/{Bucket}?notification") with the
 * parameters filled in, each URI-encoded ('/' kept for a greedy {Name+}).
 * NULL when a parameter is missing or not a string (*missing names it). */
static char *s_rest_uri(const char *tmpl, json_t *params, char *missing, size_t missing_len)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)1 << 16);
    for (const char *p = tmpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            dw_buf_append(&b, p, 1);
            p++;
            continue;
        }
        bool greedy = close[-1] == '+';
        char *name = dw_xstrndup(p + 1, (size_t)(close - p - 1 - (greedy ? 1 : 0)));
        const char *v = json_string_value(json_object_get(params, name));
        if (!v || !*v) {
            snprintf(missing, missing_len, "%s", name);
            free(name);
            dw_buf_clean_up(&b);
            return NULL;
        }
        char *enc = dw_uri_encode(v, strlen(v), greedy);
        dw_buf_puts(&b, enc);
        free(enc);
        free(name);
        p = close + 1;
    }
    return dw_buf_steal(&b);
}

enum dw_status dw_aws_call_build(const struct dw_aws_models *m, const char *service,
                                 const char *command, json_t *params, const char *region,
                                 const char *endpoint_url, struct dw_aws_call *out,
                                 struct dw_error *err)
{
    memset(out, 0, sizeof(*out));
    json_t *op = s_op(m, service, command);
    if (!op)
        return dw_error_set(err, DW_E_USAGE, service, 0, 0, 0, "no model for %s %s", service, command);
    const char *proto = s_meta(m, service, "protocol");
    const char *prefix = s_meta(m, service, "endpointPrefix");
    const char *signing = s_meta(m, service, "signingName");
    const char *global = s_meta(m, service, "globalEndpoint");
    const char *partition = dw_aws_partition_of(region);
    out->signing_service = dw_xstrdup(signing ? signing : prefix);
    out->signing_region = dw_xstrdup(region);
    char *url = NULL;
    if (endpoint_url) {
        url = dw_xstrdup(endpoint_url);
    } else if (global && strcmp(service, "iam") == 0) {
        /* IAM has one endpoint per partition, signed for its home region. */
        if (strcmp(partition, "aws-cn") == 0) {
            url = dw_xstrdup("https://iam.cn-north-1.amazonaws.com.cn/");
            free(out->signing_region);
            out->signing_region = dw_xstrdup("cn-north-1");
        } else if (strcmp(partition, "aws-us-gov") == 0) {
            url = dw_xstrdup("https://iam.us-gov.amazonaws.com/");
            free(out->signing_region);
            out->signing_region = dw_xstrdup("us-gov-west-1");
        } else {
            url = dw_xasprintf("https://%s/", global);
            free(out->signing_region);
            out->signing_region = dw_xstrdup("us-east-1");
        }
    } else {
        url = dw_xasprintf("https://%s.%s.%s/", prefix, region,
                           strcmp(partition, "aws-cn") == 0 ? "amazonaws.com.cn" : "amazonaws.com");
    }
    bool rest = strcmp(proto, "rest-xml") == 0;
    if (rest) {
        /* Path-style addressing ("https://s3.REGION.amazonaws.com/BUCKET?notification"):
         * bucket names with dots then need no wildcard certificate, and an
         * endpoint URL (a proxy, the mock) serves every bucket. */
        const char *tmpl = json_string_value(json_object_get(json_object_get(op, "http"), "requestUri"));
        char missing[128] = "";
        char *uri = tmpl ? s_rest_uri(tmpl, params, missing, sizeof(missing)) : NULL;
        if (!uri) {
            free(url);
            dw_aws_call_clean_up(out);
            return dw_error_set(err, DW_E_USAGE, service, 0, 0, 0, "%s %s needs the parameter %s", service,
                                command, missing[0] ? missing : "(no request URI in the model)");
        }
        size_t ul = strlen(url);
        while (ul && url[ul - 1] == '/')
            url[--ul] = '\0';
        char *full = dw_xasprintf("%s%s", url, uri);
        free(url);
        free(uri);
        url = full;
    }
    enum dw_status rc = dw_aws_call_set_url(out, url, endpoint_url ? "endpoint URL" : "AWS endpoint", err);
    free(url);
    if (rc) {
        dw_aws_call_clean_up(out);
        return rc;
    }
    if (rest) {
        const char *method = json_string_value(json_object_get(json_object_get(op, "http"), "method"));
        out->method = dw_xstrdup(method ? method : "GET");
        out->sign_payload = true; /* S3 wants the payload hash signed, even of an empty body */
        return DW_OK;             /* a GET: no body, no content type */
    }
    out->method = dw_xstrdup("POST");
    if (strcmp(proto, "json") == 0) {
        const char *ver = s_meta(m, service, "jsonVersion");
        out->content_type = dw_xasprintf("application/x-amz-json-%s", ver ? ver : "1.1");
        out->target = dw_xasprintf("%s.%s", s_meta(m, service, "targetPrefix"),
                                   json_string_value(json_object_get(op, "name")));
        out->body = params ? json_dumps(params, JSON_COMPACT) : dw_xstrdup("{}");
        if (!out->body)
            out->body = dw_xstrdup("{}");
        out->body_len = strlen(out->body);
    } else {
        struct dw_buf b;
        dw_buf_init(&b, (size_t)16 << 20);
        dw_buf_printf(&b, "Action=%s&Version=%s", json_string_value(json_object_get(op, "name")),
                      s_meta(m, service, "apiVersion"));
        if (params)
            s_form(&b, "", params, strcmp(proto, "ec2") == 0);
        out->content_type = dw_xstrdup("application/x-www-form-urlencoded; charset=utf-8");
        out->body = dw_buf_steal(&b);
        out->body_len = out->body ? strlen(out->body) : 0;
    }
    return DW_OK;
}

bool dw_aws_paginator_get(const struct dw_aws_models *m, const char *service, const char *command,
                          struct dw_aws_paginator *out)
{
    memset(out, 0, sizeof(*out));
    json_t *p = json_object_get(s_op(m, service, command), "paginator");
    if (!p)
        return false;
    out->input_token = json_string_value(json_object_get(p, "input_token"));
    out->output_token = json_string_value(json_object_get(p, "output_token"));
    out->more_results = json_string_value(json_object_get(p, "more_results"));
    json_t *rk = json_object_get(p, "result_key");
    out->result_keys = rk;
    /* Tokens given as lists (rare) are not used by dbward's calls. */
    return out->input_token && out->output_token;
}

/* ---- XML to JSON, driven by the output shape ---- */

struct s_xml_ctx {
    json_t *shapes;
    const char *proto;
    int depth;
    bool too_deep;
};

static xmlNode *s_child(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

static char *s_text(xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = dw_xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static json_t *s_value(struct s_xml_ctx *x, xmlNode *n, const char *shape_name, const char *member_name);

static char *s_url_decode(const char *s)
{
    size_t n = strlen(s);
    char *o = dw_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            o[k++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else if (s[i] == '+') {
            o[k++] = ' ';
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    return o;
}

static json_t *s_cli_time_text(const char *text);

static json_t *s_scalar(const char *type, const char *text, const char *shape_name)
{
    if (strcmp(type, "timestamp") == 0)
        return s_cli_time_text(text);
    if (strcmp(type, "boolean") == 0)
        return json_boolean(strcmp(text, "true") == 0);
    if (strcmp(type, "integer") == 0 || strcmp(type, "long") == 0) {
        char *end = NULL;
        long long v = strtoll(text, &end, 10);
        return end && *end == '\0' && *text ? json_integer(v) : json_string(text);
    }
    if (strcmp(type, "double") == 0 || strcmp(type, "float") == 0) {
        char *end = NULL;
        double v = strtod(text, &end);
        return end && *end == '\0' && *text ? json_real(v) : json_string(text);
    }
    if (shape_name && strcmp(shape_name, "policyDocumentType") == 0) {
        /* The CLI prints IAM policy documents decoded into objects (botocore
         * decodes this shape only; EC2's PolicyDocument stays a string). */
        char *dec = s_url_decode(text);
        json_t *j = json_loads(dec, JSON_REJECT_DUPLICATES, NULL);
        free(dec);
        if (json_is_object(j))
            return j;
        json_decref(j);
    }
    return json_string(text);
}

static json_t *s_list(struct s_xml_ctx *x, xmlNode *container, json_t *shape, bool flattened,
                      const char *flat_name)
{
    json_t *arr = json_array();
    json_t *mem = json_object_get(shape, "member");
    const char *mshape = json_string_value(json_object_get(mem, "shape"));
    const char *mname = json_string_value(json_object_get(mem, "locationName"));
    const char *item = flattened ? flat_name : mname ? mname : (strcmp(x->proto, "ec2") == 0 ? "item" : "member");
    for (xmlNode *c = container ? container->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, item) != 0)
            continue;
        json_array_append_new(arr, s_value(x, c, mshape, NULL)); /* steals */
    }
    return arr;
}

static json_t *s_value(struct s_xml_ctx *x, xmlNode *n, const char *shape_name, const char *member_name)
{
    json_t *shape = json_object_get(x->shapes, shape_name);
    const char *type = json_string_value(json_object_get(shape, "type"));
    if (!type)
        return json_null();
    if (++x->depth > DW_XML_MAX_DEPTH) {
        x->too_deep = true;
        x->depth--;
        return json_null();
    }
    json_t *out = NULL;
    if (strcmp(type, "structure") == 0) {
        out = json_object();
        const char *mname;
        json_t *ms;
        json_object_foreach(json_object_get(shape, "members"), mname, ms)
        {
            const char *loc = json_string_value(json_object_get(ms, "locationName"));
            const char *q = json_string_value(json_object_get(ms, "queryName"));
            const char *xml_name = loc ? loc : (q ? q : mname);
            const char *sub = json_string_value(json_object_get(ms, "shape"));
            json_t *subshape = json_object_get(x->shapes, sub);
            const char *subtype = json_string_value(json_object_get(subshape, "type"));
            bool flat = json_is_true(json_object_get(subshape, "flattened")) ||
                        json_is_true(json_object_get(ms, "flattened"));
            if (subtype && strcmp(subtype, "list") == 0 && flat) {
                if (s_child(n, xml_name))
                    json_object_set_new(out, mname, s_list(x, n, subshape, true, xml_name));
                continue;
            }
            xmlNode *c = s_child(n, xml_name);
            if (!c)
                continue;
            json_object_set_new(out, mname, s_value(x, c, sub, mname)); /* steals */
        }
    } else if (strcmp(type, "list") == 0) {
        out = s_list(x, n, shape, false, NULL);
    } else if (strcmp(type, "map") == 0) {
        out = json_object();
        const char *kn = json_string_value(json_object_get(json_object_get(shape, "key"), "locationName"));
        const char *vn = json_string_value(json_object_get(json_object_get(shape, "value"), "locationName"));
        const char *vs = json_string_value(json_object_get(json_object_get(shape, "value"), "shape"));
        for (xmlNode *e = n->children; e; e = e->next) {
            if (e->type != XML_ELEMENT_NODE)
                continue;
            xmlNode *k = s_child(e, kn ? kn : "key");
            xmlNode *v = s_child(e, vn ? vn : "value");
            if (!k)
                continue;
            char *ks = s_text(k);
            json_object_set_new(out, ks, v ? s_value(x, v, vs, NULL) : json_null());
            free(ks);
        }
    } else {
        char *t = s_text(n);
        (void)member_name;
        out = s_scalar(type, t, shape_name);
        free(t);
    }
    x->depth--;
    return out;
}

static enum dw_status s_xml_error(xmlDoc *doc, char **code, char **message)
{
    /* Query: <ErrorResponse><Error><Code>..  EC2: <Response><Errors><Error><Code>.. */
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *e = s_child(root, "Error");
    if (!e && root && strcmp((const char *)root->name, "Error") == 0)
        e = root; /* REST-XML (S3): <Error><Code>... at the root */
    if (!e)
        e = s_child(s_child(root, "Errors"), "Error");
    xmlNode *c = s_child(e, "Code");
    if (!c)
        return DW_E_PARSE;
    *code = s_text(c);
    xmlNode *msg = s_child(e, "Message");
    *message = msg ? s_text(msg) : dw_xstrdup("");
    return DW_E_API;
}

/* A timestamp as the AWS CLI prints it: Python's datetime.isoformat() of
 * the parsed value, "2024-06-01T12:00:00+00:00", with ".ffffff" only when
 * there are microseconds. Epoch seconds are rounded to the microsecond half
 * to even, as datetime.fromtimestamp does. */
static json_t *s_cli_time_epoch(double t)
{
    double whole = floor(t);
    long long us = llrint((t - whole) * 1e6);
    int64_t sec = (int64_t)whole;
    if (us >= 1000000) {
        sec++;
        us -= 1000000;
    }
    char iso[40];
    dw_time_format_iso8601(sec, iso, sizeof(iso));
    iso[19] = '\0';
    return us ? json_sprintf("%s.%06lld+00:00", iso, us) : json_sprintf("%s+00:00", iso);
}

/* An ISO 8601 text (XML answers, or JSON answers that carry text): its
 * wall time, fraction and zone in the CLI's form; other text unchanged. */
static json_t *s_cli_time_text(const char *text)
{
    size_t n = strlen(text);
    if (n < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':')
        return json_string(text);
    char wall[20];
    memcpy(wall, text, 19);
    wall[10] = 'T';
    wall[19] = '\0';
    char probe[24];
    snprintf(probe, sizeof(probe), "%sZ", wall);
    int64_t epoch = 0;
    if (!dw_time_parse_iso8601(probe, &epoch))
        return json_string(text);
    const char *p = text + 19;
    char frac[7] = "000000";
    if (*p == '.') {
        p++;
        for (size_t k = 0; isdigit((unsigned char)*p); p++, k++)
            if (k < 6)
                frac[k] = *p;
    }
    char zone[8] = "+00:00";
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        /* "+HH:MM" or "+HHMM", digits only, and nothing after it */
        size_t zl = strlen(p);
        bool colon = zl == 6 && p[3] == ':';
        if (!(colon || zl == 5) || !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) ||
            !isdigit((unsigned char)p[colon ? 4 : 3]) || !isdigit((unsigned char)p[colon ? 5 : 4]))
            return json_string(text);
        snprintf(zone, sizeof(zone), "%c%c%c:%c%c", p[0], p[1], p[2], p[colon ? 4 : 3], p[colon ? 5 : 4]);
        p += zl;
    }
    if (*p)
        return json_string(text);
    return strcmp(frac, "000000") ? json_sprintf("%s.%s%s", wall, frac, zone) : json_sprintf("%s%s", wall, zone);
}

/* A JSON protocol answer as the CLI prints it, parsed the way botocore
 * parses it: members in the model's order, members the model does not
 * know and members that are null dropped, timestamps in the CLI's form.
 * Returns a new reference, or NULL for a value that is dropped. */
static json_t *s_cli_json(json_t *shapes, json_t *v, const char *shape_name, int depth)
{
    json_t *shape = json_object_get(shapes, shape_name);
    const char *type = json_string_value(json_object_get(shape, "type"));
    if (json_is_null(v))
        return NULL;
    if (!type || depth > DW_XML_MAX_DEPTH)
        return json_incref(v);
    if (strcmp(type, "structure") == 0 && json_is_object(v)) {
        json_t *out = json_object();
        const char *k;
        json_t *ms;
        json_object_foreach(json_object_get(shape, "members"), k, ms)
        {
            const char *loc = json_string_value(json_object_get(ms, "locationName"));
            json_t *c = json_object_get(v, loc ? loc : k);
            json_t *n = c ? s_cli_json(shapes, c, json_string_value(json_object_get(ms, "shape")), depth + 1) : NULL;
            if (n)
                json_object_set_new(out, k, n); /* steals n */
        }
        return out;
    }
    if (strcmp(type, "list") == 0 && json_is_array(v)) {
        const char *ms = json_string_value(json_object_get(json_object_get(shape, "member"), "shape"));
        json_t *out = json_array();
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            json_t *n = s_cli_json(shapes, c, ms, depth + 1);
            json_array_append_new(out, n ? n : json_null()); /* steals */
        }
        return out;
    }
    if (strcmp(type, "map") == 0 && json_is_object(v)) {
        const char *vs = json_string_value(json_object_get(json_object_get(shape, "value"), "shape"));
        json_t *out = json_object();
        const char *k;
        json_t *c;
        json_object_foreach(v, k, c)
        {
            json_t *n = s_cli_json(shapes, c, vs, depth + 1);
            json_object_set_new(out, k, n ? n : json_null()); /* steals */
        }
        return out;
    }
    if (strcmp(type, "timestamp") == 0 && json_is_number(v))
        return s_cli_time_epoch(json_number_value(v));
    if (strcmp(type, "timestamp") == 0 && json_is_string(v))
        return s_cli_time_text(json_string_value(v));
    return json_incref(v);
}

enum dw_status dw_aws_response_parse(const struct dw_aws_models *m, const char *service,
                                     const char *command, long status, const char *body,
                                     size_t len, json_t **out, char **code, char **message,
                                     struct dw_error *err)
{
    *out = NULL;
    *code = NULL;
    *message = NULL;
    json_t *op = s_op(m, service, command);
    json_t *shapes = json_object_get(s_svc(m, service), "shapes");
    const char *proto = s_meta(m, service, "protocol");
    char *src = dw_xasprintf("%s %s response", service, command);
    enum dw_status rc = DW_OK;
    if (!op) {
        rc = dw_error_set(err, DW_E_USAGE, src, 0, 0, 0, "no model");
        goto out;
    }
    if (strcmp(proto, "json") == 0) {
        json_t *j = NULL;
        if (len == 0 && status >= 200 && status < 300) {
            j = json_object();
        } else if (dw_json_load_buffer(body, len, src, &j, err)) {
            rc = status >= 200 && status < 300 ? DW_E_PARSE : DW_E_API;
            if (rc == DW_E_API) {
                *code = dw_xasprintf("HTTP%ld", status);
                *message = dw_xstrdup("unreadable error body");
            }
            goto out;
        }
        if (status < 200 || status >= 300) {
            const char *t = json_string_value(json_object_get(j, "__type"));
            if (!t)
                t = json_string_value(json_object_get(j, "code"));
            const char *hash = t ? strrchr(t, '#') : NULL;
            const char *msg = json_string_value(json_object_get(j, "message"));
            if (!msg)
                msg = json_string_value(json_object_get(j, "Message"));
            *code = t ? dw_xstrdup(hash ? hash + 1 : t) : dw_xasprintf("HTTP%ld", status);
            *message = dw_xstrdup(msg ? msg : "");
            json_decref(j);
            rc = DW_E_API;
            goto out;
        }
        if (!json_is_object(j)) {
            json_decref(j);
            rc = dw_error_set(err, DW_E_PARSE, src, 1, 1, 0, "the answer is not a JSON object");
            goto out;
        }
        const char *oshape = json_string_value(json_object_get(op, "output"));
        if (oshape) {
            json_t *cli = s_cli_json(shapes, j, oshape, 0);
            json_decref(j);
            j = cli ? cli : json_object();
        }
        *out = j;
        goto out;
    }
    /* Query, EC2 and REST-XML: XML. No entity expansion, no network, no DTD loading. */
    if (len == 0 && status >= 200 && status < 300 && strcmp(proto, "rest-xml") == 0) {
        *out = json_object(); /* an empty REST answer: nothing configured */
        goto out;
    }
    if (len > (size_t)INT32_MAX) {
        rc = dw_error_set(err, DW_E_TOO_BIG, src, 0, 0, 0, "response too large");
        goto out;
    }
    xmlDoc *doc = xmlReadMemory(body, (int)len, "response.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        if (status < 200 || status >= 300) {
            *code = dw_xasprintf("HTTP%ld", status);
            *message = dw_xstrdup("unreadable error body");
            rc = DW_E_API;
        } else {
            rc = dw_error_set(err, DW_E_PARSE, src, xe ? xe->line : 0, xe ? xe->int2 : 0, 0, "%s",
                              xe && xe->message ? xe->message : "malformed XML");
            size_t ml = strlen(err ? err->message : "");
            if (err && ml && err->message[ml - 1] == '\n')
                err->message[ml - 1] = '\0';
        }
        goto out;
    }
    if (doc->intSubset || doc->extSubset) {
        xmlFreeDoc(doc);
        rc = dw_error_set(err, DW_E_PARSE, src, 1, 1, 0, "responses with a DOCTYPE are refused");
        goto out;
    }
    if (status < 200 || status >= 300) {
        rc = s_xml_error(doc, code, message);
        if (rc == DW_E_PARSE) {
            *code = dw_xasprintf("HTTP%ld", status);
            *message = dw_xstrdup("");
            rc = DW_E_API;
        }
        xmlFreeDoc(doc);
        goto out;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *wrapper = json_string_value(json_object_get(op, "resultWrapper"));
    xmlNode *result = wrapper ? s_child(root, wrapper) : root;
    const char *oshape = json_string_value(json_object_get(op, "output"));
    struct s_xml_ctx x = {shapes, proto, 0, false};
    json_t *j = NULL;
    if (!result || !oshape) {
        j = json_object();
    } else {
        j = s_value(&x, result, oshape, NULL);
    }
    xmlFreeDoc(doc);
    if (x.too_deep) {
        json_decref(j);
        rc = dw_error_set(err, DW_E_TOO_DEEP, src, 0, 0, 0, "XML nested deeper than %d", DW_XML_MAX_DEPTH);
        goto out;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        j = json_object();
    }
    *out = j;
out:
    free(src);
    return rc;
}
