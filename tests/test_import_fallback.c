/*
 * Tests of the date fallback (SPEC 1.1: --date, else the file's mtime, for
 * a page with no date of its own) across imports: an article stored once
 * keeps the date it was stored with, so importing the same undated file
 * after its mtime moved (a copy, a checkout, a touch) changes nothing.
 * The real binary on real files; the store read back with `tidings show`.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"

static int
has(const struct buf *b, const char *needle)
{
    return strstr(b->data, needle) != NULL;
}

/* set_mtime: the file's modification time, in seconds since the epoch. */
static int
set_mtime(const char *path, time_t t)
{
    struct timespec times[2];

    times[0].tv_sec = times[1].tv_sec = t;
    times[0].tv_nsec = times[1].tv_nsec = 0;
    return utimensat(AT_FDCWD, path, times, 0);
}

/* published: the stored article's published line, into out. */
static int
published(char *out, size_t cap)
{
    struct test_proc p;
    const char *line;
    int rc = -1;

    if (test_tidings(&p, "show", "1", NULL) == 0 && p.status == 0 &&
        (line = strstr(p.out.data, "\npublished: ")) != NULL) {
        snprintf(out, cap, "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
        rc = 0;
    }
    test_proc_release(&p);
    return rc;
}

static void
undated_reimport_keeps_date(void)
{
    const char *page = test_path("a.txt");
    struct test_proc p;
    char first[64], now[64];

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_write_str(page,
                         "首页 > 新闻资讯\n无日期的文章\n满洲里海关 鲁焕新\n"
                         "\n正文。\n") == 0);
    CHECK(set_mtime(page, 1000000000) == 0); /* 2001-09-09T09:46:40+08:00 */
    CHECK(test_tidings(&p, "import", page, NULL) == 0);
    CHECK(has(&p.err, "a.txt: no date found, using the file's modification "
                      "time 2001-09-09T09:46:40+08:00\n"));
    CHECK(has(&p.err, "1 new, 0 updated, 0 unchanged, 0 rejected\n"));
    test_proc_release(&p);
    CHECK(published(first, sizeof(first)) == 0);
    CHECK_STR_EQ(first, "published: 2001-09-09T09:46:40+08:00");
    /* touched: the same article, its stored date kept, nothing changed */
    CHECK(set_mtime(page, 1577808000) == 0); /* 2020-01-01T00:00:00+08:00 */
    CHECK(test_tidings(&p, "import", page, NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.err, "a.txt: no date found, using the file's modification "
                      "time 2020-01-01T00:00:00+08:00\n"));
    CHECK(has(&p.err, "a.txt: already stored: keeping its date "
                      "2001-09-09T09:46:40+08:00\n"));
    CHECK(has(&p.err, "0 new, 0 updated, 1 unchanged, 0 rejected\n"));
    test_proc_release(&p);
    CHECK(published(now, sizeof(now)) == 0);
    CHECK_STR_EQ(now, first);
    /* --date is a fallback too */
    CHECK(test_tidings(&p, "-q", "import", "--date", "2015-03-04", page,
                       NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 0 updated, 1 unchanged, 0 rejected\n");
    test_proc_release(&p);
    /* an edit updates the article, still with its stored date */
    CHECK(test_write_str(page,
                         "首页 > 新闻资讯\n无日期的文章\n满洲里海关 鲁焕新\n"
                         "\n改过的正文。\n") == 0);
    CHECK(test_tidings(&p, "-q", "import", page, NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 1 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK(published(now, sizeof(now)) == 0);
    CHECK_STR_EQ(now, first);
}

/* A date the page gives wins over the stored one, as any edit does. */
static void
page_date_still_moves_it(void)
{
    const char *page = test_path("a.txt");
    struct test_proc p;
    char now[64];

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_write_str(page, "首页 > 新闻资讯\n文章\n满洲里海关 鲁焕新\n"
                               "\n正文。\n") == 0);
    CHECK(test_tidings(&p, "-q", "import", "--date", "2015-03-04", page,
                       NULL) == 0);
    test_proc_release(&p);
    CHECK(test_write_str(page, "首页 > 新闻资讯\n文章\n满洲里海关 鲁焕新\n"
                               "发布时间：2013-06-05 10:20\n\n正文。\n") == 0);
    CHECK(test_tidings(&p, "import", page, NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 1 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK(published(now, sizeof(now)) == 0);
    CHECK_STR_EQ(now, "published: 2013-06-05T10:20:00+08:00");
}

const struct test tests_import_fallback[] = {
    { "undated_reimport_keeps_date", undated_reimport_keeps_date },
    { "page_date_still_moves_it", page_date_still_moves_it },
    { NULL, NULL },
};
