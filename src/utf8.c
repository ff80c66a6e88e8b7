/*
 * utf8: decoding, validation and the white-space and XML character rules.
 * Decoding is strict (no overlongs, no surrogates, nothing past U+10FFFF) so
 * that what the store holds is valid for every consumer downstream.
 */
#include "tidings/utf8.h"

#include <string.h>

#include "tidings/buf.h"
#include "tidings/xalloc.h"

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[0], min;
    size_t len, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, c &= 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, c &= 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        goto bad;
    }
    if (n < len)
        goto bad;
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            goto bad;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        goto bad;
    *cp = c;
    return len;
bad:
    *cp = 0xFFFD;
    return 1;
}

/* decode: utf8_decode with its common cases inline for the walks below.
 * Chinese text is mostly three-byte sequences led by E1-EC, EE or EF,
 * which need no overlong or surrogate check (those live behind E0 and
 * ED); everything else takes the full path. */
static inline size_t
decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;

    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (n >= 3 && u[0] >= 0xE1 && u[0] <= 0xEF && u[0] != 0xED &&
        (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
              (uint32_t)(u[2] & 0x3F);
        return 3;
    }
    return utf8_decode(s, n, cp);
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* is_cont2: whether both bytes are continuation bytes (10xxxxxx). */
static inline int
is_cont2(const unsigned char *u)
{
    return ((u[0] ^ 0x80) | (u[1] ^ 0x80)) < 0x40;
}

/* run3: the end of the run from i of three-byte sequences whose lead
 * and second byte `lead_ok` accepts, two at a time: one eight-byte load
 * tests both sequences' shape (1110xxxx 10xxxxxx 10xxxxxx), then their
 * leads.  The loops over Chinese text below differ only in the leads
 * they let through; lead_ok is a constant, so each inlines its own. */
static inline size_t
run3(const unsigned char *u, size_t i, size_t n,
     int (*lead_ok)(unsigned lead, unsigned next))
{
    uint64_t w;

    for (; n - i >= 8; i += 6) {
        memcpy(&w, u + i, sizeof(w));
        if ((w & 0xC0C0F0C0C0F0u) != 0x8080E08080E0u ||
            !lead_ok((unsigned)(w & 0xFF), (unsigned)(w >> 8 & 0xFF)) ||
            !lead_ok((unsigned)(w >> 24 & 0xFF), (unsigned)(w >> 32 & 0xFF)))
            break;
    }
    return i;
}

/* E4-EC or EE: no white space, nothing XML forbids */
static inline int
is_cjk_lead(unsigned c, unsigned next)
{
    (void)next;
    return c - 0xE4u <= 0x0Au && c != 0xED;
}

/* is_cjk3: a whole three-byte sequence led by E4-EC or EE at u. */
static inline int
is_cjk3(const unsigned char *u, size_t n)
{
    return n >= 3 && (unsigned char)(u[0] - 0xE4) <= 0x0A && u[0] != 0xED &&
           is_cont2(u + 1);
}

/* cjk_run: the end of the run from i of whole three-byte sequences led
 * by E4-EC or EE, taken two at a time while six bytes remain: the loop
 * over Chinese text, unrolled once. */
static inline size_t
cjk_run(const unsigned char *u, size_t i, size_t n)
{
    i = run3(u, i, n, is_cjk_lead);
    while (n - i >= 6 && is_cjk3(u + i, 3) && is_cjk3(u + i + 3, 3))
        i += 6;
    return i;
}

/* ascii_run: the end of the run from i of ASCII bytes, taken eight at
 * a time: the loop over markup. */
static inline size_t
ascii_run(const unsigned char *u, size_t i, size_t n)
{
    uint64_t w;

    for (; n - i >= 8; i += 8) {
        memcpy(&w, u + i, sizeof(w));
        if (w & 0x8080808080808080ULL)
            break;
    }
    return i;
}

/* is_bad: U+FFFD from a one-byte step is a decoding error; a real U+FFFD
 * in the text is three bytes long. */
static int
is_bad(uint32_t cp, size_t len)
{
    return cp == 0xFFFD && len == 1;
}

/* E1-EC, EE or EF: valid without looking further (overlongs and
 * surrogates live behind E0 and ED), so Chinese text with its full-width
 * punctuation (E3 80 xx, EF BC xx) stays in one run */
static inline int
is_valid3_lead(unsigned c, unsigned next)
{
    (void)next;
    return c != 0xE0 && c != 0xED;
}

size_t
utf8_check(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, len;
    uint32_t cp;

    while (i < n) {
        i = run3(u, i, n, is_valid3_lead);
        i = ascii_run(u, i, n);
        if (i == n)
            break;
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        len = decode(s + i, n - i, &cp);
        if (is_bad(cp, len))
            return i;
        i += len;
    }
    return n;
}

size_t
utf8_length(const char *s, size_t n)
{
    size_t i, count = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t
utf8_prefix(const char *s, size_t n, size_t max_chars)
{
    size_t i = 0, chars = 0;
    uint32_t cp;

    while (i < n && chars < max_chars) {
        i += decode(s + i, n - i, &cp);
        chars++;
    }
    return i;
}

static inline int
is_space(uint32_t cp)
{
    switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200B;
    }
}

static inline int
is_xml_char(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x9 || cp == 0xA || cp == 0xD;
    return cp <= 0xD7FF || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

int
utf8_is_space(uint32_t cp)
{
    return is_space(cp);
}

int
utf8_is_xml_char(uint32_t cp)
{
    return is_xml_char(cp);
}

void
utf8_trim(const char **s, size_t *n)
{
    const char *p = *s, *end = *s + *n;
    uint32_t cp;
    size_t len;

    while (p < end) {
        len = decode(p, (size_t)(end - p), &cp);
        if (!is_space(cp))
            break;
        p += len;
    }
    while (end > p) {
        const char *q = end - 1;

        while (q > p && ((unsigned char)*q & 0xC0) == 0x80)
            q--;
        decode(q, (size_t)(end - q), &cp);
        if (!is_space(cp))
            break;
        end = q;
    }
    *s = p;
    *n = (size_t)(end - p);
}

int
utf8_is_blank(const char *s, size_t n)
{
    utf8_trim(&s, &n);
    return n == 0;
}

/* kept_run: the end of the run from i of characters that both filters
 * keep as they are without decoding them: printable ASCII (but a space
 * when collapsing), and the three-byte characters led by E4-EC or EE
 * (U+4000-U+CFFF, U+E000-U+EFFF: the CJK ideographs among them), none of
 * which is white space or outside XML 1.0. */
static inline size_t
kept_run(const char *s, size_t i, size_t n, int collapse)
{
    const unsigned char *u = (const unsigned char *)s;

    while (i < n) {
        i = cjk_run(u, i, n);
        if (is_cjk3(u + i, n - i))
            i += 3;
        else if (i < n && u[i] >= 0x20 && u[i] < 0x7F &&
                 !(collapse && u[i] == ' '))
            i++;
        else
            break;
    }
    return i;
}

/* append_filtered: the walk behind utf8_append_clean/_xml.  Runs of
 * characters that are kept are appended in one piece. */
static int
append_filtered(struct buf *b, const char *s, size_t n, int collapse)
{
    size_t i = 0, len, start = 0;
    int pending_space = 0, any = 0;
    uint32_t cp;

    while ((i = kept_run(s, i, n, collapse)) < n) {
        len = decode(s + i, n - i, &cp);
        if (!is_bad(cp, len) && is_xml_char(cp) &&
            !(collapse && is_space(cp))) {
            i += len;
            continue;
        }
        /* s[i] ends a run of kept characters */
        if (i > start) {
            if (pending_space)
                buf_putc(b, ' ');
            buf_append(b, s + start, i - start);
            any = 1;
            pending_space = 0;
        }
        if (collapse && is_space(cp))
            pending_space = any;
        i += len;
        start = i;
    }
    if (i > start) {
        if (pending_space)
            buf_putc(b, ' ');
        buf_append(b, s + start, i - start);
    }
    return buf_failed(b) ? -1 : 0;
}

int
utf8_append_clean(struct buf *b, const char *s, size_t n)
{
    return append_filtered(b, s, n, 1);
}

int
utf8_append_xml(struct buf *b, const char *s, size_t n)
{
    return append_filtered(b, s, n, 0);
}

/* ascii8: true when the 8 bytes at u are ASCII characters XML allows in
 * text without a second look (0x20-0x7F): none has the top bit set, and
 * none is below 0x20 (the "has a byte less than n" word trick; it may
 * say no for some that are fine, never yes for one that is not). */
static inline int
ascii8(const unsigned char *u)
{
    uint64_t v;

    memcpy(&v, u, 8);
    return ((v | ((v - 0x2020202020202020u) & ~v)) & 0x8080808080808080u) == 0;
}

/* cjk3: true when the 4 bytes at u start with a three-byte sequence with
 * a lead byte of E1-EC or EE (no overlong, surrogate or noncharacter is
 * possible there): most of Chinese, Japanese and Korean text, checked
 * with one load and one compare. */
static inline int
cjk3(const unsigned char *u)
{
    uint32_t v = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16;

    return (v & 0xC0C0F0u) == 0x8080E0u && u[0] != 0xE0 && u[0] != 0xED &&
           u[0] != 0xEF;
}

/* is_xml3_lead: whether a three-byte sequence led by c, then next, is an
 * XML character without further checks: E1-EC and EE always (no
 * overlong, surrogate or noncharacter there), EF unless it is EF BF xx
 * (where U+FFFE and U+FFFF are), so that full-width punctuation (EF BC
 * xx) stays on the fast path.  (A bit mask indexed by the lead's low
 * nibble was measured: more instructions.) */
static inline int
is_xml3_lead(unsigned c, unsigned next)
{
    return c - 0xE1u <= 0x0Bu || c == 0xEE || (c == 0xEF && next != 0xBF);
}

size_t
utf8_xml_span(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, len;

    while ((i = run3(u, i, n, is_xml3_lead)) < n) {
        unsigned c = u[i];

        if (i + 3 <= n && cjk3(u + i)) {
            i += 3;
        } else if (c >= 0x20 && c < 0x80) {
            i += i + 8 <= n && ascii8(u + i) ? 8 : 1;
        } else if (c < 0x20) {
            if (c != '\t' && c != '\n' && c != '\r')
                return i;
            i++;
        } else if ((len = utf8_xml_multi(u + i, n - i)) > 0) {
            i += len;
        } else {
            return i;
        }
    }
    return n;
}

int
utf8_is_xml_str(const char *s)
{
    size_t n = strlen(s); /* a vector scan: cheaper than a byte-wise walk */

    return utf8_xml_span(s, n) == n;
}

char *
utf8_clean(const char *s, size_t n)
{
    struct buf b = BUF_INIT;

    utf8_append_clean(&b, s, n);
    return buf_detach(&b, NULL);
}
