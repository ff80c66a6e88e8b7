/*
 * store: SQLite behind an opaque handle.
 *
 * Statements are prepared once, on first use, from the table `sql` and
 * reset after each use; column text is copied before the next step (the
 * pointers SQLite returns die then).  Group rows (categories, sources,
 * authors) are found or created on the way into articles; the category
 * table is a tree whose `path` column holds the whole path, so a subtree is
 * a prefix range on one index.  A group row is deleted when the last
 * article leaves it, so the site never lists an empty feed.
 *
 * Writes are stamped with the revision held in meta('revision'), moved by
 * store_begin; `changes` keeps, per revision, the article and the groups it
 * was in before and after each write.
 */
#include "tidings/store.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tidings/article.h"
#include "tidings/err.h"
#include "tidings/hash.h"
#include "tidings/xalloc.h"

/* Each entry moves the schema from version i to i + 1. */
static const char *const migrations[] = {
    /* 1: articles, their groups, documents and the change log */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "INSERT INTO meta VALUES('revision', 0);"
    "CREATE TABLE categories("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES categories(id),"
    "  name TEXT NOT NULL,"
    "  path TEXT NOT NULL UNIQUE);"
    "CREATE INDEX categories_parent ON categories(parent_id);"
    "CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE authors(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE articles("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"     /* identity, SPEC 1.5 */
    "  feed_id TEXT NOT NULL UNIQUE," /* minted once */
    "  slug TEXT NOT NULL UNIQUE,"    /* minted once */
    "  url TEXT,"
    "  title TEXT NOT NULL,"
    "  summary TEXT,"
    "  body TEXT,"
    "  category_id INTEGER REFERENCES categories(id),"
    "  source_id INTEGER REFERENCES sources(id),"
    "  author_id INTEGER REFERENCES authors(id),"
    "  published INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  origin TEXT,"
    "  imported INTEGER NOT NULL," /* wall clock of the first import */
    "  changed INTEGER NOT NULL,"  /* wall clock of the last change */
    "  revision INTEGER NOT NULL);"
    "CREATE INDEX articles_published ON articles(published DESC, feed_id);"
    "CREATE INDEX articles_category ON articles(category_id, published);"
    "CREATE INDEX articles_source ON articles(source_id, published);"
    "CREATE INDEX articles_author ON articles(author_id, published);"
    "CREATE INDEX articles_revision ON articles(revision);"
    /* What each write touched, so renders can be incremental. */
    "CREATE TABLE changes("
    "  revision INTEGER NOT NULL,"
    "  article_id INTEGER NOT NULL,"
    "  category_id INTEGER, source_id INTEGER, author_id INTEGER);"
    "CREATE INDEX changes_revision ON changes(revision);"
    /* Every document of the site as last rendered: the server's
     * Last-Modified is `changed`, when the bytes last changed. */
    "CREATE TABLE documents("
    "  path TEXT PRIMARY KEY,"
    "  hash TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  source TEXT,"
    "  changed INTEGER NOT NULL) WITHOUT ROWID;",
    /* 2: what rendering keeps between runs: every feed of the site, and
     * the fixed position of each of its articles in its RFC 5005 archive
     * (assigned at first render, never moved, so a full page stays the
     * same).  article_id has no foreign key: the position of a deleted
     * article stays until the next render sees the deletion. */
    "CREATE TABLE feeds("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE," /* "site", "category:PATH", ... */
    "  next INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE archive("
    "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
    "  pos INTEGER NOT NULL,"
    "  article_id INTEGER NOT NULL,"
    "  PRIMARY KEY(feed_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX archive_article ON archive(article_id);",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt_id {
    ST_REVISION_GET,
    ST_REVISION_SET,
    ST_FIND_BY_KEY,
    ST_INSERT,
    ST_UPDATE,
    ST_CATEGORY_FIND,
    ST_CATEGORY_ADD,
    ST_SOURCE_FIND,
    ST_SOURCE_ADD,
    ST_AUTHOR_FIND,
    ST_AUTHOR_ADD,
    ST_CHANGE_ADD,
    ST_GROUPS_OF,
    ST_DELETE,
    ST_PRUNE_SOURCE,
    ST_PRUNE_AUTHOR,
    ST_PRUNE_CATEGORY,
    ST_PARENT_OF,
    ST_GET,
    ST_EACH,
    ST_EACH_BRIEF,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_COUNT
};

/* The columns read_article expects, in its order. */
#define ARTICLE_COLUMNS(text)                                                  \
    "SELECT a.id, a.key, a.feed_id, a.slug, a.url, a.title, " text ","         \
    " c.path, s.name, au.name, a.published, a.updated, a.hash, a.origin"       \
    " FROM articles a LEFT JOIN categories c ON c.id = a.category_id"          \
    " LEFT JOIN sources s ON s.id = a.source_id"                               \
    " LEFT JOIN authors au ON au.id = a.author_id"

static const char *const sql[ST_COUNT] = {
    [ST_REVISION_GET] = "SELECT value FROM meta WHERE key = 'revision'",
    [ST_REVISION_SET] = "UPDATE meta SET value = ? WHERE key = 'revision'",
    [ST_FIND_BY_KEY] = "SELECT id, feed_id, slug, hash, updated,"
                       " category_id, source_id, author_id"
                       " FROM articles WHERE key = ?",
    [ST_INSERT] = "INSERT INTO articles(key, feed_id, slug, url, title,"
                  " summary, body, category_id, source_id, author_id,"
                  " published, updated, hash, origin, imported, changed,"
                  " revision)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_UPDATE] = "UPDATE articles SET url = ?, title = ?, summary = ?,"
                  " body = ?, category_id = ?, source_id = ?, author_id = ?,"
                  " published = ?, updated = ?, hash = ?, origin = ?,"
                  " changed = ?, revision = ? WHERE id = ?",
    [ST_CATEGORY_FIND] = "SELECT id FROM categories WHERE path = ?",
    [ST_CATEGORY_ADD] = "INSERT INTO categories(parent_id, name, path)"
                        " VALUES(?,?,?)",
    [ST_SOURCE_FIND] = "SELECT id FROM sources WHERE name = ?",
    [ST_SOURCE_ADD] = "INSERT INTO sources(name) VALUES(?)",
    [ST_AUTHOR_FIND] = "SELECT id FROM authors WHERE name = ?",
    [ST_AUTHOR_ADD] = "INSERT INTO authors(name) VALUES(?)",
    [ST_CHANGE_ADD] = "INSERT INTO changes VALUES(?,?,?,?,?)",
    [ST_GROUPS_OF] = "SELECT category_id, source_id, author_id"
                     " FROM articles WHERE id = ?",
    [ST_DELETE] = "DELETE FROM articles WHERE id = ?",
    [ST_PRUNE_SOURCE] = "DELETE FROM sources WHERE id = ?1 AND NOT EXISTS"
                        " (SELECT 1 FROM articles WHERE source_id = ?1)",
    [ST_PRUNE_AUTHOR] = "DELETE FROM authors WHERE id = ?1 AND NOT EXISTS"
                        " (SELECT 1 FROM articles WHERE author_id = ?1)",
    [ST_PRUNE_CATEGORY] =
        "DELETE FROM categories WHERE id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM articles WHERE category_id = ?1)"
        " AND NOT EXISTS (SELECT 1 FROM categories WHERE parent_id = ?1)",
    [ST_PARENT_OF] = "SELECT parent_id FROM categories WHERE id = ?",
    [ST_GET] = ARTICLE_COLUMNS(
        "a.summary, a.body") " WHERE a.id = (SELECT id FROM articles WHERE slug = ?1"
                             " UNION ALL SELECT id FROM articles WHERE feed_id = ?1"
                             " UNION ALL SELECT id FROM articles WHERE key = ?1"
                             " UNION ALL SELECT id FROM articles"
                             "  WHERE ?1 NOT GLOB '*[^0-9]*' AND id = CAST(?1 AS INTEGER)"
                             " LIMIT 1)",
    [ST_EACH] = ARTICLE_COLUMNS(
        "a.summary, a.body") " ORDER BY a.published DESC, a.feed_id",
    [ST_EACH_BRIEF] =
        ARTICLE_COLUMNS("NULL, NULL") " ORDER BY a.published DESC, a.feed_id",
    [ST_SAVEPOINT] = "SAVEPOINT file",
    [ST_RELEASE] = "RELEASE file",
};

/* A cache of group ids by name, one table per kind, so that an import
 * looks each category, source and author up once rather than once per
 * article.  Open addressing over GROUP_SLOTS slots, filled to half at
 * most and then emptied, so its size is bounded whatever the input.
 * Cleared on every rollback and prune, since a row it names may be gone. */
#define GROUP_SLOTS 4096

struct group_entry {
    char *name;
    int64_t id;
};

struct group_cache {
    struct group_entry *slot; /* GROUP_SLOTS, or NULL until first use */
    size_t used;
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
    char *path;
    int64_t revision; /* of the open transaction, or the last commit */
    int in_tx;
    struct group_cache cache[3];
    /* the groups the store_put_article in progress added: the source, the
     * author and the topmost category (those below it are new too), so
     * that an article it rejects leaves none of them behind */
    int64_t made[3];
    sqlite3_stmt *rstmt[32]; /* the rendering queries, see below */
};

enum group_kind { GROUP_CATEGORY, GROUP_SOURCE, GROUP_AUTHOR };

static int
db_err(struct store *s, struct err *err, const char *what)
{
    return err_set(err, ERR_DB, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *
stmt(struct store *s, enum stmt_id id, struct err *err)
{
    if (s->stmt[id] == NULL &&
        sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->stmt[id], NULL) != SQLITE_OK) {
        db_err(s, err, "prepare");
        return NULL;
    }
    return s->stmt[id];
}

static int
exec(struct store *s, const char *q, struct err *err)
{
    char *msg = NULL;

    if (sqlite3_exec(s->db, q, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_DB, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* bind_text: binds s, or NULL; SQLITE_STATIC is safe because every
 * statement is stepped and reset before the caller's strings change. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    if (id == 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, id);
}

static char *
column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? xmemdup(t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* step_done: steps a statement that returns no rows and resets it. */
static int
step_done(struct store *s, sqlite3_stmt *st, struct err *err, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return db_err(s, err, what);
    return 0;
}

/* ---- opening and schema ------------------------------------------------ */

static int
user_version(struct store *s, int *v, struct err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(s, err, "read schema version");
    rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : db_err(s, err, "read schema version");
}

/* known_version: the store's schema version, refused when it is newer
 * than this build's: its tables may mean what this tidings cannot know. */
static int
known_version(struct store *s, int *v, struct err *err)
{
    if (user_version(s, v, err) < 0)
        return -1;
    if (*v > SCHEMA_VERSION)
        return err_set(err, ERR_DB,
                       "schema version %d is newer than this tidings (%d)", *v,
                       SCHEMA_VERSION);
    return 0;
}

static int
migrate(struct store *s, struct err *err)
{
    char q[64];
    int v;

    if (known_version(s, &v, err) < 0)
        return -1;
    for (; v < SCHEMA_VERSION; v++) {
        snprintf(q, sizeof(q), "PRAGMA user_version = %d", v + 1);
        if (exec(s, "BEGIN IMMEDIATE", err) < 0)
            return -1;
        if (exec(s, migrations[v], err) < 0 || exec(s, q, err) < 0) {
            exec(s, "ROLLBACK", err);
            return err_prefix(err, "migrate schema to version %d", v + 1);
        }
        if (exec(s, "COMMIT", err) < 0)
            return -1;
    }
    return 0;
}

/* configure: connection settings.  A new file gets 16 KiB pages: a 6.5 KB
 * article fits one with another beside it instead of spilling into an
 * overflow chain, and an import writes half as many WAL frames as with
 * 8 KiB pages (two system calls each) and as many fewer pages to copy at
 * checkpoints: over 100 000 generated pages, 8 runs each way, 6-11% less
 * wall and CPU time.  (32 KiB saved 7% more, but then every random read
 * of an article reads four; reading all articles in feed order took
 * 1.1-1.2 s at 8 KiB, 1.1-1.5 s at 16 KiB, 1.35-1.5 s at 32 KiB.)
 * WAL lets `serve` read while `import` writes; synchronous=NORMAL in WAL
 * never corrupts and loses at most the last commits on power loss, not on
 * a process crash.
 *
 * The cache size is set last: SQLite turns a size in KiB into pages at the
 * page size of that moment, which for a new file is still its 4 KiB
 * default, so a size set first gave new stores twice the memory of old
 * ones.  Every connection gets STORE_CACHE_KIB; an import asks for more
 * (store_set_cache). */
static int
configure(struct store *s, unsigned flags, struct err *err)
{
    sqlite3_busy_timeout(s->db, 10000);
    if (exec(s, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", err) <
        0)
        return -1;
    if (!(flags & STORE_READONLY) &&
        exec(s,
             "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;"
             "PRAGMA synchronous = NORMAL",
             err) < 0)
        return -1;
    return store_set_cache(s, STORE_CACHE_KIB, err);
}

int
store_set_cache(struct store *s, int kib, struct err *err)
{
    char sql_text[64];

    snprintf(sql_text, sizeof(sql_text), "PRAGMA cache_size = -%d", kib);
    return exec(s, sql_text, err);
}

static int
load_revision(struct store *s, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_REVISION_GET, err);
    int rc;

    if (st == NULL)
        return -1;
    rc = sqlite3_step(st);
    s->revision = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : db_err(s, err, "read revision");
}

int
store_open(struct store **out, const char *path, unsigned flags,
           struct err *err)
{
    int oflags = flags & STORE_READONLY
                     ? SQLITE_OPEN_READONLY
                     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    struct store *s = xcalloc(1, sizeof(*s));
    int version;

    *out = NULL;
    s->path = xstrdup(path);
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        err_set(err, ERR_DB, "cannot open '%s': %s", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    if (configure(s, flags, err) < 0)
        goto fail_prefix;
    if (flags & STORE_READONLY ? known_version(s, &version, err) < 0
                               : migrate(s, err) < 0)
        goto fail_prefix;
    if (load_revision(s, err) < 0)
        goto fail_prefix;
    *out = s;
    return 0;
fail_prefix:
    err_prefix(err, "store '%s'", path);
fail:
    store_close(s);
    return -1;
}

static void
cache_clear(struct store *s)
{
    struct group_cache *c;
    size_t j;
    int i;

    for (i = 0; i < 3; i++) {
        c = &s->cache[i];
        for (j = 0; c->used > 0 && j < GROUP_SLOTS; j++) {
            if (c->slot[j].name != NULL)
                c->used--;
            free(c->slot[j].name);
            c->slot[j].name = NULL;
        }
    }
}

/* cache_slot: the slot holding name, or the empty one where it goes. */
static struct group_entry *
cache_slot(struct group_cache *c, const char *name)
{
    size_t i = (size_t)hash64(name, strlen(name)) & (GROUP_SLOTS - 1);

    if (c->slot == NULL)
        c->slot = xcalloc(GROUP_SLOTS, sizeof(*c->slot));
    while (c->slot[i].name != NULL && strcmp(c->slot[i].name, name) != 0)
        i = (i + 1) & (GROUP_SLOTS - 1);
    return &c->slot[i];
}

void
store_close(struct store *s)
{
    int i;

    if (s == NULL)
        return;
    if (s->in_tx)
        store_rollback(s);
    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (i = 0; i < (int)(sizeof(s->rstmt) / sizeof(s->rstmt[0])); i++)
        sqlite3_finalize(s->rstmt[i]);
    cache_clear(s);
    for (i = 0; i < 3; i++)
        free(s->cache[i].slot);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

const char *
store_migration_sql(int version)
{
    return version >= 1 && version <= SCHEMA_VERSION ? migrations[version - 1]
                                                     : NULL;
}

int
store_schema_version(void)
{
    return SCHEMA_VERSION;
}

/* ---- transactions ------------------------------------------------------ */

int
store_begin(struct store *s, struct err *err)
{
    sqlite3_stmt *st;

    if (exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    s->in_tx = 1;
    if (load_revision(s, err) < 0 ||
        (st = stmt(s, ST_REVISION_SET, err)) == NULL)
        goto fail;
    sqlite3_bind_int64(st, 1, ++s->revision);
    if (step_done(s, st, err, "move revision") < 0)
        goto fail;
    return 0;
fail:
    store_rollback(s);
    return -1;
}

int
store_commit(struct store *s, struct err *err)
{
    if (exec(s, "COMMIT", err) < 0) {
        store_rollback(s);
        return err_prefix(err, "commit");
    }
    s->in_tx = 0;
    return 0;
}

void
store_rollback(struct store *s)
{
    struct err ignored = ERR_INIT;

    if (sqlite3_get_autocommit(s->db) == 0)
        exec(s, "ROLLBACK", &ignored);
    s->in_tx = 0;
    cache_clear(s);
    load_revision(s, &ignored);
}

/* Savepoints come once per imported file: prepared statements spare
 * sqlite3_exec's parse of the same text each time. */
int
store_savepoint(struct store *s, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_SAVEPOINT, err);

    return st == NULL ? -1 : step_done(s, st, err, "savepoint");
}

int
store_release(struct store *s, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_RELEASE, err);

    return st == NULL ? -1 : step_done(s, st, err, "release savepoint");
}

void
store_rollback_to(struct store *s)
{
    struct err ignored = ERR_INIT;

    exec(s, "ROLLBACK TO file; RELEASE file", &ignored);
    cache_clear(s);
}

/* ---- groups ------------------------------------------------------------ */

/* find_id: runs a one-parameter lookup; *id is 0 when nothing matches. */
static int
find_id(struct store *s, enum stmt_id find, const char *key, int64_t *id,
        struct err *err)
{
    sqlite3_stmt *st = stmt(s, find, err);
    int rc;

    if (st == NULL)
        return -1;
    bind_text(st, 1, key);
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, err, "find group");
    return 0;
}

static int
add_named(struct store *s, enum stmt_id add, const char *name, int64_t *id,
          struct err *err)
{
    sqlite3_stmt *st = stmt(s, add, err);

    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
    if (step_done(s, st, err, "add group") < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static int
add_category(struct store *s, int64_t parent, const char *name,
             const char *path, int64_t *id, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CATEGORY_ADD, err);

    if (st == NULL)
        return -1;
    bind_id(st, 1, parent);
    bind_text(st, 2, name);
    bind_text(st, 3, path);
    if (step_done(s, st, err, "add category") < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

/* category_id: walks "a/b/c" from the root, creating missing nodes. */
static int
category_id(struct store *s, const char *path, int64_t *id, struct err *err)
{
    size_t len = strlen(path), i;
    char *prefix = xmemdup(path, len);
    int64_t parent = 0;
    int rc = 0;

    for (i = 0; i <= len && rc == 0; i++) {
        const char *name;

        if (i < len && path[i] != '/')
            continue;
        prefix[i] = '\0';
        name = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
        rc = find_id(s, ST_CATEGORY_FIND, prefix, id, err);
        if (rc == 0 && *id == 0 &&
            (rc = add_category(s, parent, name, prefix, id, err)) == 0 &&
            s->made[GROUP_CATEGORY] == 0)
            s->made[GROUP_CATEGORY] = *id;
        parent = *id;
        if (i < len)
            prefix[i] = '/';
    }
    free(prefix);
    return rc;
}

static int
group_id(struct store *s, enum group_kind kind, const char *name, int64_t *id,
         struct err *err)
{
    static const enum stmt_id find[] = { ST_CATEGORY_FIND, ST_SOURCE_FIND,
                                         ST_AUTHOR_FIND };
    static const enum stmt_id add[] = { ST_CATEGORY_ADD, ST_SOURCE_ADD,
                                        ST_AUTHOR_ADD };
    struct group_cache *c = &s->cache[kind];
    struct group_entry *e;
    int rc;

    *id = 0;
    if (name == NULL || *name == '\0')
        return 0;
    if ((e = cache_slot(c, name))->name != NULL) {
        *id = e->id;
        return 0;
    }
    if (kind == GROUP_CATEGORY)
        rc = category_id(s, name, id, err);
    else if ((rc = find_id(s, find[kind], name, id, err)) == 0 && *id == 0 &&
             (rc = add_named(s, add[kind], name, id, err)) == 0)
        s->made[kind] = *id;
    if (rc < 0)
        return -1;
    if (c->used >= GROUP_SLOTS / 2) {
        cache_clear(s);
        e = cache_slot(c, name);
    }
    e->name = xstrdup(name);
    e->id = *id;
    c->used++;
    return 0;
}

static int
prune_one(struct store *s, enum stmt_id id_stmt, int64_t id, struct err *err)
{
    sqlite3_stmt *st;

    if (id == 0)
        return 0;
    if ((st = stmt(s, id_stmt, err)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    return step_done(s, st, err, "prune group");
}

static int
parent_of(struct store *s, int64_t id, int64_t *parent, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_PARENT_OF, err);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    *parent = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, err, "find parent category");
    return 0;
}

/* prune: deletes the groups in g that no article uses any more, and
 * category ancestors left empty. */
static int
prune(struct store *s, const int64_t g[3], struct err *err)
{
    int64_t cat = g[GROUP_CATEGORY], parent;

    cache_clear(s);
    if (prune_one(s, ST_PRUNE_SOURCE, g[GROUP_SOURCE], err) < 0 ||
        prune_one(s, ST_PRUNE_AUTHOR, g[GROUP_AUTHOR], err) < 0)
        return -1;
    while (cat != 0) {
        if (parent_of(s, cat, &parent, err) < 0 ||
            prune_one(s, ST_PRUNE_CATEGORY, cat, err) < 0)
            return -1;
        if (sqlite3_changes(s->db) == 0)
            break;
        cat = parent;
    }
    return 0;
}

/* unmake: deletes the groups that the failing store_put_article call
 * added (s->made), categories from the leaf up to the topmost one added;
 * no article uses them.  Returns -1 always: err keeps the rejection, or
 * gets the store's failure if a delete failed, and then the caller must
 * roll back the transaction. */
static int
unmake(struct store *s, const int64_t g[3], struct err *err)
{
    int64_t cat = g[GROUP_CATEGORY], parent;
    struct err e = ERR_INIT;

    cache_clear(s);
    if (prune_one(s, ST_PRUNE_SOURCE, s->made[GROUP_SOURCE], &e) < 0 ||
        prune_one(s, ST_PRUNE_AUTHOR, s->made[GROUP_AUTHOR], &e) < 0)
        goto fail;
    while (s->made[GROUP_CATEGORY] != 0 && cat != 0) {
        if (parent_of(s, cat, &parent, &e) < 0 ||
            prune_one(s, ST_PRUNE_CATEGORY, cat, &e) < 0)
            goto fail;
        if (cat == s->made[GROUP_CATEGORY])
            break;
        cat = parent;
    }
    return -1;
fail:
    *err = e;
    return -1;
}

static int
log_change(struct store *s, int64_t article, const int64_t g[3],
           struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CHANGE_ADD, err);

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, s->revision);
    sqlite3_bind_int64(st, 2, article);
    bind_id(st, 3, g[GROUP_CATEGORY]);
    bind_id(st, 4, g[GROUP_SOURCE]);
    bind_id(st, 5, g[GROUP_AUTHOR]);
    return step_done(s, st, err, "log change");
}

/* ---- articles ---------------------------------------------------------- */

struct existing {
    int64_t id, updated;
    int64_t groups[3];
    char *feed_id, *slug;
    char hash[17];
};

static int
find_existing(struct store *s, const char *key, struct existing *ex,
              struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_FIND_BY_KEY, err);
    const unsigned char *h;
    int rc, i;

    memset(ex, 0, sizeof(*ex));
    if (st == NULL)
        return -1;
    bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        ex->id = sqlite3_column_int64(st, 0);
        ex->feed_id = column_dup(st, 1);
        ex->slug = column_dup(st, 2);
        h = sqlite3_column_text(st, 3);
        snprintf(ex->hash, sizeof(ex->hash), "%s", h ? (const char *)h : "");
        ex->updated = sqlite3_column_int64(st, 4);
        for (i = 0; i < 3; i++)
            ex->groups[i] = sqlite3_column_int64(st, 5 + i);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, err, "find article");
    return 0;
}

/* insert_conflict: a UNIQUE failure on insert means the feed id or slug
 * minted for a new article already belongs to another one (two files
 * naming one URL under different ids).  The input is at fault, not the
 * store, so it is ERR_PARSE: the file is rejected and the import goes on.
 * Any other failure stays ERR_DB. */
static int
insert_conflict(struct store *s, const struct article *a, struct err *err)
{
    const char *msg = sqlite3_errmsg(s->db);

    if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_UNIQUE)
        return -1;
    if (strstr(msg, "articles.feed_id") != NULL)
        return err_set(err, ERR_PARSE,
                       "feed id '%s' already belongs to another article",
                       a->feed_id);
    if (strstr(msg, "articles.slug") != NULL)
        return err_set(err, ERR_PARSE,
                       "slug '%s' already belongs to another article", a->slug);
    return -1;
}

static int
insert_article(struct store *s, struct article *a, const int64_t g[3],
               int64_t now, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_INSERT, err);

    if (st == NULL)
        return -1;
    if (a->updated == 0)
        a->updated = a->published;
    bind_text(st, 1, a->key);
    bind_text(st, 2, a->feed_id);
    bind_text(st, 3, a->slug);
    bind_text(st, 4, a->url);
    bind_text(st, 5, a->title);
    bind_text(st, 6, a->summary);
    bind_text(st, 7, a->body);
    bind_id(st, 8, g[GROUP_CATEGORY]);
    bind_id(st, 9, g[GROUP_SOURCE]);
    bind_id(st, 10, g[GROUP_AUTHOR]);
    sqlite3_bind_int64(st, 11, a->published);
    sqlite3_bind_int64(st, 12, a->updated);
    bind_text(st, 13, a->hash);
    bind_text(st, 14, a->origin);
    sqlite3_bind_int64(st, 15, now);
    sqlite3_bind_int64(st, 16, now);
    sqlite3_bind_int64(st, 17, s->revision);
    if (step_done(s, st, err, "insert article") < 0)
        return insert_conflict(s, a, err);
    a->id = sqlite3_last_insert_rowid(s->db);
    return log_change(s, a->id, g, err);
}

static int
update_article(struct store *s, struct article *a, const struct existing *ex,
               const int64_t g[3], int64_t now, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_UPDATE, err);

    if (st == NULL)
        return -1;
    if (a->updated == 0)
        a->updated = now > ex->updated ? now : ex->updated + 1;
    a->id = ex->id;
    bind_text(st, 1, a->url);
    bind_text(st, 2, a->title);
    bind_text(st, 3, a->summary);
    bind_text(st, 4, a->body);
    bind_id(st, 5, g[GROUP_CATEGORY]);
    bind_id(st, 6, g[GROUP_SOURCE]);
    bind_id(st, 7, g[GROUP_AUTHOR]);
    sqlite3_bind_int64(st, 8, a->published);
    sqlite3_bind_int64(st, 9, a->updated);
    bind_text(st, 10, a->hash);
    bind_text(st, 11, a->origin);
    sqlite3_bind_int64(st, 12, now);
    sqlite3_bind_int64(st, 13, s->revision);
    sqlite3_bind_int64(st, 14, a->id);
    if (step_done(s, st, err, "update article") < 0 ||
        log_change(s, a->id, g, err) < 0)
        return -1;
    if (memcmp(g, ex->groups, sizeof(ex->groups)) == 0)
        return 0;
    return log_change(s, a->id, ex->groups, err) < 0
               ? -1
               : prune(s, ex->groups, err);
}

/* take_ids: an existing article keeps the ids feed readers have seen. */
static void
take_ids(struct article *a, struct existing *ex)
{
    free(a->feed_id);
    free(a->slug);
    a->feed_id = ex->feed_id;
    a->slug = ex->slug;
    ex->feed_id = ex->slug = NULL;
    a->id = ex->id;
}

int
store_put_article(struct store *s, struct article *a, int64_t now,
                  enum store_put *result, struct err *err)
{
    struct existing ex;
    int64_t g[3];
    int rc = -1;

    memset(s->made, 0, sizeof(s->made));
    if (find_existing(s, a->key, &ex, err) < 0)
        return -1;
    if (ex.id != 0 && strcmp(ex.hash, a->hash) == 0 &&
        (a->updated == 0 || a->updated == ex.updated)) {
        take_ids(a, &ex);
        a->updated = ex.updated;
        *result = STORE_PUT_UNCHANGED;
        return 0;
    }
    if (group_id(s, GROUP_CATEGORY, a->category, &g[GROUP_CATEGORY], err) < 0 ||
        group_id(s, GROUP_SOURCE, a->source, &g[GROUP_SOURCE], err) < 0 ||
        group_id(s, GROUP_AUTHOR, a->author, &g[GROUP_AUTHOR], err) < 0)
        goto out;
    if (ex.id == 0) {
        /* an id clash rejects the article: what it added goes too */
        if ((rc = insert_article(s, a, g, now, err)) < 0 && err->code != ERR_DB)
            unmake(s, g, err);
        *result = STORE_PUT_NEW;
    } else {
        rc = update_article(s, a, &ex, g, now, err);
        take_ids(a, &ex);
        *result = STORE_PUT_UPDATED;
    }
out:
    free(ex.feed_id);
    free(ex.slug);
    return rc;
}

/* read_article: fills a from a row of ARTICLE_COLUMNS. */
static void
read_article(sqlite3_stmt *st, struct article *a)
{
    const unsigned char *h;

    a->id = sqlite3_column_int64(st, 0);
    a->key = column_dup(st, 1);
    a->feed_id = column_dup(st, 2);
    a->slug = column_dup(st, 3);
    a->url = column_dup(st, 4);
    a->title = column_dup(st, 5);
    a->summary = column_dup(st, 6);
    a->body = column_dup(st, 7);
    a->category = column_dup(st, 8);
    a->source = column_dup(st, 9);
    a->author = column_dup(st, 10);
    a->published = sqlite3_column_int64(st, 11);
    a->updated = sqlite3_column_int64(st, 12);
    h = sqlite3_column_text(st, 13);
    snprintf(a->hash, sizeof(a->hash), "%s", h ? (const char *)h : "");
    a->origin = column_dup(st, 14);
}

int
store_get_article(struct store *s, const char *ref, struct article *out,
                  struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_GET, err);
    int rc;

    if (st == NULL)
        return -1;
    bind_text(st, 1, ref);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_article(st, out);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE)
        return err_set(err, ERR_NOTFOUND, "no article '%s'", ref);
    return rc == SQLITE_ROW ? 0 : db_err(s, err, "read article");
}

int
store_remove_article(struct store *s, int64_t id, struct err *err)
{
    sqlite3_stmt *st = stmt(s, ST_GROUPS_OF, err);
    int64_t g[3] = { 0, 0, 0 };
    int rc, i;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    for (i = 0; rc == SQLITE_ROW && i < 3; i++)
        g[i] = sqlite3_column_int64(st, i);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return err_set(err, ERR_NOTFOUND, "no article %lld", (long long)id);
    if (rc != SQLITE_ROW)
        return db_err(s, err, "read article");
    if ((st = stmt(s, ST_DELETE, err)) == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (step_done(s, st, err, "delete article") < 0 ||
        log_change(s, id, g, err) < 0)
        return -1;
    return prune(s, g, err);
}

int
store_each_article(struct store *s, int with_body, store_article_fn fn,
                   void *arg, struct err *err)
{
    sqlite3_stmt *st = stmt(s, with_body ? ST_EACH : ST_EACH_BRIEF, err);
    struct article a;
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    article_init(&a);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_article(st, &a);
        stop = fn(&a, arg);
        article_release(&a);
    }
    sqlite3_reset(st);
    if (!stop && rc != SQLITE_DONE)
        return db_err(s, err, "list articles");
    return stop;
}

/* ---- inspection -------------------------------------------------------- */

static int64_t
scalar(struct store *s, const char *q)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t
file_size(const char *path, const char *suffix)
{
    char name[4096];
    struct stat sb;

    snprintf(name, sizeof(name), "%s%s", path, suffix);
    return stat(name, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int
store_stats(struct store *s, struct store_stats *st, struct err *err)
{
    st->articles = scalar(s, "SELECT count(*) FROM articles");
    st->categories = scalar(s, "SELECT count(*) FROM categories");
    st->sources = scalar(s, "SELECT count(*) FROM sources");
    st->authors = scalar(s, "SELECT count(*) FROM authors");
    st->documents = scalar(s, "SELECT count(*) FROM documents");
    st->oldest = scalar(s, "SELECT coalesce(min(published), 0) FROM articles");
    st->newest = scalar(s, "SELECT coalesce(max(published), 0) FROM articles");
    st->revision = scalar(s, "SELECT value FROM meta WHERE key = 'revision'");
    st->schema = (int)scalar(s, "PRAGMA user_version");
    st->bytes = file_size(s->path, "") + file_size(s->path, "-wal");
    if (st->articles < 0 || st->revision < 0)
        return db_err(s, err, "read statistics");
    return 0;
}

int64_t
store_data_version(struct store *s)
{
    return scalar(s, "PRAGMA data_version");
}

int64_t
store_revision(struct store *s)
{
    return s->revision;
}

int
store_check(struct store *s, struct err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;

    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(s, err, "integrity check");
    if (sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        rc = err_set(err, ERR_DB, "integrity check: %s",
                     sqlite3_column_text(st, 0)
                         ? (const char *)sqlite3_column_text(st, 0)
                         : sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    if (rc == 0 &&
        scalar(s, "SELECT count(*) FROM pragma_foreign_key_check") != 0)
        rc = err_set(err, ERR_DB, "foreign key check failed");
    return rc;
}

/* ---- rendering state ----------------------------------------------------
 * What render.c reads and keeps: the groups, which articles changed since
 * a revision, the newest articles of a feed, archive positions, and the
 * documents table.  These statements have their own table so that the
 * article statements above stay as they are. */

enum rstmt_id {
    RS_META_GET,
    RS_META_SET,
    RS_GROUPS_CATEGORY,
    RS_GROUPS_SOURCE,
    RS_GROUPS_AUTHOR,
    RS_CHANGED,
    RS_FEED_FIND,
    RS_FEED_ADD,
    RS_FEED_EACH,
    RS_FEED_REMOVE,
    RS_FEED_NEXT,
    RS_ARCHIVE_OF,
    RS_ARCHIVE_ADD,
    RS_ARCHIVE_REMOVE,
    RS_NEWEST_SITE,
    RS_NEWEST_CATEGORY,
    RS_NEWEST_SOURCE,
    RS_NEWEST_AUTHOR,
    RS_ARCHIVED,
    RS_ARCHIVED_FULL,
    RS_SLUGS,
    RS_GET_ID,
    RS_DOC_EACH,
    RS_DOC_PUT,
    RS_DOC_REMOVE,
    RS_COUNT
};

#define NEWEST     " ORDER BY a.published DESC, a.feed_id"
#define NEWEST_IDS " ORDER BY published DESC, feed_id LIMIT ?2)" NEWEST
#define SUBTREE                                                                \
    "SELECT id FROM categories WHERE path = ?1 OR (path > ?1 || '/' AND"       \
    " path < ?1 || '0')"

static const char *const rsql[RS_COUNT] = {
    [RS_META_GET] = "SELECT value FROM meta WHERE key = ?",
    [RS_META_SET] = "INSERT OR REPLACE INTO meta VALUES(?, ?)",
    [RS_GROUPS_CATEGORY] = "SELECT id, path FROM categories ORDER BY id",
    [RS_GROUPS_SOURCE] = "SELECT id, name FROM sources ORDER BY id",
    [RS_GROUPS_AUTHOR] = "SELECT id, name FROM authors ORDER BY id",
    /* ?1 < 0: every article, and every article an archive still names */
    [RS_CHANGED] =
        "WITH ids(id) AS (SELECT article_id FROM changes WHERE revision > ?1"
        " UNION SELECT article_id FROM archive WHERE ?1 < 0"
        " UNION SELECT id FROM articles WHERE ?1 < 0)"
        " SELECT ids.id, a.id IS NOT NULL, a.published, a.feed_id, c.path,"
        " s.name, au.name FROM ids LEFT JOIN articles a ON a.id = ids.id"
        " LEFT JOIN categories c ON c.id = a.category_id"
        " LEFT JOIN sources s ON s.id = a.source_id"
        " LEFT JOIN authors au ON au.id = a.author_id"
        " ORDER BY a.published, a.feed_id, ids.id",
    [RS_FEED_FIND] = "SELECT id, next FROM feeds WHERE key = ?",
    [RS_FEED_ADD] = "INSERT INTO feeds(key, next) VALUES(?, 0)",
    [RS_FEED_EACH] = "SELECT id, key, next FROM feeds ORDER BY id",
    [RS_FEED_REMOVE] = "DELETE FROM feeds WHERE id = ?",
    [RS_FEED_NEXT] = "UPDATE feeds SET next = ?2 WHERE id = ?1",
    [RS_ARCHIVE_OF] = "SELECT feed_id, pos FROM archive WHERE article_id = ?"
                      " ORDER BY feed_id",
    [RS_ARCHIVE_ADD] = "INSERT INTO archive VALUES(?, ?, ?)",
    [RS_ARCHIVE_REMOVE] = "DELETE FROM archive WHERE feed_id = ? AND pos = ?",
    [RS_NEWEST_SITE] = ARTICLE_COLUMNS("a.summary, a.body") NEWEST " LIMIT ?2",
    /* a category's feed holds its descendants: paths "P" and "P/...".
     * The rows are fetched only from the newest published date that
     * still makes the count (found in the index alone): sorting a whole
     * subtree by (published, feed_id) would read every row of it. */
    [RS_NEWEST_CATEGORY] = ARTICLE_COLUMNS(
        "a.summary, a.body") " WHERE a.category_id IN"
                             " (" SUBTREE
                             ") AND a.published >= coalesce((SELECT published FROM"
                             " articles WHERE category_id IN (" SUBTREE
                             ") ORDER BY published"
                             " DESC LIMIT 1 OFFSET ?2 - 1), -9223372036854775807 - 1)" NEWEST
                             " LIMIT ?2",
    [RS_NEWEST_SOURCE] = ARTICLE_COLUMNS(
        "a.summary, a.body") " WHERE a.id IN (SELECT id FROM"
                             " articles WHERE source_id = (SELECT id FROM sources WHERE name = ?1)" NEWEST_IDS,
    [RS_NEWEST_AUTHOR] = ARTICLE_COLUMNS(
        "a.summary, a.body") " WHERE a.id IN (SELECT id FROM"
                             " articles WHERE author_id = (SELECT id FROM authors WHERE name = ?1)" NEWEST_IDS,
    [RS_ARCHIVED] = ARTICLE_COLUMNS(
        "a.summary, NULL") " JOIN archive p ON p.article_id = a.id WHERE p.feed_id = ?1"
                           " AND p.pos >= ?2 AND p.pos < ?3 ORDER BY p.pos DESC",
    [RS_ARCHIVED_FULL] = ARTICLE_COLUMNS(
        "a.summary, a.body") " JOIN archive p ON p.article_id = a.id WHERE p.feed_id = ?1"
                             " AND p.pos >= ?2 AND p.pos < ?3 ORDER BY p.pos DESC",
    /* no ORDER BY: the slug index covers the query, the table is big */
    [RS_SLUGS] = "SELECT id, slug FROM articles",
    [RS_GET_ID] = ARTICLE_COLUMNS("a.summary, a.body") " WHERE a.id = ?",
    [RS_DOC_EACH] = "SELECT path, hash, size, source, changed FROM documents"
                    " ORDER BY path",
    [RS_DOC_PUT] = "INSERT OR REPLACE INTO documents VALUES(?, ?, ?, ?, ?)",
    [RS_DOC_REMOVE] = "DELETE FROM documents WHERE path = ?",
};

static sqlite3_stmt *
rstmt(struct store *s, enum rstmt_id id, struct err *err)
{
    _Static_assert(RS_COUNT <= sizeof(s->rstmt) / sizeof(s->rstmt[0]),
                   "struct store has room for every rendering statement");
    if (s->rstmt[id] == NULL &&
        sqlite3_prepare_v3(s->db, rsql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &s->rstmt[id], NULL) != SQLITE_OK) {
        db_err(s, err, "prepare");
        return NULL;
    }
    return s->rstmt[id];
}

/* finish_rows: resets st after a walk that ended with rc; a non-zero
 * stop from a callback is passed through. */
static int
finish_rows(struct store *s, sqlite3_stmt *st, int rc, int stop,
            struct err *err, const char *what)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? 0 : db_err(s, err, what);
}

int
store_begin_derived(struct store *s, struct err *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err) < 0)
        return -1;
    s->in_tx = 1;
    if (load_revision(s, err) < 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

int
store_begin_read(struct store *s, struct err *err)
{
    if (exec(s, "BEGIN DEFERRED", err) < 0)
        return -1;
    s->in_tx = 1;
    /* the snapshot starts with the first read: take it now */
    if (load_revision(s, err) < 0) {
        store_end_read(s);
        return -1;
    }
    return 0;
}

void
store_end_read(struct store *s)
{
    struct err ignored = ERR_INIT;

    if (sqlite3_get_autocommit(s->db) == 0)
        exec(s, "COMMIT", &ignored);
    s->in_tx = 0;
}

int
store_meta_get(struct store *s, const char *key, char **value, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_META_GET, err);
    int rc;

    *value = NULL;
    if (st == NULL)
        return -1;
    bind_text(st, 1, key);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        *value = column_dup(st, 0);
    return finish_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, 0, err,
                       "read meta");
}

int
store_meta_set(struct store *s, const char *key, const char *value,
               struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_META_SET, err);

    if (st == NULL)
        return -1;
    bind_text(st, 1, key);
    bind_text(st, 2, value);
    return step_done(s, st, err, "write meta");
}

int
store_each_group(struct store *s, enum store_group kind, store_group_fn fn,
                 void *arg, struct err *err)
{
    static const enum rstmt_id ids[] = { RS_GROUPS_CATEGORY, RS_GROUPS_CATEGORY,
                                         RS_GROUPS_SOURCE, RS_GROUPS_AUTHOR };
    sqlite3_stmt *st = rstmt(s, ids[kind], err);
    int rc, stop = 0;

    assert(kind != STORE_GROUP_SITE);
    if (st == NULL)
        return -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(sqlite3_column_int64(st, 0),
                  (const char *)sqlite3_column_text(st, 1), arg);
    return finish_rows(s, st, rc, stop, err, "list groups");
}

int
store_each_changed(struct store *s, int64_t since, store_member_fn fn,
                   void *arg, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_CHANGED, err);
    struct store_member m;
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, since);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        m.id = sqlite3_column_int64(st, 0);
        m.exists = sqlite3_column_int(st, 1);
        m.published = sqlite3_column_int64(st, 2);
        m.feed_id = (const char *)sqlite3_column_text(st, 3);
        m.category = (const char *)sqlite3_column_text(st, 4);
        m.source = (const char *)sqlite3_column_text(st, 5);
        m.author = (const char *)sqlite3_column_text(st, 6);
        stop = fn(&m, arg);
    }
    return finish_rows(s, st, rc, stop, err, "list changes");
}

int
store_feed_find(struct store *s, const char *key, int64_t *id, int64_t *next,
                struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_FEED_FIND, err);
    int rc;

    if (st == NULL)
        return -1;
    bind_text(st, 1, key);
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *next = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    if (finish_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, 0, err,
                    "find feed") < 0)
        return -1;
    if (*id != 0 || (st = rstmt(s, RS_FEED_ADD, err)) == NULL)
        return *id != 0 ? 0 : -1;
    bind_text(st, 1, key);
    if (step_done(s, st, err, "add feed") < 0)
        return -1;
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

int
store_each_feed(struct store *s, store_feed_fn fn, void *arg, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_FEED_EACH, err);
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(sqlite3_column_int64(st, 0),
                  (const char *)sqlite3_column_text(st, 1),
                  sqlite3_column_int64(st, 2), arg);
    return finish_rows(s, st, rc, stop, err, "list feeds");
}

/* exec_ids: steps a statement of up to three integer parameters. */
static int
exec_ids(struct store *s, enum rstmt_id id, int n, int64_t a, int64_t b,
         int64_t c, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, id, err);
    const int64_t v[3] = { a, b, c };
    int i;

    if (st == NULL)
        return -1;
    for (i = 0; i < n; i++)
        sqlite3_bind_int64(st, i + 1, v[i]);
    return step_done(s, st, err, "write archive");
}

int
store_feed_remove(struct store *s, int64_t feed, struct err *err)
{
    return exec_ids(s, RS_FEED_REMOVE, 1, feed, 0, 0, err);
}

int
store_feed_set_next(struct store *s, int64_t feed, int64_t next,
                    struct err *err)
{
    return exec_ids(s, RS_FEED_NEXT, 2, feed, next, 0, err);
}

int
store_archive_add(struct store *s, int64_t feed, int64_t pos, int64_t article,
                  struct err *err)
{
    return exec_ids(s, RS_ARCHIVE_ADD, 3, feed, pos, article, err);
}

int
store_archive_remove(struct store *s, int64_t feed, int64_t pos,
                     struct err *err)
{
    return exec_ids(s, RS_ARCHIVE_REMOVE, 2, feed, pos, 0, err);
}

int
store_archive_of(struct store *s, int64_t article, store_pos_fn fn, void *arg,
                 struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_ARCHIVE_OF, err);
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, article);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop =
            fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), arg);
    return finish_rows(s, st, rc, stop, err, "read archive");
}

/* each_row: calls fn with each article st yields. */
static int
each_row(struct store *s, sqlite3_stmt *st, store_article_fn fn, void *arg,
         struct err *err)
{
    struct article a;
    int rc, stop = 0;

    article_init(&a);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        read_article(st, &a);
        stop = fn(&a, arg);
        article_release(&a);
    }
    return finish_rows(s, st, rc, stop, err, "read articles");
}

int
store_each_newest(struct store *s, enum store_group kind, const char *name,
                  long limit, store_article_fn fn, void *arg, struct err *err)
{
    static const enum rstmt_id ids[] = { RS_NEWEST_SITE, RS_NEWEST_CATEGORY,
                                         RS_NEWEST_SOURCE, RS_NEWEST_AUTHOR };
    sqlite3_stmt *st = rstmt(s, ids[kind], err);

    if (st == NULL)
        return -1;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, limit);
    return each_row(s, st, fn, arg, err);
}

int
store_each_archived(struct store *s, int64_t feed, int64_t from, int64_t to,
                    int with_body, store_article_fn fn, void *arg,
                    struct err *err)
{
    sqlite3_stmt *st =
        rstmt(s, with_body ? RS_ARCHIVED_FULL : RS_ARCHIVED, err);

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, feed);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    return each_row(s, st, fn, arg, err);
}

/* SCAN_MAP: the walk over every documents row (each build makes it, and
 * a rebuild of a large site reads little else) reads the file through a
 * memory map of up to this many bytes; copying each page into the cache
 * with pread was a fifth of rebuilding a site of 100 000 articles.  Only
 * for that walk: a map left on counts every page an import or a full
 * render touches in the process's RSS (the walk over slugs renders
 * articles as it goes, which made a full build's peak 870 MB).  SQLite
 * changes the map only while none of its pages are in use, and the
 * statement is reset before scan_end. */
#define SCAN_MAP "1073741824"

static int
scan_begin(struct store *s, struct err *err)
{
    return exec(s, "PRAGMA mmap_size = " SCAN_MAP, err);
}

static void
scan_end(struct store *s)
{
    struct err ignored = ERR_INIT;

    exec(s, "PRAGMA mmap_size = 0", &ignored);
}

int
store_each_slug(struct store *s, store_slug_fn fn, void *arg, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_SLUGS, err);
    int rc, stop = 0;

    if (st == NULL)
        return -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
        stop = fn(sqlite3_column_int64(st, 0),
                  (const char *)sqlite3_column_text(st, 1), arg);
    return finish_rows(s, st, rc, stop, err, "list articles");
}

int
store_get_article_id(struct store *s, int64_t id, struct article *out,
                     struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_GET_ID, err);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
        read_article(st, out);
    if (finish_rows(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, 0, err,
                    "read article") < 0)
        return -1;
    if (rc != SQLITE_ROW)
        return err_set(err, ERR_NOTFOUND, "no article %lld", (long long)id);
    return 0;
}

/* column_copy: text column i into out, cut to fit, "" for NULL (every
 * documents row is read on each build: snprintf was 8% of a rebuild). */
static void
column_copy(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const void *p = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);

    if (p == NULL)
        n = 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p ? p : "", n);
    out[n] = '\0';
}

int
store_each_doc(struct store *s, store_doc_fn fn, void *arg, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_DOC_EACH, err);
    struct store_doc d;
    int rc, stop = 0;

    if (st == NULL || scan_begin(s, err) < 0)
        return -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        d.path = (const char *)sqlite3_column_text(st, 0);
        column_copy(st, 1, d.hash, sizeof(d.hash));
        d.size = sqlite3_column_int64(st, 2);
        column_copy(st, 3, d.source, sizeof(d.source));
        d.changed = sqlite3_column_int64(st, 4);
        stop = fn(&d, arg);
    }
    rc = finish_rows(s, st, rc, stop, err, "list documents");
    scan_end(s); /* after the reset: no mapped page is in use */
    return rc;
}

int
store_doc_put(struct store *s, const struct store_doc *d, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_DOC_PUT, err);

    if (st == NULL)
        return -1;
    bind_text(st, 1, d->path);
    bind_text(st, 2, d->hash);
    sqlite3_bind_int64(st, 3, d->size);
    bind_text(st, 4, d->source);
    sqlite3_bind_int64(st, 5, d->changed);
    return step_done(s, st, err, "write document");
}

int
store_doc_remove(struct store *s, const char *path, struct err *err)
{
    sqlite3_stmt *st = rstmt(s, RS_DOC_REMOVE, err);

    if (st == NULL)
        return -1;
    bind_text(st, 1, path);
    return step_done(s, st, err, "remove document");
}
