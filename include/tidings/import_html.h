#ifndef TIDINGS_IMPORT_HTML_H
#define TIDINGS_IMPORT_HTML_H

/*
 * import_html: the HTML importer (SPEC 1.2): a saved article page becomes
 * one article.
 *
 *  - charset: --encoding, else a BOM, else the page's <meta charset> or
 *    http-equiv Content-Type (GBK and GB2312 read as GB18030), else UTF-8
 *    when the bytes are, else GB18030 (SPEC 1.4);
 *  - title: og:title (or the ArticleTitle of Chinese CMSs), else the <h1>
 *    that <title> starts with (or the first in the content), else <title>
 *    without a trailing " - Site", " | Site" or "_站点";
 *  - published: article:published_time (and PubDate-style meta), else
 *    <time datetime>, else a 发布时间-style line, else none (import.c
 *    applies --date or the file's time);
 *  - author and source: meta tags (author, article:author, ContentSource,
 *    og:site_name as a last resort) or a labelled byline (来源/作者);
 *  - category: the breadcrumb (当前位置：首页 > A > B -> "A/B"), else
 *    article:section or ColumnName;
 *  - url: the canonical link, else og:url;
 *  - body: the densest block of text (paragraphs scored by length and
 *    punctuation, links discounted) widened to its nearest <article>,
 *    <main>, articleBody or content-like container, without navigation,
 *    comment, share and breadcrumb blocks, the title heading and the
 *    byline, through the sanitizer; relative links are made absolute
 *    against <base>, the canonical link or --base-url;
 *  - summary: og:description or description, else the start of the first
 *    paragraph.
 *
 * The page is parsed by libxml2's HTML parser in recover mode with no
 * network; its complaints are collected, never printed.  Nesting deeper
 * than the parser's limit (256) is an error, and so is passing the
 * sanitizer's bounds on what the parser is given (sanitize.h: a start
 * tag of more than 256 attributes, more than 200 000 elements).
 */

#include <stddef.h>

struct err;
struct import_opts;
struct import_sink;

/* import_html_parse: reads the page s (n bytes as in the file) and emits
 * one article.  Returns 0, -1 with ERR_PARSE when it is not an article
 * (no title, no text) or its bytes are not valid in its charset, ERR_LIMIT
 * when it nests too deep or passes those bounds, ERR_USAGE for an unknown
 * --encoding, or what the sink returned. */
int import_html_parse(const char *s, size_t n, const struct import_opts *opts,
                      const struct import_sink *sink, struct err *err);

#endif
