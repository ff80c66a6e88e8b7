/*
 * site: the set of documents.  Documents are appended while rendering and
 * sorted once at the end, so lookups are a binary search over an array
 * that no longer changes; a finished site can be read from any number of
 * threads.  ETags are derived from the bytes alone, so every replica and
 * the static mirror agree.
 */
#include "tidings/site.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tidings/hash.h"
#include "tidings/strpool.h"
#include "tidings/xalloc.h"

void
site_init(struct site *s)
{
    memset(s, 0, sizeof(*s));
}

void
site_release(struct site *s)
{
    size_t i;

    for (i = 0; i < s->ndocs; i++) {
        free(s->docs[i].body);
        free(s->docs[i].gz);
    }
    free(s->docs);
    strpool_release(&s->paths);
    site_init(s);
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum doc_type
site_type_for_path(const char *path)
{
    if (ends_with(path, "/rss.xml"))
        return DOC_RSS;
    if (ends_with(path, ".xml"))
        return DOC_ATOM;
    if (ends_with(path, ".json"))
        return DOC_JSON;
    if (ends_with(path, ".html"))
        return DOC_HTML;
    if (ends_with(path, ".opml"))
        return DOC_OPML;
    if (ends_with(path, ".xsl"))
        return DOC_XSL;
    if (ends_with(path, ".txt"))
        return DOC_TEXT;
    return DOC_OTHER;
}

const char *
site_content_type(enum doc_type type)
{
    switch (type) {
    case DOC_RSS:
        return "application/rss+xml; charset=utf-8";
    case DOC_ATOM:
        return "application/atom+xml; charset=utf-8";
    case DOC_JSON:
        return "application/feed+json; charset=utf-8";
    case DOC_HTML:
        return "text/html; charset=utf-8";
    case DOC_OPML:
        return "text/x-opml; charset=utf-8";
    case DOC_XSL:
        return "application/xslt+xml; charset=utf-8";
    case DOC_TEXT:
        return "text/plain; charset=utf-8";
    case DOC_OTHER:
        break;
    }
    return "application/octet-stream";
}

int
site_is_text(enum doc_type type)
{
    return type != DOC_OTHER;
}

void
site_cache_control(const struct doc *d, long max_age, char *out, size_t cap)
{
    if (d->immutable)
        snprintf(out, cap, "public, max-age=31536000, immutable");
    else
        snprintf(out, cap, "public, max-age=%ld", max_age);
}

char *
site_gzip(const char *body, size_t len, size_t *gz_len)
{
    z_stream z;
    size_t cap;
    char *out;
    int rc;

    memset(&z, 0, sizeof(z));
    /* 15 + 16: gzip wrapper; zlib writes a zero mtime and a fixed OS byte */
    rc = deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    assert(rc == Z_OK);
    cap = deflateBound(&z, (uLong)len);
    out = xmalloc(cap);
    z.next_in = (Bytef *)(uintptr_t)body;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH);
    assert(rc == Z_STREAM_END);
    (void)rc;
    *gz_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

int
site_gzip_holds(const char *gz, size_t gz_len, const char *body, size_t len)
{
    char chunk[16384];
    size_t at = 0, n;
    z_stream z;
    int rc = Z_OK;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return 0;
    z.next_in = (Bytef *)(uintptr_t)gz;
    z.avail_in = (uInt)gz_len;
    while (rc == Z_OK) {
        z.next_out = (Bytef *)chunk;
        z.avail_out = sizeof(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        n = sizeof(chunk) - z.avail_out;
        if ((rc != Z_OK && rc != Z_STREAM_END) || n > len - at ||
            memcmp(chunk, body + at, n) != 0)
            rc = Z_DATA_ERROR;
        else
            at += n;
    }
    inflateEnd(&z);
    /* the whole body, and nothing after the gzip member */
    return rc == Z_STREAM_END && at == len && z.avail_in == 0;
}

/* set_etags: the ETags of hash (the identity and the gzip form). */
static void
set_etags(struct doc *d)
{
    /* put together by hand: a site read back from a large folder makes
     * these for every document, and printf was a good part of that */
    d->etag[0] = d->gz_etag[0] = '"';
    hash_hex(d->hash, d->etag + 1);
    memcpy(d->gz_etag + 1, d->etag + 1, HASH_HEX_LEN);
    memcpy(d->etag + 1 + HASH_HEX_LEN, "\"", 2);
    memcpy(d->gz_etag + 1 + HASH_HEX_LEN, "-gz\"", 5);
}

/* new_doc: room for one more document at the end. */
static struct doc *
new_doc(struct site *s)
{
    if (s->ndocs == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->docs = xreallocarray(s->docs, s->cap, sizeof(*s->docs));
    }
    return &s->docs[s->ndocs++];
}

/* doc_clear: d empty, at path (not copied). */
static void
doc_clear(struct doc *d, const char *path)
{
    assert(path[0] == '/');
    memset(d, 0, sizeof(*d));
    d->path = path;
    d->type = site_type_for_path(path);
}

/* doc_begin: a new, empty document at path. */
static struct doc *
doc_begin(struct site *s, const char *path)
{
    struct doc *d = new_doc(s);

    doc_clear(d, strpool_dup(&s->paths, path, strlen(path)));
    return d;
}

/* doc_fill: the bytes of d (owned), their hash, ETags and gzip form. */
static void
doc_fill(struct doc *d, char *body, size_t len, char *gz, size_t gz_len,
         int64_t mtime)
{
    d->body = body;
    d->len = len;
    d->mtime = mtime;
    d->hash = hash64(body, len);
    set_etags(d);
    if (gz == NULL && site_is_text(d->type))
        gz = site_gzip(body, len, &gz_len);
    /* gzip only pays when it is smaller; the same rule in every mode keeps
     * the ETags a client sees the same from the store and from a folder */
    if (gz != NULL && gz_len >= len) {
        free(gz);
        gz = NULL;
        gz_len = 0;
    }
    d->gz = gz;
    d->gz_len = gz_len;
}

struct doc *
site_add_gz(struct site *s, const char *path, char *body, size_t len, char *gz,
            size_t gz_len, int64_t mtime)
{
    struct doc *d = doc_begin(s, path);

    doc_fill(d, body, len, gz, gz_len, mtime);
    s->bytes += d->len + d->gz_len;
    return d;
}

void
site_doc_init(struct doc *d, const char *path, char *body, size_t len,
              int64_t mtime)
{
    doc_clear(d, path);
    doc_fill(d, body, len, NULL, 0, mtime);
}

void
site_doc_release(struct doc *d)
{
    free(d->body);
    free(d->gz);
    d->body = d->gz = NULL;
    d->gz_len = 0;
}

struct doc *
site_add(struct site *s, const char *path, char *body, size_t len,
         int64_t mtime)
{
    return site_add_gz(s, path, body, len, NULL, 0, mtime);
}

/* stub_fill: d known by hash and size only. */
static void
stub_fill(struct doc *d, uint64_t hash, size_t len)
{
    d->len = len;
    d->hash = hash;
    set_etags(d);
}

struct doc *
site_add_stub(struct site *s, const char *path, uint64_t hash, size_t len,
              int immutable)
{
    struct doc *d = doc_begin(s, path);

    stub_fill(d, hash, len);
    d->immutable = immutable;
    return d;
}

void
site_doc_stub(struct doc *d, const char *path, uint64_t hash, size_t len)
{
    doc_clear(d, path);
    stub_fill(d, hash, len);
}

struct doc *
site_add_copy(struct site *s, const struct doc *from, int64_t mtime,
              int immutable)
{
    struct doc *d = new_doc(s);

    *d = *from;
    d->path = strpool_dup(&s->paths, from->path, strlen(from->path));
    d->body = from->body ? xmemdup(from->body, from->len) : NULL;
    d->gz = from->gz ? xmemdup(from->gz, from->gz_len) : NULL;
    d->mtime = mtime;
    d->immutable = immutable;
    s->bytes += d->len + d->gz_len;
    return d;
}

static int
cmp_doc(const void *a, const void *b)
{
    return strcmp(((const struct doc *)a)->path, ((const struct doc *)b)->path);
}

void
site_finish(struct site *s)
{
    size_t i;

    /* a site read back from a folder comes in order already: one pass
     * checks it, where sorting would compare every path many times */
    for (i = 1; i < s->ndocs; i++)
        if (strcmp(s->docs[i - 1].path, s->docs[i].path) > 0)
            break;
    if (i < s->ndocs)
        qsort(s->docs, s->ndocs, sizeof(*s->docs), cmp_doc);
    for (i = 1; i < s->ndocs; i++)
        assert(strcmp(s->docs[i - 1].path, s->docs[i].path) != 0);
}

const struct doc *
site_find(const struct site *s, const char *path)
{
    struct doc key;

    if (strcmp(path, "/") == 0)
        path = "/index.html";
    key.path = (char *)(uintptr_t)path;
    if (s->ndocs == 0)
        return NULL;
    return bsearch(&key, s->docs, s->ndocs, sizeof(*s->docs), cmp_doc);
}
