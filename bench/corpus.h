#ifndef TIDINGS_BENCH_CORPUS_H
#define TIDINGS_BENCH_CORPUS_H

/*
 * corpus: what the benchmark generators' synthetic articles are made of,
 * shared by bench/gen.c (page text and the CSV of its rows) and
 * bench/gen_formats.c (page text, HTML pages and a feed): the names of
 * categories, places, organisations and people, the parts of titles, and
 * the random numbers that pick among them.  Each generator keeps its own
 * headings and sentences, so each writes the bytes it always wrote.
 * bench/render_bench.c takes the categories, places and surnames.
 */

#include <stddef.h>
#include <stdint.h>

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Leaf categories; their ancestors are categories too. */
static const char *const categories[20] = {
    "新闻资讯/综合新闻",
    "新闻资讯/协会动态",
    "新闻资讯/地方口岸",
    "新闻资讯/国际资讯",
    "通知公告",
    "政策法规/法律法规",
    "政策法规/部门规章",
    "政策法规/地方法规/东北地区",
    "政策法规/地方法规/华东地区",
    "口岸建设/规划建设",
    "口岸建设/通关便利化",
    "口岸建设/智慧口岸",
    "党建工作",
    "精神文明/文明创建",
    "精神文明/志愿服务",
    "专题报道/口岸开放四十年",
    "专题报道/一带一路",
    "统计数据",
    "会员服务/会员名录",
    "会员服务/培训交流",
};

static const char *const places[25] = {
    "满洲里",   "二连浩特", "绥芬河", "黑河", "珲春", "丹东", "大连",
    "天津",     "青岛",     "连云港", "上海", "宁波", "厦门", "广州",
    "深圳",     "拱北",     "湛江",   "南宁", "凭祥", "昆明", "瑞丽",
    "乌鲁木齐", "霍尔果斯", "喀什",   "拉萨",
};

static const char *const org_kinds[2] = { "海关", "边检站" };

static const char *const surnames[30] = {
    "鲁", "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
    "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董",
};

static const char *const given[12] = {
    "焕新", "建国", "海峰", "丽娟", "志强", "晓明",
    "秀英", "国庆", "春雷", "文博", "雅琴", "立新",
};

static const char *const title_heads[8] = {
    "千帆竞发春潮涌 万马追风正逢时", "砥砺奋进谱新篇", "守好国门第一关",
    "优化营商环境 服务开放大局",     "扬帆起航正当时", "凝心聚力促发展",
    "创新监管模式 提升通关效率",     "风正一帆悬",
};

static const char *const title_topics[8] = {
    "精神文明建设工作纪实", "口岸通关便利化改革综述", "党建工作经验交流",
    "智慧口岸建设侧记",     "志愿服务活动掠影",       "业务培训工作总结",
    "对外开放合作回眸",     "队伍建设工作纪实",
};

struct rng {
    uint64_t s;
};

/* splitmix64: small, fast, and the same sequence on every machine. */
static inline uint64_t
rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline size_t
rng_below(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

/* section headings, as the seed's */
static const char *const headings[12] = {
    "抓好宣传引导，为精神文明建设提供思想保障",
    "推行特色服务 为精神文明建设提供实践窗口",
    "大力弘扬正气，为精神文明建设提供人文环境",
    "开展文化活动，为精神文明建设提供有效平台",
    "加强教育培训，为精神文明建设提供人才保障",
    "深化改革创新 推动口岸高质量发展",
    "强化风险防控，筑牢国门安全屏障",
    "优化通关流程 降低企业通关成本",
    "坚持党建引领，凝聚干事创业合力",
    "加强区域合作 服务国家开放战略",
    "夯实基层基础，提升监管服务水平",
    "主要做法与成效",
};

#endif
