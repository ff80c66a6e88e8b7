/*
 * render_bench: the in-process half of `make bench-build`.
 *
 *     render_bench fill STORE N [SEED]
 *         puts N synthetic articles shaped like the seed page (20
 *         categories, some nested, 50 sources, 360 authors, dates over
 *         2014-2023, about 6.5 KB of Chinese paragraphs and headings) into
 *         a fresh store through the store API: the fallback corpus when
 *         bench/gen (the bench-import generator) is not there.
 *
 *     render_bench feeds CONF N OUT.json [ROUNDS]
 *         reads the newest N articles of the store CONF names, writes them
 *         to OUT.json (for node's `feed` to render the same data), then
 *         renders one RSS and one Atom document holding all N items with
 *         full content, ROUNDS times, and prints per round the time, items/s
 *         and MB/s.  Only rendering is timed: the articles are in memory,
 *         as node's are after JSON.parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/render_atom.h"
#include "tidings/render_feed.h"
#include "tidings/render_json.h"
#include "tidings/render_rss.h"
#include "tidings/store.h"
#include "tidings/xalloc.h"

#include "corpus.h"

static const char *const phrases[] = {
    "口岸通关效率持续提升",   "进出口货运量稳步增长", "深入推进智慧口岸建设",
    "优化营商环境取得新成效", "加强关企合作与交流",   "推动边境贸易健康发展",
    "完善口岸基础设施",       "提升服务保障能力",     "落实各项便利化措施",
    "积极服务地方经济发展",   "强化安全准入管理",     "开展志愿服务活动",
};

/* its own given names: the corpus.h ones are gen.c's */
static const char *const given_names[12] = {
    "焕新", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军",
};

static uint64_t
next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static const char *
pick(uint64_t *s, const char *const *v, size_t n)
{
    return v[next(s) % n];
}

/* body: about 6.5 KB of paragraphs (and a heading every few), as the
 * page-text importer stores them. */
static void
body(uint64_t *s, struct buf *b, struct buf *summary)
{
    int p, k;

    while (b->len < 6500) {
        if (b->len > 0 && next(s) % 4 == 0) {
            buf_appendf(b, "<h2>%s，%s</h2>\n", pick(s, phrases, 12),
                        pick(s, phrases, 12));
            continue;
        }
        buf_puts(b, "<p>");
        p = 8 + (int)(next(s) % 10);
        for (k = 0; k < p; k++)
            buf_appendf(b, "%s%s", pick(s, phrases, 12),
                        k + 1 < p ? "，" : "。");
        buf_puts(b, "</p>\n");
        if (summary->len == 0)
            buf_append(summary, b->data + 3, b->len - 8);
    }
    buf_truncate(b, b->len - 1);
}

static void
make_article(struct article *a, uint64_t *s, long i)
{
    struct buf t = BUF_INIT, bd = BUF_INIT, sm = BUF_INIT, src = BUF_INIT,
               au = BUF_INIT;

    article_init(a);
    buf_appendf(&t, "%s口岸%s（第%ld期）", pick(s, places, 25),
                pick(s, phrases, 12), i);
    body(s, &bd, &sm);
    buf_appendf(&src, "%s%s", places[i % 25], i % 2 ? "边检站" : "海关");
    buf_appendf(&au, "%s%s", surnames[next(s) % 30], given_names[next(s) % 12]);
    a->title = buf_detach(&t, NULL);
    a->body = buf_detach(&bd, NULL);
    a->summary = buf_detach(&sm, NULL);
    a->category = xstrdup(categories[next(s) % 20]);
    a->source = buf_detach(&src, NULL);
    a->author = buf_detach(&au, NULL);
    /* 2014-01-01 .. 2023-12-31, to the minute */
    a->published = 1388505600 + (int64_t)(next(s) % (3652u * 1440u)) * 60;
    article_set_key(a, NULL, NULL);
    article_compute_hash(a);
    article_mint(a, "www.example.org", NULL, 8 * 3600);
}

static int
fill(const char *path, long n, uint64_t seed)
{
    struct store *st = NULL;
    struct err err = ERR_INIT;
    struct article a;
    enum store_put res;
    long i;

    if (store_open(&st, path, 0, &err) < 0)
        goto fail;
    for (i = 0; i < n; i++) {
        if (i % 1000 == 0 && store_begin(st, &err) < 0)
            goto fail;
        make_article(&a, &seed, i);
        if (store_put_article(st, &a, 0, &res, &err) < 0)
            goto fail;
        article_release(&a);
        if ((i % 1000 == 999 || i == n - 1) && store_commit(st, &err) < 0)
            goto fail;
    }
    store_close(st);
    return 0;
fail:
    fprintf(stderr, "render_bench: fill: %s\n", err.msg);
    store_close(st);
    return 1;
}

/* ---- feeds -------------------------------------------------------------- */

struct list {
    struct article *v;
    size_t len, cap;
};

static void
copy(char **dst, const char *src)
{
    *dst = src ? xstrdup(src) : NULL;
}

static int
keep(const struct article *a, void *arg)
{
    struct list *l = arg;
    struct article *c;

    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    c = &l->v[l->len++];
    *c = *a;
    copy(&c->key, a->key), copy(&c->feed_id, a->feed_id);
    copy(&c->slug, a->slug), copy(&c->url, a->url);
    copy(&c->title, a->title), copy(&c->summary, a->summary);
    copy(&c->body, a->body), copy(&c->category, a->category);
    copy(&c->source, a->source), copy(&c->author, a->author);
    copy(&c->origin, a->origin);
    return 0;
}

static void
member(struct buf *b, const char *name, const char *value, int last)
{
    buf_appendf(b, "\"%s\": ", name);
    if (value)
        render_json_string(b, value);
    else
        buf_puts(b, "null");
    buf_puts(b, last ? "" : ", ");
}

static int
write_json(const char *path, const struct conf *c, const struct list *l)
{
    struct buf b = BUF_INIT, link = BUF_INIT;
    FILE *fp = fopen(path, "w");
    size_t i;

    if (fp == NULL)
        return -1;
    buf_puts(&b, "[\n");
    for (i = 0; i < l->len; i++) {
        const struct article *a = &l->v[i];

        buf_reset(&link);
        render_feed_page_url(c, a->slug, &link);
        buf_puts(&b, i ? ",\n{" : "{");
        member(&b, "id", a->feed_id, 0);
        member(&b, "link", a->url ? a->url : link.data, 0);
        member(&b, "title", a->title, 0);
        member(&b, "summary", a->summary, 0);
        member(&b, "body", a->body, 0);
        member(&b, "author", a->author, 0);
        member(&b, "category", a->category, 0);
        buf_appendf(&b, "\"published\": %lld, \"updated\": %lld}",
                    (long long)a->published, (long long)a->updated);
        fwrite(b.data, 1, b.len, fp);
        buf_reset(&b);
    }
    fputs("\n]\n", fp);
    buf_release(&b);
    buf_release(&link);
    return fclose(fp) == 0 ? 0 : -1;
}

static double
seconds(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* render_both: one RSS and one Atom document of every item; returns the
 * bytes written.  The same path as a feed of the site: each item straight
 * into the document. */
static size_t
render_both(const struct conf *c, const struct list *l)
{
    struct render_item *v = xcalloc(l->len + 1, sizeof(*v));
    char **page = xcalloc(l->len + 1, sizeof(*page));
    struct buf b = BUF_INIT, doc = BUF_INIT;
    struct render_feed f;
    struct err err = ERR_INIT;
    size_t i, used, total;

    for (i = 0; i < l->len; i++) {
        buf_reset(&b);
        render_feed_page_url(c, l->v[i].slug, &b);
        page[i] = buf_detach(&b, NULL);
        v[i].a = &l->v[i];
        v[i].page = page[i];
        v[i].link = l->v[i].url ? l->v[i].url : page[i];
        v[i].has_url = l->v[i].url != NULL;
        v[i].full = 1;
        render_item_check(&v[i]);
    }
    memset(&f, 0, sizeof(f));
    f.conf = c;
    f.title = c->site_title;
    f.self = "https://www.example.org/bench.xml";
    f.home = "https://www.example.org/";
    f.updated = l->len ? l->v[0].updated : 0;
    render_rss_feed(&f, v, l->len, &doc, &used, &err);
    total = doc.len;
    buf_reset(&doc);
    render_atom_feed(&f, v, l->len, &doc, &used, &err);
    total += doc.len;
    buf_release(&doc);
    for (i = 0; i < l->len; i++)
        free(page[i]);
    free(page);
    free(v);
    return total;
}

/* cpu: user and system seconds of this process so far. */
static void
cpu(double *user, double *sys)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int
feeds(const char *conf_path, long n, const char *out, int rounds)
{
    struct conf c;
    struct buf report = BUF_INIT;
    struct err err = ERR_INIT;
    struct store *st = NULL;
    struct list l = { NULL, 0, 0 };
    double t0, u0, s0, u1, s1, t;
    size_t bytes, i;
    int r;

    if (conf_load(&c, conf_path, &report, &err) < 0 ||
        store_open(&st, c.store_path, STORE_READONLY, &err) < 0 ||
        store_each_newest(st, STORE_GROUP_SITE, NULL, n, keep, &l, &err) < 0) {
        fprintf(stderr, "render_bench: %s\n", err.msg);
        return 1;
    }
    store_close(st);
    if (write_json(out, &c, &l) < 0)
        return 1;
    for (r = 0; r < rounds; r++) {
        t0 = seconds(CLOCK_MONOTONIC);
        cpu(&u0, &s0);
        bytes = render_both(&c, &l);
        t = seconds(CLOCK_MONOTONIC) - t0;
        cpu(&u1, &s1);
        printf("tidings: %zu items (RSS + Atom, full content): %.3f s "
               "(cpu %.3f s: user %.3f, sys %.3f), %.0f items/s, %.1f MB/s, "
               "%.1f MB\n",
               l.len, t, u1 - u0 + s1 - s0, u1 - u0, s1 - s0, (double)l.len / t,
               (double)bytes / t / 1e6, (double)bytes / 1e6);
    }
    for (i = 0; i < l.len; i++)
        article_release(&l.v[i]);
    free(l.v);
    conf_release(&c);
    buf_release(&report);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "fill") == 0)
        return fill(argv[2], atol(argv[3]),
                    argc > 4 ? strtoull(argv[4], NULL, 10) : 1);
    if (argc >= 5 && strcmp(argv[1], "feeds") == 0)
        return feeds(argv[2], atol(argv[3]), argv[4],
                     argc > 5 ? atoi(argv[5]) : 3);
    fprintf(stderr, "usage: render_bench fill STORE N [SEED]\n"
                    "       render_bench feeds CONF N OUT.json [ROUNDS]\n");
    return 2;
}
