#ifndef TIDINGS_LINT_H
#define TIDINGS_LINT_H

/*
 * lint: checks a built site (SPEC 2 `tidings check`), so that a broken
 * feed can stop a CI pipeline before it reaches a reader.  Every file
 * below the folder is looked at by its name: rss.xml as RSS 2.0,
 * atom.xml and archive/N.xml as Atom (current feed or RFC 5005 archive
 * page), feed.json as JSON Feed, *.opml as OPML, any other *.xml or
 * *.xsl for well-formedness alone.  Checked:
 *
 *  - well-formedness, which includes XML 1.0's character ranges (JSON
 *    strings are held to the same ranges);
 *  - dates: RFC 822 in RSS (with a weekday that matches the date),
 *    RFC 3339 in Atom and JSON Feed;
 *  - URLs: links, hrefs, feed and home page URLs are absolute http(s);
 *    Atom ids are absolute IRIs;
 *  - self links: present, and equal to base_url plus the file's path;
 *  - ids (RSS guid, Atom id, JSON id) unique within a document;
 *  - budgets: at most feed_items items and feed_max_bytes bytes in a
 *    current feed, at most archive_page entries in an archive page, as
 *    the configuration given says (not the one the site was built with);
 *    and at least one item in a current feed whose archive pages hold
 *    entries (the feed has articles, so an empty one means none fitted
 *    the budget).
 */

struct buf;
struct conf;
struct err;

/* lint_site: checks every document below dir against the configuration
 * c (base_url and budgets).  Each fault is appended to report as one line
 * "PATH[:LINE]: what".  Returns the number of faults, or -1 with ERR_IO
 * when dir cannot be read at all, ERR_NOTFOUND when it holds no site (no
 * rss.xml: an empty folder must not pass). */
long lint_site(const char *dir, const struct conf *c, struct buf *report,
               struct err *err);

#endif
