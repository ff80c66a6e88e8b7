#ifndef TIDINGS_HTML_H
#define TIDINGS_HTML_H

/*
 * html: the small pieces of HTML writing that importers and renderers
 * share.  Text is escaped so that it can stand in element content and in
 * double-quoted attribute values.
 */

#include <stddef.h>

struct buf;

/* html_append_text: appends s with &, <, > and " escaped; characters that
 * XML 1.0 forbids (and invalid UTF-8) are dropped, so the result is also
 * valid XHTML.  Returns buf_append's result. */
int html_append_text(struct buf *b, const char *s, size_t n);

/* html_append_escaped: as html_append_text for text already known to be
 * valid UTF-8 holding only characters XML 1.0 allows: it only escapes,
 * in runs, without decoding characters. */
int html_append_escaped(struct buf *b, const char *s, size_t n);

/* html_append_element: appends <tag>escaped text</tag>. */
int html_append_element(struct buf *b, const char *tag, const char *s,
                        size_t n);
/* html_append_clean_element: the same for text already known to be valid
 * UTF-8 of XML characters only, as utf8_append_clean leaves it: it is
 * escaped but not filtered again (one pass over the text instead of two).
 * Given other text, the result need not be valid XHTML. */
int html_append_clean_element(struct buf *b, const char *tag, const char *s,
                              size_t n);

#endif
