#ifndef TIDINGS_XALLOC_H
#define TIDINGS_XALLOC_H

/*
 * Allocation that never returns NULL: on failure the size is printed and the
 * process aborts (as git, tmux and redis do), so no call site tests for it.
 * Untrusted input is bounded by explicit caps (see buf.h), not by malloc
 * failing.  Everything returned is owned by the caller and released with
 * free().
 */

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: as xrealloc(ptr, nmemb * size), aborting on overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* xstrndup: copies at most n bytes of s and always NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* xmemdup: copies len bytes and appends a NUL (handy for text). */
char *xmemdup(const void *p, size_t len);

/* xalloc_fail_after: test hook (TIDINGS_FUZZ/test builds only matter):
 * after n more successful allocations, the next one fails as if the heap
 * were exhausted.  n < 0 disables.  Not thread-safe; tests only. */
void xalloc_fail_after(long n);

#endif
