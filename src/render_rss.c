/*
 * render_rss: RSS 2.0.  Items are fragments written at the depth they take
 * in the document (rss > channel > item), so the document is one indented
 * whole.  Field by field as the feed conventions fix it: guid is the feed
 * id with isPermaLink="true" exactly when it equals the link; the summary
 * (plain text) as HTML in <description> and the body in
 * <content:encoded>, both written as escaped text;
 * the source in <dc:publisher>; the category path in one <category>.
 */
#include "tidings/render_rss.h"

#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/html.h"
#include "tidings/render_feed.h"
#include "tidings/xwriter.h"

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"

/* description: the summary, plain text, as HTML: readers take an item's
 * description for HTML (the RSS 2.0 convention), so "a<b" written only
 * as XML text would reach them as a tag and eat the text after it. */
static void
description(struct xwriter *w, const char *summary, int clean)
{
    struct buf html = BUF_INIT;

    if (summary == NULL)
        return;
    if (clean)
        html_append_escaped(&html, summary, strlen(summary));
    else
        html_append_text(&html, summary, strlen(summary));
    xwriter_element(w, "description", html.data);
    buf_release(&html);
}

void
render_rss_item(const struct conf *c, const struct render_item *it,
                struct xwriter *w)
{
    const struct article *a = it->a;
    char date[DATE_MAX];

    xwriter_set_trusted(w, it->clean);
    xwriter_start(w, "item");
    xwriter_element(w, "title", a->title);
    xwriter_element(w, "link", it->link);
    xwriter_start(w, "guid");
    xwriter_attr(w, "isPermaLink",
                 strcmp(a->feed_id, it->link) == 0 ? "true" : "false");
    xwriter_text(w, a->feed_id);
    xwriter_end(w);
    date_format_rfc822(a->published, c->site_tz_offset, date);
    xwriter_element(w, "pubDate", date);
    xwriter_element(w, "dc:creator", a->author);
    xwriter_element(w, "dc:publisher", a->source);
    xwriter_element(w, "category", a->category);
    description(w, a->summary, it->clean);
    if (it->full)
        xwriter_element(w, "content:encoded", a->body);
    xwriter_end(w);
    xwriter_set_trusted(w, 0);
}

static void
atom_link(struct xwriter *w, const char *rel, const char *type,
          const char *href)
{
    if (href == NULL)
        return;
    xwriter_start(w, "atom:link");
    xwriter_attr(w, "href", href);
    xwriter_attr(w, "rel", rel);
    xwriter_attr(w, "type", type);
    xwriter_end(w);
}

/* channel_head: a feed without items has no date to build from (an
 * empty store), and lastBuildDate, which RSS does not require, is left
 * out rather than given the clock's time or 1970's. */
static void
channel_head(struct xwriter *w, const struct render_feed *f, size_t n)
{
    const struct conf *c = f->conf;
    char date[DATE_MAX];

    xwriter_element(w, "title", f->title);
    xwriter_element(w, "link", f->home);
    xwriter_element(w, "description",
                    *c->site_description ? c->site_description : c->site_title);
    xwriter_element(w, "language", c->site_language);
    date_format_rfc822(f->updated, c->site_tz_offset, date);
    if (n > 0)
        xwriter_element(w, "lastBuildDate", date);
    xwriter_element(w, "generator", RENDER_GENERATOR);
    xwriter_element(w, "docs", "https://www.rssboard.org/rss-specification");
    atom_link(w, "self", "application/rss+xml", f->self);
    atom_link(w, "hub", NULL, f->hub);
    atom_link(w, "prev-archive", "application/atom+xml", f->prev_archive);
}

int
render_rss_feed(const struct render_feed *f, const struct render_item *v,
                size_t n, struct buf *out, size_t *used, struct err *err)
{
    struct xwriter *w = xwriter_new(out, 1);
    size_t start = out->len;

    xwriter_declaration(w);
    render_feed_stylesheet(w, f->stylesheet);
    xwriter_start(w, "rss");
    xwriter_attr(w, "version", "2.0");
    xwriter_attr(w, "xmlns:atom", RENDER_NS_ATOM);
    xwriter_attr(w, "xmlns:content", NS_CONTENT);
    xwriter_attr(w, "xmlns:dc", RENDER_NS_DC);
    xwriter_start(w, "channel");
    channel_head(w, f, n);
    *used = render_feed_items(f, start, v, n, render_rss_item, w, out);
    return xwriter_finish(w, err);
}
