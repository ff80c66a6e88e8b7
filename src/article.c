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
