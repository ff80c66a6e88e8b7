/*
 * cli: the table of commands.  Adding a command is adding a row here and a
 * cmd_<name>.c beside it.
 */
#include "tidings/cli.h"

#include <stdio.h>
#include <string.h>

const struct cmd cli_commands[] = {
    { "import", cmd_import,
      "[--date D] [--encoding E] [--base-url U] [--category C] "
      "[--format F] PATH...",
      "import article files and folders into the store",
      "  --date D        date for files that carry none (else their mtime)\n"
      "  --encoding E    read input as E (e.g. GB18030), not sniffed\n"
      "  --base-url U    make relative links absolute against U\n"
      "  --category C    category path for files that name none (a/b)\n"
      "  --format F      text, html or feed instead of sniffing\n",
      CMD_NEEDS_STORE },
    { "list", cmd_list, "", "list articles, newest first", NULL,
      CMD_NEEDS_STORE_RO },
    { "show", cmd_show, "ID", "print one article (ID: number, slug or id)",
      NULL, CMD_NEEDS_STORE_RO },
    { "rm", cmd_rm, "ID...", "delete articles", NULL, CMD_NEEDS_STORE },
    { "stats", cmd_stats, "", "print counts and sizes of the store", NULL,
      CMD_NEEDS_STORE_RO },
    { "build", cmd_build, "[--out DIR] [--full]",
      "render the site and write it to a folder",
      "  --out DIR       the folder (default: [build] out)\n"
      "  --full          render every document, not only what changed\n",
      CMD_NEEDS_STORE },
    { "check", cmd_check, "[DIR]",
      "lint a built site: dates, characters, URLs, self links, ids, budgets",
      NULL, CMD_NEEDS_CONF },
    { "serve", cmd_serve, "[--bind ADDR] [--port N] [--from DIR]",
      "serve the site over HTTP, reloading it when the store changes",
      "  --bind ADDR     numeric address to listen on (default: serve.bind)\n"
      "  --port N        TCP port, 0 for any free one (default: serve.port)\n"
      "  --from DIR      serve a folder written by `tidings build` instead of\n"
      "                  the store; reloads when a build rewrites it\n",
      CMD_NEEDS_CONF },
    { "help", cmd_help, "[COMMAND | config]",
      "describe a command, or every configuration key", NULL, 0 },
    { NULL, NULL, NULL, NULL, NULL, 0 },
};

const struct cmd *
cli_find(const char *name)
{
    const struct cmd *c;

    for (c = cli_commands; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int
cli_usage(const struct cmd *c, FILE *fp)
{
    fprintf(fp, "usage: tidings [-c CONF] %s%s%s\n", c->name,
            *c->usage ? " " : "", c->usage);
    fprintf(fp, "\n%s\n", c->summary);
    if (c->help)
        fprintf(fp, "\n%s", c->help);
    return 2;
}

void
cli_help_all(FILE *fp)
{
    const struct cmd *c;

    fprintf(fp, "usage: tidings [-c CONF] [-v] [-q] COMMAND [ARGS]\n"
                "       tidings --version\n\n"
                "  -c CONF   configuration file (default: $TIDINGS_CONF, "
                "else conf/tidings.conf when present)\n"
                "  -v        more diagnostics (repeat for debug)\n"
                "  -q        errors only\n\ncommands:\n");
    for (c = cli_commands; c->name != NULL; c++)
        fprintf(fp, "  %-8s %s\n", c->name, c->summary);
    fprintf(fp, "\n`tidings COMMAND -h` describes one command.\n");
}

int
cli_wants_help(int argc, char **argv)
{
    return argc > 1 &&
           (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
}

int
cli_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
        return 0;
    if (a[2 + n] == '=') {
        *value = a + 3 + n;
    } else if (a[2 + n] != '\0') {
        return 0;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        fprintf(stderr, "tidings: option '--%s' needs a value\n", name);
        return -1;
    }
    ++*i;
    return 1;
}
