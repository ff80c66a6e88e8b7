/*
 * Tests of the sanitizer and the URL rules it uses: the allow-list, what
 * never survives, URL resolution, the content model, white space, and the
 * fixpoint property on its own output and on page-text bodies.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_text.h"
#include "tidings/sanitize.h"
#include "tidings/url.h"
#include "tidings/xalloc.h"

#define BASE "https://www.example.org/news/2013/a.html"

/* san: the sanitized form of html against base, in a static buffer that
 * the next call replaces; "<error: ...>" when it failed. */
static const char *
san(const char *html, const char *base)
{
    static struct buf out = BUF_INIT;
    struct err err = ERR_INIT;

    buf_release(&out);
    if (sanitize_html(html, strlen(html), base, &out, &err) < 0) {
        buf_release(&out);
        buf_appendf(&out, "<error: %s>", err.msg);
    }
    return out.data;
}

/* is_fixpoint: sanitizing the output of html again gives the same. */
static int
is_fixpoint(const char *html, const char *base)
{
    char *once = xstrdup(san(html, base));
    int same = strcmp(san(once, base), once) == 0;

    if (!same)
        fprintf(stderr, "not a fixpoint:\n  %s\n  %s\n", once, san(once, base));
    free(once);
    return same;
}

static const char *
resolve(const char *base, const char *ref)
{
    static struct buf out = BUF_INIT;

    buf_release(&out);
    if (url_resolve(base, ref, strlen(ref), &out) < 0)
        return "(refused)";
    return out.data;
}

/* ---- url --------------------------------------------------------------- */

static void
url_rfc3986_examples(void)
{
    const char *b = "http://a/b/c/d;p?q";

    CHECK_STR_EQ(resolve(b, "g:h"), "(refused)"); /* not an allowed scheme */
    CHECK_STR_EQ(resolve(b, "g"), "http://a/b/c/g");
    CHECK_STR_EQ(resolve(b, "./g"), "http://a/b/c/g");
    CHECK_STR_EQ(resolve(b, "g/"), "http://a/b/c/g/");
    CHECK_STR_EQ(resolve(b, "/g"), "http://a/g");
    CHECK_STR_EQ(resolve(b, "//g"), "http://g");
    CHECK_STR_EQ(resolve(b, "?y"), "http://a/b/c/d;p?y");
    CHECK_STR_EQ(resolve(b, "g?y"), "http://a/b/c/g?y");
    CHECK_STR_EQ(resolve(b, "#s"), "http://a/b/c/d;p?q#s");
    CHECK_STR_EQ(resolve(b, "g#s"), "http://a/b/c/g#s");
    CHECK_STR_EQ(resolve(b, ";x"), "http://a/b/c/;x");
    CHECK_STR_EQ(resolve(b, "."), "http://a/b/c/");
    CHECK_STR_EQ(resolve(b, "./"), "http://a/b/c/");
    CHECK_STR_EQ(resolve(b, ".."), "http://a/b/");
    CHECK_STR_EQ(resolve(b, "../g"), "http://a/b/g");
    CHECK_STR_EQ(resolve(b, "../.."), "http://a/");
    CHECK_STR_EQ(resolve(b, "../../g"), "http://a/g");
    CHECK_STR_EQ(resolve(b, "../../../g"), "http://a/g");
    CHECK_STR_EQ(resolve(b, "/./g"), "http://a/g");
    CHECK_STR_EQ(resolve(b, "/../g"), "http://a/g");
    CHECK_STR_EQ(resolve(b, "g."), "http://a/b/c/g.");
    CHECK_STR_EQ(resolve(b, "..g"), "http://a/b/c/..g");
    CHECK_STR_EQ(resolve(b, "./g/."), "http://a/b/c/g/");
    CHECK_STR_EQ(resolve(b, "g/../h"), "http://a/b/c/h");
    CHECK_STR_EQ(resolve(b, "g;x=1/../y"), "http://a/b/c/y");
    CHECK_STR_EQ(resolve(b, "http:g"), "http:g");
}

static void
url_cleaning_and_schemes(void)
{
    CHECK_STR_EQ(resolve(NULL, "  /a b.html\n"), "/a%20b.html");
    CHECK_STR_EQ(resolve(NULL, "x\t/y\r\nz"), "x/yz");
    CHECK_STR_EQ(resolve("https://h", "HTTPS://Other/x"), "HTTPS://Other/x");
    CHECK_STR_EQ(resolve(NULL, "mailto:a@b.org"), "mailto:a@b.org");
    CHECK_STR_EQ(resolve(NULL, "javascript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "JaVaScRiPt:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, " java\tscript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "java script:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "\x01javascript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "&#106;avascript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "&#x6A;avascript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "&#0000106avascript:alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "javascript&colon;alert(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "vbscript:msgbox(1)"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "data:text/html;base64,PHNjcmlwdD4="),
                 "(refused)");
    CHECK_STR_EQ(resolve(NULL, "DATA:image/png;base64,AAAA"), "(refused)");
    CHECK_STR_EQ(resolve(NULL, "   "), "(refused)");
    CHECK(url_is_absolute("https://www.example.org/x"));
    CHECK(url_is_absolute("HTTP://h"));
    CHECK(!url_is_absolute("https:///x"));
    CHECK(!url_is_absolute("//h/x"));
    CHECK(!url_is_absolute("/x"));
}

static void
url_resolution_is_idempotent(void)
{
    static const char *const refs[] = {
        "../a/./b/../c?x#y", "//h/./x/..", "g;x=1/../y", "?q", "", "a b"
    };
    size_t i;

    for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        char *once;

        if (strcmp(resolve("http://a/b/c/d;p?q", refs[i]), "(refused)") == 0)
            continue;
        once = xstrdup(resolve("http://a/b/c/d;p?q", refs[i]));
        CHECK_STR_EQ(resolve("https://other/z/", once), once);
        free(once);
    }
}

/* ---- what survives ----------------------------------------------------- */

static void
page_text_body_is_unchanged(void)
{
    const char *body = "<p>a &amp; b &quot;c&quot;</p>\n<h2>x</h2>";

    CHECK_STR_EQ(san(body, NULL), body);
    CHECK_STR_EQ(san(body, BASE), body);
}

/* The real seed page, through the page-text importer: its body is already
 * what the sanitizer writes. */
static int
keep_body(void *arg, struct import_item *item, struct err *err)
{
    (void)err;
    *(char **)arg = xstrdup(item->article->body);
    return 0;
}

static void
seed_body_is_a_fixpoint(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct err err = ERR_INIT;
    char *text, *body = NULL;
    size_t len;

    memset(&o, 0, sizeof(o));
    sink.emit = keep_body;
    sink.warn = NULL;
    sink.arg = &body;
    text = test_read("tests/samples/000_6f3282650a6999bc.txt", &len);
    CHECK(text != NULL);
    CHECK_MSG(import_text_parse(text, len, &o, &sink, &err) == 0, "%s",
              err.msg);
    free(text);
    CHECK(body != NULL && test_count(body, "<h2>") == 5);
    CHECK_STR_EQ(san(body, NULL), body);
    CHECK_STR_EQ(san(body, BASE), body);
    free(body);
}

static int
keep_last_body(void *arg, struct import_item *item, struct err *err)
{
    char **body = arg;

    (void)err;
    free(*body);
    *body = item->article->body ? xstrdup(item->article->body) : NULL;
    return 0;
}

/* text_bodies_of: imports every page-text file of dir (not the golden
 * .expected files) and checks that each body is a sanitizer fixpoint,
 * with and without a base; returns how many bodies were checked, or -1
 * with why filled on the first that is not. */
static int
text_bodies_of(const char *dir, char *why, size_t cap)
{
    struct import_opts o;
    struct import_sink sink = { keep_last_body, NULL, NULL };
    struct dirent *de;
    struct buf utf8 = BUF_INIT;
    DIR *d = opendir(dir);
    int checked = 0;

    memset(&o, 0, sizeof(o));
    while (d != NULL && (de = readdir(d)) != NULL) {
        struct err err = ERR_INIT;
        char path[512], *text, *body = NULL;
        size_t len;

        if (de->d_name[0] == '.' || strstr(de->d_name, ".expected"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        text = test_read(path, &len);
        sink.arg = &body;
        buf_reset(&utf8);
        /* decoded as import.c does before the importer sees it */
        if (text != NULL &&
            charset_to_utf8(text, len, NULL, &utf8, NULL, &err) == 0 &&
            import_text_parse(utf8.data, utf8.len, &o, &sink, &err) == 0 &&
            body != NULL) {
            checked++;
            if (strcmp(san(body, NULL), body) != 0 ||
                strcmp(san(body, BASE), body) != 0) {
                snprintf(why, cap, "%s/%s: %s", dir, de->d_name,
                         san(body, NULL));
                checked = -1;
            }
        }
        free(text);
        free(body);
        if (checked < 0)
            break;
    }
    if (d != NULL)
        closedir(d);
    buf_release(&utf8);
    return checked;
}

/* The page-text importer builds its HTML itself, never through the
 * sanitizer: every body it makes must be what the sanitizer would. */
static void
every_text_body_is_a_fixpoint(void)
{
    char why[1024] = "";
    int fixtures = text_bodies_of("tests/fixtures/text", why, sizeof(why));
    int samples = text_bodies_of("tests/samples", why, sizeof(why));

    CHECK_MSG(fixtures >= 0 && samples >= 0, "not a fixpoint: %s", why);
    CHECK_MSG(fixtures >= 35, "%d text fixtures with a body", fixtures);
    CHECK_MSG(samples >= 5, "%d samples with a body", samples);
}

static void
scripts_styles_and_handlers_go(void)
{
    const char *out =
        san("<p onclick=\"steal()\" style=\"color:red\" class=\"x\" id=\"y\">"
            "hi<script>alert(1)</script><style>p{}</style>"
            "<img src=\"x.png\" onerror=\"alert(2)\" width=\"3\">"
            "<iframe src=\"https://evil/\">inside</iframe>"
            "<noscript><img src=\"track.gif\"></noscript>"
            "<svg><script>alert(3)</script><text>svgtext</text></svg>"
            "<object data=\"x\">obj</object><form><input value=\"v\">"
            "<button>go</button></form></p>",
            BASE);

    CHECK_STR_EQ(out, "<p>hi<img src=\"https://www.example.org/news/2013/"
                      "x.png\"></p>");
}

static void
script_urls_go(void)
{
    CHECK_STR_EQ(san("<p><a href=\"javascript:alert(1)\">a</a> "
                     "<a href=\"JAVASCRIPT:alert(1)\">b</a> "
                     "<a href=\"&#106;avascript:alert(1)\">c</a> "
                     "<a href=\"&amp;#106;avascript:alert(1)\">d</a> "
                     "<a href=\"java&#x09;script:alert(1)\">e</a> "
                     "<a href=\" &#x0A;javascript:alert(1)\">f</a> "
                     "<a href=\"vbscript:x\">g</a> "
                     "<a href=\"data:text/html,&lt;script&gt;\">h</a> "
                     "<img src=\"data:image/png;base64,AAAA\" alt=\"i\">"
                     "<img src=\"javascript:alert(1)\" alt=\"j\"></p>",
                     BASE),
                 "<p>a b c d e f g h</p>");
}

static void
relative_urls_become_absolute(void)
{
    CHECK_STR_EQ(san("<p><a href=\"../b.html?x=1&amp;y=2#f\">l</a>"
                     "<img src=\"/img/p.png\" alt=\"图\"></p>",
                     BASE),
                 "<p><a href=\"https://www.example.org/news/b.html?x=1&amp;"
                 "y=2#f\">l</a><img src=\"https://www.example.org/img/p.png\" "
                 "alt=\"图\"></p>");
    /* without a base they would mean nothing in a feed: they go, and
     * absolute ones stay, cleaned */
    CHECK_STR_EQ(san("<p><a href=\" x y.html \">l</a><img src=\"/i.png\" "
                     "alt=\"i\"><a href=\"//h/x\">m</a> <a href=\" https://h/a "
                     "b\">n</a></p>",
                     NULL),
                 "<p>lm <a href=\"https://h/a%20b\">n</a></p>");
    /* lazy-loading pages keep the real image in data-src */
    CHECK_STR_EQ(san("<p><img src=\"data:image/gif;base64,R0\" "
                     "data-src=\"/real.jpg\"><img src=\"/blank.gif\" "
                     "data-original=\"/real2.jpg\"></p>",
                     BASE),
                 "<p><img src=\"https://www.example.org/real.jpg\">"
                 "<img src=\"https://www.example.org/real2.jpg\"></p>");
}

static void
unknown_elements_keep_their_text(void)
{
    CHECK_STR_EQ(san("<div>one <span class=\"x\">two</span> <font>three"
                     "</font></div><section><div>four</div>five</section>"
                     "<center><u>six</u></center>",
                     NULL),
                 "<p>one two three</p>\n<p>four</p>\n<p>five</p>\n<p>six</p>");
    CHECK_STR_EQ(
        san("<h1>t</h1><h5>u</h5><b>v</b> <i>w</i>", NULL),
        "<h2>t</h2>\n<h4>u</h4>\n<p><strong>v</strong> <em>w</em></p>");
}

static void
white_space_collapses(void)
{
    CHECK_STR_EQ(san("<p>  a \t\n b\xC2\xA0\xC2\xA0"
                     "c\xE3\x80\x80"
                     "d <strong> e </strong> f<br> g </p>",
                     NULL),
                 "<p>a b c d <strong>e</strong> f<br>g</p>");
    CHECK_STR_EQ(
        san("<p> </p><p><br></p><p><em> </em></p><ul><li> </li></ul>", NULL),
        "");
    /* line breaks at the edges of a paragraph say nothing */
    CHECK_STR_EQ(san("<p><br>a<br>b<br><br></p><div>c<br></div>", NULL),
                 "<p>a<br>b</p>\n<p>c</p>");
    CHECK_STR_EQ(san("   ", NULL), "");
    CHECK_STR_EQ(san("", NULL), "");
}

static void
lists_quotes_and_figures(void)
{
    CHECK_STR_EQ(san("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"
                     "<ol><li>d</li></ol><blockquote>q<p>r</p></blockquote>",
                     NULL),
                 "<ul><li>a\n<ul><li>b</li></ul></li>\n<li>c</li></ul>\n"
                 "<ol><li>d</li></ol>\n"
                 "<blockquote><p>q</p>\n<p>r</p></blockquote>");
    /* stray items get a list, stray text in a list an item */
    CHECK_STR_EQ(san("<li>x</li><li>y</li>text<ul>z<li>w</li></ul>", NULL),
                 "<ul><li>x</li>\n<li>y</li></ul>\n<p>text</p>\n"
                 "<ul><li>z</li>\n<li>w</li></ul>");
    CHECK_STR_EQ(san("<figure><img src=\"a.png\" alt=\" a  pic \">"
                     "<figcaption>cap <b>tion</b></figcaption></figure>",
                     "http://h/d/"),
                 "<figure><img src=\"http://h/d/a.png\" alt=\"a pic\">\n"
                 "<figcaption>cap <strong>tion</strong></figcaption>"
                 "</figure>");
}

static void
tables_data_and_layout(void)
{
    /* a data table stays, with empty cells kept in their rows */
    CHECK_STR_EQ(san("<table border=1><caption>t</caption><thead><tr>"
                     "<th>h1</th><th>h2</th></tr></thead><tbody><tr><td>a"
                     "</td><td></td></tr></tbody></table>",
                     NULL),
                 "<table><caption>t</caption>\n<thead><tr><th>h1</th>\n"
                 "<th>h2</th></tr></thead>\n<tbody><tr><td>a</td>\n"
                 "<td></td></tr></tbody></table>");
    /* layout: cells hold blocks, or only one cell has text */
    CHECK_STR_EQ(san("<table><tr><td><p>one</p></td><td>two</td></tr>"
                     "</table><table><tr><td>only</td><td> </td></tr>"
                     "</table>",
                     NULL),
                 "<p>one</p>\n<p>two</p>\n<p>only</p>");
    /* nested layout tables around a data table */
    CHECK_STR_EQ(san("<table><tr><td><table><tr><td>x</td></tr></table>"
                     "<table><tr><td>1</td><td>2</td></tr></table>"
                     "</td></tr></table>",
                     NULL),
                 "<p>x</p>\n<table><tr><td>1</td>\n<td>2</td></tr></table>");
}

static void
blocks_do_not_nest_in_paragraphs(void)
{
    CHECK_STR_EQ(san("<p>a<ul><li>b</li></ul>c</p><h2>h<p>i</p></h2>", NULL),
                 "<p>a</p>\n<ul><li>b</li></ul>\n<p>c</p>\n<h2>h</h2>\n"
                 "<p>i</p>");
    CHECK_STR_EQ(san("<a href=\"/x\">a<a href=\"/y\">b</a></a>", "http://h/"),
                 "<p><a href=\"http://h/x\">a</a><a href=\"http://h/y\">b"
                 "</a></p>");
}

static void
fixpoint_on_many_shapes(void)
{
    static const char *const inputs[] = {
        "hello <b>world</b><div>one</div><div>two <i> three</i></div>",
        "<p>a<ul><li>b<p>c</p>d</li></ul>e</p>",
        "<li>x<div>y</div>z</li><td>q</td>",
        "<table><tr><td>a<br>b</td><td><b>c</b></td></tr>text</table>",
        "<figcaption>c</figcaption><caption>d</caption>",
        "<p>a <em> </em> b</p><p>a<em> b</em></p><p><a href=x> </a>c</p>",
        "<ul><li>a</li><div><li>b</li></div><li>c</li></ul>",
        "<blockquote>a<blockquote>b</blockquote>c</blockquote>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &quot;</p>",
        "<pre>  code\n  more</pre><dl><dt>t</dt><dd>d</dd></dl>",
    };
    size_t i;

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        CHECK_MSG(is_fixpoint(inputs[i], NULL), "input %zu", i);
        CHECK_MSG(is_fixpoint(inputs[i], BASE), "input %zu with base", i);
    }
}

static void
depth_and_size_are_bounded(void)
{
    struct buf deep = BUF_INIT, out = BUF_INIT;
    struct err err = ERR_INIT;
    int i;

    for (i = 0; i < 100000; i++)
        buf_puts(&deep, "<div>");
    buf_puts(&deep, "x");
    CHECK(sanitize_html(deep.data, deep.len, NULL, &out, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    /* deep nesting of allowed elements below the parser's limit is
     * unwrapped past the output depth, keeping the text */
    buf_reset(&deep);
    buf_reset(&out);
    for (i = 0; i < 200; i++)
        buf_puts(&deep, "<blockquote>");
    buf_puts(&deep, "deep");
    CHECK(sanitize_html(deep.data, deep.len, NULL, &out, &err) == 0);
    CHECK(strstr(out.data, "deep") != NULL);
    CHECK(test_count(out.data, "<blockquote>") < 60);
    CHECK(is_fixpoint(deep.data, NULL));
    /* the output cap is an error, not a silent cut */
    buf_release(&out);
    buf_init(&out, 16);
    CHECK(sanitize_html("<p>0123456789abcdef</p>", 23, NULL, &out, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    buf_release(&out);
    buf_release(&deep);
}

/* ---- limits on what libxml2 is given ----------------------------------- */

/* attrs_tag: "<p a0 a1 ...>" with n attributes, then text, into b. */
static void
attrs_tag(struct buf *b, const char *before, int n)
{
    int i;

    buf_puts(b, before);
    buf_puts(b, "<p");
    for (i = 0; i < n; i++)
        buf_appendf(b, " a%d", i);
    buf_puts(b, ">kept text</p>");
}

static size_t
most_attrs(const char *html)
{
    struct sanitize_tags t;

    sanitize_count_tags(html, strlen(html), &t);
    return t.most;
}

/* libxml2 reads a start tag of n attributes in n^2 time (40 000 took
 * 12 s): such a tag is refused before the parser sees it, and the error
 * says which bound it passed. */
static void
attribute_flood_is_refused(void)
{
    struct buf html = BUF_INIT, out = BUF_INIT;
    struct err err = ERR_INIT;

    attrs_tag(&html, "<div>\n\n", 40000);
    CHECK(sanitize_html(html.data, html.len, NULL, &out, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_STR_EQ(err.msg, "line 3: a start tag has more than 256 attributes");
    err_clear(&err);
    CHECK(sanitize_text(html.data, html.len, &out, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    /* 100 attributes (as real pages never have) are still fine */
    buf_reset(&html);
    attrs_tag(&html, "", 100);
    CHECK_STR_EQ(san(html.data, NULL), "<p>kept text</p>");
    buf_reset(&html);
    attrs_tag(&html, "", 257);
    CHECK_STR_EQ(san(html.data, NULL),
                 "<error: line 1: a start tag has more than 256 attributes>");
    buf_release(&html);
    buf_release(&out);
}

/* The scan reads tags as libxml2 does (fuzz_htmlscan compares the two):
 * what is quoted, commented or script text is no attribute, but a name
 * past 100 characters is two, and where the parser's reading is not
 * certain the scan counts every "<" and letter as a tag. */
static void
attribute_scan_reads_like_the_parser(void)
{
    struct buf js = BUF_INIT, cut = BUF_INIT;
    int i;

    CHECK_INT_EQ(most_attrs("<p a=\"x y z\" b='1 2' c=d e>"), 4);
    CHECK_INT_EQ(most_attrs("<p a=x\"y b>"), 2);  /* no quoted value */
    CHECK_INT_EQ(most_attrs("<p \"a b c\">"), 2); /* nor here */
    CHECK_INT_EQ(most_attrs("<!-- <p a b c> --!><p d>"), 1);
    CHECK_INT_EQ(most_attrs("<style><p a b c></style><p d>"), 1);
    CHECK_INT_EQ(most_attrs("</p a b c><p d>"), 1);
    /* a script's "i<n" and the words after it are no tag ... */
    buf_puts(&js, "<script>for (i = 0; i<n; i++) {");
    for (i = 0; i < 400; i++)
        buf_puts(&js, " x = x + 1;");
    buf_puts(&js, "}</script><p>text</p>");
    CHECK_INT_EQ(most_attrs(js.data), 0);
    CHECK_STR_EQ(san(js.data, NULL), "<p>text</p>");
    /* ... unless the script may have ended where the parser is not sure
     * it does ("</b>" at its start): then they count */
    buf_reset(&js);
    attrs_tag(&js, "<script></b>a", 300);
    CHECK_INT_EQ(most_attrs(js.data), 300);
    for (i = 0; i < 250; i++)
        buf_putc(&cut, 'a');
    buf_puts(&cut, "=1");
    buf_reset(&js);
    buf_appendf(&js, "<p %s>", cut.data);
    CHECK_INT_EQ(most_attrs(js.data), 3);
    buf_release(&js);
    buf_release(&cut);
}

/* A page of 16 MiB of <p>x</p> took 939 MB before it was refused: the
 * parser is stopped once it has built the bound, and the error says so. */
static void
element_flood_is_refused(void)
{
    struct buf html = BUF_INIT, out = BUF_INIT;
    struct err err = ERR_INIT;
    int i;

    if (test_slow())
        SKIP("250 000 elements under valgrind");
    for (i = 0; i < 250000; i++)
        buf_puts(&html, "<p>x</p>");
    CHECK(sanitize_html(html.data, html.len, NULL, &out, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_STR_EQ(err.msg, "HTML has more than 200000 elements and attributes");
    /* attributes count too */
    buf_reset(&html);
    for (i = 0; i < 1000; i++)
        attrs_tag(&html, "", 250);
    err_clear(&err);
    CHECK(sanitize_html(html.data, html.len, NULL, &out, &err) < 0);
    CHECK_STR_EQ(err.msg, "HTML has more than 200000 elements and attributes");
    buf_release(&html);
    buf_release(&out);
}

/* ---- text -------------------------------------------------------------- */

static const char *
text(const char *html)
{
    static struct buf out = BUF_INIT;
    struct err err = ERR_INIT;

    buf_release(&out);
    if (sanitize_text(html, strlen(html), &out, &err) < 0)
        return "(error)";
    return out.data;
}

static void
text_strips_and_decodes(void)
{
    CHECK_STR_EQ(text("<p>a</p><p>b <b>c</b>d</p>"), "a b cd");
    CHECK_STR_EQ(text("AT&amp;T &lt;tag&gt; &#20013;&nbsp;x"),
                 "AT&T <tag> 中 x");
    CHECK_STR_EQ(text("x<script>alert(1)</script><style>p{}</style>y"), "x y");
    CHECK_STR_EQ(text("  plain   text  "), "plain text");
    CHECK_STR_EQ(text("a<br>b"), "a b");
    CHECK(sanitize_is_markup("a <b>c", 6));
    CHECK(sanitize_is_markup("</x>", 4));
    CHECK(sanitize_is_markup("<!-- c -->", 10));
    CHECK(!sanitize_is_markup("a < b and 3<4", 13));
    CHECK(!sanitize_is_markup("&lt;b&gt;", 9));
}

const struct test tests_sanitize[] = {
    { "url_rfc3986_examples", url_rfc3986_examples },
    { "url_cleaning_and_schemes", url_cleaning_and_schemes },
    { "url_resolution_is_idempotent", url_resolution_is_idempotent },
    { "page_text_body_is_unchanged", page_text_body_is_unchanged },
    { "seed_body_is_a_fixpoint", seed_body_is_a_fixpoint },
    { "every_text_body_is_a_fixpoint", every_text_body_is_a_fixpoint },
    { "scripts_styles_and_handlers_go", scripts_styles_and_handlers_go },
    { "script_urls_go", script_urls_go },
    { "relative_urls_become_absolute", relative_urls_become_absolute },
    { "unknown_elements_keep_their_text", unknown_elements_keep_their_text },
    { "white_space_collapses", white_space_collapses },
    { "lists_quotes_and_figures", lists_quotes_and_figures },
    { "tables_data_and_layout", tables_data_and_layout },
    { "blocks_do_not_nest_in_paragraphs", blocks_do_not_nest_in_paragraphs },
    { "fixpoint_on_many_shapes", fixpoint_on_many_shapes },
    { "depth_and_size_are_bounded", depth_and_size_are_bounded },
    { "attribute_flood_is_refused", attribute_flood_is_refused },
    { "attribute_scan_reads_like_the_parser",
      attribute_scan_reads_like_the_parser },
    { "element_flood_is_refused", element_flood_is_refused },
    { "text_strips_and_decodes", text_strips_and_decodes },
    { NULL, NULL },
};
