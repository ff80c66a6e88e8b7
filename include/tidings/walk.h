#ifndef TIDINGS_WALK_H
#define TIDINGS_WALK_H

/*
 * walk: the files under a list of paths, one at a time, in a reproducible
 * order.  Each path given is a file, or a folder whose files are walked
 * recursively (names starting with '.' skipped, symbolic links followed
 * but not back into a folder being walked, at most WALK_MAX_DEPTH folders
 * deep); the files under one path come in
 * the order of their whole paths compared with strcmp, and the paths given
 * in their own order.  A path that cannot be read as a folder (missing,
 * unreadable, too deep) is given as it is, so that opening it reports why.
 *
 * Only the folders on the way to the current file are held, each as its
 * sorted list of names, so memory grows with the depth and the width of
 * one folder, not with the number of files.
 */

#include <stddef.h>

#define WALK_MAX_DEPTH 64

struct walk;

/* walk_new: a walk over paths[0..npaths), which must outlive it. */
struct walk *walk_new(char *const *paths, int npaths);
/* walk_free: NULL is fine. */
void walk_free(struct walk *w);

/* walk_next: the next file's path, valid until the next call; NULL at the
 * end. */
const char *walk_next(struct walk *w);

/* walk_count: how many paths a walk over the same paths would give. */
size_t walk_count(char *const *paths, int npaths);

#endif
