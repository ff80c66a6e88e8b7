#ifndef TIDINGS_RENDER_JSON_H
#define TIDINGS_RENDER_JSON_H

/*
 * render_json: JSON Feed 1.1 (https://jsonfeed.org/version/1.1).  Text is
 * reduced to the characters the XML feeds carry (so every format says the
 * same thing) and escaped for JSON; U+2028 and U+2029 are escaped too, so
 * the document is also valid JavaScript.  The source and the RFC 5005
 * archive link, which JSON Feed has no field for, go in "_tidings"
 * extension objects.
 */

#include <stddef.h>

struct buf;
struct conf;
struct err;
struct render_feed;
struct render_item;

/* render_json_item: the item object for it, appended to out, indented to
 * stand in the items array. */
void render_json_item(const struct conf *c, const struct render_item *it,
                      struct buf *out);

/* render_json_feed: the document for f with as many of the n items as fit
 * f->max_bytes; *used gets that number.  Returns 0, or -1 with ERR_LIMIT
 * when out hit its cap. */
int render_json_feed(const struct render_feed *f, const struct render_item *v,
                     size_t n, struct buf *out, size_t *used, struct err *err);

/* render_json_string: s as a JSON string literal (quotes included). */
void render_json_string(struct buf *out, const char *s);

#endif
