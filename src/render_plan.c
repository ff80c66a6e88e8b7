/*
 * render_plan: the feeds of the site, their slugs and their archive
 * positions.  Slugs are handed out in the order the groups were created
 * (row ids), so adding a group never changes an older one's slug; the
 * listing order (tree order for categories, byte order of names for
 * sources and authors) does not depend on row ids, so two stores with the
 * same articles list their feeds alike.
 */
#include "tidings/render_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/slug.h"
#include "tidings/store.h"
#include "tidings/xalloc.h"

static const char *const kind_key[] = { "site", "category", "source",
                                        "author" };
static const char *const kind_dir[] = { "", "category", "source", "author" };

/* The plan being built, with the slug sets per kind. */
struct builder {
    struct render_plan *p;
    const struct conf *c;
    struct slug_set slugs[4];
    enum store_group kind;
};

static struct plan_feed *
add_feed(struct render_plan *p, enum store_group kind, const char *name)
{
    struct plan_feed *f;
    struct buf key = BUF_INIT;

    p->feeds = xreallocarray(p->feeds, p->nfeeds + 1, sizeof(*p->feeds));
    f = &p->feeds[p->nfeeds++];
    memset(f, 0, sizeof(*f));
    f->kind = (int)kind;
    f->name = name ? xstrdup(name) : NULL;
    if (name == NULL)
        buf_puts(&key, kind_key[kind]);
    else
        buf_appendf(&key, "%s:%s", kind_key[kind], name);
    f->key = buf_detach(&key, NULL);
    return f;
}

static void
set_title(struct plan_feed *f, const struct conf *c, const char *label)
{
    struct buf t = BUF_INIT;

    if (f->name == NULL)
        buf_puts(&t, c->site_title);
    else
        buf_appendf(&t, "%s - %s", c->site_title, f->name);
    f->title = buf_detach(&t, NULL);
    f->label = xstrdup(label);
}

/* parent_slug: the slug path of the category that holds path, from the
 * feeds built so far (parents are created before their children, so they
 * come first in id order). */
static const char *
parent_slug(const struct render_plan *p, const char *path, size_t plen)
{
    size_t i;

    for (i = p->nfeeds; i-- > 0;) {
        const struct plan_feed *f = &p->feeds[i];

        if (f->kind == STORE_GROUP_CATEGORY && strlen(f->name) == plen &&
            memcmp(f->name, path, plen) == 0)
            return f->dir + strlen("/category/");
    }
    return NULL;
}

static int
add_category(int64_t id, const char *path, void *arg)
{
    struct builder *b = arg;
    const char *last = strrchr(path, '/'), *parent = NULL, *slug;
    struct plan_feed *f = add_feed(b->p, STORE_GROUP_CATEGORY, path);
    struct buf want = BUF_INIT, dir = BUF_INIT;
    const char *q;

    (void)id;
    if (last != NULL)
        parent = parent_slug(b->p, path, (size_t)(last - path));
    for (q = path; *q; q++)
        f->depth += *q == '/';
    if (parent != NULL)
        buf_appendf(&want, "%.*s", (int)(strlen(parent) - 1), parent);
    if (want.len > 0)
        buf_putc(&want, '/');
    slug_derive(b->c, last ? last + 1 : path, &want);
    slug = slug_set_claim(&b->slugs[STORE_GROUP_CATEGORY], want.data, path);
    buf_appendf(&dir, "/category/%s/", slug);
    f->dir = buf_detach(&dir, NULL);
    set_title(f, b->c, last ? last + 1 : path);
    buf_release(&want);
    return 0;
}

static int
add_named(int64_t id, const char *name, void *arg)
{
    struct builder *b = arg;
    struct plan_feed *f = add_feed(b->p, b->kind, name);
    struct buf want = BUF_INIT, dir = BUF_INIT;

    (void)id;
    slug_derive(b->c, name, &want);
    buf_appendf(&dir, "/%s/%s/", kind_dir[b->kind],
                slug_set_claim(&b->slugs[b->kind], want.data, name));
    f->dir = buf_detach(&dir, NULL);
    set_title(f, b->c, name);
    buf_release(&want);
    return 0;
}

/* cmp_path: category paths part by part, so that a node is followed by
 * its descendants ("a", "a/b", "a-c": '-' sorts before '/'). */
static int
cmp_path(const char *a, const char *b)
{
    for (; *a && *a == *b; a++, b++)
        ;
    if (*a == '/' && *b != '\0')
        return -1;
    if (*b == '/' && *a != '\0')
        return 1;
    return (unsigned char)*a - (unsigned char)*b;
}

static int
cmp_listing(const void *x, const void *y)
{
    const struct plan_feed *a = x, *b = y;

    if (a->kind != b->kind)
        return a->kind - b->kind;
    if (a->name == NULL || b->name == NULL)
        return (a->name != NULL) - (b->name != NULL);
    if (a->kind == STORE_GROUP_CATEGORY)
        return cmp_path(a->name, b->name);
    return strcmp(a->name, b->name);
}

static int
collect_groups(struct builder *b, struct store *s, struct err *err)
{
    struct plan_feed *site = add_feed(b->p, STORE_GROUP_SITE, NULL);

    site->dir = xstrdup("/");
    set_title(site, b->c, b->c->site_title);
    if (store_each_group(s, STORE_GROUP_CATEGORY, add_category, b, err) < 0)
        return -1;
    b->kind = STORE_GROUP_SOURCE;
    if (store_each_group(s, STORE_GROUP_SOURCE, add_named, b, err) < 0)
        return -1;
    b->kind = STORE_GROUP_AUTHOR;
    return store_each_group(s, STORE_GROUP_AUTHOR, add_named, b, err);
}

/* ---- lookups ------------------------------------------------------------ */

static int
cmp_index(const struct plan_feed *feeds, size_t a, size_t b, int by_id)
{
    if (by_id)
        return (feeds[a].id > feeds[b].id) - (feeds[a].id < feeds[b].id);
    return strcmp(feeds[a].key, feeds[b].key);
}

/* sort_index: a merge sort of indexes into feeds (qsort has no context
 * argument, and a global would be mutable state). */
static void
sort_index(const struct plan_feed *feeds, size_t *v, size_t *tmp, size_t n,
           int by_id)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;

    if (n < 2)
        return;
    sort_index(feeds, v, tmp, mid, by_id);
    sort_index(feeds, v + mid, tmp, n - mid, by_id);
    while (i < mid && j < n)
        tmp[k++] = cmp_index(feeds, v[i], v[j], by_id) <= 0 ? v[i++] : v[j++];
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

static void
build_indexes(struct render_plan *p)
{
    size_t *tmp = xreallocarray(NULL, p->nfeeds + 1, sizeof(*tmp)), i;

    p->by_key = xreallocarray(p->by_key, p->nfeeds + 1, sizeof(*p->by_key));
    p->by_id = xreallocarray(p->by_id, p->nfeeds + 1, sizeof(*p->by_id));
    for (i = 0; i < p->nfeeds; i++)
        p->by_key[i] = p->by_id[i] = i;
    sort_index(p->feeds, p->by_key, tmp, p->nfeeds, 0);
    sort_index(p->feeds, p->by_id, tmp, p->nfeeds, 1);
    free(tmp);
}

struct plan_feed *
render_plan_find(const struct render_plan *p, const char *key)
{
    size_t lo = 0, hi = p->nfeeds;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(p->feeds[p->by_key[mid]].key, key);

        if (c == 0)
            return &p->feeds[p->by_key[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static struct plan_feed *
find_id(const struct render_plan *p, int64_t id)
{
    size_t lo = 0, hi = p->nfeeds;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int64_t v = p->feeds[p->by_id[mid]].id;

        if (v == id)
            return &p->feeds[p->by_id[mid]];
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- feeds rows --------------------------------------------------------- */

static int
drop_stale(int64_t id, const char *key, int64_t next, void *arg)
{
    struct render_plan *p = arg;

    (void)next;
    if (render_plan_find(p, key) != NULL)
        return 0;
    p->articles =
        xreallocarray(p->articles, p->narticles + 1, sizeof(*p->articles));
    p->articles[p->narticles++] = id; /* removed after the walk */
    return 0;
}

static int
sync_rows(struct render_plan *p, struct store *s, struct err *err)
{
    size_t i;

    for (i = 0; i < p->nfeeds; i++)
        if (store_feed_find(s, p->feeds[i].key, &p->feeds[i].id,
                            &p->feeds[i].next, err) < 0)
            return -1;
    /* p->articles doubles as the list of stale rows until reconcile */
    if (store_each_feed(s, drop_stale, p, err) < 0)
        return -1;
    for (i = 0; i < p->narticles; i++)
        if (store_feed_remove(s, p->articles[i], err) < 0)
            return -1;
    p->narticles = 0;
    return 0;
}

int
render_plan_build(struct render_plan *p, struct store *s, const struct conf *c,
                  struct err *err)
{
    struct builder b;
    int i, rc;

    memset(p, 0, sizeof(*p));
    memset(&b, 0, sizeof(b));
    p->page_size = c->site_archive_page;
    b.p = p;
    b.c = c;
    for (i = 0; i < 4; i++)
        slug_set_init(&b.slugs[i]);
    rc = collect_groups(&b, s, err);
    for (i = 0; i < 4; i++)
        slug_set_release(&b.slugs[i]);
    if (rc < 0)
        return -1;
    qsort(p->feeds, p->nfeeds, sizeof(*p->feeds), cmp_listing);
    build_indexes(p);
    if (sync_rows(p, s, err) < 0)
        return -1;
    build_indexes(p); /* row ids are known now */
    return 0;
}

void
render_plan_release(struct render_plan *p)
{
    size_t i;

    for (i = 0; i < p->nfeeds; i++) {
        struct plan_feed *f = &p->feeds[i];

        free(f->name);
        free(f->key);
        free(f->dir);
        free(f->title);
        free(f->label);
        free(f->pages);
    }
    free(p->feeds);
    free(p->by_key);
    free(p->by_id);
    free(p->articles);
    memset(p, 0, sizeof(*p));
}

/* ---- reconciling archive positions -------------------------------------- */

/* One article written since the last render. */
struct member {
    int64_t id;
    int exists;
    char *category, *source, *author;
};

struct members {
    struct member *v;
    size_t len, cap;
};

static int
collect_member(const struct store_member *m, void *arg)
{
    struct members *ms = arg;
    struct member *x;

    if (ms->len == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 256;
        ms->v = xreallocarray(ms->v, ms->cap, sizeof(*ms->v));
    }
    x = &ms->v[ms->len++];
    x->id = m->id;
    x->exists = m->exists;
    x->category = m->category ? xstrdup(m->category) : NULL;
    x->source = m->source ? xstrdup(m->source) : NULL;
    x->author = m->author ? xstrdup(m->author) : NULL;
    return 0;
}

static void
members_release(struct members *ms)
{
    size_t i;

    for (i = 0; i < ms->len; i++) {
        free(ms->v[i].category);
        free(ms->v[i].source);
        free(ms->v[i].author);
    }
    free(ms->v);
}

/* The positions one article holds, and the feeds it is in now. */
struct holding {
    int64_t *feed, *pos;
    int *kept;
    size_t len, cap;
    struct plan_feed **now;
    size_t nnow, capnow;
};

static int
add_holding(int64_t feed, int64_t pos, void *arg)
{
    struct holding *h = arg;

    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->feed = xreallocarray(h->feed, h->cap, sizeof(*h->feed));
        h->pos = xreallocarray(h->pos, h->cap, sizeof(*h->pos));
        h->kept = xreallocarray(h->kept, h->cap, sizeof(*h->kept));
    }
    h->feed[h->len] = feed;
    h->pos[h->len] = pos;
    h->kept[h->len++] = 0;
    return 0;
}

static void
add_now(struct holding *h, const struct render_plan *p, const char *kind,
        const char *name, size_t n)
{
    struct buf key = BUF_INIT;
    struct plan_feed *f;

    if (name == NULL)
        buf_puts(&key, kind);
    else
        buf_appendf(&key, "%s:%.*s", kind, (int)n, name);
    if ((f = render_plan_find(p, key.data)) != NULL) {
        if (h->nnow == h->capnow) {
            h->capnow = h->capnow ? h->capnow * 2 : 8;
            h->now = xreallocarray(h->now, h->capnow, sizeof(*h->now));
        }
        h->now[h->nnow++] = f;
    }
    buf_release(&key);
}

/* feeds_now: the feeds m is in: the site, its category and every
 * ancestor, its source and its author. */
static void
feeds_now(struct holding *h, const struct render_plan *p,
          const struct member *m)
{
    const char *c = m->category, *q;

    h->nnow = 0;
    if (!m->exists)
        return;
    add_now(h, p, "site", NULL, 0);
    for (q = c; c != NULL; q++) {
        if (*q == '/' || *q == '\0')
            add_now(h, p, "category", c, (size_t)(q - c));
        if (*q == '\0')
            break;
    }
    if (m->source != NULL)
        add_now(h, p, "source", m->source, strlen(m->source));
    if (m->author != NULL)
        add_now(h, p, "author", m->author, strlen(m->author));
}

static void
mark_page(struct plan_feed *f, int64_t page)
{
    if (f->npages == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->pages = xreallocarray(f->pages, f->cap, sizeof(*f->pages));
    }
    f->pages[f->npages++] = page;
    f->dirty = 1;
}

static void
mark_article(struct render_plan *p, int64_t id)
{
    if (p->narticles == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->articles = xreallocarray(p->articles, p->cap, sizeof(*p->articles));
    }
    p->articles[p->narticles++] = id;
}

/* leave_old: positions in feeds the article has left are freed; those
 * in feeds it is still in are kept.  Either way the page is marked. */
static int
leave_old(struct render_plan *p, struct store *s, struct holding *h,
          struct err *err)
{
    size_t i, j;

    for (i = 0; i < h->len; i++) {
        struct plan_feed *f = find_id(p, h->feed[i]);

        if (f == NULL)
            continue;
        mark_page(f, h->pos[i] / p->page_size + 1);
        for (j = 0; j < h->nnow; j++)
            if (h->now[j] == f)
                h->kept[i] = 1;
        if (!h->kept[i] &&
            store_archive_remove(s, h->feed[i], h->pos[i], err) < 0)
            return -1;
    }
    return 0;
}

/* join_new: a feed the article was not in gives it its next position. */
static int
join_new(struct render_plan *p, struct store *s, const struct holding *h,
         int64_t article, struct err *err)
{
    size_t i, j;

    for (j = 0; j < h->nnow; j++) {
        struct plan_feed *f = h->now[j];
        int held = 0;
        int64_t pos;

        for (i = 0; i < h->len; i++)
            held |= h->kept[i] && find_id(p, h->feed[i]) == f;
        if (held)
            continue;
        pos = f->next++;
        if (store_archive_add(s, f->id, pos, article, err) < 0)
            return -1;
        mark_page(f, pos / p->page_size + 1);
        if (pos > 0 && pos % p->page_size == 0)
            mark_page(f, pos / p->page_size); /* gains next-archive */
    }
    return 0;
}

static int
reconcile_one(struct render_plan *p, struct store *s, const struct member *m,
              struct holding *h, struct err *err)
{
    h->len = 0;
    if (store_archive_of(s, m->id, add_holding, h, err) < 0)
        return -1;
    feeds_now(h, p, m);
    if (leave_old(p, s, h, err) < 0 || join_new(p, s, h, m->id, err) < 0)
        return -1;
    if (m->exists)
        mark_article(p, m->id);
    return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int
save_next(struct render_plan *p, struct store *s, const int64_t *before,
          struct err *err)
{
    size_t i;

    for (i = 0; i < p->nfeeds; i++) {
        struct plan_feed *f = &p->feeds[i];

        if (f->next != before[i] &&
            store_feed_set_next(s, f->id, f->next, err) < 0)
            return -1;
        if (f->npages > 1)
            qsort(f->pages, f->npages, sizeof(*f->pages), cmp_i64);
    }
    if (p->narticles > 1)
        qsort(p->articles, p->narticles, sizeof(*p->articles), cmp_i64);
    return 0;
}

int
render_plan_reconcile(struct render_plan *p, struct store *s, int64_t since,
                      struct err *err)
{
    struct members ms = { NULL, 0, 0 };
    struct holding h;
    int64_t *before = xreallocarray(NULL, p->nfeeds + 1, sizeof(*before));
    size_t i;
    int rc = -1;

    memset(&h, 0, sizeof(h));
    for (i = 0; i < p->nfeeds; i++)
        before[i] = p->feeds[i].next;
    /* collected first: the walk's statement must not see its own writes */
    if (store_each_changed(s, since, collect_member, &ms, err) < 0)
        goto out;
    for (i = 0; i < ms.len; i++)
        if (reconcile_one(p, s, &ms.v[i], &h, err) < 0)
            goto out;
    rc = save_next(p, s, before, err);
out:
    members_release(&ms);
    free(h.feed);
    free(h.pos);
    free(h.kept);
    free(h.now);
    free(before);
    return rc;
}

int64_t
render_plan_pages(const struct render_plan *p, const struct plan_feed *f)
{
    return (f->next + p->page_size - 1) / p->page_size;
}

int
render_plan_page_dirty(const struct plan_feed *f, int64_t page)
{
    return f->npages > 0 && bsearch(&page, f->pages, f->npages,
                                    sizeof(*f->pages), cmp_i64) != NULL;
}

int
render_plan_article_dirty(const struct render_plan *p, int64_t id)
{
    return p->narticles > 0 && bsearch(&id, p->articles, p->narticles,
                                       sizeof(*p->articles), cmp_i64) != NULL;
}
