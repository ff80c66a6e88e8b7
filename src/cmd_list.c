/*
 * cmd_list: `tidings list`, one article per line, newest first, as
 * tab-separated fields (slug, published, category, source, author, title)
 * so that cut and awk work on it.
 */
#include <stdio.h>

#include "tidings/article.h"
#include "tidings/cli.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/store.h"

static const char *
or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static int
print_row(const struct article *a, void *arg)
{
    const struct ctx *ctx = arg;
    char when[DATE_MAX];

    date_format_rfc3339(a->published, ctx->conf.site_tz_offset, when);
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", a->slug, when, or_dash(a->category),
           or_dash(a->source), or_dash(a->author), a->title);
    return ferror(stdout) ? 1 : 0;
}

int
cmd_list(int argc, char **argv, struct ctx *ctx)
{
    struct err err = ERR_INIT;
    int rc;

    (void)argv;
    if (argc != 1)
        return cli_usage(cli_find("list"), stderr);
    rc = store_each_article(ctx->store, 0, print_row, ctx, &err);
    if (rc < 0) {
        fprintf(stderr, "tidings: list: %s\n", err.msg);
        return 1;
    }
    return 0;
}
