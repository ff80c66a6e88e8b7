/*
 * cmd_build: `tidings build [--out DIR] [--full]`: renders the site and
 * writes it to the folder (SPEC 3).  The folder's manifest stands in for
 * the previous site: documents whose inputs did not change since they
 * were written are neither rendered nor written again.  If a file the
 * manifest lists has gone from the disk, the build renders everything
 * once more (--full does that from the start).  The counts go to stderr.
 * Documents are written while they are rendered (render_site_to), so a
 * build holds one document's bytes at a time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tidings/cli.h"
#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/render.h"

struct build_opts {
    const char *out;
    int full;
};

static int
parse_flags(int argc, char **argv, struct ctx *ctx, struct build_opts *o)
{
    int i = 1, r;

    o->out = ctx->conf.build_out;
    o->full = 0;
    while (i < argc) {
        if ((r = cli_option(argc, argv, &i, "out", &o->out)) != 0) {
            if (r < 0)
                return -1;
            continue;
        }
        if (strcmp(argv[i], "--full") == 0) {
            o->full = 1;
            i++;
            continue;
        }
        fprintf(stderr, "tidings: build: unknown argument '%s'\n", argv[i]);
        return -1;
    }
    return 0;
}

static int
sink_put(void *arg, const struct doc *d, struct err *err)
{
    return export_put(arg, d, err);
}

static int
sink_holds(void *arg, const char *path, uint64_t hash, size_t size)
{
    return export_holds(arg, path, hash, size);
}

/* build_once: one render, streamed into the folder: each document is
 * written as soon as it is rendered and forgotten, so memory does not
 * grow with the site.  Unless full, the folder's manifest says which
 * documents are there already. */
static int
build_once(struct ctx *ctx, const struct build_opts *o, int full,
           struct render_stats *rst, struct export_stats *est, struct err *err)
{
    struct export *x = NULL;
    struct render_sink sink;
    int rc = -1;

    if (export_begin(&x, o->out, err) < 0)
        return -1;
    sink.put = sink_put;
    sink.holds = full ? NULL : sink_holds;
    sink.arg = x;
    if (render_site_to(ctx->store, &ctx->conf, (int64_t)time(NULL), &sink, rst,
                       err) == 0)
        rc = export_finish(x, ctx->conf.serve_max_age, est, err);
    export_free(x);
    return rc;
}

int
cmd_build(int argc, char **argv, struct ctx *ctx)
{
    struct build_opts o;
    struct render_stats rst;
    struct export_stats est;
    struct err err = ERR_INIT;
    int rc;

    if (parse_flags(argc, argv, ctx, &o) < 0)
        return cli_usage(cli_find("build"), stderr);
    rc = build_once(ctx, &o, o.full, &rst, &est, &err);
    if (rc < 0 && err.code == ERR_NOTFOUND && !o.full) {
        log_warnx(&ctx->log, "%s; rendering everything", err.msg);
        err_clear(&err);
        rc = build_once(ctx, &o, 1, &rst, &est, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "tidings: build: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr,
            "%ld documents: %ld rendered, %ld reused\n"
            "%ld written, %ld unchanged, %ld removed in %s\n",
            rst.rendered + rst.reused, rst.rendered, rst.reused, est.written,
            est.unchanged, est.removed, o.out);
    return 0;
}
