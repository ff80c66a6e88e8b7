/*
 * Tests of the static mirror: export_write and export_load on sites built
 * from real bytes.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"
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
    /* built again: the twice-listed path is kept, and listed once */
    CHECK_MSG(export_write(&s, dir, 300, &st, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(st.removed, 0);
    CHECK(access(test_path("out/rss.xml"), F_OK) == 0);
    CHECK(access(test_path("out/rss.xml.gz"), F_OK) == 0);
    free(m);
    m = test_read(test_path("out/.tidings-manifest"), NULL);
    CHECK(m != NULL && (line = strstr(m, "\t/rss.xml\n")) != NULL &&
          strstr(line + 1, "\t/rss.xml\n") == NULL);
    free(twice);
    free(m);
    site_release(&s);
}

/* manifest_lines: the manifest is read whole and cut into lines: a last
 * line without its newline still counts; a line with a NUL byte, or
 * longer than any tidings writes, is malformed. */
static void
manifest_lines(void)
{
    struct site s, back;
    struct export_stats st;
    struct err err = ERR_INIT;
    const char *dir = test_path("out");
    const char *file = test_path("out/.tidings-manifest");
    char *m, *bad;
    size_t len;

    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &st, &err) == 0);
    m = test_read(file, &len);
    CHECK(m != NULL && len > 0 && m[len - 1] == '\n');
    CHECK(test_write(file, m, len - 1) == 0);
    site_init(&back);
    CHECK_MSG(export_load(&back, dir, &err) == 0, "%s", err.msg);
    CHECK_INT_EQ(back.ndocs, s.ndocs);
    site_release(&back);
    m[len - 2] = '\0'; /* the last path, cut by a NUL */
    CHECK(test_write(file, m, len) == 0);
    CHECK(export_load(&back, dir, &err) < 0 && err.code == ERR_PARSE);
    bad = xmalloc(20000);
    memset(bad, 'a', 20000);
    memcpy(bad, "0123456789abcdef\t-\t3\t/", 22);
    bad[19999] = '\n';
    CHECK(test_write(file, bad, 20000) == 0);
    err_clear(&err);
    CHECK(export_load(&back, dir, &err) < 0 && err.code == ERR_PARSE);
    CHECK(strstr(err.msg, ":1: malformed") != NULL);
    free(bad);
    free(m);
    site_release(&s);
}

/* A folder being written is locked: a second export fails at once and
 * says why; once the first is done, the folder is free again.  The lock
 * file is never part of the site. */
static void
one_export_at_a_time(void)
{
    struct export *x = NULL, *y = NULL;
    struct err err = ERR_INIT;
    struct site s;
    const char *dir = test_path("out");
    char *manifest;

    CHECK_MSG(export_begin(&x, dir, &err) == 0, "%s", err.msg);
    CHECK(export_begin(&y, dir, &err) < 0 && y == NULL);
    CHECK_INT_EQ(err.code, ERR_IO);
    CHECK(strstr(err.msg, "out: another build is writing it") != NULL);
    export_free(x);
    err_clear(&err);
    CHECK_MSG(export_begin(&y, dir, &err) == 0, "%s", err.msg);
    export_free(y);
    make_site(&s, rss, 1);
    CHECK(export_write(&s, dir, 300, &(struct export_stats){ 0, 0, 0 }, &err) ==
          0);
    site_release(&s);
    manifest = test_read(test_path("out/.tidings-manifest"), NULL);
    CHECK(manifest != NULL && strstr(manifest, "lock") == NULL);
    CHECK(access(test_path("out/.tidings-lock"), F_OK) == 0);
    free(manifest);
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

/* free_port: a loopback port nothing listens on just now. */
static int
free_port(void)
{
    struct sockaddr_in a;
    socklen_t n = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* start_nginx: nginx in the foreground, one process, serving out/ with
 * the include on port; its pid, or -1. */
static pid_t
start_nginx(int port)
{
    const char *conf = test_path("nginx-run.conf");
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    char text[8192];
    pid_t pid;
    int i, fd = -1;

    snprintf(text, sizeof(text),
             "daemon off;\nmaster_process off;\npid %s/nginx.pid;\n"
             "error_log %s/nginx-error.log;\nevents {}\nhttp {\n"
             "  access_log off;\n  client_body_temp_path %s;\n"
             "  proxy_temp_path %s;\n  fastcgi_temp_path %s;\n"
             "  uwsgi_temp_path %s;\n  scgi_temp_path %s;\n  server {\n"
             "    listen 127.0.0.1:%d;\n    root %s/out;\n"
             "    include %s/out/tidings.nginx.conf;\n  }\n}\n",
             test_dir(), test_dir(), test_dir(), test_dir(), test_dir(),
             test_dir(), test_dir(), port, test_dir(), test_dir());
    if (test_write_str(conf, text) < 0 || (pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        execl("/usr/sbin/nginx", "nginx", "-p", test_dir(), "-c", conf,
              (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 250 && (fd = httpc_connect(port)) < 0; i++)
        nanosleep(&ts, NULL);
    if (fd >= 0)
        close(fd);
    return pid;
}

/* probe: what nginx on port answers: the feed with its type, 404 for
 * tidings' own files.  A failed CHECK returns here, not past the kill. */
static void
probe(int port)
{
    static const char *const hidden[] = {
        "/_headers",
        "/tidings.nginx.conf",
        "/.tidings-manifest",
        "/.tidings-pending",
        "/.tidings-lock",
        "/.tidings-tmp/x.xml",
        "/.tidings-manifest.gz",
    };
    struct httpc_resp r;
    size_t i;

    CHECK(httpc_request(port, "GET", "/rss.xml", NULL, &r) == 0);
    CHECK_INT_EQ(r.status, 200);
    CHECK_STR_EQ(httpc_header(&r, "Content-Type"),
                 "application/rss+xml; charset=utf-8");
    httpc_release(&r);
    for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        CHECK(httpc_request(port, "GET", hidden[i], NULL, &r) == 0);
        CHECK_MSG(r.status == 404, "%s: %d", hidden[i], r.status);
        httpc_release(&r);
    }
}

/* nginx serving the folder with the include: documents with their types,
 * and 404 for tidings' own files (the header files, the manifest, the
 * pending list, the lock file, the temporary folder). */
static void
nginx_hides_the_bookkeeping(void)
{
    struct site s;
    struct export_stats st;
    struct err err = ERR_INIT;
    char *nginx;
    int port, status;
    pid_t pid;

    if (access("/usr/sbin/nginx", X_OK) != 0)
        SKIP("nginx is not installed");
    make_site(&s, rss, 1);
    CHECK(export_write(&s, test_path("out"), 300, &st, &err) == 0);
    site_release(&s);
    nginx = test_read(test_path("out/tidings.nginx.conf"), NULL);
    CHECK(nginx != NULL);
    CHECK(strstr(nginx, "location = /_headers { return 404; }\n") != NULL);
    CHECK(strstr(nginx, "location = /tidings.nginx.conf { return 404; }\n"));
    CHECK(strstr(nginx, "location ^~ /.tidings- { return 404; }\n"));
    free(nginx);
    /* files a killed build leaves, as nginx would find them */
    CHECK(test_write_str(test_path("out/.tidings-pending"), "x\n") == 0);
    CHECK(mkdir(test_path("out/.tidings-tmp"), 0755) == 0 &&
          test_write_str(test_path("out/.tidings-tmp/x.xml"), "<x/>") == 0);
    CHECK((port = free_port()) > 0);
    CHECK((pid = start_nginx(port)) > 0);
    probe(port);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
}

const struct test tests_export[] = {
    { "writes_files_gz_and_headers", writes_files_gz_and_headers },
    { "a_path_listed_twice", a_path_listed_twice },
    { "manifest_lines", manifest_lines },
    { "unchanged_files_keep_mtime_and_stale_go",
      unchanged_files_keep_mtime_and_stale_go },
    { "load_gives_the_same_site", load_gives_the_same_site },
    { "load_rejects_foreign_folders", load_rejects_foreign_folders },
    { "one_export_at_a_time", one_export_at_a_time },
    { "load_refuses_a_half_copied_folder", load_refuses_a_half_copied_folder },
    { "nginx_accepts_the_include", nginx_accepts_the_include },
    { "nginx_hides_the_bookkeeping", nginx_hides_the_bookkeeping },
    { NULL, NULL },
};
