#ifndef TIDINGS_BUF_H
#define TIDINGS_BUF_H

/*
 * struct buf: the one growable byte buffer.
 *
 * Invariants:
 *  - data is never NULL and data[len] == '\0' (so text can be used as a C
 *    string), even for a buffer that was never written;
 *  - max, when non-zero, is a hard cap on len, so no peer can grow a buffer
 *    without bound (curl's dynbuf); an append that would pass it fails;
 *  - failure is sticky: once an append fails, later appends do nothing and
 *    buf_failed() stays true until buf_reset()/buf_release().  Callers check
 *    once, at the end, and report ERR_LIMIT.
 *
 * BUF_INIT gives an empty, unlimited buffer; buf_init() sets a cap.
 */

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* 0: no cap */
    int failed;
};

extern char buf_empty[1];
#define BUF_INIT                                                               \
    {                                                                          \
        buf_empty, 0, 0, 0, 0                                                  \
    }

void buf_init(struct buf *b, size_t max);
/* buf_release: frees the memory; the buffer is empty and reusable, and
 * keeps its cap. */
void buf_release(struct buf *b);
/* buf_reset: empties the buffer (keeping memory) and clears the failure. */
void buf_reset(struct buf *b);
/* buf_detach: returns the bytes (NUL-terminated, owned by the caller, never
 * NULL) and leaves the buffer empty; *len gets the length if len is set. */
char *buf_detach(struct buf *b, size_t *len);

/* Appends return 0, or -1 when the buffer has failed (now or before). */
/* buf_append_grow: buf_append when the bytes may not fit: grows, caps,
 * fails. */
int buf_append_grow(struct buf *b, const void *p, size_t n);

/* buf_append: inline when the bytes fit, as most appends do (an entity, a
 * tag, a run of text): a renderer makes one for every few bytes it
 * writes, and the call cost more than the copy. */
static inline int
buf_append(struct buf *b, const void *p, size_t n)
{
    if (n >= b->cap - b->len || b->failed || b->max)
        return buf_append_grow(b, p, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, int c);
int buf_appendf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* buf_grow: makes room for n more bytes without changing len. */
int buf_grow(struct buf *b, size_t n);
/* buf_truncate: shortens to len (no-op if len >= b->len). */
void buf_truncate(struct buf *b, size_t len);

static inline int
buf_failed(const struct buf *b)
{
    return b->failed;
}

#endif
