/*
 * export: the site as a folder (see export.h for the format).
 *
 * Order of work in export_write, and why:
 *  1. the old manifest is read: it says which files tidings owns;
 *  2. a manifest listing old and new files together is written first, so
 *     that if the build is killed, the next one still knows every file it
 *     may have to remove;
 *  3. documents are written, each to a temporary name and renamed, and
 *     skipped when the manifest says the bytes are already there;
 *  4. the header files are written the same way;
 *  5. files of the old manifest that are not in the site are removed;
 *  6. the manifest of the new site replaces the combined one.
 * Files are not fsync'ed one by one: rename already guarantees that a
 * crashed process never leaves half a file under a real name, and a
 * static mirror can be rebuilt from the store after a power loss.
 */
#include "tidings/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/file.h"
#include "tidings/hash.h"
#include "tidings/site.h"
#include "tidings/xalloc.h"

#define MANIFEST_HEADER "# tidings manifest 1: hash flags size path\n"

/* One line of a manifest. */
struct entry {
    char *path; /* "/rss.xml" */
    uint64_t hash;
    size_t size;
    int immutable;
};

struct manifest {
    struct entry *v;
    size_t len, cap;
};

static void
manifest_release(struct manifest *m)
{
    size_t i;

    for (i = 0; i < m->len; i++)
        free(m->v[i].path);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

static void
manifest_add(struct manifest *m, const char *path, uint64_t hash, size_t size,
             int immutable)
{
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
    }
    m->v[m->len].path = xstrdup(path);
    m->v[m->len].hash = hash;
    m->v[m->len].size = size;
    m->v[m->len].immutable = immutable;
    m->len++;
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->path,
                  ((const struct entry *)b)->path);
}

static const struct entry *
manifest_find(const struct manifest *m, const char *path)
{
    struct entry key;

    key.path = (char *)(uintptr_t)path;
    return m->len ? bsearch(&key, m->v, m->len, sizeof(*m->v), cmp_entry)
                  : NULL;
}

/* safe_path: a manifest is data on disk; a path in it must stay inside the
 * folder. */
static int
safe_path(const char *p)
{
    return p[0] == '/' && p[1] != '\0' && strstr(p, "/../") == NULL &&
           strstr(p, "//") == NULL && strcmp(p + strlen(p) - 3, "/..") != 0 &&
           strncmp(p, "/./", 3) != 0 && strchr(p, '\\') == NULL;
}

static int
parse_entry(struct manifest *m, char *line)
{
    char *flags, *size, *path, *end;
    unsigned long long h;

    if ((flags = strchr(line, '\t')) == NULL)
        return -1;
    *flags++ = '\0';
    if ((size = strchr(flags, '\t')) == NULL)
        return -1;
    *size++ = '\0';
    if ((path = strchr(size, '\t')) == NULL || !safe_path(path + 1))
        return -1;
    *path++ = '\0';
    h = strtoull(line, &end, 16);
    if (*end != '\0')
        return -1;
    manifest_add(m, path, h, (size_t)strtoull(size, NULL, 10),
                 strchr(flags, 'i') != NULL);
    return 0;
}

/* manifest_read: a missing manifest is an empty one (a first build). */
static int
manifest_read(struct manifest *m, const char *dir, struct err *err)
{
    struct buf name = BUF_INIT;
    char line[8192];
    unsigned lineno = 0;
    FILE *fp;
    int rc = 0;

    buf_appendf(&name, "%s/%s", dir, EXPORT_MANIFEST);
    if ((fp = fopen(name.data, "r")) == NULL) {
        if (errno != ENOENT)
            rc = err_errno(err, ERR_IO, "cannot open '%s'", name.data);
        goto out;
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (parse_entry(m, line) < 0)
            rc = err_set(err, ERR_PARSE, "%s:%u: malformed manifest line",
                         name.data, lineno);
    }
    fclose(fp);
    if (m->len > 1)
        qsort(m->v, m->len, sizeof(*m->v), cmp_entry);
out:
    buf_release(&name);
    return rc;
}

/* ---- writing files ----------------------------------------------------- */

/* is_current: the file already holds these bytes, by the manifest's word
 * and the size on disk (a cheap check that catches truncation). */
static int
is_current(const struct manifest *old, const struct doc *d, const char *file)
{
    const struct entry *e = manifest_find(old, d->path);
    struct stat sb;

    return e != NULL && e->hash == d->hash && e->size == d->len &&
           stat(file, &sb) == 0 && (size_t)sb.st_size == d->len;
}

static int
write_doc(const struct doc *d, const char *dir, const struct manifest *old,
          struct export_stats *st, struct err *err)
{
    struct buf file = BUF_INIT, gzname = BUF_INIT;
    char *gz = NULL;
    size_t gz_len = d->gz_len;
    int rc = 0;

    buf_appendf(&file, "%s%s", dir, d->path);
    buf_appendf(&gzname, "%s.gz", file.data);
    if (is_current(old, d, file.data) &&
        (!site_is_text(d->type) || access(gzname.data, F_OK) == 0)) {
        st->unchanged++;
        goto out;
    }
    rc = file_write_atomic(file.data, d->body, d->len, d->mtime, err);
    if (rc == 0 && site_is_text(d->type)) {
        /* a .gz beside every text document, even when it is not smaller:
         * static hosts pick it by its presence */
        if (d->gz == NULL)
            gz = site_gzip(d->body, d->len, &gz_len);
        rc = file_write_atomic(gzname.data, gz ? gz : d->gz, gz_len, d->mtime,
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

static void
headers_netlify(const struct site *s, long max_age, struct buf *out)
{
    char cc[96];
    size_t i;

    buf_puts(out, "# Generated by tidings build: response headers per path\n"
                  "# (Netlify and Cloudflare Pages read this file).\n");
    for (i = 0; i < s->ndocs; i++) {
        const struct doc *d = &s->docs[i];

        site_cache_control(d, max_age, cc, sizeof(cc));
        buf_appendf(out,
                    "%s\n  Content-Type: %s\n  Cache-Control: %s\n"
                    "  X-Content-Type-Options: nosniff\n",
                    strcmp(d->path, "/index.html") == 0 ? "/" : d->path,
                    site_content_type(d->type), cc);
        if (strcmp(d->path, "/index.html") == 0)
            buf_appendf(out,
                        "/index.html\n  Content-Type: %s\n"
                        "  Cache-Control: %s\n",
                        site_content_type(d->type), cc);
    }
}

/* The nginx include maps types by file name and gives immutable pages
 * their own exact locations; `include` it inside the server block whose
 * root is the folder. */
static void
nginx_location(struct buf *out, const char *match, enum doc_type t,
               const char *cc)
{
    buf_appendf(out,
                "location %s {\n    types { }\n    default_type \"%s\";\n"
                "    gzip_static on;\n    etag on;\n"
                "    add_header Cache-Control \"%s\";\n"
                "    add_header Vary Accept-Encoding;\n"
                "    add_header X-Content-Type-Options nosniff;\n}\n",
                match, site_content_type(t), cc);
}

static void
headers_nginx(const struct site *s, long max_age, struct buf *out)
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
    char cc[96], match[4200];
    struct doc plain;
    size_t i;

    memset(&plain, 0, sizeof(plain));
    site_cache_control(&plain, max_age, cc, sizeof(cc));
    buf_puts(out, "# Generated by tidings build: include in the nginx server\n"
                  "# block whose root is this folder.\nindex index.html;\n");
    for (i = 0; i < s->ndocs; i++) {
        if (!s->docs[i].immutable)
            continue;
        site_cache_control(&s->docs[i], max_age, cc, sizeof(cc));
        snprintf(match, sizeof(match), "= %s", s->docs[i].path);
        nginx_location(out, match, s->docs[i].type, cc);
    }
    site_cache_control(&plain, max_age, cc, sizeof(cc));
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        nginx_location(out, kinds[i].match, kinds[i].type, cc);
}

/* write_if_changed: for the small generated files, compared in full. */
static int
write_if_changed(const char *dir, const char *name, const struct buf *b,
                 struct err *err)
{
    struct buf path = BUF_INIT, old = BUF_INIT;
    struct err ignored = ERR_INIT;
    int rc = 0;

    buf_appendf(&path, "%s/%s", dir, name);
    if (file_read(path.data, 0, &old, NULL, &ignored) < 0 ||
        old.len != b->len || memcmp(old.data, b->data, b->len) != 0)
        rc = file_write_atomic(path.data, b->data, b->len, 0, err);
    buf_release(&path);
    buf_release(&old);
    return rc;
}

/* ---- the manifest and stale files -------------------------------------- */

static void
manifest_format(const struct manifest *m, struct buf *out)
{
    char hex[HASH_HEX_LEN + 1];
    size_t i;

    buf_puts(out, MANIFEST_HEADER);
    for (i = 0; i < m->len; i++) {
        hash_hex(m->v[i].hash, hex);
        buf_appendf(out, "%s\t%s\t%zu\t%s\n", hex,
                    m->v[i].immutable ? "i" : "-", m->v[i].size, m->v[i].path);
    }
}

static void
manifest_of_site(const struct site *s, struct manifest *m)
{
    size_t i;

    for (i = 0; i < s->ndocs; i++)
        manifest_add(m, s->docs[i].path, s->docs[i].hash, s->docs[i].len,
                     s->docs[i].immutable);
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

static int
remove_stale(const struct manifest *old, const struct site *s, const char *dir,
             struct export_stats *st, struct err *err)
{
    struct buf file = BUF_INIT;
    size_t i;
    int rc = 0;

    for (i = 0; i < old->len && rc == 0; i++) {
        if (site_find(s, old->v[i].path) != NULL)
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

/* write_union: the manifest of old and new together (step 2 above). */
static int
write_union(const char *dir, const struct manifest *old,
            const struct manifest *cur, struct err *err)
{
    struct manifest both;
    size_t i;
    int rc;

    memset(&both, 0, sizeof(both));
    for (i = 0; i < cur->len; i++)
        manifest_add(&both, cur->v[i].path, cur->v[i].hash, cur->v[i].size,
                     cur->v[i].immutable);
    for (i = 0; i < old->len; i++)
        if (manifest_find(cur, old->v[i].path) == NULL)
            manifest_add(&both, old->v[i].path, old->v[i].hash, old->v[i].size,
                         old->v[i].immutable);
    if (both.len > 1)
        qsort(both.v, both.len, sizeof(*both.v), cmp_entry);
    rc = write_manifest(dir, &both, err);
    manifest_release(&both);
    return rc;
}

static int
write_headers(const struct site *s, const char *dir, long max_age,
              struct err *err)
{
    struct buf b = BUF_INIT;
    int rc;

    headers_netlify(s, max_age, &b);
    rc = write_if_changed(dir, EXPORT_HEADERS, &b, err);
    buf_reset(&b);
    headers_nginx(s, max_age, &b);
    if (rc == 0)
        rc = write_if_changed(dir, EXPORT_NGINX, &b, err);
    buf_release(&b);
    return rc;
}

int
export_write(const struct site *s, const char *dir, long max_age,
             struct export_stats *st, struct err *err)
{
    struct manifest old, cur;
    size_t i;
    int rc = -1;

    memset(st, 0, sizeof(*st));
    memset(&old, 0, sizeof(old));
    memset(&cur, 0, sizeof(cur));
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return err_errno(err, ERR_IO, "cannot create '%s'", dir);
    if (manifest_read(&old, dir, err) < 0)
        goto out;
    manifest_of_site(s, &cur);
    if (write_union(dir, &old, &cur, err) < 0)
        goto out;
    for (i = 0; i < s->ndocs; i++)
        if (write_doc(&s->docs[i], dir, &old, st, err) < 0)
            goto out;
    if (write_headers(s, dir, max_age, err) < 0 ||
        remove_stale(&old, s, dir, st, err) < 0 ||
        write_manifest(dir, &cur, err) < 0)
        goto out;
    rc = 0;
out:
    manifest_release(&old);
    manifest_release(&cur);
    return rc;
}

/* ---- reading a folder back --------------------------------------------- */

/* load_doc: one document of the manifest, with its .gz when present. */
static int
load_doc(struct site *s, const char *dir, const struct entry *e,
         struct err *err)
{
    struct buf file = BUF_INIT, body = BUF_INIT, gz = BUF_INIT;
    struct err no_gz = ERR_INIT;
    int64_t mtime = 0;
    size_t len, gz_len;
    char *gz_bytes;
    int rc = -1;

    buf_appendf(&file, "%s%s", dir, e->path);
    if (file_read(file.data, 0, &body, &mtime, err) < 0) {
        err_prefix(err, "'%s'", file.data);
        goto out;
    }
    buf_puts(&file, ".gz");
    gz_bytes = file_read(file.data, 0, &gz, NULL, &no_gz) == 0
                   ? buf_detach(&gz, &gz_len)
                   : (gz_len = 0, NULL);
    len = body.len;
    site_add_gz(s, e->path, buf_detach(&body, NULL), len, gz_bytes, gz_len,
                mtime)
        ->immutable = e->immutable;
    rc = 0;
out:
    buf_release(&file);
    buf_release(&body);
    buf_release(&gz);
    return rc;
}

int
export_load(struct site *s, const char *dir, struct err *err)
{
    struct manifest m;
    size_t i;
    int rc = 0;

    memset(&m, 0, sizeof(m));
    if (manifest_read(&m, dir, err) < 0)
        return -1;
    if (m.len == 0)
        rc = err_set(err, ERR_IO, "'%s' holds no site built by tidings", dir);
    for (i = 0; i < m.len && rc == 0; i++)
        rc = load_doc(s, dir, &m.v[i], err);
    manifest_release(&m);
    if (rc < 0) {
        site_release(s);
        return -1;
    }
    site_finish(s);
    return 0;
}
