/*
 * render_atom: Atom 1.0.  Entries are fragments at depth 1 (feed > entry).
 * Field by field as the feed conventions fix it: id is the feed id (in a
 * tag: URI when it is no absolute IRI, see article_atom_id); the
 * alternate link is the article's own URL, else its page on the site, and
 * an article with its own URL also links its site page as rel="related";
 * title and summary are type="text", the body is type="html" (escaped);
 * the source is <dc:publisher>; the category path is one term.
 */
#include "tidings/render_atom.h"

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/render_feed.h"
#include "tidings/url.h"
#include "tidings/xwriter.h"

#define NS_HISTORY "http://purl.org/syndication/history/1.0"

static void
link(struct xwriter *w, const char *rel, const char *type, const char *href)
{
    if (href == NULL)
        return;
    xwriter_start(w, "link");
    xwriter_attr(w, "rel", rel);
    xwriter_attr(w, "type", type);
    xwriter_attr(w, "href", href);
    xwriter_end(w);
}

static void
typed(struct xwriter *w, const char *name, const char *type, const char *s)
{
    if (s == NULL)
        return;
    xwriter_start(w, name);
    xwriter_attr(w, "type", type);
    xwriter_text(w, s);
    xwriter_end(w);
}

static void
date(struct xwriter *w, const char *name, int64_t t, int offset)
{
    char s[DATE_MAX];

    date_format_rfc3339(t, offset, s);
    xwriter_element(w, name, s);
}

static void
author(struct xwriter *w, const char *name)
{
    if (name == NULL)
        return;
    xwriter_start(w, "author");
    xwriter_element(w, "name", name);
    xwriter_end(w);
}

/* entry_id: the feed id, or the tag: URI that carries one that is no
 * absolute IRI, as Atom requires (article_atom_id). */
static void
entry_id(struct xwriter *w, const char *feed_id, const char *site)
{
    struct buf id = BUF_INIT;

    if (url_is_iri(feed_id)) {
        xwriter_element(w, "id", feed_id);
        return;
    }
    article_atom_id(feed_id, site, &id);
    xwriter_element(w, "id", id.data);
    buf_release(&id);
}

void
render_atom_entry(const struct conf *c, const struct render_item *it,
                  struct xwriter *w)
{
    const struct article *a = it->a;

    xwriter_set_trusted(w, it->clean);
    xwriter_start(w, "entry");
    entry_id(w, a->feed_id, c->site_base_url);
    typed(w, "title", "text", a->title);
    link(w, "alternate", "text/html", it->link);
    if (it->has_url)
        link(w, "related", "text/html", it->page);
    date(w, "published", a->published, c->site_tz_offset);
    date(w, "updated", a->updated, c->site_tz_offset);
    author(w, a->author);
    xwriter_element(w, "dc:publisher", a->source);
    if (a->category != NULL) {
        xwriter_start(w, "category");
        xwriter_attr(w, "term", a->category);
        xwriter_end(w);
    }
    typed(w, "summary", "text", a->summary);
    if (it->full)
        typed(w, "content", "html", a->body);
    xwriter_end(w);
    xwriter_set_trusted(w, 0);
}

static void
feed_head(struct xwriter *w, const struct render_feed *f)
{
    const struct conf *c = f->conf;

    xwriter_element(w, "id", f->self);
    typed(w, "title", "text", f->title);
    if (*c->site_description)
        typed(w, "subtitle", "text", c->site_description);
    date(w, "updated", f->updated, c->site_tz_offset);
    if (f->is_archive) {
        xwriter_start(w, "fh:archive");
        xwriter_end(w);
    }
    link(w, "self", "application/atom+xml", f->self);
    link(w, "alternate", "text/html", f->home);
    link(w, "current", "application/atom+xml", f->current);
    link(w, "hub", NULL, f->hub);
    link(w, "prev-archive", "application/atom+xml", f->prev_archive);
    link(w, "next-archive", "application/atom+xml", f->next_archive);
    author(w, c->site_title);
    xwriter_element(w, "generator", RENDER_GENERATOR);
}

int
render_atom_feed(const struct render_feed *f, const struct render_item *v,
                 size_t n, struct buf *out, size_t *used, struct err *err)
{
    struct xwriter *w = xwriter_new(out, 1);
    size_t start = out->len;

    xwriter_declaration(w);
    render_feed_stylesheet(w, f->stylesheet);
    xwriter_start(w, "feed");
    xwriter_attr(w, "xmlns", RENDER_NS_ATOM);
    xwriter_attr(w, "xmlns:dc", RENDER_NS_DC);
    if (f->is_archive)
        xwriter_attr(w, "xmlns:fh", NS_HISTORY);
    xwriter_attr(w, "xml:lang", f->conf->site_language);
    feed_head(w, f);
    *used = render_feed_items(f, start, v, n, render_atom_entry, w, out);
    return xwriter_finish(w, err);
}
