/*
 * sanitize: HTML to the stored body fragment, in three passes.
 *
 *  1. collect: libxml2's HTML parser (recover mode, no network, errors
 *     recorded by diag) builds a tree, which is walked without recursion
 *     into a tree of kept nodes: allowed elements with their cleaned
 *     attributes, text, and BREAK marks where a block-like unknown element
 *     began or ended.  Dropped elements are skipped with their content.
 *  2. normalize: the kept tree is replayed into a second tree that obeys
 *     one content model (below), with implied elements (<p> around loose
 *     text, <ul> around a stray <li>, <li> for text in a list, <tr>/<td>
 *     in tables) and closing of what cannot hold the next element, the
 *     way an HTML parser would.  Layout tables are unwrapped here.
 *  3. serialize: the normalized tree is written with white space
 *     collapsed per run of inline content and empty elements dropped.
 *
 * Why a fixpoint: the output contains only structures the content model
 * allows, so parsing it back gives the same kept tree, normalization has
 * nothing to change, and serialization is a function of that tree.  The
 * fuzz target fuzz_sanitize checks exactly this.
 *
 * Text and attribute values live in one buffer (nodes hold offsets), and
 * nodes come from blocks freed together, so a document costs a bounded
 * number of allocations.  Depths are bounded: libxml2 stops at 256, the
 * kept tree at KEPT_DEPTH, the normalized tree at OUT_DEPTH; deeper
 * elements are unwrapped, never recursed into.
 */
#include "tidings/sanitize.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "tidings/buf.h"
#include "tidings/diag.h"
#include "tidings/err.h"
#include "tidings/html.h"
#include "tidings/url.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define WALK_DEPTH 512 /* more than libxml2's own limit of 256 */
#define KEPT_DEPTH 128
#define OUT_DEPTH  48
#define MAX_NODES  (1u << 20)
#define BLOCK_SIZE 256

#define HTML_OPTIONS                                                           \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |              \
     HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT)

enum tag {
    T_ROOT,
    T_P,
    T_H2,
    T_H3,
    T_H4,
    T_UL,
    T_OL,
    T_LI,
    T_BLOCKQUOTE,
    T_FIGURE,
    T_FIGCAPTION,
    T_TABLE,
    T_CAPTION,
    T_THEAD,
    T_TBODY,
    T_TFOOT,
    T_TR,
    T_TH,
    T_TD,
    T_A,
    T_STRONG,
    T_EM,
    T_BR,
    T_IMG,
    T_TEXT,
    T_BREAK,
    T_NONE
};

static const char *const tag_names[] = {
    "",        "p",     "h2",         "h3",     "h4",         "ul",
    "ol",      "li",    "blockquote", "figure", "figcaption", "table",
    "caption", "thead", "tbody",      "tfoot",  "tr",         "th",
    "td",      "a",     "strong",     "em",     "br",         "img",
};

#define BIT(t) (1ul << (t))
#define BLOCKS                                                                 \
    (BIT(T_P) | BIT(T_H2) | BIT(T_H3) | BIT(T_H4) | BIT(T_UL) | BIT(T_OL) |    \
     BIT(T_BLOCKQUOTE) | BIT(T_FIGURE) | BIT(T_TABLE))
#define INLINE                                                                 \
    (BIT(T_TEXT) | BIT(T_A) | BIT(T_STRONG) | BIT(T_EM) | BIT(T_BR) |          \
     BIT(T_IMG))
/* What a BREAK does not close. */
#define CONTAINERS                                                             \
    (BIT(T_ROOT) | BIT(T_BLOCKQUOTE) | BIT(T_LI) | BIT(T_FIGURE) | BIT(T_UL) | \
     BIT(T_OL) | BIT(T_TABLE) | BIT(T_THEAD) | BIT(T_TBODY) | BIT(T_TFOOT) |   \
     BIT(T_TR) | BIT(T_TD) | BIT(T_TH))
#define TABLE_PARTS                                                            \
    (BIT(T_TR) | BIT(T_TD) | BIT(T_TH) | BIT(T_THEAD) | BIT(T_TBODY) |         \
     BIT(T_TFOOT) | BIT(T_CAPTION))

/* What each element may contain: the content model of the output. */
static const unsigned long model[T_NONE + 1] = {
    [T_ROOT] = BLOCKS,
    [T_P] = INLINE,
    [T_H2] = INLINE,
    [T_H3] = INLINE,
    [T_H4] = INLINE,
    [T_UL] = BIT(T_LI),
    [T_OL] = BIT(T_LI),
    [T_LI] = BLOCKS | INLINE,
    [T_BLOCKQUOTE] = BLOCKS,
    [T_FIGURE] = BLOCKS | INLINE | BIT(T_FIGCAPTION),
    [T_FIGCAPTION] = INLINE,
    [T_TABLE] =
        BIT(T_CAPTION) | BIT(T_THEAD) | BIT(T_TBODY) | BIT(T_TFOOT) | BIT(T_TR),
    [T_CAPTION] = INLINE,
    [T_THEAD] = BIT(T_TR),
    [T_TBODY] = BIT(T_TR),
    [T_TFOOT] = BIT(T_TR),
    [T_TR] = BIT(T_TD) | BIT(T_TH),
    [T_TH] = INLINE,
    [T_TD] = INLINE,
    [T_A] = INLINE & ~BIT(T_A),
    [T_STRONG] = INLINE,
    [T_EM] = INLINE,
};

enum kind {
    K_KEEP,  /* an allowed element */
    K_DROP,  /* goes with its content */
    K_BREAK, /* goes, its content stays, and it separates paragraphs */
};

/* Elements that are not plain inline wrappers, sorted by name for
 * bsearch.  Anything not listed goes and keeps its content inline. */
static const struct tag_info {
    const char *name;
    enum kind kind;
    enum tag tag;
} tag_table[] = {
    { "a", K_KEEP, T_A },
    { "address", K_BREAK, T_NONE },
    { "applet", K_DROP, T_NONE },
    { "area", K_DROP, T_NONE },
    { "article", K_BREAK, T_NONE },
    { "aside", K_BREAK, T_NONE },
    { "audio", K_DROP, T_NONE },
    { "b", K_KEEP, T_STRONG },
    { "base", K_DROP, T_NONE },
    { "blockquote", K_KEEP, T_BLOCKQUOTE },
    { "body", K_BREAK, T_NONE },
    { "br", K_KEEP, T_BR },
    { "button", K_DROP, T_NONE },
    { "canvas", K_DROP, T_NONE },
    { "caption", K_KEEP, T_CAPTION },
    { "center", K_BREAK, T_NONE },
    { "datalist", K_DROP, T_NONE },
    { "dd", K_BREAK, T_NONE },
    { "details", K_BREAK, T_NONE },
    { "dialog", K_DROP, T_NONE },
    { "dir", K_KEEP, T_UL },
    { "div", K_BREAK, T_NONE },
    { "dl", K_BREAK, T_NONE },
    { "dt", K_BREAK, T_NONE },
    { "em", K_KEEP, T_EM },
    { "embed", K_DROP, T_NONE },
    { "fieldset", K_BREAK, T_NONE },
    { "figcaption", K_KEEP, T_FIGCAPTION },
    { "figure", K_KEEP, T_FIGURE },
    { "footer", K_BREAK, T_NONE },
    { "form", K_BREAK, T_NONE },
    { "frame", K_DROP, T_NONE },
    { "frameset", K_DROP, T_NONE },
    { "h1", K_KEEP, T_H2 },
    { "h2", K_KEEP, T_H2 },
    { "h3", K_KEEP, T_H3 },
    { "h4", K_KEEP, T_H4 },
    { "h5", K_KEEP, T_H4 },
    { "h6", K_KEEP, T_H4 },
    { "head", K_DROP, T_NONE },
    { "header", K_BREAK, T_NONE },
    { "hgroup", K_BREAK, T_NONE },
    { "hr", K_BREAK, T_NONE },
    { "html", K_BREAK, T_NONE },
    { "i", K_KEEP, T_EM },
    { "iframe", K_DROP, T_NONE },
    { "img", K_KEEP, T_IMG },
    { "input", K_DROP, T_NONE },
    { "legend", K_BREAK, T_NONE },
    { "li", K_KEEP, T_LI },
    { "link", K_DROP, T_NONE },
    { "main", K_BREAK, T_NONE },
    { "map", K_DROP, T_NONE },
    { "math", K_DROP, T_NONE },
    { "menu", K_KEEP, T_UL },
    { "meta", K_DROP, T_NONE },
    { "nav", K_BREAK, T_NONE },
    { "noembed", K_DROP, T_NONE },
    { "noframes", K_DROP, T_NONE },
    { "noscript", K_DROP, T_NONE },
    { "object", K_DROP, T_NONE },
    { "ol", K_KEEP, T_OL },
    { "optgroup", K_DROP, T_NONE },
    { "option", K_DROP, T_NONE },
    { "output", K_DROP, T_NONE },
    { "p", K_KEEP, T_P },
    { "param", K_DROP, T_NONE },
    { "picture", K_BREAK, T_NONE },
    { "plaintext", K_DROP, T_NONE },
    { "pre", K_BREAK, T_NONE },
    { "progress", K_DROP, T_NONE },
    { "script", K_DROP, T_NONE },
    { "section", K_BREAK, T_NONE },
    { "select", K_DROP, T_NONE },
    { "source", K_DROP, T_NONE },
    { "strong", K_KEEP, T_STRONG },
    { "style", K_DROP, T_NONE },
    { "summary", K_BREAK, T_NONE },
    { "svg", K_DROP, T_NONE },
    { "table", K_KEEP, T_TABLE },
    { "tbody", K_KEEP, T_TBODY },
    { "td", K_KEEP, T_TD },
    { "template", K_DROP, T_NONE },
    { "textarea", K_DROP, T_NONE },
    { "tfoot", K_KEEP, T_TFOOT },
    { "th", K_KEEP, T_TH },
    { "thead", K_KEEP, T_THEAD },
    { "title", K_DROP, T_NONE },
    { "tr", K_KEEP, T_TR },
    { "track", K_DROP, T_NONE },
    { "ul", K_KEEP, T_UL },
    { "video", K_DROP, T_NONE },
    { "xmp", K_DROP, T_NONE },
};

#define NTAGS (sizeof(tag_table) / sizeof(tag_table[0]))

/* A node of the kept or the normalized tree.  Text and attribute values
 * are offsets into struct sanitize's text buffer. */
struct node {
    enum tag tag;
    size_t off, len;         /* T_TEXT: the text; T_A/T_IMG: href/src */
    size_t alt_off, alt_len; /* T_IMG */
    int has_alt;
    int sub, space; /* pass 3: holds visible content, white space */
    struct node *parent, *first, *last, *next;
};

struct node_block {
    struct node nodes[BLOCK_SIZE];
    size_t used;
    struct node_block *next;
};

/* What an input element did, for its end to undo. */
enum act { ACT_NONE, ACT_PUSH, ACT_BREAK, ACT_SKIP };

/* One element open in the normalized tree. */
struct entry {
    struct node *node;
    unsigned serial; /* names it for the kept element that opened it */
    int implied;
    int pending_break; /* a BREAK arrived: the next inline run gets <br> */
};

struct sanitize {
    const char *base;
    struct buf text;
    struct node_block *blocks;
    size_t nodes;
    int too_many;
    struct node *kept, *cur; /* the kept tree and where collect appends */
    int kept_depth;
    struct entry stack[OUT_DEPTH];
    int depth; /* entries in stack, the root included */
    unsigned serial;
    int in_data_table;
    /* the events: what each open input element did, by depth */
    enum act acts[WALK_DEPTH];
    int walk_depth;
    int skipping;      /* open elements whose content goes */
    size_t unresolved; /* links dropped for want of a base */
    int overflow;      /* open elements past WALK_DEPTH, ignored */
};

/* ---- nodes ------------------------------------------------------------- */

static struct node *
node_new(struct sanitize *s, enum tag tag)
{
    struct node_block *b = s->blocks;
    struct node *n;

    if (b == NULL || b->used == BLOCK_SIZE) {
        b = xmalloc(sizeof(*b)); /* each node is zeroed as it is taken */
        b->used = 0;
        b->next = s->blocks;
        s->blocks = b;
    }
    n = &b->nodes[b->used++];
    memset(n, 0, sizeof(*n));
    n->tag = tag;
    if (++s->nodes > MAX_NODES)
        s->too_many = 1;
    return n;
}

static void
node_append(struct node *parent, struct node *child)
{
    child->parent = parent;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

static void
san_release(struct sanitize *s)
{
    while (s->blocks) {
        struct node_block *next = s->blocks->next;

        free(s->blocks);
        s->blocks = next;
    }
    buf_release(&s->text);
}

static const char *
text_of(const struct sanitize *s, const struct node *n)
{
    return s->text.data + n->off;
}

/* ---- pass 1: collect --------------------------------------------------- */

static int
cmp_tag(const void *key, const void *elem)
{
    return strcmp(key, ((const struct tag_info *)elem)->name);
}

static const struct tag_info *
lookup(const char *name)
{
    char low[16];
    size_t i;

    for (i = 0; name[i] != '\0'; i++) {
        if (i + 1 >= sizeof(low))
            return NULL;
        low[i] =
            (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    }
    low[i] = '\0';
    return bsearch(low, tag_table, NTAGS, sizeof(tag_table[0]), cmp_tag);
}

/* find_attr: the value of attribute name in attrs (name, value pairs,
 * NULL-terminated), or NULL. */
static const char *
find_attr(const char *const *attrs, const char *name)
{
    for (; attrs != NULL && attrs[0] != NULL; attrs += 2)
        if (strcasecmp(attrs[0], name) == 0)
            return attrs[1] ? attrs[1] : "";
    return NULL;
}

/* keep_url: resolves the value of the first of names that is present and
 * acceptable into the text buffer; 0 and its place, or -1. */
static int
keep_url(struct sanitize *s, const char *const *attrs, const char *const *names,
         struct node *n)
{
    for (; *names != NULL; names++) {
        const char *v = find_attr(attrs, *names);
        size_t before = s->text.len;

        if (v == NULL || url_resolve(s->base, v, strlen(v), &s->text) < 0)
            continue;
        /* a relative link with no base to resolve it against would mean
         * nothing in a feed (SPEC 1.5): it goes */
        if (!url_has_scheme(s->text.data + before)) {
            buf_truncate(&s->text, before);
            s->unresolved++;
            continue;
        }
        n->off = before;
        n->len = s->text.len - before;
        buf_putc(&s->text, '\0');
        return 0;
    }
    return -1;
}

static void
keep_alt(struct sanitize *s, const char *const *attrs, struct node *n)
{
    const char *v = find_attr(attrs, "alt");

    if (v != NULL) {
        n->has_alt = 1;
        n->alt_off = s->text.len;
        utf8_append_clean(&s->text, v, strlen(v));
        n->alt_len = s->text.len - n->alt_off;
        buf_putc(&s->text, '\0');
    }
}

static void
add_break(struct sanitize *s)
{
    if (s->cur->last == NULL || s->cur->last->tag != T_BREAK)
        node_append(s->cur, node_new(s, T_BREAK));
}

/* keep: an allowed element; returns what leaving it must undo. */
static enum act
keep(struct sanitize *s, const char *const *attrs, enum tag tag)
{
    static const char *const href[] = { "href", NULL };
    /* lazy-loading pages keep the real image in data-src and a
     * placeholder in src */
    static const char *const src[] = { "data-src", "data-original", "src",
                                       NULL };
    struct node *n = node_new(s, tag);

    if (tag == T_A && keep_url(s, attrs, href, n) < 0)
        return ACT_NONE;
    if (tag == T_IMG) {
        if (keep_url(s, attrs, src, n) == 0) {
            keep_alt(s, attrs, n);
            node_append(s->cur, n);
        }
        return ACT_NONE;
    }
    if (tag == T_BR || s->kept_depth >= KEPT_DEPTH) {
        if (tag == T_BR)
            node_append(s->cur, n);
        return ACT_NONE;
    }
    node_append(s->cur, n);
    s->cur = n;
    s->kept_depth++;
    return ACT_PUSH;
}

static enum act
enter(struct sanitize *s, const char *name, const char *const *attrs)
{
    const struct tag_info *t = name ? lookup(name) : NULL;

    if (t == NULL)
        return ACT_NONE;
    if (t->kind == K_DROP)
        return ACT_SKIP;
    if (t->kind == K_BREAK) {
        add_break(s);
        return ACT_BREAK;
    }
    return keep(s, attrs, t->tag);
}

static void
leave(struct sanitize *s, enum act a)
{
    if (a == ACT_PUSH) {
        s->cur = s->cur->parent;
        s->kept_depth--;
    } else if (a == ACT_BREAK) {
        add_break(s);
    }
}

/* scan_text: what a run of text (valid UTF-8) holds: TEXT_BAD for a
 * character XML forbids (a C0 control but tab and line ends, U+FFFE,
 * U+FFFF), TEXT_SPACE for white space (utf8_is_space), TEXT_VISIBLE for
 * anything else.  One pass over the bytes, so that CJK text is not
 * decoded character by character. */
#define TEXT_BAD     (1u << 0)
#define TEXT_SPACE   (1u << 1)
#define TEXT_VISIBLE (1u << 2)

static unsigned
scan_text(const char *t, size_t n)
{
    unsigned found = 0;
    size_t i, len;

    for (i = 0; i < n; i += len) {
        unsigned char c = (unsigned char)t[i];

        /* CJK ideographs (E4-E9 leads) are the common case */
        if (c >= 0xE4 && c <= 0xE9 && i + 2 < n) {
            found |= TEXT_VISIBLE;
            len = 3;
            continue;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            found |= TEXT_BAD;
        if (c == 0xEF && i + 2 < n && (unsigned char)t[i + 1] == 0xBF &&
            (unsigned char)t[i + 2] >= 0xBE)
            found |= TEXT_BAD;
        found |=
            utf8_is_space_at(t + i, n - i, &len) ? TEXT_SPACE : TEXT_VISIBLE;
    }
    return found;
}

static void
add_text(struct sanitize *s, const char *t, size_t n)
{
    struct node *last = s->cur->last;
    unsigned found;

    if (n == 0)
        return;
    if (last == NULL || last->tag != T_TEXT ||
        last->off + last->len != s->text.len) {
        last = node_new(s, T_TEXT);
        last->off = s->text.len;
        node_append(s->cur, last);
    }
    found = scan_text(t, n);
    if (found & TEXT_BAD) {
        size_t from = s->text.len;

        utf8_append_xml(&s->text, t, n);
        found = scan_text(s->text.data + from, s->text.len - from);
    } else {
        buf_append(&s->text, t, n);
    }
    last->len = s->text.len - last->off;
    last->space |= (found & TEXT_SPACE) != 0;
    last->sub |= (found & TEXT_VISIBLE) != 0;
}

void
sanitize_start(struct sanitize *s, const char *name, const char *const *attrs)
{
    enum act a;

    if (s->walk_depth >= WALK_DEPTH) {
        s->overflow++;
        return;
    }
    a = s->skipping || s->too_many ? ACT_SKIP : enter(s, name, attrs);
    s->skipping += a == ACT_SKIP;
    s->acts[s->walk_depth++] = a;
}

void
sanitize_end(struct sanitize *s)
{
    enum act a;

    if (s->overflow > 0) {
        s->overflow--;
        return;
    }
    if (s->walk_depth == 0)
        return;
    a = s->acts[--s->walk_depth];
    if (a == ACT_SKIP)
        s->skipping--;
    else
        leave(s, a);
}

void
sanitize_chars(struct sanitize *s, const char *text, size_t n)
{
    if (!s->skipping && !s->overflow && !s->too_many)
        add_text(s, text, n);
}

/* start_node: the start event of element e, with the attributes the
 * sanitizer reads. */
static void
start_node(struct sanitize *s, xmlNode *e)
{
    static const char *const wanted[] = { "href", "src", "alt", "data-src",
                                          "data-original" };
    const char *attrs[2 * 5 + 1];
    xmlChar *copies[5];
    xmlAttr *a;
    size_t n = 0, k, i;

    for (a = e->properties; a != NULL && n < 5; a = a->next) {
        for (k = 0; k < 5 && a->name; k++)
            if (strcasecmp((const char *)a->name, wanted[k]) == 0)
                break;
        if (k == 5)
            continue;
        copies[n] = NULL;
        attrs[2 * n] = (const char *)a->name;
        if (a->children == NULL)
            attrs[2 * n + 1] = "";
        else if (a->children->type == XML_TEXT_NODE && !a->children->next)
            attrs[2 * n + 1] = (const char *)a->children->content;
        else
            attrs[2 * n + 1] = (const char *)(copies[n] = xmlNodeListGetString(
                                                  e->doc, a->children, 1));
        n++;
    }
    attrs[2 * n] = NULL;
    sanitize_start(s, (const char *)e->name, attrs);
    for (i = 0; i < n; i++)
        xmlFree(copies[i]);
}

/* collect: the events of the children of top, in document order and
 * without recursion; dropped elements are not descended into. */
static void
collect(struct sanitize *s, xmlNode *top)
{
    xmlNode *n = top->children;

    while (n != NULL && !s->too_many) {
        if (n->type == XML_ELEMENT_NODE) {
            start_node(s, n);
            if (!s->skipping && !s->overflow && n->children != NULL) {
                n = n->children;
                continue;
            }
            sanitize_end(s);
        } else if ((n->type == XML_TEXT_NODE ||
                    n->type == XML_CDATA_SECTION_NODE) &&
                   n->content != NULL) {
            sanitize_chars(s, (const char *)n->content,
                           strlen((const char *)n->content));
        }
        while (n != NULL && n->next == NULL) {
            n = n->parent;
            if (n == top || n == NULL)
                return;
            sanitize_end(s);
        }
        if (n != NULL)
            n = n->next;
    }
}

/* ---- pass 2: normalize ------------------------------------------------- */

static int
accepts(enum tag parent, enum tag child)
{
    return parent < T_BR && (model[parent] & BIT(child)) != 0;
}

static int
is_inline(enum tag t)
{
    return (INLINE & BIT(t)) != 0;
}

/* implied_child: what an open element creates to hold t, or T_NONE.
 * Implied lists do not create items: text after stray <li>s ends them. */
static enum tag
implied_child(enum tag p, int p_implied, enum tag t)
{
    int in = is_inline(t);

    if ((p == T_ROOT || p == T_BLOCKQUOTE) && in)
        return T_P;
    if ((p == T_UL || p == T_OL) && !p_implied && t != T_LI)
        return T_LI;
    if ((p == T_TABLE || p == T_THEAD || p == T_TBODY || p == T_TFOOT) &&
        (in || t == T_TD || t == T_TH))
        return T_TR;
    if (p == T_TR && in)
        return T_TD;
    return T_NONE;
}

static enum tag
implied_parent(enum tag t)
{
    switch (t) {
    case T_LI:
        return T_UL;
    case T_FIGCAPTION:
        return T_FIGURE;
    case T_TD:
    case T_TH:
        return T_TR;
    case T_TR:
    case T_THEAD:
    case T_TBODY:
    case T_TFOOT:
    case T_CAPTION:
        return T_TABLE;
    default:
        return T_NONE;
    }
}

/* chain: the implied elements (at most 3, outermost first) an element p
 * needs before it can hold t; their number, or -1 if it cannot. */
static int
chain(enum tag p, int p_implied, enum tag t, enum tag *path, int level)
{
    enum tag c, par;
    int k;

    if (accepts(p, t))
        return 0;
    if (level >= 3)
        return -1;
    c = implied_child(p, p_implied, t);
    if (c != T_NONE && (k = chain(c, 1, t, path + 1, level + 1)) >= 0 &&
        k + level + 1 <= 3) {
        path[0] = c;
        return k + 1;
    }
    /* nothing is nested into an implied element for t's sake: a second
     * stray <li> closes the implied item instead of opening a list in it */
    par = p_implied ? T_NONE : implied_parent(t);
    if (par != T_NONE && (k = chain(p, p_implied, par, path, level + 1)) >= 0 &&
        k + level + 1 <= 3) {
        path[k] = par;
        return k + 1;
    }
    return -1;
}

static struct entry *
top(struct sanitize *s)
{
    return &s->stack[s->depth - 1];
}

static unsigned
push(struct sanitize *s, struct node *n, int implied)
{
    struct entry *t = top(s), *e;

    /* a BREAK was pending here: inline content after inline content
     * gets a line break between them */
    if (t->pending_break && is_inline(n->tag) && t->node->last != NULL &&
        is_inline(t->node->last->tag))
        node_append(t->node, node_new(s, T_BR));
    t->pending_break = 0;
    node_append(t->node, n);
    if (n->tag >= T_BR)
        return 0;
    e = &s->stack[s->depth++];
    e->node = n;
    e->serial = ++s->serial;
    e->implied = implied;
    e->pending_break = 0;
    return e->serial;
}

static int
has_open(const struct sanitize *s, enum tag t)
{
    int i;

    for (i = 0; i < s->depth; i++)
        if (s->stack[i].node->tag == t)
            return 1;
    return 0;
}

/* host: makes the top of the stack able to hold t, closing and implying
 * elements; returns -1 when t cannot be placed (it is unwrapped).  At the
 * depth limit an element that fits is unwrapped rather than closing what
 * holds it, so that text never leaves its table cell. */
static int
host(struct sanitize *s, enum tag t)
{
    enum tag path[3];
    int k, i;

    if (t == T_A && has_open(s, T_A))
        return -1;
    for (;;) {
        k = chain(top(s)->node->tag, top(s)->implied, t, path, 0);
        if (k >= 0 && s->depth + k + (t < T_BR) <= OUT_DEPTH) {
            for (i = 0; i < k; i++)
                push(s, node_new(s, path[i]), 1);
            return 0;
        }
        if (k == 0 || s->depth == 1)
            return -1;
        s->depth--;
    }
}

static void
close_to(struct sanitize *s, unsigned serial)
{
    int i;

    for (i = s->depth - 1; i > 0 && serial != 0; i--) {
        if (s->stack[i].serial == serial) {
            s->depth = i;
            return;
        }
    }
}

/* brk: a block-like element began or ended: close what holds inline
 * content and, in an item or cell, remember to break the line. */
static void
brk(struct sanitize *s)
{
    enum tag t;

    while (s->depth > 1 && (BIT(top(s)->node->tag) & CONTAINERS) == 0)
        s->depth--;
    t = top(s)->node->tag;
    if (t == T_LI || t == T_FIGURE || t == T_TD || t == T_TH)
        top(s)->pending_break = 1;
}

static void
norm_text(struct sanitize *s, const struct node *k)
{
    struct node *n;

    if (!k->sub) {
        if (!accepts(top(s)->node->tag, T_TEXT))
            return;
    } else if (host(s, T_TEXT) < 0) {
        return;
    }
    n = node_new(s, T_TEXT);
    n->off = k->off;
    n->len = k->len;
    n->sub = k->sub;
    n->space = k->space;
    if (!k->sub) {
        node_append(top(s)->node, n); /* no line break for white space */
        return;
    }
    push(s, n, 0);
}

static void norm_children(struct sanitize *s, const struct node *k);
static void norm_element(struct sanitize *s, const struct node *k);

/* cell_has_text: the cell holds text other than white space, or an
 * image, that stays in it: in the cell itself or in inline elements, not
 * in table parts, which normalization moves out of it. */
static int
cell_has_text(const struct sanitize *s, const struct node *k)
{
    const struct node *c;

    for (c = k->first; c != NULL; c = c->next) {
        if (c->tag == T_IMG || (c->tag == T_TEXT && c->sub))
            return 1;
        if ((c->tag == T_A || c->tag == T_STRONG || c->tag == T_EM) &&
            cell_has_text(s, c))
            return 1;
    }
    return 0;
}

/* count_cells: cells of a table with text of their own, or -1 when
 * anything block-like is inside (a layout table). */
static int
count_cells(const struct sanitize *s, const struct node *k)
{
    const struct node *c;
    int n = 0, m;

    for (c = k->first; c != NULL; c = c->next) {
        if ((BIT(c->tag) &
             (BLOCKS | BIT(T_LI) | BIT(T_FIGCAPTION) | BIT(T_BREAK))) != 0)
            return -1;
        /* blocks first, so that a nested table stops the count before
         * any cell is searched for text */
        if ((m = count_cells(s, c)) < 0)
            return -1;
        n += m;
        if ((c->tag == T_TD || c->tag == T_TH) && cell_has_text(s, c))
            n++;
    }
    return n;
}

/* norm_layout: a layout table's parts become paragraph breaks. */
static void
norm_layout(struct sanitize *s, const struct node *k)
{
    const struct node *c;

    brk(s);
    for (c = k->first; c != NULL && !s->too_many; c = c->next) {
        if ((BIT(c->tag) & TABLE_PARTS) != 0)
            norm_layout(s, c);
        else if (c->tag == T_TEXT)
            norm_text(s, c);
        else if (c->tag == T_BREAK)
            brk(s);
        else
            norm_element(s, c);
    }
    brk(s);
}

static void
norm_element(struct sanitize *s, const struct node *k)
{
    struct node *n;
    unsigned serial;

    if (k->tag == T_TABLE && !s->in_data_table && count_cells(s, k) >= 2) {
        s->in_data_table = 1;
        norm_element(s, k);
        s->in_data_table = 0;
        return;
    }
    if (k->tag == T_TABLE && !s->in_data_table) {
        norm_layout(s, k);
        return;
    }
    if ((BIT(k->tag) & TABLE_PARTS) != 0 && !s->in_data_table) {
        norm_layout(s, k);
        return;
    }
    if (host(s, k->tag) < 0) {
        norm_children(s, k);
        return;
    }
    n = node_new(s, k->tag);
    n->off = k->off;
    n->len = k->len;
    n->alt_off = k->alt_off;
    n->alt_len = k->alt_len;
    n->has_alt = k->has_alt;
    serial = push(s, n, 0);
    norm_children(s, k);
    close_to(s, serial);
}

static void
norm_children(struct sanitize *s, const struct node *k)
{
    const struct node *c;

    if (k == NULL)
        return;
    for (c = k->first; c != NULL && !s->too_many; c = c->next) {
        if (c->tag == T_TEXT)
            norm_text(s, c);
        else if (c->tag == T_BREAK)
            brk(s);
        else
            norm_element(s, c);
    }
}

/* ---- pass 3: serialize ------------------------------------------------- */

/* mark: sets sub and space on every node below n, bottom up, so that
 * serializing knows in advance what will be dropped as empty. */
static void
mark(const struct sanitize *s, struct node *n)
{
    struct node *c;

    if (n->tag == T_TEXT)
        return; /* set when the text was collected */
    n->sub = n->tag == T_IMG;
    for (c = n->first; c != NULL; c = c->next) {
        mark(s, c);
        n->sub |= c->sub;
        n->space |= c->space;
    }
}

/* kept: a block that is written: one with visible content, or a cell
 * (an empty cell keeps the columns of its row in place). */
static int
kept(const struct node *n)
{
    return n->sub || n->tag == T_TD || n->tag == T_TH;
}

/* White space state of one run of inline content. */
struct run {
    int has_content; /* something visible since the run or line began */
    int pending;     /* white space seen after it, not yet written */
    int last_space;  /* the last byte written was that space */
};

static void
note_space(struct run *r)
{
    if (r->has_content && !r->last_space)
        r->pending = 1;
}

static void
flush_space(struct buf *out, struct run *r)
{
    if (r->pending) {
        buf_putc(out, ' ');
        r->pending = 0;
        r->last_space = 1;
    }
}

static void
ser_text(const struct sanitize *s, const struct node *n, struct buf *out,
         struct run *r)
{
    const char *p = text_of(s, n), *end = p + n->len, *word = NULL;
    size_t len;

    /* the text was filtered when it was collected: escaping is enough,
     * and text without white space (most of a CJK paragraph) is written
     * in one piece */
    if (!n->space && n->sub) {
        flush_space(out, r);
        html_append_escaped(out, p, n->len);
        r->has_content = 1;
        r->last_space = 0;
        return;
    }
    while (p < end) {
        if (utf8_is_space_at(p, (size_t)(end - p), &len)) {
            if (word)
                html_append_escaped(out, word, (size_t)(p - word));
            word = NULL;
            note_space(r);
        } else if (word == NULL) {
            flush_space(out, r);
            word = p;
            r->has_content = 1;
            r->last_space = 0;
        }
        p += len;
    }
    if (word)
        html_append_escaped(out, word, (size_t)(end - word));
}

static void
ser_attr(const struct sanitize *s, struct buf *out, const char *name,
         size_t off, size_t len)
{
    buf_putc(out, ' ');
    buf_puts(out, name);
    buf_puts(out, "=\"");
    html_append_text(out, s->text.data + off, len);
    buf_putc(out, '"');
}

static void
close_tag(struct buf *out, enum tag t)
{
    buf_puts(out, "</");
    buf_puts(out, tag_names[t]);
    buf_putc(out, '>');
}

static void
ser_inline(const struct sanitize *s, const struct node *n, struct buf *out,
           struct run *r)
{
    const struct node *c;

    switch (n->tag) {
    case T_TEXT:
        ser_text(s, n, out, r);
        return;
    case T_BR:
        buf_puts(out, "<br>");
        r->has_content = r->pending = r->last_space = 0;
        return;
    case T_IMG:
        flush_space(out, r);
        buf_puts(out, "<img");
        ser_attr(s, out, "src", n->off, n->len);
        if (n->has_alt)
            ser_attr(s, out, "alt", n->alt_off, n->alt_len);
        buf_putc(out, '>');
        r->has_content = 1;
        r->last_space = 0;
        return;
    default:
        break;
    }
    if (!n->sub) { /* an empty a, strong or em: only its white space */
        if (n->space)
            note_space(r);
        return;
    }
    flush_space(out, r);
    buf_putc(out, '<');
    buf_puts(out, tag_names[n->tag]);
    if (n->tag == T_A)
        ser_attr(s, out, "href", n->off, n->len);
    buf_putc(out, '>');
    for (c = n->first; c != NULL; c = c->next)
        ser_inline(s, c, out, r);
    close_tag(out, n->tag);
}

static void ser_block(const struct sanitize *s, const struct node *n,
                      struct buf *out);

/* ser_run: the inline children from c up to the next block that is
 * written (blocks dropped as empty do not end a run); returns where it
 * stopped.  A run without visible content writes nothing. */
static const struct node *
ser_run(const struct sanitize *s, const struct node *c, struct buf *out,
        int *any)
{
    const struct node *end;
    struct run r = { 0, 0, 0 };

    const struct node *first = NULL, *last = NULL;

    for (end = c; end != NULL && (is_inline(end->tag) || !kept(end));
         end = end->next) {
        if (is_inline(end->tag) && end->sub) {
            first = first ? first : end;
            last = end;
        }
    }
    if (first == NULL)
        return end;
    if (*any)
        buf_putc(out, '\n');
    /* line breaks before the first or after the last visible content of
     * a run are dropped; what else lies outside is only white space */
    for (c = first; c != last->next; c = c->next)
        if (is_inline(c->tag))
            ser_inline(s, c, out, &r);
    *any = 1;
    return end;
}

/* ser_flow: the children of a container, runs of inline content and
 * blocks, separated by "\n". */
static void
ser_flow(const struct sanitize *s, const struct node *parent, struct buf *out)
{
    const struct node *c = parent->first;
    int any = 0;

    while (c != NULL) {
        if (is_inline(c->tag)) {
            c = ser_run(s, c, out, &any);
            continue;
        }
        if (kept(c)) {
            if (any)
                buf_putc(out, '\n');
            ser_block(s, c, out);
            any = 1;
        }
        c = c->next;
    }
}

static void
ser_block(const struct sanitize *s, const struct node *n, struct buf *out)
{
    buf_putc(out, '<');
    buf_puts(out, tag_names[n->tag]);
    buf_putc(out, '>');
    ser_flow(s, n, out);
    close_tag(out, n->tag);
}

/* ---- limits on what libxml2's HTML parser is given --------------------- */

/*
 * libxml2 2.9's HTML parser compares each attribute of a start tag with
 * every one before it, so a tag of n attributes costs n^2 (one <p> of
 * 40 000 took 12 s, of 1.5 million hours), and it builds the whole tree
 * before anything can count it (a 16 MiB page of <p>x</p> took 939 MB).
 * Two bounds keep both in check:
 *
 *  - before parsing, a linear scan counts the attributes of every start
 *    tag as that parser reads them, and a tag of more than MAX_TAG_ATTRS
 *    is refused.  The scan follows the parser's tokens: tag and attribute
 *    names cut at 100 characters, quoted and unquoted values, a NUL
 *    ending a tag, end tags, comments ending at --> or --!>, DOCTYPE and
 *    PI, and the text of script and style, which only "</script" or
 *    "</style" ends (recovery mode).  Where the parser's reading is not
 *    certain (a DOCTYPE whose quoted literals hold a '>', a PI target
 *    that starts with a non-ASCII byte, "</x" right after <script>,
 *    "</scriptx"), the scan stops following it and from there counts
 *    every '<' and letter as a start tag (tail_tags), in one pass from
 *    the right.  So it may count too many, never too few, and it does
 *    not take the "a<b" of ordinary scripts for tags.  fuzz_htmlscan
 *    checks this against the parser's tree;
 *  - while parsing, the parser's element, comment and PI callbacks count
 *    what it builds, attributes included, and stop it past MAX_PARSED:
 *    a page at the bound costs about 175 MB to import.
 *
 * A long tag is not refused for its length: a data: image or a JSON
 * attribute can be megabytes, and reading one costs linear time.
 */

#define MAX_TAG_ATTRS 256
#define MAX_PARSED    200000 /* elements, attributes, comments, PIs */
#define NAME_CUT      100    /* htmlParseHTMLName's longest name */

struct scan {
    const char *p, *end, *start;
    const char *lost; /* where the scan stopped following the parser */
    int prologue;     /* only blanks, comments and PIs so far */
    struct sanitize_tags *t;
};

static int
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* is_name_start, is_name_char: the names of htmlParseHTMLName. */
static int
is_name_start(char c)
{
    return is_letter(c) || c == '_' || c == ':' || c == '.';
}

static int
is_name_char(char c)
{
    return is_name_start(c) || c == '-' || (c >= '0' && c <= '9');
}

static size_t
name_len(const char *p, const char *end)
{
    const char *s = p;

    while (p < end && is_name_char(*p))
        p++;
    return (size_t)(p - s);
}

static size_t
chunks(size_t len)
{
    return (len + NAME_CUT - 1) / NAME_CUT;
}

static void
add_tag(struct scan *s, const char *tag, size_t attrs)
{
    s->t->tags++;
    s->t->attrs += attrs;
    if (attrs > s->t->most) {
        s->t->most = attrs;
        s->t->most_at = (size_t)(tag - s->start);
    }
}

/* find_either: the first a or b in [p, end), or end. */
static const char *
find_either(const char *p, const char *end, char a, char b)
{
    while (p < end && *p != a && *p != b)
        p++;
    return p;
}

/* skip_to: past the first c (or a NUL) from p, or the end. */
static const char *
skip_to(const char *p, const char *end, char c)
{
    p = find_either(p, end, c, '\0');
    return p < end ? p + 1 : p;
}

static const char *
skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static int
is_tag_end(const char *p, const char *end)
{
    return p >= end || *p == '\0' || *p == '>' ||
           (*p == '/' && p + 1 < end && p[1] == '>');
}

/* value_end: the end of the attribute value at p: a quoted one ends
 * after its closing quote (or at a NUL, where the parser stops), an
 * unquoted one at a blank, '>' or NUL. */
static const char *
value_end(const char *p, const char *end)
{
    const char *q;

    if (p < end && (*p == '"' || *p == '\'')) {
        q = find_either(p + 1, end, *p, '\0');
        return q < end && *q != '\0' ? q + 1 : q;
    }
    while (p < end && !is_blank(*p) && *p != '>' && *p != '\0')
        p++;
    return p;
}

/* attrs_end: reads the attributes of a start tag from p as
 * htmlParseStartTag does, adding their number to *n; returns where the
 * tag stops: at '>', "/>", a NUL or the end.  A name of more than
 * NAME_CUT characters is read as several, and the part after a cut that
 * is no name start is skipped to the next blank. */
static const char *
attrs_end(const char *p, const char *end, size_t *n)
{
    const char *q;
    size_t len;

    for (p = skip_blanks(p, end); !is_tag_end(p, end);
         p = skip_blanks(p, end)) {
        if (!is_name_start(*p)) {
            while (!is_tag_end(p, end) && !is_blank(*p))
                p++;
            continue;
        }
        len = name_len(p, end);
        p += len < NAME_CUT ? len : NAME_CUT;
        (*n)++;
        q = skip_blanks(p, end);
        if (q < end && *q == '=')
            p = value_end(skip_blanks(q + 1, end), end);
    }
    return p;
}

/* is_name: the name at p is exactly name (any case). */
static int
is_name(const char *p, const char *end, const char *name)
{
    size_t len = strlen(name);

    return name_len(p, end) == len && strncasecmp(p, name, len) == 0;
}

/* raw_end: the first "</" and name (any case) from p, or the end. */
static const char *
raw_end(const char *p, const char *end, const char *name)
{
    size_t len = strlen(name);

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) >= len + 2 && p[1] == '/' &&
            strncasecmp(p + 2, name, len) == 0)
            return p;
        p++;
    }
    return end;
}

/* is_peeked: the name at p is name (any case) as the parser reads it
 * when it looks ahead to close elements (htmlParseHTMLName_nonInvasive),
 * which takes no '.' into names: "<body.x" closes a style. */
static int
is_peeked(const char *p, const char *end, const char *name)
{
    size_t len = strlen(name);
    char c;

    if ((size_t)(end - p) < len || strncasecmp(p, name, len) != 0)
        return 0;
    c = (size_t)(end - p) > len ? p[len] : '\0';
    return !is_name_char(c) || c == '.';
}

/* closes_raw: the start tag at p closes the script or style element
 * (htmlStartClose: noscript a script, body or frameset a style). */
static int
closes_raw(const char *p, const char *end, const char *name)
{
    if (end - p < 2 || p[0] != '<')
        return 0;
    if (name[1] == 'c')
        return is_peeked(p + 1, end, "noscript");
    return is_peeked(p + 1, end, "body") || is_peeked(p + 1, end, "frameset");
}

/* raw_text: the text of a script or style element from s->p.  The
 * parser looks at its start as at markup: "</" is an end tag, and the
 * start tag of an element that closes this one is one.  Otherwise "</"
 * and the name end it; an end tag of another name there leaves the
 * element open. */
static void
raw_text(struct scan *s, const char *name)
{
    const char *p = s->p, *end = s->end;

    if (end - p >= 2 && p[0] == '<' && p[1] == '/' &&
        !is_name(p + 2, end, name)) {
        s->lost = p;
        return;
    }
    if (closes_raw(p, end, name))
        return;
    p = raw_end(p, end, name);
    if (p < end && !is_name(p + 2, end, name))
        s->lost = p;
    else
        s->p = skip_to(p, end, '>');
}

/* start_tag: the start tag at s->p ('<' and a letter). */
static void
start_tag(struct scan *s)
{
    const char *tag = s->p, *name = tag + 1, *p, *raw = NULL;
    size_t len = name_len(name, s->end), n = 0;

    if (len < NAME_CUT && is_name(name, s->end, "script"))
        raw = "script";
    else if (len < NAME_CUT && is_name(name, s->end, "style"))
        raw = "style";
    p = attrs_end(name + (len < NAME_CUT ? len : NAME_CUT), s->end, &n);
    add_tag(s, tag, n);
    if (p < s->end && *p == '>') {
        s->p = p + 1;
        if (raw != NULL)
            raw_text(s, raw);
    } else {
        /* "/>" is an empty element; at a NUL the parser stops */
        s->p = p < s->end ? p + (*p == '/' ? 2 : 1) : p;
    }
}

/* quoted_end: past the first '>' outside quotes from p. */
static const char *
quoted_end(const char *p, const char *end)
{
    while (p < end && *p != '>' && *p != '\0') {
        if (*p == '"' || *p == '\'')
            p = value_end(p, end);
        else
            p++;
    }
    return p < end ? p + 1 : p;
}

/* comment_end: past the "-->" or "--!>" that ends the comment at p, or
 * the end (an unended comment takes the rest of the document). */
static const char *
comment_end(const char *p, const char *end)
{
    for (p += 4; end - p >= 3; p++)
        if (p[0] == '-' && p[1] == '-' &&
            (p[2] == '>' || (p[2] == '!' && end - p >= 4 && p[3] == '>')))
            return p + (p[2] == '>' ? 3 : 4);
    return end;
}

static int
is_comment(const char *p, const char *end)
{
    return end - p >= 4 && p[0] == '<' && p[1] == '!' && p[2] == '-' &&
           p[3] == '-';
}

/* doctype: the DOCTYPE at s->p ends at the first '>', or past quoted
 * literals after PUBLIC or SYSTEM.  One after the document's start is
 * read by the parser's content loop, which then takes a '<' that starts
 * no comment, PI or element as text. */
static void
doctype(struct scan *s)
{
    const char *first = skip_to(s->p + 9, s->end, '>'), *p = first;

    if (quoted_end(s->p + 9, s->end) != first) {
        s->lost = first;
        return;
    }
    if (!s->prologue && p + 1 < s->end && *p == '<' && !is_letter(p[1]) &&
        p[1] != '?' && !is_comment(p, s->end))
        p++;
    s->p = p;
}

/* bang: "<!" at s->p: a comment, a DOCTYPE, or a '<' of text. */
static void
bang(struct scan *s)
{
    const char *p = s->p;

    if (is_comment(p, s->end))
        s->p = comment_end(p, s->end);
    else if (s->end - p >= 9 && strncasecmp(p + 2, "DOCTYPE", 7) == 0)
        doctype(s);
    else
        s->p = p + 1;
}

/* question: "<?" at s->p: a PI up to the next '>' when a name follows
 * (the parser's names may also start with non-ASCII letters), else
 * text. */
static void
question(struct scan *s)
{
    const char *p = s->p + 2, *gt;
    char c = p < s->end ? *p : '\0';

    if (is_letter(c) || c == '_' || c == ':') {
        gt = memchr(p, '>', (size_t)(s->end - p));
        s->p = gt != NULL ? gt + 1 : s->end;
    } else if ((unsigned char)c >= 0x80) {
        s->lost = p;
    } else {
        s->p = p;
    }
}

/* end_tag: "</" and a name go up to the next '>' (or a NUL); without a
 * name the parser takes the two characters as text. */
static void
end_tag(struct scan *s)
{
    const char *p = s->p;

    if (s->end - p > 2 && is_name_start(p[2]))
        s->p = skip_to(p + 2, s->end, '>');
    else
        s->p = p + 2;
}

/* The attributes a start tag would get from one position on, for each
 * state of htmlParseStartTag's loop: at the top (blanks, then a name or
 * other), after a name (blanks, then '=' or not), after '=', in a
 * quoted or unquoted value, in a skipped non-name; and the length of the
 * run of name characters there. */
struct ahead {
    size_t top, after_name, after_eq, dq, sq, unq, other, run;
};

/* named: the attributes from a name of len characters on, given the
 * states where its run ends: past a cut the rest may be read as names or
 * skipped, so the larger count is taken. */
static size_t
named(size_t len, const struct ahead *r)
{
    size_t more = r->after_name > r->other ? r->after_name : r->other;

    return chunks(len) + (len > NAME_CUT ? more : r->after_name);
}

/* step: the states at p, whose char is c, from those after it (v) and
 * at the end of the run of names after it (r). */
static void
step(const char *p, const char *end, const struct ahead *v,
     const struct ahead *r, struct ahead *w)
{
    char c = *p;
    int blank = is_blank(c), stop = is_tag_end(p, end);

    w->run = is_name_char(c) ? v->run + 1 : 0;
    w->other = stop ? 0 : blank ? v->top : v->other;
    w->dq = c == '"' ? v->top : c == '\0' ? 0 : v->dq;
    w->sq = c == '\'' ? v->top : c == '\0' ? 0 : v->sq;
    w->unq = blank ? v->top : c == '>' || c == '\0' ? 0 : v->unq;
    w->top = blank              ? v->top
             : stop             ? 0
             : is_name_start(c) ? named(w->run, r)
                                : w->other;
    w->after_name = blank ? v->after_name : c == '=' ? v->after_eq : w->top;
    w->after_eq = blank       ? v->after_eq
                  : c == '"'  ? v->dq
                  : c == '\'' ? v->sq
                              : w->unq;
}

/* tail_tags: from `from` on, every '<' and letter counts as a start tag
 * with as many attributes as the parser could read from there: one pass
 * from the right keeps, for each position, the states of the tag loop
 * (struct ahead) after it and at the end of its run of names. */
static void
tail_tags(struct scan *s, const char *from)
{
    struct ahead v, r, w;
    const char *p;
    size_t len, more;

    memset(&v, 0, sizeof(v));
    memset(&r, 0, sizeof(r));
    for (p = s->end; p-- > from;) {
        if (*p == '<' && p + 1 < s->end && is_letter(p[1])) {
            /* the tag name; past a cut the rest is read as attributes */
            len = v.run;
            more = r.after_name > r.other ? r.after_name : r.other;
            add_tag(s, p,
                    len <= NAME_CUT ? r.top : chunks(len - NAME_CUT) + more);
        }
        step(p, s->end, &v, &r, &w);
        if (w.run == 0)
            r = w;
        v = w;
    }
}

void
sanitize_count_tags(const char *html, size_t n, struct sanitize_tags *t)
{
    struct scan s = { html, html + n, html, NULL, 1, t };
    const char *lt;
    char c;

    memset(t, 0, sizeof(*t));
    /* the parser passes over a UTF-8 BOM: what follows is the prologue */
    if (n >= 3 && memcmp(html, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3;
    while (s.lost == NULL &&
           (lt = memchr(s.p, '<', (size_t)(s.end - s.p))) != NULL) {
        if (s.prologue && skip_blanks(s.p, lt) != lt)
            s.prologue = 0;
        s.p = lt;
        c = s.end - lt > 1 ? lt[1] : '\0';
        if (c == '!')
            bang(&s);
        else if (c == '?')
            question(&s);
        else if (is_letter(c))
            start_tag(&s);
        else if (c == '/')
            end_tag(&s);
        else
            s.p++;
        /* a comment or a PI leaves the prologue open; a DOCTYPE ends it */
        if (!is_comment(lt, s.end) && c != '?')
            s.prologue = 0;
    }
    if (s.lost != NULL)
        tail_tags(&s, s.lost);
}

/* The parser's callbacks, counting.  The guard is the context's
 * _private, which libxml2 leaves to applications. */
static int
guard_count(htmlParserCtxtPtr ctxt, size_t n)
{
    struct sanitize_guard *g = ctxt->_private;

    g->nodes += n;
    if (g->nodes <= MAX_PARSED)
        return 1;
    g->over = 1;
    xmlStopParser(ctxt);
    return 0;
}

static void
guard_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    htmlParserCtxtPtr ctxt = ctx;
    struct sanitize_guard *g = ctxt->_private;
    size_t n = 1;

    while (atts != NULL && atts[2 * (n - 1)] != NULL)
        n++;
    if (guard_count(ctxt, n) && g->start != NULL)
        ((startElementSAXFunc)g->start)(ctx, name, atts);
}

static void
guard_comment(void *ctx, const xmlChar *value)
{
    htmlParserCtxtPtr ctxt = ctx;
    struct sanitize_guard *g = ctxt->_private;

    if (guard_count(ctxt, 1) && g->comment != NULL)
        ((commentSAXFunc)g->comment)(ctx, value);
}

static void
guard_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    htmlParserCtxtPtr ctxt = ctx;
    struct sanitize_guard *g = ctxt->_private;

    if (guard_count(ctxt, 1) && g->pi != NULL)
        ((processingInstructionSAXFunc)g->pi)(ctx, target, data);
}

int
sanitize_check_tags(const char *html, size_t n, struct err *err)
{
    struct sanitize_tags t;
    size_t line = 1, i;

    sanitize_count_tags(html, n, &t);
    if (t.most <= MAX_TAG_ATTRS)
        return 0;
    for (i = 0; i < t.most_at; i++)
        line += html[i] == '\n';
    return err_set(err, ERR_LIMIT,
                   "line %zu: a start tag has more than %d attributes", line,
                   MAX_TAG_ATTRS);
}

int
sanitize_guard_begin(struct sanitize_guard *g, void *parser, const char *html,
                     size_t n, struct err *err)
{
    htmlParserCtxtPtr ctxt = parser;
    xmlSAXHandler *sax = ctxt->sax;

    memset(g, 0, sizeof(*g));
    if (sanitize_check_tags(html, n, err) < 0)
        return -1;
    g->start = (void (*)(void))sax->startElement;
    g->comment = (void (*)(void))sax->comment;
    g->pi = (void (*)(void))sax->processingInstruction;
    ctxt->_private = g;
    sax->startElement = guard_start;
    sax->comment = guard_comment;
    sax->processingInstruction = guard_pi;
    return 0;
}

int
sanitize_guard_end(const struct sanitize_guard *g, struct err *err)
{
    if (g->over)
        return err_set(err, ERR_LIMIT,
                       "HTML has more than %d elements and attributes",
                       MAX_PARSED);
    return 0;
}

/* ---- entry points ------------------------------------------------------ */

/* parse: the document tree of html in *doc (NULL when libxml2 finds no
 * document in it, e.g. only white space); -1 with ERR_LIMIT when it is
 * too large or too deep. */
static int
parse(const char *html, size_t n, xmlDoc **doc, struct err *err)
{
    struct buf valid = BUF_INIT;
    htmlParserCtxtPtr ctxt;
    struct sanitize_guard g;
    struct diag d;
    int rc = -1;

    *doc = NULL;
    if (n > INT_MAX)
        return err_set(err, ERR_LIMIT, "HTML of %zu bytes is too large", n);
    if ((ctxt = htmlNewParserCtxt()) == NULL)
        return err_set(err, ERR_LIMIT, "out of memory for the HTML parser");
    /* invalid UTF-8 would make libxml2 switch to Latin-1 mid-document */
    if (utf8_check(html, n) != n) {
        utf8_append_xml(&valid, html, n);
        html = valid.data;
        n = valid.len;
    }
    if (sanitize_guard_begin(&g, ctxt, html, n, err) < 0)
        goto out;
    diag_begin(&d);
    *doc = htmlCtxtReadMemory(ctxt, html, (int)n, NULL, "UTF-8", HTML_OPTIONS);
    diag_end(&d);
    if (d.too_deep)
        err_set(err, ERR_LIMIT, "HTML nests deeper than 256 elements");
    else if (sanitize_guard_end(&g, err) == 0)
        rc = 0;
out:
    htmlFreeParserCtxt(ctxt);
    buf_release(&valid);
    if (rc < 0) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    return rc;
}

struct sanitize *
sanitize_new(const char *base)
{
    struct sanitize *s = xcalloc(1, sizeof(*s));

    s->base = base;
    buf_init(&s->text, 0);
    s->kept = s->cur = node_new(s, T_ROOT);
    return s;
}

size_t
sanitize_unresolved(const struct sanitize *s)
{
    return s->unresolved;
}

void
sanitize_free(struct sanitize *s)
{
    if (s == NULL)
        return;
    san_release(s);
    free(s);
}

int
sanitize_finish(struct sanitize *s, struct buf *out, struct err *err)
{
    s->stack[0].node = node_new(s, T_ROOT);
    s->depth = 1;
    norm_children(s, s->kept);
    if (s->too_many)
        return err_set(err, ERR_LIMIT, "HTML has more than %u elements",
                       MAX_NODES);
    mark(s, s->stack[0].node);
    ser_flow(s, s->stack[0].node, out);
    if (buf_failed(out))
        return err_set(err, ERR_LIMIT, "sanitized HTML is too large");
    return 0;
}

int
sanitize_html(const char *html, size_t n, const char *base, struct buf *out,
              struct err *err)
{
    struct sanitize *s;
    xmlDoc *doc;
    int rc;

    if (n == 0)
        return 0;
    if (parse(html, n, &doc, err) < 0)
        return -1;
    if (doc == NULL)
        return 0;
    s = sanitize_new(base);
    collect(s, (xmlNode *)doc);
    xmlFreeDoc(doc);
    rc = sanitize_finish(s, out, err);
    sanitize_free(s);
    return rc;
}

/* separates: e is an element whose edges separate words (a block, a
 * dropped element, br, img). */
static int
separates(xmlNode *e)
{
    const struct tag_info *t = e->name ? lookup((const char *)e->name) : NULL;

    return t != NULL && t->tag != T_A && t->tag != T_STRONG && t->tag != T_EM;
}

/* text_walk: appends the text under top, with a space at each edge of an
 * element that separates words; dropped elements' text is skipped. */
static void
text_walk(xmlNode *top, struct buf *out)
{
    xmlNode *n = top->children;
    const struct tag_info *t;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            t = n->name ? lookup((const char *)n->name) : NULL;
            if (separates(n))
                buf_putc(out, ' ');
            if (n->children != NULL && !(t != NULL && t->kind == K_DROP)) {
                n = n->children;
                continue;
            }
        } else if (n->type == XML_TEXT_NODE && n->content != NULL) {
            buf_puts(out, (const char *)n->content);
        }
        while (n != NULL && n->next == NULL) {
            n = n->parent;
            if (n == top || n == NULL)
                return;
            if (separates(n))
                buf_putc(out, ' ');
        }
        if (n != NULL)
            n = n->next;
    }
}

int
sanitize_text(const char *html, size_t n, struct buf *out, struct err *err)
{
    struct buf raw = BUF_INIT;
    xmlDoc *doc;

    if (memchr(html, '<', n) == NULL && memchr(html, '&', n) == NULL) {
        utf8_append_clean(out, html, n);
    } else if (parse(html, n, &doc, err) < 0) {
        return -1;
    } else if (doc != NULL) {
        text_walk((xmlNode *)doc, &raw);
        xmlFreeDoc(doc);
        utf8_append_clean(out, raw.data, raw.len);
        buf_release(&raw);
    }
    if (buf_failed(out))
        return err_set(err, ERR_LIMIT, "text is too large");
    return 0;
}

int
sanitize_is_markup(const char *s, size_t n)
{
    const char *p = s, *end = s + n;

    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL && p + 1 < end) {
        char c = p[1];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
            c == '!')
            return 1;
        p++;
    }
    return 0;
}
