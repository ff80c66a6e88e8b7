#ifndef TIDINGS_STORE_H
#define TIDINGS_STORE_H

/*
 * store: the SQLite database behind tidings.  The handle is opaque; no
 * SQLite type leaves store.c.  Every call that can fail returns 0 / -1 (or
 * NULL) and fills err with ERR_DB and SQLite's message, ERR_NOTFOUND or
 * ERR_USAGE.
 *
 * The database is in WAL mode so that `serve` reads while `import` writes,
 * with foreign keys on and the schema versioned by PRAGMA user_version
 * (store_open migrates older stores forward, and refuses newer ones).
 *
 * Every write happens inside store_begin/store_commit and is stamped with
 * the store's revision, a counter that moves once per committed write
 * transaction; the `changes` table records, per revision, which articles
 * and which groups (category, source, author) a write touched, so a
 * renderer can find the documents to redo without reading everything.
 */

#include <stddef.h>
#include <stdint.h>

struct article;
struct err;

struct store;

#define STORE_READONLY (1u << 0)

/* The page cache of a connection, in KiB, unless store_set_cache says
 * otherwise. */
#define STORE_CACHE_KIB 8192

/* store_open: opens (creating and migrating when writable) the store at
 * path.  *out is NULL on failure. */
int store_open(struct store **out, const char *path, unsigned flags,
               struct err *err);
/* store_set_cache: the connection's page cache, in KiB (from then on).
 * A bulk writer asks for more than STORE_CACHE_KIB: an import inserts
 * into seven indexes in random key order, so a cache that holds them
 * saves reading and writing pages again (import.c). */
int store_set_cache(struct store *s, int kib, struct err *err);

/* store_close: closes the handle, rolling back an open transaction; NULL is
 * fine. */
void store_close(struct store *s);

/* store_begin: starts a write transaction (BEGIN IMMEDIATE) and moves the
 * revision; store_commit ends it.  store_rollback undoes it (never fails).
 * store_savepoint/store_release/store_rollback_to nest inside one, so a
 * batch can keep or drop one file's writes. */
int store_begin(struct store *s, struct err *err);
int store_commit(struct store *s, struct err *err);
void store_rollback(struct store *s);
int store_savepoint(struct store *s, struct err *err);
int store_release(struct store *s, struct err *err);
void store_rollback_to(struct store *s);

enum store_put {
    STORE_PUT_NEW,
    STORE_PUT_UPDATED,
    STORE_PUT_UNCHANGED,
};

/* store_put_article: inserts a, or updates the article with the same key in
 * place, or does nothing when its content hash is the same.  a must have
 * key, feed_id, slug, title, published and hash set.  On return a->id,
 * a->feed_id and a->slug are the stored ones (an existing article keeps
 * its ids: they never change), and a->updated is the stored value.  now
 * is the wall-clock time used for `updated` when an edit has no updated
 * time of its own.  Must be inside store_begin.
 *
 * Fails with ERR_PARSE when a new article's feed id or slug already
 * belongs to another article: the input is at fault, and the call then
 * leaves nothing behind (the categories, source or author it added are
 * deleted again), so no savepoint is needed around a one-article file.
 * Any other failure is ERR_DB and may leave partial writes: the caller
 * rolls back. */
int store_put_article(struct store *s, struct article *a, int64_t now,
                      enum store_put *result, struct err *err);

/* store_get_article: finds an article by row id, slug, feed id or key and
 * fills out (which the caller releases).  ERR_NOTFOUND if there is none. */
int store_get_article(struct store *s, const char *ref, struct article *out,
                      struct err *err);

/* store_remove_article: deletes article id (and groups nobody uses any
 * more).  ERR_NOTFOUND if there is none.  Must be inside store_begin. */
int store_remove_article(struct store *s, int64_t id, struct err *err);

/* store_each_article: calls fn for every article, newest first (published,
 * then feed id).  Without with_body, summary and body are NULL.  The
 * article passed to fn is only valid during the call.  A non-zero return
 * from fn stops the walk and is returned. */
typedef int (*store_article_fn)(const struct article *a, void *arg);
int store_each_article(struct store *s, int with_body, store_article_fn fn,
                       void *arg, struct err *err);

struct store_stats {
    int64_t articles, categories, sources, authors, documents;
    int64_t oldest, newest; /* published; 0 when empty */
    int64_t revision;
    int64_t bytes; /* size of the database file(s) */
    int schema;
};

int store_stats(struct store *s, struct store_stats *st, struct err *err);

/* store_data_version: a number that changes when another connection
 * commits (PRAGMA data_version); -1 on error. */
int64_t store_data_version(struct store *s);

/* store_revision: the revision of the last committed write. */
int64_t store_revision(struct store *s);

/* store_check: PRAGMA integrity_check and foreign_key_check; ERR_DB with
 * the first problem. */
int store_check(struct store *s, struct err *err);

/* store_schema_version: the schema this build of tidings writes. */
int store_schema_version(void);

/* store_migration_sql: the SQL that moves a store from schema version - 1
 * to version (1 <= version <= store_schema_version()), a static string;
 * NULL for any other version.  Lets tests build a store as an older
 * tidings left it. */
const char *store_migration_sql(int version);

/* ---- rendering state ---------------------------------------------------
 * What the renderer reads and keeps between runs (render.c).  Callbacks
 * get borrowed strings, valid only during the call; a non-zero return
 * from a callback stops the walk and is returned. */

/* store_begin_derived: starts a write transaction that does not move the
 * revision: for derived state (archive positions, documents) that no
 * renderer has to react to.  Ends with store_commit/store_rollback. */
int store_begin_derived(struct store *s, struct err *err);

/* store_begin_read: starts a read transaction: every read until
 * store_end_read sees one snapshot of the store, while other connections
 * keep writing (WAL).  A render reads in one, so that a long render never
 * holds the write lock an import is waiting for. */
int store_begin_read(struct store *s, struct err *err);
void store_end_read(struct store *s);

/* store_meta_get: the value stored under key in meta, as a string the
 * caller frees, or NULL when there is none.  store_meta_set replaces it. */
int store_meta_get(struct store *s, const char *key, char **value,
                   struct err *err);
int store_meta_set(struct store *s, const char *key, const char *value,
                   struct err *err);

enum store_group {
    STORE_GROUP_SITE, /* every article */
    STORE_GROUP_CATEGORY,
    STORE_GROUP_SOURCE,
    STORE_GROUP_AUTHOR,
};

/* store_each_group: every category (its whole path), source or author
 * name, in the order the groups were created (row id). */
typedef int (*store_group_fn)(int64_t id, const char *name, void *arg);
int store_each_group(struct store *s, enum store_group kind, store_group_fn fn,
                     void *arg, struct err *err);

/* store_each_changed: every article written since revision `since`
 * (since < 0: every article, and every article id an archive still
 * holds), with its groups; deleted ones (exists == 0, fields NULL) first,
 * then by published and feed id, oldest first. */
struct store_member {
    int64_t id;
    int exists;
    int64_t published;
    const char *feed_id, *category, *source, *author;
};
typedef int (*store_member_fn)(const struct store_member *m, void *arg);
int store_each_changed(struct store *s, int64_t since, store_member_fn fn,
                       void *arg, struct err *err);

/* Feeds and their RFC 5005 archive positions.  A feed is a row with a
 * key ("site", "category:PATH", "source:NAME", "author:NAME") and the
 * next free position; each article of the feed holds one position, kept
 * for as long as it stays in the feed.  store_feed_find creates the row
 * when missing (*next then 0); store_feed_remove deletes a feed and its
 * positions. */
int store_feed_find(struct store *s, const char *key, int64_t *id,
                    int64_t *next, struct err *err);
typedef int (*store_feed_fn)(int64_t id, const char *key, int64_t next,
                             void *arg);
int store_each_feed(struct store *s, store_feed_fn fn, void *arg,
                    struct err *err);
int store_feed_remove(struct store *s, int64_t feed, struct err *err);
int store_feed_set_next(struct store *s, int64_t feed, int64_t next,
                        struct err *err);
int store_archive_add(struct store *s, int64_t feed, int64_t pos,
                      int64_t article, struct err *err);
int store_archive_remove(struct store *s, int64_t feed, int64_t pos,
                         struct err *err);
/* store_archive_of: the (feed, position) pairs an article holds. */
typedef int (*store_pos_fn)(int64_t feed, int64_t pos, void *arg);
int store_archive_of(struct store *s, int64_t article, store_pos_fn fn,
                     void *arg, struct err *err);

/* store_each_newest: the newest `limit` articles (published, then feed
 * id) of the site, of a category and its descendants (name is its path),
 * of a source or of an author, newest first, with summary and body. */
int store_each_newest(struct store *s, enum store_group kind, const char *name,
                      long limit, store_article_fn fn, void *arg,
                      struct err *err);
/* store_each_archived: the articles at positions [from, to) of a feed,
 * highest position first; the body only when with_body. */
int store_each_archived(struct store *s, int64_t feed, int64_t from, int64_t to,
                        int with_body, store_article_fn fn, void *arg,
                        struct err *err);

/* store_each_slug: every article's row id and slug, in no set order. */
typedef int (*store_slug_fn)(int64_t id, const char *slug, void *arg);
int store_each_slug(struct store *s, store_slug_fn fn, void *arg,
                    struct err *err);
/* store_get_article_id: as store_get_article, by row id only. */
int store_get_article_id(struct store *s, int64_t id, struct article *out,
                         struct err *err);

/* The documents table: each document of the site as last rendered, with
 * the hash of its bytes, what it was rendered from (a fingerprint of its
 * inputs) and when its bytes last changed (the server's Last-Modified). */
struct store_doc {
    const char *path;
    char hash[17];   /* hex of site's hash of the bytes */
    char source[17]; /* hex fingerprint of the inputs */
    int64_t size;
    int64_t changed;
};
typedef int (*store_doc_fn)(const struct store_doc *d, void *arg);
/* store_each_doc: every row, by path. */
int store_each_doc(struct store *s, store_doc_fn fn, void *arg,
                   struct err *err);
int store_doc_put(struct store *s, const struct store_doc *d, struct err *err);
int store_doc_remove(struct store *s, const char *path, struct err *err);

#endif
