/*
 * Tests of the HTTP semantics module: coding negotiation, conditional
 * requests, request targets and the access-log line.
 */
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/http.h"

static void
coding_absent_and_empty(void)
{
    CHECK_INT_EQ(http_choose_coding(NULL, 1), HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("", 1), HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("br, deflate", 1), HTTP_CODING_IDENTITY);
}

static void
coding_gzip_listed(void)
{
    CHECK_INT_EQ(http_choose_coding("gzip", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("gzip, deflate, br", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("GZip", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("x-gzip", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding(" br ;q=1 , gzip ; q=0.8", 1),
                 HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("*", 1), HTTP_CODING_GZIP);
    /* no gzip form: the plain body, whatever the client prefers */
    CHECK_INT_EQ(http_choose_coding("gzip", 0), HTTP_CODING_IDENTITY);
}

static void
coding_q_values(void)
{
    CHECK_INT_EQ(http_choose_coding("gzip;q=0", 1), HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.000", 1), HTTP_CODING_IDENTITY);
    /* any q above zero is acceptance, and an unnamed identity ranks last */
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.001", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.001, identity;q=0.002", 1),
                 HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.5, identity;q=0.4", 1),
                 HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.5, identity", 1),
                 HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("*;q=0, gzip", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("*;q=0.3, gzip;q=0", 1),
                 HTTP_CODING_IDENTITY);
    /* a malformed q drops the member rather than guessing */
    CHECK_INT_EQ(http_choose_coding("gzip;q=2", 1), HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("gzip;q=abc", 1), HTTP_CODING_IDENTITY);
    CHECK_INT_EQ(http_choose_coding("gzip;q=0.5555", 1), HTTP_CODING_IDENTITY);
}

static void
coding_identity_refused(void)
{
    CHECK_INT_EQ(http_choose_coding("identity;q=0", 1), HTTP_CODING_NONE);
    CHECK_INT_EQ(http_choose_coding("gzip, identity;q=0", 1), HTTP_CODING_GZIP);
    CHECK_INT_EQ(http_choose_coding("gzip, identity;q=0", 0), HTTP_CODING_NONE);
    CHECK_INT_EQ(http_choose_coding("*;q=0", 1), HTTP_CODING_NONE);
    CHECK_INT_EQ(http_choose_coding("*;q=0, identity", 0),
                 HTTP_CODING_IDENTITY);
}

static void
inm_lists_and_weak(void)
{
    const char *e = "\"0123456789abcdef\"";

    CHECK(http_etag_listed("\"0123456789abcdef\"", e));
    CHECK(http_etag_listed("W/\"0123456789abcdef\"", e));
    CHECK(http_etag_listed("\"x\", W/\"0123456789abcdef\" ,\"y\"", e));
    CHECK(http_etag_listed("\"x\",\"0123456789abcdef\"", e));
    CHECK(http_etag_listed("*", e));
    CHECK(http_etag_listed("  * ", e));
    CHECK(!http_etag_listed("\"0123456789abcdef-gz\"", e));
    CHECK(!http_etag_listed("\"0123456789abcde\"", e));
    CHECK(!http_etag_listed("0123456789abcdef", e)); /* unquoted */
    CHECK(!http_etag_listed("", e));
    CHECK(!http_etag_listed("\"x\", *", e)); /* '*' only alone */
    CHECK(!http_etag_listed("\"unterminated", e));
    CHECK(!http_etag_listed("w/\"0123456789abcdef\"", e)); /* W is upper */
    /* a broken member does not hide a good one after it */
    CHECK(http_etag_listed("garbage, \"0123456789abcdef\"", e));
}

static void
conditional_precedence(void)
{
    const char *e = "\"aa\"";
    char d[DATE_MAX];
    int64_t t = 1370398800; /* 2013-06-05 02:20:00 UTC */

    date_format_http(t, d);
    /* If-Modified-Since: before, equal, after */
    CHECK(!http_not_modified(NULL, "Wed, 05 Jun 2013 02:19:59 GMT", e, t));
    CHECK(http_not_modified(NULL, d, e, t));
    CHECK(http_not_modified(NULL, "Thu, 06 Jun 2013 00:00:00 GMT", e, t));
    /* the other two HTTP-date forms, compared as dates */
    CHECK(http_not_modified(NULL, "Wednesday, 05-Jun-13 02:20:00 GMT", e, t));
    CHECK(http_not_modified(NULL, "Wed Jun  5 02:20:00 2013", e, t));
    /* unparseable: ignored */
    CHECK(!http_not_modified(NULL, "yesterday", e, t));
    CHECK(!http_not_modified(NULL, "", e, t));
    /* If-None-Match decides alone when present */
    CHECK(!http_not_modified("\"bb\"", d, e, t));
    CHECK(http_not_modified("\"aa\"", "Tue, 01 Jan 1980 00:00:00 GMT", e, t));
    CHECK(!http_not_modified(NULL, NULL, e, t));
}

static void
tokens(void)
{
    CHECK(http_is_token("GET"));
    CHECK(http_is_token("M-SEARCH"));
    CHECK(!http_is_token(""));
    CHECK(!http_is_token("G@T"));
    CHECK(!http_is_token("GET /"));
    CHECK(!http_is_token("G\x01T"));
}

static long
path_of(const char *target, char *out)
{
    return http_target_path(target, out, 256);
}

static void
target_paths(void)
{
    char out[256];

    CHECK_INT_EQ(path_of("/rss.xml", out), 8);
    CHECK_STR_EQ(out, "/rss.xml");
    CHECK(path_of("/", out) == 1 && strcmp(out, "/") == 0);
    CHECK(path_of("/category%2Fnews/rss.xml", out) > 0);
    CHECK_STR_EQ(out, "/category/news/rss.xml");
    CHECK(path_of("/a%20b", out) > 0 && strcmp(out, "/a b") == 0);
    CHECK(path_of("http://example.org/atom.xml", out) > 0);
    CHECK_STR_EQ(out, "/atom.xml");
    CHECK(path_of("https://example.org", out) > 0 && strcmp(out, "/") == 0);
    CHECK(path_of("/..foo/x.", out) > 0); /* dots inside names are fine */
    CHECK(path_of("//rss.xml", out) > 0); /* no such document: a 404 */
}

static void
target_traversal_refused(void)
{
    static const char *const bad[] = {
        "/../etc/passwd",
        "/category/../../etc/passwd",
        "/..",
        "/.",
        "/./rss.xml",
        "/%2e%2e/etc/passwd",
        "/%2E%2E/etc/passwd",
        "/.%2e/etc/passwd",
        "/..%2fetc%2fpasswd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/rss.xml%00.html",
        "/a%zz",
        "/a%2",
        "/a%",
        "x",
        "",
        "*",
        "../etc/passwd",
        "/a b",
        "/\x7f",
        "/\xc0\xae\xc0\xae/etc/passwd",
        "http://host/../x",
        "/rss.xml#frag", /* a fragment is never part of a request */
        "/#",
    };
    char out[256];
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(path_of(bad[i], out) == HTTP_TARGET_MALFORMED,
                  "'%s' accepted", bad[i]);
    /* double encoding decodes once: a literal "%2e" segment, not ".." */
    CHECK(path_of("/%252e%252e/etc/passwd", out) > 0);
    CHECK_STR_EQ(out, "/%2e%2e/etc/passwd");
    /* overlong UTF-8 escapes decode to bytes, never to '.' */
    CHECK(path_of("/%c0%ae%c0%ae/etc/passwd", out) > 0);
    CHECK(strstr(out, "..") == NULL);
    /* too long for the buffer: a 414, not a 400 */
    CHECK_INT_EQ(http_target_path("/abcdef", out, 4), HTTP_TARGET_TOO_LONG);
    CHECK_INT_EQ(http_target_path("/abc", out, 5), 4);
    CHECK_INT_EQ(http_target_path("/a%zzbcdef", out, 4), HTTP_TARGET_MALFORMED);
}

static void
log_line_format(void)
{
    struct buf b = BUF_INIT;
    struct http_log_rec r = {
        "127.0.0.1", 1370398800, "GET", "/rss.xml?x=1",     "HTTP/1.1",
        304,         0,          NULL,  "feedparser/6.0.10"
    };

    http_log_line(&b, &r);
    CHECK_STR_EQ(b.data, "127.0.0.1 - - [05/Jun/2013:02:20:00 +0000] "
                         "\"GET /rss.xml?x=1 HTTP/1.1\" 304 0 \"-\" "
                         "\"feedparser/6.0.10\"\n");
    buf_release(&b);
}

static void
log_line_escapes(void)
{
    struct buf b = BUF_INIT;
    char agent[HTTP_LOG_FIELD_MAX + 100];
    struct http_log_rec r = { "::1", 0, NULL,   "/a\"b\\c\n", NULL,
                              400,   0, "\x01", NULL };

    http_log_line(&b, &r);
    CHECK_STR_EQ(b.data, "::1 - - [01/Jan/1970:00:00:00 +0000] "
                         "\"- /a\\x22b\\x5Cc\\x0A -\" 400 0 \"\\x01\" \"-\"\n");
    CHECK_INT_EQ(test_count(b.data, "\n"), 1);
    buf_reset(&b);
    memset(agent, 'a', sizeof(agent) - 1);
    agent[sizeof(agent) - 1] = '\0';
    r.user_agent = agent;
    http_log_line(&b, &r);
    CHECK(b.len < HTTP_LOG_FIELD_MAX + 200);
    CHECK(strstr(b.data, "a...\"\n") != NULL);
    buf_release(&b);
}

const struct test tests_http[] = {
    { "coding_absent_and_empty", coding_absent_and_empty },
    { "coding_gzip_listed", coding_gzip_listed },
    { "coding_q_values", coding_q_values },
    { "coding_identity_refused", coding_identity_refused },
    { "inm_lists_and_weak", inm_lists_and_weak },
    { "conditional_precedence", conditional_precedence },
    { "tokens", tokens },
    { "target_paths", target_paths },
    { "target_traversal_refused", target_traversal_refused },
    { "log_line_format", log_line_format },
    { "log_line_escapes", log_line_escapes },
    { NULL, NULL },
};
