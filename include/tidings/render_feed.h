#ifndef TIDINGS_RENDER_FEED_H
#define TIDINGS_RENDER_FEED_H

/*
 * render_feed: what the feed renderers (render_rss, render_atom,
 * render_json) share: the description of one feed document, one item, and
 * the byte budget.
 *
 * A feed document is written in two steps: each item is rendered on its
 * own into a fragment (render_<format>_item), which does not depend on the
 * feed it goes into, so that an article in ten feeds is rendered once; the
 * document (render_<format>_feed) then writes its head, as many fragments
 * as fit the budget, and its tail.  How every article field is written in
 * each format is fixed by the feed conventions (so that the feed importer
 * reads tidings' own feeds back to the same articles).
 */

#include <stddef.h>
#include <stdint.h>

struct article;
struct buf;
struct conf;
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
 * summary. */
struct render_item {
    const struct article *a;
    const char *link;
    const char *page;
    int has_url;
    int full;
};

/* A rendered item. */
struct render_frag {
    const char *data;
    size_t len;
};

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

/* render_feed_fit: how many of the n fragments fit after head bytes when
 * the whole document may have max bytes (0: all of them), keeping room
 * for the tail (RENDER_TAIL_MAX) and sep bytes between fragments. */
#define RENDER_TAIL_MAX 64
size_t render_feed_fit(size_t head, const struct render_frag *v, size_t n,
                       size_t sep, size_t max);

/* render_feed_page_url: the absolute URL of an article's own page on the site
 * (BASE/articles/SLUG.html), appended to out. */
void render_feed_page_url(const struct conf *c, const char *slug,
                          struct buf *out);

/* render_feed_stylesheet: <?xml-stylesheet type="text/xsl" href=...?>
 * when href is set (SPEC 6: a browser opening a feed shows a page). */
int render_feed_stylesheet(struct xwriter *w, const char *href);

#endif
