/*
 * cmd_rm: `tidings rm ID...`: deletes articles in one transaction.  IDs
 * that match nothing are reported and the others are still removed.
 */
#include <stdio.h>

#include "tidings/article.h"
#include "tidings/cli.h"
#include "tidings/err.h"
#include "tidings/store.h"

int
cmd_rm(int argc, char **argv, struct ctx *ctx)
{
    struct err err = ERR_INIT;
    struct article a;
    int i, status = 0;

    if (argc < 2)
        return cli_usage(cli_find("rm"), stderr);
    if (store_begin(ctx->store, &err) < 0)
        goto fail;
    for (i = 1; i < argc; i++) {
        article_init(&a);
        if (store_get_article(ctx->store, argv[i], &a, &err) < 0 ||
            store_remove_article(ctx->store, a.id, &err) < 0) {
            article_release(&a);
            if (err.code != ERR_NOTFOUND)
                goto fail;
            fprintf(stderr, "tidings: rm: %s\n", err.msg);
            status = 1;
            continue;
        }
        article_release(&a);
    }
    if (store_commit(ctx->store, &err) < 0)
        goto fail;
    return status;
fail:
    store_rollback(ctx->store);
    fprintf(stderr, "tidings: rm: %s\n", err.msg);
    return 1;
}
