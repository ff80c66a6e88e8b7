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

#include <ctype.h>
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
#define MAX_BYLINE_WORDS  6 /* "满洲里海关 记者 张三 李四 王五" */
#define MAX_LATIN_WORDS   4 /* an English line of more is a sentence */
#define MAX_NAME_CHARS    4 /* a name in a list of names ("李强，赵敏") */
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

/* What the lines under the title say.  loose[] holds the lines that are
 * neither byline nor date but stand above the date line: they are the
 * body's first paragraphs, each on its own. */
struct header {
    char *source, *author;
    int64_t published;
    size_t date_line; /* the line of a date label, good or bad; 0: none */
    size_t bad_line;  /* the first labelled date that is no date */
    char *bad_date;   /* and its value */
    struct line loose[HEADER_LINES];
    size_t nloose;
};

#define HEADER_INIT                                                            \
    {                                                                          \
        NULL, NULL, 0, 0, 0, NULL, { { NULL, 0, 0 } }, 0                       \
    }

static void
header_release(struct header *h)
{
    free(h->source);
    free(h->author);
    free(h->bad_date);
    h->source = h->author = h->bad_date = NULL;
}

/* header_take: moves what `from` found into h, replacing what h had;
 * the first bad date is kept. */
static void
header_take(struct header *h, struct header *from)
{
    if (from->source != NULL) {
        free(h->source);
        h->source = from->source;
        from->source = NULL;
    }
    if (from->author != NULL) {
        free(h->author);
        h->author = from->author;
        from->author = NULL;
    }
    if (from->published != 0)
        h->published = from->published;
    if (from->date_line != 0)
        h->date_line = from->date_line;
    if (from->bad_date != NULL && h->bad_date == NULL) {
        h->bad_date = from->bad_date;
        h->bad_line = from->bad_line;
        from->bad_date = NULL;
    }
}

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

/* starts_with: is_footer asks this of every body line for each of its
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

/* is_time_word: "10:20", "１０：２０", "14时30分": a time of day, which
 * is part of the date, never a word after it to pass over ("2013-06-05
 * 25:61" is no date at midnight). */
static int
is_time_word(const char *s, size_t n)
{
    uint32_t cp;

    utf8_decode(s, n, &cp);
    if (!((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19)))
        return 0;
    return memchr(s, ':', n) != NULL || find(s, n, "：") != NULL ||
           find(s, n, "时") != NULL;
}

/* drop_last_word: the length of s (trimmed) without its last word, or 0
 * when that word is long, a time, or the only one. */
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
    if (end == 0 || utf8_length(s + end, n - end) > MAX_EXTRA_WORD ||
        is_time_word(s + end, n - end))
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
is_role(const char *s, size_t n)
{
    static const char *const roles[] = { "记者",     "本报记者", "本网记者",
                                         "通讯员",   "文",       "作者",
                                         "撰稿",     "文/图",    "图/文",
                                         "特约记者", "编辑" };
    size_t i;

    for (i = 0; i < COUNT(roles); i++)
        if (strlen(roles[i]) == n && memcmp(roles[i], s, n) == 0)
            return 1;
    return 0;
}

/* is_comma: the commas that part the names of a byline ("满洲里海关，鲁焕新",
 * "李强、赵敏"), as white space does. */
static int
is_comma(uint32_t cp)
{
    return cp == ',' || cp == 0xFF0C || cp == 0x3001;
}

/* byline_words: splits a byline into at most MAX_BYLINE_WORDS words at
 * white space and commas; returns their number (*commas: whether commas
 * parted any), or 0 when s does not look like a byline (long, digits,
 * punctuation that ends a sentence). */
static size_t
byline_words(const char *s, size_t n, struct span *w, int *commas)
{
    size_t i = 0, len, count = 0;
    uint32_t cp;
    int sep = 1;

    *commas = 0;
    if (n == 0 || utf8_length(s, n) > MAX_BYLINE_CHARS)
        return 0;
    for (; i < n; i += len) {
        len = utf8_decode(s + i, n - i, &cp);
        if (utf8_is_space(cp) || is_comma(cp)) {
            *commas |= is_comma(cp) && count > 0;
            sep = 1;
            continue;
        }
        if (is_punct(cp) || (cp >= '0' && cp <= '9'))
            return 0;
        if (sep) {
            if (count == MAX_BYLINE_WORDS)
                return 0;
            w[count].s = s + i;
            w[count++].n = 0;
            sep = 0;
        }
        w[count - 1].n = (size_t)(s + i + len - w[count - 1].s);
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

/* byline_split: the index of the first word of the author(s), after the
 * source's words and a role ("记者"); 0 when there is no source.  The
 * source ends at the last word before the author that names an
 * organisation; without commas the first word is the source all the same
 * ("二连海关 李强 赵敏", "口岸协会 何静").  Where commas part the words, the
 * author's words must be names, so that a short clause under the title
 * ("近日，海关总署召开会议") is no byline: returns -1 then. */
static int
byline_split(const struct span *w, size_t count, int commas)
{
    size_t i, first;

    for (i = count - 1; i > 0; i--)
        if (is_org(w[i - 1].s, w[i - 1].n))
            break;
    if (i == 0 && !commas)
        i = 1;
    for (first = i; commas && first < count; first++)
        if (is_org(w[first].s, w[first].n) ||
            utf8_length(w[first].s, w[first].n) > MAX_NAME_CHARS)
            return -1;
    if (i > 0 && i + 1 < count && is_role(w[i].s, w[i].n))
        i++;
    return (int)i;
}

/* byline: "满洲里海关 鲁焕新": one to six short words.  One word alone
 * is the author (SPEC 1.1).  With more, the source's words and then the
 * author(s), as byline_split parts them.  "By NAME" and Latin-script
 * lines name one author. */
static int
byline(const char *s, size_t n, struct header *h)
{
    struct span w[MAX_BYLINE_WORDS];
    int commas, k, by = starts_with(s, n, "By ") || starts_with(s, n, "by ");
    size_t count = byline_words(s, n, w, &commas), end;
    const char *last;

    if (count == 0 || (is_ascii(s, n) && count > MAX_LATIN_WORDS))
        return 0;
    if (by && count > 1)
        k = 1;
    else if (count == 1 || is_ascii(s, n))
        k = 0;
    else if ((k = byline_split(w, count, commas)) < 0)
        return 0;
    last = w[count - 1].s + w[count - 1].n;
    free(h->author);
    h->author = utf8_clean(w[k].s, (size_t)(last - w[k].s));
    if (k == 0 || (by && count > 1) || (k == 1 && is_role(w[0].s, w[0].n)))
        return 1;
    end = (size_t)(w[k - 1].s + w[k - 1].n - s);
    if (is_role(w[k - 1].s, w[k - 1].n))
        end = (size_t)(w[k - 2].s + w[k - 2].n - s);
    free(h->source);
    h->source = utf8_clean(s, end);
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
 * the separators pages put between fields (bars, brackets, commas:
 * "来源：满洲里海关，作者：鲁焕新"); never the middle of a word, so
 * "该书作者：" inside a sentence is no label. */
static int
at_boundary(const char *s, size_t i)
{
    static const uint32_t seps[] = { '|',    '/',    '[',    ']',    '(',
                                     ')',    ',',    ';',    0x3010, 0x3011,
                                     0xFF08, 0xFF09, 0xFF3B, 0xFF3D, 0xFF5C,
                                     0x4E28, 0xFF0C, 0xFF1B, 0x3001 };
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

/* trim_decoration: drops white space and the brackets, bars and commas
 * that pages put around and between labelled fields ("【字体：大 中 小】",
 * "| 作者：…", "来源：海关，作者：…", "（发布时间：…）"). */
static void
trim_decoration(const char **s, size_t *n)
{
    static const char *const marks[] = { "|", "[",  "]", "【", "】", "｜",
                                         ",", "，", ";", "；", "、" };
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

/* set_field: the value of a label on line `no`.  A date label whose value
 * is no date is noted, to be reported if the page ends up with no date. */
static void
set_field(struct header *h, size_t no, enum field f, const char *v, size_t n,
          int tz)
{
    char **dst = f == F_SOURCE ? &h->source : &h->author;

    trim_decoration(&v, &n);
    if (n == 0 || f == F_IGNORE)
        return;
    if (f != F_DATE) {
        free(*dst);
        *dst = utf8_clean(v, n);
        return;
    }
    h->date_line = no;
    if (date_words(v, n, tz, 3, &h->published) < 0 && h->bad_date == NULL) {
        h->bad_line = no;
        h->bad_date = utf8_clean(v, utf8_prefix(v, n, 60));
    }
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

/* ends_sentence: a line that ends as sentences do is body text, whatever
 * labels it holds ("据悉，作者：张三表示，写作历时五年。"). */
static int
ends_sentence(const struct line *l)
{
    uint32_t cp = last_cp(l->s, l->n, 1);

    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
}

/* read_labels: the labelled fields from the first label, at i, on. */
static void
read_labels(const struct line *l, size_t i, enum field f, size_t len,
            struct colons *c, struct header *h, int tz)
{
    size_t vstart;
    enum field cur;

    cur = f;
    vstart = i += len;
    while ((i = next_label(l, i, &f, &len, c)) < l->n) {
        set_field(h, l->no, cur, l->s + vstart, i - vstart, tz);
        cur = f;
        vstart = i += len;
    }
    set_field(h, l->no, cur, l->s + vstart, l->n - vstart, tz);
}

/* labelled: reads "来源：X 作者：Y 发布时间：Z".  Returns 1 when the line
 * is a labelled header line, 0 when it has no label, and -1 when it has
 * one but is something else (a sentence that happens to hold "时间：").
 * A lone word before an author label is the source, not a second author:
 * "满洲里海关，作者：鲁焕新". */
static int
labelled(const struct line *l, struct header *h, int tz)
{
    struct colons c = { 0, 0 };
    struct header lead = HEADER_INIT, lab = HEADER_INIT;
    size_t i, len = 0;
    enum field f;
    int rc = -1;

    if ((i = next_label(l, 0, &f, &len, &c)) == l->n)
        return 0;
    if (!ends_sentence(l) && lead_in(l->s, i, &lead, tz)) {
        read_labels(l, i, f, len, &c, &lab, tz);
        if (lead.source == NULL && lab.source == NULL && lab.author != NULL) {
            lead.source = lead.author;
            lead.author = NULL;
        }
        header_take(h, &lead);
        header_take(h, &lab);
        rc = 1;
    }
    header_release(&lead);
    header_release(&lab);
    return rc;
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

/* is_word_char: a character that goes on a word: CJK ideographs, kana,
 * hangul, ASCII and full-width letters and digits.  A footer marker is
 * one only when such a character does not follow it ("相关信息：" ends the
 * article, "相关信息显示，……" begins a sentence). */
static int
is_word_char(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 'a' && cp <= 'z') || (cp >= 0x3040 && cp <= 0x30FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
           (cp >= 0xFF41 && cp <= 0xFF5A) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* is_latin_letter: the Latin markers ("Copyright", "Related news") end
 * at anything but a letter: "Copyright 2007", "Copyright©2007". */
static int
is_latin_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

/* The markers a footer starts with.  `whole`: the marker must stand as
 * a word of its own (see is_word_char), since a sentence can begin with
 * it; the bracketed ones and "©" begin no sentence and match as
 * prefixes ("【打印本页】"). */
static const struct {
    const char *s;
    int whole;
} footer_marks[] = {
    { "相关文章", 1 },        { "相关新闻", 1 },
    { "相关链接", 1 },        { "相关阅读", 1 },
    { "相关信息", 1 },        { "相关附件", 1 },
    { "附件下载", 1 },        { "版权所有", 1 },
    { "打印本页", 1 },        { "关闭窗口", 1 },
    { "分享到", 1 },          { "上一篇", 1 },
    { "下一篇", 1 },          { "责任编辑", 1 },
    { "Copyright", 1 },       { "copyright", 1 },
    { "COPYRIGHT", 1 },       { "Related articles", 1 },
    { "Related news", 1 },    { "Related links", 1 },
    { "Related stories", 1 }, { "©", 0 },
    { "【打印", 0 },          { "【关闭", 0 },
    { "（责任编辑", 0 },      { "(责任编辑", 0 },
    { "【责任编辑", 0 },
};

/* marker_ends: the marker of len bytes at the start of s stands alone. */
static int
marker_ends(const char *s, size_t n, size_t len)
{
    uint32_t cp;

    if (n == len)
        return 1;
    utf8_decode(s + len, n - len, &cp);
    return is_latin_letter((unsigned char)s[0]) ? !is_latin_letter(cp)
                                                : !is_word_char(cp);
}

static int
is_footer(const struct line *l)
{
    size_t i, len;

    for (i = 0; i < COUNT(footer_marks); i++) {
        if (!starts_with(l->s, l->n, footer_marks[i].s))
            continue;
        len = strlen(footer_marks[i].s);
        if (!footer_marks[i].whole || marker_ends(l->s, l->n, len))
            return 1;
    }
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

/* put_loose: a line of the header that is neither byline nor date: a
 * paragraph of its own, neither heading nor summary (it is no lead). */
static void
put_loose(struct body *b, const struct line *l)
{
    struct buf text = BUF_INIT;

    join_text(&text, l->s, l->n);
    put_element(b, "p", &text);
    buf_release(&text);
}

/* read_body: the loose lines of the header, then from the cursor to the
 * footer or the end. */
static void
read_body(struct cursor *c, struct line *first, const struct header *h,
          struct body *b)
{
    struct line l = *first;
    int have = first->n > 0;
    size_t i;

    for (i = 0; i < h->nloose; i++)
        put_loose(b, &h->loose[i]);

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

/* dated_below: whether one of the next `lines` non-blank lines, all of
 * them short, is a date line or carries a date label.  Reads ahead on a
 * copy of the cursor, so the lines are read again after. */
static int
dated_below(const struct cursor *c, int lines, int tz)
{
    struct cursor ahead = *c;
    struct header t = HEADER_INIT;
    struct line l;
    int i, found = 0;

    for (i = 0; i < lines && !found; i++) {
        if (!next_nonblank(&ahead, &l, NULL) || l.n > MAX_HEADER_BYTES)
            break;
        found = header_line(&l, 0, &t, tz) &&
                (t.published != 0 || t.date_line != 0);
    }
    header_release(&t);
    return found;
}

/* read_header: byline and date lines under the title.  An unlabelled
 * byline must touch the line above it; labelled and date lines may follow
 * blank lines.  A short line that is neither, but stands above a date
 * line ("满洲里海关 记者 张三 李四 王五 赵六 钱七", a subtitle), does not
 * end the header: it is a byline after all when one is still wanted, else
 * it goes to h->loose, so that the date line below is read as one and
 * never joined to the body.  Leaves *l at the first line of the body
 * (n == 0 if none). */
static void
read_header(struct cursor *c, struct line *l, struct header *h, int tz)
{
    int i, blanks = 0;

    for (i = 0; i < HEADER_LINES; i++) {
        if (!next_nonblank(c, l, &blanks)) {
            l->n = 0;
            return;
        }
        if (header_line(l, blanks == 0, h, tz))
            continue;
        if (l->n > MAX_HEADER_BYTES ||
            !dated_below(c, HEADER_LINES - 1 - i, tz))
            return;
        if (h->author != NULL || h->source != NULL || !byline(l->s, l->n, h))
            h->loose[h->nloose++] = *l;
    }
    if (!next_nonblank(c, l, NULL))
        l->n = 0;
}

/* code_kind: what a first line says the file is when it is no page: a
 * script ("#!/bin/sh") or an INI file ("[store]"); NULL for anything a
 * page may start with ("[转载]标题" is a title). */
static const char *
code_kind(const struct line *l)
{
    size_t i;

    if (starts_with(l->s, l->n, "#!"))
        return "a script";
    if (l->n < 3 || l->s[0] != '[' || l->s[l->n - 1] != ']')
        return NULL;
    for (i = 1; i + 1 < l->n; i++)
        if (!isalnum((unsigned char)l->s[i]) && !strchr("_.:- ", l->s[i]))
            return NULL;
    return "an INI file";
}

/* read_title: the breadcrumb (if any) and the title line; *kind is what
 * the title line says the file is if it is no page (code_kind), NULL when
 * a breadcrumb shows it is one. */
static int
read_title(struct cursor *c, struct article *a, int after_fm, const char **kind,
           struct err *err)
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
    *kind = rc == 0 && !after_fm ? code_kind(&l) : NULL;
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
    const char *kind = NULL;

    if (read_title(c, a, c->lineno > 0, &kind, err) < 0)
        return -1;
    title_line = c->lineno;
    read_header(c, &l, h, tz);
    /* a folder of pages may hold the script that saved them; the line
     * under "#!/bin/sh" ("set -e") reads as an English byline */
    if (kind != NULL && h->source == NULL &&
        (h->author == NULL || is_ascii(h->author, strlen(h->author))) &&
        h->published == 0 && h->date_line == 0)
        return err_set(err, ERR_PARSE,
                       "line %zu: does not look like an article page (it "
                       "starts like %s)",
                       title_line, kind);
    read_body(c, &l, h, b);
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

/* warn_bad_date: a labelled date that is no date, when the page has no
 * other: said before import.c says which date it uses instead. */
static void
warn_bad_date(const struct header *h, const struct article *a,
              const struct import_sink *sink)
{
    char msg[256];

    if (h->bad_date == NULL || a->published != 0 || sink->warn == NULL)
        return;
    snprintf(msg, sizeof(msg), "line %zu: '%s' is not a date", h->bad_line,
             h->bad_date);
    sink->warn(sink->arg, msg);
}

int
import_text_parse(const char *s, size_t n, const struct import_opts *opts,
                  const struct import_sink *sink, struct err *err)
{
    struct cursor c = { s, n, 0, 0 };
    struct frontmatter fm;
    struct header h = HEADER_INIT;
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
    warn_bad_date(&h, &a, sink);
    item.article = &a;
    item.id = fm.id;
    item.guid = NULL;
    item.line = 1;
    rc = sink->emit(sink->arg, &item, err);
out:
    article_release(&a);
    frontmatter_release(&fm);
    header_release(&h);
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
    struct header h = HEADER_INIT;
    struct line l = { s, n, 0 };

    utf8_trim(&l.s, &l.n);
    if (l.n > MAX_HEADER_BYTES || labelled(&l, &h, tz_offset) <= 0) {
        header_release(&h);
        return 0;
    }
    *source = h.source;
    *author = h.author;
    h.source = h.author = NULL;
    if (h.published != 0)
        *published = h.published;
    header_release(&h);
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
