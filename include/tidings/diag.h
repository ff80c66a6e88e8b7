#ifndef TIDINGS_DIAG_H
#define TIDINGS_DIAG_H

/*
 * diag: libxml2's diagnostics turned into struct err at the boundary
 * (STYLE 19).  Between diag_begin and diag_end every error libxml2 raises
 * on this thread, with a parser context or without one (encoding errors
 * have none), goes to a structured handler that records it; nothing is
 * printed.  The handler that was installed before is put back by
 * diag_end, so calls nest and other code's handlers survive.
 */

struct err;

struct diag {
    int errors;          /* errors and fatal errors seen (warnings are not) */
    int fatal;           /* of them, fatal: the document is not well-formed,
                          * or its bytes are not in its encoding */
    int line;            /* of the first fatal error, else of the first
                          * error; 0 if unknown */
    int too_deep;        /* the parser refused to nest deeper */
    char first[160];     /* its message, without the line break */
    void (*saved)(void); /* the handler to restore, as a generic pointer */
    void *saved_ctx;
};

/* diag_init: sets up libxml2's shared tables (xmlInitParser).  Call it
 * once in the main thread before starting any other thread that parses:
 * libxml2 2.9 would otherwise do it lazily in whichever thread parses
 * first, and that is not safe to race.  Calling it again does nothing. */
void diag_init(void);

/* diag_begin: resets d and makes it this thread's libxml2 handler. */
void diag_begin(struct diag *d);
/* diag_end: puts the previous handler back. */
void diag_end(struct diag *d);

/* diag_err: fills err with code and "line N: message" of the first error
 * d saw (or "what" when it saw none); returns -1. */
int diag_err(const struct diag *d, int code, const char *what, struct err *err);

#endif
