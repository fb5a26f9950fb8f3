/* cmd_plan.h: `dbward plan [--format json]`, the call plan (dbward/plan.h). */
#ifndef DBWARD_CLI_CMD_PLAN_H
#define DBWARD_CLI_CMD_PLAN_H

#include "args.h"

/* Prints the plan to stdout; returns the exit code. */
int cli_cmd_plan(const struct cli_args *a);

#endif
