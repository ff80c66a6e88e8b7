#ifndef TIDINGS_DATE_H
#define TIDINGS_DATE_H

/*
 * date: every date form tidings reads or writes, with no dependence on the
 * process's TZ or locale.  Times are int64_t seconds since the Unix epoch
 * (UTC); zones are fixed offsets in seconds east of UTC.  The parsers take
 * (s, n) and require the whole of it to be one date, give or take white
 * space; they return 0 and set *out, or -1 and leave *out alone.
 */

#include <stddef.h>
#include <stdint.h>

/* date_make: seconds since the epoch of a civil time at the given offset.
 * Fields are not range-checked here (the parsers check them). */
int64_t date_make(int year, int mon, int day, int hour, int min, int sec,
                  int offset);

/* date_parse_offset: "+08:00", "+0800", "-05", "Z", "UTC", "GMT". */
int date_parse_offset(const char *s, size_t n, int *offset);

/* date_parse_text: the dates found on news pages: ISO 8601 / RFC 3339
 * ("2013-06-05", "2013-06-05 10:20", "2013/6/5 10:20:00",
 * "2013-06-05T10:20:00+08:00") and the CJK form ("2013年6月5日 10:20",
 * "2013年6月5日10时20分").  Full-width digits and colons are accepted.  A
 * date without a zone is taken at default_offset. */
int date_parse_text(const char *s, size_t n, int default_offset, int64_t *out);

/* date_parse_rfc822: RFC 822/1123/2822 as found in real feeds: optional
 * weekday, 1- or 2-digit day, English month names of any case and length,
 * 2- or 4-digit years, optional seconds, numeric or named zones (a missing
 * or unknown zone is UTC, CST is US Central), a trailing comment
 * ("+0000 (UTC)").  Zone names: RFC 822's, and JST KST HKT SGT AWST ACST
 * AEST AEDT NZST NZDT CET CEST MET MEST EET EEST WET WEST BST MSK AKST
 * AKDT HST; IST and AST are ambiguous and unknown. */
int date_parse_rfc822(const char *s, size_t n, int64_t *out);

/* date_parse_feed: a date of a feed item, RFC 822 as above or a text form
 * as date_parse_text (at local_offset when it names no zone).  Where the
 * site is at +08:00 (local_offset), CST is China Standard Time, as
 * Chinese publishers mean it; elsewhere US Central.  A zone name it does
 * not know (read as UTC, RFC 2822 4.3) is copied to unknown, lower-case;
 * unknown is "" otherwise, and on failure. */
#define DATE_ZONE_MAX 8
int date_parse_feed(const char *s, size_t n, int local_offset,
                    char unknown[DATE_ZONE_MAX], int64_t *out);

/* date_parse_http: the three HTTP date forms of RFC 9110 5.6.7
 * (IMF-fixdate, RFC 850, asctime). */
int date_parse_http(const char *s, size_t n, int64_t *out);

/* date_parse_any: RFC 3339 / text forms first, then RFC 822; CST is
 * read as date_parse_feed reads it, with default_offset as the site's. */
int date_parse_any(const char *s, size_t n, int default_offset, int64_t *out);

#define DATE_MAX 40
/* "2013-06-05T10:20:00+08:00" ("Z" at offset 0 is not used: "+00:00"). */
void date_format_rfc3339(int64_t t, int offset, char out[DATE_MAX]);
/* "Wed, 05 Jun 2013 10:20:00 +0800" */
void date_format_rfc822(int64_t t, int offset, char out[DATE_MAX]);
/* "Wed, 05 Jun 2013 02:20:00 GMT" */
void date_format_http(int64_t t, char out[DATE_MAX]);
/* "2013-06-05" in the given zone */
void date_format_day(int64_t t, int offset, char out[DATE_MAX]);
/* "05/Jun/2013:02:20:00 +0000": the common/combined access-log form, UTC */
void date_format_clf(int64_t t, char out[DATE_MAX]);

#endif
