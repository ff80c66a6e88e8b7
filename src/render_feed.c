/*
 * render_feed: the pieces the feed renderers share.  The budget is decided
 * from fragment sizes before anything is written, so a document is written
 * once; RENDER_TAIL_MAX bounds what each format writes after its last
 * item.
 */
#include "tidings/render_feed.h"

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/xwriter.h"

size_t
render_feed_fit(size_t head, const struct render_frag *v, size_t n, size_t sep,
                size_t max)
{
    size_t used = head + RENDER_TAIL_MAX, i;

    if (max == 0)
        return n;
    for (i = 0; i < n; i++) {
        used += v[i].len + (i > 0 ? sep : 0);
        if (used > max)
            break;
    }
    return i;
}

void
render_feed_page_url(const struct conf *c, const char *slug, struct buf *out)
{
    buf_appendf(out, "%s/articles/%s.html", c->site_base_url, slug);
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
