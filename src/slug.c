/*
 * slug: deriving URL names and keeping them unique.  The hash slug is the
 * first 8 hex digits of hash64 over the name's UTF-8 bytes: the same name
 * gives the same slug on every machine and in every run.  The set is a
 * small open-addressing table of the slugs handed out so far.
 */
#include "tidings/slug.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/conf.h"
#include "tidings/hash.h"
#include "tidings/xalloc.h"

static void
append_hash(struct buf *out, const char *name, size_t digits)
{
    char hex[HASH_HEX_LEN + 1];

    hash_hex(hash64(name, strlen(name)), hex);
    buf_append(out, hex, digits);
}

/* append_ascii: the lower-cased [a-z0-9-] form of an ASCII name; returns
 * the number of bytes appended. */
static size_t
append_ascii(const char *name, struct buf *out)
{
    size_t start = out->len, n = 0;
    int dash = 0;
    const char *p;

    for (p = name; *p != '\0' && n < SLUG_MAX; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && n > 0 && n + 1 < SLUG_MAX) {
                buf_putc(out, '-');
                n++;
            }
            buf_putc(out, c);
            n++;
            dash = 0;
        } else {
            dash = 1;
        }
    }
    return out->len - start;
}

static int
is_ascii(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

void
slug_derive(const struct conf *c, const char *name, struct buf *out)
{
    const char *configured = c ? conf_slug_for(c, name) : NULL;

    if (configured != NULL) {
        buf_puts(out, configured);
        return;
    }
    if (is_ascii(name) && append_ascii(name, out) > 0)
        return;
    append_hash(out, name, 8);
}

void
slug_set_init(struct slug_set *s)
{
    memset(s, 0, sizeof(*s));
}

void
slug_set_release(struct slug_set *s)
{
    size_t i;

    for (i = 0; i < s->cap; i++)
        free(s->v[i]);
    free(s->v);
    slug_set_init(s);
}

/* slot: where key is, or the empty slot where it would go. */
static size_t
slot(const struct slug_set *s, const char *key)
{
    size_t i = (size_t)hash64(key, strlen(key)) & (s->cap - 1);

    while (s->v[i] != NULL && strcmp(s->v[i], key) != 0)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void
grow(struct slug_set *s)
{
    struct slug_set bigger;
    size_t i;

    bigger.cap = s->cap ? s->cap * 2 : 64;
    bigger.len = s->len;
    bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
    for (i = 0; i < s->cap; i++)
        if (s->v[i] != NULL)
            bigger.v[slot(&bigger, s->v[i])] = s->v[i];
    free(s->v);
    *s = bigger;
}

static int
is_taken(struct slug_set *s, const char *key)
{
    return s->cap > 0 && s->v[slot(s, key)] != NULL;
}

static const char *
take(struct slug_set *s, const char *key)
{
    size_t i;

    if ((s->len + 1) * 2 > s->cap)
        grow(s);
    i = slot(s, key);
    s->v[i] = xstrdup(key);
    s->len++;
    return s->v[i];
}

const char *
slug_set_claim(struct slug_set *s, const char *want, const char *name)
{
    struct buf b = BUF_INIT;
    const char *got;
    size_t base;
    int n;

    if (!is_taken(s, want))
        return take(s, want);
    buf_appendf(&b, "%s-", want);
    append_hash(&b, name, 6);
    base = b.len;
    for (n = 2; is_taken(s, b.data); n++) {
        buf_truncate(&b, base);
        buf_appendf(&b, "-%d", n);
    }
    got = take(s, b.data);
    buf_release(&b);
    return got;
}
