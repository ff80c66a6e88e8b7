/*
 * cmd_show: `tidings show ID`: the stored fields as "key: value" lines (the
 * front-matter form), a blank line, then the body as stored (HTML).
 */
#include <stdio.h>

#include "tidings/article.h"
#include "tidings/cli.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/store.h"

static void
field(const char *name, const char *value)
{
    if (value != NULL)
        printf("%s: %s\n", name, value);
}

int
cmd_show(int argc, char **argv, struct ctx *ctx)
{
    struct err err = ERR_INIT;
    struct article a;
    char pub[DATE_MAX], upd[DATE_MAX];

    if (argc != 2)
        return cli_usage(cli_find("show"), stderr);
    article_init(&a);
    if (store_get_article(ctx->store, argv[1], &a, &err) < 0) {
        fprintf(stderr, "tidings: show: %s\n", err.msg);
        return 1;
    }
    date_format_rfc3339(a.published, ctx->conf.site_tz_offset, pub);
    date_format_rfc3339(a.updated, ctx->conf.site_tz_offset, upd);
    printf("id: %lld\n", (long long)a.id);
    field("slug", a.slug);
    field("key", a.key);
    field("feed_id", a.feed_id);
    field("url", a.url);
    field("title", a.title);
    field("category", a.category);
    field("source", a.source);
    field("author", a.author);
    field("published", pub);
    field("updated", upd);
    field("hash", a.hash);
    field("origin", a.origin);
    field("summary", a.summary);
    printf("\n%s\n", a.body ? a.body : "");
    article_release(&a);
    return 0;
}
