/*
 * fuzz_feed: the feed importer on any bytes.  It returns an error or some
 * articles; each has a title, valid XML text in every field, and a body
 * that holds only the allow-list and is a sanitizer fixpoint.  The input
 * is parsed once from memory and once as import.c streams a file (a head,
 * then the rest read from a pipe); both must agree on how many items
 * there are, whenever they decode it alike (valid UTF-8, where the choice
 * of encoding cannot depend on how much of it the head holds).
 */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "tidings/arena.h"
#include "tidings/article.h"
#include "tidings/import.h"
#include "tidings/import_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *arg, struct import_item *item, struct err *err)
{
    const struct article *a = item->article;

    (void)err;
    (*(int *)arg)++;
    if (a->title == NULL)
        abort();
    check_text(a->title);
    check_text(a->summary);
    check_text(a->category);
    check_text(a->source);
    check_text(a->author);
    check_text(a->url);
    check_text(a->feed_id);
    check_text(item->guid);
    check_body(a->body, NULL);
    return 0;
}

/* streamed: the count of items when the input comes as a head of at most
 * 300 bytes (the XML declaration fits) and the rest through a pipe; -1
 * when the parse failed, -2 when the comparison does not apply. */
static int
streamed(const uint8_t *data, size_t size, const struct import_opts *o)
{
    int count = 0, fds[2], rc;
    struct import_sink sink = { emit, NULL, &count };
    struct err err = ERR_INIT;
    size_t head = size < 300 ? size : 300;

    /* a pipe holds 64 KiB: larger inputs would block the write */
    if (size > 60000 || utf8_check((const char *)data, size) != size ||
        pipe(fds) < 0)
        return -2;
    if (write(fds[1], data + head, size - head) != (ssize_t)(size - head))
        abort();
    close(fds[1]);
    rc = import_feed_stream(fds[0], (const char *)data, head, o, &sink, &err);
    close(fds[0]);
    return rc == 0 ? count : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_opts o;
    int count = 0, again;
    struct import_sink sink = { emit, NULL, &count };
    struct err err = ERR_INIT;
    int rc;

    arena_install(); /* items are sanitized in arenas, as in tidings */
    memset(&o, 0, sizeof(o));
    o.tz_offset = 8 * 3600;
    o.site_base_url = "https://www.example.org";
    rc = import_feed_parse((const char *)data, size, &o, &sink, &err);
    again = streamed(data, size, &o);
    if (again != -2 && again != (rc == 0 ? count : -1)) {
        fprintf(stderr, "whole: %d items (rc %d), streamed: %d\n", count, rc,
                again);
        abort();
    }
    return 0;
}
