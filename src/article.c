/*
 * article: lifetime of the model, identity keys, content hashes and the
 * minting of the ids that must never change once a feed reader has seen
 * them.
 */
#include "tidings/article.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/hash.h"
#include "tidings/url.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

void
article_init(struct article *a)
{
    memset(a, 0, sizeof(*a));
}

void
article_release(struct article *a)
{
    free(a->key);
    free(a->feed_id);
    free(a->slug);
    free(a->url);
    free(a->title);
    free(a->summary);
    free(a->body);
    free(a->category);
    free(a->source);
    free(a->author);
    free(a->origin);
    article_init(a);
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void
article_copy(struct article *dst, const struct article *src)
{
    *dst = *src;
    dst->key = dup_or_null(src->key);
    dst->feed_id = dup_or_null(src->feed_id);
    dst->slug = dup_or_null(src->slug);
    dst->url = dup_or_null(src->url);
    dst->title = dup_or_null(src->title);
    dst->summary = dup_or_null(src->summary);
    dst->body = dup_or_null(src->body);
    dst->category = dup_or_null(src->category);
    dst->source = dup_or_null(src->source);
    dst->author = dup_or_null(src->author);
    dst->origin = dup_or_null(src->origin);
}

void
article_set(char **field, const char *s)
{
    char *copy = s ? xstrdup(s) : NULL;

    free(*field);
    *field = copy;
}

void
article_set_key(struct article *a, const char *id, const char *guid)
{
    struct buf b = BUF_INIT;
    char hex[HASH_HEX_LEN + 1];
    struct hash h;

    if (id != NULL) {
        buf_appendf(&b, "id:%s", id);
    } else if (a->url != NULL) {
        buf_appendf(&b, "url:%s", a->url);
    } else if (guid != NULL) {
        buf_appendf(&b, "guid:%s", guid);
    } else {
        hash_init(&h);
        hash_update_str(&h, a->category);
        hash_update_str(&h, a->title);
        hash_update_str(&h, a->source);
        hash_hex(hash_final(&h), hex);
        buf_appendf(&b, "hash:%s", hex);
    }
    free(a->key);
    a->key = buf_detach(&b, NULL);
}

void
article_compute_hash(struct article *a)
{
    struct hash h;
    char when[24];

    hash_init(&h);
    hash_update_str(&h, a->url);
    hash_update_str(&h, a->title);
    hash_update_str(&h, a->summary);
    hash_update_str(&h, a->body);
    hash_update_str(&h, a->category);
    hash_update_str(&h, a->source);
    hash_update_str(&h, a->author);
    snprintf(when, sizeof(when), "%lld", (long long)a->published);
    hash_update_str(&h, when);
    hash_hex(hash_final(&h), a->hash);
}

int
article_is_slug_safe(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    return n > 0 && n <= 64 && s[n] == '\0' && s[0] != '.';
}

void
article_mint(struct article *a, const char *host, const char *explicit_id,
             int tz_offset)
{
    char hex[HASH_HEX_LEN + 1], day[DATE_MAX];
    struct buf b = BUF_INIT;

    if (a->feed_id == NULL && a->url != NULL) {
        a->feed_id = xstrdup(a->url);
    } else if (a->feed_id == NULL) {
        hash_hex(hash64(a->key, strlen(a->key)), hex);
        date_format_day(a->published, tz_offset, day);
        buf_appendf(&b, "tag:%s,%s:%s", host, day, hex);
        a->feed_id = buf_detach(&b, NULL);
    }
    if (a->slug == NULL && explicit_id && article_is_slug_safe(explicit_id)) {
        a->slug = xstrdup(explicit_id);
    } else if (a->slug == NULL) {
        hash_hex(hash64(a->feed_id, strlen(a->feed_id)), hex);
        a->slug = xstrdup(hex);
    }
}

/* ---- Atom ids ---------------------------------------------------------- */

/* The date of the tag: URIs that carry feed ids: fixed, so that an id is
 * written the same way by every build. */
#define ATOM_TAG_DATE ",2000:id/"

static void
atom_prefix(const char *site, struct buf *out)
{
    char host[256];

    url_host(site, host, sizeof(host));
    buf_appendf(out, "tag:%s" ATOM_TAG_DATE, host);
}

static int
is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

void
article_atom_id(const char *feed_id, const char *site, struct buf *out)
{
    const unsigned char *p;

    if (url_is_iri(feed_id)) {
        buf_puts(out, feed_id);
        return;
    }
    atom_prefix(site, out);
    for (p = (const unsigned char *)feed_id; *p; p++) {
        if (is_unreserved(*p))
            buf_putc(out, (char)*p);
        else
            buf_appendf(out, "%%%02X", *p);
    }
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* percent_decode: s decoded into out; -1 for a "%" not followed by two
 * upper-case hex digits. */
static int
percent_decode(const char *s, struct buf *out)
{
    for (; *s; s++) {
        if (*s != '%') {
            buf_putc(out, *s);
        } else if (hex_value(s[1]) < 0 || hex_value(s[2]) < 0) {
            return -1;
        } else {
            buf_putc(out, (char)(hex_value(s[1]) * 16 + hex_value(s[2])));
            s += 2;
        }
    }
    return 0;
}

char *
article_feed_id_of_atom(const char *atom_id, const char *site)
{
    struct buf prefix = BUF_INIT, id = BUF_INIT, again = BUF_INIT;
    char *found = NULL;

    if (site == NULL)
        return xstrdup(atom_id);
    atom_prefix(site, &prefix);
    /* only the form article_atom_id makes: decoding and wrapping again
     * must give the same bytes, and the id must be one it would wrap */
    if (strncmp(atom_id, prefix.data, prefix.len) == 0 &&
        percent_decode(atom_id + prefix.len, &id) == 0 && id.len > 0 &&
        strlen(id.data) == id.len && utf8_is_xml_str(id.data)) {
        article_atom_id(id.data, site, &again);
        if (strcmp(again.data, atom_id) == 0)
            found = buf_detach(&id, NULL);
    }
    buf_release(&prefix);
    buf_release(&id);
    buf_release(&again);
    return found ? found : xstrdup(atom_id);
}
