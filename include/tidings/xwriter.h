#ifndef TIDINGS_XWRITER_H
#define TIDINGS_XWRITER_H

/*
 * xwriter: the one way tidings writes XML (libxml2's xmlTextWriter behind
 * an opaque handle, so no libxml2 type leaves src/xwriter.c).
 *
 * Every string that reaches the writer through xwriter_text, _attr and
 * _element is first reduced to XML 1.0 characters: libxml2 escapes <, &
 * and > but passes control characters and U+FFFE through, and its CDATA
 * writer copies "]]>" raw, so nothing here writes CDATA at all.  Text of
 * any bytes therefore always gives a well-formed document.  xwriter_raw is
 * for fragments that an xwriter wrote earlier (feed items rendered once and
 * placed in several documents), never for text from outside.
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

/* xwriter_new_fragment: a writer for a fragment that will be placed raw
 * into documents at nesting depth (>= 1) by xwriter_raw: it is indented
 * as if written there.  xwriter_finish appends the fragment (its elements
 * only, each line indented, ending in a newline) to out. */
struct xwriter *xwriter_new_fragment(struct buf *out, int depth);

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

/* xwriter_raw: n bytes written as they are, for fragments produced by an
 * xwriter (trusted: they are already well-formed). */
int xwriter_raw(struct xwriter *w, const char *s, size_t n);
/* xwriter_end_after_raw: ends the element that raw fragments were written
 * into, indented as the writer would have (it does not indent after raw
 * text by itself). */
int xwriter_end_after_raw(struct xwriter *w, int depth);

/* xwriter_flush: pushes what is buffered into out, so that out->len is
 * the length written so far. */
int xwriter_flush(struct xwriter *w);

#endif
