/*
 * import: walk, read, sniff, decode, parse, complete, store.
 *
 * Files are collected and sorted first, so an import is reproducible and
 * can report progress against a total.  The first SNIFF_BYTES of a file
 * pick its importer.  Page text and HTML are then read whole up to
 * max_file_bytes (checked with fstat before reading, so a huge file costs
 * nothing); feeds are streamed from the open file by their importer, item
 * by item, up to max_feed_bytes.  Each file is one savepoint inside the
 * batch transaction: any failure rolls back that file alone.
 */
#include "tidings/import.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/import_feed.h"
#include "tidings/import_html.h"
#include "tidings/import_text.h"
#include "tidings/store.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define MAX_DEPTH   64
#define SNIFF_BYTES 65536 /* read before the importer is chosen */
#define HEAD_CHARS  4096  /* of them, looked at as text */

typedef int (*import_parse_fn)(const char *s, size_t n,
                               const struct import_opts *opts,
                               const struct import_sink *sink, struct err *err);
/* A streaming importer gets the bytes already read (head, n) and the open
 * file to read the rest from. */
typedef int (*import_stream_fn)(int fd, const char *head, size_t n,
                                const struct import_opts *opts,
                                const struct import_sink *sink,
                                struct err *err);

/* The importers.  `raw` ones get the file's bytes and read its declared
 * charset themselves (HTML meta, XML declaration); the others get UTF-8.
 * Those with `stream` read the file themselves in bounded memory. */
static const struct importer {
    enum import_format format;
    const char *name;
    import_parse_fn parse;
    int raw;
    import_stream_fn stream;
} importers[] = {
    { IMPORT_TEXT, "text", import_text_parse, 0, NULL },
    { IMPORT_HTML, "html", import_html_parse, 1, NULL },
    { IMPORT_FEED, "feed", import_feed_parse, 1, import_feed_stream },
};

#define NIMPORTERS (sizeof(importers) / sizeof(importers[0]))

struct file_list {
    char **v;
    size_t len, cap;
};

/* One import in progress. */
struct run {
    struct store *store;
    const struct import_opts *opts;
    const struct import_events *ev;
    struct import_counts *counts;
    struct import_counts file; /* of the file being read */
    const char *path;
    int64_t mtime;
    int in_batch;
    long batch_files;
    long batch_changes; /* articles added or updated in the batch */
};

int
import_parse_format(const char *name)
{
    size_t i;

    for (i = 0; i < NIMPORTERS; i++)
        if (strcmp(importers[i].name, name) == 0)
            return (int)importers[i].format;
    return -1;
}

/* ---- collecting files -------------------------------------------------- */

static void
list_add(struct file_list *l, char *path)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    l->v[l->len++] = path;
}

static void
list_free(struct file_list *l)
{
    size_t i;

    for (i = 0; i < l->len; i++)
        free(l->v[i]);
    free(l->v);
}

static int
cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folders being walked, from an argument down to the current one, so
 * that a symbolic link back up (a loop) is not followed round and round. */
struct ancestor {
    dev_t dev;
    ino_t ino;
    const struct ancestor *up;
};

static int
is_ancestor(const struct ancestor *a, const struct stat *sb)
{
    for (; a != NULL; a = a->up)
        if (a->dev == sb->st_dev && a->ino == sb->st_ino)
            return 1;
    return 0;
}

/* walk: adds path, or the files below it (hidden ones skipped).  A path
 * that cannot be read is still listed, so that it is reported when it is
 * opened; a folder already being walked higher up is skipped. */
static void
walk(struct file_list *l, const char *path, const struct ancestor *up,
     int depth)
{
    struct ancestor self;
    struct dirent *de;
    struct stat sb;
    DIR *d;

    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && is_ancestor(up, &sb))
        return;
    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || depth > MAX_DEPTH ||
        (d = opendir(path)) == NULL) {
        list_add(l, xstrdup(path));
        return;
    }
    self.dev = sb.st_dev;
    self.ino = sb.st_ino;
    self.up = up;
    while ((de = readdir(d)) != NULL) {
        struct buf child = BUF_INIT;

        if (de->d_name[0] == '.')
            continue;
        buf_appendf(&child, "%s%s%s", path,
                    path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
        walk(l, child.data, &self, depth + 1);
        buf_release(&child);
    }
    closedir(d);
}

/* ---- reading one file -------------------------------------------------- */

/* open_file: opens a regular file and reports its size and mtime. */
static int
open_file(const char *path, int *fd, size_t *size, int64_t *mtime,
          struct err *err)
{
    struct stat sb;

    /* O_NONBLOCK: opening a FIFO must not wait for a writer; for a
     * regular file it changes nothing. */
    if ((*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
        return err_errno(err, ERR_IO, "cannot open");
    if (fstat(*fd, &sb) < 0) {
        err_errno(err, ERR_IO, "cannot stat");
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        err_set(err, ERR_IO, "not a regular file");
        goto fail;
    }
    *size = (size_t)sb.st_size;
    *mtime = (int64_t)sb.st_mtime;
    return 0;
fail:
    close(*fd);
    *fd = -1;
    return -1;
}

/* read_upto: appends the file's bytes to out until end of file or until
 * out holds `want` bytes.  Passing out's cap is ERR_LIMIT. */
static int
read_upto(int fd, size_t want, struct buf *out, struct err *err)
{
    ssize_t n;

    while (out->len < want) {
        size_t room = want - out->len < 65536 ? want - out->len : 65536;

        if (buf_grow(out, room) < 0)
            return err_set(err, ERR_LIMIT,
                           "file grew past the limit of %zu bytes", out->max);
        n = read(fd, out->data + out->len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_errno(err, ERR_IO, "cannot read");
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    return 0;
}

static int
check_size(size_t size, size_t max, struct err *err)
{
    if (size > max)
        return err_set(err, ERR_LIMIT,
                       "%zu bytes is larger than the limit of %zu", size, max);
    return 0;
}

/* check_text: text files have no NUL and few C0 controls. */
static int
check_text(const char *s, size_t n, struct err *err)
{
    const char *nul = memchr(s, '\0', n);
    size_t i, controls = 0;

    if (nul != NULL)
        return err_set(err, ERR_PARSE, "binary data (NUL byte at offset %zu)",
                       (size_t)(nul - s));
    for (i = 0; i < n && i < 65536; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            controls++;
    }
    if (controls > 8 && controls * 100 > (i < 100 ? 100 : i))
        return err_set(err, ERR_PARSE, "binary data (%zu control bytes)",
                       controls);
    return 0;
}

/* looks_binary: bytes that are no text in any encoding we guess (a NUL
 * outside UTF-16) are reported as binary before decoding, rather than as
 * "not valid GB18030" after it. */
static int
looks_binary(const struct buf *raw, const struct import_opts *opts,
             struct err *err)
{
    const char *bom;

    if (opts->encoding != NULL || charset_bom(raw->data, raw->len, &bom) > 0)
        return 0;
    return check_text(raw->data, raw->len, err) < 0;
}

/* ---- sniffing ---------------------------------------------------------- */

static const char *const html_roots[] = {
    "a",    "article", "b",        "base",   "body",  "br",     "center",
    "div",  "font",    "form",     "h1",     "h2",    "h3",     "h4",
    "head", "header",  "html",     "iframe", "img",   "link",   "main",
    "meta", "nav",     "noscript", "ol",     "p",     "script", "section",
    "span", "strong",  "style",    "table",  "title", "ul",
};

/* ascii_head: the first HEAD_CHARS characters of s as ASCII for
 * sniffing: UTF-16 (with a BOM) narrowed, other bytes kept; non-ASCII
 * becomes '?'. */
static void
ascii_head(const char *s, size_t n, struct buf *out)
{
    const char *bom;
    size_t i = charset_bom(s, n, &bom);
    int wide = i == 2, be = wide && strcmp(bom, "UTF-16BE") == 0;
    unsigned c;

    buf_grow(out, HEAD_CHARS);
    for (; i < n && out->len < HEAD_CHARS; i += wide ? 2 : 1) {
        if (wide && i + 1 >= n)
            break;
        c = wide ? (unsigned char)s[i + !be] << 8 | (unsigned char)s[i + be]
                 : (unsigned char)s[i];
        buf_putc(out, (char)(c == 0 ? 0 : c < 0x80 ? c : '?'));
    }
}

static int
starts_ci(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    return (size_t)(end - p) >= n && strncasecmp(p, w, n) == 0;
}

/* has_html_tag: "<html", "<body" or "<!doctype html" in the first KiB,
 * for pages saved with some text before their markup. */
static int
has_html_tag(const char *p, const char *end)
{
    if (end - p > 1024)
        end = p + 1024;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if (starts_ci(p, end, "<html") || starts_ci(p, end, "<body") ||
            starts_ci(p, end, "<!doctype html"))
            return 1;
        p++;
    }
    return 0;
}

static const char *
skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* skip_past: the byte after the first `w` at or after p, or end. */
static const char *
skip_past(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);

    for (; p + n <= end; p++)
        if (memcmp(p, w, n) == 0)
            return p + n;
    return end;
}

/* root_name: the name of the first element (or of the DOCTYPE, which
 * names it) after the prolog; 0 when the text does not start with one.
 * *xml is set when an XML declaration or a prefixed name shows it is
 * XML rather than HTML. */
static int
root_name(const char *p, const char *end, char *name, size_t cap, int *xml)
{
    size_t n = 0;

    for (;;) {
        p = skip_space(p, end);
        if (starts_ci(p, end, "<?xml"))
            *xml = 1;
        if (starts_ci(p, end, "<?"))
            p = skip_past(p, end, "?>");
        else if (starts_ci(p, end, "<!--"))
            p = skip_past(p, end, "-->");
        else
            break;
    }
    if (starts_ci(p, end, "<!doctype"))
        p = skip_space(p + 9, end);
    else if (p < end && *p == '<')
        p++;
    else
        return 0;
    while (p < end && n + 1 < cap &&
           (isalnum((unsigned char)*p) || *p == ':' || *p == '_' || *p == '-' ||
            *p == '.'))
        name[n++] = *p++;
    name[n] = '\0';
    if (strchr(name, ':') != NULL)
        *xml = 1;
    return n > 0;
}

static int
is_html_name(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(html_roots) / sizeof(html_roots[0]); i++)
        if (strcasecmp(name, html_roots[i]) == 0)
            return 1;
    return 0;
}

/* sniff_markup: a document that starts with '<'. */
static int
sniff_markup(const char *p, const char *end, struct err *err)
{
    char name[64];
    const char *local;
    int xml = 0;

    if (!root_name(p, end, name, sizeof(name), &xml))
        return IMPORT_HTML;
    local = strchr(name, ':') ? strchr(name, ':') + 1 : name;
    if (strcmp(local, "rss") == 0 || strcmp(local, "feed") == 0 ||
        strcmp(local, "RDF") == 0)
        return IMPORT_FEED;
    if (is_html_name(local) ||
        (!xml && isalpha((unsigned char)name[0]) &&
         strcasecmp(name, "opml") != 0 && strcasecmp(name, "svg") != 0 &&
         strcasecmp(name, "urlset") != 0))
        return IMPORT_HTML;
    return err_set(err, ERR_PARSE,
                   "XML document <%s> is not an RSS or Atom feed", name);
}

static int
is_json(const char *p, const char *end)
{
    const char *q = skip_space(p + 1, end);

    if (p >= end || (*p != '{' && *p != '['))
        return 0;
    return q < end &&
           (*q == '"' || *q == '{' || *q == '}' || *q == ']' ||
            (*p == '[' && (*q == '[' || isdigit((unsigned char)*q))));
}

static const char *
binary_kind(const char *s, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *name;
    } kinds[] = { { "\x1f\x8b", 2, "gzip" },
                  { "%PDF-", 5, "PDF" },
                  { "PK\x03\x04", 4, "zip" },
                  { "\x89PNG", 4, "PNG" },
                  { "GIF8", 4, "GIF" },
                  { "\xff\xd8\xff", 3, "JPEG" },
                  { "SQLite format 3", 15, "SQLite" } };
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (n >= kinds[i].len && memcmp(s, kinds[i].magic, kinds[i].len) == 0)
            return kinds[i].name;
    return NULL;
}

int
import_sniff(const char *s, size_t n, struct err *err)
{
    struct buf head = BUF_INIT;
    const char *p, *end, *bom, *kind = binary_kind(s, n);
    int rc = IMPORT_TEXT;

    ascii_head(s, n, &head);
    p = skip_space(head.data, head.data + head.len);
    end = head.data + head.len;
    if (memchr(head.data, '\0', head.len) != NULL)
        rc = check_text(head.data, head.len, err);
    else if (charset_bom(s, n, &bom) != 2 && memchr(s, '\0', n) != NULL)
        rc = check_text(s, n, err); /* a NUL further on */
    else if (kind != NULL)
        rc = err_set(err, ERR_PARSE, "binary data (%s), not an article", kind);
    else if (is_json(p, end))
        rc = err_set(err, ERR_PARSE,
                     "JSON is not an input format (JSON Feed "
                     "is written, not read: import the RSS or "
                     "Atom feed)");
    else if (p < end && *p == '<')
        rc = sniff_markup(p, end, err);
    else if (has_html_tag(p, end))
        rc = IMPORT_HTML;
    buf_release(&head);
    return rc;
}

/* sniff: the importer for this content, or for --format. */
static const struct importer *
sniff(const char *s, size_t n, const struct import_opts *opts, struct err *err)
{
    int format = opts->format;
    size_t i;

    if (format == IMPORT_AUTO && (format = import_sniff(s, n, err)) < 0)
        return NULL;
    for (i = 0; i < NIMPORTERS; i++)
        if ((int)importers[i].format == format)
            return &importers[i];
    err_set(err, ERR_USAGE, "this format cannot be imported");
    return NULL;
}

/* ---- completing and storing an article --------------------------------- */

static void
warn(void *arg, const char *msg)
{
    struct run *r = arg;

    if (r->ev && r->ev->warning)
        r->ev->warning(r->ev->arg, r->path, msg);
}

static void
fill_date(struct run *r, struct article *a)
{
    char day[DATE_MAX], msg[128];

    if (a->published != 0)
        return;
    if (r->opts->has_date) {
        a->published = r->opts->date;
        date_format_rfc3339(a->published, r->opts->tz_offset, day);
        snprintf(msg, sizeof(msg), "no date found, using --date %s", day);
    } else {
        a->published = r->mtime;
        date_format_rfc3339(a->published, r->opts->tz_offset, day);
        snprintf(msg, sizeof(msg),
                 "no date found, using the file's modification time %s", day);
    }
    warn(r, msg);
}

/* keep_body: an article that says nothing about its body keeps the one
 * stored for its identity (import.h). */
static int
keep_body(struct run *r, struct article *a, struct err *err)
{
    struct article old;
    struct err e = ERR_INIT;

    article_init(&old);
    if (store_get_article(r->store, a->key, &old, &e) < 0) {
        if (e.code == ERR_NOTFOUND)
            return 0;
        *err = e;
        return -1;
    }
    a->body = old.body;
    old.body = NULL;
    article_release(&old);
    return 0;
}

static int
emit(void *arg, struct import_item *item, struct err *err)
{
    struct run *r = arg;
    struct article *a = item->article;
    enum store_put res;

    fill_date(r, a);
    if (a->category == NULL && r->opts->category != NULL)
        a->category = xstrdup(r->opts->category);
    if (a->key == NULL)
        article_set_key(a, item->id, item->guid);
    if (a->body == NULL && keep_body(r, a, err) < 0)
        return -1;
    if (a->origin == NULL)
        a->origin = xstrdup(r->path);
    article_compute_hash(a);
    article_mint(a, r->opts->host, item->id, r->opts->tz_offset);
    if (store_put_article(r->store, a, r->opts->now, &res, err) < 0)
        return item->line > 0 ? err_prefix(err, "line %d", item->line) : -1;
    if (res == STORE_PUT_NEW)
        r->file.added++;
    else if (res == STORE_PUT_UPDATED)
        r->file.updated++;
    else
        r->file.unchanged++;
    return 0;
}

/* ---- the run ----------------------------------------------------------- */

/* parse_whole: reads the rest of the file and hands it to a buffer
 * importer, decoded to UTF-8 unless the importer reads raw bytes. */
static int
parse_whole(struct run *r, const struct importer *imp, int fd, struct buf *raw,
            const struct import_sink *sink, struct err *err)
{
    struct buf text = BUF_INIT;
    int rc = -1;

    if (read_upto(fd, r->opts->max_file_bytes + 1, raw, err) < 0 ||
        check_size(raw->len, r->opts->max_file_bytes, err) < 0)
        goto out;
    if (looks_binary(raw, r->opts, err))
        goto out;
    if (imp->raw) {
        rc = imp->parse(raw->data, raw->len, r->opts, sink, err);
        goto out;
    }
    buf_init(&text, r->opts->max_file_bytes * 2);
    if (charset_to_utf8(raw->data, raw->len, r->opts->encoding, &text, NULL,
                        err) < 0 ||
        check_text(text.data, text.len, err) < 0)
        goto out;
    buf_release(raw);
    rc = imp->parse(text.data, text.len, r->opts, sink, err);
out:
    buf_release(&text);
    return rc;
}

static int
parse_file(struct run *r, struct err *err)
{
    const struct importer *imp;
    struct buf raw = BUF_INIT;
    struct import_sink sink = { emit, warn, r };
    size_t size = 0;
    int fd, rc = -1;

    if (open_file(r->path, &fd, &size, &r->mtime, err) < 0)
        return -1;
    buf_init(&raw, r->opts->max_file_bytes + 1);
    if (read_upto(fd, SNIFF_BYTES, &raw, err) < 0)
        goto out;
    if (raw.len == 0) {
        err_set(err, ERR_PARSE, "empty file");
        goto out;
    }
    if ((imp = sniff(raw.data, raw.len, r->opts, err)) == NULL)
        goto out;
    if (imp->stream != NULL)
        rc = check_size(size, r->opts->max_feed_bytes, err) < 0
                 ? -1
                 : imp->stream(fd, raw.data, raw.len, r->opts, &sink, err);
    else if (check_size(size, r->opts->max_file_bytes, err) == 0)
        rc = parse_whole(r, imp, fd, &raw, &sink, err);
out:
    close(fd);
    buf_release(&raw);
    return rc;
}

static int
batch_begin(struct run *r, struct err *err)
{
    if (r->in_batch)
        return 0;
    if (store_begin(r->store, err) < 0)
        return -1;
    r->in_batch = 1;
    r->batch_files = 0;
    r->batch_changes = 0;
    return 0;
}

/* batch_end: commits the batch, or rolls it back when it changed no
 * article, so that importing the same files again changes nothing in
 * the store, not even its revision (SPEC 1.5). */
static int
batch_end(struct run *r, struct err *err)
{
    if (!r->in_batch)
        return 0;
    r->in_batch = 0;
    if (r->batch_changes == 0) {
        store_rollback(r->store);
        return 0;
    }
    return store_commit(r->store, err);
}

/* import_one: one file in its own savepoint.  Returns -1 only when the
 * store itself failed; a rejected file is counted and reported. */
static int
import_one(struct run *r, const char *path, struct err *err)
{
    struct err why = ERR_INIT;
    int rejected;

    r->path = path;
    memset(&r->file, 0, sizeof(r->file));
    if (batch_begin(r, err) < 0 || store_savepoint(r->store, err) < 0)
        return -1;
    rejected = parse_file(r, &why) < 0;
    if (rejected) {
        store_rollback_to(r->store);
        r->counts->rejected++;
        if (why.code == ERR_DB) {
            *err = why;
            return err_prefix(err, "%s", path);
        }
    } else if (store_release(r->store, err) < 0) {
        return -1;
    } else {
        r->counts->added += r->file.added;
        r->counts->updated += r->file.updated;
        r->counts->unchanged += r->file.unchanged;
        r->batch_changes += r->file.added + r->file.updated;
    }
    r->counts->files_done++;
    if (r->ev && r->ev->file_done)
        r->ev->file_done(r->ev->arg, path, r->counts, rejected ? &why : NULL);
    if (++r->batch_files >= r->opts->batch_files)
        return batch_end(r, err);
    return 0;
}

int
import_run(struct store *store, const struct import_opts *opts,
           char *const *paths, int npaths, const struct import_events *events,
           struct import_counts *counts, struct err *err)
{
    struct file_list files = { NULL, 0, 0 };
    struct run r;
    size_t i;
    int rc = 0;

    memset(&r, 0, sizeof(r));
    r.store = store;
    r.opts = opts;
    r.ev = events;
    r.counts = counts;
    memset(counts, 0, sizeof(*counts));
    for (i = 0; i < (size_t)npaths; i++) {
        size_t first = files.len;

        walk(&files, paths[i], NULL, 0);
        qsort(files.v + first, files.len - first, sizeof(*files.v), cmp_path);
    }
    counts->files_total = (long)files.len;
    for (i = 0; i < files.len && rc == 0; i++)
        rc = import_one(&r, files.v[i], err);
    if (rc == 0)
        rc = batch_end(&r, err);
    else if (r.in_batch)
        store_rollback(store);
    list_free(&files);
    return rc;
}
