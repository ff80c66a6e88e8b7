#ifndef TIDINGS_FILE_H
#define TIDINGS_FILE_H

/*
 * file: whole-file reads with a size cap, and atomic writes.
 */

#include <stddef.h>
#include <stdint.h>

struct buf;
struct err;

/* file_read: appends the bytes of path to out.  More than max bytes (0: no
 * cap) is ERR_LIMIT, checked with fstat before reading, so a huge file
 * costs nothing.  *mtime (if set) gets the file's modification time.
 * Errors: ERR_IO (with errno text) or ERR_LIMIT; out then holds part of
 * the file or nothing. */
int file_read(const char *path, size_t max, struct buf *out, int64_t *mtime,
              struct err *err);

/* file_write_atomic: path gets exactly these bytes or stays as it was: they
 * are written to a temporary file in the same folder (created with its
 * parents) and renamed over path.  The file's mtime is set to mtime when
 * mtime > 0.  Not fsync'ed: a crash of the process never leaves half a
 * file under path, a crash of the machine may lose the new bytes. */
int file_write_atomic(const char *path, const void *data, size_t len,
                      int64_t mtime, struct err *err);

/* file_write_atomic_via: as file_write_atomic, with the temporary file
 * made in tmpdir (which must be on the same file system) rather than
 * beside path, so that whatever a killed writer leaves behind is in one
 * place that the next run can empty (file_clear_dir). */
int file_write_atomic_via(const char *path, const char *tmpdir,
                          const void *data, size_t len, int64_t mtime,
                          struct err *err);

/* file_clear_dir: creates dir if it is missing and removes the files in
 * it (not recursing).  Returns 0, or -1 with ERR_IO. */
int file_clear_dir(const char *dir, struct err *err);

/* file_make_parents: creates the folders above path. */
int file_make_parents(const char *path, struct err *err);

#endif
