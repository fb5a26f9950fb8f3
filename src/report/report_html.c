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
    "button.copy{font-size:12px}footer{padding:16px 24px;color:#666}"
    ".sevcards .card{border-top:4px solid #c62828}.sevcards .zero{border-top-color:#ddd;color:#777}"
    "table.cmp{width:auto;margin:0 0 16px}table.cmp td.pct{text-align:right;font-variant-numeric:tabular-nums}"
    ".overview{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}"
    ".overview>div{max-height:560px;overflow:auto}table.cmp{font-size:13px}table.cmp td.ids{max-width:160px;font-size:12px}table.cmp td,table.cmp th{padding:2px 6px}"
    "td.res .full{display:none}td.res .short{font-family:ui-monospace,monospace;word-break:break-all}"
    "@media print{header{background:#fff;color:#000;border-bottom:2px solid #000}body{background:#fff}"
    ".overview>div{max-height:none;overflow:visible}"
    ".filters,.js-only,input[name=st],button.copy,th button{display:none}th{position:static}"
    "tr.f.hide{display:table-row}td.res .full{display:inline;word-break:break-all}td.res .short{display:none}"
    ".chart,.card,table.cmp,tr{break-inside:avoid}details.fix>*{display:block}a{color:#000}}";

/* The page's rows: failures first, then errors, muted, passes and what
 * does not apply; within a status by severity (critical first), then by
 * control id, then in the order the findings were made (region by region). */
static int s_rank(enum dw_result r)
{
    static const int rank[DW_RESULT_COUNT] = {3, 0, 1, 4, 2};
    return rank[r];
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

static void s_chart_controls(FILE *out, struct dw_fsrc *src)
{
    const struct dw_control *ids[128];
    enum dw_severity sev[128];
    size_t fails[128], n = 0, max = 1;
    /* The controls with a failure, in order of their first one. */
    for (size_t c = 0; c < dw_fsrc_n_ctl(src); c++) {
        const struct dw_fsrc_ctl *k = dw_fsrc_ctl(src, c);
        if (k->fail_rank >= 128)
            continue;
        ids[k->fail_rank] = k->control;
        sev[k->fail_rank] = k->fail_severity; /* the run's, after dbward.yaml's overrides */
        fails[k->fail_rank] = k->by_status[DW_FAIL];
        if (k->fail_rank >= n)
            n = k->fail_rank + 1;
        if (k->by_status[DW_FAIL] > max)
            max = k->by_status[DW_FAIL];
    }
    /* The most severe first, then the most failures; insertion sort keeps
     * ties in catalog order. A low tag control never outranks a critical one. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && (sev[j] > sev[j - 1] || (sev[j] == sev[j - 1] && fails[j] > fails[j - 1])); j--) {
            enum dw_severity v = sev[j];
            sev[j] = sev[j - 1];
            sev[j - 1] = v;
            size_t t = fails[j];
            fails[j] = fails[j - 1];
            fails[j - 1] = t;
            const struct dw_control *c = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = c;
        }
    }
    const int w = 260, row = 18;
    fprintf(out, "<div class=\"chart\"><h2>Failures by control, most severe first</h2>\n<svg id=\"chart-controls\" role=\"img\" "
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

static void s_chart_csf(FILE *out, struct dw_fsrc *src)
{
    size_t grid[DW_CSF_FUNCTIONS + 1][DW_RESULT_COUNT];
    memset(grid, 0, sizeof(grid));
    size_t max = 1;
    /* Each finding counts once under each function of its control. */
    for (size_t c = 0; c < dw_fsrc_n_ctl(src); c++) {
        const struct dw_fsrc_ctl *x = dw_fsrc_ctl(src, c);
        struct dw_csf_list l;
        dw_control_csf2(x->control, &l);
        bool seen[DW_CSF_FUNCTIONS + 1] = {false};
        for (size_t k = 0; k < l.n; k++) {
            int row = dw_csf_function_of(l.v[k]);
            if (row < 0)
                row = DW_CSF_FUNCTIONS;
            if (seen[row])
                continue;
            seen[row] = true;
            for (int r = 0; r < DW_RESULT_COUNT; r++) {
                grid[row][r] += x->by_status[r];
                if (grid[row][r] > max)
                    max = grid[row][r];
            }
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


/* PASS / (PASS + FAIL + ERROR), as "87%", or "n/a" when nothing was
 * judged: a control that could not be evaluated counts against it, and
 * NOT_APPLICABLE and MUTED findings are left out. */
static void s_pct(FILE *out, const size_t c[DW_RESULT_COUNT])
{
    size_t judged = c[DW_PASS] + c[DW_FAIL] + c[DW_ERROR];
    if (!judged)
        fputs("<td class=\"pct\">n/a</td>", out);
    else
        fprintf(out, "<td class=\"pct\" data-key=\"%03zu\">%zu%%</td>", c[DW_PASS] * 100 / judged,
                c[DW_PASS] * 100 / judged);
}

static void s_counts_cells(FILE *out, const size_t c[DW_RESULT_COUNT])
{
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        fprintf(out, "<td>%zu</td>", c[r]);
}

static void s_counts_head(FILE *out)
{
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        fprintf(out, "<th>%s</th>", r == DW_NOT_APPLICABLE ? "N/A" : dw_result_str((enum dw_result)r));
    fputs("<th>compliance</th>", out);
}

/* Compliance per NIST CSF subcategory of version v: each finding counts
 * once under each subcategory of its control. */
static void s_csf_table(FILE *out, const struct dw_control **ctl, size_t (*cnt)[DW_RESULT_COUNT], size_t nc,
                        enum dw_csf_version v)
{
    const char **sub = dw_xcalloc((DW_CSF_LIST_MAX + 1) * nc + 1, sizeof(*sub));
    size_t ns = 0;
    for (size_t k = 0; k < nc; k++) {
        struct dw_csf_list l;
        dw_control_csf(ctl[k], v, &l);
        for (size_t j = 0; j < l.n; j++) {
            size_t m = 0;
            while (m < ns && strcmp(sub[m], l.v[j]) != 0)
                m++;
            if (m == ns)
                sub[ns++] = l.v[j];
        }
    }
    for (size_t i = 1; i < ns; i++) {
        for (size_t j = i; j > 0 && strcmp(sub[j], sub[j - 1]) < 0; j--) {
            const char *t = sub[j];
            sub[j] = sub[j - 1];
            sub[j - 1] = t;
        }
    }
    fprintf(out, "<div><h2 class=\"sec\">Compliance per %s subcategory</h2><table class=\"cmp\" id=\"compliance-%s\">"
                 "<thead><tr><th>subcategory</th><th>controls</th>",
            dw_csf_version_name(v), v == DW_CSF_2_0 ? "csf2" : "csf");
    s_counts_head(out);
    fputs("</tr></thead><tbody>\n", out);
    for (size_t m = 0; m < ns; m++) {
        size_t c[DW_RESULT_COUNT] = {0};
        fputs("<tr><td>", out);
        s_esc(out, sub[m]);
        fputs("</td><td class=\"ids\">", out);
        bool first = true;
        for (size_t k = 0; k < nc; k++) {
            struct dw_csf_list l;
            dw_control_csf(ctl[k], v, &l);
            bool in = false;
            for (size_t j = 0; j < l.n; j++)
                in = in || strcmp(l.v[j], sub[m]) == 0;
            if (!in)
                continue;
            if (!first)
                fputs(" ", out);
            first = false;
            s_esc(out, ctl[k]->id);
            for (int r = 0; r < DW_RESULT_COUNT; r++)
                c[r] += cnt[k][r];
        }
        fputs("</td>", out);
        s_counts_cells(out, c);
        s_pct(out, c);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
    free(sub);
}

/* The trend of the runs recorded in the history (--db) and this one:
 * failures and errors per run, as bars, oldest first. */
static void s_trend(FILE *out, const struct dw_report_meta *meta, const struct dw_summary *sum)
{
    if (!meta->n_trend)
        return;
    size_t n = meta->n_trend + 1, max = 1;
    for (size_t i = 0; i < n; i++) {
        size_t v = i < meta->n_trend ? meta->trend[i].fail + meta->trend[i].error
                                     : sum->by_status[DW_FAIL] + sum->by_status[DW_ERROR];
        if (v > max)
            max = v;
    }
    const int bw = 18, gap = 6, h = 90;
    fprintf(out, "<div class=\"chart\"><h2>Trend: failures and errors per run (%zu runs)</h2>\n"
                 "<svg id=\"trend\" role=\"img\" aria-label=\"Failures and errors per recorded run\" width=\"%d\" "
                 "height=\"%d\" data-runs=\"%zu\">\n",
            n, (int)n * (bw + gap) + 40, h + 24, n);
    for (size_t i = 0; i < n; i++) {
        const char *when = i < meta->n_trend ? meta->trend[i].taken_at : meta->taken_at;
        size_t fail = i < meta->n_trend ? meta->trend[i].fail : sum->by_status[DW_FAIL];
        size_t err = i < meta->n_trend ? meta->trend[i].error : sum->by_status[DW_ERROR];
        double hf = (double)h * (double)fail / (double)max, he = (double)h * (double)err / (double)max;
        int x = (int)i * (bw + gap);
        fprintf(out, "<g class=\"run\"><title>evidence %s: FAIL %zu, ERROR %zu</title>", when ? when : "", fail, err);
        fprintf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>", x, h - hf, bw, hf,
                s_color[DW_FAIL]);
        fprintf(out, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>", x, h - hf - he, bw, he,
                s_color[DW_ERROR]);
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu</text></g>\n", x + bw / 2, h + 16, fail);
    }
    fputs("</svg></div>\n", out);
}

/* The first screen: failures by severity, then compliance per control
 * (the most severe first, the least compliant first within a severity),
 * per NIST CSF subcategory and per region. */
static void s_overview(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *src,
                       const struct dw_summary *sum)
{
    fputs("<div class=\"cards sevcards\" id=\"fail-by-severity\">", out);
    for (int v = DW_SEV_COUNT - 1; v >= 0; v--) {
        size_t n = sum->by_sev_status[v][DW_FAIL];
        fprintf(out, "<div class=\"card%s\" id=\"fail-%s\"><b>%zu</b>%s failures</div>", n ? "" : " zero",
                dw_severity_str((enum dw_severity)v), n, dw_severity_str((enum dw_severity)v));
    }
    fputs("</div>\n", out);
    s_trend(out, meta, sum);
    fputs("<div class=\"overview\">\n", out);
    /* Per control. */
    size_t nc = dw_fsrc_n_ctl(src);
    const struct dw_control **ctl = dw_xcalloc(nc + 1, sizeof(*ctl));
    enum dw_severity *sev = dw_xcalloc(nc + 1, sizeof(*sev));
    size_t (*cnt)[DW_RESULT_COUNT] = dw_xcalloc(nc + 1, sizeof(*cnt));
    for (size_t k = 0; k < nc; k++) {
        const struct dw_fsrc_ctl *x = dw_fsrc_ctl(src, k);
        ctl[k] = x->control;
        sev[k] = x->severity;
        memcpy(cnt[k], x->by_status, sizeof(cnt[k]));
    }
    size_t *order = dw_xcalloc(nc + 1, sizeof(*order));
    for (size_t i = 0; i < nc; i++)
        order[i] = i;
    for (size_t i = 1; i < nc; i++) {
        for (size_t j = i; j > 0; j--) {
            size_t a = order[j], b = order[j - 1];
            size_t ja = cnt[a][DW_PASS] + cnt[a][DW_FAIL] + cnt[a][DW_ERROR];
            size_t jb = cnt[b][DW_PASS] + cnt[b][DW_FAIL] + cnt[b][DW_ERROR];
            /* compare pass ratios without division: a below b when pa/ja < pb/jb */
            bool lower = ja && jb && cnt[a][DW_PASS] * jb < cnt[b][DW_PASS] * ja;
            if (!(sev[a] > sev[b] || (sev[a] == sev[b] && lower)))
                break;
            order[j] = b;
            order[j - 1] = a;
        }
    }
    fputs("<div><h2 class=\"sec\">Compliance per control</h2><table class=\"cmp\" id=\"compliance-controls\"><thead>"
          "<tr><th>control</th><th>severity</th>", out);
    s_counts_head(out);
    fputs("</tr></thead><tbody>\n", out);
    for (size_t i = 0; i < nc; i++) {
        size_t k = order[i];
        fputs("<tr><td title=\"", out);
        s_esc(out, ctl[k]->title);
        fputs("\">", out);
        s_esc(out, ctl[k]->id);
        fprintf(out, "</td><td>%s</td>", dw_severity_str(sev[k]));
        s_counts_cells(out, cnt[k]);
        s_pct(out, cnt[k]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
    s_csf_table(out, ctl, cnt, nc, DW_CSF_2_0);
    s_csf_table(out, ctl, cnt, nc, DW_CSF_1_1);
    /* Per region. */
    fputs("<div><h2 class=\"sec\">Per region</h2><table class=\"cmp\" id=\"regions\"><thead><tr><th>region</th>", out);
    s_counts_head(out);
    fputs("</tr></thead><tbody>\n", out);
    for (size_t m = 0; m < dw_fsrc_n_regions(src); m++) {
        size_t c[DW_RESULT_COUNT];
        const char *name = dw_fsrc_region(src, m, c);
        fputs("<tr><td>", out);
        s_esc(out, name);
        fputs("</td>", out);
        s_counts_cells(out, c);
        s_pct(out, c);
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n</div>\n", out);
    free(order);
    free(cnt);
    free(sev);
    free(ctl);
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
    "var age=document.getElementById('age');\n"
    "if(age){var t=Date.parse(age.dataset.taken);if(!isNaN(t)){var d=Math.floor((Date.now()-t)/86400000);"
    "age.textContent=' ('+(d<1?'less than a day':d+' day'+(d===1?'':'s'))+' old)';}}\n"
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
    fputs("</small></td><td class=\"res\" title=\"", out);
    s_esc(out, x->resource_id);
    fputs("\"><span class=\"short\">", out);
    {
        /* The name after the last '/' or ':' on screen, the full ARN on hover and in print. */
        const char *rid = x->resource_id;
        const char *slash = strrchr(rid, '/'), *colon = strrchr(rid, ':');
        const char *cut = slash && (!colon || slash > colon) ? slash : colon;
        s_esc(out, cut && cut[1] ? cut + 1 : rid);
    }
    fputs("</span><span class=\"full\">", out);
    s_esc(out, x->resource_id);
    fputs("</span><br><small>", out);
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

static enum dw_status s_row_one(void *user, const struct dw_finding *x, size_t ctl)
{
    (void)ctl;
    s_row(user, x);
    return DW_OK;
}

/* A control of the source and its index there, to list by id. */
struct s_by_id {
    const struct dw_fsrc_ctl *ctl;
    size_t k;
};

static int s_ctl_id_cmp(const void *a, const void *b)
{
    return strcmp(((const struct s_by_id *)a)->ctl->control->id, ((const struct s_by_id *)b)->ctl->control->id);
}

/* The table's rows in the page's order (s_rank): a replay per status,
 * severity and control that has findings. */
static enum dw_status s_rows(FILE *out, struct dw_fsrc *src)
{
    size_t nc = dw_fsrc_n_ctl(src);
    struct s_by_id *by_id = dw_xcalloc(nc + 1, sizeof(*by_id));
    for (size_t k = 0; k < nc; k++)
        by_id[k] = (struct s_by_id){dw_fsrc_ctl(src, k), k};
    qsort(by_id, nc, sizeof(*by_id), s_ctl_id_cmp);
    static const enum dw_result by_rank[DW_RESULT_COUNT] = {DW_FAIL, DW_ERROR, DW_MUTED, DW_PASS,
                                                            DW_NOT_APPLICABLE};
    enum dw_status rc = DW_OK;
    for (int r = 0; r < DW_RESULT_COUNT && !rc; r++) {
        for (int v = DW_SEV_COUNT - 1; v >= 0 && !rc; v--) {
            for (size_t i = 0; i < nc && !rc; i++) {
                if (by_id[i].ctl->n[v][by_rank[r]])
                    rc = dw_fsrc_each(src, by_id[i].k, (int)by_rank[r], v, s_row_one, out);
            }
        }
    }
    free(by_id);
    return rc;
}

enum dw_status dw_report_html(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_html_src(out, meta, src);
    dw_fsrc_free(src);
    return rc;
}

enum dw_status dw_report_html_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *src)
{
    struct dw_summary sum = *dw_fsrc_summary(src);
    size_t total = dw_fsrc_total(src);
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
    fputs("<span id=\"age\" data-taken=\"", out);
    s_esc(out, meta->taken_at ? meta->taken_at : "");
    fputs("\"></span>", out);
    fputs(" &middot; source ", out);
    s_esc(out, meta->source ? meta->source : "");
    fputs("</p></header>\n<main>\n<section id=\"overview\">\n", out);
    s_overview(out, meta, src, &sum);
    fputs("</section>\n<section id=\"summary\">\n<div class=\"cards\">", out);
    fprintf(out, "<div class=\"card\" id=\"count-total\"><b>%zu</b>findings</div>", total);
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
            dw_fsrc_account_counts(src, meta->accounts[k], c);
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
    s_chart_controls(out, src);
    s_chart_csf(out, src);
    fputs("</div>\n</section>\n<section id=\"findings\">\n<h2 class=\"sec\">Findings</h2>\n", out);
    /* The radio inputs come before the filters and the table so CSS
     * sibling selectors can filter without a script. */
    static const char *const st_ids[] = {"all", "FAIL", "ERROR", "PASS", "NOT_APPLICABLE", "MUTED"};
    for (size_t i = 0; i < 6; i++)
        fprintf(out, "<input type=\"radio\" name=\"st\" id=\"st-%s\" value=\"%s\"%s>", st_ids[i], st_ids[i],
                i == 0 ? " checked" : "");
    fputs("\n<div class=\"filters\">Status:", out);
    for (size_t i = 0; i < 6; i++) {
        size_t n = total;
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
    for (size_t k = 0; k < dw_fsrc_n_regions(src) && k < 128; k++) {
        size_t c[DW_RESULT_COUNT];
        fputs("<option>", out);
        s_esc(out, dw_fsrc_region(src, k, c));
        fputs("</option>", out);
    }
    fprintf(out, "</select>shown: <b id=\"shown\">%zu</b></span></div>\n", total);
    fputs("<div class=\"wrap\"><table id=\"findings-table\">\n<thead><tr>", out);
    static const char *const cols[] = {"Status", "Severity", "Control", "Resource", "Region", "Account", "Reason and fix"};
    for (int i = 0; i < 7; i++)
        fprintf(out, "<th><button type=\"button\" data-col=\"%d\">%s</button></th>", i, cols[i]);
    fputs("</tr></thead>\n<tbody>\n", out);
    enum dw_status rc = s_rows(out, src);
    if (rc)
        return rc;
    fprintf(out, "</tbody>\n</table></div>\n</section>\n</main>\n<footer>dbward %s (%s). This page needs no network; "
                 "the status filter works without JavaScript.</footer>\n<script>\n%s</script>\n</body>\n</html>\n",
            dw_version(), dw_git_commit(), s_script);
    return ferror(out) ? DW_E_IO : DW_OK;
}
