/*
 * html: escaping for element content and attribute values.  Kept runs of
 * ordinary characters are appended in one piece.
 */
#include "tidings/html.h"

#include "tidings/buf.h"
#include "tidings/utf8.h"

int
html_append_text(struct buf *b, const char *s, size_t n)
{
    size_t i, start = 0;
    const char *rep;

    for (i = 0; i < n; i++) {
        /* every byte to escape is below '?', every non-ASCII byte above */
        if ((unsigned char)s[i] > '>')
            continue;
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
        utf8_append_xml(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    utf8_append_xml(b, s + start, n - start);
    return buf_failed(b) ? -1 : 0;
}

int
html_append_element(struct buf *b, const char *tag, const char *s, size_t n)
{
    buf_putc(b, '<');
    buf_puts(b, tag);
    buf_putc(b, '>');
    html_append_text(b, s, n);
    buf_puts(b, "</");
    buf_puts(b, tag);
    return buf_putc(b, '>');
}
