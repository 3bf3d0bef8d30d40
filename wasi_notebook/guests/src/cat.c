/*
 * cat: concatenate files to standard output.
 *
 *   cat [FILE...]      with no FILE, or with "-", read standard input
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   open  -> path_open (relative to a preopened directory: WASI has no
 *            global filesystem namespace, only capabilities to directories)
 *   read  -> fd_read,  write -> fd_write,  close -> fd_close
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *PROG = "cat";

/* Copy everything from fd to standard output. Returns 0, or -1 with errno. */
static int copy_out(int fd) {
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) return 0;  /* end of file */
        if (n < 0) return -1;
        /* write may write less than asked: loop until all is out */
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(STDOUT_FILENO, buf + done, n - done);
            if (w < 0) return -1;
            done += w;
        }
    }
}

int main(int argc, char **argv) {
    int status = 0;
    if (argc < 2) {
        if (copy_out(STDIN_FILENO) != 0) {
            fprintf(stderr, "%s: -: %s\n", PROG, strerror(errno));
            return 1;
        }
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
        if (fd < 0 || copy_out(fd) != 0) {
            fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
            status = 1;
        }
        if (fd > STDIN_FILENO) close(fd);
    }
    return status;
}
