/*
 * runner: runs every registered test (or those whose "suite.name" contains
 * argv[1]), each in a fresh temporary directory, prints a FAIL line per
 * failure and ends with exactly "N passed, N failed[, N skipped]".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tidings/arena.h"

#include "test.h"
#include "testutil.h"

#include "registry.h"

/* Per-test state, reset by the runner before each test. */
static const char *current;
static int failed, skipped;
static char dir[4096];

void
test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("FAIL %s: %s:%d: ", current, file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failed = 1;
}

void
test_skip(const char *why)
{
    printf("SKIP %s: %s\n", current, why);
    skipped = 1;
}

int
test_str_eq(const char *file, int line, const char *expr, const char *a,
            const char *b)
{
    if (a != NULL && b != NULL && strcmp(a, b) == 0)
        return 1;
    test_fail(file, line, "%s is \"%s\", expected \"%s\"", expr,
              a ? a : "(null)", b ? b : "(null)");
    return 0;
}

const char *
test_dir(void)
{
    return dir;
}

static int
make_dir(void)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/tidings-test-XXXXXX", tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static void
remove_dir(void)
{
    char cmd[4200];

    if (getenv("TIDINGS_KEEP"))
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "runner: could not remove %s\n", dir);
}

int
main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, nfailed = 0, nskipped = 0;
    const struct suite *s;
    const struct test *t;
    char name[256];
    int verbose = getenv("TEST_VERBOSE") != NULL;

    setvbuf(stdout, NULL, _IOLBF, 0);
    arena_install(); /* as main() does, so HTML pages parse in arenas */
    for (s = suites; s->name != NULL; s++) {
        for (t = s->tests; t->name != NULL; t++) {
            snprintf(name, sizeof(name), "%s.%s", s->name, t->name);
            if (filter && strstr(name, filter) == NULL)
                continue;
            current = name;
            failed = skipped = 0;
            if (make_dir() < 0) {
                test_fail(__FILE__, __LINE__, "cannot create a temp dir");
            } else {
                clock_t start = clock();

                if (verbose)
                    printf("RUN  %s\n", name);
                t->fn();
                /* a CHECK that failed inside an arena window returned
                 * with it open; the next test's arena_begin would abort */
                arena_end();
                if (verbose)
                    printf("     %.2fs cpu\n",
                           (double)(clock() - start) / CLOCKS_PER_SEC);
                remove_dir();
            }
            if (failed)
                nfailed++;
            else if (skipped)
                nskipped++;
            else
                passed++;
        }
    }
    if (nskipped)
        printf("%d passed, %d failed, %d skipped\n", passed, nfailed, nskipped);
    else
        printf("%d passed, %d failed\n", passed, nfailed);
    return nfailed ? 1 : 0;
}
