#ifndef TIDINGS_SLUG_H
#define TIDINGS_SLUG_H

/*
 * slug: the URL names of categories, sources and authors (SPEC 2).  A name
 * configured in [slugs] gets its configured slug; an ASCII name is
 * lower-cased to [a-z0-9-] (other characters become '-', runs collapse,
 * ends are trimmed); anything else, or an ASCII name with nothing usable
 * left, becomes a short stable hash of its UTF-8 bytes.
 *
 * Two names can ask for one slug ("Foo Bar" and "foo-bar").  A slug_set
 * hands out unique slugs in the order names are claimed: the first keeps
 * the plain slug, a later one gets "-" and a hash of its name appended
 * (then "-2", "-3" if even that is taken).  The renderer claims names in
 * the order their groups were created, so a name's slug never changes
 * when others are added after it.
 */

#include <stddef.h>

struct buf;
struct conf;

#define SLUG_MAX 64 /* longest slug derived from an ASCII name */

/* slug_derive: the slug for one name (one path segment), appended to out;
 * c may be NULL (no [slugs]). */
void slug_derive(const struct conf *c, const char *name, struct buf *out);

struct slug_set {
    char **v; /* open addressing; NULL is empty */
    size_t cap, len;
};

void slug_set_init(struct slug_set *s);
void slug_set_release(struct slug_set *s);

/* slug_set_claim: returns a slug equal to want, or want with a suffix
 * derived from name, that no earlier claim returned; it is owned by the
 * set (valid until slug_set_release). */
const char *slug_set_claim(struct slug_set *s, const char *want,
                           const char *name);

#endif
