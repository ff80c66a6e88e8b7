/*
 * hash64's values are part of what tidings stores: article keys, slugs and
 * tag: feed ids are made from them, and must not change from one build or
 * machine to the next.  These were computed with the first, byte-at-a-time
 * implementation; any faster one must give exactly the same.
 */
#include <stddef.h>
#include <stdint.h>

#include "test.h"
#include "tidings/hash.h"

static const struct {
    size_t len;
    uint64_t value;
} golden[] = {
    { 0, 0xef46db3751d8e999ULL },   { 1, 0xa96c7f0ce858bbb7ULL },
    { 3, 0xbed43740ee6332bbULL },   { 4, 0xfa212ae44b3bb23dULL },
    { 7, 0x2744460dd675d2c0ULL },   { 8, 0x994b676b71ce94ddULL },
    { 31, 0x6711d55e306b5d8fULL },  { 32, 0x07f7b8e3bc5d6e25ULL },
    { 33, 0x09f85eeb4e1cbe9fULL },  { 64, 0x50d4159a0411632eULL },
    { 100, 0x9ddada11d3dc2d8fULL }, { 1000, 0x0bf0bdbcc82eb373ULL },
};

static void
hash_values_are_fixed(void)
{
    unsigned char buf[1001];
    size_t i;

    for (i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)(i * 131 + 7);
    for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
        CHECK_MSG(hash64(buf, golden[i].len) == golden[i].value,
                  "hash64 of %zu bytes changed", golden[i].len);
    }
    /* the same bytes at an odd address, as strings inside buffers are */
    for (i = sizeof(buf) - 1; i > 0; i--)
        buf[i] = buf[i - 1];
    for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++)
        CHECK_MSG(hash64(buf + 1, golden[i].len) == golden[i].value,
                  "hash64 of %zu unaligned bytes changed", golden[i].len);
}

const struct test tests_hash_values[] = {
    { "hash_values_are_fixed", hash_values_are_fixed },
    { NULL, NULL },
};
