/*
 * import: walk, read, sniff, decode, parse, complete, store.
 *
 * Files are collected and sorted first, so an import is reproducible and
 * can report progress against a total.  Each file is read whole up to
 * max_file_bytes (checked with fstat before reading, so a huge file costs
 * nothing) and parsed whole into a struct parsed, its articles completed
 * (date fallback, identity, hash, minted ids) and its warnings kept, before
 * anything of it is stored.  So a rejected file writes nothing, and needs
 * no savepoint: a savepoint made SQLite copy every page an article changed
 * into its sub-journal, half the store's work per article.  A failure of
 * the store itself stops the import and rolls back the batch.
 */
#include "tidings/import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/import_text.h"
#include "tidings/store.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define MAX_DEPTH 64

typedef int (*import_parse_fn)(const char *s, size_t n,
                               const struct import_opts *opts,
                               const struct import_sink *sink, struct err *err);

/* The importers.  `raw` ones get the file's bytes and read its declared
 * charset themselves (HTML meta, XML declaration); the others get UTF-8. */
static const struct importer {
    enum import_format format;
    const char *name;
    import_parse_fn parse;
    int raw;
} importers[] = {
    { IMPORT_TEXT, "text", import_text_parse, 0 },
};

struct file_list {
    char **v;
    size_t len, cap;
};

/* One file, read and parsed, waiting to be stored: its articles complete
 * and in order, with the line each starts at, and its warnings. */
struct parsed {
    struct article *v;
    int *line;
    size_t len, cap;
    struct buf warnings; /* messages, each ending in '\0' */
    int64_t mtime;
};

/* One import in progress. */
struct run {
    struct store *store;
    const struct import_opts *opts;
    const struct import_events *ev;
    struct import_counts *counts;
    const char *path;     /* of the file being read */
    struct parsed parsed; /* of the file being read */
    int in_batch;
    long batch_files;
};

int
import_parse_format(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
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

/* walk: adds path, or the files below it (hidden ones skipped).  A path
 * that cannot be read is still listed, so that it is reported when it is
 * opened. */
static void
walk(struct file_list *l, const char *path, int depth)
{
    struct dirent *de;
    struct stat sb;
    DIR *d;

    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || depth > MAX_DEPTH ||
        (d = opendir(path)) == NULL) {
        list_add(l, xstrdup(path));
        return;
    }
    while ((de = readdir(d)) != NULL) {
        struct buf child = BUF_INIT;

        if (de->d_name[0] == '.')
            continue;
        buf_appendf(&child, "%s%s%s", path,
                    path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
        walk(l, child.data, depth + 1);
        buf_release(&child);
    }
    closedir(d);
}

/* ---- reading one file -------------------------------------------------- */

static int
read_file(const char *path, size_t max, struct buf *out, int64_t *mtime,
          struct err *err)
{
    struct stat sb;
    ssize_t n;
    int fd, rc = -1;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return err_errno(err, ERR_IO, "cannot open");
    if (fstat(fd, &sb) < 0) {
        err_errno(err, ERR_IO, "cannot stat");
        goto out;
    }
    if (S_ISDIR(sb.st_mode) || !S_ISREG(sb.st_mode)) {
        err_set(err, ERR_IO, "not a regular file");
        goto out;
    }
    if ((uintmax_t)sb.st_size > max) {
        err_set(err, ERR_LIMIT, "%jd bytes is larger than the limit of %zu",
                (intmax_t)sb.st_size, max);
        goto out;
    }
    *mtime = (int64_t)sb.st_mtime;
    buf_init(out, max);
    if (buf_grow(out, (size_t)sb.st_size) < 0)
        goto limit;
    for (;;) {
        if (buf_grow(out, 65536 < max - out->len ? 65536 : 1) < 0)
            goto limit;
        n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_errno(err, ERR_IO, "cannot read");
            goto out;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
    rc = 0;
    goto out;
limit:
    err_set(err, ERR_LIMIT, "file grew past the limit of %zu bytes", max);
out:
    close(fd);
    return rc;
}

/* The C0 controls that count against text: all but tab, LF, FF and CR
 * (bits 9, 10, 12, 13). */
#define CONTROL_MASK 0xFFFFC9FFu

/* check_text: text files have no NUL and few C0 controls. */
static int
check_text(const char *s, size_t n, struct err *err)
{
    const char *nul = memchr(s, '\0', n);
    size_t i, controls = 0, end = n < 65536 ? n : 65536;

    if (nul != NULL)
        return err_set(err, ERR_PARSE, "binary data (NUL byte at offset %zu)",
                       (size_t)(nul - s));
    /* one bound and one rare branch per byte: this runs over every file */
    for (i = 0; i < end; i++) {
        unsigned c = (unsigned char)s[i];

        if (c < 0x20 && (CONTROL_MASK >> c & 1))
            controls++;
    }
    if (controls > 8 && controls * 100 > (i < 100 ? 100 : i))
        return err_set(err, ERR_PARSE, "binary data (%zu control bytes)",
                       controls);
    return 0;
}

/* sniff: the importer for this content.  Only text exists so far; markup
 * is recognised so that it gets a clear answer. */
static const struct importer *
sniff(const char *s, size_t n, const struct import_opts *opts, struct err *err)
{
    size_t i = 0;
    const char *bom;

    if (opts->format != IMPORT_AUTO) {
        for (i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
            if (importers[i].format == opts->format)
                return &importers[i];
        err_set(err, ERR_USAGE, "this format cannot be imported yet");
        return NULL;
    }
    i = charset_bom(s, n, &bom);
    while (i < n &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i < n && s[i] == '<') {
        err_set(err, ERR_PARSE, "HTML and feed files cannot be imported yet");
        return NULL;
    }
    return &importers[0];
}

/* ---- parsing a file into a struct parsed ------------------------------ */

static void
parsed_reset(struct parsed *p)
{
    size_t i;

    for (i = 0; i < p->len; i++)
        article_release(&p->v[i]);
    p->len = 0;
    buf_reset(&p->warnings);
}

static void
parsed_release(struct parsed *p)
{
    parsed_reset(p);
    free(p->v);
    free(p->line);
    buf_release(&p->warnings);
}

static void
note(void *arg, const char *msg)
{
    struct run *r = arg;

    buf_append(&r->parsed.warnings, msg, strlen(msg) + 1);
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
        a->published = r->parsed.mtime;
        date_format_rfc3339(a->published, r->opts->tz_offset, day);
        snprintf(msg, sizeof(msg),
                 "no date found, using the file's modification time %s", day);
    }
    note(r, msg);
}

/* collect: the sink's emit.  Completes the article and takes its strings
 * into r->parsed, leaving item->article empty. */
static int
collect(void *arg, struct import_item *item, struct err *err)
{
    struct run *r = arg;
    struct parsed *p = &r->parsed;
    struct article *a = item->article;

    (void)err;
    fill_date(r, a);
    if (a->category == NULL && r->opts->category != NULL)
        a->category = xstrdup(r->opts->category);
    if (a->key == NULL)
        article_set_key(a, item->id, item->guid);
    if (a->origin == NULL)
        a->origin = xstrdup(r->path);
    article_compute_hash(a);
    article_mint(a, r->opts->host, item->id, r->opts->tz_offset);
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
        p->line = xreallocarray(p->line, p->cap, sizeof(*p->line));
    }
    p->line[p->len] = item->line;
    p->v[p->len++] = *a;
    article_init(a);
    return 0;
}

/* ---- the run ----------------------------------------------------------- */

/* parse_file: reads and parses r->path into r->parsed (emptied first);
 * on failure r->parsed holds no article. */
static int
parse_file(struct run *r, struct err *err)
{
    const struct importer *imp;
    struct buf raw = BUF_INIT, text = BUF_INIT;
    struct import_sink sink = { collect, note, r };
    int rc = -1;

    parsed_reset(&r->parsed);
    if (read_file(r->path, r->opts->max_file_bytes, &raw, &r->parsed.mtime,
                  err) < 0)
        goto out;
    if (raw.len == 0) {
        err_set(err, ERR_PARSE, "empty file");
        goto out;
    }
    if ((imp = sniff(raw.data, raw.len, r->opts, err)) == NULL)
        goto out;
    if (imp->raw) {
        rc = imp->parse(raw.data, raw.len, r->opts, &sink, err);
        goto out;
    }
    buf_init(&text, r->opts->max_file_bytes * 2);
    if (charset_to_utf8(raw.data, raw.len, r->opts->encoding, &text, NULL,
                        err) < 0 ||
        check_text(text.data, text.len, err) < 0)
        goto out;
    buf_release(&raw);
    rc = imp->parse(text.data, text.len, r->opts, &sink, err);
out:
    if (rc < 0)
        for (; r->parsed.len > 0; r->parsed.len--)
            article_release(&r->parsed.v[r->parsed.len - 1]);
    buf_release(&raw);
    buf_release(&text);
    return rc;
}

/* ---- storing ----------------------------------------------------------- */

/* store_parsed: puts the articles of r->parsed into the store, counting
 * them into r->counts.  A failure is the store's: the caller rolls back
 * the batch. */
static int
store_parsed(struct run *r, struct err *err)
{
    struct parsed *p = &r->parsed;
    enum store_put res;
    size_t i;

    for (i = 0; i < p->len; i++) {
        if (store_put_article(r->store, &p->v[i], r->opts->now, &res, err) < 0)
            return p->line[i] > 0 ? err_prefix(err, "line %d", p->line[i]) : -1;
        if (res == STORE_PUT_NEW)
            r->counts->added++;
        else if (res == STORE_PUT_UPDATED)
            r->counts->updated++;
        else
            r->counts->unchanged++;
    }
    return 0;
}

/* report: the warnings of r->parsed, then the file's outcome. */
static void
report(struct run *r, const struct err *why)
{
    const char *w = r->parsed.warnings.data;
    const char *end = w + r->parsed.warnings.len;

    for (; r->ev && r->ev->warning && w < end; w += strlen(w) + 1)
        r->ev->warning(r->ev->arg, r->path, w);
    r->counts->files_done++;
    if (r->ev && r->ev->file_done)
        r->ev->file_done(r->ev->arg, r->path, r->counts, why);
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
    return 0;
}

static int
batch_end(struct run *r, struct err *err)
{
    if (!r->in_batch)
        return 0;
    r->in_batch = 0;
    return store_commit(r->store, err);
}

/* import_one: one file, whole or not at all.  Returns -1 only when the
 * store itself failed, and then the caller rolls back the batch; a
 * rejected file is counted and reported. */
static int
import_one(struct run *r, const char *path, struct err *err)
{
    struct err why = ERR_INIT;

    r->path = path;
    if (batch_begin(r, err) < 0)
        return -1;
    if (parse_file(r, &why) < 0) {
        r->counts->rejected++;
        report(r, &why);
    } else if (store_parsed(r, err) < 0) {
        r->counts->rejected++;
        return err_prefix(err, "%s", path);
    } else {
        report(r, NULL);
    }
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
    r.parsed.warnings = (struct buf)BUF_INIT;
    r.store = store;
    r.opts = opts;
    r.ev = events;
    r.counts = counts;
    memset(counts, 0, sizeof(*counts));
    for (i = 0; i < (size_t)npaths; i++) {
        size_t first = files.len;

        walk(&files, paths[i], 0);
        qsort(files.v + first, files.len - first, sizeof(*files.v), cmp_path);
    }
    counts->files_total = (long)files.len;
    for (i = 0; i < files.len && rc == 0; i++)
        rc = import_one(&r, files.v[i], err);
    if (rc == 0)
        rc = batch_end(&r, err);
    else if (r.in_batch)
        store_rollback(store);
    parsed_release(&r.parsed);
    list_free(&files);
    return rc;
}
