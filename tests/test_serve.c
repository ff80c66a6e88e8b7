/*
 * Tests of `tidings serve` as a program: the real binary on a free
 * loopback port, serving a folder written by export (what `build`
 * writes), reloading when the folder changes or on SIGHUP, exiting 0 on
 * SIGTERM after finishing what is under way, and a real feed reader
 * (Debian's python3-feedparser) polling with conditional GET.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"
#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/site.h"
#include "tidings/xalloc.h"

#define SEED "tests/samples/000_6f3282650a6999bc.txt"

struct proc {
    pid_t pid;
    int port;
};

static void
msleep(long ms)
{
    struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

    nanosleep(&ts, NULL);
}

/* spawn: runs tidings -c test conf ARGS with stdout and stderr into
 * files of the test dir (under $TIDINGS_WRAPPER when set). */
static pid_t
spawn(char *const args[])
{
    char *argv[64], *words = test_tidings_vector(argv, 64, args);
    pid_t pid;

    fflush(stdout);
    if ((pid = fork()) == 0) {
        if (!freopen(test_path("stdout"), "w", stdout) ||
            !freopen(test_path("stderr"), "w", stderr))
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    free(words);
    return pid;
}

/* wait_port: the port from the "serving ... on http://127.0.0.1:N/" line,
 * or -1 if the process ended or said nothing in time. */
static int
wait_port(pid_t pid)
{
    int i, st, port = -1;

    for (i = 0; i < 600 && port < 0; i++) {
        char *err = test_read(test_path("stderr"), NULL);
        const char *p = err ? strstr(err, " on http://127.0.0.1:") : NULL;

        if (p != NULL)
            port = atoi(p + strlen(" on http://127.0.0.1:"));
        free(err);
        if (port < 0 && waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        if (port < 0)
            msleep(50);
    }
    return port;
}

static int
serve_start(struct proc *p, const char *from)
{
    char *args[] = { (char *)(uintptr_t) "serve", (char *)(uintptr_t) "--port",
                     (char *)(uintptr_t) "0",     (char *)(uintptr_t) "--from",
                     (char *)(uintptr_t)from,     NULL };

    if (from == NULL)
        args[3] = NULL;
    p->pid = spawn(args);
    if (p->pid < 0 || (p->port = wait_port(p->pid)) < 0) {
        char *err = test_read(test_path("stderr"), NULL);

        fprintf(stderr, "serve did not start: %s\n", err ? err : "");
        free(err);
        return -1;
    }
    return 0;
}

/* serve_stop: SIGTERM, and the exit status. */
static int
serve_stop(struct proc *p)
{
    int st;

    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
add(struct site *s, const char *path, const char *text, int64_t mtime)
{
    site_add(s, path, xstrdup(text), strlen(text), mtime);
}

static char *
rss(int edition)
{
    struct buf b = BUF_INIT;
    char *seed = test_read(SEED, NULL);

    buf_appendf(&b,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<rss version=\"2.0\"><channel><title>中国口岸协会 新闻资讯"
                "</title><link>https://www.example.org/</link>"
                "<description>edition %d</description>"
                "<item><title>千帆竞发春潮涌</title>"
                "<link>https://www.example.org/articles/%d.html</link>"
                "<guid isPermaLink=\"false\">tag:example.org,2013:%d</guid>"
                "<pubDate>Wed, 05 Jun 2013 10:20:00 +0800</pubDate>"
                "<description><![CDATA[%s]]></description></item>"
                "</channel></rss>\n",
                edition, edition, edition, seed ? seed : "");
    free(seed);
    return buf_detach(&b, NULL);
}

/* write_folder_in: the site of one edition, written as `build` writes it
 * into the folder name of the test dir; only /rss.xml depends on the
 * edition.  Returns the folder. */
static const char *
write_folder_in(const char *name, int edition, int64_t mtime, struct site *out)
{
    static char dir[512]; /* test_path's buffers rotate */
    struct export_stats st;
    struct err err = ERR_INIT;
    char *feed = rss(edition);

    snprintf(dir, sizeof(dir), "%s", test_path("%s", name));
    site_init(out);
    add(out, "/rss.xml", feed, mtime);
    add(out, "/atom.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://"
        "www.w3.org/2005/Atom\"><title>t</title></feed>\n",
        1370000000);
    add(out, "/index.html", "<!doctype html><title>tidings</title>\n",
        1370000000);
    free(feed);
    site_finish(out);
    memset(&st, 0, sizeof(st));
    if (export_write(out, dir, 300, &st, &err) < 0) {
        fprintf(stderr, "export_write: %s\n", err.msg);
        return NULL;
    }
    return dir;
}

static const char *
write_folder(int edition, int64_t mtime, struct site *out)
{
    return write_folder_in("feeds", edition, mtime, out);
}

/* from_folder_bytes_and_etags: every document served from a built folder
 * is byte-identical to its file, with the ETag the site computed from the
 * same bytes and the file's mtime as Last-Modified. */
static void
from_folder_bytes_and_etags(void)
{
    struct site s;
    struct proc p;
    const char *dir;
    size_t i;

    CHECK(test_conf(NULL) != NULL);
    CHECK((dir = write_folder(1, 1370398800, &s)) != NULL);
    CHECK(serve_start(&p, dir) == 0);
    for (i = 0; i < s.ndocs; i++) {
        const struct doc *d = &s.docs[i];
        struct httpc_resp r;
        char *file, when[DATE_MAX];
        size_t len;

        CHECK(httpc_request(p.port, "GET", d->path, NULL, &r) == 0);
        file = test_read(test_path("feeds%s", d->path), &len);
        CHECK_INT_EQ(r.status, 200);
        CHECK(file != NULL && r.body.len == len &&
              memcmp(r.body.data, file, len) == 0);
        free(file);
        CHECK_STR_EQ(httpc_header(&r, "ETag"), d->etag);
        date_format_http(d->mtime, when);
        CHECK_STR_EQ(httpc_header(&r, "Last-Modified"), when);
        httpc_release(&r);
    }
    site_release(&s);
    CHECK_INT_EQ(serve_stop(&p), 0);
}

static int
etag_of(int port, const char *path, char *out, size_t cap)
{
    struct httpc_resp r;
    const char *e;
    int rc = -1;

    if (httpc_request(port, "GET", path, NULL, &r) == 0 &&
        (e = httpc_header(&r, "ETag")) != NULL) {
        snprintf(out, cap, "%s", e);
        rc = 0;
    }
    httpc_release(&r);
    return rc;
}

static void
last_modified_of(int port, const char *path, char *out, size_t cap)
{
    struct httpc_resp r;
    const char *v = NULL;

    if (httpc_request(port, "GET", path, NULL, &r) == 0)
        v = httpc_header(&r, "Last-Modified");
    snprintf(out, cap, "%s", v ? v : "");
    httpc_release(&r);
}

/* rebuild_reloads: a new build of the folder is in service within a
 * second; the changed document has a new ETag and Last-Modified, the
 * others keep theirs. */
static void
rebuild_reloads(void)
{
    struct site a, b;
    struct proc p;
    char rss0[64], atom0[64], rss1[64], atom1[64], lm0[64], lm1[64];
    char alm0[64], alm1[64];
    int i;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_folder(1, 1370398800, &a) != NULL);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    CHECK(etag_of(p.port, "/rss.xml", rss0, sizeof(rss0)) == 0);
    CHECK(etag_of(p.port, "/atom.xml", atom0, sizeof(atom0)) == 0);
    last_modified_of(p.port, "/rss.xml", lm0, sizeof(lm0));
    last_modified_of(p.port, "/atom.xml", alm0, sizeof(alm0));
    CHECK(write_folder(2, 1370400000, &b) != NULL);
    for (i = 0; i < (test_slow() ? 100 : 10); i++) {
        msleep(100);
        if (etag_of(p.port, "/rss.xml", rss1, sizeof(rss1)) == 0 &&
            strcmp(rss1, rss0) != 0)
            break;
    }
    CHECK_MSG(strcmp(rss1, rss0) != 0, "not reloaded within %d ms", i * 100);
    CHECK_STR_EQ(rss1, site_find(&b, "/rss.xml")->etag);
    last_modified_of(p.port, "/rss.xml", lm1, sizeof(lm1));
    CHECK(strcmp(lm0, lm1) != 0);
    CHECK(etag_of(p.port, "/atom.xml", atom1, sizeof(atom1)) == 0);
    last_modified_of(p.port, "/atom.xml", alm1, sizeof(alm1));
    CHECK_STR_EQ(atom1, atom0);
    CHECK_STR_EQ(alm1, alm0);
    site_release(&a);
    site_release(&b);
    CHECK_INT_EQ(serve_stop(&p), 0);
}

/* copy_in: the file name of the folder "next" over the one in "feeds",
 * whole (by rename), as rsync copies one file. */
static int
copy_in(const char *name)
{
    char from[512], tmp[512];
    size_t len;
    char *bytes;
    int rc;

    snprintf(from, sizeof(from), "%s", test_path("next/%s", name));
    snprintf(tmp, sizeof(tmp), "%s", test_path("feeds/.copying"));
    if ((bytes = test_read(from, &len)) == NULL)
        return -1;
    rc = test_write(tmp, bytes, len);
    free(bytes);
    return rc < 0 ? -1 : rename(tmp, test_path("feeds/%s", name));
}

/* served_gz: the gzip answer for d's path: 1 when it is d's (its gzip
 * ETag, and a body that inflates to d's bytes), 0 when it is another
 * version's, -1 when it has d's ETag over other bytes (a mix). */
static int
served_gz(int port, const struct doc *d)
{
    struct httpc_resp r;
    const char *etag;
    int rc = 0;

    if (httpc_request(port, "GET", d->path, "Accept-Encoding: gzip\r\n", &r) ==
            0 &&
        (etag = httpc_header(&r, "ETag")) != NULL &&
        strcmp(etag, d->gz_etag) == 0)
        rc = site_gzip_holds(r.body.data, r.body.len, d->body, d->len) ? 1 : -1;
    httpc_release(&r);
    return rc;
}

/* half_copied_folder_retried: a mirror copied in steps (the manifest,
 * then the bodies, then the .gz files) is never served half-way: the old
 * site stays in service while the copy is incomplete, the failed reload
 * is warned about once per distinct cause, not at every try, and the new
 * site is in service within a second or two of the copy completing. */
static void
half_copied_folder_retried(void)
{
    struct site a, b;
    struct proc p;
    const struct doc *a_rss, *b_rss;
    long settle = test_slow() ? 4000 : 1500;
    int n, tries = test_slow() ? 100 : 20, got = 0;
    char *err;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_folder(1, 1370398800, &a) != NULL);
    CHECK(write_folder_in("next", 2, 1370400000, &b) != NULL);
    a_rss = site_find(&a, "/rss.xml");
    b_rss = site_find(&b, "/rss.xml");
    CHECK(a_rss->gz != NULL && b_rss->gz != NULL);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    CHECK_INT_EQ(served_gz(p.port, a_rss), 1);
    CHECK(copy_in(".tidings-manifest") == 0);
    msleep(settle);
    CHECK_INT_EQ(served_gz(p.port, a_rss), 1);
    CHECK(copy_in("rss.xml") == 0);
    msleep(settle);
    CHECK_INT_EQ(served_gz(p.port, a_rss), 1);
    CHECK(copy_in("rss.xml.gz") == 0);
    for (n = 0; n < tries && got == 0; n++) {
        msleep(100);
        got = served_gz(p.port, b_rss);
    }
    CHECK_MSG(got == 1, "new site %s after %d ms", got ? "mixed" : "not served",
              n * 100);
    CHECK_INT_EQ(serve_stop(&p), 0);
    err = test_read(test_path("stderr"), NULL);
    CHECK(err != NULL);
    /* two causes (the body, then the .gz), each told once */
    CHECK_MSG(test_count(err, "cannot reload") >= 1 &&
                  test_count(err, "cannot reload") <= 2,
              "stderr: %s", err);
    CHECK(strstr(err, "warning: ") != NULL &&
          strstr(err, "/feeds: cannot reload (the folder changed), still "
                      "serving the site loaded before: '") != NULL);
    CHECK(strstr(err, "rss.xml.gz' is not the gzip form") != NULL);
    free(err);
    site_release(&a);
    site_release(&b);
}

static int
status_of(int port, const char *method, const char *path)
{
    struct httpc_resp r;
    int st = httpc_request(port, method, path, NULL, &r) == 0 ? r.status : -1;

    httpc_release(&r);
    return st;
}

/* conf_serve: the test configuration with a [serve] section (test_conf
 * knows nothing of it; sections may come in any order). */
static int
conf_serve(const char *lines)
{
    struct buf b = BUF_INIT;
    char *conf;
    int rc;

    if (test_conf(NULL) == NULL ||
        (conf = test_read(test_path("tidings.conf"), NULL)) == NULL)
        return -1;
    buf_appendf(&b, "[serve]\n%s\n%s", lines, conf);
    rc = test_write(test_path("tidings.conf"), b.data, b.len);
    free(conf);
    buf_release(&b);
    return rc;
}

/* overwrite_keeping_stat: the bytes of from written over to in place,
 * and to's old mtime put back: to looks unchanged to a stat() watch when
 * the sizes are equal. */
static int
overwrite_keeping_stat(const char *from, const char *to)
{
    struct stat before, after;
    struct timespec times[2];
    size_t len;
    char *bytes = test_read(from, &len);
    FILE *fp;
    int rc = -1;

    if (bytes == NULL || stat(to, &before) < 0 ||
        (fp = fopen(to, "r+")) == NULL) {
        free(bytes);
        return -1;
    }
    if (fwrite(bytes, 1, len, fp) == len && fclose(fp) == 0) {
        times[0] = before.st_atim;
        times[1] = before.st_mtim;
        rc = utimensat(AT_FDCWD, to, times, 0);
    }
    free(bytes);
    if (rc == 0 && (stat(to, &after) < 0 || after.st_ino != before.st_ino ||
                    after.st_size != before.st_size ||
                    after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
                    after.st_mtim.tv_sec != before.st_mtim.tv_sec))
        rc = -1;
    return rc;
}

/* sighup_reloads: SIGHUP loads the site again even when the watch sees
 * no change (here a new build whose manifest keeps its inode, size and
 * mtime, as a copy tool that keeps times might leave it). */
static void
sighup_reloads(void)
{
    struct site a, b;
    struct proc p;
    char etag[64], manifest[512];
    int n, tries = test_slow() ? 100 : 10;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_folder(1, 1370398800, &a) != NULL);
    CHECK(write_folder_in("next", 2, 1370400000, &b) != NULL);
    CHECK(site_find(&a, "/rss.xml")->len == site_find(&b, "/rss.xml")->len);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    CHECK(copy_in("rss.xml") == 0 && copy_in("rss.xml.gz") == 0);
    snprintf(manifest, sizeof(manifest), "%s",
             test_path("next/%s", EXPORT_MANIFEST));
    CHECK(overwrite_keeping_stat(manifest,
                                 test_path("feeds/%s", EXPORT_MANIFEST)) == 0);
    msleep(test_slow() ? 3000 : 600); /* three ticks of the watch */
    CHECK(etag_of(p.port, "/rss.xml", etag, sizeof(etag)) == 0);
    CHECK_STR_EQ(etag, site_find(&a, "/rss.xml")->etag); /* not seen */
    kill(p.pid, SIGHUP);
    for (n = 0; n < tries; n++) {
        msleep(100);
        if (etag_of(p.port, "/rss.xml", etag, sizeof(etag)) == 0 &&
            strcmp(etag, site_find(&b, "/rss.xml")->etag) == 0)
            break;
    }
    CHECK_MSG(n < tries, "not reloaded %d ms after SIGHUP", n * 100);
    CHECK_INT_EQ(serve_stop(&p), 0);
    site_release(&a);
    site_release(&b);
}

/* sighup_reopens_log: SIGHUP reloads and reopens the access log, so a
 * rotated log gets a fresh file. */
static void
sighup_reopens_log(void)
{
    struct site s;
    struct proc p;
    char line[600], path[512], *log;

    /* a copy: test_path's buffers rotate */
    snprintf(path, sizeof(path), "%s", test_path("access.log"));
    snprintf(line, sizeof(line), "access_log = %s", path);
    CHECK(conf_serve(line) == 0);
    CHECK(write_folder(1, 1370398800, &s) != NULL);
    site_release(&s);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    CHECK_INT_EQ(status_of(p.port, "GET", "/rss.xml"), 200);
    msleep(300); /* the housekeeper flushes the log every 100 ms */
    CHECK(rename(path, test_path("access.log.1")) == 0);
    kill(p.pid, SIGHUP);
    msleep(test_slow() ? 3000 : 500);
    CHECK_INT_EQ(status_of(p.port, "GET", "/atom.xml"), 200);
    CHECK_INT_EQ(serve_stop(&p), 0);
    log = test_read(test_path("access.log.1"), NULL);
    CHECK(log != NULL && strstr(log, "GET /rss.xml HTTP/1.1\" 200") != NULL);
    free(log);
    log = test_read(path, NULL);
    CHECK_MSG(log != NULL && strstr(log, "GET /atom.xml") != NULL &&
                  strstr(log, "/rss.xml") == NULL,
              "new log: %s", log ? log : "(none)");
    free(log);
}

/* access_log_stdout: the default access log is stdout, one combined-format
 * line per request, HEAD and 404 included. */
static void
access_log_stdout(void)
{
    struct site s;
    struct proc p;
    char *out;

    CHECK(test_conf(NULL) != NULL);
    CHECK(write_folder(1, 1370398800, &s) != NULL);
    site_release(&s);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    CHECK_INT_EQ(status_of(p.port, "GET", "/rss.xml"), 200);
    CHECK_INT_EQ(status_of(p.port, "HEAD", "/rss.xml"), 200);
    CHECK_INT_EQ(status_of(p.port, "GET", "/nope"), 404);
    CHECK_INT_EQ(serve_stop(&p), 0);
    out = test_read(test_path("stdout"), NULL);
    CHECK(out != NULL);
    CHECK_MSG(test_count(out, "\n") == 3, "stdout: %s", out);
    CHECK(strstr(out, "\"GET /rss.xml HTTP/1.1\" 200 ") != NULL);
    CHECK(strstr(out, "\"HEAD /rss.xml HTTP/1.1\" 200 0 ") != NULL);
    CHECK(strstr(out, "\"GET /nope HTTP/1.1\" 404 10 ") != NULL);
    free(out);
}

/* sigterm_finishes_inflight: SIGTERM while a large response is being
 * sent: the client still gets all of it, and the exit status is 0. */
static void
sigterm_finishes_inflight(void)
{
    char dir[512];
    size_t big = 32u << 20, i;
    struct site s;
    struct proc p;
    struct httpc_resp r;
    struct export_stats st;
    struct err err = ERR_INIT;
    static const char req[] = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
    char *body = xmalloc(big), c;
    int fd, rcvbuf = 256 * 1024, status;

    snprintf(dir, sizeof(dir), "%s", test_path("feeds"));
    memset(body, 'A', big);
    CHECK(test_conf(NULL) != NULL);
    site_init(&s);
    site_add(&s, "/big.bin", body, big, 1370398800);
    site_finish(&s);
    memset(&st, 0, sizeof(st));
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    site_release(&s);
    CHECK(serve_start(&p, dir) == 0);
    CHECK((fd = httpc_connect(p.port)) >= 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    CHECK(httpc_send(fd, req, sizeof(req) - 1) == 0);
    CHECK(recv(fd, &c, 1, MSG_PEEK) == 1);
    kill(p.pid, SIGTERM);
    msleep(300);
    CHECK(httpc_read(fd, 0, &r) == 0);
    close(fd);
    CHECK_INT_EQ(r.status, 200);
    CHECK(r.body.len == big);
    for (i = 0; i < big && r.body.data[i] == 'A'; i++)
        ;
    CHECK(i == big);
    httpc_release(&r);
    while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR)
        ;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* feedparser_conditional_get: a real feed reader fetches the feed, then
 * polls again with the etag and modified values it was given. */
static void
feedparser_conditional_get(void)
{
    static const char script[] =
        "import sys, feedparser\n"
        "url = sys.argv[1]\n"
        "d = feedparser.parse(url)\n"
        "print(d.status, len(d.entries), d.feed.title)\n"
        "e = feedparser.parse(url, etag=d.etag)\n"
        "print(e.status, len(e.entries))\n"
        "m = feedparser.parse(url, modified=d.modified)\n"
        "print(m.status, len(m.entries))\n";
    struct site s;
    struct proc p;
    struct test_proc py;
    char url[128], script_path[512];
    char *argv[] = { (char *)(uintptr_t) "sh",
                     (char *)(uintptr_t) "-c",
                     (char *)(uintptr_t) "command -p python3 \"$0\" \"$1\"",
                     script_path,
                     url,
                     NULL };

    if (system("command -p python3 -c 'import feedparser' 2>/dev/null") != 0)
        SKIP("Debian's python3-feedparser is not installed");
    /* a copy: test_path's buffers rotate while the server starts */
    snprintf(script_path, sizeof(script_path), "%s", test_path("fp.py"));
    CHECK(test_write_str(script_path, script) == 0);
    CHECK(test_conf(NULL) != NULL);
    CHECK(write_folder(1, 1370398800, &s) != NULL);
    site_release(&s);
    CHECK(serve_start(&p, test_path("feeds")) == 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/rss.xml", p.port);
    CHECK(test_run(&py, NULL, argv) == 0);
    CHECK_MSG(py.status == 0, "python: %s", py.err.data);
    CHECK_STR_EQ(py.out.data, "200 1 中国口岸协会 新闻资讯\n304 0\n304 0\n");
    test_proc_release(&py);
    CHECK_INT_EQ(serve_stop(&p), 0);
}

/* usage_and_store_mode: bad flags are usage errors; serving the store
 * says plainly that it needs the renderer (not in this build yet). */
static void
usage_errors(void)
{
    struct test_proc t;
    struct site s;

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_tidings(&t, "serve", "--port", "http", NULL) == 0);
    CHECK_INT_EQ(t.status, 2);
    CHECK(strstr(t.err.data, "'http' is not a port number") != NULL);
    test_proc_release(&t);
    CHECK(write_folder(1, 1370398800, &s) != NULL);
    site_release(&s);
    CHECK(test_tidings(&t, "serve", "--bind", "localhost", "--from",
                       test_path("feeds"), NULL) == 0);
    CHECK_INT_EQ(t.status, 2);
    test_proc_release(&t);
    CHECK(test_tidings(&t, "serve", "--from", test_path("none"), NULL) == 0);
    CHECK_INT_EQ(t.status, 1);
    CHECK_MSG(strstr(t.err.data, "none': No such file or directory") != NULL,
              "%s", t.err.data);
    test_proc_release(&t);
    CHECK(mkdir(test_path("empty"), 0755) == 0);
    CHECK(test_tidings(&t, "serve", "--from", test_path("empty"), NULL) == 0);
    CHECK_INT_EQ(t.status, 1);
    CHECK(strstr(t.err.data, "holds no site built by tidings") != NULL);
    test_proc_release(&t);
    CHECK(test_tidings(&t, "serve", "--frm", "x", NULL) == 0);
    CHECK_INT_EQ(t.status, 2);
    test_proc_release(&t);
}

/* import: runs tidings import ARGS; its exit status. */
static int
import(const char *a, const char *b, const char *c)
{
    struct test_proc t;
    int st;

    test_tidings(&t, "import", a, b, c, NULL);
    st = t.status;
    test_proc_release(&t);
    return st;
}

static int
body_has(int port, const char *path, const char *needle)
{
    struct httpc_resp r;
    int has = httpc_request(port, "GET", path, NULL, &r) == 0 &&
              strstr(r.body.data, needle) != NULL;

    httpc_release(&r);
    return has;
}

/* A document as served: validators, and whether its body names title. */
struct seen {
    char etag[64], lm[64];
    int has_title;
};

static void
look(int port, const char *path, const char *title, struct seen *out)
{
    struct httpc_resp r;
    const char *v;

    memset(out, 0, sizeof(*out));
    if (httpc_request(port, "GET", path, NULL, &r) == 0) {
        if ((v = httpc_header(&r, "ETag")) != NULL)
            snprintf(out->etag, sizeof(out->etag), "%s", v);
        if ((v = httpc_header(&r, "Last-Modified")) != NULL)
            snprintf(out->lm, sizeof(out->lm), "%s", v);
        out->has_title = strstr(r.body.data, title) != NULL;
    }
    httpc_release(&r);
}

/* when: an HTTP date as seconds, or -1. */
static int64_t
when(const char *http_date)
{
    int64_t t;

    return date_parse_http(http_date, strlen(http_date), &t) == 0 ? t : -1;
}

/* manifest_paths: the paths the manifest of the built folder dir lists
 * (xstrdup'ed, NULL-terminated), or NULL. */
static char **
manifest_paths(const char *dir)
{
    char *text = test_read(test_path("%s/%s", dir, EXPORT_MANIFEST), NULL);
    char **v, *line, *save = NULL, *path;
    size_t n = 0;

    if (text == NULL)
        return NULL;
    v = xcalloc(test_count(text, "\n") + 1, sizeof(*v));
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#' && (path = strrchr(line, '\t')) != NULL)
            v[n++] = xstrdup(path + 1);
    free(text);
    return v;
}

static void
free_paths(char **v)
{
    size_t i;

    for (i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* same_as_file: GET path (gzip when gz) gives the bytes of file. */
static int
same_as_file(int port, const char *path, const char *file, int gz)
{
    struct httpc_resp r;
    char *bytes;
    size_t len;
    int same;

    if (httpc_request(port, "GET", path,
                      gz ? "Accept-Encoding: gzip\r\n" : NULL, &r) < 0) {
        httpc_release(&r);
        return 0;
    }
    bytes = test_read(file, &len);
    same = bytes != NULL && r.status == 200 && r.body.len == len &&
           memcmp(r.body.data, bytes, len) == 0 &&
           (httpc_header(&r, "Content-Encoding") != NULL) == gz;
    free(bytes);
    httpc_release(&r);
    return same;
}

/* check_files: every document of the built folder "feeds" is served as
 * its file, and its gzip form as the .gz beside it (or, where gzip would
 * not be smaller and so is not offered, as the file). */
static void
check_files(int port, char **paths)
{
    char file[600], gz[600];
    size_t i, n;
    struct stat a, b;

    for (i = 0; paths[i] != NULL; i++) {
        snprintf(file, sizeof(file), "%s", test_path("feeds%s", paths[i]));
        n = (size_t)snprintf(gz, sizeof(gz), "%s.gz", file);
        CHECK(n < sizeof(gz));
        CHECK_MSG(same_as_file(port, paths[i], file, 0), "%s differs",
                  paths[i]);
        if (stat(gz, &b) < 0)
            continue; /* not text: no gzip form */
        CHECK(stat(file, &a) == 0);
        if (b.st_size < a.st_size)
            CHECK_MSG(same_as_file(port, paths[i], gz, 1), "%s.gz differs",
                      paths[i]);
        else
            CHECK_MSG(same_as_file(port, paths[i], file, 0), "%s differs",
                      paths[i]);
    }
}

/* wait_title: polls path until its body does (want) or does not name
 * title; whether it came to that within a second (ten under valgrind). */
static int
wait_title(int port, const char *path, const char *title, int want)
{
    int n, tries = test_slow() ? 100 : 10;

    for (n = 0; n < tries; n++) {
        msleep(100);
        if (body_has(port, path, title) == want)
            return 1;
    }
    return 0;
}

#define TITLE "满洲里口岸货运量创新高" /* of e_same_author.txt */

/* from_store: serve renders the store itself: every document is served
 * as the file build wrote (plain and gzip), with the ETags serve --from
 * gives; an import is in service within a second, with new ETags and a
 * later Last-Modified for the documents the article is in and the old
 * ones for the others (a category feed it is not in among them); a
 * deletion, within the same second, still moves Last-Modified forward
 * and takes the article out of the feed. */
static void
from_store(void)
{
    struct proc p, q;
    struct test_proc t;
    struct seen *before = NULL, now, rss0, rss1;
    char slug[128], **paths = NULL;
    const char *line;
    size_t i, n = 0, kept_category = 0;

    CHECK(test_conf(NULL) != NULL);
    CHECK(import("--date", "2013-06-05T10:20:00+08:00", SEED) == 0);
    CHECK(test_tidings(&t, "build", NULL) == 0 && t.status == 0);
    test_proc_release(&t);
    CHECK((paths = manifest_paths("feeds")) != NULL);
    while (paths[n] != NULL)
        n++;
    before = xcalloc(n, sizeof(*before));
    /* one server at a time: both would log to the same file */
    CHECK(serve_start(&q, test_path("feeds")) == 0);
    check_files(q.port, paths);
    for (i = 0; i < n; i++)
        look(q.port, paths[i], TITLE, &before[i]);
    CHECK_INT_EQ(serve_stop(&q), 0);
    unlink(test_path("stderr")); /* or wait_port may read q's port */
    CHECK(serve_start(&p, NULL) == 0);
    check_files(p.port, paths);
    for (i = 0; i < n; i++) {
        look(p.port, paths[i], TITLE, &now);
        CHECK_STR_EQ(now.etag, before[i].etag);
        CHECK_STR_EQ(now.lm, before[i].lm);
    }
    look(p.port, "/rss.xml", TITLE, &rss0);
    CHECK(import("tests/golden/input/e_same_author.txt", NULL, NULL) == 0);
    CHECK_MSG(wait_title(p.port, "/rss.xml", TITLE, 1),
              "not in service within a second");
    for (i = 0; i < n; i++) {
        look(p.port, paths[i], TITLE, &now);
        if (now.has_title) { /* the article is in it */
            CHECK_MSG(strcmp(now.etag, before[i].etag) != 0, "%s", paths[i]);
            CHECK_MSG(when(now.lm) > when(before[i].lm), "%s: %s, was %s",
                      paths[i], now.lm, before[i].lm);
        } else if (strncmp(paths[i], "/category/", 10) == 0 &&
                   strstr(paths[i], "/rss.xml") != NULL) {
            CHECK_STR_EQ(now.etag, before[i].etag);
            CHECK_STR_EQ(now.lm, before[i].lm);
            kept_category++;
        }
    }
    CHECK_MSG(kept_category > 0, "no category feed without the article");
    look(p.port, "/rss.xml", TITLE, &rss1);
    CHECK(rss1.has_title && when(rss1.lm) > when(rss0.lm));
    /* the article goes again, within the second of its import */
    CHECK(test_tidings(&t, "list", NULL) == 0);
    CHECK((line = strstr(t.out.data, TITLE)) != NULL);
    while (line > t.out.data && line[-1] != '\n')
        line--;
    snprintf(slug, sizeof(slug), "%.*s", (int)strcspn(line, "\t"), line);
    test_proc_release(&t);
    CHECK(test_tidings(&t, "rm", slug, NULL) == 0 && t.status == 0);
    test_proc_release(&t);
    CHECK_MSG(wait_title(p.port, "/rss.xml", TITLE, 0),
              "still in the feed after a second");
    look(p.port, "/rss.xml", TITLE, &now);
    CHECK_MSG(when(now.lm) > when(rss1.lm), "Last-Modified %s, was %s", now.lm,
              rss1.lm);
    CHECK(strcmp(now.etag, rss1.etag) != 0);
    CHECK_INT_EQ(serve_stop(&p), 0);
    free(before);
    free_paths(paths);
}

const struct test tests_serve[] = {
    { "from_folder_bytes_and_etags", from_folder_bytes_and_etags },
    { "rebuild_reloads", rebuild_reloads },
    { "half_copied_folder_retried", half_copied_folder_retried },
    { "sighup_reopens_log", sighup_reopens_log },
    { "sighup_reloads", sighup_reloads },
    { "access_log_stdout", access_log_stdout },
    { "sigterm_finishes_inflight", sigterm_finishes_inflight },
    { "feedparser_conditional_get", feedparser_conditional_get },
    { "usage_errors", usage_errors },
    { "from_store", from_store },
    { NULL, NULL },
};
