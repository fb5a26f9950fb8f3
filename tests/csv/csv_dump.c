/* csv_dump.c: reads a JSON array of strings on stdin and prints, one line
 * each, what dbward's CSV reader makes of every string: {"header": [...],
 * "rows": [[...]]} or {"error": ..., "line", "column", "offset"}. For the
 * oracle test against Python's csv module (csv_oracle.py). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <dbward/csv.h>

static json_t *s_strs(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i])); /* steals */
    return a;
}

int main(void)
{
    json_error_t je;
    json_t *in = json_loadf(stdin, 0, &je);
    if (!json_is_array(in)) {
        fprintf(stderr, "csv_dump: stdin is not a JSON array: %s\n", je.text);
        return 2;
    }
    size_t i;
    json_t *s;
    json_array_foreach(in, i, s)
    {
        struct dw_csv *t = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        json_t *o = NULL;
        if (dw_csv_parse(json_string_value(s), json_string_length(s), "input", &t, &err) == DW_OK) {
            json_t *rows = json_array();
            for (size_t r = 0; r < t->n_rows; r++)
                json_array_append_new(rows, s_strs(t->rows[r], t->n_cols));
            o = json_pack("{s:o, s:o}", "header", s_strs(t->header, t->n_cols), "rows", rows);
        } else {
            o = json_pack("{s:s, s:i, s:i, s:I}", "error", err.message, "line", err.line, "column", err.column,
                          "offset", (json_int_t)err.offset);
        }
        char *line = json_dumps(o, JSON_COMPACT);
        printf("%s\n", line);
        free(line);
        json_decref(o);
        dw_csv_free(t);
    }
    json_decref(in);
    return 0;
}
