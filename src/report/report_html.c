/* report_html.c: one self-contained HTML page (no external assets, no
 * network): a summary with inline SVG charts, a findings table that filters
 * with CSS alone and sorts and searches with the page's own script, and each
 * failure's commands ready to copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_util.h"
#include "util/util.h"

static const char *const s_color[DW_RESULT_COUNT] = {"#2e7d32", "#c62828", "#ef6c00", "#757575", "#6a1b9a"};

/* HTML text and attribute values: markup escaped, control characters that
 * HTML cannot carry replaced with U+FFFD. */
static void s_esc(FILE *out, const char *s)
{
    dw_rpt_markup(out, s, "&#39;", "\xEF\xBF\xBD");
}

static const char s_style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
    "header{background:#263238;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:22px}"
    "header p{margin:0;opacity:.85}main{padding:16px 24px}"
    ".cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}"
    ".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}"
    ".card b{display:block;font-size:24px}.charts{display:flex;gap:16px;flex-wrap:wrap}"
    ".chart{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}"
    ".chart h2{font-size:15px;margin:0 0 6px}svg text{font:12px system-ui,sans-serif}"
    "h2.sec{margin:24px 0 8px}.filters{margin:8px 0;display:flex;gap:6px;flex-wrap:wrap;align-items:center}"
    "input[name=st]{position:absolute;opacity:0;pointer-events:none}"
    ".filters label{border:1px solid #999;border-radius:14px;padding:2px 10px;cursor:pointer;background:#fff}"
    "#st-all:checked~.filters label[for=st-all],#st-FAIL:checked~.filters label[for=st-FAIL],"
    "#st-ERROR:checked~.filters label[for=st-ERROR],#st-PASS:checked~.filters label[for=st-PASS],"
    "#st-NOT_APPLICABLE:checked~.filters label[for=st-NOT_APPLICABLE],"
    "#st-MUTED:checked~.filters label[for=st-MUTED]{background:#263238;color:#fff}"
    "#st-FAIL:checked~.wrap tr.f:not(.st-FAIL),#st-ERROR:checked~.wrap tr.f:not(.st-ERROR),"
    "#st-PASS:checked~.wrap tr.f:not(.st-PASS),#st-NOT_APPLICABLE:checked~.wrap tr.f:not(.st-NOT_APPLICABLE),"
    "#st-MUTED:checked~.wrap tr.f:not(.st-MUTED){display:none}"
    "tr.f.hide{display:none}.js-only{display:none}.js .js-only{display:inline-flex;gap:6px}"
    "table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:4px 6px;"
    "text-align:left;vertical-align:top}th{background:#eceff1;position:sticky;top:0}"
    "th button{font:inherit;font-weight:bold;border:0;background:none;cursor:pointer;padding:0}"
    "td.res{word-break:break-all;max-width:360px}.badge{color:#fff;border-radius:4px;padding:1px 6px;"
    "font-size:12px;white-space:nowrap}"
    ".b-PASS{background:#2e7d32}.b-FAIL{background:#c62828}.b-ERROR{background:#ef6c00}"
    ".b-NOT_APPLICABLE{background:#757575}.b-MUTED{background:#6a1b9a}"
    "pre.cmd{background:#263238;color:#e0f2f1;padding:8px;overflow-x:auto;white-space:pre-wrap;"
    "user-select:all;margin:4px 0}details summary{cursor:pointer;color:#0d47a1}"
    "button.copy{font-size:12px}footer{padding:16px 24px;color:#666}";

/* Sorts the page's rows: failures first, then errors, then by severity. */
static const struct dw_findings *s_sort_src;
static int s_rank(enum dw_result r)
{
    static const int rank[DW_RESULT_COUNT] = {3, 0, 1, 4, 2};
    return rank[r];
}
static int s_cmp(const void *a, const void *b)
{
    const struct dw_finding *x = &s_sort_src->v[*(const size_t *)a];
    const struct dw_finding *y = &s_sort_src->v[*(const size_t *)b];
    if (s_rank(x->status) != s_rank(y->status))
        return s_rank(x->status) - s_rank(y->status);
    if (x->severity != y->severity)
        return (int)y->severity - (int)x->severity;
    int c = strcmp(x->control->id, y->control->id);
    if (c)
        return c;
    c = strcmp(x->region, y->region);
    if (c)
        return c;
    c = strcmp(x->resource_id, y->resource_id);
    if (c)
        return c;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void s_chart_severity(FILE *out, const struct dw_summary *sum)
{
    size_t max = 1;
    for (int v = 0; v < DW_SEV_COUNT; v++) {
        size_t t = 0;
        for (int r = 0; r < DW_RESULT_COUNT; r++)
            t += sum->by_sev_status[v][r];
        if (t > max)
            max = t;
    }
    const int w = 300, top = 10, row = 28;
    fprintf(out, "<div class=\"chart\"><h2>Status by severity</h2>\n<svg id=\"chart-severity\" role=\"img\" "
                 "aria-label=\"Findings by severity and status\" width=\"%d\" height=\"%d\">\n",
            w + 160, top + row * DW_SEV_COUNT + 34);
    for (int v = DW_SEV_COUNT - 1, y = top; v >= 0; v--, y += row) {
        fprintf(out, "<text x=\"0\" y=\"%d\">%s</text>", y + 15, dw_severity_str((enum dw_severity)v));
        double x = 70;
        size_t t = 0;
        for (int r = 0; r < DW_RESULT_COUNT; r++) {
            size_t n = sum->by_sev_status[v][r];
            t += n;
            if (!n)
                continue;
            double bw = (double)w * (double)n / (double)max;
            fprintf(out, "<rect class=\"bar s-%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\">"
                         "<title>%s %s: %zu</title></rect>",
                    dw_result_str((enum dw_result)r), x, y, bw, s_color[r], dw_severity_str((enum dw_severity)v),
                    dw_result_str((enum dw_result)r), n);
            x += bw;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%d\">%zu</text>\n", x + 4, y + 15, t);
    }
    int ly = top + row * DW_SEV_COUNT + 14;
    for (int r = 0, lx = 0; r < DW_RESULT_COUNT; r++, lx += 92) {
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                lx, ly - 9, s_color[r], lx + 14, ly, r == DW_NOT_APPLICABLE ? "N/A" : dw_result_str((enum dw_result)r));
    }
    fputs("\n</svg></div>\n", out);
}

static void s_chart_controls(FILE *out, const struct dw_findings *f)
{
    const struct dw_control *ids[128];
    size_t fails[128], n = 0, max = 1;
    for (size_t i = 0; i < f->n; i++) {
        if (f->v[i].status != DW_FAIL)
            continue;
        size_t k = 0;
        while (k < n && ids[k] != f->v[i].control)
            k++;
        if (k == n) {
            if (n == 128)
                continue;
            ids[n] = f->v[i].control;
            fails[n++] = 0;
        }
        if (++fails[k] > max)
            max = fails[k];
    }
    /* Most failures first; insertion sort keeps ties in catalog order. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && fails[j] > fails[j - 1]; j--) {
            size_t t = fails[j];
            fails[j] = fails[j - 1];
            fails[j - 1] = t;
            const struct dw_control *c = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = c;
        }
    }
    const int w = 260, row = 18;
    fprintf(out, "<div class=\"chart\"><h2>Failures by control</h2>\n<svg id=\"chart-controls\" role=\"img\" "
                 "aria-label=\"Failed findings per control\" width=\"%d\" height=\"%d\">\n",
            w + 110, (int)(n ? n : 1) * row + 6);
    if (!n)
        fputs("<text x=\"0\" y=\"14\">No failures</text>\n", out);
    for (size_t i = 0; i < n; i++) {
        int y = (int)i * row + 2;
        double bw = (double)w * (double)fails[i] / (double)max;
        fprintf(out, "<text x=\"0\" y=\"%d\">", y + 12);
        s_esc(out, ids[i]->id);
        fprintf(out, "</text><rect class=\"bar\" x=\"70\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"><title>",
                y, bw, s_color[DW_FAIL]);
        s_esc(out, ids[i]->id);
        fputc(' ', out);
        s_esc(out, ids[i]->title);
        fprintf(out, ": %zu</title></rect><text x=\"%.1f\" y=\"%d\">%zu</text>\n", fails[i], 74 + bw, y + 12, fails[i]);
    }
    fputs("</svg></div>\n", out);
}

static void s_chart_csf(FILE *out, const struct dw_findings *f)
{
    size_t grid[DW_CSF_FUNCTIONS + 1][DW_RESULT_COUNT];
    memset(grid, 0, sizeof(grid));
    size_t max = 1;
    for (size_t i = 0; i < f->n; i++) {
        struct dw_csf_list l;
        dw_control_csf2(f->v[i].control, &l);
        bool seen[DW_CSF_FUNCTIONS + 1] = {false};
        for (size_t k = 0; k < l.n; k++) {
            int row = dw_csf_function_of(l.v[k]);
            if (row < 0)
                row = DW_CSF_FUNCTIONS;
            if (seen[row])
                continue;
            seen[row] = true;
            if (++grid[row][f->v[i].status] > max)
                max = grid[row][f->v[i].status];
        }
    }
    const int cw = 64, ch = 24, left = 80;
    fprintf(out, "<div class=\"chart\"><h2>NIST CSF 2.0 function &times; status</h2>\n<svg id=\"chart-csf\" "
                 "role=\"img\" aria-label=\"Findings per NIST CSF 2.0 function and status\" width=\"%d\" "
                 "height=\"%d\">\n",
            left + cw * DW_RESULT_COUNT, ch * (DW_CSF_FUNCTIONS + 2));
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        fprintf(out, "<text x=\"%d\" y=\"16\" text-anchor=\"middle\">%s</text>", left + cw * r + cw / 2,
                r == DW_NOT_APPLICABLE ? "N/A" : dw_result_str((enum dw_result)r));
    fputc('\n', out);
    for (int row = 0; row <= DW_CSF_FUNCTIONS; row++) {
        int y = ch * (row + 1);
        fprintf(out, "<text x=\"0\" y=\"%d\">%s</text>", y + 16, dw_csf_function_name(row));
        for (int r = 0; r < DW_RESULT_COUNT; r++) {
            size_t n = grid[row][r];
            double op = n ? 0.15 + 0.85 * (double)n / (double)max : 0.0;
            fprintf(out, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                         "fill-opacity=\"%.2f\" stroke=\"#ddd\"><title>%s %s: %zu</title></rect>"
                         "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu</text>",
                    left + cw * r, y, cw, ch, s_color[r], op, dw_csf_function_name(row),
                    dw_result_str((enum dw_result)r), n, left + cw * r + cw / 2, y + 16, n);
        }
        fputc('\n', out);
    }
    fputs("</svg></div>\n", out);
}

static const char s_script[] =
    "(function(){\n"
    "document.body.classList.add('js');\n"
    "var tb=document.querySelector('#findings tbody');\n"
    "var rows=Array.prototype.slice.call(tb.querySelectorAll('tr.f'));\n"
    "var q=document.getElementById('q'),sev=document.getElementById('sev'),reg=document.getElementById('reg');\n"
    "function status(){var c=document.querySelector('input[name=st]:checked');return c?c.value:'all';}\n"
    "function apply(){var t=q.value.toLowerCase(),s=sev.value,r=reg.value,st=status(),n=0;\n"
    " rows.forEach(function(tr){var ok=(!t||tr.textContent.toLowerCase().indexOf(t)>=0)&&(!s||tr.dataset.sev===s)"
    "&&(!r||tr.dataset.region===r);tr.classList.toggle('hide',!ok);"
    "if(ok&&(st==='all'||tr.dataset.status===st))n++;});\n"
    " document.getElementById('shown').textContent=n;}\n"
    "[q,sev,reg].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});\n"
    "Array.prototype.forEach.call(document.querySelectorAll('input[name=st]'),function(e){"
    "e.addEventListener('change',apply);});\n"
    "Array.prototype.forEach.call(document.querySelectorAll('th button'),function(b,i){\n"
    " b.addEventListener('click',function(){var asc=b.dataset.dir!=='asc';\n"
    "  Array.prototype.forEach.call(document.querySelectorAll('th button'),function(o){delete o.dataset.dir;});\n"
    "  b.dataset.dir=asc?'asc':'desc';var col=+b.dataset.col;\n"
    "  rows.sort(function(x,y){var a=x.cells[col].dataset.key||x.cells[col].textContent,"
    "c=y.cells[col].dataset.key||y.cells[col].textContent;return (a<c?-1:a>c?1:0)*(asc?1:-1);});\n"
    "  rows.forEach(function(tr){tb.appendChild(tr);});});});\n"
    "Array.prototype.forEach.call(document.querySelectorAll('pre.cmd'),function(p){\n"
    " var b=document.createElement('button');b.className='copy';b.type='button';b.textContent='Copy';\n"
    " b.addEventListener('click',function(){if(navigator.clipboard)navigator.clipboard.writeText(p.textContent);"
    "b.textContent='Copied';});p.parentNode.insertBefore(b,p.nextSibling);});\n"
    "apply();\n"
    "})();\n";

static void s_row(FILE *out, const struct dw_finding *x)
{
    static const int sev_key[DW_SEV_COUNT] = {4, 3, 2, 1};
    fprintf(out, "<tr class=\"f st-%s\" data-status=\"%s\" data-sev=\"%s\" data-region=\"", dw_result_str(x->status),
            dw_result_str(x->status), dw_severity_str(x->severity));
    s_esc(out, x->region);
    fprintf(out, "\"><td data-key=\"%d\"><span class=\"badge b-%s\">%s</span></td><td data-key=\"%d\">%s</td><td>",
            s_rank(x->status), dw_result_str(x->status), dw_result_str(x->status), sev_key[x->severity],
            dw_severity_str(x->severity));
    s_esc(out, x->control->id);
    fputs("<br><small>", out);
    s_esc(out, x->control->title);
    fputs("</small></td><td class=\"res\">", out);
    s_esc(out, x->resource_id);
    fputs("<br><small>", out);
    s_esc(out, x->resource_type);
    fputs("</small></td><td>", out);
    s_esc(out, x->region);
    fputs("</td><td>", out);
    s_esc(out, x->account_id);
    fputs("</td><td>", out);
    s_esc(out, x->reason);
    if (x->status == DW_MUTED) {
        fputs("<br><small>Muted: ", out);
        s_esc(out, x->muted_reason ? x->muted_reason : "");
        if (x->muted_until) {
            fputs(" (until ", out);
            s_esc(out, x->muted_until);
            fputc(')', out);
        }
        fputs("</small>", out);
    }
    if (x->status == DW_FAIL && (x->n_commands || x->n_notes)) {
        fprintf(out, "<details class=\"fix\"><summary>Fix (%s, %zu command%s)</summary>",
                dw_fix_kind_str(x->control->fix_kind), x->n_commands, x->n_commands == 1 ? "" : "s");
        if (x->n_commands) {
            fputs("<pre class=\"cmd\">", out);
            for (size_t i = 0; i < x->n_commands; i++) {
                s_esc(out, x->commands[i]);
                fputc('\n', out);
            }
            fputs("</pre>", out);
        }
        for (size_t i = 0; i < x->n_notes; i++) {
            fputs("<p class=\"note\">", out);
            s_esc(out, x->notes[i]);
            fputs("</p>", out);
        }
        fputs("</details>", out);
    }
    fputs("</td></tr>\n", out);
}

enum dw_status dw_report_html(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_summary sum;
    dw_summary_compute(f, &sum);
    const char *acct = meta->account_id ? meta->account_id : "unknown";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "script-src 'unsafe-inline'\">\n<title>dbward report: ", out);
    s_esc(out, acct);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>dbward report</h1><p>Account ", s_style);
    s_esc(out, acct);
    fputs(" &middot; partition ", out);
    s_esc(out, meta->partition ? meta->partition : "aws");
    fputs(" &middot; regions ", out);
    for (size_t i = 0; i < meta->n_regions; i++) {
        if (i)
            fputs(", ", out);
        s_esc(out, meta->regions[i]);
    }
    fputs(" &middot; evidence taken ", out);
    s_esc(out, meta->taken_at ? meta->taken_at : "unknown");
    fputs(" &middot; source ", out);
    s_esc(out, meta->source ? meta->source : "");
    fputs("</p></header>\n<main>\n<section id=\"summary\">\n<div class=\"cards\">", out);
    fprintf(out, "<div class=\"card\" id=\"count-total\"><b>%zu</b>findings</div>", f->n);
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        fprintf(out, "<div class=\"card\" id=\"count-%s\" style=\"border-top:4px solid %s\"><b>%zu</b>%s</div>",
                dw_result_str((enum dw_result)r), s_color[r], sum.by_status[r], dw_result_str((enum dw_result)r));
    fputs("</div>\n", out);
    if (meta->n_accounts > 1) {
        /* Many accounts: a row each, worst first as the table lists them. */
        fprintf(out, "<table id=\"accounts\"><thead><tr><th>account (%zu)</th>", meta->n_accounts);
        for (int r = 0; r < DW_RESULT_COUNT; r++)
            fprintf(out, "<th>%s</th>", dw_result_str((enum dw_result)r));
        fputs("</tr></thead><tbody>\n", out);
        for (size_t k = 0; k < meta->n_accounts; k++) {
            size_t c[DW_RESULT_COUNT];
            dw_rpt_account_counts(f, meta->accounts[k], c);
            fputs("<tr><td>", out);
            s_esc(out, meta->accounts[k]);
            fputs("</td>", out);
            for (int r = 0; r < DW_RESULT_COUNT; r++)
                fprintf(out, "<td>%zu</td>", c[r]);
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
    }
    fputs("<div class=\"charts\">\n", out);
    s_chart_severity(out, &sum);
    s_chart_controls(out, f);
    s_chart_csf(out, f);
    fputs("</div>\n</section>\n<section id=\"findings\">\n<h2 class=\"sec\">Findings</h2>\n", out);
    /* The radio inputs come before the filters and the table so CSS
     * sibling selectors can filter without a script. */
    static const char *const st_ids[] = {"all", "FAIL", "ERROR", "PASS", "NOT_APPLICABLE", "MUTED"};
    for (size_t i = 0; i < 6; i++)
        fprintf(out, "<input type=\"radio\" name=\"st\" id=\"st-%s\" value=\"%s\"%s>", st_ids[i], st_ids[i],
                i == 0 ? " checked" : "");
    fputs("\n<div class=\"filters\">Status:", out);
    for (size_t i = 0; i < 6; i++) {
        size_t n = f->n;
        if (i) {
            for (int r = 0; r < DW_RESULT_COUNT; r++)
                if (strcmp(st_ids[i], dw_result_str((enum dw_result)r)) == 0)
                    n = sum.by_status[r];
        }
        fprintf(out, "<label for=\"st-%s\">%s (%zu)</label>", st_ids[i], i ? st_ids[i] : "all", n);
    }
    fputs("<span class=\"js-only\"><input id=\"q\" type=\"search\" placeholder=\"search\" aria-label=\"Search\">"
          "<select id=\"sev\" aria-label=\"Severity\"><option value=\"\">any severity</option>",
          out);
    for (int v = DW_SEV_COUNT - 1; v >= 0; v--)
        fprintf(out, "<option>%s</option>", dw_severity_str((enum dw_severity)v));
    fputs("</select><select id=\"reg\" aria-label=\"Region\"><option value=\"\">any region</option>", out);
    const char *seen[128];
    size_t n_seen = 0;
    for (size_t i = 0; i < f->n && n_seen < 128; i++) {
        size_t k = 0;
        while (k < n_seen && strcmp(seen[k], f->v[i].region) != 0)
            k++;
        if (k == n_seen) {
            seen[n_seen++] = f->v[i].region;
            fputs("<option>", out);
            s_esc(out, f->v[i].region);
            fputs("</option>", out);
        }
    }
    fprintf(out, "</select>shown: <b id=\"shown\">%zu</b></span></div>\n", f->n);
    fputs("<div class=\"wrap\"><table id=\"findings-table\">\n<thead><tr>", out);
    static const char *const cols[] = {"Status", "Severity", "Control", "Resource", "Region", "Account", "Reason and fix"};
    for (int i = 0; i < 7; i++)
        fprintf(out, "<th><button type=\"button\" data-col=\"%d\">%s</button></th>", i, cols[i]);
    fputs("</tr></thead>\n<tbody>\n", out);
    size_t *order = dw_xcalloc(f->n ? f->n : 1, sizeof(*order));
    for (size_t i = 0; i < f->n; i++)
        order[i] = i;
    s_sort_src = f;
    qsort(order, f->n, sizeof(*order), s_cmp);
    s_sort_src = NULL;
    for (size_t i = 0; i < f->n; i++)
        s_row(out, &f->v[order[i]]);
    free(order);
    fprintf(out, "</tbody>\n</table></div>\n</section>\n</main>\n<footer>dbward %s (%s). This page needs no network; "
                 "the status filter works without JavaScript.</footer>\n<script>\n%s</script>\n</body>\n</html>\n",
            dw_version(), dw_git_commit(), s_script);
    return ferror(out) ? DW_E_IO : DW_OK;
}
