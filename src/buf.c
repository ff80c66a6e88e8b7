/*
 * buf: a growable, NUL-terminated byte buffer with an optional hard cap and
 * sticky failure (see buf.h for the invariants).  The empty buffer points at
 * a shared one-byte array, so BUF_INIT allocates nothing.
 */
#include "tidings/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/xalloc.h"

char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
    b->data = buf_empty;
    b->len = b->cap = 0;
    b->max = max;
    b->failed = 0;
}

void
buf_release(struct buf *b)
{
    if (b->cap)
        free(b->data);
    buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->cap)
        b->data[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p = b->cap ? b->data : xmemdup("", 0);

    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return p;
}

int
buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;

    if (b->failed)
        return -1;
    if (n > SIZE_MAX - b->len - 1 || (b->max && b->len + n > b->max)) {
        b->failed = 1;
        return -1;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->cap) {
        b->data = xrealloc(b->data, cap);
    } else {
        b->data = xmalloc(cap);
        b->data[0] = '\0';
    }
    b->cap = cap;
    return 0;
}

int
buf_append_grow(struct buf *b, const void *p, size_t n)
{
    if (buf_grow(b, n) < 0)
        return -1;
    if (n == 0)
        return 0;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, int c)
{
    char ch = (char)c;

    return buf_append(b, &ch, 1);
}

int
buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    if (b->failed)
        return -1;
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || buf_grow(b, (size_t)n) < 0) {
        b->failed = 1;
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int
buf_appendf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void
buf_truncate(struct buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}
