/*
 * Tests of the arena behind libxml2's allocator: plain malloc outside a
 * window, bump allocation and in-place growth inside one, everything
 * reused after arena_end, oversized blocks from malloc, and the HTML
 * fixtures parsed on two threads at once giving what one thread gives.
 * Under `make asan` the arena poisons what is not a live block, so these
 * also check that no page is read after its window closed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

#include "test.h"
#include "testutil.h"
#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_html.h"

static void
outside_a_window_is_malloc(void)
{
    char *p;

    arena_install();
    CHECK((p = xmlMalloc(100)) != NULL);
    memset(p, 'x', 100);
    CHECK_INT_EQ(arena_used(), 0);
    p = xmlRealloc(p, 200000);
    CHECK(p != NULL && p[99] == 'x');
    CHECK_INT_EQ(arena_used(), 0);
    xmlFree(p);
}

static void
window_bumps_grows_and_resets(void)
{
    char *a, *b, *c, *d, *first;
    xmlChar *s;

    arena_install();
    arena_begin();
    CHECK((first = a = xmlMalloc(10)) != NULL);
    CHECK(arena_used() >= 10);
    memcpy(a, "0123456789", 10);
    /* the newest block grows where it is */
    CHECK((b = xmlRealloc(a, 5000)) == a);
    CHECK(memcmp(b, "0123456789", 10) == 0);
    CHECK(arena_used() >= 5000);
    c = xmlMalloc(7);
    /* an older one moves, its bytes with it */
    CHECK((d = xmlRealloc(b, 9000)) != b && d != c);
    CHECK(memcmp(d, "0123456789", 10) == 0);
    s = xmlStrdup((const xmlChar *)"满洲里海关");
    CHECK_STR_EQ((const char *)s, "满洲里海关");
    xmlFree(s);
    xmlFree(d);
    arena_end();
    CHECK_INT_EQ(arena_used(), 0);
    /* the next window starts where the last one did */
    arena_begin();
    a = xmlMalloc(10);
    arena_end();
    CHECK(a == first);
}

static void
oversized_blocks_come_from_malloc(void)
{
    unsigned long used;
    char *p;

    arena_install();
    arena_begin();
    xmlFree(xmlMalloc(1));
    used = arena_used();
    /* larger than a slice: malloc's, and never touched here */
    p = xmlMalloc((size_t)200 << 20);
    CHECK_INT_EQ(arena_used(), used);
    xmlFree(p);
    arena_end();
}

static void
a_full_slice_falls_back_to_malloc(void)
{
    enum { MB = 1 << 20, BLOCKS = 80 }; /* more than a slice holds */
    char *p[BLOCKS], *big;
    unsigned long used = 0;
    int i, from_arena = 0;

    arena_install();
    arena_begin();
    for (i = 0; i < BLOCKS; i++) {
        p[i] = xmlMalloc(MB);
        p[i][0] = (char)i;
        if (arena_used() > used)
            from_arena++;
        used = arena_used();
    }
    /* the slice filled up, and the rest came from malloc */
    CHECK(from_arena > 8 && from_arena < BLOCKS);
    /* the newest arena block cannot grow past the slice: it moves */
    big = xmlRealloc(p[from_arena - 1], 8 * MB);
    CHECK(big != NULL && big[0] == (char)(from_arena - 1));
    p[from_arena - 1] = big;
    for (i = 0; i < BLOCKS; i++)
        xmlFree(p[i]);
    arena_end();
    arena_begin();
    xmlFree(xmlMalloc(MB));
    CHECK(arena_used() > 0 && arena_used() < 2 * MB);
    arena_end();
}

/* ---- the HTML fixtures on two threads ---------------------------------- */

static const char *const pages[] = {
    "gbk_meta_charset.html",   "broken_markup.html",
    "cms_meta.html",           "nested_tables.html",
    "scripts_everywhere.html", "relative_with_base.html",
    "utf16le_bom.html",        "og_only.html",
};
#define NPAGES  (sizeof(pages) / sizeof(pages[0]))
#define ROUNDS  25
#define THREADS 2

struct page_text {
    char *bytes;
    size_t len;
    char *expect; /* title, then body */
};

struct worker {
    const struct page_text *pt;
    int mismatches;
    int windows_left_open;
};

/* parse_page: title and body of one page joined, or NULL; caller frees. */
static char *
parse_page(const struct page_text *pt)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf out = BUF_INIT;
    char *r = NULL;

    memset(&o, 0, sizeof(o));
    o.host = "www.example.org";
    o.site_base_url = "https://www.example.org";
    test_capture_init(&c, &sink);
    if (import_html_parse(pt->bytes, pt->len, &o, &sink, &err) == 0 &&
        c.n == 1) {
        buf_puts(&out, c.a[0].title);
        buf_putc(&out, '\n');
        buf_puts(&out, c.a[0].body ? c.a[0].body : "");
        r = buf_detach(&out, NULL);
    }
    buf_release(&out);
    test_capture_release(&c);
    return r;
}

static void *
work(void *arg)
{
    struct worker *w = arg;
    size_t i, round;
    char *got;

    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < NPAGES; i++) {
            got = parse_page(&w->pt[i]);
            if (got == NULL || strcmp(got, w->pt[i].expect) != 0)
                w->mismatches++;
            if (arena_used() != 0)
                w->windows_left_open++;
            free(got);
        }
    }
    return NULL;
}

static void
pages_parse_alike_on_threads(void)
{
    struct page_text pt[NPAGES];
    struct worker w[THREADS];
    pthread_t tid[THREADS];
    char path[256];
    size_t i, started = 0;
    int ok = 1;

    arena_install();
    memset(pt, 0, sizeof(pt));
    memset(w, 0, sizeof(w));
    for (i = 0; i < NPAGES && ok; i++) {
        snprintf(path, sizeof(path), "tests/fixtures/html/%s", pages[i]);
        pt[i].bytes = test_read(path, &pt[i].len);
        ok = pt[i].bytes != NULL && (pt[i].expect = parse_page(&pt[i])) != NULL;
    }
    while (ok && started < THREADS) {
        w[started].pt = pt;
        if ((ok = pthread_create(&tid[started], NULL, work, &w[started]) == 0))
            started++;
    }
    for (i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    for (i = 0; i < NPAGES; i++) {
        free(pt[i].bytes);
        free(pt[i].expect);
    }
    CHECK(ok);
    for (i = 0; i < THREADS; i++) {
        CHECK_INT_EQ(w[i].mismatches, 0);
        CHECK_INT_EQ(w[i].windows_left_open, 0);
    }
}

const struct test tests_arena[] = {
    { "outside_a_window_is_malloc", outside_a_window_is_malloc },
    { "window_bumps_grows_and_resets", window_bumps_grows_and_resets },
    { "oversized_blocks_come_from_malloc", oversized_blocks_come_from_malloc },
    { "a_full_slice_falls_back_to_malloc", a_full_slice_falls_back_to_malloc },
    { "pages_parse_alike_on_threads", pages_parse_alike_on_threads },
    { 0 },
};
