/*
 * fuzz_check.h: what every HTML-producing fuzz target asserts about its
 * output.  A broken rule aborts, which libFuzzer reports like a crash.
 * Included by fuzz_sanitize.c, fuzz_html.c and fuzz_feed.c only.
 */
#ifndef TIDINGS_FUZZ_CHECK_H
#define TIDINGS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/sanitize.h"
#include "tidings/utf8.h"

#include "../html_allowed.h"

/* check_text: valid UTF-8 holding only characters XML 1.0 allows. */
static void
check_text(const char *s)
{
    size_t i = 0, n, len;
    uint32_t cp;

    if (s == NULL)
        return;
    n = strlen(s);
    if (utf8_check(s, n) != n)
        abort();
    for (; i < n; i += len) {
        len = utf8_decode(s + i, n - i, &cp);
        if (!utf8_is_xml_char(cp))
            abort();
    }
}

/* check_body: allowed tags only, and sanitizing it again (against base)
 * changes nothing. */
static void
check_body(const char *html, const char *base)
{
    struct buf again = BUF_INIT;
    struct err err = ERR_INIT;
    char why[96];

    if (html == NULL)
        return;
    check_text(html);
    if (!html_check_allowed(html, why, sizeof(why))) {
        fprintf(stderr, "not allowed: %s\n", why);
        abort();
    }
    if (sanitize_html(html, strlen(html), base, &again, &err) != 0)
        abort();
    if (strcmp(again.data, html) != 0) {
        fprintf(stderr, "not a fixpoint:\n1: %s\n2: %s\n", html, again.data);
        abort();
    }
    buf_release(&again);
}

#endif
