/*
 * Tests of walk: its order is the one import always had (every path under
 * a root collected, then sorted with strcmp), which is written out again
 * here as the reference, over a tree of names chosen to sort differently
 * as names and as paths, hidden files, an empty folder, a symbolic link to
 * a folder and one that loops.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "testutil.h"
#include "tidings/buf.h"
#include "tidings/walk.h"
#include "tidings/xalloc.h"

struct list {
    char **v;
    size_t len, cap;
};

static void
add(struct list *l, const char *s)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    l->v[l->len++] = xstrdup(s);
}

static void
release(struct list *l)
{
    while (l->len > 0)
        free(l->v[--l->len]);
    free(l->v);
}

/* The folders on the way down, to skip a loop as import does. */
struct up {
    dev_t dev;
    ino_t ino;
    const struct up *up;
};

static int
is_up(const struct up *a, const struct stat *sb)
{
    for (; a != NULL; a = a->up)
        if (a->dev == sb->st_dev && a->ino == sb->st_ino)
            return 1;
    return 0;
}

/* collect: the walk import used to do, before sorting. */
static void
collect(struct list *l, const char *path, const struct up *up, int depth)
{
    struct dirent *de;
    struct stat sb;
    struct up self;
    DIR *d;

    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && is_up(up, &sb))
        return;
    if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || depth > WALK_MAX_DEPTH ||
        (d = opendir(path)) == NULL) {
        add(l, path);
        return;
    }
    self.dev = sb.st_dev;
    self.ino = sb.st_ino;
    self.up = up;
    while ((de = readdir(d)) != NULL) {
        struct buf child = BUF_INIT;

        if (de->d_name[0] == '.')
            continue;
        buf_appendf(&child, "%s%s%s", path,
                    path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
        collect(l, child.data, &self, depth + 1);
        buf_release(&child);
    }
    closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
make_tree(void)
{
    static const char *const files[] = {
        "t/a/b/x",     "t/a/b.txt",  "t/a/b-c",       "t/a/b/y/z", "t/a/bz",
        "t/a/.hidden", "t/a/A",      "t/a/b0/q",      "t/c",       "t/c.d/e",
        "t/中文/文件", "t/中文.txt", "t/a/b/y/z.txt", "u",
    };
    size_t i;
    int rc = 0;

    rc |= mkdir(test_path("t"), 0755) | mkdir(test_path("t/a"), 0755);
    rc |= mkdir(test_path("t/a/b"), 0755) | mkdir(test_path("t/a/b/y"), 0755);
    rc |= mkdir(test_path("t/a/b0"), 0755) | mkdir(test_path("t/c.d"), 0755);
    rc |= mkdir(test_path("t/中文"), 0755) | mkdir(test_path("t/empty"), 0755);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        rc |= test_write_str(test_path("%s", files[i]), "x");
    rc |= symlink(test_path("t/a/b"), test_path("t/link"));
    rc |= symlink("..", test_path("t/c.d/loop"));
    return rc;
}

/* same_order: walk over paths gives what the reference gives. */
static int
same_order(char *const *paths, int n, size_t *count)
{
    struct list want = { NULL, 0, 0 };
    struct walk *w = walk_new(paths, n);
    const char *got;
    size_t i = 0, first;
    int k, ok = 1;

    for (k = 0; k < n; k++) {
        first = want.len;
        collect(&want, paths[k], NULL, 0);
        qsort(want.v + first, want.len - first, sizeof(*want.v), cmp_str);
    }
    while (ok && (got = walk_next(w)) != NULL)
        ok = i < want.len && strcmp(got, want.v[i++]) == 0;
    ok = ok && i == want.len && walk_count(paths, n) == want.len;
    *count = want.len;
    walk_free(w);
    release(&want);
    return ok;
}

static void
walk_order_is_path_order(void)
{
    char *paths[4];
    size_t n = 0;

    CHECK(make_tree() == 0);
    paths[0] = xstrdup(test_path("t"));
    paths[1] = xstrdup(test_path("u"));
    paths[2] = xstrdup(test_path("missing"));
    paths[3] = xstrdup(test_path("t/a/"));
    CHECK(same_order(paths, 4, &n));
    /* the loop is left out: 15 files under t (3 of them through the link),
     * u, missing, and 8 under t/a/ */
    CHECK_MSG(n == 25, "%zu paths", n);
    for (n = 0; n < 4; n++)
        free(paths[n]);
}

static void
walk_of_nothing(void)
{
    struct walk *w = walk_new(NULL, 0);

    CHECK(walk_next(w) == NULL);
    CHECK(walk_next(w) == NULL);
    walk_free(w);
    CHECK_INT_EQ(walk_count(NULL, 0), 0);
}

const struct test tests_walk[] = {
    { "walk_order_is_path_order", walk_order_is_path_order },
    { "walk_of_nothing", walk_of_nothing },
    { NULL, NULL },
};
