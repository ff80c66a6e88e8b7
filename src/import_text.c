/*
 * import_text: the page-text importer (SPEC 1.1).
 *
 * The page is walked line by line with a cursor, never split into an array,
 * so a file of a million blank lines costs no memory.  The shape it expects:
 *
 *     [front matter]
 *     breadcrumb            首页 > 新闻资讯 > 综合新闻   (has a '>' or '＞')
 *     title
 *     [byline] [date line]  right under the title; labelled lines
 *                           (来源：… 作者：… 发布时间：…) may follow blanks
 *     paragraphs, separated by blank lines; a short line standing alone
 *     with no closing punctuation is a section heading
 *     footer                from 相关文章, Copyright, ICP备 … on: dropped
 *
 * Blank means white space only, U+00A0 and U+3000 included.  Every
 * heuristic here looks at one line, or one paragraph, at a time and is
 * bounded by the length of that line, so no input makes it quadratic.
 */
#include "tidings/import_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/article.h"
#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/frontmatter.h"
#include "tidings/html.h"
#include "tidings/import.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define MAX_TITLE_CHARS   300
#define MAX_HEADING_CHARS 40
#define MAX_BYLINE_CHARS  30
#define MAX_BYLINE_WORDS  4
#define MAX_HEADER_BYTES  400 /* a byline or date line is short */
#define MAX_CRUMB_BYTES   600
#define MAX_CRUMB_PARTS   16
#define MAX_CRUMB_LEVELS  8
#define MAX_EXTRA_WORD    6 /* chars of a word after a date ("星期三") */
#define SUMMARY_MIN_CHARS 30
#define SUMMARY_CHARS     140
#define HEADER_LINES      4

struct cursor {
    const char *s;
    size_t n, pos;
    size_t lineno;
};

struct line {
    const char *s; /* trimmed */
    size_t n;
    size_t no;
};

struct span {
    const char *s;
    size_t n;
};

struct header {
    char *source, *author;
    int64_t published;
};

/* next: the next line, trimmed; returns 0 at the end of the text.  Lines
 * end at "\n", "\r\n" or a lone "\r". */
static int
next(struct cursor *c, struct line *l)
{
    const char *nl, *cr;
    size_t end;

    if (c->pos >= c->n)
        return 0;
    /* two memchr scans beat a byte loop over long paragraph lines */
    nl = memchr(c->s + c->pos, '\n', c->n - c->pos);
    end = nl ? (size_t)(nl - c->s) : c->n;
    if ((cr = memchr(c->s + c->pos, '\r', end - c->pos)) != NULL)
        end = (size_t)(cr - c->s);
    l->s = c->s + c->pos;
    l->n = end - c->pos;
    l->no = ++c->lineno;
    utf8_trim(&l->s, &l->n);
    if (end < c->n && c->s[end] == '\r' && end + 1 < c->n &&
        c->s[end + 1] == '\n')
        end++;
    c->pos = end < c->n ? end + 1 : end;
    return 1;
}

/* next_nonblank: skips blank lines; *blanks counts them. */
static int
next_nonblank(struct cursor *c, struct line *l, int *blanks)
{
    int b = 0;

    while (next(c, l)) {
        if (l->n > 0) {
            if (blanks)
                *blanks = b;
            return 1;
        }
        b++;
    }
    return 0;
}

/* starts_with: is_footer asks this of every body line for eleven
 * prefixes; the first byte rules most of them out without a call. */
static int
starts_with(const char *s, size_t n, const char *prefix)
{
    size_t len;

    if (n == 0 || s[0] != prefix[0])
        return 0;
    len = strlen(prefix);
    return n >= len && memcmp(s, prefix, len) == 0;
}

static int
is_one_of(const char *s, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* find: the first needle in s[0..n), or NULL.  memchr finds each
 * candidate for the first byte, so s is not compared at every offset. */
static const char *
find(const char *s, size_t n, const char *needle)
{
    size_t len = strlen(needle);
    const char *p = s, *end = s + n;

    while (len <= (size_t)(end - p) &&
           (p = memchr(p, needle[0], (size_t)(end - p) - len + 1)) != NULL) {
        if (memcmp(p, needle, len) == 0)
            return p;
        p++;
    }
    return NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- characters -------------------------------------------------------- */

static int
is_punct(uint32_t cp)
{
    static const uint32_t marks[] = {
        ',',    '.',    ';',    ':',    '!',    '?',    '(',
        ')',    '[',    ']',    '"',    '\'',   0x3002, 0xFF0C,
        0x3001, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF08, 0xFF09,
        0x300A, 0x300B, 0x201C, 0x201D, 0x3010, 0x3011, 0x2026,
    };
    size_t i;

    for (i = 0; i < COUNT(marks); i++)
        if (cp == marks[i])
            return 1;
    return 0;
}

static int
is_closing(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == '"' || cp == '\'' ||
           cp == 0xFF09 || cp == ')' || cp == 0x3011 || cp == 0x300B ||
           cp == 0x300D || cp == 0x300F;
}

/* is_cjk: characters of Chinese, Japanese and Korean text, their
 * punctuation and the full-width forms. */
static int
is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* is_wide_punct: CJK punctuation and full-width forms, which carry their
 * own spacing. */
static int
is_wide_punct(uint32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* prev_char: the offset where the last code point of s[0..n) starts. */
static size_t
prev_char(const char *s, size_t n)
{
    size_t i = n - 1;

    while (i > 0 && n - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* last_cp: the last code point of s, skipping closing quotes and brackets
 * when skip_closing is set; 0 for empty text. */
static uint32_t
last_cp(const char *s, size_t n, int skip_closing)
{
    uint32_t cp = 0;

    while (n > 0) {
        size_t i = prev_char(s, n);

        utf8_decode(s + i, n - i, &cp);
        if (!skip_closing || !is_closing(cp))
            return cp;
        n = i;
    }
    return cp;
}

/* join_text: appends s to text that may already hold some.  CJK text
 * runs on without spaces, so two CJK characters, or wide punctuation on
 * either side, join directly; everything else ("more than" + "90",
 * "协会" + "2015年") gets one space. */
static void
join_text(struct buf *b, const char *s, size_t n)
{
    uint32_t first, last;

    if (n == 0)
        return;
    utf8_decode(s, n, &first);
    last = last_cp(b->data, b->len, 0);
    if (b->len > 0 && !(is_cjk(last) && is_cjk(first)) &&
        !is_wide_punct(last) && !is_wide_punct(first))
        buf_putc(b, ' ');
    utf8_append_clean(b, s, n);
}

/* ---- breadcrumb -------------------------------------------------------- */

static const char *const crumb_seps[] = {
    "->",
    "\xE2\x86\x92" /* → */,
    ">",
    "\xEF\xBC\x9E" /* ＞ */,
    "\xE2\x80\xBA" /* › */,
    "\xC2\xBB" /* » */
};

static size_t
crumb_sep_at(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < COUNT(crumb_seps); i++)
        if (starts_with(s, n, crumb_seps[i]))
            return strlen(crumb_seps[i]);
    return 0;
}

static int
is_home(const char *s)
{
    static const char *const names[] = { "首页", "首頁", "主页", "网站首页",
                                         "Home", "home", "HOME" };

    return is_one_of(s, names, COUNT(names));
}

/* is_leaf: a last crumb that names the page, not a category ("文章"
 * can be a category of its own, so it is not one of them). */
static int
is_leaf(const char *s)
{
    static const char *const names[] = { "正文", "正文内容", "内容", "详情" };

    return is_one_of(s, names, COUNT(names));
}

/* split_crumbs: the parts of l between separators; returns their number
 * (1: no separator), or cap + 1 when there are more than cap. */
static size_t
split_crumbs(const struct line *l, struct span *parts, size_t cap)
{
    size_t i = 0, start = 0, len, n = 0;

    while (i < l->n) {
        if ((len = crumb_sep_at(l->s + i, l->n - i)) == 0) {
            i++;
            continue;
        }
        if (n == cap)
            return cap + 1;
        parts[n].s = l->s + start;
        parts[n++].n = i - start;
        i += len;
        start = i;
    }
    if (n == cap)
        return cap + 1;
    parts[n].s = l->s + start;
    parts[n++].n = l->n - start;
    return n;
}

/* strip_label: "当前位置：首页" -> "首页"; the label before a colon in
 * the first crumb says where the reader is, it is no category. */
static void
strip_label(struct span *p)
{
    size_t i;

    for (i = 0; i < p->n && i < 40; i++) {
        if (p->s[i] == ':' || starts_with(p->s + i, p->n - i, "：")) {
            i += p->s[i] == ':' ? 1 : 3;
            p->s += i;
            p->n -= i;
            return;
        }
    }
}

/* add_crumb: appends one part to the path, '/' inside a part becoming
 * '／' so that it cannot add a level. */
static void
add_crumb(struct buf *path, const char *part)
{
    if (path->len)
        buf_putc(path, '/');
    for (; *part; part++) {
        if (*part == '/')
            buf_puts(path, "\xEF\xBC\x8F");
        else
            buf_putc(path, *part);
    }
}

/* breadcrumb: 1 with *path set (NULL when only home was named) when l is
 * a breadcrumb, 0 when it is not one, -1 with err when it is too deep. */
static int
breadcrumb(const struct line *l, char **path, struct err *err)
{
    struct span parts[MAX_CRUMB_PARTS];
    struct buf b = BUF_INIT;
    size_t n, i, levels = 0;

    *path = NULL;
    if (l->n > MAX_CRUMB_BYTES ||
        (n = split_crumbs(l, parts, MAX_CRUMB_PARTS)) < 2)
        return 0;
    if (n > MAX_CRUMB_PARTS)
        return err_set(err, ERR_PARSE,
                       "line %zu: breadcrumb has more than %d parts", l->no,
                       MAX_CRUMB_PARTS);
    strip_label(&parts[0]);
    for (i = 0; i < n; i++) {
        char *name = utf8_clean(parts[i].s, parts[i].n);

        if (*name && !(i == 0 && is_home(name)) &&
            !(i == n - 1 && is_leaf(name))) {
            add_crumb(&b, name);
            levels++;
        }
        free(name);
    }
    if (levels > MAX_CRUMB_LEVELS) {
        buf_release(&b);
        return err_set(err, ERR_PARSE,
                       "line %zu: breadcrumb has %zu levels, more than %d",
                       l->no, levels, MAX_CRUMB_LEVELS);
    }
    *path = b.len ? buf_detach(&b, NULL) : NULL;
    return 1;
}

/* ---- dates ------------------------------------------------------------- */

/* drop_last_word: the length of s (trimmed) without its last word, or 0
 * when that word is long or the only one. */
static size_t
drop_last_word(const char *s, size_t n)
{
    size_t end = n, i;
    uint32_t cp;

    while (end > 0) {
        i = prev_char(s, end);
        utf8_decode(s + i, end - i, &cp);
        if (utf8_is_space(cp))
            break;
        end = i;
    }
    if (end == 0 || utf8_length(s + end, n - end) > MAX_EXTRA_WORD)
        return 0;
    utf8_trim(&s, &end);
    return end;
}

/* date_words: a date that fills s but for at most `extra` short words
 * after it, as pages write them ("2013年6月5日 星期三"). */
static int
date_words(const char *s, size_t n, int tz, int extra, int64_t *out)
{
    int i;

    utf8_trim(&s, &n);
    for (i = 0; n > 0; i++) {
        if (date_parse_text(s, n, tz, out) == 0)
            return 0;
        if (i == extra)
            break;
        n = drop_last_word(s, n);
    }
    return -1;
}

/* ---- byline ------------------------------------------------------------ */

/* is_org: a word that names an organisation rather than a person: long,
 * or ending the way organisations' names end. */
static int
is_org(const char *s, size_t n)
{
    static const char *const ends[] = {
        "海关", "协会", "公司", "集团", "中心", "口岸", "政府", "局",
        "处",   "部",   "委",   "办",   "站",   "所",   "报",   "社",
        "网",   "台",   "院",   "厅",   "署",   "会",   "室",   "科",
    };
    size_t i, len;

    if (utf8_length(s, n) > 4)
        return 1;
    for (i = 0; i < COUNT(ends); i++) {
        len = strlen(ends[i]);
        if (n >= len && memcmp(s + n - len, ends[i], len) == 0)
            return 1;
    }
    return 0;
}

/* is_role: words that say what someone is, not where they are from. */
static int
is_role(const char *s)
{
    static const char *const roles[] = { "记者",     "本报记者", "本网记者",
                                         "通讯员",   "文",       "作者",
                                         "撰稿",     "文/图",    "图/文",
                                         "特约记者", "编辑" };

    return is_one_of(s, roles, COUNT(roles));
}

/* byline_words: splits a byline into at most MAX_BYLINE_WORDS words;
 * returns their number, or 0 when s does not look like a byline (long,
 * digits, punctuation that ends a sentence). */
static size_t
byline_words(const char *s, size_t n, struct span *w)
{
    size_t i = 0, len, count = 0;
    uint32_t cp;

    if (n == 0 || utf8_length(s, n) > MAX_BYLINE_CHARS)
        return 0;
    while (i < n) {
        len = utf8_decode(s + i, n - i, &cp);
        if ((is_punct(cp) && cp != 0x3001 /* 、 */) || (cp >= '0' && cp <= '9'))
            return 0;
        if (utf8_is_space(cp)) {
            i += len;
            continue;
        }
        if (i == 0 || utf8_is_space(last_cp(s, i, 0))) {
            if (count == MAX_BYLINE_WORDS)
                return 0;
            w[count].s = s + i;
            w[count++].n = 0;
        }
        i += len;
        w[count - 1].n = (size_t)(s + i - w[count - 1].s);
    }
    return count;
}

static int
is_ascii(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* byline: "满洲里海关 鲁焕新": one to four short words.  One word alone
 * is the author (SPEC 1.1).  With more, the leading words up to the last
 * that names an organisation are the source and the rest the author(s).
 * "By NAME" and Latin-script lines name one author. */
static int
byline(const char *s, size_t n, struct header *h)
{
    struct span w[MAX_BYLINE_WORDS];
    size_t count = byline_words(s, n, w), k = 0, i, end;
    char *source;

    if (count == 0)
        return 0;
    free(h->author);
    if (count > 1 && (starts_with(s, n, "By ") || starts_with(s, n, "by "))) {
        h->author = utf8_clean(w[1].s, (size_t)(s + n - w[1].s));
        return 1;
    }
    if (count == 1 || is_ascii(s, n)) {
        h->author = utf8_clean(s, n);
        return 1;
    }
    for (i = 1; i + 1 < count; i++)
        if (is_org(w[i].s, w[i].n))
            k = i;
    end = (size_t)(w[k].s + w[k].n - s);
    h->author = utf8_clean(w[k + 1].s, (size_t)(s + n - w[k + 1].s));
    source = utf8_clean(s, end);
    if (is_role(source)) {
        free(source);
    } else {
        free(h->source);
        h->source = source;
    }
    return 1;
}

/* ---- labelled header lines --------------------------------------------- */

enum field { F_SOURCE, F_AUTHOR, F_DATE, F_IGNORE };

/* A label, its length in bytes (next_label asks for labels of a given
 * length), and the field it names. */
#define LABEL(s, f)                                                            \
    {                                                                          \
        s, sizeof(s) - 1, f                                                    \
    }

static const struct {
    const char *label;
    size_t len;
    enum field field;
} labels[] = {
    LABEL("发布时间", F_DATE),  LABEL("发布日期", F_DATE),
    LABEL("发表时间", F_DATE),  LABEL("更新时间", F_IGNORE),
    LABEL("日期", F_DATE),      LABEL("时间", F_DATE),
    LABEL("来源", F_SOURCE),    LABEL("稿源", F_SOURCE),
    LABEL("作者", F_AUTHOR),    LABEL("记者", F_AUTHOR),
    LABEL("文", F_AUTHOR),      LABEL("责任编辑", F_IGNORE),
    LABEL("编辑", F_IGNORE),    LABEL("点击数", F_IGNORE),
    LABEL("点击", F_IGNORE),    LABEL("浏览次数", F_IGNORE),
    LABEL("浏览", F_IGNORE),    LABEL("阅读", F_IGNORE),
    LABEL("字号", F_IGNORE),    LABEL("字体", F_IGNORE),
    LABEL("Source", F_SOURCE),  LABEL("Author", F_AUTHOR),
    LABEL("By", F_AUTHOR),      LABEL("Date", F_DATE),
    LABEL("Published", F_DATE),
};

/* colon_after: length of optional spaces plus ':' or '：' at s, or 0. */
static size_t
colon_after(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] == ':')
        return i + 1;
    if (starts_with(s + i, n - i, "："))
        return i + 3;
    return 0;
}

/* at_boundary: a label starts the line or follows white space or one of
 * the separators pages put between fields; never the middle of a word, so
 * "该书作者：" inside a sentence is no label. */
static int
at_boundary(const char *s, size_t i)
{
    static const uint32_t seps[] = { '|',    '/',    '[',    ']',    '(',
                                     ')',    0x3010, 0x3011, 0xFF08, 0xFF09,
                                     0xFF3B, 0xFF3D, 0xFF5C, 0x4E28 };
    uint32_t cp;
    size_t k;

    if (i == 0)
        return 1;
    cp = last_cp(s, i, 0);
    if (utf8_is_space(cp))
        return 1;
    for (k = 0; k < COUNT(seps); k++)
        if (cp == seps[k])
            return 1;
    return 0;
}

/* label_at: a known label followed by a colon at s[i], at a boundary;
 * returns the bytes it takes, label and colon, or 0.  The boundary,
 * which decodes the character before, is looked at only once a label
 * matches: labelled() asks at every byte of a line. */
static size_t
label_at(const char *s, size_t n, size_t i, enum field *f)
{
    size_t k, len, colon;

    if (((unsigned char)s[i] & 0xC0) == 0x80) /* inside a character */
        return 0;
    for (k = 0; k < COUNT(labels); k++) {
        if (!starts_with(s + i, n - i, labels[k].label))
            continue;
        len = labels[k].len;
        if ((colon = colon_after(s + i + len, n - i - len)) == 0)
            continue;
        if (!at_boundary(s, i))
            return 0;
        *f = labels[k].field;
        return len + colon;
    }
    return 0;
}

/* trim_unmatched: drops a parenthesis (full-width or not) or a
 * full-width square bracket at either end that has no partner inside:
 * "（发布时间：2013-06-05）" is padding, "人民网（北京）" is not.
 * Returns whether it dropped one. */
static int
trim_unmatched(const char **s, size_t *n)
{
    static const char *const pairs[][2] = { { "（", "）" },
                                            { "［", "］" },
                                            { "(", ")" } };
    size_t k, len;

    for (k = 0; k < COUNT(pairs); k++) {
        len = strlen(pairs[k][0]);
        if (starts_with(*s, *n, pairs[k][0]) &&
            find(*s, *n, pairs[k][1]) == NULL) {
            *s += len, *n -= len;
            return 1;
        }
        len = strlen(pairs[k][1]);
        if (*n >= len && memcmp(*s + *n - len, pairs[k][1], len) == 0 &&
            find(*s, *n, pairs[k][0]) == NULL) {
            *n -= len;
            return 1;
        }
    }
    return 0;
}

/* trim_decoration: drops white space and the brackets and bars that pages
 * put around labelled fields ("【字体：大 中 小】", "| 作者：…",
 * "（发布时间：…）"). */
static void
trim_decoration(const char **s, size_t *n)
{
    static const char *const marks[] = { "|", "[", "]", "【", "】", "｜" };
    size_t k, len;
    int again = 1;

    while (again) {
        utf8_trim(s, n);
        again = trim_unmatched(s, n);
        for (k = 0; k < COUNT(marks); k++) {
            len = strlen(marks[k]);
            if (starts_with(*s, *n, marks[k])) {
                *s += len, *n -= len, again = 1;
            } else if (*n >= len && memcmp(*s + *n - len, marks[k], len) == 0) {
                *n -= len, again = 1;
            }
        }
    }
}

static void
set_field(struct header *h, enum field f, const char *v, size_t n, int tz)
{
    char **dst = f == F_SOURCE ? &h->source : &h->author;

    trim_decoration(&v, &n);
    if (n == 0 || f == F_IGNORE)
        return;
    if (f == F_DATE) {
        date_words(v, n, tz, 3, &h->published);
        return;
    }
    free(*dst);
    *dst = utf8_clean(v, n);
}

/* lead_in: what stands before the first label: nothing (decoration), a
 * date, or an unlabelled byline.  Returns 0 when it is none of them. */
static int
lead_in(const char *s, size_t n, struct header *h, int tz)
{
    int64_t t;

    trim_decoration(&s, &n);
    if (n == 0)
        return 1;
    if (date_words(s, n, tz, 1, &t) == 0) {
        h->published = t;
        return 1;
    }
    return byline(s, n, h);
}

/* The next ':' and the next '：' from some position of a line, each
 * searched for again only once passed: the line is read once. */
struct colons {
    size_t ascii, wide;
};

/* colon_from: the first ':' or '：' at or after i, or n.  c holds the
 * ones found from an earlier position; from 0 both are looked for. */
static size_t
colon_from(const char *s, size_t n, size_t i, struct colons *c)
{
    const char *p;

    if (i == 0 || c->ascii < i)
        c->ascii = (p = memchr(s + i, ':', n - i)) ? (size_t)(p - s) : n;
    if (i == 0 || c->wide < i)
        c->wide = (p = find(s + i, n - i, "：")) ? (size_t)(p - s) : n;
    return c->ascii < c->wide ? c->ascii : c->wide;
}

/* label_lengths: the lengths labels have, as bits (all are below 64). */
static uint64_t
label_lengths(void)
{
    uint64_t bits = 0;
    size_t k;

    for (k = 0; k < COUNT(labels); k++)
        bits |= (uint64_t)1 << labels[k].len;
    return bits;
}

/* next_label: the first label at or after i (its field in *f, the bytes
 * it takes with its colon in *len), or l->n.  A label is followed by
 * spaces and a colon and nothing else, so it ends where the spaces
 * before the next colon begin: label_at is asked only at the few bytes
 * that are a label's length before that end, not at every byte of the
 * line (most lines are long sentences tried as header lines, or bylines
 * with a few labels). */
static size_t
next_label(const struct line *l, size_t i, enum field *f, size_t *len,
           struct colons *c)
{
    size_t colon = 0, end = 0;
    uint64_t lengths = 0;

    for (; i < l->n; i++) {
        if (i == 0 || colon < i) {
            if ((colon = colon_from(l->s, l->n, i, c)) == l->n)
                return l->n;
            for (end = colon; end > i && l->s[end - 1] == ' '; end--)
                ;
            lengths = lengths ? lengths : label_lengths();
            if (end - i >= 64)
                i = end - 63;
        }
        if (i < end && (lengths >> (end - i) & 1) &&
            (*len = label_at(l->s, l->n, i, f)) != 0)
            return i;
    }
    return l->n;
}

/* labelled: reads "来源：X 作者：Y 发布时间：Z".  Returns 1 when the line
 * is a labelled header line, 0 when it has no label, and -1 when it has
 * one but is something else (a sentence that happens to hold "时间："). */
static int
labelled(const struct line *l, struct header *h, int tz)
{
    struct colons c = { 0, 0 };
    size_t i, len = 0, vstart;
    enum field f, cur;

    if ((i = next_label(l, 0, &f, &len, &c)) == l->n)
        return 0;
    if (!lead_in(l->s, i, h, tz))
        return -1;
    cur = f;
    vstart = i += len;
    while ((i = next_label(l, i, &f, &len, &c)) < l->n) {
        set_field(h, cur, l->s + vstart, i - vstart, tz);
        cur = f;
        vstart = i += len;
    }
    set_field(h, cur, l->s + vstart, l->n - vstart, tz);
    return 1;
}

/* header_line: takes the line as part of the header if it is one; adjacent
 * is true when no blank line separates it from the title. */
static int
header_line(const struct line *l, int adjacent, struct header *h, int tz)
{
    int64_t t;
    int rc;

    if (l->n > MAX_HEADER_BYTES)
        return 0;
    if ((rc = labelled(l, h, tz)) != 0)
        return rc > 0;
    if (date_words(l->s, l->n, tz, 1, &t) == 0) {
        h->published = t;
        return 1;
    }
    return adjacent && h->author == NULL && h->source == NULL &&
           byline(l->s, l->n, h);
}

/* ---- body -------------------------------------------------------------- */

/* has_icp_number: "京ICP备2022011338号": an ICP licence number, not a
 * sentence about ICP filing ("完成ICP备案"). */
static int
has_icp_number(const char *s, size_t n)
{
    const char *p = s, *end = s + n, *q;

    while ((p = find(p, (size_t)(end - p), "ICP")) != NULL) {
        p += 3;
        if (end - p < 3 || (memcmp(p, "备", 3) != 0 && memcmp(p, "证", 3) != 0))
            continue;
        for (q = p + 3; q < end && (*q == ' ' || *q == ':'); q++)
            ;
        if (q < end && *q >= '0' && *q <= '9')
            return 1;
    }
    return 0;
}

static int
is_footer(const struct line *l)
{
    static const char *const starts[] = {
        "相关文章",         "相关新闻",     "相关链接",
        "相关阅读",         "相关信息",     "Copyright",
        "copyright",        "COPYRIGHT",    "©",
        "版权所有",         "【打印",       "【关闭",
        "打印本页",         "关闭窗口",     "分享到",
        "上一篇",           "下一篇",       "责任编辑",
        "（责任编辑",       "(责任编辑",    "【责任编辑",
        "Related articles", "Related news", "Related links",
        "Related stories",  "相关附件",     "附件下载",
    };
    size_t i;

    for (i = 0; i < COUNT(starts); i++)
        if (starts_with(l->s, l->n, starts[i]))
            return 1;
    return has_icp_number(l->s, l->n);
}

static int
is_heading(const char *s, size_t n)
{
    size_t chars;
    uint32_t first, last;

    /* s is cleaned, valid UTF-8, where no character takes more than 4
     * bytes: a long paragraph need not be counted through */
    if (n > 4 * MAX_HEADING_CHARS)
        return 0;
    chars = utf8_length(s, n);
    if (chars < 2 || chars > MAX_HEADING_CHARS)
        return 0;
    utf8_decode(s, n, &first);
    last = last_cp(s, n, 0);
    /* "（完）", "(记者 张三)": wholly bracketed asides are not headings */
    if ((first == 0xFF08 || first == '(' || first == 0x3010 || first == '[') &&
        is_closing(last))
        return 0;
    last = last_cp(s, n, 1);
    return !(is_punct(last) && last != ')' && last != 0xFF09 &&
             last != 0x300B && last != 0x3011) &&
           !(last >= '0' && last <= '9' && chars < 4);
}

struct body {
    struct buf html;
    struct buf para;    /* text of the paragraph being read */
    struct buf heading; /* a heading, written once something follows it */
    struct buf summary;
    size_t para_lines;
};

/* put_element: text was built by join_text (utf8_append_clean), so it is
 * escaped without being filtered a second time.  The body is not run
 * through the sanitizer (sanitize.h), which would parse it with libxml2
 * again for nothing: it is made only of <p> and <h2> elements holding
 * collapsed, escaped text, which is the sanitizer's own output form, so
 * it is a fixpoint of the sanitizer (test_sanitize checks this on every
 * text fixture and sample). */
static void
put_element(struct body *b, const char *tag, const struct buf *text)
{
    if (b->html.len)
        buf_putc(&b->html, '\n');
    html_append_clean_element(&b->html, tag, text->data, text->len);
}

/* put_paragraph: the summary is the text of the first paragraphs, enough
 * of them to say something (a salutation alone does not). */
static void
put_paragraph(struct body *b, const struct buf *text)
{
    /* no character takes more than 4 bytes: a long summary is not
     * counted through at every paragraph */
    if (b->summary.len < 4 * SUMMARY_MIN_CHARS &&
        utf8_length(b->summary.data, b->summary.len) < SUMMARY_MIN_CHARS)
        join_text(&b->summary, text->data,
                  utf8_prefix(text->data, text->len, SUMMARY_CHARS + 1));
    put_element(b, "p", text);
}

/* flush_heading: a pending heading becomes <h2> when more text follows
 * it, and <p> when nothing does (a closing line is no heading). */
static void
flush_heading(struct body *b, int more)
{
    if (b->heading.len == 0)
        return;
    if (more)
        put_element(b, "h2", &b->heading);
    else
        put_paragraph(b, &b->heading);
    buf_reset(&b->heading);
}

static void
flush_paragraph(struct body *b)
{
    if (b->para.len == 0)
        return;
    flush_heading(b, 1);
    if (b->para_lines == 1 && is_heading(b->para.data, b->para.len))
        buf_append(&b->heading, b->para.data, b->para.len);
    else
        put_paragraph(b, &b->para);
    buf_reset(&b->para);
    b->para_lines = 0;
}

/* summarize: the summary text cut to SUMMARY_CHARS, with "…" when cut. */
static char *
summarize(struct body *b)
{
    size_t cut = utf8_prefix(b->summary.data, b->summary.len, SUMMARY_CHARS);

    if (b->summary.len == 0)
        return NULL;
    if (cut < b->summary.len) {
        buf_truncate(&b->summary, cut);
        buf_puts(&b->summary, "…");
    }
    return buf_detach(&b->summary, NULL);
}

/* read_body: from the cursor to the footer or the end. */
static void
read_body(struct cursor *c, struct line *first, struct body *b)
{
    struct line l = *first;
    int have = first->n > 0;

    do {
        if (have && is_footer(&l))
            break;
        if (!have || l.n == 0) {
            flush_paragraph(b);
        } else {
            join_text(&b->para, l.s, l.n);
            b->para_lines++;
        }
        have = 1;
    } while (next(c, &l));
    flush_paragraph(b);
    flush_heading(b, 0);
}

/* ---- the page ---------------------------------------------------------- */

static void
take(char **dst, char **fm_value, char *page_value)
{
    if (*fm_value != NULL) {
        *dst = *fm_value;
        *fm_value = NULL;
        free(page_value);
    } else {
        *dst = page_value;
    }
}

/* read_header: byline and date lines under the title.  An unlabelled
 * byline must touch the line above it; labelled and date lines may follow
 * blank lines.  Leaves *l at the first line of the body (n == 0 if none). */
static void
read_header(struct cursor *c, struct line *l, struct header *h, int tz)
{
    int i, blanks = 0;

    for (i = 0; i < HEADER_LINES; i++) {
        if (!next_nonblank(c, l, &blanks)) {
            l->n = 0;
            return;
        }
        if (!header_line(l, blanks == 0, h, tz))
            return;
    }
    if (!next_nonblank(c, l, NULL))
        l->n = 0;
}

/* read_title: the breadcrumb (if any) and the title line. */
static int
read_title(struct cursor *c, struct article *a, int after_fm, struct err *err)
{
    struct line l;
    size_t crumb_line;
    int rc;

    if (!next_nonblank(c, &l, NULL))
        return err_set(err, ERR_PARSE,
                       after_fm ? "no text after the front matter"
                                : "no text, only white space");
    if ((rc = breadcrumb(&l, &a->category, err)) < 0)
        return -1;
    crumb_line = l.no;
    if (rc > 0 && !next_nonblank(c, &l, NULL))
        return err_set(err, ERR_PARSE,
                       "line %zu: no title after the breadcrumb", crumb_line);
    if (utf8_length(l.s, l.n) > MAX_TITLE_CHARS)
        return err_set(err, ERR_PARSE,
                       "line %zu: %zu characters is too long for a title", l.no,
                       utf8_length(l.s, l.n));
    a->title = utf8_clean(l.s, l.n);
    return 0;
}

/* read_page: breadcrumb, title, header and body of the text after the
 * front matter. */
static int
read_page(struct cursor *c, struct article *a, struct header *h, struct body *b,
          int tz, struct err *err)
{
    struct line l;
    size_t title_line;

    if (read_title(c, a, c->lineno > 0, err) < 0)
        return -1;
    title_line = c->lineno;
    read_header(c, &l, h, tz);
    read_body(c, &l, b);
    if (b->html.len == 0)
        return err_set(err, ERR_PARSE, "line %zu: no body text after the title",
                       title_line);
    return 0;
}

/* merge: front matter wins over what the page says. */
static void
merge(struct article *a, struct frontmatter *fm, struct header *h,
      struct body *b)
{
    char *page_title = a->title, *page_category = a->category;

    a->title = a->category = NULL;
    take(&a->title, &fm->title, page_title);
    take(&a->category, &fm->category, page_category);
    take(&a->source, &fm->source, h->source);
    take(&a->author, &fm->author, h->author);
    take(&a->summary, &fm->summary, summarize(b));
    h->source = h->author = NULL;
    a->url = fm->url;
    fm->url = NULL;
    a->published = fm->published ? fm->published : h->published;
    a->updated = fm->updated;
    a->body = buf_detach(&b->html, NULL);
}

static void
warn_unknown(const struct frontmatter *fm, const struct import_sink *sink)
{
    char msg[96];

    if (fm->unknown == NULL || sink->warn == NULL)
        return;
    snprintf(msg, sizeof(msg), "front matter key '%s' is not known",
             fm->unknown);
    sink->warn(sink->arg, msg);
}

int
import_text_parse(const char *s, size_t n, const struct import_opts *opts,
                  const struct import_sink *sink, struct err *err)
{
    struct cursor c = { s, n, 0, 0 };
    struct frontmatter fm;
    struct header h = { NULL, NULL, 0 };
    struct body b = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, 0 };
    struct import_item item;
    struct article a;
    int rc = -1;

    frontmatter_init(&fm);
    article_init(&a);
    if (frontmatter_parse(s, n, opts->tz_offset, &fm, &c.pos, err) < 0)
        goto out;
    c.lineno = fm.lines;
    warn_unknown(&fm, sink);
    if (read_page(&c, &a, &h, &b, opts->tz_offset, err) < 0)
        goto out;
    merge(&a, &fm, &h, &b);
    item.article = &a;
    item.id = fm.id;
    item.guid = NULL;
    item.line = 1;
    rc = sink->emit(sink->arg, &item, err);
out:
    article_release(&a);
    frontmatter_release(&fm);
    free(h.source);
    free(h.author);
    buf_release(&b.html);
    buf_release(&b.para);
    buf_release(&b.heading);
    buf_release(&b.summary);
    return rc;
}

int
import_text_labels(const char *s, size_t n, int tz_offset, char **source,
                   char **author, int64_t *published)
{
    struct header h = { NULL, NULL, 0 };
    struct line l = { s, n, 0 };

    utf8_trim(&l.s, &l.n);
    if (l.n > MAX_HEADER_BYTES || labelled(&l, &h, tz_offset) <= 0) {
        free(h.source);
        free(h.author);
        return 0;
    }
    *source = h.source;
    *author = h.author;
    if (h.published != 0)
        *published = h.published;
    return 1;
}

char *
import_text_breadcrumb(const char *s, size_t n)
{
    struct line l = { s, n, 0 };
    struct err err = ERR_INIT;
    char *path = NULL;

    utf8_trim(&l.s, &l.n);
    if (breadcrumb(&l, &path, &err) <= 0)
        return NULL;
    return path ? path : xstrdup("");
}
