/*
 * gen: the synthetic corpus for the import benchmark.
 *
 *     gen [-s SEED] [-H HOST] -n N -o DIR -c CSV
 *
 * writes N page-text files shaped like tests/samples/000_6f3282650a6999bc.txt
 * (breadcrumb over 20 categories, some nested; title; byline over 50 sources
 * and 360 authors; a 发布时间 line spread over 2014-2023; about 6.5 KB of
 * Chinese paragraphs with section headings; the seed's footer) as
 * DIR/NNN/NNNNNN.txt, 1000 to a folder, and CSV with the row the articles
 * table should hold for each, in the same order, for the sqlite3 shell.
 *
 * The output depends only on SEED and N (the first M articles of a larger
 * N are the same files), so both tools are given the same rows every run.
 * The CSV row is what gen meant to write, not what tidings read: the
 * paragraphs, headings, summary, category path and names are worked out
 * here on their own.  Only the identity formulas (key, content hash,
 * feed id, slug: article_set_key, article_compute_hash, article_mint) are
 * taken from libtidings, so that a run can check that the two tables hold
 * the same rows.  Group ids are numbered in order of first appearance, as
 * the store numbers them when files are imported in path order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/xalloc.h"

#include "corpus.h"

#define PER_DIR       1000
#define SUMMARY_CHARS 140
#define TZ_OFFSET     (8 * 3600)
#define MAX_CATEGORY  64
#define BATCH_FILES   10000 /* tidings' default [import] batch_files */

/* Sentences end in a full stop; none holds a colon (a line under the
 * title with "时间：" in it would be read as a date line) or markup. */
static const char *const sentences[24] = {
    "芬芳草原,因为有了绿色才生机盎然。",
    "北疆边关,因为有了文化才不再寂寞。",
    "在内蒙古自治区东部45万平方公里的辽阔大地上,哪里有开放的气息,哪里就有关员们耕耘开拓的身影。",
    "多年来,在各级领导和各级文明办的关心、指导和帮助下,精神文明创建工作扎扎实实开展,成绩斐然。",
    "创建一流内陆边关是党组为了推进科学发展而提出的一项战略性目标。",
    "该关先后组织了“解放思想大讨论”、“忠诚公正、兴关强国”海关精神践行活动以及深入学习实践科学发展观等主题教育活动。",
    "自去年以来,该关定期举办谈心与建言献策活动,关领导亲自与关员面对面交流,在答疑解惑中有效疏导关员情绪。",
    "全关收集到合理化建议和意见400余条,共撰写研讨文章近200余篇,呈现出人人关注、人人献策的生动局面。",
    "近年来,该关根据总署的部署,针对地方经济社会发展亟需解决的突出问题,主动采取了一系列“量体裁衣”式的服务促进措施。",
    "主动服务地方开放型经济发展,制定支持外向型经济发展的26项措施,全力助推综合保税区、保税物流中心申建等重点项目开展。",
    "多次召开关企座谈会,帮助企业解决实际困难,倡导守法便利,探索对企业差别化管理模式。",
    "主动履行社会责任,深入开展各项志愿服务活动,努力打造特色服务品牌。",
    "去年,共有45家企业送来锦旗32面、感谢信13封。",
    "始终用先进、健康的思想文化引导广大干部职工,认真落实提高文化品位、营造文化氛围、造就文化队伍的工作思路。",
    "全关关员在各个岗位上建功立业,以实际行动诠释着“忠诚公正、兴关强国”的精神。",
    "通过演讲、朗诵、新闻特写、党群对话等群众喜闻乐见的形式,大力表彰、宣传先进典型。",
    "举办了文学、摄影、书画、球类、跳绳和拔河等一系列比赛,开办了音乐、民族舞蹈、瑜伽、健美操等多期培训班和讲座。",
    "积极倡导成立了篮球协会、书画协会、摄影协会等10余个文体社团,近年来获得三等奖以上的奖励就有10余项。",
    "围绕建设一支高素质的干部职工队伍,通过举办讲座、学习班、知识竞赛及参观学习等形式,大力加强政治理论和业务知识等方面的教育。",
    "加强职业道德教育,引导关员坚定理想信念,明确身份定位,提高“把好国门、做好服务、带好队伍、防好风险”的水平和能力。",
    "2013年,该关通过内蒙古自治区级文明单位复检验收,工会被中华全国总工会授予“全国模范职工之家”荣誉称号。",
    "口岸进出境货运量同比增长12.5%,进出境人员达到230万人次,通关时间压缩三分之一以上。",
    "潮平两岸阔,风正一帆悬,精神文明创建只有起点,没有终点。",
    "将以更加昂扬的斗志、更加奋发向上的精神,巩固和发展创建成果,为社会经济发展作出更大贡献!",
};

#define FOOTER                                                                 \
    "相关文章:\n    无相关信息\n"                                     \
    "Copyright \xC2\xA9 2007-2025 CAOP All Rights Reserved. "                  \
    "中国口岸协会版权所有\n京ICP备2022011338号\n"

/* Group ids in order of first appearance, as the store assigns them. */
struct ids {
    char *cat_path[MAX_CATEGORY];
    long cat_id[MAX_CATEGORY];
    size_t ncat;
    long source_id[NELEMS(places) * NELEMS(org_kinds)];
    long author_id[NELEMS(surnames) * NELEMS(given)];
    long next_source, next_author;
};

static long
category_node(struct ids *ids, const char *path, size_t len)
{
    size_t i;

    for (i = 0; i < ids->ncat; i++)
        if (strlen(ids->cat_path[i]) == len &&
            memcmp(ids->cat_path[i], path, len) == 0)
            return ids->cat_id[i];
    if (ids->ncat == MAX_CATEGORY)
        abort();
    ids->cat_path[ids->ncat] = xmemdup(path, len);
    ids->cat_id[ids->ncat] = (long)ids->ncat + 1;
    return ids->cat_id[ids->ncat++];
}

/* category_id: numbers each ancestor before the node, as the store's
 * walk from the root does. */
static long
category_id(struct ids *ids, const char *path)
{
    size_t i, len = strlen(path);
    long id = 0;

    for (i = 0; i <= len; i++)
        if (i == len || path[i] == '/')
            id = category_node(ids, path, i);
    return id;
}

static long
group_id(long *slot, long *next)
{
    if (*slot == 0)
        *slot = ++*next;
    return *slot;
}

/* One article as gen means it to be read. */
struct item {
    size_t cat, place, kind, surname, given_name;
    int year, mon, day, hour, min;
    struct buf text; /* the file */
    struct buf body; /* the stored HTML */
    struct buf first_para;
    struct article a;
};

static void
item_release(struct item *it)
{
    buf_release(&it->text);
    buf_release(&it->body);
    buf_release(&it->first_para);
    article_release(&it->a);
}

static void
add_block(struct item *it, const char *tag, const char *text)
{
    if (it->body.len)
        buf_putc(&it->body, '\n');
    buf_appendf(&it->body, "<%s>%s</%s>", tag, text, tag);
    if (strcmp(tag, "p") == 0 && it->first_para.len == 0)
        buf_puts(&it->first_para, text);
}

/* blank: the separator between blocks; the seed's pages have lines of
 * no-break spaces between sections. */
static void
blank(struct item *it, struct rng *r)
{
    static const char *const seps[] = { "\n\n", "\n\n\xC2\xA0\n\n",
                                        "\n\n\xE3\x80\x80\n\n", "\n \n" };

    buf_puts(&it->text, seps[rng_below(r, NELEMS(seps))]);
}

static void
paragraph(struct item *it, struct rng *r)
{
    struct buf p = BUF_INIT;
    size_t n = 2 + rng_below(r, 4), i;

    for (i = 0; i < n; i++)
        buf_puts(&p, sentences[rng_below(r, NELEMS(sentences))]);
    blank(it, r);
    buf_append(&it->text, p.data, p.len);
    add_block(it, "p", p.data);
    buf_release(&p);
}

static void
heading(struct item *it, struct rng *r)
{
    const char *h = headings[rng_below(r, NELEMS(headings))];

    blank(it, r);
    buf_puts(&it->text, h);
    add_block(it, "h2", h);
}

/* body: two opening paragraphs, then sections of a heading and one to
 * three paragraphs, until the page has about `target` bytes. */
static void
body(struct item *it, struct rng *r, size_t target)
{
    size_t k;

    paragraph(it, r);
    paragraph(it, r);
    while (it->text.len < target) {
        heading(it, r);
        for (k = 1 + rng_below(r, 3); k > 0; k--)
            paragraph(it, r);
    }
    buf_puts(&it->text, "\n\n" FOOTER);
}

static void
header(struct item *it, struct rng *r, size_t index)
{
    const char *cat = categories[it->cat], *p;
    const char *sep = rng_below(r, 4) == 0 ? " \xEF\xBC\x9E " : " > ";
    size_t pad = rng_below(r, 8);

    buf_puts(&it->text, "首页");
    buf_puts(&it->text, sep);
    for (p = cat; *p; p++) {
        if (*p == '/')
            buf_puts(&it->text, sep);
        else
            buf_putc(&it->text, *p);
    }
    buf_appendf(&it->text, "\n%s――%s%s（%zu）\n",
                title_heads[rng_below(r, NELEMS(title_heads))],
                places[it->place],
                title_topics[rng_below(r, NELEMS(title_topics))], index + 1);
    buf_appendf(&it->text, "%s%s %s%s", places[it->place], org_kinds[it->kind],
                surnames[it->surname], given[it->given_name]);
    while (pad-- > 0)
        buf_puts(&it->text, "\xC2\xA0");
    buf_appendf(&it->text, "\n发布时间%s%04d-%02d-%02d %02d:%02d\n",
                rng_below(r, 2) ? "：" : ":", it->year, it->mon, it->day,
                it->hour, it->min);
}

static void
pick(struct item *it, struct rng *r)
{
    it->cat = rng_below(r, NELEMS(categories));
    it->place = rng_below(r, NELEMS(places));
    it->kind = rng_below(r, NELEMS(org_kinds));
    it->surname = rng_below(r, NELEMS(surnames));
    it->given_name = rng_below(r, NELEMS(given));
    it->year = 2014 + (int)rng_below(r, 10);
    it->mon = 1 + (int)rng_below(r, 12);
    it->day = 1 + (int)rng_below(r, 28);
    it->hour = (int)rng_below(r, 24);
    it->min = (int)rng_below(r, 60);
}

/* line_of: line `which` (from 0) of the page just written. */
static char *
line_of(const struct buf *text, int which)
{
    const char *s = text->data, *e;

    while (which-- > 0)
        s = strchr(s, '\n') + 1;
    e = strchr(s, '\n');
    return xmemdup(s, (size_t)(e - s));
}

static char *
summary_of(const char *para)
{
    struct buf b = BUF_INIT;
    size_t chars = 0;
    const char *p;

    for (p = para; *p && chars <= SUMMARY_CHARS; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > SUMMARY_CHARS)
            break;
        buf_putc(&b, *p);
    }
    if (*p)
        buf_puts(&b, "…");
    return buf_detach(&b, NULL);
}

/* complete: the article the page should become. */
static void
complete(struct item *it, const char *origin, const char *host)
{
    struct article *a = &it->a;
    struct buf b = BUF_INIT;

    a->category = xstrdup(categories[it->cat]);
    a->title = line_of(&it->text, 1);
    buf_appendf(&b, "%s%s", places[it->place], org_kinds[it->kind]);
    a->source = buf_detach(&b, NULL);
    buf_appendf(&b, "%s%s", surnames[it->surname], given[it->given_name]);
    a->author = buf_detach(&b, NULL);
    a->published =
        date_make(it->year, it->mon, it->day, it->hour, it->min, 0, TZ_OFFSET);
    a->updated = a->published;
    a->summary = summary_of(it->first_para.data);
    a->body = xmemdup(it->body.data, it->body.len);
    a->origin = xstrdup(origin);
    article_set_key(a, NULL, NULL);
    article_compute_hash(a);
    article_mint(a, host, NULL, TZ_OFFSET);
}

static void
csv_field(FILE *f, const char *s, int last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\n" : "\",", f);
}

/* csv_row: every column of the articles table, in its order, since
 * .import fills them all; id is the store's rowid, counted from 1.  url is
 * empty (the shell's .import cannot write NULL); imported and changed are
 * a fixed wall-clock time and revision the batch of BATCH_FILES the row is
 * in, which is what tidings writes apart from the clock. */
static void
csv_row(FILE *f, struct ids *ids, const struct item *it, size_t index, long now)
{
    const struct article *a = &it->a;
    size_t src = it->place * NELEMS(org_kinds) + it->kind;
    size_t au = it->surname * NELEMS(given) + it->given_name;

    fprintf(f, "%zu,", index + 1);
    csv_field(f, a->key, 0);
    csv_field(f, a->feed_id, 0);
    csv_field(f, a->slug, 0);
    fputs(",", f);
    csv_field(f, a->title, 0);
    csv_field(f, a->summary, 0);
    csv_field(f, a->body, 0);
    fprintf(f, "%ld,%ld,%ld,%lld,%lld,", category_id(ids, a->category),
            group_id(&ids->source_id[src], &ids->next_source),
            group_id(&ids->author_id[au], &ids->next_author),
            (long long)a->published, (long long)a->updated);
    csv_field(f, a->hash, 0);
    csv_field(f, a->origin, 0);
    fprintf(f, "%ld,%ld,%zu\n", now, now, index / BATCH_FILES + 1);
}

static int
write_file(const char *path, const struct buf *b)
{
    FILE *f = fopen(path, "wb");
    int rc;

    if (f == NULL)
        return -1;
    rc = fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;
    return fclose(f) != 0 ? -1 : rc;
}

struct opts {
    uint64_t seed;
    size_t n;
    const char *dir, *csv, *host;
};

/* one: writes article `index` and its CSV row. */
static int
one(const struct opts *o, struct rng *r, struct ids *ids, FILE *csv,
    size_t index, long now)
{
    struct item it;
    char path[4096];
    int rc;

    memset(&it, 0, sizeof(it));
    it.text = (struct buf)BUF_INIT;
    it.body = (struct buf)BUF_INIT;
    it.first_para = (struct buf)BUF_INIT;
    pick(&it, r);
    header(&it, r, index);
    body(&it, r, 5200 + rng_below(r, 1200));
    snprintf(path, sizeof(path), "%s/%03zu", o->dir, index / PER_DIR);
    if (index % PER_DIR == 0 && mkdir(path, 0755) < 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof(path), "%s/%03zu/%06zu.txt", o->dir, index / PER_DIR,
             index);
    complete(&it, path, o->host);
    rc = write_file(path, &it.text);
    csv_row(csv, ids, &it, index, now);
    item_release(&it);
    return rc;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
    int c;

    o->seed = 1;
    o->host = "www.example.org";
    while ((c = getopt(argc, argv, "s:n:o:c:H:")) != -1) {
        if (c == 's')
            o->seed = strtoull(optarg, NULL, 10);
        else if (c == 'n')
            o->n = strtoul(optarg, NULL, 10);
        else if (c == 'o')
            o->dir = optarg;
        else if (c == 'c')
            o->csv = optarg;
        else if (c == 'H')
            o->host = optarg;
        else
            return -1;
    }
    return o->n == 0 || o->dir == NULL || o->csv == NULL ? -1 : 0;
}

int
main(int argc, char **argv)
{
    struct opts o = { 0, 0, NULL, NULL, NULL };
    struct ids ids;
    struct rng r;
    FILE *csv;
    size_t i;
    long now = 1700000000;

    if (parse_args(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: gen [-s SEED] [-H HOST] -n N -o DIR -c CSV\n");
        return 2;
    }
    memset(&ids, 0, sizeof(ids));
    r.s = o.seed;
    if ((mkdir(o.dir, 0755) < 0 && errno != EEXIST) ||
        (csv = fopen(o.csv, "w")) == NULL) {
        fprintf(stderr, "gen: cannot create '%s' or '%s'\n", o.dir, o.csv);
        return 1;
    }
    for (i = 0; i < o.n; i++) {
        if (one(&o, &r, &ids, csv, i, now) < 0) {
            fprintf(stderr, "gen: cannot write article %zu in '%s'\n", i,
                    o.dir);
            return 1;
        }
    }
    for (i = 0; i < ids.ncat; i++)
        free(ids.cat_path[i]);
    if (fclose(csv) != 0) {
        fprintf(stderr, "gen: cannot write '%s'\n", o.csv);
        return 1;
    }
    return 0;
}
