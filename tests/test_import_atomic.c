/*
 * Atomicity of imports (SPEC 1.6), through the real binary: a rejected
 * file in the middle of a batch leaves the others in and itself out, and a
 * kill -9 in the middle of a large import leaves a sound store holding
 * whole batches of whole articles, which a second import completes.
 */
#include <fcntl.h>
#include <signal.h>
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
#include "tidings/store.h"

#define BATCH 50

/* page: article n, with a body long enough to take a page of its own. */
static int
write_page(const char *dir, int n)
{
    struct buf b = BUF_INIT;
    int i, rc;

    buf_appendf(&b,
                "首页 > 新闻 > 栏目%d\n第%d号文章\n来源：机构%d 作者：作者%d\n"
                "发布时间：2020-01-%02d 10:00\n\n",
                n % 7, n, n % 5, n % 11, 1 + n % 28);
    for (i = 0; i < 40; i++)
        buf_appendf(&b, "第%d号文章的第%d段%s。\n\n", n, i,
                    "，内容完整，内容完整，内容完整，内容完整，内容完整");
    rc = test_write(test_path("%s/%05d.txt", dir, n), b.data, b.len);
    buf_release(&b);
    return rc;
}

/* whole: the article callback; counts articles whose body is all there. */
static int
count_whole(const struct article *a, void *arg)
{
    const char *end = "内容完整。</p>";
    int *whole = arg, n;
    char want[64];

    if (sscanf(a->title, "第%d号文章", &n) != 1)
        return 0;
    snprintf(want, sizeof(want), "<p>第%d号文章的第39段，", n);
    if (test_count(a->body, "</p>") == 40 && strstr(a->body, want) != NULL &&
        strlen(a->body) > strlen(end) &&
        strcmp(a->body + strlen(a->body) - strlen(end), end) == 0)
        (*whole)++;
    return 0;
}

/* check_store: the store is sound; *articles and *whole get the counts. */
static int
check_store(long *articles, int *whole, struct err *err)
{
    struct store *s = NULL;
    struct store_stats st;
    int rc = -1;

    *whole = 0;
    if (store_open(&s, test_path("tidings.db"), STORE_READONLY, err) < 0)
        return -1;
    if (store_check(s, err) == 0 && store_stats(s, &st, err) == 0 &&
        store_each_article(s, 1, count_whole, whole, err) == 0) {
        *articles = (long)st.articles;
        rc = 0;
    }
    store_close(s);
    return rc;
}

static void
bad_file_mid_batch(void)
{
    struct err err = ERR_INIT;
    struct test_proc p;
    long articles = 0;
    int whole = 0, i;
    char junk[102];

    CHECK(test_conf(NULL) != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    CHECK(write_page("in", 1) == 0 && write_page("in", 3) == 0 &&
          write_page("in", 5) == 0);
    CHECK(test_write(test_path("in/00002.txt"), "\x00\x01\x02junk", 7) == 0);
    CHECK(test_write_str(test_path("in/00004.txt"), "") == 0);
    memset(junk, '\t', sizeof(junk));
    for (i = 3; i < (int)sizeof(junk) - 1; i += 2)
        junk[i] = (char)(1 + i % 8); /* 49 of 1..8, between tabs */
    junk[sizeof(junk) - 1] = '\n';
    CHECK(test_write(test_path("in/00006.txt"), junk, sizeof(junk)) == 0);
    CHECK(test_tidings(&p, "import", test_path("in"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK(strstr(p.err.data, "00002.txt: binary data") != NULL);
    CHECK(strstr(p.err.data, "00004.txt: empty file") != NULL);
    CHECK_MSG(strstr(p.err.data, "00006.txt: binary data (49 control bytes)"),
              "%s", p.err.data);
    CHECK(strstr(p.err.data, "3 new, 0 updated, 0 unchanged, 3 rejected"));
    test_proc_release(&p);
    CHECK_MSG(check_store(&articles, &whole, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(articles, 3);
    CHECK_INT_EQ(whole, 3);
}

/* wal_bytes: the size of the store's write-ahead log, 0 if none. */
static long
wal_bytes(void)
{
    struct stat sb;

    return stat(test_path("tidings.db-wal"), &sb) == 0 ? (long)sb.st_size : 0;
}

/* start_import: runs `tidings import in` unwrapped, without waiting. */
static pid_t
start_import(void)
{
    const char *bin = getenv("TIDINGS");
    pid_t pid = fork();

    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, STDERR_FILENO);
        execl(bin ? bin : "./tidings", "tidings", "-c",
              test_path("tidings.conf"), "import", test_path("in"),
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void
kill_mid_import(void)
{
    struct timespec tick = { 0, 2000000 };
    struct err err = ERR_INIT;
    struct test_proc p;
    int i, n = test_slow() ? 600 : 3000, whole = 0, status, waited = 0;
    long articles = 0;
    pid_t pid;

    /* [import] after [site]'s lines: the batch size under test */
    CHECK(test_conf("[import]\nbatch_files = 50") != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    for (i = 0; i < n; i++)
        CHECK(write_page("in", i) == 0);
    CHECK((pid = start_import()) > 0);
    /* kill once a few batches are in the log */
    while (wal_bytes() < 4 * BATCH * 8192 && waited++ < 10000 &&
           waitpid(pid, &status, WNOHANG) == 0)
        nanosleep(&tick, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    CHECK_MSG(WIFSIGNALED(status), "the import ended before it was killed");
    CHECK_MSG(check_store(&articles, &whole, &err) == 0, "%s", err.msg);
    CHECK_MSG(articles > 0 && articles < n, "%ld articles", articles);
    CHECK_MSG(articles % BATCH == 0, "%ld articles: a batch was cut", articles);
    CHECK_INT_EQ(whole, articles);
    /* a second import adds exactly what the first did not commit */
    CHECK(test_tidings(&p, "import", test_path("in"), NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(test_count(p.err.data, " new, 0 updated") == 1);
    CHECK_INT_EQ(atol(p.err.data), n - articles);
    test_proc_release(&p);
    CHECK_MSG(check_store(&articles, &whole, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(articles, n);
    CHECK_INT_EQ(whole, n);
}

/* A store failure (here a trigger that fails the insert of one article:
 * an id that is already taken only rejects its file) stops the import:
 * the batch it happened in is rolled back, the ones before stay, and the
 * reader, which is far ahead with thousands of files left, is stopped
 * rather than waited for. */
static void
store_failure_stops_import(void)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;
    struct test_proc p;
    long articles = 0;
    int i, whole = 0, n = test_slow() ? 400 : 2000;

    if (!test_have("sqlite3"))
        SKIP("no sqlite3 shell");
    CHECK(test_conf("[import]\nbatch_files = 50") != NULL);
    CHECK(mkdir(test_path("in"), 0755) == 0);
    for (i = 0; i < n; i++)
        CHECK(write_page("in", i) == 0);
    CHECK(store_open(&s, test_path("tidings.db"), 0, &err) == 0);
    store_close(s);
    CHECK(test_runl(&p, NULL, "sqlite3", test_path("tidings.db"),
                    "CREATE TRIGGER fail BEFORE INSERT ON articles"
                    " WHEN NEW.title = '第130号文章'"
                    " BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END",
                    NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "import", test_path("in"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "import stopped: ") != NULL &&
                  strstr(p.err.data, "00130.txt") != NULL &&
                  strstr(p.err.data, "the disk is on fire") != NULL,
              "%s", p.err.data);
    test_proc_release(&p);
    CHECK_MSG(check_store(&articles, &whole, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(articles, 100);
    CHECK_INT_EQ(whole, 100);
}

/* write_feed: an RSS 2.0 file of n items under category 栏目/I by author
 * 作者I (I the item's number), the item numbered `clash` with CLASH_URL
 * as its guid, so as its feed id. */
#define CLASH_URL "https://x.org/clash"
static int
write_feed(const char *path, int n, int clash)
{
    struct buf b = BUF_INIT;
    int i, rc;

    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<rss version=\"2.0\"><channel><title>t</title>"
                 "<link>https://x.org/</link><description>d</description>\n");
    for (i = 0; i < n; i++) {
        buf_appendf(&b, "<item><title>第%d条</title>", i);
        if (i == clash)
            buf_puts(&b, "<guid isPermaLink=\"false\">" CLASH_URL "</guid>");
        else
            buf_appendf(&b, "<guid isPermaLink=\"false\">item-%d</guid>", i);
        buf_appendf(&b,
                    "<category>栏目/%d</category><author>作者%d</author>"
                    "<pubDate>Wed, 05 Jun 2013 10:20:00 +0800</pubDate>"
                    "<description>正文%d。</description></item>\n",
                    i, i, i);
    }
    buf_puts(&b, "</channel></rss>\n");
    rc = test_write(test_path("%s", path), b.data, b.len);
    buf_release(&b);
    return rc;
}

/* import_clash: a page that takes CLASH_URL's feed id, then a feed of n
 * items whose item `clash` wants it too: the feed is rejected whole,
 * whether its articles came in one part or in several (a stream is
 * handed from the reader in parts), and nothing it wrote stays. */
static void
import_clash(int n, int clash)
{
    struct err err = ERR_INIT;
    struct store *s = NULL;
    struct store_stats st;
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_write_str(test_path("a.txt"),
                         "---\nid: first\nurl: " CLASH_URL "\n---\n"
                         "首页 > 甲\n标题一\n\n正文一。\n") == 0);
    CHECK(write_feed("b.xml", n, clash) == 0);
    CHECK(test_tidings(&p, "-q", "import", "--date", "2013-06-05",
                       test_path("a.txt"), test_path("b.xml"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "b.xml: line ") != NULL &&
                  strstr(p.err.data,
                         "feed id '" CLASH_URL "' already belongs") != NULL,
              "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "1 new, 0 updated, 0 unchanged, 1 rejected"),
              "%s", p.err.data);
    test_proc_release(&p);
    CHECK(store_open(&s, test_path("tidings.db"), STORE_READONLY, &err) == 0);
    CHECK(store_stats(s, &st, &err) == 0);
    store_close(s);
    CHECK_INT_EQ(st.articles, 1);
    CHECK_INT_EQ(st.categories, 1); /* 甲; none of the feed's */
    CHECK_INT_EQ(st.sources + st.authors, 0);
}

static void
clash_in_a_small_feed(void)
{
    import_clash(3, 2);
}

static void
clash_late_in_a_long_feed(void)
{
    import_clash(300, 250);
}

const struct test tests_import_atomic[] = {
    { "bad_file_mid_batch", bad_file_mid_batch },
    { "kill_mid_import", kill_mid_import },
    { "store_failure_stops_import", store_failure_stops_import },
    { "clash_in_a_small_feed", clash_in_a_small_feed },
    { "clash_late_in_a_long_feed", clash_late_in_a_long_feed },
    { NULL, NULL },
};
