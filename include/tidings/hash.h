#ifndef TIDINGS_HASH_H
#define TIDINGS_HASH_H

/*
 * hash: a fast, seedless 64-bit content hash (a 4-lane multiply-rotate
 * design in the style of xxHash64; it is not claimed to be bit-compatible
 * with it).  Used for article content hashes, document ETags and slugs.  It
 * is not a cryptographic hash: its job is that the same bytes give the same
 * value on every machine and that edits change it.
 *
 * The value is defined over the bytes only, independent of how they were
 * split across hash_update calls.
 */

#include <stddef.h>
#include <stdint.h>

struct hash {
    uint64_t v[4];
    uint64_t total;
    unsigned char tail[32];
    size_t tail_len;
};

void hash_init(struct hash *h);
void hash_update(struct hash *h, const void *p, size_t n);
/* hash_update_str: hashes s and its terminating NUL, so that ("ab","c")
 * and ("a","bc") differ; NULL hashes like "". */
void hash_update_str(struct hash *h, const char *s);
uint64_t hash_final(const struct hash *h);

uint64_t hash64(const void *p, size_t n);

#define HASH_HEX_LEN 16
/* hash_hex: writes the value as 16 lower-case hex digits and a NUL. */
void hash_hex(uint64_t v, char out[HASH_HEX_LEN + 1]);
/* hash_parse_hex: the value of 1 to 16 hex digits ending at a NUL, as
 * hash_hex writes them.  Returns 0, or -1 (and *v untouched) for anything
 * else. */
int hash_parse_hex(const char *s, uint64_t *v);

#endif
