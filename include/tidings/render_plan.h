#ifndef TIDINGS_RENDER_PLAN_H
#define TIDINGS_RENDER_PLAN_H

/*
 * render_plan: which feeds the site has and where they live, and which of
 * their documents an incremental render must look at again.
 *
 * Feeds: the site, every category node (a parent holds its descendants),
 * every source and every author.  Each has a key ("site",
 * "category:PATH", "source:NAME", "author:NAME"), a folder built from
 * slugs ("/category/news/general/"), and a row in the store's feeds table
 * holding the next free RFC 5005 archive position.
 *
 * Archive positions: an article takes the next free position of every
 * feed it joins, at the first render that sees it, and keeps it while it
 * stays in the feed.  Page N of a feed holds positions
 * [(N-1)*archive_page, N*archive_page).  So pages are counted from the
 * oldest, a page whose positions have all been handed out never gains an
 * entry again, and an article imported late with an old date goes at the
 * end (the newest page), not into an old page.  Articles that arrive
 * together are placed by published date, then feed id, so a store built
 * in one go (or a round trip of one) gets chronological pages.
 *
 * Reconciling walks the articles written since the last render, moves
 * their positions and marks what they touched: the current documents of
 * every feed they are or were in, the archive pages of their old and new
 * positions (and the page before a new page, which gains a next-archive
 * link), and their own pages.
 */

#include <stddef.h>
#include <stdint.h>

struct conf;
struct err;
struct store;

struct plan_feed {
    int kind;    /* enum store_group */
    char *name;  /* category path, source or author; NULL for the site */
    char *key;   /* feeds table key */
    char *dir;   /* "/" or "/category/news/general/" */
    char *title; /* feed title */
    char *label; /* short name for listings */
    int depth;   /* categories: 0 for top-level nodes */
    int64_t id;  /* feeds row */
    int64_t next;
    int dirty;      /* its current documents may have changed */
    int64_t *pages; /* dirty archive pages (1-based), unsorted, repeats */
    size_t npages, cap;
};

struct render_plan {
    struct plan_feed *feeds; /* site, categories in tree order, sources and
                                authors by name */
    size_t nfeeds;
    size_t *by_key;    /* indexes into feeds, sorted by key */
    size_t *by_id;     /* indexes into feeds, sorted by row id */
    int64_t *articles; /* dirty articles (row ids), sorted after reconcile */
    size_t narticles, cap;
    long page_size; /* archive_page */
};

/* render_plan_build: the feeds of the site from the store's groups, with
 * their feeds rows (created when missing; rows of feeds that no longer
 * exist are deleted with their positions).  Must run inside a write
 * transaction.  Returns 0, or -1 with err; release the plan either way. */
int render_plan_build(struct render_plan *p, struct store *s,
                      const struct conf *c, struct err *err);

/* render_plan_reconcile: moves the archive positions of every article
 * written since revision `since` (< 0: all of them) and marks what they
 * touched (see above).  Returns 0, or -1 with err. */
int render_plan_reconcile(struct render_plan *p, struct store *s, int64_t since,
                          struct err *err);

void render_plan_release(struct render_plan *p);

/* render_plan_find: the feed with key, or NULL. */
struct plan_feed *render_plan_find(const struct render_plan *p,
                                   const char *key);

/* render_plan_pages: the number of archive pages of f. */
int64_t render_plan_pages(const struct render_plan *p,
                          const struct plan_feed *f);

/* render_plan_page_dirty: true when page (1-based) of f was marked by
 * render_plan_reconcile. */
int render_plan_page_dirty(const struct plan_feed *f, int64_t page);

/* render_plan_article_dirty: true when the article was marked. */
int render_plan_article_dirty(const struct render_plan *p, int64_t id);

#endif
