/*
 * render_json: JSON Feed 1.1, written with struct buf (there is no
 * libxml2 for JSON).  Members are written in a fixed order, one per line,
 * items as fragments at depth 2 joined by ",\n".  Field by field as the
 * feed conventions fix it: id is the feed id, url the link, summary and
 * content_html, dates in RFC 3339, authors, the category path as one tag,
 * and the source as _tidings.source.
 */
#include "tidings/render_json.h"

#include <stdio.h>
#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/render_feed.h"
#include "tidings/utf8.h"

#define SEP ",\n"

/* escape: the JSON form of clean text; runs that need no escape are
 * appended in one piece. */
static void
escape(struct buf *out, const char *s, size_t n)
{
    size_t i, start = 0;
    const char *rep;
    char u[8];

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"')
            rep = "\\\"";
        else if (c == '\\')
            rep = "\\\\";
        else if (c == '\n')
            rep = "\\n";
        else if (c == '\r')
            rep = "\\r";
        else if (c == '\t')
            rep = "\\t";
        else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 ((unsigned char)s[i + 2] == 0xA8 ||
                  (unsigned char)s[i + 2] == 0xA9)) {
            snprintf(u, sizeof(u), "\\u%04x",
                     (unsigned)(0x2000 | (unsigned char)s[i + 2]));
            rep = u;
        } else
            continue;
        buf_append(out, s + start, i - start);
        buf_puts(out, rep);
        start = i + 1 + (c == 0xE2 ? 2 : 0);
        i = start - 1;
    }
    buf_append(out, s + start, n - start);
}

void
render_json_string(struct buf *out, const char *s)
{
    size_t n = strlen(s);
    struct buf clean = BUF_INIT;

    buf_putc(out, '"');
    if (utf8_xml_span(s, n) == n) {
        escape(out, s, n);
    } else {
        utf8_append_xml(&clean, s, n);
        escape(out, clean.data, clean.len);
        buf_release(&clean);
    }
    buf_putc(out, '"');
}

/* member: `,\n<indent>"name": "value"` (no comma before the first). */
static void
member(struct buf *out, const char *indent, int *first, const char *name,
       const char *value)
{
    if (value == NULL)
        return;
    buf_appendf(out, "%s%s\"%s\": ", *first ? "" : SEP, indent, name);
    render_json_string(out, value);
    *first = 0;
}

static void
member_date(struct buf *out, const char *indent, int *first, const char *name,
            int64_t t, int offset)
{
    char s[DATE_MAX];

    date_format_rfc3339(t, offset, s);
    member(out, indent, first, name, s);
}

/* member_open: `,\n<indent>"name": ` followed by what the caller
 * writes. */
static void
member_open(struct buf *out, const char *indent, int *first, const char *name)
{
    buf_appendf(out, "%s%s\"%s\": ", *first ? "" : SEP, indent, name);
    *first = 0;
}

static void
named(struct buf *out, const char *name)
{
    buf_puts(out, "[{\"name\": ");
    render_json_string(out, name);
    buf_puts(out, "}]");
}

void
render_json_item(const struct conf *c, const struct render_item *it,
                 struct buf *out)
{
    static const char in[] = "      ";
    const struct article *a = it->a;
    int first = 1;

    buf_puts(out, "    {\n");
    member(out, in, &first, "id", a->feed_id);
    member(out, in, &first, "url", it->link);
    member(out, in, &first, "title", a->title);
    member(out, in, &first, "summary", a->summary);
    if (it->full)
        member(out, in, &first, "content_html", a->body);
    member_date(out, in, &first, "date_published", a->published,
                c->site_tz_offset);
    member_date(out, in, &first, "date_modified", a->updated,
                c->site_tz_offset);
    if (a->author != NULL) {
        member_open(out, in, &first, "authors");
        named(out, a->author);
    }
    if (a->category != NULL) {
        member_open(out, in, &first, "tags");
        buf_putc(out, '[');
        render_json_string(out, a->category);
        buf_putc(out, ']');
    }
    if (a->source != NULL) {
        member_open(out, in, &first, "_tidings");
        buf_puts(out, "{\"source\": ");
        render_json_string(out, a->source);
        buf_putc(out, '}');
    }
    buf_puts(out, "\n    }");
}

static void
feed_head(struct buf *out, const struct render_feed *f)
{
    static const char in[] = "  ";
    const struct conf *c = f->conf;
    int first = 1;

    buf_puts(out, "{\n");
    member(out, in, &first, "version", "https://jsonfeed.org/version/1.1");
    member(out, in, &first, "title", f->title);
    member(out, in, &first, "home_page_url", f->home);
    member(out, in, &first, "feed_url", f->self);
    member(out, in, &first, "description",
           *c->site_description ? c->site_description : c->site_title);
    member(out, in, &first, "language", c->site_language);
    member_open(out, in, &first, "authors");
    named(out, c->site_title);
    if (f->hub != NULL) {
        member_open(out, in, &first, "hubs");
        buf_puts(out, "[{\"type\": \"WebSub\", \"url\": ");
        render_json_string(out, f->hub);
        buf_puts(out, "}]");
    }
    if (f->prev_archive != NULL) {
        member_open(out, in, &first, "_tidings");
        buf_puts(out, "{\"prev_archive\": ");
        render_json_string(out, f->prev_archive);
        buf_putc(out, '}');
    }
    member_open(out, in, &first, "items");
    buf_putc(out, '[');
}

/* A JSON item with the separator before it (none before the first). */
struct json_put {
    const struct conf *conf;
    size_t used;
};

static int
json_put(void *arg, const struct render_item *it, struct buf *out)
{
    struct json_put *j = arg;

    buf_puts(out, j->used == 0 ? "\n" : SEP);
    render_json_item(j->conf, it, out);
    return 0;
}

int
render_json_feed(const struct render_feed *f, const struct render_item *v,
                 size_t n, struct buf *out, size_t *used, struct err *err)
{
    struct json_put j = { f->conf, 0 };
    size_t start = out->len, i;

    feed_head(out, f);
    for (i = 0; i < n; i++)
        if (render_feed_put(f, start, &v[i], json_put, &j, out) > 0)
            j.used++;
    *used = j.used;
    buf_puts(out, *used > 0 ? "\n  ]\n}\n" : "]\n}\n");
    if (buf_failed(out))
        return err_set(err, ERR_LIMIT, "document is larger than %zu bytes",
                       out->max);
    return 0;
}
