/*
 * url: cleaning, scheme checks and RFC 3986 reference resolution.
 *
 * A reference is cleaned into a scratch buffer, probed for its scheme (on a
 * copy with character references decoded and white space removed, so that
 * no disguise hides "javascript:"), then split into the five components of
 * RFC 3986 appendix B and resolved against the base (section 5.2.2), with
 * remove_dot_segments (5.2.4) applied to every path it produces.  Nothing
 * here allocates beyond the scratch buffers, and a refused reference
 * leaves the output as it was.
 */
#include "tidings/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tidings/buf.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define PROBE_MAX 32

static const char *const safe_schemes[] = { "http", "https", "mailto", "ftp",
                                            "tel" };

/* One reference split by RFC 3986 appendix B; absent parts have p NULL. */
struct part {
    const char *p;
    size_t n;
};

struct parsed {
    struct part scheme, authority, path, query, fragment;
};

static int
is_scheme_char(int c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return !first &&
           ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

/* scheme_len: length of a valid scheme before ':' at s, or 0. */
static size_t
scheme_len(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_scheme_char((unsigned char)s[i], i == 0))
        i++;
    return i > 0 && i < n && s[i] == ':' ? i : 0;
}

/* clean: the reference with tabs, line breaks and other controls removed
 * and its ends trimmed of white space. */
static void
clean(const char *s, size_t n, struct buf *out)
{
    struct buf tmp = BUF_INIT;
    const char *p;
    size_t i, len;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7F)
            buf_putc(&tmp, s[i]);
    p = tmp.data;
    len = tmp.len;
    utf8_trim(&p, &len);
    buf_append(out, p, len);
    buf_release(&tmp);
}

/* encode_spaces: s with its spaces as %20, the form browsers send. */
static void
encode_spaces(const char *s, size_t n, struct buf *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == ' ')
            buf_puts(out, "%20");
        else
            buf_putc(out, s[i]);
    }
}

/* decode_ref: a character reference at s ("&#106;", "&#x6a", "&colon;"),
 * its code point in *cp and its length, or 0. */
static size_t
decode_ref(const char *s, size_t n, unsigned long *cp)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } named[] = { { "&colon;", ':' },
                  { "&tab;", '\t' },
                  { "&newline;", '\n' } };
    size_t i = 2, k;
    int hex;

    for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        size_t len = strlen(named[k].name);

        if (n >= len && strncasecmp(s, named[k].name, len) == 0) {
            *cp = named[k].cp;
            return len;
        }
    }
    if (n < 3 || s[0] != '&' || s[1] != '#')
        return 0;
    hex = s[2] == 'x' || s[2] == 'X';
    i += (size_t)hex;
    *cp = 0;
    for (k = i; k < n && k - i < 8; k++) {
        int c = (unsigned char)s[k], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            break;
        *cp = *cp * (hex ? 16 : 10) + (unsigned long)d;
    }
    if (k == i)
        return 0;
    return k < n && s[k] == ';' ? k + 1 : k;
}

/* probe: the first characters of s as a browser would see them once
 * character references are decoded and white space dropped, lower-cased;
 * returns their number. */
static size_t
probe(const char *s, size_t n, char out[PROBE_MAX])
{
    size_t i = 0, len = 0, step;
    unsigned long cp;

    while (i < n && len < PROBE_MAX - 1) {
        if ((step = decode_ref(s + i, n - i, &cp)) == 0) {
            cp = (unsigned char)s[i];
            step = 1;
        }
        i += step;
        if (cp <= 0x20 || cp == 0x7F)
            continue;
        out[len++] = cp >= 'A' && cp <= 'Z' ? (char)(cp + 32)
                     : cp < 0x80            ? (char)cp
                                            : '?';
    }
    out[len] = '\0';
    return len;
}

static int
is_safe_scheme(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(safe_schemes) / sizeof(safe_schemes[0]); i++)
        if (strlen(safe_schemes[i]) == n &&
            strncasecmp(s, safe_schemes[i], n) == 0)
            return 1;
    return 0;
}

/* is_safe: the scheme a browser would see, if any, is allowed. */
static int
is_safe(const char *s, size_t n)
{
    char p[PROBE_MAX];
    size_t len = probe(s, n, p), sl = scheme_len(p, len);

    return sl == 0 || is_safe_scheme(p, sl);
}

/* split: RFC 3986 appendix B. */
static void
split(const char *s, size_t n, struct parsed *u)
{
    size_t i = scheme_len(s, n), end;

    memset(u, 0, sizeof(*u));
    if (i > 0) {
        u->scheme.p = s;
        u->scheme.n = i;
        s += i + 1;
        n -= i + 1;
    }
    if (n >= 2 && s[0] == '/' && s[1] == '/') {
        end = 2 + strcspn(s + 2, "/?#");
        end = end > n ? n : end;
        u->authority.p = s + 2;
        u->authority.n = end - 2;
        s += end;
        n -= end;
    }
    end = strcspn(s, "?#");
    end = end > n ? n : end;
    u->path.p = s;
    u->path.n = end;
    s += end;
    n -= end;
    if (n > 0 && *s == '?') {
        end = strcspn(s, "#");
        end = end > n ? n : end;
        u->query.p = s + 1;
        u->query.n = end - 1;
        s += end;
        n -= end;
    }
    if (n > 0 && *s == '#') {
        u->fragment.p = s + 1;
        u->fragment.n = n - 1;
    }
}

/* drop_last_segment: removes the last "/segment" of out after from. */
static void
drop_last_segment(struct buf *out, size_t from)
{
    size_t i = out->len;

    while (i > from && out->data[i - 1] != '/')
        i--;
    buf_truncate(out, i > from ? i - 1 : from);
}

static int
starts(const char *s, size_t n, const char *prefix)
{
    size_t len = strlen(prefix);

    return n >= len && memcmp(s, prefix, len) == 0;
}

static int
equals(const char *s, size_t n, const char *w)
{
    return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* remove_dots: RFC 3986 5.2.4, appending the result to out.  The input
 * buffer is rewritten in place where the RFC replaces a prefix by "/". */
static void
remove_dots(char *in, size_t n, struct buf *out)
{
    size_t from = out->len, seg;

    while (n > 0) {
        if (starts(in, n, "../") || starts(in, n, "./")) {
            seg = in[1] == '.' ? 3 : 2;
        } else if (starts(in, n, "/./")) {
            seg = 2; /* leaves the second '/' */
        } else if (equals(in, n, "/.")) {
            in[1] = '/';
            seg = 1;
        } else if (starts(in, n, "/../")) {
            seg = 3;
            drop_last_segment(out, from);
        } else if (equals(in, n, "/..")) {
            in[2] = '/';
            seg = 2;
            drop_last_segment(out, from);
        } else if (equals(in, n, ".") || equals(in, n, "..")) {
            seg = n;
        } else {
            seg = 1;
            while (seg < n && in[seg] != '/')
                seg++;
            buf_append(out, in, seg);
        }
        in += seg;
        n -= seg;
    }
}

static void
put_path(struct buf *out, const char *p, size_t n)
{
    char *copy = xmemdup(p, n);

    remove_dots(copy, n, out);
    free(copy);
}

/* merge: RFC 3986 5.2.3, then dot removal. */
static void
merge_path(struct buf *out, const struct parsed *b, const struct part *ref)
{
    struct buf m = BUF_INIT;
    size_t keep = b->path.n;

    if (b->authority.p != NULL && b->path.n == 0) {
        buf_putc(&m, '/');
    } else {
        while (keep > 0 && b->path.p[keep - 1] != '/')
            keep--;
        buf_append(&m, b->path.p, keep);
    }
    buf_append(&m, ref->p, ref->n);
    put_path(out, m.data, m.len);
    buf_release(&m);
}

static void
put_part(struct buf *out, const char *before, const struct part *p)
{
    if (p->p == NULL)
        return;
    buf_puts(out, before);
    buf_append(out, p->p, p->n);
}

/* target: RFC 3986 5.2.2 for a reference without a scheme. */
static void
target(struct buf *out, const struct parsed *b, const struct parsed *r)
{
    const struct part *query = &r->query;

    buf_append(out, b->scheme.p, b->scheme.n);
    buf_putc(out, ':');
    if (r->authority.p != NULL) {
        put_part(out, "//", &r->authority);
        put_path(out, r->path.p, r->path.n);
    } else {
        put_part(out, "//", &b->authority);
        if (r->path.n == 0) {
            buf_append(out, b->path.p, b->path.n);
            if (query->p == NULL)
                query = &b->query;
        } else if (r->path.p[0] == '/') {
            put_path(out, r->path.p, r->path.n);
        } else {
            merge_path(out, b, &r->path);
        }
    }
    put_part(out, "?", query);
    put_part(out, "#", &r->fragment);
}

int
url_resolve(const char *base, const char *ref, size_t n, struct buf *out)
{
    struct buf raw = BUF_INIT, c = BUF_INIT;
    struct parsed b, r;
    int rc = -1;

    clean(ref, n, &raw);
    if (raw.len == 0 || !is_safe(raw.data, raw.len))
        goto out;
    encode_spaces(raw.data, raw.len, &c);
    split(c.data, c.len, &r);
    if (r.scheme.p != NULL && !is_safe_scheme(r.scheme.p, r.scheme.n))
        goto out;
    if (r.scheme.p != NULL) {
        put_part(out, "", &r.scheme);
        buf_putc(out, ':');
        put_part(out, "//", &r.authority);
        put_path(out, r.path.p, r.path.n);
        put_part(out, "?", &r.query);
        put_part(out, "#", &r.fragment);
    } else if (base != NULL && (split(base, strlen(base), &b), b.scheme.p)) {
        target(out, &b, &r);
    } else {
        buf_append(out, c.data, c.len);
    }
    rc = 0;
out:
    buf_release(&raw);
    buf_release(&c);
    return rc;
}

int
url_has_scheme(const char *s)
{
    return scheme_len(s, strlen(s)) > 0;
}

int
url_is_absolute(const char *s)
{
    size_t skip;

    if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else
        return 0;
    return s[skip] != '\0' && s[skip] != '/' && s[skip] != '?' &&
           s[skip] != '#';
}

int
url_is_iri(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    return n > 0 && ((*s | 32) >= 'a' && (*s | 32) <= 'z') && s[n] == ':' &&
           s[n + 1] != '\0' && strpbrk(s, " \t\r\n") == NULL;
}

void
url_host(const char *url, char *out, size_t cap)
{
    const char *h = strstr(url, "://");
    size_t n;

    h = h ? h + 3 : url;
    n = strcspn(h, "/:?#");
    snprintf(out, cap, "%.*s", (int)n, h);
}
