/*
 * walk: a depth-first walk with a stack of open folders, each read whole
 * and sorted when it is entered.  Sorting each folder's names, a folder's
 * name taken with a '/' after it, gives the order of the whole paths under
 * one root compared with strcmp: two paths under the same folder first
 * differ inside the names of its entries, or where one name ends and the
 * other goes on, and there a folder's path goes on with '/'.  So whether
 * an entry is a folder that will be walked (readable, not too deep) is
 * settled when its folder is read.
 *
 * Invariants: stack[0..depth) are the folders on the way to the current
 * file, stack[i].next is the entry of stack[i] to look at next, and
 * `path` holds the path last returned.
 */
/* d_type, which saves a stat per file, is a BSD extension */
#define _DEFAULT_SOURCE
#include "tidings/walk.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tidings/buf.h"
#include "tidings/xalloc.h"

struct entry {
    char *key; /* the name, with '/' after it for a folder */
    int is_dir;
};

struct folder {
    char *path;
    struct entry *v;
    size_t len, next;
};

struct walk {
    char *const *paths;
    int npaths, next_path;
    struct folder stack[WALK_MAX_DEPTH + 1];
    int depth;
    struct buf path;
};

struct walk *
walk_new(char *const *paths, int npaths)
{
    struct walk *w = xcalloc(1, sizeof(*w));

    w->paths = paths;
    w->npaths = npaths;
    w->path = (struct buf)BUF_INIT;
    return w;
}

static void
folder_release(struct folder *f)
{
    size_t i;

    for (i = 0; i < f->len; i++)
        free(f->v[i].key);
    free(f->v);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

void
walk_free(struct walk *w)
{
    if (w == NULL)
        return;
    while (w->depth > 0)
        folder_release(&w->stack[--w->depth]);
    buf_release(&w->path);
    free(w);
}

/* join: dir + '/' + name into b, without doubling a '/' that ends dir. */
static void
join(struct buf *b, const char *dir, const char *name, size_t len)
{
    size_t n = strlen(dir);

    buf_reset(b);
    buf_append(b, dir, n);
    if (n == 0 || dir[n - 1] != '/')
        buf_putc(b, '/');
    buf_append(b, name, len);
}

/* is_folder: whether the entry is a folder that will be walked: one that
 * is too deep or unreadable is given as a file, and sorts as one.  stat
 * only when readdir's type does not say (symbolic links, file systems
 * without d_type). */
static int
is_folder(const struct dirent *de, const char *path, int depth)
{
    struct stat sb;

    if (depth > WALK_MAX_DEPTH)
        return 0;
#ifdef DT_DIR
    if (de->d_type == DT_REG)
        return 0;
    if (de->d_type != DT_DIR && (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)))
        return 0;
#else
    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return 0;
#endif
    return access(path, R_OK) == 0;
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key,
                  ((const struct entry *)b)->key);
}

/* add_entry: appends de, an entry of f at depth, with its key. */
static void
add_entry(struct folder *f, int depth, size_t *cap, const struct dirent *de,
          struct buf *scratch)
{
    size_t n = strlen(de->d_name);
    int dir;

    join(scratch, f->path, de->d_name, n);
    dir = is_folder(de, scratch->data, depth);
    if (f->len == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        f->v = xreallocarray(f->v, *cap, sizeof(*f->v));
    }
    f->v[f->len].key = xmalloc(n + 2);
    memcpy(f->v[f->len].key, de->d_name, n);
    f->v[f->len].key[n] = dir ? '/' : '\0';
    f->v[f->len].key[n + 1] = '\0';
    f->v[f->len++].is_dir = dir;
}

/* enter: pushes the folder at path, read and sorted; -1 (nothing pushed)
 * if it is too deep or cannot be read as a folder. */
static int
enter(struct walk *w, const char *path)
{
    struct folder *f = &w->stack[w->depth];
    struct buf scratch = BUF_INIT;
    struct dirent *de;
    struct stat sb;
    size_t cap = 0;
    DIR *d;

    if (w->depth > WALK_MAX_DEPTH || stat(path, &sb) < 0 ||
        !S_ISDIR(sb.st_mode) || (d = opendir(path)) == NULL)
        return -1;
    f->path = xstrdup(path);
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            add_entry(f, w->depth + 1, &cap, de, &scratch);
    closedir(d);
    buf_release(&scratch);
    if (f->len > 1)
        qsort(f->v, f->len, sizeof(*f->v), cmp_entry);
    w->depth++;
    return 0;
}

const char *
walk_next(struct walk *w)
{
    struct folder *top;
    struct entry *e;

    for (;;) {
        if (w->depth == 0) {
            if (w->next_path == w->npaths)
                return NULL;
            buf_reset(&w->path);
            buf_puts(&w->path, w->paths[w->next_path++]);
            if (enter(w, w->path.data) < 0)
                return w->path.data;
            continue;
        }
        top = &w->stack[w->depth - 1];
        if (top->next == top->len) {
            folder_release(&w->stack[--w->depth]);
            continue;
        }
        e = &top->v[top->next++];
        join(&w->path, top->path, e->key, strlen(e->key) - (size_t)e->is_dir);
        if (!e->is_dir || enter(w, w->path.data) < 0)
            return w->path.data;
    }
}

size_t
walk_count(char *const *paths, int npaths)
{
    struct walk *w = walk_new(paths, npaths);
    size_t n = 0;

    while (walk_next(w) != NULL)
        n++;
    walk_free(w);
    return n;
}
