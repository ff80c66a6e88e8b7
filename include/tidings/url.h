#ifndef TIDINGS_URL_H
#define TIDINGS_URL_H

/*
 * url: the URL rules importers share.  Links found in untrusted input are
 * cleaned, checked against an allow-list of schemes and made absolute
 * (SPEC 1.5: many readers ignore xml:base), by the reference resolution
 * of RFC 3986 section 5.2 with dot segments removed.
 *
 * Resolution is idempotent: resolving a result again, against any base,
 * gives the same bytes, which the sanitizer's fixpoint relies on.
 */

#include <stddef.h>

struct buf;

/* url_resolve: appends to out the absolute form of ref (n bytes) against
 * base.  ref is cleaned first: white space and control characters at the
 * ends are dropped, tabs and line breaks inside are removed (as browsers
 * do) and spaces become %20.  A ref with a scheme other than http, https,
 * mailto, ftp and tel is refused, however it is disguised (any case,
 * control characters or white space inside, character references such as
 * "&#106;" or "&colon;" left undecoded): javascript:, vbscript: and data:
 * never pass.  When base is NULL or not absolute, a relative ref is
 * appended as cleaned.  Returns 0, or -1 (out untouched) for a refused or
 * empty ref. */
int url_resolve(const char *base, const char *ref, size_t n, struct buf *out);

/* url_has_scheme: true when s starts with a scheme ("https:",
 * "mailto:"): what url_resolve gives is then usable on its own. */
int url_has_scheme(const char *s);

/* url_is_absolute: true when s starts with "http://" or "https://" (any
 * case) followed by a host. */
int url_is_absolute(const char *s);

/* url_is_iri: true when s is an absolute IRI as Atom ids must be (RFC
 * 4287 4.2.6, RFC 3987): a scheme, ':', something, and no white space. */
int url_is_iri(const char *s);

/* url_host: the authority of url ("https://www.example.org:8080/x" ->
 * "www.example.org", no port) into out, cut to cap bytes with its NUL. */
void url_host(const char *url, char *out, size_t cap);

#endif
