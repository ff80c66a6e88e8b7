/*
 * testutil: files, paths and child processes for tests.
 */
#define _DEFAULT_SOURCE /* wait4, for a child's peak RSS */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tidings/import.h"
#include "tidings/xalloc.h"

#define POOL 8

static char pool[POOL][4096];
static int pool_next;

static char *
pool_buf(void)
{
    char *b = pool[pool_next];

    pool_next = (pool_next + 1) % POOL;
    return b;
}

const char *
test_path(const char *fmt, ...)
{
    char *b = pool_buf();
    size_t n;
    va_list ap;

    n = (size_t)snprintf(b, sizeof(pool[0]), "%s/", test_dir());
    va_start(ap, fmt);
    vsnprintf(b + n, sizeof(pool[0]) - n, fmt, ap);
    va_end(ap);
    return b;
}

const char *
test_fixture(const char *name)
{
    char *b = pool_buf();

    snprintf(b, sizeof(pool[0]), "tests/fixtures/%s", name);
    return b;
}

int
test_write(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    int rc;

    if (fp == NULL)
        return -1;
    rc = fwrite(data, 1, len, fp) == len ? 0 : -1;
    if (fclose(fp) != 0)
        rc = -1;
    return rc;
}

int
test_write_str(const char *path, const char *s)
{
    return test_write(path, s, strlen(s));
}

char *
test_read(const char *path, size_t *len)
{
    struct buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    FILE *fp = fopen(path, "rb");

    if (fp == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(&b, chunk, n);
    fclose(fp);
    return buf_detach(&b, len);
}

/* pump: feeds stdin and drains stdout/stderr until both close. */
static void
pump(int in, const char *data, int out, int errfd, struct test_proc *p)
{
    size_t sent = 0, len = data ? strlen(data) : 0;
    char chunk[65536];
    struct pollfd fds[3];
    int open_fds = 2;

    if (in >= 0 && len == 0) {
        close(in);
        in = -1;
    }
    while (open_fds > 0 || in >= 0) {
        nfds_t n = 0;
        int i;

        fds[n].fd = out, fds[n++].events = POLLIN;
        fds[n].fd = errfd, fds[n++].events = POLLIN;
        fds[n].fd = in, fds[n++].events = POLLOUT;
        if (poll(fds, n, -1) < 0 && errno != EINTR)
            break;
        for (i = 0; i < 2; i++) {
            ssize_t r;

            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            r = read(fds[i].fd, chunk, sizeof(chunk));
            if (r > 0) {
                buf_append(i == 0 ? &p->out : &p->err, chunk, (size_t)r);
            } else {
                if (i == 0)
                    out = -1;
                else
                    errfd = -1;
                open_fds--;
            }
        }
        if (in >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in, data + sent, len - sent);

            if (w > 0)
                sent += (size_t)w;
            if (w <= 0 || sent == len) {
                close(in);
                in = -1;
            }
        }
    }
}

int
test_run(struct test_proc *p, const char *in, char *const argv[])
{
    int pin[2], pout[2], perr[2];
    pid_t pid;

    buf_init(&p->out, 0);
    buf_init(&p->err, 0);
    p->status = -1;
    p->maxrss_kb = 0;
    if (pipe(pin) < 0 || pipe(pout) < 0 || pipe(perr) < 0)
        return -1;
    fflush(stdout);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        dup2(perr[1], 2);
        close(pin[1]), close(pout[0]), close(perr[0]);
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pin[0]), close(pout[1]), close(perr[1]);
    signal(SIGPIPE, SIG_IGN);
    pump(pin[1], in, pout[0], perr[0], p);
    close(pout[0]), close(perr[0]);
    return test_wait(pid, &p->status, &p->maxrss_kb);
}

int
test_wait(pid_t pid, int *status, long *maxrss_kb)
{
    struct rusage ru;
    int st;

    memset(&ru, 0, sizeof(ru));
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (maxrss_kb)
        *maxrss_kb = ru.ru_maxrss;
    return 0;
}

int
test_runl(struct test_proc *p, const char *in, const char *arg0, ...)
{
    char *argv[96];
    const char *a = arg0;
    int n = 0;
    va_list ap;

    va_start(ap, arg0);
    for (; a != NULL && n < 95; a = va_arg(ap, const char *))
        argv[n++] = (char *)(uintptr_t)a;
    va_end(ap);
    argv[n] = NULL;
    return test_run(p, in, argv);
}

/* tidings_argv: the command line test_tidings runs: the wrapper's words,
 * $TIDINGS, -c test_dir()/tidings.conf, args.  Returns the copy of the
 * wrapper that argv points into (caller frees). */
static char *
tidings_argv(char **argv, size_t cap, char *const args[])
{
    const char *bin = getenv("TIDINGS"), *wrap = getenv("TIDINGS_WRAPPER");
    char *words = NULL, *save = NULL, *w;
    size_t n = 0, i;

    if (wrap && *wrap) {
        words = xstrdup(wrap);
        for (w = strtok_r(words, " ", &save); w && n < 32;
             w = strtok_r(NULL, " ", &save))
            argv[n++] = w;
    }
    argv[n++] = (char *)(uintptr_t)(bin ? bin : "./tidings");
    argv[n++] = (char *)(uintptr_t) "-c";
    argv[n++] = (char *)(uintptr_t)test_path("tidings.conf");
    for (i = 0; args[i] != NULL && n < cap - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return words;
}

pid_t
test_tidings_spawn(char *const args[], int err_fd)
{
    char *argv[128], *words = tidings_argv(argv, 128, args);
    int null = open("/dev/null", O_RDWR);
    pid_t pid;

    fflush(stdout);
    if ((pid = fork()) == 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(err_fd >= 0 ? err_fd : null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(null);
    free(words);
    return pid;
}

void
test_proc_release(struct test_proc *p)
{
    buf_release(&p->out);
    buf_release(&p->err);
}

const char *
test_conf(const char *site_extra)
{
    const char *path = test_path("tidings.conf");
    struct buf b = BUF_INIT;
    int rc;

    buf_appendf(&b,
                "[site]\ntitle = 中国口岸协会 新闻资讯\n"
                "base_url = https://www.example.org\nlanguage = zh-CN\n"
                "timezone = +08:00\n%s\n"
                "[store]\npath = %s/tidings.db\n[build]\nout = %s/feeds\n"
                "[slugs]\n新闻资讯 = news\n综合新闻 = general\n",
                site_extra ? site_extra : "", test_dir(), test_dir());
    rc = test_write(path, b.data, b.len);
    buf_release(&b);
    return rc == 0 ? path : NULL;
}

char *
test_tidings_vector(char **argv, int cap, char *const args[])
{
    return tidings_argv(argv, cap, args);
}

/* make asan builds tidings with the same sanitizer as this runner. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif

int
test_rss_is_measured(void)
{
    const char *w = getenv("TIDINGS_WRAPPER");

#ifdef UNDER_ASAN
    w = "asan";
#endif
    return w == NULL || *w == '\0';
}

/* A child's ru_maxrss counts the pages it shared with the runner between
 * fork and exec, so once the runner has grown it says nothing about
 * tidings.  GNU time forks tidings from its own small process; its %M is
 * tidings' own peak.  Used when tidings runs natively and time exists. */
#define GNU_TIME "/usr/bin/time"

static int
measure_with_time(void)
{
    const char *w = getenv("TIDINGS_WRAPPER");

    return (w == NULL || *w == '\0') && access(GNU_TIME, X_OK) == 0;
}

int
test_tidings_argv(struct test_proc *p, char *const args[])
{
    char *argv[136], *words = tidings_argv(argv + 5, 128, args), *rss;
    char out[4096];
    int measured = measure_with_time(), rc;

    snprintf(out, sizeof(out), "%s/.peak-rss", test_dir());
    if (measured) {
        argv[0] = (char *)(uintptr_t)GNU_TIME;
        argv[1] = (char *)(uintptr_t) "-q";
        argv[2] = (char *)(uintptr_t) "-f%M";
        argv[3] = (char *)(uintptr_t) "-o";
        argv[4] = (char *)(uintptr_t)out;
    }
    rc = test_run(p, NULL, measured ? argv : argv + 5);
    if (measured && rc == 0 && (rss = test_read(out, NULL)) != NULL) {
        p->maxrss_kb = strtol(rss, NULL, 10); /* -q: the one line is %M */
        free(rss);
        unlink(out);
    }
    free(words);
    return rc;
}

int
test_tidings(struct test_proc *p, const char *arg, ...)
{
    char *args[96];
    int n = 0;
    va_list ap;

    va_start(ap, arg);
    for (; arg != NULL && n < 95; arg = va_arg(ap, const char *))
        args[n++] = (char *)(uintptr_t)arg;
    va_end(ap);
    args[n] = NULL;
    return test_tidings_argv(p, args);
}

int
test_have(const char *program)
{
    char cmd[512];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", program);
    return system(cmd) == 0;
}

int
test_slow(void)
{
    return getenv("TIDINGS_SLOW") != NULL;
}

size_t
test_count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);

    if (len == 0)
        return 0;
    while ((hay = strstr(hay, needle)) != NULL) {
        n++;
        hay += len;
    }
    return n;
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int
capture_emit(void *arg, struct import_item *item, struct err *err)
{
    struct test_capture *c = arg;
    const struct article *a = item->article;
    struct article *k;

    (void)err;
    if (c->n >= TEST_MAX_ARTICLES) {
        c->n++;
        return 0;
    }
    k = &c->a[c->n];
    article_init(k);
    k->feed_id = dup_or_null(a->feed_id);
    k->slug = dup_or_null(a->slug);
    k->url = dup_or_null(a->url);
    k->title = dup_or_null(a->title);
    k->summary = dup_or_null(a->summary);
    k->body = dup_or_null(a->body);
    k->category = dup_or_null(a->category);
    k->source = dup_or_null(a->source);
    k->author = dup_or_null(a->author);
    k->published = a->published;
    k->updated = a->updated;
    c->guid[c->n++] = dup_or_null(item->guid);
    return 0;
}

static void
capture_warn(void *arg, const char *msg)
{
    struct test_capture *c = arg;

    buf_appendf(&c->warnings, "%s\n", msg);
}

void
test_capture_init(struct test_capture *c, struct import_sink *sink)
{
    memset(c, 0, sizeof(*c));
    buf_init(&c->warnings, 0);
    sink->emit = capture_emit;
    sink->warn = capture_warn;
    sink->arg = c;
}

void
test_capture_release(struct test_capture *c)
{
    int i;

    for (i = 0; i < c->n && i < TEST_MAX_ARTICLES; i++) {
        article_release(&c->a[i]);
        free(c->guid[i]);
    }
    buf_release(&c->warnings);
    c->n = 0;
}
