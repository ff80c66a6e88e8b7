/*
 * httpc: the tests' raw HTTP client.  Responses are framed by
 * Content-Length (every tidings response has one), by the rules for HEAD,
 * 1xx, 204 and 304, or else by the end of the connection.
 */
#include "httpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int
httpc_connect(int port)
{
    struct sockaddr_in a;
    struct timeval tv = { HTTPC_TIMEOUT_MS / 1000,
                          HTTPC_TIMEOUT_MS % 1000 * 1000 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int
httpc_send(int fd, const char *data, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* read_head: reads up to and including the blank line, a byte at a time,
 * so that nothing of a following response is taken (pipelining). */
static int
read_head(int fd, struct httpc_resp *r)
{
    char c;
    ssize_t n;

    while (r->head.len < 4 ||
           memcmp(r->head.data + r->head.len - 4, "\r\n\r\n", 4) != 0) {
        do
            n = recv(fd, &c, 1, 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            r->closed = n == 0;
            return -1;
        }
        buf_putc(&r->head, c);
    }
    if (sscanf(r->head.data, "HTTP/1.%*d %d", &r->status) != 1)
        r->status = 0;
    return 0;
}

/* read_body: want bytes, or (want < 0) up to the end of the stream. */
static int
read_body(int fd, long want, struct httpc_resp *r)
{
    char chunk[16384];
    ssize_t n;

    while (want < 0 || r->body.len < (size_t)want) {
        size_t ask = sizeof(chunk);

        if (want >= 0 && (size_t)want - r->body.len < ask)
            ask = (size_t)want - r->body.len;
        do
            n = recv(fd, chunk, ask, 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            r->closed = n == 0;
            return want < 0 && n == 0 ? 0 : -1;
        }
        buf_append(&r->body, chunk, (size_t)n);
    }
    return 0;
}

static long
content_length(const struct httpc_resp *r)
{
    const char *v = httpc_header(r, "Content-Length");

    return v ? atol(v) : -1;
}

int
httpc_read(int fd, int no_body, struct httpc_resp *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->head, 0);
    buf_init(&r->body, 0);
    if (read_head(fd, r) < 0)
        return -1;
    if (no_body || r->status == 304 || r->status == 204 || r->status < 200)
        return 0;
    return read_body(fd, content_length(r), r);
}

int
httpc_raw(int port, const char *raw, size_t len, int no_body,
          struct httpc_resp *r)
{
    int fd = httpc_connect(port), rc;

    memset(r, 0, sizeof(*r));
    buf_init(&r->head, 0);
    buf_init(&r->body, 0);
    if (fd < 0)
        return -1;
    if (httpc_send(fd, raw, len) < 0) {
        close(fd);
        return -1;
    }
    httpc_release(r);
    rc = httpc_read(fd, no_body, r);
    close(fd);
    return rc;
}

int
httpc_request(int port, const char *method, const char *path, const char *extra,
              struct httpc_resp *r)
{
    struct buf req = BUF_INIT;
    int rc;

    buf_appendf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n", method,
                path, port, extra ? extra : "");
    rc = httpc_raw(port, req.data, req.len, strcmp(method, "HEAD") == 0, r);
    buf_release(&req);
    return rc;
}

/* field: finds the header named name; sets *len to its value's length. */
static const char *
field(const char *p, const char *name, size_t *len)
{
    size_t n = strlen(name);

    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *e;

            while (*v == ' ' || *v == '\t')
                v++;
            e = strstr(v, "\r\n");
            *len = e ? (size_t)(e - v) : strlen(v);
            return v;
        }
    }
    return NULL;
}

const char *
httpc_header(const struct httpc_resp *r, const char *name)
{
    static char pool[8][1024];
    static int next;
    const char *v;
    size_t len;
    char *out;

    if ((v = field(r->head.data, name, &len)) == NULL)
        return NULL;
    out = pool[next];
    next = (next + 1) % 8;
    if (len >= sizeof(pool[0]))
        len = sizeof(pool[0]) - 1;
    memcpy(out, v, len);
    out[len] = '\0';
    return out;
}

int
httpc_count_header(const struct httpc_resp *r, const char *name)
{
    const char *p = r->head.data, *v;
    size_t len;
    int n = 0;

    while ((v = field(p, name, &len)) != NULL) {
        n++;
        p = v;
    }
    return n;
}

void
httpc_release(struct httpc_resp *r)
{
    buf_release(&r->head);
    buf_release(&r->body);
}
