/*
 * cmd_import: `tidings import [options] PATH...`.  Turns flags and
 * configuration into import options, reports each rejected file as
 * "tidings: PATH: why", warnings as "tidings: warning: PATH: ...", a
 * progress line on a terminal (never in a pipe), and the summary
 * "N new, N updated, N unchanged, N rejected" on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tidings/charset.h"
#include "tidings/cli.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/frontmatter.h"
#include "tidings/import.h"
#include "tidings/store.h"
#include "tidings/url.h"

struct progress {
    int tty;
    int shown;   /* a progress line is on the terminal */
    double last; /* when it was drawn */
    const struct log *log;
};

static double
monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
clear_progress(struct progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
}

static void
file_done(void *arg, const char *path, const struct import_counts *c,
          const struct err *why)
{
    struct progress *p = arg;
    double now;

    if (why != NULL) {
        clear_progress(p);
        fprintf(stderr, "tidings: %s: %s\n", path, why->msg);
    }
    if (!p->tty ||
        ((now = monotonic()) - p->last < 0.1 && c->files_done < c->files_total))
        return;
    fprintf(stderr, "\rimporting: %ld/%ld files, %ld new, %ld updated\033[K",
            c->files_done, c->files_total, c->added, c->updated);
    p->shown = 1;
    p->last = now;
}

static void
warning(void *arg, const char *path, const char *msg)
{
    struct progress *p = arg;

    if (!log_enabled(p->log, LOG_LEVEL_WARN))
        return;
    clear_progress(p);
    fprintf(stderr, "tidings: warning: %s: %s\n", path, msg);
}

/* check_values: the option values that need parsing or checking; the
 * normalised --category goes to *category, which the caller frees. */
static int
check_values(struct ctx *ctx, struct import_opts *o, const char *date,
             const char *format, char **category)
{
    struct err err = ERR_INIT;
    int f;

    if (date && date_parse_any(date, strlen(date), ctx->conf.site_tz_offset,
                               &o->date) < 0) {
        fprintf(stderr, "tidings: import: --date '%s' is not a date\n", date);
        return -1;
    }
    o->has_date = date != NULL;
    if (o->encoding && !charset_is_known(o->encoding)) {
        fprintf(stderr, "tidings: import: unknown encoding '%s'\n",
                o->encoding);
        return -1;
    }
    if (o->category && (*category = frontmatter_category(
                            o->category, strlen(o->category), &err)) == NULL) {
        fprintf(stderr, "tidings: import: --category: %s\n", err.msg);
        return -1;
    }
    o->category = *category;
    if (format && (f = import_parse_format(format)) < 0) {
        fprintf(stderr, "tidings: import: unknown format '%s'\n", format);
        return -1;
    }
    o->format = format ? (enum import_format)f : IMPORT_AUTO;
    return 0;
}

/* parse_flags: fills o from the options and sets *first to the first
 * PATH. */
static int
parse_flags(int argc, char **argv, struct ctx *ctx, struct import_opts *o,
            char **category, int *first)
{
    const char *date = NULL, *format = NULL;
    int i = 1, r;

    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if ((r = cli_option(argc, argv, &i, "date", &date)) ||
            (r = cli_option(argc, argv, &i, "encoding", &o->encoding)) ||
            (r = cli_option(argc, argv, &i, "base-url", &o->base_url)) ||
            (r = cli_option(argc, argv, &i, "category", &o->category)) ||
            (r = cli_option(argc, argv, &i, "format", &format))) {
            if (r < 0)
                return -1;
            continue;
        }
        fprintf(stderr, "tidings: import: unknown option '%s'\n", argv[i]);
        return -1;
    }
    *first = i;
    return check_values(ctx, o, date, format, category);
}

int
cmd_import(int argc, char **argv, struct ctx *ctx)
{
    struct import_opts o;
    struct import_counts counts;
    struct progress p = { 0, 0, 0, &ctx->log };
    struct import_events ev = { file_done, warning, &p };
    struct err err = ERR_INIT;
    char host[256], *category = NULL;
    int first = 0, rc;

    memset(&o, 0, sizeof(o));
    if (parse_flags(argc, argv, ctx, &o, &category, &first) < 0 ||
        first == argc) {
        if (first == argc)
            fprintf(stderr, "tidings: import: no PATH given\n");
        free(category);
        return cli_usage(cli_find("import"), stderr);
    }
    url_host(ctx->conf.site_base_url, host, sizeof(host));
    o.host = host;
    o.tz_offset = ctx->conf.site_tz_offset;
    o.max_file_bytes = (size_t)ctx->conf.import_max_file_bytes;
    o.batch_files = ctx->conf.import_batch_files;
    o.max_feed_bytes = (size_t)ctx->conf.import_max_feed_bytes;
    o.site_base_url = ctx->conf.site_base_url;
    o.now = (int64_t)time(NULL);
    p.tty = isatty(STDERR_FILENO) && log_enabled(&ctx->log, LOG_LEVEL_WARN);
    rc = import_run(ctx->store, &o, argv + first, argc - first, &ev, &counts,
                    &err);
    free(category);
    clear_progress(&p);
    if (rc < 0)
        fprintf(stderr, "tidings: import stopped: %s\n", err.msg);
    fprintf(stderr, "%ld new, %ld updated, %ld unchanged, %ld rejected\n",
            counts.added, counts.updated, counts.unchanged, counts.rejected);
    return rc < 0 || counts.rejected > 0 ? 1 : 0;
}
