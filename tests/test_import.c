/*
 * Tests of `tidings import` as a user runs it: bad input (SPEC 1.6),
 * identity and re-import (SPEC 1.5), per-file atomicity, and a kill -9 in
 * the middle of a large import.  Everything runs the real binary on real
 * files; the store is then read through the store API or the sqlite3
 * shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/store.h"
#include "tidings/xalloc.h"

#define TZ     (8 * 3600)
#define ARG(s) ((char *)(uintptr_t)(s)) /* argv wants char * */

/* write_page: a page of the seed's shape; date may be NULL. */
static int
write_page(const char *path, const char *title, const char *date,
           const char *body)
{
    struct buf b = BUF_INIT;
    int rc;

    buf_appendf(&b, "首页 > 新闻资讯 > 综合新闻\n%s\n满洲里海关 鲁焕新\n",
                title);
    if (date)
        buf_appendf(&b, "发布时间：%s\n", date);
    buf_appendf(&b, "\n%s\n\n相关文章:\nCopyright © 2007-2025 CAOP\n", body);
    rc = test_write(path, b.data, b.len);
    buf_release(&b);
    return rc;
}

static int
has(const struct buf *b, const char *needle)
{
    return strstr(b->data, needle) != NULL;
}

/* store_count: articles in the test's store, or -1. */
static long
store_count(void)
{
    struct store *st = NULL;
    struct store_stats stats;
    struct err err = ERR_INIT;
    long n = -1;

    if (store_open(&st, test_path("tidings.db"), STORE_READONLY, &err) == 0 &&
        store_stats(st, &stats, &err) == 0)
        n = (long)stats.articles;
    store_close(st);
    return n;
}

/* dump: the whole store as SQL text, from the sqlite3 shell. */
static char *
dump(void)
{
    char *argv[] = { ARG("sqlite3"), NULL, ARG(".dump"), NULL };
    struct test_proc p;
    char *out = NULL;

    argv[1] = ARG(test_path("tidings.db"));
    if (test_run(&p, NULL, argv) == 0 && p.status == 0)
        out = buf_detach(&p.out, NULL);
    test_proc_release(&p);
    return out;
}

/* ---- bad input --------------------------------------------------------- */

/* Each kind of bad file is rejected with "tidings: PATH: why"; the good
 * files around it still import and the status is 1. */
static void
bad_files_are_reported(void)
{
    static const unsigned char png[] = { 0x89, 'P',  'N',  'G',  '\r', '\n',
                                         0x1a, '\n', 0x00, 0x00, 0x00, '\r' };
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    CHECK(write_page(test_path("in/a.txt"), "第一篇", "2013-06-05 10:20",
                     "正文一。") == 0);
    CHECK(test_write(test_path("in/b-empty.txt"), "", 0) == 0);
    CHECK(test_write(test_path("in/c-png.txt"), (const char *)png,
                     sizeof(png)) == 0);
    CHECK(test_write_str(test_path("in/d-bad.txt"),
                         "\x80\x80\xff\xfe\xff title\n\nbody\n") == 0);
    CHECK(test_write_str(test_path("in/e-blank.txt"),
                         "\n\xE3\x80\x80\n\xC2\xA0\n") == 0);
    CHECK(write_page(test_path("in/f.txt"), "第二篇", "2013-06-06 10:20",
                     "正文二。") == 0);
    CHECK(test_tidings(&p, "import", test_path("in"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK(has(&p.err, "tidings: ") && has(&p.err, "in/b-empty.txt: empty "
                                                  "file\n"));
    CHECK(has(&p.err, "in/c-png.txt: binary data (NUL byte at offset 8)\n"));
    CHECK(has(&p.err, "in/d-bad.txt: not UTF-8, and as GB18030: byte 0 is "
                      "not valid GB18030\n"));
    CHECK(has(&p.err, "in/e-blank.txt: no text, only white space\n"));
    CHECK(has(&p.err, "2 new, 0 updated, 0 unchanged, 4 rejected\n"));
    CHECK_INT_EQ(p.out.len, 0);
    test_proc_release(&p);
    CHECK_INT_EQ(store_count(), 2);
}

/* A 50 MB single line is refused from its size, before it is read, so
 * it costs no memory; with the limit raised it is read and refused as a
 * page, in memory proportional to it. */
static void
huge_single_line(void)
{
    char chunk[65535], msg[160];
    size_t size = 0, i;
    struct test_proc p;
    FILE *fp;

    CHECK(test_conf(NULL) != NULL);
    for (i = 0; i < sizeof(chunk); i += 3)
        memcpy(chunk + i, "口", 3);
    CHECK((fp = fopen(test_path("huge.txt"), "wb")) != NULL);
    while (size < 50u << 20)
        size += fwrite(chunk, 1, sizeof(chunk), fp);
    CHECK(fclose(fp) == 0);
    CHECK(write_page(test_path("ok.txt"), "正常", "2013-06-05", "正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("huge.txt"), test_path("ok.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    snprintf(msg, sizeof(msg),
             "huge.txt: %zu bytes is larger than the limit of 16777216\n",
             size);
    CHECK_MSG(has(&p.err, msg), "%s", p.err.data);
    CHECK(has(&p.err, "1 new, 0 updated, 0 unchanged, 1 rejected\n"));
    CHECK_MSG(!test_rss_is_measured() || p.maxrss_kb < 32 * 1024,
              "peak RSS %ld KiB for a refused file", p.maxrss_kb);
    test_proc_release(&p);
    if (test_slow())
        return;
    CHECK(test_conf("\n[import]\nmax_file_bytes = 67108864") != NULL);
    CHECK(test_tidings(&p, "import", test_path("huge.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    snprintf(msg, sizeof(msg),
             "huge.txt: line 1: %zu characters is too long for a title\n",
             size / 3);
    CHECK_MSG(has(&p.err, msg), "%s", p.err.data);
    CHECK_MSG(!test_rss_is_measured() || p.maxrss_kb < (long)(4 * size / 1024),
              "peak RSS %ld KiB for a %zu-byte file", p.maxrss_kb, size);
    test_proc_release(&p);
}

/* Paths that are no readable file: a FIFO (which must not block), a
 * dangling link, a missing argument, a device, a loop of links; a
 * subfolder is walked.  The good files still import. */
static void
paths_that_are_not_files(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    CHECK(mkdir(test_path("in/sub"), 0755) == 0);
    CHECK(mkdir(test_path("in/empty.txt"), 0755) == 0);
    CHECK(mkfifo(test_path("in/fifo.txt"), 0644) == 0);
    CHECK(symlink("nowhere.txt", test_path("in/dangling.txt")) == 0);
    CHECK(symlink("..", test_path("in/sub/loop")) == 0);
    CHECK(symlink("/dev/null", test_path("in/null.txt")) == 0);
    CHECK(write_page(test_path("in/sub/a.txt"), "子目录中的文章", "2013-06-05",
                     "正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("in"), test_path("missing.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(has(&p.err, "in/fifo.txt: not a regular file\n"), "%s",
              p.err.data);
    CHECK(has(&p.err, "in/dangling.txt: cannot open: No such file or "
                      "directory\n"));
    CHECK(has(&p.err, "in/null.txt: not a regular file\n"));
    CHECK(has(&p.err, "missing.txt: cannot open: No such file or "
                      "directory\n"));
    CHECK_MSG(has(&p.err, "1 new, 0 updated, 0 unchanged, 4 rejected\n"), "%s",
              p.err.data);
    test_proc_release(&p);
    CHECK_INT_EQ(store_count(), 1);
}

/* A regular file whose read fails (EIO) is reported with the reason,
 * as root too: /proc/self/mem at offset 0 is one. */
static void
read_error(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("ok.txt"), "标题", "2013-06-05", "正文。") == 0);
    CHECK(test_tidings(&p, "import", "/proc/self/mem", test_path("ok.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(has(&p.err, "tidings: /proc/self/mem: cannot read: "
                          "Input/output error\n"),
              "%s", p.err.data);
    CHECK(has(&p.err, "1 new, 0 updated, 0 unchanged, 1 rejected\n"));
    test_proc_release(&p);
}

/* Without root, a file without read permission is reported too. */
static void
unreadable_file(void)
{
    struct test_proc p;

    if (geteuid() == 0)
        SKIP("root reads files without read permission");
    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("secret.txt"), "标题", "2013-06-05", "正文。") ==
          0);
    CHECK(chmod(test_path("secret.txt"), 0) == 0);
    CHECK(test_tidings(&p, "import", test_path("secret.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK(has(&p.err, "secret.txt: cannot open: Permission denied\n"));
    test_proc_release(&p);
}

/* A folder of 10 000 files imports in memory that does not grow with
 * the number of files (the list of names aside). */
static void
ten_thousand_files(void)
{
    long n = test_slow() ? 400 : 10000, i;
    char path[64], title[64], want[96];
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("many"), 0755) == 0);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "many/%05ld.txt", i);
        snprintf(title, sizeof(title), "口岸新闻第%ld号", i);
        CHECK(write_page(test_path("%s", path), title, "2013-06-05 10:20",
                         "满洲里口岸进出境货运量稳步增长，中欧班列开行数量"
                         "持续增加，通关效率进一步提升。") == 0);
    }
    CHECK(test_tidings(&p, "import", test_path("many"), NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    snprintf(want, sizeof(want),
             "%ld new, 0 updated, 0 unchanged, 0 rejected\n", n);
    CHECK_STR_EQ(p.err.data, want);
    CHECK_MSG(!test_rss_is_measured() || p.maxrss_kb < 32 * 1024,
              "peak RSS %ld KiB for %ld files", p.maxrss_kb, n);
    test_proc_release(&p);
    CHECK_INT_EQ(store_count(), n);
}

/* write_slow_page: an HTML page without a date, of about `kib` KiB of
 * paragraphs: slow to parse next to a small page-text file. */
static int
write_slow_page(const char *path, int n, int kib)
{
    struct buf b = BUF_INIT;
    int rc;

    buf_appendf(&b,
                "<html><head><title>慢页%d</title></head><body>"
                "<article><h1>慢页%d</h1>",
                n, n);
    while (b.len < (size_t)kib * 1024)
        buf_puts(&b, "<p>口岸进出境货运量稳步增长，<b>中欧班列</b>开行数量"
                     "持续增加，通关效率进一步提升。</p>\n");
    buf_puts(&b, "</article></body></html>\n");
    rc = test_write(path, b.data, b.len);
    buf_release(&b);
    return rc;
}

/* Files are parsed by several readers at once, but stored and reported
 * in the walk's order: slow HTML pages, quick page-text files and a feed
 * streamed in parts, interleaved in nested folders, each with a warning
 * (no date), come out in strcmp order of their paths. */
static void
readers_keep_the_walk_order(void)
{
    int n = test_slow() ? 60 : 240, i, k, found = 0;
    char path[96], want[128];
    const char *at, *prev = NULL;
    struct buf feed = BUF_INIT;
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0 &&
          mkdir(test_path("in/a"), 0755) == 0);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "in/%s%04d.%s", i % 3 ? "" : "a/", i,
                 i % 4 ? "txt" : "html");
        if (i % 4)
            CHECK(write_page(test_path("%s", path), path, NULL, "正文。") == 0);
        else
            CHECK(write_slow_page(test_path("%s", path), i, 64 + i % 5 * 32) ==
                  0);
    }
    buf_puts(&feed, "<rss version=\"2.0\"><channel><title>t</title>");
    for (k = 0; k < 200; k++)
        buf_appendf(&feed,
                    "<item><guid>g%d</guid><title>条%d</title>"
                    "<description>正文%d。</description></item>",
                    k, k, k);
    buf_puts(&feed, "</channel></rss>\n");
    CHECK(test_write(test_path("in/a/0100.xml"), feed.data, feed.len) == 0);
    buf_release(&feed);
    CHECK(test_tidings(&p, "import", test_path("in"), NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    snprintf(want, sizeof(want), "%d new, 0 updated", n + 200);
    CHECK_MSG(has(&p.err, want), "%s", p.err.data);
    /* every warning names its file; the files must come in order */
    for (at = p.err.data; (at = strstr(at, test_path("in/"))) != NULL;
         at += strlen(test_path("in/"))) {
        const char *end = strchr(at, ':');

        CHECK(end != NULL);
        if (prev != NULL)
            CHECK_MSG(strncmp(prev, at, (size_t)(end - at) + 1) <= 0,
                      "%.*s before %.*s", (int)(strchr(prev, ':') - prev), prev,
                      (int)(end - at), at);
        prev = at;
        found++;
    }
    /* one warning a file: the feed's 200 undated items make one line */
    CHECK_INT_EQ(found, n + 1);
    CHECK_MSG(has(&p.err, "0100.xml: no date found for 200 articles, using "
                          "the file's modification time"),
              "%s", p.err.data);
    test_proc_release(&p);
    CHECK_INT_EQ(store_count(), n + 200);
}

/* No date on the page: --date, else the file's mtime, and a warning per
 * file either way. */
static void
date_fallbacks(void)
{
    struct timespec times[2];
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"), "无日期一", NULL, "正文一。") == 0);
    CHECK(write_page(test_path("b.txt"), "无日期二", NULL, "正文二。") == 0);
    times[0].tv_sec = times[1].tv_sec = 1000000000; /* 2001-09-09 01:46:40Z */
    times[0].tv_nsec = times[1].tv_nsec = 0;
    CHECK(utimensat(AT_FDCWD, test_path("a.txt"), times, 0) == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.err, "tidings: warning: "));
    CHECK(has(&p.err, "a.txt: no date found, using the file's modification "
                      "time 2001-09-09T09:46:40+08:00\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "import", "--date", "2013-06-05", test_path("b.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.err, "b.txt: no date found, using --date "
                      "2013-06-05T00:00:00+08:00\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "-q", "import", "--date", "2013-06-05",
                       test_path("b.txt"), NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 0 updated, 1 unchanged, 0 rejected\n");
    test_proc_release(&p);
}

/* --category names the category of pages without a breadcrumb, in the
 * normal form; --encoding decodes what sniffing would not. */
static void
category_and_encoding_flags(void)
{
    struct test_proc p;
    static const char latin1[] = "Port news\n\nCaf\xe9 opens at the "
                                 "terminal.\n";

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_write_str(test_path("a.txt"), "无面包屑的标题\n\n正文。\n") ==
          0);
    CHECK(test_write_str(test_path("b.txt"), latin1) == 0);
    CHECK(test_tidings(&p, "-q", "import", "--date=2013-06-05", "--category",
                       " 新闻资讯 // 综合新闻/", test_path("a.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "1", NULL) == 0);
    CHECK(has(&p.out, "\ncategory: 新闻资讯/综合新闻\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "-q", "import", "--date=2013-06-05",
                       "--encoding=ISO-8859-1", test_path("b.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "2", NULL) == 0);
    CHECK(has(&p.out, "\n\n<p>Café opens at the terminal.</p>\n"));
    test_proc_release(&p);
}

/* What `make run` imports: every sample is an article (the GB18030 one
 * too), and only the seed, which has no date line, warns. */
static void
samples_import_cleanly(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_tidings(&p, "import", "tests/samples", NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    CHECK_INT_EQ(test_count(p.err.data, "warning:"), 1);
    CHECK(has(&p.err, "000_6f3282650a6999bc.txt: no date found"));
    CHECK(has(&p.err, "7 new, 0 updated, 0 unchanged, 0 rejected\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "list", NULL) == 0);
    CHECK(has(&p.out,
              "\t新闻资讯/地方口岸\t黑河海关\t孙立新\t黑河—布拉戈维申斯克"));
    CHECK(has(&p.out, "caop-2018-1120\t2018-11-20T15:00:00+08:00\t协会动态\t"
                      "中国口岸协会\t国际合作部\t"));
    test_proc_release(&p);
}

/* ---- identity and re-import (SPEC 1.5) --------------------------------- */

static void
reimport_changes_nothing(void)
{
    struct test_proc p;
    char *before, *after;

    CHECK(test_have("sqlite3"));
    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"), "标题", "2013-06-05 10:20",
                     "正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    CHECK_STR_EQ(p.err.data, "1 new, 0 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK((before = dump()) != NULL);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK_STR_EQ(p.err.data, "0 new, 0 updated, 1 unchanged, 0 rejected\n");
    test_proc_release(&p);
    after = dump();
    CHECK_MSG(after != NULL && strcmp(before, after) == 0,
              "the store changed on a re-import");
    free(before);
    free(after);
}

/* show: the "key: value" lines of `tidings show REF` into out. */
static int
show(const char *ref, struct buf *out)
{
    struct test_proc p;
    int rc;

    rc = test_tidings(&p, "show", ref, NULL) == 0 && p.status == 0 ? 0 : -1;
    buf_reset(out);
    buf_append(out, p.out.data, p.out.len);
    test_proc_release(&p);
    return rc;
}

/* field: the value of "name: value" in show's output, copied. */
static char *
field(const struct buf *shown, const char *name)
{
    char key[64];
    const char *p;

    snprintf(key, sizeof(key), "\n%s: ", name);
    if ((p = strstr(shown->data, key)) == NULL)
        return xstrdup("");
    p += strlen(key);
    return xmemdup(p, strcspn(p, "\n"));
}

/* Editing the body updates the article in place: same row, feed id and
 * slug; `updated` moves; nothing else is added. */
static void
edit_updates_in_place(void)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    struct test_proc p;
    char *slug = NULL;
    int same_ids;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"), "标题", "2013-06-05 10:20",
                     "旧的正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "list", NULL) == 0);
    slug = xmemdup(p.out.data, strcspn(p.out.data, "\t"));
    test_proc_release(&p);
    CHECK(show(slug, &a) == 0);
    CHECK(write_page(test_path("a.txt"), "标题", "2013-06-05 10:20",
                     "新的正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 1 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK(show(slug, &b) == 0);
    free(slug);
    same_ids = strncmp(a.data, b.data, strcspn(a.data, "\n")) == 0 &&
               strstr(b.data, "<p>新的正文。</p>") != NULL;
    CHECK_MSG(same_ids, "%s", b.data);
    {
        char *f1 = field(&a, "feed_id"), *f2 = field(&b, "feed_id");
        char *u1 = field(&a, "updated"), *u2 = field(&b, "updated");
        char *p1 = field(&a, "published"), *p2 = field(&b, "published");
        int ok = strcmp(f1, f2) == 0 && *f1 && strcmp(u1, u2) < 0 &&
                 strcmp(p1, p2) == 0;

        free(f1), free(f2), free(u1), free(u2), free(p1), free(p2);
        CHECK_MSG(ok, "before:\n%s\nafter:\n%s", a.data, b.data);
    }
    buf_release(&a);
    buf_release(&b);
    CHECK_INT_EQ(store_count(), 1);
}

/* The feed id is minted once: moving the date (which the tag: URI holds)
 * updates the article and keeps its feed id. */
static void
feed_id_is_minted_once(void)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    struct test_proc p;
    char *f1, *f2, *pub;
    int same_id;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"), "标题", "2013-06-05", "正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    test_proc_release(&p);
    CHECK(write_page(test_path("a.txt"), "标题", "2014-01-01", "正文。") == 0);
    CHECK(test_tidings(&p, "import", test_path("a.txt"), NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 1 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK(show("1", &b) == 0);
    f2 = field(&b, "feed_id");
    pub = field(&b, "published");
    CHECK(write_page(test_path("c.txt"), "另一篇", "2014-01-01", "正文。") ==
          0);
    CHECK(test_tidings(&p, "import", test_path("c.txt"), NULL) == 0);
    test_proc_release(&p);
    CHECK(show("2", &a) == 0);
    f1 = field(&a, "feed_id");
    same_id = strncmp(f2, "tag:www.example.org,2013-06-05:", 31) == 0 &&
              strncmp(f1, "tag:www.example.org,2014-01-01:", 31) == 0 &&
              strcmp(pub, "2014-01-01T00:00:00+08:00") == 0;
    free(f1), free(f2), free(pub);
    buf_release(&a);
    buf_release(&b);
    CHECK(same_id);
}

/* write_identified: a.txt with a front-matter id, b.txt with a url. */
static int
write_identified(const char *category, const char *title_a, const char *title_b)
{
    char a[512], b[512];

    snprintf(a, sizeof(a),
             "---\nid: caop-2013-0412\n---\n首页 > %s\n%s\n\n正文。\n",
             category, title_a);
    snprintf(b, sizeof(b),
             "---\nurl: https://www.example.org/n/1.html\n---\n首页 > 新闻\n"
             "%s\n\n正文。\n",
             title_b);
    return test_write_str(test_path("a.txt"), a) < 0 ||
                   test_write_str(test_path("b.txt"), b) < 0
               ? -1
               : 0;
}

/* Front-matter id and url are identities: a changed title or category
 * updates the same article, whose slug is the id. */
static void
front_matter_identity(void)
{
    struct buf shown = BUF_INIT;
    struct test_proc p;
    char *feed;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_identified("新闻", "旧标题", "旧标题二") == 0);
    CHECK(test_tidings(&p, "import", "--date", "2013-06-05", test_path("a.txt"),
                       test_path("b.txt"), NULL) == 0);
    CHECK(has(&p.err, "2 new, 0 updated, 0 unchanged, 0 rejected\n"));
    test_proc_release(&p);
    CHECK(write_identified("协会动态", "新标题", "新标题二") == 0);
    CHECK(test_tidings(&p, "-q", "import", "--date", "2013-06-05",
                       test_path("a.txt"), test_path("b.txt"), NULL) == 0);
    CHECK_STR_EQ(p.err.data, "0 new, 2 updated, 0 unchanged, 0 rejected\n");
    test_proc_release(&p);
    CHECK(show("caop-2013-0412", &shown) == 0);
    CHECK(strstr(shown.data, "\ntitle: 新标题\n") != NULL);
    CHECK(strstr(shown.data, "\ncategory: 协会动态\n") != NULL);
    CHECK(strstr(shown.data, "\nkey: id:caop-2013-0412\n") != NULL);
    CHECK(show("https://www.example.org/n/1.html", &shown) == 0);
    feed = field(&shown, "feed_id");
    CHECK_STR_EQ(feed, "https://www.example.org/n/1.html");
    free(feed);
    CHECK(strstr(shown.data, "\ntitle: 新标题二\n") != NULL);
    buf_release(&shown);
    CHECK_INT_EQ(store_count(), 2);
}

/* ---- atomicity (SPEC 1.6) ---------------------------------------------- */

/* A bad file in the middle of a batch: the others are in, it is out,
 * and nothing it wrote before failing (a new category) is left. */
static void
bad_file_mid_batch(void)
{
    struct test_proc p;
    struct store_stats st;
    struct store *s = NULL;
    struct err err = ERR_INIT;

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    CHECK(test_write_str(test_path("in/1.txt"),
                         "---\nid: one\nurl: https://x.org/1\n---\n"
                         "首页 > 甲\n标题一\n\n正文一。\n") == 0);
    CHECK(test_write_str(test_path("in/2.txt"),
                         "---\npublished: 2013-13-45\n---\n首页 > 乙\n标题二\n"
                         "\n正文二。\n") == 0);
    CHECK(test_write_str(test_path("in/3.txt"),
                         "---\nurl: https://x.org/1\n---\n首页 > 丙\n标题三\n\n"
                         "正文三。\n") == 0);
    CHECK(test_write_str(test_path("in/4.txt"),
                         "首页 > 丁\n标题四\n\n正文四。\n") == 0);
    CHECK(test_tidings(&p, "-q", "import", "--date", "2013-06-05",
                       test_path("in"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK(has(&p.err, "in/2.txt: line 2: '2013-13-45' is not a date\n"));
    CHECK_MSG(has(&p.err, "in/3.txt: line 1: feed id 'https://x.org/1' "
                          "already belongs to another article\n"),
              "%s", p.err.data);
    CHECK(has(&p.err, "2 new, 0 updated, 0 unchanged, 2 rejected\n"));
    test_proc_release(&p);
    CHECK(store_open(&s, test_path("tidings.db"), STORE_READONLY, &err) == 0);
    CHECK(store_stats(s, &st, &err) == 0);
    store_close(s);
    CHECK_INT_EQ(st.articles, 2);
    CHECK_INT_EQ(st.categories, 2); /* 甲 and 丁; not 丙 */
}

/* ---- kill -9 ----------------------------------------------------------- */

struct verify {
    long articles, bad;
    char why[256];
};

/* verify_article: every stored article is whole: its hash matches its
 * fields, and it has a title, a body and a summary. */
static int
verify_article(const struct article *a, void *arg)
{
    struct verify *v = arg;
    struct article copy;

    article_init(&copy);
    article_set(&copy.url, a->url);
    article_set(&copy.title, a->title);
    article_set(&copy.summary, a->summary);
    article_set(&copy.body, a->body);
    article_set(&copy.category, a->category);
    article_set(&copy.source, a->source);
    article_set(&copy.author, a->author);
    copy.published = a->published;
    article_compute_hash(&copy);
    v->articles++;
    if (strcmp(copy.hash, a->hash) != 0 || a->title == NULL ||
        a->body == NULL || strstr(a->body, "</p>") == NULL ||
        a->summary == NULL || a->published == 0) {
        v->bad++;
        snprintf(v->why, sizeof(v->why), "article %lld (%s) is not whole",
                 (long long)a->id, a->slug);
    }
    article_release(&copy);
    return 0;
}

static int
verify_store(struct verify *v, struct err *err)
{
    struct store *s = NULL;
    int rc = -1;

    memset(v, 0, sizeof(*v));
    if (store_open(&s, test_path("tidings.db"), STORE_READONLY, err) == 0 &&
        store_check(s, err) == 0 &&
        store_each_article(s, 1, verify_article, v, err) == 0)
        rc = 0;
    store_close(s);
    return rc;
}

static void
nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* make_corpus: n pages of about 6 KB in DIR. */
static int
make_corpus(const char *dir, long n)
{
    struct buf body = BUF_INIT;
    char path[64], title[64];
    long i;
    int rc = 0;

    for (i = 0; i < 40; i++)
        buf_puts(&body, "满洲里口岸进出境货运量稳步增长，通关效率提升。");
    if (mkdir(test_path("%s", dir), 0755) < 0)
        rc = -1;
    for (i = 0; i < n && rc == 0; i++) {
        snprintf(path, sizeof(path), "%s/%05ld.txt", dir, i);
        snprintf(title, sizeof(title), "口岸新闻第%ld号", i);
        rc = write_page(test_path("%s", path), title, "2013-06-05 10:20",
                        body.data);
    }
    buf_release(&body);
    return rc;
}

/* wait_for_articles: polls the store until it holds at least min
 * articles or the child exits or time runs out; returns the count. */
static long
wait_for_articles(pid_t pid, long min, long ms)
{
    long n = 0, waited;

    for (waited = 0; waited < ms; waited += 10) {
        if ((n = store_count()) >= min || kill(pid, 0) < 0)
            break;
        nap(10);
    }
    return n;
}

/* A kill -9 in the middle of a large import leaves a store that passes
 * integrity_check and holds only whole batches of whole articles; the
 * same import run again completes it. */
static void
kill_during_import(void)
{
    long n = test_slow() ? 300 : 3000, batch = 25, seen, left;
    char *args[] = { ARG("-q"), ARG("import"), NULL, NULL };
    char *argv[] = { ARG("sqlite3"), NULL, ARG("PRAGMA integrity_check"),
                     NULL };
    char extra[64], want[96];
    struct test_proc p;
    struct verify v;
    struct err err = ERR_INIT;
    int status;
    pid_t pid;

    CHECK(test_have("sqlite3"));
    snprintf(extra, sizeof(extra), "\n[import]\nbatch_files = %ld", batch);
    CHECK(test_conf(extra) != NULL);
    CHECK(make_corpus("corpus", n) == 0);
    args[2] = ARG(test_path("corpus"));
    CHECK((pid = test_tidings_spawn(args, -1)) > 0);
    seen = wait_for_articles(pid, n / 5, 60000);
    kill(pid, SIGKILL);
    CHECK(test_wait(pid, &status, NULL) == 0);
    CHECK_MSG(status == 128 + SIGKILL,
              "the import ended (status %d) before the kill", status);
    CHECK_MSG(seen >= n / 5, "only %ld articles after 60 s", seen);
    argv[1] = ARG(test_path("tidings.db"));
    CHECK(test_run(&p, NULL, argv) == 0);
    CHECK_STR_EQ(p.out.data, "ok\n");
    test_proc_release(&p);
    CHECK_MSG(verify_store(&v, &err) == 0, "%s", err.msg);
    CHECK_MSG(v.bad == 0, "%s", v.why);
    CHECK_MSG(v.articles % batch == 0 && v.articles < n,
              "%ld articles: not whole batches of %ld", v.articles, batch);
    left = n - v.articles;
    CHECK(test_tidings(&p, "import", test_path("corpus"), NULL) == 0);
    snprintf(want, sizeof(want),
             "%ld new, 0 updated, %ld unchanged, 0 rejected\n", left,
             v.articles);
    CHECK_STR_EQ(p.err.data, want);
    test_proc_release(&p);
    CHECK_MSG(verify_store(&v, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(v.articles, n);
    CHECK_INT_EQ(v.bad, 0);
}

const struct test tests_import[] = {
    { "bad_files_are_reported", bad_files_are_reported },
    { "huge_single_line", huge_single_line },
    { "paths_that_are_not_files", paths_that_are_not_files },
    { "read_error", read_error },
    { "unreadable_file", unreadable_file },
    { "ten_thousand_files", ten_thousand_files },
    { "readers_keep_the_walk_order", readers_keep_the_walk_order },
    { "date_fallbacks", date_fallbacks },
    { "category_and_encoding_flags", category_and_encoding_flags },
    { "samples_import_cleanly", samples_import_cleanly },
    { "reimport_changes_nothing", reimport_changes_nothing },
    { "edit_updates_in_place", edit_updates_in_place },
    { "feed_id_is_minted_once", feed_id_is_minted_once },
    { "front_matter_identity", front_matter_identity },
    { "bad_file_mid_batch", bad_file_mid_batch },
    { "kill_during_import", kill_during_import },
    { NULL, NULL },
};
