/*
 * The fast paths of utf8 and html (inline decoding, runs of CJK kept
 * without decoding, bytes above '>' skipped, clean text not filtered
 * twice) must give exactly what the plain per-character rules give.  The
 * plain rules are written out here again on top of utf8_decode, and both
 * are run over many strings made of fragments chosen to sit on every edge:
 * the lead bytes around E4-EC and EE, overlongs, surrogates, U+FFFE, every
 * kind of white space, truncated and stray bytes, markup characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tidings/buf.h"
#include "tidings/html.h"
#include "tidings/utf8.h"

static const char *const fragments[] = {
    "a",
    " ",
    "\t",
    "\n",
    "\r",
    "\x01",
    "\x7F",
    "&",
    "<",
    ">",
    "\"",
    "\xE4\xB8\xAD",     /* 中 */
    "\xE9\xBE\xA5",     /* U+9FA5 */
    "\xEF\xBC\x8C",     /* ， */
    "\xE3\x80\x82",     /* 。 */
    "\xE3\x80\x80",     /* U+3000, white space */
    "\xE2\x80\x83",     /* em space */
    "\xE2\x80\x9C",     /* “ */
    "\xE2\x81\x9F",     /* U+205F, white space */
    "\xE1\x9A\x80",     /* U+1680, white space */
    "\xEF\xBB\xBF",     /* U+FEFF */
    "\xEF\xBF\xBE",     /* U+FFFE, not XML */
    "\xEF\xBF\xBD",     /* a real U+FFFD */
    "\xE0\xA0\x80",     /* U+0800 */
    "\xE0\x80\x80",     /* overlong */
    "\xED\x9F\xBF",     /* U+D7FF */
    "\xED\xA0\x80",     /* surrogate */
    "\xEE\x80\x80",     /* U+E000 */
    "\xEC\xBF\xBF",     /* U+CFFF */
    "\xE4\x80\x80",     /* U+4000 */
    "\xE3\xBF\xBF",     /* U+3FFF */
    "\xC2\xA0",         /* no-break space */
    "\xC2\x85",         /* NEL */
    "\xDF\xBF",         /* U+07FF */
    "\xF0\x9F\x98\x80", /* U+1F600 */
    "\xF4\x90\x80\x80", /* past U+10FFFF */
    "\x80",
    "\xBF",
    "\xFF",
    "\xE4",
    "\xE4\xB8",
    "\xE4\x41\x80",
    "\xE4\x80\xC0",
};

#define NFRAG (sizeof(fragments) / sizeof(fragments[0]))

/* The rules, one decoded character at a time. */
static size_t
plain_check(const char *s, size_t n)
{
    size_t i = 0, len;
    uint32_t cp;

    while (i < n) {
        len = utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && len == 1)
            return i;
        i += len;
    }
    return n;
}

static void
plain_filter(struct buf *b, const char *s, size_t n, int collapse)
{
    size_t i = 0, len;
    int pending = 0, any = 0;
    uint32_t cp;

    while (i < n) {
        len = utf8_decode(s + i, n - i, &cp);
        if (collapse && utf8_is_space(cp)) {
            pending = any;
        } else if (!(cp == 0xFFFD && len == 1) && utf8_is_xml_char(cp)) {
            if (pending)
                buf_putc(b, ' ');
            buf_append(b, s + i, len);
            pending = 0;
            any = 1;
        }
        i += len;
    }
}

static void
plain_html(struct buf *b, const char *s, size_t n)
{
    size_t i, start = 0;

    for (i = 0; i < n; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                          : s[i] == '"' ? "&quot;"
                                        : NULL;

        if (rep == NULL)
            continue;
        plain_filter(b, s + start, i - start, 0);
        buf_puts(b, rep);
        start = i + 1;
    }
    plain_filter(b, s + start, n - start, 0);
}

static uint32_t
next_rand(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* clean_element_matches: on text utf8_append_clean made, the element
 * that skips the filter is the one that runs it. */
static int
clean_element_matches(const char *s, size_t n)
{
    struct buf clean = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
    int same;

    utf8_append_clean(&clean, s, n);
    html_append_element(&a, "p", clean.data, clean.len);
    html_append_clean_element(&b, "p", clean.data, clean.len);
    same = strcmp(a.data, b.data) == 0;
    buf_release(&clean);
    buf_release(&a);
    buf_release(&b);
    return same;
}

/* xml_checks_match: utf8_xml_span and utf8_is_xml_str (on a terminated
 * copy) say "clean" exactly when the plain XML filter changes nothing. */
static int
xml_checks_match(const char *s, size_t n, const struct buf *plain)
{
    struct buf z = BUF_INIT;
    int clean = plain->len == n && memcmp(plain->data, s, n) == 0, same;

    buf_append(&z, s, n);
    same = (utf8_xml_span(s, n) == n) == clean &&
           (memchr(s, '\0', n) != NULL || utf8_is_xml_str(z.data) == clean);
    buf_release(&z);
    return same;
}

/* compare: one string through every path; 0 when all agree. */
static int
compare(const char *s, size_t n)
{
    struct buf fast = BUF_INIT, plain = BUF_INIT;
    int collapse, same = utf8_check(s, n) == plain_check(s, n);

    for (collapse = 0; collapse <= 1 && same; collapse++) {
        buf_reset(&fast);
        buf_reset(&plain);
        if (collapse)
            utf8_append_clean(&fast, s, n);
        else
            utf8_append_xml(&fast, s, n);
        plain_filter(&plain, s, n, collapse);
        same = fast.len == plain.len &&
               memcmp(fast.data, plain.data, fast.len) == 0;
        /* the XML checks see what the XML filter would change */
        if (!collapse)
            same = same && xml_checks_match(s, n, &plain);
    }
    buf_reset(&fast);
    buf_reset(&plain);
    html_append_text(&fast, s, n);
    plain_html(&plain, s, n);
    same = same && strcmp(fast.data, plain.data) == 0;
    same = same && clean_element_matches(s, n);
    buf_release(&fast);
    buf_release(&plain);
    return same ? 0 : -1;
}

static void
fast_paths_match_the_rules(void)
{
    struct buf s = BUF_INIT;
    uint32_t state = 2013;
    int round, k, parts;

    for (round = 0; round < 20000; round++) {
        buf_reset(&s);
        /* some long enough for the eight-byte steps */
        parts = (int)(next_rand(&state) % (round % 8 == 0 ? 80 : 12));
        for (k = 0; k < parts; k++)
            buf_puts(&s, fragments[next_rand(&state) % NFRAG]);
        CHECK_MSG(compare(s.data, s.len) == 0, "round %d: %zu bytes", round,
                  s.len);
    }
    buf_release(&s);
}

static void
fragments_alone_match_the_rules(void)
{
    size_t i, j;
    char pair[16];

    for (i = 0; i < NFRAG; i++) {
        for (j = 0; j < NFRAG; j++) {
            size_t a = strlen(fragments[i]), b = strlen(fragments[j]);

            memcpy(pair, fragments[i], a);
            memcpy(pair + a, fragments[j], b);
            CHECK_MSG(compare(pair, a) == 0, "fragment %zu", i);
            CHECK_MSG(compare(pair, a + b) == 0, "fragments %zu, %zu", i, j);
        }
    }
}

const struct test tests_text_paths[] = {
    { "fast_paths_match_the_rules", fast_paths_match_the_rules },
    { "fragments_alone_match_the_rules", fragments_alone_match_the_rules },
    { NULL, NULL },
};
