/*
 * err: filling and prefixing struct err.  Messages are truncated to fit the
 * fixed buffer; a truncated message keeps its beginning, which carries the
 * context (file, line), rather than its end.
 */
#include "tidings/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
    va_list ap;

    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int
err_errno(struct err *e, enum err_code code, const char *fmt, ...)
{
    int saved = errno;
    size_t len;
    va_list ap;

    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    len = strlen(e->msg);
    snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", strerror(saved));
    errno = saved;
    return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
    char old[sizeof(e->msg)];
    size_t len;
    va_list ap;

    memcpy(old, e->msg, sizeof(old));
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    len = strlen(e->msg);
    snprintf(e->msg + len, sizeof(e->msg) - len, ": %s", old);
    return -1;
}

void
err_clear(struct err *e)
{
    e->code = ERR_OK;
    e->msg[0] = '\0';
}

int
err_exit_status(const struct err *e)
{
    return e->code == ERR_USAGE || e->code == ERR_CONFIG ? 2 : 1;
}
