/*
 * fuzz_htmlscan: the sanitizer's scan of tags (sanitize_count_tags)
 * against libxml2's HTML parser itself.  The scan guards the parser from
 * start tags of too many attributes, so it must never count fewer than
 * the parser builds: for any input the scan lets through, no element of
 * the tree has more attributes than the scan's largest tag, and the tree
 * has no more attributes in all than the scan counted.  The input is made
 * valid UTF-8 first, as every caller of the parser does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/HTMLparser.h>

#include "tidings/buf.h"
#include "tidings/sanitize.h"
#include "tidings/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OPTIONS                                                                \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |              \
     HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT)

/* tree_attrs: the attributes of the tree in all, and the most on one
 * element in *most. */
static size_t
tree_attrs(xmlNode *top, size_t *most)
{
    xmlNode *n = top;
    size_t all = 0, k;
    xmlAttr *a;

    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            for (k = 0, a = n->properties; a != NULL; a = a->next)
                k++;
            all += k;
            *most = k > *most ? k : *most;
        }
        if (n->children != NULL && n->type != XML_ATTRIBUTE_NODE) {
            n = n->children;
            continue;
        }
        while (n != NULL && n->next == NULL)
            n = n->parent;
        if (n != NULL)
            n = n->next;
    }
    return all;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf valid = BUF_INIT;
    const char *s = (const char *)data;
    struct sanitize_tags t;
    htmlParserCtxtPtr ctxt;
    xmlDoc *doc;
    size_t most = 0, all;

    if (utf8_check(s, size) != size) {
        utf8_append_xml(&valid, s, size);
        s = valid.data;
        size = valid.len;
    }
    sanitize_count_tags(s, size, &t);
    if (t.most > 256 || size == 0) {
        buf_release(&valid);
        return 0; /* refused before parsing */
    }
    ctxt = htmlNewParserCtxt();
    doc = htmlCtxtReadMemory(ctxt, s, (int)size, NULL, "UTF-8", OPTIONS);
    all = doc != NULL ? tree_attrs(doc->children, &most) : 0;
    if (most > t.most || all > t.attrs) {
        fprintf(stderr, "scan %zu most, %zu in all; tree %zu most, %zu\n",
                t.most, t.attrs, most, all);
        abort();
    }
    xmlFreeDoc(doc);
    htmlFreeParserCtxt(ctxt);
    buf_release(&valid);
    return 0;
}
