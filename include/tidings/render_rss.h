#ifndef TIDINGS_RENDER_RSS_H
#define TIDINGS_RENDER_RSS_H

/*
 * render_rss: RSS 2.0 documents, per the RSS Advisory Board's profile:
 * atom:link rel="self", a guid on every item, RFC 822 dates with numeric
 * zones in the configured time zone, dc:creator for names (RSS <author> is
 * for e-mail addresses), content:encoded for bodies (escaped, never CDATA),
 * and RFC 5005's prev-archive link to the newest archive page.
 */

#include <stddef.h>

struct buf;
struct conf;
struct err;
struct render_feed;
struct render_item;
struct xwriter;

/* render_rss_item: the <item> for it, written with w inside a channel
 * (a render_item_fn). */
void render_rss_item(const struct conf *c, const struct render_item *it,
                     struct xwriter *w);

/* render_rss_feed: the document for f with as many of the n items
 * (newest first) as fit f->max_bytes; *used gets that number.  Appends to
 * out; returns 0, or -1 with err. */
int render_rss_feed(const struct render_feed *f, const struct render_item *v,
                    size_t n, struct buf *out, size_t *used, struct err *err);

#endif
