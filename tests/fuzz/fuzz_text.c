/*
 * fuzz_text: the page-text parser on any bytes.  import.c only hands it
 * decoded UTF-8, but the parser must not depend on that for its safety:
 * whatever it gets, it returns an error or one article, and the article
 * keeps the model's invariants, which the sink checks (a broken one
 * aborts, so libFuzzer reports it like a crash).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/article.h"
#include "tidings/err.h"
#include "tidings/import.h"
#include "tidings/import_text.h"
#include "tidings/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    while (i < n) {
        len = utf8_decode(s + i, n - i, &cp);
        if (!utf8_is_xml_char(cp))
            abort();
        i += len;
    }
}

/* check_category: "a/b": no empty level, no more than eight. */
static void
check_category(const char *c)
{
    size_t levels = 1;

    if (c == NULL)
        return;
    if (*c == '\0' || *c == '/' || c[strlen(c) - 1] == '/' ||
        strstr(c, "//") != NULL)
        abort();
    for (; *c; c++)
        levels += *c == '/';
    if (levels > 8)
        abort();
}

static int
emit(void *arg, struct import_item *item, struct err *err)
{
    const struct article *a = item->article;

    (void)arg;
    (void)err;
    if (a->title == NULL || a->body == NULL || *a->body == '\0')
        abort();
    if (strncmp(a->body, "<p>", 3) != 0 && strncmp(a->body, "<h2>", 4) != 0)
        abort();
    if (a->summary && strlen(a->summary) > 4096) /* front matter caps it */
        abort();
    check_text(a->title);
    check_text(a->body);
    check_text(a->summary);
    check_text(a->source);
    check_text(a->author);
    check_category(a->category);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_sink sink = { emit, NULL, NULL };
    struct import_opts opts;
    struct err err = ERR_INIT;

    memset(&opts, 0, sizeof(opts));
    opts.tz_offset = 8 * 3600;
    if (import_text_parse((const char *)data, size, &opts, &sink, &err) < 0 &&
        (err.code != ERR_PARSE || err.msg[0] == '\0'))
        abort();
    return 0;
}
