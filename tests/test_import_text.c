/*
 * Tests of the page-text importer, starting with the real seed page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/frontmatter.h"
#include "tidings/import.h"
#include "tidings/import_text.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

/* A sink that keeps a copy of the one article emitted. */
struct captured {
    struct article a;
    char *id;
    int count;
    char warnings[512];
};

static void
copy_field(char **dst, const char *src)
{
    *dst = src ? xstrdup(src) : NULL;
}

static int
capture(void *arg, struct import_item *item, struct err *err)
{
    struct captured *c = arg;
    const struct article *a = item->article;

    (void)err;
    c->count++;
    copy_field(&c->a.title, a->title);
    copy_field(&c->a.category, a->category);
    copy_field(&c->a.source, a->source);
    copy_field(&c->a.author, a->author);
    copy_field(&c->a.summary, a->summary);
    copy_field(&c->a.body, a->body);
    copy_field(&c->a.url, a->url);
    copy_field(&c->id, item->id);
    c->a.published = a->published;
    c->a.updated = a->updated;
    return 0;
}

static void
note(void *arg, const char *msg)
{
    struct captured *c = arg;
    size_t n = strlen(c->warnings);

    snprintf(c->warnings + n, sizeof(c->warnings) - n, "%s;", msg);
}

static void
release(struct captured *c)
{
    article_release(&c->a);
    free(c->id);
}

static int
parse_bytes(const char *text, size_t len, struct captured *c, struct err *err)
{
    struct import_opts o;
    struct import_sink sink = { capture, note, c };

    memset(c, 0, sizeof(*c));
    memset(&o, 0, sizeof(o));
    o.tz_offset = 8 * 3600;
    return import_text_parse(text, len, &o, &sink, err);
}

static int
parse_str(const char *text, struct captured *c, struct err *err)
{
    return parse_bytes(text, strlen(text), c, err);
}

/* parse_file: reads path, decodes it as import does (BOM, UTF-16,
 * GB18030) and parses it into c. */
static int
parse_file(const char *path, struct captured *c, struct err *err)
{
    struct buf utf8 = BUF_INIT;
    size_t len;
    char *raw = test_read(path, &len);
    int rc = -1;

    memset(c, 0, sizeof(*c));
    if (raw == NULL)
        return err_set(err, ERR_IO, "cannot read %s", path);
    if (charset_to_utf8(raw, len, NULL, &utf8, NULL, err) == 0)
        rc = parse_bytes(utf8.data, utf8.len, c, err);
    free(raw);
    buf_release(&utf8);
    return rc;
}

static int
same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* same_article: every field a reader sees is equal. */
static int
same_article(const struct captured *x, const struct captured *y)
{
    return same(x->a.title, y->a.title) && same(x->a.category, y->a.category) &&
           same(x->a.source, y->a.source) && same(x->a.author, y->a.author) &&
           same(x->a.summary, y->a.summary) && same(x->a.body, y->a.body) &&
           same(x->a.url, y->a.url) && same(x->id, y->id) &&
           x->a.published == y->a.published && x->a.updated == y->a.updated;
}

static void
seed_page(void)
{
    struct captured c;
    struct err err = ERR_INIT;

    CHECK_MSG(parse_file("tests/samples/000_6f3282650a6999bc.txt", &c, &err) ==
                  0,
              "%s", err.msg);
    CHECK_INT_EQ(c.count, 1);
    CHECK_STR_EQ(c.a.category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(c.a.title, "千帆竞发春潮涌 万马追风正逢时――满洲里海关精神"
                            "文明建设工作纪实");
    CHECK_STR_EQ(c.a.source, "满洲里海关");
    CHECK_STR_EQ(c.a.author, "鲁焕新");
    CHECK_INT_EQ(c.a.published, 0); /* the seed has no date line */
    CHECK_INT_EQ(test_count(c.a.body, "<h2>"), 5);
    CHECK(strstr(c.a.body, "<h2>抓好宣传引导,为精神文明建设提供思想保障</h2>"));
    CHECK(strstr(c.a.body, "<h2>推行特色服务 为精神文明建设提供实践窗口</h2>"));
    CHECK(strstr(c.a.body, "<h2>大力弘扬正气,为精神文明建设提供人文环境</h2>"));
    CHECK(strstr(c.a.body, "<h2>开展文化活动,为精神文明建设提供有效平台</h2>"));
    CHECK(strstr(c.a.body, "<h2>加强教育培训,为精神文明建设提供人才保障</h2>"));
    CHECK_INT_EQ(test_count(c.a.body, "<p>"), 9);
    CHECK(strstr(c.a.body, "相关文章") == NULL);
    CHECK(strstr(c.a.body, "Copyright") == NULL);
    CHECK(strstr(c.a.body, "京ICP备") == NULL);
    CHECK(strstr(c.a.body, "无相关信息") == NULL);
    CHECK(strncmp(c.a.body, "<p>芬芳草原,因为有了绿色才生机盎然。", 20) == 0);
    CHECK(strstr(c.a.body, "为社会经济发展作出更大贡献!</p>") != NULL);
    CHECK(strncmp(c.a.summary, "芬芳草原,因为有了绿色才生机盎然。", 20) == 0);
    release(&c);
}

/* A page with the given header lines between the title and the body. */
static int
parse_with_header(const char *header, struct captured *c, struct err *err)
{
    char page[2048];

    snprintf(page, sizeof(page),
             "首页 > 新闻资讯 > 综合新闻\n测试标题\n%s\n\n"
             "这是正文的第一段，讲述口岸通关的情况。\n",
             header);
    return parse_str(page, c, err);
}

static void
date_lines(void)
{
    static const struct {
        const char *line, *want;
    } cases[] = {
        { "发布时间：2013-06-05 10:20", "2013-06-05T10:20:00+08:00" },
        { "发布时间: 2013-06-05 10:20:33", "2013-06-05T10:20:33+08:00" },
        { "日期：2013年6月5日", "2013-06-05T00:00:00+08:00" },
        { "日期: 2013年06月05日 10:20", "2013-06-05T10:20:00+08:00" },
        { "时间:2013-6-5", "2013-06-05T00:00:00+08:00" },
        { "时间：2013年6月5日 14时30分", "2013-06-05T14:30:00+08:00" },
        { "发布时间：２０１３年６月５日　１０：２０",
          "2013-06-05T10:20:00+08:00" },
        { "发布时间：2013年6月5日 星期三", "2013-06-05T00:00:00+08:00" },
        { "2013-06-05 10:20", "2013-06-05T10:20:00+08:00" },
        { "2013/06/05", "2013-06-05T00:00:00+08:00" },
        { "2013-06-05T10:20:00Z", "2013-06-05T18:20:00+08:00" },
        { "来源：新华网　发布时间：2013-06-05 10:20　点击：12",
          "2013-06-05T10:20:00+08:00" },
        { "2013-06-05 10:20 来源：新华网", "2013-06-05T10:20:00+08:00" },
    };
    struct captured c;
    struct err err = ERR_INIT;
    char got[DATE_MAX];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_MSG(parse_with_header(cases[i].line, &c, &err) == 0, "%s: %s",
                  cases[i].line, err.msg);
        date_format_rfc3339(c.a.published, 8 * 3600, got);
        release(&c);
        CHECK_MSG(strcmp(got, cases[i].want) == 0, "%s: got %s, want %s",
                  cases[i].line, got, cases[i].want);
    }
}

static void
bylines(void)
{
    static const struct {
        const char *line, *source, *author;
    } cases[] = {
        { "满洲里海关 鲁焕新", "满洲里海关", "鲁焕新" },
        { "满洲里海关\xC2\xA0\xC2\xA0鲁焕新\xE3\x80\x80", "满洲里海关",
          "鲁焕新" },
        { "鲁焕新", NULL, "鲁焕新" },
        { "二连海关 李强 赵敏", "二连海关", "李强 赵敏" },
        { "中国口岸协会 秘书处 张三", "中国口岸协会 秘书处", "张三" },
        { "记者 张三", NULL, "张三" },
        { "鲁焕新、张明", NULL, "鲁焕新、张明" },
        { "By Chen Jie", NULL, "Chen Jie" },
        { "来源：中国口岸协会　作者：综合部", "中国口岸协会", "综合部" },
        { "来源: 海关总署 | 作者: 刘洋 |", "海关总署", "刘洋" },
        { "【来源：新华网】", "新华网", NULL },
        { "满洲里海关 鲁焕新 发布时间：2013-06-05", "满洲里海关", "鲁焕新" },
        /* commas, ASCII and full-width, between fields and names */
        { "来源：满洲里海关，作者：鲁焕新", "满洲里海关", "鲁焕新" },
        { "来源:满洲里海关,作者:鲁焕新", "满洲里海关", "鲁焕新" },
        { "来源：满洲里海关；作者：鲁焕新", "满洲里海关", "鲁焕新" },
        { "满洲里海关，作者：鲁焕新", "满洲里海关", "鲁焕新" },
        { "满洲里海关，鲁焕新", "满洲里海关", "鲁焕新" },
        { "满洲里海关, 鲁焕新", "满洲里海关", "鲁焕新" },
        { "满洲里海关、鲁焕新", "满洲里海关", "鲁焕新" },
        { "二连海关，李强，赵敏", "二连海关", "李强，赵敏" },
        { "李强，赵敏", NULL, "李强，赵敏" },
        /* a role between source and author is neither */
        { "满洲里海关 记者 张三", "满洲里海关", "张三" },
        { "满洲里海关 记者 张三 李四 王五", "满洲里海关", "张三 李四 王五" },
    };
    struct captured c;
    struct err err = ERR_INIT;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_MSG(parse_with_header(cases[i].line, &c, &err) == 0, "%s: %s",
                  cases[i].line, err.msg);
        CHECK_MSG(same(c.a.source, cases[i].source) &&
                      same(c.a.author, cases[i].author),
                  "%s: source '%s' author '%s'", cases[i].line,
                  c.a.source ? c.a.source : "(null)",
                  c.a.author ? c.a.author : "(null)");
        CHECK_MSG(test_count(c.a.body, "<p>") == 1, "%s: body %s",
                  cases[i].line, c.a.body);
        release(&c);
    }
}

/* A sentence that holds "作者：" or a date is body text, not a header. */
static void
sentences_are_not_headers(void)
{
    static const char *const clauses[] = {
        "近日，海关总署召开会议",
        "据悉，作者：张三表示，写作历时五年。",
        "上午，来源：海关总署的消息称，通关时间缩短。",
    };
    struct captured c;
    struct err err = ERR_INIT;
    size_t i;

    /* a clause right under the title, with commas, is no byline */
    for (i = 0; i < sizeof(clauses) / sizeof(clauses[0]); i++) {
        CHECK_MSG(parse_with_header(clauses[i], &c, &err) == 0, "%s: %s",
                  clauses[i], err.msg);
        CHECK_MSG(c.a.source == NULL && c.a.author == NULL,
                  "%s: source '%s' author '%s'", clauses[i],
                  c.a.source ? c.a.source : "(null)",
                  c.a.author ? c.a.author : "(null)");
        CHECK_MSG(strstr(c.a.body, clauses[i]) != NULL, "%s: body %s",
                  clauses[i], c.a.body);
        release(&c);
    }

    CHECK(parse_str("首页 > 书评\n口岸史话出版\n\n据悉，该书作者：张三"
                    "表示，写作历时五年。\n\n第二段。\n",
                    &c, &err) == 0);
    CHECK(c.a.author == NULL);
    CHECK(strstr(c.a.body, "该书作者：张三表示") != NULL);
    release(&c);
    CHECK(parse_str("首页 > 新闻\n标题\n2013年6月5日，海关总署召开新闻发布会，"
                    "介绍上半年进出口情况。\n",
                    &c, &err) == 0);
    CHECK_INT_EQ(c.a.published, 0);
    CHECK(strstr(c.a.body, "<p>2013年6月5日，海关总署") != NULL);
    release(&c);
}

static void
breadcrumbs(void)
{
    static const struct {
        const char *line, *category;
    } cases[] = {
        { "首页 > 新闻资讯 > 综合新闻", "新闻资讯/综合新闻" },
        { "Home > News > Ports", "News/Ports" },
        { "首页＞通知公告＞协会通知", "通知公告/协会通知" },
        { "当前位置：首页 > 协会动态 > 正文", "协会动态" },
        { "您现在的位置: 首页 >> 新闻中心", "新闻中心" },
        { "新闻资讯 > 综合新闻", "新闻资讯/综合新闻" },
        { "首页 » 新闻 › 口岸", "新闻/口岸" },
        { "首页->新闻中心", "新闻中心" },
        { "首页 > TCP/IP", "TCP／IP" },
        { "首页 > ", NULL },
        { "首页 > 文章", "文章" },
    };
    struct captured c;
    struct err err = ERR_INIT;
    char page[512];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(page, sizeof(page), "%s\n标题\n\n正文。\n", cases[i].line);
        CHECK_MSG(parse_str(page, &c, &err) == 0, "%s: %s", cases[i].line,
                  err.msg);
        CHECK_MSG(same(c.a.category, cases[i].category), "%s: got '%s'",
                  cases[i].line, c.a.category ? c.a.category : "(null)");
        CHECK_STR_EQ(c.a.title, "标题");
        release(&c);
    }
}

static void
headings_and_asides(void)
{
    struct captured c;
    struct err err = ERR_INIT;

    CHECK(parse_str("首页 > 新闻\n标题\n\n导语一段，说明情况。\n\n"
                    "一、强化监管\n\n正文。\n\n会议效果如何？\n\n结尾。\n\n"
                    "（完）\n\n中国口岸协会秘书处\n",
                    &c, &err) == 0);
    CHECK_STR_EQ(c.a.body, "<p>导语一段，说明情况。</p>\n"
                           "<h2>一、强化监管</h2>\n"
                           "<p>正文。</p>\n"
                           "<p>会议效果如何？</p>\n"
                           "<p>结尾。</p>\n"
                           "<p>（完）</p>\n"
                           "<p>中国口岸协会秘书处</p>");
    release(&c);
}

static void
footers(void)
{
    struct captured c;
    struct err err = ERR_INIT;

    CHECK(parse_str("首页 > 新闻\n标题\n\n网站须完成ICP备案后开通。\n\n"
                    "第二段。\n\n京ICP备2022011338号\n\n页脚之后。\n",
                    &c, &err) == 0);
    CHECK_STR_EQ(c.a.body, "<p>网站须完成ICP备案后开通。</p>\n<p>第二段。</p>");
    release(&c);
    CHECK(parse_str("首页 > 新闻\n标题\n\n正文。\n(责任编辑：李红)\n", &c,
                    &err) == 0);
    CHECK_STR_EQ(c.a.body, "<p>正文。</p>");
    release(&c);
    CHECK(parse_str("首页 > 通知\n标题\n\n正文。\n\n相关附件：\n  回执.doc\n",
                    &c, &err) == 0);
    CHECK_STR_EQ(c.a.body, "<p>正文。</p>");
    release(&c);
}

/* A footer marker that begins a sentence is body text; alone, or before
 * a colon, bracket, space or punctuation, it ends the article. */
static void
footer_markers_stand_alone(void)
{
    static const char *const sentences[] = {
        "相关信息显示，一季度满洲里口岸进出口货运量同比增长12%。",
        "相关文章的作者认为，增长主要来自中欧班列。",
        "上一篇报道中提到的新通道已经开通。",
        "下一篇章将由铁路口岸书写。",
        "分享到朋友圈的图片显示，换装库一派繁忙。",
        "责任编辑部门负责审核稿件。",
        "版权所有者同意转载。",
        "Copyrighted material is quoted with permission.",
        "Related newsletters are sent monthly.",
    };
    static const char *const footers[] = {
        "相关信息",
        "相关信息：",
        "相关文章:",
        "上一篇：标题",
        "分享到",
        "分享到：",
        "相关新闻 【更多】",
        "责任编辑 李红",
        "版权所有©2013 中国口岸协会",
        "Copyright 2013",
        "Copyright©2013",
        "©CAOP",
        "【打印本页】【关闭窗口】",
        "Related news:",
    };
    struct captured c;
    struct err err = ERR_INIT;
    char page[512];
    size_t i;

    for (i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++) {
        snprintf(page, sizeof(page),
                 "首页 > 新闻\n标题\n\n正文。\n\n%s\n\n结尾。\n", sentences[i]);
        CHECK_MSG(parse_str(page, &c, &err) == 0, "%s: %s", sentences[i],
                  err.msg);
        CHECK_MSG(test_count(c.a.body, "<p>") == 3, "%s: body %s", sentences[i],
                  c.a.body);
        release(&c);
    }
    for (i = 0; i < sizeof(footers) / sizeof(footers[0]); i++) {
        snprintf(page, sizeof(page),
                 "首页 > 新闻\n标题\n\n正文。\n\n%s\n\n页脚。\n", footers[i]);
        CHECK_MSG(parse_str(page, &c, &err) == 0, "%s: %s", footers[i],
                  err.msg);
        CHECK_MSG(strcmp(c.a.body, "<p>正文。</p>") == 0, "%s: body %s",
                  footers[i], c.a.body);
        release(&c);
    }
}

/* A date line stays a date line below a line the header does not read
 * (a byline of more words than a byline has, a subtitle, the real title
 * under a one-level breadcrumb without '>'): never joined to the body. */
static void
date_below_unread_lines(void)
{
    static const struct {
        const char *head, *first;
    } cases[] = {
        { "首页 > 新闻\n标题\n满洲里海关 记者 张三 李四 王五 赵六 钱七",
          "<p>满洲里海关 记者 张三 李四 王五 赵六 钱七</p>\n" },
        { "首页 > 新闻\n标题\n——端午假期出入境旅客同比增长三成，铁路口岸增开班次",
          "<p>——端午假期出入境旅客同比增长三成，铁路口岸增开班次</p>\n" },
        { "新闻\n千帆竞发春潮涌 万马追风正逢时――满洲里海关精神文明建设工作纪实",
          "<p>千帆竞发春潮涌 万马追风正逢时――满洲里海关精神文明建设工作纪实"
          "</p>\n" },
        { "首页 > 新闻\n标题\n满洲里海关 记者 张三 李四 王五", "" },
        { "首页 > 新闻\n标题\n满洲里海关，鲁焕新", "" },
    };
    struct captured c;
    struct err err = ERR_INIT;
    char page[1024], want[512];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(page, sizeof(page),
                 "%s\n发布时间：2013-06-05 10:20\n\n正文一段。\n",
                 cases[i].head);
        snprintf(want, sizeof(want), "%s<p>正文一段。</p>", cases[i].first);
        CHECK_MSG(parse_str(page, &c, &err) == 0, "%s: %s", cases[i].head,
                  err.msg);
        CHECK_MSG(c.a.published == date_make(2013, 6, 5, 10, 20, 0, 8 * 3600),
                  "%s: no date", cases[i].head);
        CHECK_MSG(strcmp(c.a.body, want) == 0, "%s: body %s", cases[i].head,
                  c.a.body);
        CHECK_STR_EQ(c.a.summary, "正文一段。");
        release(&c);
    }
}

/* A labelled date that is no date is reported with its line and value,
 * and the page is left without a date for the fallback; a time of day
 * out of range is no date either, not the date at midnight. */
static void
bad_dates_are_reported(void)
{
    static const struct {
        const char *line, *warning;
    } cases[] = {
        { "发布时间：2013-13-45", "line 4: '2013-13-45' is not a date;" },
        { "发布时间：2013-06-05 25:61",
          "line 4: '2013-06-05 25:61' is not a date;" },
        { "日期：2013年2月30日", "line 4: '2013年2月30日' is not a date;" },
        { "时间：2013年6月5日 25时61分",
          "line 4: '2013年6月5日 25时61分' is not a date;" },
        { "来源：新华网 发布时间：不详", "line 4: '不详' is not a date;" },
    };
    struct captured c;
    struct err err = ERR_INIT;
    char page[512];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(page, sizeof(page),
                 "首页 > 新闻\n标题\n满洲里海关 鲁焕新\n%s\n\n正文一段。\n",
                 cases[i].line);
        CHECK_MSG(parse_str(page, &c, &err) == 0, "%s: %s", cases[i].line,
                  err.msg);
        CHECK_MSG(c.a.published == 0, "%s: dated", cases[i].line);
        CHECK_MSG(strcmp(c.warnings, cases[i].warning) == 0,
                  "%s: warnings '%s'", cases[i].line, c.warnings);
        CHECK_MSG(strcmp(c.a.body, "<p>正文一段。</p>") == 0, "%s: body %s",
                  cases[i].line, c.a.body);
        release(&c);
    }
    /* another date line gives the date: nothing to report */
    CHECK(parse_str("首页 > 新闻\n标题\n发布时间：2013-13-45\n"
                    "日期：2013-06-05\n\n正文。\n",
                    &c, &err) == 0);
    CHECK_INT_EQ(c.a.published, date_make(2013, 6, 5, 0, 0, 0, 8 * 3600));
    CHECK_STR_EQ(c.warnings, "");
    release(&c);
}

/* A script or an INI file in a folder of pages is no article; a page
 * whose title merely starts with a bracket is one. */
static void
non_pages_are_rejected(void)
{
    struct captured c;
    struct err err = ERR_INIT;

    CHECK(parse_str("#!/bin/sh\nset -eu\n\nmake check\n", &c, &err) < 0);
    CHECK_STR_EQ(err.msg, "line 1: does not look like an article page (it "
                          "starts like a script)");
    CHECK(parse_str("\n[store]\npath = tidings.db\n\n[site]\ntitle = x\n", &c,
                    &err) < 0);
    CHECK_STR_EQ(err.msg, "line 2: does not look like an article page (it "
                          "starts like an INI file)");
    CHECK_INT_EQ(c.count, 0);
    CHECK(parse_str("[转载]口岸新闻\n满洲里海关 鲁焕新\n\n正文。\n", &c,
                    &err) == 0);
    CHECK_STR_EQ(c.a.title, "[转载]口岸新闻");
    release(&c);
    CHECK(parse_str("[Notice]\n满洲里海关 鲁焕新\n\n正文。\n", &c, &err) == 0);
    CHECK_STR_EQ(c.a.source, "满洲里海关");
    release(&c);
    CHECK(parse_str("首页 > 脚本\n#!/bin/sh 的写法\n\n正文。\n", &c, &err) ==
          0);
    release(&c);
    CHECK(parse_str("---\nid: a\n---\n[store]\n\n正文。\n", &c, &err) == 0);
    release(&c);
}

static void
summaries(void)
{
    struct captured c;
    struct err err = ERR_INIT;
    struct buf page = BUF_INIT;
    int i;

    CHECK(
        parse_str("首页 > 通知\n通知\n\n各会员单位：\n\n现将有关事项通知如下。"
                  "会议定于四月在厦门召开，请各单位按时报名参会。\n",
                  &c, &err) == 0);
    CHECK_STR_EQ(c.a.summary, "各会员单位：现将有关事项通知如下。会议定于四月"
                              "在厦门召开，请各单位按时报名参会。");
    release(&c);
    buf_puts(&page, "首页 > 新闻\n标题\n\n");
    for (i = 0; i < 30; i++)
        buf_puts(&page, "口岸通关便利化。");
    CHECK(parse_str(page.data, &c, &err) == 0);
    CHECK_INT_EQ(utf8_length(c.a.summary, strlen(c.a.summary)), 141);
    CHECK(strcmp(c.a.summary + strlen(c.a.summary) - 3, "…") == 0);
    release(&c);
    buf_release(&page);
}

/* The same page with LF, CRLF and lone CR line ends, and with a UTF-8
 * BOM removed by the decoder, reads the same. */
static void
line_endings_and_boms(void)
{
    static const char *const pairs[][2] = {
        { "breadcrumb_home.txt", "crlf.txt" },
        { "date_cjk_time.txt", "lone_cr.txt" },
        { "no_breadcrumb.txt", "bom_utf8.txt" },
        { "breadcrumb_fullwidth.txt", "utf16le_bom.txt" },
        { "byline_labelled_lines.txt", "utf16be_bom.txt" },
        { "seed.txt", "seed_gb18030.txt" },
    };
    struct captured x, y;
    struct err err = ERR_INIT;
    char a[256], b[256];
    size_t i;
    int ok;

    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        snprintf(a, sizeof(a), "tests/fixtures/text/%s", pairs[i][0]);
        snprintf(b, sizeof(b), "tests/fixtures/text/%s", pairs[i][1]);
        CHECK_MSG(parse_file(a, &x, &err) == 0, "%s: %s", a, err.msg);
        if (parse_file(b, &y, &err) < 0) {
            release(&x);
            CHECK_MSG(0, "%s: %s", b, err.msg);
        }
        ok = same_article(&x, &y);
        release(&x);
        release(&y);
        CHECK_MSG(ok, "%s and %s differ", pairs[i][0], pairs[i][1]);
    }
}

static void
front_matter_wins(void)
{
    struct captured c;
    struct err err = ERR_INIT;
    char upd[DATE_MAX];

    CHECK_MSG(parse_file("tests/fixtures/text/frontmatter_all_keys.txt", &c,
                         &err) == 0,
              "%s", err.msg);
    CHECK_STR_EQ(c.id, "caop-2013-0412");
    CHECK_STR_EQ(c.a.url, "https://www.example.org/news/2013/0412.html");
    CHECK_STR_EQ(c.a.title, "满洲里海关精神文明建设工作纪实");
    CHECK_STR_EQ(c.a.category, "新闻资讯/综合新闻");
    CHECK_STR_EQ(c.a.source, "满洲里海关");
    CHECK_STR_EQ(c.a.author, "鲁焕新");
    CHECK_INT_EQ(c.a.published, date_make(2013, 6, 5, 10, 20, 0, 8 * 3600));
    date_format_rfc3339(c.a.updated, 8 * 3600, upd);
    CHECK_STR_EQ(upd, "2013-06-06T08:00:00+08:00");
    CHECK_STR_EQ(c.a.summary,
                 "满洲里海关荣膺内蒙古自治区“第七批全区文明单位标兵”称号。");
    CHECK(strstr(c.a.body, "千帆竞发") == NULL); /* the page title is gone */
    CHECK_INT_EQ(test_count(c.a.body, "<p>"), 2);
    release(&c);
}

static void
front_matter_parse(void)
{
    const char *s = "---\r\nid: x-1\r\n# note\r\n\r\ntitle：“标题”\r\n"
                    "published: 2013-06-05\r\n---\r\nbody";
    struct frontmatter fm;
    struct err err = ERR_INIT;
    size_t used;

    frontmatter_init(&fm);
    CHECK(frontmatter_parse(s, strlen(s), 8 * 3600, &fm, &used, &err) == 0);
    CHECK_INT_EQ(used, strlen(s) - 4);
    CHECK_INT_EQ(fm.lines, 7);
    CHECK_STR_EQ(fm.id, "x-1");
    CHECK_STR_EQ(fm.title, "“标题”");
    CHECK_INT_EQ(fm.published, date_make(2013, 6, 5, 0, 0, 0, 8 * 3600));
    frontmatter_release(&fm);
    CHECK(frontmatter_parse("首页 > a\n---\n", 14, 0, &fm, &used, &err) == 0);
    CHECK_INT_EQ(used, 0);
    CHECK(frontmatter_parse("---\nid: a\nid: b\n---\n", 20, 0, &fm, &used,
                            &err) < 0);
    CHECK_STR_EQ(err.msg, "line 3: 'id' given twice");
    frontmatter_release(&fm);
}

static void
front_matter_categories(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "新闻资讯/综合新闻", "新闻资讯/综合新闻" },
        { " 新闻资讯 / 综合新闻/ ", "新闻资讯/综合新闻" },
        { "新闻资讯 > 综合新闻", "新闻资讯/综合新闻" },
        { "新闻资讯＞综合新闻", "新闻资讯/综合新闻" },
        { "//a//b//", "a/b" },
        { "新闻\x01/\x01\x02/综合", "新闻/综合" }, /* control-only level */
        { "/", NULL },
        { "a/b/c/d/e/f/g/h/i", NULL },
    };
    struct err err = ERR_INIT;
    size_t i;
    char *got;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got = frontmatter_category(cases[i].in, strlen(cases[i].in), &err);
        CHECK_MSG(same(got, cases[i].out), "'%s' gave '%s'", cases[i].in,
                  got ? got : "(null)");
        free(got);
    }
}

/* Blank lines are cheap: a million of them cost time linear in their
 * bytes and no memory per line; an enormous body line is one paragraph. */
static void
huge_inputs(void)
{
    struct captured c;
    struct err err = ERR_INIT;
    struct buf page = BUF_INIT;
    size_t i, n = test_slow() ? 100000 : 1000000;

    buf_puts(&page, "首页 > 新闻\n标题\n");
    for (i = 0; i < n; i++)
        buf_puts(&page, "\xE3\x80\x80\n");
    buf_puts(&page, "正文。\n");
    CHECK(parse_str(page.data, &c, &err) == 0);
    CHECK_STR_EQ(c.a.body, "<p>正文。</p>");
    release(&c);
    buf_reset(&page);
    buf_puts(&page, "首页 > 新闻\n标题\n");
    for (i = 0; i < n; i++)
        buf_puts(&page, "来源：x ");
    CHECK(parse_str(page.data, &c, &err) == 0);
    CHECK(c.a.source == NULL);
    CHECK_INT_EQ(test_count(c.a.body, "<p>"), 1);
    release(&c);
    buf_release(&page);
}

static void
rejections_name_the_line(void)
{
    struct captured c;
    struct err err = ERR_INIT;

    CHECK(parse_str("\n\n首页 > 新闻\n\n", &c, &err) < 0);
    CHECK_STR_EQ(err.msg, "line 3: no title after the breadcrumb");
    CHECK(parse_str("\n首页 > 新闻\n\n标题\n\n相关文章\n正文\n", &c, &err) < 0);
    CHECK_STR_EQ(err.msg, "line 4: no body text after the title");
    CHECK(parse_str("---\nid: a\n---\n\xE3\x80\x80\n", &c, &err) < 0);
    CHECK_STR_EQ(err.msg, "no text after the front matter");
    CHECK(parse_str("---\nid: a\nurl: ftp://x\n---\n", &c, &err) < 0);
    CHECK_STR_EQ(err.msg, "line 3: url 'ftp://x' is not absolute http(s)");
    CHECK_INT_EQ(c.count, 0);
}

const struct test tests_import_text[] = {
    { "seed_page", seed_page },
    { "date_lines", date_lines },
    { "bylines", bylines },
    { "sentences_are_not_headers", sentences_are_not_headers },
    { "breadcrumbs", breadcrumbs },
    { "headings_and_asides", headings_and_asides },
    { "footers", footers },
    { "footer_markers_stand_alone", footer_markers_stand_alone },
    { "date_below_unread_lines", date_below_unread_lines },
    { "bad_dates_are_reported", bad_dates_are_reported },
    { "non_pages_are_rejected", non_pages_are_rejected },
    { "summaries", summaries },
    { "line_endings_and_boms", line_endings_and_boms },
    { "front_matter_wins", front_matter_wins },
    { "front_matter_parse", front_matter_parse },
    { "front_matter_categories", front_matter_categories },
    { "huge_inputs", huge_inputs },
    { "rejections_name_the_line", rejections_name_the_line },
    { NULL, NULL },
};
