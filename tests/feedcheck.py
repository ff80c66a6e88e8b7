#!/usr/bin/python3
"""feedcheck: reads a site built by `tidings build` with a real feed reader
(Debian's python3-feedparser) and compares what it sees with what the store
holds.

usage: command -p python3 tests/feedcheck.py FEEDS_DIR EXPECTED.json FEED_ITEMS

EXPECTED.json is a list of the store's articles: feed_id, title, author,
source, category, link, summary, published and updated (seconds since the
epoch).  Every feed listed in feeds.opml is checked: its RSS and Atom
documents parse with bozo == 0, hold the newest min(FEED_ITEMS, n)
articles of the feed, newest first, with titles, authors, categories,
links, summaries and dates (published; updated where the format carries
it: Atom, JSON Feed) equal to the store's, a summary read as the reader
reads it (an HTML one with its references decoded: RSS descriptions are
HTML); feed.json holds the same ids, summaries and dates; and the RFC
5005 archive chain from atom.xml holds every article of the feed exactly
once.  Prints one line per problem and exits 1 if there was any.
"""
import calendar
import datetime
import html
import json
import os
import sys
import xml.etree.ElementTree as ET

import feedparser

problems = []


def problem(msg):
    problems.append(msg)
    print(msg)


def local(url, base):
    assert url.startswith(base), url
    return url[len(base):]


def members(kind, name, articles):
    if kind == "site":
        return articles
    if kind == "Categories":
        return [a for a in articles if a["category"] and
                (a["category"] == name or a["category"].startswith(name + "/"))]
    key = "source" if kind == "Sources" else "author"
    return [a for a in articles if a[key] == name]


def newest(arts):
    # newest first: published, then feed id (as the store orders them)
    by_id = sorted(arts, key=lambda a: a["feed_id"])
    return sorted(by_id, key=lambda a: -a["published"])


def parse(path):
    with open(path, "rb") as f:
        d = feedparser.parse(f.read())
    if d.bozo:
        problem("%s: bozo: %s" % (path, d.bozo_exception))
    return d


def summary_of(e):
    """The summary as a reader shows it: the text of an HTML one."""
    s = e.get("summary")
    detail = e.get("summary_detail") or {}
    if s is not None and detail.get("type") in ("text/html", "application/xhtml+xml"):
        s = html.unescape(s)
    return s


def compare_entry(path, e, a, has_updated):
    if e.get("title") != a["title"]:
        problem("%s: %s: title %r != %r" % (path, a["feed_id"], e.get("title"), a["title"]))
    if e.get("author") != a["author"]:
        problem("%s: %s: author %r != %r" % (path, a["feed_id"], e.get("author"), a["author"]))
    tags = [t.term for t in e.get("tags", [])]
    want = [a["category"]] if a["category"] else []
    if tags != want:
        problem("%s: %s: tags %r != %r" % (path, a["feed_id"], tags, want))
    if e.get("link") != a["link"]:
        problem("%s: %s: link %r != %r" % (path, a["feed_id"], e.get("link"), a["link"]))
    when = e.get("published_parsed")
    if when is None or calendar.timegm(when) != a["published"]:
        problem("%s: %s: published %r != %r" % (path, a["feed_id"], when, a["published"]))
    if summary_of(e) != a["summary"]:
        problem("%s: %s: summary %r != %r" % (path, a["feed_id"], summary_of(e), a["summary"]))
    # feedparser gives RSS items the pubDate as updated: only Atom has one
    when = e.get("updated_parsed") if has_updated else None
    if has_updated and (when is None or calendar.timegm(when) != a["updated"]):
        problem("%s: %s: updated %r != %r" % (path, a["feed_id"], when, a["updated"]))


def epoch(rfc3339):
    return int(datetime.datetime.fromisoformat(rfc3339).timestamp()) if rfc3339 else None


def compare_json_item(path, it, a):
    if it.get("summary") != a["summary"]:
        problem("%s: %s: summary %r != %r" % (path, a["feed_id"], it.get("summary"), a["summary"]))
    for key, want in (("date_published", "published"), ("date_modified", "updated")):
        if epoch(it.get(key)) != a[want]:
            problem("%s: %s: %s %r != %r" % (path, a["feed_id"], key, it.get(key), a[want]))


def check_current(path, arts, limit, by_id, is_atom):
    d = parse(path)
    want = newest(arts)[:limit]
    got = [e.get("id") for e in d.entries]
    if got != [a["feed_id"] for a in want]:
        problem("%s: entries %r, expected %r" % (path, got, [a["feed_id"] for a in want]))
    for e in d.entries:
        if e.get("id") in by_id:
            compare_entry(path, e, by_id[e.get("id")], is_atom)
    return d


def check_archives(root, base, d, arts, by_id):
    seen = []
    url = next((l.href for l in d.feed.get("links", []) if l.rel == "prev-archive"), None)
    pages = 0
    while url and pages < 10000:
        path = os.path.join(root, local(url, base).lstrip("/"))
        page = parse(path)
        for e in page.entries:
            seen.append(e.get("id"))
            if e.get("id") in by_id:
                compare_entry(path, e, by_id[e.get("id")], True)
        url = next((l.href for l in page.feed.get("links", []) if l.rel == "prev-archive"), None)
        pages += 1
    if sorted(seen) != sorted(a["feed_id"] for a in arts):
        problem("%s: archives hold %r, expected %r" % (d.get("href", "?"), sorted(seen),
                                                       sorted(a["feed_id"] for a in arts)))
    return pages


def main():
    root, expected, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(expected, encoding="utf-8") as f:
        articles = json.load(f)
    by_id = {a["feed_id"]: a for a in articles}
    opml = ET.parse(os.path.join(root, "feeds.opml")).getroot()
    base = None
    feeds = []
    for o in opml.find("body"):
        if o.get("xmlUrl"):
            feeds.append(("site", None, o.get("xmlUrl")))
        for c in o:
            feeds.append((o.get("text"), c.get("text"), c.get("xmlUrl")))
    base = feeds[0][2][:-len("/rss.xml")]
    nfeeds = npages = 0
    for kind, name, url in feeds:
        arts = members(kind, name, articles)
        folder = os.path.join(root, local(url, base).lstrip("/")[:-len("rss.xml")])
        check_current(os.path.join(folder, "rss.xml"), arts, limit, by_id, False)
        d = check_current(os.path.join(folder, "atom.xml"), arts, limit, by_id, True)
        with open(os.path.join(folder, "feed.json"), encoding="utf-8") as f:
            j = json.load(f)
        ids = [i["id"] for i in j["items"]]
        if ids != [a["feed_id"] for a in newest(arts)[:limit]]:
            problem("%sfeed.json: items %r" % (folder, ids))
        for it in j["items"]:
            if it["id"] in by_id:
                compare_json_item(folder + "feed.json", it, by_id[it["id"]])
        npages += check_archives(root, base, d, arts, by_id)
        nfeeds += 1
    print("%d feeds, %d archive pages, %d problems" % (nfeeds, npages, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
