#ifndef TIDINGS_UTF8_H
#define TIDINGS_UTF8_H

/*
 * utf8: the text rules every module shares.  Stored text is always valid
 * UTF-8; "white space" includes U+00A0 and U+3000, which Chinese pages are
 * full of; text written into XML keeps only XML 1.0 characters.
 */

#include <stddef.h>
#include <stdint.h>

struct buf;

/* utf8_decode: decodes one code point from s (n > 0 bytes available) into
 * *cp and returns its length (1-4).  An invalid, overlong or truncated
 * sequence, or a surrogate, yields *cp = 0xFFFD and length 1. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* utf8_encode: writes cp (which must be a valid scalar value) into out and
 * returns the number of bytes (1-4). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* utf8_check: returns the offset of the first invalid byte, or n when all
 * of s is valid UTF-8. */
size_t utf8_check(const char *s, size_t n);
/* utf8_length: number of code points in valid UTF-8 text. */
size_t utf8_length(const char *s, size_t n);
/* utf8_prefix: byte length of the first max_chars code points of s. */
size_t utf8_prefix(const char *s, size_t n, size_t max_chars);

int utf8_is_space(uint32_t cp);
/* utf8_is_space_at: true when the character at s (n > 0 bytes) is white
 * space as utf8_is_space says; *len gets its length in bytes.  It reads
 * the bytes of the few spaces outside ASCII instead of decoding, for text
 * already known to be valid UTF-8 (CJK text would decode every char).
 * Inline: the HTML importer asks it of every character of a page. */
static inline int
utf8_is_space_at(const char *s, size_t n, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;

    *len = u[0] < 0x80 ? 1 : u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : 2;
    if (*len > n)
        *len = 1;
    if (u[0] < 0x80)
        return u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r');
    if (*len == 2)
        return u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0);
    if (*len != 3)
        return 0;
    switch (u[0]) {
    case 0xE1: /* U+1680 */
        return u[1] == 0x9A && u[2] == 0x80;
    case 0xE2: /* U+2000-U+200B, U+2028, U+2029, U+202F, U+205F */
        return (u[1] == 0x80 && (u[2] <= 0x8B || u[2] == 0xA8 || u[2] == 0xA9 ||
                                 u[2] == 0xAF)) ||
               (u[1] == 0x81 && u[2] == 0x9F);
    case 0xE3: /* U+3000 */
        return u[1] == 0x80 && u[2] == 0x80;
    case 0xEF: /* U+FEFF */
        return u[1] == 0xBB && u[2] == 0xBF;
    default:
        return 0;
    }
}
/* utf8_is_xml_char: true for the characters XML 1.0 allows in content. */
int utf8_is_xml_char(uint32_t cp);

/* utf8_trim: narrows [*s, *s + *n) so it neither starts nor ends with white
 * space. */
void utf8_trim(const char **s, size_t *n);
/* utf8_is_blank: true if s holds nothing but white space. */
int utf8_is_blank(const char *s, size_t n);
/* utf8_append_clean: appends s to b with runs of white space collapsed to
 * one ASCII space, ends trimmed, and characters that XML 1.0 forbids (and
 * invalid bytes) dropped.  The text form of titles, names and summaries.
 * Returns buf_append's result. */
int utf8_append_clean(struct buf *b, const char *s, size_t n);
/* utf8_append_xml: appends s keeping its white space but dropping what XML
 * 1.0 forbids and invalid bytes.  Returns buf_append's result. */
int utf8_append_xml(struct buf *b, const char *s, size_t n);
/* utf8_xml_multi: the length (2-4) of the XML 1.0 character whose UTF-8
 * sequence of two or more bytes starts at u (n bytes available), or 0
 * when there is none there: an invalid or overlong sequence, a surrogate,
 * U+FFFE or U+FFFF.  Inline, for the loops that run over every character
 * of every feed; the common Chinese case, three bytes, is checked without
 * decoding.  A NUL stops it like any other non-continuation byte. */
static inline size_t
utf8_xml_multi(const unsigned char *u, size_t n)
{
    unsigned c = u[0];

    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 ||
            (c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] >= 0xA0) ||
            (c == 0xEF && u[1] == 0xBF && u[2] >= 0xBE))
            return 0;
        return 3;
    }
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (u[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 ||
            (u[3] & 0xC0) != 0x80 || (c == 0xF0 && u[1] < 0x90) ||
            (c == 0xF4 && u[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

/* utf8_xml_span: length of the longest prefix of s that is valid UTF-8
 * made only of XML 1.0 characters: n when s can go into XML as it is. */
size_t utf8_xml_span(const char *s, size_t n);
/* utf8_is_xml_str: true when the NUL-terminated s is valid UTF-8 made
 * only of XML 1.0 characters. */
int utf8_is_xml_str(const char *s);
/* utf8_clean: as utf8_append_clean into a new string the caller owns. */
char *utf8_clean(const char *s, size_t n);

#endif
