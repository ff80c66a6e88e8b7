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
 * A folder that is already on the stack (a symbolic link back up, a
 * loop) is left out when its parent is read, so the walk never goes round
 * it.
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
    dev_t dev; /* which folder it is, to see a loop */
    ino_t ino;
    struct entry *v;
    size_t len, next;
};

enum kind {
    KIND_FILE,
    KIND_FOLDER,
    KIND_LOOP,
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

/* is_ancestor: whether the folder sb is one of stack[0..depth]: the
 * folders on the way down, and the one being read. */
static int
is_ancestor(const struct walk *w, const struct stat *sb)
{
    int i;

    for (i = 0; i <= w->depth; i++)
        if (w->stack[i].dev == sb->st_dev && w->stack[i].ino == sb->st_ino)
            return 1;
    return 0;
}

/* entry_kind: KIND_FOLDER for a folder that will be walked; KIND_LOOP for
 * a folder already being walked higher up, which is left out; KIND_FILE
 * for the rest: a folder that is too deep or unreadable is given as a
 * file, and sorts as one.  No stat when readdir's type says it is a
 * regular file. */
static enum kind
entry_kind(const struct walk *w, const struct dirent *de, const char *path,
           int depth)
{
    struct stat sb;

#ifdef DT_REG
    if (de->d_type == DT_REG)
        return KIND_FILE;
#else
    (void)de;
#endif
    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
        return KIND_FILE;
    if (is_ancestor(w, &sb))
        return KIND_LOOP;
    if (depth > WALK_MAX_DEPTH)
        return KIND_FILE;
    return access(path, R_OK) == 0 ? KIND_FOLDER : KIND_FILE;
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key,
                  ((const struct entry *)b)->key);
}

/* add_entry: appends de, an entry of the folder being read at depth,
 * with its key; a loop is left out. */
static void
add_entry(struct walk *w, int depth, size_t *cap, const struct dirent *de,
          struct buf *scratch)
{
    struct folder *f = &w->stack[w->depth];
    size_t n = strlen(de->d_name);
    enum kind kind;
    int dir;

    join(scratch, f->path, de->d_name, n);
    if ((kind = entry_kind(w, de, scratch->data, depth)) == KIND_LOOP)
        return;
    dir = kind == KIND_FOLDER;
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
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            add_entry(w, w->depth + 1, &cap, de, &scratch);
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
