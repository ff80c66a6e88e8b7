#ifndef TIDINGS_TEST_HTTPC_H
#define TIDINGS_TEST_HTTPC_H

/*
 * httpc: a small raw-socket HTTP/1.1 client for the server tests.  It
 * sends exactly the bytes it is given, so tests can send malformed and
 * hostile requests, and it reads one response at a time, so tests can
 * check keep-alive.  Every socket has a receive and send timeout
 * (HTTPC_TIMEOUT_MS), so a server that hangs fails a test instead of
 * hanging the suite.
 */

#include <stddef.h>

#include "tidings/buf.h"

#define HTTPC_TIMEOUT_MS 5000

struct httpc_resp {
    int status;      /* 0 when no status line came back */
    struct buf head; /* status line and header fields, CRLFs included */
    struct buf body;
    int closed; /* the server closed the connection after it */
};

/* httpc_connect: a connected TCP socket to 127.0.0.1:port, or -1. */
int httpc_connect(int port);

/* httpc_send: writes all of data (without SIGPIPE); 0 or -1. */
int httpc_send(int fd, const char *data, size_t len);

/* httpc_read: reads one response from fd into r (initialized here).
 * no_body: the request was HEAD, so no body follows whatever the headers
 * say.  Returns 0 when a whole response was read, else -1 (r still holds
 * what came, and must be released). */
int httpc_read(int fd, int no_body, struct httpc_resp *r);

/* httpc_raw: connects, sends raw, reads one response, closes. */
int httpc_raw(int port, const char *raw, size_t len, int no_body,
              struct httpc_resp *r);

/* httpc_get: "METHOD path HTTP/1.1" with Host, the extra header lines
 * (each ending in \r\n; may be NULL), then reads the response. */
int httpc_request(int port, const char *method, const char *path,
                  const char *extra, struct httpc_resp *r);

/* httpc_header: the value of the first header field named name (any
 * case), copied into a small rotating pool; NULL when absent. */
const char *httpc_header(const struct httpc_resp *r, const char *name);

/* httpc_count_header: how many fields are named name. */
int httpc_count_header(const struct httpc_resp *r, const char *name);

void httpc_release(struct httpc_resp *r);

#endif
