/*
 * Tests of the page-text importer, starting with the real seed page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_text.h"
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

/* parse_file: reads tests/<path> and parses it into c. */
static int
parse_file(const char *path, struct captured *c, struct err *err)
{
    struct import_opts o;
    struct import_sink sink = { capture, note, c };
    size_t len;
    char *text = test_read(path, &len);
    int rc;

    memset(c, 0, sizeof(*c));
    memset(&o, 0, sizeof(o));
    o.tz_offset = 8 * 3600;
    if (text == NULL)
        return err_set(err, ERR_IO, "cannot read %s", path);
    rc = import_text_parse(text, len, &o, &sink, err);
    free(text);
    return rc;
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

const struct test tests_import_text[] = {
    { "seed_page", seed_page },
    { NULL, NULL },
};
