/*
 * file: reading a file whole with a cap, writing one atomically.  The
 * two ways tidings touches whole files; everything else streams.
 */
#include "tidings/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tidings/buf.h"
#include "tidings/err.h"
#include "tidings/xalloc.h"

static int
read_fd(int fd, size_t max, struct buf *out, struct err *err)
{
    ssize_t n;

    for (;;) {
        size_t room = max ? max - out->len : 65536;

        if (buf_grow(out, room < 65536 ? room + 1 : 65536) < 0)
            return err_set(err, ERR_LIMIT, "file grew past %zu bytes", max);
        n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return err_errno(err, ERR_IO, "cannot read");
        if (n == 0)
            return 0;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
    }
}

int
file_read(const char *path, size_t max, struct buf *out, int64_t *mtime,
          struct err *err)
{
    struct stat sb;
    int fd, rc = -1;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return err_errno(err, ERR_IO, "cannot open");
    if (fstat(fd, &sb) < 0) {
        err_errno(err, ERR_IO, "cannot stat");
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        err_set(err, ERR_IO, "not a regular file");
        goto out;
    }
    if (max && (uintmax_t)sb.st_size > max) {
        err_set(err, ERR_LIMIT, "%jd bytes is larger than the limit of %zu",
                (intmax_t)sb.st_size, max);
        goto out;
    }
    if (mtime)
        *mtime = (int64_t)sb.st_mtime;
    if (buf_grow(out, (size_t)sb.st_size) < 0) {
        err_set(err, ERR_LIMIT, "%jd bytes does not fit", (intmax_t)sb.st_size);
        goto out;
    }
    rc = read_fd(fd, max ? out->len + max : 0, out, err);
out:
    close(fd);
    return rc;
}

int
file_make_parents(const char *path, struct err *err)
{
    char *copy = xstrdup(path), *p;
    int rc = 0;

    for (p = copy + 1; rc == 0 && (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            rc = err_errno(err, ERR_IO, "cannot create '%s'", copy);
        *p = '/';
    }
    free(copy);
    return rc;
}

static int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len, int64_t mtime,
                  struct err *err)
{
    return file_write_atomic_via(path, NULL, data, len, mtime, err);
}

int
file_clear_dir(const char *dir, struct err *err)
{
    struct buf name = BUF_INIT;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return err_errno(err, ERR_IO, "cannot create '%s'", dir);
    if ((d = opendir(dir)) == NULL)
        return err_errno(err, ERR_IO, "cannot open '%s'", dir);
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        buf_reset(&name);
        buf_appendf(&name, "%s/%s", dir, de->d_name);
        if (unlink(name.data) < 0 && errno != ENOENT)
            rc = err_errno(err, ERR_IO, "cannot remove '%s'", name.data);
    }
    closedir(d);
    buf_release(&name);
    return rc;
}

int
file_write_atomic_via(const char *path, const char *tmpdir, const void *data,
                      size_t len, int64_t mtime, struct err *err)
{
    struct buf tmp = BUF_INIT;
    struct timespec times[2];
    int fd, rc = -1;

    if (tmpdir != NULL)
        buf_appendf(&tmp, "%s/XXXXXX", tmpdir);
    else
        buf_appendf(&tmp, "%s.tmp-XXXXXX", path);
    if (file_make_parents(path, err) < 0)
        goto out;
    if ((fd = mkstemp(tmp.data)) < 0) {
        err_errno(err, ERR_IO, "cannot create '%s'", tmp.data);
        goto out;
    }
    times[0].tv_sec = times[1].tv_sec = (time_t)mtime;
    times[0].tv_nsec = times[1].tv_nsec = 0;
    if (write_all(fd, data, len) < 0 || fchmod(fd, 0644) < 0 ||
        (mtime > 0 && futimens(fd, times) < 0)) {
        err_errno(err, ERR_IO, "cannot write '%s'", tmp.data);
        close(fd);
        unlink(tmp.data);
        goto out;
    }
    if (close(fd) < 0 || rename(tmp.data, path) < 0) {
        err_errno(err, ERR_IO, "cannot write '%s'", path);
        unlink(tmp.data);
        goto out;
    }
    rc = 0;
out:
    buf_release(&tmp);
    return rc;
}
