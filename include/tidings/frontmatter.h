#ifndef TIDINGS_FRONTMATTER_H
#define TIDINGS_FRONTMATTER_H

/*
 * frontmatter: the optional block that opens a page-text file (SPEC 1.1)
 *
 *     ---
 *     id: caop-2013-0412
 *     published: 2013-06-05T10:20:00+08:00
 *     ---
 *
 * with "key: value" lines (ASCII or full-width colon) and '#' comments.
 * Known keys: id, url, title, published (alias date), updated, category,
 * source, author, summary.  Values are trimmed; surrounding quotes are
 * removed; an empty value counts as absent.  category is normalised with
 * frontmatter_category.
 */

#include <stddef.h>
#include <stdint.h>

struct err;

struct frontmatter {
    char *id, *url, *title, *category, *source, *author, *summary;
    int64_t published, updated; /* 0 when absent */
    char *unknown;              /* first unknown key, for a warning */
    size_t lines;               /* lines the block used, fences included */
};

void frontmatter_init(struct frontmatter *fm);
void frontmatter_release(struct frontmatter *fm);

/* frontmatter_parse: when s opens with a front-matter block, fills fm and
 * sets *consumed to the bytes of the block (closing fence and its line end
 * included); otherwise sets *consumed to 0.  Dates without a zone are at
 * tz_offset.  Returns 0, or -1 with ERR_PARSE naming the line (counted
 * from 1 at the opening fence) for an unterminated block, a line that is
 * not "key: value", a repeated key, a bad date, a url that is not absolute
 * http(s) or a category with no part or too many. */
int frontmatter_parse(const char *s, size_t n, int tz_offset,
                      struct frontmatter *fm, size_t *consumed,
                      struct err *err);

/* frontmatter_category: a category path as people write it
 * ("新闻资讯 / 综合新闻/", "新闻资讯 > 综合新闻") in the stored form
 * "新闻资讯/综合新闻": parts split on '/', '>', '＞' or '／', trimmed, empty
 * ones dropped.  Returns a string the caller frees, or NULL with ERR_PARSE
 * when it names no category or more than 8 levels. */
char *frontmatter_category(const char *s, size_t n, struct err *err);

#endif
