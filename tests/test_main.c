/*
 * Tests of what main owns: the global flags and the check that stdout
 * reached its destination.  A full device (/dev/full) is a failure with
 * status 1 and a message that names the cause when the cause is known,
 * never a stale errno; a missing value of -c is a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"

#define ARG(s) ((char *)(uintptr_t)(s)) /* argv wants char * */

static int
has(const struct buf *b, const char *needle)
{
    return strstr(b->data, needle) != NULL;
}

/* to_full: runs tidings ARGS with stdout on /dev/full, through sh. */
static int
to_full(struct test_proc *p, char *const args[])
{
    char *argv[140], *tv[128];
    char *words = test_tidings_vector(tv, 128, args);
    int n = 0, i, rc;

    argv[n++] = ARG("sh");
    argv[n++] = ARG("-c");
    argv[n++] = ARG("exec \"$@\" >/dev/full");
    argv[n++] = ARG("sh");
    for (i = 0; tv[i] != NULL; i++)
        argv[n++] = tv[i];
    argv[n] = NULL;
    rc = test_run(p, NULL, argv);
    free(words);
    return rc;
}

/* A page whose body is larger than stdio's buffer (the failed write is
 * then in the middle of `show`), and one that fits it (the write fails
 * at the final flush). */
static int
import_pages(void)
{
    struct buf b = BUF_INIT;
    struct test_proc p;
    int i, rc;

    buf_puts(&b, "首页 > 新闻资讯\n长文章\n满洲里海关 鲁焕新\n"
                 "发布时间：2013-06-05 10:20\n\n");
    for (i = 0; i < 400; i++)
        buf_puts(&b, "口岸通关便利化水平持续提升。");
    buf_puts(&b, "\n");
    rc = test_write(test_path("long.txt"), b.data, b.len);
    buf_release(&b);
    if (rc < 0 || test_write_str(test_path("short.txt"),
                                 "首页 > 新闻资讯\n短文章\n满洲里海关 鲁焕新\n"
                                 "发布时间：2013-06-04 10:20\n\n正文。\n") < 0)
        return -1;
    if (test_tidings(&p, "import", test_path("long.txt"),
                     test_path("short.txt"), NULL) < 0)
        return -1;
    rc = p.status == 0 ? 0 : -1;
    test_proc_release(&p);
    return rc;
}

/* The cause is named when the final flush fails (the output fits
 * stdio's buffer); when a write failed earlier, stdio has dropped what it
 * held and errno is long gone: no cause then, rather than a wrong one
 * (it said "Bad file descriptor"). */
static void
full_stdout_is_an_error(void)
{
    static const char *const enospc =
        "tidings: write error on stdout: No space left on device\n";
    static const char *const cases[][3] = {
        { "list", NULL, enospc },
        { "stats", NULL, enospc },
        { "show", "2", enospc },
        { "show", "1", "tidings: write error on stdout\n" },
    };
    char *args[3];
    struct test_proc p;
    size_t i;

    if (access("/dev/full", W_OK) != 0)
        SKIP("no /dev/full");
    CHECK(test_conf(NULL) != NULL);
    CHECK(import_pages() == 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        args[0] = ARG(cases[i][0]);
        args[1] = ARG(cases[i][1]);
        args[2] = NULL;
        CHECK(to_full(&p, args) == 0);
        CHECK_MSG(p.status == 1 && strcmp(p.err.data, cases[i][2]) == 0,
                  "%s %s: %d '%s'", cases[i][0], cases[i][1] ? cases[i][1] : "",
                  p.status, p.err.data);
        test_proc_release(&p);
    }
    CHECK(test_tidings(&p, "show", "1", NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    CHECK(has(&p.out, "title: 长文章\n"));
    test_proc_release(&p);
}

/* -c without a value is a usage error that says so, like --date's. */
static void
c_needs_a_value(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_tidings(&p, "-c", NULL) == 0);
    CHECK_INT_EQ(p.status, 2);
    CHECK_STR_EQ(p.err.data, "tidings: option '-c' needs a value\n");
    CHECK_INT_EQ(p.out.len, 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "-v", "-c", NULL) == 0);
    CHECK_INT_EQ(p.status, 2);
    CHECK_STR_EQ(p.err.data, "tidings: option '-c' needs a value\n");
    test_proc_release(&p);
}

const struct test tests_main[] = {
    { "full_stdout_is_an_error", full_stdout_is_an_error },
    { "c_needs_a_value", c_needs_a_value },
    { NULL, NULL },
};
