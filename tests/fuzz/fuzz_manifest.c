/*
 * fuzz_manifest: a folder's manifest (and pending list) as any bytes.
 * The manifest is data on disk that the next build trusts to say which
 * files to remove, so a line it accepts must name a path inside the
 * folder; anything else is refused with ERR_PARSE.  A broken rule aborts,
 * which libFuzzer reports like a crash.  The bytes go through a real file
 * in a temporary folder, as export_begin reads them.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tidings/err.h"
#include "tidings/export.h"
#include "tidings/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* put: name in dir holds exactly data (the other file is removed). */
static void
put(const char *dir, const char *name, const char *other, const uint8_t *data,
    size_t size)
{
    char path[512];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, other);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);
}

/* inside: a path a build may remove: absolute, every segment neither
 * empty, "." nor "..", and no backslash.  Put another way than export.c's
 * safe_path, so that the two do not share a mistake: with a '/' appended,
 * a bad segment anywhere shows as "//", "/./" or "/../". */
static int
inside(const char *p)
{
    char q[8192 + 2];
    size_t n = strlen(p);

    if (n + 2 > sizeof(q))
        abort(); /* a manifest line is shorter */
    memcpy(q, p, n);
    memcpy(q + n, "/", 2);
    return p[0] == '/' && strchr(p, '\\') == NULL && strstr(q, "//") == NULL &&
           strstr(q, "/./") == NULL && strstr(q, "/../") == NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[] = "/tmp/fuzz-manifest-XXXXXX";
    static int made;
    struct export *x = NULL;
    struct err err = ERR_INIT;
    struct site s;
    size_t i;

    if (!made && (made = mkdtemp(dir) != NULL) == 0)
        abort();
    /* the first byte picks the file: the manifest, or the pending list a
     * killed build leaves */
    if (size > 0 && (data[0] & 1))
        put(dir, EXPORT_PENDING, EXPORT_MANIFEST, data + 1, size - 1);
    else
        put(dir, EXPORT_MANIFEST, EXPORT_PENDING, data, size);
    if (export_begin(&x, dir, &err) < 0) {
        if (err.code != ERR_PARSE)
            abort();
        return 0;
    }
    site_init(&s);
    export_index(x, &s);
    for (i = 0; i < s.ndocs; i++)
        if (!inside(s.docs[i].path))
            abort();
    site_release(&s);
    export_free(x);
    return 0;
}
