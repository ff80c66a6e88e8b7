#ifndef TIDINGS_IMPORT_TEXT_H
#define TIDINGS_IMPORT_TEXT_H

/*
 * import_text: the page-text importer (SPEC 1.1): a news page saved as
 * text.  Breadcrumb, title, byline, optional date line, paragraphs and
 * section headings, footer dropped; an optional front-matter block (see
 * frontmatter.h) wins over what is read from the page.
 *
 * The body becomes <p> and <h2> elements with escaped text; the summary is
 * the start of the first paragraph.  An article without a date is emitted
 * with published == 0 and import.c applies --date or the file's mtime.
 */

#include <stddef.h>

struct err;
struct import_opts;
struct import_sink;

/* import_text_parse: reads the UTF-8 text s (n bytes, no BOM, any line
 * endings) and emits one article to sink.  Returns 0, -1 with ERR_PARSE
 * (and a line number) when the text is not an article page, or whatever
 * the sink returned. */
int import_text_parse(const char *s, size_t n, const struct import_opts *opts,
                      const struct import_sink *sink, struct err *err);

#endif
