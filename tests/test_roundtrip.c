/*
 * The round trip of the feed conventions (issues 3 and 5): the bundled
 * samples are imported and built; the feeds that build wrote (every
 * rss.xml, atom.xml and archive/N.xml, in path order) are imported into
 * a fresh store and built again; every file of the two sites must be the
 * same, byte for byte, and both must pass `tidings check`.  It needs `tidings
 * build` (the renderers) and is skipped where that command does not exist yet.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/xalloc.h"

#define MAX_FILES 4096

struct files {
    char *v[MAX_FILES];
    size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list: the files below dir, as paths relative to top, hidden ones
 * (the build's own bookkeeping) included. */
static void
list(const char *top, const char *rel, struct files *f)
{
    char path[4096];
    struct dirent *de;
    struct stat sb;
    DIR *d;

    snprintf(path, sizeof(path), "%s%s%s", top, *rel ? "/" : "", rel);
    if ((d = opendir(path)) == NULL)
        return;
    while ((de = readdir(d)) != NULL && f->n < MAX_FILES) {
        char sub[4096], full[8192];

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof(full), "%s/%s", top, sub);
        if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
            list(top, sub, f);
        else
            f->v[f->n++] = xstrdup(sub);
    }
    closedir(d);
    if (*rel == '\0')
        qsort(f->v, f->n, sizeof(f->v[0]), cmp_str);
}

static void
files_free(struct files *f)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        free(f->v[i]);
    f->n = 0;
}

/* is_feed_input: what the round trip imports (feed conventions): every
 * rss.xml, atom.xml and archive/N.xml. */
static int
is_feed_input(const char *rel)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    size_t n = strlen(rel);

    if (strcmp(base, "rss.xml") == 0 || strcmp(base, "atom.xml") == 0)
        return 1;
    return n > 4 && strcmp(rel + n - 4, ".xml") == 0 &&
           (strncmp(rel, "archive/", 8) == 0 || strstr(rel, "/archive/"));
}

/* same_file: the two files hold the same bytes. */
static int
same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = test_read(a, &la), *y = test_read(b, &lb);
    int same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;

    free(x);
    free(y);
    return same;
}

/* use_store: points tidings.conf at store NAME.db and folder NAME. */
static int
use_store(const char *name)
{
    struct buf conf = BUF_INIT;
    int rc;

    buf_appendf(&conf,
                "[site]\ntitle = 中国口岸协会 新闻资讯\n"
                "base_url = https://www.example.org\nlanguage = zh-CN\n"
                "timezone = +08:00\n[store]\npath = %s/%s.db\n"
                "[build]\nout = %s/%s\n[slugs]\n新闻资讯 = news\n"
                "综合新闻 = general\n",
                test_dir(), name, test_dir(), name);
    rc = test_write(test_path("tidings.conf"), conf.data, conf.len);
    buf_release(&conf);
    return rc;
}

static int
has_build(void)
{
    struct test_proc p;
    int yes;

    use_store("probe");
    if (test_tidings(&p, "build", "--help", NULL) < 0)
        return 0;
    yes = strstr(p.err.data, "is not a command") == NULL &&
          strstr(p.err.data, "unknown command") == NULL;
    test_proc_release(&p);
    return yes;
}

/* import_feeds: the feed files of folder first, in path order. */
static int
import_feeds(const struct files *f, struct test_proc *p)
{
    char *args[MAX_FILES + 2];
    size_t i, n = 0;

    args[n++] = (char *)(uintptr_t) "import";
    for (i = 0; i < f->n; i++)
        if (is_feed_input(f->v[i]))
            args[n++] = xstrdup(test_path("first/%s", f->v[i]));
    args[n] = NULL;
    i = (size_t)test_tidings_argv(p, args);
    while (n > 1)
        free(args[--n]);
    return (int)i;
}

/* check_site: `tidings check` passes on the site built into folder
 * NAME: every Atom id an absolute IRI, dates, characters, links. */
static int
check_site(const char *name, char *why, size_t cap)
{
    struct test_proc p;
    int ok;

    if (test_tidings(&p, "check", test_path("%s", name), NULL) < 0)
        return 0;
    ok = p.status == 0;
    snprintf(why, cap, "%s%s", p.out.data, p.err.data);
    test_proc_release(&p);
    return ok;
}

/* round_trip: imports inputs (NULL-terminated), checks the site they
 * make with `tidings check`, and checks the round trip of that site. */
static void
round_trip(char *const *inputs)
{
    struct files a = { { NULL }, 0 }, b = { { NULL }, 0 };
    char *args[64];
    struct test_proc p;
    size_t i, n = 0, feeds = 0;
    char why[4096];

    if (!has_build())
        SKIP("`tidings build` does not exist yet (the renderers)");
    CHECK(use_store("first") == 0);
    args[n++] = (char *)(uintptr_t) "import";
    args[n++] = (char *)(uintptr_t) "--date";
    args[n++] = (char *)(uintptr_t) "2020-01-01T08:00:00+08:00";
    for (i = 0; inputs[i] != NULL && n < 63; i++)
        args[n++] = inputs[i];
    args[n] = NULL;
    CHECK(test_tidings_argv(&p, args) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "build", NULL) == 0 && p.status == 0);
    test_proc_release(&p);
    CHECK_MSG(check_site("first", why, sizeof(why)), "%s", why);
    list(test_path("first"), "", &a);
    for (i = 0; i < a.n; i++)
        feeds += (size_t)is_feed_input(a.v[i]);
    CHECK_MSG(feeds >= 3, "%zu feed files built", feeds);
    CHECK(use_store("second") == 0);
    CHECK(import_feeds(&a, &p) == 0);
    CHECK_MSG(p.status == 0, "%s", p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "build", NULL) == 0 && p.status == 0);
    test_proc_release(&p);
    CHECK_MSG(check_site("second", why, sizeof(why)), "%s", why);
    list(test_path("second"), "", &b);
    CHECK_INT_EQ(b.n, a.n);
    for (i = 0; i < a.n; i++) {
        CHECK_STR_EQ(b.v[i], a.v[i]);
        CHECK_MSG(same_file(test_path("first/%s", a.v[i]),
                            test_path("second/%s", b.v[i])),
                  "%s differs after the round trip", a.v[i]);
    }
    files_free(&a);
    files_free(&b);
}

#define S(lit) ((char *)(uintptr_t)(lit))

static void
samples_round_trip(void)
{
    char *inputs[] = { S("tests/samples"), NULL };

    round_trip(inputs);
}

/* The fixtures add what the samples lack: articles with URLs of their own
 * (an Atom rel="related" link carries their slug), bodies with links,
 * images, lists and tables, Atom updated times, HTML pages, and guids that
 * are no IRI ("caop-2013-0412", which Atom carries in a tag: URI).  Left out:
 * the fixtures that are rejected, and atom_text.xml, whose title holds
 * "<than>" literally, which an RSS title cannot carry unambiguously. */
static void
fixtures_round_trip(void)
{
    char *inputs[] = {
        S("tests/samples"),
        S("tests/fixtures/html"),
        S("tests/fixtures/feed/rss2_cdata.xml"),
        S("tests/fixtures/feed/rss2_escaped.xml"),
        S("tests/fixtures/feed/rss1_rdf.xml"),
        S("tests/fixtures/feed/atom_html.xml"),
        S("tests/fixtures/feed/atom_xhtml.xml"),
        S("tests/fixtures/feed/rss2_gbk.xml"),
        S("tests/fixtures/feed/rss2_double_escape.xml"),
        S("tests/fixtures/feed/rss2_cdata_split.xml"),
        S("tests/fixtures/feed/atom_source.xml"),
        S("tests/fixtures/feed/rss2_odd_dates.xml"),
        S("tests/fixtures/feed/rss2_no_guid.xml"),
        S("tests/fixtures/feed/rss2_no_dates.xml"),
        S("tests/fixtures/feed/atom_own.xml"),
        NULL, /* a page whose summary holds <, > and & */
        NULL,
    };
    char page[4096];

    snprintf(page, sizeof(page), "%s", test_path("lt.txt"));
    CHECK(test_write_str(page, "---\npublished: 2020-02-02T08:00:00+08:00\n"
                               "---\n首页 > 新闻资讯 > 综合新闻\n比较符号\n"
                               "满洲里海关 鲁焕新\n\n当 a<b 且 c>d 时，使用 "
                               "<script> 标签要小心 & \"引号\"。\n") == 0);
    inputs[sizeof(inputs) / sizeof(inputs[0]) - 2] = page;
    round_trip(inputs);
}

const struct test tests_roundtrip[] = {
    { "samples_round_trip", samples_round_trip },
    { "fixtures_round_trip", fixtures_round_trip },
    { NULL, NULL },
};
