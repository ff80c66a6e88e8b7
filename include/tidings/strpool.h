#ifndef TIDINGS_STRPOOL_H
#define TIDINGS_STRPOOL_H

/*
 * strpool: many small strings that live and die together (the paths of a
 * site, of a manifest, of the documents table), copied into large chunks
 * instead of one malloc each.  A site of 100 000 documents held its paths
 * in 100 000 blocks, four times over during a build, and allocating and
 * freeing them was a good part of an incremental build.
 *
 * Strings are never freed one by one; strpool_release frees them all and
 * leaves the pool empty and reusable.  A pool may be moved (copied by
 * value) as long as the old copy is not used after.
 */

#include <stddef.h>

struct strpool_chunk;

struct strpool {
    struct strpool_chunk *head; /* the chunk being filled; NULL: none */
    size_t used, cap;           /* of head's bytes */
};

#define STRPOOL_INIT                                                           \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

void strpool_init(struct strpool *p);
void strpool_release(struct strpool *p);

/* strpool_dup: a copy of the n bytes at s, NUL-terminated, owned by the
 * pool and valid until strpool_release. */
const char *strpool_dup(struct strpool *p, const char *s, size_t n);

#endif
