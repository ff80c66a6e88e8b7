/*
 * import_html: a saved article page to an article.
 *
 * The page is decoded to UTF-8 (charset.c), parsed into a tree by
 * libxml2's HTML parser, and read in a few passes over a flat list of its
 * elements in document order (never by recursion, so nesting costs no
 * stack):
 *
 *  1. collect: the list, the meta tags, the canonical link, <base>,
 *     <title> and <time>; script and style subtrees are left out;
 *  2. measure: walking the list backwards, every element gets the length
 *     of its text, of the text inside links and its punctuation, summed
 *     from its children (a child always comes after its parent);
 *  3. score: every paragraph of 25 characters or more gives points to its
 *     parent (and half to the grandparent), text written straight into a
 *     container to the container itself; the densest block is the best
 *     score discounted by its share of link text;
 *  4. the remaining fields are looked up around that block, and the block
 *     (without chrome, title and byline) is serialized as HTML for the
 *     sanitizer.
 *
 * Element indexes live in each node's _private field, which libxml2
 * leaves to applications; the tree is freed before returning.
 */
#include "tidings/import_html.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/diag.h"
#include "tidings/err.h"
#include "tidings/html.h"
#include "tidings/import.h"
#include "tidings/import_text.h"
#include "tidings/sanitize.h"
#include "tidings/url.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define HTML_OPTIONS                                                           \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |              \
     HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT |       \
     HTML_PARSE_NODEFDTD)

#define PRESCAN_BYTES 4096
#define MIN_PARAGRAPH 25  /* characters of text that make a paragraph */
#define MAX_LINE      200 /* a byline or date line is shorter */
#define MAX_CRUMB     300
#define SUMMARY_CHARS 140
#define MAX_SKIP      8

enum meta_field {
    M_TITLE,
    M_DATE,
    M_AUTHOR,
    M_SOURCE,
    M_SITE,
    M_URL,
    M_DESC,
    M_SECTION,
    NMETA
};

/* Meta tags by name, property or itemprop (lower-cased), best first
 * within a field. */
static const struct {
    const char *name;
    enum meta_field field;
} meta_names[] = {
    { "og:title", M_TITLE },
    { "articletitle", M_TITLE },
    { "article:published_time", M_DATE },
    { "datepublished", M_DATE },
    { "pubdate", M_DATE },
    { "publishdate", M_DATE },
    { "publish-date", M_DATE },
    { "dc.date.issued", M_DATE },
    { "dc.date", M_DATE },
    { "article:author", M_AUTHOR },
    { "author", M_AUTHOR },
    { "dc.creator", M_AUTHOR },
    { "contentsource", M_SOURCE },
    { "source", M_SOURCE },
    { "dc.publisher", M_SOURCE },
    { "og:site_name", M_SITE },
    { "sitename", M_SITE },
    { "og:url", M_URL },
    { "og:description", M_DESC },
    { "description", M_DESC },
    { "article:section", M_SECTION },
    { "columnname", M_SECTION },
};

#define NMETA_NAMES (sizeof(meta_names) / sizeof(meta_names[0]))

/* Words in class and id that mark the main text, and chrome. */
static const char *const content_words[] = {
    "article", "content", "post", "entry", "story",  "main",
    "detail",  "zoom",    "text", "body",  "editor", "newsbody",
};
static const char *const chrome_words[] = {
    "comment",   "share",    "related",  "breadcrumb", "crumb",
    "sidebar",   "footer",   "toolbar",  "pager",      "pagination",
    "advert",    "social",   "print",    "nav",        "menu",
    "recommend", "position", "location", "copyright",
};

struct stats {
    size_t text;  /* characters of text below, white space not counted */
    size_t own;   /* of it, in the element's own text nodes */
    size_t links; /* of it, inside <a> */
    size_t punct; /* punctuation marks below */
    size_t own_punct;
    unsigned marks; /* MARK_* found in the text below */
    double score;
};

/* What text below an element holds, so that only elements that can be a
 * byline or a breadcrumb are turned into text and read as one. */
#define MARK_COLON (1u << 0) /* ':' or '：' (labels) */
#define MARK_DIGIT (1u << 1) /* a date needs digits */

struct page {
    const struct import_opts *opts;
    xmlDoc *doc;
    xmlNode **els; /* elements in document order */
    struct stats *st;
    size_t nels, cap;
    char *meta[NMETA];
    size_t meta_rank[NMETA];
    char *canonical, *base_href, *title_tag;
    xmlNode *time_el;  /* the first <time datetime>, or one marked */
    xmlNode *content;  /* the main text */
    size_t body_start; /* index of the first paragraph of the content */
    xmlNode *skip[MAX_SKIP];
    int nskip;
    const char *base; /* for relative links: one of the strings above */
    char *base_owned;
    size_t unresolved; /* relative links dropped for want of a base */
};

/* ---- small helpers ----------------------------------------------------- */

/* is_tag: n is element `name`; libxml2's HTML parser lower-cases names. */
static int
is_tag(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
           strcmp((const char *)n->name, name) == 0;
}

static int
is_one_of(const xmlNode *n, const char *const *names, size_t k)
{
    size_t i;

    if (n == NULL || n->type != XML_ELEMENT_NODE || n->name == NULL)
        return 0;
    for (i = 0; i < k; i++)
        if (n->name[0] == (unsigned char)names[i][0] &&
            strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return 0;
}

/* prop: the value of attribute name, or NULL; the caller xmlFrees it. */
static char *
prop(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* attr_text: the value of attribute name when libxml2 holds it as one
 * text node (as it does for HTML), without copying; NULL otherwise. */
static const char *
attr_text(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next)
        if (a->name != NULL && strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->type == XML_TEXT_NODE &&
                           a->children->next == NULL
                       ? (const char *)a->children->content
                       : NULL;
    return NULL;
}

static size_t
index_of(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE ? (size_t)(uintptr_t)n->_private
                                            : 0;
}

static struct stats *
stats_of(struct page *p, const xmlNode *n)
{
    size_t i = index_of(n);

    return i > 0 ? &p->st[i - 1] : NULL;
}

/* next: the node after n in document order below top; n's children are
 * skipped unless down. */
static xmlNode *
next(xmlNode *n, const xmlNode *top, int down)
{
    if (down && n->children != NULL)
        return n->children;
    while (n != top && n->next == NULL)
        n = n->parent;
    return n == top || n == NULL ? NULL : n->next;
}

static int
is_hidden_text(const xmlNode *n)
{
    static const char *const hidden[] = { "script",   "style",    "noscript",
                                          "template", "textarea", "select",
                                          "svg",      "math",     "iframe",
                                          "object" };

    return is_one_of(n, hidden, sizeof(hidden) / sizeof(hidden[0]));
}

/* line_text: the text below top as one line: a space at the edge of every
 * element (so "<span>时间：x</span><span>来源：y</span>" reads as two
 * labels), white space collapsed. */
static char *
line_text(xmlNode *top)
{
    struct buf b = BUF_INIT;
    char *s;
    xmlNode *n;
    int down;

    for (n = top->children; n != NULL; n = next(n, top, down)) {
        down = n->type == XML_ELEMENT_NODE && !is_hidden_text(n);
        if (n->type == XML_ELEMENT_NODE)
            buf_putc(&b, ' ');
        else if (n->type == XML_TEXT_NODE && n->content != NULL)
            buf_puts(&b, (const char *)n->content);
    }
    s = utf8_clean(b.data, b.len);
    buf_release(&b);
    return s;
}

/* is_punct_at: ',', '.', ';' and their CJK forms (，。、；) at s. */
static int
is_punct_at(const char *s, size_t len)
{
    return (len == 1 && (*s == ',' || *s == '.' || *s == ';')) ||
           (len == 3 && (memcmp(s, "，", 3) == 0 || memcmp(s, "。", 3) == 0 ||
                         memcmp(s, "、", 3) == 0 || memcmp(s, "；", 3) == 0));
}

/* is_ideograph: a whole three-byte sequence led by E4-E9 (libxml2's text
 * is valid UTF-8, so the lead alone tells) starts s. */
static int
is_ideograph(const char *s, size_t n)
{
    return n >= 3 && (unsigned char)((unsigned char)s[0] - 0xE4) <= 5;
}

/* count: non-space characters, punctuation marks and MARK_* of s, which
 * libxml2 gives as valid UTF-8. */
static void
count(const char *s, struct stats *st)
{
    size_t n = strlen(s), i, len;

    for (i = 0; i < n; i += len) {
        /* ideographs (leads E4-E9): no space, mark or digit among them;
         * a run of them is walked by a loop of its own */
        if (is_ideograph(s + i, n - i)) {
            for (len = 3; is_ideograph(s + i + len, n - i - len); len += 3)
                ;
            st->own += len / 3;
            continue;
        }
        if (utf8_is_space_at(s + i, n - i, &len))
            continue;
        st->own++;
        st->own_punct += (size_t)is_punct_at(s + i, len);
        if (s[i] == ':' || (len == 3 && memcmp(s + i, "：", 3) == 0))
            st->marks |= MARK_COLON;
        else if ((s[i] >= '0' && s[i] <= '9') ||
                 (len == 3 && memcmp(s + i, "\xEF\xBC", 2) == 0 &&
                  (unsigned char)s[i + 2] >= 0x90 &&
                  (unsigned char)s[i + 2] <= 0x99))
            st->marks |= MARK_DIGIT;
    }
}

/* has_token: a token of v (split at white space, '-' and '_') starts
 * with one of words, in any case. */
static int
has_token(const char *v, const char *const *words, size_t k)
{
    size_t len, j;

    while (*v) {
        v += strspn(v, " \t\r\n-_");
        len = strcspn(v, " \t\r\n-_");
        for (j = 0; j < k && len > 0; j++)
            if (len >= strlen(words[j]) &&
                strncasecmp(v, words[j], strlen(words[j])) == 0)
                return 1;
        v += len;
    }
    return 0;
}

/* has_word: a token of n's class or id starts with one of words. */
static int
has_word(const xmlNode *n, const char *const *words, size_t k)
{
    const char *v;

    return ((v = attr_text(n, "class")) != NULL && has_token(v, words, k)) ||
           ((v = attr_text(n, "id")) != NULL && has_token(v, words, k));
}

static int
is_chrome(const xmlNode *n)
{
    static const char *const tags[] = { "nav",    "aside",  "form",
                                        "footer", "header", "menu" };

    return is_one_of(n, tags, sizeof(tags) / sizeof(tags[0])) ||
           has_word(n, chrome_words,
                    sizeof(chrome_words) / sizeof(chrome_words[0]));
}

static void
skip_node(struct page *p, xmlNode *n)
{
    if (n != NULL && p->nskip < MAX_SKIP)
        p->skip[p->nskip++] = n;
}

static int
is_skipped(const struct page *p, const xmlNode *n)
{
    int i;

    for (i = 0; i < p->nskip; i++)
        if (p->skip[i] == n)
            return 1;
    return 0;
}

/* subtree_end: the index after the last element below els[i]. */
static size_t
subtree_end(const struct page *p, size_t i)
{
    size_t j = i + 1;
    const xmlNode *n;

    while (j < p->nels) {
        for (n = p->els[j]->parent; n != NULL && n != p->els[i]; n = n->parent)
            ;
        if (n == NULL)
            break;
        j++;
    }
    return j;
}

/* ---- decoding and parsing ---------------------------------------------- */

/* meta_charset: the charset a <meta> near the start declares, in either
 * form (<meta charset=x>, content="text/html; charset=x"). */
static int
meta_charset(const char *s, size_t n, char *out, size_t cap)
{
    const char *p = s, *end = s + (n < PRESCAN_BYTES ? n : PRESCAN_BYTES);
    const char *tag_end, *c;
    size_t len;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        tag_end = memchr(p, '>', (size_t)(end - p));
        if (tag_end == NULL)
            return 0;
        for (c = p; strncasecmp(p, "<meta", 5) == 0 && c + 7 < tag_end; c++) {
            if (strncasecmp(c, "charset", 7) != 0)
                continue;
            c += 7;
            c += strspn(c, " \t\r\n");
            if (*c++ != '=')
                break;
            c += strspn(c, " \t\r\n\"'");
            len = strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                            "wxyz0123456789-_.:");
            if (len == 0 || len >= cap || c + len > tag_end)
                break;
            memcpy(out, c, len);
            out[len] = '\0';
            return 1;
        }
        p = tag_end;
    }
    return 0;
}

/* decode: the page as UTF-8 in *text, *len: its own bytes when they are
 * UTF-8 already, else converted into out.  A charset the page declares
 * that its bytes do not match (or iconv does not know) gives way to
 * sniffing; one the user gave does not. */
static int
decode(const char *s, size_t n, const struct import_opts *o, struct buf *out,
       const char **text, size_t *len, struct err *err)
{
    const char *bom, *enc = o->encoding;
    char meta[40];
    long skip;

    if (enc == NULL && charset_bom(s, n, &bom) == 0 &&
        meta_charset(s, n, meta, sizeof(meta)))
        enc = meta;
    if ((skip = charset_utf8_as_is(s, n, enc)) >= 0) {
        *text = s + skip, *len = n - (size_t)skip;
        return 0;
    }
    if (charset_to_utf8(s, n, enc, out, NULL, err) < 0) {
        if (o->encoding != NULL || enc == NULL || err->code == ERR_LIMIT)
            return -1;
        buf_reset(out);
        err_clear(err);
        if (charset_to_utf8(s, n, NULL, out, NULL, err) < 0)
            return -1;
    }
    *text = out->data, *len = out->len;
    return 0;
}

static int
parse(struct page *p, const char *text, size_t n, struct err *err)
{
    htmlParserCtxtPtr ctxt;
    struct sanitize_guard g;
    struct diag d;

    if (n > INT32_MAX)
        return err_set(err, ERR_LIMIT, "page of %zu bytes is too large", n);
    if ((ctxt = htmlNewParserCtxt()) == NULL)
        return err_set(err, ERR_LIMIT, "out of memory for the HTML parser");
    /* no ID table: nothing here looks an element up by its id, and
     * building the table for a page's first id attribute was 1.5% of
     * its import */
    ctxt->loadsubset |= XML_SKIP_IDS;
    if (sanitize_guard_begin(&g, ctxt, text, n, err) < 0) {
        htmlFreeParserCtxt(ctxt);
        return -1;
    }
    diag_begin(&d);
    p->doc =
        htmlCtxtReadMemory(ctxt, text, (int)n, NULL, "UTF-8", HTML_OPTIONS);
    diag_end(&d);
    htmlFreeParserCtxt(ctxt);
    if (d.too_deep)
        return err_set(err, ERR_LIMIT, "page nests deeper than 256 elements");
    if (sanitize_guard_end(&g, err) < 0)
        return -1;
    if (p->doc == NULL || xmlDocGetRootElement(p->doc) == NULL)
        return err_set(err, ERR_PARSE, "no HTML document");
    return 0;
}

/* ---- pass 1: collect --------------------------------------------------- */

static void
take_meta(struct page *p, const xmlNode *n)
{
    static const char *const keys[] = { "property", "name", "itemprop" };
    char *key, *content;
    size_t i, k;

    for (k = 0; k < 3; k++) {
        if ((key = prop(n, keys[k])) == NULL)
            continue;
        for (i = 0; i < NMETA_NAMES; i++) {
            enum meta_field f = meta_names[i].field;

            if (strcasecmp(key, meta_names[i].name) != 0 ||
                (p->meta[f] != NULL && p->meta_rank[f] <= i) ||
                (content = prop(n, "content")) == NULL)
                continue;
            free(p->meta[f]);
            p->meta[f] = utf8_clean(content, strlen(content));
            p->meta_rank[f] = i;
            xmlFree(content);
        }
        xmlFree(key);
    }
}

static void
take_link(struct page *p, const xmlNode *n)
{
    char *rel = prop(n, "rel"), *href = prop(n, "href");

    if (rel != NULL && href != NULL && strcasecmp(rel, "canonical") == 0 &&
        p->canonical == NULL)
        p->canonical = xstrdup(href);
    xmlFree(rel);
    xmlFree(href);
}

/* take_head: what an element of the head (or anywhere) says about the
 * page. */
static void
take_head(struct page *p, xmlNode *n)
{
    char *v;

    if (is_tag(n, "meta")) {
        take_meta(p, n);
    } else if (is_tag(n, "link")) {
        take_link(p, n);
    } else if (is_tag(n, "base") && p->base_href == NULL &&
               (v = prop(n, "href")) != NULL) {
        p->base_href = xstrdup(v);
        xmlFree(v);
    } else if (is_tag(n, "title") && p->title_tag == NULL) {
        p->title_tag = line_text(n);
    } else if (is_tag(n, "time") && (v = prop(n, "datetime")) != NULL) {
        char *ip = prop(n, "itemprop"), *pub = prop(n, "pubdate");

        if (p->time_el == NULL || pub != NULL ||
            (ip != NULL && strcasecmp(ip, "datePublished") == 0))
            p->time_el = n;
        xmlFree(ip);
        xmlFree(pub);
        xmlFree(v);
    }
}

static void
add_element(struct page *p, xmlNode *n)
{
    if (p->nels == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->els = xreallocarray(p->els, p->cap, sizeof(*p->els));
        p->st = xreallocarray(p->st, p->cap, sizeof(*p->st));
    }
    memset(&p->st[p->nels], 0, sizeof(p->st[0]));
    p->els[p->nels++] = n;
    n->_private = (void *)(uintptr_t)p->nels;
}

static void
collect(struct page *p)
{
    xmlNode *top = (xmlNode *)p->doc, *n;
    struct stats *s;
    int down;

    for (n = top->children; n != NULL; n = next(n, top, down)) {
        down = n->type == XML_ELEMENT_NODE && !is_hidden_text(n);
        if (n->type == XML_ELEMENT_NODE) {
            take_head(p, n);
            if (down)
                add_element(p, n);
        } else if (n->type == XML_TEXT_NODE && n->content != NULL &&
                   (s = stats_of(p, n->parent)) != NULL) {
            count((const char *)n->content, s);
        }
    }
}

/* ---- passes 2 and 3: measure and score --------------------------------- */

static void
measure(struct page *p)
{
    size_t i;

    for (i = p->nels; i-- > 0;) {
        struct stats *s = &p->st[i], *up = stats_of(p, p->els[i]->parent);

        s->text += s->own;
        s->punct += s->own_punct;
        if (is_tag(p->els[i], "a"))
            s->links = s->text;
        if (up != NULL) {
            up->text += s->text;
            up->links += s->links;
            up->punct += s->punct;
            up->marks |= s->marks;
        }
    }
}

static double
points(size_t chars, size_t punct)
{
    double len = (double)chars / 100.0;

    return 1.0 + (double)punct + (len < 3.0 ? len : 3.0);
}

static void
credit(struct page *p, const xmlNode *n, double pts)
{
    struct stats *s = stats_of(p, n);

    if (s != NULL)
        s->score += pts;
}

static void
score(struct page *p)
{
    static const char *const paras[] = { "p", "pre", "blockquote" };
    size_t i;

    for (i = 0; i < p->nels; i++) {
        const xmlNode *e = p->els[i];
        const struct stats *s = &p->st[i];
        double pts;

        if (is_one_of(e, paras, 3) && s->text - s->links >= MIN_PARAGRAPH) {
            pts = points(s->text - s->links, s->punct);
            credit(p, e->parent, pts);
            credit(p, e->parent ? e->parent->parent : NULL, pts / 2);
        } else if (!is_one_of(e, paras, 3) && !is_tag(e, "a") &&
                   s->own >= MIN_PARAGRAPH) {
            pts = points(s->own, s->own_punct);
            credit(p, e, pts);
            credit(p, e->parent, pts / 2);
        }
    }
}

/* densest: the element with the best score, discounted by its share of
 * link text; NULL when no paragraph was found. */
static xmlNode *
densest(struct page *p)
{
    double best = 0, v;
    xmlNode *found = NULL;
    size_t i;

    for (i = 0; i < p->nels; i++) {
        const struct stats *s = &p->st[i];

        if (s->score <= 0 || s->text == 0)
            continue;
        v = s->score * (1.0 - (double)s->links / (double)s->text);
        if (v > best) {
            best = v;
            found = p->els[i];
        }
    }
    return found;
}

/* ---- the content block ------------------------------------------------- */

static int
is_inline(const xmlNode *n)
{
    static const char *const tags[] = { "a",  "span", "font", "strong", "b",
                                        "em", "i",    "u",    "small",  "big" };

    return is_one_of(n, tags, sizeof(tags) / sizeof(tags[0]));
}

static int
is_semantic(const xmlNode *n)
{
    char *ip;
    int yes = is_tag(n, "article") || is_tag(n, "main");

    if (!yes && (ip = prop(n, "itemprop")) != NULL) {
        yes = strcasecmp(ip, "articleBody") == 0;
        xmlFree(ip);
    }
    return yes || (has_word(n, content_words,
                            sizeof(content_words) / sizeof(content_words[0])) &&
                   !is_chrome(n));
}

static int
is_top(const xmlNode *n)
{
    return n == NULL || n->type != XML_ELEMENT_NODE || is_tag(n, "body") ||
           is_tag(n, "html");
}

/* widen: the nearest article, main or content-like container around the
 * densest block, unless it adds much more text (comments, lists). */
static xmlNode *
widen(struct page *p, xmlNode *best)
{
    const struct stats *b = stats_of(p, best), *s;
    xmlNode *n;

    for (n = best; !is_top(n); n = n->parent) {
        if (!is_semantic(n) || (s = stats_of(p, n)) == NULL)
            continue;
        if ((double)s->text <= 1.5 * (double)b->text + 500)
            return n;
        break;
    }
    return best;
}

/* most_text_semantic: without paragraphs, the content-like container with
 * the most text, or <body>. */
static xmlNode *
most_text_semantic(struct page *p)
{
    xmlNode *found = NULL, *root = xmlDocGetRootElement(p->doc), *n;
    size_t i, most = 0;

    for (i = 0; i < p->nels; i++) {
        if (is_semantic(p->els[i]) && p->st[i].text > most) {
            most = p->st[i].text;
            found = p->els[i];
        }
    }
    if (found != NULL)
        return found;
    for (n = root->children; n != NULL; n = n->next)
        if (is_tag(n, "body"))
            return n;
    return root;
}

static void
find_content(struct page *p)
{
    xmlNode *best = densest(p);
    size_t i, end;

    if (best == NULL) {
        p->content = most_text_semantic(p);
    } else {
        while (is_inline(best) && !is_top(best->parent))
            best = best->parent;
        p->content = widen(p, best);
    }
    /* the byline is looked for above the first paragraph of the text,
     * or above the text when it has no paragraphs */
    end = index_of(p->content) ? subtree_end(p, index_of(p->content) - 1)
                               : p->nels;
    p->body_start = index_of(p->content) ? index_of(p->content) - 1 : 0;
    for (i = index_of(p->content); i < end; i++) {
        if (is_tag(p->els[i], "p") &&
            p->st[i].text - p->st[i].links >= MIN_PARAGRAPH) {
            p->body_start = i;
            break;
        }
    }
}

/* ---- fields ------------------------------------------------------------ */

static int
is_ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* is_separator_at: a separator of title parts at t[i] (i > 0), its
 * length in *len.  A "_" joins words ("snake_case", "COVID_19") unless
 * neither neighbour is an ASCII letter or digit ("标题_综合新闻",
 * "Title _ Site"). */
static int
is_separator_at(const char *t, size_t i, size_t *len)
{
    static const char *const seps[] = {
        " - ",          " | ",  " \xE2\x80\x93 ", " \xE2\x80\x94 ",
        "\xEF\xBD\x9C", " :: ", " \xC2\xBB "
    };
    size_t k;

    if (t[i] == '_') {
        *len = 1;
        return !is_ascii_alnum(t[i - 1]) && !is_ascii_alnum(t[i + 1]);
    }
    for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        *len = strlen(seps[k]);
        if (strncmp(t + i, seps[k], *len) == 0)
            return 1;
    }
    return 0;
}

/* strip_site: "标题 - 中国口岸协会" -> "标题": the last segment after a
 * separator goes when it is short (a site or column name); a chain of
 * "_" names ("标题_综合新闻_协会") loses up to two. */
static void
strip_site(char *t)
{
    int round;

    for (round = 0; round < 2; round++) {
        size_t n = strlen(t), i, len = 0, cut = 0, cut_len = 0;

        for (i = 1; i < n; i++) {
            if (is_separator_at(t, i, &len)) {
                cut = i;
                cut_len = len;
            }
        }
        if (cut == 0 || (round > 0 && t[cut] != '_') ||
            utf8_length(t + cut + cut_len, n - cut - cut_len) > 30 ||
            utf8_length(t, cut) < 2)
            return;
        while (cut > 1 && t[cut - 1] == ' ') /* "Title _ Site" */
            cut--;
        t[cut] = '\0';
    }
}

/* title_h1: the <h1> that <title> starts with (not one that only names
 * the site), else the first in the content, else the first with text. */
static xmlNode *
title_h1(struct page *p, char **text)
{
    xmlNode *first = NULL, *in_content = NULL, *n;
    size_t i;
    char *t;

    for (i = 0; i < p->nels; i++) {
        if (!is_tag(n = p->els[i], "h1") || p->st[i].text == 0)
            continue;
        t = line_text(n);
        if (p->title_tag != NULL && *t &&
            strncmp(p->title_tag, t, strlen(t)) == 0) {
            *text = t;
            return n;
        }
        free(t);
        if (first == NULL)
            first = n;
        if (in_content == NULL && index_of(n) > index_of(p->content))
            in_content = n;
    }
    n = in_content ? in_content : first;
    *text = n ? line_text(n) : NULL;
    return n;
}

static char *
find_title(struct page *p)
{
    char *h1_text = NULL, *t = NULL;
    xmlNode *h1 = title_h1(p, &h1_text);

    if (p->meta[M_TITLE] != NULL && *p->meta[M_TITLE]) {
        t = xstrdup(p->meta[M_TITLE]);
    } else if (h1_text != NULL && *h1_text) {
        t = xstrdup(h1_text);
    } else if (p->title_tag != NULL && *p->title_tag) {
        t = xstrdup(p->title_tag);
        strip_site(t);
    }
    /* the heading that is the title is not body text */
    if (h1 != NULL && t != NULL && h1_text != NULL && strcmp(h1_text, t) == 0)
        skip_node(p, h1);
    free(h1_text);
    return t;
}

/* deepest: the last element below els[i] (itself included) for which
 * match holds along the chain of first matches: the smallest element
 * that still holds what matched. */
static size_t
deepest(struct page *p, size_t i, int (*match)(struct page *, size_t))
{
    size_t j, end = subtree_end(p, i);

    for (j = i + 1; j < end; j++) {
        if (match(p, j)) {
            i = j;
            end = subtree_end(p, j);
        }
    }
    return i;
}

/* keep_first: *dst keeps what it has; otherwise it takes v. */
static void
keep_first(char **dst, char *v)
{
    if (*dst == NULL)
        *dst = v;
    else
        free(v);
}

/* has_colon: ':' or '：' in s (n bytes). */
static int
has_colon(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == ':' || (i + 3 <= n && memcmp(s + i, "：", 3) == 0))
            return 1;
    return 0;
}

/* cut_chrome: cuts line at the first "【…】" that holds no colon:
 * 【打印】【关闭】 follow bylines, but 【发布时间：…】 is one. */
static void
cut_chrome(char *line)
{
    char *open = line, *close;
    size_t len;

    while ((open = strstr(open, "【")) != NULL) {
        close = strstr(open, "】");
        len = close ? (size_t)(close - open) : strlen(open);
        if (!has_colon(open, len)) {
            *open = '\0';
            return;
        }
        open += 3;
    }
}

/* byline_text: the line of els[i] if it could be a byline, without the
 * chrome that follows it (cut_chrome); NULL otherwise. */
static char *
byline_text(struct page *p, size_t i)
{
    const struct stats *s = &p->st[i];
    char *line;

    /* a labelled line has a colon, a bare date line digits */
    if (s->text < 4 || s->text > MAX_LINE ||
        !((s->marks & MARK_COLON) ||
          ((s->marks & MARK_DIGIT) && s->text <= 40)) ||
        is_tag(p->els[i], "title") || is_tag(p->els[i], "head") ||
        is_tag(p->els[i], "a"))
        return NULL;
    line = line_text(p->els[i]);
    cut_chrome(line);
    return line;
}

/* What a byline line says. */
struct byline {
    int64_t when; /* 0 if it names no date */
    char *source, *author;
};

/* read_byline: reads els[i] as a byline into *b (emptied first, and
 * left for byline_free); 1 if it was one. */
static int
read_byline(struct page *p, size_t i, struct byline *b)
{
    char *line = byline_text(p, i);
    int found;

    memset(b, 0, sizeof(*b));
    if (line == NULL)
        return 0;
    found = import_text_labels(line, strlen(line), p->opts->tz_offset,
                               &b->source, &b->author, &b->when) ||
            (p->st[i].text <= 40 &&
             date_parse_text(line, strlen(line), p->opts->tz_offset,
                             &b->when) == 0);
    free(line);
    if (!found)
        b->when = 0;
    return found;
}

static void
byline_free(struct byline *b)
{
    free(b->source);
    free(b->author);
}

static int
is_byline(struct page *p, size_t i)
{
    struct byline b;
    int found = read_byline(p, i, &b);

    byline_free(&b);
    return found;
}

/* find_byline: labelled lines (发布时间：… 来源：… 作者：…) and lines that
 * are only a date, above the first paragraph of the text; of nested
 * elements holding the same line, the smallest.  The line found is read
 * again only when a smaller one holds it. */
static void
find_byline(struct page *p, struct article *a, char **src, char **author)
{
    struct byline b;
    size_t i = 0, j;

    while (i < p->body_start && i < p->nels) {
        if (!read_byline(p, i, &b)) {
            byline_free(&b);
            i++;
            continue;
        }
        if ((j = deepest(p, i, is_byline)) != i) {
            byline_free(&b);
            read_byline(p, i = j, &b);
        }
        keep_first(src, b.source);
        keep_first(author, b.author);
        if (a->published == 0)
            a->published = b.when;
        skip_node(p, p->els[i]);
        if (a->published != 0 && (*src != NULL || *author != NULL))
            return;
        i = subtree_end(p, i);
    }
}

static int64_t
meta_date(struct page *p)
{
    char *v = NULL;
    int64_t t = 0;

    if (p->meta[M_DATE] != NULL &&
        date_parse_any(p->meta[M_DATE], strlen(p->meta[M_DATE]),
                       p->opts->tz_offset, &t) == 0)
        return t;
    if (p->time_el != NULL && (v = prop(p->time_el, "datetime")) != NULL &&
        date_parse_any(v, strlen(v), p->opts->tz_offset, &t) != 0)
        t = 0;
    xmlFree(v);
    return t;
}

static const char *const crumb_labels[] = { "当前位置", "您的位置",
                                            "您现在的位置", "所在位置",
                                            "位置" };

/* crumb_line: the breadcrumb's text without its label ("当前位置：");
 * parts without separators in the text are joined with " > ". */
static char *
crumb_line(xmlNode *e)
{
    char *t = line_text(e), *colon;
    struct buf b = BUF_INIT;
    xmlNode *n;
    size_t i;

    for (i = 0; i < sizeof(crumb_labels) / sizeof(crumb_labels[0]); i++) {
        if (strncmp(t, crumb_labels[i], strlen(crumb_labels[i])) == 0 &&
            ((colon = strstr(t, "：")) != NULL ||
             (colon = strchr(t, ':')) != NULL)) {
            memmove(t, colon + (*colon == ':' ? 1 : 3),
                    strlen(colon + (*colon == ':' ? 1 : 3)) + 1);
            break;
        }
    }
    if (strchr(t, '>') || strstr(t, "＞") || strstr(t, "»") || strstr(t, "›"))
        return t;
    for (n = e->children; n != NULL; n = n->next) {
        char *part = n->type == XML_ELEMENT_NODE ? line_text(n) : NULL;

        if (part != NULL && *part)
            buf_appendf(&b, "%s%s", b.len ? " > " : "", part);
        free(part);
    }
    free(t);
    return buf_detach(&b, NULL);
}

static int
is_crumb_el(xmlNode *e, const struct stats *s)
{
    static const char *const words[] = { "breadcrumb", "crumb", "position",
                                         "location",   "dqwz",  "weizhi" };
    const char *aria;
    char *t;
    size_t i;
    int yes = 0;

    if (s->text == 0 || s->text > MAX_CRUMB)
        return 0;
    if (has_word(e, words, sizeof(words) / sizeof(words[0])))
        return 1;
    if ((aria = attr_text(e, "aria-label")) != NULL &&
        strcasecmp(aria, "breadcrumb") == 0)
        return 1;
    /* "当前位置：…": only a line with a colon can start with a label */
    if (!(s->marks & MARK_COLON))
        return 0;
    t = line_text(e);
    for (i = 0; i < sizeof(crumb_labels) / sizeof(crumb_labels[0]) - 1; i++)
        yes |= strncmp(t, crumb_labels[i], strlen(crumb_labels[i])) == 0;
    free(t);
    return yes;
}

/* drop_last: removes the last part of a path when it only says where the
 * reader is ("正文") or repeats the title. */
static void
drop_last(char *path, const char *title)
{
    char *slash = strrchr(path, '/'), *last = slash ? slash + 1 : path;

    if (strcmp(last, "正文") == 0 || strcmp(last, "详情") == 0 ||
        strcmp(last, "内容") == 0 || strcmp(last, "文章") == 0 ||
        (title != NULL && strcmp(last, title) == 0))
        *(slash ? slash : path) = '\0';
}

static int
is_crumb(struct page *p, size_t i)
{
    return is_crumb_el(p->els[i], &p->st[i]);
}

static char *
find_category(struct page *p, const char *title)
{
    char *line, *path;
    size_t i;

    for (i = 0; i < p->nels; i++) {
        if (!is_crumb(p, i))
            continue;
        i = deepest(p, i, is_crumb);
        line = crumb_line(p->els[i]);
        path = import_text_breadcrumb(line, strlen(line));
        free(line);
        if (path == NULL)
            continue;
        skip_node(p, p->els[i]);
        drop_last(path, title);
        if (*path != '\0')
            return path;
        free(path);
        break;
    }
    return p->meta[M_SECTION] && *p->meta[M_SECTION]
               ? xstrdup(p->meta[M_SECTION])
               : NULL;
}

/* absolute: s resolved against base, when that makes it absolute. */
static char *
absolute(const char *base, const char *s)
{
    struct buf b = BUF_INIT;

    if (s == NULL || url_resolve(base, s, strlen(s), &b) < 0 ||
        !url_is_absolute(b.data)) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

/* find_base: <base>, the canonical link, og:url or --base-url. */
static void
find_base(struct page *p, struct article *a)
{
    const char *page = p->opts->base_url;

    a->url = absolute(page, p->canonical);
    if (a->url == NULL)
        a->url = absolute(page, p->meta[M_URL]);
    if (a->url != NULL)
        page = a->url;
    p->base_owned = p->base_href ? absolute(page, p->base_href) : NULL;
    p->base = p->base_owned ? p->base_owned : page;
}

/* ---- the body ---------------------------------------------------------- */

/* start: the start event of element n, with the attributes the
 * sanitizer reads. */
static void
start(struct sanitize *z, const xmlNode *n)
{
    static const char *const keep[] = { "href", "src", "alt", "data-src",
                                        "data-original" };
    const char *attrs[2 * 5 + 1];
    size_t i, k = 0;

    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        const char *v = attr_text(n, keep[i]);

        if (v != NULL) {
            attrs[k++] = keep[i];
            attrs[k++] = v;
        }
    }
    attrs[k] = NULL;
    sanitize_start(z, (const char *)n->name, attrs);
}

/* feed: the children of top to the sanitizer, chrome and skipped
 * elements left out; libxml2's text is valid UTF-8, as it needs. */
static void
feed(const struct page *p, xmlNode *top, struct sanitize *z)
{
    xmlNode *n = top->children;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE && !is_hidden_text(n) &&
            !is_skipped(p, n) && !is_chrome(n)) {
            start(z, n);
            if (n->children != NULL) {
                n = n->children;
                continue;
            }
            sanitize_end(z);
        } else if (n->type == XML_TEXT_NODE && n->content != NULL) {
            sanitize_chars(z, (const char *)n->content,
                           strlen((const char *)n->content));
        }
        while (n != top && n->next == NULL) {
            n = n->parent;
            if (n != top)
                sanitize_end(z);
        }
        n = n == top ? NULL : n->next;
    }
}

/* summarize: text as a summary: its first SUMMARY_CHARS characters. */
static char *
summarize(const struct buf *text)
{
    struct buf out = BUF_INIT;
    size_t cut = utf8_prefix(text->data, text->len, SUMMARY_CHARS);

    buf_append(&out, text->data, cut);
    if (cut < text->len)
        buf_puts(&out, "…");
    return buf_detach(&out, NULL);
}

/* entity_at: the character of one of the four references the
 * sanitizer writes, at s; its length in *len, or 0. */
static char
entity_at(const char *s, size_t n, size_t *len)
{
    static const struct {
        const char *ref;
        char c;
    } refs[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }
    };
    size_t k;

    for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
        *len = strlen(refs[k].ref);
        if (n >= *len && memcmp(s, refs[k].ref, *len) == 0)
            return refs[k].c;
    }
    return 0;
}

/* plain_of: the text of the sanitizer's output (its one serialization:
 * tags, and the four references of html_append_text), a space where a
 * <br> or <img> stood, white space collapsed.  Exact for that output,
 * and no HTML parser is needed for it. */
static void
plain_of(const char *s, size_t n, struct buf *out)
{
    struct buf raw = BUF_INIT;
    size_t i = 0, start = 0, len;
    char c;

    while (i < n) {
        if (s[i] != '<' && s[i] != '&') {
            i++;
            continue;
        }
        buf_append(&raw, s + start, i - start);
        if (s[i] == '<') {
            if (strncmp(s + i, "<br", 3) == 0 || strncmp(s + i, "<img", 4) == 0)
                buf_putc(&raw, ' ');
            while (i < n && s[i] != '>')
                i++;
            i++;
        } else if ((c = entity_at(s + i, n - i, &len)) != 0) {
            buf_putc(&raw, c);
            i += len;
        } else {
            buf_putc(&raw, s[i++]);
        }
        start = i;
    }
    if (start < n)
        buf_append(&raw, s + start, n - start);
    utf8_append_clean(out, raw.data, raw.len);
    buf_release(&raw);
}

/* first_paragraph: the start of the body's first paragraph of some
 * length (a short first one is often a byline), for a page that has no
 * description. */
static char *
first_paragraph(const char *body)
{
    const char *s = body, *e;
    struct buf text = BUF_INIT, first = BUF_INIT;
    char *summary;

    while ((s = strstr(s, "<p>")) != NULL && (e = strstr(s, "</p>")) != NULL) {
        buf_reset(&text);
        plain_of(s, (size_t)(e - s), &text);
        if (first.len == 0)
            buf_append(&first, text.data, text.len);
        if (utf8_length(text.data, text.len) >= MIN_PARAGRAPH)
            break;
        s = e;
    }
    summary = s != NULL && text.len > 0 ? summarize(&text)
              : first.len > 0           ? summarize(&first)
                                        : NULL;
    buf_release(&text);
    buf_release(&first);
    return summary;
}

static int
make_body(struct page *p, struct article *a, struct err *err)
{
    struct sanitize *z = sanitize_new(p->base);
    struct buf out = BUF_INIT;
    int rc;

    feed(p, p->content, z);
    rc = sanitize_finish(z, &out, err);
    p->unresolved = sanitize_unresolved(z);
    sanitize_free(z);
    if (rc == 0 && out.len == 0)
        rc = err_set(err, ERR_PARSE, "no article text found");
    if (rc < 0) {
        buf_release(&out);
        return -1;
    }
    a->body = buf_detach(&out, NULL);
    if (p->meta[M_DESC] != NULL && *p->meta[M_DESC])
        a->summary = xstrdup(p->meta[M_DESC]);
    else
        a->summary = first_paragraph(a->body);
    return 0;
}

/* ---- the page ---------------------------------------------------------- */

/* names: author and source, from meta tags first, then the byline. */
static void
names(struct page *p, struct article *a, char *src, char *author)
{
    const char *m = p->meta[M_AUTHOR];

    if (m != NULL && *m && !url_is_absolute(m)) {
        a->author = xstrdup(m);
        free(author);
    } else {
        a->author = author;
    }
    if (p->meta[M_SOURCE] != NULL && *p->meta[M_SOURCE]) {
        a->source = xstrdup(p->meta[M_SOURCE]);
        free(src);
    } else if (src != NULL) {
        a->source = src;
    } else if (p->meta[M_SITE] != NULL && *p->meta[M_SITE]) {
        a->source = xstrdup(p->meta[M_SITE]);
    }
}

static int
read_page(struct page *p, struct article *a, struct err *err)
{
    char *src = NULL, *author = NULL;

    collect(p);
    measure(p);
    score(p);
    find_content(p);
    find_base(p, a);
    if ((a->title = find_title(p)) == NULL)
        return err_set(err, ERR_PARSE, "no title (og:title, <h1> or <title>)");
    a->category = find_category(p, a->title);
    a->published = meta_date(p);
    find_byline(p, a, &src, &author);
    names(p, a, src, author);
    return make_body(p, a, err);
}

static void
page_release(struct page *p)
{
    int i;

    xmlFreeDoc(p->doc);
    free(p->els);
    free(p->st);
    for (i = 0; i < NMETA; i++)
        free(p->meta[i]);
    free(p->canonical);
    free(p->base_href);
    free(p->title_tag);
    free(p->base_owned);
}

int
import_html_parse(const char *s, size_t n, const struct import_opts *opts,
                  const struct import_sink *sink, struct err *err)
{
    struct buf converted;
    struct page p;
    struct article a;
    struct import_item item;
    const char *text;
    size_t len;
    int rc = -1;

    memset(&p, 0, sizeof(p));
    p.opts = opts;
    article_init(&a);
    buf_init(&converted, n * 3 + 64);
    arena_begin();
    if (decode(s, n, opts, &converted, &text, &len, err) < 0 ||
        parse(&p, text, len, err) < 0)
        goto out;
    buf_release(&converted);
    if (read_page(&p, &a, err) < 0)
        goto out;
    if (p.unresolved > 0 && sink->warn != NULL) {
        char msg[160];

        snprintf(msg, sizeof(msg),
                 "%zu relative %s dropped: the page names no base (<base> "
                 "or a canonical link); give --base-url",
                 p.unresolved,
                 p.unresolved == 1 ? "link or image" : "links or images");
        sink->warn(sink->arg, msg);
    }
    item.article = &a;
    item.id = NULL;
    item.guid = NULL;
    item.line = 0;
    rc = sink->emit(sink->arg, &item, err);
out:
    buf_release(&converted);
    article_release(&a);
    page_release(&p);
    arena_end();
    return rc;
}
