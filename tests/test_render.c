/*
 * Tests of the rendering modules in process: the XML writer's filtering,
 * slugs, the JSON reader behind `tidings check`, and render_site itself
 * (taking documents over from a previous site, and Last-Modified).
 */
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/err.h"
#include "tidings/json.h"
#include "tidings/render.h"
#include "tidings/render_atom.h"
#include "tidings/render_feed.h"
#include "tidings/render_json.h"
#include "tidings/render_rss.h"
#include "tidings/site.h"
#include "tidings/slug.h"
#include "tidings/store.h"
#include "tidings/xalloc.h"
#include "tidings/xwriter.h"

static const char hostile[] = "x\x01y\x0Cz<&>]]>\xEF\xBF\xBE \xFF\xC0\x80 "
                              "\xED\xA0\x80 \" ' \t\r\n end";

/* well_formed: libxml2 parses the document without an error. */
static int
well_formed(const char *s, size_t n)
{
    xmlDocPtr doc = xmlReadMemory(s, (int)n, "t.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    int ok = doc != NULL;

    xmlFreeDoc(doc);
    return ok;
}

static void
xwriter_filters_text(void)
{
    struct buf b = BUF_INIT;
    struct err err = ERR_INIT;
    struct xwriter *w = xwriter_new(&b, 1);

    xwriter_declaration(w);
    xwriter_start(w, "doc");
    xwriter_attr(w, "a", hostile);
    xwriter_element(w, "t", hostile);
    xwriter_element(w, "absent", NULL);
    CHECK(xwriter_finish(w, &err) == 0);
    CHECK_MSG(well_formed(b.data, b.len), "%s", b.data);
    CHECK(strstr(b.data, "]]&gt;") != NULL);
    CHECK(strstr(b.data, "\x01") == NULL);
    CHECK(strstr(b.data, "\xEF\xBF\xBE") == NULL);
    CHECK(strstr(b.data, "<absent") == NULL);
    CHECK(strstr(b.data, "a=\"xyz&lt;&amp;&gt;]]&gt;   &quot; ' &#9;&#13;&#10; "
                         "end\"") != NULL);
    CHECK(strstr(b.data, "<![CDATA[") == NULL);
    buf_release(&b);
}

static void
xwriter_keeps_cjk_in_attributes(void)
{
    struct buf b = BUF_INIT;
    struct err err = ERR_INIT;
    struct xwriter *w = xwriter_new(&b, 0);

    xwriter_start(w, "category");
    xwriter_attr(w, "term", "新闻资讯/综合新闻");
    CHECK(xwriter_finish(w, &err) == 0);
    CHECK_STR_EQ(b.data, "<category term=\"新闻资讯/综合新闻\"/>\n");
    buf_release(&b);
}

static void
xwriter_reports_the_cap(void)
{
    struct buf b;
    struct err err = ERR_INIT;
    struct xwriter *w;
    int i;

    buf_init(&b, 100);
    w = xwriter_new(&b, 0);
    xwriter_start(w, "doc");
    for (i = 0; i < 100; i++)
        xwriter_element(w, "t", "some text that will not fit");
    CHECK(xwriter_finish(w, &err) < 0);
    CHECK_INT_EQ(err.code, ERR_LIMIT);
    buf_release(&b);
}

static void
slugs(void)
{
    struct buf b = BUF_INIT;
    struct slug_set set;
    struct conf c;
    const char *a1, *a2, *a3;
    char second[32];

    conf_init(&c);
    c.slugs = xreallocarray(NULL, 1, sizeof(*c.slugs));
    c.slugs[0].name = xstrdup("新闻资讯");
    c.slugs[0].slug = xstrdup("news");
    c.nslugs = 1;
    slug_derive(&c, "新闻资讯", &b);
    CHECK_STR_EQ(b.data, "news");
    buf_reset(&b);
    slug_derive(&c, "  Ports & Customs: \"Smart\"! ", &b);
    CHECK_STR_EQ(b.data, "ports-customs-smart");
    buf_reset(&b);
    slug_derive(&c, "综合新闻", &b);
    CHECK(strlen(b.data) == 8 && strspn(b.data, "0123456789abcdef") == 8);
    buf_reset(&b);
    slug_derive(&c, "!!!", &b); /* nothing usable left: a hash */
    CHECK(strlen(b.data) == 8);
    buf_release(&b);
    conf_release(&c);

    slug_set_init(&set);
    a1 = slug_set_claim(&set, "news", "新闻资讯");
    a2 = slug_set_claim(&set, "news", "News");
    a3 = slug_set_claim(&set, "news", "NEWS");
    CHECK_STR_EQ(a1, "news");
    CHECK(strncmp(a2, "news-", 5) == 0 && strlen(a2) == 11);
    CHECK(strcmp(a3, a2) != 0 && strncmp(a3, "news-", 5) == 0);
    snprintf(second, sizeof(second), "%s", a2);
    slug_set_release(&set);
    /* the same claims in the same order give the same slugs */
    slug_set_init(&set);
    slug_set_claim(&set, "news", "新闻资讯");
    CHECK_STR_EQ(slug_set_claim(&set, "news", "News"), second);
    slug_set_release(&set);
}

static void
json_reader(void)
{
    static const char *const good[] = {
        "{}",
        "[]",
        "0",
        "-1.5e+3",
        "\"a\\u00e9\\ud83d\\ude00\\n\"",
        "{\"a\": [1, true, false, null, {\"b\": \"c\"}]}",
    };
    static const char *const bad[] = {
        "",      "{",           "[1,]",     "{\"a\":1,}", "01",
        "1.",    "\"\\ud800\"", "\"\x01\"", "\"\xff\"",   "{\"a\" 1}",
        "[1] 2", "tru",         "\"\\x\"",  "{1:2}",
    };
    struct err err = ERR_INIT;
    struct json *j;
    struct buf deep = BUF_INIT;
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        j = json_parse(good[i], strlen(good[i]), &err);
        CHECK_MSG(j != NULL, "'%s': %s", good[i], err.msg);
        json_free(j);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        j = json_parse(bad[i], strlen(bad[i]), &err);
        CHECK_MSG(j == NULL, "'%s' was accepted", bad[i]);
    }
    j = json_parse("{\"s\": \"\\u00e9\\ud83d\\ude00\"}",
                   strlen("{\"s\": \"\\u00e9\\ud83d\\ude00\"}"), &err);
    CHECK(j != NULL);
    CHECK_STR_EQ(json_get(j, "s")->str, "é😀");
    CHECK(json_get(j, "t") == NULL);
    json_free(j);
    for (i = 0; i < 100000; i++)
        buf_putc(&deep, '[');
    j = json_parse(deep.data, deep.len, &err);
    CHECK(j == NULL && err.code == ERR_LIMIT);
    buf_release(&deep);
}

/* A hostile article through every feed renderer: each fragment and each
 * document parses. */
static void
renderers_take_any_bytes(void)
{
    struct article a;
    struct conf c;
    struct render_item it = { &a, hostile, hostile, 1, 1, 0 };
    struct render_feed f;
    struct buf doc = BUF_INIT;
    struct err err = ERR_INIT;
    struct json *j;
    size_t used;

    conf_init(&c);
    article_init(&a);
    a.feed_id = a.title = a.summary = a.body = a.category = a.source =
        a.author = (char *)(uintptr_t)hostile;
    a.published = -1;
    a.updated = INT64_MAX / 4;
    memset(&f, 0, sizeof(f));
    f.conf = &c;
    f.title = f.self = f.home = hostile;
    render_item_check(&it);
    CHECK(it.clean == 0);
    CHECK(render_rss_feed(&f, &it, 1, &doc, &used, &err) == 0);
    CHECK(used == 1 && well_formed(doc.data, doc.len));
    buf_reset(&doc);
    CHECK(render_atom_feed(&f, &it, 1, &doc, &used, &err) == 0);
    CHECK(used == 1 && well_formed(doc.data, doc.len));
    buf_reset(&doc);
    CHECK(render_json_feed(&f, &it, 1, &doc, &used, &err) == 0);
    j = json_parse(doc.data, doc.len, &err);
    CHECK_MSG(j != NULL, "%s", err.msg);
    json_free(j);
    /* a budget too small for the item leaves a valid, empty feed */
    buf_reset(&doc);
    f.max_bytes = 1200;
    CHECK(render_rss_feed(&f, &it, 1, &doc, &used, &err) == 0);
    CHECK(used == 0 && doc.len <= 1200 && well_formed(doc.data, doc.len));
    buf_release(&doc);
    conf_release(&c);
}

/* ---- budgets --------------------------------------------------------------
 */

typedef int (*feed_render_fn)(const struct render_feed *f,
                              const struct render_item *v, size_t n,
                              struct buf *out, size_t *used, struct err *err);

/* parses: an XML document is well-formed, a JSON one valid JSON. */
static int
parses(const struct buf *doc, int is_json)
{
    struct err err = ERR_INIT;
    struct json *j;

    if (!is_json)
        return well_formed(doc->data, doc->len);
    j = json_parse(doc->data, doc->len, &err);
    json_free(j);
    return j != NULL;
}

/* Four items, newest first: a long body on the first and the third.  With
 * a budget those bodies do not fit, every item still goes in, the long
 * ones with their summary alone; an item whose summary alone does not fit
 * is left out, and the older ones after it still go in. */
static void
budget_keeps_items_without_bodies(void)
{
    static const feed_render_fn render[] = { render_rss_feed, render_atom_feed,
                                             render_json_feed };
    static const char *const body_tag[] = { "<content:encoded>", "<content ",
                                            "\"content_html\"" };
    struct article a[4];
    struct render_item v[4];
    struct render_feed f;
    struct conf c;
    struct buf doc = BUF_INIT, big = BUF_INIT, long_summary = BUF_INIT;
    struct err err = ERR_INIT;
    char ids[4][32];
    size_t used, i, fmt;

    conf_init(&c);
    for (i = 0; i < 2000; i++)
        buf_puts(&big, "口岸通关效率持续提升，货运量稳步增长。");
    for (i = 0; i < 1000; i++)
        buf_puts(&long_summary, "摘要");
    for (i = 0; i < 4; i++) {
        article_init(&a[i]);
        snprintf(ids[i], sizeof(ids[i]), "tag:example.org,2013:%zu", i);
        a[i].feed_id = ids[i];
        a[i].title = (char *)(uintptr_t) "标题";
        a[i].summary = (char *)(uintptr_t) "摘要：口岸通关效率持续提升。";
        a[i].body = i % 2 == 0 ? big.data : (char *)(uintptr_t) "<p>短</p>";
        a[i].published = a[i].updated = 1370398800 - (int64_t)i * 3600;
        v[i] = (struct render_item){ &a[i],
                                     "https://www.example.org/a.html",
                                     "https://www.example.org/a.html",
                                     0,
                                     1,
                                     0 };
        render_item_check(&v[i]);
    }
    memset(&f, 0, sizeof(f));
    f.conf = &c;
    f.title = "t";
    f.self = f.home = "https://www.example.org/";
    f.max_bytes = 8192;
    for (fmt = 0; fmt < 3; fmt++) {
        buf_reset(&doc);
        CHECK(render[fmt](&f, v, 4, &doc, &used, &err) == 0);
        CHECK_MSG(used == 4, "format %zu: %zu items", fmt, used);
        CHECK(doc.len <= f.max_bytes && parses(&doc, fmt == 2));
        CHECK_INT_EQ(test_count(doc.data, body_tag[fmt]), 2);
        CHECK(test_count(doc.data, "tag:example.org,2013:") >= 4);
    }
    /* the second item does not fit even without its body */
    a[1].summary = long_summary.data;
    f.max_bytes = 4096;
    for (fmt = 0; fmt < 3; fmt++) {
        buf_reset(&doc);
        CHECK(render[fmt](&f, v, 4, &doc, &used, &err) == 0);
        CHECK_MSG(used == 3, "format %zu: %zu items", fmt, used);
        CHECK(doc.len <= f.max_bytes && parses(&doc, fmt == 2));
        CHECK(strstr(doc.data, ids[1]) == NULL);
        CHECK(strstr(doc.data, ids[3]) != NULL);
    }
    buf_release(&doc);
    buf_release(&big);
    buf_release(&long_summary);
    conf_release(&c);
}

/* ---- render_site in process --------------------------------------------- */

struct fixture {
    struct conf conf;
    struct store *store;
};

static int
open_fixture(struct fixture *fx, const char *extra)
{
    struct test_proc p;
    struct buf report = BUF_INIT;
    struct err err = ERR_INIT;
    int rc;

    if (test_conf(extra) == NULL)
        return -1;
    test_tidings(&p, "import", "--date", "2013-06-05T10:20:00+08:00",
                 "tests/samples/000_6f3282650a6999bc.txt", "tests/golden/input",
                 NULL);
    rc = p.status;
    test_proc_release(&p);
    if (rc != 0 ||
        conf_load(&fx->conf, test_path("tidings.conf"), &report, &err) < 0)
        return -1;
    buf_release(&report);
    return store_open(&fx->store, fx->conf.store_path, 0, &err);
}

static void
close_fixture(struct fixture *fx)
{
    store_close(fx->store);
    conf_release(&fx->conf);
}

static int
tidings_rm(const char *ref)
{
    struct test_proc p;
    int rc;

    test_tidings(&p, "rm", ref, NULL);
    rc = p.status;
    test_proc_release(&p);
    return rc;
}

static void
render_takes_over_prev(void)
{
    struct fixture fx;
    struct site a, b, c;
    struct render_stats st;
    struct err err = ERR_INIT;
    const struct doc *d, *e;
    size_t i;

    site_init(&a), site_init(&b), site_init(&c);
    CHECK(open_fixture(&fx, "feed_items = 3\narchive_page = 2\n") == 0);
    CHECK(render_site(fx.store, &fx.conf, NULL, 1000, &a, &st, &err) == 0);
    CHECK_INT_EQ(st.rendered, 70);
    CHECK_INT_EQ(st.changed, 70);
    /* nothing changed: every document is taken over, bytes and all */
    CHECK(render_site(fx.store, &fx.conf, &a, 2000, &b, &st, &err) == 0);
    CHECK_INT_EQ(st.rendered, 0);
    CHECK_INT_EQ(st.reused, 70);
    CHECK_INT_EQ(b.ndocs, a.ndocs);
    for (i = 0; i < a.ndocs; i++) {
        CHECK_STR_EQ(b.docs[i].path, a.docs[i].path);
        CHECK(b.docs[i].len == a.docs[i].len &&
              memcmp(b.docs[i].body, a.docs[i].body, a.docs[i].len) == 0);
        CHECK_STR_EQ(b.docs[i].etag, a.docs[i].etag);
        CHECK(b.docs[i].mtime == 1000);
    }
    /* a deletion moves Last-Modified of what it was in, and only that */
    CHECK(tidings_rm("7d9ca4681b49e41e") == 0);
    CHECK(render_site(fx.store, &fx.conf, &b, 3000, &c, &st, &err) == 0);
    CHECK(site_find(&c, "/articles/7d9ca4681b49e41e.html") == NULL);
    CHECK(site_find(&c, "/author/john-smith/rss.xml") == NULL);
    d = site_find(&c, "/archive/2.xml");
    CHECK(d != NULL && d->mtime == 3000);
    d = site_find(&c, "/rss.xml");
    e = site_find(&b, "/rss.xml");
    CHECK(d != NULL && e != NULL && d->mtime == 1000 &&
          strcmp(d->etag, e->etag) == 0); /* it was not in the newest 3 */
    d = site_find(&c, "/articles/caop-2013-0412.html");
    CHECK(d != NULL && d->mtime == 1000);
    site_release(&a), site_release(&b), site_release(&c);
    close_fixture(&fx);
}

static void
render_without_prev_is_identical(void)
{
    struct fixture fx;
    struct site a, b;
    struct render_stats st;
    struct err err = ERR_INIT;
    size_t i;

    site_init(&a), site_init(&b);
    CHECK(open_fixture(&fx, NULL) == 0);
    CHECK(render_site(fx.store, &fx.conf, NULL, 1000, &a, &st, &err) == 0);
    CHECK(render_site(fx.store, &fx.conf, NULL, 2000, &b, &st, &err) == 0);
    CHECK_INT_EQ(st.changed, 0);
    CHECK_INT_EQ(a.ndocs, b.ndocs);
    for (i = 0; i < a.ndocs; i++) {
        CHECK(a.docs[i].len == b.docs[i].len &&
              memcmp(a.docs[i].body, b.docs[i].body, a.docs[i].len) == 0);
        CHECK(b.docs[i].mtime == 1000); /* bytes did not change */
    }
    site_release(&a), site_release(&b);
    close_fixture(&fx);
}

/* rm_newest: removes the newest article (the first `list` line). */
static int
rm_newest(void)
{
    struct test_proc p;
    char ref[128];

    test_tidings(&p, "list", NULL);
    snprintf(ref, sizeof(ref), "%.*s", (int)strcspn(p.out.data, "\t"),
             p.out.data);
    test_proc_release(&p);
    return tidings_rm(ref);
}

/* changes_within_a_second_move_last_modified: bytes that change twice in
 * one second get two Last-Modified values, each a second after the one
 * before, so If-Modified-Since alone never misses a change. */
static void
changes_within_a_second_move_last_modified(void)
{
    struct fixture fx;
    struct site a, b, c, d;
    struct render_stats st;
    struct err err = ERR_INIT;

    site_init(&a), site_init(&b), site_init(&c), site_init(&d);
    CHECK(open_fixture(&fx, "feed_items = 3\n") == 0);
    CHECK(render_site(fx.store, &fx.conf, NULL, 1000, &a, &st, &err) == 0);
    CHECK(rm_newest() == 0);
    CHECK(render_site(fx.store, &fx.conf, &a, 1000, &b, &st, &err) == 0);
    CHECK(rm_newest() == 0);
    CHECK(render_site(fx.store, &fx.conf, &b, 1000, &c, &st, &err) == 0);
    CHECK_INT_EQ(site_find(&a, "/rss.xml")->mtime, 1000);
    CHECK_INT_EQ(site_find(&b, "/rss.xml")->mtime, 1001);
    CHECK_INT_EQ(site_find(&c, "/rss.xml")->mtime, 1002);
    /* later changes take the clock again */
    CHECK(rm_newest() == 0);
    CHECK(render_site(fx.store, &fx.conf, &c, 5000, &d, &st, &err) == 0);
    CHECK_INT_EQ(site_find(&d, "/rss.xml")->mtime, 5000);
    site_release(&a), site_release(&b), site_release(&c), site_release(&d);
    close_fixture(&fx);
}

/* ---- renders and imports at the same time ------------------------------ */

static double
seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* put_synthetic: article n, in one of a few groups, with a body long
 * enough that rendering costs something. */
static int
put_synthetic(struct store *s, int n, struct err *err)
{
    struct article a;
    enum store_put res;
    char buf[64];
    int rc, i;
    struct buf body = BUF_INIT;

    article_init(&a);
    snprintf(buf, sizeof(buf), "id:synthetic-%d", n);
    a.key = xstrdup(buf);
    snprintf(buf, sizeof(buf), "tag:www.example.org,2020-01-01:s%d", n);
    a.feed_id = xstrdup(buf);
    snprintf(buf, sizeof(buf), "s%d", n);
    a.slug = xstrdup(buf);
    snprintf(buf, sizeof(buf), "第%d号公告", n);
    a.title = xstrdup(buf);
    for (i = 0; i < 20; i++)
        buf_puts(&body, "<p>口岸通关便利化措施持续推进，进出口货物通关时间"
                        "进一步压缩。</p>\n");
    a.body = buf_detach(&body, NULL);
    a.summary = xstrdup("口岸通关便利化措施持续推进");
    snprintf(buf, sizeof(buf), "新闻资讯/分类%d", n % 5);
    a.category = xstrdup(buf);
    snprintf(buf, sizeof(buf), "来源%d", n % 7);
    a.source = xstrdup(buf);
    snprintf(buf, sizeof(buf), "作者%d", n % 11);
    a.author = xstrdup(buf);
    a.published = 1577836800 + (int64_t)n * 3600;
    article_compute_hash(&a);
    rc = store_put_article(s, &a, 1700000000, &res, err);
    article_release(&a);
    return rc;
}

struct render_job {
    struct store *store;
    struct conf *conf;
    struct site out;
    struct render_stats st;
    struct err err;
    int rc;
    double took;
    volatile int done;
};

static void *
render_thread(void *arg)
{
    struct render_job *j = arg;
    double t0 = seconds();

    site_init(&j->out);
    j->rc =
        render_site(j->store, j->conf, NULL, 1000, &j->out, &j->st, &j->err);
    j->took = seconds() - t0;
    j->done = 1;
    return NULL;
}

/* A render reads from one snapshot and writes only briefly at its start
 * and end, so a writer (an import) is never kept waiting for a whole
 * render: its longest wait must be well under the render's duration. */
static void
render_does_not_block_writers(void)
{
    struct store *reader = NULL, *writer = NULL;
    struct render_job job;
    struct err err = ERR_INIT;
    struct buf report = BUF_INIT;
    struct conf conf;
    pthread_t t;
    double worst = 0, t0;
    int n, commits = 0;

    if (test_slow())
        SKIP("valgrind runs one thread at a time: waits measure its "
             "scheduler, not the store's lock");
    CHECK(conf_load(&conf, test_conf(NULL), &report, &err) == 0);
    CHECK(store_open(&writer, conf.store_path, 0, &err) == 0);
    CHECK(store_begin(writer, &err) == 0);
    for (n = 0; n < 1500; n++)
        CHECK_MSG(put_synthetic(writer, n, &err) == 0, "%s", err.msg);
    CHECK(store_commit(writer, &err) == 0);
    CHECK(store_open(&reader, conf.store_path, 0, &err) == 0);
    memset(&job, 0, sizeof(job));
    job.store = reader;
    job.conf = &conf;
    CHECK(pthread_create(&t, NULL, render_thread, &job) == 0);
    while (!job.done) {
        t0 = seconds();
        if (store_begin(writer, &err) < 0 ||
            put_synthetic(writer, n++, &err) < 0 ||
            store_commit(writer, &err) < 0)
            break;
        if (seconds() - t0 > worst)
            worst = seconds() - t0;
        commits++;
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    }
    pthread_join(t, NULL);
    CHECK_MSG(err.code == ERR_OK, "writer: %s", err.msg);
    CHECK_MSG(job.rc == 0, "render: %s", job.err.msg);
    CHECK_MSG(commits >= 3 && worst < job.took / 2,
              "%d commits, longest wait %.3fs, render %.3fs", commits, worst,
              job.took);
    site_release(&job.out);
    store_close(reader);
    store_close(writer);
    conf_release(&conf);
    buf_release(&report);
}

/* A build writes each document as it is rendered and drops its bytes,
 * so its memory does not grow with the site: here the site written is
 * more than twice the build's peak resident memory (holding the site
 * took about twice its size before). */
static void
build_memory_does_not_grow_with_the_site(void)
{
    struct store *s = NULL;
    struct err err = ERR_INIT;
    struct test_proc p, du;
    long rss_kb;
    double bytes;
    int n;

    if (!test_rss_is_measured())
        SKIP("resident memory means nothing under valgrind or ASan");
    CHECK(test_conf(NULL) != NULL);
    CHECK(store_open(&s, test_path("tidings.db"), 0, &err) == 0);
    CHECK(store_begin(s, &err) == 0);
    for (n = 0; n < 6000; n++)
        CHECK_MSG(put_synthetic(s, n, &err) == 0, "%s", err.msg);
    CHECK(store_commit(s, &err) == 0);
    store_close(s);
    CHECK(test_tidings(&p, "build", NULL) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    rss_kb = p.maxrss_kb;
    test_proc_release(&p);
    CHECK(test_runl(&du, NULL, "du", "-sb", test_path("feeds"), NULL) == 0);
    bytes = strtod(du.out.data, NULL);
    test_proc_release(&du);
    CHECK_MSG(rss_kb < 32 * 1024 && rss_kb * 1024.0 * 2 < bytes,
              "peak RSS %ld KB for a site of %.0f bytes", rss_kb, bytes);
}

#define X(s) ((const xmlChar *)(s))

/* One random tree written twice: through xwriter, which indents itself,
 * and through libxml2's writer with its own indentation on. */
struct twin {
    struct xwriter *w;
    xmlTextWriterPtr tw;
    uint32_t seed;
};

static uint32_t
twin_rand(struct twin *t, uint32_t n)
{
    t->seed = t->seed * 1103515245u + 12345u;
    return (t->seed >> 8) % n;
}

static void
twin_tree(struct twin *t, int depth, int max_depth)
{
    static const char *const words[] = { "a", "长文本", "x y", "" };
    /* bushy near the top, a single chain below depth 5 */
    int kids = depth >= max_depth ? 0
               : depth >= 5       ? 1
                                  : (int)twin_rand(t, 4),
        k;
    const char *w;

    xwriter_start(t->w, depth % 2 ? "e" : "item");
    xmlTextWriterStartElement(t->tw, X(depth % 2 ? "e" : "item"));
    if (twin_rand(t, 3) == 0) {
        xwriter_attr(t->w, "k", "v");
        xmlTextWriterWriteAttribute(t->tw, X("k"), X("v"));
    }
    if (kids == 0 || twin_rand(t, 4) == 0) {
        /* text only, or text before the children (mixed content) */
        w = words[twin_rand(t, 4)];
        if (*w) {
            xwriter_text(t->w, w);
            xmlTextWriterWriteRaw(t->tw, X(w));
        }
    }
    for (k = 0; k < kids; k++)
        twin_tree(t, depth + 1, max_depth);
    if (twin_rand(t, 5) == 0) { /* text after the children */
        xwriter_text(t->w, "t");
        xmlTextWriterWriteRaw(t->tw, X("t"));
    }
    if (depth > 0 || twin_rand(t, 2) == 0) { /* or EndDocument closes it */
        xwriter_end(t->w);
        xmlTextWriterEndElement(t->tw);
    }
}

static void
xwriter_indents_as_libxml2(void)
{
    struct twin t;
    int round;

    for (round = 0; round < 300; round++) {
        struct buf ours = BUF_INIT;
        struct err err = ERR_INIT;
        xmlBufferPtr theirs = xmlBufferCreate();

        t.seed = (uint32_t)round;
        t.w = xwriter_new(&ours, 1);
        t.tw = xmlNewTextWriterMemory(theirs, 0);
        xmlTextWriterSetIndent(t.tw, 1);
        xmlTextWriterSetIndentString(t.tw, X("  "));
        /* deep enough, now and then, to pass the 64 spaces of a write */
        twin_tree(&t, 0, round % 10 == 0 ? 40 : 6);
        CHECK(xwriter_finish(t.w, &err) == 0);
        xmlTextWriterEndDocument(t.tw);
        xmlFreeTextWriter(t.tw);
        CHECK_MSG(strcmp(ours.data, (const char *)theirs->content) == 0,
                  "round %d:\n%s\n---\n%s", round, ours.data,
                  (const char *)theirs->content);
        xmlBufferFree(theirs);
        buf_release(&ours);
    }
}

const struct test tests_render[] = {
    { "xwriter_filters_text", xwriter_filters_text },
    { "xwriter_keeps_cjk_in_attributes", xwriter_keeps_cjk_in_attributes },
    { "xwriter_reports_the_cap", xwriter_reports_the_cap },
    { "xwriter_indents_as_libxml2", xwriter_indents_as_libxml2 },
    { "slugs", slugs },
    { "json_reader", json_reader },
    { "renderers_take_any_bytes", renderers_take_any_bytes },
    { "budget_keeps_items_without_bodies", budget_keeps_items_without_bodies },
    { "render_takes_over_prev", render_takes_over_prev },
    { "render_without_prev_is_identical", render_without_prev_is_identical },
    { "changes_within_a_second_move_last_modified",
      changes_within_a_second_move_last_modified },
    { "render_does_not_block_writers", render_does_not_block_writers },
    { "build_memory_does_not_grow_with_the_site",
      build_memory_does_not_grow_with_the_site },
    { NULL, NULL },
};
