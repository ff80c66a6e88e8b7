/*
 * cmd_check: `tidings check [DIR]`: lints a built site (the [build] out
 * folder unless DIR is given) and prints every fault as
 * "tidings: check: PATH[:LINE]: what".  Exit status 1 on any fault, so it
 * can gate CI, and on a folder that holds no site (an empty or mistyped
 * folder must not pass).  The budgets are those of the configuration.
 */
#include <stdio.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/cli.h"
#include "tidings/err.h"
#include "tidings/lint.h"

int
cmd_check(int argc, char **argv, struct ctx *ctx)
{
    struct buf report = BUF_INIT;
    struct err err = ERR_INIT;
    const char *dir = ctx->conf.build_out, *line, *nl;
    long faults;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cli_usage(cli_find("check"), stderr);
    if (argc == 2)
        dir = argv[1];
    faults = lint_site(dir, &ctx->conf, &report, &err);
    if (faults < 0) {
        fprintf(stderr, "tidings: check: %s\n", err.msg);
        return 1;
    }
    for (line = report.data; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
        fprintf(stderr, "tidings: check: %.*s\n", (int)(nl - line), line);
    buf_release(&report);
    if (faults > 0) {
        fprintf(stderr, "tidings: check: %ld fault%s in '%s'\n", faults,
                faults == 1 ? "" : "s", dir);
        return 1;
    }
    return 0;
}
