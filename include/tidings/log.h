#ifndef TIDINGS_LOG_H
#define TIDINGS_LOG_H

/*
 * log: diagnostics to stderr (or another stream), by level.  A struct log
 * is built by main and travels in struct ctx; there is no global logger.
 * The level is checked before any formatting happens.  log_warn/log_error
 * append strerror(errno); the x variants do not (OpenBSD's log.c).
 * With timestamps on (serve), every line starts with an ISO-8601 UTC time.
 * Lines are written with one stdio call each, so threads do not interleave
 * within a line.
 */

#include <stdio.h>

enum log_level {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

struct log {
    enum log_level level;
    FILE *fp;       /* NULL means stderr */
    int timestamps; /* prefix lines with the UTC time */
};

#define LOG_INIT                                                               \
    {                                                                          \
        LOG_LEVEL_WARN, NULL, 0                                                \
    }

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

void log_error(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);
void log_errorx(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);
void log_warn(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);
void log_warnx(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);
void log_info(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);
void log_debug(const struct log *l, const char *fmt, ...) LOG_PRINTF(2, 3);

static inline int
log_enabled(const struct log *l, enum log_level level)
{
    return l != NULL && level <= l->level;
}

#endif
