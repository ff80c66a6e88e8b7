#ifndef TIDINGS_ARTICLE_H
#define TIDINGS_ARTICLE_H

/*
 * article: the model every importer produces and every renderer reads.
 *
 * All strings are owned by the article, UTF-8, free of characters XML 1.0
 * forbids, and NULL when absent (never "" and absent mixed: importers use
 * NULL).  body is a sanitized HTML fragment using only the allow-list of
 * SPEC 1.2 (page-text bodies are <p> and <h2> elements).  summary and the
 * names are plain text.  Times are seconds since the epoch, UTC; 0 means
 * unknown.
 */

#include <stdint.h>

struct buf;

struct article {
    int64_t id;    /* store row id; 0 before it is stored */
    char *key;     /* identity (SPEC 1.5), see article_set_key */
    char *feed_id; /* RSS guid / Atom id: minted once, then kept */
    char *slug;    /* /articles/SLUG.html: minted once, then kept */
    char *url;     /* the article's own page, absolute, or NULL */
    char *title;
    char *summary;
    char *body;
    char *category; /* path "新闻资讯/综合新闻", parts joined by '/' */
    char *source;   /* organisation */
    char *author;
    int64_t published;
    int64_t updated; /* 0: let the store decide (SPEC 1.5) */
    char *origin;    /* the file it came from */
    char hash[17];   /* content hash, hex; see article_compute_hash */
};

void article_init(struct article *a);
/* article_release: frees every string; the article is empty and reusable. */
void article_release(struct article *a);

/* article_copy: makes dst (empty: initialised or released) a deep copy
 * of src, which dst then owns. */
void article_copy(struct article *dst, const struct article *src);

/* article_set: replaces *field with a copy of s (NULL clears it). */
void article_set(char **field, const char *s);

/* article_set_key: derives the identity key (SPEC 1.5) from what the
 * article already holds: an explicit id given as `id` (front matter), else
 * its URL, else `guid` (a feed's guid/id), else a hash of (category, title,
 * source).  Keys are prefixed with their kind ("id:", "url:", "guid:",
 * "hash:") so the kinds never collide. */
void article_set_key(struct article *a, const char *id, const char *guid);

/* article_compute_hash: hashes the fields a reader sees (not id, key,
 * feed_id, slug, origin or updated) into a->hash. */
void article_compute_hash(struct article *a);

/* article_mint: fills feed_id and slug when they are NULL.  feed_id is the
 * article's URL or a tag: URI (RFC 4151) on host, dated by published; slug
 * is a front-matter id when it is URL-safe, else a hash of feed_id. */
void article_mint(struct article *a, const char *host, const char *explicit_id,
                  int tz_offset);

/* article_is_slug_safe: true for 1-64 characters of [A-Za-z0-9._-] that do
 * not start with '.'. */
int article_is_slug_safe(const char *s);

/*
 * An Atom id must be an absolute IRI (RFC 4287 4.2.6), but feed ids
 * imported from RSS are often not ("caop-2013-0412").  Such an id is
 * written in Atom as a tag: URI (RFC 4151) on the site's host that holds
 * it percent-encoded, "tag:HOST,2000:id/caop-2013-0412", and the feed
 * importer reads exactly that form back to the id, so a round trip
 * through Atom keeps it.  RSS guids and JSON Feed ids take any string
 * and carry the feed id as it is.
 */

/* article_atom_id: appends to out the Atom id of feed_id: feed_id
 * itself when it is an absolute IRI (url_is_iri), else the tag: URI on
 * the host of site (the site's base URL), with every byte outside
 * A-Z a-z 0-9 - . _ ~ written as %XX. */
void article_atom_id(const char *feed_id, const char *site, struct buf *out);

/* article_feed_id_of_atom: the feed id that the Atom id atom_id stands
 * for on site: the id that article_atom_id wrapped, when atom_id is
 * exactly what it makes of one, else atom_id itself.  The caller frees
 * the result. */
char *article_feed_id_of_atom(const char *atom_id, const char *site);

#endif
