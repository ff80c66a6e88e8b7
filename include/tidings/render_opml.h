#ifndef TIDINGS_RENDER_OPML_H
#define TIDINGS_RENDER_OPML_H

/*
 * render_opml: /feeds.opml, every feed of the site in OPML 2.0 so that a
 * reader can subscribe to all of them at once: the site feed, then one
 * folder each for categories (by full path), sources and authors.  Feeds
 * are listed by their RSS documents.
 */

#include <stddef.h>

struct buf;
struct conf;
struct err;
struct render_listing;

/* render_opml: the document for the n feeds, appended to out.  Returns 0,
 * or -1 with err. */
int render_opml(const struct conf *c, const struct render_listing *v, size_t n,
                struct buf *out, struct err *err);

#endif
