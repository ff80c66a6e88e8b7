/*
 * Tests of how the store finds category, source and author rows: through
 * its cache of ids by name, which must never hand out an id whose row was
 * rolled back, and must stay right past the point where it empties itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/err.h"
#include "tidings/store.h"
#include "tidings/xalloc.h"

static void
make_article(struct article *a, int n, const char *category, const char *source,
             const char *author)
{
    char title[64];

    article_init(a);
    snprintf(title, sizeof(title), "title %d", n);
    a->title = xstrdup(title);
    a->body = xstrdup("<p>body</p>");
    a->category = category ? xstrdup(category) : NULL;
    a->source = source ? xstrdup(source) : NULL;
    a->author = author ? xstrdup(author) : NULL;
    a->published = 1370398800 + n;
    article_set_key(a, NULL, NULL);
    article_compute_hash(a);
    article_mint(a, "example.org", NULL, 8 * 3600);
}

/* put: stores article n and returns store_put_article's result. */
static int
put(struct store *s, int n, const char *category, const char *source,
    const char *author)
{
    struct err err = ERR_INIT;
    enum store_put res;
    struct article a;
    int rc;

    make_article(&a, n, category, source, author);
    rc = store_put_article(s, &a, 1700000000, &res, &err);
    article_release(&a);
    return rc;
}

/* stored: whether article n reads back with these group names. */
static int
stored(struct store *s, int n, const char *category, const char *source,
       const char *author)
{
    struct err err = ERR_INIT;
    struct article want, got;
    int ok;

    make_article(&want, n, category, source, author);
    article_init(&got);
    ok = store_get_article(s, want.key, &got, &err) == 0 &&
         strcmp(got.category, category) == 0 &&
         strcmp(got.source, source) == 0 && strcmp(got.author, author) == 0;
    article_release(&want);
    article_release(&got);
    return ok;
}

static void
groups_after_rollback(void)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;

    CHECK(store_open(&s, test_path("t.db"), 0, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    CHECK(put(s, 1, "新闻/要闻", "海关", "张三") == 0);
    store_rollback(s);
    /* the rows for these names are gone: they must be made again */
    CHECK(store_begin(s, &err) == 0);
    CHECK(put(s, 2, "新闻/要闻", "海关", "张三") == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(stored(s, 2, "新闻/要闻", "海关", "张三"));
    CHECK_MSG(store_check(s, &err) == 0, "%s", err.msg);
    store_close(s);
}

static void
groups_after_rollback_to(void)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;

    CHECK(store_open(&s, test_path("t.db"), 0, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    CHECK(store_savepoint(s, &err) == 0);
    CHECK(put(s, 1, "a", "b", "c") == 0);
    store_rollback_to(s);
    CHECK(store_savepoint(s, &err) == 0);
    CHECK(put(s, 2, "a", "b", "c") == 0);
    CHECK(store_release(s, &err) == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(stored(s, 2, "a", "b", "c"));
    CHECK_MSG(store_check(s, &err) == 0, "%s", err.msg);
    store_close(s);
}

/* More names than the cache keeps: it empties itself and carries on. */
static void
groups_past_the_cache(void)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;
    char author[32];
    int i, n = test_slow() ? 2100 : 5000;

    CHECK(store_open(&s, test_path("t.db"), 0, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    for (i = 0; i < n; i++) {
        snprintf(author, sizeof(author), "author %d", i % (n - 7));
        CHECK(put(s, i, i % 2 ? "x/y" : "x", "src", author) == 0);
    }
    CHECK(store_commit(s, &err) == 0);
    for (i = 0; i < n; i += 97) {
        snprintf(author, sizeof(author), "author %d", i % (n - 7));
        CHECK_MSG(stored(s, i, i % 2 ? "x/y" : "x", "src", author),
                  "article %d", i);
    }
    CHECK_MSG(store_check(s, &err) == 0, "%s", err.msg);
    store_close(s);
}

/* count: rows of a group table, through store_stats. */
static int64_t
count_groups(struct store *s, int which)
{
    struct err err = ERR_INIT;
    struct store_stats st;

    if (store_stats(s, &st, &err) < 0)
        return -1;
    return which == 0 ? st.categories : which == 1 ? st.sources : st.authors;
}

/* A new article whose feed id is taken is rejected (ERR_PARSE) without
 * a savepoint around it, and leaves none of the groups it added: not the
 * categories below one that was there, nor a new source or author; the
 * groups that were there stay, and the cache hands out none that went. */
static void
rejected_put_leaves_no_groups(void)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;
    enum store_put res;
    struct article a;

    CHECK(store_open(&s, test_path("t.db"), 0, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    CHECK(put(s, 1, "新闻", "海关", "张三") == 0);
    make_article(&a, 2, "新闻/要闻/今日", "新来源", "张三");
    free(a.feed_id);
    a.feed_id = xstrdup("tag:example.org,2013-06-05:x");
    CHECK(store_put_article(s, &a, 1700000000, &res, &err) == 0);
    article_release(&a);
    make_article(&a, 3, "新闻/要闻/今日/更多", "又一来源", "李四");
    free(a.feed_id);
    a.feed_id = xstrdup("tag:example.org,2013-06-05:x");
    CHECK(store_put_article(s, &a, 1700000000, &res, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    CHECK_MSG(strstr(err.msg, "already belongs") != NULL, "%s", err.msg);
    article_release(&a);
    CHECK_INT_EQ(count_groups(s, 0), 3); /* 新闻, 新闻/要闻, .../今日 */
    CHECK_INT_EQ(count_groups(s, 1), 2);
    CHECK_INT_EQ(count_groups(s, 2), 1);
    /* a new article under those names finds them again */
    CHECK(put(s, 4, "新闻/要闻/今日/更多", "又一来源", "李四") == 0);
    CHECK(store_commit(s, &err) == 0);
    CHECK(stored(s, 4, "新闻/要闻/今日/更多", "又一来源", "李四"));
    CHECK_MSG(store_check(s, &err) == 0, "%s", err.msg);
    store_close(s);
}

const struct test tests_store_groups[] = {
    { "groups_after_rollback", groups_after_rollback },
    { "groups_after_rollback_to", groups_after_rollback_to },
    { "groups_past_the_cache", groups_past_the_cache },
    { "rejected_put_leaves_no_groups", rejected_put_leaves_no_groups },
    { NULL, NULL },
};
