#ifndef TIDINGS_SERVER_H
#define TIDINGS_SERVER_H

/*
 * server: the site over HTTP (SPEC 5), on libmicrohttpd.  No libmicrohttpd
 * type leaves server.c.
 *
 * The server holds the current site as a reference-counted snapshot with
 * every response prebuilt (per document: plain and gzip, 200 and 304).  A
 * request takes a reference to one snapshot when its headers arrive and is
 * answered wholly from it, so a response is never a mix of two versions,
 * and in-flight responses finish on the version they started with.
 * server_swap builds the next snapshot on the caller's thread, off the
 * request path, and publishes it; the old one is freed once its last
 * request completes.  Nothing on the request path touches the store, the
 * disk or the renderer.
 *
 * Threads: server_start starts libmicrohttpd's worker threads and one
 * housekeeping thread (idle and slow-client deadlines, access-log flush,
 * freeing old snapshots).  server_swap, server_site, server_reopen_log and
 * server_stop must be called from one thread, the owner's.
 */

#include <stddef.h>
#include <stdint.h>

struct err;
struct log;
struct site;
struct server;

struct server_config {
    const char *bind;       /* numeric IPv4 or IPv6 address */
    int port;               /* 0: any free port (see server_port) */
    long max_age;           /* Cache-Control max-age of changeable documents */
    long max_connections;   /* more are refused at accept */
    long timeout;           /* seconds to wait for a whole request, or for a
                               stalled response to move */
    long threads;           /* worker threads */
    size_t max_request;     /* bytes of request line and headers */
    const char *access_log; /* "-" stdout, a path, "" or NULL for none */
    const struct log *log;  /* diagnostics; may be NULL */
};

/* server_start: listens and serves site, whose documents it takes over
 * (site is left empty and reusable).  Returns 0, or -1 with ERR_USAGE (a
 * bad address), ERR_IO (the access log) or ERR_NET (cannot listen); *out
 * is NULL then and site is untouched. */
int server_start(struct server **out, const struct server_config *cfg,
                 struct site *site, struct err *err);

/* server_port: the port listened on (the real one when cfg->port was 0). */
int server_port(const struct server *srv);

/* server_swap: builds responses for site and makes it the one new
 * requests are served from, taking over its documents (site is left empty
 * and reusable).  Requests already under way finish on the old one. */
void server_swap(struct server *srv, struct site *site);

/* server_site: the site being served, for rendering the next one against
 * it.  Valid until the owner's next server_swap or server_stop. */
const struct site *server_site(const struct server *srv);

/* server_reopen_log: reopens the access log file (after rotation).
 * Returns 0, or -1 with ERR_IO; the old file stays in use then. */
int server_reopen_log(struct server *srv, struct err *err);

/* server_stop: stops accepting, lets requests under way finish (for at
 * most grace_ms), closes everything, flushes the access log and frees srv.
 * NULL is fine. */
void server_stop(struct server *srv, long grace_ms);

#endif
