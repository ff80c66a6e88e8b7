/*
 * html: escaping for element content and attribute values.  Kept runs of
 * ordinary characters are appended in one piece.
 */
#include "tidings/html.h"

#include <stdint.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/utf8.h"

/* append_run: a run of text between escapes, filtered unless clean. */
static void
append_run(struct buf *b, const char *s, size_t n, int clean)
{
    if (clean)
        buf_append(b, s, n);
    else
        utf8_append_xml(b, s, n);
}

/* special_from: the index from i of the first byte that may need an
 * escape, or n.  Every such byte is below '?' and every non-ASCII byte
 * above, so eight bytes with none below '?' are passed over with one test
 * (the has-a-byte-below-n word trick). */
static size_t
special_from(const char *s, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t w;

    for (; n - i >= 8; i += 8) {
        memcpy(&w, s + i, sizeof(w));
        if (((w - ones * '?') & ~w & ones * 0x80) != 0)
            break;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] <= '>')
            return i;
    return n;
}

static int
escape(struct buf *b, const char *s, size_t n, int clean)
{
    size_t i, start = 0;
    const char *rep;

    for (i = 0; (i = special_from(s, i, n)) < n; i++) {
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            continue;
        }
        append_run(b, s + start, i - start, clean);
        buf_puts(b, rep);
        start = i + 1;
    }
    append_run(b, s + start, n - start, clean);
    return buf_failed(b) ? -1 : 0;
}

int
html_append_text(struct buf *b, const char *s, size_t n)
{
    return escape(b, s, n, 0);
}

int
html_append_escaped(struct buf *b, const char *s, size_t n)
{
    return escape(b, s, n, 1);
}

static int
element(struct buf *b, const char *tag, const char *s, size_t n, int clean)
{
    buf_putc(b, '<');
    buf_puts(b, tag);
    buf_putc(b, '>');
    escape(b, s, n, clean);
    buf_puts(b, "</");
    buf_puts(b, tag);
    return buf_putc(b, '>');
}

int
html_append_element(struct buf *b, const char *tag, const char *s, size_t n)
{
    return element(b, tag, s, n, 0);
}

int
html_append_clean_element(struct buf *b, const char *tag, const char *s,
                          size_t n)
{
    return element(b, tag, s, n, 1);
}
