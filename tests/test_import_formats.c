/*
 * Tests of choosing the importer (sniffing from content, --format) and of
 * what the store makes of feed and HTML articles, through the real
 * binary: idempotence, bodies kept by entries without content, updated
 * times, clear rejections of what is no input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"
#include "testutil.h"
#include "tidings/err.h"
#include "tidings/import.h"

#define FEED(name) "tests/fixtures/feed/" name
#define HTML(name) "tests/fixtures/html/" name

static int
sniff(const char *s)
{
    struct err err = ERR_INIT;

    return import_sniff(s, strlen(s), &err);
}

static void
sniffing_by_content(void)
{
    char *seed;
    size_t len;
    struct err err = ERR_INIT;

    seed = test_read("tests/samples/000_6f3282650a6999bc.txt", &len);
    CHECK(seed != NULL);
    CHECK_INT_EQ(import_sniff(seed, len, &err), IMPORT_TEXT);
    free(seed);
    CHECK_INT_EQ(sniff("首页 > 新闻资讯\n标题\n\n正文。"), IMPORT_TEXT);
    CHECK_INT_EQ(sniff("<!DOCTYPE html><html><body>x"), IMPORT_HTML);
    CHECK_INT_EQ(sniff("\xEF\xBB\xBF  <html>"), IMPORT_HTML);
    CHECK_INT_EQ(sniff("<!-- saved --><meta charset=gbk><p>x"), IMPORT_HTML);
    CHECK_INT_EQ(sniff("<div class=x>fragment</div>"), IMPORT_HTML);
    CHECK_INT_EQ(sniff("Saved from the web\n<html><body>x</body></html>"),
                 IMPORT_HTML);
    CHECK_INT_EQ(sniff("<?xml version=\"1.0\"?>\n<!-- c -->\n<rss>"),
                 IMPORT_FEED);
    CHECK_INT_EQ(sniff("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3."
                       "org/2005/Atom\">"),
                 IMPORT_FEED);
    CHECK_INT_EQ(sniff("<rdf:RDF xmlns:rdf=\"x\">"), IMPORT_FEED);
    CHECK_INT_EQ(sniff("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a "
                       "\"b\">]><rss>"),
                 IMPORT_FEED);
    CHECK_INT_EQ(sniff("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3."
                       "org/1999/xhtml\"><body>x"),
                 IMPORT_HTML);
    /* UTF-16 with a BOM is read as text for sniffing */
    CHECK_INT_EQ(import_sniff("\xFF\xFE<\0r\0s\0s\0>\0", 12, &err),
                 IMPORT_FEED);
}

static void
sniffing_refuses_what_is_no_input(void)
{
    struct err err = ERR_INIT;

    CHECK_INT_EQ(import_sniff("{\"version\": \"https://jsonfeed.org/version/"
                              "1.1\"}",
                              46, &err),
                 -1);
    CHECK_MSG(strstr(err.msg, "JSON") != NULL, "%s", err.msg);
    CHECK_INT_EQ(import_sniff(" [ {\"a\": 1} ]", 13, &err), -1);
    CHECK_INT_EQ(
        import_sniff("<?xml version=\"1.0\"?><opml version=\"2.0\">", 41, &err),
        -1);
    CHECK_MSG(strstr(err.msg, "<opml>") != NULL, "%s", err.msg);
    CHECK_INT_EQ(
        import_sniff("<?xml version=\"1.0\"?><xsl:stylesheet>", 37, &err), -1);
    CHECK_INT_EQ(import_sniff("\x1f\x8b\x08\0\0\0\0\0", 8, &err), -1);
    CHECK_MSG(strstr(err.msg, "binary data (NUL byte at offset 3)") != NULL,
              "%s", err.msg);
    CHECK_INT_EQ(import_sniff("%PDF-1.4\n", 9, &err), -1);
    CHECK_MSG(strstr(err.msg, "binary data (PDF)") != NULL, "%s", err.msg);
    CHECK_INT_EQ(import_sniff("abc\0def", 7, &err), -1);
    CHECK_MSG(strstr(err.msg, "binary") != NULL, "%s", err.msg);
    /* a bracket that is not JSON is page text */
    CHECK_INT_EQ(sniff("[图文] 首页 > 新闻\n标题\n\n正文。"), IMPORT_TEXT);
}

static int
import(struct test_proc *p, const char *a, const char *b, const char *c)
{
    return test_tidings(p, "import", a, b, c, NULL);
}

/* copy_in: copies the file at path into test_dir()/in/. */
static int
copy_in(const char *path)
{
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len;
    char *data = test_read(path, &len);
    int rc = data ? test_write(test_path("in/%s", name), data, len) : -1;

    free(data);
    return rc;
}

static void
folder_of_mixed_formats(void)
{
    static const char *const files[] = {
        "tests/samples/000_6f3282650a6999bc.txt",
        HTML("og_only.html"),
        HTML("saved_as.txt"),
        FEED("rss2_cdata.xml"),
        FEED("atom_html.xml"),
        FEED("not_a_feed.xml"),
    };
    struct test_proc p;
    size_t i;

    test_conf(NULL);
    CHECK(mkdir(test_path("in"), 0700) == 0);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        CHECK(copy_in(files[i]) == 0);
    CHECK(test_write_str(test_path("in/feed.json"),
                         "{\"version\":\"https://jsonfeed.org/version/1.1\","
                         "\"items\":[]}") == 0);
    CHECK(import(&p, test_path("in"), NULL, NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "5 new, 0 updated, 0 unchanged, 2 rejected"),
              "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "feed.json: JSON is not an input format"),
              "%s", p.err.data);
    CHECK_MSG(strstr(p.err.data, "not_a_feed.xml: XML document <opml> is not "
                                 "an RSS or Atom feed"),
              "%s", p.err.data);
    test_proc_release(&p);
    /* the .txt that is HTML came in as HTML: its title, not "<!DOCTYPE" */
    CHECK(test_tidings(&p, "list", NULL) == 0);
    CHECK_MSG(strstr(p.out.data, "Saved with a .txt name") != NULL, "%s",
              p.out.data);
    CHECK(strstr(p.out.data, "DOCTYPE") == NULL);
    test_proc_release(&p);
    /* again: nothing changes */
    CHECK(import(&p, test_path("in"), NULL, NULL) == 0);
    CHECK_MSG(strstr(p.err.data, "0 new, 0 updated, 5 unchanged, 2 rejected"),
              "%s", p.err.data);
    test_proc_release(&p);
}

static void
format_flag_overrides_sniffing(void)
{
    struct test_proc p;

    test_conf(NULL);
    CHECK(test_tidings(&p, "import", "--format", "feed", HTML("og_only.html"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 1);
    CHECK_MSG(strstr(p.err.data, "root element <html> is not rss"), "%s",
              p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "import", "--format", "html", HTML("saved_as.txt"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "import", "--format", "json", FEED("rss1_rdf.xml"),
                       NULL) == 0);
    CHECK_INT_EQ(p.status, 2);
    CHECK_MSG(strstr(p.err.data, "unknown format 'json'"), "%s", p.err.data);
    test_proc_release(&p);
}

static void
feed_reimport_changes_nothing(void)
{
    struct test_proc p;

    test_conf(NULL);
    CHECK(import(&p, FEED("rss2_odd_dates.xml"), FEED("atom_html.xml"),
                 FEED("rss1_rdf.xml")) == 0);
    CHECK_MSG(strstr(p.err.data, "14 new, 0 updated, 0 unchanged"), "%s",
              p.err.data);
    test_proc_release(&p);
    CHECK(import(&p, FEED("rss2_odd_dates.xml"), FEED("atom_html.xml"),
                 FEED("rss1_rdf.xml")) == 0);
    CHECK_MSG(strstr(p.err.data, "0 new, 0 updated, 14 unchanged"), "%s",
              p.err.data);
    test_proc_release(&p);
}

static void
entry_without_content_keeps_the_body(void)
{
    struct test_proc p;
    const char *ref = "tag:www.example.org,2013-06-05:6f3282650a6999bc";

    test_conf(NULL);
    CHECK(import(&p, FEED("rss2_own_links.xml"), NULL, NULL) == 0);
    test_proc_release(&p);
    /* the RFC 5005 archive page carries the summary only */
    CHECK(import(&p, FEED("atom_archive.xml"), NULL, NULL) == 0);
    CHECK_MSG(strstr(p.err.data, "0 new, 0 updated, 1 unchanged"), "%s",
              p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", ref, NULL) == 0);
    CHECK_MSG(strstr(p.out.data, "<h2>抓好宣传引导</h2>") != NULL, "%s",
              p.out.data);
    CHECK(strstr(p.out.data, "slug: caop-2013-0412") != NULL);
    CHECK(strstr(p.out.data, "updated: 2013-06-05T10:20:00+08:00") != NULL);
    test_proc_release(&p);
}

static void
atom_updated_is_kept(void)
{
    struct test_proc p;

    test_conf(NULL);
    CHECK(import(&p, FEED("atom_own.xml"), NULL, NULL) == 0);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "https://elsewhere.example.net/story/9",
                       NULL) == 0);
    CHECK_MSG(strstr(p.out.data, "updated: 2013-06-07T10:00:00+08:00"), "%s",
              p.out.data);
    CHECK(strstr(p.out.data, "slug: 3c1f0a9e2b7d4c55") != NULL);
    test_proc_release(&p);
    /* the same article from RSS (no updated there) changes nothing */
    CHECK(import(&p, FEED("rss2_own_links.xml"), NULL, NULL) == 0);
    CHECK_MSG(strstr(p.err.data, "1 updated, 1 unchanged"), "%s", p.err.data);
    test_proc_release(&p);
    CHECK(test_tidings(&p, "show", "https://elsewhere.example.net/story/9",
                       NULL) == 0);
    CHECK(strstr(p.out.data, "updated: 2013-06-07T10:00:00+08:00") != NULL);
    test_proc_release(&p);
}

const struct test tests_import_formats[] = {
    { "sniffing_by_content", sniffing_by_content },
    { "sniffing_refuses_what_is_no_input", sniffing_refuses_what_is_no_input },
    { "folder_of_mixed_formats", folder_of_mixed_formats },
    { "format_flag_overrides_sniffing", format_flag_overrides_sniffing },
    { "feed_reimport_changes_nothing", feed_reimport_changes_nothing },
    { "entry_without_content_keeps_the_body",
      entry_without_content_keeps_the_body },
    { "atom_updated_is_kept", atom_updated_is_kept },
    { NULL, NULL },
};
