/*
 * date: parsing and formatting without TZ or locale.  Civil dates are
 * converted with Howard Hinnant's days-from-civil algorithm, so nothing here
 * calls mktime, timegm, strptime or strftime, and output is the same on
 * every machine.  Parsers first reduce their input to a small ASCII form
 * (full-width digits, CJK date characters and Unicode spaces mapped), then
 * walk it with a cursor.
 */
#include "tidings/date.h"

#include <stdio.h>
#include <string.h>

#include "tidings/utf8.h"

struct cur {
    const char *p, *end;
};

static const char *const month_names[] = { "jan", "feb", "mar", "apr",
                                           "may", "jun", "jul", "aug",
                                           "sep", "oct", "nov", "dec" };
static const char *const day_names[] = { "Thu", "Fri", "Sat", "Sun",
                                         "Mon", "Tue", "Wed" };
static const char *const month_caps[] = { "Jan", "Feb", "Mar", "Apr",
                                          "May", "Jun", "Jul", "Aug",
                                          "Sep", "Oct", "Nov", "Dec" };

static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t
date_make(int year, int mon, int day, int hour, int min, int sec, int offset)
{
    return days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 +
           sec - offset;
}

static int
days_in_month(int y, int m)
{
    static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

static int
valid_civil(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
           d <= days_in_month(y, mo) && h >= 0 && h <= 23 && mi >= 0 &&
           mi <= 59 && s >= 0 && s <= 60;
}

/* ---- cursor helpers ---------------------------------------------------- */

static int
at_end(const struct cur *c)
{
    return c->p >= c->end;
}

static int
peek(const struct cur *c)
{
    return at_end(c) ? -1 : (unsigned char)*c->p;
}

static void
skip_spaces(struct cur *c)
{
    while (!at_end(c) && *c->p == ' ')
        c->p++;
}

static int
accept(struct cur *c, int ch)
{
    if (peek(c) != ch)
        return 0;
    c->p++;
    return 1;
}

/* number: reads min..max digits into *v. */
static int
number(struct cur *c, int min, int max, int *v)
{
    int n = 0, val = 0;

    while (n < max && !at_end(c) && *c->p >= '0' && *c->p <= '9') {
        val = val * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    if (n < min)
        return -1;
    *v = val;
    return 0;
}

static int
lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* word: reads a run of ASCII letters, lower-cased, into w. */
static size_t
word(struct cur *c, char *w, size_t cap)
{
    size_t n = 0;

    while (!at_end(c) && lower(*c->p) >= 'a' && lower(*c->p) <= 'z') {
        if (n + 1 < cap)
            w[n++] = (char)lower(*c->p);
        c->p++;
    }
    w[n] = '\0';
    return n;
}

/* ---- normalisation ----------------------------------------------------- */

static int
map_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (int)cp;
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return (int)(cp - 0xFEE0); /* full-width ASCII */
    if (utf8_is_space(cp))
        return ' ';
    switch (cp) {
    case 0x5E74: /* 年 */
    case 0x6708: /* 月 */
        return '-';
    case 0x65E5: /* 日 */
    case 0x53F7: /* 号 */
    case 0x79D2: /* 秒 */
        return ' ';
    case 0x65F6: /* 时 */
    case 0x6642: /* 時 */
    case 0x70B9: /* 点 */
    case 0x5206: /* 分 */
        return ':';
    default:
        return -1;
    }
}

/* normalize: maps s into an ASCII buffer with single spaces and no spaces
 * at the ends; returns its length, or 0 if s holds anything unexpected. */
static size_t
normalize(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, len = 0;
    uint32_t cp;
    int ch;

    while (i < n) {
        i += utf8_decode(s + i, n - i, &cp);
        ch = map_cp(cp);
        if (ch < 0 || ch == 0 || len + 1 >= cap)
            return 0;
        if (ch == ' ' && (len == 0 || out[len - 1] == ' '))
            continue;
        out[len++] = (char)ch;
    }
    while (len > 0 && out[len - 1] == ' ')
        len--;
    out[len] = '\0';
    return len;
}

/* ---- zones ------------------------------------------------------------- */

/* numeric_zone: "+08:00", "+0800", "+08"; after a zone name ("GMT+8",
 * common in Chinese feeds) the hour may have one digit (min_digits 1). */
static int
numeric_zone(struct cur *c, int *offset, int min_digits)
{
    int sign, h, m = 0;
    const char *start;

    if (peek(c) != '+' && peek(c) != '-')
        return -1;
    sign = *c->p++ == '-' ? -1 : 1;
    start = c->p;
    if (number(c, min_digits, 2, &h) < 0)
        return -1;
    if (accept(c, ':')) {
        if (number(c, 2, 2, &m) < 0)
            return -1;
    } else if (c->p - start == 2 && !at_end(c) && *c->p >= '0' &&
               *c->p <= '9') {
        if (number(c, 2, 2, &m) < 0)
            return -1;
    }
    if (h > 23 || m > 59)
        return -1;
    *offset = sign * (h * 3600 + m * 60);
    return 0;
}

/* What zone names mean where a date is read: the site's own offset
 * (local) settles CST, and a name that is not known is copied to
 * unknown (DATE_ZONE_MAX bytes, when not NULL). */
struct zctx {
    int local;
    char *unknown;
};

#define CHINA (8 * 3600)

/* named_zone: RFC 822's names and the abbreviations feeds use besides,
 * in minutes east of UTC.  Left out as ambiguous: IST (India, Ireland,
 * Israel), AST (Atlantic, Arabia).  CST is China Standard Time for a
 * site at +08:00 (Chinese publishers' feeds say CST for it), else US
 * Central as RFC 822 has it. */
static int
named_zone(const char *w, const struct zctx *z, int *offset)
{
    static const struct {
        const char *name;
        int minutes;
    } zones[] = {
        { "gmt", 0 },     { "ut", 0 },     { "utc", 0 },    { "z", 0 },
        { "est", -300 },  { "edt", -240 }, { "cdt", -300 }, { "mst", -420 },
        { "mdt", -360 },  { "pst", -480 }, { "pdt", -420 }, { "akst", -540 },
        { "akdt", -480 }, { "hst", -600 }, { "wet", 0 },    { "west", 60 },
        { "bst", 60 },    { "cet", 60 },   { "cest", 120 }, { "met", 60 },
        { "mest", 120 },  { "eet", 120 },  { "eest", 180 }, { "msk", 180 },
        { "hkt", 480 },   { "sgt", 480 },  { "awst", 480 }, { "jst", 540 },
        { "kst", 540 },   { "acst", 570 }, { "aest", 600 }, { "aedt", 660 },
        { "nzst", 720 },  { "nzdt", 780 },
    };
    size_t i;

    if (strcmp(w, "cst") == 0) {
        *offset = z->local == CHINA ? CHINA : -6 * 3600;
        return 0;
    }
    for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        if (strcmp(w, zones[i].name) == 0) {
            *offset = zones[i].minutes * 60;
            return 0;
        }
    }
    /* RFC 2822 4.3: military and unknown zones are taken as -0000 */
    *offset = 0;
    if (strlen(w) > 5)
        return -1;
    if (z->unknown != NULL)
        snprintf(z->unknown, DATE_ZONE_MAX, "%s", w);
    return 0;
}

/* comment: a parenthesised comment at the cursor, as RFC 2822 allows
 * after a date ("+0000 (UTC)"), is skipped. */
static void
comment(struct cur *c)
{
    const char *close;

    skip_spaces(c);
    if (peek(c) == '(' &&
        (close = memchr(c->p, ')', (size_t)(c->end - c->p))) != NULL) {
        c->p = close + 1;
        skip_spaces(c);
    }
}

/* zone: an optional zone at the cursor; *offset keeps its value if none. */
static int
zone(struct cur *c, const struct zctx *z, int *offset)
{
    char w[8];

    skip_spaces(c);
    if (at_end(c))
        return 0;
    if (peek(c) == '+' || peek(c) == '-')
        return numeric_zone(c, offset, 2);
    if (word(c, w, sizeof(w)) == 0)
        return -1;
    if (named_zone(w, z, offset) < 0)
        return -1;
    skip_spaces(c);
    /* "GMT+8", "UTC+08:00" */
    if (peek(c) == '+' || peek(c) == '-')
        return numeric_zone(c, offset, 1);
    return 0;
}

/* is_utc_name: a zone given by name must be UTC under one of its names;
 * the RFC 2822 rule that takes unknown names as -0000 is for reading
 * feeds, not for a configured zone ("Mars" is a mistake, not UTC). */
static int
is_utc_name(const struct cur *c)
{
    struct cur t = *c;
    char w[8];

    if (word(&t, w, sizeof(w)) == 0)
        return 1;
    return strcmp(w, "z") == 0 || strcmp(w, "utc") == 0 ||
           strcmp(w, "gmt") == 0 || strcmp(w, "ut") == 0;
}

int
date_parse_offset(const char *s, size_t n, int *offset)
{
    char tmp[32];
    struct cur c;
    struct zctx z = { 0, NULL };
    int off = 0;

    n = normalize(s, n, tmp, sizeof(tmp));
    if (n == 0)
        return -1;
    c.p = tmp;
    c.end = tmp + n;
    if (!is_utc_name(&c) || zone(&c, &z, &off) < 0 || !at_end(&c))
        return -1;
    *offset = off;
    return 0;
}

/* ---- ISO and CJK text dates -------------------------------------------- */

/* clock: "h:m[:s[.frac]]" with a trailing ':' tolerated (from 分). */
static int
clock_time(struct cur *c, int *h, int *mi, int *s)
{
    if (number(c, 1, 2, h) < 0 || !accept(c, ':'))
        return -1;
    *mi = *s = 0;
    if (number(c, 1, 2, mi) < 0)
        return at_end(c) || peek(c) == ' ' ? 0 : -1;
    if (accept(c, ':') && number(c, 1, 2, s) == 0 && accept(c, '.')) {
        int frac;

        while (number(c, 1, 9, &frac) == 0)
            ;
    }
    return 0;
}

static int
text_date(const char *s, size_t n, const struct zctx *z, int64_t *out)
{
    char tmp[96];
    struct cur c;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = z->local;
    char sep;

    n = normalize(s, n, tmp, sizeof(tmp));
    if (n == 0)
        return -1;
    c.p = tmp;
    c.end = tmp + n;
    if (number(&c, 4, 4, &y) < 0 || at_end(&c))
        return -1;
    sep = *c.p;
    if ((sep != '-' && sep != '/' && sep != '.') || !accept(&c, sep))
        return -1;
    if (number(&c, 1, 2, &mo) < 0 || !accept(&c, sep) ||
        number(&c, 1, 2, &d) < 0)
        return -1;
    if (accept(&c, 'T') || accept(&c, 't') || accept(&c, ' ')) {
        skip_spaces(&c);
        if (!at_end(&c) && clock_time(&c, &h, &mi, &sec) < 0)
            return -1;
    }
    if (zone(&c, z, &off) < 0)
        return -1;
    skip_spaces(&c);
    if (!at_end(&c) || !valid_civil(y, mo, d, h, mi, sec))
        return -1;
    *out = date_make(y, mo, d, h, mi, sec == 60 ? 59 : sec, off);
    return 0;
}

int
date_parse_text(const char *s, size_t n, int default_offset, int64_t *out)
{
    struct zctx z = { default_offset, NULL };

    return text_date(s, n, &z, out);
}

/* ---- RFC 822 and HTTP -------------------------------------------------- */

static int
month_index(const char *w)
{
    int i;

    if (strlen(w) < 3)
        return -1;
    for (i = 0; i < 12; i++)
        if (strncmp(w, month_names[i], 3) == 0)
            return i + 1;
    return -1;
}

static int
full_year(int y, size_t digits)
{
    if (digits > 2)
        return y;
    return y < 50 ? 2000 + y : 1900 + y;
}

/* rfc822_body: "D Mon YYYY hh:mm[:ss] [zone] [(comment)]" with ' ' or
 * '-' between the date parts (RFC 850 uses '-'). */
static int
rfc822_body(struct cur *c, const struct zctx *z, int64_t *out)
{
    int d, mo, y, h, mi, sec = 0, off = 0;
    const char *ystart;
    char w[16];

    if (number(c, 1, 2, &d) < 0)
        return -1;
    if (!accept(c, '-'))
        skip_spaces(c);
    if ((mo = (word(c, w, sizeof(w)), month_index(w))) < 0)
        return -1;
    if (!accept(c, '-'))
        skip_spaces(c);
    ystart = c->p;
    if (number(c, 2, 4, &y) < 0)
        return -1;
    y = full_year(y, (size_t)(c->p - ystart));
    skip_spaces(c);
    if (number(c, 1, 2, &h) < 0 || !accept(c, ':') || number(c, 2, 2, &mi) < 0)
        return -1;
    if (accept(c, ':') && number(c, 2, 2, &sec) < 0)
        return -1;
    if (zone(c, z, &off) < 0)
        return -1;
    comment(c);
    if (!at_end(c) || !valid_civil(y, mo, d, h, mi, sec))
        return -1;
    *out = date_make(y, mo, d, h, mi, sec == 60 ? 59 : sec, off);
    return 0;
}

static int
rfc822_date(const char *s, size_t n, const struct zctx *z, int64_t *out)
{
    char tmp[96], w[16];
    struct cur c;

    n = normalize(s, n, tmp, sizeof(tmp));
    if (n == 0)
        return -1;
    c.p = tmp;
    c.end = tmp + n;
    if (lower(peek(&c)) >= 'a' && lower(peek(&c)) <= 'z') {
        word(&c, w, sizeof(w)); /* weekday: not checked, often wrong */
        accept(&c, ',');
        accept(&c, '.');
        skip_spaces(&c);
    }
    return rfc822_body(&c, z, out);
}

int
date_parse_rfc822(const char *s, size_t n, int64_t *out)
{
    struct zctx z = { 0, NULL };

    return rfc822_date(s, n, &z, out);
}

/* asctime: "Sun Nov  6 08:49:37 1994" */
static int
asctime_date(struct cur *c, int64_t *out)
{
    int mo, d, h, mi, sec, y;
    char w[16];

    word(c, w, sizeof(w));
    skip_spaces(c);
    if ((mo = (word(c, w, sizeof(w)), month_index(w))) < 0)
        return -1;
    skip_spaces(c);
    if (number(c, 1, 2, &d) < 0)
        return -1;
    skip_spaces(c);
    if (number(c, 2, 2, &h) < 0 || !accept(c, ':') ||
        number(c, 2, 2, &mi) < 0 || !accept(c, ':') ||
        number(c, 2, 2, &sec) < 0)
        return -1;
    skip_spaces(c);
    if (number(c, 4, 4, &y) < 0 || !at_end(c) ||
        !valid_civil(y, mo, d, h, mi, sec))
        return -1;
    *out = date_make(y, mo, d, h, mi, sec == 60 ? 59 : sec, 0);
    return 0;
}

int
date_parse_http(const char *s, size_t n, int64_t *out)
{
    char tmp[64];
    struct cur c;
    const char *comma;

    n = normalize(s, n, tmp, sizeof(tmp));
    if (n == 0)
        return -1;
    comma = memchr(tmp, ',', n);
    c.p = tmp;
    c.end = tmp + n;
    if (comma == NULL)
        return asctime_date(&c, out);
    return date_parse_rfc822(tmp, n, out);
}

int
date_parse_any(const char *s, size_t n, int default_offset, int64_t *out)
{
    struct zctx z = { default_offset, NULL };

    if (text_date(s, n, &z, out) == 0)
        return 0;
    return rfc822_date(s, n, &z, out);
}

int
date_parse_feed(const char *s, size_t n, int local_offset,
                char unknown[DATE_ZONE_MAX], int64_t *out)
{
    struct zctx z = { local_offset, unknown };

    unknown[0] = '\0';
    if (rfc822_date(s, n, &z, out) == 0)
        return 0;
    unknown[0] = '\0';
    if (text_date(s, n, &z, out) == 0)
        return 0;
    unknown[0] = '\0';
    return -1;
}

/* ---- formatting -------------------------------------------------------- */

struct civil {
    int y, mo, d, h, mi, s, wday;
};

static void
to_civil(int64_t t, struct civil *c)
{
    int64_t days = t / 86400, rem = t % 86400;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &c->y, &c->mo, &c->d);
    c->h = (int)(rem / 3600);
    c->mi = (int)(rem % 3600 / 60);
    c->s = (int)(rem % 60);
    c->wday = (int)(((days % 7) + 7) % 7); /* 0 = Thursday 1970-01-01 */
}

/* The formatters below put their fields by hand: snprintf was a tenth
 * of rendering a feed, which formats two or three dates an item. */

/* put_num: v as width decimal digits, zero-padded; v fits them. */
static char *
put_num(char *p, int v, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static char *
put_str(char *p, const char *s)
{
    size_t n = strlen(s);

    memcpy(p, s, n);
    return p + n;
}

/* put_year: four digits, as "%04d" writes the years outside 0-9999 that
 * an absurd timestamp gives. */
static char *
put_year(char *p, int y)
{
    if (y >= 0 && y <= 9999)
        return put_num(p, y, 4);
    return p + snprintf(p, 16, "%04d", y);
}

/* put_clock: "HH:MM:SS". */
static char *
put_clock(char *p, const struct civil *c)
{
    p = put_num(p, c->h, 2);
    *p++ = ':';
    p = put_num(p, c->mi, 2);
    *p++ = ':';
    return put_num(p, c->s, 2);
}

/* put_ymd: "YYYY-MM-DD". */
static char *
put_ymd(char *p, const struct civil *c)
{
    p = put_year(p, c->y);
    *p++ = '-';
    p = put_num(p, c->mo, 2);
    *p++ = '-';
    return put_num(p, c->d, 2);
}

/* put_offset: "+HH:MM" (colon) or "+HHMM"; offsets are under a day. */
static char *
put_offset(char *p, int offset, int colon)
{
    int a = (offset < 0 ? -offset : offset) % 86400;

    *p++ = offset < 0 ? '-' : '+';
    p = put_num(p, a / 3600, 2);
    if (colon)
        *p++ = ':';
    return put_num(p, a % 3600 / 60, 2);
}

/* put_day_month_year: "Www, DD Mmm YYYY " as RFC 822 and HTTP dates
 * begin. */
static char *
put_day_month_year(char *p, const struct civil *c)
{
    p = put_str(p, day_names[c->wday]);
    p = put_str(p, ", ");
    p = put_num(p, c->d, 2);
    *p++ = ' ';
    p = put_str(p, month_caps[c->mo - 1]);
    *p++ = ' ';
    p = put_year(p, c->y);
    *p++ = ' ';
    return p;
}

void
date_format_rfc3339(int64_t t, int offset, char out[DATE_MAX])
{
    struct civil c;
    char *p;

    to_civil(t + offset, &c);
    p = put_ymd(out, &c);
    *p++ = 'T';
    p = put_clock(p, &c);
    *put_offset(p, offset, 1) = '\0';
}

void
date_format_rfc822(int64_t t, int offset, char out[DATE_MAX])
{
    struct civil c;
    char *p;

    to_civil(t + offset, &c);
    p = put_clock(put_day_month_year(out, &c), &c);
    *p++ = ' ';
    *put_offset(p, offset, 0) = '\0';
}

void
date_format_http(int64_t t, char out[DATE_MAX])
{
    struct civil c;

    to_civil(t, &c);
    strcpy(put_clock(put_day_month_year(out, &c), &c), " GMT");
}

void
date_format_day(int64_t t, int offset, char out[DATE_MAX])
{
    struct civil c;

    to_civil(t + offset, &c);
    *put_ymd(out, &c) = '\0';
}

void
date_format_clf(int64_t t, char out[DATE_MAX])
{
    struct civil c;
    char *p;

    to_civil(t, &c);
    p = put_num(out, c.d, 2);
    *p++ = '/';
    p = put_str(p, month_caps[c.mo - 1]);
    *p++ = '/';
    p = put_year(p, c.y);
    *p++ = ':';
    strcpy(put_clock(p, &c), " +0000");
}
