/* ini_dump.c: test driver for the creds module's INI reader and word
 * splitter, for tests/cli/ini_parity.py (which compares them with Python's
 * configparser as botocore uses it, and with shlex.split).
 *   ini_dump ini FILE...   one JSON line per file: {"ok":true,"sections":{...}} or {"ok":false}
 *   ini_dump shlex         one JSON line per stdin line: an array of words, or null */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "creds/creds_int.h"

static void s_ini(const char *path)
{
    struct dwi_ini *ini = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    json_t *out = json_object();
    enum dw_status rc = dwi_ini_load(path, &ini, &err);
    json_object_set_new(out, "ok", json_boolean(rc == DW_OK));
    if (rc == DW_OK) {
        json_t *secs = json_object();
        for (size_t i = 0; ini && i < ini->n; i++) {
            json_t *kv = json_object();
            for (size_t j = 0; j < ini->s[i].n; j++)
                json_object_set_new(kv, ini->s[i].kv[j].key, json_string(ini->s[i].kv[j].value));
            json_object_set_new(secs, ini->s[i].name, kv);
        }
        json_object_set_new(out, "sections", secs);
    }
    char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    puts(text ? text : "null");
    free(text);
    json_decref(out);
    dwi_ini_free(ini);
}

static void s_shlex(void)
{
    char line[4096];
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char **argv = NULL;
        size_t argc = 0;
        json_t *out = json_null();
        if (dwi_shlex_split(line, &argv, &argc)) {
            out = json_array();
            for (size_t i = 0; i < argc; i++)
                json_array_append_new(out, json_string(argv[i]));
        }
        char *text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
        puts(text ? text : "null");
        free(text);
        json_decref(out);
        dwi_argv_free(argv);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "shlex") == 0) {
        s_shlex();
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "ini") != 0) {
        fputs("usage: ini_dump ini FILE... | ini_dump shlex\n", stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        s_ini(argv[i]);
    return 0;
}
