/*
 * charset: BOM sniffing and iconv conversion to UTF-8.  iconv is asked for
 * strict conversion (no //IGNORE, no //TRANSLIT), so a byte that is not
 * valid in the source encoding is an error with its offset rather than a
 * silently mangled article.
 */
#include "tidings/charset.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/utf8.h"

size_t
charset_bom(const char *s, size_t n, const char **name)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *name = "UTF-8";
        return 3;
    }
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        *name = "UTF-16LE";
        return 2;
    }
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        *name = "UTF-16BE";
        return 2;
    }
    return 0;
}

/* Punctuation and case are folded away ("UTF.8", "utf_8"), as glibc's
 * iconv does when it looks a name up. */
int
charset_is_utf8_alias(const char *name)
{
    char folded[8];
    size_t n = 0;

    for (; *name != '\0' && n < sizeof(folded) - 1; name++)
        if (isalnum((unsigned char)*name))
            folded[n++] = (char)tolower((unsigned char)*name);
    folded[n] = '\0';
    return *name == '\0' && strcmp(folded, "utf8") == 0;
}

/* canonical: the static name used for reports, and GB2312/GBK widened to
 * GB18030, of which they are subsets (pages labelled GB2312 routinely
 * contain GBK characters). */
static const char *
canonical(const char *name)
{
    if (strcasecmp(name, "gb2312") == 0 || strcasecmp(name, "gbk") == 0 ||
        strcasecmp(name, "gb18030") == 0 || strcasecmp(name, "cp936") == 0 ||
        strcasecmp(name, "x-gbk") == 0)
        return "GB18030";
    if (charset_is_utf8_alias(name))
        return "UTF-8";
    return NULL;
}

int
charset_is_known(const char *name)
{
    iconv_t cd;

    if (canonical(name) != NULL)
        return 1;
    if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
        return 0;
    iconv_close(cd);
    return 1;
}

/* convert: appends s converted from `from` to out; an offset in an error
 * counts the `skipped` bytes (of BOM) before s, so it is the file's. */
static int
convert(const char *s, size_t n, size_t skipped, const char *from,
        struct buf *out, struct err *err)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char *in = (char *)(uintptr_t)s; /* iconv's prototype is not const */
    size_t left = n, room, before = n;
    int rc = -1;

    if (cd == (iconv_t)-1)
        return err_set(err, ERR_USAGE, "unknown encoding '%s'", from);
    while (left > 0) {
        char *o;

        if (buf_grow(out, left * 2 + 16) < 0) {
            err_set(err, ERR_LIMIT, "text too large after conversion");
            goto out;
        }
        o = out->data + out->len;
        room = out->cap - out->len - 1;
        if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 && errno != E2BIG) {
            err_set(err, ERR_PARSE, "byte %zu is not valid %s",
                    skipped + before - left, from);
            goto out;
        }
        out->len = (size_t)(o - out->data);
        out->data[out->len] = '\0';
    }
    rc = 0;
out:
    iconv_close(cd);
    return rc;
}

/* copy_utf8: appends s after checking it, unless the sniff already did
 * (`valid`): one pass over the text instead of two. */
static int
copy_utf8(const char *s, size_t n, size_t skipped, int valid, struct buf *out,
          struct err *err)
{
    size_t bad = valid ? n : utf8_check(s, n);

    if (bad < n)
        return err_set(err, ERR_PARSE, "byte %zu is not valid UTF-8",
                       bad + skipped);
    if (buf_append(out, s, n) < 0)
        return err_set(err, ERR_LIMIT, "text too large");
    return 0;
}

const char *
charset_canonical(const char *name)
{
    return canonical(name) ? canonical(name) : name;
}

/* The reading of s that charset_to_utf8 makes. */
struct reading {
    const char *name; /* the encoding */
    size_t bom;       /* bytes of BOM to pass over */
    int valid;        /* sniffed as valid UTF-8: no need to check again */
    int sniffed;      /* GB18030 for want of anything better */
};

static void
read_as(const char *s, size_t n, const char *encoding, struct reading *r)
{
    const char *bom_name = NULL;

    r->bom = charset_bom(s, n, &bom_name);
    r->valid = r->sniffed = 0;
    if (encoding != NULL)
        r->name = canonical(encoding) ? canonical(encoding) : encoding;
    else if (r->bom)
        r->name = bom_name;
    else if (utf8_check(s, n) == n)
        r->name = "UTF-8", r->valid = 1;
    else
        r->name = "GB18030", r->sniffed = 1;
    if (r->bom && strcmp(r->name, bom_name) != 0)
        r->bom = 0;
}

long
charset_utf8_as_is(const char *s, size_t n, const char *encoding)
{
    struct reading r;

    read_as(s, n, encoding, &r);
    if (strcmp(r.name, "UTF-8") != 0)
        return -1;
    return r.valid || utf8_check(s + r.bom, n - r.bom) == n - r.bom
               ? (long)r.bom
               : -1;
}

int
charset_to_utf8(const char *s, size_t n, const char *encoding, struct buf *out,
                const char **used, struct err *err)
{
    struct reading r;

    read_as(s, n, encoding, &r);
    s += r.bom, n -= r.bom;
    if (used)
        *used = r.name;
    if (strcmp(r.name, "UTF-8") == 0)
        return copy_utf8(s, n, r.bom, r.valid, out, err);
    if (convert(s, n, r.bom, r.name, out, err) < 0)
        return r.sniffed && err->code == ERR_PARSE
                   ? err_prefix(err, "not UTF-8, and as GB18030")
                   : -1;
    return 0;
}
