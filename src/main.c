/*
 * main: global flags, the table lookup, the setup the command's flags ask
 * for, the run, and teardown.  It owns the exit status and is the one place
 * that checks that stdout really reached its destination (a full disk or a
 * closed pipe is not a success).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidings/buf.h"
#include "tidings/cli.h"
#include "tidings/err.h"
#include "tidings/store.h"
#include "tidings/version.h"

/* print_report: every "file:line: message" line as tidings: FILE:... */
static void
print_report(const char *report)
{
    size_t n;

    for (; *report; report += n + (report[n] == '\n')) {
        n = strcspn(report, "\n");
        fprintf(stderr, "tidings: %.*s\n", (int)n, report);
    }
}

static int
load_conf(struct ctx *ctx)
{
    struct buf report = BUF_INIT;
    struct err err = ERR_INIT;
    const char *path = ctx->conf_path;

    if (path == NULL)
        path = getenv("TIDINGS_CONF");
    if (path == NULL && access("conf/tidings.conf", F_OK) == 0)
        path = "conf/tidings.conf";
    if (path == NULL) {
        conf_init(&ctx->conf);
        return 0;
    }
    if (conf_load(&ctx->conf, path, &report, &err) == 0)
        return 0;
    if (report.len)
        print_report(report.data);
    else
        fprintf(stderr, "tidings: %s\n", err.msg);
    buf_release(&report);
    return -1;
}

static int
setup(const struct cmd *c, struct ctx *ctx)
{
    struct err err = ERR_INIT;
    unsigned ro = c->flags & CMD_NEEDS_STORE_RO;

    if (!(c->flags & (CMD_NEEDS_CONF | CMD_NEEDS_STORE | CMD_NEEDS_STORE_RO)))
        return 0;
    if (load_conf(ctx) < 0)
        return 2;
    if (!(c->flags & (CMD_NEEDS_STORE | CMD_NEEDS_STORE_RO)))
        return 0;
    if (ro && access(ctx->conf.store_path, F_OK) != 0) {
        fprintf(stderr,
                "tidings: no store at '%s' (run `tidings import` "
                "first)\n",
                ctx->conf.store_path);
        return 1;
    }
    if (store_open(&ctx->store, ctx->conf.store_path, ro ? STORE_READONLY : 0,
                   &err) < 0) {
        fprintf(stderr, "tidings: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* close_stdout: flushes and closes stdout, and reports a write that
 * failed.  errno names the cause only when the flush or the close itself
 * failed: after an earlier failure (stdio dropped the buffer then, and
 * the flush has nothing to write) errno is whatever a later call left,
 * so the message gives no cause rather than a wrong one. */
static int
close_stdout(int status)
{
    int earlier = ferror(stdout), e = 0;

    if (fflush(stdout) != 0 || fclose(stdout) != 0)
        e = errno;
    if (!earlier && e == 0)
        return status;
    if (e == 0)
        fprintf(stderr, "tidings: write error on stdout\n");
    else if (e != EPIPE)
        fprintf(stderr, "tidings: write error on stdout: %s\n", strerror(e));
    return status ? status : 1;
}

/* global_flags: consumes -c CONF, -v, -q, -h and --version; returns the
 * index of the command name, or -1 after printing (status in *done). */
static int
global_flags(int argc, char **argv, struct ctx *ctx, int *done)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 == argc) {
            fprintf(stderr, "tidings: option '-c' needs a value\n");
            *done = 2;
            return -1;
        } else if (strcmp(argv[i], "-c") == 0) {
            ctx->conf_path = argv[++i];
        } else if (strcmp(argv[i], "-v") == 0) {
            if (ctx->log.level < LOG_LEVEL_DEBUG)
                ctx->log.level++;
        } else if (strcmp(argv[i], "-q") == 0) {
            ctx->log.level = LOG_LEVEL_ERROR;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("tidings %s\n", TIDINGS_VERSION);
            *done = 0;
            return -1;
        } else if (strcmp(argv[i], "-h") == 0 ||
                   strcmp(argv[i], "--help") == 0) {
            cli_help_all(stdout);
            *done = 0;
            return -1;
        } else {
            fprintf(stderr, "tidings: unknown option '%s'\n", argv[i]);
            cli_help_all(stderr);
            *done = 2;
            return -1;
        }
    }
    if (i == argc) {
        cli_help_all(stderr);
        *done = 2;
        return -1;
    }
    return i;
}

int
main(int argc, char **argv)
{
    struct ctx ctx;
    const struct cmd *c;
    int first, status;

    memset(&ctx, 0, sizeof(ctx));
    ctx.log.level = LOG_LEVEL_WARN;
    ctx.argv0 = argv[0];
    if ((first = global_flags(argc, argv, &ctx, &status)) < 0)
        return close_stdout(status);
    if ((c = cli_find(argv[first])) == NULL) {
        fprintf(stderr, "tidings: '%s' is not a command (see tidings -h)\n",
                argv[first]);
        return close_stdout(2);
    }
    if (cli_wants_help(argc - first, argv + first)) {
        cli_usage(c, stdout);
        return close_stdout(0);
    }
    if ((status = setup(c, &ctx)) == 0)
        status = c->run(argc - first, argv + first, &ctx);
    store_close(ctx.store);
    conf_release(&ctx.conf);
    return close_stdout(status);
}
