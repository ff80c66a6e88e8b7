/*
 * json: recursive descent over a cursor, with the depth counted so that
 * recursion is bounded.  Every value records the line it starts on, for
 * messages.  The first error stops the parse.
 */
#include "tidings/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

struct reader {
    const char *p, *end;
    size_t line;
    struct err *err;
};

static struct json *value(struct reader *r, int depth);

static int
fail(struct reader *r, const char *what)
{
    return err_set(r->err, ERR_PARSE, "line %zu: %s", r->line, what);
}

static void
skip_ws(struct reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) {
        r->line += *r->p == '\n';
        r->p++;
    }
}

static struct json *
node(struct reader *r, enum json_type t)
{
    struct json *j = xcalloc(1, sizeof(*j));

    j->type = t;
    j->line = r->line;
    return j;
}

static int
literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unexpected character");
    r->p += n;
    return 0;
}

static int
digits(struct reader *r)
{
    const char *start = r->p;

    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    return r->p > start ? 0 : fail(r, "malformed number");
}

static struct json *
number(struct reader *r)
{
    const char *start = r->p;
    struct json *j;

    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (digits(r) < 0)
        return NULL;
    if (r->p < r->end && *r->p == '.' && (r->p++, digits(r) < 0))
        return NULL;
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (digits(r) < 0)
            return NULL;
    }
    j = node(r, JSON_NUMBER);
    j->str = xmemdup(start, (size_t)(r->p - start));
    j->len = (size_t)(r->p - start);
    return j;
}

static int
hex4(struct reader *r, uint32_t *v)
{
    int i;

    *v = 0;
    if (r->end - r->p < 4)
        return fail(r, "truncated \\u escape");
    for (i = 0; i < 4; i++, r->p++) {
        char c = *r->p;

        *v <<= 4;
        if (c >= '0' && c <= '9')
            *v |= (uint32_t)(c - '0');
        else if ((c | 32) >= 'a' && (c | 32) <= 'f')
            *v |= (uint32_t)((c | 32) - 'a' + 10);
        else
            return fail(r, "malformed \\u escape");
    }
    return 0;
}

/* unicode_escape: after "\u": one code point, or a surrogate pair. */
static int
unicode_escape(struct reader *r, struct buf *b)
{
    uint32_t cp, lo;
    char out[4];

    if (hex4(r, &cp) < 0)
        return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(r, "lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
            return fail(r, "lone high surrogate");
        r->p += 2;
        if (hex4(r, &lo) < 0)
            return -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(r, "bad surrogate pair");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    buf_append(b, out, utf8_encode(cp, out));
    return 0;
}

static int
escape(struct reader *r, struct buf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k;

    if (r->p >= r->end)
        return fail(r, "truncated escape");
    if (*r->p == 'u') {
        r->p++;
        return unicode_escape(r, b);
    }
    if ((k = strchr(from, *r->p)) == NULL || *r->p == '\0')
        return fail(r, "unknown escape");
    buf_putc(b, to[k - from]);
    r->p++;
    return 0;
}

/* string_body: after the opening quote, up to and past the closing one. */
static int
string_body(struct reader *r, struct buf *b)
{
    const char *run;

    for (;;) {
        run = r->p;
        while (r->p < r->end && *r->p != '"' && *r->p != '\\' &&
               (unsigned char)*r->p >= 0x20)
            r->p++;
        if (utf8_check(run, (size_t)(r->p - run)) != (size_t)(r->p - run))
            return fail(r, "invalid UTF-8 in a string");
        buf_append(b, run, (size_t)(r->p - run));
        if (r->p >= r->end)
            return fail(r, "unterminated string");
        if (*r->p == '"') {
            r->p++;
            return 0;
        }
        if (*r->p != '\\')
            return fail(r, "control character in a string");
        r->p++;
        if (escape(r, b) < 0)
            return -1;
    }
}

static char *
string(struct reader *r, size_t *len)
{
    struct buf b = BUF_INIT;

    r->p++; /* the opening quote */
    if (string_body(r, &b) < 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, len);
}

/* elements: the members of an object or the elements of an array, after
 * the opening bracket; close is ']' or '}'. */
static int
elements(struct reader *r, struct json *parent, char close, int depth)
{
    struct json **tail = &parent->child, *j;
    char *key = NULL;

    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        skip_ws(r);
        if (close == '}') {
            size_t klen;

            if (r->p >= r->end || *r->p != '"')
                return fail(r, "expected a member name");
            if ((key = string(r, &klen)) == NULL)
                return -1;
            skip_ws(r);
            if (r->p >= r->end || *r->p++ != ':') {
                free(key);
                return fail(r, "expected ':'");
            }
        }
        if ((j = value(r, depth + 1)) == NULL) {
            free(key);
            return -1;
        }
        j->key = key;
        key = NULL;
        *tail = j;
        tail = &j->next;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        return fail(r, close == '}' ? "expected ',' or '}'"
                                    : "expected ',' or ']'");
    }
}

static struct json *
container(struct reader *r, enum json_type t, int depth)
{
    struct json *j = node(r, t);

    r->p++;
    if (elements(r, j, t == JSON_ARRAY ? ']' : '}', depth) < 0) {
        json_free(j);
        return NULL;
    }
    return j;
}

static struct json *
value(struct reader *r, int depth)
{
    struct json *j;

    if (depth > JSON_MAX_DEPTH) {
        err_set(r->err, ERR_LIMIT, "line %zu: nested deeper than %d", r->line,
                JSON_MAX_DEPTH);
        return NULL;
    }
    skip_ws(r);
    if (r->p >= r->end) {
        fail(r, "unexpected end of input");
        return NULL;
    }
    switch (*r->p) {
    case '{':
        return container(r, JSON_OBJECT, depth);
    case '[':
        return container(r, JSON_ARRAY, depth);
    case '"':
        j = node(r, JSON_STRING);
        if ((j->str = string(r, &j->len)) == NULL) {
            json_free(j);
            return NULL;
        }
        return j;
    case 't':
        return literal(r, "true") < 0 ? NULL : node(r, JSON_TRUE);
    case 'f':
        return literal(r, "false") < 0 ? NULL : node(r, JSON_FALSE);
    case 'n':
        return literal(r, "null") < 0 ? NULL : node(r, JSON_NULL);
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
            return number(r);
        fail(r, "unexpected character");
        return NULL;
    }
}

struct json *
json_parse(const char *s, size_t n, struct err *err)
{
    struct reader r = { s, s + n, 1, err };
    struct json *j = value(&r, 0);

    if (j == NULL)
        return NULL;
    skip_ws(&r);
    if (r.p != r.end) {
        fail(&r, "text after the value");
        json_free(j);
        return NULL;
    }
    return j;
}

void
json_free(struct json *j)
{
    while (j != NULL) {
        struct json *next = j->next;

        json_free(j->child);
        free(j->str);
        free(j->key);
        free(j);
        j = next;
    }
}

const struct json *
json_get(const struct json *j, const char *key)
{
    const struct json *m;

    if (j == NULL || j->type != JSON_OBJECT)
        return NULL;
    for (m = j->child; m != NULL; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}
