/*
 * Tests of the store's schema versions (PRAGMA user_version): a store an
 * older tidings left is migrated forward with its articles kept, and a
 * store a newer tidings wrote is refused, by every command, before
 * anything reads or writes it.  The old store is built with the sqlite3
 * shell from the migrations themselves (store_migration_sql), as the
 * older tidings built it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/store.h"

#define ARG(s) ((char *)(uintptr_t)(s)) /* argv wants char * */

static int
has(const struct buf *b, const char *needle)
{
    return strstr(b->data, needle) != NULL;
}

/* sql: runs the SQL text with the sqlite3 shell on the test's store and
 * returns its output (caller frees), or NULL when the shell failed. */
static char *
sql(const char *text)
{
    char *argv[] = { ARG("sqlite3"), NULL, NULL };
    struct test_proc p;
    char *out = NULL;

    argv[1] = ARG(test_path("tidings.db"));
    if (test_run(&p, text, argv) == 0 && p.status == 0 && p.err.len == 0)
        out = buf_detach(&p.out, NULL);
    test_proc_release(&p);
    return out;
}

/* make_store: a store at schema `version`, as the tidings of that version
 * left it, holding one article. */
static int
make_store(int version)
{
    struct buf b = BUF_INIT;
    char *out;
    int v;

    for (v = 1; v <= version; v++)
        buf_appendf(&b, "%s\n", store_migration_sql(v));
    buf_appendf(
        &b,
        "INSERT INTO categories VALUES(1, NULL, '新闻资讯', '新闻资讯');"
        "INSERT INTO sources VALUES(1, '满洲里海关');"
        "INSERT INTO authors VALUES(1, '鲁焕新');"
        "INSERT INTO articles VALUES(1, 'hash:old', "
        "'tag:www.example.org,2013-06-05:old', 'old', NULL, '旧文章', "
        "'旧摘要。', '<p>旧正文。</p>', 1, 1, 1, 1370398800, 1370398800, "
        "'0123456789abcdef', 'old.txt', 1370398800, 1370398800, 0);"
        "PRAGMA user_version = %d;\n",
        version);
    out = sql(b.data);
    buf_release(&b);
    free(out);
    return out != NULL ? 0 : -1;
}

static int
write_page(const char *path)
{
    return test_write_str(path, "首页 > 新闻资讯\n新文章\n满洲里海关 鲁焕新\n"
                                "发布时间：2013-06-06 10:20\n\n新正文。\n");
}

/* A version-1 store opens migrated to the current version: the user
 * version moves, the newer tables are there, the article is kept, and
 * the store imports and builds as a new one does. */
static void
old_store_is_migrated(void)
{
    struct test_proc p;
    char want[32], *out;

    CHECK(test_have("sqlite3"));
    CHECK(store_migration_sql(1) != NULL);
    CHECK(store_migration_sql(0) == NULL);
    CHECK(store_migration_sql(store_schema_version() + 1) == NULL);
    CHECK(test_conf(NULL) != NULL);
    CHECK(make_store(1) == 0);
    CHECK((out = sql("PRAGMA user_version;")) != NULL);
    CHECK_STR_EQ(out, "1\n");
    free(out);
    CHECK(write_page(test_path("new.txt")) == 0);
    CHECK(test_tidings(&p, "import", test_path("new.txt"), NULL) == 0);
    CHECK_MSG(p.status == 0, "%d %s", p.status, p.err.data);
    test_proc_release(&p);
    CHECK((out = sql("PRAGMA user_version;")) != NULL);
    snprintf(want, sizeof(want), "%d\n", store_schema_version());
    CHECK_STR_EQ(out, want);
    free(out);
    CHECK((out = sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                     "AND name IN ('feeds', 'archive') ORDER BY name;")) !=
          NULL);
    CHECK_STR_EQ(out, "archive\nfeeds\n");
    free(out);
    CHECK(test_tidings(&p, "list", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.out, "旧文章") && has(&p.out, "新文章"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "build", NULL) == 0);
    CHECK_MSG(p.status == 0, "%d %s", p.status, p.err.data);
    test_proc_release(&p);
}

/* A store whose user version is newer than this tidings knows is refused
 * with the two versions named, by writers and readers alike, and left as
 * it was. */
static void
newer_store_is_refused(void)
{
    const char *commands[][2] = {
        { "import", NULL }, { "list", NULL }, { "show", "1" },
        { "stats", NULL },  { "rm", "1" },    { "build", NULL },
    };
    struct test_proc p;
    char want[600], version[40], page[512], *before, *after;
    size_t i;
    int newer = store_schema_version() + 1;

    CHECK(test_have("sqlite3"));
    CHECK(test_conf(NULL) != NULL);
    CHECK(make_store(store_schema_version()) == 0);
    snprintf(version, sizeof(version), "PRAGMA user_version = %d;", newer);
    CHECK((after = sql(version)) != NULL);
    free(after);
    CHECK(write_page(test_path("new.txt")) == 0);
    snprintf(page, sizeof(page), "%s", test_path("new.txt"));
    commands[0][1] = page;
    CHECK((before = sql(".dump")) != NULL);
    snprintf(want, sizeof(want),
             "tidings: store '%s': schema version %d is newer than this "
             "tidings (%d)\n",
             test_path("tidings.db"), newer, store_schema_version());
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        CHECK(test_tidings(&p, commands[i][0], commands[i][1], NULL) == 0);
        CHECK_MSG(p.status == 1 && strcmp(p.err.data, want) == 0, "%s: %d '%s'",
                  commands[i][0], p.status, p.err.data);
        CHECK_INT_EQ(p.out.len, 0);
        test_proc_release(&p);
    }
    after = sql(".dump");
    CHECK_MSG(after != NULL && strcmp(before, after) == 0,
              "a refused store changed");
    free(before);
    free(after);
}

const struct test tests_store_schema[] = {
    { "old_store_is_migrated", old_store_is_migrated },
    { "newer_store_is_refused", newer_store_is_refused },
    { NULL, NULL },
};
