/*
 * html_allowed.h: the allow-list check of sanitized HTML (SPEC 1.2), for
 * the tests (test_import_html.c) and the fuzz targets (fuzz/fuzz_check.h)
 * alike: every tag an allowed name, href, src and alt its only
 * attributes, and no href or src a URL that runs or inlines content.
 * Header-only: each includer gets its own static copy.
 */
#ifndef TIDINGS_TESTS_HTML_ALLOWED_H
#define TIDINGS_TESTS_HTML_ALLOWED_H

#include <stdio.h>
#include <string.h>

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

/* html_check_allowed: 1 when every tag of s keeps the rules above, else
 * 0 with why saying what broke them.  Text never holds '<' (it is
 * escaped), so every '<' opens a tag. */
static int
html_check_allowed(const char *s, char *why, size_t cap)
{
    static const char *const names[] = {
        "p",     "h2",         "h3",     "h4",         "ul",    "ol",
        "li",    "blockquote", "figure", "figcaption", "table", "caption",
        "thead", "tbody",      "tfoot",  "tr",         "th",    "td",
        "a",     "strong",     "em",     "br",         "img",
    };
    const char *v;
    size_t n, i;
    int ok;

    while ((s = strchr(s, '<')) != NULL) {
        s += s[1] == '/' ? 2 : 1;
        n = strcspn(s, " >");
        for (i = 0, ok = 0; i < sizeof(names) / sizeof(names[0]); i++)
            ok |= strlen(names[i]) == n && strncmp(s, names[i], n) == 0;
        if (!ok)
            return snprintf(why, cap, "tag <%.*s>", (int)n, s), 0;
        for (s += n; *s == ' '; s = strchr(v, '"') + 1) {
            s++;
            if (strncmp(s, "href=\"", 6) != 0 && strncmp(s, "src=\"", 5) != 0 &&
                strncmp(s, "alt=\"", 5) != 0)
                return snprintf(why, cap, "attribute %.20s", s), 0;
            v = strchr(s, '"') + 1;
            if (*s != 'a' && is_script_url(v))
                return snprintf(why, cap, "URL %.20s", v), 0;
        }
        if (*s != '>')
            return snprintf(why, cap, "tag not closed: %.20s", s), 0;
        s++;
    }
    return 1;
}

#endif
