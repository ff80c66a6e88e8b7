/*
 * Tests of the static mirror: export_write and export_load on sites built
 * from real bytes.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/site.h"
#include "tidings/xalloc.h"

static const char *const rss =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
    "<channel><title>中国口岸协会 新闻资讯</title></channel></rss>\n";

/* make_site: four documents, one of them an immutable archive page. */
static void
make_site(struct site *s, const char *rss_body, int with_article)
{
    site_init(s);
    site_add(s, "/rss.xml", xstrdup(rss_body), strlen(rss_body), 1000000000);
    site_add(s, "/index.html", xstrdup("<!DOCTYPE html><title>t</title>"), 31,
             1000000001);
    site_add(s, "/category/news/archive/1.xml", xstrdup("<feed/>"), 7,
             1000000002)
        ->immutable = 1;
    if (with_article)
        site_add(s, "/articles/abc.html", xstrdup("<p>文章</p>"), 13,
                 1000000003);
    site_finish(s);
}

static int64_t
mtime_of(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
}

static void
writes_files_gz_and_headers(void)
{
    struct site s;
    struct export_stats st;
    struct err err = ERR_INIT;
    struct test_proc p;
    const char *dir = test_path("out");
    char *headers, *nginx;

    make_site(&s, rss, 1);
    CHECK_MSG(export_write(&s, dir, 300, &st, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(st.written, 4);
    CHECK_INT_EQ(st.unchanged, 0);
    CHECK(access(test_path("out/rss.xml"), F_OK) == 0);
    CHECK(access(test_path("out/category/news/archive/1.xml.gz"), F_OK) == 0);
    CHECK_INT_EQ(mtime_of(test_path("out/rss.xml")), 1000000000);
    CHECK(test_runl(&p, NULL, "gzip", "-dc", test_path("out/rss.xml.gz"),
                    NULL) == 0 &&
          p.status == 0);
    CHECK_STR_EQ(p.out.data, rss); /* the .gz holds the same bytes */
    test_proc_release(&p);
    headers = test_read(test_path("out/_headers"), NULL);
    CHECK(headers != NULL);
    CHECK(strstr(headers, "/rss.xml\n  Content-Type: application/rss+xml; "
                          "charset=utf-8\n  Cache-Control: public, "
                          "max-age=300\n") != NULL);
    CHECK(strstr(headers, "/category/news/archive/1.xml\n  Content-Type: "
                          "application/atom+xml; charset=utf-8\n  "
                          "Cache-Control: public, max-age=31536000, "
                          "immutable\n") != NULL);
    nginx = test_read(test_path("out/tidings.nginx.conf"), NULL);
    CHECK(nginx != NULL && strstr(nginx, "location = /category/news/archive/"
                                         "1.xml {") != NULL);
    free(headers);
    free(nginx);
    site_release(&s);
}

static void
unchanged_files_keep_mtime_and_stale_go(void)
{
    struct site s;
    struct export_stats st;
    struct err err = ERR_INIT;
    const char *dir = test_path("out");
    const char *other = "<?xml version=\"1.0\"?><rss version=\"2.0\"/>\n";

    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    site_release(&s);
    /* a file tidings did not write is never touched */
    CHECK(test_write_str(test_path("out/robots.txt"), "User-agent: *\n") == 0);
    CHECK(test_write_str(test_path("out/articles/mine.html"), "x") == 0);
    /* the same site again: nothing written */
    CHECK(utimensat(AT_FDCWD, test_path("out/index.html"), NULL, 0) == 0);
    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    CHECK_INT_EQ(st.written, 0);
    CHECK_INT_EQ(st.unchanged, 4);
    CHECK(mtime_of(test_path("out/index.html")) > 1000000001);
    site_release(&s);
    /* one document changed, one gone */
    make_site(&s, other, 0);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    CHECK_INT_EQ(st.written, 1);
    CHECK_INT_EQ(st.unchanged, 2);
    CHECK_INT_EQ(st.removed, 1);
    CHECK(access(test_path("out/articles/abc.html"), F_OK) != 0);
    CHECK(access(test_path("out/articles/abc.html.gz"), F_OK) != 0);
    CHECK(access(test_path("out/articles/mine.html"), F_OK) == 0);
    CHECK(access(test_path("out/robots.txt"), F_OK) == 0);
    site_release(&s);
}

static void
load_gives_the_same_site(void)
{
    struct site s, back;
    struct export_stats st;
    struct err err = ERR_INIT;
    const char *dir = test_path("out");
    size_t i;

    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    site_init(&back);
    CHECK_MSG(export_load(&back, dir, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(back.ndocs, s.ndocs);
    for (i = 0; i < s.ndocs; i++) {
        const struct doc *a = &s.docs[i], *b = &back.docs[i];

        CHECK_STR_EQ(b->path, a->path);
        CHECK_STR_EQ(b->etag, a->etag);
        CHECK_STR_EQ(b->gz_etag, a->gz_etag);
        CHECK(b->len == a->len && memcmp(a->body, b->body, a->len) == 0);
        CHECK_INT_EQ(b->mtime, a->mtime);
        CHECK_INT_EQ(b->immutable, a->immutable);
        CHECK_INT_EQ(b->gz != NULL, a->gz != NULL);
        CHECK_INT_EQ(b->type, a->type);
    }
    site_release(&s);
    site_release(&back);
}

static void
load_rejects_foreign_folders(void)
{
    struct site s;
    struct err err = ERR_INIT;

    site_init(&s);
    CHECK(export_load(&s, test_dir(), &err) < 0);
    CHECK(strstr(err.msg, "no site built by tidings") != NULL);
    CHECK(test_write_str(test_path(".tidings-manifest"),
                         "0123456789abcdef\t-\t3\t/../../etc/passwd\n") == 0);
    CHECK(export_load(&s, test_dir(), &err) < 0);
    CHECK(err.code == ERR_PARSE);
    /* a trailing '/' or "." names a folder, never a file it wrote */
    CHECK(test_write_str(test_path(".tidings-manifest"),
                         "0123456789abcdef\t-\t3\t/articles/\n") == 0);
    CHECK(export_load(&s, test_dir(), &err) < 0 && err.code == ERR_PARSE);
    CHECK(test_write_str(test_path(".tidings-manifest"),
                         "0123456789abcdef\t-\t3\t/articles/.\n") == 0);
    CHECK(export_load(&s, test_dir(), &err) < 0 && err.code == ERR_PARSE);
    site_release(&s);
}

/* copy: the file name of folder "b" over the same name in "a". */
static int
copy(const char *name)
{
    char from[512];
    size_t len;
    char *bytes;
    int rc;

    snprintf(from, sizeof(from), "%s", test_path("b/%s", name));
    if ((bytes = test_read(from, &len)) == NULL)
        return -1;
    rc = test_write(test_path("a/%s", name), bytes, len);
    free(bytes);
    return rc;
}

/* load_refuses_a_half_copied_folder: a mirror copied in steps (manifest
 * and bodies first, .gz files last; or the manifest before the bodies)
 * does not load until the copy is whole, so serve --from never serves an
 * old gzip body under the new gzip ETag. */
static void
load_refuses_a_half_copied_folder(void)
{
    static const char *const rss2 =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
        "<channel><title>中国口岸协会 新闻资讯 第二版</title></channel></rss>\n";
    struct site a, b, back;
    struct export_stats st;
    struct err err = ERR_INIT;
    char dir[512];

    snprintf(dir, sizeof(dir), "%s", test_path("a"));
    make_site(&a, rss, 1);
    make_site(&b, rss2, 1);
    CHECK(export_write(&a, dir, 300, &st, &err) == 0);
    CHECK(export_write(&b, test_path("b"), 300, &st, &err) == 0);
    /* the new manifest before the new body */
    CHECK(copy(".tidings-manifest") == 0);
    site_init(&back);
    CHECK(export_load(&back, dir, &err) < 0);
    CHECK_MSG(strstr(err.msg, "rss.xml' is not the file .tidings-manifest "
                              "lists") != NULL,
              "%s", err.msg);
    /* the new body, the old .gz */
    CHECK(copy("rss.xml") == 0);
    site_init(&back);
    CHECK(export_load(&back, dir, &err) < 0);
    CHECK_MSG(strstr(err.msg, "rss.xml.gz' is not the gzip form") != NULL, "%s",
              err.msg);
    /* a .gz cut short is no gzip form either */
    CHECK(test_write(test_path("a/rss.xml.gz"), "\x1f\x8b\x08", 3) == 0);
    site_init(&back);
    CHECK(export_load(&back, dir, &err) < 0);
    /* the copy complete */
    CHECK(copy("rss.xml.gz") == 0);
    site_init(&back);
    CHECK_MSG(export_load(&back, dir, &err) == 0, "%s", err.msg);
    CHECK_STR_EQ(site_find(&back, "/rss.xml")->etag,
                 site_find(&b, "/rss.xml")->etag);
    site_release(&back);
    site_release(&a);
    site_release(&b);
}

/* a_path_listed_twice: a manifest that names a path on two lines (edited
 * by hand, or damaged; fuzz_manifest found it) is read with the path
 * once, by a build and by serve --from, rather than tripping the site's
 * check that paths are unique. */
static void
a_path_listed_twice(void)
{
    struct site s, back;
    struct export_stats st;
    struct export *x = NULL;
    struct err err = ERR_INIT;
    const char *dir = test_path("out");
    char *m, *line, *twice;

    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    m = test_read(test_path("out/.tidings-manifest"), NULL);
    CHECK(m != NULL && (line = strstr(m, "\t/rss.xml\n")) != NULL);
    while (line > m && line[-1] != '\n')
        line--;
    twice = xmalloc(strlen(m) + strlen(line) + 1);
    strcpy(twice, m);
    strcat(twice, line); /* the /rss.xml line again, at the end */
    CHECK(test_write_str(test_path("out/.tidings-manifest"), twice) == 0);
    site_init(&back);
    CHECK_MSG(export_load(&back, dir, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(back.ndocs, s.ndocs);
    site_release(&back);
    CHECK_MSG(export_begin(&x, dir, &err) == 0, "%s", err.msg);
    site_init(&back);
    export_index(x, &back);
    CHECK_INT_EQ(back.ndocs, s.ndocs);
    site_release(&back);
    export_free(x);
    free(twice);
    free(m);
    site_release(&s);
}

static void
nginx_accepts_the_include(void)
{
    struct site s;
    struct export_stats st;
    struct err err = ERR_INIT;
    struct test_proc p;
    const char *conf = test_path("nginx.conf");
    char text[8192];

    if (access("/usr/sbin/nginx", X_OK) != 0)
        SKIP("nginx is not installed");
    make_site(&s, rss, 1);
    CHECK(export_write(&s, test_path("out"), 300, &st, &err) == 0);
    site_release(&s);
    snprintf(text, sizeof(text),
             "pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n"
             "  access_log off;\n  server {\n    listen 127.0.0.1:1;\n"
             "    root %s/out;\n    include %s/out/tidings.nginx.conf;\n"
             "  }\n}\n",
             test_dir(), test_dir(), test_dir());
    CHECK(test_write_str(conf, text) == 0);
    CHECK(test_runl(&p, NULL, "/usr/sbin/nginx", "-t", "-q", "-p", test_dir(),
                    "-c", conf, NULL) == 0);
    CHECK_MSG(p.status == 0, "nginx -t: %s", p.err.data);
    test_proc_release(&p);
}

const struct test tests_export[] = {
    { "writes_files_gz_and_headers", writes_files_gz_and_headers },
    { "a_path_listed_twice", a_path_listed_twice },
    { "unchanged_files_keep_mtime_and_stale_go",
      unchanged_files_keep_mtime_and_stale_go },
    { "load_gives_the_same_site", load_gives_the_same_site },
    { "load_rejects_foreign_folders", load_rejects_foreign_folders },
    { "load_refuses_a_half_copied_folder", load_refuses_a_half_copied_folder },
    { "nginx_accepts_the_include", nginx_accepts_the_include },
    { NULL, NULL },
};
