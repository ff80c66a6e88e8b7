#ifndef TIDINGS_RENDER_HTML_H
#define TIDINGS_RENDER_HTML_H

/*
 * render_html: the site's two kinds of HTML page: the front page
 * (index.html), which lists every feed and advertises the main ones with
 * <link rel="alternate"> for autodiscovery, and one readable page per
 * article (/articles/SLUG.html), where item links point when an article
 * has no URL of its own.  Names and titles are escaped; an article's body
 * is the store's sanitized HTML fragment and goes in as it is.
 */

#include <stddef.h>

struct article;
struct buf;
struct conf;
struct render_listing;

/* render_html_index: the front page for the n feeds (site first, then
 * categories in tree order, sources, authors), appended to out. */
void render_html_index(const struct conf *c, const struct render_listing *v,
                       size_t n, struct buf *out);

/* render_html_article: the page of a, whose own address is page (its
 * canonical URL when a has no url), appended to out. */
void render_html_article(const struct conf *c, const struct article *a,
                         const char *page, struct buf *out);

#endif
