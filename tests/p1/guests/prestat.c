/* prestat: fd_prestat_get and fd_prestat_dir_name.
 *
 * Preopens, in this order: "." , "/sandbox", "nested/dir"; "." holds file.txt.
 *
 * Preopens are numbered from 3 up without gaps (wasi-libc relies on that: it
 * scans from 3 until BADF); the guest prints them in order as #1, #2, ...
 * and not their fd numbers.
 *
 * Spec: fd_prestat_dir_name writes the name, without a NUL, into a buffer
 * of the given length (pr_name_len from fd_prestat_get).
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - a buffer shorter than the name answers NAMETOOLONG and writes nothing;
 *   a longer one gets the name and the rest is left untouched.
 * - fd_prestat_get on a fd that is open but not a preopen (stdio, a file, a
 *   directory opened with path_open) answers BADF, and fd_prestat_dir_name
 *   on the same fds answers NOTDIR (a legacy quirk; BADF on fds that are
 *   not open at all).
 */
#include "check.h"

int main(void) {
    char label[80];
    uint8_t buf[64];
    __wasi_prestat_t ps;
    int count = 0;
    __wasi_fd_t first = 0, last = 0;

    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e != 0) {
            printf("scan from fd 3 stops after %d preopens with %s\n", count, errname(e));
            break;
        }
        if (!count) first = fd;
        last = fd;
        count++;
        size_t len = ps.u.dir.pr_name_len;
        printf("preopen #%d: tag=%s name_len=%u\n", count, ps.tag == __WASI_PREOPENTYPE_DIR ? "DIR" : "?",
               (unsigned)len);

        memset(buf, 0xee, sizeof buf);
        snprintf(label, sizeof label, "  fd_prestat_dir_name(exact length %u)", (unsigned)len);
        if (got(label, __wasi_fd_prestat_dir_name(fd, buf, (__wasi_size_t)len))) {
            put_str(buf, len);
            printf(", byte after untouched: %s\n", yn(buf[len] == 0xee));
        }
        memset(buf, 0xee, sizeof buf);
        if (got("  fd_prestat_dir_name(64-byte buffer)", __wasi_fd_prestat_dir_name(fd, buf, sizeof buf))) {
            put_str(buf, len);
            printf(", no NUL or padding after it: %s\n", yn(buf[len] == 0xee));
        }
        memset(buf, 0xee, sizeof buf);
        if (len > 0) {
            e = __wasi_fd_prestat_dir_name(fd, buf, (__wasi_size_t)len - 1);
            printf("  fd_prestat_dir_name(length - 1) = %s, buffer untouched: %s\n", errname(e),
                   yn(buf[0] == 0xee));
        }
        e = __wasi_fd_prestat_dir_name(fd, buf, 0);
        printf("  fd_prestat_dir_name(length 0) = %s\n", errname(e));
    }
    printf("preopens are consecutive fds: %s\n", yn(count > 0 && last - first + 1 == (__wasi_fd_t)count));

    /* fds that are open but are not preopens, and fds that are not open */
    __wasi_fd_t root = preopen(".");
    __wasi_fd_t file = must_open(root, "file.txt", 0, RIGHTS_RO);
    __wasi_fd_t dir = must_open(root, ".", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    struct { const char *what; __wasi_fd_t fd; } others[] = {
        {"stdin", 0}, {"stdout", 1}, {"stderr", 2}, {"opened file", file}, {"opened dir", dir}, {"bad fd", BAD_FD},
    };
    for (unsigned i = 0; i < sizeof others / sizeof *others; i++) {
        snprintf(label, sizeof label, "fd_prestat_get(%s)", others[i].what);
        check(label, __wasi_fd_prestat_get(others[i].fd, &ps));
        snprintf(label, sizeof label, "fd_prestat_dir_name(%s)", others[i].what);
        check(label, __wasi_fd_prestat_dir_name(others[i].fd, buf, sizeof buf));
    }
    (void)__wasi_fd_close(dir);
    check("fd_prestat_get(closed fd)", __wasi_fd_prestat_get(dir, &ps));

    /* A closed preopen is gone. */
    __wasi_fd_t sandbox = preopen("/sandbox");
    check("fd_close(preopen /sandbox)", __wasi_fd_close(sandbox));
    check("fd_prestat_get(closed preopen)", __wasi_fd_prestat_get(sandbox, &ps));
    check("fd_prestat_dir_name(closed preopen)", __wasi_fd_prestat_dir_name(sandbox, buf, sizeof buf));
    return 0;
}
