/*
 * Tests of the site as `tidings build` writes it, end to end through the
 * real binary: golden files, validation by xmllint (well-formedness, the
 * RFC 4287 schema) and by a real feed reader (Debian's python3-feedparser),
 * determinism across runs, zones and locales, the static mirror's file
 * handling (mtimes, removals, a build killed half-way), incremental
 * rendering, archive placement, budgets, and `tidings check`.
 *
 * The corpus is the seed page (imported with a fixed --date) and the
 * pages in tests/golden/input (dated by front matter), so every byte of
 * the output is fixed.  `make check UPDATE=1` rewrites tests/golden/site
 * from the current build, for review.
 */
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/render_json.h"
#include "tidings/store.h"

#define SEED_DATE "2013-06-05T10:20:00+08:00"
#define GOLDEN    "tests/golden/site"
#define SCHEMA    "tests/schemas/atom.rng"
#define BASE      "https://www.example.org"

/* sh: runs a shell command (printf-style) in the repository root; returns
 * its exit status, and its output in *out when out is set. */
static int sh(struct buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
sh(struct buf *out, const char *fmt, ...)
{
    struct buf cmd = BUF_INIT;
    struct test_proc p;
    char *argv[4];
    va_list ap;
    int status;

    va_start(ap, fmt);
    buf_vappendf(&cmd, fmt, ap);
    va_end(ap);
    argv[0] = (char *)(uintptr_t) "sh";
    argv[1] = (char *)(uintptr_t) "-c";
    argv[2] = cmd.data;
    argv[3] = NULL;
    if (test_run(&p, NULL, argv) < 0)
        status = -1;
    else
        status = p.status;
    if (out != NULL) {
        buf_append(out, p.out.data, p.out.len);
        buf_append(out, p.err.data, p.err.len);
    }
    test_proc_release(&p);
    buf_release(&cmd);
    return status;
}

/* corpus: a configuration with extra [site] lines and the store filled
 * with the seed and the golden input pages. */
static int
corpus(const char *extra)
{
    struct test_proc p;
    int rc;

    if (test_conf(extra) == NULL)
        return -1;
    test_tidings(&p, "import", "--date", SEED_DATE,
                 "tests/samples/000_6f3282650a6999bc.txt", "tests/golden/input",
                 NULL);
    rc = p.status == 0 ? 0 : -1;
    if (rc < 0)
        printf("import: %s\n", p.err.data);
    test_proc_release(&p);
    return rc;
}

/* build: runs `tidings build ARGS...`; returns its exit status and keeps
 * its stderr (the counts) in out. */
static int
build(struct buf *out, const char *arg, ...)
{
    char *args[16];
    struct test_proc p;
    int n = 0, status;
    va_list ap;

    args[n++] = (char *)(uintptr_t) "build";
    va_start(ap, arg);
    for (; arg != NULL && n < 15; arg = va_arg(ap, const char *))
        args[n++] = (char *)(uintptr_t)arg;
    va_end(ap);
    args[n] = NULL;
    test_tidings_argv(&p, args);
    status = p.status;
    if (out != NULL)
        buf_append(out, p.err.data, p.err.len);
    if (status != 0)
        printf("build: %s\n", p.err.data);
    test_proc_release(&p);
    return status;
}

/* import_file_at: imports the file NAME of the test folder. */
static int
import_file_at(const char *name)
{
    struct test_proc p;
    int status;

    test_tidings(&p, "import", test_path("%s", name), NULL);
    status = p.status;
    test_proc_release(&p);
    return status;
}

static int
import_file(const char *name, const char *text)
{
    if (test_write_str(test_path("%s", name), text) < 0)
        return -1;
    return import_file_at(name);
}

static int64_t
mtime_of(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
}

/* ---- golden files and validation ---------------------------------------- */

static void
golden(void)
{
    struct buf diff = BUF_INIT;
    int rc;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    if (getenv("TIDINGS_UPDATE") &&
        strcmp(getenv("TIDINGS_UPDATE"), "1") == 0) {
        CHECK(sh(NULL,
                 "rm -rf %s && mkdir -p %s && cp -r %s/feeds/. %s/ && "
                 "find %s -name '*.gz' -delete && rm -f %s/.tidings-manifest "
                 "%s/.tidings-lock",
                 GOLDEN, GOLDEN, test_dir(), GOLDEN, GOLDEN, GOLDEN,
                 GOLDEN) == 0);
        SKIP("golden files rewritten (UPDATE=1): review them with git diff");
    }
    rc = sh(&diff,
            "diff -r -x '*.gz' -x .tidings-manifest -x .tidings-lock %s "
            "%s/feeds | head -40",
            GOLDEN, test_dir());
    CHECK(rc == 0);
    CHECK_MSG(diff.len == 0, "site differs from %s:\n%s", GOLDEN, diff.data);
    buf_release(&diff);
}

static void
wellformed_and_valid(void)
{
    struct buf out = BUF_INIT;

    if (!test_have("xmllint"))
        SKIP("xmllint is not installed");
    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK_MSG(sh(&out,
                 "cd %s/feeds && xmllint --noout $(find . -name '*.xml' -o "
                 "-name '*.opml' -o -name '*.xsl')",
                 test_dir()) == 0,
              "xmllint: %s", out.data);
    buf_reset(&out);
    /* every Atom document: current feeds and archive pages */
    CHECK_MSG(sh(&out,
                 "cd %s/feeds && xmllint --noout --relaxng $OLDPWD/%s "
                 "$(find . -name '*.xml' ! -name rss.xml) 2>&1",
                 test_dir(), SCHEMA) == 0,
              "relaxng: %s", out.data);
    CHECK_MSG(test_count(out.data, " validates") == 33, "%s", out.data);
    CHECK(test_count(out.data, "fails") == 0);
    /* the OPML head holds only what the W3C validator's rules know */
    CHECK(sh(NULL, "grep -q '<docs>' %s/feeds/feeds.opml", test_dir()) == 1);
    buf_reset(&out);
    CHECK_MSG(
        sh(&out,
           "cd %s/feeds && for f in $(find . -name feed.json); do "
           "command -p python3 -m json.tool $f >/dev/null || exit 1; done",
           test_dir()) == 0,
        "json: %s", out.data);
    buf_release(&out);
}

static int
expect_article(const struct article *a, void *arg)
{
    struct buf *b = arg;

    buf_puts(b, b->len > 1 ? ",\n{" : "\n{");
    buf_puts(b, "\"feed_id\": ");
    render_json_string(b, a->feed_id);
    buf_puts(b, ", \"title\": ");
    render_json_string(b, a->title);
    buf_puts(b, ", \"author\": ");
    a->author ? render_json_string(b, a->author) : (void)buf_puts(b, "null");
    buf_puts(b, ", \"source\": ");
    a->source ? render_json_string(b, a->source) : (void)buf_puts(b, "null");
    buf_puts(b, ", \"category\": ");
    a->category ? render_json_string(b, a->category)
                : (void)buf_puts(b, "null");
    buf_puts(b, ", \"link\": ");
    if (a->url != NULL)
        render_json_string(b, a->url);
    else
        buf_appendf(b, "\"" BASE "/articles/%s.html\"", a->slug);
    buf_puts(b, ", \"summary\": ");
    a->summary ? render_json_string(b, a->summary) : (void)buf_puts(b, "null");
    buf_appendf(b, ", \"published\": %lld, \"updated\": %lld}",
                (long long)a->published, (long long)a->updated);
    return 0;
}

/* expectations: the store's articles as feedcheck.py reads them. */
static int
expectations(const char *path)
{
    struct store *s = NULL;
    struct err err = ERR_INIT;
    struct buf b = BUF_INIT;
    int rc;

    if (store_open(&s, test_path("tidings.db"), STORE_READONLY, &err) < 0)
        return -1;
    buf_putc(&b, '[');
    rc = store_each_article(s, 1, expect_article, &b, &err);
    buf_puts(&b, "\n]\n");
    store_close(s);
    if (rc == 0)
        rc = test_write(path, b.data, b.len);
    buf_release(&b);
    return rc;
}

static void
feedparser_reads_it(void)
{
    struct buf out = BUF_INIT;
    int rc;

    if (sh(NULL, "command -p python3 -c 'import feedparser' 2>/dev/null") != 0)
        SKIP("Debian's python3-feedparser is not installed");
    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK(expectations(test_path("expected.json")) == 0);
    rc = sh(&out, "command -p python3 tests/feedcheck.py %s/feeds %s 3",
            test_dir(), test_path("expected.json"));
    CHECK_MSG(rc == 0, "feedcheck: %s", out.data);
    CHECK_MSG(strstr(out.data, "14 feeds, 19 archive pages, 0 problems") !=
                  NULL,
              "%s", out.data);
    buf_release(&out);
}

/* ---- determinism -------------------------------------------------------- */

static int
build_env(const char *tz, const char *lc, const char *dir)
{
    return sh(NULL, "env TZ=%s LC_ALL=%s %s -c %s build --out %s 2>/dev/null",
              tz, lc, getenv("TIDINGS") ? getenv("TIDINGS") : "./tidings",
              test_path("tidings.conf"), dir);
}

static void
deterministic(void)
{
    struct buf diff = BUF_INIT;

    CHECK(corpus(NULL) == 0);
    CHECK(build(NULL, "--out", test_path("a"), NULL) == 0);
    CHECK(build(NULL, "--out", test_path("b"), "--full", NULL) == 0);
    CHECK(build_env("America/New_York", "C", test_path("ny")) == 0);
    CHECK(build_env("Asia/Shanghai", "C.UTF-8", test_path("sh")) == 0);
    CHECK_MSG(sh(&diff, "cd %s && diff -r a b && diff -r ny sh && diff -r a sh",
                 test_dir()) == 0,
              "builds differ:\n%.2000s", diff.data);
    buf_release(&diff);
}

/* ---- the static mirror -------------------------------------------------- */

static const char new_article[] =
    "---\npublished: 2013-06-07T08:00:00+08:00\n---\n"
    "首页 > 新闻资讯 > 行业动态\n二连浩特口岸开通新线路\n满洲里海关 鲁焕新\n\n"
    "新线路于6月7日开通，每周往返三班。\n";

/* age: sets every file below the site to an old mtime, so that a file
 * written again is seen. */
static int
age(void)
{
    return sh(NULL, "find %s/feeds -type f -exec touch -d @1000000000 {} +",
              test_dir());
}

static void
unchanged_files_keep_mtime(void)
{
    struct buf out = BUF_INIT;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK(age() == 0);
    CHECK(build(&out, NULL) == 0);
    CHECK_MSG(strstr(out.data, "70 documents: 0 rendered, 70 reused\n"
                               "0 written, 70 unchanged, 0 removed") != NULL,
              "%s", out.data);
    CHECK(import_file("new.txt", new_article) == 0);
    buf_reset(&out);
    CHECK(build(&out, NULL) == 0);
    /* the article's page, 5 feeds x 3 formats, 8 archive pages */
    CHECK_MSG(strstr(out.data, "74 documents: 24 rendered, 50 reused\n") !=
                  NULL,
              "%s", out.data);
    CHECK(strstr(out.data, "24 written, 50 unchanged, 0 removed") != NULL);
    CHECK(mtime_of(test_path("feeds/rss.xml")) > 1000000000);
    CHECK(mtime_of(test_path("feeds/category/news/general/rss.xml")) ==
          1000000000);
    CHECK(mtime_of(test_path("feeds/author/john-smith/atom.xml")) ==
          1000000000);
    CHECK(mtime_of(test_path("feeds/archive/1.xml")) == 1000000000);
    CHECK(mtime_of(test_path("feeds/index.html")) == 1000000000);
    CHECK(mtime_of(test_path("feeds/articles/caop-2013-0412.html")) ==
          1000000000);
    buf_release(&out);
}

/* two_folders_one_store: a build takes over only what its own folder
 * holds.  A folder built before an import, built again after a second
 * folder has rendered the import (the store's rows already hold the new
 * documents), gets them too, and both end byte for byte as a full
 * build. */
static void
two_folders_one_store(void)
{
    struct buf out = BUF_INIT, diff = BUF_INIT;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, "--out", test_path("a"), NULL) == 0);
    CHECK(import_file("new.txt", new_article) == 0);
    CHECK(build(&out, "--out", test_path("b"), NULL) == 0);
    CHECK_MSG(strstr(out.data, " 74 rendered, 0 reused") != NULL, "%s",
              out.data);
    buf_reset(&out);
    CHECK(build(&out, "--out", test_path("a"), NULL) == 0);
    CHECK_MSG(strstr(out.data, "74 documents: 24 rendered, 50 reused\n"
                               "24 written, 50 unchanged, 0 removed") != NULL,
              "%s", out.data);
    CHECK(build(NULL, "--out", test_path("full"), "--full", NULL) == 0);
    CHECK_MSG(
        sh(&diff, "cd %s && diff -r a full && diff -r b full", test_dir()) == 0,
        "folders differ:\n%.2000s", diff.data);
    buf_release(&out);
    buf_release(&diff);
}

static void
edit_outside_feeds_renders_little(void)
{
    struct buf out = BUF_INIT;
    char *text;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    /* the oldest article, in no site-wide current feed: an edit redoes
     * its page, its category's feeds and the archive pages it is on */
    text = test_read("tests/golden/input/d_no_byline.txt", NULL);
    CHECK(text != NULL);
    CHECK(import_file("d_no_byline.txt", text) == 0);
    free(text);
    CHECK(build(&out, NULL) == 0);
    CHECK_MSG(strstr(out.data, " 0 rendered,") != NULL, "%s", out.data);
    CHECK(sh(NULL, "sed -i 's/请各单位/请各会员单位/' %s",
             test_path("d_no_byline.txt")) == 0);
    CHECK(import_file("d_no_byline.txt",
                      text = test_read(test_path("d_no_byline.txt"), NULL)) ==
          0);
    free(text);
    buf_reset(&out);
    CHECK(build(&out, NULL) == 0);
    CHECK_MSG(strstr(out.data, "70 documents: 6 rendered, 64 reused\n") != NULL,
              "%s", out.data);
    buf_release(&out);
}

static void
removed_article(void)
{
    struct buf out = BUF_INIT;
    struct test_proc p;
    char *before, *after;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK(access(test_path("feeds/articles/9a7fbc0cee59c751.html"), F_OK) == 0);
    CHECK(access(test_path("feeds/category/58c11c72/rss.xml"), F_OK) == 0);
    before = test_read(test_path("feeds/archive/1.xml"), NULL);
    test_tidings(&p, "rm", "9a7fbc0cee59c751", NULL);
    CHECK(p.status == 0);
    test_proc_release(&p);
    CHECK(build(&out, NULL) == 0);
    /* its page and its category's 4 documents, each with a .gz */
    CHECK_MSG(strstr(out.data, " 5 removed") != NULL, "%s", out.data);
    CHECK(access(test_path("feeds/articles/9a7fbc0cee59c751.html"), F_OK) < 0);
    CHECK(access(test_path("feeds/articles/9a7fbc0cee59c751.html.gz"), F_OK) <
          0);
    CHECK(access(test_path("feeds/category/58c11c72"), F_OK) < 0);
    after = test_read(test_path("feeds/archive/1.xml"), NULL);
    CHECK(before != NULL && after != NULL && strcmp(before, after) != 0);
    CHECK(strstr(before, "9a7fbc0cee59c751") != NULL);
    CHECK(strstr(after, "9a7fbc0cee59c751") == NULL);
    free(before);
    free(after);
    buf_release(&out);
}

/* late_old_article: an article imported after the archives exist, with a
 * date older than all of them, goes to the newest page; full pages stay
 * byte for byte. */
static void
late_old_article(void)
{
    char *p1, *p2, *p1b, *p2b, *p4, *headers;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    p1 = test_read(test_path("feeds/archive/1.xml"), NULL);
    p2 = test_read(test_path("feeds/archive/2.xml"), NULL);
    CHECK(import_file(
              "old.txt",
              "---\npublished: 2010-01-01T00:00:00+08:00\n---\n"
              "首页 > 新闻资讯 > 综合新闻\n旧闻补录\n满洲里海关 鲁焕新\n\n"
              "这是一篇2010年的旧闻，2013年才导入。\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    p1b = test_read(test_path("feeds/archive/1.xml"), NULL);
    p2b = test_read(test_path("feeds/archive/2.xml"), NULL);
    p4 = test_read(test_path("feeds/archive/4.xml"), NULL);
    headers = test_read(test_path("feeds/_headers"), NULL);
    CHECK(p1 && p2 && p1b && p2b && p4 && headers);
    CHECK(strcmp(p1, p1b) == 0);
    CHECK(strcmp(p2, p2b) == 0);
    CHECK(strstr(p4, "旧闻补录") != NULL);
    CHECK(strstr(headers, "/archive/3.xml\n  Content-Type: application/"
                          "atom+xml; charset=utf-8\n  Cache-Control: public, "
                          "max-age=31536000, immutable") != NULL);
    CHECK(strstr(headers, "/archive/4.xml\n  Content-Type: application/"
                          "atom+xml; charset=utf-8\n  Cache-Control: public, "
                          "max-age=300\n") != NULL);
    /* the article pages share one rule, and no page has its own */
    CHECK(strstr(headers, "\n/articles/*\n  Content-Type: text/html; "
                          "charset=utf-8\n  Cache-Control: public, "
                          "max-age=300\n") != NULL);
    CHECK(strstr(headers, "\n/articles/") == strstr(headers, "\n/articles/*"));
    CHECK(strstr(strstr(headers, "\n/articles/*") + 1, "\n/articles/") == NULL);
    free(p1), free(p2), free(p1b), free(p2b), free(p4), free(headers);
}

/* An empty site has no date: RSS leaves lastBuildDate out; Atom, which
 * must have <updated>, gives the newest the site has shown (kept in the
 * store), so removing every article keeps the date of the last one; and
 * two builds of the same store are the same. */
static void
empty_site_dates(void)
{
    struct test_proc p;
    char *rss, *atom, id[64];

    CHECK(test_conf(NULL) != NULL);
    CHECK(build(NULL, NULL) == 0);
    rss = test_read(test_path("feeds/rss.xml"), NULL);
    CHECK(rss != NULL && strstr(rss, "lastBuildDate") == NULL);
    free(rss);
    CHECK(import_file("new.txt", new_article) == 0);
    CHECK(build(NULL, NULL) == 0);
    rss = test_read(test_path("feeds/rss.xml"), NULL);
    CHECK(rss != NULL && strstr(rss, "<lastBuildDate>Fri, 07 Jun 2013 "
                                     "08:00:00 +0800</lastBuildDate>") != NULL);
    free(rss);
    test_tidings(&p, "list", NULL);
    CHECK(p.status == 0 && p.out.len > 16);
    p.out.data[strcspn(p.out.data, "\t")] = '\0'; /* its id */
    snprintf(id, sizeof(id), "%s", p.out.data);
    test_proc_release(&p);
    test_tidings(&p, "rm", id, NULL);
    CHECK(p.status == 0);
    test_proc_release(&p);
    test_tidings(&p, "list", NULL);
    CHECK_MSG(p.status == 0 && p.out.len == 0, "still listed: %s", p.out.data);
    test_proc_release(&p);
    CHECK(build(NULL, NULL) == 0);
    CHECK(build(NULL, "--out", test_path("again"), "--full", NULL) == 0);
    rss = test_read(test_path("feeds/rss.xml"), NULL);
    atom = test_read(test_path("feeds/atom.xml"), NULL);
    CHECK(rss != NULL && strstr(rss, "lastBuildDate") == NULL &&
          strstr(rss, "<item>") == NULL);
    CHECK(atom != NULL && strstr(atom, "<updated>2013-06-07T08:00:00+08:00"
                                       "</updated>") != NULL);
    free(rss);
    free(atom);
    CHECK(sh(NULL, "cd %s && diff -r -x .tidings-manifest feeds again",
             test_dir()) == 0);
    test_tidings(&p, "check", NULL);
    CHECK_MSG(p.status == 0, "check: %s", p.err.data);
    test_proc_release(&p);
}

/* ---- a build killed half-way -------------------------------------------- */

static int
many_articles(int n)
{
    struct buf b = BUF_INIT;
    struct test_proc p;
    int i, j, rc = 0;

    if (sh(NULL, "mkdir -p %s/many", test_dir()) != 0)
        return -1;
    for (i = 0; i < n && rc == 0; i++) {
        buf_reset(&b);
        buf_appendf(
            &b,
            "---\npublished: 2012-%02d-%02dT%02d:00:00+08:00\n---\n"
            "首页 > 新闻资讯 > 栏目%d\n第%d号文章的标题\n来源%d 作者%d\n\n",
            i % 12 + 1, i % 28 + 1, i % 24, i % 7, i, i % 5, i % 11);
        for (j = 0; j < 20; j++)
            buf_appendf(
                &b, "第%d段：口岸通关效率持续提升，货运量稳步增长。\n\n", j);
        rc = test_write(test_path("many/%04d.txt", i), b.data, b.len);
    }
    buf_release(&b);
    if (rc < 0)
        return -1;
    test_tidings(&p, "import", test_path("many"), NULL);
    rc = p.status == 0 ? 0 : -1;
    test_proc_release(&p);
    return rc;
}

/* build_killed: starts a build into dir and kills it with SIGKILL after
 * us microseconds; returns 1 if it was killed before it finished. */
static int
build_killed(const char *dir, long us)
{
    const char *bin = getenv("TIDINGS") ? getenv("TIDINGS") : "./tidings";
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    int st;
    pid_t pid = fork();

    if (pid == 0) {
        if (freopen("/dev/null", "w", stderr) == NULL)
            _exit(127);
        execl(bin, bin, "-c", test_path("tidings.conf"), "build", "--out", dir,
              (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? 1 : 0;
}

static void
killed_build_leaves_whole_files(void)
{
    struct buf out = BUF_INIT;
    int n = test_slow() ? 60 : 400, killed = 0, round;
    static const long delays[] = { 30000, 120000, 250000 };

    CHECK(corpus("archive_page = 10\n") == 0);
    CHECK(many_articles(n) == 0);
    CHECK(build(NULL, "--out", test_path("ref"), NULL) == 0);
    for (round = 0; round < 3; round++) {
        CHECK(sh(NULL, "rm -rf %s/k", test_dir()) == 0);
        killed += build_killed(test_path("k"), delays[round]) == 1;
        /* every file under its real name is whole: it equals the file of
         * a complete build (documents, .gz forms and header files) */
        buf_reset(&out);
        CHECK_MSG(
            sh(&out,
               "cd %s/k 2>/dev/null || exit 0; find . -path "
               "./.tidings-tmp -prune -o -type f ! -name "
               ".tidings-manifest ! -name .tidings-pending -print | while read f; do "
               "cmp -s \"$f\" \"../ref/$f\" || echo \"$f\"; done",
               test_dir()) == 0 &&
                out.len == 0,
            "partial files after kill -9: %.500s", out.data);
        /* and the next build completes the folder */
        CHECK(build(NULL, "--out", test_path("k"), NULL) == 0);
        CHECK(sh(NULL, "cd %s && diff -r ref k >/dev/null", test_dir()) == 0);
    }
    CHECK_MSG(killed > 0, "no build was killed before it finished");
    buf_release(&out);
}

/* both_builds: starts two builds into feeds at once (--full, so that both
 * have work to do) and waits for them; their statuses and stderr are left
 * in s1, s2, e1, e2 of the test folder. */
static int
both_builds(void)
{
    const char *bin = getenv("TIDINGS") ? getenv("TIDINGS") : "./tidings";

    return sh(NULL,
              "cd %s || exit 1; (%s -c tidings.conf build --full 2>e1; "
              "echo $? >s1) & (%s -c tidings.conf build --full 2>e2; "
              "echo $? >s2) & wait",
              test_dir(), bin, bin);
}

/* build_outcome: 0 for a build that completed, 1 for one that found the
 * folder locked and said so, -1 for anything else. */
static int
build_outcome(int which)
{
    char *st = test_read(test_path("s%d", which), NULL);
    char *err = test_read(test_path("e%d", which), NULL);
    int rc = -1;

    if (st != NULL && err != NULL && atoi(st) == 0)
        rc = 0;
    else if (st != NULL && err != NULL && atoi(st) == 1 &&
             strstr(err, "feeds: another build is writing it") != NULL &&
             strstr(err, "cannot") == NULL)
        rc = 1;
    if (rc < 0)
        printf("build %d: status %s: %s\n", which, st ? st : "?",
               err ? err : "?");
    free(st);
    free(err);
    return rc;
}

/* Two builds into one folder: while one holds it, the other fails at once
 * and says so (exit 1), rather than emptying the first one's temporary
 * folder under it; started together, each completes or fails that way,
 * and the folder ends whole. */
static void
two_builds_into_one_folder(void)
{
    const char *bin = getenv("TIDINGS") ? getenv("TIDINGS") : "./tidings";
    struct buf out = BUF_INIT;
    int round, a, b, refused = 0;

    CHECK(corpus("archive_page = 10\n") == 0);
    CHECK(many_articles(test_slow() ? 40 : 200) == 0);
    CHECK(build(NULL, "--out", test_path("ref"), NULL) == 0);
    /* the folder held by another process: flock(1) holds its lock file */
    CHECK(sh(NULL, "mkdir -p %s/feeds", test_dir()) == 0);
    CHECK(sh(&out,
             "cd %s && flock -n feeds/.tidings-lock %s -c tidings.conf build",
             test_dir(), bin) == 1);
    CHECK_MSG(strstr(out.data, "tidings: build: ") != NULL &&
                  strstr(out.data, "/feeds: another build is writing it\n") !=
                      NULL,
              "%s", out.data);
    for (round = 0; round < 3; round++) {
        CHECK(both_builds() == 0);
        a = build_outcome(1);
        b = build_outcome(2);
        CHECK(a >= 0 && b >= 0 && (a == 0 || b == 0));
        refused += a + b;
    }
    printf("two builds at once: %d of 3 rounds refused one\n", refused);
    CHECK(build(NULL, NULL) == 0);
    CHECK_MSG(sh(&out, "cd %s && diff -r ref feeds", test_dir()) == 0, "%s",
              out.data);
    /* the lock file stays, outside the site */
    CHECK(access(test_path("feeds/.tidings-lock"), F_OK) == 0);
    buf_release(&out);
}

/* ---- budgets, hub, check ------------------------------------------------ */

static void
budgets(void)
{
    struct test_proc p;
    char *rss, *json;
    size_t len;

    CHECK(corpus("feed_items = 4\nfeed_max_bytes = 9500\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    rss = test_read(test_path("feeds/rss.xml"), &len);
    CHECK(rss != NULL);
    CHECK(len <= 9500);
    /* the seed's item alone is about 7.5 KB: two of the four fit, and
     * the other two not even without their bodies */
    CHECK_MSG(test_count(rss, "<item>") == 2, "%zu bytes", len);
    free(rss);
    json = test_read(test_path("feeds/category/news/general/feed.json"), &len);
    CHECK(json != NULL && len <= 9500);
    free(json);
    rss = test_read(test_path("feeds/author/john-smith/rss.xml"), NULL);
    CHECK(rss != NULL && test_count(rss, "<item>") == 1);
    free(rss);
    test_tidings(&p, "check", NULL);
    CHECK_MSG(p.status == 0, "check: %s", p.err.data);
    test_proc_release(&p);
}

/* long_article: a page of about 1.6 MB dated when. */
static int
long_article(const char *name, const char *when, const char *title)
{
    struct buf b = BUF_INIT;
    int i, rc;

    buf_appendf(&b,
                "---\npublished: %s\n---\n首页 > 新闻资讯 > 综合新闻\n%s\n"
                "满洲里海关 鲁焕新\n\n",
                when, title);
    for (i = 0; i < 420 * 40; i++) {
        buf_puts(&b, "口岸通关效率持续提升，进出口货运量稳步增长。");
        if (i % 40 == 39)
            buf_puts(&b, "\n\n");
    }
    rc = test_write(test_path("%s", name), b.data, b.len);
    buf_release(&b);
    return rc == 0 ? import_file_at(name) : -1;
}

/* rss_items: the number of items in a built rss.xml, and of those with
 * a body. */
static int
rss_items(const char *rel, size_t *bodies)
{
    char *rss = test_read(test_path("feeds/%s", rel), NULL);
    int n = rss ? (int)test_count(rss, "<item>") : -1;

    *bodies = rss ? test_count(rss, "<content:encoded>") : 0;
    free(rss);
    return n;
}

/* One article of 1.6 MB, more than feed_max_bytes (1 MiB) alone, as the
 * newest and another in the middle: the feeds keep every item, those two
 * without their bodies; at the smallest budget every feed still shows
 * the items that fit, and `tidings check` passes both. */
static void
long_articles_empty_no_feed(void)
{
    struct test_proc p;
    size_t bodies;
    char *atom;

    CHECK(corpus(NULL) == 0);
    CHECK(long_article("new.txt", "2014-01-01T08:00:00+08:00",
                       "一篇很长的新文章") == 0);
    CHECK(long_article("mid.txt", "2013-06-05T12:00:00+08:00",
                       "一篇很长的旧文章") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK_INT_EQ(rss_items("rss.xml", &bodies), 8);
    CHECK_INT_EQ(bodies, 6);
    CHECK_INT_EQ(rss_items("category/news/general/rss.xml", &bodies), 5);
    CHECK_INT_EQ(bodies, 3);
    atom = test_read(test_path("feeds/atom.xml"), NULL);
    CHECK(atom != NULL && test_count(atom, "<entry>") == 8 &&
          test_count(atom, "<content type=\"html\">") == 6);
    CHECK(atom != NULL && strstr(atom, "一篇很长的旧文章") != NULL);
    free(atom);
    test_tidings(&p, "check", NULL);
    CHECK_MSG(p.status == 0, "check: %s", p.err.data);
    test_proc_release(&p);
    /* the smallest budget: no feed is left empty */
    CHECK(test_conf("feed_max_bytes = 4096\n") != NULL);
    CHECK(build(NULL, NULL) == 0);
    CHECK_MSG(sh(NULL,
                 "cd %s/feeds && for f in $(find . -name rss.xml -o -name "
                 "atom.xml | grep -v /archive/); do grep -q '<item>\\|<entry>' "
                 "$f || { echo $f; exit 1; }; done",
                 test_dir()) == 0,
              "a feed without items");
    CHECK(rss_items("rss.xml", &bodies) >= 3);
    test_tidings(&p, "check", NULL);
    CHECK_MSG(p.status == 0, "check: %s", p.err.data);
    test_proc_release(&p);
}

static void
hub_and_stylesheet(void)
{
    char *rss, *atom, *json;

    CHECK(corpus("hub = https://hub.example.net/\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    rss = test_read(test_path("feeds/rss.xml"), NULL);
    atom = test_read(test_path("feeds/source/port-authority/atom.xml"), NULL);
    json = test_read(test_path("feeds/feed.json"), NULL);
    CHECK(rss && atom && json);
    CHECK(strstr(rss, "<atom:link href=\"https://hub.example.net/\" "
                      "rel=\"hub\"/>") != NULL);
    CHECK(
        strstr(atom, "<link rel=\"hub\" href=\"https://hub.example.net/\"/>") !=
        NULL);
    CHECK(strstr(json, "\"hubs\": [{\"type\": \"WebSub\", \"url\": "
                       "\"https://hub.example.net/\"}]") != NULL);
    CHECK(strstr(rss, "<?xml-stylesheet type=\"text/xsl\" "
                      "href=\"/feed.xsl\"?>") != NULL);
    CHECK(strstr(atom, "<?xml-stylesheet type=\"text/xsl\" "
                       "href=\"/feed.xsl\"?>") != NULL);
    free(rss), free(atom), free(json);
}

/* check_fails: breaks a copy of the built site with a sed expression on
 * one file and expects `tidings check` to say what (want) and exit 1. */
static int
check_fails(const char *file, const char *sed, const char *want)
{
    struct test_proc p;
    int ok;

    if (sh(NULL,
           "rm -rf %s/bad && cp -r %s/feeds %s/bad && sed -i '%s' %s/bad/%s",
           test_dir(), test_dir(), test_dir(), sed, test_dir(), file) != 0)
        return 0;
    test_tidings(&p, "check", test_path("bad"), NULL);
    ok = p.status == 1 && strstr(p.err.data, want) != NULL;
    if (!ok)
        printf("check after %s on %s: status %d: %s\n", sed, file, p.status,
               p.err.data);
    test_proc_release(&p);
    return ok;
}

/* check_says: `tidings check ARG` (NULL: the configured folder) exits 1
 * and says want. */
static int
check_says(const char *arg, const char *want)
{
    struct test_proc p;
    int ok;

    test_tidings(&p, "check", arg, NULL);
    ok = p.status == 1 && strstr(p.err.data, want) != NULL;
    if (!ok)
        printf("check %s: status %d: %s\n", arg ? arg : "", p.status,
               p.err.data);
    test_proc_release(&p);
    return ok;
}

/* check takes its budgets from the configuration it is given: a site
 * built with larger ones fails; a folder with no site fails too. */
static void
check_fails_budgets_and_no_site(void)
{
    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    CHECK(test_conf("feed_items = 2\narchive_page = 2\n") != NULL);
    CHECK(check_says(NULL, "rss.xml: 3 items, more than the 2 allowed"));
    CHECK(test_conf("feed_items = 3\narchive_page = 1\n") != NULL);
    CHECK(check_says(NULL, "archive/1.xml: 2 items, more than the 1 allowed"));
    CHECK(test_conf("feed_items = 3\narchive_page = 2\nfeed_max_bytes = "
                    "4096\n") != NULL);
    CHECK(check_says(NULL, "more than feed_max_bytes (4096)"));
    CHECK(sh(NULL, "mkdir -p %s/empty", test_dir()) == 0);
    CHECK(check_says(test_path("empty"), "empty: no site (no rss.xml)"));
}

static void
check_built_and_broken(void)
{
    struct test_proc p;

    CHECK(corpus("feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(build(NULL, NULL) == 0);
    test_tidings(&p, "check", NULL);
    CHECK_MSG(p.status == 0 && p.err.len == 0, "check: %s", p.err.data);
    test_proc_release(&p);
    CHECK(check_fails("rss.xml", "s/<pubDate>Thu, 06 Jun/<pubDate>Fri, 06 Jun/",
                      "is not an RFC 822 date"));
    CHECK(check_fails("atom.xml",
                      "0,/<updated>[^<]*</s//<updated>2013-06-06 09:30</",
                      "is not an RFC 3339 date"));
    CHECK(
        check_fails("category/news/rss.xml",
                    "s|<link>https://www.example.org/articles|<link>/articles|",
                    "is not an absolute URL"));
    CHECK(check_fails("source/port-authority/atom.xml",
                      "s|href=\"https://www.example.org/source/port-authority/"
                      "atom.xml\"|href=\"atom.xml\"|",
                      "self link"));
    CHECK(check_fails(
        "feed.json",
        "s|\"id\": \"tag:www.example.org,2013-06-05:[^\"]*\"|\"id\": "
        "\"https://www.example.org/news/2013/0412.html\"|",
        "appears twice"));
    CHECK(check_fails("archive/1.xml",
                      "s|<title type=\"text\">|<title type=\"text\">\\x01|",
                      "not well-formed"));
    /* a current feed with archives but no item */
    CHECK(check_fails("category/news/rss.xml", "/<item>/,/<\\/item>/d",
                      "no items, though its archive pages hold entries"));
}

const struct test tests_build[] = {
    { "golden", golden },
    { "wellformed_and_valid", wellformed_and_valid },
    { "feedparser_reads_it", feedparser_reads_it },
    { "deterministic", deterministic },
    { "two_folders_one_store", two_folders_one_store },
    { "empty_site_dates", empty_site_dates },
    { "unchanged_files_keep_mtime", unchanged_files_keep_mtime },
    { "edit_outside_feeds_renders_little", edit_outside_feeds_renders_little },
    { "removed_article", removed_article },
    { "late_old_article", late_old_article },
    { "killed_build_leaves_whole_files", killed_build_leaves_whole_files },
    { "two_builds_into_one_folder", two_builds_into_one_folder },
    { "budgets", budgets },
    { "long_articles_empty_no_feed", long_articles_empty_no_feed },
    { "hub_and_stylesheet", hub_and_stylesheet },
    { "check_built_and_broken", check_built_and_broken },
    { "check_fails_budgets_and_no_site", check_fails_budgets_and_no_site },
    { NULL, NULL },
};
