/*
 * ln: make links between files.
 *
 *   ln TARGET LINK_NAME       hard link: a second name for the same file
 *   ln -s TARGET LINK_NAME    symbolic link: a small file holding the text
 *                             TARGET, which is resolved when LINK_NAME is used
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   link    -> path_link
 *   symlink -> path_symlink. The target is stored as given, not checked:
 *              a symlink may dangle. A host must refuse to follow one that
 *              leads outside the preopened directory (an absolute target,
 *              or too many "..").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *PROG = "ln";

int main(int argc, char **argv) {
    int symbolic = 0;
    int opt;
    while ((opt = getopt(argc, argv, "s")) != -1) {
        if (opt == 's') {
            symbolic = 1;
        } else {
            fprintf(stderr, "usage: %s [-s] TARGET LINK_NAME\n", PROG);
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: %s [-s] TARGET LINK_NAME\n", PROG);
        return 2;
    }
    const char *target = argv[optind];
    const char *name = argv[optind + 1];
    if (symbolic ? symlink(target, name) : link(target, name)) {
        /* EEXIST is about LINK_NAME; ENOENT on a hard link usually TARGET. */
        const char *which = (!symbolic && errno == ENOENT) ? target : name;
        fprintf(stderr, "%s: %s: %s\n", PROG, which, strerror(errno));
        return 1;
    }
    return 0;
}
