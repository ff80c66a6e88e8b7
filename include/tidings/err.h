#ifndef TIDINGS_ERR_H
#define TIDINGS_ERR_H

/*
 * struct err: how failure travels.  A code for the caller to decide on, a
 * message for people.  It is caller-owned (usually on the stack) and is the
 * last parameter of anything that can fail.  Functions that fail return -1
 * or NULL and fill it; nothing below cmd_* prints.  Context is added on the
 * way up with err_prefix(), never overwritten.
 */

enum err_code {
    ERR_OK = 0,
    ERR_IO,       /* a file or socket operation failed */
    ERR_PARSE,    /* input could not be read as what it claims to be */
    ERR_DB,       /* the store failed */
    ERR_NET,      /* a peer failed */
    ERR_USAGE,    /* the user asked for something malformed */
    ERR_CONFIG,   /* the configuration is wrong */
    ERR_LIMIT,    /* input passed a size, depth or count cap */
    ERR_NOTFOUND, /* the thing asked for does not exist */
};

struct err {
    enum err_code code;
    char msg[256];
};

#define ERR_INIT                                                               \
    {                                                                          \
        ERR_OK, ""                                                             \
    }

/* err_set: records code and message; always returns -1 so that a failure
 * can be raised and returned in one statement. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* err_errno: as err_set with ": strerror(errno)" appended (errno is read
 * before anything else runs, and left as it was, for a caller that tells
 * a missing file from other failures). */
int err_errno(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* err_prefix: puts "context: " before the message; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

/* err_exit_status: 2 for usage and configuration errors, else 1. */
int err_exit_status(const struct err *e);

#endif
