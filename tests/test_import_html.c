/*
 * Tests of the HTML importer: every fixture in tests/fixtures/html with
 * every field asserted (a table, which must name every fixture), then
 * properties over all HTML and feed fixtures:
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

/* The fields an HTML page never sets. */
#define CHECK_NO_FEED_FIELDS(a)                                                \
    do {                                                                       \
        CHECK_NULL((a)->feed_id);                                              \
        CHECK_NULL((a)->slug);                                                 \
        CHECK_INT_EQ((a)->updated, 0);                                         \
    } while (0)

/* What one fixture gives: every field the HTML importer sets, NULL where
 * the page has none (published as RFC 3339 at +08:00), and a warning
 * (a part of it), or NULL for none.  feed_id, slug and updated are never
 * set by a page (import.c mints them). */
struct page_expect {
    const char *file;
    const char *title, *url, *published, *author, *source, *category;
    const char *summary, *body, *warning;
};

#define NO_BASE_WARNING(n)                                                     \
    n " dropped: the page names no base (<base> or a canonical link); give "   \
      "--base-url"

static const struct page_expect pages[] = {
    {
        /* <title> "…_综合新闻_中国口岸协会" loses its column and site
         * names; the picture's address is relative and the page names
         * no base */
        "gbk_meta_charset.html",
        "满洲里海关召开精神文明建设工作会议",
        NULL,
        "2013-06-05T10:20:00+08:00",
        "鲁焕新",
        "满洲里海关",
        "新闻资讯/综合新闻",
        "6月5日，满洲里海关召开精神文明建设工作会议，总结经验，部署任务。",
        "<p>6月5日，满洲里海关召开精神文明建设工作会议，总结经验，部署任务"
        "。</p>\n<p>会议指出，近年来该关坚持“两手抓、两手都要硬”，精神文明建"
        "设取得显著成效。</p>\n<p>会议要求，全关上下要进一步统一思想，扎实推"
        "进各项工作，为口岸发展提供有力保障。</p>",
        NO_BASE_WARNING("1 relative link or image"),
    },
    {
        /* the first paragraph long enough to be one is the summary, not
         * the byline; no navigation, aside, footer or repeated title */
        "utf8_no_charset.html",
        "口岸通关提速",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "海关总署今天宣布，全国口岸整体通关时间比去年同期压缩了一半以上，企"
        "业获得感明显增强。",
        "<p>记者 王五</p>\n<p>海关总署今天宣布，全国口岸整体通关时间比去年同"
        "期压缩了一半以上，企业获得感明显增强。</p>\n<p>据介绍，进口整体通关"
        "时间为三十六小时，出口为两小时，均创历史最好水平。</p>",
        NULL,
    },
    {
        /* the comment block is not the article */
        "og_only.html",
        "Harbour opens a new deep-water berth",
        "https://port.example.com/news/berth-12",
        "2021-09-06T15:30:00+08:00", /* 09:30+02:00 */
        "Kim Lee",
        "Port News",
        "Infrastructure",
        "The port authority opened berth 12 on Monday.",
        "<p>The port authority opened berth 12 on Monday, adding room for "
        "ships of up to 18 metres draught.</p>\n<p>Work on the berth took two "
        "years and cost 40 million euros, the authority said in a "
        "statement.</p>",
        NULL,
    },
    {
        "time_only.html",
        "Customs statistics for February",
        NULL,
        "2019-03-04T12:06:07+08:00", /* 05:06:07+01:00 */
        NULL,
        NULL,
        NULL,
        "Exports rose by four per cent in February compared with the same "
        "month last year, customs said.",
        "<p>Exports rose by four per cent in February compared with the same "
        "month last year, customs said.</p>\n<p>Imports fell slightly, leaving "
        "a trade surplus larger than economists had expected.</p>",
        NULL,
    },
    {
        /* "您现在的位置：网站首页 » 口岸动态": the home page is dropped */
        "fabu_only.html",
        "二连浩特口岸开通新线路",
        NULL,
        "2014-03-02T08:05:00+08:00",
        NULL,
        "二连浩特海关",
        "口岸动态",
        "近日，二连浩特口岸开通了通往乌兰巴托的新货运线路，全程运行时间缩"
        "短至十二小时。",
        "<p>近日，二连浩特口岸开通了通往乌兰巴托的新货运线路，全程运行时间"
        "缩短至十二小时。</p>\n<p>新线路开通后，预计每年可增加货运量五十万吨"
        "，为中蒙贸易提供更多便利。</p>",
        NULL,
    },
    {
        /* a date line in 【】, the chrome after it (【打印】) cut off */
        "fabu_brackets.html",
        "满洲里口岸旅检通道扩容",
        NULL,
        "2013-06-05T00:00:00+08:00",
        NULL,
        "满洲里海关",
        NULL,
        "满洲里口岸旅检通道完成扩容改造，新增自助通道六条，旅客通关时间明显"
        "缩短。",
        "<p>满洲里口岸旅检通道完成扩容改造，新增自助通道六条，旅客通关时间"
        "明显缩短。</p>\n<p>扩容后，口岸日均可验放旅客三万人次，满足暑期客流"
        "高峰需要。</p>",
        NULL,
    },
    {
        /* a date line in full-width parentheses */
        "fabu_parens.html",
        "绥芬河口岸货运量稳步增长",
        NULL,
        "2013-06-05T00:00:00+08:00",
        "张三",
        NULL,
        NULL,
        "今年以来，绥芬河口岸进出口货运量稳步增长，铁路口岸作业效率持续提高"
        "。",
        "<p>今年以来，绥芬河口岸进出口货运量稳步增长，铁路口岸作业效率持续"
        "提高。</p>\n<p>口岸管理部门表示，将继续优化通关流程，为企业提供更加"
        "便利的服务。</p>",
        NULL,
    },
    {
        "no_date.html",
        "Undated notice", /* " | Port Authority" gone */
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "The ferry terminal will be closed for maintenance, the port "
        "authority announced on its website.",
        "<p>The ferry terminal will be closed for maintenance, the port "
        "authority announced on its website.</p>\n<p>Passengers are asked to "
        "use the northern terminal until further notice, it said.</p>",
        NULL,
    },
    {
        /* <base href="javascript:…"> is refused, so is every script URL */
        "scripts_everywhere.html",
        "Safe article",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "First paragraph of the safe article, with enough text to count as "
        "one.",
        "<p>First paragraph of the safe article, with enough text to count as "
        "one.</p>\n<p>Links: js, mixed, encoded, tab, vb, data, <a href=\""
        "https://ok.example.com/\">fine</a>.</p>\n<p>Last paragraph of the "
        "safe article, written so that it, too, is long enough to count.</p>",
        NO_BASE_WARNING("1 relative link or image"),
    },
    {
        /* <base> wins over the canonical link */
        "relative_with_base.html",
        "Relative links with base",
        "https://www.example.com/news/2020/relative.html",
        NULL,
        NULL,
        NULL,
        NULL,
        "A story, a folder, a root link and a scheme-relative one.",
        "<p>A <a href=\"https://cdn.example.com/news/2020/story.html\">story"
        "</a>, a <a href=\"https://cdn.example.com/news/archive/\">folder</a>"
        ", a <a href=\"https://cdn.example.com/root.html\">root link</a> and "
        "a <a href=\"https://other.example.net/x\">scheme-relative</a> one."
        "</p>\n<p><img src=\"https://cdn.example.com/news/2020/img/photo.jpg"
        "\" alt=\"photo\"> An <a href=\"https://cdn.example.com/news/2020/"
        "#note\">anchor</a> and a <a href=\"https://cdn.example.com/news/2020"
        "/?page=2\">query</a> close the paragraph here.</p>",
        NULL,
    },
    {
        "relative_canonical.html",
        "Relative links, canonical",
        "https://www.example.com/news/2020/relative.html",
        NULL,
        NULL,
        NULL,
        NULL,
        "A story, a folder and a root link, all relative to the page.",
        "<p>A <a href=\"https://www.example.com/news/2020/story.html\">story"
        "</a>, a <a href=\"https://www.example.com/news/archive/\">folder</a>"
        " and a <a href=\"https://www.example.com/root.html\">root link</a>, "
        "all relative to the page.</p>\n<p><img src=\"https://www.example.com"
        "/news/2020/img/photo.jpg\" alt=\"photo\"> The image is relative as "
        "well, and so is <a href=\"https://www.example.com/news/2020/more.html"
        "\">this</a>.</p>",
        NULL,
    },
    {
        /* without --base-url the links would mean nothing: they go */
        "relative_base_url.html",
        "Relative links, flag",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "A story and an image, resolved against the --base-url flag only.",
        "<p>A story and an image, resolved against the --base-url flag "
        "only.</p>",
        NO_BASE_WARNING("2 relative links or images"),
    },
    {
        /* the layout tables are gone, the data table stays */
        "nested_tables.html",
        "海关统计数据发布",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "据海关统计，今年前五个月，我国货物贸易进出口总值同比增长百分之八点"
        "二，增速较一季度加快。 其中，出口增长百分之十点一，进口增长百分之五"
        "点九，贸易顺差扩大。",
        "<p>据海关统计，今年前五个月，我国货物贸易进出口总值同比增长百分之"
        "八点二，增速较一季度加快。<br>其中，出口增长百分之十点一，进口增长百"
        "分之五点九，贸易顺差扩大。</p>\n<table><tr><th>项目</th>\n<th>增速"
        "</th></tr>\n<tr><td>出口</td>\n<td>10.1%</td></tr>\n<tr><td>进口"
        "</td>\n<td>5.9%</td></tr></table>\n<p>海关有关负责人表示，外贸回稳"
        "向好的态势进一步巩固。</p>",
        NULL,
    },
    {
        /* unclosed and misnested elements, a stray end tag, a table in a
         * paragraph, unquoted attributes, entities known and not */
        "broken_markup.html",
        "Broken markup survives",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "First paragraph bold both italic and an unclosed span that goes on "
        "and on for a while.",
        "<p>First paragraph <strong>bold <em>both</em></strong> italic and an "
        "unclosed span that goes on and on for a while.</p>\n<p>Second "
        "paragraph with a link without quotes and a stray</p>\n<p>end tag in "
        "the middle of it all.</p>\n<p>Third</p>\n<p>a cell in a paragraph"
        "</p>\n<p>after the table, still text of a decent length.</p>\n<p>"
        "Entities: &amp; &lt;tag&gt; © 中文 and a bare &amp; ampersand and "
        "&amp;unknown; too.</p>",
        NO_BASE_WARNING("1 relative link or image"),
    },
    {
        "title_suffix.html",
        "Harbour opens new berth", /* " | Port News" */
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "The harbour opened a new berth today, the third this decade, with "
        "room for the largest ships.",
        "<p>The harbour opened a new berth today, the third this decade, with "
        "room for the largest ships.</p>",
        NULL,
    },
    {
        /* " _ Dev Notes" is a site name; snake_case is a word */
        "title_snake_case.html",
        "Using snake_case in Python",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "Python code names its variables and functions in snake_case, with "
        "the words joined by underscores.",
        "<p>Python code names its variables and functions in snake_case, "
        "with the words joined by underscores.</p>\n<p>Constants use "
        "UPPER_SNAKE_CASE, and classes CamelCase, as PEP 8 asks.</p>",
        NULL,
    },
    {
        /* not the logo, not the site name: the h1 <title> starts with */
        "h1_logo.html",
        "Ferry timetable changes",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "The ferry company will change its timetable from next month, adding "
        "two evening crossings.",
        "<p>The ferry company will change its timetable from next month, "
        "adding two evening crossings.</p>",
        NULL,
    },
    {
        /* the ArticleTitle, PubDate, ContentSource, Author and ColumnName
         * meta tags of Chinese CMSs */
        "cms_meta.html",
        "黑河口岸冬季通关保障有力",
        NULL,
        "2015-12-20T09:30:00+08:00",
        "李四",
        "黑河海关",
        "口岸动态",
        "黑河海关多措并举保障冬季口岸通关顺畅。",
        "<p>入冬以来，黑河海关采取多项措施，保障冰上运输通道和浮箱固冰通道"
        "顺畅运行。</p>\n<p>据统计，冬季通关以来共监管进出境货物十二万吨，同"
        "比增长百分之十五。</p>",
        NULL,
    },
    {
        "utf16le_bom.html",
        "十六位编码页面",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "这是一个以UTF-16小端字节序保存并带有字节顺序标记的页面，导入后应为"
        "正确的中文。",
        "<p>这是一个以UTF-16小端字节序保存并带有字节顺序标记的页面，导入后"
        "应为正确的中文。</p>",
        NULL,
    },
    {
        /* it says GBK, but a UTF-8 BOM comes first */
        "bom_beats_meta.html",
        "字节顺序标记优先",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "页面声明为GBK编码，但以带字节顺序标记的UTF-8保存，应按UTF-8读取，"
        "文字不乱码。",
        "<p>页面声明为GBK编码，但以带字节顺序标记的UTF-8保存，应按UTF-8读取"
        "，文字不乱码。</p>",
        NULL,
    },
    {
        /* it says UTF-8, but its bytes are GBK */
        "lying_charset.html",
        "声明与实际编码不符",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "页面声明为UTF-8编码，实际却以GBK保存，应按GB18030读取，文字依然正确"
        "。",
        "<p>页面声明为UTF-8编码，实际却以GBK保存，应按GB18030读取，文字依然"
        "正确。</p>",
        NULL,
    },
    {
        /* data-src and data-original are the real addresses */
        "lazy_images.html",
        "Lazy images",
        "https://img.example.com/p/lazy.html",
        NULL,
        NULL,
        NULL,
        NULL,
        "Pictures that load late keep their real address in data-src, which "
        "must survive as src.",
        "<p>Pictures that load late keep their real address in data-src, "
        "which must survive as src.</p>\n<p><img src=\"https://img.example.com"
        "/full/1.jpg\" alt=\"one\"><img src=\"https://img.example.com/full/"
        "2.jpg\" alt=\"two\"></p>",
        NULL,
    },
    {
        "saved_as.txt",
        "Saved with a .txt name",
        NULL,
        NULL,
        NULL,
        NULL,
        NULL,
        "The content decides the format, not the name: this page must be read "
        "as HTML and not as page text.",
        "<p>The content decides the format, not the name: this page must be "
        "read as HTML and not as page text.</p>",
        NULL,
    },
};

#define NPAGES (sizeof(pages) / sizeof(pages[0]))

static int
same(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static const char *
shown(const char *s)
{
    return s != NULL ? s : "(null)";
}

#define CHECK_FIELD(e, name, got, want)                                        \
    CHECK_MSG(same(got, want), "%s: %s is \"%s\", expected \"%s\"", (e)->file, \
              name, shown(got), shown(want))

/* check_page: the article imported from e->file (with base_url as
 * --base-url) has exactly the fields of e. */
static void
check_page(const struct page_expect *e, const char *base_url)
{
    struct test_capture c;
    struct err err = ERR_INIT;
    const struct article *a = &c.a[0];
    char buf[DATE_MAX], *when = NULL;
    int rc = parse_with(e->file, base_url, NULL, &c, &err);

    CHECK_MSG(rc == 0 && c.n == 1, "%s: %s (%d articles)", e->file, err.msg,
              c.n);
    if (a->published != 0)
        date_format_rfc3339(a->published, H8, when = buf);
    CHECK_FIELD(e, "title", a->title, e->title);
    CHECK_FIELD(e, "url", a->url, e->url);
    CHECK_FIELD(e, "published", when, e->published);
    CHECK_FIELD(e, "author", a->author, e->author);
    CHECK_FIELD(e, "source", a->source, e->source);
    CHECK_FIELD(e, "category", a->category, e->category);
    CHECK_FIELD(e, "summary", a->summary, e->summary);
    CHECK_FIELD(e, "body", a->body, e->body);
    CHECK_NO_FEED_FIELDS(a);
    CHECK_MSG(e->warning ? strstr(c.warnings.data, e->warning) != NULL
                         : c.warnings.len == 0,
              "%s: warnings \"%s\", expected \"%s\"", e->file, c.warnings.data,
              e->warning ? e->warning : "");
    test_capture_release(&c);
}

/* Every fixture, every field. */
static void
every_page_every_field(void)
{
    size_t i;

    for (i = 0; i < NPAGES; i++)
        check_page(&pages[i], NULL);
}

/* The table is the fixtures: none is left out. */
static void
every_fixture_is_in_the_table(void)
{
    struct dirent *de;
    DIR *d = opendir("tests/fixtures/html");
    size_t i, files = 0;

    CHECK(d != NULL);
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        for (i = 0; i < NPAGES && strcmp(pages[i].file, de->d_name); i++)
            ;
        files++;
        CHECK_MSG(i < NPAGES, "%s has no expectations", de->d_name);
    }
    closedir(d);
    CHECK_INT_EQ(files, NPAGES);
}

static void
relative_urls_against_flag(void)
{
    struct page_expect e = {
        "relative_base_url.html",
        "Relative links, flag",
        NULL, /* --base-url is a base, not the page's URL */
        NULL,
        NULL,
        NULL,
        NULL,
        "A story and an image, resolved against the --base-url flag only.",
        "<p>A <a href=\"https://flag.example.org/d/story.html\">story</a> and "
        "an <img src=\"https://flag.example.org/img/a.png\" alt=\"a\"> image, "
        "resolved against the --base-url flag only.</p>",
        NULL,
    };

    check_page(&e, "https://flag.example.org/d/");
}

/* --encoding is not second-guessed */
static void
encoding_flag_wins(void)
{
    struct test_capture c;
    struct err err = ERR_INIT;

    CHECK(parse_with("gbk_meta_charset.html", NULL, "UTF-8", &c, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_PARSE);
    CHECK_INT_EQ(c.n, 0);
    test_capture_release(&c);
}

/* A title of one word with "_" in it keeps it whole. */
static void
underscore_joins_words(void)
{
    static const char page[] = "<title>COVID_19 update</title><p>Case "
                               "numbers fell again this week, the health "
                               "office said.</p>";
    struct import_opts o;
    struct import_sink sink;
    struct test_capture c;
    struct err err = ERR_INIT;

    memset(&o, 0, sizeof(o));
    test_capture_init(&c, &sink);
    CHECK(import_html_parse(page, sizeof(page) - 1, &o, &sink, &err) == 0);
    CHECK_STR_EQ(c.a[0].title, "COVID_19 update");
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
    { "every_page_every_field", every_page_every_field },
    { "every_fixture_is_in_the_table", every_fixture_is_in_the_table },
    { "relative_urls_against_flag", relative_urls_against_flag },
    { "encoding_flag_wins", encoding_flag_wins },
    { "underscore_joins_words", underscore_joins_words },
    { "pages_that_are_not_articles", pages_that_are_not_articles },
    { "attribute_flood_is_refused", attribute_flood_is_refused },
    { "element_flood_is_refused", element_flood_is_refused },
    { "no_forbidden_construct_survives", no_forbidden_construct_survives },
    { NULL, NULL },
};
