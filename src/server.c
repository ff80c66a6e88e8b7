/*
 * server: libmicrohttpd around a reference-counted snapshot of the site.
 *
 * Snapshots.  A snapshot is a finished site plus a prebuilt MHD_Response
 * per document, coding and status (200 and 304, plain and gzip), created
 * with MHD_RESPMEM_PERSISTENT over the site's own bytes: libmicrohttpd
 * reference-counts responses and can queue one on many connections at
 * once, so the request path builds nothing.  `current` is read and its
 * count raised under snap_lock, so a swap can never free a snapshot
 * between the two; the thread that drops the last reference hands it to
 * the housekeeper, which frees it, so no request ever pays for freeing a
 * site.
 *
 * A 304's Content-Length.  libmicrohttpd 0.9.75 frames every 304 with
 * Content-Length, the size of the response object (it sends no body).
 * RFC 9110 8.6 allows none, or the size of the 200.  The 200's size is
 * to be had (a 304 over the 200's bytes), but wrk 4.1 (Debian), whose
 * http-parser then waits for that many body bytes, measured 0 requests
 * in 2 s at 4 connections, against 170k/s with a length of 0.  None is
 * not to be had: MHD_RF_INSANITY_HEADER_CONTENT_LENGTH puts a length of
 * ours beside libmicrohttpd's, and a response of unknown size goes out
 * chunked, a last-chunk as the 304's "body", which breaks the framing
 * for every client.  So the 304s are empty and say Content-Length: 0,
 * which every parser reads right and which caches do not copy onto the
 * stored response (RFC 9111 3.2 exempts it), at the price of 8.6's MUST
 * NOT; nginx and Apache send none.
 *
 * Requests.  The uri-log callback opens each request (it runs once the
 * request line is read, and its return value becomes the request's
 * context), the first handler call (headers complete) takes the snapshot,
 * and the second call queues the response: queueing on the first call
 * makes libmicrohttpd close the connection after every response
 * (FIELD-NOTES), so only requests that are refused outright (a method
 * other than GET and HEAD, a request body, a header section RFC 9112
 * makes a 400) are answered there, and libmicrohttpd then closes the
 * connection, unread bytes and all.  The completion callback counts,
 * logs and drops the snapshot.  What libmicrohttpd answers on its own
 * (505, 414, 431) is known only from its error log, and is counted from
 * there (see "answers libmicrohttpd makes itself" below).
 *
 * Connections.  libmicrohttpd's timeout is an idle timeout: a client that
 * sends one byte a second is never idle.  So each connection is tracked
 * from accept, and the housekeeper shuts down any that has waited longer
 * than the timeout for a complete request.  The list is locked, and the
 * closed-notification (which libmicrohttpd calls before it closes the
 * socket) unlinks under the same lock, so shutdown() never reaches a file
 * descriptor that has been closed and reused.
 */
#include "tidings/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/http.h"
#include "tidings/log.h"
#include "tidings/site.h"
#include "tidings/xalloc.h"

#define TICK_MS         100         /* housekeeper period */
#define LOG_FLUSH_BYTES (32 * 1024) /* access-log buffer before a write */
#define PATH_CAP        2048        /* decoded request path */
#define STATUS_MAX      600

/* Responses of one document: [coding][0] is 200, [coding][1] is 304. */
struct entry {
    struct MHD_Response *r[2][2];
};

struct snapshot {
    atomic_long refs;
    struct site site;
    struct entry *entries; /* parallel to site.docs */
    uint64_t generation;
    struct snapshot *next_dead;
};

struct conn {
    struct conn *prev, *next;
    struct server *srv;
    int fd;
    atomic_int reaped;  /* shut down by the housekeeper */
    atomic_int busy;    /* headers in, response not finished */
    atomic_llong since; /* monotonic ms: start of the wait for a request */
    char peer[INET6_ADDRSTRLEN];
    /* the request under way */
    int open; /* from the request line (on_uri) to its completion */
    struct snapshot *snap;
    const char *method, *version; /* libmicrohttpd's, valid until done */
    int status;                   /* queued by us; 0: none yet */
    uint64_t bytes;
    int64_t time;
    char target[HTTP_LOG_FIELD_MAX + 4];
};

struct access_log {
    pthread_mutex_t lock;
    int fd; /* -1: none */
    int owned;
    char *path;
    struct buf buf;
};

struct metrics {
    atomic_ullong status[STATUS_MAX];
    atomic_ullong bytes, reloads, reaped;
    atomic_llong connections, busy;
};

/* Answers that are the same for every request, built once. */
enum canned {
    CANNED_BAD_REQUEST,
    CANNED_NOT_FOUND,
    CANNED_NOT_ALLOWED,
    CANNED_NOT_ACCEPTABLE,
    CANNED_URI_TOO_LONG,
    CANNED_HEALTH,
    CANNED_COUNT
};

static const struct {
    unsigned status;
    const char *text;
} canned_rows[CANNED_COUNT] = {
    [CANNED_BAD_REQUEST] = { MHD_HTTP_BAD_REQUEST, "bad request\n" },
    [CANNED_NOT_FOUND] = { MHD_HTTP_NOT_FOUND, "not found\n" },
    [CANNED_NOT_ALLOWED] = { MHD_HTTP_METHOD_NOT_ALLOWED,
                             "method not allowed\n" },
    [CANNED_NOT_ACCEPTABLE] = { MHD_HTTP_NOT_ACCEPTABLE,
                                "no acceptable content coding\n" },
    [CANNED_URI_TOO_LONG] = { MHD_HTTP_URI_TOO_LONG,
                              "request target too long\n" },
    [CANNED_HEALTH] = { MHD_HTTP_OK, "ok\n" },
};

/* An answer libmicrohttpd made on its own (see mhd_log), not yet
 * counted: one slot per thread of libmicrohttpd's, written and read by
 * that thread only. */
struct refusal {
    pthread_t thread;
    int used;
    int status; /* 0: none pending */
    size_t bytes;
};

struct server {
    struct MHD_Daemon *daemon;
    const struct log *log;
    long max_age;
    long timeout_ms;
    int port;

    pthread_mutex_t snap_lock;
    struct snapshot *current; /* written under snap_lock, by the owner */
    uint64_t generation;

    pthread_mutex_t conns_lock;
    struct conn *conns;

    pthread_t housekeeper;
    pthread_mutex_t hk_lock;
    pthread_cond_t hk_cond;
    int stopping;          /* under hk_lock */
    struct snapshot *dead; /* under hk_lock: snapshots nobody uses */

    pthread_mutex_t refusals_lock; /* finds a thread's slot */
    struct refusal *refusals;      /* one per libmicrohttpd thread */
    size_t nrefusals;
    atomic_int refusals_pending;

    int logging; /* an access log is kept; fixed at start */
    struct access_log alog;
    struct metrics m;
    struct MHD_Response *canned[CANNED_COUNT];
};

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- responses --------------------------------------------------------- */

static struct MHD_Response *
response_over(const char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);

    if (r == NULL) {
        fprintf(stderr, "tidings: cannot create a response\n");
        abort();
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_X_CONTENT_TYPE_OPTIONS,
                            "nosniff");
    return r;
}

/* doc_response: the 200 (is_304 == 0) or 304 of one coding of d.  A 304
 * carries the validators and caching headers (RFC 9110 15.4.5) but not
 * Content-Type or Content-Encoding. */
static struct MHD_Response *
doc_response(const struct doc *d, int gzip, int is_304, long max_age)
{
    struct MHD_Response *r = is_304 ? response_over(NULL, 0)
                                    : response_over(gzip ? d->gz : d->body,
                                                    gzip ? d->gz_len : d->len);
    char when[DATE_MAX], cc[64];

    date_format_http(d->mtime, when);
    site_cache_control(d, max_age, cc, sizeof(cc));
    if (!is_304) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                site_content_type(d->type));
        if (gzip)
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                    "gzip");
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG,
                            gzip ? d->gz_etag : d->etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, when);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    return r;
}

static void
canned_init(struct server *srv)
{
    struct MHD_Response *r;
    int i;

    for (i = 0; i < CANNED_COUNT; i++) {
        r = response_over(canned_rows[i].text, strlen(canned_rows[i].text));
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "text/plain; charset=utf-8");
        srv->canned[i] = r;
    }
    MHD_add_response_header(srv->canned[CANNED_NOT_ALLOWED],
                            MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    MHD_add_response_header(srv->canned[CANNED_HEALTH],
                            MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static void
canned_release(struct server *srv)
{
    int i;

    for (i = 0; i < CANNED_COUNT; i++)
        MHD_destroy_response(srv->canned[i]);
}

/* ---- snapshots --------------------------------------------------------- */

static struct snapshot *
snapshot_new(struct site *site, uint64_t generation, long max_age)
{
    struct snapshot *s = xcalloc(1, sizeof(*s));
    size_t i;
    int gz, nm;

    atomic_init(&s->refs, 1);
    s->site = *site;
    site_init(site);
    s->generation = generation;
    s->entries =
        xcalloc(s->site.ndocs ? s->site.ndocs : 1, sizeof(*s->entries));
    for (i = 0; i < s->site.ndocs; i++) {
        const struct doc *d = &s->site.docs[i];

        for (gz = 0; gz < 2; gz++)
            for (nm = 0; nm < 2 && (!gz || d->gz != NULL); nm++)
                s->entries[i].r[gz][nm] = doc_response(d, gz, nm, max_age);
    }
    return s;
}

/* snapshot_unwrap: frees s but its site, which moves to out. */
static void
snapshot_unwrap(struct snapshot *s, struct site *out)
{
    size_t i;
    int gz, nm;

    for (i = 0; i < s->site.ndocs; i++)
        for (gz = 0; gz < 2; gz++)
            for (nm = 0; nm < 2; nm++)
                if (s->entries[i].r[gz][nm] != NULL)
                    MHD_destroy_response(s->entries[i].r[gz][nm]);
    free(s->entries);
    *out = s->site;
    free(s);
}

static void
snapshot_free(struct snapshot *s)
{
    struct site site;

    snapshot_unwrap(s, &site);
    site_release(&site);
}

static struct snapshot *
snapshot_acquire(struct server *srv)
{
    struct snapshot *s;

    pthread_mutex_lock(&srv->snap_lock);
    s = srv->current;
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&srv->snap_lock);
    return s;
}

/* snapshot_release: the last reference hands s to the housekeeper. */
static void
snapshot_release(struct server *srv, struct snapshot *s)
{
    if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    pthread_mutex_lock(&srv->hk_lock);
    s->next_dead = srv->dead;
    srv->dead = s;
    pthread_mutex_unlock(&srv->hk_lock);
}

static void
free_dead(struct server *srv)
{
    struct snapshot *s;

    pthread_mutex_lock(&srv->hk_lock);
    s = srv->dead;
    srv->dead = NULL;
    pthread_mutex_unlock(&srv->hk_lock);
    while (s != NULL) {
        struct snapshot *next = s->next_dead;

        snapshot_free(s);
        s = next;
    }
}

/* ---- access log -------------------------------------------------------- */

static int
alog_open(struct access_log *a, struct err *err)
{
    int fd;

    if (a->path == NULL)
        return 0;
    if (strcmp(a->path, "-") == 0) {
        a->fd = STDOUT_FILENO;
        a->owned = 0;
        return 0;
    }
    fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_errno(err, ERR_IO, "cannot open access log '%s'", a->path);
    pthread_mutex_lock(&a->lock);
    if (a->owned)
        close(a->fd);
    a->fd = fd;
    a->owned = 1;
    pthread_mutex_unlock(&a->lock);
    return 0;
}

/* alog_flush_locked: writes what is buffered; a failed write drops it (a
 * full disk must not stop the server or grow its memory). */
static void
alog_flush_locked(struct access_log *a)
{
    size_t off = 0;

    while (off < a->buf.len) {
        ssize_t n = write(a->fd, a->buf.data + off, a->buf.len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    buf_reset(&a->buf);
}

static void
alog_flush(struct access_log *a)
{
    pthread_mutex_lock(&a->lock);
    if (a->fd >= 0 && a->buf.len > 0)
        alog_flush_locked(a);
    pthread_mutex_unlock(&a->lock);
}

static void
alog_write(struct access_log *a, const struct http_log_rec *rec)
{
    pthread_mutex_lock(&a->lock);
    http_log_line(&a->buf, rec);
    if (a->buf.len >= LOG_FLUSH_BYTES || buf_failed(&a->buf))
        alog_flush_locked(a);
    pthread_mutex_unlock(&a->lock);
}

static void
alog_release(struct access_log *a)
{
    alog_flush(a);
    if (a->owned)
        close(a->fd);
    buf_release(&a->buf);
    free(a->path);
    pthread_mutex_destroy(&a->lock);
}

/* ---- metrics ----------------------------------------------------------- */

static uint64_t
counter(const atomic_ullong *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* metrics_count: one answer and its body bytes. */
static void
metrics_count(struct server *srv, int status, uint64_t bytes)
{
    if (status >= 100 && status < STATUS_MAX)
        atomic_fetch_add_explicit(&srv->m.status[status], 1,
                                  memory_order_relaxed);
    atomic_fetch_add_explicit(&srv->m.bytes, bytes, memory_order_relaxed);
}

static void
metrics_site(const struct server *srv, const struct snapshot *s, struct buf *b)
{
    buf_appendf(b,
                "# HELP tidings_site_version Store revision the site served "
                "was rendered from.\n# TYPE tidings_site_version gauge\n"
                "tidings_site_version %lld\n"
                "# HELP tidings_site_generation Sites loaded since start.\n"
                "# TYPE tidings_site_generation gauge\n"
                "tidings_site_generation %llu\n"
                "# HELP tidings_site_documents Documents served.\n"
                "# TYPE tidings_site_documents gauge\n"
                "tidings_site_documents %zu\n"
                "# HELP tidings_site_bytes Bytes of documents and their gzip "
                "forms held.\n# TYPE tidings_site_bytes gauge\n"
                "tidings_site_bytes %zu\n"
                "# HELP tidings_reloads_total Sites swapped in after the "
                "first.\n# TYPE tidings_reloads_total counter\n"
                "tidings_reloads_total %llu\n",
                (long long)s->site.version, (unsigned long long)s->generation,
                s->site.ndocs, s->site.bytes,
                (unsigned long long)counter(&srv->m.reloads));
}

static void
metrics_http(const struct server *srv, struct buf *b)
{
    uint64_t ok = counter(&srv->m.status[200]);
    uint64_t nm = counter(&srv->m.status[304]);
    int i;

    buf_puts(b, "# HELP tidings_http_requests_total Requests answered, by "
                "status.\n# TYPE tidings_http_requests_total counter\n");
    for (i = 100; i < STATUS_MAX; i++)
        if (counter(&srv->m.status[i]) > 0)
            buf_appendf(b, "tidings_http_requests_total{code=\"%d\"} %llu\n", i,
                        (unsigned long long)counter(&srv->m.status[i]));
    buf_appendf(b,
                "# HELP tidings_http_response_bytes_total Body bytes sent.\n"
                "# TYPE tidings_http_response_bytes_total counter\n"
                "tidings_http_response_bytes_total %llu\n"
                "# HELP tidings_http_not_modified_ratio Share of 200 and 304 "
                "answers that were 304.\n"
                "# TYPE tidings_http_not_modified_ratio gauge\n"
                "tidings_http_not_modified_ratio %.6f\n"
                "# HELP tidings_connections Connections open.\n"
                "# TYPE tidings_connections gauge\n"
                "tidings_connections %lld\n"
                "# HELP tidings_connections_timed_out_total Connections closed "
                "for not sending a whole request in time.\n"
                "# TYPE tidings_connections_timed_out_total counter\n"
                "tidings_connections_timed_out_total %llu\n",
                (unsigned long long)counter(&srv->m.bytes),
                ok + nm ? (double)nm / (double)(ok + nm) : 0.0,
                (long long)atomic_load(&srv->m.connections),
                (unsigned long long)counter(&srv->m.reaped));
}

/* metrics_response: the Prometheus text exposition, built per request
 * (it is small and rarely asked for). */
static struct MHD_Response *
metrics_response(const struct server *srv, const struct snapshot *s,
                 size_t *len)
{
    struct buf b = BUF_INIT;
    struct MHD_Response *r;
    char *text;

    metrics_http(srv, &b);
    metrics_site(srv, s, &b);
    text = buf_detach(&b, len);
    r = MHD_create_response_from_buffer(*len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return r;
}

/* ---- answers libmicrohttpd makes itself -------------------------------- */

/* Some requests libmicrohttpd refuses before any callback sees them: a
 * request line of another HTTP version (505) or too long to read (414).
 * No callback is told; the only trace is the message its error path logs
 * (with the status and the body it sends), on the thread that serves the
 * connection, which later closes it.  So that message is kept in the
 * thread's slot and taken by the next completion (a 431 after the request
 * line) or close of a connection with no request open on that thread.
 * Counts are exact; when two connections of one thread are refused before
 * either closes, a log line may name the other's address. */
#define REFUSAL_FORMAT "Error processing request (HTTP response code is %u"

static struct refusal *
refusal_slot(struct server *srv)
{
    pthread_t self = pthread_self();
    struct refusal *r = NULL;
    size_t i;

    pthread_mutex_lock(&srv->refusals_lock);
    for (i = 0; i < srv->nrefusals && r == NULL; i++)
        if (srv->refusals[i].used &&
            pthread_equal(srv->refusals[i].thread, self))
            r = &srv->refusals[i];
    for (i = 0; i < srv->nrefusals && r == NULL; i++)
        if (!srv->refusals[i].used) {
            r = &srv->refusals[i];
            r->used = 1;
            r->thread = self;
        }
    pthread_mutex_unlock(&srv->refusals_lock);
    return r;
}

static void
refusal_log(struct server *srv, const struct conn *cn, int status,
            uint64_t bytes)
{
    struct http_log_rec rec;

    memset(&rec, 0, sizeof(rec));
    rec.peer = cn != NULL ? cn->peer : NULL;
    rec.time = (int64_t)time(NULL);
    rec.status = status;
    rec.bytes = bytes;
    alog_write(&srv->alog, &rec);
}

/* refusal_note: a refusal on this thread; one still pending (its
 * connection closed unseen) is counted and logged without an address. */
static void
refusal_note(struct server *srv, int status, size_t bytes)
{
    struct refusal *r = refusal_slot(srv);

    if (r == NULL)
        return;
    if (r->status != 0) {
        metrics_count(srv, r->status, r->bytes);
        if (srv->logging)
            refusal_log(srv, NULL, r->status, r->bytes);
    } else {
        atomic_fetch_add(&srv->refusals_pending, 1);
    }
    r->status = status;
    r->bytes = bytes;
}

/* refusal_take: the refusal pending on this thread, if any, and if it
 * has the status *status (any when *status is 0). */
static int
refusal_take(struct server *srv, int *status, size_t *bytes)
{
    struct refusal *r;

    if (atomic_load(&srv->refusals_pending) == 0 ||
        (r = refusal_slot(srv)) == NULL || r->status == 0 ||
        (*status != 0 && r->status != *status))
        return 0;
    *status = r->status;
    *bytes = r->bytes;
    r->status = 0;
    atomic_fetch_sub(&srv->refusals_pending, 1);
    return 1;
}

/* ---- requests ---------------------------------------------------------- */

static enum MHD_Result
reply(struct conn *cn, struct MHD_Connection *c, unsigned status,
      struct MHD_Response *r, uint64_t bytes)
{
    cn->status = (int)status;
    cn->bytes = strcmp(cn->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : bytes;
    return MHD_queue_response(c, status, r);
}

static enum MHD_Result
reply_canned(struct server *srv, struct conn *cn, struct MHD_Connection *c,
             enum canned k)
{
    return reply(cn, c, canned_rows[k].status, srv->canned[k],
                 strlen(canned_rows[k].text));
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result
reply_doc(struct server *srv, struct conn *cn, struct MHD_Connection *c,
          const struct doc *d)
{
    const struct entry *e = &cn->snap->entries[d - cn->snap->site.docs];
    enum http_coding coding;
    const char *etag;

    coding = http_choose_coding(header(c, MHD_HTTP_HEADER_ACCEPT_ENCODING),
                                d->gz != NULL);
    if (coding == HTTP_CODING_NONE)
        return reply_canned(srv, cn, c, CANNED_NOT_ACCEPTABLE);
    etag = coding == HTTP_CODING_GZIP ? d->gz_etag : d->etag;
    if (http_not_modified(header(c, MHD_HTTP_HEADER_IF_NONE_MATCH),
                          header(c, MHD_HTTP_HEADER_IF_MODIFIED_SINCE), etag,
                          d->mtime))
        return reply(cn, c, MHD_HTTP_NOT_MODIFIED, e->r[coding][1], 0);
    return reply(cn, c, MHD_HTTP_OK, e->r[coding][0],
                 coding == HTTP_CODING_GZIP ? d->gz_len : d->len);
}

static enum MHD_Result
reply_metrics(struct server *srv, struct conn *cn, struct MHD_Connection *c)
{
    struct MHD_Response *r;
    enum MHD_Result rc;
    size_t len;

    r = metrics_response(srv, cn->snap, &len);
    rc = reply(cn, c, MHD_HTTP_OK, r, len);
    MHD_destroy_response(r); /* the connection holds its own reference */
    return rc;
}

/* answer: the second handler call of a GET or HEAD. */
static enum MHD_Result
answer(struct server *srv, struct conn *cn, struct MHD_Connection *c,
       const char *url)
{
    char path[PATH_CAP];
    const struct doc *d;
    long n;

    n = http_target_path(url, path, sizeof(path));
    if (n == HTTP_TARGET_TOO_LONG)
        return reply_canned(srv, cn, c, CANNED_URI_TOO_LONG);
    if (n < 0)
        return reply_canned(srv, cn, c, CANNED_BAD_REQUEST);
    if (strcmp(path, "/healthz") == 0)
        return reply_canned(srv, cn, c, CANNED_HEALTH);
    if (strcmp(path, "/metrics") == 0)
        return reply_metrics(srv, cn, c);
    if ((d = site_find(&cn->snap->site, path)) == NULL)
        return reply_canned(srv, cn, c, CANNED_NOT_FOUND);
    return reply_doc(srv, cn, c, d);
}

static int
has_body(struct MHD_Connection *c)
{
    const char *len = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);

    return header(c, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
           (len != NULL && strcmp(len, "0") != 0);
}

struct header_count {
    int host, length, bad_name;
};

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *name,
             const char *value)
{
    struct header_count *n = cls;

    (void)kind;
    (void)value;
    if (!http_is_token(name))
        n->bad_name = 1;
    else if (strcasecmp(name, MHD_HTTP_HEADER_HOST) == 0)
        n->host++;
    else if (strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        n->length++;
    return MHD_YES;
}

/* is_malformed: what RFC 9112 makes a 400 and libmicrohttpd lets through
 * (its strict mode refuses only a missing Host): white space between a
 * field name and its colon (3.2, 5.1: the field would otherwise be
 * dropped or misread), more than one Host (3.2), and more than one
 * Content-Length (6.3: the framing is ambiguous, the way requests are
 * smuggled past a proxy that reads the other one). */
static int
is_malformed(struct MHD_Connection *c, const char *version)
{
    struct header_count n = { 0, 0, 0 };

    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &n);
    return n.bad_name || n.host > 1 || n.length > 1 ||
           (n.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0);
}

/* on_headers: the first handler call.  Requests that will be refused
 * whatever comes next are answered now, before any body is read, and
 * libmicrohttpd closes their connection. */
static enum MHD_Result
on_headers(struct server *srv, struct conn *cn, struct MHD_Connection *c,
           const char *method, const char *version)
{
    atomic_store_explicit(&cn->busy, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&srv->m.busy, 1, memory_order_relaxed);
    cn->method = method;
    cn->version = version;
    cn->snap = snapshot_acquire(srv);
    if (!http_is_token(method))
        return reply_canned(srv, cn, c, CANNED_BAD_REQUEST);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply_canned(srv, cn, c, CANNED_NOT_ALLOWED);
    if (is_malformed(c, version) || has_body(c))
        return reply_canned(srv, cn, c, CANNED_BAD_REQUEST);
    return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *upload,
           size_t *upload_size, void **req_cls)
{
    struct server *srv = cls;
    struct conn *cn = *req_cls;

    (void)upload;
    if (cn->status != 0) {
        *upload_size = 0; /* answered already; the body is not wanted */
        return MHD_YES;
    }
    if (cn->snap == NULL)
        return on_headers(srv, cn, c, method, version);
    return answer(srv, cn, c, url);
}

/* on_uri: the request line is in; its return value is the request's
 * context.  The raw target is kept for the access log. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn *cn = ci->socket_context;
    struct server *srv = cls;

    cn->method = cn->version = NULL;
    cn->open = 1;
    cn->status = 0;
    cn->bytes = 0;
    cn->time = (int64_t)time(NULL);
    if (srv->logging)
        snprintf(cn->target, sizeof(cn->target), "%s", uri);
    return cn;
}

/* final_status: what the client was sent.  libmicrohttpd answers some
 * malformed requests itself (400, 414, 431, 505); a request that got no
 * answer is logged as nginx does, 408 when it was timed out and 499 when
 * the client went away. */
static int
final_status(const struct conn *cn, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci;

    if (cn->status != 0)
        return cn->status;
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    if (ci != NULL && ci->http_status >= 100 && ci->http_status < STATUS_MAX)
        return (int)ci->http_status;
    return atomic_load(&cn->reaped) ? 408 : 499;
}

static void
log_request(struct server *srv, const struct conn *cn, struct MHD_Connection *c,
            int status, uint64_t bytes)
{
    struct http_log_rec rec;

    rec.peer = cn->peer;
    rec.time = cn->time;
    rec.method = cn->method;
    rec.target = cn->target;
    rec.version = cn->version;
    rec.status = status;
    rec.bytes = bytes;
    rec.referer = header(c, MHD_HTTP_HEADER_REFERER);
    rec.user_agent = header(c, MHD_HTTP_HEADER_USER_AGENT);
    alog_write(&srv->alog, &rec);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct conn *cn = *req_cls;
    int status;
    uint64_t bytes;
    size_t refused_bytes;

    if (cn == NULL)
        return;
    status = final_status(cn, c);
    bytes = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? cn->bytes : 0;
    if (cn->status == 0 && refusal_take(srv, &status, &refused_bytes))
        bytes = refused_bytes; /* libmicrohttpd's own answer, say a 431 */
    metrics_count(srv, status, bytes);
    if (srv->logging)
        log_request(srv, cn, c, status, bytes);
    if (cn->snap != NULL) {
        snapshot_release(srv, cn->snap);
        cn->snap = NULL;
        atomic_fetch_sub_explicit(&srv->m.busy, 1, memory_order_relaxed);
    }
    cn->status = 0;
    cn->open = 0;
    atomic_store_explicit(&cn->since, now_ms(), memory_order_relaxed);
    atomic_store_explicit(&cn->busy, 0, memory_order_relaxed);
}

/* ---- connections ------------------------------------------------------- */

static void
peer_name(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, cap, "-");
    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET,
                  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  out, (socklen_t)cap);
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6,
                  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  out, (socklen_t)cap);
}

static void
conn_open(struct server *srv, struct MHD_Connection *c, void **socket_context)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct conn *cn = xcalloc(1, sizeof(*cn));

    cn->srv = srv;
    cn->fd = ci ? ci->connect_fd : -1;
    atomic_init(&cn->busy, 0);
    atomic_init(&cn->reaped, 0);
    atomic_init(&cn->since, now_ms());
    peer_name(c, cn->peer, sizeof(cn->peer));
    pthread_mutex_lock(&srv->conns_lock);
    cn->next = srv->conns;
    if (srv->conns != NULL)
        srv->conns->prev = cn;
    srv->conns = cn;
    pthread_mutex_unlock(&srv->conns_lock);
    atomic_fetch_add(&srv->m.connections, 1);
    *socket_context = cn;
}

static void
conn_close(struct server *srv, struct conn *cn)
{
    pthread_mutex_lock(&srv->conns_lock);
    if (cn->prev != NULL)
        cn->prev->next = cn->next;
    else
        srv->conns = cn->next;
    if (cn->next != NULL)
        cn->next->prev = cn->prev;
    pthread_mutex_unlock(&srv->conns_lock);
    if (cn->snap != NULL) {
        snapshot_release(srv, cn->snap);
        atomic_fetch_sub_explicit(&srv->m.busy, 1, memory_order_relaxed);
    }
    atomic_fetch_sub(&srv->m.connections, 1);
    free(cn);
}

/* conn_refused: counts and logs what libmicrohttpd refused on cn with no
 * request open (so no completion to take it). */
static void
conn_refused(struct server *srv, const struct conn *cn)
{
    int status = 0;
    size_t bytes;

    if (cn->open || !refusal_take(srv, &status, &bytes))
        return;
    metrics_count(srv, status, bytes);
    if (srv->logging)
        refusal_log(srv, cn, status, bytes);
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    struct server *srv = cls;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_open(srv, c, socket_context);
    } else if (*socket_context != NULL) {
        conn_refused(srv, *socket_context);
        conn_close(srv, *socket_context);
    }
    if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        *socket_context = NULL;
}

/* ---- the housekeeper --------------------------------------------------- */

/* reap: shuts down connections that have waited longer than the timeout
 * for a whole request (slow or silent clients, idle keep-alives).
 * libmicrohttpd sees the end of the stream and closes them itself. */
static void
reap(struct server *srv)
{
    int64_t deadline = now_ms() - srv->timeout_ms;
    struct conn *cn;

    pthread_mutex_lock(&srv->conns_lock);
    for (cn = srv->conns; cn != NULL; cn = cn->next) {
        if (atomic_load(&cn->reaped) || cn->fd < 0 ||
            atomic_load_explicit(&cn->busy, memory_order_relaxed) ||
            atomic_load_explicit(&cn->since, memory_order_relaxed) > deadline)
            continue;
        atomic_store(&cn->reaped, 1);
        shutdown(cn->fd, SHUT_RDWR);
        atomic_fetch_add_explicit(&srv->m.reaped, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&srv->conns_lock);
}

static void *
housekeeper_main(void *arg)
{
    struct server *srv = arg;
    struct timespec ts;
    int stopping = 0;

    while (!stopping) {
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&srv->hk_lock);
        if (!srv->stopping)
            pthread_cond_timedwait(&srv->hk_cond, &srv->hk_lock, &ts);
        stopping = srv->stopping;
        pthread_mutex_unlock(&srv->hk_lock);
        reap(srv);
        alog_flush(&srv->alog);
        free_dead(srv);
    }
    return NULL;
}

/* ---- start and stop ---------------------------------------------------- */

static void mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* mhd_log: libmicrohttpd's messages (mostly about clients it refused)
 * become debug lines; an answer it made itself is noted (see above). */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct server *srv = cls;
    char msg[512];
    size_t n;
    va_list args;

    if (strncmp(fmt, REFUSAL_FORMAT, strlen(REFUSAL_FORMAT)) == 0) {
        unsigned status;
        const char *body;

        va_copy(args, ap);
        status = va_arg(args, unsigned);
        body = va_arg(args, const char *);
        va_end(args);
        if (status >= 100 && status < STATUS_MAX)
            refusal_note(srv, (int)status, body ? strlen(body) : 0);
    }
    if (!log_enabled(srv->log, LOG_LEVEL_DEBUG))
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_debug(srv->log, "http: %s", msg);
}

union addr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

static int
parse_addr(const char *bind, int port, union addr *a, struct err *err)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, bind, &a->in.sin_addr) == 1) {
        a->in.sin_family = AF_INET;
        a->in.sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &a->in6.sin6_addr) == 1) {
        a->in6.sin6_family = AF_INET6;
        a->in6.sin6_port = htons((uint16_t)port);
        return 0;
    }
    return err_set(err, ERR_USAGE,
                   "bind: '%s' is not a numeric IPv4 or IPv6 address", bind);
}

/* keep_escapes: libmicrohttpd would decode %XX in the path before the
 * handler sees it, turning "%00" into an early end of string; the path is
 * decoded and checked by http_target_path instead. */
static size_t
keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

#define OPT(o, v, p)                                                           \
    (struct MHD_OptionItem)                                                    \
    {                                                                          \
        (o), (intptr_t)(v), (p)                                                \
    }

/* daemon_start: the logger comes first so that libmicrohttpd's remarks on
 * the options that follow go through it; a pool of one thread is no pool
 * (libmicrohttpd warns about a size below two). */
static struct MHD_Daemon *
daemon_start(struct server *srv, const struct server_config *cfg,
             const union addr *a)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_OptionItem opts[16];
    int n = 0;

    if (a->sa.sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    opts[n++] = OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv);
    opts[n++] = OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)(uintptr_t)&a->sa);
    if (cfg->threads > 1)
        opts[n++] = OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL);
    opts[n++] = OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL);
    opts[n++] = OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout, NULL);
    opts[n++] = OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_request, NULL);
    opts[n++] = OPT(MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv);
    opts[n++] = OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv);
    opts[n++] = OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv);
    opts[n++] = OPT(MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL);
    opts[n++] = OPT(MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
    opts[n++] = OPT(MHD_OPTION_END, 0, NULL);
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
                            MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

static struct server *
server_new(const struct server_config *cfg)
{
    struct server *srv = xcalloc(1, sizeof(*srv));

    srv->log = cfg->log;
    srv->max_age = cfg->max_age;
    srv->timeout_ms = cfg->timeout * 1000;
    pthread_mutex_init(&srv->snap_lock, NULL);
    pthread_mutex_init(&srv->conns_lock, NULL);
    pthread_mutex_init(&srv->hk_lock, NULL);
    pthread_cond_init(&srv->hk_cond, NULL);
    pthread_mutex_init(&srv->alog.lock, NULL);
    pthread_mutex_init(&srv->refusals_lock, NULL);
    /* the workers, and one for a thread that stops the daemon */
    srv->nrefusals = (size_t)(cfg->threads > 1 ? cfg->threads : 1) + 1;
    srv->refusals = xcalloc(srv->nrefusals, sizeof(*srv->refusals));
    atomic_init(&srv->refusals_pending, 0);
    srv->alog.fd = -1;
    buf_init(&srv->alog.buf, LOG_FLUSH_BYTES * 8);
    if (cfg->access_log != NULL && *cfg->access_log != '\0')
        srv->alog.path = xstrdup(cfg->access_log);
    srv->logging = srv->alog.path != NULL;
    canned_init(srv);
    return srv;
}

static void
server_free(struct server *srv)
{
    canned_release(srv);
    alog_release(&srv->alog);
    free(srv->refusals);
    pthread_mutex_destroy(&srv->refusals_lock);
    pthread_cond_destroy(&srv->hk_cond);
    pthread_mutex_destroy(&srv->hk_lock);
    pthread_mutex_destroy(&srv->conns_lock);
    pthread_mutex_destroy(&srv->snap_lock);
    free(srv);
}

int
server_start(struct server **out, const struct server_config *cfg,
             struct site *site, struct err *err)
{
    struct server *srv;
    const union MHD_DaemonInfo *di;
    union addr a;

    *out = NULL;
    if (parse_addr(cfg->bind, cfg->port, &a, err) < 0)
        return -1;
    srv = server_new(cfg);
    if (alog_open(&srv->alog, err) < 0)
        goto fail;
    srv->current = snapshot_new(site, ++srv->generation, srv->max_age);
    if ((srv->daemon = daemon_start(srv, cfg, &a)) == NULL) {
        err_set(err, ERR_NET,
                "cannot listen on %s port %d (in use, or not "
                "an address of this machine?)",
                cfg->bind, cfg->port);
        goto give_back;
    }
    di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : cfg->port;
    if (pthread_create(&srv->housekeeper, NULL, housekeeper_main, srv) != 0) {
        MHD_stop_daemon(srv->daemon);
        err_set(err, ERR_IO, "cannot start a thread");
        goto give_back;
    }
    *out = srv;
    return 0;
give_back:
    snapshot_unwrap(srv->current, site); /* untouched, as promised */
fail:
    server_free(srv);
    return -1;
}

int
server_port(const struct server *srv)
{
    return srv->port;
}

const struct site *
server_site(const struct server *srv)
{
    return &srv->current->site;
}

void
server_swap(struct server *srv, struct site *site)
{
    struct snapshot *next, *old;

    next = snapshot_new(site, srv->generation + 1, srv->max_age);
    pthread_mutex_lock(&srv->snap_lock);
    old = srv->current;
    srv->current = next;
    srv->generation++;
    pthread_mutex_unlock(&srv->snap_lock);
    atomic_fetch_add(&srv->m.reloads, 1);
    snapshot_release(srv, old);
}

int
server_reopen_log(struct server *srv, struct err *err)
{
    if (srv->alog.path == NULL || !srv->alog.owned)
        return 0;
    alog_flush(&srv->alog);
    return alog_open(&srv->alog, err);
}

/* drain: waits until no request is under way, or grace_ms passed. */
static void
drain(struct server *srv, long grace_ms)
{
    int64_t until = now_ms() + grace_ms;
    struct timespec pause = { 0, 10 * 1000000L };

    while (atomic_load(&srv->m.busy) > 0 && now_ms() < until)
        nanosleep(&pause, NULL);
}

void
server_stop(struct server *srv, long grace_ms)
{
    MHD_socket listener;

    if (srv == NULL)
        return;
    listener = MHD_quiesce_daemon(srv->daemon);
    drain(srv, grace_ms);
    MHD_stop_daemon(srv->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    pthread_mutex_lock(&srv->hk_lock);
    srv->stopping = 1;
    pthread_cond_signal(&srv->hk_cond);
    pthread_mutex_unlock(&srv->hk_lock);
    pthread_join(srv->housekeeper, NULL);
    snapshot_release(srv, srv->current);
    free_dead(srv);
    server_free(srv);
}
