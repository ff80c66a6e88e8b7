/*
 * diag: a structured error handler for libxml2 that records instead of
 * printing.  libxml2 keeps its handler per thread (xmlStructuredError and
 * its context), so installing ours for the span of one parse affects
 * nothing else; the old handler is restored after.  diag_init sets up
 * libxml2 itself, once, before threads parse.
 */
#include "tidings/diag.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/globals.h>
#include <libxml/parser.h>

#include "tidings/err.h"

static void
on_error(void *ctx, xmlErrorPtr e)
{
    struct diag *d = ctx;
    size_t n;

    if (e == NULL || e->level < XML_ERR_ERROR)
        return;
    if (e->message != NULL && strstr(e->message, "Excessive depth") != NULL)
        d->too_deep = 1;
    /* the first fatal error is the one to report, even after others */
    if (e->level == XML_ERR_FATAL && d->fatal++ == 0)
        d->errors = 0;
    if (d->errors++ > 0)
        return;
    d->line = e->line;
    snprintf(d->first, sizeof(d->first), "%s",
             e->message ? e->message : "malformed document");
    n = strlen(d->first);
    while (n > 0 && (d->first[n - 1] == '\n' || d->first[n - 1] == ' '))
        d->first[--n] = '\0';
}

void
diag_init(void)
{
    xmlInitParser();
}

void
diag_begin(struct diag *d)
{
    memset(d, 0, sizeof(*d));
    d->saved = (void (*)(void))xmlStructuredError;
    d->saved_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(d, on_error);
}

void
diag_end(struct diag *d)
{
    xmlSetStructuredErrorFunc(d->saved_ctx, (xmlStructuredErrorFunc)d->saved);
}

int
diag_err(const struct diag *d, int code, const char *what, struct err *err)
{
    if (d->errors == 0)
        return err_set(err, (enum err_code)code, "%s", what);
    if (d->line > 0)
        return err_set(err, (enum err_code)code, "line %d: %s", d->line,
                       d->first);
    return err_set(err, (enum err_code)code, "%s", d->first);
}
