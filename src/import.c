/*
 * import: walk, read, sniff, decode, parse, complete, store.
 *
 * Files come from a walk (walk.c) in a fixed order, so an import is
 * reproducible; they are counted first to report progress against a
 * total, without being kept, so memory does not grow with their number.
 *
 * Readers, one thread per processor (up to MAX_READERS), each take the
 * walk's next file when they are free, and note in a shared queue of
 * turns which of them took it, so the storing side can take the files in
 * the walk's order whatever the readers' speeds.  A reader opens each file
 * (never waiting on a FIFO), reads its first SNIFF_BYTES to pick the
 * importer, and parses it: page text and HTML are read whole up to
 * max_file_bytes (checked with fstat before reading, so a huge file costs
 * nothing); feeds are streamed from the open file by their importer, item by
 * item, up to max_feed_bytes.  It completes the articles (date fallback,
 * identity, minted ids, hash) and hands them with the file's warnings, or why
 * it was rejected, in order through a bounded queue of its own to the calling
 * thread, which takes from the readers' queues in the order of the turns, alone
 * touches the store and calls the events, and hands each stored part back to
 * its reader to free (memory goes back to the thread that allocated it).
 * Parsing (libxml2's HTML parser is most of an HTML import) then spreads over
 * the processors and overlaps SQLite's work.  A file travels as one part, a
 * stream as parts of at most PART_ARTICLES articles or PART_BYTES, so the
 * memory between the threads is bounded by the queues however long a feed is.
 * libxml2 is set up in the calling thread before the readers start; no importer
 * keeps state outside its call.
 *
 * A file is kept whole or not at all.  One of a single article needs no
 * savepoint: it is parsed whole before any of it is stored, and
 * store_put_article leaves nothing behind when it rejects an article (a
 * savepoint made SQLite copy every page an article changed into its
 * sub-journal, half the store's work per article).  A file of several
 * articles, or a stream, is stored inside a savepoint, which a rejection
 * rolls back.  A failure of the store itself stops the import and rolls
 * back the batch.
 */
#include "tidings/import.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/charset.h"
#include "tidings/date.h"
#include "tidings/diag.h"
#include "tidings/err.h"
#include "tidings/import_feed.h"
#include "tidings/import_html.h"
#include "tidings/import_text.h"
#include "tidings/queue.h"
#include "tidings/store.h"
#include "tidings/utf8.h"
#include "tidings/walk.h"
#include "tidings/xalloc.h"

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

/* How many parts, and how many of their bytes, may wait between the
 * threads: enough to ride out a slow file on either side.  The bytes are
 * shared among the readers' queues. */
#define QUEUE_FILES 64
#define QUEUE_BYTES (8u << 20)
/* Readers beyond the processors only wait; beyond four, SQLite on the
 * calling thread is the limit for every importer. */
#define MAX_READERS 4
/* A stream is handed over in parts of at most this many articles or
 * bytes. */
#define PART_ARTICLES 64
#define PART_BYTES    (1u << 20)

/* Part of a file, or all of it, read and parsed, waiting to be stored:
 * its articles complete (but for the hash of one without a body, which
 * keeps the stored body) and in order, with the line each starts at,
 * whether its date is the fallback's (--date or the mtime), its warnings,
 * and for the last part whether the file was rejected and why. */
struct parsed {
    char *path;
    struct article *v;
    int *line;
    unsigned char *guessed; /* published is the fallback's */
    size_t len, cap;
    size_t bytes;        /* about what it holds, for the queue's bound */
    struct buf warnings; /* messages, each ending in '\0' */
    long undated;        /* articles given the fallback date */
    int64_t mtime;
    int more; /* a part of a stream, and more of the file follows */
    int rejected;
    struct err why;
    struct parsed *next; /* on its reader's spent list */
};

/* The walk, shared by the readers. */
struct deal {
    pthread_mutex_t lock;
    struct walk *walk;
    struct queue *turns; /* the reader of each file taken, in walk order */
    int over;            /* the walk has ended, or the import stopped */
};

/* A reader thread. */
struct reader {
    const struct import_opts *opts;
    struct deal *deal;
    char *path; /* the file it took last */
    struct queue *queue;
    struct parsed *cur; /* the file, or the part of it, being read */
    int streaming;      /* cur is a stream's: hand it over in parts */
    int stopped;        /* the storing side refused a part */
    struct buf raw;     /* the file's bytes */
    struct buf text;    /* and as UTF-8 */
    /* Parts the storing side is done with, freed here: memory goes back to
     * the thread (and the malloc arena) that made it.  Freed by the storing
     * thread, each large block took the arena's lock while the reader was
     * allocating a page's tree from it; the two waited on each other
     * thousands of times an import. */
    pthread_mutex_t spent_lock;
    struct parsed *spent;
};

/* The store's page cache during an import: 16 MiB holds the seven
 * indexes an import fills in random key order far better than the 8 of
 * other commands (28 MB of them at 100 000 articles; with 8 MiB the
 * import read and wrote half as much again: 4449/3808 MB against
 * 3049/2534 MB for 100 000 generated pages). */
#define IMPORT_CACHE_KIB (2 * STORE_CACHE_KIB)

/* Buffers up to this size are kept from one file to the next, sparing
 * an allocation and its page faults per file; larger ones are freed. */
#define KEEP_BYTES (1u << 20)

/* The storing side of an import in progress. */
struct run {
    struct store *store;
    const struct import_opts *opts;
    const struct import_events *ev;
    struct import_counts *counts;
    struct import_counts file; /* of the file being stored */
    int in_file;               /* a part of it has been taken */
    int savepoint;             /* it is inside one */
    int failed;                /* the store rejected it; skip the rest */
    struct err why;            /* and why */
    int in_batch;
    long batch_files;
    long batch_changes; /* articles added or updated in the batch */
    /* the file's warnings, shown once it is kept (a rejected file's
     * would only confuse): at most MAX_WARNINGS, then a count */
    struct buf pending;
    long npending, hidden, undated;
};

#define MAX_WARNINGS 100

int
import_parse_format(const char *name)
{
    size_t i;

    for (i = 0; i < NIMPORTERS; i++)
        if (strcmp(importers[i].name, name) == 0)
            return (int)importers[i].format;
    return -1;
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

/* narrow: s[0..n) into head with every byte past ASCII made '?', eight
 * at a time (a byte's high bit spread over the byte picks the '?'). */
static void
narrow(const char *s, size_t n, char *head)
{
    uint64_t w, high;
    size_t j = 0;

    for (; n - j >= 8; j += 8) {
        memcpy(&w, s + j, sizeof(w));
        high = (w & ONES * 0x80) >> 7;
        high *= 0xFF;
        w = (w & ~high) | (ONES * '?' & high);
        memcpy(head + j, &w, sizeof(w));
    }
    for (; j < n; j++)
        head[j] = (char)((unsigned char)s[j] & 0x80 ? '?' : s[j]);
}

/* ascii_head: the first HEAD_CHARS characters of s as ASCII for
 * sniffing, into head (HEAD_CHARS + 1 bytes, NUL-terminated); returns
 * how many: UTF-16 (with a BOM) narrowed, other bytes kept; non-ASCII
 * becomes '?'.  A plain loop into an array: it runs once per file, and
 * appending a byte at a time to a buffer was a tenth of an import. */
static size_t
ascii_head(const char *s, size_t n, char *head)
{
    const char *bom;
    size_t i = charset_bom(s, n, &bom), k = 0;
    int wide = i == 2, be = wide && strcmp(bom, "UTF-16BE") == 0;
    unsigned c;

    if (!wide) {
        k = n - i < HEAD_CHARS ? n - i : HEAD_CHARS;
        narrow(s + i, k, head);
    }
    for (; wide && i + 1 < n && k < HEAD_CHARS; i += 2) {
        c = (unsigned char)s[i + !be] << 8 | (unsigned char)s[i + be];
        head[k++] = (char)(c < 0x80 ? c : '?');
    }
    head[k] = '\0';
    return k;
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
    char head[HEAD_CHARS + 1];
    size_t len = ascii_head(s, n, head);
    const char *p = skip_space(head, head + len), *end = head + len, *bom;
    const char *kind = binary_kind(s, n);
    int rc = IMPORT_TEXT;

    if (memchr(head, '\0', len) != NULL)
        rc = check_text(head, len, err);
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

/* ---- parsing a file into parts (the reader thread) --------------------- */

static struct parsed *
parsed_new(const char *path, int64_t mtime)
{
    struct parsed *p = xcalloc(1, sizeof(*p));

    p->path = xstrdup(path);
    p->mtime = mtime;
    p->bytes = sizeof(*p);
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
    free(p->guessed);
    free(p->path);
    buf_release(&p->warnings);
    free(p);
}

/* spent_put: p is stored; its reader frees it. */
static void
spent_put(struct reader *rd, struct parsed *p)
{
    pthread_mutex_lock(&rd->spent_lock);
    p->next = rd->spent;
    rd->spent = p;
    pthread_mutex_unlock(&rd->spent_lock);
}

/* spent_free: frees the parts the storing side has handed back. */
static void
spent_free(struct reader *rd)
{
    struct parsed *p, *next;

    pthread_mutex_lock(&rd->spent_lock);
    p = rd->spent;
    rd->spent = NULL;
    pthread_mutex_unlock(&rd->spent_lock);
    for (; p != NULL; p = next) {
        next = p->next;
        parsed_free(p);
    }
}

static void
note(void *arg, const char *msg)
{
    struct reader *rd = arg;

    buf_append(&rd->cur->warnings, msg, strlen(msg) + 1);
    rd->cur->bytes += strlen(msg) + 1;
}

/* fill_date: --date or the file's time for an article without a date
 * (SPEC 1.1); they are counted, and the file says so once
 * (show_warnings).  Returns whether it did. */
static int
fill_date(struct reader *rd, struct article *a)
{
    if (a->published != 0)
        return 0;
    a->published = rd->opts->has_date ? rd->opts->date : rd->cur->mtime;
    rd->cur->undated++;
    return 1;
}

/* weight: about the memory an article holds, for the queue's bound. */
static size_t
weight(const struct article *a)
{
    const char *const f[] = { a->key,    a->feed_id, a->slug,  a->url,
                              a->title,  a->summary, a->body,  a->category,
                              a->source, a->author,  a->origin };
    size_t i, n = sizeof(*a);

    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        n += f[i] ? strlen(f[i]) + 1 : 0;
    return n;
}

/* hand_over: a stream's part is full: it goes to the storing side, marked
 * as not the last, and a new part of the same file is begun. */
static int
hand_over(struct reader *rd, struct err *err)
{
    struct parsed *p = rd->cur;

    spent_free(rd); /* a long stream hands back parts all along */
    rd->cur = parsed_new(p->path, p->mtime);
    p->more = 1;
    if (queue_put(rd->queue, p, p->bytes) < 0) {
        parsed_free(p);
        rd->stopped = 1;
        return err_set(err, ERR_IO, "import stopped");
    }
    return 0;
}

/* collect: the sink's emit.  Completes the article and takes its strings
 * into the part being read, leaving item->article empty.  An article
 * without a body gets its hash once the storing side has looked for the
 * body it keeps (import.h). */
static int
collect(void *arg, struct import_item *item, struct err *err)
{
    struct reader *rd = arg;
    struct parsed *p = rd->cur;
    struct article *a = item->article;
    int guessed = fill_date(rd, a);

    if (a->category == NULL && rd->opts->category != NULL)
        a->category = xstrdup(rd->opts->category);
    if (a->key == NULL)
        article_set_key(a, item->id, item->guid);
    if (a->origin == NULL)
        a->origin = xstrdup(p->path);
    if (a->body != NULL)
        article_compute_hash(a);
    article_mint(a, rd->opts->host, item->id, rd->opts->tz_offset);
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
        p->line = xreallocarray(p->line, p->cap, sizeof(*p->line));
        p->guessed = xreallocarray(p->guessed, p->cap, sizeof(*p->guessed));
    }
    p->line[p->len] = item->line;
    p->guessed[p->len] = (unsigned char)guessed;
    p->bytes += weight(a);
    p->v[p->len++] = *a;
    article_init(a);
    if (rd->streaming && (p->len >= PART_ARTICLES || p->bytes >= PART_BYTES))
        return hand_over(rd, err);
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

/* same_text: whether the UTF-8 text is raw's bytes unchanged (read as
 * UTF-8 by the sniff, no BOM, no --encoding): looks_binary has checked
 * them already, so check_text need not pass over them again. */
static int
same_text(const struct buf *raw, const struct import_opts *o, const char *used)
{
    const char *bom;

    return o->encoding == NULL && used != NULL && strcmp(used, "UTF-8") == 0 &&
           charset_bom(raw->data, raw->len, &bom) == 0;
}

/* parse_whole: reads the rest of the file (unless its head was all of
 * it) and hands it to a buffer importer, decoded to UTF-8 unless the
 * importer reads raw bytes. */
static int
parse_whole(struct reader *rd, const struct importer *imp, int fd, int eof,
            const struct import_sink *sink, struct err *err)
{
    const struct import_opts *o = rd->opts;
    struct buf *raw = &rd->raw, *text = &rd->text;
    const char *used = NULL;

    if ((!eof && read_upto(fd, o->max_file_bytes + 1, raw, err) < 0) ||
        check_size(raw->len, o->max_file_bytes, err) < 0)
        return -1;
    if (looks_binary(raw, o, err))
        return -1;
    if (imp->raw)
        return imp->parse(raw->data, raw->len, o, sink, err);
    if (charset_to_utf8(raw->data, raw->len, o->encoding, text, &used, err) <
            0 ||
        (!same_text(raw, o, used) &&
         check_text(text->data, text->len, err) < 0))
        return -1;
    return imp->parse(text->data, text->len, o, sink, err);
}

/* parse_file: reads and parses rd->cur's file into it, or for a stream
 * into it and the parts handed over before it; on failure it holds no
 * article. */
static int
parse_file(struct reader *rd, struct err *err)
{
    const struct importer *imp;
    const struct import_opts *o = rd->opts;
    struct parsed *p = rd->cur;
    struct import_sink sink = { collect, note, rd };
    size_t size = 0;
    int fd, rc = -1;

    if (open_file(p->path, &fd, &size, &p->mtime, err) < 0)
        return -1;
    if (read_upto(fd, SNIFF_BYTES, &rd->raw, err) < 0)
        goto out;
    if (rd->raw.len == 0) {
        err_set(err, ERR_PARSE, "empty file");
        goto out;
    }
    if ((imp = sniff(rd->raw.data, rd->raw.len, o, err)) == NULL)
        goto out;
    if (imp->stream != NULL) {
        rd->streaming = 1;
        rc = check_size(size, o->max_feed_bytes, err) < 0
                 ? -1
                 : imp->stream(fd, rd->raw.data, rd->raw.len, o, &sink, err);
        rd->streaming = 0;
    } else if (check_size(size, o->max_file_bytes, err) == 0) {
        rc = parse_whole(rd, imp, fd, rd->raw.len < SNIFF_BYTES, &sink, err);
    }
out:
    close(fd);
    if (rc < 0)
        parsed_drop_articles(rd->cur);
    reuse(&rd->raw);
    reuse(&rd->text);
    return rc;
}

/* deal_next: the walk's next file for rd, its path held by rd until its
 * next call, and rd's turn noted; NULL once the walk or the import is
 * over.  Noting the turn waits while the storing side is QUEUE_FILES
 * files behind. */
static const char *
deal_next(struct reader *rd)
{
    struct deal *d = rd->deal;
    const char *path;

    free(rd->path);
    rd->path = NULL;
    pthread_mutex_lock(&d->lock);
    if (!d->over && (path = walk_next(d->walk)) != NULL &&
        queue_put(d->turns, rd, 0) == 0)
        rd->path = xstrdup(path);
    else if (!d->over)
        d->over = 1, queue_close(d->turns);
    pthread_mutex_unlock(&d->lock);
    return rd->path;
}

/* deal_end: the import stops early; readers take no more files.  The
 * turns stop first: a reader may hold the lock waiting to note one. */
static void
deal_end(struct deal *d)
{
    queue_stop(d->turns);
    pthread_mutex_lock(&d->lock);
    d->over = 1;
    pthread_mutex_unlock(&d->lock);
}

/* read_all: a reader thread.  Parses the files dealt to it, in order,
 * into its queue, and closes it; stops early when the storing side stops
 * it. */
static void *
read_all(void *arg)
{
    struct reader *rd = arg;
    const char *path;
    struct err why;

    while (!rd->stopped && (path = deal_next(rd)) != NULL) {
        spent_free(rd);
        why = (struct err)ERR_INIT;
        rd->cur = parsed_new(path, 0);
        /* a stream hands parts over: rd->cur is its last part after */
        rd->cur->rejected = parse_file(rd, &why) < 0;
        rd->cur->why = why;
        if (rd->stopped || queue_put(rd->queue, rd->cur, rd->cur->bytes) < 0)
            break;
        rd->cur = NULL;
    }
    if (rd->cur != NULL) {
        parsed_free(rd->cur);
        rd->cur = NULL;
        deal_end(rd->deal);
    }
    queue_close(rd->queue);
    return NULL;
}

/* ---- storing ----------------------------------------------------------- */

/* keep_date: an article dated by the fallback that is stored already
 * keeps the date it was stored with, and the file's warnings say so
 * after the one that named the fallback. */
static void
keep_date(struct run *r, struct parsed *p, struct article *a, int64_t stored)
{
    char day[DATE_MAX], msg[128];

    if (a->published == stored)
        return;
    a->published = stored;
    date_format_rfc3339(stored, r->opts->tz_offset, day);
    snprintf(msg, sizeof(msg), "already stored: keeping its date %s", day);
    buf_append(&p->warnings, msg, strlen(msg) + 1);
}

/* keep_stored: what the i-th article of p does not say it takes from the
 * one stored for its identity, and its hash is computed again.  One that
 * says nothing about its body keeps the stored body (import.h); one whose
 * date is the fallback's keeps the stored date, so that importing an
 * undated file again after its mtime moved changes nothing. */
static int
keep_stored(struct run *r, struct parsed *p, size_t i, struct err *err)
{
    struct article old, *a = &p->v[i];
    struct err e = ERR_INIT;

    article_init(&old);
    if (store_get_article(r->store, a->key, &old, &e) == 0) {
        if (a->body == NULL) {
            a->body = old.body;
            old.body = NULL;
        }
        if (p->guessed[i])
            keep_date(r, p, a, old.published);
        article_release(&old);
    } else if (e.code != ERR_NOTFOUND) {
        *err = e;
        return -1;
    }
    article_compute_hash(a);
    return 0;
}

/* store_parsed: puts the articles of p into the store, counting them
 * into r->file.  ERR_DB is the store's failure, anything else rejects
 * the file. */
static int
store_parsed(struct run *r, struct parsed *p, struct err *err)
{
    enum store_put res;
    size_t i;

    for (i = 0; i < p->len; i++) {
        if (((p->v[i].body == NULL || p->guessed[i]) &&
             keep_stored(r, p, i, err) < 0) ||
            store_put_article(r->store, &p->v[i], r->opts->now, &res, err) < 0)
            return p->line[i] > 0 ? err_prefix(err, "line %d", p->line[i]) : -1;
        if (res == STORE_PUT_NEW)
            r->file.added++;
        else if (res == STORE_PUT_UPDATED)
            r->file.updated++;
        else
            r->file.unchanged++;
    }
    return 0;
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

/* file_begin: the first part of a file.  A savepoint only when more than
 * one article may be stored (see the top of this file). */
static int
file_begin(struct run *r, const struct parsed *p, struct err *err)
{
    if (batch_begin(r, err) < 0)
        return -1;
    memset(&r->file, 0, sizeof(r->file));
    r->why = (struct err)ERR_INIT;
    r->in_file = 1;
    r->failed = 0;
    r->savepoint = p->more || p->len > 1;
    return r->savepoint ? store_savepoint(r->store, err) : 0;
}

static void
warn(struct run *r, const char *path, const char *msg)
{
    if (r->ev && r->ev->warning)
        r->ev->warning(r->ev->arg, path, msg);
}

/* keep_warnings: the part's warnings wait for the end of the file. */
static void
keep_warnings(struct run *r, const struct parsed *p)
{
    const char *w = p->warnings.data, *end = w + p->warnings.len;

    for (; w < end; w += strlen(w) + 1) {
        if (r->npending++ < MAX_WARNINGS)
            buf_append(&r->pending, w, strlen(w) + 1);
        else
            r->hidden++;
    }
    r->undated += p->undated;
}

/* show_warnings: the kept file's warnings, then one line for its
 * articles without a date. */
static void
show_warnings(struct run *r, const struct parsed *p)
{
    const char *w = r->pending.data, *end = w + r->pending.len;
    char day[DATE_MAX], msg[160], many[48] = "";

    for (; w < end; w += strlen(w) + 1)
        warn(r, p->path, w);
    if (r->hidden > 0) {
        snprintf(msg, sizeof(msg), "%ld more warnings not shown", r->hidden);
        warn(r, p->path, msg);
    }
    if (r->undated == 0)
        return;
    date_format_rfc3339(r->opts->has_date ? r->opts->date : p->mtime,
                        r->opts->tz_offset, day);
    if (r->undated > 1)
        snprintf(many, sizeof(many), " for %ld articles", r->undated);
    snprintf(msg, sizeof(msg), "no date found%s, using %s %s", many,
             r->opts->has_date ? "--date" : "the file's modification time",
             day);
    warn(r, p->path, msg);
}

/* file_end: the file is kept, or rolled back when it was rejected; its
 * outcome is reported. */
static int
file_end(struct run *r, const struct parsed *p, struct err *err)
{
    const struct err *why = r->failed ? &r->why : p->rejected ? &p->why : NULL;

    r->in_file = 0;
    if (why != NULL) {
        if (r->savepoint)
            store_rollback_to(r->store);
        r->counts->rejected++;
    } else if (r->savepoint && store_release(r->store, err) < 0) {
        return -1;
    } else {
        r->counts->added += r->file.added;
        r->counts->updated += r->file.updated;
        r->counts->unchanged += r->file.unchanged;
        r->batch_changes += r->file.added + r->file.updated;
        show_warnings(r, p);
    }
    buf_reset(&r->pending);
    r->npending = r->hidden = r->undated = 0;
    r->counts->files_done++;
    if (r->ev && r->ev->file_done)
        r->ev->file_done(r->ev->arg, p->path, r->counts, why);
    if (++r->batch_files >= r->opts->batch_files)
        return batch_end(r, err);
    return 0;
}

/* import_part: stores one part of a file, and ends the file at its last.
 * Returns -1 only when the store itself failed, and then the caller rolls
 * back the batch; a rejected file is counted and reported. */
static int
import_part(struct run *r, struct parsed *p, struct err *err)
{
    if (!r->in_file && file_begin(r, p, err) < 0)
        return -1;
    if (!r->failed && !p->rejected && store_parsed(r, p, &r->why) < 0) {
        if (r->why.code == ERR_DB) {
            *err = r->why;
            r->counts->rejected++;
            return err_prefix(err, "%s", p->path);
        }
        r->failed = 1;
    }
    keep_warnings(r, p); /* after storing, which may add one (keep_date) */
    return p->more ? 0 : file_end(r, p, err);
}

/* store_all: the calling thread's side: every part in order, taking
 * each file's from the reader that took the file. */
static int
store_all(struct run *r, struct deal *d, struct err *err)
{
    struct reader *rd;
    struct parsed *p;
    int rc = 0, more = 0;

    while (rc == 0 && (more || (rd = queue_take(d->turns)) != NULL) &&
           (p = queue_take(rd->queue)) != NULL) {
        more = p->more;
        rc = import_part(r, p, err);
        spent_put(rd, p);
    }
    if (rc == 0)
        return batch_end(r, err);
    if (r->in_batch)
        store_rollback(r->store);
    return rc;
}

/* stop_readers: the storing side wants no more parts; a reader waiting
 * for room or for its turn gives up. */
static void
stop_readers(struct reader *rd, size_t readers)
{
    size_t i;

    deal_end(rd[0].deal);
    for (i = 0; i < readers; i++)
        queue_stop(rd[i].queue);
}

/* run_threads: the readers on threads of their own, the storing here. */
static int
run_threads(struct run *r, struct reader *rd, size_t readers, struct err *err)
{
    pthread_t thread[MAX_READERS];
    size_t i, n;
    int rc = 0;

    for (n = 0; n < readers; n++)
        if ((rc = pthread_create(&thread[n], NULL, read_all, &rd[n])) != 0)
            break;
    if (rc != 0) {
        stop_readers(rd, readers);
        rc = err_set(err, ERR_IO, "cannot start a thread: %s", strerror(rc));
    } else if ((rc = store_all(r, rd[0].deal, err)) < 0) {
        stop_readers(rd, readers);
    }
    for (i = 0; i < n; i++)
        pthread_join(thread[i], NULL);
    return rc;
}

/* count_readers: one per processor, within [1, MAX_READERS]. */
static size_t
count_readers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > MAX_READERS ? MAX_READERS : (size_t)n;
}

static void
readers_init(struct reader *rd, size_t readers, struct deal *deal,
             const struct import_opts *opts)
{
    size_t i;

    for (i = 0; i < readers; i++) {
        memset(&rd[i], 0, sizeof(rd[i]));
        rd[i].opts = opts;
        rd[i].deal = deal;
        buf_init(&rd[i].raw, opts->max_file_bytes + 1);
        buf_init(&rd[i].text, opts->max_file_bytes * 2);
        rd[i].queue = queue_new(QUEUE_FILES, QUEUE_BYTES / readers);
        pthread_mutex_init(&rd[i].spent_lock, NULL);
    }
}

/* readers_free: frees what the readers leave, and what waits in their
 * queues after a failure. */
static void
readers_free(struct reader *rd, size_t readers)
{
    struct parsed *p;
    size_t i;

    for (i = 0; i < readers; i++) {
        while ((p = queue_take(rd[i].queue)) != NULL)
            parsed_free(p);
        spent_free(&rd[i]);
        pthread_mutex_destroy(&rd[i].spent_lock);
        queue_free(rd[i].queue);
        free(rd[i].path);
        buf_release(&rd[i].raw);
        buf_release(&rd[i].text);
    }
}

int
import_run(struct store *store, const struct import_opts *opts,
           char *const *paths, int npaths, const struct import_events *events,
           struct import_counts *counts, struct err *err)
{
    struct err ignored = ERR_INIT;
    struct reader rd[MAX_READERS];
    size_t readers = count_readers();
    struct deal deal;
    struct run r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.pending = (struct buf)BUF_INIT;
    r.store = store;
    r.opts = opts;
    r.ev = events;
    r.counts = counts;
    memset(counts, 0, sizeof(*counts));
    counts->files_total = (long)walk_count(paths, npaths);
    memset(&deal, 0, sizeof(deal));
    pthread_mutex_init(&deal.lock, NULL);
    deal.walk = walk_new(paths, npaths);
    deal.turns = queue_new(QUEUE_FILES, QUEUE_BYTES);
    readers_init(rd, readers, &deal, opts);
    /* the HTML and feed importers parse with libxml2 on the readers, in
     * arenas (arena.h); this also sets up libxml2 before they start */
    arena_install();
    diag_init();
    rc = store_set_cache(store, IMPORT_CACHE_KIB, err) < 0
             ? -1
             : run_threads(&r, rd, readers, err);
    store_set_cache(store, STORE_CACHE_KIB, &ignored);
    buf_release(&r.pending);
    readers_free(rd, readers);
    walk_free(deal.walk);
    queue_free(deal.turns);
    pthread_mutex_destroy(&deal.lock);
    return rc;
}
