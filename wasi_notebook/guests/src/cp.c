/*
 * cp: copy files.
 *
 *   cp SOURCE DEST            copy SOURCE to the file DEST
 *   cp SOURCE... DIRECTORY    copy each SOURCE into DIRECTORY
 *
 * Only regular files are copied (no -r). DEST is created if missing and
 * truncated if present.
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   stat  -> path_filestat_get   (is DEST a directory?)
 *   open  -> path_open, with O_CREAT|O_TRUNC becoming WASI "oflags"
 *   read/write -> fd_read/fd_write,   close -> fd_close
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *PROG = "cp";

static int fail(const char *path) {
    fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
    return 1;
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Copy the file src to the file dst. Returns 0 on success, 1 on error. */
static int copy_file(const char *src, const char *dst) {
    int in = open(src, O_RDONLY);
    if (in < 0) return fail(src);
    struct stat st;
    if (fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;  /* this small cp does not copy directories */
        close(in);
        return fail(src);
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0) {
        close(in);
        return fail(dst);
    }
    int status = 0;
    char buf[4096];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) { status = fail(src); break; }
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(out, buf + done, n - done);
            if (w < 0) break;
            done += w;
        }
        if (done < n) { status = fail(dst); break; }
    }
    close(in);
    if (close(out) != 0 && status == 0) status = fail(dst);
    return status;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOURCE DEST | %s SOURCE... DIRECTORY\n", PROG, PROG);
        return 2;
    }
    const char *dest = argv[argc - 1];
    int into_dir = is_dir(dest);
    if (argc > 3 && !into_dir) {
        errno = ENOTDIR;
        return fail(dest);
    }
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
        if (!into_dir) {
            status |= copy_file(argv[i], dest);
            continue;
        }
        /* DIRECTORY/basename(SOURCE); basename may modify its argument. */
        char *tmp = strdup(argv[i]);
        const char *base = basename(tmp);
        size_t len = strlen(dest) + strlen(base) + 2;
        char *target = malloc(len);
        snprintf(target, len, "%s/%s", dest, base);
        status |= copy_file(argv[i], target);
        free(target);
        free(tmp);
    }
    return status;
}
