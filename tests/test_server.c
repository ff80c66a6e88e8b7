/*
 * Tests of the server module in-process: a site assembled from real bytes
 * (the seed page, feeds written out in full) served by the real server on
 * a free loopback port, and driven by a raw-socket client, so that
 * malformed and hostile requests can be sent as they are.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"
#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/server.h"
#include "tidings/site.h"
#include "tidings/xalloc.h"

#define SEED  "tests/samples/000_6f3282650a6999bc.txt"
#define MTIME 1370398800 /* 2013-06-05 02:20:00 UTC */

static void
msleep(long ms)
{
    struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

    nanosleep(&ts, NULL);
}

static char *
rss_bytes(int edition, size_t *len)
{
    struct buf b = BUF_INIT;
    char *seed = test_read(SEED, NULL);
    int i;

    buf_appendf(&b,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<rss version=\"2.0\" "
                "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                "<channel><title>中国口岸协会 新闻资讯</title>"
                "<link>https://www.example.org/</link>"
                "<description>edition %d</description>\n",
                edition);
    for (i = 0; i < 5 + edition; i++)
        buf_appendf(&b,
                    "<item><title>item %d</title><guid>tag:example.org,2013:"
                    "%d</guid><pubDate>Wed, 05 Jun 2013 10:20:00 +0800"
                    "</pubDate><content:encoded><![CDATA[%s]]>"
                    "</content:encoded></item>\n",
                    i, i, seed ? seed : "");
    buf_puts(&b, "</channel></rss>\n");
    free(seed);
    return buf_detach(&b, len);
}

static void
add(struct site *s, const char *path, const char *text, int64_t mtime)
{
    site_add(s, path, xstrdup(text), strlen(text), mtime);
}

/* make_site: the test site; edition changes /rss.xml only. */
static void
make_site(struct site *s, int edition)
{
    size_t len;
    char *rss = rss_bytes(edition, &len);
    char *seed = test_read(SEED, &len);
    struct doc *d;

    site_init(s);
    s->version = 10 + edition;
    site_add(s, "/rss.xml", rss, strlen(rss), MTIME + edition);
    add(s, "/atom.xml",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
        "xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title></feed>\n",
        MTIME);
    add(s, "/index.html", "<!doctype html><title>tidings</title>\n", MTIME);
    add(s, "/tiny.txt", "x", MTIME); /* gzip would be larger: none */
    d = site_add(s, "/category/news/archive/1.xml", xstrdup(seed ? seed : ""),
                 seed ? strlen(seed) : 0, MTIME);
    d->immutable = 1;
    free(seed);
    site_finish(s);
}

static struct server *
start_with(struct site *site, const char *access_log, long timeout,
           long max_conn, long threads)
{
    struct server_config cfg;
    struct server *srv = NULL;
    struct err err = ERR_INIT;

    memset(&cfg, 0, sizeof(cfg));
    cfg.bind = "127.0.0.1";
    cfg.port = 0;
    cfg.max_age = 300;
    cfg.max_connections = max_conn;
    cfg.timeout = timeout;
    cfg.threads = threads;
    cfg.max_request = 16384;
    cfg.access_log = access_log;
    if (server_start(&srv, &cfg, site, &err) < 0)
        fprintf(stderr, "server_start: %s\n", err.msg);
    return srv;
}

static struct server *
start(const char *access_log)
{
    struct site s;
    struct server *srv;

    make_site(&s, 0);
    srv = start_with(&s, access_log, 5, 1024, 2);
    site_release(&s);
    return srv;
}

static const struct doc *
doc(struct server *srv, const char *path)
{
    return site_find(server_site(srv), path);
}

static const char *
metric(const char *text, const char *name)
{
    static char value[64];
    const char *p = text;
    size_t n = strlen(name);

    while ((p = strstr(p, name)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == ' ') {
            sscanf(p + n + 1, "%63s", value);
            return value;
        }
        p += n;
    }
    return "absent";
}

static void
get_plain(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    const struct doc *d;
    char when[DATE_MAX], len[32];

    CHECK(srv != NULL);
    d = doc(srv, "/rss.xml");
    CHECK(httpc_request(server_port(srv), "GET", "/rss.xml", NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK(r.body.len == d->len && memcmp(r.body.data, d->body, d->len) == 0);
    CHECK_STR_EQ(httpc_header(&r, "Content-Type"),
                 "application/rss+xml; charset=utf-8");
    CHECK_STR_EQ(httpc_header(&r, "ETag"), d->etag);
    date_format_http(MTIME, when);
    CHECK_STR_EQ(httpc_header(&r, "Last-Modified"), when);
    CHECK_STR_EQ(httpc_header(&r, "Cache-Control"), "public, max-age=300");
    CHECK_STR_EQ(httpc_header(&r, "Vary"), "Accept-Encoding");
    CHECK_STR_EQ(httpc_header(&r, "X-Content-Type-Options"), "nosniff");
    snprintf(len, sizeof(len), "%zu", d->len);
    CHECK_STR_EQ(httpc_header(&r, "Content-Length"), len);
    CHECK(httpc_header(&r, "Content-Encoding") == NULL);
    CHECK(httpc_header(&r, "Date") != NULL);
    httpc_release(&r);
    /* "/" is the index, and the query string is not part of the path */
    CHECK(httpc_request(server_port(srv), "GET", "/?utm=x", NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(httpc_header(&r, "Content-Type"), "text/html; charset=utf-8");
    httpc_release(&r);
    server_stop(srv, 1000);
}

static void
get_gzip(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    const struct doc *d;

    CHECK(srv != NULL);
    d = doc(srv, "/rss.xml");
    CHECK(d->gz != NULL);
    CHECK(httpc_request(server_port(srv), "GET", "/rss.xml",
                        "Accept-Encoding: gzip, deflate, br\r\n", &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(httpc_header(&r, "Content-Encoding"), "gzip");
    CHECK_STR_EQ(httpc_header(&r, "ETag"), d->gz_etag);
    CHECK(strcmp(d->gz_etag, d->etag) != 0);
    CHECK_STR_EQ(httpc_header(&r, "Vary"), "Accept-Encoding");
    CHECK(r.body.len == d->gz_len);
    CHECK(site_gzip_holds(r.body.data, r.body.len, d->body, d->len));
    httpc_release(&r);
    /* gzip;q=0 refuses it */
    CHECK(httpc_request(server_port(srv), "GET", "/rss.xml",
                        "Accept-Encoding: gzip;q=0\r\n", &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK(httpc_header(&r, "Content-Encoding") == NULL);
    CHECK(r.body.len == d->len);
    httpc_release(&r);
    /* a document without a smaller gzip form, and identity refused */
    CHECK(httpc_request(server_port(srv), "GET", "/tiny.txt",
                        "Accept-Encoding: gzip, identity;q=0\r\n", &r) == 0);
    CHECK_INT_EQ(r.status, 406);
    httpc_release(&r);
    CHECK(httpc_request(server_port(srv), "GET", "/tiny.txt",
                        "Accept-Encoding: gzip\r\n", &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK(httpc_header(&r, "Content-Encoding") == NULL);
    CHECK(r.body.len == 1 && r.body.data[0] == 'x');
    httpc_release(&r);
    server_stop(srv, 1000);
}

/* head_and_keepalive: HEAD, 304 and GET on one connection: the framing
 * holds (no stray body bytes) and the connection stays open. */
static void
head_and_keepalive(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    const struct doc *d;
    char req[1024], len[32];
    int fd;

    CHECK(srv != NULL);
    d = doc(srv, "/rss.xml");
    snprintf(req, sizeof(req),
             "HEAD /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /rss.xml HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\n\r\n"
             "GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\n",
             d->etag);
    CHECK((fd = httpc_connect(server_port(srv))) >= 0);
    CHECK(httpc_send(fd, req, strlen(req)) == 0);
    CHECK(httpc_read(fd, 1, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    snprintf(len, sizeof(len), "%zu", d->len);
    CHECK_STR_EQ(httpc_header(&r, "Content-Length"), len);
    CHECK_STR_EQ(httpc_header(&r, "ETag"), d->etag);
    CHECK(r.body.len == 0);
    httpc_release(&r);
    CHECK(httpc_read(fd, 0, &r) == 0);
    CHECK_INT_EQ(r.status, 304);
    httpc_release(&r);
    CHECK(httpc_read(fd, 0, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK(strstr(r.body.data, "<feed") != NULL);
    CHECK(httpc_header(&r, "Connection") == NULL); /* not closing */
    httpc_release(&r);
    close(fd);
    server_stop(srv, 1000);
}

static int
status_with(int port, const char *path, const char *headers,
            struct httpc_resp *r)
{
    if (httpc_request(port, "GET", path, headers, r) < 0)
        return -1;
    return r->status;
}

static int
status_of(int port, const char *path, const char *headers)
{
    struct httpc_resp r;
    int st = status_with(port, path, headers, &r);

    httpc_release(&r);
    return st;
}

static void
if_none_match(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    const struct doc *d;
    char h[512], when[DATE_MAX];
    int port;

    CHECK(srv != NULL);
    port = server_port(srv);
    d = doc(srv, "/rss.xml");
    snprintf(h, sizeof(h), "If-None-Match: %s\r\n", d->etag);
    CHECK_INT_EQ(status_with(port, "/rss.xml", h, &r), 304);
    /* the 304 carries validators and caching headers, and no body */
    CHECK_STR_EQ(httpc_header(&r, "ETag"), d->etag);
    date_format_http(d->mtime, when);
    CHECK_STR_EQ(httpc_header(&r, "Last-Modified"), when);
    CHECK_STR_EQ(httpc_header(&r, "Cache-Control"), "public, max-age=300");
    CHECK_STR_EQ(httpc_header(&r, "Vary"), "Accept-Encoding");
    CHECK(httpc_header(&r, "Content-Type") == NULL);
    /* libmicrohttpd always sends a length; 0 is the one every client
     * parser reads right (see server.c) */
    CHECK_STR_EQ(httpc_header(&r, "Content-Length"), "0");
    CHECK(r.body.len == 0);
    httpc_release(&r);
    CHECK_INT_EQ(status_of(port, "/rss.xml", "If-None-Match: \"0\"\r\n"), 200);
    snprintf(h, sizeof(h), "If-None-Match: \"a\", %s, \"b\"\r\n", d->etag);
    CHECK_INT_EQ(status_of(port, "/rss.xml", h), 304);
    CHECK_INT_EQ(status_of(port, "/rss.xml", "If-None-Match: *\r\n"), 304);
    snprintf(h, sizeof(h), "If-None-Match: W/%s\r\n", d->etag);
    CHECK_INT_EQ(status_of(port, "/rss.xml", h), 304);
    /* the gzip form has its own tag */
    snprintf(h, sizeof(h), "If-None-Match: %s\r\nAccept-Encoding: gzip\r\n",
             d->gz_etag);
    CHECK_INT_EQ(status_with(port, "/rss.xml", h, &r), 304);
    CHECK_STR_EQ(httpc_header(&r, "ETag"), d->gz_etag);
    httpc_release(&r);
    snprintf(h, sizeof(h), "If-None-Match: %s\r\n", d->gz_etag);
    CHECK_INT_EQ(status_of(port, "/rss.xml", h), 200);
    server_stop(srv, 1000);
}

static void
if_modified_since(void)
{
    struct server *srv = start(NULL);
    char h[256], when[DATE_MAX];
    int port;

    CHECK(srv != NULL);
    port = server_port(srv);
    date_format_http(MTIME, when);
    snprintf(h, sizeof(h), "If-Modified-Since: %s\r\n", when);
    CHECK_INT_EQ(status_of(port, "/rss.xml", h), 304); /* equal */
    CHECK_INT_EQ(status_of(port, "/rss.xml",
                           "If-Modified-Since: Wed, 05 Jun 2013 02:19:59 "
                           "GMT\r\n"),
                 200); /* before */
    CHECK_INT_EQ(status_of(port, "/rss.xml",
                           "If-Modified-Since: Sat, 01 Jan 2022 00:00:00 "
                           "GMT\r\n"),
                 304); /* after */
    /* compared as a date: another form of the same instant */
    CHECK_INT_EQ(status_of(port, "/rss.xml",
                           "If-Modified-Since: Wednesday, 05-Jun-13 02:20:00 "
                           "GMT\r\n"),
                 304);
    CHECK_INT_EQ(
        status_of(port, "/rss.xml", "If-Modified-Since: not a date\r\n"), 200);
    /* ignored when If-None-Match is there */
    CHECK_INT_EQ(status_of(port, "/rss.xml",
                           "If-None-Match: \"nope\"\r\nIf-Modified-Since: "
                           "Sat, 01 Jan 2022 00:00:00 GMT\r\n"),
                 200);
    server_stop(srv, 1000);
}

static void
errors_and_methods(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    int port;
    static const char post[] = "POST /rss.xml HTTP/1.1\r\nHost: x\r\n"
                               "Content-Length: 5\r\n\r\nhello";
    static const char get_body[] = "GET /rss.xml HTTP/1.1\r\nHost: x\r\n"
                                   "Content-Length: 5\r\n\r\nhello";

    CHECK(srv != NULL);
    port = server_port(srv);
    CHECK_INT_EQ(status_of(port, "/nope.xml", NULL), 404);
    CHECK(httpc_raw(port, post, sizeof(post) - 1, 0, &r) == 0);
    CHECK_INT_EQ(r.status, 405);
    CHECK_STR_EQ(httpc_header(&r, "Allow"), "GET, HEAD");
    httpc_release(&r);
    CHECK(httpc_request(port, "DELETE", "/rss.xml", NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 405);
    httpc_release(&r);
    CHECK(httpc_request(port, "OPTIONS", "*", NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 405);
    httpc_release(&r);
    CHECK(httpc_raw(port, get_body, sizeof(get_body) - 1, 0, &r) == 0);
    CHECK_INT_EQ(r.status, 400);
    httpc_release(&r);
    server_stop(srv, 1000);
}

/* refused_raw: sends req (len bytes) on a connection of its own and
 * waits for the server to close it (libmicrohttpd counts and logs a
 * request before it closes); the body length of the answer, which must
 * have status want (0 if it has not). */
static size_t
refused_raw(int port, const char *req, size_t len, int want)
{
    struct httpc_resp r;
    size_t got = 0;
    char c;
    int fd = httpc_connect(port);

    if (fd < 0)
        return 0;
    httpc_send(fd, req, len); /* may fail: the server hangs up */
    if (httpc_read(fd, 0, &r) == 0 && r.status == want)
        got = r.body.len;
    while (!r.closed && recv(fd, &c, 1, 0) > 0)
        ;
    httpc_release(&r);
    close(fd);
    return got;
}

/* refused_size: refused_raw of head, size bytes of 'a' and tail. */
static size_t
refused_size(int port, const char *head, const char *tail, size_t size,
             int want)
{
    struct buf req = BUF_INIT;
    size_t len;

    buf_puts(&req, head);
    while (req.len < size)
        buf_puts(&req, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    buf_puts(&req, tail);
    len = refused_raw(port, req.data, req.len, want);
    buf_release(&req);
    return len;
}

static void
malformed_request_lines(void)
{
    static const char *const bad[] = {
        "GET /rss.xml HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        "G@T /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET rss.xml HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /rss.xml\tHTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /rss.xml HTTX/1.1\r\nHost: x\r\n\r\n",
        "GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /rss.xml HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        "GET /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
        /* RFC 9112 3.2: Host, exactly once, in an HTTP/1.1 request */
        "GET /rss.xml HTTP/1.1\r\n\r\n",
        "GET /rss.xml HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        /* 5.1: no white space between a field name and the colon */
        "GET /rss.xml HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /rss.xml HTTP/1.1\r\nHost: x\r\nIf-None-Match : *\r\n\r\n",
        /* 3.2: a target has no fragment */
        "GET /rss.xml#top HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    /* 6.3: two lengths, then a request hidden in the "body" one of them
     * gives: refused, and the connection closed before the hidden one */
    static const char smuggled[] =
        "GET /rss.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        "Content-Length: 39\r\n\r\n"
        "GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\n";
    int fd;
    struct server *srv = start(NULL);
    struct httpc_resp r;
    size_t i;

    CHECK(srv != NULL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        httpc_raw(server_port(srv), bad[i], strlen(bad[i]), 0, &r);
        CHECK_MSG(r.status == 400, "request %zu: status %d", i, r.status);
        httpc_release(&r);
    }
    CHECK((fd = httpc_connect(server_port(srv))) >= 0);
    CHECK(httpc_send(fd, smuggled, sizeof(smuggled) - 1) == 0);
    CHECK(httpc_read(fd, 0, &r) == 0);
    CHECK_INT_EQ(r.status, 400);
    httpc_release(&r);
    httpc_read(fd, 0, &r);
    CHECK_MSG(r.status == 0, "a second answer: %d", r.status);
    httpc_release(&r);
    close(fd);
    /* a target longer than any path the server reads, but inside the
     * request limit: 414, as for one libmicrohttpd cannot read */
    CHECK(refused_size(server_port(srv), "GET /",
                       " HTTP/1.1\r\nHost: x\r\n\r\n", 3000, 414) > 0);
    /* HTTP/1.0 has no Host to require */
    httpc_raw(server_port(srv), "GET /rss.xml HTTP/1.0\r\n\r\n", 26, 0, &r);
    CHECK_INT_EQ(r.status, 200);
    httpc_release(&r);
    /* a line with no target at all gets no answer: libmicrohttpd closes */
    httpc_raw(server_port(srv), "GARBAGE\r\n\r\n", 11, 0, &r);
    CHECK(r.status == 0 || r.status == 400);
    httpc_release(&r);
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    server_stop(srv, 1000);
}

static void
immutable_archive(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;

    CHECK(srv != NULL);
    CHECK(httpc_request(server_port(srv), "GET", "/category/news/archive/1.xml",
                        NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(httpc_header(&r, "Cache-Control"),
                 "public, max-age=31536000, immutable");
    CHECK_STR_EQ(httpc_header(&r, "Content-Type"),
                 "application/atom+xml; charset=utf-8");
    httpc_release(&r);
    server_stop(srv, 1000);
}

static void
traversal_in_every_encoding(void)
{
    static const char *const targets[] = {
        "/../../../../etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/category/../../etc/passwd",
        "/rss.xml%00.html",
        "//etc/passwd",
        "/etc/passwd",
        "http://x/../etc/passwd",
    };
    struct server *srv = start(NULL);
    struct httpc_resp r;
    char req[512];
    size_t i;

    CHECK(srv != NULL);
    for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n",
                 targets[i]);
        httpc_raw(server_port(srv), req, strlen(req), 0, &r);
        CHECK_MSG(r.status == 400 || r.status == 404, "%s: status %d",
                  targets[i], r.status);
        CHECK_MSG(strstr(r.body.data, "root:") == NULL, "%s: leaked",
                  targets[i]);
        httpc_release(&r);
    }
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    server_stop(srv, 1000);
}

static void
huge_header_refused(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    struct buf req = BUF_INIT;
    int fd;

    CHECK(srv != NULL);
    buf_puts(&req, "GET /rss.xml HTTP/1.1\r\nHost: x\r\nX-Big: ");
    while (req.len < 1024 * 1024)
        buf_puts(&req, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    buf_puts(&req, "\r\n\r\n");
    CHECK((fd = httpc_connect(server_port(srv))) >= 0);
    httpc_send(fd, req.data, req.len); /* may fail: the server hangs up */
    buf_release(&req);
    httpc_read(fd, 0, &r);
    close(fd);
    /* refused with 431, or the connection was reset before the answer */
    CHECK_MSG(r.status == 431 || r.status == 0, "status %d", r.status);
    httpc_release(&r);
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    server_stop(srv, 1000);
}

static void
thousand_connections(void)
{
    int n = test_slow() ? 100 : 1000, i, ok = 0, *fds;
    struct site s;
    struct server *srv;
    static const char req[] = "GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\n";

    make_site(&s, 0);
    srv = start_with(&s, NULL, 10, 4096, 2);
    site_release(&s);
    CHECK(srv != NULL);
    fds = xcalloc((size_t)n, sizeof(*fds));
    for (i = 0; i < n; i++)
        if ((fds[i] = httpc_connect(server_port(srv))) >= 0)
            httpc_send(fds[i], req, sizeof(req) - 1);
    for (i = 0; i < n; i++) {
        struct httpc_resp r;

        if (fds[i] >= 0 && httpc_read(fds[i], 0, &r) == 0 && r.status == 200)
            ok++;
        httpc_release(&r);
    }
    for (i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    CHECK_INT_EQ(ok, n);
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    server_stop(srv, 1000);
}

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* enough_fds: the process may hold n more descriptors (raising the soft
 * limit to the hard one if need be). */
static int
enough_fds(int n)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 0;
    if (rl.rlim_cur < (rlim_t)n + 64 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur >= (rlim_t)n + 64;
}

/* idle_connections_at_the_default_limit: 1 000 clients that connect and
 * never send a byte, under the configured defaults (max_connections,
 * timeout, threads): they are all accepted and held, and a normal client
 * is still answered at once, long before the idle ones time out. */
static void
idle_connections_at_the_default_limit(void)
{
    int n = test_slow() ? 100 : 1000, i, *fds;
    struct conf c;
    struct site s;
    struct server *srv;
    struct httpc_resp r;
    int64_t t0, waited;
    long held = 0;

    if (!enough_fds(2 * n))
        SKIP("too few file descriptors for 1 000 connections");
    conf_init(&c);
    CHECK(c.serve_max_connections > n);
    make_site(&s, 0);
    srv = start_with(&s, NULL, c.serve_timeout, c.serve_max_connections,
                     c.serve_threads);
    site_release(&s);
    conf_release(&c);
    CHECK(srv != NULL);
    fds = xcalloc((size_t)n, sizeof(*fds));
    for (i = 0; i < n; i++)
        fds[i] = httpc_connect(server_port(srv));
    /* held open, not refused or queued: every idle client is a
     * connection of the server's */
    for (i = 0; i < 50 && held < n; i++) {
        msleep(100);
        if (status_with(server_port(srv), "/metrics", NULL, &r) == 200)
            held = atol(metric(r.body.data, "tidings_connections"));
        httpc_release(&r);
    }
    CHECK_MSG(held >= n, "%ld connections held", held);
    t0 = mono_ms();
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    waited = mono_ms() - t0;
    CHECK_MSG(waited < 2000, "answered after %lld ms", (long long)waited);
    for (i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    server_stop(srv, 1000);
}

/* connections_bounded: past max_connections, libmicrohttpd stops
 * accepting (the kernel queues the rest); once the idle ones time out,
 * the queued client is served. */
static void
connections_bounded(void)
{
    struct site s;
    struct server *srv;
    int fds[8], i;
    int64_t t0, waited;

    make_site(&s, 0);
    srv = start_with(&s, NULL, 1, 8, 1);
    site_release(&s);
    CHECK(srv != NULL);
    for (i = 0; i < 8; i++)
        fds[i] = httpc_connect(server_port(srv));
    msleep(200);
    t0 = mono_ms();
    CHECK_INT_EQ(status_of(server_port(srv), "/rss.xml", NULL), 200);
    waited = mono_ms() - t0;
    CHECK_MSG(waited >= 500 && waited < 3000, "served after %lld ms",
              (long long)waited);
    for (i = 0; i < 8; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    server_stop(srv, 1000);
}

static int
is_closed(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* slow_clients: clients sending one byte a second are cut off after the
 * timeout (1 s here), while others are answered meanwhile. */
static void
slow_clients(void)
{
    static const char req[] = "GET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n";
    struct site s;
    struct server *srv;
    int fds[10], closed_at[10], t, i, served = 0, open = 10;

    make_site(&s, 0);
    srv = start_with(&s, NULL, 1, 1024, 2);
    site_release(&s);
    CHECK(srv != NULL);
    for (i = 0; i < 10; i++) {
        fds[i] = httpc_connect(server_port(srv));
        closed_at[i] = -1;
    }
    for (t = 0; t < 5 && open > 0; t++) {
        for (i = 0; i < 10; i++) {
            if (closed_at[i] >= 0 || fds[i] < 0)
                continue;
            if (is_closed(fds[i]) ||
                send(fds[i], req + t, 1, MSG_NOSIGNAL) < 0) {
                closed_at[i] = t;
                open--;
            }
        }
        served += status_of(server_port(srv), "/rss.xml", NULL) == 200;
        if (open > 0)
            sleep(1);
    }
    for (i = 0; i < 10; i++) {
        CHECK_MSG(closed_at[i] >= 1 && closed_at[i] <= 3,
                  "slow client %d closed at %d s", i, closed_at[i]);
        close(fds[i]);
    }
    CHECK_INT_EQ(served, t);
    server_stop(srv, 1000);
}

static void
healthz_and_metrics(void)
{
    struct server *srv = start(NULL);
    struct httpc_resp r;
    struct site next;
    char h[128];
    int port;

    CHECK(srv != NULL);
    port = server_port(srv);
    CHECK_INT_EQ(status_with(port, "/healthz", NULL, &r), 200);
    CHECK_STR_EQ(r.body.data, "ok\n");
    httpc_release(&r);
    snprintf(h, sizeof(h), "If-None-Match: %s\r\n", doc(srv, "/rss.xml")->etag);
    CHECK_INT_EQ(status_of(port, "/rss.xml", NULL), 200);
    CHECK_INT_EQ(status_of(port, "/rss.xml", h), 304);
    CHECK_INT_EQ(status_of(port, "/missing", NULL), 404);
    make_site(&next, 1);
    server_swap(srv, &next);
    CHECK_INT_EQ(status_with(port, "/metrics", NULL, &r), 200);
    CHECK_STR_EQ(httpc_header(&r, "Content-Type"),
                 "text/plain; version=0.0.4; charset=utf-8");
    /* /healthz and the first feed are the 200s; this request is not
     * counted until it completes */
    CHECK_STR_EQ(
        metric(r.body.data, "tidings_http_requests_total{code=\"200\"}"), "2");
    CHECK_STR_EQ(
        metric(r.body.data, "tidings_http_requests_total{code=\"304\"}"), "1");
    CHECK_STR_EQ(
        metric(r.body.data, "tidings_http_requests_total{code=\"404\"}"), "1");
    CHECK_STR_EQ(metric(r.body.data, "tidings_http_not_modified_ratio"),
                 "0.333333");
    CHECK_STR_EQ(metric(r.body.data, "tidings_site_version"), "11");
    CHECK_STR_EQ(metric(r.body.data, "tidings_site_generation"), "2");
    CHECK_STR_EQ(metric(r.body.data, "tidings_reloads_total"), "1");
    CHECK_STR_EQ(metric(r.body.data, "tidings_site_documents"), "5");
    CHECK(atol(metric(r.body.data, "tidings_http_response_bytes_total")) >
          (long)doc(srv, "/rss.xml")->len / 2);
    httpc_release(&r);
    server_stop(srv, 1000);
}

static void
access_log_lines(void)
{
    char path[512];
    struct server *srv;
    char *log;
    int port;

    snprintf(path, sizeof(path), "%s", test_path("access.log"));
    srv = start(path);
    CHECK(srv != NULL);
    port = server_port(srv);
    CHECK_INT_EQ(status_of(port, "/rss.xml?x=1",
                           "User-Agent: feedparser/6.0.10 \"q\"\r\n"
                           "Referer: https://r.example/\r\n"),
                 200);
    CHECK_INT_EQ(status_of(port, "/missing", NULL), 404);
    server_stop(srv, 1000);
    CHECK((log = test_read(path, NULL)) != NULL);
    CHECK_MSG(test_count(log, "\n") == 2, "log: %s", log);
    CHECK(strstr(log, "127.0.0.1 - - [") == log);
    CHECK(strstr(log, " +0000] \"GET /rss.xml?x=1 HTTP/1.1\" 200 ") != NULL);
    CHECK(strstr(log, " \"https://r.example/\" "
                      "\"feedparser/6.0.10 \\x22q\\x22\"\n") != NULL);
    CHECK(strstr(log, "\"GET /missing HTTP/1.1\" 404 10 \"-\" \"-\"\n") !=
          NULL);
    free(log);
}

/* refused_by_libmicrohttpd: requests libmicrohttpd answers before any
 * callback sees them (another HTTP version, a request line too long to
 * read) or before the handler does (a header section too large) are
 * counted in /metrics and logged, with the body bytes sent. */
static void
refused_by_libmicrohttpd(void)
{
    char path[512], want[128];
    struct server *srv;
    struct httpc_resp r;
    size_t len505, len414, len431;
    char *log;
    int port;

    snprintf(path, sizeof(path), "%s", test_path("access.log"));
    srv = start(path);
    CHECK(srv != NULL);
    port = server_port(srv);
    len505 =
        refused_raw(port, "GET /rss.xml HTTP/2.0\r\nHost: x\r\n\r\n", 35, 505);
    len414 = refused_size(port, "GET /", " HTTP/1.1\r\nHost: x\r\n\r\n",
                          17 * 1024, 414);
    /* after the request line: the line is logged, and the bytes sent */
    len431 = refused_size(port, "GET /rss.xml HTTP/1.1\r\nHost: x\r\nX-Big: ",
                          "\r\n\r\n", 17 * 1024, 431);
    CHECK(len505 > 0 && len414 > 0 && len431 > 0);
    CHECK_INT_EQ(status_with(port, "/metrics", NULL, &r), 200);
    CHECK_STR_EQ(
        metric(r.body.data, "tidings_http_requests_total{code=\"505\"}"), "1");
    CHECK_STR_EQ(
        metric(r.body.data, "tidings_http_requests_total{code=\"414\"}"), "1");
    CHECK_INT_EQ(atol(metric(r.body.data, "tidings_http_response_bytes_total")),
                 (long)(len505 + len414 + len431));
    httpc_release(&r);
    server_stop(srv, 1000);
    CHECK((log = test_read(path, NULL)) != NULL);
    snprintf(want, sizeof(want), "127.0.0.1 - - [");
    CHECK(strstr(log, want) == log);
    snprintf(want, sizeof(want), "\"- - -\" 505 %zu \"-\" \"-\"\n", len505);
    CHECK_MSG(strstr(log, want) != NULL, "log: %s", log);
    snprintf(want, sizeof(want), "\"- - -\" 414 %zu \"-\" \"-\"\n", len414);
    CHECK_MSG(strstr(log, want) != NULL, "log: %s", log);
    snprintf(want, sizeof(want), "\"- /rss.xml -\" 431 %zu ", len431);
    CHECK_MSG(strstr(log, want) != NULL, "log: %s", log);
    free(log);
}

/* More than the kernel buffers of both ends hold (tcp_wmem and tcp_rmem
 * top out at a few MB), so the server is still sending when it matters. */
#define BIG (32 * 1024 * 1024)

/* big_site: one large document that is not text (so no gzip form) filled
 * with fill, which tells the versions apart. */
static void
big_site(struct site *s, int fill, int64_t version)
{
    char *body = xmalloc(BIG);

    memset(body, fill, BIG);
    site_init(s);
    s->version = version;
    site_add(s, "/big.bin", body, BIG, MTIME + version);
    site_finish(s);
}

/* start_big: starts a download of /big.bin and waits until its first
 * bytes arrive, so the request holds its snapshot and, as long as nobody
 * reads, the server is blocked mid-body. */
static int
start_big(int port)
{
    static const char req[] = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
    int fd = httpc_connect(port), rcvbuf = 256 * 1024;
    char c;

    if (fd < 0)
        return -1;
    /* a fixed window: autotuning could otherwise grow it to hold it all */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (httpc_send(fd, req, sizeof(req) - 1) < 0 ||
        recv(fd, &c, 1, MSG_PEEK) != 1) {
        close(fd);
        return -1;
    }
    return fd;
}

static int
all_bytes(const struct buf *b, int fill, size_t len)
{
    size_t i;

    if (b->len != len)
        return 0;
    for (i = 0; i < len; i++)
        if (b->data[i] != fill)
            return 0;
    return 1;
}

/* swap_keeps_inflight: a response under way when a new site is swapped
 * in finishes on the old bytes; new requests get the new ones. */
static void
swap_keeps_inflight(void)
{
    struct site s;
    struct server *srv;
    struct httpc_resp r;
    int fd;

    big_site(&s, 'A', 1);
    srv = start_with(&s, NULL, 10, 64, 2);
    site_release(&s);
    CHECK(srv != NULL);
    CHECK((fd = start_big(server_port(srv))) >= 0);
    big_site(&s, 'B', 2);
    server_swap(srv, &s);
    CHECK(httpc_request(server_port(srv), "GET", "/big.bin", NULL, &r) == 0);
    CHECK(all_bytes(&r.body, 'B', BIG));
    httpc_release(&r);
    CHECK(httpc_read(fd, 0, &r) == 0);
    close(fd);
    CHECK_INT_EQ(r.status, 200);
    CHECK_MSG(all_bytes(&r.body, 'A', BIG), "in-flight body changed: %zu",
              r.body.len);
    httpc_release(&r);
    server_stop(srv, 1000);
}

struct reader {
    int fd;
    struct httpc_resp r;
    int rc;
};

static void *
slow_reader(void *arg)
{
    struct reader *rd = arg;

    msleep(300);
    rd->rc = httpc_read(rd->fd, 0, &rd->r);
    return NULL;
}

/* stop_finishes_inflight: server_stop lets a response under way finish. */
static void
stop_finishes_inflight(void)
{
    struct site s;
    struct server *srv;
    struct reader rd;
    pthread_t t;

    big_site(&s, 'A', 1);
    srv = start_with(&s, NULL, 10, 64, 2);
    site_release(&s);
    CHECK(srv != NULL);
    memset(&rd, 0, sizeof(rd));
    CHECK((rd.fd = start_big(server_port(srv))) >= 0);
    pthread_create(&t, NULL, slow_reader, &rd);
    server_stop(srv, 5000);
    pthread_join(t, NULL);
    close(rd.fd);
    CHECK_INT_EQ(rd.rc, 0);
    CHECK(all_bytes(&rd.r.body, 'A', BIG));
    httpc_release(&rd.r);
}

static void
bad_bind_address(void)
{
    struct server_config cfg;
    struct server *srv = NULL;
    struct err err = ERR_INIT;
    struct site s;

    make_site(&s, 0);
    memset(&cfg, 0, sizeof(cfg));
    cfg.bind = "localhost";
    cfg.max_connections = cfg.threads = cfg.timeout = 1;
    cfg.max_request = 16384;
    CHECK(server_start(&srv, &cfg, &s, &err) < 0);
    CHECK(srv == NULL && err.code == ERR_USAGE);
    CHECK(strstr(err.msg, "'localhost'") != NULL);
    CHECK_INT_EQ(s.ndocs, 5); /* untouched */
    cfg.bind = "192.0.2.1";   /* TEST-NET: not an address of this machine */
    CHECK(server_start(&srv, &cfg, &s, &err) < 0);
    CHECK(err.code == ERR_NET && srv == NULL);
    CHECK_INT_EQ(s.ndocs, 5);
    CHECK(site_find(&s, "/rss.xml") != NULL);
    site_release(&s);
}

const struct test tests_server[] = {
    { "get_plain", get_plain },
    { "get_gzip", get_gzip },
    { "head_and_keepalive", head_and_keepalive },
    { "if_none_match", if_none_match },
    { "if_modified_since", if_modified_since },
    { "errors_and_methods", errors_and_methods },
    { "malformed_request_lines", malformed_request_lines },
    { "immutable_archive", immutable_archive },
    { "traversal_in_every_encoding", traversal_in_every_encoding },
    { "huge_header_refused", huge_header_refused },
    { "thousand_connections", thousand_connections },
    { "connections_bounded", connections_bounded },
    { "idle_connections_at_the_default_limit",
      idle_connections_at_the_default_limit },
    { "slow_clients", slow_clients },
    { "healthz_and_metrics", healthz_and_metrics },
    { "access_log_lines", access_log_lines },
    { "refused_by_libmicrohttpd", refused_by_libmicrohttpd },
    { "swap_keeps_inflight", swap_keeps_inflight },
    { "stop_finishes_inflight", stop_finishes_inflight },
    { "bad_bind_address", bad_bind_address },
    { NULL, NULL },
};
