/*
 * export: the site as a folder (see export.h for the format).
 *
 * Order of work in export_write, and why:
 *  0. the folder's lock file is locked (flock, exclusive, not waited
 *     for): two builds into one folder would empty each other's
 *     temporary folder and remove each other's files; the second fails
 *     at once, saying so, rather than waiting behind a build of unknown
 *     length;
 *  1. the old manifest is read: it says which files tidings owns (and the
 *     pending file, left by a build that was killed, what it may have
 *     written besides);
 *  2. before a file the manifest does not hold is created, its name is
 *     appended to the pending file, so that if the build is killed, the
 *     next one still knows every file it may have to remove; appending is
 *     cheap where rewriting the manifest of a large site would not be;
 *  3. documents are written, each to a temporary name and renamed, and
 *     skipped when the manifest says the bytes are already there;
 *  4. the header files are written the same way;
 *  5. files of the old manifest that are not in the site are removed;
 *  6. the manifest of the new site is written and the pending file goes.
 * Files are not fsync'ed one by one: rename already guarantees that a
 * crashed process never leaves half a file under a real name, and a
 * static mirror can be rebuilt from the store after a power loss.
 */
#define _DEFAULT_SOURCE /* flock */
#include "tidings/export.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/file.h"
#include "tidings/hash.h"
#include "tidings/site.h"
#include "tidings/strpool.h"
#include "tidings/xalloc.h"

#define MANIFEST_HEADER "# tidings manifest 1: hash flags size path\n"

/* Temporary files are made here and renamed into place; a build that was
 * killed leaves its half-written files here only, and the next one
 * empties the folder first. */
#define TMPDIR "/.tidings-tmp"

/* One line of a manifest.  A pending entry is one the union manifest
 * lists before its file is written: it names a file to remove if the
 * build dies, but says nothing about what is on disk.  An entry the
 * build puts again is updated in place and marked put. */
#define ENTRY_IMMUTABLE (1u << 0)
#define ENTRY_PENDING   (1u << 1)
#define ENTRY_PUT       (1u << 2)

/* A manifest line is at most this long; a path in it shorter still. */
#define MANIFEST_LINE_MAX 8192

struct entry {
    const char *path; /* "/rss.xml" */
    uint64_t hash;
    size_t size;
    unsigned flags;
    enum doc_type type; /* of the document put (the header files need it) */
};

/* The paths of a manifest's entries point into the files it was read
 * from (text) or into its pool; manifest_add copies neither. */
struct manifest {
    struct entry *v;
    size_t len, cap;
    size_t next;          /* the entry after the last one manifest_find found */
    struct strpool paths; /* paths the manifest copied */
    char *text[2];        /* the manifest and the pending list, as read */
};

static void
manifest_release(struct manifest *m)
{
    free(m->v);
    strpool_release(&m->paths);
    free(m->text[0]);
    free(m->text[1]);
    memset(m, 0, sizeof(*m));
}

/* manifest_add: an entry whose path outlives m (or belongs to it). */
static struct entry *
manifest_add(struct manifest *m, const char *path, uint64_t hash, size_t size,
             unsigned flags)
{
    struct entry *e;

    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
    }
    e = &m->v[m->len++];
    e->path = path;
    e->hash = hash;
    e->size = size;
    e->flags = flags;
    e->type = DOC_OTHER;
    return e;
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->path,
                  ((const struct entry *)b)->path);
}

/* manifest_sort: by path; a manifest read back is already in order (it
 * is written that way), and checking costs one pass, sorting many. */
static void
manifest_sort(struct manifest *m)
{
    size_t i;

    for (i = 1; i < m->len; i++)
        if (strcmp(m->v[i - 1].path, m->v[i].path) > 0)
            break;
    if (i < m->len)
        qsort(m->v, m->len, sizeof(*m->v), cmp_entry);
}

/* safe_path: a manifest is data on disk; a path in it must name a file
 * inside the folder: absolute, and no segment empty, "." or ".." (a
 * trailing '/' or "/." names no file tidings writes either). */
static int
safe_path(const char *p)
{
    const char *seg, *end;
    size_t n;

    if (p[0] != '/' || strchr(p, '\\') != NULL)
        return 0;
    for (seg = p + 1;; seg = end + 1) {
        end = strchr(seg, '/');
        n = end != NULL ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') ||
            (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 0;
        if (end == NULL)
            return 1;
    }
}

/* parse_entry: one line (NUL-terminated in place, which the entry's path
 * then points into). */
static int
parse_entry(struct manifest *m, char *line, unsigned pending)
{
    char *flags, *size, *path;
    uint64_t h;

    if ((flags = strchr(line, '\t')) == NULL)
        return -1;
    *flags++ = '\0';
    if ((size = strchr(flags, '\t')) == NULL)
        return -1;
    *size++ = '\0';
    if ((path = strchr(size, '\t')) == NULL || !safe_path(path + 1))
        return -1;
    *path++ = '\0';
    if (hash_parse_hex(line, &h) < 0)
        return -1;
    manifest_add(m, path, h, (size_t)strtoull(size, NULL, 10),
                 (strchr(flags, 'i') ? ENTRY_IMMUTABLE : 0) |
                     (strchr(flags, 'p') ? ENTRY_PENDING : 0) | pending);
    return 0;
}

/* parse_text: the lines of a manifest file, read whole (a large site's
 * is megabytes, read on every build: line by line through stdio, each
 * path copied out, was a tenth of a rebuild). */
static int
parse_text(struct manifest *m, char *text, size_t len, unsigned pending,
           const char *file, struct err *err)
{
    char *line = text, *end = text + len, *nl;
    unsigned lineno = 0;

    for (; line < end; line = nl + 1) {
        lineno++;
        if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
            nl = end; /* the last line, without its newline */
        *nl = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (nl - line >= MANIFEST_LINE_MAX ||
            strlen(line) != (size_t)(nl - line) ||
            parse_entry(m, line, pending) < 0)
            return err_set(err, ERR_PARSE, "%s:%u: malformed manifest line",
                           file, lineno);
    }
    return 0;
}

/* manifest_read: the entries of dir/name added to m (all marked pending
 * when pending is set); a missing file adds nothing (a first build, or no
 * build killed).  m is sorted afterwards.  At most two files per
 * manifest. */
static int
manifest_read(struct manifest *m, const char *dir, const char *name,
              int pending, struct err *err)
{
    struct buf file = BUF_INIT, text = BUF_INIT;
    int slot = m->text[0] != NULL;
    size_t len;
    int rc = 0;

    assert(m->text[1] == NULL);
    buf_appendf(&file, "%s/%s", dir, name);
    if (file_read(file.data, 0, &text, NULL, err) < 0) {
        if (errno == ENOENT)
            err_clear(err);
        else
            rc = err_prefix(err, "'%s'", file.data);
        goto out;
    }
    /* a buf holds a NUL after its bytes: a last line without a newline
     * is cut there */
    m->text[slot] = buf_detach(&text, &len);
    rc = parse_text(m, m->text[slot], len, pending ? ENTRY_PENDING : 0,
                    file.data, err);
    manifest_sort(m);
out:
    buf_release(&file);
    buf_release(&text);
    return rc;
}

/* ---- writing files ----------------------------------------------------- */

static int
write_file(const char *dir, const char *path, const void *data, size_t len,
           int64_t mtime, struct err *err)
{
    struct buf tmp = BUF_INIT;
    int rc;

    buf_appendf(&tmp, "%s" TMPDIR, dir);
    rc = file_write_atomic_via(path, tmp.data, data, len, mtime, err);
    buf_release(&tmp);
    return rc;
}

/* is_current: the file already holds these bytes, by the manifest's word
 * and the size on disk (a cheap check that catches truncation).  A stub
 * (a document the caller took over from this very manifest, with no
 * bytes) is taken at the manifest's word alone: an incremental build of a
 * large site must not cost a stat per file; `build --full` rewrites files
 * removed by hand. */
static int
is_current(const struct entry *e, const struct doc *d, const char *file)
{
    struct stat sb;

    if (e == NULL || (e->flags & ENTRY_PENDING) || e->hash != d->hash ||
        e->size != d->len)
        return 0;
    return d->body == NULL ||
           (stat(file, &sb) == 0 && (size_t)sb.st_size == d->len);
}

/* write_doc: writes d unless e, its entry in the old manifest (or NULL),
 * says the file already holds its bytes. */
static int
write_doc(const struct doc *d, const char *dir, const struct entry *e,
          struct export_stats *st, struct err *err)
{
    struct buf file = BUF_INIT, gzname = BUF_INIT;
    char *gz = NULL;
    size_t gz_len = d->gz_len;
    int rc = 0;

    /* an incremental build passes here for every document of the site,
     * most of them stubs the manifest holds: those cost no file name */
    if (d->body == NULL && is_current(e, d, NULL)) {
        st->unchanged++;
        return 0;
    }
    buf_puts(&file, dir);
    buf_puts(&file, d->path);
    buf_append(&gzname, file.data, file.len);
    buf_append(&gzname, ".gz", 3);
    if (is_current(e, d, file.data) &&
        (d->body == NULL || !site_is_text(d->type) ||
         access(gzname.data, F_OK) == 0)) {
        st->unchanged++;
        goto out;
    }
    if (d->body == NULL) {
        rc = err_set(err, ERR_NOTFOUND, "'%s' is not on disk as it was built",
                     file.data);
        goto out;
    }
    rc = write_file(dir, file.data, d->body, d->len, d->mtime, err);
    if (rc == 0 && site_is_text(d->type)) {
        /* a .gz beside every text document, even when it is not smaller:
         * static hosts pick it by its presence */
        if (d->gz == NULL)
            gz = site_gzip(d->body, d->len, &gz_len);
        rc = write_file(dir, gzname.data, gz ? gz : d->gz, gz_len, d->mtime,
                        err);
    }
    st->written += rc == 0;
out:
    free(gz);
    buf_release(&file);
    buf_release(&gzname);
    return rc;
}

/* ---- header files ------------------------------------------------------ */

/* cache_controls: the two Cache-Control values of a site, plain [0] and
 * immutable [1], formatted once rather than for every path. */
static void
cache_controls(long max_age, char cc[2][96])
{
    struct doc probe;

    memset(&probe, 0, sizeof(probe));
    site_cache_control(&probe, max_age, cc[0], sizeof(cc[0]));
    probe.immutable = 1;
    site_cache_control(&probe, max_age, cc[1], sizeof(cc[1]));
}

/* ARTICLES: the folder of article pages.  They all take the same headers,
 * so one rule covers them: the file is a tenth of the size at 100 000
 * articles, and each build writes it again. */
#define ARTICLES "/articles/"

/* same_run: the number of entries from i on under prefix, or 0 when
 * they do not all share the type and Cache-Control of the first (the
 * manifest is sorted by path, so the folder's documents are contiguous). */
static size_t
same_run(const struct manifest *m, size_t i, const char *prefix)
{
    size_t j, n = strlen(prefix);

    for (j = i; j < m->len && strncmp(m->v[j].path, prefix, n) == 0; j++)
        if (m->v[j].type != m->v[i].type ||
            (m->v[j].flags & ENTRY_IMMUTABLE) !=
                (m->v[i].flags & ENTRY_IMMUTABLE))
            return 0;
    return j - i;
}

/* netlify_rule: one path (or pattern) and its headers. */
static void
netlify_rule(struct buf *out, const char *path, const struct entry *e,
             const char *cc)
{
    buf_puts(out, path);
    buf_puts(out, "\n  Content-Type: ");
    buf_puts(out, site_content_type(e->type));
    buf_puts(out, "\n  Cache-Control: ");
    buf_puts(out, cc);
    buf_puts(out, "\n  X-Content-Type-Options: nosniff\n");
}

static void
headers_netlify(const struct manifest *m, long max_age, struct buf *out)
{
    char cc[2][96];
    size_t i, run;
    int articles_seen = 0; /* the folder was looked at (once) */

    cache_controls(max_age, cc);
    buf_puts(out, "# Generated by tidings build: response headers per path\n"
                  "# (Netlify and Cloudflare Pages read this file).\n");
    for (i = 0; i < m->len; i++) {
        const struct entry *e = &m->v[i];
        const char *cd = cc[(e->flags & ENTRY_IMMUTABLE) != 0];

        if (!articles_seen &&
            strncmp(e->path, ARTICLES, strlen(ARTICLES)) == 0) {
            articles_seen = 1;
            if ((run = same_run(m, i, ARTICLES)) > 0) {
                netlify_rule(out, ARTICLES "*", e, cd);
                i += run - 1;
                continue;
            }
        }
        netlify_rule(out, strcmp(e->path, "/index.html") == 0 ? "/" : e->path,
                     e, cd);
        if (strcmp(e->path, "/index.html") == 0)
            buf_appendf(out,
                        "/index.html\n  Content-Type: %s\n"
                        "  Cache-Control: %s\n",
                        site_content_type(e->type), cc[0]);
    }
}

/* The nginx include maps types by file name and gives immutable pages
 * their own exact locations; `include` it inside the server block whose
 * root is the folder.  tidings' own files there (_headers, the include
 * itself, .tidings-manifest, -pending, -lock and -tmp/) answer 404. */
static void
nginx_location(struct buf *out, const char *op, const char *match,
               enum doc_type t, const char *cc)
{
    /* by pieces, not printf: a large site has thousands of archive pages */
    buf_puts(out, "location ");
    buf_puts(out, op);
    buf_puts(out, match);
    buf_puts(out, " {\n    types { }\n    default_type \"");
    buf_puts(out, site_content_type(t));
    buf_puts(out, "\";\n    gzip_static on;\n    etag on;\n"
                  "    add_header Cache-Control \"");
    buf_puts(out, cc);
    buf_puts(out, "\";\n    add_header Vary Accept-Encoding;\n"
                  "    add_header X-Content-Type-Options nosniff;\n}\n");
}

static void
headers_nginx(const struct manifest *m, long max_age, struct buf *out)
{
    static const struct {
        const char *match;
        enum doc_type type;
    } kinds[] = {
        { "~ /rss\\.xml$", DOC_RSS }, { "~ \\.xml$", DOC_ATOM },
        { "~ \\.json$", DOC_JSON },   { "~ \\.opml$", DOC_OPML },
        { "~ \\.xsl$", DOC_XSL },     { "~ \\.html$", DOC_HTML },
        { "= /", DOC_HTML },
    };
    char cc[2][96];
    size_t i;

    cache_controls(max_age, cc);
    buf_puts(out, "# Generated by tidings build: include in the nginx server\n"
                  "# block whose root is this folder.\nindex index.html;\n");
    /* the folder's bookkeeping is not part of the site: exact and ^~
     * locations win over the regular expressions below */
    buf_puts(out, "location = /" EXPORT_HEADERS " { return 404; }\n"
                  "location = /" EXPORT_NGINX " { return 404; }\n"
                  "location ^~ /.tidings- { return 404; }\n");
    for (i = 0; i < m->len; i++)
        if (m->v[i].flags & ENTRY_IMMUTABLE)
            nginx_location(out, "= ", m->v[i].path, m->v[i].type, cc[1]);
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        nginx_location(out, "", kinds[i].match, kinds[i].type, cc[0]);
}

/* write_if_changed: for the small generated files, compared in full. */
static int
write_if_changed(const char *dir, const char *name, const struct buf *b,
                 struct err *err)
{
    struct buf path = BUF_INIT, old = BUF_INIT;
    struct err ignored = ERR_INIT;
    struct stat sb;
    int rc = 0;

    buf_appendf(&path, "%s/%s", dir, name);
    /* a size that differs settles it without reading the old file (the
     * manifest and _headers of a large site are megabytes) */
    if (stat(path.data, &sb) < 0 || (size_t)sb.st_size != b->len ||
        file_read(path.data, 0, &old, NULL, &ignored) < 0 ||
        old.len != b->len || memcmp(old.data, b->data, b->len) != 0)
        rc = write_file(dir, path.data, b->data, b->len, 0, err);
    buf_release(&path);
    buf_release(&old);
    return rc;
}

/* ---- the manifest and stale files -------------------------------------- */

/* put_size: n in decimal (the manifest is written for every build of a
 * large site; printf was most of its cost). */
static void
put_size(struct buf *out, size_t n)
{
    char d[24];
    size_t k = sizeof(d);

    do {
        d[--k] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    buf_append(out, d + k, sizeof(d) - k);
}

static void
manifest_format(const struct manifest *m, struct buf *out)
{
    static const char *const flags[] = { "-", "i", "p", "ip" };
    char hex[HASH_HEX_LEN + 1];
    size_t i;

    buf_puts(out, MANIFEST_HEADER);
    for (i = 0; i < m->len; i++) {
        hash_hex(m->v[i].hash, hex);
        buf_append(out, hex, HASH_HEX_LEN);
        buf_putc(out, '\t');
        buf_puts(out, flags[m->v[i].flags & 3]);
        buf_putc(out, '\t');
        put_size(out, m->v[i].size);
        buf_putc(out, '\t');
        buf_puts(out, m->v[i].path);
        buf_putc(out, '\n');
    }
}

/* remove_empty_parents: folders emptied by removals go too, up to dir. */
static void
remove_empty_parents(char *file, size_t dir_len)
{
    char *slash;

    while ((slash = strrchr(file, '/')) != NULL &&
           (size_t)(slash - file) > dir_len) {
        *slash = '\0';
        if (rmdir(file) < 0)
            break;
    }
}

/* same_path: the entries from i on that share its path (a manifest
 * damaged or edited by hand may list one twice, and a killed build's
 * pending list names paths the manifest holds), and whether one of them
 * was put. */
static size_t
same_path(const struct manifest *m, size_t i, int *put)
{
    size_t k = i;

    *put = 0;
    do
        *put |= (m->v[k].flags & ENTRY_PUT) != 0;
    while (++k < m->len && strcmp(m->v[k].path, m->v[i].path) == 0);
    return k - i;
}

/* remove_stale: the files of old's paths that were not put. */
static int
remove_stale(const struct manifest *old, const char *dir,
             struct export_stats *st, struct err *err)
{
    struct buf file = BUF_INIT;
    size_t i, n;
    int put, rc = 0;

    for (i = 0; i < old->len && rc == 0; i += n) {
        n = same_path(old, i, &put);
        if (put)
            continue;
        buf_reset(&file);
        buf_appendf(&file, "%s%s.gz", dir, old->v[i].path);
        if (unlink(file.data) < 0 && errno != ENOENT)
            rc = err_errno(err, ERR_IO, "cannot remove '%s'", file.data);
        buf_truncate(&file, file.len - 3);
        if (unlink(file.data) < 0 && errno != ENOENT)
            rc = err_errno(err, ERR_IO, "cannot remove '%s'", file.data);
        remove_empty_parents(file.data, strlen(dir));
        st->removed++;
    }
    buf_release(&file);
    return rc;
}

static int
write_manifest(const char *dir, const struct manifest *m, struct err *err)
{
    struct buf b = BUF_INIT;
    int rc;

    manifest_format(m, &b);
    rc = write_if_changed(dir, EXPORT_MANIFEST, &b, err);
    buf_release(&b);
    return rc;
}

/* is_first: v[i] holds path, and is the first entry that does. */
static int
is_first(const struct manifest *m, size_t i, const char *path)
{
    return i < m->len && strcmp(m->v[i].path, path) == 0 &&
           (i == 0 || strcmp(m->v[i - 1].path, path) != 0);
}

/* manifest_find: the entry for path in a sorted manifest, for paths
 * that come in any order (a streamed build).  Most come in the manifest's
 * order (a site's article pages, by slug), so the entry after the last
 * one found is tried before a binary search, whose every step missed the
 * cache on a large site. */
static struct entry *
manifest_find(struct manifest *m, const char *path)
{
    size_t lo = 0, hi = m->len;

    /* the last one found again (export_holds, then export_put), or the
     * next */
    if (m->next > 0 && is_first(m, m->next - 1, path))
        return &m->v[m->next - 1];
    if (is_first(m, m->next, path))
        return &m->v[m->next++];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->v[mid].path, path);

        if (c == 0) {
            while (mid > 0 && strcmp(m->v[mid - 1].path, path) == 0)
                mid--;
            m->next = mid + 1;
            return &m->v[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* drop_pending: once the manifest holds the new site. */
static int
drop_pending(const char *dir, struct err *err)
{
    struct buf name = BUF_INIT;
    int rc = 0;

    buf_appendf(&name, "%s/%s", dir, EXPORT_PENDING);
    if (unlink(name.data) < 0 && errno != ENOENT)
        rc = err_errno(err, ERR_IO, "cannot remove '%s'", name.data);
    buf_release(&name);
    return rc;
}

static int
write_headers(const struct manifest *m, const char *dir, long max_age,
              struct err *err)
{
    struct buf b = BUF_INIT;
    int rc;

    headers_netlify(m, max_age, &b);
    rc = write_if_changed(dir, EXPORT_HEADERS, &b, err);
    buf_reset(&b);
    headers_nginx(m, max_age, &b);
    if (rc == 0)
        rc = write_if_changed(dir, EXPORT_NGINX, &b, err);
    buf_release(&b);
    return rc;
}

/* A folder being written. */
struct export
{
    char *dir;
    int lock_fd;           /* the folder's lock file, locked; -1: none */
    struct manifest old;   /* the manifest and pending entries found */
    struct manifest added; /* documents put whose paths old lacks */
    struct buf tmp;        /* dir/.tidings-tmp */
    int pending_fd;        /* the pending file, opened at the first new file */
    struct export_stats st;
};

/* lock_folder: the open, locked lock file of dir (closing it unlocks),
 * or -1 with err: ERR_IO, also when another build holds it. */
static int
lock_folder(const char *dir, struct err *err)
{
    struct buf name = BUF_INIT;
    int fd;

    buf_appendf(&name, "%s/%s", dir, EXPORT_LOCK);
    fd = open(name.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        err_errno(err, ERR_IO, "cannot open '%s'", name.data);
    } else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            err_set(err, ERR_IO, "%s: another build is writing it", dir);
        else
            err_errno(err, ERR_IO, "cannot lock '%s'", name.data);
        close(fd);
        fd = -1;
    }
    buf_release(&name);
    return fd;
}

int
export_begin(struct export **out, const char *dir, struct err *err)
{
    struct export *x = xcalloc(1, sizeof(*x));

    *out = NULL;
    x->dir = xstrdup(dir);
    x->pending_fd = -1;
    x->lock_fd = -1;
    buf_init(&x->tmp, 0);
    buf_appendf(&x->tmp, "%s" TMPDIR, dir);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        err_errno(err, ERR_IO, "cannot create '%s'", dir);
        goto fail;
    }
    if ((x->lock_fd = lock_folder(dir, err)) < 0 ||
        file_clear_dir(x->tmp.data, err) < 0 ||
        manifest_read(&x->old, dir, EXPORT_MANIFEST, 0, err) < 0 ||
        manifest_read(&x->old, dir, EXPORT_PENDING, 1, err) < 0)
        goto fail;
    *out = x;
    return 0;
fail:
    export_free(x);
    return -1;
}

void
export_free(struct export *x)
{
    if (x == NULL)
        return;
    if (x->pending_fd >= 0)
        close(x->pending_fd);
    if (x->lock_fd >= 0)
        close(x->lock_fd); /* the lock goes with it */
    manifest_release(&x->old);
    manifest_release(&x->added);
    buf_release(&x->tmp);
    free(x->dir);
    free(x);
}

/* announce: step 2 above, one file at a time.  A file the manifest does
 * not hold is named in the pending file before it is created, so that a
 * build killed after creating it still knows to remove it later. */
static int
announce(struct export *x, const struct doc *d, struct err *err)
{
    struct manifest one;
    struct buf line = BUF_INIT, name = BUF_INIT;
    const char *body;
    int rc = 0;

    memset(&one, 0, sizeof(one));
    manifest_add(&one, d->path, d->hash, d->len, ENTRY_PENDING);
    manifest_format(&one, &line);
    body = strchr(line.data, '\n') + 1; /* without the header line */
    if (x->pending_fd < 0) {
        buf_appendf(&name, "%s/%s", x->dir, EXPORT_PENDING);
        x->pending_fd =
            open(name.data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (x->pending_fd < 0)
            rc = err_errno(err, ERR_IO, "cannot open '%s'", name.data);
    }
    if (rc == 0 && write(x->pending_fd, body, strlen(body)) < 0)
        rc = err_errno(err, ERR_IO, "cannot write '%s'", EXPORT_PENDING);
    manifest_release(&one);
    buf_release(&line);
    buf_release(&name);
    return rc;
}

int
export_holds(struct export *x, const char *path, uint64_t hash, size_t size)
{
    const struct entry *e = manifest_find(&x->old, path);

    return e != NULL && !(e->flags & ENTRY_PENDING) && e->hash == hash &&
           e->size == size;
}

/* export_put records the new site in the old manifest: the entry of a
 * path it holds is updated and marked put (a rebuild of a large site
 * puts nearly every path it holds, in order, and so needs no sorting);
 * a path it does not hold goes to added. */
int
export_put(struct export *x, const struct doc *d, struct err *err)
{
    struct entry *e = manifest_find(&x->old, d->path);

    if ((e == NULL || (e->flags & ENTRY_PENDING)) && d->body != NULL &&
        announce(x, d, err) < 0)
        return -1;
    if (write_doc(d, x->dir, e, &x->st, err) < 0)
        return -1;
    if (e == NULL)
        e = manifest_add(&x->added,
                         strpool_dup(&x->added.paths, d->path, strlen(d->path)),
                         0, 0, 0);
    assert(!(e->flags & ENTRY_PUT)); /* a path is put once */
    e->hash = d->hash;
    e->size = d->len;
    e->flags = ENTRY_PUT | (d->immutable ? ENTRY_IMMUTABLE : 0);
    e->type = d->type;
    return 0;
}

/* manifest_merge: the new site's manifest into cur (paths borrowed):
 * the entries of old that were put and those of added (sorted), in path
 * order.  No path is in both: export_put found old's. */
static void
manifest_merge(const struct manifest *old, const struct manifest *added,
               struct manifest *cur)
{
    size_t i = 0, j = 0;
    const struct entry *e;

    while (i < old->len || j < added->len) {
        if (i < old->len && !(old->v[i].flags & ENTRY_PUT)) {
            i++;
            continue;
        }
        if (j == added->len ||
            (i < old->len && strcmp(old->v[i].path, added->v[j].path) < 0))
            e = &old->v[i++];
        else
            e = &added->v[j++];
        *manifest_add(cur, e->path, 0, 0, 0) = *e;
    }
}

int
export_finish(struct export *x, long max_age, struct export_stats *st,
              struct err *err)
{
    struct manifest cur;
    size_t i;
    int rc = -1;

    memset(&cur, 0, sizeof(cur));
    manifest_sort(&x->added);
    for (i = 1; i < x->added.len; i++) /* a path is put once */
        assert(strcmp(x->added.v[i - 1].path, x->added.v[i].path) != 0);
    manifest_merge(&x->old, &x->added, &cur);
    if (write_headers(&cur, x->dir, max_age, err) < 0 ||
        remove_stale(&x->old, x->dir, &x->st, err) < 0 ||
        write_manifest(x->dir, &cur, err) < 0)
        goto out;
    if (x->pending_fd >= 0)
        close(x->pending_fd);
    x->pending_fd = -1;
    if (drop_pending(x->dir, err) < 0)
        goto out;
    rmdir(x->tmp.data);
    *st = x->st;
    rc = 0;
out:
    manifest_release(&cur);
    return rc;
}

int
export_write(const struct site *s, const char *dir, long max_age,
             struct export_stats *st, struct err *err)
{
    struct export *x;
    size_t i;
    int rc = -1;

    memset(st, 0, sizeof(*st));
    if (export_begin(&x, dir, err) < 0)
        return -1;
    for (i = 0; i < s->ndocs; i++)
        if (export_put(x, &s->docs[i], err) < 0)
            goto out;
    rc = export_finish(x, max_age, st, err);
out:
    export_free(x);
    return rc;
}

/* ---- reading a folder back --------------------------------------------- */

/* load_gz: the .gz beside file (file.gz), into *gz (NULL when there is
 * none: the site computes it); -1 when it is there but is not the gzip
 * form of body, as when a mirror is copied .gz files last and the new
 * manifest and bodies have arrived before them. */
static int
load_gz(struct buf *file, const struct buf *body, char **gz, size_t *gz_len,
        struct err *err)
{
    struct buf bytes = BUF_INIT;
    struct err none = ERR_INIT;

    *gz = NULL;
    *gz_len = 0;
    buf_puts(file, ".gz");
    if (file_read(file->data, 0, &bytes, NULL, &none) < 0)
        return 0;
    if (!site_gzip_holds(bytes.data, bytes.len, body->data, body->len)) {
        buf_release(&bytes);
        return err_set(err, ERR_IO,
                       "'%s' is not the gzip form of the "
                       "document beside it",
                       file->data);
    }
    *gz = buf_detach(&bytes, gz_len);
    return 0;
}

/* load_doc: one document of the manifest, with its .gz when present.
 * The bytes must be those the manifest lists (hash and size): a folder
 * caught half-way through a copy or a build fails to load, rather than
 * mixing two versions under one ETag. */
static int
load_doc(struct site *s, const char *dir, const struct entry *e,
         struct err *err)
{
    struct buf file = BUF_INIT, body = BUF_INIT;
    int64_t mtime = 0;
    size_t len, gz_len;
    char *gz = NULL;
    int rc = -1;

    buf_appendf(&file, "%s%s", dir, e->path);
    if (file_read(file.data, 0, &body, &mtime, err) < 0) {
        err_prefix(err, "'%s'", file.data);
        goto out;
    }
    if (body.len != e->size || hash64(body.data, body.len) != e->hash) {
        err_set(err, ERR_IO, "'%s' is not the file %s lists", file.data,
                EXPORT_MANIFEST);
        goto out;
    }
    if (load_gz(&file, &body, &gz, &gz_len, err) < 0)
        goto out;
    len = body.len;
    site_add_gz(s, e->path, buf_detach(&body, NULL), len, gz, gz_len, mtime)
        ->immutable = (e->flags & ENTRY_IMMUTABLE) != 0;
    rc = 0;
out:
    buf_release(&file);
    buf_release(&body);
    return rc;
}

/* is_listed: entry i of a sorted manifest, taken in order, is a document
 * the folder holds: not a pending name, and not a second line for the
 * path last listed (a manifest edited by hand or damaged; the site would
 * refuse the path twice).  *last is that path, NULL before the first. */
static int
is_listed(const struct manifest *m, size_t i, const char **last)
{
    if ((m->v[i].flags & ENTRY_PENDING) || /* a killed build's */
        (*last != NULL && strcmp(*last, m->v[i].path) == 0))
        return 0;
    *last = m->v[i].path;
    return 1;
}

int
export_load(struct site *s, const char *dir, struct err *err)
{
    struct manifest m;
    const char *last = NULL;
    struct stat sb;
    size_t i;
    int rc = 0;

    memset(&m, 0, sizeof(m));
    if (manifest_read(&m, dir, EXPORT_MANIFEST, 0, err) < 0) {
        manifest_release(&m);
        return -1;
    }
    if (m.len == 0 && stat(dir, &sb) < 0)
        rc = err_errno(err, ERR_IO, "cannot open '%s'", dir);
    else if (m.len == 0)
        rc = err_set(err, ERR_IO, "'%s' holds no site built by tidings", dir);
    for (i = 0; i < m.len && rc == 0; i++)
        if (is_listed(&m, i, &last))
            rc = load_doc(s, dir, &m.v[i], err);
    manifest_release(&m);
    if (rc < 0) {
        site_release(s);
        return -1;
    }
    site_finish(s);
    return 0;
}

void
export_index(const struct export *x, struct site *s)
{
    const char *last = NULL;
    size_t i;

    for (i = 0; i < x->old.len; i++)
        if (is_listed(&x->old, i, &last))
            site_add_stub(s, x->old.v[i].path, x->old.v[i].hash,
                          x->old.v[i].size,
                          x->old.v[i].flags & ENTRY_IMMUTABLE);
    site_finish(s);
}
