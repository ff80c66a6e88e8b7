/*
 * strpool: strings bumped into chunks (see strpool.h).
 */
#include "tidings/strpool.h"

#include <stdlib.h>
#include <string.h>

#include "tidings/xalloc.h"

/* A chunk is CHUNK bytes unless one string needs more. */
#define CHUNK ((size_t)64 << 10)

struct strpool_chunk {
    struct strpool_chunk *next; /* the one filled before */
    char data[];
};

void
strpool_init(struct strpool *p)
{
    memset(p, 0, sizeof(*p));
}

void
strpool_release(struct strpool *p)
{
    struct strpool_chunk *c, *next;

    for (c = p->head; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    strpool_init(p);
}

const char *
strpool_dup(struct strpool *p, const char *s, size_t n)
{
    struct strpool_chunk *c;
    char *out;

    if (p->head == NULL || p->cap - p->used < n + 1) {
        size_t cap = n + 1 > CHUNK ? n + 1 : CHUNK;

        c = xmalloc(sizeof(*c) + cap);
        c->next = p->head;
        p->head = c;
        p->used = 0;
        p->cap = cap;
    }
    out = p->head->data + p->used;
    memcpy(out, s, n);
    out[n] = '\0';
    p->used += n + 1;
    return out;
}
