/*
 * gen_formats: one synthetic corpus in the three input formats, for the
 * importers' benchmark (`make bench-import-formats`).
 *
 *     gen_formats [-s SEED] -n N -o DIR
 *
 * writes N articles shaped like tests/samples/000_6f3282650a6999bc.txt
 * (a breadcrumb over 20 categories, a title, a byline over 50 sources and
 * 360 authors, a 发布时间 line spread over 2014-2023, about 6.5 KB of
 * Chinese paragraphs with section headings, the seed's footer), each of
 * them three times:
 *
 *   DIR/text/NNN/NNNNNN.txt    as page text (SPEC 1.1);
 *   DIR/html/NNN/NNNNNN.html   as the saved page of a typical government
 *                              CMS: head, navigation, breadcrumb, <h1>, a
 *                              labelled byline, the text in div#zoom,
 *                              related links and a footer (SPEC 1.2);
 *   DIR/feed.xml               as one RSS 2.0 item each, the body in
 *                              content:encoded (SPEC 1.3).
 *
 * The output depends only on SEED and N, so every run imports the same
 * bytes.  Nothing of libtidings is used: the corpus is written the way a
 * publisher would write it, not the way tidings reads it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"

#define PER_DIR 1000

/* Sentences of the seed's kind: a full stop at the end, no colon, no
 * markup characters. */
static const char *const sentences[16] = {
    "芬芳草原，因为有了绿色才生机盎然。",
    "北疆边关，因为有了文化才不再寂寞。",
    "在内蒙古自治区东部45万平方公里的辽阔大地上，哪里有开放的气息，哪里就有关员们耕耘开拓的身影。",
    "多年来，在各级领导和各级文明办的关心、指导和帮助下，精神文明创建工作扎扎实实开展，成绩斐然。",
    "创建一流内陆边关是党组为了推进科学发展而提出的一项战略性目标。",
    "自去年以来，该关定期举办谈心与建言献策活动，关领导亲自与关员面对面交流，在答疑解惑中有效疏导关员情绪。",
    "全关收集到合理化建议和意见400余条，共撰写研讨文章近200余篇，呈现出人人关注、人人献策的生动局面。",
    "主动服务地方开放型经济发展，制定支持外向型经济发展的26项措施，全力助推综合保税区、保税物流中心申建等重点项目开展。",
    "多次召开关企座谈会，帮助企业解决实际困难，倡导守法便利，探索对企业差别化管理模式。",
    "主动履行社会责任，深入开展各项志愿服务活动，努力打造特色服务品牌。",
    "始终用先进、健康的思想文化引导广大干部职工，认真落实提高文化品位、营造文化氛围、造就文化队伍的工作思路。",
    "通过演讲、朗诵、新闻特写、党群对话等群众喜闻乐见的形式，大力表彰、宣传先进典型。",
    "举办了文学、摄影、书画、球类、跳绳和拔河等一系列比赛，开办了音乐、民族舞蹈、瑜伽、健美操等多期培训班和讲座。",
    "围绕建设一支高素质的干部职工队伍，通过举办讲座、学习班、知识竞赛及参观学习等形式，大力加强政治理论和业务知识等方面的教育。",
    "口岸进出境货运量同比增长12.5%，进出境人员达到230万人次，通关时间压缩三分之一以上。",
    "将以更加昂扬的斗志、更加奋发向上的精神，巩固和发展创建成果，为社会经济发展作出更大贡献！",
};

static const char *const weekdays[7] = { "Thu", "Fri", "Sat", "Sun",
                                         "Mon", "Tue", "Wed" };
static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec" };

/* One article: its fields, and the body as paragraphs ("P" + text) and
 * headings ("H" + text), one per line. */
struct article {
    const char *category;
    char source[64], author[32], title[256], date[32], rfc822[40];
    char body[16384];
};

static void
civil(int64_t t, int *y, int *mo, int *d, int *h, int *mi, int *wd)
{
    int64_t days = t / 86400, z, era, doe, yoe, doy, mp;

    *h = (int)(t % 86400 / 3600);
    *mi = (int)(t % 3600 / 60);
    *wd = (int)(days % 7);
    z = days + 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*mo <= 2));
}

/* dates: local time at +08:00, 2014-2023, whole minutes. */
static void
dates(struct article *a, struct rng *r)
{
    int64_t t = 1388534400 + (int64_t)rng_below(r, 3652) * 86400 +
                (int64_t)(7 * 3600 + rng_below(r, 11 * 60) * 60);
    int y, mo, d, h, mi, wd;

    civil(t, &y, &mo, &d, &h, &mi, &wd);
    snprintf(a->date, sizeof(a->date), "%04d-%02d-%02d %02d:%02d", y, mo, d, h,
             mi);
    snprintf(a->rfc822, sizeof(a->rfc822),
             "%s, %02d %s %04d %02d:%02d:00 +0800", weekdays[wd], d,
             months[mo - 1], y, h, mi);
}

static void
make_article(struct article *a, struct rng *r, size_t i)
{
    size_t len = 0, para;

    a->category = categories[rng_below(r, NELEMS(categories))];
    snprintf(a->source, sizeof(a->source), "%s%s", places[rng_below(r, 25)],
             org_kinds[rng_below(r, 2)]);
    snprintf(a->author, sizeof(a->author), "%s%s", surnames[rng_below(r, 30)],
             given[rng_below(r, 12)]);
    snprintf(a->title, sizeof(a->title), "%s——%s%s（%zu）",
             title_heads[rng_below(r, NELEMS(title_heads))],
             places[rng_below(r, 25)],
             title_topics[rng_below(r, NELEMS(title_topics))], i + 1);
    dates(a, r);
    for (para = 0; len < 6400; para++) {
        int k, n = 2 + (int)rng_below(r, 3);

        if (para % 4 == 1)
            len +=
                (size_t)snprintf(a->body + len, sizeof(a->body) - len, "H%s\n",
                                 headings[rng_below(r, NELEMS(headings))]);
        a->body[len++] = 'P';
        for (k = 0; k < n; k++)
            len += (size_t)snprintf(a->body + len, sizeof(a->body) - len, "%s",
                                    sentences[rng_below(r, 16)]);
        a->body[len++] = '\n';
        a->body[len] = '\0';
    }
}

/* each_block: calls fn for every paragraph or heading of the body. */
static void
each_block(const struct article *a,
           void (*fn)(FILE *, int, const char *, size_t), FILE *fp)
{
    const char *p = a->body, *nl;

    while ((nl = strchr(p, '\n')) != NULL) {
        fn(fp, *p, p + 1, (size_t)(nl - p - 1));
        p = nl + 1;
    }
}

static void
text_block(FILE *fp, int kind, const char *s, size_t n)
{
    fprintf(fp, "%s%.*s\n\n", kind == 'P' ? "\xE3\x80\x80\xE3\x80\x80" : "",
            (int)n, s);
}

/* html_block: with markup escaped as it would be in a feed (double). */
static void
html_block(FILE *fp, int kind, const char *s, size_t n)
{
    fprintf(fp, "<%s>%.*s</%s>\n", kind == 'P' ? "p" : "h3", (int)n, s,
            kind == 'P' ? "p" : "h3");
}

static void
feed_block(FILE *fp, int kind, const char *s, size_t n)
{
    fprintf(fp, "&lt;%s&gt;%.*s&lt;/%s&gt;", kind == 'P' ? "p" : "h3", (int)n,
            s, kind == 'P' ? "p" : "h3");
}

/* crumbs: "首页 > a > b" with sep between the parts. */
static void
crumbs(FILE *fp, const char *path, const char *sep, int links)
{
    const char *p = path, *slash;

    fputs(links ? "<a href=\"/\">首页</a>" : "首页", fp);
    for (;;) {
        slash = strchr(p, '/');
        fputs(sep, fp);
        if (links)
            fprintf(fp, "<a href=\"/lm/%zu/\">%.*s</a>", (size_t)(p - path),
                    (int)(slash ? slash - p : (long)strlen(p)), p);
        else
            fprintf(fp, "%.*s", (int)(slash ? slash - p : (long)strlen(p)), p);
        if (slash == NULL)
            break;
        p = slash + 1;
    }
}

static int
write_text(const char *path, const struct article *a)
{
    FILE *fp = fopen(path, "w");

    if (fp == NULL)
        return -1;
    crumbs(fp, a->category, " > ", 0);
    fprintf(fp, "\n\n%s\n%s %s\n发布时间：%s\n\n", a->title, a->source,
            a->author, a->date);
    each_block(a, text_block, fp);
    fputs("相关文章:\n    无相关信息\nCopyright \xC2\xA9 2007-2025 CAOP All "
          "Rights Reserved. 中国口岸协会版权所有\n京ICP备2022011338号\n",
          fp);
    return fclose(fp);
}

static int
write_html(const char *path, const struct article *a, size_t i)
{
    FILE *fp = fopen(path, "w");
    const char *leaf = strrchr(a->category, '/');

    if (fp == NULL)
        return -1;
    fprintf(
        fp,
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n"
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=utf-8\">\n<title>%s_%s_中国口岸协会</title>\n"
        "<meta name=\"keywords\" content=\"口岸,海关,边检\">\n"
        "<link rel=\"stylesheet\" href=\"/css/style.css\">\n"
        "<script type=\"text/javascript\" src=\"/js/jquery.min.js\">"
        "</script>\n<script>var _hmt = _hmt || []; (function() { var hm = "
        "document.createElement('script'); })();</script>\n</head>\n<body>\n"
        "<div class=\"header\"><img src=\"/images/logo.png\" alt=\"中国口岸协会\">"
        "</div>\n<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li>"
        "<li><a href=\"/xwzx/\">新闻资讯</a></li><li><a href=\"/tzgg/\">通知"
        "公告</a></li><li><a href=\"/zcfg/\">政策法规</a></li><li><a href=\""
        "/kajs/\">口岸建设</a></li><li><a href=\"/djgz/\">党建工作</a></li>"
        "<li><a href=\"/tjsj/\">统计数据</a></li><li><a href=\"/hyfw/\">会员"
        "服务</a></li></ul></div>\n<div class=\"main\">\n<div class=\""
        "location\">当前位置：",
        a->title, leaf ? leaf + 1 : a->category);
    crumbs(fp, a->category, " &gt; ", 1);
    fprintf(fp,
            "</div>\n<div class=\"article\">\n<h1>%s</h1>\n<div class=\"info\">"
            "发布时间：%s&nbsp;&nbsp;来源：%s&nbsp;&nbsp;作者：%s&nbsp;&nbsp;"
            "【<a href=\"javascript:window.print()\">打印</a>】</div>\n"
            "<div id=\"zoom\">\n",
            a->title, a->date, a->source, a->author);
    each_block(a, html_block, fp);
    fprintf(fp,
            "</div>\n</div>\n<div class=\"related\"><h4>相关文章</h4><ul><li>"
            "<a href=\"/xwzx/%zu.html\">口岸工作会议召开</a></li><li><a href=\""
            "/xwzx/%zu.html\">协会年会在京举行</a></li></ul></div>\n</div>\n"
            "<div class=\"footer\">Copyright &copy; 2007-2025 CAOP All Rights "
            "Reserved. 中国口岸协会版权所有 京ICP备2022011338号</div>\n"
            "</body></html>\n",
            i + 1, i + 2);
    return fclose(fp);
}

/* prefix: the bytes of whole characters of the line s within max. */
static size_t
prefix(const char *s, size_t max)
{
    size_t n = strcspn(s, "\n") < max ? strcspn(s, "\n") : max;

    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static void
feed_item(FILE *fp, const struct article *a, size_t i)
{
    fprintf(fp,
            "<item><title>%s</title><link>https://www.example.org/news/%06zu."
            "html</link><description>",
            a->title, i);
    fprintf(fp, "%.*s", (int)prefix(strchr(a->body, 'P') + 1, 210),
            strchr(a->body, 'P') + 1);
    fputs("…</description><content:encoded>", fp);
    each_block(a, feed_block, fp);
    fprintf(fp,
            "</content:encoded><dc:creator>%s</dc:creator><dc:publisher>%s"
            "</dc:publisher><category>%s</category><guid isPermaLink=\"false\">"
            "bench-%06zu</guid><pubDate>%s</pubDate></item>\n",
            a->author, a->source, a->category, i, a->rfc822);
}

static int
make_dir(const char *path)
{
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "gen_formats: cannot create '%s': %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int
dirs(const char *out, size_t i)
{
    char path[4096];

    if (i % PER_DIR != 0)
        return 0;
    snprintf(path, sizeof(path), "%s/text/%03zu", out, i / PER_DIR);
    if (make_dir(path) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/html/%03zu", out, i / PER_DIR);
    return make_dir(path);
}

static int
generate(const char *out, size_t n, uint64_t seed)
{
    struct rng r = { seed };
    struct article *a = malloc(sizeof(*a));
    char path[4096];
    FILE *feed;
    size_t i;

    snprintf(path, sizeof(path), "%s/feed.xml", out);
    if (a == NULL || (feed = fopen(path, "w")) == NULL)
        return -1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
          "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel><title>"
          "中国口岸协会 新闻资讯</title><link>https://www.example.org/</link>"
          "<description>口岸新闻</description><language>zh-CN</language>\n",
          feed);
    for (i = 0; i < n; i++) {
        make_article(a, &r, i);
        if (dirs(out, i) < 0)
            return -1;
        snprintf(path, sizeof(path), "%s/text/%03zu/%06zu.txt", out,
                 i / PER_DIR, i);
        if (write_text(path, a) < 0)
            return -1;
        snprintf(path, sizeof(path), "%s/html/%03zu/%06zu.html", out,
                 i / PER_DIR, i);
        if (write_html(path, a, i) < 0)
            return -1;
        feed_item(feed, a, i);
    }
    fputs("</channel></rss>\n", feed);
    free(a);
    return fclose(feed);
}

int
main(int argc, char **argv)
{
    const char *out = NULL;
    char path[4096];
    unsigned long long seed = 1;
    long n = 0;
    int c;

    while ((c = getopt(argc, argv, "s:n:o:")) != -1) {
        if (c == 's')
            seed = strtoull(optarg, NULL, 10);
        else if (c == 'n')
            n = strtol(optarg, NULL, 10);
        else if (c == 'o')
            out = optarg;
        else
            break;
    }
    if (out == NULL || n <= 0) {
        fprintf(stderr, "usage: gen_formats [-s SEED] -n N -o DIR\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/text", out);
    if (make_dir(out) < 0 || make_dir(path) < 0)
        return 1;
    snprintf(path, sizeof(path), "%s/html", out);
    if (make_dir(path) < 0 || generate(out, (size_t)n, seed) < 0) {
        fprintf(stderr, "gen_formats: cannot write to '%s': %s\n", out,
                strerror(errno));
        return 1;
    }
    return 0;
}
