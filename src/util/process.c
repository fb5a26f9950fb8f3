/* process.c: see dbward/process.h. Linux only: prctl and setrlimit. */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <dbward/process.h>

enum dw_status dw_process_protect_secrets(struct dw_error *err)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return dw_error_set(err, DW_E_IO, "setrlimit(RLIMIT_CORE, 0)", 0, 0, 0, "%s",
                            strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) != 0)
        return dw_error_set(err, DW_E_IO, "prctl(PR_SET_DUMPABLE, 0)", 0, 0, 0, "%s",
                            strerror(errno));
    return DW_OK;
}
