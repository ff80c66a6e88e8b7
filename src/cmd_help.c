/*
 * cmd_help: `tidings help [COMMAND | config]`, printed from the command
 * table and the configuration table, so help never drifts from the code.
 */
#include <stdio.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/cli.h"

int
cmd_help(int argc, char **argv, struct ctx *ctx)
{
    const struct cmd *c;
    struct buf out = BUF_INIT;

    (void)ctx;
    if (argc == 1) {
        cli_help_all(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "config") == 0) {
        conf_describe(&out);
        fputs(out.data, stdout);
        buf_release(&out);
        return 0;
    }
    if (argc == 2 && (c = cli_find(argv[1])) != NULL) {
        cli_usage(c, stdout);
        return 0;
    }
    return cli_usage(cli_find("help"), stderr);
}
