#ifndef TIDINGS_IMPORT_H
#define TIDINGS_IMPORT_H

/*
 * import: from paths to stored articles.  It walks files and folders,
 * sniffs each file's format and encoding, hands the UTF-8 text to the
 * importer for that format, completes what the importer left open (date
 * fallbacks, identity, minted ids, content hash) and puts the articles into
 * the store.
 *
 * Atomicity (SPEC 1.6): files are imported in batches of one transaction;
 * a file is parsed whole before any of it is stored, so a rejected file
 * writes nothing and a file is kept whole or not at all, and a crash loses
 * at most the batch in progress, never part of an article.  A failure of
 * the store itself rolls back the batch and stops the import.  Nothing
 * here prints: outcomes are reported through struct import_events.
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
};

/* import_parse_format: "text", "html", "feed" -> IMPORT_*; -1 if unknown. */
int import_parse_format(const char *name);

/* What one importer hands back for each article it read.  The importer
 * fills what the input says; import.c does the rest.  `id` is an explicit
 * identity (front matter), `guid` a feed's guid/id; both may be NULL. */
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
