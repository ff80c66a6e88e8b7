/*
 * cmd_serve: `tidings serve [--bind ADDR] [--port N] [--from DIR]`.
 *
 * Owns what is process-wide about serving: flags, signals and the reload
 * watch.  Signal handlers only set flags; the main thread wakes every
 * WATCH_MS (or at once, as a signal interrupts its sleep) and acts on them:
 * SIGTERM and SIGINT stop the server, letting requests under way finish;
 * SIGHUP reloads the site and reopens the access log (for log rotation).
 * Without a signal, the watch reloads when the source changed: the store's
 * data version (which moves when another connection commits, so an import
 * is in service within a second) or, with --from, the folder's manifest
 * (which `build` rewrites last, when anything changed).  The next site is
 * loaded here, off the request path, and swapped in whole.  A reload that
 * fails (the store locked by another writer, a folder caught half-way
 * through a copy) leaves the site before in service and is tried again,
 * at least once a second, until one succeeds; its warning is printed
 * once per distinct error, not at every try.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "tidings/cli.h"
#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/render.h"
#include "tidings/server.h"
#include "tidings/site.h"
#include "tidings/store.h"

#define WATCH_MS 200
#define GRACE_MS 10000 /* longest wait for requests under way at exit */
/* a failed reload is tried again at least once a second */
#define RETRY_TICKS_MAX 5

static volatile sig_atomic_t stop_requested, reload_requested;

static void
on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_requested = 1;
    else
        stop_requested = 1;
}

/* raise_fd_limit: serve.max_connections (1024 by default) and the
 * process's own files do not fit the usual soft limit of 1024; the hard
 * limit is ours to take, as nginx's worker_rlimit_nofile does. */
static void
raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* No SA_RESTART: a signal cuts the watch's sleep short. */
static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

struct serve {
    struct ctx *ctx;
    const char *bind;
    long port;
    const char *from;     /* NULL: the store */
    int64_t data_version; /* the store's, as last loaded */
    struct stat loaded;   /* --from: the manifest as last loaded */
    struct stat seen;     /* --from: the manifest at the last tick */
    int failures;         /* reloads failed in a row */
    int wait_ticks;       /* ticks to let pass before the next try */
    char failed[256];     /* the last failure's message, "" after success */
};

static int
parse_args(int argc, char **argv, struct serve *sv)
{
    const char *port = NULL;
    char *end;
    int i = 1, r;

    while (i < argc) {
        if ((r = cli_option(argc, argv, &i, "bind", &sv->bind)) == 0 &&
            (r = cli_option(argc, argv, &i, "port", &port)) == 0 &&
            (r = cli_option(argc, argv, &i, "from", &sv->from)) == 0)
            return cli_usage(cli_find("serve"), stderr);
        if (r < 0)
            return 2;
    }
    if (port != NULL) {
        errno = 0;
        sv->port = strtol(port, &end, 10);
        if (*port == '\0' || *end != '\0' || sv->port < 0 || sv->port > 65535) {
            fprintf(stderr, "tidings: serve: '%s' is not a port number\n",
                    port);
            return 2;
        }
    }
    return 0;
}

static void
manifest_stat(const char *dir, struct stat *st)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, EXPORT_MANIFEST);
    if (stat(path, st) < 0)
        memset(st, 0, sizeof(*st));
}

static int
stat_same(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* load_store: the site rendered from the store, taking over from prev
 * every document whose inputs did not change.  The data version is read
 * first, so that an import committing during the render is seen by the
 * next watch tick, and kept only once the render succeeded, so that a
 * failed one (the store locked by a writer) is tried again; the
 * renderer's own writes (through this connection) do not move it. */
static int
load_store(struct serve *sv, const struct site *prev, struct site *out,
           struct err *err)
{
    struct render_stats st;
    int64_t v = store_data_version(sv->ctx->store);

    if (render_site(sv->ctx->store, &sv->ctx->conf, prev, (int64_t)time(NULL),
                    out, &st, err) < 0)
        return -1;
    sv->data_version = v;
    log_info(&sv->ctx->log, "rendered %ld documents, took over %ld",
             st.rendered, st.reused);
    return 0;
}

/* load: the next site, into out (site_init'ed here).  As with the store,
 * the manifest's state is taken before the folder is read and kept only
 * when the load succeeded (export_load checks every file against the
 * manifest), so a folder caught half-way through a copy is read again
 * until it is whole. */
static int
load(struct serve *sv, const struct site *prev, struct site *out,
     struct err *err)
{
    struct stat st;

    site_init(out);
    if (sv->from == NULL)
        return load_store(sv, prev, out, err);
    manifest_stat(sv->from, &st);
    if (export_load(out, sv->from, err) < 0) /* its errors name the file */
        return -1;
    sv->loaded = sv->seen = st;
    return 0;
}

/* reload_failed: warns in the "tidings: PATH: what is wrong" form, once
 * per distinct error while the failures last, and spaces the next tries
 * out (one tick more per failure, at most RETRY_TICKS_MAX). */
static void
reload_failed(struct serve *sv, const char *why, const struct err *err)
{
    const char *source = sv->from ? sv->from : sv->ctx->conf.store_path;

    if (strcmp(sv->failed, err->msg) != 0)
        log_warnx(&sv->ctx->log,
                  "%s: cannot reload (%s), still serving the site "
                  "loaded before: %s",
                  source, why, err->msg);
    else
        log_debug(&sv->ctx->log, "%s: reload failed again: %s", source,
                  err->msg);
    snprintf(sv->failed, sizeof(sv->failed), "%s", err->msg);
    sv->failures++;
    sv->wait_ticks =
        sv->failures < RETRY_TICKS_MAX ? sv->failures - 1 : RETRY_TICKS_MAX - 1;
}

static void
reload(struct serve *sv, struct server *srv, const char *why)
{
    struct err err = ERR_INIT;
    struct site next;

    if (load(sv, server_site(srv), &next, &err) < 0) {
        reload_failed(sv, why, &err);
        return;
    }
    log_info(&sv->ctx->log, "reloaded (%s): %zu documents, site version %lld",
             why, next.ndocs, (long long)next.version);
    sv->failed[0] = '\0';
    sv->failures = sv->wait_ticks = 0;
    server_swap(srv, &next);
}

/* source_changed: the store or the folder moved since the last load.  A
 * folder counts once its manifest has been still for one tick, so that a
 * build under way is less likely to be caught half-way. */
static int
source_changed(struct serve *sv)
{
    struct stat now;
    int64_t v;

    if (sv->from == NULL) {
        v = store_data_version(sv->ctx->store);
        return v >= 0 && v != sv->data_version;
    }
    manifest_stat(sv->from, &now);
    if (stat_same(&now, &sv->loaded))
        return 0;
    if (stat_same(&now, &sv->seen))
        return 1;
    sv->seen = now;
    return 0;
}

static void
watch(struct serve *sv, struct server *srv)
{
    struct timespec tick = { 0, WATCH_MS * 1000000L };
    struct err err = ERR_INIT;

    while (!stop_requested) {
        nanosleep(&tick, NULL);
        if (stop_requested)
            break;
        if (reload_requested) {
            reload_requested = 0;
            if (server_reopen_log(srv, &err) < 0)
                log_warnx(&sv->ctx->log, "%s", err.msg);
            reload(sv, srv, "SIGHUP");
        } else if (sv->wait_ticks > 0) {
            sv->wait_ticks--; /* after a failed reload */
        } else if (source_changed(sv)) {
            reload(sv, srv,
                   sv->from ? "the folder changed"
                            : "the store "
                              "changed");
        }
    }
}

static void
print_urls(const struct serve *sv, const struct server *srv, FILE *fp)
{
    static const char *const feeds[] = { "/rss.xml", "/atom.xml", "/feed.json",
                                         "/feeds.opml" };
    const struct site *site = server_site(srv);
    char base[128];
    size_t i;

    snprintf(base, sizeof(base),
             strchr(sv->bind, ':') ? "http://[%s]:%d" : "http://%s:%d",
             sv->bind, server_port(srv));
    fprintf(fp, "tidings: serving %zu documents from %s on %s/\n", site->ndocs,
            sv->from ? sv->from : sv->ctx->conf.store_path, base);
    for (i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++)
        if (site_find(site, feeds[i]) != NULL)
            fprintf(fp, "subscribe: %s%s\n", base, feeds[i]);
    fflush(fp);
}

static void
server_config_of(const struct serve *sv, struct server_config *cfg)
{
    const struct conf *c = &sv->ctx->conf;

    memset(cfg, 0, sizeof(*cfg));
    cfg->bind = sv->bind;
    cfg->port = (int)sv->port;
    cfg->max_age = c->serve_max_age;
    cfg->max_connections = c->serve_max_connections;
    cfg->timeout = c->serve_timeout;
    cfg->threads = c->serve_threads;
    cfg->max_request = (size_t)c->serve_max_request_bytes;
    cfg->access_log = c->serve_access_log;
    cfg->log = &sv->ctx->log;
}

/* open_source: the store (read-write: rendering records documents) unless
 * serving a folder. */
static int
open_source(struct serve *sv, struct err *err)
{
    if (sv->from != NULL)
        return 0;
    return store_open(&sv->ctx->store, sv->ctx->conf.store_path, 0, err);
}

int
cmd_serve(int argc, char **argv, struct ctx *ctx)
{
    struct serve sv;
    struct server_config cfg;
    struct server *srv = NULL;
    struct err err = ERR_INIT;
    struct site site;
    int rc;

    memset(&sv, 0, sizeof(sv));
    sv.ctx = ctx;
    sv.bind = ctx->conf.serve_bind;
    sv.port = ctx->conf.serve_port;
    if ((rc = parse_args(argc, argv, &sv)) != 0)
        return rc;
    ctx->log.timestamps = 1;
    install_signals();
    raise_fd_limit();
    if (open_source(&sv, &err) < 0 || load(&sv, NULL, &site, &err) < 0) {
        fprintf(stderr, "tidings: serve: %s\n", err.msg);
        return err_exit_status(&err);
    }
    server_config_of(&sv, &cfg);
    if (server_start(&srv, &cfg, &site, &err) < 0) {
        site_release(&site);
        fprintf(stderr, "tidings: serve: %s\n", err.msg);
        return err_exit_status(&err);
    }
    print_urls(&sv, srv, stderr);
    watch(&sv, srv);
    log_info(&ctx->log, "stopping: finishing requests under way");
    server_stop(srv, GRACE_MS);
    return 0;
}
