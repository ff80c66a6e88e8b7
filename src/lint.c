/*
 * lint: the checks behind `tidings check`.  XML is parsed with libxml2
 * (no network, no entity expansion, errors read from the parser context,
 * nothing printed) into a tree that the format checks walk; JSON Feed is
 * read with json.c.  A fault never stops the walk: every problem in every
 * file is reported, in path order, so one run shows all of them.
 */
#include "tidings/lint.h"

#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/file.h"
#include "tidings/json.h"
#include "tidings/url.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define NS_ATOM   "http://www.w3.org/2005/Atom"
#define MAX_DEPTH 32
#define MAX_FILE  (256u << 20)
#define XNAME(s)  ((const xmlChar *)(s))

enum doc_kind {
    KIND_RSS,
    KIND_ATOM,
    KIND_ARCHIVE,
    KIND_JSON,
    KIND_OPML,
    KIND_XML,
    KIND_NONE
};

/* A set of strings: the ids seen in one document, the folders seen. */
struct ids {
    char **v;
    size_t len, cap;
};

struct lint {
    const struct conf *c;
    struct buf *report;
    long faults;
    const char *file; /* on disk */
    char path[4096];  /* on the site: "/category/news/rss.xml" */
    size_t size;
    struct ids archived; /* folders whose archive pages hold entries */
};

static void fault(struct lint *l, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fault(struct lint *l, long line, const char *fmt, ...)
{
    va_list ap;

    if (line > 0)
        buf_appendf(l->report, "%s:%ld: ", l->file, line);
    else
        buf_appendf(l->report, "%s: ", l->file);
    va_start(ap, fmt);
    buf_vappendf(l->report, fmt, ap);
    va_end(ap);
    buf_putc(l->report, '\n');
    l->faults++;
}

/* ---- values ------------------------------------------------------------- */

static int
is_absolute_url(const char *s)
{
    const char *host;

    if (strncmp(s, "https://", 8) == 0)
        host = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        host = s + 7;
    else
        return 0;
    return *host != '\0' && *host != '/' && strpbrk(s, " \t\r\n<>\"") == NULL;
}

static int
all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* is_rfc3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", and a real
 * date. */
static int
is_rfc3339(const char *s)
{
    size_t n = strlen(s), i = 19;
    int64_t t;

    if (n < 20 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
        s[7] != '-' || !all_digits(s + 8, 2) || s[10] != 'T' ||
        !all_digits(s + 11, 2) || s[13] != ':' || !all_digits(s + 14, 2) ||
        s[16] != ':' || !all_digits(s + 17, 2))
        return 0;
    if (s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    }
    if (!(strcmp(s + i, "Z") == 0 ||
          (n - i == 6 && (s[i] == '+' || s[i] == '-') &&
           all_digits(s + i + 1, 2) && s[i + 3] == ':' &&
           all_digits(s + i + 4, 2))))
        return 0;
    return date_parse_text(s, n, 0, &t) == 0;
}

/* is_rfc822: a date RSS 2.0 accepts (RFC 822, as date_parse_rfc822
 * reads it), whose weekday, when it has one, is right for the date. */
static int
is_rfc822(const char *s)
{
    const char *zone = strrchr(s, ' ');
    char again[DATE_MAX];
    int64_t t;
    int off = 0;

    if (date_parse_rfc822(s, strlen(s), &t) < 0)
        return 0;
    if (strchr(s, ',') == NULL)
        return 1;
    if (zone == NULL || date_parse_offset(zone + 1, strlen(zone + 1), &off) < 0)
        off = 0;
    date_format_rfc822(t, off, again);
    return strncmp(again, s, 4) == 0; /* "Wed," */
}

static int
ids_has(const struct ids *ids, const char *id)
{
    size_t i;

    for (i = 0; i < ids->len; i++)
        if (strcmp(ids->v[i], id) == 0)
            return 1;
    return 0;
}

static int
ids_add(struct ids *ids, const char *id)
{
    if (ids_has(ids, id))
        return -1;
    if (ids->len == ids->cap) {
        ids->cap = ids->cap ? ids->cap * 2 : 64;
        ids->v = xreallocarray(ids->v, ids->cap, sizeof(*ids->v));
    }
    ids->v[ids->len++] = xstrdup(id);
    return 0;
}

static void
ids_release(struct ids *ids)
{
    size_t i;

    for (i = 0; i < ids->len; i++)
        free(ids->v[i]);
    free(ids->v);
}

static void
check_self(struct lint *l, long line, const char *href)
{
    struct buf want = BUF_INIT;

    buf_appendf(&want, "%s%s", l->c->site_base_url, l->path);
    if (href == NULL)
        fault(l, line, "no self link");
    else if (strcmp(href, want.data) != 0)
        fault(l, line, "self link '%s' is not '%s'", href, want.data);
    buf_release(&want);
}

static void
check_budget(struct lint *l, size_t items, long max_items, int is_current)
{
    if ((long)items > max_items)
        fault(l, 0, "%zu items, more than the %ld allowed", items, max_items);
    if (is_current && l->size > (size_t)l->c->site_feed_max_bytes)
        fault(l, 0, "%zu bytes, more than feed_max_bytes (%ld)", l->size,
              l->c->site_feed_max_bytes);
}

/* folder_of: the site folder of l->path ("/category/news/" for
 * "/category/news/rss.xml" and for "/category/news/archive/3.xml"). */
static void
folder_of(const struct lint *l, struct buf *out)
{
    const char *slash = strrchr(l->path, '/');
    size_t n = slash ? (size_t)(slash - l->path) + 1 : 0;

    if (n >= 9 && strncmp(l->path + n - 9, "/archive/", 9) == 0)
        n -= 8;
    buf_append(out, l->path, n);
}

/* note_archived: the feed of this archive page has articles.  Its
 * current documents come after its archive folder in the walk's order
 * ("archive" sorts before "atom.xml", "feed.json" and "rss.xml"). */
static void
note_archived(struct lint *l)
{
    struct buf dir = BUF_INIT;

    folder_of(l, &dir);
    ids_add(&l->archived, dir.data); /* -1: already noted */
    buf_release(&dir);
}

/* check_not_empty: a current feed whose archive pages hold entries has
 * articles, so it must show at least one (a build writes an item without
 * its body when the whole item does not fit; no item means not even
 * that did).  Archive pages of a feed whose articles were all removed
 * hold none. */
static void
check_not_empty(struct lint *l, size_t items)
{
    struct buf dir = BUF_INIT;

    folder_of(l, &dir);
    if (items == 0 && ids_has(&l->archived, dir.data))
        fault(l, 0,
              "no items, though its archive pages hold entries: no item "
              "fits in feed_max_bytes (%ld)",
              l->c->site_feed_max_bytes);
    buf_release(&dir);
}

/* ---- XML ---------------------------------------------------------------- */

static int
is_el(const xmlNode *n, const char *ns, const char *name)
{
    if (n == NULL || n->type != XML_ELEMENT_NODE ||
        !xmlStrEqual(n->name, XNAME(name)))
        return 0;
    if (ns == NULL)
        return n->ns == NULL;
    return n->ns != NULL && xmlStrEqual(n->ns->href, XNAME(ns));
}

static const xmlNode *
first_child(const xmlNode *n, const char *ns, const char *name)
{
    for (n = n ? n->children : NULL; n != NULL; n = n->next)
        if (is_el(n, ns, name))
            return n;
    return NULL;
}

/* text_of: the text content of n, copied (NULL when n is NULL). */
static char *
text_of(const xmlNode *n)
{
    xmlChar *t;
    char *copy;

    if (n == NULL)
        return NULL;
    t = xmlNodeGetContent(n);
    copy = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return copy;
}

static char *
attr_of(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, XNAME(name));
    char *copy = v ? xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return copy;
}

static long
line_of(const xmlNode *n)
{
    return n ? xmlGetLineNo(n) : 0;
}

/* check_date: the child `name` of n, when present, is a date of the
 * given form; required ones must be there. */
static void
check_date(struct lint *l, const xmlNode *n, const char *ns, const char *name,
           int rfc822, int required)
{
    const xmlNode *d = first_child(n, ns, name);
    char *t = text_of(d);

    if (d == NULL && required)
        fault(l, line_of(n), "no <%s>", name);
    else if (t != NULL && !(rfc822 ? is_rfc822(t) : is_rfc3339(t)))
        fault(l, line_of(d), "<%s> '%s' is not an RFC %s date", name, t,
              rfc822 ? "822" : "3339");
    free(t);
}

static void
check_url(struct lint *l, long line, const char *what, const char *url)
{
    if (url != NULL && !is_absolute_url(url))
        fault(l, line, "%s '%s' is not an absolute URL", what, url);
}

/* check_links: every atom:link (any namespace's "link" with href) below
 * n has an absolute href; returns the href of rel="self", copied. */
static char *
check_links(struct lint *l, const xmlNode *n)
{
    char *self = NULL;

    for (n = n->children; n != NULL; n = n->next) {
        char *href, *rel;

        if (!is_el(n, NS_ATOM, "link"))
            continue;
        href = attr_of(n, "href");
        rel = attr_of(n, "rel");
        if (href == NULL)
            fault(l, line_of(n), "link without href");
        check_url(l, line_of(n), "link", href);
        if (rel != NULL && strcmp(rel, "self") == 0 && self == NULL) {
            self = href;
            href = NULL;
        }
        free(href);
        free(rel);
    }
    return self;
}

static xmlDoc *
parse_xml(struct lint *l, const char *data, size_t len)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    xmlDoc *doc;
    const xmlError *e;

    if (ctxt == NULL) {
        fault(l, 0, "out of memory");
        return NULL;
    }
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, l->file, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    e = xmlCtxtGetLastError(ctxt);
    if (doc == NULL || (e != NULL && e->level >= XML_ERR_ERROR)) {
        const char *msg = e && e->message ? e->message : "parse error";

        fault(l, e ? e->line : 0, "not well-formed: %.*s",
              (int)strcspn(msg, "\n"), msg);
        if (doc != NULL)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ---- RSS ---------------------------------------------------------------- */

static void
check_rss_item(struct lint *l, const xmlNode *item, struct ids *ids)
{
    const xmlNode *guid = first_child(item, NULL, "guid");
    char *g = text_of(guid), *link = text_of(first_child(item, NULL, "link"));
    char *perma = guid ? attr_of(guid, "isPermaLink") : NULL;

    if (guid == NULL)
        fault(l, line_of(item), "item without a guid");
    else if (ids_add(ids, g) < 0)
        fault(l, line_of(guid), "guid '%s' appears twice", g);
    else if ((perma == NULL || strcmp(perma, "false") != 0) &&
             !is_absolute_url(g))
        fault(l, line_of(guid), "permalink guid '%s' is not an absolute URL",
              g);
    check_url(l, line_of(item), "link", link);
    check_date(l, item, NULL, "pubDate", 1, 0);
    free(g);
    free(link);
    free(perma);
}

static void
check_rss(struct lint *l, const xmlNode *root)
{
    const xmlNode *ch = first_child(root, NULL, "channel"), *n;
    struct ids ids = { NULL, 0, 0 };
    char *self, *link;
    size_t items = 0;

    if (!is_el(root, NULL, "rss") || ch == NULL) {
        fault(l, line_of(root), "not an RSS 2.0 document");
        return;
    }
    if (first_child(ch, NULL, "title") == NULL ||
        first_child(ch, NULL, "description") == NULL)
        fault(l, line_of(ch), "channel without title or description");
    link = text_of(first_child(ch, NULL, "link"));
    if (link == NULL)
        fault(l, line_of(ch), "channel without link");
    check_url(l, line_of(ch), "channel link", link);
    check_date(l, ch, NULL, "lastBuildDate", 1, 0);
    check_date(l, ch, NULL, "pubDate", 1, 0);
    self = check_links(l, ch);
    check_self(l, line_of(ch), self);
    for (n = ch->children; n != NULL; n = n->next)
        if (is_el(n, NULL, "item")) {
            check_rss_item(l, n, &ids);
            items++;
        }
    check_budget(l, items, l->c->site_feed_items, 1);
    check_not_empty(l, items);
    ids_release(&ids);
    free(self);
    free(link);
}

/* ---- Atom --------------------------------------------------------------- */

static void
check_atom_id(struct lint *l, const xmlNode *n, struct ids *ids)
{
    const xmlNode *idn = first_child(n, NS_ATOM, "id");
    char *id = text_of(idn);

    if (idn == NULL)
        fault(l, line_of(n), "<%s> without an id", (const char *)n->name);
    else if (!url_is_iri(id))
        fault(l, line_of(idn), "id '%s' is not an absolute IRI", id);
    else if (ids != NULL && ids_add(ids, id) < 0)
        fault(l, line_of(idn), "id '%s' appears twice", id);
    free(id);
}

static void
check_entry(struct lint *l, const xmlNode *e, struct ids *ids)
{
    char *self;

    check_atom_id(l, e, ids);
    if (first_child(e, NS_ATOM, "title") == NULL)
        fault(l, line_of(e), "entry without a title");
    check_date(l, e, NS_ATOM, "updated", 0, 1);
    check_date(l, e, NS_ATOM, "published", 0, 0);
    self = check_links(l, e);
    free(self);
}

static void
check_atom(struct lint *l, const xmlNode *root, int archive)
{
    struct ids ids = { NULL, 0, 0 };
    const xmlNode *n;
    size_t entries = 0;
    char *self;

    if (!is_el(root, NS_ATOM, "feed")) {
        fault(l, line_of(root), "not an Atom feed");
        return;
    }
    check_atom_id(l, root, NULL);
    check_date(l, root, NS_ATOM, "updated", 0, 1);
    self = check_links(l, root);
    check_self(l, line_of(root), self);
    for (n = root->children; n != NULL; n = n->next)
        if (is_el(n, NS_ATOM, "entry")) {
            check_entry(l, n, &ids);
            entries++;
        }
    if (archive) {
        check_budget(l, entries, l->c->site_archive_page, 0);
        if (entries > 0)
            note_archived(l);
    } else {
        check_budget(l, entries, l->c->site_feed_items, 1);
        check_not_empty(l, entries);
    }
    ids_release(&ids);
    free(self);
}

/* ---- OPML --------------------------------------------------------------- */

static void
check_outlines(struct lint *l, const xmlNode *n, int depth)
{
    for (n = n ? n->children : NULL; n != NULL; n = n->next) {
        char *xml_url, *html_url;

        if (!is_el(n, NULL, "outline"))
            continue;
        xml_url = attr_of(n, "xmlUrl");
        html_url = attr_of(n, "htmlUrl");
        check_url(l, line_of(n), "xmlUrl", xml_url);
        check_url(l, line_of(n), "htmlUrl", html_url);
        free(xml_url);
        free(html_url);
        if (depth < MAX_DEPTH)
            check_outlines(l, n, depth + 1);
    }
}

static void
check_opml(struct lint *l, const xmlNode *root)
{
    if (!is_el(root, NULL, "opml")) {
        fault(l, line_of(root), "not an OPML document");
        return;
    }
    check_outlines(l, first_child(root, NULL, "body"), 0);
}

static void
check_xml(struct lint *l, const char *data, size_t len, enum doc_kind kind)
{
    xmlDoc *doc = parse_xml(l, data, len);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

    if (doc == NULL)
        return;
    if (root == NULL)
        fault(l, 0, "no root element");
    else if (kind == KIND_RSS)
        check_rss(l, root);
    else if (kind == KIND_ATOM || kind == KIND_ARCHIVE)
        check_atom(l, root, kind == KIND_ARCHIVE);
    else if (kind == KIND_OPML)
        check_opml(l, root);
    xmlFreeDoc(doc);
}

/* ---- JSON Feed ---------------------------------------------------------- */

static const char *
json_str(const struct json *j, const char *key)
{
    const struct json *m = json_get(j, key);

    return m != NULL && m->type == JSON_STRING ? m->str : NULL;
}

/* check_json_text: every string (names included) holds only XML 1.0
 * characters, as the XML documents must. */
static void
check_json_text(struct lint *l, const struct json *j)
{
    for (; j != NULL; j = j->next) {
        if (j->type == JSON_STRING && utf8_xml_span(j->str, j->len) != j->len)
            fault(l, (long)j->line, "string with characters XML 1.0 forbids");
        if (j->key != NULL &&
            utf8_xml_span(j->key, strlen(j->key)) != strlen(j->key))
            fault(l, (long)j->line, "name with characters XML 1.0 forbids");
        check_json_text(l, j->child);
    }
}

static void
check_json_item(struct lint *l, const struct json *it, struct ids *ids)
{
    const char *id = json_str(it, "id"), *d;
    static const char *const dates[] = { "date_published", "date_modified" };
    size_t i;

    if (it->type != JSON_OBJECT) {
        fault(l, (long)it->line, "item is not an object");
        return;
    }
    if (id == NULL)
        fault(l, (long)it->line, "item without an id");
    else if (ids_add(ids, id) < 0)
        fault(l, (long)it->line, "id '%s' appears twice", id);
    check_url(l, (long)it->line, "url", json_str(it, "url"));
    for (i = 0; i < 2; i++)
        if ((d = json_str(it, dates[i])) != NULL && !is_rfc3339(d))
            fault(l, (long)it->line, "%s '%s' is not an RFC 3339 date",
                  dates[i], d);
}

static void
check_json(struct lint *l, const char *data, size_t len)
{
    struct err err = ERR_INIT;
    struct json *j = json_parse(data, len, &err);
    const struct json *items, *it;
    const char *version;
    struct ids ids = { NULL, 0, 0 };
    size_t n = 0;

    if (j == NULL) {
        fault(l, 0, "not valid JSON: %s", err.msg);
        return;
    }
    check_json_text(l, j);
    version = json_str(j, "version");
    if (version == NULL ||
        strncmp(version, "https://jsonfeed.org/version/1", 30) != 0)
        fault(l, 1, "not a JSON Feed (no version)");
    check_self(l, 1, json_str(j, "feed_url"));
    check_url(l, 1, "home_page_url", json_str(j, "home_page_url"));
    items = json_get(j, "items");
    if (items == NULL || items->type != JSON_ARRAY)
        fault(l, 1, "no items array");
    for (it = items ? items->child : NULL; it != NULL; it = it->next, n++)
        check_json_item(l, it, &ids);
    check_budget(l, n, l->c->site_feed_items, 1);
    check_not_empty(l, n);
    ids_release(&ids);
    json_free(j);
}

/* ---- the walk ----------------------------------------------------------- */

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum doc_kind
kind_of(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    if (strcmp(base, "rss.xml") == 0)
        return KIND_RSS;
    if (strcmp(base, "atom.xml") == 0)
        return KIND_ATOM;
    if (ends_with(path, ".xml") && strstr(path, "/archive/") != NULL)
        return KIND_ARCHIVE;
    if (strcmp(base, "feed.json") == 0)
        return KIND_JSON;
    if (ends_with(base, ".opml"))
        return KIND_OPML;
    if (ends_with(base, ".xml") || ends_with(base, ".xsl"))
        return KIND_XML;
    return KIND_NONE;
}

static void
check_file(struct lint *l, const char *file, const char *path)
{
    enum doc_kind kind = kind_of(path);
    struct buf data = BUF_INIT;
    struct err err = ERR_INIT;

    if (kind == KIND_NONE)
        return;
    l->file = file;
    snprintf(l->path, sizeof(l->path), "%s", path);
    if (file_read(file, MAX_FILE, &data, NULL, &err) < 0) {
        fault(l, 0, "%s", err.msg);
    } else {
        l->size = data.len;
        if (kind == KIND_JSON)
            check_json(l, data.data, data.len);
        else
            check_xml(l, data.data, data.len, kind);
    }
    buf_release(&data);
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir: the names in dir that the walk looks at (no dot files, no
 * .gz forms, no temporary files of an interrupted build), sorted. */
static char **
list_dir(const char *dir, size_t *n)
{
    struct dirent *de;
    char **v = NULL;
    size_t cap = 0;
    DIR *d = opendir(dir);

    *n = 0;
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || ends_with(de->d_name, ".gz") ||
            strstr(de->d_name, ".tmp-") != NULL)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            v = xreallocarray(v, cap, sizeof(*v));
        }
        v[(*n)++] = xstrdup(de->d_name);
    }
    if (d != NULL)
        closedir(d);
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_name);
    return v;
}

static void
walk(struct lint *l, const char *dir, const char *path, int depth)
{
    size_t n, i;
    char **names = list_dir(dir, &n);

    for (i = 0; i < n; i++) {
        struct buf file = BUF_INIT, sub = BUF_INIT;
        struct stat sb;

        buf_appendf(&file, "%s/%s", dir, names[i]);
        buf_appendf(&sub, "%s/%s", path, names[i]);
        if (stat(file.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (depth < MAX_DEPTH)
                walk(l, file.data, sub.data, depth + 1);
        } else {
            check_file(l, file.data, sub.data);
        }
        buf_release(&file);
        buf_release(&sub);
        free(names[i]);
    }
    free(names);
}

/* has_site: dir holds a built site, whose one file that is always there
 * is the site's rss.xml (a folder without it would pass every check). */
static int
has_site(const char *dir)
{
    struct buf rss = BUF_INIT;
    struct stat sb;
    int yes;

    buf_appendf(&rss, "%s/rss.xml", dir);
    yes = stat(rss.data, &sb) == 0 && S_ISREG(sb.st_mode);
    buf_release(&rss);
    return yes;
}

long
lint_site(const char *dir, const struct conf *c, struct buf *report,
          struct err *err)
{
    struct lint l;
    struct stat sb;

    if (stat(dir, &sb) < 0)
        return err_errno(err, ERR_IO, "cannot read '%s'", dir);
    if (!S_ISDIR(sb.st_mode))
        return err_set(err, ERR_IO, "'%s' is not a folder", dir);
    if (!has_site(dir))
        return err_set(err, ERR_NOTFOUND, "%s: no site (no rss.xml)", dir);
    memset(&l, 0, sizeof(l));
    l.c = c;
    l.report = report;
    walk(&l, dir, "", 0);
    ids_release(&l.archived);
    return l.faults;
}
