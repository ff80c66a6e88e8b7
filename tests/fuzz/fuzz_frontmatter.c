/*
 * fuzz_frontmatter: the front-matter reader and category normaliser on
 * any bytes.  A block is consumed whole or not at all, and what is read
 * keeps its contract (categories normalised, urls absolute); a broken
 * contract aborts, so libFuzzer reports it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/err.h"
#include "tidings/frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_category(const char *c)
{
    if (c == NULL)
        return;
    if (*c == '\0' || *c == '/' || c[strlen(c) - 1] == '/' ||
        strstr(c, "//") != NULL)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct frontmatter fm;
    struct err err = ERR_INIT;
    size_t used = 0;
    char *cat;

    frontmatter_init(&fm);
    if (frontmatter_parse(s, size, 8 * 3600, &fm, &used, &err) == 0) {
        if (used > size || (used > 0 && fm.lines < 2) ||
            (used == 0 && fm.lines != 0))
            abort();
        check_category(fm.category);
        if (fm.url && strncmp(fm.url, "http://", 7) != 0 &&
            strncmp(fm.url, "https://", 8) != 0)
            abort();
    } else if (err.code != ERR_PARSE || strncmp(err.msg, "line ", 5) != 0) {
        abort();
    }
    frontmatter_release(&fm);
    cat = frontmatter_category(s, size, &err);
    check_category(cat);
    free(cat);
    return 0;
}
