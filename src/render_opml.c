/*
 * render_opml: OPML 2.0 with xmlTextWriter.  Folders are flat (a category
 * outline carries its whole path) because readers treat an outline with
 * children as a folder and would drop the parent category's own feed.
 */
#include "tidings/render_opml.h"

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/render_feed.h"
#include "tidings/xwriter.h"

static void
outline(struct xwriter *w, const struct conf *c, const struct render_listing *l)
{
    struct buf url = BUF_INIT, home = BUF_INIT;

    buf_appendf(&url, "%s%srss.xml", c->site_base_url, l->dir);
    buf_appendf(&home, "%s/", c->site_base_url);
    xwriter_start(w, "outline");
    xwriter_attr(w, "text", l->name ? l->name : l->title);
    xwriter_attr(w, "title", l->title);
    xwriter_attr(w, "type", "rss");
    xwriter_attr(w, "xmlUrl", url.data);
    xwriter_attr(w, "htmlUrl", home.data);
    xwriter_end(w);
    buf_release(&url);
    buf_release(&home);
}

static void
folder(struct xwriter *w, const struct conf *c, const struct render_listing *v,
       size_t n, enum render_kind kind, const char *name)
{
    size_t i;
    int open = 0;

    for (i = 0; i < n; i++) {
        if (v[i].kind != kind)
            continue;
        if (!open) {
            xwriter_start(w, "outline");
            xwriter_attr(w, "text", name);
            open = 1;
        }
        outline(w, c, &v[i]);
    }
    if (open)
        xwriter_end(w);
}

int
render_opml(const struct conf *c, const struct render_listing *v, size_t n,
            struct buf *out, struct err *err)
{
    struct xwriter *w = xwriter_new(out, 1);
    size_t i;

    xwriter_declaration(w);
    xwriter_start(w, "opml");
    xwriter_attr(w, "version", "2.0");
    xwriter_start(w, "head");
    /* the title alone: the W3C validator's OPML rules know no <docs>
     * (an error there), and dates would have to come from the data */
    xwriter_element(w, "title", c->site_title);
    xwriter_end(w);
    xwriter_start(w, "body");
    for (i = 0; i < n; i++)
        if (v[i].kind == RENDER_SITE)
            outline(w, c, &v[i]);
    folder(w, c, v, n, RENDER_CATEGORY, "Categories");
    folder(w, c, v, n, RENDER_SOURCE, "Sources");
    folder(w, c, v, n, RENDER_AUTHOR, "Authors");
    return xwriter_finish(w, err);
}
