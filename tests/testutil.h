#ifndef TIDINGS_TESTUTIL_H
#define TIDINGS_TESTUTIL_H

/*
 * Helpers for tests: the per-test directory, files, and running programs
 * (tidings itself, xmllint, python) with their output captured.  Paths
 * returned by test_path are in a small rotating pool of static buffers:
 * valid for the next few calls, which is all a test needs.
 */

#include <stddef.h>
#include <sys/types.h>

#include "tidings/article.h"
#include "tidings/buf.h"

/* test_dir: this test's fresh temporary directory. */
const char *test_dir(void);
/* test_path: test_dir()/NAME (printf-style). */
const char *test_path(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* test_fixture: tests/fixtures/NAME (the runner runs from the repo root). */
const char *test_fixture(const char *name);

int test_write(const char *path, const char *data, size_t len);
int test_write_str(const char *path, const char *s);
/* test_read: the file's bytes (NUL-terminated, caller frees), or NULL. */
char *test_read(const char *path, size_t *len);

struct test_proc {
    int status;     /* exit status, or 128 + signal */
    struct buf out; /* stdout */
    struct buf err; /* stderr */
    long maxrss_kb; /* the child's peak resident set size (test_tidings
                       runs measure tidings alone, through GNU time) */
};

/* test_run: runs argv (NULL-terminated) with stdin from `in` (may be NULL)
 * and waits.  Returns 0 when it ran; p must be released with
 * test_proc_release. */
int test_run(struct test_proc *p, const char *in, char *const argv[]);
void test_proc_release(struct test_proc *p);
/* test_runl: test_run with the arguments listed (NULL-terminated). */
int test_runl(struct test_proc *p, const char *in, const char *arg0, ...);

/* test_conf: writes test_dir()/tidings.conf with the store and output in
 * test_dir() and the given extra lines appended to [site] (may be NULL);
 * returns its path. */
const char *test_conf(const char *site_extra);

/* test_tidings: runs $TIDINGS -c test_dir()/tidings.conf ARGS... (NULL
 * terminated), under $TIDINGS_WRAPPER when set (valgrind). */
int test_tidings(struct test_proc *p, const char *arg, ...);
/* test_tidings_argv: the same with an argument vector. */
int test_tidings_argv(struct test_proc *p, char *const args[]);
/* test_tidings_vector: fills argv (cap entries, NULL-terminated) with the
 * command line test_tidings_argv runs, for tests that start tidings
 * themselves; returns a buffer argv points into, for the caller to free. */
char *test_tidings_vector(char **argv, int cap, char *const args[]);
/* test_tidings_spawn: starts tidings as test_tidings would, without
 * waiting, stdin and stdout on /dev/null and stderr on err_fd (or
 * /dev/null when err_fd < 0).  Returns the pid, or -1. */
pid_t test_tidings_spawn(char *const args[], int err_fd);
/* test_wait: waits for pid; *status as in test_proc, *maxrss_kb (if set)
 * the child's peak RSS.  Returns 0, or -1. */
int test_wait(pid_t pid, int *status, long *maxrss_kb);

/* test_have: true if the program is on PATH. */
int test_have(const char *program);
/* test_rss_is_measured: a child's peak RSS says something about tidings
 * only when it runs natively: not under valgrind, and not as the ASan
 * build (shadow memory, quarantine) that make asan puts in its place. */
int test_rss_is_measured(void);
/* test_slow: true under valgrind, where long tests shrink. */
int test_slow(void);

/* test_count_substr: occurrences of needle in hay. */
size_t test_count(const char *hay, const char *needle);

/* A sink that keeps a copy of every article an importer emits (up to
 * TEST_MAX_ARTICLES; more are counted) and of every warning, one per
 * line. */
#define TEST_MAX_ARTICLES 32
struct test_capture {
    struct article a[TEST_MAX_ARTICLES];
    char *guid[TEST_MAX_ARTICLES];
    int n;
    struct buf warnings;
};
struct import_sink;
void test_capture_init(struct test_capture *c, struct import_sink *sink);
void test_capture_release(struct test_capture *c);

#endif
