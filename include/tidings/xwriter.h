#ifndef TIDINGS_XWRITER_H
#define TIDINGS_XWRITER_H

/*
 * xwriter: the one way tidings writes XML (libxml2's xmlTextWriter behind
 * an opaque handle, so no libxml2 type leaves src/xwriter.c).
 *
 * Every string that reaches the writer through xwriter_text, _attr and
 * _element is first reduced to XML 1.0 characters and escaped: libxml2's
 * own text escaping passes control characters and U+FFFE through, and its
 * CDATA writer copies "]]>" raw, so nothing here writes CDATA at all.
 * Text of any bytes therefore always gives a well-formed document.
 * xwriter_raw is for trusted constants only, never for text from
 * outside.
 *
 * Output goes to a caller-owned struct buf as it is produced.  Failure is
 * sticky, as in struct buf: calls after a failure do nothing, and
 * xwriter_finish reports it once.
 */

#include <stddef.h>

struct buf;
struct err;
struct xwriter;

/* xwriter_new: a writer appending to out, indenting nested elements by
 * two spaces when indent is set.  out must outlive the writer. */
struct xwriter *xwriter_new(struct buf *out, int indent);

/* xwriter_set_trusted: with on, the strings that follow (text and
 * attribute values) are known to hold only XML 1.0 characters (the caller
 * checked them with utf8_xml_span) and are only escaped, not filtered:
 * the check is then done once for a text that goes into several
 * documents. */
void xwriter_set_trusted(struct xwriter *w, int on);

/* xwriter_finish: closes every open element, flushes into out and frees
 * the writer (NULL is fine).  Returns 0, or -1 with ERR_LIMIT when out hit
 * its cap, ERR_PARSE for a writer error (a bug); out is then incomplete. */
int xwriter_finish(struct xwriter *w, struct err *err);

/* xwriter_declaration: <?xml version="1.0" encoding="utf-8"?> and a
 * newline.  Only as the first call. */
int xwriter_declaration(struct xwriter *w);
/* xwriter_pi: a processing instruction <?target content?>; content is
 * filtered like text and must not contain "?>" (asserted: callers pass
 * their own constants and URLs). */
int xwriter_pi(struct xwriter *w, const char *target, const char *content);

/* xwriter_start / xwriter_end: an element; name is a trusted constant
 * ("item", "atom:link"). */
int xwriter_start(struct xwriter *w, const char *name);
int xwriter_end(struct xwriter *w);

/* xwriter_attr: an attribute of the element just started; value is
 * filtered and escaped.  A NULL value writes nothing. */
int xwriter_attr(struct xwriter *w, const char *name, const char *value);

/* xwriter_text: element content, filtered and escaped.  NULL writes
 * nothing. */
int xwriter_text(struct xwriter *w, const char *s);

/* xwriter_element: <name>text</name>; nothing at all when text is NULL. */
int xwriter_element(struct xwriter *w, const char *name, const char *text);

/* xwriter_raw: n bytes written as they are (trusted constants such as
 * the declaration).  Only where a whole element could stand: first, or
 * after a child element ended; never right after xwriter_start or inside
 * text. */
int xwriter_raw(struct xwriter *w, const char *s, size_t n);

/* xwriter_flush: pushes what is buffered into out, so that out->len is
 * the length written so far.  Between two child elements, the caller may
 * then cut out back to a length it saw after an earlier flush there (to
 * take back an element that passed a budget): the writer holds no state
 * about the bytes it has passed on. */
int xwriter_flush(struct xwriter *w);

#endif
