/* error.c: status strings and the helper that fills struct dw_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <dbward/error.h>

static const char *const s_messages[] = {
#define DW_X_MSG(name, msg) msg,
    DW_STATUS_LIST(DW_X_MSG)
#undef DW_X_MSG
};

const char *dw_status_str(enum dw_status status)
{
    if ((int)status < 0 || status >= DW_STATUS_COUNT)
        return "unknown status";
    return s_messages[status];
}

enum dw_status dw_error_set(struct dw_error *err, enum dw_status status, const char *source,
                            int line, int column, size_t offset, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
    err->line = line;
    err->column = column;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return status;
}
