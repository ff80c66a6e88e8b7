#ifndef TIDINGS_IMPORT_FEED_H
#define TIDINGS_IMPORT_FEED_H

/*
 * import_feed: the feed importer (SPEC 1.3).  RSS 2.0 (and 0.9x), RSS 1.0
 * (RDF) and Atom 1.0, told apart by the root element.  Every item or entry
 * becomes one article, read as the feed conventions (issue 3 and 5) fix
 * it, so that feeds tidings wrote import back to the same articles:
 *
 *  - guid / Atom id is the feed id, unchanged, and the identity unless
 *    the item has a URL of its own;
 *  - a link SITE/articles/X.html (SITE being opts->site_base_url) means
 *    "no URL of its own" and slug X; so does an Atom rel="related" link;
 *    any other alternate link is the article's URL;
 *  - titles are plain text: entities decoded, HTML stripped; an RSS
 *    description is HTML (RSS 2.0's convention; tidings writes a plain
 *    summary escaped as HTML), so its references are decoded and its
 *    tags stripped for the summary, and it is the body as well when it
 *    holds something tag-like and the item has no content:encoded;
 *  - content:encoded and Atom content (text, html, xhtml) go through the
 *    sanitizer against the item's base; an entry without content has body
 *    NULL, which keeps a stored body (RFC 5005 archives carry summaries);
 *  - the first category is the category path; dc:creator, RSS author or
 *    the entry's Atom author/name is the author (never the feed's);
 *    dc:publisher, else RSS source, is the source;
 *  - pubDate in RFC 822 (real-world variants) or dc:date / published in
 *    RFC 3339 is published; Atom updated is updated.
 *
 * Safety: the document is parsed by libxml2's push parser with a SAX
 * handler of our own that resolves no entity but the five predefined ones
 * (and HTML's names where a DTD makes them legal), loads no DTD and no
 * external entity, and uses no network.  An entity declared in an
 * internal subset is never expanded: referring to one is an error, so a
 * billion-laughs document fails at its first reference and an XXE
 * reference never reads the file it names.  Nesting is bounded by
 * libxml2 (256), text fields by caps of their own (ERR_LIMIT).
 */

#include <stddef.h>

struct err;
struct import_opts;
struct import_sink;

/* import_feed_parse: reads the feed in s (n bytes as in the file: the XML
 * declaration, a BOM or opts->encoding say how it is encoded; without
 * them, bytes that are not UTF-8 are read as GB18030) and emits one
 * article per item.  Returns 0, -1 with ERR_PARSE (with a line number)
 * for a document that is not a well-formed RSS or Atom feed, ERR_LIMIT
 * for a field over its cap, ERR_USAGE for an unknown encoding, or what
 * the sink returned. */
int import_feed_parse(const char *s, size_t n, const struct import_opts *opts,
                      const struct import_sink *sink, struct err *err);

/* import_feed_stream: the same for an open file whose first n bytes are
 * head; the rest is read from fd in chunks, so memory does not grow with
 * the number of items.  ERR_IO when reading fails. */
int import_feed_stream(int fd, const char *head, size_t n,
                       const struct import_opts *opts,
                       const struct import_sink *sink, struct err *err);

#endif
