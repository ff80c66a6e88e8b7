/*
 * log: leveled diagnostics.  Each line is formatted into a local buffer and
 * written with a single fputs, so concurrent server threads never
 * interleave inside a line.  Lines longer than the buffer are truncated.
 */
#include "tidings/log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

static void vlog(const struct log *l, enum log_level level, int with_errno,
                 const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void
vlog(const struct log *l, enum log_level level, int with_errno, const char *fmt,
     va_list ap)
{
    /* Errors read "tidings: PATH: what is wrong" (SPEC 3), no level word. */
    static const char *const names[] = { "", "warning: ", "info: ", "debug: " };
    char line[2048];
    size_t n = 0;
    int saved = errno;

    if (l->timestamps) {
        struct tm tm;
        time_t now = time(NULL);

        gmtime_r(&now, &tm);
        n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
    }
    n += (size_t)snprintf(line + n, sizeof(line) - n, "tidings: %s",
                          names[level]);
    if (n < sizeof(line))
        n += (size_t)vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    if (with_errno && n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n, ": %s",
                              strerror(saved));
    if (n >= sizeof(line) - 1)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    line[n] = '\0';
    fputs(line, l->fp ? l->fp : stderr);
}

#define LOG_FN(name, level, with_errno)                                        \
    void name(const struct log *l, const char *fmt, ...)                       \
    {                                                                          \
        va_list ap;                                                            \
        if (!log_enabled(l, level))                                            \
            return;                                                            \
        va_start(ap, fmt);                                                     \
        vlog(l, level, with_errno, fmt, ap);                                   \
        va_end(ap);                                                            \
    }

LOG_FN(log_error, LOG_LEVEL_ERROR, 1)
LOG_FN(log_errorx, LOG_LEVEL_ERROR, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
