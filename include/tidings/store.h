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

/* store_open: opens (creating and migrating when writable) the store at
 * path.  *out is NULL on failure. */
int store_open(struct store **out, const char *path, unsigned flags,
               struct err *err);
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
 * time of its own.  Must be inside store_begin. */
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

#endif
