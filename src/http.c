/*
 * http: header-value semantics for the server, as pure functions.  Every
 * parser here reads client bytes, so each one is total: any input gives an
 * answer (a malformed list member is skipped, a malformed target is -1)
 * and nothing reads past a NUL.  Comparisons of codings are ASCII
 * case-insensitive, as RFC 9110 makes them; entity-tags are compared
 * byte for byte.
 */
#include "tidings/http.h"

#include <stdio.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/date.h"

static int
is_ows(int c)
{
    return c == ' ' || c == '\t';
}

static const char *
skip_ows(const char *p)
{
    while (is_ows(*p))
        p++;
    return p;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* name_is: the n bytes at p are name, ignoring ASCII case. */
static int
name_is(const char *p, size_t n, const char *name)
{
    size_t i;

    if (strlen(name) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != name[i])
            return 0;
    return 1;
}

/* qvalue: parses "0", "0.5", "1.000" (RFC 9110 12.4.2) into thousandths;
 * -1 when malformed. */
static int
qvalue(const char *p, size_t n)
{
    int v, scale = 100;
    size_t i;

    if (n == 0 || (p[0] != '0' && p[0] != '1'))
        return -1;
    v = (p[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (p[1] != '.' || n > 5)
        return -1;
    for (i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v += (p[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

/* member_q: the q of one Accept-Encoding member's parameters (the text
 * after the coding up to the comma); 1000 when absent, -1 malformed. */
static int
member_q(const char *p, const char *end)
{
    int q = 1000;

    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *pe = semi ? semi : end;

        p = skip_ows(p);
        if (pe - p >= 2 && lower((unsigned char)p[0]) == 'q' && p[1] == '=') {
            const char *v = p + 2, *ve = pe;

            while (ve > v && is_ows(ve[-1]))
                ve--;
            q = qvalue(v, (size_t)(ve - v));
        }
        p = semi ? semi + 1 : end;
    }
    return q;
}

struct coding_q {
    int gzip, identity, star; /* thousandths; -1: not listed */
};

static void
accept_encoding_scan(const char *s, struct coding_q *cq)
{
    cq->gzip = cq->identity = cq->star = -1;
    while (*s) {
        const char *end = strchr(s, ','), *name, *ne;
        int q;

        if (end == NULL)
            end = s + strlen(s);
        name = skip_ows(s);
        ne = name;
        while (ne < end && *ne != ';' && !is_ows(*ne))
            ne++;
        q = member_q(ne, end);
        if (q >= 0 && (name_is(name, (size_t)(ne - name), "gzip") ||
                       name_is(name, (size_t)(ne - name), "x-gzip")))
            cq->gzip = q;
        else if (q >= 0 && name_is(name, (size_t)(ne - name), "identity"))
            cq->identity = q;
        else if (q >= 0 && name_is(name, (size_t)(ne - name), "*"))
            cq->star = q;
        s = *end ? end + 1 : end;
    }
}

enum http_coding
http_choose_coding(const char *accept_encoding, int has_gzip)
{
    struct coding_q cq;
    int gz, id;

    if (accept_encoding == NULL)
        return HTTP_CODING_IDENTITY;
    accept_encoding_scan(accept_encoding, &cq);
    gz = cq.gzip >= 0 ? cq.gzip : cq.star >= 0 ? cq.star : 0;
    /* identity is acceptable unless named, or "*" names it, with q=0; left
     * unnamed it is the fallback, below any coding the client lists */
    id = cq.identity >= 0 ? cq.identity : cq.star >= 0 ? cq.star : 1;
    if (!has_gzip)
        gz = 0;
    if (gz > 0 && gz >= id)
        return HTTP_CODING_GZIP;
    if (id > 0)
        return HTTP_CODING_IDENTITY;
    return HTTP_CODING_NONE;
}

/* tag_equal: the opaque-tag (n bytes, without quotes) is that of etag. */
static int
tag_equal(const char *opaque, size_t n, const char *etag)
{
    size_t m = strlen(etag);

    return m >= 2 && etag[0] == '"' && m - 2 == n &&
           memcmp(etag + 1, opaque, n) == 0;
}

int
http_etag_listed(const char *inm, const char *etag)
{
    const char *p = skip_ows(inm);

    if (p[0] == '*' && *skip_ows(p + 1) == '\0')
        return 1;
    while (*p) {
        const char *q;

        p = skip_ows(p);
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p == '"' && (q = strchr(p + 1, '"')) != NULL) {
            if (tag_equal(p + 1, (size_t)(q - p - 1), etag))
                return 1;
            p = q + 1;
        }
        /* the rest of this member, well-formed or not, up to a comma */
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
    }
    return 0;
}

int
http_not_modified(const char *inm, const char *ims, const char *etag,
                  int64_t mtime)
{
    int64_t since;

    if (inm != NULL)
        return http_etag_listed(inm, etag);
    if (ims == NULL || date_parse_http(ims, strlen(ims), &since) < 0)
        return 0;
    return mtime <= since;
}

int
http_is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        int c = (unsigned char)*s;

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || (c && strchr(extra, c))))
            return 0;
    }
    return 1;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* dot_segment: the segment out[start..len) is "." or "..". */
static int
dot_segment(const char *out, size_t start, size_t len)
{
    size_t n = len - start;

    return (n == 1 && out[start] == '.') ||
           (n == 2 && out[start] == '.' && out[start + 1] == '.');
}

/* origin_form: the path part of an absolute-form target. */
static const char *
origin_form(const char *t)
{
    const char *p = NULL;

    if (strncmp(t, "http://", 7) == 0)
        p = t + 7;
    else if (strncmp(t, "https://", 8) == 0)
        p = t + 8;
    if (p == NULL)
        return t;
    p = strchr(p, '/');
    return p ? p : "/";
}

long
http_target_path(const char *target, char *out, size_t cap)
{
    const char *p = origin_form(target);
    size_t len = 0, seg = 1;

    if (*p != '/' || cap < 2)
        return HTTP_TARGET_MALFORMED;
    for (; *p; p++) {
        int c = (unsigned char)*p;

        if (c <= 0x20 || c >= 0x7f || c == '#') /* no fragment is sent */
            return HTTP_TARGET_MALFORMED;
        if (c == '%') {
            int hi = hexval((unsigned char)p[1]), lo;

            if (hi < 0 || (lo = hexval((unsigned char)p[2])) < 0)
                return HTTP_TARGET_MALFORMED;
            c = hi * 16 + lo;
            p += 2;
            if (c == 0)
                return HTTP_TARGET_MALFORMED;
        }
        if (c == '/' && len > 0 && dot_segment(out, seg, len))
            return HTTP_TARGET_MALFORMED;
        if (len + 1 >= cap)
            return HTTP_TARGET_TOO_LONG;
        out[len++] = (char)c;
        if (c == '/')
            seg = len;
    }
    if (dot_segment(out, seg, len))
        return HTTP_TARGET_MALFORMED;
    out[len] = '\0';
    return (long)len;
}

/* log_field: a quoted or bare client string, escaped and cut. */
static void
log_field(struct buf *out, const char *s)
{
    size_t n = 0;

    if (s == NULL || *s == '\0') {
        buf_putc(out, '-');
        return;
    }
    for (; *s && n < HTTP_LOG_FIELD_MAX; s++, n++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            buf_appendf(out, "\\x%02X", c);
        else
            buf_putc(out, c);
    }
    if (*s)
        buf_puts(out, "...");
}

void
http_log_line(struct buf *out, const struct http_log_rec *r)
{
    char when[DATE_MAX];

    date_format_clf(r->time, when);
    log_field(out, r->peer);
    buf_appendf(out, " - - [%s] \"", when);
    log_field(out, r->method);
    buf_putc(out, ' ');
    log_field(out, r->target);
    buf_putc(out, ' ');
    log_field(out, r->version);
    buf_appendf(out, "\" %d %llu \"", r->status, (unsigned long long)r->bytes);
    log_field(out, r->referer);
    buf_puts(out, "\" \"");
    log_field(out, r->user_agent);
    buf_puts(out, "\"\n");
}
