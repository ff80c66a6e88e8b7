#ifndef TIDINGS_RENDER_FEED_H
#define TIDINGS_RENDER_FEED_H

/*
 * render_feed: what the feed renderers (render_rss, render_atom,
 * render_json) share: the description of one feed document, one item, and
 * the byte budget.
 *
 * A feed document (render_<format>_feed) writes its head, then each item
 * (render_<format>_item) with the same writer into the same buffer, in
 * the form that fits its byte budget (render_feed_items), then its tail.
 * An item does not depend on the feed it goes into.  How
 * every article field is written in each format is fixed by the feed
 * conventions (so that the feed importer reads tidings' own feeds back to
 * the same articles).
 */

#include <stddef.h>
#include <stdint.h>

struct article;
struct buf;
struct conf;
struct err;
struct xwriter;

#define RENDER_GENERATOR "tidings"
#define RENDER_NS_ATOM   "http://www.w3.org/2005/Atom"
#define RENDER_NS_DC     "http://purl.org/dc/elements/1.1/"

/* One feed document: a current feed (rss.xml, atom.xml, feed.json) or an
 * RFC 5005 archive page (Atom).  URLs are absolute; NULL means absent. */
struct render_feed {
    const struct conf *conf;
    const char *title;
    const char *self;         /* this document */
    const char *home;         /* the site's front page, BASE/ */
    const char *stylesheet;   /* href for <?xml-stylesheet?>, or NULL */
    const char *hub;          /* WebSub hub, or NULL */
    const char *current;      /* archive pages: the current Atom feed */
    const char *prev_archive; /* the archive page before this one */
    const char *next_archive; /* archive pages: the one after */
    int is_archive;           /* fh:archive */
    int64_t updated;          /* newest `updated` of the items; 0: none */
    size_t max_bytes;         /* budget for the whole document; 0: none */
};

/* One item.  link is where it points (the article's own URL, else page);
 * page is BASE/articles/SLUG.html.  full: with the body, not only the
 * summary.  clean: render_item_check found every string it shows made of
 * XML 1.0 characters, so writers only escape them (0 is always safe). */
struct render_item {
    const struct article *a;
    const char *link;
    const char *page;
    int has_url;
    int full;
    int clean;
};

/* render_item_check: sets it->clean by checking, once, every string the
 * item shows in any format. */
void render_item_check(struct render_item *it);

/* The feeds of the site, as the index page and the OPML list them. */
enum render_kind {
    RENDER_SITE,
    RENDER_CATEGORY,
    RENDER_SOURCE,
    RENDER_AUTHOR,
};

struct render_listing {
    enum render_kind kind;
    const char *name;  /* category path, source or author; NULL: site */
    const char *label; /* what to show: the last path part, or the name */
    const char *title; /* the feed's title */
    const char *dir;   /* "/" or "/category/news/general/" */
    int depth;         /* categories: 0 for a top-level one */
};

/* render_item_fn: an XML format's item renderer: writes the item with the
 * document's writer, at the depth it stands at.  Failures are the
 * writer's, reported by xwriter_finish. */
typedef void (*render_item_fn)(const struct conf *c,
                               const struct render_item *it, struct xwriter *w);

/* render_feed_items: writes the n items (newest first) with fn into the
 * document, whose bytes began at out[doc_start] and which w writes into
 * out, as many as keep it within f->max_bytes with room for its tail
 * (RENDER_TAIL_MAX).  An item that does not fit is cut off again and
 * written without its body (full = 0: summary only); one that does not
 * fit even so is left out (it stays in the archives), and the list goes
 * on with the next, older, item.  The document is therefore empty only
 * when no single item fits without its body.  Returns how many went in. */
/* render_feed_put: one item into a document whose bytes began at
 * out[doc_start]: put(arg, it, out) appends it; when the document then
 * passes f->max_bytes (with room for its tail), the item is cut off again
 * and put once more without its body (full = 0: summary only), and cut
 * off for good when that does not fit either.  Returns 1 when the item
 * went in, 0 when it did not fit, -1 when put failed (out is then as put
 * left it). */
typedef int (*render_put_fn)(void *arg, const struct render_item *it,
                             struct buf *out);
int render_feed_put(const struct render_feed *f, size_t doc_start,
                    const struct render_item *it, render_put_fn put, void *arg,
                    struct buf *out);

#define RENDER_TAIL_MAX 64
size_t render_feed_items(const struct render_feed *f, size_t doc_start,
                         const struct render_item *v, size_t n,
                         render_item_fn fn, struct xwriter *w, struct buf *out);

/* render_feed_fits: true when a document of len bytes leaves room for
 * its tail within f->max_bytes. */
int render_feed_fits(const struct render_feed *f, size_t len);

/* render_feed_page_url: the absolute URL of an article's own page on the site
 * (BASE/articles/SLUG.html), appended to out. */
void render_feed_page_url(const struct conf *c, const char *slug,
                          struct buf *out);

/* render_feed_stylesheet: <?xml-stylesheet type="text/xsl" href=...?>
 * when href is set (SPEC 6: a browser opening a feed shows a page). */
int render_feed_stylesheet(struct xwriter *w, const char *href);

#endif
