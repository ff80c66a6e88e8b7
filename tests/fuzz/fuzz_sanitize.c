/*
 * fuzz_sanitize: the sanitizer on any bytes.  Its output must hold only
 * the allow-list (no script, no event attribute, no javascript:, data: or
 * vbscript: URL) and be a fixpoint: sanitizing it again changes nothing.
 * The text form must not fail on what the HTML form accepts.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf a = BUF_INIT, t = BUF_INIT;
    struct err err = ERR_INIT;
    const char *base =
        size > 0 && data[0] & 1 ? "https://example.org/a/b.html" : NULL;

    if (sanitize_html((const char *)data, size, base, &a, &err) == 0) {
        check_body(a.data, base);
        if (sanitize_text((const char *)data, size, &t, &err) != 0)
            abort();
        check_text(t.data);
    }
    buf_release(&a);
    buf_release(&t);
    return 0;
}
