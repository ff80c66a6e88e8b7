/*
 * Fuzz target for the sanitizer: any bytes in, and the output must be a
 * fixpoint (sanitizing it again changes nothing), must hold no script,
 * no event attribute and no javascript:/data:/vbscript: URL, and its text
 * must pass as sanitize_text input.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/sanitize.h"
#include "tidings/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* check_tag: one tag of the output: an allowed name, and only href,
 * src and alt, with href and src free of any script scheme.  Text never
 * holds '<' (it is escaped), so every '<' opens a tag. */
static const char *
check_tag(const char *p)
{
    static const char *const names[] = {
        "p",     "h2",         "h3",     "h4",         "ul",    "ol",
        "li",    "blockquote", "figure", "figcaption", "table", "caption",
        "thead", "tbody",      "tfoot",  "tr",         "th",    "td",
        "a",     "strong",     "em",     "br",         "img"
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

static void
check_clean(const char *s)
{
    while ((s = strchr(s, '<')) != NULL)
        s = check_tag(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf a = BUF_INIT, b = BUF_INIT, t = BUF_INIT;
    struct err err = ERR_INIT;
    const char *base =
        size > 0 && data[0] & 1 ? "https://example.org/a/b.html" : NULL;

    if (sanitize_html((const char *)data, size, base, &a, &err) == 0) {
        assert(utf8_check(a.data, a.len) == a.len);
        check_clean(a.data);
        if (sanitize_html(a.data, a.len, base, &b, &err) != 0)
            abort();
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
            fprintf(stderr, "not a fixpoint:\n1: %s\n2: %s\n", a.data, b.data);
            abort();
        }
    }
    sanitize_text((const char *)data, size, &t, &err);
    buf_release(&a);
    buf_release(&b);
    buf_release(&t);
    return 0;
}
