/*
 * fuzz_render: every renderer on articles whose fields are arbitrary
 * bytes.  The input is cut at 0xFF bytes into the fields of two articles
 * (title, summary, body, category, source, author, feed id, url) and a
 * feed title; dates come from the first bytes.  Every document must parse:
 * RSS, Atom (current and archive), OPML and the stylesheet as well-formed
 * XML with libxml2, JSON Feed with json.c.  A failure aborts, which
 * libFuzzer reports like a crash.
 */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/json.h"
#include "tidings/render_atom.h"
#include "tidings/render_feed.h"
#include "tidings/render_html.h"
#include "tidings/render_json.h"
#include "tidings/render_opml.h"
#include "tidings/render_rss.h"
#include "tidings/render_xsl.h"
#include "tidings/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 17

static void
must_parse_xml(const struct buf *b)
{
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "f.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);

    if (doc == NULL)
        abort();
    xmlFreeDoc(doc);
}

static void
must_parse_json(const struct buf *b)
{
    struct err err = ERR_INIT;
    struct json *j = json_parse(b->data, b->len, &err);

    if (j == NULL)
        abort();
    json_free(j);
}

/* fields: splits the input at 0xFF; missing fields are NULL. */
static void
fields(const uint8_t *data, size_t size, char *f[NFIELDS])
{
    size_t i, start = 0, n = 0;

    for (i = 0; i <= size && n < NFIELDS; i++) {
        if (i == size || data[i] == 0xFF) {
            f[n++] = xmemdup(data + start, i - start);
            start = i + 1;
        }
    }
    for (; n < NFIELDS; n++)
        f[n] = NULL;
}

static void
fill(struct article *a, char **f, int64_t when)
{
    article_init(a);
    a->id = 1;
    a->title = f[0] ? f[0] : (char *)(uintptr_t) "";
    a->summary = f[1];
    a->body = f[2];
    a->category = f[3];
    a->source = f[4];
    a->author = f[5];
    a->feed_id = f[6] ? f[6] : (char *)(uintptr_t) "";
    a->url = f[7];
    a->slug = (char *)(uintptr_t) "s";
    a->published = when;
    a->updated = when / 3;
}

static void
feeds(const struct conf *c, const struct render_item v[2], const char *t)
{
    struct render_feed f;
    struct buf b = BUF_INIT;
    struct err err = ERR_INIT;
    size_t used;

    memset(&f, 0, sizeof(f));
    f.conf = c;
    f.title = f.self = f.home = f.current = f.prev_archive = t;
    f.hub = t;
    f.stylesheet = "/news/feed.xsl"; /* from base_url, which has no "?" */
    f.updated = -5;
    render_rss_feed(&f, v, 2, &b, &used, &err);
    must_parse_xml(&b);
    buf_reset(&b);
    f.is_archive = 1;
    f.next_archive = t;
    f.max_bytes = 4096; /* cuts an item off, or not */
    render_atom_feed(&f, v, 2, &b, &used, &err);
    must_parse_xml(&b);
    buf_reset(&b);
    render_json_feed(&f, v, 2, &b, &used, &err);
    must_parse_json(&b);
    buf_release(&b);
}

static void
listings(const struct conf *c, char **f)
{
    struct render_listing v[3];
    struct buf b = BUF_INIT;
    struct err err = ERR_INIT;
    int i;

    for (i = 0; i < 3; i++) {
        v[i].kind = (enum render_kind)(i + 1);
        v[i].name = v[i].label = v[i].title = f[i] ? f[i] : "";
        v[i].dir = "/x/";
        v[i].depth = i;
    }
    render_opml(c, v, 3, &b, &err);
    must_parse_xml(&b);
    buf_reset(&b);
    render_html_index(c, v, 3, &b);
    buf_release(&b);
}

/* other_pages: the article page (HTML, not XML: only run, for the
 * sanitizers) and the stylesheet. */
static void
other_pages(const struct conf *c, const struct article *a)
{
    struct buf b = BUF_INIT;
    struct err err = ERR_INIT;

    render_html_article(c, a, "https://www.example.org/", &b);
    buf_reset(&b);
    render_xsl(c, &b, &err);
    must_parse_xml(&b);
    buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct render_item v[2];
    struct article a[2];
    struct conf c;
    char *f[NFIELDS];
    int64_t when = 0;
    int i;

    if (size >= 8)
        memcpy(&when, data, 8);
    when %= (int64_t)400000 * 86400 * 365; /* date.c covers years 1..9999 */
    fields(data, size, f);
    conf_init(&c);
    fill(&a[0], f, when);
    fill(&a[1], f + 8, -when);
    for (i = 0; i < 2; i++) {
        v[i].a = &a[i];
        v[i].page = "https://www.example.org/articles/s.html";
        v[i].link = a[i].url ? a[i].url : v[i].page;
        v[i].has_url = a[i].url != NULL;
        v[i].full = i == 0;
        render_item_check(&v[i]);
    }
    feeds(&c, v, f[16] ? f[16] : "");
    listings(&c, f);
    other_pages(&c, &a[0]);
    for (i = 0; i < NFIELDS; i++)
        free(f[i]);
    conf_release(&c);
    return 0;
}
