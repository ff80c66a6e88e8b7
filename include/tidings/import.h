#ifndef TIDINGS_IMPORT_H
#define TIDINGS_IMPORT_H

/*
 * import: from paths to stored articles.  It walks files and folders,
 * sniffs each file's format and encoding, hands the UTF-8 text to the
 * importer for that format, completes what the importer left open (date
 * fallbacks, identity, minted ids, content hash) and puts the articles into
 * the store.
 *
 * Atomicity (SPEC 1.6): files are imported in batches of one transaction,
 * and a file is kept whole or not at all: one it rejects (the parser's
 * error, or an id the store finds taken) leaves nothing behind, and a
 * crash loses at most the batch in progress, never part of an article.  A
 * failure of the store itself rolls back the batch and stops the import.
 * Files are read and parsed on reader threads, several at once (import.c
 * says how), so the importers keep no state outside their call.  Nothing here
 * prints: outcomes are reported through struct import_events.
 */

#include <stddef.h>
#include <stdint.h>

struct article;
struct err;
struct store;

enum import_format {
    IMPORT_AUTO = 0,
    IMPORT_TEXT,
    IMPORT_HTML,
    IMPORT_FEED,
};

struct import_opts {
    enum import_format format; /* IMPORT_AUTO: sniff each file */
    const char *encoding;      /* --encoding, or NULL to sniff */
    const char *base_url;      /* --base-url, or NULL */
    const char *category;      /* --category for files naming none */
    int64_t date;              /* --date; used when has_date */
    int has_date;
    int tz_offset;    /* zone of dates written without one */
    const char *host; /* authority for tag: URIs */
    size_t max_file_bytes;
    long batch_files;
    int64_t now; /* wall clock, for `updated` of edits */
    /* the site's own base URL (conf site_base_url, no trailing '/'): links
     * of the form SITE/articles/SLUG.html are tidings' own article pages */
    const char *site_base_url;
    /* feeds are streamed, so they have a cap of their own */
    size_t max_feed_bytes;
};

/* import_parse_format: "text", "html", "feed" -> IMPORT_*; -1 if unknown. */
int import_parse_format(const char *name);

/* import_sniff: the format of a file from its first n bytes (the whole
 * file, or at least its first 64 KiB): a feed when the root element is
 * rss, Atom's feed or RDF; HTML for other markup (also in a .txt file)
 * or text that holds "<html"; page text otherwise.  -1 with ERR_PARSE for
 * what is no input format: JSON (JSON Feed is output only), other XML
 * documents, binary data. */
int import_sniff(const char *s, size_t n, struct err *err);

/* What one importer hands back for each article it read.  The importer
 * fills what the input says; import.c does the rest.  `id` is an explicit
 * identity (front matter), `guid` a feed's guid/id; both may be NULL.
 * An article with body NULL says nothing about its body (a feed entry
 * with a summary only, such as an RFC 5005 archive entry): the body
 * stored for the same identity, if any, is kept. */
struct import_item {
    struct article *article;
    const char *id;
    const char *guid;
    int line; /* where the article starts, for messages; 0 if unknown */
};

/* The importers call emit once per article; a non-zero return stops them
 * and is passed back.  emit may take the strings of item->article, leaving
 * it empty (as after article_release), so an importer must not read it
 * again after the call; releasing it is still the importer's job.  warn
 * reports something the user should know that does not reject the
 * file. */
struct import_sink {
    int (*emit)(void *arg, struct import_item *item, struct err *err);
    void (*warn)(void *arg, const char *msg);
    void *arg;
};

struct import_counts {
    long added, updated, unchanged, rejected; /* articles; rejected: files */
    long files_done, files_total;
};

struct import_events {
    /* after each file; why is NULL unless the file was rejected */
    void (*file_done)(void *arg, const char *path,
                      const struct import_counts *sofar, const struct err *why);
    void (*warning)(void *arg, const char *path, const char *msg);
    void *arg;
};

/* import_run: imports every file under paths.  Rejected files are counted
 * and reported, and do not make it fail.  Returns 0, or -1 with err when
 * the import cannot go on at all (the store failed, a path is missing);
 * batches committed before then stay. */
int import_run(struct store *store, const struct import_opts *opts,
               char *const *paths, int npaths,
               const struct import_events *events, struct import_counts *counts,
               struct err *err);

#endif
