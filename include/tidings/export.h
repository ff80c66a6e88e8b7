#ifndef TIDINGS_EXPORT_H
#define TIDINGS_EXPORT_H

/*
 * export: a site on disk, the static mirror (SPEC 3 `build`).  The folder
 * holds every document at its path, a .gz beside every text document (for
 * static hosts that serve precompressed files), `_headers` (Netlify and
 * Cloudflare Pages form) and `tidings.nginx.conf` (an nginx include) giving
 * each path its Content-Type and Cache-Control, and `.tidings-manifest`, the
 * list of files tidings wrote, so that a later build removes exactly the
 * files it wrote that are no longer in the site and nothing else.  While a
 * build runs, `.tidings-pending` lists the files it may create that the
 * manifest does not hold yet; a build that is killed leaves it for the
 * next one.  `.tidings-lock` is locked (flock) by the build that writes
 * the folder, so that a second one fails instead of mixing its files
 * with the first's; it is empty, never part of the site and never
 * removed (removing a lock file another process holds would let a third
 * lock a new one).
 *
 * Each file is written to a temporary name in `.tidings-tmp` inside the
 * folder and renamed, so a reader (or a crash) never sees half a file
 * under a real name; a build that was killed leaves its temporary files
 * there only, and the next build empties it first.  A
 * file whose bytes are already right is not touched, so its mtime stays;
 * a file that is written gets the document's mtime (when its bytes last
 * changed), so that `serve --from` gives the same Last-Modified as `serve`.
 */

#include <stddef.h>
#include <stdint.h>

struct doc;
struct err;
struct site;

#define EXPORT_MANIFEST ".tidings-manifest"
#define EXPORT_PENDING  ".tidings-pending"
#define EXPORT_HEADERS  "_headers"
#define EXPORT_NGINX    "tidings.nginx.conf"
#define EXPORT_LOCK     ".tidings-lock"

struct export_stats {
    long written, unchanged, removed;
};

/* export_write: writes site into dir (created if missing).  max_age is
 * the Cache-Control max-age for documents that can change.  Returns 0, or
 * -1 with ERR_IO naming the file (or "DIR: another build is writing
 * it" when another export holds the folder's lock); files written before
 * the failure stay (each is whole), and the manifest is rewritten only at
 * the end.  A stub (site_add_stub) must already be on disk as the
 * manifest says; if it is not, the call fails with ERR_NOTFOUND and the
 * caller renders it. */
int export_write(const struct site *site, const char *dir, long max_age,
                 struct export_stats *st, struct err *err);

/* The same, one document at a time, so that a build can write each
 * document as soon as it is rendered and drop its bytes (memory then does
 * not grow with the site): export_begin locks the folder (failing at once
 * when another export holds it) and reads its manifest;
 * export_put writes one document (a stub, with no bytes, is taken as
 * already on disk); export_finish writes the header files and the
 * manifest for the documents put (the whole site: a path must not be put
 * twice), removes what is no longer in it and fills st.  export_free releases
 * the handle and the lock; after a failure the folder holds whole files and a
 * pending list that the next build cleans up. */
struct export;
int export_begin(struct export **out, const char *dir, struct err *err);
int export_put(struct export *x, const struct doc *d, struct err *err);
/* export_holds: the folder holds the bytes of hash and size at path, by
 * its manifest (a document being written is not held), so a stub of them
 * may be put: a render_sink's holds. */
int export_holds(struct export *x, const char *path, uint64_t hash,
                 size_t size);
int export_finish(struct export *x, long max_age, struct export_stats *st,
                  struct err *err);
void export_free(struct export *x);

/* export_load: reads a folder written by export_write into site (which
 * the caller has site_init'ed), for `serve --from`: the documents the
 * manifest lists, their .gz forms when present, their mtimes and whether
 * they are immutable.  Every body must have the hash and size the
 * manifest lists and every .gz must inflate to its body, so a folder
 * caught half-way through a copy fails to load rather than mixing two
 * versions.  Returns 0, or -1 with ERR_IO / ERR_PARSE (site is empty
 * then). */
int export_load(struct site *site, const char *dir, struct err *err);

/* export_index: the documents the folder of x held when export_begin read
 * its manifest, as stubs (site_add_stub: path, hash, size, immutable; no
 * bytes read), for `build` to hand to render_site as the previous site:
 * the manifest is read once for both.  A folder with no manifest gives an
 * empty site. */
void export_index(const struct export *x, struct site *site);

#endif
