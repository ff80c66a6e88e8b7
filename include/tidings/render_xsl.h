#ifndef TIDINGS_RENDER_XSL_H
#define TIDINGS_RENDER_XSL_H

/*
 * render_xsl: /feed.xsl, the XSLT 1.0 stylesheet that every feed names in
 * <?xml-stylesheet?>, so that a browser opening an RSS or Atom document
 * shows a readable page with a hint on how to subscribe instead of raw XML
 * or a download (SPEC 6).
 */

struct buf;
struct conf;
struct err;

/* render_xsl: the stylesheet, appended to out.  Returns 0, or -1 with
 * err. */
int render_xsl(const struct conf *c, struct buf *out, struct err *err);

#endif
