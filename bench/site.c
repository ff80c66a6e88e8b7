/*
 * bench/site: writes a site of 1 000 documents of realistic sizes to a
 * folder, as `build` would, for `make bench-serve`.  The text is the seed
 * page's, varied per document, so gzip ratios are those of real CJK news:
 * three site feeds of about 60 KB (the size FIELD-NOTES measured nginx
 * with), 60 group feeds of 20-60 KB, 30 immutable archive pages of about
 * 100 KB, 900 article pages of about 8 KB, the index, the OPML list and
 * the stylesheet.  It stands in for rendering a synthetic corpus until
 * the renderer lands; the server cannot tell the difference.
 *
 * usage: site SEED_PAGE OUT_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/file.h"
#include "tidings/site.h"

#define MTIME 1370398800

/* text: about n bytes of prose made of runs of two to six characters
 * taken from random places in the seed page, so documents do not repeat
 * one another and compress like real CJK news (about 2.5:1), not like
 * copies of one page. */
static void
text(struct buf *b, const char *seed, size_t n, uint64_t *rng)
{
    size_t len = strlen(seed), start = b->len;

    while (b->len - start < n) {
        size_t at, chars;

        *rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
        at = (size_t)(*rng % len);
        while (at > 0 && ((unsigned char)seed[at] & 0xC0) == 0x80)
            at--;
        for (chars = 2 + (size_t)(*rng >> 32) % 5; chars > 0 && at < len;
             chars--) {
            do
                buf_putc(b, seed[at++]);
            while (at < len && ((unsigned char)seed[at] & 0xC0) == 0x80);
        }
    }
}

static void
items(struct buf *b, const char *seed, int n, size_t per_item, int salt)
{
    uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(salt + 1);
    int i;

    for (i = 0; i < n; i++) {
        buf_appendf(b,
                    "<item><title>新闻 %d-%d</title><guid>tag:example.org,"
                    "2013:%d-%d</guid><pubDate>Wed, 05 Jun 2013 10:20:00 "
                    "+0800</pubDate><content:encoded><![CDATA[",
                    salt, i, salt, i);
        text(b, seed, per_item, &rng);
        buf_puts(b, "]]></content:encoded></item>\n");
    }
}

static struct doc *
add_feed(struct site *s, const char *path, const char *seed, int n,
         size_t per_item, int salt)
{
    struct buf b = BUF_INIT;
    size_t len;
    char *body;

    buf_appendf(&b,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
                "version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/"
                "modules/content/\"><channel><title>%s</title>\n",
                path);
    items(&b, seed, n, per_item, salt);
    buf_puts(&b, "</channel></rss>\n");
    body = buf_detach(&b, &len);
    return site_add(s, path, body, len, MTIME + salt);
}

static void
add_page(struct site *s, const char *path, const char *seed, int salt)
{
    struct buf b = BUF_INIT;
    uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(salt + 1);
    size_t len;
    char *body;

    buf_appendf(&b,
                "<!doctype html><html lang=\"zh-CN\"><title>%d</title>"
                "<article><pre>",
                salt);
    text(&b, seed, 7000, &rng);
    buf_puts(&b, "</pre></article></html>\n");
    body = buf_detach(&b, &len);
    site_add(s, path, body, len, MTIME + salt);
}

static void
make_site(struct site *s, const char *seed)
{
    static const char *const top[] = { "/rss.xml", "/atom.xml", "/feed.json" };
    char path[128];
    int i;

    for (i = 0; i < 3; i++)
        add_feed(s, top[i], seed, 50, 1100, i);
    for (i = 0; i < 60; i++) {
        snprintf(path, sizeof(path), "/category/c%02d/%s", i / 3,
                 top[i % 3] + 1);
        add_feed(s, path, seed, 20 + i % 30, 1000, 100 + i);
    }
    for (i = 0; i < 30; i++) {
        snprintf(path, sizeof(path), "/archive/%d.xml", i + 1);
        add_feed(s, path, seed, 100, 900, 200 + i)->immutable = 1;
    }
    for (i = 0; i < 904; i++) {
        snprintf(path, sizeof(path), "/articles/%d.html", i + 1);
        add_page(s, path, seed, 1000 + i);
    }
    add_page(s, "/index.html", seed, 1);
    add_page(s, "/feeds.opml", seed, 2);
    add_page(s, "/feed.xsl", seed, 3);
}

int
main(int argc, char **argv)
{
    struct buf seed = BUF_INIT;
    struct err err = ERR_INIT;
    struct export_stats st;
    struct site s;

    if (argc != 3) {
        fprintf(stderr, "usage: site SEED_PAGE OUT_DIR\n");
        return 2;
    }
    if (file_read(argv[1], 0, &seed, NULL, &err) < 0) {
        fprintf(stderr, "site: %s\n", err.msg);
        return 1;
    }
    site_init(&s);
    make_site(&s, seed.data);
    site_finish(&s);
    memset(&st, 0, sizeof(st));
    if (export_write(&s, argv[2], 300, &st, &err) < 0) {
        fprintf(stderr, "site: %s\n", err.msg);
        return 1;
    }
    printf("site: %zu documents, %zu bytes with gzip forms, in %s\n", s.ndocs,
           s.bytes, argv[2]);
    site_release(&s);
    buf_release(&seed);
    return 0;
}
