/* common.c: what every command of the CLI shares: errors printed for people
 * (file:line:col plus a caret line), outputs written atomically, the
 * dbward.yaml lookup and the region check. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dbward/audit.h>
#include <dbward/config.h>
#include <dbward/file.h>
#include <dbward/live.h>

#include "cli.h"

void cli_print_error(const struct dw_error *e)
{
    if (e->line > 0)
        fprintf(stderr, "dbward: %s:%d:%d: %s\n", e->source, e->line, e->column, e->message);
    else if (e->source[0])
        fprintf(stderr, "dbward: %s: %s\n", e->source, e->message);
    else
        fprintf(stderr, "dbward: %s\n", e->message);
    if (e->line <= 0 || e->column <= 0)
        return;
    /* The caret line is read again from the file, never through a link or
     * from a FIFO or device: it must quote only the file that was parsed. */
    int fd = open(e->source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        if (++n == e->line) {
            line[strcspn(line, "\r\n")] = '\0';
            fprintf(stderr, "  %s\n  %*s^\n", line, e->column > 1 ? e->column - 1 : 0, "");
            break;
        }
    }
    fclose(f);
}

FILE *cli_out_open(struct cli_out *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return o->f;
    }
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_atomic_file_open(path, &o->af, &err)) {
        cli_print_error(&err);
        return NULL;
    }
    o->f = dw_atomic_file_stream(o->af);
    return o->f;
}

/* Ends an output: the file replaces the old one only when ok (the writer
 * succeeded) and every write reached the disk. A failed write is reported
 * with the file and the OS error. Returns 0 when the output is complete. */
int cli_out_close(struct cli_out *o, bool ok)
{
    if (!o->af)
        return fflush(stdout) == 0 && !ferror(stdout) && ok ? 0 : -1;
    struct dw_atomic_file *af = o->af;
    o->af = NULL;
    if (!ok && !ferror(o->f)) {
        dw_atomic_file_abort(af);
        return -1;
    }
    /* A stream error makes the commit fail and name it ("No space left on
     * device"); nothing is renamed into place then. */
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_atomic_file_commit(af, &err)) {
        cli_print_error(&err);
        return -1;
    }
    return ok ? 0 : -1;
}

/* Region names are checked against the partitions' lists unless the calls
 * go to --endpoint-url (or AWS_ENDPOINT_URL). Prints the error; -1 then. */
int cli_check_regions(const struct cli_args *a)
{
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    const char *ep = a->endpoint_url ? a->endpoint_url : (env_ep && *env_ep ? env_ep : NULL);
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_audit_check_regions(a->regions, a->n_regions, a->profile, ep, &err) == DW_OK)
        return 0;
    fprintf(stderr, "dbward: %s\n", err.message);
    return -1;
}

/* Loads --config, or ./dbward.yaml when it exists. *cfg stays NULL when
 * there is none. Returns 0, or EXIT_USAGE after printing the error. */
int cli_config_load(struct cli_args *a, struct dw_config **cfg)
{
    *cfg = NULL;
    const char *path = a->config;
    if (!path && access("dbward.yaml", F_OK) == 0)
        path = "dbward.yaml";
    if (!path)
        return 0;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_config_load(path, cfg, &err)) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    return 0;
}

int cli_controls_load(struct cli_args *a, struct dw_config **cfg, struct dw_custom_set *set)
{
    memset(set, 0, sizeof(*set));
    if (cli_config_load(a, cfg))
        return EXIT_USAGE;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_custom_build(*cfg, set, &err)) {
        cli_print_error(&err);
        dw_custom_set_clean_up(set);
        dw_config_free(*cfg);
        *cfg = NULL;
        return EXIT_USAGE;
    }
    return 0;
}
