/*
 * find: walk directory trees and print the paths found.
 *
 *   find [PATH...] [-name PATTERN] [-type f|d|l]
 *
 *   PATH           where to start (default ".")
 *   -name PATTERN  print only entries whose last component matches the
 *                  shell pattern, e.g. '*.txt' (quote it from a shell)
 *   -type T        print only regular files (f), directories (d) or
 *                  symbolic links (l)
 *
 * The walk goes depth first and never follows symbolic links. Entries of
 * each directory are sorted by name, so the output does not depend on the
 * order in which the host lists them (real find prints them unsorted).
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   lstat -> path_filestat_get,   opendir/readdir -> path_open + fd_readdir
 *   fnmatch is pure C inside the guest: no host call at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *PROG = "find";
static const char *name_pattern = NULL;  /* -name */
static char type_filter = 0;             /* -type: 'f', 'd', 'l' or 0 */
static int status = 0;

static void fail(const char *path) {
    fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
    status = 1;
}

static int matches(const char *path, mode_t mode) {
    if (type_filter == 'f' && !S_ISREG(mode)) return 0;
    if (type_filter == 'd' && !S_ISDIR(mode)) return 0;
    if (type_filter == 'l' && !S_ISLNK(mode)) return 0;
    if (name_pattern != NULL) {
        /* the last component of the path: "b.txt" in "./a/b.txt" */
        const char *base = strrchr(path, '/');
        base = (base != NULL && base[1] != '\0') ? base + 1 : path;
        if (fnmatch(name_pattern, base, 0) != 0) return 0;
    }
    return 1;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        fail(path);
        return;
    }
    if (matches(path, st.st_mode)) printf("%s\n", path);
    if (!S_ISDIR(st.st_mode)) return;

    DIR *d = opendir(path);
    if (d == NULL) {
        fail(path);
        return;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names = realloc(names, (count + 1) * sizeof *names);
        if (names == NULL) { perror(PROG); exit(1); }
        names[count++] = strdup(e->d_name);
    }
    closedir(d);  /* close before descending: fewer open descriptors */
    qsort(names, count, sizeof *names, by_name);

    /* "." + "a" gives "./a"; "dir/" + "a" gives "dir/a", not "dir//a". */
    size_t plen = strlen(path);
    const char *sep = (plen > 0 && path[plen - 1] == '/') ? "" : "/";
    for (size_t i = 0; i < count; i++) {
        size_t len = plen + strlen(names[i]) + 2;
        char *child = malloc(len);
        snprintf(child, len, "%s%s%s", path, sep, names[i]);
        walk(child);
        free(child);
        free(names[i]);
    }
    free(names);
}

static int usage(void) {
    fprintf(stderr, "usage: %s [PATH...] [-name PATTERN] [-type f|d|l]\n", PROG);
    return 2;
}

int main(int argc, char **argv) {
    /* The paths come first, up to the first argument that starts with '-'. */
    int first_expr = 1;
    while (first_expr < argc && argv[first_expr][0] != '-') first_expr++;
    for (int i = first_expr; i < argc; i += 2) {
        if (i + 1 >= argc) return usage();
        if (strcmp(argv[i], "-name") == 0) {
            name_pattern = argv[i + 1];
        } else if (strcmp(argv[i], "-type") == 0 &&
                   strlen(argv[i + 1]) == 1 && strchr("fdl", argv[i + 1][0])) {
            type_filter = argv[i + 1][0];
        } else {
            return usage();
        }
    }
    if (first_expr == 1) {
        walk(".");
    } else {
        for (int i = 1; i < first_expr; i++) walk(argv[i]);
    }
    return status;
}
