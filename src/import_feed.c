/*
 * import_feed: RSS and Atom items to articles, streamed.
 *
 * libxml2's push parser is fed the file in chunks and calls a SAX handler
 * of ours; no tree is built, so memory holds one item at a time whatever
 * the size of the feed.  The handler tracks the depth, the item (or
 * entry) that is open, and at most one field being captured: the text of
 * a known child of the item goes into that field's buffer (capped), and
 * for Atom type="xhtml" its elements are serialized as HTML too.  When
 * the item ends its fields become an article (feed conventions, see
 * import_feed.h) and go to the sink.
 *
 * The handler has no entity resolver: getEntity and getParameterEntity
 * answer NULL and entity declarations are not recorded, so the only
 * entities ever expanded are the predefined five (handled by libxml2
 * itself) and, in documents that name an external DTD, HTML's character
 * names through the reference callback.  Nothing external is loaded:
 * there is no resolveEntity and no externalSubset callback, and
 * XML_PARSE_NONET is set besides.
 */
#include "tidings/import_feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/diag.h"
#include "tidings/err.h"
#include "tidings/html.h"
#include "tidings/import.h"
#include "tidings/sanitize.h"
#include "tidings/url.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define NS_ATOM  "http://www.w3.org/2005/Atom"
#define NS_RSS1  "http://purl.org/rss/1.0/"
#define NS_RDF   "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_CONT  "http://purl.org/rss/1.0/modules/content/"
#define NS_DC    "http://purl.org/dc/elements/1.1/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_XML   "http://www.w3.org/XML/1998/namespace"

#define CHUNK     65536
#define MAX_DEPTH 300 /* libxml2 stops at 256 */
#define SMALL_MAX (64 * 1024)
#define LARGE_MAX (16 * 1024 * 1024)

enum kind { KIND_NONE, KIND_RSS, KIND_RDF, KIND_ATOM };

enum fld {
    F_TITLE,
    F_LINK,
    F_DESC,
    F_GUID,
    F_PUBDATE,
    F_DCDATE,
    F_PUBLISHED,
    F_UPDATED,
    F_AUTHOR,
    F_CREATOR,
    F_ANAME,
    F_CATEGORY,
    F_SUBJECT,
    F_SOURCE,
    F_PUBLISHER,
    F_CONTENT,
    F_SUMMARY,
    NFLD
};

/* Atom text constructs and content: how a field's text is to be read. */
enum ttype { TT_TEXT, TT_HTML, TT_XHTML, TT_OTHER };

/* The fields of the item being read. */
struct item {
    struct buf f[NFLD];
    int seen[NFLD];
    enum ttype type[NFLD];
    char *alt;          /* Atom alternate link, resolved */
    int alt_html;       /* it said type="text/html" */
    char *slug;         /* from a link to the site's own article page */
    char *base;         /* xml:base in effect at the item, or NULL */
    char *content_base; /* xml:base in effect at the content, or NULL */
    int permalink;      /* RSS guid isPermaLink is not "false" */
    int line;
};

struct feed {
    xmlParserCtxtPtr ctxt;
    const struct import_opts *opts;
    const struct import_sink *sink;
    struct err *err;
    int failed; /* err says why; the parser has been stopped */
    enum kind kind;
    int depth;
    int item_depth;   /* 0: no item open */
    int skip_depth;   /* inside an element whose content is ignored */
    int author_depth; /* inside the item's Atom author */
    int cap_depth;    /* 0: nothing captured */
    enum fld cap;
    int markup; /* the capture serializes elements (Atom xhtml) */
    int zone_warned;
    struct item it;
    char *feed_link;        /* the channel's or feed's link: base for items */
    char *bases[MAX_DEPTH]; /* xml:base set at each depth, resolved */
};

/* ---- small helpers ----------------------------------------------------- */

static int
is(const xmlChar *a, const char *b)
{
    return a != NULL && strcmp((const char *)a, b) == 0;
}

/* stop: the parser stops here; err says why. */
static void
stop(struct feed *st)
{
    st->failed = 1;
    xmlStopParser(st->ctxt);
}

/* attr: the value of attribute name (no namespace, or ns) as a new
 * string, or NULL.  SAX2 gives values as ranges into its buffer. */
static char *
attr(const xmlChar **attrs, int n, const char *name, const char *ns)
{
    int i;

    for (i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;

        if (is(a[0], name) && (ns ? is(a[2], ns) : a[2] == NULL))
            return xmemdup(a[3], (size_t)(a[4] - a[3]));
    }
    return NULL;
}

/* xml_base: the xml:base in effect at the current element, or NULL. */
static const char *
xml_base(const struct feed *st)
{
    int d;

    for (d = st->depth < MAX_DEPTH ? st->depth : MAX_DEPTH - 1; d >= 0; d--)
        if (st->bases[d] != NULL)
            return st->bases[d];
    return NULL;
}

/* base_here: what relative links are resolved against: xml:base, else
 * the feed's own link, else --base-url. */
static const char *
base_here(const struct feed *st)
{
    if (xml_base(st) != NULL)
        return xml_base(st);
    return st->feed_link ? st->feed_link : st->opts->base_url;
}

/* resolve: ref made absolute against base as a new string, or NULL when
 * it is refused. */
static char *
resolve(const char *base, const char *ref, size_t n)
{
    struct buf b = BUF_INIT;

    if (url_resolve(base, ref, n, &b) < 0) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* set_base: records an xml:base attribute of the element at st->depth. */
static void
set_base(struct feed *st, const xmlChar **attrs, int n)
{
    char *v = attr(attrs, n, "base", NS_XML);

    if (v != NULL && st->depth < MAX_DEPTH) {
        free(st->bases[st->depth]);
        st->bases[st->depth] = resolve(base_here(st), v, strlen(v));
    }
    free(v);
}

static enum ttype
text_type(const char *t, int content)
{
    if (t == NULL || strcasecmp(t, "text") == 0 ||
        strcasecmp(t, "text/plain") == 0)
        return TT_TEXT;
    if (strcasecmp(t, "html") == 0 || strcasecmp(t, "text/html") == 0)
        return TT_HTML;
    if (strcasecmp(t, "xhtml") == 0 ||
        strcasecmp(t, "application/xhtml+xml") == 0)
        return TT_XHTML;
    return content && strncasecmp(t, "text/", 5) == 0 ? TT_TEXT : TT_OTHER;
}

/* ---- items ------------------------------------------------------------- */

static void
item_init(struct item *it)
{
    int i;

    memset(it, 0, sizeof(*it));
    for (i = 0; i < NFLD; i++)
        buf_init(&it->f[i], i == F_CONTENT || i == F_DESC || i == F_SUMMARY
                                ? LARGE_MAX
                                : SMALL_MAX);
}

static void
item_release(struct item *it)
{
    int i;

    for (i = 0; i < NFLD; i++)
        buf_release(&it->f[i]);
    free(it->alt);
    free(it->slug);
    free(it->base);
    free(it->content_base);
    item_init(it);
}

/* own_slug: X when url is SITE/articles/X.html, tidings' own page of an
 * article; NULL otherwise. */
static char *
own_slug(const struct feed *st, const char *url)
{
    const char *site = st->opts->site_base_url;
    size_t n = site ? strlen(site) : 0, len;
    char *slug;

    if (n == 0 || strncmp(url, site, n) != 0 ||
        strncmp(url + n, "/articles/", 10) != 0)
        return NULL;
    url += n + 10;
    len = strlen(url);
    if (len <= 5 || strcmp(url + len - 5, ".html") != 0)
        return NULL;
    slug = xmemdup(url, len - 5);
    if (!article_is_slug_safe(slug)) {
        free(slug);
        return NULL;
    }
    return slug;
}

static void
begin_capture(struct feed *st, enum fld f, enum ttype type)
{
    if (st->it.seen[f])
        return; /* the first one wins */
    st->it.seen[f] = 1;
    st->it.type[f] = type;
    st->cap = f;
    st->cap_depth = st->depth;
    st->markup = type == TT_XHTML;
    if (f == F_CONTENT && xml_base(st) != NULL) {
        free(st->it.content_base);
        st->it.content_base = xstrdup(xml_base(st));
    }
}

/* atom_link: rel="alternate" (the default) is the article's URL, a link
 * to the site's own article page gives the slug. */
static void
atom_link(struct feed *st, const xmlChar **attrs, int n)
{
    char *rel = attr(attrs, n, "rel", NULL),
         *href = attr(attrs, n, "href", NULL);
    char *type = attr(attrs, n, "type", NULL), *url = NULL, *slug = NULL;
    int alternate = rel == NULL || strcmp(rel, "alternate") == 0;
    int related = rel != NULL && strcmp(rel, "related") == 0;
    int html = type == NULL || strcasecmp(type, "text/html") == 0 ||
               strcasecmp(type, "application/xhtml+xml") == 0;

    if (href != NULL)
        url = resolve(base_here(st), href, strlen(href));
    if (url != NULL && (alternate || related))
        slug = own_slug(st, url);
    if (slug != NULL) {
        free(st->it.slug);
        st->it.slug = slug;
    } else if (url != NULL && alternate && html &&
               (st->it.alt == NULL || (type != NULL && !st->it.alt_html))) {
        free(st->it.alt);
        st->it.alt = url;
        st->it.alt_html = type != NULL;
        url = NULL;
    }
    free(url);
    free(rel);
    free(href);
    free(type);
}

static void
atom_category(struct feed *st, const xmlChar **attrs, int n)
{
    char *term = attr(attrs, n, "term", NULL);

    if (term != NULL && !st->it.seen[F_CATEGORY]) {
        st->it.seen[F_CATEGORY] = 1;
        buf_puts(&st->it.f[F_CATEGORY], term);
    }
    free(term);
}

/* atom_text: title, summary and content, typed. */
static void
atom_text(struct feed *st, const xmlChar *name, const xmlChar **attrs, int n)
{
    char *type = attr(attrs, n, "type", NULL), *src;

    if (is(name, "title")) {
        begin_capture(st, F_TITLE, text_type(type, 0));
    } else if (is(name, "summary")) {
        begin_capture(st, F_SUMMARY, text_type(type, 0));
    } else {
        /* content with src is elsewhere: the entry has no body here */
        if ((src = attr(attrs, n, "src", NULL)) == NULL)
            begin_capture(st, F_CONTENT, text_type(type, 1));
        free(src);
    }
    free(type);
}

/* atom_child: a child of an Atom entry. */
static void
atom_child(struct feed *st, const xmlChar *name, const xmlChar **attrs, int n)
{
    if (is(name, "id"))
        begin_capture(st, F_GUID, TT_TEXT);
    else if (is(name, "published"))
        begin_capture(st, F_PUBLISHED, TT_TEXT);
    else if (is(name, "updated"))
        begin_capture(st, F_UPDATED, TT_TEXT);
    else if (is(name, "link"))
        atom_link(st, attrs, n);
    else if (is(name, "category"))
        atom_category(st, attrs, n);
    else if (is(name, "author") && !st->it.seen[F_ANAME])
        st->author_depth = st->depth;
    else if (is(name, "source"))
        st->skip_depth = st->depth; /* the original feed's metadata */
    else if (is(name, "title") || is(name, "summary") || is(name, "content"))
        atom_text(st, name, attrs, n);
}

/* rss_child: a child of an RSS 2.0 or 1.0 item. */
static void
rss_child(struct feed *st, const xmlChar *name, const xmlChar **attrs, int n)
{
    static const struct {
        const char *name;
        enum fld f;
    } fields[] = {
        { "title", F_TITLE },       { "link", F_LINK },
        { "description", F_DESC },  { "guid", F_GUID },
        { "pubDate", F_PUBDATE },   { "author", F_AUTHOR },
        { "category", F_CATEGORY }, { "source", F_SOURCE },
    };
    char *permalink;
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!is(name, fields[i].name))
            continue;
        if (fields[i].f == F_GUID && !st->it.seen[F_GUID]) {
            permalink = attr(attrs, n, "isPermaLink", NULL);
            st->it.permalink =
                permalink == NULL || strcasecmp(permalink, "false") != 0;
            free(permalink);
        }
        begin_capture(st, fields[i].f, TT_TEXT);
    }
}

static void
dc_child(struct feed *st, const xmlChar *name)
{
    if (is(name, "creator"))
        begin_capture(st, F_CREATOR, TT_TEXT);
    else if (is(name, "date"))
        begin_capture(st, F_DCDATE, TT_TEXT);
    else if (is(name, "publisher"))
        begin_capture(st, F_PUBLISHER, TT_TEXT);
    else if (is(name, "subject"))
        begin_capture(st, F_SUBJECT, TT_TEXT);
}

/* item_child: an element inside the open item. */
static void
item_child(struct feed *st, const xmlChar *name, const xmlChar *ns,
           const xmlChar **attrs, int n)
{
    if (st->author_depth && st->depth == st->author_depth + 1) {
        if (is(name, "name") && is(ns, NS_ATOM))
            begin_capture(st, F_ANAME, TT_TEXT);
        return;
    }
    if (st->depth != st->item_depth + 1)
        return;
    if (is(ns, NS_DC))
        dc_child(st, name);
    else if (is(ns, NS_CONT) && is(name, "encoded"))
        begin_capture(st, F_CONTENT, TT_HTML);
    else if (st->kind == KIND_ATOM && is(ns, NS_ATOM))
        atom_child(st, name, attrs, n);
    else if (st->kind == KIND_RSS && ns == NULL)
        rss_child(st, name, attrs, n);
    else if (st->kind == KIND_RDF && is(ns, NS_RSS1))
        rss_child(st, name, attrs, n);
}

/* ---- from fields to an article ----------------------------------------- */

static char *
nonempty(struct buf *b)
{
    if (b->len == 0) {
        buf_release(b);
        return NULL;
    }
    return buf_detach(b, NULL);
}

/* plain: the text of a field: as it is (white space collapsed) for text,
 * tags stripped and entities decoded for HTML.  NULL when empty, and on
 * failure with err set. */
static char *
plain(struct buf *f, int html, struct err *err)
{
    struct buf out = BUF_INIT;

    if (html && sanitize_text(f->data, f->len, &out, err) < 0) {
        buf_release(&out);
        return NULL;
    }
    if (!html)
        utf8_append_clean(&out, f->data, f->len);
    return nonempty(&out);
}

/* text_html: plain text as paragraphs, one per run of lines between
 * blank lines. */
static void
text_html(const char *s, size_t n, struct buf *out)
{
    size_t i, start = 0;

    buf_puts(out, "<p>");
    for (i = 0; i < n; i++) {
        if (s[i] != '\n')
            continue;
        html_append_text(out, s + start, i - start);
        buf_putc(out, '\n');
        start = i + 1;
        if (utf8_is_blank(s + start, strcspn(s + start, "\n")))
            buf_puts(out, "</p><p>");
    }
    html_append_text(out, s + start, n - start);
    buf_puts(out, "</p>");
}

/* body: the sanitized body of the item; NULL when it has none (err
 * untouched) or on failure (err set). */
static char *
body(struct feed *st, const char *link, struct err *err)
{
    struct item *it = &st->it;
    struct buf *c = &it->f[F_CONTENT], html = BUF_INIT, out = BUF_INIT;
    const char *base = it->content_base ? it->content_base
                       : it->base       ? it->base
                       : link           ? link
                                        : base_here(st);
    int rc;

    if (it->seen[F_CONTENT] && it->type[F_CONTENT] == TT_TEXT) {
        text_html(c->data, c->len, &html);
        c = &html;
    } else if (!it->seen[F_CONTENT] || it->type[F_CONTENT] == TT_OTHER) {
        /* RSS: an HTML description is the body when there is no other */
        c = &it->f[F_DESC];
        if (st->kind == KIND_ATOM || !sanitize_is_markup(c->data, c->len))
            return NULL;
    }
    rc = sanitize_html(c->data, c->len, base, &out, err);
    buf_release(&html);
    if (rc < 0) {
        buf_release(&out);
        return NULL;
    }
    return nonempty(&out);
}

/* texts: title and summary, plain text. */
static int
texts(struct feed *st, struct article *a, struct err *err)
{
    struct item *it = &st->it;
    struct buf *t = &it->f[F_TITLE], *d = &it->f[F_DESC];
    int title_html = it->type[F_TITLE] != TT_TEXT;

    /* an RSS title is decoded once more and stripped when it holds markup
     * or references: publishers escape titles twice */
    if (st->kind != KIND_ATOM)
        title_html = memchr(t->data, '<', t->len) != NULL ||
                     memchr(t->data, '&', t->len) != NULL;
    a->title = plain(t, title_html, err);
    /* titles escaped twice ("&amp;lt;b&amp;gt;") hold markup still */
    if (a->title != NULL && title_html &&
        (strchr(a->title, '&') ||
         sanitize_is_markup(a->title, strlen(a->title)))) {
        struct buf again = BUF_INIT;

        buf_puts(&again, a->title);
        free(a->title);
        a->title = plain(&again, 1, err);
        buf_release(&again);
    }
    /* an RSS description is HTML by convention: tags and references in
     * it are decoded (tidings writes a plain summary escaped as HTML) */
    if (st->kind == KIND_ATOM)
        a->summary =
            plain(&it->f[F_SUMMARY], it->type[F_SUMMARY] != TT_TEXT, err);
    else
        a->summary = plain(d,
                           memchr(d->data, '<', d->len) != NULL ||
                               memchr(d->data, '&', d->len) != NULL,
                           err);
    return err->code == ERR_OK ? 0 : -1;
}

/* author_of: an RSS author, "jo@example.org (Jo Smith)" -> "Jo Smith". */
static char *
author_of(struct buf *f)
{
    const char *open = memchr(f->data, '(', f->len);
    const char *close = open ? strrchr(open, ')') : NULL;

    if (close != NULL && close > open + 1)
        return utf8_clean(open + 1, (size_t)(close - open - 1));
    return plain(f, 0, NULL);
}

/* category_path: "a / b/" -> "a/b". */
static char *
category_path(struct buf *f)
{
    struct buf out = BUF_INIT;
    const char *p = f->data, *end = p + f->len;

    while (p < end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *q = slash ? slash : end;
        char *part = utf8_clean(p, (size_t)(q - p));

        if (*part != '\0') {
            if (out.len)
                buf_putc(&out, '/');
            buf_puts(&out, part);
        }
        free(part);
        p = slash ? slash + 1 : end;
    }
    return nonempty(&out);
}

static void
feed_warn(struct feed *st, const char *msg)
{
    if (st->sink->warn)
        st->sink->warn(st->sink->arg, msg);
}

/* unknown_zone: says once a file that a zone name was read as UTC. */
static void
unknown_zone(struct feed *st, const char *zone)
{
    char msg[96], up[DATE_ZONE_MAX];
    size_t i;

    if (st->zone_warned++)
        return;
    for (i = 0; zone[i] && i + 1 < sizeof(up); i++)
        up[i] =
            (char)(zone[i] >= 'a' && zone[i] <= 'z' ? zone[i] - 32 : zone[i]);
    up[i] = '\0';
    snprintf(msg, sizeof(msg), "line %d: unknown time zone '%s', read as UTC",
             st->it.line, up);
    feed_warn(st, msg);
}

static int64_t
date_of(struct feed *st, enum fld f)
{
    struct buf *b = &st->it.f[f];
    int64_t t = 0;
    char msg[160], zone[DATE_ZONE_MAX];

    if (b->len == 0)
        return 0;
    if (date_parse_feed(b->data, b->len, st->opts->tz_offset, zone, &t) == 0) {
        if (*zone)
            unknown_zone(st, zone);
        return t;
    }
    snprintf(msg, sizeof(msg), "line %d: '%.80s' is not a date", st->it.line,
             b->data);
    feed_warn(st, msg);
    return 0;
}

static void
dates(struct feed *st, struct article *a)
{
    static const enum fld order[] = { F_PUBDATE, F_PUBLISHED, F_DCDATE,
                                      F_UPDATED };
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]) && a->published == 0; i++)
        a->published = date_of(st, order[i]);
    if (st->kind == KIND_ATOM)
        a->updated = date_of(st, F_UPDATED);
}

/* item_link: the item's own URL, or the slug when it links to the site's
 * own page of the article. */
static void
item_link(struct feed *st, struct article *a, const char *guid)
{
    struct item *it = &st->it;
    struct buf *l = &it->f[F_LINK];
    char *url = it->alt, *slug;

    it->alt = NULL;
    if (url == NULL && l->len > 0)
        url = resolve(it->base ? it->base : base_here(st), l->data, l->len);
    /* an RSS guid is a permalink unless it says otherwise */
    if (url == NULL && guid != NULL && st->kind != KIND_ATOM && it->permalink &&
        url_is_absolute(guid))
        url = xstrdup(guid);
    if (url != NULL && (slug = own_slug(st, url)) != NULL) {
        free(url);
        url = NULL;
        free(it->slug);
        it->slug = slug;
    }
    if (url != NULL && !url_is_absolute(url)) {
        free(url);
        url = NULL;
    }
    a->url = url;
    a->slug = it->slug;
    it->slug = NULL;
}

/* names: author, source and category. */
static void
names(struct feed *st, struct article *a)
{
    struct item *it = &st->it;

    a->category = it->seen[F_CATEGORY] ? category_path(&it->f[F_CATEGORY])
                                       : category_path(&it->f[F_SUBJECT]);
    if (it->seen[F_ANAME])
        a->author = plain(&it->f[F_ANAME], 0, NULL);
    else if (it->seen[F_CREATOR])
        a->author = plain(&it->f[F_CREATOR], 0, NULL);
    else
        a->author = author_of(&it->f[F_AUTHOR]);
    if (it->seen[F_PUBLISHER])
        a->source = plain(&it->f[F_PUBLISHER], 0, NULL);
    else
        a->source = plain(&it->f[F_SOURCE], 0, NULL);
}

/* untitled: a title for an item that has none: the start of its summary,
 * its URL or its id. */
static char *
untitled(const struct article *a, const char *guid)
{
    if (a->summary != NULL)
        return xmemdup(a->summary,
                       utf8_prefix(a->summary, strlen(a->summary), 60));
    return xstrdup(a->url ? a->url : guid ? guid : "untitled");
}

/* clean: title, summary and body, through the sanitizer.  Its parses
 * run in an arena window (arena.h): the feed's own parser is paused in
 * this callback, so everything libxml2 allocates meanwhile is the
 * sanitizer's, and it is all freed before the window closes. */
static int
clean(struct feed *st, struct article *a, struct err *err)
{
    int rc = -1;

    arena_begin();
    if (texts(st, a, err) == 0 &&
        ((a->body = body(st, a->url, err)) != NULL || err->code == ERR_OK))
        rc = 0;
    arena_end();
    return rc;
}

/* atom_guid: an Atom id that carries a feed id which is no IRI (the
 * tag: URI tidings writes for it) is that feed id again. */
static void
atom_guid(const struct feed *st, char **guid)
{
    char *id = article_feed_id_of_atom(*guid, st->opts->site_base_url);

    free(*guid);
    *guid = id;
}

static int
item_emit(struct feed *st)
{
    struct item *it = &st->it;
    struct import_item item;
    struct article a;
    char *guid = plain(&it->f[F_GUID], 0, NULL);
    int rc = -1;

    if (guid != NULL && st->kind == KIND_ATOM)
        atom_guid(st, &guid);
    article_init(&a);
    item_link(st, &a, guid);
    if (clean(st, &a, st->err) < 0)
        goto out;
    a.feed_id = guid ? xstrdup(guid) : NULL;
    names(st, &a);
    dates(st, &a);
    if (a.title == NULL)
        a.title = untitled(&a, guid);
    item.article = &a;
    item.id = NULL;
    item.guid = guid;
    item.line = it->line;
    rc = st->sink->emit(st->sink->arg, &item, st->err);
out:
    if (rc != 0 && it->line > 0)
        err_prefix(st->err, "item at line %d", it->line);
    article_release(&a);
    free(guid);
    return rc;
}

/* ---- SAX callbacks ----------------------------------------------------- */

static int
is_void(const xmlChar *name)
{
    static const char *const voids[] = { "area",  "base", "br",    "col",
                                         "embed", "hr",   "img",   "input",
                                         "link",  "meta", "param", "source",
                                         "track", "wbr" };
    size_t i;

    for (i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
        if (is(name, voids[i]))
            return 1;
    return 0;
}

/* markup_start: an element inside Atom xhtml, written as HTML. */
static void
markup_start(struct feed *st, const xmlChar *name, const xmlChar **attrs, int n)
{
    struct buf *b = &st->it.f[st->cap];
    int i;

    buf_appendf(b, "<%s", (const char *)name);
    for (i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;

        buf_appendf(b, " %s=\"", (const char *)a[0]);
        html_append_text(b, (const char *)a[3], (size_t)(a[4] - a[3]));
        buf_putc(b, '"');
    }
    buf_putc(b, '>');
}

static void
root(struct feed *st, const xmlChar *name, const xmlChar *ns)
{
    if (is(name, "rss") && ns == NULL)
        st->kind = KIND_RSS;
    else if (is(name, "RDF") && is(ns, NS_RDF))
        st->kind = KIND_RDF;
    else if (is(name, "feed") && is(ns, NS_ATOM))
        st->kind = KIND_ATOM;
    else {
        err_set(st->err, ERR_PARSE,
                "root element <%s> is not rss, rdf:RDF or an Atom feed",
                (const char *)name);
        stop(st);
    }
}

static int
is_item(const struct feed *st, const xmlChar *name, const xmlChar *ns)
{
    switch (st->kind) {
    case KIND_RSS:
        return is(name, "item") && ns == NULL;
    case KIND_RDF:
        return is(name, "item") && is(ns, NS_RSS1);
    case KIND_ATOM:
        return is(name, "entry") && is(ns, NS_ATOM);
    default:
        return 0;
    }
}

static void
item_begin(struct feed *st, const xmlChar **attrs, int n)
{
    char *about = st->kind == KIND_RDF ? attr(attrs, n, "about", NS_RDF) : NULL;
    const char *base = xml_base(st);

    item_release(&st->it);
    st->item_depth = st->depth;
    st->it.line = st->ctxt->input ? st->ctxt->input->line : 0;
    st->it.base = base ? xstrdup(base) : NULL;
    st->it.permalink = 1;
    if (about != NULL && *about != '\0') {
        st->it.seen[F_GUID] = 1;
        buf_puts(&st->it.f[F_GUID], about);
    }
    free(about);
}

/* channel_child: outside items only the feed's own link matters, as the
 * base of relative links in items. */
static void
channel_child(struct feed *st, const xmlChar *name, const xmlChar *ns,
              const xmlChar **attrs, int n)
{
    char *rel, *href;

    if (st->feed_link != NULL || !is(name, "link"))
        return;
    if (st->kind == KIND_ATOM && is(ns, NS_ATOM)) {
        rel = attr(attrs, n, "rel", NULL);
        href = attr(attrs, n, "href", NULL);
        if (href != NULL && (rel == NULL || strcmp(rel, "alternate") == 0))
            st->feed_link = resolve(base_here(st), href, strlen(href));
        free(rel);
        free(href);
    } else if ((st->kind == KIND_RSS && ns == NULL) ||
               (st->kind == KIND_RDF && is(ns, NS_RSS1))) {
        begin_capture(st, F_LINK, TT_TEXT); /* no item is open */
    }
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
         const xmlChar *ns, int nb_ns, const xmlChar **nss, int n,
         int nb_defaulted, const xmlChar **attrs)
{
    struct feed *st = ctx;

    (void)prefix;
    (void)nb_ns;
    (void)nss;
    (void)nb_defaulted;
    st->depth++;
    if (st->failed || st->skip_depth)
        return;
    set_base(st, attrs, n);
    if (st->cap_depth) {
        if (st->markup)
            markup_start(st, name, attrs, n);
    } else if (st->kind == KIND_NONE) {
        root(st, name, ns);
    } else if (st->item_depth) {
        item_child(st, name, ns, attrs, n);
    } else if (is_item(st, name, ns)) {
        item_begin(st, attrs, n);
    } else {
        channel_child(st, name, ns, attrs, n);
    }
}

static void
end_capture(struct feed *st)
{
    struct buf *l = &st->it.f[F_LINK];

    st->cap_depth = 0;
    st->markup = 0;
    if (st->item_depth == 0 && st->cap == F_LINK) {
        st->feed_link = resolve(base_here(st), l->data, l->len);
        item_release(&st->it);
    }
}

static void
item_end(struct feed *st)
{
    st->item_depth = st->author_depth = 0;
    if (item_emit(st) != 0)
        stop(st);
    item_release(&st->it);
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *ns)
{
    struct feed *st = ctx;

    (void)prefix;
    (void)ns;
    if (st->failed) {
        /* nothing more is read */
    } else if (st->cap_depth == st->depth) {
        end_capture(st);
    } else if (st->cap_depth && st->markup && !is_void(name)) {
        buf_appendf(&st->it.f[st->cap], "</%s>", (const char *)name);
    } else if (st->skip_depth == st->depth) {
        st->skip_depth = 0;
    } else if (st->author_depth == st->depth) {
        st->author_depth = 0;
    } else if (st->item_depth == st->depth) {
        item_end(st);
    }
    if (st->depth < MAX_DEPTH) {
        free(st->bases[st->depth]);
        st->bases[st->depth] = NULL;
    }
    st->depth--;
}

static void
on_chars(void *ctx, const xmlChar *ch, int len)
{
    struct feed *st = ctx;
    struct buf *b;

    if (st->failed || !st->cap_depth || st->skip_depth || len <= 0)
        return;
    b = &st->it.f[st->cap];
    if (st->markup)
        html_append_text(b, (const char *)ch, (size_t)len);
    else
        buf_append(b, ch, (size_t)len);
    if (buf_failed(b)) {
        err_set(st->err, ERR_LIMIT, "line %d: text of an item passes %zu bytes",
                st->it.line, b->max);
        stop(st);
    }
}

/* on_reference: an entity libxml2 could not resolve, in a document with
 * an external DTD (RSS 0.91 names Netscape's): HTML's names are what
 * such DTDs declare, so &nbsp; and the like become their characters. */
static void
on_reference(void *ctx, const xmlChar *name)
{
    const htmlEntityDesc *e = htmlEntityLookup(name);
    char u[4];

    if (e != NULL)
        on_chars(ctx, (const xmlChar *)u, (int)utf8_encode(e->value, u));
}

static xmlEntityPtr
no_entity(void *ctx, const xmlChar *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

/* ---- driving the parser ------------------------------------------------ */

/* decl_encoding: the encoding named by the XML declaration at s. */
static int
decl_encoding(const char *s, size_t n, char *out, size_t cap)
{
    const char *end, *p, *close;
    size_t len;
    char q;

    if (n < 5 || memcmp(s, "<?xml", 5) != 0)
        return 0;
    end = memchr(s, '>', n < 256 ? n : 256);
    p = end ? memchr(s, 'e', (size_t)(end - s)) : NULL;
    while (p != NULL && p < end && strncmp(p, "encoding", 8) != 0)
        p = memchr(p + 1, 'e', (size_t)(end - p - 1));
    if (p == NULL || (p = memchr(p, '=', (size_t)(end - p))) == NULL)
        return 0;
    while (++p < end && (*p == ' ' || *p == '\t'))
        ;
    if (p >= end || (*p != '"' && *p != '\''))
        return 0;
    q = *p++;
    if ((close = memchr(p, q, (size_t)(end - p))) == NULL ||
        (len = (size_t)(close - p)) + 1 > cap)
        return 0;
    memcpy(out, p, len);
    out[len] = '\0';
    return 1;
}

/* pick_encoding: what tidings decodes the feed with, overriding libxml2:
 * --encoding, GB18030 for the GB family (see charset_canonical) and for
 * undeclared bytes that are not UTF-8 (SPEC 1.4); NULL leaves it to
 * libxml2 (BOM, declaration, UTF-8). */
static const char *
pick_encoding(const char *head, size_t n, const struct import_opts *o)
{
    const char *bom;
    char decl[64];
    size_t bad;

    if (o->encoding != NULL)
        return charset_canonical(o->encoding);
    if (charset_bom(head, n, &bom) > 0)
        return NULL;
    if (decl_encoding(head, n, decl, sizeof(decl))) {
        /* libxml2 reads "UTF-8" and "UTF8" without converting; another
         * spelling ("UTF.8") it hands to iconv, and its push parser then
         * fails on a character split between two chunks */
        if (charset_is_utf8_alias(decl) && strcasecmp(decl, "UTF-8") != 0 &&
            strcasecmp(decl, "UTF8") != 0)
            return "UTF-8";
        return strcmp(charset_canonical(decl), "GB18030") == 0 ? "GB18030"
                                                               : NULL;
    }
    bad = utf8_check(head, n);
    /* a head cut in the middle of a character is still UTF-8 */
    return bad + 4 <= n ? "GB18030" : NULL;
}

static int
push(struct feed *st, const char *p, size_t n, int last)
{
    do {
        size_t k = n < CHUNK ? n : CHUNK;

        xmlParseChunk(st->ctxt, p, (int)k, last && k == n);
        if (st->failed || !st->ctxt->wellFormed ||
            (st->ctxt->instate == XML_PARSER_EOF && !(last && k == n)))
            return -1; /* not well-formed, or halted */
        if (k > 0)
            p += k;
        n -= k;
    } while (n > 0);
    return 0;
}

static int
open_parser(struct feed *st, const char *head, size_t n, struct err *err)
{
    xmlSAXHandler sax; /* copied by libxml2 into the context */
    const char *enc = pick_encoding(head, n, st->opts);
    xmlCharEncodingHandlerPtr h = NULL;

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_chars;
    sax.cdataBlock = on_chars;
    sax.reference = on_reference;
    sax.getEntity = no_entity;
    sax.getParameterEntity = no_entity;
    if (enc != NULL && (h = xmlFindCharEncodingHandler(enc)) == NULL)
        return err_set(err, ERR_USAGE, "unknown encoding '%s'", enc);
    st->ctxt = xmlCreatePushParserCtxt(&sax, st, NULL, 0, NULL);
    if (st->ctxt == NULL)
        return err_set(err, ERR_LIMIT, "out of memory for the XML parser");
    xmlCtxtUseOptions(st->ctxt,
                      XML_PARSE_NONET | (h ? XML_PARSE_IGNORE_ENC : 0));
    if (h != NULL)
        xmlSwitchToEncoding(st->ctxt, h);
    return 0;
}

static void
feed_release(struct feed *st)
{
    int i;

    if (st->ctxt != NULL) {
        /* libxml2 records entity declarations in a document of its own
         * even for SAX ("expat compatibility"), never looked up by us */
        xmlFreeDoc(st->ctxt->myDoc);
        xmlFreeParserCtxt(st->ctxt);
    }
    item_release(&st->it);
    free(st->feed_link);
    for (i = 0; i < MAX_DEPTH; i++)
        free(st->bases[i]);
}

/* read_rest: the rest of the file, pushed a chunk at a time, then its
 * end. */
static int
read_rest(struct feed *st, int fd, struct err *err)
{
    char *chunk = xmalloc(CHUNK);
    ssize_t got;
    int rc = -1;

    while ((got = read(fd, chunk, CHUNK)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err_errno(err, ERR_IO, "cannot read");
            goto out;
        }
        if (push(st, chunk, (size_t)got, 0) < 0)
            goto out;
    }
    rc = push(st, NULL, 0, 1);
out:
    free(chunk);
    return rc;
}

/* run: parses head, then the rest of fd when fd >= 0. */
static int
run(const char *head, size_t n, int fd, const struct import_opts *opts,
    const struct import_sink *sink, struct err *err)
{
    struct feed st;
    struct diag d;
    int rc = -1;

    memset(&st, 0, sizeof(st));
    st.opts = opts;
    st.sink = sink;
    st.err = err;
    item_init(&st.it);
    diag_begin(&d);
    if (open_parser(&st, head, n, err) < 0 || push(&st, head, n, fd < 0) < 0 ||
        (fd >= 0 && read_rest(&st, fd, err) < 0))
        goto out;
    /* a conversion error halts the push parser without touching
     * wellFormed; any fatal error fails the feed */
    if (d.fatal > 0)
        goto out;
    if (st.kind == KIND_NONE)
        err_set(err, ERR_PARSE, "no RSS or Atom root element");
    else
        rc = 0;
out:
    diag_end(&d);
    /* libxml2 looks at most 10 MB ahead for the end of a construct */
    if (rc < 0 && !st.failed && err->code == ERR_OK &&
        strstr(d.first, "Huge input lookup") != NULL)
        err_set(err, ERR_LIMIT,
                "line %d: a CDATA section, comment or tag passes the XML "
                "parser's limit of 10000000 bytes",
                d.line);
    if (rc < 0 && !st.failed && err->code == ERR_OK)
        diag_err(&d, ERR_PARSE, "not well-formed XML", err);
    feed_release(&st);
    return rc;
}

int
import_feed_parse(const char *s, size_t n, const struct import_opts *opts,
                  const struct import_sink *sink, struct err *err)
{
    return run(s, n, -1, opts, sink, err);
}

int
import_feed_stream(int fd, const char *head, size_t n,
                   const struct import_opts *opts,
                   const struct import_sink *sink, struct err *err)
{
    return run(head, n, fd, opts, sink, err);
}
