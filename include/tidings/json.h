#ifndef TIDINGS_JSON_H
#define TIDINGS_JSON_H

/*
 * json: a small, strict JSON reader (RFC 8259) that builds a tree, for
 * checking the JSON Feed documents tidings writes (and any given to
 * `tidings check`).  Strings are decoded to UTF-8 (\u escapes and
 * surrogate pairs included); invalid UTF-8, control characters in
 * strings, trailing commas, leading zeros, lone surrogates and anything
 * after the value are errors.  Nesting is capped (JSON_MAX_DEPTH), so
 * hostile input cannot exhaust the stack.
 */

#include <stddef.h>

struct err;

#define JSON_MAX_DEPTH 64

enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json {
    enum json_type type;
    char *str;          /* STRING: decoded text; NUMBER: as written */
    size_t len;         /* of str */
    char *key;          /* the member name, when in an OBJECT */
    struct json *child; /* ARRAY / OBJECT: first element or member */
    struct json *next;  /* the next sibling */
    size_t line;        /* where the value starts, from 1 */
};

/* json_parse: the value in s (n bytes).  Returns a tree the caller frees
 * with json_free, or NULL with ERR_PARSE naming the line. */
struct json *json_parse(const char *s, size_t n, struct err *err);
void json_free(struct json *j);

/* json_get: the member key of an object, or NULL (also when j is not an
 * object). */
const struct json *json_get(const struct json *j, const char *key);

#endif
