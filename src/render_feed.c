/*
 * render_feed: the pieces the feed renderers share.  Items are written by
 * the document's own writer straight into its buffer, and one that passes
 * the budget is cut off again; RENDER_TAIL_MAX bounds what each format
 * writes after its last item.
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

size_t
render_feed_items(const struct render_feed *f, size_t doc_start,
                  const struct render_item *v, size_t n, render_item_fn fn,
                  struct xwriter *w, struct buf *out)
{
    size_t i, mark;

    for (i = 0; i < n; i++) {
        if (xwriter_flush(w) < 0)
            break;
        mark = out->len;
        fn(f->conf, &v[i], w);
        if (xwriter_flush(w) < 0)
            break;
        if (!render_feed_fits(f, out->len - doc_start)) {
            buf_truncate(out, mark);
            break;
        }
    }
    return i;
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
