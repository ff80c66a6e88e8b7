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
html_append_escaped(struct buf *b, const char *s, size_t n)
{
    size_t i, start = 0;
    const char *rep;

    for (i = 0; i < n; i++) {
        /* one test for the common byte: none of the four is above '>' */
        if ((unsigned char)s[i] > '>')
            continue;
        rep = s[i] == '&'   ? "&amp;"
              : s[i] == '<' ? "&lt;"
              : s[i] == '>' ? "&gt;"
              : s[i] == '"' ? "&quot;"
                            : NULL;
        if (rep == NULL)
            continue;
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    return buf_append(b, s + start, n - start);
}

int
html_append_element(struct buf *b, const char *tag, const char *s, size_t n)
{
    buf_appendf(b, "<%s>", tag);
    html_append_text(b, s, n);
    return buf_appendf(b, "</%s>", tag);
}
