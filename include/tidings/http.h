#ifndef TIDINGS_HTTP_H
#define TIDINGS_HTTP_H

/*
 * http: the parts of HTTP semantics (RFC 9110) that are pure functions of
 * header values, kept apart from the server so that they can be tested
 * without a socket: content-coding negotiation, conditional requests, the
 * request target, and the access-log line.  Nothing here allocates except
 * http_log_line, which appends to a caller's buffer.
 */

#include <stddef.h>
#include <stdint.h>

struct buf;

enum http_coding {
    HTTP_CODING_NONE = -1,    /* nothing acceptable: 406 */
    HTTP_CODING_IDENTITY = 0, /* the body as it is */
    HTTP_CODING_GZIP = 1,     /* the gzip form */
};

/* http_choose_coding: the coding to answer with, given the request's
 * Accept-Encoding value (NULL when the header is absent) and whether the
 * document has a gzip form.  q-values are honoured ("gzip;q=0" refuses
 * gzip, "identity;q=0" or "*;q=0" refuses the plain body); x-gzip counts
 * as gzip; identity not named is acceptable but least preferred, and on
 * equal q gzip wins, being smaller.  A missing header means
 * identity only, as most servers read it. */
enum http_coding http_choose_coding(const char *accept_encoding, int has_gzip);

/* http_etag_listed: true when the If-None-Match value lists etag (a
 * strong entity-tag, quotes included) under the weak comparison of RFC
 * 9110 8.8.3.2 (W/"x" matches "x"), or is "*".  Malformed members are
 * skipped, never matched. */
int http_etag_listed(const char *if_none_match, const char *etag);

/* http_not_modified: true when a GET or HEAD with these validators
 * (either may be NULL) is to be answered 304 for a representation with
 * this etag and Last-Modified time.  If-None-Match, when present, decides
 * alone; If-Modified-Since is compared as a date (mtime <= date), and is
 * ignored when it is not a valid HTTP-date. */
int http_not_modified(const char *if_none_match, const char *if_modified_since,
                      const char *etag, int64_t mtime);

/* http_is_token: true when s is a non-empty RFC 9110 token (a method). */
int http_is_token(const char *s);

/* http_target_path: turns a request target (origin form "/a/b", or
 * absolute form "http://host/a/b", query already removed) into the path
 * to look up, percent-decoded, in out (cap bytes with the NUL).  Returns
 * its length; HTTP_TARGET_MALFORMED (a 400) when the target does not
 * start with '/', has raw bytes outside visible ASCII or a '#' (a
 * fragment, which is never sent), a bad or NUL escape, or a "." or ".."
 * segment in any encoding; HTTP_TARGET_TOO_LONG (a 414) when the path is
 * longer than out holds.  out is undefined after a failure. */
#define HTTP_TARGET_MALFORMED (-1)
#define HTTP_TARGET_TOO_LONG  (-2)
long http_target_path(const char *target, char *out, size_t cap);

/* One request as the access log records it; NULL strings print as "-". */
struct http_log_rec {
    const char *peer;    /* client address */
    int64_t time;        /* when the request arrived, UTC seconds */
    const char *method;  /* request line parts, as received */
    const char *target;  /* with the query string */
    const char *version; /* "HTTP/1.1" */
    int status;
    uint64_t bytes; /* body bytes sent */
    const char *referer;
    const char *user_agent;
};

#define HTTP_LOG_FIELD_MAX 1024 /* longer client strings are cut */

/* http_log_line: appends one line in the combined log format (Apache's
 * and nginx's), newline included.  Client-supplied strings are escaped
 * as nginx does (\xHH for '"', '\\', control and non-ASCII bytes), so a
 * line can never be forged or split by a client. */
void http_log_line(struct buf *out, const struct http_log_rec *r);

#endif
