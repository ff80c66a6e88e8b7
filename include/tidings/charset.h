#ifndef TIDINGS_CHARSET_H
#define TIDINGS_CHARSET_H

/*
 * charset: turning input bytes into UTF-8 (SPEC 1.4).  UTF-8 with or
 * without BOM passes through; a UTF-16 BOM selects UTF-16; otherwise input
 * that is not valid UTF-8 is tried as GB18030 (a superset of GBK and
 * GB2312).  A name given by the user or declared by the document (meta
 * charset, XML declaration) wins over sniffing.  Conversion is glibc iconv.
 */

#include <stddef.h>

struct buf;
struct err;

/* charset_bom: length of a UTF-8/UTF-16 byte-order mark at the start of s
 * (0 if none); *name gets "UTF-8", "UTF-16LE" or "UTF-16BE". */
size_t charset_bom(const char *s, size_t n, const char **name);

/* charset_is_utf8_alias: true for names meaning UTF-8 ("utf8", "UTF-8",
 * "UTF.8"). */
int charset_is_utf8_alias(const char *name);

/* charset_canonical: the name to decode `name` with: "GB18030" for the GB
 * family (GB2312, GBK, CP936: pages labelled GB2312 routinely hold GBK
 * characters, and GB18030 is a superset of both), "UTF-8" for its
 * aliases, else name itself. */
const char *charset_canonical(const char *name);

/* charset_is_known: true when name can be decoded from (iconv knows it,
 * or it is one of the aliases handled here). */
int charset_is_known(const char *name);

/* charset_utf8_as_is: when charset_to_utf8(s, n, encoding) would give s's
 * own bytes (it is, or is taken for, valid UTF-8), how many bytes of BOM
 * to pass over for them; otherwise -1.  Spares a caller that can read the
 * bytes where they are the copy. */
long charset_utf8_as_is(const char *s, size_t n, const char *encoding);

/* charset_to_utf8: appends the UTF-8 form of s to out (which may carry a
 * cap).  encoding is the name to decode from, or NULL to sniff as above.
 * *used (if set) gets the name of what was used (a static string, or
 * encoding itself).  On failure
 * returns -1 with ERR_PARSE (bytes that are not valid in the encoding, with
 * their offset), ERR_USAGE (an encoding iconv does not know) or ERR_LIMIT
 * (out's cap); out is then unspecified. */
int charset_to_utf8(const char *s, size_t n, const char *encoding,
                    struct buf *out, const char **used, struct err *err);

#endif
