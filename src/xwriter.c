/*
 * xwriter: libxml2's xmlTextWriter writing straight into a struct buf
 * (through an output callback, so there is no second copy of a document),
 * with every untrusted string reduced to XML 1.0 characters on the way in.
 *
 * The writer does the structure: start and end tags, nesting, attribute
 * framing, processing instructions.  Indentation is done here, exactly as
 * libxml2's writer does it with indentation on (two spaces a level, a line
 * per element, text elements on one line), but as one write of the line
 * break and the spaces together: libxml2 writes the indentation a level
 * at a time, each a call through its output buffer, and that was a sixth
 * of rendering a feed.  Text and
 * attribute values are filtered and escaped here, in one pass, and handed
 * to the writer as raw content, because libxml2's own escaping is not
 * enough and costs a second pass: xmlTextWriterWriteString passes control
 * characters and U+FFFE through (FIELD-NOTES), and its attribute escaping
 * writes every non-ASCII character as a character reference when, as
 * here, the writer has no document (a CJK name becomes a wall of
 * &#x...;).  Escaping follows libxml2's: &, <, > and CR in text; also "
 * and tab and LF in attribute values, which attribute normalisation would
 * otherwise turn into spaces.  Nothing is ever written as CDATA.
 */
#include "tidings/xwriter.h"

#include <assert.h>
#include <libxml/xmlwriter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

struct xwriter {
    xmlTextWriterPtr tw;
    struct buf *out;
    struct buf scratch;
    int trusted; /* strings are known to be XML-clean: escape only */
    int indent;
    int failed;
    /* indentation, as libxml2 would write it: */
    size_t depth;   /* elements open */
    int tag_open;   /* the innermost one has no content yet */
    int doindent;   /* its end tag goes on a line of its own */
    int pending_nl; /* an element ended: a line break is owed */
};

#define XNAME(s) ((const xmlChar *)(s))

/* What a byte is to escape(): plain, escaped in text (and in attribute
 * values), escaped in attribute values only, dropped (C0 controls XML
 * forbids), the end of the string, or the start of a multibyte
 * sequence. */
enum byte_class { PLAIN, ESC_TEXT, ESC_ATTR, DROP, END, MULTI };

static inline enum byte_class
classify(unsigned char c)
{
    if (c >= 0x80)
        return MULTI;
    if (c >= 0x20) {
        if (c == '&' || c == '<' || c == '>')
            return ESC_TEXT;
        return c == '"' ? ESC_ATTR : PLAIN;
    }
    if (c == '\t' || c == '\n')
        return ESC_ATTR;
    if (c == '\r')
        return ESC_TEXT;
    return c == 0 ? END : DROP;
}

/* put_entity: the entity for markup character c, appended with its
 * length known (escaping a body appends one for every tag it holds). */
static void
put_entity(struct buf *out, unsigned char c)
{
    switch (c) {
    case '&':
        buf_append(out, "&amp;", 5);
        break;
    case '<':
        buf_append(out, "&lt;", 4);
        break;
    case '>':
        buf_append(out, "&gt;", 4);
        break;
    case '"':
        buf_append(out, "&quot;", 6);
        break;
    case '\r':
        buf_append(out, "&#13;", 5);
        break;
    case '\t':
        buf_append(out, "&#9;", 4);
        break;
    default:
        buf_append(out, "&#10;", 5);
        break;
    }
}

/* escape: appends the NUL-terminated s filtered to XML 1.0 characters
 * (invalid UTF-8 and forbidden characters dropped, as utf8_append_xml
 * does) and escaped for text, or for a double-quoted attribute value when
 * attr, in one pass; runs of plain characters are appended whole. */
static void
escape(struct buf *out, const char *s, int attr)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0, len;
    uint32_t cp;

    for (;;) {
        enum byte_class k;

        /* the two common cases first: Chinese (three bytes, lead byte
         * E1-EC or EE, which need no further range check) and ASCII */
        if ((u[i] & 0xF0) == 0xE0 && u[i] != 0xE0 && u[i] != 0xED &&
            u[i] != 0xEF && (u[i + 1] & 0xC0) == 0x80 &&
            (u[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        k = classify(u[i]);
        if (k == PLAIN || (k == ESC_ATTR && !attr)) {
            i++;
            continue;
        }
        if (k == MULTI && (len = utf8_xml_multi(u + i, 4)) > 0) {
            i += len;
            continue;
        }
        buf_append(out, s + run, i - run);
        if (k == END)
            return;
        if (k == ESC_TEXT || k == ESC_ATTR)
            put_entity(out, u[i++]);
        else if (k == DROP)
            i++;
        else /* a character XML forbids, or an invalid byte */
            i += utf8_decode(s + i, strnlen(s + i, 4), &cp);
        run = i;
    }
}

/* escape_trusted: escape() for text known to be XML-clean: only the
 * markup characters are looked for (strcspn scans fast). */
static void
escape_trusted(struct buf *out, const char *s, int attr)
{
    const char *set = attr ? "&<>\"\r\t\n" : "&<>\r";
    size_t k;

    for (;;) {
        k = strcspn(s, set);
        buf_append(out, s, k);
        if (s[k] == '\0')
            return;
        put_entity(out, (unsigned char)s[k]);
        s += k + 1;
    }
}

/* sink: the output callback.  A full buffer fails (stickily) without
 * telling libxml2, which would print an I/O error of its own; the writer
 * reports ERR_LIMIT at the end. */
static int
sink(void *ctx, const char *p, int len)
{
    struct xwriter *w = ctx;

    if (buf_append(w->out, p, (size_t)len) < 0)
        w->failed = 1;
    return len;
}

struct xwriter *
xwriter_new(struct buf *out, int indent)
{
    struct xwriter *w = xcalloc(1, sizeof(*w));
    xmlOutputBufferPtr ob;

    w->out = out;
    buf_init(&w->scratch, 0);
    ob = xmlOutputBufferCreateIO(sink, NULL, w, NULL);
    if (ob == NULL || (w->tw = xmlNewTextWriter(ob)) == NULL) {
        /* libxml2 could not allocate: xwriter_finish reports it */
        xmlOutputBufferClose(ob);
        w->tw = NULL;
        w->failed = 1;
        return w;
    }
    w->indent = indent;
    return w;
}

void
xwriter_set_trusted(struct xwriter *w, int on)
{
    w->trusted = on;
}

/* check: records a writer failure (a negative return). */
static int
check(struct xwriter *w, int rc)
{
    if (rc < 0)
        w->failed = 1;
    return rc < 0 ? -1 : 0;
}

int
xwriter_finish(struct xwriter *w, struct err *err)
{
    int rc = 0;

    if (w == NULL)
        return 0;
    while (w->depth > 0 && xwriter_end(w) == 0) /* indented as any end */
        ;
    if (!w->failed && w->tw != NULL) {
        check(w, xmlTextWriterEndDocument(w->tw));
        check(w, xmlTextWriterFlush(w->tw));
    }
    if (w->tw != NULL)
        xmlFreeTextWriter(w->tw); /* flushed: it writes nothing more */
    if (buf_failed(w->out))
        rc = err_set(err, ERR_LIMIT, "document is larger than %zu bytes",
                     w->out->max);
    else if (w->failed)
        rc = err_set(err, ERR_PARSE, "xml writer failed");
    buf_release(&w->scratch);
    free(w);
    return rc;
}

/* SHORT: strings up to this long are escaped into the scratch buffer and
 * handed to the writer, which buffers them with the tags around them;
 * longer ones (bodies) are escaped straight into out after a flush, so
 * that they are not copied twice.  Flushing for every title and date
 * cost more than the copy. */
#define SHORT 256

/* layout: a line break (when nl) and the indentation of level, in one
 * write through the writer, which first closes a start tag still open. */
static int
layout(struct xwriter *w, int nl, size_t level)
{
    static const char spaces[] = "\n                                "
                                 "                                ";
    size_t n = 2 * level;

    if (!nl && n == 0)
        return 0;
    if (check(w, xmlTextWriterWriteRawLen(w->tw, XNAME(spaces + !nl),
                                          (int)(nl + (n < 64 ? n : 64)))) < 0)
        return -1;
    for (n = n < 64 ? 0 : n - 64; n > 0; n -= n < 64 ? n : 64)
        if (check(w, xmlTextWriterWriteRawLen(w->tw, XNAME(spaces + 1),
                                              (int)(n < 64 ? n : 64))) < 0)
            return -1;
    return 0;
}

/* content: text is about to be written into the element (not an
 * attribute value): the line break owed after a child's end tag comes
 * first, and the end tag will follow the text on its line (libxml2's
 * doindent). */
static int
content(struct xwriter *w, int attr)
{
    if (!w->indent || attr)
        return 0;
    w->doindent = 0;
    w->tag_open = 0;
    if (w->pending_nl) {
        w->pending_nl = 0;
        return layout(w, 1, 0);
    }
    return 0;
}

/* write_escaped: s as text or as the value of the open attribute. */
static int
write_escaped(struct xwriter *w, const char *s, int attr)
{
    struct buf *to = w->out;

    if (content(w, attr) < 0)
        return -1;
    if (strnlen(s, SHORT) < SHORT) {
        buf_reset(&w->scratch);
        to = &w->scratch;
    } else if (check(w, xmlTextWriterWriteRawLen(w->tw, XNAME(""), 0)) < 0 ||
               xwriter_flush(w) < 0) {
        /* raw content of no length: the writer closes a pending start
         * tag and knows the element has content */
        return -1;
    }
    if (w->trusted)
        escape_trusted(to, s, attr);
    else
        escape(to, s, attr);
    if (to == &w->scratch)
        return check(
            w, xmlTextWriterWriteRawLen(w->tw, XNAME(to->data), (int)to->len));
    if (buf_failed(to))
        w->failed = 1;
    return w->failed ? -1 : 0;
}

int
xwriter_declaration(struct xwriter *w)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

    return xwriter_raw(w, decl, sizeof(decl) - 1);
}

int
xwriter_pi(struct xwriter *w, const char *target, const char *content)
{
    if (w->failed)
        return -1;
    buf_reset(&w->scratch);
    utf8_append_xml(&w->scratch, content, strlen(content));
    assert(strstr(w->scratch.data, "?>") == NULL);
    if (check(w, xmlTextWriterWritePI(w->tw, XNAME(target),
                                      XNAME(w->scratch.data))) < 0)
        return -1;
    return xwriter_raw(w, "\n", 1);
}

/* xwriter_start: as libxml2 indents, a start tag begins a line of its
 * own, indented by its depth: after the line break owed by a sibling's
 * end, or after the parent's start tag is closed. */
int
xwriter_start(struct xwriter *w, const char *name)
{
    if (w->failed)
        return -1;
    if (w->indent &&
        layout(w, w->pending_nl || (w->depth > 0 && w->tag_open), w->depth) < 0)
        return -1;
    w->pending_nl = 0;
    w->depth++;
    w->tag_open = 1;
    return check(w, xmlTextWriterStartElement(w->tw, XNAME(name)));
}

/* xwriter_end: an element with children ends on a line of its own; one
 * that held text, after it; an empty one is closed with "/>".  A line
 * break is owed after each. */
int
xwriter_end(struct xwriter *w)
{
    if (w->failed)
        return -1;
    if (w->indent && !w->tag_open &&
        layout(w, w->pending_nl, w->doindent ? w->depth - 1 : 0) < 0)
        return -1;
    if (check(w, xmlTextWriterEndElement(w->tw)) < 0)
        return -1;
    w->depth--;
    w->tag_open = 0;
    w->doindent = 1;
    w->pending_nl = w->indent && w->depth > 0;
    return 0;
}

int
xwriter_attr(struct xwriter *w, const char *name, const char *value)
{
    if (w->failed)
        return -1;
    if (value == NULL)
        return 0;
    if (check(w, xmlTextWriterStartAttribute(w->tw, XNAME(name))) < 0 ||
        write_escaped(w, value, 1) < 0)
        return -1;
    return check(w, xmlTextWriterEndAttribute(w->tw));
}

int
xwriter_text(struct xwriter *w, const char *s)
{
    if (w->failed)
        return -1;
    if (s == NULL)
        return 0;
    return write_escaped(w, s, 0);
}

int
xwriter_element(struct xwriter *w, const char *name, const char *text)
{
    if (text == NULL)
        return w->failed ? -1 : 0;
    xwriter_start(w, name);
    xwriter_text(w, text);
    return xwriter_end(w);
}

/* xwriter_raw: the writer is flushed and the bytes go to out directly:
 * the writer would only copy them through its own buffer, and it keeps
 * no state about bytes it has passed on. */
int
xwriter_raw(struct xwriter *w, const char *s, size_t n)
{
    if (xwriter_flush(w) < 0)
        return -1;
    if (buf_append(w->out, s, n) < 0)
        w->failed = 1;
    return w->failed ? -1 : 0;
}

int
xwriter_flush(struct xwriter *w)
{
    if (w->failed)
        return -1;
    return check(w, xmlTextWriterFlush(w->tw));
}
