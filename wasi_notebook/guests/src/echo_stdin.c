/*
 * echo_stdin: copy standard input to standard output, then report on
 * standard error how many bytes were read and in how many calls.
 *
 *   echo_stdin < input > output
 *
 * This guest skips libc's read()/write() and calls the WASI preview1
 * functions from <wasi/api.h> itself, to show what they look like:
 *
 *   __wasi_fd_read(fd, iovs, iovs_len, &nread)
 *   __wasi_fd_write(fd, iovs, iovs_len, &nwritten)
 *
 * Both take an array of "iovecs" (pointer + length pairs) in the guest's
 * memory: a read fills them in order (scatter), a write takes bytes from
 * them in order (gather). Here every read fills two halves of one buffer
 * through two iovecs, and one write sends both halves back out.
 *
 * Every __wasi_* function returns an errno number (0 = success) and passes
 * its results through pointers. wasi-libc's errno values are the WASI
 * ones, so strerror() can describe them.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *PROG = "echo_stdin";

#define STDIN 0
#define STDOUT 1
#define HALF 2048

static unsigned char first[HALF], second[HALF];

/*
 * Write every byte described by iovs. fd_write may write less than asked
 * (a pipe, a full disk): drop what went out and call again with the rest.
 */
static __wasi_errno_t write_all(__wasi_fd_t fd, __wasi_ciovec_t *iovs, size_t n) {
    while (n > 0) {
        __wasi_size_t written;
        __wasi_errno_t err = __wasi_fd_write(fd, iovs, n, &written);
        if (err != __WASI_ERRNO_SUCCESS) return err;
        int progress = written > 0;
        while (n > 0 && written >= iovs->buf_len) {  /* iovecs fully written */
            written -= iovs->buf_len;
            iovs++;
            n--;
        }
        if (n > 0) {  /* the first one that is only partly written */
            iovs->buf += written;
            iovs->buf_len -= written;
            if (!progress) return __WASI_ERRNO_IO;  /* would loop forever */
        }
    }
    return __WASI_ERRNO_SUCCESS;
}

int main(void) {
    unsigned long long total = 0, calls = 0;
    for (;;) {
        __wasi_iovec_t in[2] = {
            {.buf = first, .buf_len = sizeof first},
            {.buf = second, .buf_len = sizeof second},
        };
        __wasi_size_t nread;
        __wasi_errno_t err = __wasi_fd_read(STDIN, in, 2, &nread);
        calls++;
        if (err != __WASI_ERRNO_SUCCESS) {
            fprintf(stderr, "%s: stdin: %s\n", PROG, strerror(err));
            return 1;
        }
        if (nread == 0) break;  /* end of input */
        total += nread;

        /* The bytes are in first[], then (if more than HALF) in second[]. */
        size_t a = nread < HALF ? nread : HALF;
        __wasi_ciovec_t out[2] = {
            {.buf = first, .buf_len = a},
            {.buf = second, .buf_len = nread - a},
        };
        err = write_all(STDOUT, out, 2);
        if (err != __WASI_ERRNO_SUCCESS) {
            fprintf(stderr, "%s: stdout: %s\n", PROG, strerror(err));
            return 1;
        }
    }
    fprintf(stderr, "%s: read %llu bytes in %llu fd_read calls\n", PROG, total, calls);
    return 0;
}
