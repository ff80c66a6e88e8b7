/*
 * fuzz_html: the HTML importer on any bytes, as import.c hands it a file
 * (raw: it decodes them itself).  It returns an error or one article; the
 * article's text fields are valid XML text, its body holds only the
 * allow-list and is a sanitizer fixpoint.  Pages are parsed in the
 * arena, as tidings parses them, which AddressSanitizer keeps poisoned
 * outside live blocks.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/import.h"
#include "tidings/import_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *arg, struct import_item *item, struct err *err)
{
    const struct article *a = item->article;

    (void)err;
    (*(int *)arg)++;
    if (a->title == NULL || *a->title == '\0' || a->body == NULL)
        abort();
    check_text(a->title);
    check_text(a->summary);
    check_text(a->category);
    check_text(a->source);
    check_text(a->author);
    check_text(a->url);
    check_body(a->body, NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_opts o;
    int count = 0;
    struct import_sink sink = { emit, NULL, &count };
    struct err err = ERR_INIT;

    arena_install(); /* as tidings parses pages: in arenas (once) */
    memset(&o, 0, sizeof(o));
    o.tz_offset = 8 * 3600;
    o.site_base_url = "https://www.example.org";
    if (import_html_parse((const char *)data, size, &o, &sink, &err) == 0 &&
        count != 1)
        abort();
    return 0;
}
