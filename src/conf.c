/*
 * conf: an INI reader driven by one table of typed keys.  Parsing a value
 * and applying its default go through the same setter, so a default is
 * checked exactly as a value from the file would be.  The [slugs] section
 * is the one free-form map: any name, a slug as value.
 */
#include "tidings/conf.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tidings/buf.h"
#include "tidings/date.h"
#include "tidings/err.h"
#include "tidings/xalloc.h"

enum conf_type {
    CONF_STR,
    CONF_INT,
    CONF_URL,  /* absolute http(s) URL, trailing '/' removed */
    CONF_TZ,   /* a fixed offset; also sets site_tz_offset */
    CONF_ENUM, /* one of choices, stored as its index */
    CONF_LANG, /* a language tag: letters, digits, '-' */
};

struct conf_key {
    const char *section;
    const char *name;
    enum conf_type type;
    long min, max;
    const char *def;
    size_t offset;
    const char *choices; /* CONF_ENUM: "a|b|c" */
    const char *help;
};

#define OFF(field) offsetof(struct conf, field)

static const struct conf_key keys[] = {
    { "site", "title", CONF_STR, 1, 200, "tidings", OFF(site_title), NULL,
      "name of the site: feed titles start with it" },
    { "site", "description", CONF_STR, 0, 1000, "", OFF(site_description), NULL,
      "one sentence about the site (defaults to the title)" },
    { "site", "base_url", CONF_URL, 0, 0, "http://127.0.0.1:8080",
      OFF(site_base_url), NULL,
      "absolute URL the site is published at; every link starts with it" },
    { "site", "language", CONF_LANG, 0, 0, "zh-CN", OFF(site_language), NULL,
      "language tag for xml:lang and <language>" },
    { "site", "timezone", CONF_TZ, 0, 0, "+08:00", OFF(site_timezone), NULL,
      "fixed UTC offset for dates in feeds and undated input" },
    { "site", "feed_items", CONF_INT, 1, 10000, "50", OFF(site_feed_items),
      NULL, "most items in one feed" },
    { "site", "feed_max_bytes", CONF_INT, 4096, 1L << 30, "1048576",
      OFF(site_feed_max_bytes), NULL, "most bytes in one feed document" },
    { "site", "archive_page", CONF_INT, 1, 10000, "100", OFF(site_archive_page),
      NULL, "entries per RFC 5005 archive page" },
    { "site", "archive_content", CONF_ENUM, 0, 0, "summary",
      OFF(site_archive_content), "summary|full",
      "what archive entries carry: summary, or full bodies" },
    { "site", "hub", CONF_STR, 0, 2000, "", OFF(site_hub), NULL,
      "WebSub hub URL to advertise and ping (empty: none)" },
    { "store", "path", CONF_STR, 1, PATH_MAX, "tidings.db", OFF(store_path),
      NULL, "SQLite database file" },
    { "build", "out", CONF_STR, 1, PATH_MAX, "feeds", OFF(build_out), NULL,
      "folder that `build` writes the site to" },
    { "serve", "bind", CONF_STR, 1, 255, "127.0.0.1", OFF(serve_bind), NULL,
      "address to listen on" },
    { "serve", "port", CONF_INT, 0, 65535, "8080", OFF(serve_port), NULL,
      "TCP port (0: any free port)" },
    { "serve", "max_age", CONF_INT, 0, 31536000, "300", OFF(serve_max_age),
      NULL, "Cache-Control max-age in seconds" },
    { "serve", "max_connections", CONF_INT, 1, 100000, "1024",
      OFF(serve_max_connections), NULL, "most open connections" },
    { "serve", "timeout", CONF_INT, 1, 3600, "15", OFF(serve_timeout), NULL,
      "seconds an idle connection is kept" },
    { "serve", "threads", CONF_INT, 1, 256, "2", OFF(serve_threads), NULL,
      "worker threads" },
    { "serve", "access_log", CONF_STR, 0, PATH_MAX, "-", OFF(serve_access_log),
      NULL, "access log file, '-' for stdout, empty for none" },
    { "serve", "max_request_bytes", CONF_INT, 2048, 1048576, "16384",
      OFF(serve_max_request_bytes), NULL,
      "most bytes of request line and headers (more: 431)" },
    { "import", "max_file_bytes", CONF_INT, 1024, 1L << 30, "16777216",
      OFF(import_max_file_bytes), NULL,
      "largest page or HTML file imported; larger ones are rejected" },
    { "import", "batch_files", CONF_INT, 1, 1000000, "10000",
      OFF(import_batch_files), NULL, "files imported per transaction" },
    { "import", "max_feed_bytes", CONF_INT, 1024, 1L << 40, "1073741824",
      OFF(import_max_feed_bytes), NULL,
      "largest RSS/Atom file imported; feeds are read as a stream, so this "
      "bounds time, not memory" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static char **
str_field(struct conf *c, const struct conf_key *k)
{
    return (char **)(void *)((char *)c + k->offset);
}

static int
set_int(struct conf *c, const struct conf_key *k, const char *v,
        struct err *err)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno == ERANGE)
        return err_set(err, ERR_CONFIG, "%s: '%s' is not a number", k->name, v);
    if (n < k->min || n > k->max)
        return err_set(err, ERR_CONFIG, "%s: %ld is out of range (%ld..%ld)",
                       k->name, n, k->min, k->max);
    if (k->type == CONF_ENUM)
        *(enum conf_archive_content *)(void *)((char *)c + k->offset) =
            (enum conf_archive_content)n;
    else
        *(long *)(void *)((char *)c + k->offset) = n;
    return 0;
}

static int
set_enum(struct conf *c, const struct conf_key *k, const char *v,
         struct err *err)
{
    const char *p = k->choices;
    size_t len = strlen(v);
    long i = 0;
    char num[24];

    while (p != NULL) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && strncmp(p, v, n) == 0) {
            snprintf(num, sizeof(num), "%ld", i);
            return set_int(c, k, num, err);
        }
        p = bar ? bar + 1 : NULL;
        i++;
    }
    return err_set(err, ERR_CONFIG, "%s: '%s' is not one of %s", k->name, v,
                   k->choices);
}

static int
check_url(const struct conf_key *k, const char *v, struct err *err)
{
    const char *host;

    if (strncmp(v, "https://", 8) == 0)
        host = v + 8;
    else if (strncmp(v, "http://", 7) == 0)
        host = v + 7;
    else
        return err_set(err, ERR_CONFIG,
                       "%s: '%s' is not an absolute http(s) URL", k->name, v);
    if (*host == '\0' || *host == '/' || strpbrk(v, " \t\"<>?#") != NULL)
        return err_set(err, ERR_CONFIG, "%s: '%s' is not a usable URL", k->name,
                       v);
    return 0;
}

static int
check_lang(const struct conf_key *k, const char *v, struct err *err)
{
    size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    if (*v == '\0' || v[n] != '\0' || n > 35)
        return err_set(err, ERR_CONFIG, "%s: '%s' is not a language tag",
                       k->name, v);
    return 0;
}

static int
set_value(struct conf *c, const struct conf_key *k, const char *v,
          struct err *err)
{
    size_t len = strlen(v);
    char **field = str_field(c, k);
    int off;

    switch (k->type) {
    case CONF_INT:
        return set_int(c, k, v, err);
    case CONF_ENUM:
        return set_enum(c, k, v, err);
    case CONF_URL:
        if (check_url(k, v, err) < 0)
            return -1;
        while (len > 0 && v[len - 1] == '/')
            len--;
        break;
    case CONF_TZ:
        if (date_parse_offset(v, len, &off) < 0)
            return err_set(err, ERR_CONFIG,
                           "%s: '%s' is not a UTC offset like +08:00", k->name,
                           v);
        c->site_tz_offset = off;
        break;
    case CONF_LANG:
        if (check_lang(k, v, err) < 0)
            return -1;
        break;
    case CONF_STR:
        if ((long)len < k->min || (long)len > k->max)
            return err_set(err, ERR_CONFIG,
                           "%s: value must be %ld to %ld bytes long", k->name,
                           k->min, k->max);
        break;
    }
    free(*field);
    *field = xmemdup(v, len);
    return 0;
}

void
conf_init(struct conf *c)
{
    struct err err = ERR_INIT;
    size_t i;
    int rc;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < NKEYS; i++) {
        rc = set_value(c, &keys[i], keys[i].def, &err);
        assert(rc == 0); /* a default that fails its own row is a bug */
        (void)rc;
    }
}

void
conf_release(struct conf *c)
{
    size_t i;

    for (i = 0; i < NKEYS; i++)
        if (keys[i].type != CONF_INT && keys[i].type != CONF_ENUM)
            free(*str_field(c, &keys[i]));
    for (i = 0; i < c->nslugs; i++) {
        free(c->slugs[i].name);
        free(c->slugs[i].slug);
    }
    free(c->slugs);
    free(c->path);
    memset(c, 0, sizeof(*c));
}

static const struct conf_key *
find_key(const char *section, const char *name)
{
    size_t i;

    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 &&
            strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static int
known_section(const char *section)
{
    size_t i;

    if (strcmp(section, "slugs") == 0)
        return 1;
    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0)
            return 1;
    return 0;
}

static int
is_slug(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

    return *s != '\0' && s[n] == '\0' && n <= 64;
}

static int
add_slug(struct conf *c, const char *name, const char *slug, struct err *err)
{
    if (!is_slug(slug))
        return err_set(err, ERR_CONFIG,
                       "%s: slug '%s' must be 1 to 64 of a-z, 0-9 and '-'",
                       name, slug);
    if (conf_slug_for(c, name) != NULL)
        return err_set(err, ERR_CONFIG, "%s: slug given twice", name);
    c->slugs = xreallocarray(c->slugs, c->nslugs + 1, sizeof(*c->slugs));
    c->slugs[c->nslugs].name = xstrdup(name);
    c->slugs[c->nslugs].slug = xstrdup(slug);
    c->nslugs++;
    return 0;
}

const char *
conf_slug_for(const struct conf *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nslugs; i++)
        if (strcmp(c->slugs[i].name, name) == 0)
            return c->slugs[i].slug;
    return NULL;
}

/* trim: strips ASCII white space in place and returns the start. */
static char *
trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* unquote: "value" -> value, so values may keep outer spaces. */
static char *
unquote(char *v)
{
    size_t n = strlen(v);

    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

/* parse_line: one line of the file; section is the current [section]. */
static int
parse_line(struct conf *c, char *line, char *section, size_t cap,
           struct err *err)
{
    const struct conf_key *k;
    char *eq, *name, *value, *s = trim(line);

    if (*s == '\0' || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');

        if (close == NULL || close[1] != '\0')
            return err_set(err, ERR_CONFIG, "malformed section header");
        *close = '\0';
        snprintf(section, cap, "%s", trim(s + 1));
        if (!known_section(section))
            return err_set(err, ERR_CONFIG, "unknown section [%s]", section);
        return 0;
    }
    if ((eq = strchr(s, '=')) == NULL)
        return err_set(err, ERR_CONFIG, "expected 'key = value'");
    *eq = '\0';
    name = trim(s);
    value = unquote(trim(eq + 1));
    if (*section == '\0')
        return err_set(err, ERR_CONFIG, "key '%s' outside any [section]", name);
    if (!known_section(section))
        return 0; /* the section was reported; its keys say nothing more */
    if (strcmp(section, "slugs") == 0)
        return add_slug(c, name, value, err);
    if ((k = find_key(section, name)) == NULL)
        return err_set(err, ERR_CONFIG, "unknown key '%s' in [%s]", name,
                       section);
    return set_value(c, k, value, err);
}

int
conf_load(struct conf *c, const char *path, struct buf *report, struct err *err)
{
    char section[64] = "", line[4096];
    struct err first = ERR_INIT, e = ERR_INIT;
    unsigned lineno = 0;
    FILE *fp;

    conf_init(c);
    c->path = xstrdup(path);
    if ((fp = fopen(path, "r")) == NULL)
        return err_errno(err, ERR_IO, "cannot open '%s'", path);
    while (fgets(line, sizeof(line), fp) != NULL) {
        size_t n = strlen(line);

        lineno++;
        if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
            err_set(&e, ERR_CONFIG, "line longer than %zu bytes",
                    sizeof(line) - 2);
            while (fgets(line, sizeof(line), fp) != NULL &&
                   line[strlen(line) - 1] != '\n')
                ;
        } else {
            line[strcspn(line, "\n")] = '\0';
            if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
                memmove(line, line + 3, strlen(line + 3) + 1);
            if (parse_line(c, line, section, sizeof(section), &e) == 0)
                continue;
        }
        buf_appendf(report, "%s:%u: %s\n", path, lineno, e.msg);
        if (first.code == ERR_OK)
            err_set(&first, ERR_CONFIG, "%s:%u: %s", path, lineno, e.msg);
    }
    if (ferror(fp))
        err_errno(&first, ERR_IO, "cannot read '%s'", path);
    fclose(fp);
    if (first.code != ERR_OK) {
        *err = first;
        return -1;
    }
    return 0;
}

void
conf_describe(struct buf *out)
{
    const char *section = "";
    size_t i;

    for (i = 0; i < NKEYS; i++) {
        const struct conf_key *k = &keys[i];

        if (strcmp(section, k->section) != 0) {
            buf_appendf(out, "%s[%s]\n", i ? "\n" : "", k->section);
            section = k->section;
        }
        buf_appendf(out, "  %-16s %s\n", k->name, k->help);
        if (k->type == CONF_INT)
            buf_appendf(out, "  %-16s default %s, %ld to %ld\n", "", k->def,
                        k->min, k->max);
        else if (k->type == CONF_ENUM)
            buf_appendf(out, "  %-16s default %s, one of %s\n", "", k->def,
                        k->choices);
        else
            buf_appendf(out, "  %-16s default \"%s\"\n", "", k->def);
    }
    buf_appendf(out,
                "\n[slugs]\n  NAME = SLUG     the URL slug for a category, "
                "source or author name\n");
}
