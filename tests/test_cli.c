/*
 * Tests of the command line as a user meets it: help for every command
 * (from the command table, so a new command is covered when it is added),
 * --version, usage errors, configuration errors, list/show/rm/stats, the
 * import summary on stderr, and progress only on a terminal.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/cli.h"
#include "tidings/version.h"

#define ARG(s) ((char *)(uintptr_t)(s)) /* argv wants char * */

static int
has(const struct buf *b, const char *needle)
{
    return strstr(b->data, needle) != NULL;
}

static int
write_page(const char *path, const char *head, const char *body)
{
    char page[1024];

    snprintf(page, sizeof(page), "首页 > 新闻资讯 > 综合新闻\n%s\n\n%s\n", head,
             body);
    return test_write_str(path, page);
}

/* ---- help and usage ---------------------------------------------------- */

/* Every row of the command table answers -h and --help on stdout with
 * status 0, and `help NAME` says the same. */
static void
help_for_every_command(void)
{
    static const char *const flags[] = { "-h", "--help" };
    const struct cmd *c;
    struct test_proc p, q;
    char want[128];
    size_t i;

    for (c = cli_commands; c->name != NULL; c++) {
        snprintf(want, sizeof(want), "usage: tidings [-c CONF] %s", c->name);
        for (i = 0; i < 2; i++) {
            CHECK(test_tidings(&p, c->name, flags[i], NULL) == 0);
            CHECK_MSG(p.status == 0 && p.err.len == 0, "%s %s: %d %s", c->name,
                      flags[i], p.status, p.err.data);
            CHECK_MSG(strncmp(p.out.data, want, strlen(want)) == 0 &&
                          has(&p.out, c->summary),
                      "%s %s: %s", c->name, flags[i], p.out.data);
            CHECK(test_tidings(&q, "help", c->name, NULL) == 0);
            CHECK_INT_EQ(q.status, 0);
            CHECK_STR_EQ(q.out.data, p.out.data);
            test_proc_release(&p);
            test_proc_release(&q);
        }
    }
}

static void
global_help_and_version(void)
{
    static const char *const asks[] = { "-h", "--help", "help" };
    const struct cmd *c;
    struct test_proc p;
    size_t i;

    for (i = 0; i < 3; i++) {
        CHECK(test_tidings(&p, asks[i], NULL) == 0);
        CHECK_INT_EQ(p.status, 0);
        CHECK(strncmp(p.out.data, "usage: tidings ", 15) == 0);
        for (c = cli_commands; c->name != NULL; c++)
            CHECK_MSG(has(&p.out, c->summary), "%s lacks %s", asks[i], c->name);
        test_proc_release(&p);
    }
    CHECK(test_tidings(&p, "--version", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK_STR_EQ(p.out.data, "tidings " TIDINGS_VERSION "\n");
    test_proc_release(&p);
    CHECK(test_tidings(&p, "help", "config", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.out, "[site]") && has(&p.out, "feed_items") &&
          has(&p.out, "archive_content") && has(&p.out, "[serve]") &&
          has(&p.out, "[slugs]"));
    test_proc_release(&p);
}

/* Usage errors: status 2, a message on stderr, nothing on stdout. */
static void
usage_errors(void)
{
    static const char *const cases[][5] = {
        { "frobnicate", NULL },
        { "--frob", "list", NULL },
        { NULL },
        { "import", NULL },
        { "import", "--frob", "x.txt", NULL },
        { "import", "--date", NULL },
        { "import", "--date", "soon", "x.txt", NULL },
        { "import", "--format", "pdf", "x.txt", NULL },
        { "import", "--encoding", "EBCDIC-NOPE", "x.txt", NULL },
        { "import", "--category", " / ", "x.txt", NULL },
        { "list", "extra", NULL },
        { "show", NULL },
        { "show", "a", "b", NULL },
        { "rm", NULL },
        { "stats", "x", NULL },
        { "help", "frobnicate", NULL },
    };
    static const char *const says[] = {
        "'frobnicate' is not a command",
        "unknown option '--frob'",
        "usage: tidings",
        "no PATH given",
        "import: unknown option '--frob'",
        "option '--date' needs a value",
        "--date 'soon' is not a date",
        "unknown format 'pdf'",
        "unknown encoding 'EBCDIC-NOPE'",
        "--category: category ' / ' names no category",
        "usage: tidings [-c CONF] list",
        "usage: tidings [-c CONF] show ID",
        "usage: tidings [-c CONF] show ID",
        "usage: tidings [-c CONF] rm ID",
        "usage: tidings [-c CONF] stats",
        "usage: tidings [-c CONF] help",
    };
    struct test_proc p;
    size_t i;

    CHECK(test_conf(NULL) != NULL);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(test_tidings_argv(&p, (char *const *)(uintptr_t)cases[i]) == 0);
        CHECK_MSG(p.status == 2 && p.out.len == 0 && has(&p.err, says[i]),
                  "case %zu: status %d, stderr: %s", i, p.status, p.err.data);
        test_proc_release(&p);
    }
}

/* ---- configuration ----------------------------------------------------- */

/* Every problem in the file is reported, as tidings: FILE:LINE: ... with
 * the key, before anything runs; the status is 2. */
static void
config_errors(void)
{
    static const char *const says[] = {
        ":3: unknown key 'frobnicate' in [site]\n",
        ":4: feed_items: 'lots' is not a number\n",
        ":5: feed_items: 0 is out of range (1..10000)\n",
        ":6: timezone: 'Mars' is not a UTC offset like +08:00\n",
        ":7: unknown section [nosuch]\n",
        ":10: port: 70000 is out of range (0..65535)\n",
        ":11: expected 'key = value'\n",
    };
    const char *conf = test_path("bad.conf");
    struct test_proc p;
    char want[256];
    size_t i;

    CHECK(test_write_str(conf, "[site]\ntitle = 口岸\nfrobnicate = 1\n"
                               "feed_items = lots\nfeed_items = 0\n"
                               "timezone = Mars\n[nosuch]\nkey = v\n"
                               "[serve]\nport = 70000\njust words\n") == 0);
    CHECK(test_tidings(&p, "-c", conf, "import", test_path("x.txt"), NULL) ==
          0);
    CHECK_INT_EQ(p.status, 2);
    CHECK_INT_EQ(p.out.len, 0);
    for (i = 0; i < sizeof(says) / sizeof(says[0]); i++) {
        snprintf(want, sizeof(want), "tidings: %s%s", conf, says[i]);
        CHECK_MSG(has(&p.err, want), "missing %s in:\n%s", want, p.err.data);
    }
    CHECK_INT_EQ(test_count(p.err.data, "\n"), 7); /* nothing about line 8 */
    test_proc_release(&p);
    CHECK(access(test_path("tidings.db"), F_OK) < 0);
    CHECK(test_tidings(&p, "-c", test_path("none.conf"), "list", NULL) == 0);
    CHECK_INT_EQ(p.status, 2);
    CHECK(has(&p.err, "none.conf': No such file or directory\n"));
    test_proc_release(&p);
}

/* ---- list, show, rm, stats --------------------------------------------- */

static void
no_store_yet(void)
{
    static const char *const cmds[] = { "list", "stats", "show" };
    struct test_proc p;
    size_t i;

    CHECK(test_conf(NULL) != NULL);
    for (i = 0; i < 3; i++) {
        CHECK(test_tidings(&p, cmds[i], i == 2 ? "1" : NULL, NULL) == 0);
        CHECK_INT_EQ(p.status, 1);
        CHECK_MSG(has(&p.err, "tidings: no store at '") &&
                      has(&p.err, "(run `tidings import` first)"),
                  "%s", p.err.data);
        test_proc_release(&p);
    }
}

/* import_two: two articles with different dates, sources and authors. */
static int
import_two(void)
{
    struct test_proc p;
    int rc;

    if (test_conf(NULL) == NULL ||
        write_page(test_path("a.txt"),
                   "满洲里口岸货运量增长\n满洲里海关 鲁焕新\n"
                   "发布时间：2013-06-05 10:20",
                   "满洲里口岸货运量稳步增长。") < 0 ||
        write_page(test_path("b.txt"),
                   "天津口岸航线增加\n天津海关 王立军\n"
                   "发布时间：2014-01-02 08:00",
                   "天津港新增集装箱航线。") < 0)
        return -1;
    rc = test_tidings(&p, "import", test_path("a.txt"), test_path("b.txt"),
                      NULL) == 0 &&
                 p.status == 0
             ? 0
             : -1;
    test_proc_release(&p);
    return rc;
}

static void
list_and_show(void)
{
    struct test_proc p;
    char slug[64], *tab;

    CHECK(import_two() == 0);
    CHECK(test_tidings(&p, "list", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK_INT_EQ(p.err.len, 0);
    CHECK_INT_EQ(test_count(p.out.data, "\n"), 2);
    CHECK_INT_EQ(test_count(p.out.data, "\t"), 10);
    CHECK(has(&p.out, "\t2014-01-02T08:00:00+08:00\t新闻资讯/综合新闻\t天津海关"
                      "\t王立军\t天津口岸航线增加\n"));
    CHECK(strstr(p.out.data, "天津") < strstr(p.out.data, "满洲里"));
    tab = strchr(p.out.data, '\t');
    snprintf(slug, sizeof(slug), "%.*s", (int)(tab - p.out.data), p.out.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", slug, NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(strncmp(p.out.data, "id: 2\nslug: ", 12) == 0);
    CHECK(has(&p.out, "\ntitle: 天津口岸航线增加\n"));
    CHECK(has(&p.out, "\nsource: 天津海关\nauthor: 王立军\n"));
    CHECK(has(&p.out, "\npublished: 2014-01-02T08:00:00+08:00\n"));
    CHECK(has(&p.out, "\n\n<p>天津港新增集装箱航线。</p>\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "1", NULL) == 0);
    CHECK(has(&p.out, "\ntitle: 满洲里口岸货运量增长\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "nope", NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_STR_EQ(p.err.data, "tidings: show: no article 'nope'\n");
    CHECK_INT_EQ(p.out.len, 0);
    test_proc_release(&p);
}

static void
rm_and_stats(void)
{
    struct test_proc p;

    CHECK(import_two() == 0);
    CHECK(test_tidings(&p, "stats", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(
        has(&p.out, "\narticles: 2\ncategories: 2\nsources: 2\nauthors: 2\n"));
    CHECK(has(&p.out, "\noldest: 2013-06-05T10:20:00+08:00\n"
                      "newest: 2014-01-02T08:00:00+08:00\n"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "rm", "nope", "2", NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_STR_EQ(p.err.data, "tidings: rm: no article 'nope'\n");
    test_proc_release(&p);
    CHECK(test_tidings(&p, "list", NULL) == 0);
    CHECK_INT_EQ(test_count(p.out.data, "\n"), 1);
    CHECK(has(&p.out, "满洲里海关"));
    test_proc_release(&p);
    CHECK(test_tidings(&p, "rm", "1", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "stats", NULL) == 0);
    CHECK(
        has(&p.out, "\narticles: 0\ncategories: 0\nsources: 0\nauthors: 0\n"));
    CHECK(has(&p.out, "\noldest: -\nnewest: -\n"));
    test_proc_release(&p);
}

/* ---- import output ----------------------------------------------------- */

/* In a pipe: rejections and the summary on stderr, nothing on stdout,
 * no progress line and no terminal control codes. */
static void
import_output_in_a_pipe(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"), "标题\n口岸协会 张三", "正文。") == 0);
    CHECK(test_write_str(test_path("b.txt"), "") == 0);
    CHECK(test_tidings(&p, "import", "--date", "2013-06-05", test_path("a.txt"),
                       test_path("b.txt"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_INT_EQ(p.out.len, 0);
    CHECK(has(&p.err, "a.txt: no date found, using --date "));
    CHECK(has(&p.err, "b.txt: empty file\n"));
    CHECK(strstr(p.err.data, "1 new, 0 updated, 0 unchanged, 1 rejected\n") ==
          p.err.data + p.err.len - 42);
    CHECK(strchr(p.err.data, '\r') == NULL);
    CHECK(strchr(p.err.data, '\033') == NULL);
    CHECK(!has(&p.err, "importing"));
    test_proc_release(&p);
}

/* read_all: everything the terminal received until the child closed it. */
static void
read_all(int fd, struct buf *out)
{
    char chunk[4096];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) > 0 ||
           (n < 0 && errno == EINTR))
        if (n > 0)
            buf_append(out, chunk, (size_t)n);
}

/* On a terminal, a progress line is drawn and cleared before the
 * summary. */
static void
progress_on_a_terminal(void)
{
    char *args[] = { ARG("import"), NULL, NULL, NULL };
    struct buf seen = BUF_INIT;
    int master, slave, status;
    pid_t pid;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_page(test_path("a.txt"),
                     "标题一\n口岸协会 张三\n日期：2013-06-05",
                     "正文一。") == 0);
    CHECK(write_page(test_path("b.txt"),
                     "标题二\n口岸协会 李四\n日期：2013-06-06",
                     "正文二。") == 0);
    args[1] = ARG(test_path("a.txt"));
    args[2] = ARG(test_path("b.txt"));
    CHECK((master = posix_openpt(O_RDWR | O_NOCTTY)) >= 0);
    CHECK(grantpt(master) == 0 && unlockpt(master) == 0);
    CHECK((slave = open(ptsname(master), O_RDWR | O_NOCTTY)) >= 0);
    pid = test_tidings_spawn(args, slave);
    close(slave);
    CHECK(pid > 0);
    read_all(master, &seen);
    close(master);
    CHECK(test_wait(pid, &status, NULL) == 0);
    CHECK_INT_EQ(status, 0);
    CHECK_MSG(strstr(seen.data, "\rimporting: ") != NULL &&
                  strstr(seen.data, "\r\033[K") != NULL &&
                  strstr(seen.data, "2 new, 0 updated, 0 unchanged, "
                                    "0 rejected") != NULL,
              "terminal saw: %s", seen.data);
    buf_release(&seen);
}

const struct test tests_cli[] = {
    { "help_for_every_command", help_for_every_command },
    { "global_help_and_version", global_help_and_version },
    { "usage_errors", usage_errors },
    { "config_errors", config_errors },
    { "no_store_yet", no_store_yet },
    { "list_and_show", list_and_show },
    { "rm_and_stats", rm_and_stats },
    { "import_output_in_a_pipe", import_output_in_a_pipe },
    { "progress_on_a_terminal", progress_on_a_terminal },
    { NULL, NULL },
};
