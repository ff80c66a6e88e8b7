/*
 * hash: 64-bit content hash.  Four independent lanes take 32 bytes per
 * round, so long documents hash at memory speed; the tail and length are
 * folded in at the end with an avalanche step.  Reads are byte-wise
 * little-endian, so the value is the same on every architecture.
 */
#include "tidings/hash.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t
rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* read64: the little-endian value at p.  Where the host is little-endian
 * that is a plain load (memcpy, for alignment), which compilers do not
 * make of the byte loop: this halves the cost of hashing a body. */
static uint64_t
read64(const unsigned char *p)
{
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, sizeof(v));
#else
    int i;

    for (i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
#endif
    return v;
}

static uint64_t
read32(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24;
}

static uint64_t
round64(uint64_t acc, uint64_t in)
{
    acc += in * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static uint64_t
merge(uint64_t acc, uint64_t v)
{
    acc ^= round64(0, v);
    return acc * P1 + P4;
}

void
hash_init(struct hash *h)
{
    memset(h, 0, sizeof(*h));
    h->v[0] = P1 + P2;
    h->v[1] = P2;
    h->v[2] = 0;
    h->v[3] = 0 - P1;
}

static void
stripe(struct hash *h, const unsigned char *p)
{
    h->v[0] = round64(h->v[0], read64(p));
    h->v[1] = round64(h->v[1], read64(p + 8));
    h->v[2] = round64(h->v[2], read64(p + 16));
    h->v[3] = round64(h->v[3], read64(p + 24));
}

void
hash_update(struct hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;

    h->total += n;
    if (h->tail_len) {
        size_t take = 32 - h->tail_len;

        if (take > n)
            take = n;
        memcpy(h->tail + h->tail_len, p, take);
        h->tail_len += take;
        p += take;
        n -= take;
        if (h->tail_len < 32)
            return;
        stripe(h, h->tail);
        h->tail_len = 0;
    }
    for (; n >= 32; p += 32, n -= 32)
        stripe(h, p);
    memcpy(h->tail, p, n);
    h->tail_len = n;
}

void
hash_update_str(struct hash *h, const char *s)
{
    if (s == NULL)
        s = "";
    hash_update(h, s, strlen(s) + 1);
}

uint64_t
hash_final(const struct hash *h)
{
    const unsigned char *p = h->tail, *end = h->tail + h->tail_len;
    uint64_t acc;
    int i;

    if (h->total >= 32) {
        acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) +
              rotl(h->v[3], 18);
        for (i = 0; i < 4; i++)
            acc = merge(acc, h->v[i]);
    } else {
        acc = P5;
    }
    acc += h->total;
    for (; end - p >= 8; p += 8)
        acc = rotl(acc ^ round64(0, read64(p)), 27) * P1 + P4;
    if (end - p >= 4) {
        acc = rotl(acc ^ (read32(p) * P1), 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        acc = rotl(acc ^ (*p * P5), 11) * P1;
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    acc *= P3;
    acc ^= acc >> 32;
    return acc;
}

uint64_t
hash64(const void *p, size_t n)
{
    struct hash h;

    hash_init(&h);
    hash_update(&h, p, n);
    return hash_final(&h);
}

void
hash_hex(uint64_t v, char out[HASH_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    int i;

    for (i = HASH_HEX_LEN - 1; i >= 0; i--) {
        out[i] = digits[v & 0xF];
        v >>= 4;
    }
    out[HASH_HEX_LEN] = '\0';
}

/* hash_parse_hex: without a branch on digit or letter, which random hex
 * mispredicts half the time; a rebuild parses two for every document of
 * the site (the stored rows and the folder's manifest). */
int
hash_parse_hex(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    unsigned bad = 0;
    size_t i;

    for (i = 0; s[i] != '\0' && i < HASH_HEX_LEN; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        unsigned l = ((unsigned)(unsigned char)s[i] | 32) - 'a';

        bad |= (d > 9) & (l > 5);
        x = x << 4 | (d <= 9 ? d : l + 10);
    }
    if (bad || i == 0 || s[i] != '\0')
        return -1;
    *v = x;
    return 0;
}
