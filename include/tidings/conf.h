#ifndef TIDINGS_CONF_H
#define TIDINGS_CONF_H

/*
 * conf: the configuration (SPEC 4).  Every key is one row of a table in
 * conf.c (section, name, type, bounds, default, help); that table drives
 * parsing, defaults, range checks and `tidings help config`.  Precedence is
 * defaults, then the file, then command-line flags (applied by the command
 * that owns them).  A loaded struct conf is read-only.
 */

#include <stddef.h>

struct buf;
struct err;

enum conf_archive_content {
    CONF_ARCHIVE_SUMMARY = 0,
    CONF_ARCHIVE_FULL,
};

struct conf_slug {
    char *name; /* category, source or author name, UTF-8 */
    char *slug; /* [a-z0-9-]+ */
};

struct conf {
    char *path; /* the file loaded, or NULL for built-in defaults */

    char *site_title;
    char *site_description;
    char *site_base_url; /* absolute http(s) URL without trailing '/' */
    char *site_language;
    char *site_timezone; /* as written, e.g. "+08:00" */
    int site_tz_offset;  /* seconds east of UTC, from site_timezone */
    long site_feed_items;
    long site_feed_max_bytes;
    long site_archive_page;
    enum conf_archive_content site_archive_content;
    char *site_hub; /* "" when unset */

    char *store_path;
    char *build_out;

    char *serve_bind;
    long serve_port;
    long serve_max_age;
    long serve_max_connections;
    long serve_timeout;
    long serve_threads;
    char *serve_access_log; /* "-" for stdout, "" for none */
    long serve_max_request_bytes;

    long import_max_file_bytes;
    long import_batch_files;
    long import_max_feed_bytes;

    struct conf_slug *slugs;
    size_t nslugs;
};

/* conf_init: fills every key with its default.  Release with
 * conf_release. */
void conf_init(struct conf *c);
void conf_release(struct conf *c);

/* conf_load: conf_init, then reads path.  Every problem is appended to
 * report as one "file:line: message" line, and all of the file is read
 * before failing.  Returns 0, or -1 with ERR_CONFIG in err (the first
 * problem) or ERR_IO when the file cannot be read.  On failure c still
 * holds a usable configuration and must be released. */
int conf_load(struct conf *c, const char *path, struct buf *report,
              struct err *err);

/* conf_slug_for: the slug configured for name in [slugs], or NULL. */
const char *conf_slug_for(const struct conf *c, const char *name);

/* conf_describe: appends the documentation of every key (from the table)
 * to out, for `tidings help config`. */
void conf_describe(struct buf *out);

#endif
