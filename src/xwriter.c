/*
 * xwriter: libxml2's xmlTextWriter writing straight into a struct buf
 * (through an output callback, so there is no second copy of a document),
 * with every untrusted string reduced to XML 1.0 characters on the way in.
 *
 * Text that is already clean, which is nearly all of it (the store keeps
 * XML-safe text), goes to the writer as it is; only text with something to
 * drop is copied through utf8_append_xml into a scratch buffer.  libxml2
 * does the escaping.  Nothing is ever written as CDATA.
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
    struct buf *dest; /* fragments: where the slice goes; else NULL */
    size_t mark;      /* fragments: where the fragment starts in out */
    int indent;
    int failed;
};

#define XNAME(s) ((const xmlChar *)(s))

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
    if (indent) {
        xmlTextWriterSetIndent(w->tw, 1);
        xmlTextWriterSetIndentString(w->tw, XNAME("  "));
    }
    return w;
}

/* A fragment is written inside depth dummy elements, so that libxml2
 * indents it as it will stand in the document, into a private buffer; the
 * slice after the dummies' start tags is the fragment. */
struct xwriter *
xwriter_new_fragment(struct buf *out, int depth)
{
    struct buf *tmp = xmalloc(sizeof(*tmp));
    struct xwriter *w;
    int i;

    buf_init(tmp, 0);
    w = xwriter_new(tmp, 1);
    w->dest = out;
    for (i = 0; i < depth; i++)
        xwriter_start(w, "x");
    xwriter_flush(w);
    w->mark = tmp->len;
    return w;
}

/* fragment_done: copies the fragment to its destination: what follows
 * the mark, less the '>' and newline that close the last dummy tag. */
static void
fragment_done(struct xwriter *w)
{
    const char *p, *end;

    xwriter_flush(w);
    p = w->out->data + w->mark;
    end = w->out->data + w->out->len;
    while (p < end && (*p == '>' || *p == '\n'))
        p++;
    if (!w->failed)
        buf_append(w->dest, p, (size_t)(end - p));
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
    if (w->dest != NULL)
        fragment_done(w);
    if (!w->failed && w->tw != NULL) {
        check(w, xmlTextWriterEndDocument(w->tw));
        check(w, xmlTextWriterFlush(w->tw));
    }
    if (w->tw != NULL)
        xmlFreeTextWriter(w->tw);
    if (w->dest != NULL) {
        buf_release(w->out);
        free(w->out);
        w->out = w->dest;
    }
    if (buf_failed(w->out))
        rc = err_set(err, ERR_LIMIT, "document is larger than %zu bytes",
                     w->out->max);
    else if (w->failed)
        rc = err_set(err, ERR_PARSE, "xml writer failed");
    buf_release(&w->scratch);
    free(w);
    return rc;
}

/* clean: s itself when it is all XML characters, else a filtered copy in
 * the scratch buffer (valid until the next call). */
static const xmlChar *
clean(struct xwriter *w, const char *s)
{
    size_t n = strlen(s);

    if (utf8_xml_span(s, n) == n)
        return XNAME(s);
    buf_reset(&w->scratch);
    utf8_append_xml(&w->scratch, s, n);
    return XNAME(w->scratch.data);
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
    const xmlChar *c;

    if (w->failed)
        return -1;
    c = clean(w, content);
    assert(strstr((const char *)c, "?>") == NULL);
    if (check(w, xmlTextWriterWritePI(w->tw, XNAME(target), c)) < 0)
        return -1;
    /* an indenting writer ends the line itself */
    return w->indent ? 0 : xwriter_raw(w, "\n", 1);
}

int
xwriter_start(struct xwriter *w, const char *name)
{
    if (w->failed)
        return -1;
    return check(w, xmlTextWriterStartElement(w->tw, XNAME(name)));
}

int
xwriter_end(struct xwriter *w)
{
    if (w->failed)
        return -1;
    return check(w, xmlTextWriterEndElement(w->tw));
}

/* escape_attr: the attribute form of clean text.  libxml2's own
 * attribute escaping writes every non-ASCII character as a character
 * reference when the writer has no document (ours streams), which turns
 * a CJK name into a wall of &#x...; so values are escaped here: the
 * markup characters, and the white space that attribute normalisation
 * would otherwise turn into spaces. */
static void
escape_attr(struct buf *out, const char *s)
{
    const char *run = s, *rep;

    for (; *s != '\0'; s++) {
        switch (*s) {
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
        case '\n':
            rep = "&#10;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        case '\t':
            rep = "&#9;";
            break;
        default:
            continue;
        }
        buf_append(out, run, (size_t)(s - run));
        buf_puts(out, rep);
        run = s + 1;
    }
    buf_append(out, run, (size_t)(s - run));
}

int
xwriter_attr(struct xwriter *w, const char *name, const char *value)
{
    struct buf esc = BUF_INIT;
    int rc;

    if (w->failed)
        return -1;
    if (value == NULL)
        return 0;
    escape_attr(&esc, (const char *)clean(w, value));
    rc = check(w, xmlTextWriterStartAttribute(w->tw, XNAME(name)));
    if (rc == 0)
        rc = xwriter_raw(w, esc.data, esc.len);
    if (rc == 0)
        rc = check(w, xmlTextWriterEndAttribute(w->tw));
    buf_release(&esc);
    return rc;
}

int
xwriter_text(struct xwriter *w, const char *s)
{
    if (w->failed)
        return -1;
    if (s == NULL)
        return 0;
    return check(w, xmlTextWriterWriteString(w->tw, clean(w, s)));
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

int
xwriter_raw(struct xwriter *w, const char *s, size_t n)
{
    if (w->failed)
        return -1;
    if (n == 0)
        return 0;
    assert(n <= INT32_MAX);
    return check(w, xmlTextWriterWriteRawLen(w->tw, XNAME(s), (int)n));
}

int
xwriter_end_after_raw(struct xwriter *w, int depth)
{
    int i;

    for (i = 0; i < depth; i++)
        xwriter_raw(w, "  ", 2);
    return xwriter_end(w);
}

int
xwriter_flush(struct xwriter *w)
{
    if (w->failed)
        return -1;
    return check(w, xmlTextWriterFlush(w->tw));
}
