/*
 * render_feed: the pieces the feed renderers share.  Items are written by
 * the document's own writer straight into its buffer, and one that passes
 * the budget is cut off again and written without its body; one that does
 * not fit even so is left out, and the older items that follow still go
 * in as far as they fit: one long article must not empty a feed.
 * RENDER_TAIL_MAX bounds what each format writes after its last item.
 */
#include "tidings/render_feed.h"

#include <string.h>

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/article.h"
#include "tidings/err.h"
#include "tidings/utf8.h"
#include "tidings/xwriter.h"

int
render_feed_fits(const struct render_feed *f, size_t len)
{
    return f->max_bytes == 0 || len + RENDER_TAIL_MAX <= f->max_bytes;
}

int
render_feed_put(const struct render_feed *f, size_t doc_start,
                const struct render_item *it, render_put_fn put, void *arg,
                struct buf *out)
{
    struct render_item lean = *it;
    size_t mark = out->len;

    for (;;) {
        if (put(arg, &lean, out) < 0)
            return -1;
        if (render_feed_fits(f, out->len - doc_start))
            return 1;
        buf_truncate(out, mark);
        if (!lean.full)
            return 0;
        lean.full = 0;
    }
}

/* An XML format's items, written with the document's writer. */
struct xml_put {
    const struct conf *conf;
    render_item_fn fn;
    struct xwriter *w;
};

static int
xml_put(void *arg, const struct render_item *it, struct buf *out)
{
    struct xml_put *x = arg;

    (void)out; /* the writer's own buffer */
    x->fn(x->conf, it, x->w);
    return xwriter_flush(x->w);
}

size_t
render_feed_items(const struct render_feed *f, size_t doc_start,
                  const struct render_item *v, size_t n, render_item_fn fn,
                  struct xwriter *w, struct buf *out)
{
    struct xml_put x = { f->conf, fn, w };
    size_t i, used = 0;
    int rc = 0;

    for (i = 0; i < n && rc >= 0; i++) {
        /* out->len is then where the item starts */
        if ((rc = xwriter_flush(w)) == 0 &&
            (rc = render_feed_put(f, doc_start, &v[i], xml_put, &x, out)) > 0)
            used++;
    }
    return used;
}

static int
is_clean(const char *s)
{
    return s == NULL || utf8_is_xml_str(s);
}

void
render_item_check(struct render_item *it)
{
    const struct article *a = it->a;

    it->clean = is_clean(a->title) && is_clean(a->summary) &&
                (!it->full || is_clean(a->body)) && is_clean(a->category) &&
                is_clean(a->source) && is_clean(a->author) &&
                is_clean(a->feed_id) && is_clean(it->link) &&
                is_clean(it->page);
}

void
render_feed_page_url(const struct conf *c, const char *slug, struct buf *out)
{
    buf_puts(out, c->site_base_url);
    buf_puts(out, "/articles/");
    buf_puts(out, slug);
    buf_puts(out, ".html");
}

int
render_feed_stylesheet(struct xwriter *w, const char *href)
{
    struct buf pi = BUF_INIT;
    int rc;

    if (href == NULL)
        return 0;
    buf_appendf(&pi, "type=\"text/xsl\" href=\"%s\"", href);
    rc = xwriter_pi(w, "xml-stylesheet", pi.data);
    buf_release(&pi);
    return rc;
}
