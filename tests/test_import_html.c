/*
 * Tests of the HTML importer: every fixture in tests/fixtures/html with
 * every field asserted, then properties over all HTML and feed fixtures:
 * nothing outside the allow-list survives in any body, and every body is
 * a fixpoint of the sanitizer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_allowed.h"
#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_feed.h"
#include "tidings/import_html.h"
#include "tidings/sanitize.h"
#include "tidings/xalloc.h"

#define H8 (8 * 3600)

#define CHECK_NULL(x)                                                          \
    CHECK_MSG((x) == NULL, "%s is \"%s\", expected NULL", #x, (x))

static int
parse_with(const char *name, const char *base_url, const char *encoding,
           struct test_capture *c, struct err *err)
{
    struct import_opts o;
    struct import_sink sink;
    char path[256];
    size_t len;
    char *s;
    int rc;

    memset(&o, 0, sizeof(o));
    o.tz_offset = H8;
    o.host = "www.example.org";
    o.site_base_url = "https://www.example.org";
    o.base_url = base_url;
    o.encoding = encoding;
    test_capture_init(c, &sink);
    snprintf(path, sizeof(path), "tests/fixtures/html/%s", name);
    if ((s = test_read(path, &len)) == NULL)
        return err_set(err, ERR_IO, "cannot read %s", path);
    rc = import_html_parse(s, len, &o, &sink, err);
    free(s);
    return rc;
}

#define PARSE(name, c)                                                         \
    do {                                                                       \
        struct err e_ = ERR_INIT;                                              \
        CHECK_MSG(parse_with(name, NULL, NULL, c, &e_) == 0, "%s: %s", name,   \
                  e_.msg);                                                     \
        CHECK_INT_EQ((c)->n, 1);                                               \
    } while (0)

/* The fields an HTML page never sets. */
#define CHECK_NO_FEED_FIELDS(a)                                                \
    do {                                                                       \
        CHECK_NULL((a)->feed_id);                                              \
        CHECK_NULL((a)->slug);                                                 \
        CHECK_INT_EQ((a)->updated, 0);                                         \
    } while (0)

static void
gbk_meta_charset(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("gbk_meta_charset.html", &c);
    /* <title> "…_综合新闻_中国口岸协会" loses its column and site names */
    CHECK_STR_EQ(a->title, "满洲里海关召开精神文明建设工作会议");
    CHECK_STR_EQ(a->category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(a->source, "满洲里海关");
    CHECK_STR_EQ(a->author, "鲁焕新");
    CHECK_INT_EQ(a->published, date_make(2013, 6, 5, 10, 20, 0, H8));
    CHECK_NULL(a->url);
    CHECK_STR_EQ(a->summary,
                 "6月5日，满洲里海关召开精神文明建设工作会议，总结经验，"
                 "部署任务。");
    CHECK_STR_EQ(
        a->body,
        "<p>6月5日，满洲里海关召开精神文明建设工作会议，总结经验，部署任务。</p>\n"
        "<p>会议指出，近年来该关坚持“两手抓、两手都要硬”，精神文明建设取得显著成效"
        "。</p>\n<p>会议要求，全关上下要进一步统一思想，扎实推进各项工作，为口岸发"
        "展提供有力保障。</p>");
    /* the picture's address is relative and the page names no base */
    CHECK_MSG(strstr(c.warnings.data, "1 relative links or images dropped"),
              "%s", c.warnings.data);
    CHECK_NO_FEED_FIELDS(a);
    test_capture_release(&c);
}

static void
utf8_without_charset(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("utf8_no_charset.html", &c);
    CHECK_STR_EQ(a->title, "口岸通关提速");
    CHECK_NULL(a->category);
    CHECK_NULL(a->source);
    CHECK_NULL(a->author);
    CHECK_INT_EQ(a->published, 0);
    CHECK_NULL(a->url);
    /* the first paragraph long enough to be one, not the byline */
    CHECK_STR_EQ(a->summary,
                 "海关总署今天宣布，全国口岸整体通关时间比去年同期压缩了一半"
                 "以上，企业获得感明显增强。");
    /* no navigation, no aside, no footer, no duplicated title */
    CHECK_STR_EQ(
        a->body,
        "<p>记者 王五</p>\n<p>海关总署今天宣布，全国口岸整体通关时间比去年"
        "同期压缩了一半以上，企业获得感明显增强。</p>\n<p>据介绍，进口整体通"
        "关时间为三十六小时，出口为两小时，均创历史最好水平。</p>");
    CHECK_NO_FEED_FIELDS(a);
    test_capture_release(&c);
}

static void
og_tags_only(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("og_only.html", &c);
    CHECK_STR_EQ(a->title, "Harbour opens a new deep-water berth");
    CHECK_STR_EQ(a->url, "https://port.example.com/news/berth-12");
    CHECK_STR_EQ(a->summary, "The port authority opened berth 12 on Monday.");
    CHECK_STR_EQ(a->category, "Infrastructure");
    CHECK_STR_EQ(a->source, "Port News");
    CHECK_STR_EQ(a->author, "Kim Lee");
    CHECK_INT_EQ(a->published, date_make(2021, 9, 6, 9, 30, 0, 2 * 3600));
    /* the comment block is not the article */
    CHECK_STR_EQ(a->body, "<p>The port authority opened berth 12 on Monday, "
                          "adding room for ships of up to 18 metres draught."
                          "</p>\n<p>Work on the berth took two years and cost "
                          "40 million euros, the authority said in a "
                          "statement.</p>");
    CHECK_NO_FEED_FIELDS(a);
    test_capture_release(&c);
}

static void
time_element_only(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("time_only.html", &c);
    CHECK_STR_EQ(a->title, "Customs statistics for February");
    CHECK_INT_EQ(a->published, date_make(2019, 3, 4, 5, 6, 7, 3600));
    CHECK_NULL(a->url);
    CHECK_NULL(a->author);
    CHECK_NULL(a->source);
    CHECK_NULL(a->category);
    CHECK_STR_EQ(a->summary, "Exports rose by four per cent in February "
                             "compared with the same month last year, customs "
                             "said.");
    CHECK_STR_EQ(a->body, "<p>Exports rose by four per cent in February "
                          "compared with the same month last year, customs "
                          "said.</p>\n<p>Imports fell slightly, leaving a "
                          "trade surplus larger than economists had "
                          "expected.</p>");
    test_capture_release(&c);
}

static void
fabu_line_only(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("fabu_only.html", &c);
    CHECK_STR_EQ(a->title, "二连浩特口岸开通新线路");
    CHECK_INT_EQ(a->published, date_make(2014, 3, 2, 8, 5, 0, H8));
    CHECK_STR_EQ(a->source, "二连浩特海关");
    CHECK_NULL(a->author);
    /* "您现在的位置：网站首页 » 口岸动态": the home page is dropped */
    CHECK_STR_EQ(a->category, "口岸动态");
    CHECK_NULL(a->url);
    CHECK_STR_EQ(a->summary,
                 "近日，二连浩特口岸开通了通往乌兰巴托的新货运线路，全程运"
                 "行时间缩短至十二小时。");
    CHECK_STR_EQ(a->body,
                 "<p>近日，二连浩特口岸开通了通往乌兰巴托的新货运线路，全程运"
                 "行时间缩短至十二小时。</p>\n<p>新线路开通后，预计每年可增"
                 "加货运量五十万吨，为中蒙贸易提供更多便利。</p>");
    test_capture_release(&c);
}

static void
no_date_at_all(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("no_date.html", &c);
    CHECK_STR_EQ(a->title, "Undated notice"); /* " | Port Authority" gone */
    CHECK_INT_EQ(a->published, 0);
    CHECK_NULL(a->source);
    CHECK_NULL(a->author);
    CHECK_NULL(a->category);
    CHECK_NULL(a->url);
    CHECK_STR_EQ(a->summary, "The ferry terminal will be closed for "
                             "maintenance, the port authority announced on its "
                             "website.");
    CHECK_STR_EQ(a->body, "<p>The ferry terminal will be closed for "
                          "maintenance, the port authority announced on its "
                          "website.</p>\n<p>Passengers are asked to use the "
                          "northern terminal until further notice, it "
                          "said.</p>");
    test_capture_release(&c);
}

static void
scripts_and_handlers_everywhere(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("scripts_everywhere.html", &c);
    CHECK_STR_EQ(a->title, "Safe article");
    CHECK_NULL(a->url); /* <base href="javascript:…"> is refused */
    CHECK_STR_EQ(a->body,
                 "<p>First paragraph of the safe article, with enough text to "
                 "count as one.</p>\n<p>Links: js, mixed, encoded, tab, vb, "
                 "data, <a href=\"https://ok.example.com/\">fine</a>.</p>\n"
                 "<p>Last paragraph of the safe "
                 "article, written so that it, too, is long enough to "
                 "count.</p>");
    CHECK_STR_EQ(a->summary, "First paragraph of the safe article, with enough "
                             "text to count as one.");
    CHECK_INT_EQ(a->published, 0);
    test_capture_release(&c);
}

static void
relative_urls_with_base(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("relative_with_base.html", &c);
    CHECK_STR_EQ(a->title, "Relative links with base");
    CHECK_STR_EQ(a->url, "https://www.example.com/news/2020/relative.html");
    /* <base> wins over the canonical link */
    CHECK_STR_EQ(
        a->body,
        "<p>A <a href=\"https://cdn.example.com/news/2020/story.html\">"
        "story</a>, a <a href=\"https://cdn.example.com/news/"
        "archive/\">folder</a>, a <a href=\"https://cdn.example.com/"
        "root.html\">root link</a> and a <a href=\"https://other."
        "example.net/x\">scheme-relative</a> one.</p>\n<p><img src=\""
        "https://cdn.example.com/news/2020/img/photo.jpg\" alt=\""
        "photo\"> An <a href=\"https://cdn.example.com/news/2020/"
        "#note\">anchor</a> and a <a href=\"https://cdn.example.com/"
        "news/2020/?page=2\">query</a> close the paragraph here.</p>");
    CHECK_STR_EQ(a->summary, "A story, a folder, a root link and a "
                             "scheme-relative one.");
    test_capture_release(&c);
}

static void
relative_urls_against_canonical(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("relative_canonical.html", &c);
    CHECK_STR_EQ(a->url, "https://www.example.com/news/2020/relative.html");
    CHECK_STR_EQ(a->title, "Relative links, canonical");
    CHECK_STR_EQ(
        a->body,
        "<p>A <a href=\"https://www.example.com/news/2020/story.html\">"
        "story</a>, a <a href=\"https://www.example.com/news/archive/"
        "\">folder</a> and a <a href=\"https://www.example.com/"
        "root.html\">root link</a>, all relative to the page.</p>\n"
        "<p><img src=\"https://www.example.com/news/2020/img/photo.jpg"
        "\" alt=\"photo\"> The image is relative as well, and so is "
        "<a href=\"https://www.example.com/news/2020/more.html\">this"
        "</a>.</p>");
    test_capture_release(&c);
}

static void
relative_urls_against_flag(void)
{
    struct test_capture c;
    struct err err = ERR_INIT;

    /* without it the links would mean nothing: they go, with a warning */
    CHECK(parse_with("relative_base_url.html", NULL, NULL, &c, &err) == 0);
    CHECK_STR_EQ(c.a[0].body, "<p>A story and an image, resolved against the "
                              "--base-url flag only.</p>");
    CHECK_MSG(strstr(c.warnings.data, "2 relative links or images dropped: "
                                      "the page names no base") != NULL,
              "%s", c.warnings.data);
    test_capture_release(&c);
    CHECK(parse_with("relative_base_url.html", "https://flag.example.org/d/",
                     NULL, &c, &err) == 0);
    CHECK_NULL(c.a[0].url); /* --base-url is a base, not the page's URL */
    CHECK_STR_EQ(c.a[0].body,
                 "<p>A <a href=\"https://flag.example.org/d/story.html\">story"
                 "</a> and an <img src=\"https://flag.example.org/img/a.png\" "
                 "alt=\"a\"> image, resolved against the --base-url flag only."
                 "</p>");
    test_capture_release(&c);
}

static void
nested_layout_tables(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("nested_tables.html", &c);
    CHECK_STR_EQ(a->title, "海关统计数据发布");
    /* the layout tables are gone, the data table stays */
    CHECK_STR_EQ(
        a->body,
        "<p>据海关统计，今年前五个月，我国货物贸易进出口总值同比增长百分之"
        "八点二，增速较一季度加快。<br>其中，出口增长百分之十点一，进口增长百"
        "分之五点九，贸易顺差扩大。</p>\n<table><tr><th>项目</th>\n<th>增速"
        "</th></tr>\n<tr><td>出口</td>\n<td>10.1%</td></tr>\n<tr><td>进口"
        "</td>\n<td>5.9%</td></tr></table>\n<p>海关有关负责人表示，外贸回稳"
        "向好的态势进一步巩固。</p>");
    CHECK(strstr(a->body, "栏目一") == NULL);
    CHECK_INT_EQ(a->published, 0);
    test_capture_release(&c);
}

static void
broken_markup(void)
{
    struct test_capture c;
    const struct article *a = &c.a[0];

    PARSE("broken_markup.html", &c);
    CHECK_STR_EQ(a->title, "Broken markup survives");
    CHECK_STR_EQ(
        a->body,
        "<p>First paragraph <strong>bold <em>both</em></strong> italic and an "
        "unclosed span that goes on and on for a while.</p>\n<p>Second "
        "paragraph with a link without quotes and a stray</p>\n<p>end tag in the middle of it all.</p>\n<p>Third</p>\n"
        "<p>a cell in a paragraph</p>\n<p>after the table, still text of a "
        "decent length.</p>\n<p>Entities: &amp; &lt;tag&gt; © 中文 and a bare "
        "&amp; ampersand and &amp;unknown; too.</p>");
    test_capture_release(&c);
}

static void
title_sources(void)
{
    struct test_capture c;

    PARSE("title_suffix.html", &c);
    CHECK_STR_EQ(c.a[0].title, "Harbour opens new berth"); /* " | Port News" */
    test_capture_release(&c);
    PARSE("h1_logo.html", &c);
    /* not the logo, not the site name: the h1 <title> starts with */
    CHECK_STR_EQ(c.a[0].title, "Ferry timetable changes");
    CHECK_STR_EQ(c.a[0].body, "<p>The ferry company will change its timetable "
                              "from next month, adding two evening "
                              "crossings.</p>");
    test_capture_release(&c);
    PARSE("cms_meta.html", &c);
    CHECK_STR_EQ(c.a[0].title, "黑河口岸冬季通关保障有力"); /* ArticleTitle */
    CHECK_INT_EQ(c.a[0].published, date_make(2015, 12, 20, 9, 30, 0, H8));
    CHECK_STR_EQ(c.a[0].source, "黑河海关");
    CHECK_STR_EQ(c.a[0].author, "李四");
    CHECK_STR_EQ(c.a[0].category, "口岸动态");
    CHECK_STR_EQ(c.a[0].summary, "黑河海关多措并举保障冬季口岸通关顺畅。");
    CHECK_STR_EQ(c.a[0].body,
                 "<p>入冬以来，黑河海关采取多项措施，保障冰上运输通道和"
                 "浮箱固冰通道顺畅运行。</p>\n<p>据统计，冬季通关以来共"
                 "监管进出境货物十二万吨，同比增长百分之十五。</p>");
    test_capture_release(&c);
}

static void
charsets(void)
{
    struct test_capture c;
    struct err err = ERR_INIT;

    PARSE("utf16le_bom.html", &c);
    CHECK_STR_EQ(c.a[0].title, "十六位编码页面");
    CHECK_STR_EQ(c.a[0].body,
                 "<p>这是一个以UTF-16小端字节序保存并带有字节顺序标记的"
                 "页面，导入后应为正确的中文。</p>");
    test_capture_release(&c);
    PARSE("bom_beats_meta.html", &c);
    CHECK_STR_EQ(c.a[0].title, "字节顺序标记优先");
    test_capture_release(&c);
    PARSE("lying_charset.html", &c);
    CHECK_STR_EQ(c.a[0].title, "声明与实际编码不符");
    CHECK_STR_EQ(c.a[0].body,
                 "<p>页面声明为UTF-8编码，实际却以GBK保存，应按GB18030"
                 "读取，文字依然正确。</p>");
    test_capture_release(&c);
    /* --encoding is not second-guessed */
    CHECK(parse_with("gbk_meta_charset.html", NULL, "UTF-8", &c, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    test_capture_release(&c);
}

static void
lazy_images(void)
{
    struct test_capture c;

    PARSE("lazy_images.html", &c);
    CHECK_STR_EQ(c.a[0].url, "https://img.example.com/p/lazy.html");
    CHECK_STR_EQ(c.a[0].body,
                 "<p>Pictures that load late keep their real address in "
                 "data-src, which must survive as src.</p>\n<p><img src=\""
                 "https://img.example.com/full/1.jpg\" alt=\"one\"><img src=\""
                 "https://img.example.com/full/2.jpg\" alt=\"two\"></p>");
    test_capture_release(&c);
}

static void
pages_that_are_not_articles(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf deep = BUF_INIT;
    static const char empty[] = "<html><head><title>t</title></head>"
                                "<body><script>x()</script></body></html>";
    int i;

    memset(&o, 0, sizeof(o));
    test_capture_init(&c, &sink);
    CHECK(import_html_parse(empty, sizeof(empty) - 1, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    CHECK_MSG(strstr(err.msg, "no article text") != NULL, "%s", err.msg);
    err_clear(&err);
    CHECK(import_html_parse("<p>text only, no title anywhere at all</p>", 42,
                            &o, &sink, &err) < 0);
    CHECK_MSG(strstr(err.msg, "no title") != NULL, "%s", err.msg);
    for (i = 0; i < 5000; i++)
        buf_puts(&deep, "<div>");
    buf_puts(&deep, "<title>t</title>deep");
    err_clear(&err);
    CHECK(import_html_parse(deep.data, deep.len, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_INT_EQ(c.n, 0);
    buf_release(&deep);
    test_capture_release(&c);
}

/* page_with_attrs: a page whose one paragraph has n attributes. */
static void
page_with_attrs(struct buf *b, int n)
{
    int i;

    buf_reset(b);
    buf_puts(b, "<html><head><title>Many attributes</title></head><body>\n"
                "<p");
    for (i = 0; i < n; i++)
        buf_appendf(b, " data-x%d=\"%d\"", i, i);
    buf_puts(b, ">A paragraph of text long enough to be the article.</p>"
                "</body></html>");
}

/* libxml2 reads a tag of n attributes in n^2 time (40 000 took 12 s):
 * such a page is refused before it is parsed; 100 are still read. */
static void
attribute_flood_is_refused(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf page = BUF_INIT;

    memset(&o, 0, sizeof(o));
    test_capture_init(&c, &sink);
    page_with_attrs(&page, 40000);
    CHECK(import_html_parse(page.data, page.len, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_STR_EQ(err.msg, "line 2: a start tag has more than 256 attributes");
    CHECK_INT_EQ(c.n, 0);
    page_with_attrs(&page, 100);
    CHECK_MSG(import_html_parse(page.data, page.len, &o, &sink, &err) == 0,
              "%s", err.msg);
    CHECK_INT_EQ(c.n, 1);
    CHECK_STR_EQ(c.a[0].title, "Many attributes");
    CHECK_STR_EQ(c.a[0].body,
                 "<p>A paragraph of text long enough to be the article.</p>");
    buf_release(&page);
    test_capture_release(&c);
}

/* A page of <p>x</p> up to the file cap took 939 MB before it was
 * refused: the parser now stops at the bound of elements. */
static void
element_flood_is_refused(void)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;
    struct buf page = BUF_INIT;
    int i;

    if (test_slow())
        SKIP("250 000 elements under valgrind");
    memset(&o, 0, sizeof(o));
    test_capture_init(&c, &sink);
    buf_puts(&page, "<html><head><title>t</title></head><body>");
    for (i = 0; i < 250000; i++)
        buf_puts(&page, "<p>x</p>");
    CHECK(import_html_parse(page.data, page.len, &o, &sink, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    CHECK_STR_EQ(err.msg, "HTML has more than 200000 elements and attributes");
    CHECK_INT_EQ(c.n, 0);
    buf_release(&page);
    test_capture_release(&c);
}

/* ---- properties over every fixture ------------------------------------- */

typedef int (*parse_fn)(const char *, size_t, const struct import_opts *,
                        const struct import_sink *, struct err *);

/* each_body: imports every fixture of dir and checks each body. */
static int
each_body(const char *dir, const char *suffix, parse_fn parse, char *why,
          size_t cap)
{
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct dirent *de;
    DIR *d = opendir(dir);
    int i, ok = 1, files = 0;

    memset(&o, 0, sizeof(o));
    o.site_base_url = "https://www.example.org";
    while (ok && d != NULL && (de = readdir(d)) != NULL) {
        char path[512], *s;
        struct err err = ERR_INIT;
        size_t len;

        if (strstr(de->d_name, suffix) == NULL)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        s = test_read(path, &len);
        test_capture_init(&c, &sink);
        parse(s, len, &o, &sink, &err);
        free(s);
        files++;
        for (i = 0; ok && i < c.n && i < TEST_MAX_ARTICLES; i++) {
            struct buf again = BUF_INIT;
            const char *b = c.a[i].body ? c.a[i].body : "";

            ok = html_check_allowed(b, why, cap);
            sanitize_html(b, strlen(b), NULL, &again, &err);
            if (ok && strcmp(again.data, b) != 0)
                ok = 0, snprintf(why, cap, "not a fixpoint");
            if (!ok)
                snprintf(why + strlen(why), cap - strlen(why), " in %s", path);
            buf_release(&again);
        }
        test_capture_release(&c);
    }
    if (d != NULL)
        closedir(d);
    return ok && files >= 15;
}

static void
no_forbidden_construct_survives(void)
{
    char why[512] = "";

    CHECK_MSG(each_body("tests/fixtures/html", ".", import_html_parse, why,
                        sizeof(why)),
              "%s", why);
    CHECK_MSG(each_body("tests/fixtures/feed", ".xml", import_feed_parse, why,
                        sizeof(why)),
              "%s", why);
}

const struct test tests_import_html[] = {
    { "gbk_meta_charset", gbk_meta_charset },
    { "utf8_without_charset", utf8_without_charset },
    { "og_tags_only", og_tags_only },
    { "time_element_only", time_element_only },
    { "fabu_line_only", fabu_line_only },
    { "no_date_at_all", no_date_at_all },
    { "scripts_and_handlers_everywhere", scripts_and_handlers_everywhere },
    { "relative_urls_with_base", relative_urls_with_base },
    { "relative_urls_against_canonical", relative_urls_against_canonical },
    { "relative_urls_against_flag", relative_urls_against_flag },
    { "nested_layout_tables", nested_layout_tables },
    { "broken_markup", broken_markup },
    { "title_sources", title_sources },
    { "charsets", charsets },
    { "lazy_images", lazy_images },
    { "pages_that_are_not_articles", pages_that_are_not_articles },
    { "attribute_flood_is_refused", attribute_flood_is_refused },
    { "element_flood_is_refused", element_flood_is_refused },
    { "no_forbidden_construct_survives", no_forbidden_construct_survives },
    { NULL, NULL },
};
