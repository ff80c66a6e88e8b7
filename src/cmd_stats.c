/*
 * cmd_stats: `tidings stats`: counts and sizes as "key: value" lines.
 */
#include <stdio.h>

#include "tidings/cli.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/store.h"

int
cmd_stats(int argc, char **argv, struct ctx *ctx)
{
    struct store_stats st;
    struct err err = ERR_INIT;
    char oldest[DATE_MAX] = "-", newest[DATE_MAX] = "-";

    (void)argv;
    if (argc != 1)
        return cli_usage(cli_find("stats"), stderr);
    if (store_stats(ctx->store, &st, &err) < 0) {
        fprintf(stderr, "tidings: stats: %s\n", err.msg);
        return 1;
    }
    if (st.articles > 0) {
        date_format_rfc3339(st.oldest, ctx->conf.site_tz_offset, oldest);
        date_format_rfc3339(st.newest, ctx->conf.site_tz_offset, newest);
    }
    printf("store: %s\nschema: %d\nrevision: %lld\narticles: %lld\n"
           "categories: %lld\nsources: %lld\nauthors: %lld\n"
           "documents: %lld\noldest: %s\nnewest: %s\nbytes: %lld\n",
           ctx->conf.store_path, st.schema, (long long)st.revision,
           (long long)st.articles, (long long)st.categories,
           (long long)st.sources, (long long)st.authors,
           (long long)st.documents, oldest, newest, (long long)st.bytes);
    return 0;
}
