/*
 * Golden files for the page-text importer.  Every tests/fixtures/text/NAME
 * (other than NAME.expected) is imported through the real pipeline
 * (import_run: read, sniff, decode, parse, complete, store) into a fresh
 * in-memory store; what was stored, or why the file was rejected, is
 * written in a canonical text form and compared byte for byte with
 * NAME.expected.  `make check UPDATE=1` rewrites the expected files
 * instead; every rewritten file must then be read and judged by eye.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "testutil.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/store.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define FIXTURES     "tests/fixtures/text"
#define MIN_FIXTURES 25
#define TZ           (8 * 3600)

struct names {
    char **v;
    size_t n;
};

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_input(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && !(n > 9 && strcmp(name + n - 9, ".expected") == 0);
}

static void
list_fixtures(struct names *l)
{
    DIR *d = opendir(FIXTURES);
    struct dirent *de;

    l->v = NULL;
    l->n = 0;
    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (!is_input(de->d_name))
            continue;
        l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
        l->v[l->n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(l->v, l->n, sizeof(*l->v), cmp_name);
}

static void
free_names(struct names *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* What the import reported for the one file. */
struct outcome {
    struct buf text;
};

static void
on_done(void *arg, const char *path, const struct import_counts *c,
        const struct err *why)
{
    struct outcome *o = arg;

    (void)path;
    (void)c;
    if (why != NULL)
        buf_appendf(&o->text, "error: %s\n", why->msg);
}

static void
on_warning(void *arg, const char *path, const char *msg)
{
    struct outcome *o = arg;

    (void)path;
    buf_appendf(&o->text, "warning: %s\n", msg);
}

static const char *
or_none(const char *s)
{
    return s ? s : "(none)";
}

/* key_kind: "id:X" and "url:X" are shown whole; a hash key only by its
 * kind, so that the golden files do not pin the hash function. */
static void
put_key(struct buf *b, const char *key)
{
    if (strncmp(key, "hash:", 5) == 0)
        buf_puts(b, "key: hash\n");
    else
        buf_appendf(b, "key: %s\n", key);
}

static int
put_article(const struct article *a, void *arg)
{
    struct buf *b = arg;
    char pub[DATE_MAX], upd[DATE_MAX];

    date_format_rfc3339(a->published, TZ, pub);
    date_format_rfc3339(a->updated, TZ, upd);
    put_key(b, a->key);
    buf_appendf(b, "url: %s\n", or_none(a->url));
    buf_appendf(b, "title: %s\n", or_none(a->title));
    buf_appendf(b, "category: %s\n", or_none(a->category));
    buf_appendf(b, "source: %s\n", or_none(a->source));
    buf_appendf(b, "author: %s\n", or_none(a->author));
    buf_appendf(b, "published: %s\n", pub);
    buf_appendf(b, "updated: %s\n", upd);
    buf_appendf(b, "summary: %s\n", or_none(a->summary));
    buf_appendf(b, "body:\n%s\n", or_none(a->body));
    return 0;
}

/* render: imports the fixture into a fresh store and describes it. */
static int
render(const char *path, struct buf *out, struct err *err)
{
    struct outcome o = { BUF_INIT };
    struct import_events ev = { on_done, on_warning, &o };
    struct import_counts counts;
    struct import_opts opts;
    struct store *st = NULL;
    char *paths[1];
    int rc = -1;

    memset(&opts, 0, sizeof(opts));
    opts.date = date_make(2020, 1, 2, 3, 4, 5, TZ); /* --date */
    opts.has_date = 1;
    opts.tz_offset = TZ;
    opts.host = "www.example.org";
    opts.max_file_bytes = 16u << 20;
    opts.batch_files = 100;
    opts.now = date_make(2024, 5, 6, 7, 8, 9, TZ);
    paths[0] = (char *)(uintptr_t)path;
    if (store_open(&st, ":memory:", 0, err) < 0 ||
        import_run(st, &opts, paths, 1, &ev, &counts, err) < 0)
        goto out;
    buf_appendf(out, "status: %s\n", counts.rejected ? "rejected" : "imported");
    buf_append(out, o.text.data, o.text.len);
    rc = store_each_article(st, 1, put_article, out, err) < 0 ? -1 : 0;
out:
    store_close(st);
    buf_release(&o.text);
    return rc;
}

/* line_at: the line of s that starts at s[i], cut for a report. */
static int
line_at(const char *s, size_t i, size_t *len)
{
    size_t n = strcspn(s + i, "\n");

    *len = utf8_prefix(s + i, n, 60);
    return (int)*len;
}

/* first_difference: "line N: expected 'X', got 'Y'" for a report. */
static void
first_difference(const char *want, const char *got, char *msg, size_t cap)
{
    size_t line = 1, i = 0, start = 0, wn, gn;

    while (want[i] && want[i] == got[i]) {
        if (want[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    snprintf(msg, cap, "line %zu: expected '%.*s', got '%.*s'", line,
             line_at(want, start, &wn), want + start, line_at(got, start, &gn),
             got + start);
}

static int
updating(void)
{
    const char *u = getenv("TIDINGS_UPDATE");

    return u != NULL && *u != '\0' && strcmp(u, "0") != 0;
}

/* check_one: compares (or rewrites) one golden file; reports a failure
 * without stopping, so one run lists every fixture that differs. */
static void
check_one(const char *name)
{
    char path[512], expected[600], msg[300];
    struct buf got = BUF_INIT;
    struct err err = ERR_INIT;
    char *want;

    snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
    snprintf(expected, sizeof(expected), "%s.expected", path);
    if (render(path, &got, &err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
    } else if (updating()) {
        if (test_write(expected, got.data, got.len) < 0)
            test_fail(__FILE__, __LINE__, "cannot write %s", expected);
        else
            printf("updated %s\n", expected);
    } else if ((want = test_read(expected, NULL)) == NULL) {
        test_fail(__FILE__, __LINE__, "%s: no %s (make check UPDATE=1)", name,
                  expected);
    } else {
        if (strcmp(want, got.data) != 0) {
            first_difference(want, got.data, msg, sizeof(msg));
            test_fail(__FILE__, __LINE__, "%s: %s", name, msg);
        }
        free(want);
    }
    buf_release(&got);
}

static void
golden_files(void)
{
    struct names l;
    size_t i;

    list_fixtures(&l);
    for (i = 0; i < l.n; i++)
        check_one(l.v[i]);
    free_names(&l);
    CHECK_MSG(l.n >= MIN_FIXTURES, "only %zu fixtures in %s", l.n, FIXTURES);
}

const struct test tests_text_fixtures[] = {
    { "golden_files", golden_files },
    { NULL, NULL },
};
