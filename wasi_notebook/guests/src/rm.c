/*
 * rm: remove files (and, with -r, directory trees).
 *
 *   rm [-r] [-f] PATH...
 *
 *   -r  remove directories and everything in them
 *   -f  say nothing about paths that do not exist
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   lstat  -> path_filestat_get (without following symlinks: a symlink to
 *             a directory is removed itself, its target is left alone)
 *   unlink -> path_unlink_file,   rmdir -> path_remove_directory
 *   opendir/readdir -> path_open + fd_readdir
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *PROG = "rm";
static int recursive = 0;  /* -r */
static int force = 0;      /* -f */

static int fail(const char *path) {
    if (force && errno == ENOENT) return 0;
    fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
    return 1;
}

static int remove_path(const char *path);

/* Remove everything inside the directory, then the directory itself. */
static int remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) return fail(dir);
    /*
     * Read all the names before deleting any: removing entries while a
     * directory is being read leaves it to the host whether the listing
     * skips or repeats names.
     */
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
    closedir(d);

    int status = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *child = malloc(len);
        snprintf(child, len, "%s/%s", dir, names[i]);
        status |= remove_path(child);
        free(child);
        free(names[i]);
    }
    free(names);
    if (status == 0 && rmdir(dir) != 0) status = fail(dir);
    return status;
}

static int remove_path(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return fail(path);
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            errno = EISDIR;
            return fail(path);
        }
        return remove_tree(path);
    }
    if (unlink(path) != 0) return fail(path);
    return 0;
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "rRf")) != -1) {
        switch (opt) {
        case 'r': case 'R': recursive = 1; break;
        case 'f': force = 1; break;
        default:
            fprintf(stderr, "usage: %s [-r] [-f] PATH...\n", PROG);
            return 2;
        }
    }
    if (optind == argc && !force) {
        fprintf(stderr, "usage: %s [-r] [-f] PATH...\n", PROG);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++)
        status |= remove_path(argv[i]);
    return status;
}
