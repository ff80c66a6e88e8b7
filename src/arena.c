/*
 * arena: libxml2's allocator, a bump arena per thread inside a window.
 *
 * One address range of NSLOTS slices of SLICE bytes is reserved without
 * access (PROT_NONE costs neither memory nor commit charge); a window
 * takes a free slice and arena_end() gives it back, so NSLOTS bounds the
 * windows open at once, not the threads ever started.  Memory is
 * made writable a STEP at a time as the bump pointer reaches it.  Each
 * block is preceded by a header holding its size, which realloc needs;
 * the newest block grows in place, which is what libxml2's text buffers
 * mostly do.  Closing a window moves the pointer back to the slice's
 * start, and beyond KEEP bytes the pages are returned to the system.
 *
 * Under AddressSanitizer every byte that is not a live block is
 * poisoned, headers included, so an overrun into the next block or a use
 * after arena_end() is still reported.
 *
 * The state is global (STYLE 25 notwithstanding) because libxml2's
 * allocator is: xmlMemSetup takes plain functions and no context.  The
 * reservation is made once before threads start, and a slice belongs to
 * one window at a time through the `taken` bits.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, MADV_DONTNEED */

#include "tidings/arena.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define NSLOTS 32                 /* at most the bits of an unsigned */
#define SLICE  ((size_t)64 << 20) /* a page's tree beyond this uses malloc */
#define STEP   ((size_t)1 << 20)
#define KEEP   ((size_t)8 << 20)
#define ALIGN  16
#define HDR    ALIGN /* the header keeps blocks aligned as malloc's are */

struct slice {
    char *base;
    char *top;    /* next free byte */
    char *mapped; /* end of the writable part */
    char *last;   /* the newest block, which may grow in place */
};

static char *region; /* NULL: not installed or not reserved */
static struct slice slices[NSLOTS];
static atomic_uint taken;                /* bit i: slices[i] is in a window */
static _Thread_local struct slice *mine; /* this thread's open window */

static int
is_arena(const void *p)
{
    return region != NULL &&
           (uintptr_t)p - (uintptr_t)region < (uintptr_t)NSLOTS * SLICE;
}

static size_t
block_size(const void *p)
{
    size_t n;

    UNPOISON((const char *)p - HDR, sizeof(n));
    memcpy(&n, (const char *)p - HDR, sizeof(n));
    POISON((const char *)p - HDR, sizeof(n));
    return n;
}

static void
set_block_size(void *p, size_t n)
{
    UNPOISON((char *)p - HDR, sizeof(n));
    memcpy((char *)p - HDR, &n, sizeof(n));
    POISON((char *)p - HDR, sizeof(n));
}

/* reach: makes the slice writable up to end; 0 on success. */
static int
reach(struct slice *s, const char *end)
{
    size_t more;

    if (end <= s->mapped)
        return 0;
    more = ((size_t)(end - s->mapped) + STEP - 1) / STEP * STEP;
    if (more > (size_t)(s->base + SLICE - s->mapped))
        more = (size_t)(s->base + SLICE - s->mapped);
    if (mprotect(s->mapped, more, PROT_READ | PROT_WRITE) != 0)
        return -1;
    POISON(s->mapped, more);
    s->mapped += more;
    return 0;
}

/* bump: n bytes from the open slice, or NULL when they do not fit. */
static void *
bump(struct slice *s, size_t n)
{
    size_t need;
    char *p;

    if (n > SLICE)
        return NULL;
    need = HDR + (n + ALIGN - 1) / ALIGN * ALIGN;
    if (need > (size_t)(s->base + SLICE - s->top) ||
        reach(s, s->top + need) < 0)
        return NULL;
    p = s->top + HDR;
    s->top += need;
    s->last = p;
    set_block_size(p, n);
    UNPOISON(p, n);
    return p;
}

static void *
arena_malloc(size_t n)
{
    void *p = NULL;

    if (mine != NULL)
        p = bump(mine, n);
    return p != NULL ? p : malloc(n);
}

static void
arena_free(void *p)
{
    if (!is_arena(p))
        free(p);
}

/* grow_last: the newest block of the open slice, resized in place. */
static int
grow_last(struct slice *s, void *p, size_t n)
{
    size_t room = (size_t)(s->base + SLICE - (char *)p), size;

    if (n > room || (size = (n + ALIGN - 1) / ALIGN * ALIGN) > room ||
        reach(s, (char *)p + size) < 0)
        return -1;
    POISON(p, (size_t)(s->top - (char *)p));
    s->top = (char *)p + size;
    set_block_size(p, n);
    UNPOISON(p, n);
    return 0;
}

static void *
arena_realloc(void *p, size_t n)
{
    size_t old;
    void *q;

    if (p == NULL)
        return arena_malloc(n);
    if (!is_arena(p))
        return realloc(p, n);
    if (mine != NULL && p == mine->last && grow_last(mine, p, n) == 0)
        return p;
    if ((q = arena_malloc(n)) == NULL)
        return NULL;
    old = block_size(p);
    memcpy(q, p, old < n ? old : n);
    return q;
}

static char *
arena_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_malloc(n);

    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

void
arena_install(void)
{
    void *r;

    if (region != NULL)
        return;
    r = mmap(NULL, (size_t)NSLOTS * SLICE, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED)
        return;
    region = r;
    xmlMemSetup(arena_free, arena_malloc, arena_realloc, arena_strdup);
    /* libxml2 builds its shared tables on first use; that must not
     * happen inside a window, where they would be taken back */
    xmlInitParser();
}

/* take_slice: a free slice, or NULL when every one is in a window. */
static struct slice *
take_slice(void)
{
    unsigned old = atomic_load(&taken), i;

    do {
        for (i = 0; i < NSLOTS && (old & (1u << i)); i++)
            ;
        if (i == NSLOTS)
            return NULL;
    } while (!atomic_compare_exchange_weak(&taken, &old, old | (1u << i)));
    if (slices[i].base == NULL)
        slices[i].base = slices[i].mapped = region + (size_t)i * SLICE;
    return &slices[i];
}

void
arena_begin(void)
{
    assert(mine == NULL);
    if (region == NULL || (mine = take_slice()) == NULL)
        return;
    mine->top = mine->base;
    mine->last = NULL;
}

void
arena_end(void)
{
    struct slice *s = mine;

    if (s == NULL)
        return;
    /* libxml2 copies each error's strings into this thread's "last
     * error" too; drop them before their memory is reused */
    xmlResetLastError();
    mine = NULL;
    POISON(s->base, (size_t)(s->top - s->base));
    if (s->mapped > s->base + KEEP)
        madvise(s->base + KEEP, (size_t)(s->mapped - s->base - KEEP),
                MADV_DONTNEED);
    s->top = s->base;
    s->last = NULL;
    atomic_fetch_and(&taken, ~(1u << (unsigned)(s - slices)));
}

unsigned long
arena_used(void)
{
    return mine != NULL ? (unsigned long)(mine->top - mine->base) : 0;
}
