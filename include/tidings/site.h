#ifndef TIDINGS_SITE_H
#define TIDINGS_SITE_H

/*
 * site: the whole site as one value (SPEC 2): a set of documents keyed by
 * URL path, each with its bytes, gzip bytes, content type, strong ETag and
 * Last-Modified time.  `build` writes a site to a folder, `serve` holds one
 * in memory; neither knows how documents are rendered, and both give the
 * same bytes and ETags for the same site.
 *
 * A site is built by adding documents (site_add takes ownership of the
 * bytes, computes the ETag and the gzip form) and then site_finish, after
 * which it is immutable and may be shared between threads read-only.
 */

#include <stddef.h>
#include <stdint.h>

#include "tidings/strpool.h"

enum doc_type {
    DOC_RSS,  /* application/rss+xml */
    DOC_ATOM, /* application/atom+xml (feeds and RFC 5005 archives) */
    DOC_JSON, /* application/feed+json */
    DOC_HTML, /* text/html */
    DOC_OPML, /* text/x-opml */
    DOC_XSL,  /* application/xslt+xml */
    DOC_TEXT, /* text/plain */
    DOC_OTHER /* application/octet-stream */
};

#define SITE_ETAG_MAX 24 /* "\"" 16 hex digits "-gz\"" and NUL */

struct doc {
    /* "/rss.xml", "/category/news/atom.xml"; starts with '/' */
    const char *path;
    enum doc_type type;
    char *body;
    size_t len;
    char *gz; /* gzip of body, or NULL when gzip would not be smaller */
    size_t gz_len;
    char etag[SITE_ETAG_MAX];    /* "\"<hash of body>\"" */
    char gz_etag[SITE_ETAG_MAX]; /* "\"<hash of body>-gz\"" */
    uint64_t hash;               /* of body */
    int64_t mtime;               /* when these bytes last changed */
    int immutable;               /* a full archive page: never changes */
};

struct site {
    struct doc *docs; /* sorted by path after site_finish */
    size_t ndocs, cap;
    int64_t version;      /* the store revision it was rendered from, or 0 */
    size_t bytes;         /* sum of body and gzip lengths */
    struct strpool paths; /* the documents' paths */
};

void site_init(struct site *s);
/* site_release: frees every document; the site is empty and reusable. */
void site_release(struct site *s);

/* site_add: adds a document, taking ownership of body (which must come
 * from xmalloc; len bytes).  Computes hash, ETags and the gzip form.  The
 * type is taken from the path (site_type_for_path).  Returns the new
 * document, valid until the next site_add or site_finish. */
struct doc *site_add(struct site *s, const char *path, char *body, size_t len,
                     int64_t mtime);

/* site_add_gz: as site_add, with the gzip form given (owned, from xmalloc;
 * NULL to compute it), for sites read back from a folder. */
struct doc *site_add_gz(struct site *s, const char *path, char *body,
                        size_t len, char *gz, size_t gz_len, int64_t mtime);

/* site_doc_init: a document in no site, for a build that writes each
 * document and forgets it: as site_add (body owned, hash, ETags, gzip
 * form), but path is not copied and must outlive d.  site_doc_release
 * frees the bytes. */
void site_doc_init(struct doc *d, const char *path, char *body, size_t len,
                   int64_t mtime);
void site_doc_release(struct doc *d);
/* site_doc_stub: d as a document known by its hash and size only (no
 * bytes, no gzip form; see site_add_stub); path is not copied. */
void site_doc_stub(struct doc *d, const char *path, uint64_t hash, size_t len);

/* site_add_copy: adds a copy of d (from another site), bytes, gzip form
 * and ETags as they are: nothing is hashed or compressed again.  mtime
 * and immutable are given anew.  Returns the new document, valid until
 * the next site_add or site_finish. */
struct doc *site_add_copy(struct site *s, const struct doc *d, int64_t mtime,
                          int immutable);

/* site_add_stub: a document known by its hash and size only (body NULL,
 * no gzip form): what a folder built earlier holds (export_index), for
 * code that only needs to know whether those bytes are still right.
 * export writes nothing for a stub. */
struct doc *site_add_stub(struct site *s, const char *path, uint64_t hash,
                          size_t len, int immutable);

/* site_finish: sorts the documents by path.  Two documents with one path
 * are a bug in the renderer (asserted). */
void site_finish(struct site *s);

/* site_find: the document at path, or NULL; "/" finds "/index.html".
 * Only after site_finish. */
const struct doc *site_find(const struct site *s, const char *path);

/* site_type_for_path: rss.xml -> RSS, atom.xml and archive/N.xml -> Atom,
 * .json -> JSON Feed, .html -> HTML, .opml -> OPML, .xsl -> XSLT. */
enum doc_type site_type_for_path(const char *path);
/* site_content_type: the Content-Type header value, with charset for
 * text types. */
const char *site_content_type(enum doc_type type);

/* site_is_text: true for types that get a .gz beside them and gzip
 * responses. */
int site_is_text(enum doc_type type);

/* site_cache_control: the Cache-Control value for d, the same in the
 * server and in the static mirror's header files: "public, max-age=N", or
 * a year and "immutable" for documents that never change. */
void site_cache_control(const struct doc *d, long max_age, char *out,
                        size_t cap);

/* site_gzip: deflates len bytes in gzip format at a fixed level and with a
 * zero timestamp, so the same bytes always give the same .gz.  Returns an
 * xmalloc'd buffer the caller frees. */
char *site_gzip(const char *body, size_t len, size_t *gz_len);

/* site_gzip_holds: true when gz (gz_len bytes) is one whole gzip member
 * that inflates to exactly the len bytes of body; false for anything
 * else, a damaged or truncated stream included.  Allocates nothing. */
int site_gzip_holds(const char *gz, size_t gz_len, const char *body,
                    size_t len);

#endif
