/* wait4 reports a child's own peak RSS */
#define _DEFAULT_SOURCE

/*
 * Tests of the feed importer: every fixture in tests/fixtures/feed with
 * every field it gives asserted, the feed conventions for tidings' own
 * feeds, and the safety properties (billion laughs, XXE, streaming in
 * bounded memory) through the real binary.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_feed.h"
#include "tidings/xalloc.h"

#define H8   (8 * 3600)
#define SITE "https://www.example.org"

#define CHECK_NULL(x)                                                          \
    CHECK_MSG((x) == NULL, "%s is \"%s\", expected NULL", #x, (x))

static void
opts_init(struct import_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->tz_offset = H8;
    o->host = "www.example.org";
    o->site_base_url = SITE;
}

/* parse: reads tests/fixtures/feed/NAME into c; returns the parser's
 * result, with err filled on failure. */
static int
parse(const char *name, const char *encoding, struct test_capture *c,
      struct err *err)
{
    struct import_opts o;
    struct import_sink sink;
    char path[256];
    size_t len;
    char *s;
    int rc;

    opts_init(&o);
    o.encoding = encoding;
    test_capture_init(c, &sink);
    snprintf(path, sizeof(path), "tests/fixtures/feed/%s", name);
    if ((s = test_read(path, &len)) == NULL)
        return err_set(err, ERR_IO, "cannot read %s", path);
    rc = import_feed_parse(s, len, &o, &sink, err);
    free(s);
    return rc;
}

#define PARSE(name, c, count)                                                  \
    do {                                                                       \
        struct err e_ = ERR_INIT;                                              \
        CHECK_MSG(parse(name, NULL, c, &e_) == 0, "%s: %s", name, e_.msg);     \
        CHECK_INT_EQ((c)->n, count);                                           \
    } while (0)

/* S: a string literal as an argv element. */
#define S(lit) ((char *)(uintptr_t)(lit))

/* ---- RSS 2.0 ----------------------------------------------------------- */

static void
rss2_cdata(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss2_cdata.xml", &c, 1);
    CHECK_STR_EQ(a->title, "满洲里口岸货运量创新高");
    CHECK_STR_EQ(a->url, "https://news.example.cn/2013/06/0412.html");
    CHECK_STR_EQ(a->feed_id, "caop-2013-0412");
    CHECK_STR_EQ(c.guid[0], "caop-2013-0412");
    CHECK_NULL(a->slug);
    CHECK_STR_EQ(a->summary, "满洲里口岸今年前五个月货运量同比增长。");
    CHECK_STR_EQ(
        a->body,
        "<p>满洲里口岸今年前五个月货运量<strong>同比增长</strong>。</p>\n"
        "<p>详见<a href=\"https://news.example.cn/2013/06/0413.html\">"
        "相关报道</a>与这里。<img src=\"https://news.example.cn/2013/06/"
        "img/chart.png\" alt=\"图表\"></p>");
    CHECK_STR_EQ(a->category, "新闻资讯/综合新闻"); /* the first one */
    CHECK_STR_EQ(a->source, "满洲里海关");
    CHECK_STR_EQ(a->author, "鲁焕新");
    CHECK_INT_EQ(a->published, date_make(2013, 6, 5, 10, 20, 0, H8));
    CHECK_INT_EQ(a->updated, 0);
    test_capture_release(&c);
}

static void
rss2_escaped_html(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss2_escaped.xml", &c, 1);
    CHECK_STR_EQ(a->title, "Ports & Harbours");
    /* relative link against the channel's link; a permalink guid */
    CHECK_STR_EQ(a->url, "https://blog.example.com/posts/ports.html");
    CHECK_STR_EQ(a->feed_id, "https://blog.example.com/posts/ports.html");
    CHECK_NULL(a->slug);
    CHECK_STR_EQ(a->summary, "First paragraph with a link. Second one & more.");
    CHECK_STR_EQ(a->body, "<p>First <em>paragraph</em> with a <a href=\""
                          "https://blog.example.com/about.html\">link</a>."
                          "</p>\n<p>Second one &amp; more.</p>");
    CHECK_STR_EQ(a->category, "Shipping");
    CHECK_STR_EQ(a->source, "Harbour Wire"); /* RSS <source> */
    CHECK_STR_EQ(a->author, "Jo Smith");     /* from "jo@… (Jo Smith)" */
    CHECK_INT_EQ(a->published, date_make(2020, 3, 10, 8, 30, 0, 0));
    CHECK_INT_EQ(a->updated, 0);
    test_capture_release(&c);
}

static void
rss1_rdf(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss1_rdf.xml", &c, 1);
    CHECK_STR_EQ(a->title, "RDF item");
    CHECK_STR_EQ(a->url, "https://rdf.example.org/n/1");
    CHECK_STR_EQ(a->feed_id, "https://rdf.example.org/n/1"); /* rdf:about */
    CHECK_NULL(a->slug);
    CHECK_STR_EQ(a->summary, "Plain text summary, no markup at all.");
    CHECK_STR_EQ(a->body, "<p>Full <strong>text</strong>.</p>");
    CHECK_STR_EQ(a->category, "Notes/Year end"); /* dc:subject */
    CHECK_NULL(a->source);
    CHECK_STR_EQ(a->author, "Ann Author");
    CHECK_INT_EQ(a->published, date_make(2019, 12, 31, 23, 59, 59, 0));
    CHECK_INT_EQ(a->updated, 0);
    test_capture_release(&c);
}

static void
rss2_missing_guid(void)
{
    struct test_capture c;

    PARSE("rss2_no_guid.xml", &c, 2);
    CHECK_STR_EQ(c.a[0].title, "Only a link");
    CHECK_STR_EQ(c.a[0].url, "https://ng.example.com/a");
    CHECK_NULL(c.a[0].feed_id); /* minted by import.c: the URL */
    CHECK_NULL(c.guid[0]);
    CHECK_STR_EQ(c.a[0].summary, "Text.");
    CHECK_NULL(c.a[0].body); /* plain descriptions are summaries only */
    CHECK_INT_EQ(c.a[0].published, date_make(2021, 2, 1, 0, 0, 0, 0));
    CHECK_STR_EQ(c.a[1].title, "Neither guid nor link");
    CHECK_NULL(c.a[1].url);
    CHECK_NULL(c.a[1].feed_id);
    CHECK_NULL(c.a[1].slug);
    CHECK_STR_EQ(c.a[1].summary, "Anonymous item.");
    CHECK_INT_EQ(c.a[1].published, date_make(2021, 2, 1, 1, 0, 0, 0));
    test_capture_release(&c);
}

static void
rss2_missing_dates(void)
{
    struct test_capture c;

    PARSE("rss2_no_dates.xml", &c, 2);
    CHECK_STR_EQ(c.a[0].title, "Undated");
    CHECK_STR_EQ(c.a[0].feed_id, "nd-1");
    CHECK_INT_EQ(c.a[0].published, 0); /* import.c applies the fallback */
    CHECK_STR_EQ(c.a[1].title, "Bad date");
    CHECK_INT_EQ(c.a[1].published, 0);
    CHECK(strstr(c.warnings.data, "'sometime last week' is not a date"));
    test_capture_release(&c);
}

/* one_instant: every item of fixture name (count of them) was published
 * on 2020-01-05 at 10:00 UTC, and its warnings are exactly warnings. */
static void
one_instant(const char *name, int count, const char *warnings)
{
    struct test_capture c;
    int64_t want = date_make(2020, 1, 5, 10, 0, 0, 0);
    int i;

    PARSE(name, &c, count);
    for (i = 0; i < count; i++)
        CHECK_MSG(c.a[i].published == want, "%s: %lld", c.a[i].title,
                  (long long)c.a[i].published);
    CHECK_STR_EQ(c.warnings.data, warnings);
    test_capture_release(&c);
}

/* twelve real-world variants of RFC 822, one instant */
static void
rss2_odd_rfc822_dates(void)
{
    one_instant("rss2_odd_dates.xml", 12, "");
}

/* CST is China's at a site at +08:00, JST, CET and BST are known, a
 * comment after the zone is allowed, and XYZ and the ambiguous IST are
 * read as UTC, which the file says once */
static void
rss2_named_zones(void)
{
    one_instant("rss2_named_zones.xml", 7,
                "line 12: unknown time zone 'XYZ', read as UTC\n");
}

static void
rss2_cdata_split(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss2_cdata_split.xml", &c, 1);
    CHECK_STR_EQ(a->title, "Arrays: a[b[0]]> c");
    CHECK_STR_EQ(a->summary, "Ends with ]]> in text.");
    CHECK_STR_EQ(a->body, "<p>x[y[1]]&gt; &amp; z</p>");
    CHECK_STR_EQ(a->feed_id, "cd-1");
    CHECK_NULL(a->url);
    CHECK_INT_EQ(a->published, date_make(2021, 1, 1, 0, 0, 0, 0));
    test_capture_release(&c);
}

static void
rss2_double_escape(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss2_double_escape.xml", &c, 1);
    /* entities decoded and HTML stripped, however often escaped */
    CHECK_STR_EQ(a->title, "AT&T says hi 中");
    /* a description is HTML (RSS 2.0's convention, and how tidings
     * writes a plain summary): its references are decoded once */
    CHECK_STR_EQ(a->summary, "5 < 6 and &amp; stays as written");
    CHECK_NULL(a->body);
    test_capture_release(&c);
}

static void
rss2_gbk_declared_gb2312(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss2_gbk.xml", &c, 1);
    /* GBK characters outside GB2312 read right: decoded as GB18030 */
    CHECK_STR_EQ(a->title, "镕基堃 口岸通关提速");
    CHECK_STR_EQ(a->summary, "珺瑄：海关旅检通关时间缩短。");
    CHECK_STR_EQ(a->author, "赵堃");
    CHECK_STR_EQ(a->category, "口岸");
    CHECK_STR_EQ(a->url, "http://gb.example.cn/news/1.html");
    CHECK_INT_EQ(a->published, date_make(2013, 6, 5, 10, 20, 0, H8));
    test_capture_release(&c);
}

static void
rss091_latin1_html_entities(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("rss091_entities.xml", &c, 1);
    CHECK_STR_EQ(a->title, "Café crème & Brücke");
    CHECK_STR_EQ(a->summary, "Un café à 2 €, déjà payé. Latin-1 bytes: été");
    CHECK_STR_EQ(a->url, "http://old.example.com/cafe.html");
    CHECK_NULL(a->feed_id);
    CHECK_INT_EQ(a->published, 0);
    test_capture_release(&c);
}

static void
encoding_flag_overrides(void)
{
    struct test_capture c;
    struct err err = ERR_INIT;

    /* read as UTF-8, the GB18030 bytes are not valid */
    CHECK(parse("rss2_gbk.xml", "UTF-8", &c, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    test_capture_release(&c);
    err_clear(&err);
    CHECK(parse("rss2_gbk.xml", "gbk", &c, &err) == 0);
    CHECK_STR_EQ(c.a[0].title, "镕基堃 口岸通关提速");
    test_capture_release(&c);
    CHECK(parse("rss2_gbk.xml", "no-such-charset", &c, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_USAGE);
    test_capture_release(&c);
}

/* ---- Atom -------------------------------------------------------------- */

static void
atom_text_content(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("atom_text.xml", &c, 1);
    /* type="text" is taken exactly: no second decoding */
    CHECK_STR_EQ(a->title, "Less <than> &amp; more");
    CHECK_STR_EQ(a->url, "https://atom.example.org/2021/text");
    CHECK_STR_EQ(a->feed_id, "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a");
    CHECK_STR_EQ(a->summary, "A summary with spaces.");
    CHECK_STR_EQ(a->body, "<p>First line of text continues here &lt;b&gt; "
                          "not a tag.</p>\n<p>Second paragraph.</p>");
    CHECK_NULL(a->author); /* the feed's author is not the entry's */
    CHECK_NULL(a->category);
    CHECK_INT_EQ(a->published, date_make(2021, 2, 3, 4, 5, 6, 0));
    CHECK_INT_EQ(a->updated, date_make(2021, 2, 3, 4, 5, 6, 0));
    test_capture_release(&c);
}

static void
atom_html_content_and_xml_base(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("atom_html.xml", &c, 1);
    CHECK_STR_EQ(a->title, "Harbour news & notes");
    CHECK_STR_EQ(a->url, "https://atom.example.org/blog/posts/7.html");
    CHECK_STR_EQ(a->feed_id, "tag:atom.example.org,2021:post-7");
    CHECK_NULL(a->slug);
    CHECK_STR_EQ(a->summary, "Short summary.");
    CHECK_STR_EQ(a->body, "<p>Body with <img src=\"https://atom.example.org/"
                          "media/pic.jpg\" alt=\"pic\"> and <a href=\"https:"
                          "//atom.example.org/x.html\">a link</a>.</p>");
    CHECK_STR_EQ(a->category, "Ports/Baltic");
    CHECK_STR_EQ(a->author, "Bo Writer");
    CHECK_NULL(a->source);
    CHECK_INT_EQ(a->published, date_make(2021, 4, 30, 9, 0, 0, 2 * 3600));
    CHECK_INT_EQ(a->updated, date_make(2021, 5, 1, 12, 0, 0, 2 * 3600));
    test_capture_release(&c);
}

static void
atom_xhtml_content(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("atom_xhtml.xml", &c, 1);
    CHECK_STR_EQ(a->title, "An xhtml title");
    CHECK_STR_EQ(a->url, "https://x.example.org/2022/1.html");
    CHECK_STR_EQ(a->feed_id, "tag:x.example.org,2022:1");
    CHECK_NULL(a->summary);
    CHECK_STR_EQ(a->body,
                 "<p>Para <strong>one</strong> &amp; <a href=\"https://x."
                 "example.org/2022/2.html\">two</a>.</p>\n<ul><li>item</li>"
                 "</ul>\n<p><img src=\"https://x.example.org/2022/i.png\" "
                 "alt=\"an image\"><br>after break</p>");
    CHECK_INT_EQ(a->published, date_make(2022, 1, 1, 8, 0, 0, H8));
    CHECK_INT_EQ(a->updated, date_make(2022, 1, 2, 8, 0, 0, H8));
    test_capture_release(&c);
}

static void
atom_source_and_out_of_line_content(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("atom_source.xml", &c, 1);
    CHECK_STR_EQ(a->title, "Copied entry");
    CHECK_STR_EQ(a->url, "https://orig.example.com/entry-1");
    CHECK_STR_EQ(a->feed_id, "tag:orig.example.com,2020:entry-1");
    CHECK_STR_EQ(a->summary, "Only a summary here.");
    CHECK_NULL(a->body);   /* content src= is elsewhere */
    CHECK_NULL(a->author); /* not the source's, not the feed's */
    CHECK_INT_EQ(a->published, date_make(2020, 5, 31, 12, 0, 0, 0));
    CHECK_INT_EQ(a->updated, date_make(2020, 5, 31, 12, 0, 0, 0));
    test_capture_release(&c);
}

/* ---- tidings' own feeds (the conventions) ------------------------------ */

static void
own_rss_links_give_slugs(void)
{
    struct test_capture c;

    PARSE("rss2_own_links.xml", &c, 2);
    /* a link to SITE/articles/X.html: no URL of its own, slug X */
    CHECK_NULL(c.a[0].url);
    CHECK_STR_EQ(c.a[0].slug, "caop-2013-0412");
    CHECK_STR_EQ(c.a[0].feed_id,
                 "tag:www.example.org,2013-06-05:6f3282650a6999bc");
    CHECK_STR_EQ(c.a[0].title, "千帆竞发春潮涌");
    CHECK_STR_EQ(c.a[0].summary, "芬芳草原，因为有了绿色才生机盎然。");
    CHECK_STR_EQ(
        c.a[0].body,
        "<p>芬芳草原，因为有了绿色才生机盎然。</p>\n<h2>抓好宣传引导</h2>");
    CHECK_STR_EQ(c.a[0].category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(c.a[0].source, "满洲里海关");
    CHECK_STR_EQ(c.a[0].author, "鲁焕新");
    CHECK_INT_EQ(c.a[0].published, date_make(2013, 6, 5, 10, 20, 0, H8));
    CHECK_STR_EQ(c.a[1].url, "https://elsewhere.example.net/story/9");
    CHECK_NULL(c.a[1].slug); /* RSS does not carry it for own URLs */
    CHECK_STR_EQ(c.a[1].feed_id, "https://elsewhere.example.net/story/9");
    CHECK_STR_EQ(c.a[1].title, "Own URL");
    CHECK_STR_EQ(c.a[1].summary, "An article with a page of its own.");
    CHECK_STR_EQ(c.a[1].body, "<p>An article with a page of its own.</p>");
    CHECK_STR_EQ(c.a[1].category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(c.a[1].source, "Elsewhere News");
    CHECK_NULL(c.a[1].author);
    CHECK_INT_EQ(c.a[1].published, date_make(2013, 6, 6, 9, 0, 0, H8));
    CHECK_INT_EQ(c.a[1].updated, 0);
    test_capture_release(&c);
}

static void
own_atom_related_link_gives_slug(void)
{
    struct test_capture c;

    PARSE("atom_own.xml", &c, 2);
    CHECK_STR_EQ(c.a[0].url, "https://elsewhere.example.net/story/9");
    CHECK_STR_EQ(c.a[0].slug, "3c1f0a9e2b7d4c55");
    CHECK_STR_EQ(c.a[0].source, "Elsewhere News"); /* dc:publisher */
    CHECK_NULL(c.a[0].author); /* the feed-level author is the site */
    CHECK_STR_EQ(c.a[0].category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(c.a[0].body, "<p>An article with a page of its own.</p>");
    CHECK_INT_EQ(c.a[0].updated, date_make(2013, 6, 7, 10, 0, 0, H8));
    CHECK_NULL(c.a[1].url);
    CHECK_STR_EQ(c.a[1].slug, "caop-2013-0412");
    CHECK_STR_EQ(c.a[1].author, "鲁焕新");
    CHECK_NULL(c.a[1].body); /* no content: keeps a stored body */
    test_capture_release(&c);
}

/* ---- failures ---------------------------------------------------------- */

static void
malformed_and_foreign_documents(void)
{
    struct test_capture c;
    struct err err = ERR_INIT;

    CHECK(parse("malformed.xml", NULL, &c, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    CHECK_MSG(strstr(err.msg, "line 12") != NULL, "%s", err.msg);
    test_capture_release(&c);
    err_clear(&err);
    CHECK(parse("not_a_feed.xml", NULL, &c, &err) < 0);
    CHECK_MSG(strstr(err.msg, "<opml>") != NULL, "%s", err.msg);
    CHECK_INT_EQ(c.n, 0);
    test_capture_release(&c);
}

/* A CDATA section of more than 10 MB is more than libxml2 looks ahead
 * for its end: the error says so, not "internal error: Huge input
 * lookup". */
static void
huge_cdata_names_the_limit(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf feed = BUF_INIT;
    char *x;

    if (test_slow())
        SKIP("an 11 MB feed under valgrind");
    opts_init(&o);
    test_capture_init(&c, &sink);
    buf_puts(&feed, "<rss version=\"2.0\" xmlns:content=\"http://purl.org/"
                    "rss/1.0/modules/content/\"><channel><title>t</title>\n"
                    "<item><title>x</title><guid>g1</guid>\n"
                    "<content:encoded><![CDATA[<p>");
    x = xmalloc(11000000);
    memset(x, 'x', 11000000);
    buf_append(&feed, x, 11000000);
    free(x);
    buf_puts(&feed, "</p>]]></content:encoded></item></channel></rss>");
    CHECK(import_feed_parse(feed.data, feed.len, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_MSG(strstr(err.msg, "passes the XML parser's limit of 10000000 "
                              "bytes") != NULL,
              "%s", err.msg);
    CHECK_INT_EQ(c.n, 0);
    buf_release(&feed);
    test_capture_release(&c);
}

/* A declaration naming UTF-8 by a name libxml2 does not know ("UTF.8")
 * made it convert through iconv, and its push parser then failed on a
 * character split between the head and the rest (found by fuzz_feed):
 * the stream must read what the whole document gives. */
static void
utf8_alias_split_character(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    char head[300];
    int fd;

    opts_init(&o);
    test_capture_init(&c, &sink);
    CHECK((fd = open("tests/fixtures/feed/utf8_alias.xml", O_RDONLY)) >= 0);
    /* byte 300 is inside a character of the channel's description */
    CHECK(read(fd, head, sizeof(head)) == (ssize_t)sizeof(head));
    CHECK_MSG(import_feed_stream(fd, head, sizeof(head), &o, &sink, &err) == 0,
              "%s", err.msg);
    close(fd);
    CHECK_INT_EQ(c.n, 1);
    test_capture_release(&c);
}

/* A file that is rejected shows its error and none of its warnings
 * (malformed.xml's first item has no date, and used to say so); a kept
 * feed with several undated items says so in one line. */
static void
warnings_only_for_files_kept(void)
{
    struct test_proc p;

    CHECK(test_conf(NULL) != NULL);
    CHECK(test_tidings(&p, "import", "tests/fixtures/feed/malformed.xml",
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "line 12") != NULL, "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "warning") == NULL, "%s", p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "import", "tests/fixtures/feed/rss2_no_dates.xml",
                       NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "rss2_no_dates.xml: no date found for 2 "
                                 "articles, using the file's modification "
                                 "time ") != NULL,
              "%s", p.err.data);
    CHECK_INT_EQ(test_count(p.err.data, "no date found"), 1);
    test_proc_release(&p);
}

/* Atom ids must be IRIs, so tidings writes a feed id that is none
 * ("caop-2013-0412", common as RSS guids) as a tag: URI on the site's
 * host; exactly that form reads back as the feed id, nothing else. */
static void
atom_ids_that_carry_feed_ids(void)
{
    static const char *const ids[][2] = {
        { "tag:www.example.org,2000:id/caop-2013-0412", "caop-2013-0412" },
        { "tag:www.example.org,2000:id/%E4%B8%AD%20x", "中 x" },
        /* another site's, not the form's, an IRI inside: kept */
        { "tag:other.example,2000:id/cd-1", NULL },
        { "tag:www.example.org,2000:id/%e4%b8%ad", NULL },
        { "tag:www.example.org,2000:id/a%2Db", NULL },
        { "tag:www.example.org,2000:id/urn%3Ax", NULL },
        { "tag:www.example.org,2000:id/", NULL },
    };
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf feed = BUF_INIT, id = BUF_INIT;
    size_t i;

    opts_init(&o);
    test_capture_init(&c, &sink);
    buf_puts(&feed, "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        buf_appendf(&feed, "<entry><id>%s</id><title>t%zu</title></entry>",
                    ids[i][0], i);
    buf_puts(&feed, "</feed>");
    CHECK_MSG(import_feed_parse(feed.data, feed.len, &o, &sink, &err) == 0,
              "%s", err.msg);
    CHECK_INT_EQ(c.n, (int)(sizeof(ids) / sizeof(ids[0])));
    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        const char *want = ids[i][1] ? ids[i][1] : ids[i][0];

        CHECK_STR_EQ(c.a[i].feed_id, want);
        CHECK_STR_EQ(c.guid[i], want);
        /* and the renderer writes the id it read back */
        buf_reset(&id);
        article_atom_id(want, SITE, &id);
        CHECK_STR_EQ(id.data, ids[i][1] ? ids[i][0] : want);
    }
    buf_release(&feed);
    buf_release(&id);
    test_capture_release(&c);
}

/* The sanitizer's bounds hold for feed bodies too: an item whose
 * content has a tag of 40 000 attributes fails fast with the bound
 * named, and the file with it. */
static void
html_flood_in_an_item_is_refused(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf feed = BUF_INIT;
    int i;

    opts_init(&o);
    test_capture_init(&c, &sink);
    buf_puts(&feed, "<rss version=\"2.0\" xmlns:content=\"http://purl.org/"
                    "rss/1.0/modules/content/\"><channel><title>t</title>\n"
                    "<item><title>x</title><guid>g1</guid>\n"
                    "<content:encoded><![CDATA[<p");
    for (i = 0; i < 40000; i++)
        buf_appendf(&feed, " a%d", i);
    buf_puts(&feed, ">text</p>]]></content:encoded></item></channel></rss>");
    CHECK(import_feed_parse(feed.data, feed.len, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_STR_EQ(err.msg, "item at line 2: line 1: a start tag has more "
                          "than 256 attributes");
    CHECK_INT_EQ(c.n, 0);
    buf_release(&feed);
    test_capture_release(&c);
}

/* exec_measured: execs argv under GNU time, which writes its peak RSS to
 * rss_path, when time is there; else argv itself.  A child's ru_maxrss
 * counts the pages it shared with this runner between fork and exec (a
 * runner grown to 300 MB under ASan gave a 300 MB "peak" for a 20 MB
 * import); time forks the program from its own small process. */
static void
exec_measured(char *const argv[], const char *rss_path)
{
    char *timed[64];
    int i;

    if (access("/usr/bin/time", X_OK) == 0) {
        timed[0] = S("/usr/bin/time");
        timed[1] = S("-q");
        timed[2] = S("-f%M");
        timed[3] = S("-o");
        timed[4] = (char *)(uintptr_t)rss_path;
        for (i = 0; argv[i] != NULL && i < 58; i++)
            timed[5 + i] = argv[i];
        timed[5 + i] = NULL;
        execv(timed[0], timed);
    }
    execv(argv[0], argv);
}

/* run_child: runs argv with its output discarded; *kb gets its peak RSS
 * and *secs its wall time.  Returns its exit status. */
static int
run_child(char *const argv[], long *kb, double *secs)
{
    char rss_path[4096], *rss;
    struct timespec t0, t1;
    struct rusage ru;
    int st = 0;
    pid_t pid;

    snprintf(rss_path, sizeof(rss_path), "%s", test_path("child.rss"));
    unlink(rss_path);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((pid = fork()) == 0) {
        /* under AddressSanitizer freed memory waits in a quarantine of
         * 256 MB, which would hide what a program really keeps */
        if (getenv("ASAN_OPTIONS") != NULL) {
            char opts[512];

            snprintf(opts, sizeof(opts), "%s:quarantine_size_mb=0",
                     getenv("ASAN_OPTIONS"));
            setenv("ASAN_OPTIONS", opts, 1);
        }
        if (freopen("/dev/null", "w", stdout) == NULL ||
            freopen(test_path("child.err"), "w", stderr) == NULL)
            _exit(126);
        exec_measured(argv, rss_path);
        _exit(127);
    }
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *kb = ru.ru_maxrss;
    if ((rss = test_read(rss_path, NULL)) != NULL) {
        *kb = strtol(rss, NULL, 10); /* -q: the one line is %M */
        free(rss);
    }
    *secs = (double)(t1.tv_sec - t0.tv_sec) +
            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *
tidings_bin(void)
{
    const char *bin = getenv("TIDINGS");

    return (char *)(uintptr_t)(bin ? bin : "./tidings");
}

static void
billion_laughs_is_rejected_fast(void)
{
    char *argv[] = { tidings_bin(),
                     S("-c"),
                     NULL,
                     S("import"),
                     S("tests/fixtures/feed/billion_laughs.xml"),
                     NULL };
    char *err;
    double secs;
    long kb;

    argv[2] = (char *)(uintptr_t)test_conf(NULL);
    CHECK_INT_EQ(run_child(argv, &kb, &secs), 1);
    err = test_read(test_path("child.err"), NULL);
    CHECK(err != NULL);
    CHECK_MSG(strstr(err, "Entity 'lol9' not defined") != NULL, "%s", err);
    CHECK(strstr(err, "1 rejected") != NULL);
    free(err);
    /* a billion "lol"s would be 3 GB; refused before any is made */
    CHECK_MSG(secs < (test_slow() ? 60 : 5), "took %.1f s", secs);
    CHECK_MSG(kb < 300 * 1024, "peak RSS %ld KiB", kb);
}

/* marker_anywhere: the unique marker of xxe_secret.txt in the store
 * files, in `show` output or on stderr. */
static int
marker_anywhere(struct test_proc *p)
{
    static const char *const files[] = { "tidings.db", "tidings.db-wal" };
    size_t i, len;
    int found = strstr(p->out.data, "TIDINGS-XXE-MARKER") != NULL ||
                strstr(p->err.data, "TIDINGS-XXE-MARKER") != NULL;

    for (i = 0; i < 2; i++) {
        char *db = test_read(test_path("%s", files[i]), &len);

        for (size_t k = 0; db != NULL && k + 18 <= len && !found; k++)
            found = memcmp(db + k, "TIDINGS-XXE-MARKER", 18) == 0;
        free(db);
    }
    return found;
}

static void
xxe_never_reads_the_file(void)
{
    /* each form as the text before and after the file's path */
    static const char *const forms[][2] = {
        /* an internal subset declaring a SYSTEM entity */
        { "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://", "\">]>" },
        /* a parameter entity pulling it in */
        { "<!DOCTYPE rss [<!ENTITY % pe SYSTEM \"file://", "\"> %pe;]>" },
        /* an external DTD, which would declare it */
        { "<!DOCTYPE rss SYSTEM \"file://", "\">" },
    };
    char secret[512], cwd[400];
    struct test_proc p;
    size_t i;

    snprintf(secret, sizeof(secret), "%s/tests/fixtures/feed/xxe_secret.txt",
             getcwd(cwd, sizeof(cwd)));
    test_conf(NULL);
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct buf doc = BUF_INIT;
        const char *path = test_path("xxe%zu.xml", i);

        buf_appendf(&doc,
                    "<?xml version=\"1.0\"?>\n%s%s%s\n<rss version=\"2.0\">"
                    "<channel><title>x</title><link>https://x.example/</link>"
                    "<description>d</description><item><title>Leak: &xxe;"
                    "</title><guid isPermaLink=\"false\">xxe-%zu</guid>"
                    "<description>&xxe;</description></item></channel>"
                    "</rss>\n",
                    forms[i][0], secret, forms[i][1], i);
        CHECK(test_write(path, doc.data, doc.len) == 0);
        buf_release(&doc);
        CHECK(test_tidings(&p, "import", path, NULL) == 0);
        test_proc_release(&p);
        CHECK(test_tidings(&p, "show", test_path("xxe-%zu", i), NULL) == 0);
        CHECK_MSG(!marker_anywhere(&p), "form %zu leaked the file", i);
        test_proc_release(&p);
    }
    /* the checked-in fixture, relative path and parameter entity */
    CHECK(test_tidings(&p, "import", "tests/fixtures/feed/xxe_relative.xml",
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK(!marker_anywhere(&p));
    test_proc_release(&p);
}

/* write_big_feed: an RSS file of n items of about 500 bytes each; with
 * same, every item is one article (so that the store does no work past
 * the first and what is measured is the reading). */
static int
write_big_feed(const char *path, int n, int same)
{
    FILE *fp = fopen(path, "w");
    int i;

    if (fp == NULL)
        return -1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
          "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
          "<channel><title>big</title><link>https://big.example/</link>"
          "<description>d</description>\n",
          fp);
    for (i = 0; i < n; i++) {
        fprintf(
            fp,
            "<item><title>第%d条 口岸新闻</title><guid isPermaLink=\"false\">"
            "big-%d</guid><pubDate>Wed, 05 Jun 2013 10:20:%02d +0800"
            "</pubDate><description>摘要 %d</description><content:encoded>"
            "&lt;p&gt;",
            same ? 0 : i, same ? 0 : i, same ? 0 : i % 60, same ? 0 : i);
        fputs("海关旅检通关时间缩短，货运量同比增长，口岸建设稳步推进。"
              "海关旅检通关时间缩短，货运量同比增长，口岸建设稳步推进。"
              "海关旅检通关时间缩短，货运量同比增长，口岸建设稳步推进。",
              fp);
        fputs("&lt;/p&gt;</content:encoded></item>\n", fp);
    }
    fputs("</channel></rss>\n", fp);
    return fclose(fp);
}

static void
big_feed_streams_in_bounded_memory(void)
{
    int small = test_slow() ? 200 : 2000, big = test_slow() ? 2000 : 20000;
    char *argv[] = { tidings_bin(), S("-c"), NULL, S("import"), NULL, NULL };
    char *err, *base, want[64];
    double secs;
    long kb_small, kb_big;
    struct buf conf = BUF_INIT;

    /* a file cap far below the feed's size: feeds are not read whole */
    base = test_read(test_conf(NULL), NULL);
    buf_appendf(&conf, "%s[import]\nmax_file_bytes = 65536\n", base);
    free(base);
    CHECK(test_write(test_path("tidings.conf"), conf.data, conf.len) == 0);
    buf_release(&conf);
    argv[2] = (char *)(uintptr_t)test_path("tidings.conf");
    CHECK(write_big_feed(test_path("small.xml"), small, 1) == 0);
    CHECK(write_big_feed(test_path("big.xml"), big, 1) == 0);
    argv[4] = (char *)(uintptr_t)test_path("small.xml");
    CHECK_INT_EQ(run_child(argv, &kb_small, &secs), 0);
    argv[4] = (char *)(uintptr_t)test_path("big.xml");
    CHECK_INT_EQ(run_child(argv, &kb_big, &secs), 0);
    err = test_read(test_path("child.err"), NULL);
    CHECK(err != NULL);
    snprintf(want, sizeof(want), "0 new, 0 updated, %d unchanged", big);
    CHECK_MSG(strstr(err, want) != NULL, "%s", err);
    free(err);
    /* ten times the items, the same peak: one item at a time (valgrind
     * reports its own memory, not the program's) */
    if (getenv("TIDINGS_WRAPPER") == NULL)
        CHECK_MSG(kb_big < kb_small + 4 * 1024,
                  "%d items: %ld KiB, %d: %ld KiB", small, kb_small, big,
                  kb_big);
}

/* A byte that is not UTF-8 far past the head (64 KiB) that chose the
 * decoder: the stream fails at it, and the file imports as nothing. */
static void
bad_bytes_deep_in_a_stream(void)
{
    struct test_proc p;
    char *doc;
    size_t len, cut;

    test_conf(NULL);
    CHECK(write_big_feed(test_path("bad.xml"), 1000, 0) == 0);
    doc = test_read(test_path("bad.xml"), &len);
    CHECK(doc != NULL && len > 200000);
    cut = len - 500;
    while (doc[cut] != '<')
        cut++;
    doc[cut - 1] = '\xFF';
    CHECK(test_write(test_path("bad.xml"), doc, len) == 0);
    free(doc);
    CHECK(test_tidings(&p, "import", test_path("bad.xml"), NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "0 new, 0 updated, 0 unchanged, 1 rejected"),
              "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "bad.xml: line ") != NULL, "%s", p.err.data);
    test_proc_release(&p);
}

const struct test tests_import_feed[] = {
    { "rss2_cdata", rss2_cdata },
    { "rss2_escaped_html", rss2_escaped_html },
    { "rss1_rdf", rss1_rdf },
    { "rss2_missing_guid", rss2_missing_guid },
    { "rss2_missing_dates", rss2_missing_dates },
    { "rss2_odd_rfc822_dates", rss2_odd_rfc822_dates },
    { "rss2_named_zones", rss2_named_zones },
    { "rss2_cdata_split", rss2_cdata_split },
    { "rss2_double_escape", rss2_double_escape },
    { "rss2_gbk_declared_gb2312", rss2_gbk_declared_gb2312 },
    { "rss091_latin1_html_entities", rss091_latin1_html_entities },
    { "encoding_flag_overrides", encoding_flag_overrides },
    { "atom_text_content", atom_text_content },
    { "atom_html_content_and_xml_base", atom_html_content_and_xml_base },
    { "atom_xhtml_content", atom_xhtml_content },
    { "atom_source_and_out_of_line_content",
      atom_source_and_out_of_line_content },
    { "own_rss_links_give_slugs", own_rss_links_give_slugs },
    { "own_atom_related_link_gives_slug", own_atom_related_link_gives_slug },
    { "malformed_and_foreign_documents", malformed_and_foreign_documents },
    { "html_flood_in_an_item_is_refused", html_flood_in_an_item_is_refused },
    { "atom_ids_that_carry_feed_ids", atom_ids_that_carry_feed_ids },
    { "warnings_only_for_files_kept", warnings_only_for_files_kept },
    { "huge_cdata_names_the_limit", huge_cdata_names_the_limit },
    { "billion_laughs_is_rejected_fast", billion_laughs_is_rejected_fast },
    { "xxe_never_reads_the_file", xxe_never_reads_the_file },
    { "big_feed_streams_in_bounded_memory",
      big_feed_streams_in_bounded_memory },
    { "bad_bytes_deep_in_a_stream", bad_bytes_deep_in_a_stream },
    { "utf8_alias_split_character", utf8_alias_split_character },
    { NULL, NULL },
};
