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
#include <stdint.h>

struct err;
struct import_opts;
struct import_sink;

/* import_text_parse: reads the UTF-8 text s (n bytes, no BOM, any line
 * endings) and emits one article to sink.  Returns 0, -1 with ERR_PARSE
 * (and a line number) when the text is not an article page, or whatever
 * the sink returned. */
int import_text_parse(const char *s, size_t n, const struct import_opts *opts,
                      const struct import_sink *sink, struct err *err);

/* The page-text rules, for other importers that find the same lines in
 * other markup (the HTML importer's byline and breadcrumb). */

/* import_text_labels: reads a labelled line ("来源：X 作者：Y 发布时间：Z")
 * into *source and *author (new strings, or left NULL) and *published
 * (left alone when there is no date).  Returns 1 if a label was found. */
int import_text_labels(const char *s, size_t n, int tz_offset, char **source,
                       char **author, int64_t *published);

/* import_text_breadcrumb: the category path of a breadcrumb line
 * ("首页 > 新闻资讯 > 综合新闻" -> "新闻资讯/综合新闻"), a new string ("" when
 * it names only the home page), or NULL when s has no separator. */
char *import_text_breadcrumb(const char *s, size_t n);

#endif
