/*
 * mkdir: make directories.
 *
 *   mkdir [-p] DIR...
 *
 *   -p  make missing parent directories too, and do not complain when a
 *       directory already exists
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   mkdir -> path_create_directory (WASI has no permission bits, so the
 *            mode argument of mkdir() is ignored)
 *   stat  -> path_filestat_get
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *PROG = "mkdir";

/* mkdir that succeeds when the directory is already there. */
static int mkdir_exist_ok(const char *path) {
    if (mkdir(path, 0777) == 0) return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    errno = saved;
    return -1;
}

/* -p: create "a", then "a/b", then "a/b/c" for "a/b/c". */
static int make_parents(const char *path) {
    char *p = strdup(path);
    int rc = 0;
    for (char *slash = p + 1; *slash != '\0'; slash++) {
        if (*slash != '/') continue;
        *slash = '\0';  /* cut the path here for a moment */
        rc = mkdir_exist_ok(p);
        *slash = '/';
        if (rc != 0) break;
    }
    if (rc == 0) rc = mkdir_exist_ok(p);
    free(p);
    return rc;
}

int main(int argc, char **argv) {
    int parents = 0;
    int opt;
    while ((opt = getopt(argc, argv, "p")) != -1) {
        if (opt == 'p') {
            parents = 1;
        } else {
            fprintf(stderr, "usage: %s [-p] DIR...\n", PROG);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "usage: %s [-p] DIR...\n", PROG);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        int rc = parents ? make_parents(argv[i]) : mkdir(argv[i], 0777);
        if (rc != 0) {
            fprintf(stderr, "%s: %s: %s\n", PROG, argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
