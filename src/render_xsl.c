/*
 * render_xsl: the stylesheet, written with xmlTextWriter like every other
 * XML document.  One template serves both RSS and Atom: every XPath is a
 * union of the RSS and the Atom form of the same thing.
 */
#include "tidings/render_xsl.h"

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/render_feed.h"
#include "tidings/xwriter.h"

#define NS_XSL "http://www.w3.org/1999/XSL/Transform"

static const char css[] =
    "body{max-width:42em;margin:2em auto;padding:0 1em;"
    "font:16px/1.7 system-ui,sans-serif;color:#222}"
    "a{color:#05c}.meta{color:#666;font-size:.9em}"
    ".hint{background:#fff8d6;border:1px solid #e6d784;padding:.8em 1em;"
    "border-radius:6px}code{word-break:break-all}";

static void
value_of(struct xwriter *w, const char *select)
{
    xwriter_start(w, "xsl:value-of");
    xwriter_attr(w, "select", select);
    xwriter_end(w);
}

/* element_of: <name [class=cls]><xsl:value-of select=.../></name> */
static void
element_of(struct xwriter *w, const char *name, const char *cls,
           const char *select)
{
    xwriter_start(w, name);
    xwriter_attr(w, "class", cls);
    value_of(w, select);
    xwriter_end(w);
}

static void
page_head(struct xwriter *w)
{
    xwriter_start(w, "head");
    xwriter_start(w, "meta");
    xwriter_attr(w, "name", "viewport");
    xwriter_attr(w, "content", "width=device-width, initial-scale=1");
    xwriter_end(w);
    element_of(w, "title", NULL, "rss/channel/title|atom:feed/atom:title");
    xwriter_element(w, "style", css);
    xwriter_end(w);
}

static void
hint(struct xwriter *w)
{
    xwriter_start(w, "p");
    xwriter_attr(w, "class", "hint");
    xwriter_text(w,
                 "这是一个订阅源（feed）。把下面的地址复制到阅读器中即可订阅。"
                 " This is a web feed: copy its address into your feed "
                 "reader to subscribe. ");
    element_of(w, "code", NULL,
               "rss/channel/atom:link[@rel='self']/@href|"
               "atom:feed/atom:link[@rel='self']/@href");
    xwriter_end(w);
}

static void
items(struct xwriter *w)
{
    xwriter_start(w, "xsl:for-each");
    xwriter_attr(w, "select", "rss/channel/item|atom:feed/atom:entry");
    xwriter_start(w, "article");
    xwriter_start(w, "h2");
    xwriter_start(w, "a");
    xwriter_attr(w, "href", "{link|atom:link[@rel='alternate']/@href}");
    value_of(w, "title|atom:title");
    xwriter_end(w);
    xwriter_end(w);
    xwriter_start(w, "p");
    xwriter_attr(w, "class", "meta");
    value_of(w, "pubDate|atom:published");
    xwriter_text(w, " · ");
    value_of(w, "dc:creator|atom:author/atom:name");
    xwriter_end(w);
    element_of(w, "p", NULL, "description|atom:summary");
    xwriter_end(w);
    xwriter_end(w);
}

static void
body(struct xwriter *w)
{
    xwriter_start(w, "body");
    hint(w);
    element_of(w, "h1", NULL, "rss/channel/title|atom:feed/atom:title");
    element_of(w, "p", "meta",
               "rss/channel/description|atom:feed/atom:subtitle");
    items(w);
    xwriter_end(w);
}

int
render_xsl(const struct conf *c, struct buf *out, struct err *err)
{
    struct xwriter *w = xwriter_new(out, 1);

    xwriter_declaration(w);
    xwriter_start(w, "xsl:stylesheet");
    xwriter_attr(w, "version", "1.0");
    xwriter_attr(w, "xmlns:xsl", NS_XSL);
    xwriter_attr(w, "xmlns:atom", RENDER_NS_ATOM);
    xwriter_attr(w, "xmlns:dc", RENDER_NS_DC);
    xwriter_attr(w, "exclude-result-prefixes", "atom dc");
    xwriter_start(w, "xsl:output");
    xwriter_attr(w, "method", "html");
    xwriter_attr(w, "encoding", "utf-8");
    xwriter_attr(w, "doctype-system", "about:legacy-compat");
    xwriter_end(w);
    xwriter_start(w, "xsl:template");
    xwriter_attr(w, "match", "/");
    xwriter_start(w, "html");
    xwriter_attr(w, "lang", c->site_language);
    page_head(w);
    body(w);
    return xwriter_finish(w, err);
}
