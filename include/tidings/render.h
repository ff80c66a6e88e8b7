#ifndef TIDINGS_RENDER_H
#define TIDINGS_RENDER_H

/*
 * render: from the store and the configuration to the site (SPEC 2).  The
 * one entry point that `build` and `serve` call; which documents exist and
 * how each is written is this module's business and its renderers'.
 *
 * Rendering is deterministic: the same store and configuration give the
 * same bytes under any TZ, locale or machine.  It is also incremental:
 * documents whose inputs did not change since prev was rendered are taken
 * over from prev instead of being rendered again.  Every document's hash
 * and the time its bytes last changed are kept in the store (documents
 * table), which is where Last-Modified comes from.
 */

#include <stddef.h>
#include <stdint.h>

struct conf;
struct err;
struct site;
struct store;

struct render_stats {
    long rendered; /* documents rendered this time */
    long reused;   /* documents taken over unchanged */
    long changed;  /* documents whose bytes differ from the last render */
};

/* render_site: renders the site into out (site_init'ed by the caller),
 * reusing documents from prev (NULL: render everything).  now is the
 * wall-clock time recorded for documents whose bytes changed.  The store
 * must be writable.  Returns 0, or -1 with err; out is then empty. */
int render_site(struct store *store, const struct conf *conf,
                const struct site *prev, int64_t now, struct site *out,
                struct render_stats *st, struct err *err);

/* A render_sink takes each document as soon as it is complete (its bytes,
 * hash, mtime and flags final); the document and its bytes are valid
 * during the call only, so a build writing to disk holds one document's
 * bytes at a time, not the site's.  A non-zero return fails the render
 * with err.
 *
 * holds, when set, stands in for prev: it says whether the destination
 * already has the bytes of hash and size at path (a folder, by its
 * manifest).  A document it holds and whose inputs did not change is
 * handed to put as a stub (site_doc_stub: no bytes), neither rendered nor
 * read. */
struct doc;
struct render_sink {
    int (*put)(void *arg, const struct doc *d, struct err *err);
    int (*holds)(void *arg, const char *path, uint64_t hash, size_t size);
    void *arg;
};

/* render_site_to: render_site, handing every document to sink and keeping
 * none; the sink's holds stands in for prev. */
int render_site_to(struct store *store, const struct conf *conf, int64_t now,
                   const struct render_sink *sink, struct render_stats *st,
                   struct err *err);

#endif
