#ifndef TIDINGS_CLI_H
#define TIDINGS_CLI_H

/*
 * cli: the command table and the state commands share.  Each command is a
 * row { name, run, usage, flags } and lives in its own cmd_<name>.c; the
 * flags ask main for shared setup (git's RUN_SETUP).  Help text comes from
 * the same rows, so it cannot drift from the code.
 */

#include "tidings/conf.h"
#include "tidings/log.h"

struct store;

#define CMD_NEEDS_CONF     (1u << 0)
#define CMD_NEEDS_STORE    (1u << 1) /* opened read-write, implies conf */
#define CMD_NEEDS_STORE_RO (1u << 2) /* opened read-only, implies conf */

struct ctx {
    struct conf conf;
    struct store *store;
    struct log log;
    const char *conf_path; /* -c, or NULL */
    const char *argv0;
};

/* A command returns the process exit status: 0 ok, 1 some input rejected
 * or an operation failed, 2 usage or configuration error. */
typedef int (*cmd_fn)(int argc, char **argv, struct ctx *ctx);

struct cmd {
    const char *name;
    cmd_fn run;
    const char *usage;   /* arguments after the name */
    const char *summary; /* one line */
    const char *help;    /* options, one per line, or NULL */
    unsigned flags;
};

extern const struct cmd cli_commands[];

const struct cmd *cli_find(const char *name);
/* cli_usage: prints "usage: tidings NAME USAGE" and the command's help to
 * fp; returns 2, the exit status for usage errors. */
int cli_usage(const struct cmd *c, FILE *fp);
/* cli_help_all: the list of commands, for `tidings -h`. */
void cli_help_all(FILE *fp);
/* cli_wants_help: true when argv[1] is -h or --help. */
int cli_wants_help(int argc, char **argv);

/* cli_option: if argv[*i] is "--name VALUE" or "--name=VALUE", sets *value,
 * moves *i past it and returns 1; returns -1 (after printing) when the
 * value is missing, and 0 when argv[*i] is something else. */
int cli_option(int argc, char **argv, int *i, const char *name,
               const char **value);

int cmd_import(int argc, char **argv, struct ctx *ctx);
int cmd_list(int argc, char **argv, struct ctx *ctx);
int cmd_show(int argc, char **argv, struct ctx *ctx);
int cmd_rm(int argc, char **argv, struct ctx *ctx);
int cmd_stats(int argc, char **argv, struct ctx *ctx);
int cmd_help(int argc, char **argv, struct ctx *ctx);
int cmd_build(int argc, char **argv, struct ctx *ctx);
int cmd_check(int argc, char **argv, struct ctx *ctx);
int cmd_serve(int argc, char **argv, struct ctx *ctx);

#endif
