/*
 * render_html: plain, dependency-free HTML5 written with struct buf and
 * html_append_text.  Pages carry no dates of their own making and no
 * counts, so a page changes only when what it shows changes.
 */
#include "tidings/render_html.h"

#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/html.h"
#include "tidings/render_feed.h"

static const char style[] =
    "<style>body{max-width:42em;margin:2em auto;padding:0 1em;"
    "font:16px/1.7 system-ui,sans-serif;color:#222}"
    "a{color:#05c}.meta{color:#666;font-size:.9em}"
    "li{margin:.2em 0}.f a{margin-left:.6em;font-size:.85em}</style>\n";

static void
text(struct buf *out, const char *s)
{
    html_append_text(out, s, strlen(s));
}

static void
head(struct buf *out, const struct conf *c, const char *title)
{
    buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
    text(out, c->site_language);
    buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\">\n<title>");
    text(out, title);
    buf_puts(out, "</title>\n");
}

static void
alternate(struct buf *out, const struct conf *c, const char *type,
          const char *title, const char *dir, const char *file)
{
    buf_appendf(out, "<link rel=\"alternate\" type=\"%s\" title=\"", type);
    text(out, title);
    buf_appendf(out, "\" href=\"%s%s%s\">\n", c->site_base_url, dir, file);
}

static void
alternates(struct buf *out, const struct conf *c,
           const struct render_listing *l)
{
    alternate(out, c, "application/rss+xml", l->title, l->dir, "rss.xml");
    alternate(out, c, "application/atom+xml", l->title, l->dir, "atom.xml");
    alternate(out, c, "application/feed+json", l->title, l->dir, "feed.json");
}

static void
feed_item(struct buf *out, const struct conf *c, const struct render_listing *l)
{
    buf_puts(out, "<li>");
    text(out, l->label);
    buf_puts(out, "<span class=\"f\">");
    buf_appendf(out, "<a href=\"%s%srss.xml\">RSS</a>", c->site_base_url,
                l->dir);
    buf_appendf(out, "<a href=\"%s%satom.xml\">Atom</a>", c->site_base_url,
                l->dir);
    buf_appendf(out, "<a href=\"%s%sfeed.json\">JSON</a>", c->site_base_url,
                l->dir);
    buf_puts(out, "</span>");
}

/* section: one <h2> and the list of feeds of one kind; categories nest
 * by depth. */
static void
section(struct buf *out, const struct conf *c, const struct render_listing *v,
        size_t n, enum render_kind kind, const char *heading)
{
    size_t i;
    int depth = -1, d;

    for (i = 0; i < n; i++) {
        if (v[i].kind != kind)
            continue;
        if (depth < 0)
            buf_appendf(out, "<h2>%s</h2>\n", heading);
        d = kind == RENDER_CATEGORY ? v[i].depth : 0;
        if (depth >= d)
            buf_puts(out, "</li>\n");
        for (; depth < d; depth++)
            buf_puts(out, "<ul>\n");
        for (; depth > d; depth--)
            buf_puts(out, "</ul></li>\n");
        feed_item(out, c, &v[i]);
    }
    for (; depth >= 0; depth--)
        buf_puts(out, "</li>\n</ul>\n");
}

void
render_html_index(const struct conf *c, const struct render_listing *v,
                  size_t n, struct buf *out)
{
    size_t i;

    head(out, c, c->site_title);
    for (i = 0; i < n; i++)
        if (v[i].kind == RENDER_SITE || v[i].kind == RENDER_CATEGORY)
            alternates(out, c, &v[i]);
    buf_puts(out, style);
    buf_puts(out, "</head>\n<body>\n<h1>");
    text(out, c->site_title);
    buf_puts(out, "</h1>\n");
    if (*c->site_description) {
        buf_puts(out, "<p>");
        text(out, c->site_description);
        buf_puts(out, "</p>\n");
    }
    section(out, c, v, n, RENDER_SITE, "All articles");
    section(out, c, v, n, RENDER_CATEGORY, "Categories");
    section(out, c, v, n, RENDER_SOURCE, "Sources");
    section(out, c, v, n, RENDER_AUTHOR, "Authors");
    buf_appendf(out,
                "<p class=\"meta\">Every feed at once: <a "
                "href=\"%s/feeds.opml\">feeds.opml</a></p>\n"
                "</body>\n</html>\n",
                c->site_base_url);
}

static void
meta_line(struct buf *out, const struct conf *c, const struct article *a)
{
    char iso[DATE_MAX], day[DATE_MAX];
    const char *parts[3];
    size_t i;

    date_format_rfc3339(a->published, c->site_tz_offset, iso);
    date_format_day(a->published, c->site_tz_offset, day);
    buf_appendf(out, "<p class=\"meta\"><time datetime=\"%s\">%s %.5s</time>",
                iso, day, iso + 11);
    parts[0] = a->source, parts[1] = a->author, parts[2] = a->category;
    for (i = 0; i < 3; i++) {
        if (parts[i] == NULL)
            continue;
        buf_puts(out, " · ");
        text(out, parts[i]);
    }
    buf_puts(out, "</p>\n");
}

void
render_html_article(const struct conf *c, const struct article *a,
                    const char *page, struct buf *out)
{
    struct buf title = BUF_INIT;

    buf_appendf(&title, "%s - %s", a->title, c->site_title);
    head(out, c, title.data);
    buf_release(&title);
    buf_puts(out, "<link rel=\"canonical\" href=\"");
    text(out, a->url ? a->url : page);
    buf_puts(out, "\">\n");
    buf_puts(out, style);
    buf_appendf(out, "</head>\n<body>\n<p class=\"meta\"><a href=\"%s/\">",
                c->site_base_url);
    text(out, c->site_title);
    buf_puts(out, "</a></p>\n<article>\n<h1>");
    text(out, a->title);
    buf_puts(out, "</h1>\n");
    meta_line(out, c, a);
    if (a->body != NULL) {
        buf_puts(out, a->body);
        buf_putc(out, '\n');
    }
    if (a->url != NULL) {
        buf_puts(out, "<p class=\"meta\"><a href=\"");
        text(out, a->url);
        buf_puts(out, "\">");
        text(out, a->url);
        buf_puts(out, "</a></p>\n");
    }
    buf_puts(out, "</article>\n</body>\n</html>\n");
}
