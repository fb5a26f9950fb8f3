/* dbward/process.h: process-wide protection of the secrets dbward holds
 * (secret keys, session tokens, derived signing keys). Call it first in
 * main, before any credential is read. */
#ifndef DBWARD_PROCESS_H
#define DBWARD_PROCESS_H

#include <dbward/error.h>

/* Makes the process non-dumpable (prctl PR_SET_DUMPABLE 0: no core file, no
 * ptrace attach or /proc/PID/mem read by other processes of the same user)
 * and sets RLIMIT_CORE to 0. Both hold for the life of the process. A
 * child that execs (credential_process) gets dumpable back from the kernel
 * but keeps the core limit of 0. Returns DW_OK, or DW_E_IO with err naming
 * the call that failed; the caller decides whether to go on. */
enum dw_status dw_process_protect_secrets(struct dw_error *err);

#endif
