/*
 * xalloc: the one place where out-of-memory is handled.  A feed generator
 * cannot do anything useful without memory, so failing loudly with the size
 * that was asked for beats threading ENOMEM through every caller.
 */
#include "tidings/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -1;

static void
oom(size_t size)
{
    fprintf(stderr, "tidings: out of memory allocating %zu bytes\n", size);
    abort();
}

static int
should_fail(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void
xalloc_fail_after(long n)
{
    fail_after = n;
}

void *
xmalloc(size_t size)
{
    void *p = should_fail() ? NULL : malloc(size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p;

    if (nmemb && size > SIZE_MAX / nmemb)
        oom(SIZE_MAX);
    p = should_fail() ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (p == NULL)
        oom(nmemb * size);
    return p;
}

void *
xrealloc(void *ptr, size_t size)
{
    void *p = should_fail() ? NULL : realloc(ptr, size ? size : 1);

    if (p == NULL)
        oom(size);
    return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (nmemb && size > SIZE_MAX / nmemb)
        oom(SIZE_MAX);
    return xrealloc(ptr, nmemb * size);
}

char *
xmemdup(const void *p, size_t len)
{
    char *s;

    if (len == SIZE_MAX)
        oom(len);
    s = xmalloc(len + 1);
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

char *
xstrdup(const char *s)
{
    return xmemdup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    const char *end = memchr(s, '\0', n);

    return xmemdup(s, end ? (size_t)(end - s) : n);
}
