/*
 * frontmatter: a deliberately small "key: value" reader, not YAML.  The
 * block must be closed within FM_MAX_LINES lines so that a file starting
 * with "---" by accident is reported quickly instead of being read whole.
 * A key with an empty value is as good as absent, so a template with
 * blank fields can be filled in one at a time.
 */
#include "tidings/frontmatter.h"

#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/utf8.h"
#include "tidings/xalloc.h"

#define FM_MAX_LINES    200
#define FM_MAX_VALUE    4096
#define FM_MAX_LEVELS   8
#define FM_MAX_CATEGORY 1000

void
frontmatter_init(struct frontmatter *fm)
{
    memset(fm, 0, sizeof(*fm));
}

void
frontmatter_release(struct frontmatter *fm)
{
    free(fm->id);
    free(fm->url);
    free(fm->title);
    free(fm->category);
    free(fm->source);
    free(fm->author);
    free(fm->summary);
    free(fm->unknown);
    frontmatter_init(fm);
}

/* next_line: the line at *pos (without its end), advancing *pos past it. */
static int
next_line(const char *s, size_t n, size_t *pos, const char **line, size_t *len)
{
    size_t start = *pos, end = start;

    if (start >= n)
        return 0;
    while (end < n && s[end] != '\n' && s[end] != '\r')
        end++;
    *line = s + start;
    *len = end - start;
    if (end < n && s[end] == '\r')
        end++;
    if (end < n && s[end] == '\n')
        end++;
    *pos = end;
    return 1;
}

static int
is_fence(const char *line, size_t len)
{
    utf8_trim(&line, &len);
    return len == 3 && memcmp(line, "---", 3) == 0;
}

/* split_key: finds the first ':' or '：' and returns the key length. */
static int
split_key(const char *line, size_t len, size_t *klen, const char **value,
          size_t *vlen)
{
    const char *colon = memchr(line, ':', len);
    const char *wide = NULL;
    size_t i;

    for (i = 0; i + 3 <= len; i++)
        if (memcmp(line + i, "\xEF\xBC\x9A", 3) == 0) {
            wide = line + i;
            break;
        }
    if (colon == NULL || (wide != NULL && wide < colon))
        colon = wide;
    if (colon == NULL || colon == line)
        return -1;
    *klen = (size_t)(colon - line);
    *value = colon + (colon == wide ? 3 : 1);
    *vlen = len - (size_t)(*value - line);
    return 0;
}

static char *
clean_value(const char *v, size_t n)
{
    utf8_trim(&v, &n);
    if (n >= 2 && ((v[0] == '"' && v[n - 1] == '"') ||
                   (v[0] == '\'' && v[n - 1] == '\''))) {
        v++;
        n -= 2;
    }
    return utf8_clean(v, n);
}

static int
set_date(int64_t *field, const char *v, int tz, struct err *err)
{
    if (date_parse_any(v, strlen(v), tz, field) < 0)
        return err_set(err, ERR_PARSE, "'%s' is not a date", v);
    return 0;
}

/* set_url: absolute http(s) with a host, and nothing a URL cannot hold
 * as it is (white space, quotes, angle brackets). */
static int
set_url(char **field, char *v, struct err *err)
{
    size_t scheme = strncmp(v, "https://", 8) == 0  ? 8
                    : strncmp(v, "http://", 7) == 0 ? 7
                                                    : 0;

    if (scheme == 0)
        return err_set(err, ERR_PARSE, "url '%s' is not absolute http(s)", v);
    if (v[scheme] == '\0' || v[scheme] == '/' ||
        strpbrk(v, " \t\"<>\\") != NULL)
        return err_set(err, ERR_PARSE, "url '%s' is not a usable URL", v);
    *field = v;
    return 0;
}

/* category_sep_at: the length of a level separator at s, or 0. */
static size_t
category_sep_at(const char *s, size_t n)
{
    if (*s == '/' || *s == '>')
        return 1;
    if (n >= 3 && (memcmp(s, "＞", 3) == 0 || memcmp(s, "／", 3) == 0))
        return 3;
    return 0;
}

/* add_level: appends one level, cleaned first: a part made only of
 * characters that cleaning drops (controls) is no level. */
static void
add_level(struct buf *path, const char *part, size_t n, int *levels)
{
    char *name = utf8_clean(part, n);

    if (*name != '\0') {
        if (path->len)
            buf_putc(path, '/');
        buf_puts(path, name);
        ++*levels;
    }
    free(name);
}

char *
frontmatter_category(const char *s, size_t n, struct err *err)
{
    struct buf path = BUF_INIT;
    size_t i = 0, start = 0, sep;
    int levels = 0;

    if (n > FM_MAX_CATEGORY) {
        err_set(err, ERR_PARSE, "category longer than %d bytes",
                FM_MAX_CATEGORY);
        return NULL;
    }
    while (i < n) {
        if ((sep = category_sep_at(s + i, n - i)) == 0) {
            i++;
            continue;
        }
        add_level(&path, s + start, i - start, &levels);
        i += sep;
        start = i;
    }
    add_level(&path, s + start, n - start, &levels);
    if (levels > 0 && levels <= FM_MAX_LEVELS)
        return buf_detach(&path, NULL);
    buf_release(&path);
    err_set(err, ERR_PARSE,
            levels ? "category '%.*s' has more than %d levels"
                   : "category '%.*s' names no category",
            (int)utf8_prefix(s, n, 60), s, FM_MAX_LEVELS);
    return NULL;
}

static int
set_category(char **field, char *v, struct err *err)
{
    *field = frontmatter_category(v, strlen(v), err);
    free(v);
    return *field ? 0 : -1;
}

static int
is_key(const char *key, const char *a, const char *b)
{
    return strcmp(key, a) == 0 || (b != NULL && strcmp(key, b) == 0);
}

/* apply_date: published (alias date) and updated. */
static int
apply_date(struct frontmatter *fm, const char *key, const char *v, int tz,
           struct err *err)
{
    int64_t *field =
        is_key(key, "updated", NULL) ? &fm->updated : &fm->published;

    if (*field != 0)
        return err_set(err, ERR_PARSE, "'%s' given twice", key);
    return set_date(field, v, tz, err);
}

/* apply: stores one key; takes ownership of v.  Empty values are
 * skipped. */
static int
apply(struct frontmatter *fm, const char *key, char *v, int tz, struct err *err)
{
    static const char *const names[] = { "id",      "title",   "source",
                                         "author",  "summary", "url",
                                         "category" };
    char **fields[] = { &fm->id,      &fm->title, &fm->source,  &fm->author,
                        &fm->summary, &fm->url,   &fm->category };
    int rc = 0;
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!is_key(key, names[i], NULL))
            continue;
        if (*v == '\0' || *fields[i] != NULL) {
            rc = *v ? err_set(err, ERR_PARSE, "'%s' given twice", key) : 0;
            break;
        }
        if (fields[i] == &fm->url)
            return set_url(&fm->url, v, err) < 0 ? (free(v), -1) : 0;
        if (fields[i] == &fm->category)
            return set_category(&fm->category, v, err);
        *fields[i] = v;
        return 0;
    }
    if (i == sizeof(names) / sizeof(names[0])) {
        if (is_key(key, "published", "date") || is_key(key, "updated", NULL))
            rc = *v ? apply_date(fm, key, v, tz, err) : 0;
        else if (fm->unknown == NULL)
            fm->unknown = xstrdup(key);
    }
    free(v);
    return rc;
}

static int
parse_entry(struct frontmatter *fm, const char *line, size_t len, int tz,
            struct err *err)
{
    const char *value;
    size_t klen, vlen;
    char key[32];
    char *k;

    if (split_key(line, len, &klen, &value, &vlen) < 0)
        return err_set(err, ERR_PARSE,
                       "expected 'key: value' or '---' to end the front "
                       "matter");
    if (vlen > FM_MAX_VALUE)
        return err_set(err, ERR_PARSE, "value longer than %d bytes",
                       FM_MAX_VALUE);
    k = clean_value(line, klen);
    if (strlen(k) >= sizeof(key)) {
        free(k);
        return err_set(err, ERR_PARSE, "key too long");
    }
    memcpy(key, k, strlen(k) + 1);
    free(k);
    return apply(fm, key, clean_value(value, vlen), tz, err);
}

int
frontmatter_parse(const char *s, size_t n, int tz_offset,
                  struct frontmatter *fm, size_t *consumed, struct err *err)
{
    size_t pos = 0, len, lineno = 1;
    const char *line;

    *consumed = 0;
    if (!next_line(s, n, &pos, &line, &len) || !is_fence(line, len))
        return 0;
    while (next_line(s, n, &pos, &line, &len)) {
        lineno++;
        if (is_fence(line, len)) {
            fm->lines = lineno;
            *consumed = pos;
            return 0;
        }
        if (lineno > FM_MAX_LINES)
            return err_set(err, ERR_PARSE,
                           "line 1: front matter not closed by '---' within "
                           "%d lines",
                           FM_MAX_LINES);
        if (utf8_is_blank(line, len) || line[0] == '#')
            continue;
        if (parse_entry(fm, line, len, tz_offset, err) < 0)
            return err_prefix(err, "line %zu", lineno);
    }
    return err_set(err, ERR_PARSE,
                   "line 1: front matter not closed by '---' before the end "
                   "of the file");
}
