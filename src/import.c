/*
 * import: walk, read, sniff, decode, parse, complete, store.
 *
 * Files come from a walk (walk.c) in a fixed order, so an import is
 * reproducible; they are counted first to report progress against a
 * total, without being kept, so memory does not grow with their number.
 * Two threads share the work: a reader reads each file whole up to
 * max_file_bytes (checked with fstat before reading, so a huge file costs
 * nothing), decodes and parses it into a struct parsed, its articles
 * completed (date fallback, identity, hash, minted ids) and its warnings
 * kept; the calling thread, which alone touches the store and calls the
 * events, takes them in order through a bounded queue and stores them.
 * Parsing and SQLite's work then overlap, and the memory between them is
 * bounded by the queue.
 *
 * A file is stored only once it has parsed whole, so a rejected file
 * writes nothing, and needs no savepoint: a savepoint made SQLite copy
 * every page an article changed into its sub-journal, half the store's
 * work per article.  A failure of the store itself stops the import and
 * rolls back the batch.
 */
#include "tidings/import.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "tidings/queue.h"
#include "tidings/store.h"
#include "tidings/utf8.h"
#include "tidings/walk.h"
#include "tidings/xalloc.h"

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

/* How many parsed files, and how many of their bytes, may wait between
 * the threads: enough to ride out a slow file on either side. */
#define QUEUE_FILES 64
#define QUEUE_BYTES (8u << 20)

/* One file, read and parsed, waiting to be stored: its articles complete
 * and in order, with the line each starts at, its warnings, or why it was
 * rejected. */
struct parsed {
    char *path;
    struct article *v;
    int *line;
    size_t len, cap;
    size_t bytes;        /* about what it holds, for the queue's bound */
    struct buf warnings; /* messages, each ending in '\0' */
    int64_t mtime;
    int rejected;
    struct err why;
};

/* The reader thread. */
struct reader {
    const struct import_opts *opts;
    struct walk *walk;
    struct queue *queue;
    struct parsed *cur; /* the file being read */
    struct buf raw;     /* its bytes */
    struct buf text;    /* and as UTF-8 */
};

/* Buffers up to this size are kept from one file to the next, sparing
 * an allocation and its page faults per file; larger ones are freed. */
#define KEEP_BYTES (1u << 20)

/* The storing side of an import in progress. */
struct run {
    struct store *store;
    const struct import_opts *opts;
    const struct import_events *ev;
    struct import_counts *counts;
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

/* ---- reading one file -------------------------------------------------- */

/* read_file: path's bytes into out, which is emptied first and whose cap
 * should be max; *mtime gets the file's modification time. */
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
    buf_reset(out);
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
#define ONES         0x0101010101010101ULL

/* count_controls: the controls of CONTROL_MASK in s[0..n).  Eight bytes
 * with none below 0x20 (most of them: only line ends are) are passed over
 * with one test: the classic has-a-byte-below-n word trick. */
static size_t
count_controls(const unsigned char *s, size_t n)
{
    size_t i = 0, end, controls = 0;
    uint64_t w;

    while (i < n) {
        if (n - i >= 8) {
            memcpy(&w, s + i, sizeof(w));
            if (((w - ONES * 0x20) & ~w & ONES * 0x80) == 0) {
                i += 8;
                continue;
            }
        }
        for (end = n - i < 8 ? n : i + 8; i < end; i++)
            if (s[i] < 0x20 && (CONTROL_MASK >> s[i] & 1))
                controls++;
    }
    return controls;
}

/* check_text: text files have no NUL and few C0 controls (in their first
 * 64 KiB). */
static int
check_text(const char *s, size_t n, struct err *err)
{
    const char *nul = memchr(s, '\0', n);
    size_t controls, end = n < 65536 ? n : 65536;

    if (nul != NULL)
        return err_set(err, ERR_PARSE, "binary data (NUL byte at offset %zu)",
                       (size_t)(nul - s));
    controls = count_controls((const unsigned char *)s, end);
    if (controls > 8 && controls * 100 > (end < 100 ? 100 : end))
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

/* ---- parsing a file into a struct parsed (the reader thread) ---------- */

static struct parsed *
parsed_new(const char *path)
{
    struct parsed *p = xcalloc(1, sizeof(*p));

    p->path = xstrdup(path);
    p->warnings = (struct buf)BUF_INIT;
    return p;
}

static void
parsed_drop_articles(struct parsed *p)
{
    for (; p->len > 0; p->len--)
        article_release(&p->v[p->len - 1]);
}

static void
parsed_free(struct parsed *p)
{
    if (p == NULL)
        return;
    parsed_drop_articles(p);
    free(p->v);
    free(p->line);
    free(p->path);
    buf_release(&p->warnings);
    free(p);
}

static void
note(void *arg, const char *msg)
{
    struct reader *rd = arg;

    buf_append(&rd->cur->warnings, msg, strlen(msg) + 1);
}

static void
fill_date(struct reader *rd, struct article *a)
{
    char day[DATE_MAX], msg[128];

    if (a->published != 0)
        return;
    if (rd->opts->has_date) {
        a->published = rd->opts->date;
        date_format_rfc3339(a->published, rd->opts->tz_offset, day);
        snprintf(msg, sizeof(msg), "no date found, using --date %s", day);
    } else {
        a->published = rd->cur->mtime;
        date_format_rfc3339(a->published, rd->opts->tz_offset, day);
        snprintf(msg, sizeof(msg),
                 "no date found, using the file's modification time %s", day);
    }
    note(rd, msg);
}

/* collect: the sink's emit.  Completes the article and takes its strings
 * into the parsed file, leaving item->article empty. */
static int
collect(void *arg, struct import_item *item, struct err *err)
{
    struct reader *rd = arg;
    struct parsed *p = rd->cur;
    struct article *a = item->article;

    (void)err;
    fill_date(rd, a);
    if (a->category == NULL && rd->opts->category != NULL)
        a->category = xstrdup(rd->opts->category);
    if (a->key == NULL)
        article_set_key(a, item->id, item->guid);
    if (a->origin == NULL)
        a->origin = xstrdup(p->path);
    article_compute_hash(a);
    article_mint(a, rd->opts->host, item->id, rd->opts->tz_offset);
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

/* reuse: empties b for the next file, freeing it if it grew large. */
static void
reuse(struct buf *b)
{
    if (b->cap > KEEP_BYTES)
        buf_release(b);
    else
        buf_reset(b);
}

/* parse_file: reads and parses rd->cur's file into it; on failure it
 * holds no article. */
static int
parse_file(struct reader *rd, struct err *err)
{
    const struct importer *imp;
    const struct import_opts *o = rd->opts;
    struct parsed *p = rd->cur;
    struct buf *raw = &rd->raw, *text = &rd->text;
    struct import_sink sink = { collect, note, rd };
    int rc = -1;

    if (read_file(p->path, o->max_file_bytes, raw, &p->mtime, err) < 0)
        goto out;
    if (raw->len == 0) {
        err_set(err, ERR_PARSE, "empty file");
        goto out;
    }
    if ((imp = sniff(raw->data, raw->len, o, err)) == NULL)
        goto out;
    if (imp->raw) {
        rc = imp->parse(raw->data, raw->len, o, &sink, err);
        goto out;
    }
    if (charset_to_utf8(raw->data, raw->len, o->encoding, text, NULL, err) <
            0 ||
        check_text(text->data, text->len, err) < 0)
        goto out;
    rc = imp->parse(text->data, text->len, o, &sink, err);
out:
    /* what the articles hold is about the text they came from */
    p->bytes = sizeof(*p) + raw->len + text->len;
    if (rc < 0)
        parsed_drop_articles(p);
    reuse(raw);
    reuse(text);
    return rc;
}

/* read_all: the reader thread.  Parses every file in order into the
 * queue, and closes it; stops early when the storing side stops it. */
static void *
read_all(void *arg)
{
    struct reader *rd = arg;
    const char *path;

    while ((path = walk_next(rd->walk)) != NULL) {
        rd->cur = parsed_new(path);
        rd->cur->rejected = parse_file(rd, &rd->cur->why) < 0;
        if (queue_put(rd->queue, rd->cur, rd->cur->bytes) < 0) {
            parsed_free(rd->cur);
            break;
        }
    }
    rd->cur = NULL;
    queue_close(rd->queue);
    return NULL;
}

/* ---- storing ----------------------------------------------------------- */

/* store_parsed: puts the articles of p into the store, counting them
 * into r->counts.  A failure is the store's: the caller rolls back the
 * batch. */
static int
store_parsed(struct run *r, const struct parsed *p, struct err *err)
{
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

/* report: the warnings of p, then the file's outcome. */
static void
report(struct run *r, const struct parsed *p, const struct err *why)
{
    const char *w = p->warnings.data, *end = w + p->warnings.len;

    for (; r->ev && r->ev->warning && w < end; w += strlen(w) + 1)
        r->ev->warning(r->ev->arg, p->path, w);
    r->counts->files_done++;
    if (r->ev && r->ev->file_done)
        r->ev->file_done(r->ev->arg, p->path, r->counts, why);
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

/* import_one: stores one parsed file, whole or not at all.  Returns -1
 * only when the store itself failed, and then the caller rolls back the
 * batch; a rejected file is counted and reported. */
static int
import_one(struct run *r, struct parsed *p, struct err *err)
{
    if (batch_begin(r, err) < 0)
        return -1;
    if (p->rejected) {
        r->counts->rejected++;
        report(r, p, &p->why);
    } else if (store_parsed(r, p, err) < 0) {
        r->counts->rejected++;
        return err_prefix(err, "%s", p->path);
    } else {
        report(r, p, NULL);
    }
    if (++r->batch_files >= r->opts->batch_files)
        return batch_end(r, err);
    return 0;
}

/* store_all: the calling thread's side: every parsed file in order. */
static int
store_all(struct run *r, struct queue *q, struct err *err)
{
    struct parsed *p;
    int rc = 0;

    while (rc == 0 && (p = queue_take(q)) != NULL) {
        rc = import_one(r, p, err);
        parsed_free(p);
    }
    if (rc == 0)
        return batch_end(r, err);
    if (r->in_batch)
        store_rollback(r->store);
    return rc;
}

int
import_run(struct store *store, const struct import_opts *opts,
           char *const *paths, int npaths, const struct import_events *events,
           struct import_counts *counts, struct err *err)
{
    struct reader rd;
    struct run r;
    pthread_t thread;
    int rc;

    memset(&r, 0, sizeof(r));
    r.store = store;
    r.opts = opts;
    r.ev = events;
    r.counts = counts;
    memset(counts, 0, sizeof(*counts));
    counts->files_total = (long)walk_count(paths, npaths);
    rd.opts = opts;
    rd.walk = walk_new(paths, npaths);
    buf_init(&rd.raw, opts->max_file_bytes);
    buf_init(&rd.text, opts->max_file_bytes * 2);
    rd.queue = queue_new(QUEUE_FILES, QUEUE_BYTES);
    rd.cur = NULL;
    if ((rc = pthread_create(&thread, NULL, read_all, &rd)) != 0) {
        rc = err_set(err, ERR_IO, "cannot start a thread: %s", strerror(rc));
    } else {
        if ((rc = store_all(&r, rd.queue, err)) < 0)
            queue_stop(rd.queue);
        pthread_join(thread, NULL);
    }
    while ((rd.cur = queue_take(rd.queue)) != NULL)
        parsed_free(rd.cur);
    queue_free(rd.queue);
    walk_free(rd.walk);
    buf_release(&rd.raw);
    buf_release(&rd.text);
    return rc;
}
