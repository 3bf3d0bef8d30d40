/* sockets: sock_accept, sock_recv, sock_send, sock_shutdown on fds that are
 * not sockets. The harness gives the guest no socket: wasmtime's built-in
 * preview1 has no way to preopen one.
 *
 * Prepared folder: file.txt = "data". stdin: "in".
 *
 * Spec: these calls work on socket fds; on anything else NOTSOCK is the
 * natural answer (POSIX ENOTSOCK), BADF for a fd that is not open.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - every sock_* call answers NOTSOCK on any open fd (stdio, files,
 *   directories) and BADF on a closed one, without touching the buffers or
 *   the stream (sock_send to stdout writes nothing, sock_recv on stdin
 *   consumes nothing).
 */
#include "check.h"

int main(void) {
    __wasi_fd_t root = preopen(".");
    __wasi_fd_t file = must_open(root, "file.txt", 0, RIGHTS_ALL);
    struct { const char *what; __wasi_fd_t fd; } fds[] = {
        {"stdin", 0}, {"stdout", 1}, {"stderr", 2}, {"file", file}, {"preopen", root}, {"bad fd", BAD_FD},
    };
    char label[80];
    uint8_t buf[8];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {(const uint8_t *)"SENT\n", 5};

    for (unsigned i = 0; i < sizeof fds / sizeof *fds; i++) {
        __wasi_fd_t fd = fds[i].fd, out = 0x5a5a;
        __wasi_size_t n = 0x5a5a;
        __wasi_roflags_t ro = 0x5a5a;
        memset(buf, 0xee, sizeof buf);

        snprintf(label, sizeof label, "sock_accept(%s)", fds[i].what);
        check(label, __wasi_sock_accept(fd, 0, &out));
        snprintf(label, sizeof label, "sock_recv(%s)", fds[i].what);
        check(label, __wasi_sock_recv(fd, &iov, 1, 0, &n, &ro));
        snprintf(label, sizeof label, "sock_send(%s)", fds[i].what);
        check(label, __wasi_sock_send(fd, &ciov, 1, 0, &n));
        snprintf(label, sizeof label, "sock_shutdown(%s, RD|WR)", fds[i].what);
        check(label, __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
        printf("  results and buffer untouched: %s\n",
               yn(out == 0x5a5a && n == 0x5a5a && ro == 0x5a5a && buf[0] == 0xee));
    }

    /* the streams were not touched: stdin still has its bytes, file.txt its data */
    char in[8];
    __wasi_size_t n = 0;
    __wasi_iovec_t v = {(uint8_t *)in, sizeof in};
    if (got("fd_read(stdin)", __wasi_fd_read(0, &v, 1, &n))) {
        put_str(in, n);
        printf("\n");
    }
    if (got("fd_read(file)", __wasi_fd_read(file, &v, 1, &n))) {
        put_str(in, n);
        printf("\n");
    }
    return 0;
}
