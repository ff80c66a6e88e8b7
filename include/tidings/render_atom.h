#ifndef TIDINGS_RENDER_ATOM_H
#define TIDINGS_RENDER_ATOM_H

/*
 * render_atom: Atom 1.0 (RFC 4287) current feeds and RFC 5005 archive
 * pages.  Every document validates against the RFC's RELAX NG schema:
 * text constructs typed, RFC 3339 dates in the configured zone, a
 * feed-level author (the site) so entries without one stay valid, xml:lang
 * on the root.
 */

#include <stddef.h>

struct buf;
struct conf;
struct err;
struct render_feed;
struct render_item;
struct xwriter;

/* render_atom_entry: the <entry> for it, written with w inside a feed
 * (a render_item_fn). */
void render_atom_entry(const struct conf *c, const struct render_item *it,
                       struct xwriter *w);

/* render_atom_feed: the document for f (an archive page when
 * f->is_archive) with as many of the n entries as fit f->max_bytes; *used
 * gets that number.  Returns 0, or -1 with err. */
int render_atom_feed(const struct render_feed *f, const struct render_item *v,
                     size_t n, struct buf *out, size_t *used, struct err *err);

#endif
