#ifndef TIDINGS_SANITIZE_H
#define TIDINGS_SANITIZE_H

/*
 * sanitize: untrusted HTML in, the stored body fragment out.  Every
 * importer that takes HTML (pages, feed content) goes through here, so the
 * rules live in one place:
 *
 *  - only the allow-list of SPEC 1.2 survives: p, h2-h4, ul/ol/li,
 *    blockquote, a[href], img[src,alt], strong, em, br, figure,
 *    figcaption, and table, caption, thead, tbody, tfoot, tr, th, td;
 *    h1 becomes h2, h5/h6 h4, b strong, i em;
 *  - script, style, iframe, object, form controls, svg and the like go
 *    with their content; other unknown elements go but keep their text,
 *    block-like ones (div, section, ...) as paragraph breaks;
 *  - every other attribute goes (event handlers, style, class); href and
 *    src are made absolute against the base and refused unless http(s),
 *    mailto, ftp or tel (see url.h), and an a or img without one goes;
 *    so do relative ones when there is no base: a stored body holds
 *    absolute URLs only (SPEC 1.5);
 *  - tables whose cells hold blocks, or with fewer than two cells with
 *    text, are layout and are unwrapped; text outside blocks is wrapped
 *    in <p>; empty elements are dropped; white space (U+00A0 and U+3000
 *    included) is collapsed.
 *
 * Output is serialized one way only: lower-case tags, attributes in a
 * fixed order in double quotes, text and values escaped as by
 * html_append_text, void elements as <br> and <img ...>, sibling blocks
 * separated by "\n".  The function is a fixpoint: sanitizing its own
 * output (with the same base) gives the same bytes, and so does a
 * page-text body ("<p>a &amp; b</p>\n<h2>x</h2>").
 */

#include <stddef.h>

struct buf;
struct err;

/* sanitize_html: appends the clean form of the UTF-8 HTML html (n bytes,
 * a fragment or a whole document) to out; nothing when nothing is left.
 * base is the absolute URL relative links are resolved against, or NULL.
 * Returns 0, or -1 with ERR_LIMIT when the input nests deeper than the
 * HTML parser allows, passes the bounds below (too many attributes in a
 * tag, too many elements), or out's cap is reached (out then holds part
 * of the result). */
int sanitize_html(const char *html, size_t n, const char *base, struct buf *out,
                  struct err *err);

/* The same from a tree the caller has already parsed (the HTML importer's
 * page), given as events in document order: every start has its end, and
 * text comes as valid UTF-8 (what XML forbids in it is dropped here).
 * attrs are name and value pairs ending with NULL (or NULL for none).
 * sanitize_finish appends the result as sanitize_html does and fails as
 * it does; the handle is freed with sanitize_free either way. */
struct sanitize;

struct sanitize *sanitize_new(const char *base);
void sanitize_start(struct sanitize *s, const char *name,
                    const char *const *attrs);
void sanitize_end(struct sanitize *s);
void sanitize_chars(struct sanitize *s, const char *text, size_t n);
int sanitize_finish(struct sanitize *s, struct buf *out, struct err *err);
void sanitize_free(struct sanitize *s);
/* sanitize_unresolved: how many links and images went because they were
 * relative and there was no base to make them absolute. */
size_t sanitize_unresolved(const struct sanitize *s);

/* sanitize_text: appends the text of the HTML html: tags stripped, script
 * and style content dropped, entities decoded, white space collapsed and
 * trimmed (block boundaries become spaces).  Returns 0, or -1 with
 * ERR_LIMIT as sanitize_html. */
int sanitize_text(const char *html, size_t n, struct buf *out, struct err *err);

/* sanitize_is_markup: true when s holds something tag-like: '<' followed
 * by a letter, '/' or '!' (the feed conventions' test for "this
 * description is HTML"). */
int sanitize_is_markup(const char *s, size_t n);

/*
 * Bounds on untrusted HTML for libxml2's HTML parser, which every reader
 * of HTML (this module, the HTML importer) goes through (SPEC 1.6: never
 * a hang, never unbounded memory).  Before the parse, a linear scan
 * refuses a start tag of more than 256 attributes (which the parser
 * reads in quadratic time); during it, the parser is stopped once it has
 * built more than 200000 elements, attributes, comments and PIs.
 */

/* What the scan found: start tags, their attributes, the most in one
 * tag and where that tag starts (a byte offset). */
struct sanitize_tags {
    size_t tags, attrs, most, most_at;
};

/* sanitize_count_tags: reads the tags of html (n bytes) the way
 * libxml2's HTML parser reads them, counting too many where its reading
 * is not certain but never too few. */
void sanitize_count_tags(const char *html, size_t n, struct sanitize_tags *t);

/* sanitize_check_tags: 0, or -1 with ERR_LIMIT ("line N: a start tag has
 * more than 256 attributes") for html that passes the scan's bound. */
int sanitize_check_tags(const char *html, size_t n, struct err *err);

/* The parser's own callbacks (as generic function pointers, so that
 * libxml2's types stay out of this header) and what it has built. */
struct sanitize_guard {
    size_t nodes;
    int over;
    void (*start)(void), (*comment)(void), (*pi)(void);
};

/* sanitize_guard_begin: checks html (n bytes) with sanitize_check_tags
 * and makes parser (an htmlParserCtxtPtr, given as void *) count what it
 * builds into g and stop past the bound; g must outlive the parse and
 * parser's _private is taken.  Returns 0, or -1 with ERR_LIMIT (the
 * parser untouched).  sanitize_guard_end: after the parse, -1 with
 * ERR_LIMIT when the parser was stopped (its document is partial). */
int sanitize_guard_begin(struct sanitize_guard *g, void *parser,
                         const char *html, size_t n, struct err *err);
int sanitize_guard_end(const struct sanitize_guard *g, struct err *err);

#endif
