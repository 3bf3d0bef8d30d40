/*
 * mv: rename or move files and directories.
 *
 *   mv SOURCE DEST            rename SOURCE to DEST
 *   mv SOURCE... DIRECTORY    move each SOURCE into DIRECTORY
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   stat   -> path_filestat_get   (is DEST a directory?)
 *   rename -> path_rename, which takes two (directory fd, path) pairs:
 *             wasi-libc finds the preopened directory that holds each path.
 * A rename never copies data, so moving between two different preopened
 * directories may fail (EXDEV) when the host keeps them on different
 * filesystems.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *PROG = "mv";

static int move(const char *src, const char *dst) {
    if (rename(src, dst) != 0) {
        /* Name the source: that is usually the path that is wrong. */
        fprintf(stderr, "%s: %s: %s\n", PROG, src, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOURCE DEST | %s SOURCE... DIRECTORY\n", PROG, PROG);
        return 2;
    }
    const char *dest = argv[argc - 1];
    struct stat st;
    int into_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc > 3 && !into_dir) {
        fprintf(stderr, "%s: %s: %s\n", PROG, dest, strerror(ENOTDIR));
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        if (!into_dir) {
            status |= move(argv[i], dest);
            continue;
        }
        char *tmp = strdup(argv[i]);  /* basename may modify its argument */
        const char *base = basename(tmp);
        size_t len = strlen(dest) + strlen(base) + 2;
        char *target = malloc(len);
        snprintf(target, len, "%s/%s", dest, base);
        status |= move(argv[i], target);
        free(target);
        free(tmp);
    }
    return status;
}
