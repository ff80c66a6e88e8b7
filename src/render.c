/*
 * render: the site from the store, incrementally.
 *
 * Every document has a fingerprint of its inputs (the configuration, its
 * path and title, and the id, content hash and update time of each
 * article it shows), kept in the documents table as `source` beside the
 * hash of its bytes.  A render
 *
 *  1. builds the plan (feeds and slugs) and reconciles archive positions
 *     for the articles written since the last render (render_plan), which
 *     marks the documents those articles are or were in;
 *  2. walks every document of the site: one that is not marked and that
 *     prev holds with the bytes last rendered (for a build: the folder
 *     the sink writes, by its manifest) is taken over as it is; any
 *     other is fingerprinted, taken over when the fingerprint matches, and
 *     rendered otherwise;
 *  3. writes the documents rows that changed, removes the rows of
 *     documents that are gone, and records the revision and configuration
 *     it rendered, all in the one transaction that moved the positions.
 *
 * A change of configuration (or a first render) marks everything.
 * Documents never take wall-clock time or hash-table order into their
 * bytes; `now` only stamps `changed` when bytes differ.  Last-Modified has
 * whole seconds and If-Modified-Since is answered 304 when it is not older
 * (RFC 9110 13.1.3), so changed bytes are stamped at least a second after
 * the previous change: two imports within one second must still give two
 * Last-Modified values, or a client polling by date alone misses the
 * second.
 */
#include "tidings/render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/hash.h"
#include "tidings/render_atom.h"
#include "tidings/render_feed.h"
#include "tidings/render_html.h"
#include "tidings/render_json.h"
#include "tidings/render_opml.h"
#include "tidings/render_plan.h"
#include "tidings/render_rss.h"
#include "tidings/render_xsl.h"
#include "tidings/site.h"
#include "tidings/store.h"
#include "tidings/strpool.h"
#include "tidings/xalloc.h"

/* Bump when the bytes of any document change for the same inputs, so
 * that every store renders everything again once. */
#define RENDER_FORMAT "tidings-render-2"

#define META_REVISION "render_revision"
#define META_CONF     "render_conf"
/* The newest `updated` the site's feed has shown: the date an empty site
 * (every article removed) still has to give Atom's <updated>. */
#define META_SITE_UPDATED "render_site_updated"

/* A documents row as last written. */
struct stored {
    const char *path;
    uint64_t hash;
    char source[17];
    int64_t size, changed;
    int seen;
};

/* A hash index over paths (the documents rows, the previous site's
 * documents): a render of a large site looks up every path in both, and
 * binary searches spent their time in strcmp.  Slots hold 1 + the index
 * of an entry, 0 when empty.  Both are sorted by path, and so are most
 * lookups (the article pages come by slug): the entry after the last one
 * found is tried first, which reads memory in order where probing the
 * table missed the cache at every step. */
struct path_index {
    size_t *slot;
    uint64_t *hash; /* of each entry's path, by entry */
    size_t cap, n;
    size_t next; /* the entry after the last one found */
};

struct run {
    struct store *store;
    const struct conf *c;
    const struct site *prev;
    int64_t now;
    struct site *out;
    struct render_stats *st;
    struct render_plan plan;
    int full;
    char conf_fp[HASH_HEX_LEN + 1];
    struct stored *docs;
    size_t ndocs, capdocs;
    struct strpool paths; /* of docs */
    struct path_index rows_ix, prev_ix;
    char *stylesheet;               /* href of feed.xsl */
    const char *hub;                /* NULL when unset */
    int64_t revision;               /* of the store when the plan was made */
    int64_t site_updated;           /* META_SITE_UPDATED as begin read it */
    int64_t site_seen;              /* the site feed's newest, this time */
    const struct render_sink *sink; /* NULL: keep every document's bytes */
    struct err sink_err;            /* the sink's first failure (sticky) */
    /* documents rows to write once rendering is done (see render_site) */
    struct store_doc *pending;
    size_t npending, cappending;
};

/* One document being produced. */
struct slot {
    char path[1024];
    struct stored *row;
    const struct doc *prev;
    int usable; /* prev (or the sink) holds the bytes the row records */
};

/* ---- fingerprints ------------------------------------------------------- */

static void
conf_fingerprint(const struct conf *c, char out[HASH_HEX_LEN + 1])
{
    struct hash h;
    char num[128];

    hash_init(&h);
    hash_update_str(&h, RENDER_FORMAT);
    hash_update_str(&h, c->site_title);
    hash_update_str(&h, c->site_description);
    hash_update_str(&h, c->site_base_url);
    hash_update_str(&h, c->site_language);
    hash_update_str(&h, c->site_hub);
    snprintf(num, sizeof(num), "%d %ld %ld %ld %d", c->site_tz_offset,
             c->site_feed_items, c->site_feed_max_bytes, c->site_archive_page,
             (int)c->site_archive_content);
    hash_update_str(&h, num);
    hash_hex(hash_final(&h), out);
}

static void
hash_article(struct hash *h, const struct article *a)
{
    char num[64];

    snprintf(num, sizeof(num), "%" PRId64 " %" PRId64, a->id, a->updated);
    hash_update_str(h, num);
    hash_update_str(h, a->hash);
}

static void
fp_hex(const struct hash *h, const char *path, char out[HASH_HEX_LEN + 1])
{
    struct hash k = *h;

    hash_update_str(&k, path);
    hash_hex(hash_final(&k), out);
}

/* ---- the documents table ------------------------------------------------ */

static int
load_row(const struct store_doc *d, void *arg)
{
    struct run *r = arg;
    struct stored *s;

    if (r->ndocs == r->capdocs) {
        r->capdocs = r->capdocs ? r->capdocs * 2 : 1024;
        r->docs = xreallocarray(r->docs, r->capdocs, sizeof(*r->docs));
    }
    s = &r->docs[r->ndocs++];
    s->path = strpool_dup(&r->paths, d->path, strlen(d->path));
    if (hash_parse_hex(d->hash, &s->hash) < 0)
        s->hash = 0; /* never matches: the document is rendered again */
    memcpy(s->source, d->source, sizeof(s->source));
    s->size = d->size;
    s->changed = d->changed;
    s->seen = 0;
    return 0;
}

typedef const char *(*path_at_fn)(const void *v, size_t i);

static void
index_build(struct path_index *ix, const void *v, size_t n, path_at_fn at)
{
    size_t i, j;

    for (ix->cap = 16; ix->cap < 2 * n; ix->cap *= 2)
        ;
    ix->n = n;
    ix->next = 0;
    ix->slot = xcalloc(ix->cap, sizeof(*ix->slot));
    ix->hash = xreallocarray(NULL, n + 1, sizeof(*ix->hash));
    for (i = 0; i < n; i++) {
        ix->hash[i] = hash64(at(v, i), strlen(at(v, i)));
        for (j = (size_t)ix->hash[i] & (ix->cap - 1); ix->slot[j] != 0;
             j = (j + 1) & (ix->cap - 1))
            ;
        ix->slot[j] = i + 1;
    }
}

/* index_find: the index of the entry with path (whose hash64 is h), or
 * -1. */
static long
index_find(struct path_index *ix, const void *v, path_at_fn at,
           const char *path, uint64_t h)
{
    size_t j, e = ix->next;

    if (ix->cap == 0)
        return -1;
    if (e < ix->n && ix->hash[e] == h && strcmp(at(v, e), path) == 0) {
        ix->next = e + 1;
        return (long)e;
    }
    for (j = (size_t)h & (ix->cap - 1); ix->slot[j] != 0;
         j = (j + 1) & (ix->cap - 1)) {
        e = ix->slot[j] - 1;
        if (ix->hash[e] == h && strcmp(at(v, e), path) == 0) {
            ix->next = e + 1;
            return (long)e;
        }
    }
    return -1;
}

static void
index_release(struct path_index *ix)
{
    free(ix->slot);
    free(ix->hash);
    memset(ix, 0, sizeof(*ix));
}

static const char *
row_path(const void *v, size_t i)
{
    return ((const struct stored *)v)[i].path;
}

static const char *
doc_path(const void *v, size_t i)
{
    return ((const struct doc *)v)[i].path;
}

static struct stored *
find_row(struct run *r, const char *path, uint64_t h)
{
    long i = index_find(&r->rows_ix, r->docs, row_path, path, h);

    return i < 0 ? NULL : &r->docs[i];
}

static const struct doc *
find_prev(struct run *r, const char *path, uint64_t h)
{
    long i;

    if (r->prev == NULL)
        return NULL;
    i = index_find(&r->prev_ix, r->prev->docs, doc_path, path, h);
    return i < 0 ? NULL : &r->prev->docs[i];
}

static int
drop_unseen(struct run *r, struct err *err)
{
    size_t i;

    for (i = 0; i < r->ndocs; i++)
        if (!r->docs[i].seen &&
            store_doc_remove(r->store, r->docs[i].path, err) < 0)
            return -1;
    return 0;
}

/* ---- slots: take over or render one document ---------------------------- */

/* slot_init: looks the document at a + b + c up (c may be NULL). */
static void
slot_init(struct run *r, struct slot *sl, const char *a, const char *b,
          const char *c)
{
    size_t n = 0, k;
    const char *parts[3];
    uint64_t h;
    int i;

    parts[0] = a, parts[1] = b, parts[2] = c;
    for (i = 0; i < 3 && parts[i] != NULL; i++) {
        k = strlen(parts[i]);
        if (n + k >= sizeof(sl->path))
            k = sizeof(sl->path) - 1 - n; /* never: paths are short */
        memcpy(sl->path + n, parts[i], k);
        n += k;
    }
    sl->path[n] = '\0';
    h = hash64(sl->path, n);
    sl->row = find_row(r, sl->path, h);
    if (sl->row != NULL)
        sl->row->seen = 1;
    sl->prev = find_prev(r, sl->path, h);
    if (sl->row == NULL)
        sl->usable = 0;
    else if (r->sink == NULL)
        sl->usable = sl->prev != NULL && sl->prev->hash == sl->row->hash;
    else
        sl->usable = r->sink->holds != NULL &&
                     r->sink->holds(r->sink->arg, sl->path, sl->row->hash,
                                    (size_t)sl->row->size);
}

/* slot_cheap: true when the document can be taken over without looking
 * at its inputs. */
static int
slot_cheap(const struct run *r, const struct slot *sl, int marked)
{
    return sl->usable && !marked && !r->full;
}

/* emit: hands a finished document to the sink.  A failure is kept in r
 * (later documents are not handed over) and ends the render when it
 * returns to render_all. */
static void
emit(struct run *r, const struct doc *d)
{
    if (r->sink_err.code == ERR_OK &&
        r->sink->put(r->sink->arg, d, &r->sink_err) < 0 &&
        r->sink_err.code == ERR_OK)
        err_set(&r->sink_err, ERR_IO, "%s: cannot be written", d->path);
}

/* slot_reuse: the document the destination holds, as it is: out keeps a
 * copy of prev's, or the sink, which holds it, gets a stub of the row (a
 * rebuild of a large site takes over nearly every document; nothing of
 * it is read or copied). */
static void
slot_reuse(struct run *r, const struct slot *sl, int immutable)
{
    struct doc d;

    r->st->reused++;
    if (r->sink == NULL) {
        site_add_copy(r->out, sl->prev, sl->row->changed, immutable);
        return;
    }
    site_doc_stub(&d, sl->row->path, sl->row->hash, (size_t)sl->row->size);
    d.mtime = sl->row->changed;
    d.immutable = immutable;
    emit(r, &d);
}

/* slot_matches: the inputs are those the bytes in prev came from. */
static int
slot_matches(const struct slot *sl, const char *fp)
{
    return sl->usable && strcmp(sl->row->source, fp) == 0;
}

/* slot_put: adds freshly rendered bytes (taking body) and queues the
 * documents row for the write that ends the render. */
/* queue_row: the documents row for d, written when the render ends. */
static void
queue_row(struct run *r, const struct doc *d, const char *fp)
{
    struct store_doc *row;

    if (r->npending == r->cappending) {
        r->cappending = r->cappending ? r->cappending * 2 : 256;
        r->pending =
            xreallocarray(r->pending, r->cappending, sizeof(*r->pending));
    }
    row = &r->pending[r->npending++];
    row->path = xstrdup(d->path);
    hash_hex(d->hash, row->hash);
    snprintf(row->source, sizeof(row->source), "%s", fp);
    row->size = (int64_t)d->len;
    row->changed = d->mtime;
}

/* slot_put: freshly rendered bytes (taking body): kept in out, or handed
 * to the sink and freed; the documents row is queued for the write that
 * ends the render. */
static int
slot_put(struct run *r, const struct slot *sl, const char *fp, char *body,
         size_t len, int immutable, struct err *err)
{
    struct doc loose, *d = &loose;
    int same;

    if (r->sink == NULL)
        d = site_add(r->out, sl->path, body, len, r->now);
    else
        site_doc_init(d, sl->path, body, len, r->now);
    same = sl->row != NULL && sl->row->hash == d->hash;
    d->immutable = immutable;
    if (same)
        d->mtime = sl->row->changed;
    else if (sl->row != NULL && sl->row->changed >= r->now)
        d->mtime = sl->row->changed + 1; /* strictly after: see above */
    r->st->rendered++;
    r->st->changed += !same;
    if (!same || strcmp(sl->row->source, fp) != 0 ||
        sl->row->size != (int64_t)len)
        queue_row(r, d, fp);
    if (r->sink == NULL)
        return 0;
    emit(r, d);
    site_doc_release(d);
    if (r->sink_err.code != ERR_OK) {
        *err = r->sink_err;
        return -1;
    }
    return 0;
}

static int
slot_put_buf(struct run *r, const struct slot *sl, const char *fp,
             struct buf *b, int immutable, struct err *err)
{
    size_t len;
    char *body = buf_detach(b, &len);

    return slot_put(r, sl, fp, body, len, immutable, err);
}

/* ---- the items of a document ------------------------------------------ */

/* The articles one document shows, copied out of the store's walk (whose
 * articles live only during the callback), with the fingerprint of what
 * the document is made from. */
struct items {
    struct run *r;
    int full; /* bodies in the items */
    struct article *a;
    char **page; /* BASE/articles/SLUG.html of each */
    struct render_item *v;
    size_t n, cap;
    int64_t updated;
    struct hash h;
};

static void
items_init(struct items *it, struct run *r, int full)
{
    memset(it, 0, sizeof(*it));
    it->r = r;
    it->full = full;
    hash_init(&it->h);
    hash_update_str(&it->h, r->conf_fp);
}

static void
items_release(struct items *it)
{
    size_t i;

    for (i = 0; i < it->n; i++) {
        article_release(&it->a[i]);
        free(it->page[i]);
    }
    free(it->a);
    free(it->page);
    free(it->v);
}

static int
items_add(const struct article *a, void *arg)
{
    struct items *it = arg;
    struct buf page = BUF_INIT;

    if (it->n == it->cap) {
        it->cap = it->cap ? it->cap * 2 : 64;
        it->a = xreallocarray(it->a, it->cap, sizeof(*it->a));
        it->page = xreallocarray(it->page, it->cap, sizeof(*it->page));
    }
    hash_article(&it->h, a);
    if (a->updated > it->updated)
        it->updated = a->updated;
    article_copy(&it->a[it->n], a);
    render_feed_page_url(it->r->c, a->slug, &page);
    it->page[it->n++] = buf_detach(&page, NULL);
    return 0;
}

/* items_done: the render_item of each article, once all are in (the
 * article array no longer moves). */
static void
items_done(struct items *it)
{
    size_t i;

    it->v = xreallocarray(NULL, it->n + 1, sizeof(*it->v));
    for (i = 0; i < it->n; i++) {
        it->v[i].a = &it->a[i];
        it->v[i].page = it->page[i];
        it->v[i].link = it->a[i].url ? it->a[i].url : it->page[i];
        it->v[i].has_url = it->a[i].url != NULL;
        it->v[i].full = it->full;
        render_item_check(&it->v[i]);
    }
}

/* ---- current feeds ------------------------------------------------------ */

typedef int (*feed_fn)(const struct render_feed *f, const struct render_item *v,
                       size_t n, struct buf *out, size_t *used,
                       struct err *err);

enum { FEED_RSS, FEED_ATOM, FEED_JSON, FEED_FORMATS };

static const struct {
    const char *file;
    feed_fn render;
} current_docs[FEED_FORMATS] = {
    [FEED_RSS] = { "rss.xml", render_rss_feed },
    [FEED_ATOM] = { "atom.xml", render_atom_feed },
    [FEED_JSON] = { "feed.json", render_json_feed },
};

/* feed_init: what every document of feed f shares. */
static void
feed_init(struct run *r, const struct plan_feed *pf, struct render_feed *f,
          struct buf *home)
{
    memset(f, 0, sizeof(*f));
    buf_appendf(home, "%s/", r->c->site_base_url);
    f->conf = r->c;
    f->title = pf->title;
    f->home = home->data;
    f->stylesheet = r->stylesheet;
    f->hub = r->hub;
}

/* render_one_current: one format of the current feed, unless prev has
 * it from the same inputs. */
static int
render_one_current(struct run *r, struct render_feed *f, struct items *it,
                   const struct slot *sl, int fmt, struct err *err)
{
    struct buf b = BUF_INIT, self = BUF_INIT;
    char fp[HASH_HEX_LEN + 1];
    size_t used;
    int rc;

    fp_hex(&it->h, sl->path, fp);
    if (slot_matches(sl, fp)) {
        slot_reuse(r, sl, 0);
        return 0;
    }
    buf_appendf(&self, "%s%s", r->c->site_base_url, sl->path);
    f->self = self.data;
    rc = current_docs[fmt].render(f, it->v, it->n, &b, &used, err);
    f->self = NULL;
    buf_release(&self);
    if (rc == 0)
        rc = slot_put_buf(r, sl, fp, &b, 0, err);
    buf_release(&b);
    return rc;
}

/* feed_updated: the date of a current feed: the newest `updated` of its
 * items.  The site's feed without items (an empty store) takes the newest
 * the site has ever shown, kept in the store, so that Atom's required
 * <updated> comes from the data, never the clock; a store that never held
 * an article has none, and gives 0 (1970-01-01).  The date goes into the
 * documents' fingerprint. */
static int64_t
feed_updated(struct run *r, const struct plan_feed *pf, struct items *it)
{
    char num[32];
    int64_t t = it->updated;

    if (pf->kind == STORE_GROUP_SITE && it->n > 0 && t > r->site_seen)
        r->site_seen = t;
    if (pf->kind == STORE_GROUP_SITE && it->n == 0)
        t = r->site_updated;
    snprintf(num, sizeof(num), "%" PRId64, t);
    hash_update_str(&it->h, num);
    return t;
}

static int
render_current(struct run *r, struct plan_feed *pf, struct err *err)
{
    struct slot sl[FEED_FORMATS];
    struct buf home = BUF_INIT, prev = BUF_INIT;
    struct render_feed f;
    struct items it;
    int fmt, need = 0, rc = 0;
    int64_t pages = render_plan_pages(&r->plan, pf);

    for (fmt = 0; fmt < FEED_FORMATS; fmt++) {
        slot_init(r, &sl[fmt], pf->dir, current_docs[fmt].file, NULL);
        need |= !slot_cheap(r, &sl[fmt], pf->dirty);
    }
    if (!need) {
        for (fmt = 0; fmt < FEED_FORMATS; fmt++)
            slot_reuse(r, &sl[fmt], 0);
        return 0;
    }
    feed_init(r, pf, &f, &home);
    f.max_bytes = (size_t)r->c->site_feed_max_bytes;
    if (pages > 0) {
        buf_appendf(&prev, "%s%sarchive/%" PRId64 ".xml", r->c->site_base_url,
                    pf->dir, pages);
        f.prev_archive = prev.data;
    }
    items_init(&it, r, 1);
    hash_update_str(&it.h, pf->title);
    hash_update_str(&it.h, prev.data);
    rc = store_each_newest(r->store, (enum store_group)pf->kind, pf->name,
                           r->c->site_feed_items, items_add, &it, err);
    items_done(&it);
    f.updated = feed_updated(r, pf, &it);
    for (fmt = 0; rc == 0 && fmt < FEED_FORMATS; fmt++)
        rc = render_one_current(r, &f, &it, &sl[fmt], fmt, err);
    items_release(&it);
    buf_release(&home);
    buf_release(&prev);
    return rc < 0 ? -1 : 0;
}

/* ---- archive pages ------------------------------------------------------ */

static void
page_url(struct buf *b, const struct run *r, const struct plan_feed *pf,
         int64_t page)
{
    buf_appendf(b, "%s%sarchive/%" PRId64 ".xml", r->c->site_base_url, pf->dir,
                page);
}

/* archive_links: self, current, prev-archive and next-archive of a page;
 * links[0..3] are released by the caller. */
static void
archive_links(struct run *r, const struct plan_feed *pf, int64_t page,
              int64_t pages, struct render_feed *f, struct buf links[4])
{
    page_url(&links[0], r, pf, page);
    buf_appendf(&links[1], "%s%satom.xml", r->c->site_base_url, pf->dir);
    f->self = links[0].data;
    f->current = links[1].data;
    if (page > 1) {
        page_url(&links[2], r, pf, page - 1);
        f->prev_archive = links[2].data;
    }
    if (page < pages) {
        page_url(&links[3], r, pf, page + 1);
        f->next_archive = links[3].data;
    }
    f->is_archive = 1;
}

static int
render_page(struct run *r, const struct plan_feed *pf, const struct slot *sl,
            int64_t page, int64_t pages, struct err *err)
{
    struct buf home = BUF_INIT, b = BUF_INIT, links[4];
    int full = r->c->site_archive_content == CONF_ARCHIVE_FULL;
    struct render_feed f;
    struct items it;
    char fp[HASH_HEX_LEN + 1];
    size_t used, i;
    int rc;

    for (i = 0; i < 4; i++)
        buf_init(&links[i], 0);
    feed_init(r, pf, &f, &home);
    archive_links(r, pf, page, pages, &f, links);
    items_init(&it, r, full);
    hash_update_str(&it.h, pf->title);
    hash_update_str(&it.h, f.next_archive);
    rc = store_each_archived(r->store, pf->id, (page - 1) * r->plan.page_size,
                             page * r->plan.page_size, full, items_add, &it,
                             err);
    items_done(&it);
    fp_hex(&it.h, sl->path, fp);
    f.updated = it.updated;
    if (rc == 0 && slot_matches(sl, fp))
        slot_reuse(r, sl, page < pages);
    else if (rc == 0 &&
             (rc = render_atom_feed(&f, it.v, it.n, &b, &used, err)) == 0)
        rc = slot_put_buf(r, sl, fp, &b, page < pages, err);
    items_release(&it);
    buf_release(&b);
    buf_release(&home);
    for (i = 0; i < 4; i++)
        buf_release(&links[i]);
    return rc < 0 ? -1 : 0;
}

static int
render_archive(struct run *r, const struct plan_feed *pf, struct err *err)
{
    int64_t pages = render_plan_pages(&r->plan, pf), page;
    char name[48];
    struct slot sl;

    for (page = 1; page <= pages; page++) {
        snprintf(name, sizeof(name), "archive/%" PRId64 ".xml", page);
        slot_init(r, &sl, pf->dir, name, NULL);
        if (slot_cheap(r, &sl, render_plan_page_dirty(pf, page)))
            slot_reuse(r, &sl, page < pages);
        else if (render_page(r, pf, &sl, page, pages, err) < 0)
            return err_prefix(err, "%s", sl.path);
    }
    return 0;
}

/* ---- article pages ------------------------------------------------------ */

static int
render_article(struct run *r, const struct slot *sl, int64_t id,
               struct err *err)
{
    struct buf b = BUF_INIT, page = BUF_INIT;
    char fp[HASH_HEX_LEN + 1];
    struct article a;
    struct hash h;
    int rc;

    article_init(&a);
    if (store_get_article_id(r->store, id, &a, err) < 0)
        return -1;
    hash_init(&h);
    hash_update_str(&h, r->conf_fp);
    hash_article(&h, &a);
    hash_update_str(&h, a.feed_id);
    fp_hex(&h, sl->path, fp);
    if (slot_matches(sl, fp)) {
        slot_reuse(r, sl, 0);
        article_release(&a);
        return 0;
    }
    render_feed_page_url(r->c, a.slug, &page);
    render_html_article(r->c, &a, page.data, &b);
    rc = slot_put_buf(r, sl, fp, &b, 0, err);
    buf_release(&page);
    article_release(&a);
    return rc;
}

/* The walk over every article's page, done inside the store's walk over
 * the slugs (no list of 100 000 slugs is copied out first). */
struct article_walk {
    struct run *r;
    struct err *err;
};

static int
visit_article(int64_t id, const char *slug, void *arg)
{
    struct article_walk *aw = arg;
    struct slot sl;

    slot_init(aw->r, &sl, "/articles/", slug, ".html");
    if (slot_cheap(aw->r, &sl, render_plan_article_dirty(&aw->r->plan, id))) {
        slot_reuse(aw->r, &sl, 0);
        return 0;
    }
    return render_article(aw->r, &sl, id, aw->err) < 0 ? 1 : 0;
}

static int
render_articles(struct run *r, struct err *err)
{
    struct article_walk aw = { r, err };

    return store_each_slug(r->store, visit_article, &aw, err) == 0 ? 0 : -1;
}

/* ---- the front page, the OPML list, the stylesheet ---------------------- */

static struct render_listing *
listings(const struct run *r)
{
    struct render_listing *v =
        xreallocarray(NULL, r->plan.nfeeds + 1, sizeof(*v));
    size_t i;

    for (i = 0; i < r->plan.nfeeds; i++) {
        const struct plan_feed *f = &r->plan.feeds[i];

        v[i].kind = (enum render_kind)f->kind;
        v[i].name = f->name;
        v[i].label = f->label;
        v[i].title = f->title;
        v[i].dir = f->dir;
        v[i].depth = f->depth;
    }
    return v;
}

static void
hash_listings(struct hash *h, const struct render_listing *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hash_update_str(h, v[i].name);
        hash_update_str(h, v[i].label);
        hash_update_str(h, v[i].title);
        hash_update_str(h, v[i].dir);
        hash_update(h, &v[i].depth, sizeof(v[i].depth));
    }
}

enum fixed_doc { FIXED_INDEX, FIXED_OPML, FIXED_XSL };

static int
render_fixed(struct run *r, enum fixed_doc which, const char *path,
             const struct render_listing *v, size_t n, struct err *err)
{
    struct buf b = BUF_INIT;
    char fp[HASH_HEX_LEN + 1];
    struct slot sl;
    struct hash h;
    int rc = 0;

    slot_init(r, &sl, path, NULL, NULL);
    hash_init(&h);
    hash_update_str(&h, r->conf_fp);
    if (which != FIXED_XSL)
        hash_listings(&h, v, n);
    fp_hex(&h, sl.path, fp);
    if (slot_matches(&sl, fp)) {
        slot_reuse(r, &sl, 0);
        return 0;
    }
    if (which == FIXED_INDEX)
        render_html_index(r->c, v, n, &b);
    else if (which == FIXED_OPML)
        rc = render_opml(r->c, v, n, &b, err);
    else
        rc = render_xsl(r->c, &b, err);
    if (rc == 0)
        rc = slot_put_buf(r, &sl, fp, &b, 0, err);
    buf_release(&b);
    return rc;
}

static int
render_front(struct run *r, struct err *err)
{
    struct render_listing *v = listings(r);
    size_t n = r->plan.nfeeds;
    int rc;

    rc = render_fixed(r, FIXED_INDEX, "/index.html", v, n, err);
    if (rc == 0)
        rc = render_fixed(r, FIXED_OPML, "/feeds.opml", v, n, err);
    if (rc == 0)
        rc = render_fixed(r, FIXED_XSL, "/feed.xsl", v, n, err);
    free(v);
    return rc;
}

/* ---- the run ------------------------------------------------------------ */

/* stylesheet_href: the path of feed.xsl on the site's host (same origin,
 * as browsers require for XSLT), from base_url's path. */
static char *
stylesheet_href(const struct conf *c)
{
    const char *p = strstr(c->site_base_url, "://");
    struct buf b = BUF_INIT;

    p = p ? strchr(p + 3, '/') : NULL;
    buf_appendf(&b, "%s/feed.xsl", p ? p : "");
    return buf_detach(&b, NULL);
}

/* begin: reads what the last render recorded and decides between an
 * incremental and a full render; *since gets the revision to look
 * back to (-1: everything). */
static int
begin(struct run *r, int64_t *since, struct err *err)
{
    char *rev = NULL, *conf = NULL, *updated = NULL;
    int rc;

    conf_fingerprint(r->c, r->conf_fp);
    rc = store_meta_get(r->store, META_REVISION, &rev, err);
    if (rc == 0)
        rc = store_meta_get(r->store, META_CONF, &conf, err);
    if (rc == 0)
        rc = store_meta_get(r->store, META_SITE_UPDATED, &updated, err);
    r->site_updated = updated ? strtoll(updated, NULL, 10) : 0;
    free(updated);
    r->full = rev == NULL || conf == NULL || strcmp(conf, r->conf_fp) != 0;
    *since = r->full ? -1 : strtoll(rev, NULL, 10);
    free(rev);
    free(conf);
    if (rc == 0)
        rc = store_each_doc(r->store, load_row, r, err);
    if (rc == 0)
        index_build(&r->rows_ix, r->docs, r->ndocs, row_path);
    if (rc == 0 && r->prev != NULL)
        index_build(&r->prev_ix, r->prev->docs, r->prev->ndocs, doc_path);
    return rc;
}

/* finish: records what was rendered.  The revision is the one the plan
 * was made at: changes committed while rendering are rendered again next
 * time. */
static int
finish(struct run *r, struct err *err)
{
    char rev[32];
    size_t i;

    for (i = 0; i < r->npending; i++)
        if (store_doc_put(r->store, &r->pending[i], err) < 0)
            return -1;
    snprintf(rev, sizeof(rev), "%" PRId64, r->revision);
    if (drop_unseen(r, err) < 0 ||
        store_meta_set(r->store, META_REVISION, rev, err) < 0 ||
        store_meta_set(r->store, META_CONF, r->conf_fp, err) < 0)
        return -1;
    if (r->site_seen > r->site_updated) {
        snprintf(rev, sizeof(rev), "%" PRId64, r->site_seen);
        return store_meta_set(r->store, META_SITE_UPDATED, rev, err);
    }
    return 0;
}

/* plan: what exists and where every article sits in the archives; the
 * positions are written (so the plan is made under the write lock, which
 * is short: it touches only what changed). */
static int
plan(struct run *r, struct err *err)
{
    int64_t since;

    r->revision = store_revision(r->store);
    if (begin(r, &since, err) < 0 ||
        render_plan_build(&r->plan, r->store, r->c, err) < 0 ||
        render_plan_reconcile(&r->plan, r->store, since, err) < 0)
        return -1;
    return 0;
}

/* render_all: every document, reading only. */
static int
render_all(struct run *r, struct err *err)
{
    size_t i;

    for (i = 0; i < r->plan.nfeeds; i++) {
        struct plan_feed *pf = &r->plan.feeds[i];

        if (render_current(r, pf, err) < 0 || render_archive(r, pf, err) < 0)
            return err_prefix(err, "feed %s", pf->dir);
    }
    if (render_articles(r, err) < 0 || render_front(r, err) < 0)
        return -1;
    if (r->sink_err.code != ERR_OK) {
        *err = r->sink_err;
        return -1;
    }
    return 0;
}

static void
run_release(struct run *r)
{
    size_t i;

    render_plan_release(&r->plan);
    index_release(&r->rows_ix);
    index_release(&r->prev_ix);
    strpool_release(&r->paths);
    free(r->docs);
    for (i = 0; i < r->npending; i++)
        free((char *)(uintptr_t)r->pending[i].path);
    free(r->pending);
    free(r->stylesheet);
}

/* in_write: runs fn inside a write transaction that does not move the
 * revision. */
static int
in_write(struct run *r, int (*fn)(struct run *, struct err *), struct err *err)
{
    if (store_begin_derived(r->store, err) < 0)
        return -1;
    if (fn(r, err) < 0) {
        store_rollback(r->store);
        return -1;
    }
    return store_commit(r->store, err);
}

/* in_read: runs fn on one snapshot of the store, holding no lock that a
 * writer waits for. */
static int
in_read(struct run *r, int (*fn)(struct run *, struct err *), struct err *err)
{
    int rc;

    if (store_begin_read(r->store, err) < 0)
        return -1;
    rc = fn(r, err);
    store_end_read(r->store);
    return rc;
}

/* render_run: render_site (sink NULL, every document kept in out) or
 * render_site_to (prev and out NULL). */
static int
render_run(struct store *store, const struct conf *conf,
           const struct site *prev, int64_t now, const struct render_sink *sink,
           struct site *out, struct render_stats *st, struct err *err)
{
    struct run r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.sink = sink;
    memset(st, 0, sizeof(*st));
    r.store = store;
    r.c = conf;
    r.prev = prev;
    r.now = now;
    r.out = out;
    r.st = st;
    r.stylesheet = stylesheet_href(conf);
    r.hub = *conf->site_hub ? conf->site_hub : NULL;
    /* Three transactions, so that imports are never kept waiting for a
     * whole render: the plan under a short write lock, the documents from
     * one read snapshot, their rows under a second short write lock. */
    rc = in_write(&r, plan, err);
    if (rc == 0)
        rc = in_read(&r, render_all, err);
    if (rc == 0)
        rc = in_write(&r, finish, err);
    run_release(&r);
    if (out == NULL)
        return rc < 0 ? err_prefix(err, "render") : 0;
    if (rc < 0) {
        site_release(out);
        return err_prefix(err, "render");
    }
    out->version = r.revision;
    site_finish(out);
    return 0;
}

int
render_site(struct store *store, const struct conf *conf,
            const struct site *prev, int64_t now, struct site *out,
            struct render_stats *st, struct err *err)
{
    return render_run(store, conf, prev, now, NULL, out, st, err);
}

int
render_site_to(struct store *store, const struct conf *conf, int64_t now,
               const struct render_sink *sink, struct render_stats *st,
               struct err *err)
{
    return render_run(store, conf, NULL, now, sink, NULL, st, err);
}
