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
 * Blank means white space only, U+00A0 and U+3000 included.
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
starts_with(const struct line *l, const char *prefix)
{
    size_t n;

    if (l->n == 0 || l->s[0] != prefix[0])
        return 0;
    n = strlen(prefix);
    return l->n >= n && memcmp(l->s, prefix, n) == 0;
}

/* contains: memchr finds each candidate for the first byte, so a line
 * is not compared at every offset. */
static int
contains(const struct line *l, const char *needle)
{
    size_t n = strlen(needle);
    const char *p = l->s, *end = l->s + l->n;

    while (n <= (size_t)(end - p) &&
           (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
        if (memcmp(p, needle, n) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* ---- breadcrumb -------------------------------------------------------- */

static const char *const crumb_seps[] = { ">", "\xEF\xBC\x9E" /* ＞ */,
                                          "\xE2\x80\xBA" /* › */,
                                          "\xC2\xBB" /* » */ };

static size_t
crumb_sep_at(const char *s, size_t n)
{
    size_t i, len;

    for (i = 0; i < sizeof(crumb_seps) / sizeof(crumb_seps[0]); i++) {
        len = strlen(crumb_seps[i]);
        if (n >= len && memcmp(s, crumb_seps[i], len) == 0)
            return len;
    }
    return 0;
}

static int
is_home(const char *s)
{
    return strcmp(s, "首页") == 0 || strcmp(s, "主页") == 0 ||
           strcmp(s, "网站首页") == 0 || strcmp(s, "Home") == 0 ||
           strcmp(s, "home") == 0 || strcmp(s, "HOME") == 0;
}

/* add_crumb: appends one cleaned part to the path, '/' inside a part
 * becoming '／' so that it cannot add a level. */
static void
add_crumb(struct buf *path, const char *s, size_t n, int first)
{
    char *part = utf8_clean(s, n), *p;

    if (*part != '\0' && !(first && is_home(part))) {
        if (path->len)
            buf_putc(path, '/');
        for (p = part; *p; p++) {
            if (*p == '/')
                buf_puts(path, "\xEF\xBC\x8F");
            else
                buf_putc(path, *p);
        }
    }
    free(part);
}

/* breadcrumb: the category path of a breadcrumb line, or NULL if the line
 * has no separator.  An all-home breadcrumb gives "". */
static char *
breadcrumb(const struct line *l)
{
    struct buf path = BUF_INIT;
    size_t i = 0, start = 0, len;
    int parts = 0;

    while (i < l->n) {
        if ((len = crumb_sep_at(l->s + i, l->n - i)) == 0) {
            i++;
            continue;
        }
        add_crumb(&path, l->s + start, i - start, parts++ == 0);
        i += len;
        start = i;
    }
    if (parts == 0)
        return NULL;
    add_crumb(&path, l->s + start, l->n - start, 0);
    return buf_detach(&path, NULL);
}

/* ---- byline and date --------------------------------------------------- */

enum field { F_SOURCE, F_AUTHOR, F_DATE, F_IGNORE };

static const struct {
    const char *label;
    enum field field;
} labels[] = {
    { "发布时间", F_DATE },   { "发布日期", F_DATE }, { "发表时间", F_DATE },
    { "更新时间", F_IGNORE }, { "日期", F_DATE },     { "时间", F_DATE },
    { "来源", F_SOURCE },     { "稿源", F_SOURCE },   { "作者", F_AUTHOR },
    { "记者", F_AUTHOR },     { "文", F_AUTHOR },     { "责任编辑", F_IGNORE },
    { "编辑", F_IGNORE },     { "点击数", F_IGNORE }, { "点击", F_IGNORE },
    { "浏览次数", F_IGNORE }, { "浏览", F_IGNORE },   { "阅读", F_IGNORE },
    { "字号", F_IGNORE },     { "字体", F_IGNORE },   { "Source", F_SOURCE },
    { "Author", F_AUTHOR },   { "By", F_AUTHOR },     { "Date", F_DATE },
    { "Published", F_DATE },
};

#define NLABELS (sizeof(labels) / sizeof(labels[0]))

/* colon_after: length of optional spaces plus ':' or '：' at s, or 0. */
static size_t
colon_after(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] == ':')
        return i + 1;
    if (i + 3 <= n && memcmp(s + i, "\xEF\xBC\x9A", 3) == 0)
        return i + 3;
    return 0;
}

/* label_at: a known label followed by a colon at s; returns the bytes it
 * takes, label and colon, or 0. */
static size_t
label_at(const char *s, size_t n, enum field *f)
{
    size_t i, len, colon;

    for (i = 0; i < NLABELS; i++) {
        /* the first byte rules out most labels without a call */
        if (s[0] != labels[i].label[0])
            continue;
        len = strlen(labels[i].label);
        if (n < len || memcmp(s, labels[i].label, len) != 0)
            continue;
        if ((colon = colon_after(s + len, n - len)) == 0)
            continue;
        *f = labels[i].field;
        return len + colon;
    }
    return 0;
}

static void
set_field(struct header *h, enum field f, const char *v, size_t n, int tz)
{
    const char *s = v;
    char **dst = f == F_SOURCE ? &h->source : &h->author;

    utf8_trim(&s, &n);
    /* trailing decoration of labelled bylines: "【", "|", "[" */
    while (n > 0 && (s[n - 1] == '|' || s[n - 1] == '['))
        n--;
    if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x90", 3) == 0)
        n -= 3;
    utf8_trim(&s, &n);
    if (n == 0 || f == F_IGNORE)
        return;
    if (f == F_DATE) {
        date_parse_text(s, n, tz, &h->published);
        return;
    }
    free(*dst);
    *dst = utf8_clean(s, n);
}

/* has_colon: whether the line holds ':' or '：', without which no label
 * can match; this spares the label scan of every position of the long
 * first paragraph, which is tried as a header line too. */
static int
has_colon(const struct line *l)
{
    return memchr(l->s, ':', l->n) != NULL || contains(l, "\xEF\xBC\x9A");
}

/* labelled: reads "来源：X 作者：Y 发布时间：Z"; 0 if no label found. */
static int
labelled(const struct line *l, struct header *h, int tz)
{
    size_t i = 0, len, vstart = 0;
    enum field f, cur = F_IGNORE;
    int found = 0;

    if (!has_colon(l))
        return 0;
    while (i < l->n) {
        int boundary = i == 0 || l->s[i - 1] == ' ' || l->s[i - 1] == '|' ||
                       (unsigned char)l->s[i - 1] >= 0x80;

        if (!boundary || (len = label_at(l->s + i, l->n - i, &f)) == 0) {
            i++;
            continue;
        }
        if (found)
            set_field(h, cur, l->s + vstart, i - vstart, tz);
        found = 1;
        cur = f;
        i += len;
        vstart = i;
    }
    if (found)
        set_field(h, cur, l->s + vstart, l->n - vstart, tz);
    return found;
}

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

    for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (cp == marks[i])
            return 1;
    return 0;
}

/* byline: "满洲里海关 鲁焕新": one to three short words, no punctuation.
 * The last word is the author, the rest the source. */
static int
byline(const struct line *l, struct header *h)
{
    size_t i = 0, len, last = 0, words = 0;
    int in_word = 0;
    uint32_t cp;

    if (utf8_length(l->s, l->n) > MAX_BYLINE_CHARS)
        return 0;
    while (i < l->n) {
        len = utf8_decode(l->s + i, l->n - i, &cp);
        if (is_punct(cp) || (cp >= '0' && cp <= '9'))
            return 0;
        if (utf8_is_space(cp)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
            last = i;
        }
        i += len;
    }
    if (words == 0 || words > 3)
        return 0;
    free(h->author);
    h->author = utf8_clean(l->s + last, l->n - last);
    if (words > 1) {
        free(h->source);
        h->source = utf8_clean(l->s, last);
    }
    return 1;
}

/* header_line: takes the line as part of the header if it is one; adjacent
 * is true when no blank line separates it from the title. */
static int
header_line(const struct line *l, int adjacent, struct header *h, int tz)
{
    int64_t t;

    if (labelled(l, h, tz))
        return 1;
    if (date_parse_text(l->s, l->n, tz, &t) == 0) {
        h->published = t;
        return 1;
    }
    return adjacent && h->author == NULL && byline(l, h);
}

/* ---- body -------------------------------------------------------------- */

static int
is_footer(const struct line *l)
{
    static const char *const starts[] = { "相关文章", "相关新闻",  "相关链接",
                                          "相关阅读", "Copyright", "©",
                                          "版权所有", "【打印】",  "【关闭】",
                                          "上一篇",   "下一篇" };
    size_t i;

    for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
        if (starts_with(l, starts[i]))
            return 1;
    return contains(l, "ICP备") || contains(l, "ICP证");
}

static int
is_closing(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == '"' || cp == '\'' ||
           cp == 0xFF09 || cp == ')' || cp == 0x3011 || cp == 0x300B ||
           cp == 0x300D || cp == 0x300F;
}

/* last_cp: the last code point of s, skipping closing quotes and brackets
 * when skip_closing is set. */
static uint32_t
last_cp(const char *s, size_t n, int skip_closing)
{
    uint32_t cp = 0;

    while (n > 0) {
        size_t i = n - 1;

        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
            i--;
        utf8_decode(s + i, n - i, &cp);
        if (!skip_closing || !is_closing(cp))
            return cp;
        n = i;
    }
    return cp;
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
    struct buf para; /* text of the paragraph being read */
    size_t para_lines;
    size_t paragraphs; /* <p> written */
    char *summary;
};

/* join: lines of one paragraph; CJK text runs on without a space. */
static void
join(struct buf *para, const struct line *l)
{
    if (para->len > 0 && !((unsigned char)para->data[para->len - 1] >= 0x80 &&
                           (unsigned char)l->s[0] >= 0x80))
        buf_putc(para, ' ');
    utf8_append_clean(para, l->s, l->n);
}

static void
summarize(struct body *b)
{
    size_t cut = utf8_prefix(b->para.data, b->para.len, SUMMARY_CHARS);
    struct buf s = BUF_INIT;

    buf_append(&s, b->para.data, cut);
    if (cut < b->para.len)
        buf_puts(&s, "…");
    b->summary = buf_detach(&s, NULL);
}

static void
flush_paragraph(struct body *b)
{
    const char *tag = "p";

    if (b->para.len == 0)
        return;
    if (b->para_lines == 1 && is_heading(b->para.data, b->para.len)) {
        tag = "h2";
    } else {
        if (b->summary == NULL)
            summarize(b);
        b->paragraphs++;
    }
    if (b->html.len)
        buf_putc(&b->html, '\n');
    /* para was built by utf8_append_clean */
    html_append_clean_element(&b->html, tag, b->para.data, b->para.len);
    buf_reset(&b->para);
    b->para_lines = 0;
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
            join(&b->para, &l);
            b->para_lines++;
        }
        have = 1;
    } while (next(c, &l));
    flush_paragraph(b);
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

/* read_page: breadcrumb, title, header and body of the text after the
 * front matter. */
static int
read_page(struct cursor *c, struct article *a, struct header *h, struct body *b,
          int tz, struct err *err)
{
    struct line l;
    char *crumbs;

    if (!next_nonblank(c, &l, NULL))
        return err_set(err, ERR_PARSE, "no text");
    if ((crumbs = breadcrumb(&l)) != NULL) {
        a->category = *crumbs ? crumbs : (free(crumbs), NULL);
        if (!next_nonblank(c, &l, NULL))
            return err_set(err, ERR_PARSE,
                           "line %zu: no title after the "
                           "breadcrumb",
                           l.no);
    }
    if (utf8_length(l.s, l.n) > MAX_TITLE_CHARS)
        return err_set(err, ERR_PARSE,
                       "line %zu: %zu characters is too long for a title", l.no,
                       utf8_length(l.s, l.n));
    a->title = utf8_clean(l.s, l.n);
    read_header(c, &l, h, tz);
    read_body(c, &l, b);
    if (b->html.len == 0)
        return err_set(err, ERR_PARSE,
                       "line %zu: no body text after the "
                       "title",
                       l.no);
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
    take(&a->summary, &fm->summary, b->summary);
    h->source = h->author = b->summary = NULL;
    a->url = fm->url;
    fm->url = NULL;
    a->published = fm->published ? fm->published : h->published;
    a->updated = fm->updated;
    a->body = buf_detach(&b->html, NULL);
}

int
import_text_parse(const char *s, size_t n, const struct import_opts *opts,
                  const struct import_sink *sink, struct err *err)
{
    struct cursor c = { s, n, 0, 0 };
    struct frontmatter fm;
    struct header h = { NULL, NULL, 0 };
    struct body b = { BUF_INIT, BUF_INIT, 0, 0, NULL };
    struct import_item item;
    struct article a;
    int rc = -1;

    frontmatter_init(&fm);
    article_init(&a);
    if (frontmatter_parse(s, n, opts->tz_offset, &fm, &c.pos, err) < 0)
        goto out;
    c.lineno = fm.lines;
    if (fm.unknown != NULL && sink->warn != NULL) {
        char msg[96];

        snprintf(msg, sizeof(msg), "front matter key '%s' is not known",
                 fm.unknown);
        sink->warn(sink->arg, msg);
    }
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
    free(b.summary);
    buf_release(&b.html);
    buf_release(&b.para);
    return rc;
}
