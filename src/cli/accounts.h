/* accounts.h: many accounts in one run (see accounts.c). */
#ifndef DW_CLI_ACCOUNTS_H
#define DW_CLI_ACCOUNTS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <dbward/dbward.h>
#include <dbward/live.h>

#include "args.h"

struct cli_account {
    char id[16];
    char dir[4096];        /* where its snapshot is written */
    bool failed;           /* the role could not be assumed, or collection failed */
    char why[512];
    struct dw_live_stats stats;
};

/* Collects every account of --accounts (ids, or org / --ou through
 * Organizations) minus --exclude-accounts into dir/<id>/. Returns -1 after
 * printing the error when the list itself cannot be had; an account that
 * fails is marked in its entry and the others go on. *out is new (free()). */
int cli_collect_accounts(const struct dw_live_opts *base, const struct cli_args *a, const char *dir,
                         struct cli_account **out, size_t *n);

/* A folder holding one snapshot per account (dir/<id>/manifest.json and no
 * dir/manifest.json): *subdirs lists them sorted (new strings), else n = 0.
 * Returns -1 after printing the error when an entry is a symbolic link
 * (links inside a snapshot are never followed); *subdirs is still the
 * caller's to free. */
int cli_snapshot_tree(const char *dir, char ***subdirs, size_t *n);

/* Appends the ERROR finding of an account that was not scanned. */
void cli_account_error(struct dw_findings *f, const struct cli_account *acc, const char *role_name);

#endif
