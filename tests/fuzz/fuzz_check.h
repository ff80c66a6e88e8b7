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

/* is_script_url: the value (up to its closing quote) is a URL a browser
 * would run or inline: javascript:, vbscript: or data:, in any case and
 * with any control characters or white space inside. */
static int
is_script_url(const char *v)
{
    char probe[16];
    size_t n = 0;

    for (; *v != '"' && n + 1 < sizeof(probe); v++)
        if ((unsigned char)*v > 0x20)
            probe[n++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
    probe[n] = '\0';
    return strncmp(probe, "javascript:", 11) == 0 ||
           strncmp(probe, "vbscript:", 9) == 0 ||
           strncmp(probe, "data:", 5) == 0;
}

/* check_tag: one tag of the output: an allowed name, and only href, src
 * and alt, with href and src free of any script scheme.  Text never holds
 * '<' (it is escaped), so every '<' opens a tag. */
static const char *
check_tag(const char *p)
{
    static const char *const names[] = {
        "p",     "h2",         "h3",     "h4",         "ul",    "ol",
        "li",    "blockquote", "figure", "figcaption", "table", "caption",
        "thead", "tbody",      "tfoot",  "tr",         "th",    "td",
        "a",     "strong",     "em",     "br",         "img",
    };
    size_t n, i;
    int ok = 0;

    p += p[1] == '/' ? 2 : 1;
    n = strcspn(p, " >");
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
            ok = 1;
    if (!ok)
        abort();
    p += n;
    while (*p == ' ') {
        const char *v;

        p++;
        if (strncmp(p, "href=\"", 6) != 0 && strncmp(p, "src=\"", 5) != 0 &&
            strncmp(p, "alt=\"", 5) != 0)
            abort();
        v = strchr(p, '"') + 1;
        if (*p != 'a' && is_script_url(v))
            abort();
        p = strchr(v, '"') + 1;
    }
    if (*p != '>')
        abort();
    return p + 1;
}

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
    const char *s = html;

    if (html == NULL)
        return;
    check_text(html);
    while ((s = strchr(s, '<')) != NULL)
        s = check_tag(s);
    if (sanitize_html(html, strlen(html), base, &again, &err) != 0)
        abort();
    if (strcmp(again.data, html) != 0) {
        fprintf(stderr, "not a fixpoint:\n1: %s\n2: %s\n", html, again.data);
        abort();
    }
    buf_release(&again);
}

#endif
