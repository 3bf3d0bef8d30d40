/* fd_renumber: move an open fd onto another number.
 *
 * Prepared folder: a.txt = "AAAA", b.txt = "BBBB".
 *
 * Spec: fd_renumber(from, to) atomically replaces `to` with `from` (closing
 * what `to` was) and `from` stops being open, like dup2 followed by close.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - `to` must already be open: renumbering onto a free number answers BADF
 *   (dup2 would open it). The guest therefore only uses open targets.
 * - fd_renumber(x, x) succeeds and changes nothing.
 * - stdio numbers can be targets: renumbering a file onto fd 2 makes writes
 *   to fd 2 go into that file (the host's stderr is left alone).
 * - a preopen renumbered elsewhere stays a preopen at its new number.
 */
#include "check.h"

static void show(const char *label, __wasi_fd_t fd) {
    char buf[16];
    __wasi_size_t n = 0;
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    if (got(label, __wasi_fd_pread(fd, &iov, 1, 0, &n))) {
        put_str(buf, n);
        printf("\n");
    }
}

int main(void) {
    __wasi_fd_t root = preopen(".");
    __wasi_fd_t a = must_open(root, "a.txt", 0, RIGHTS_ALL);
    __wasi_fd_t b = must_open(root, "b.txt", 0, RIGHTS_ALL);
    __wasi_filesize_t pos;
    __wasi_size_t n;

    /* Give a's fd a position, to see that it moves along. */
    (void)__wasi_fd_seek(a, 3, __WASI_WHENCE_SET, &pos);

    check("fd_renumber(a, b)", __wasi_fd_renumber(a, b));
    show("read through b's number", b);
    if (got("fd_tell(b's number) (a's position came along)", __wasi_fd_tell(b, &pos)))
        printf("%llu\n", (unsigned long long)pos);
    check("fd_tell(a's old number)", __wasi_fd_tell(a, &pos));
    check("fd_close(a's old number)", __wasi_fd_close(a));

    /* a's number is free now (and a host may hand it out again: test it
     * before opening anything else). */
    check("fd_renumber(closed fd, b)", __wasi_fd_renumber(a, b));
    check("fd_renumber(b, closed fd)", __wasi_fd_renumber(b, a));
    check("fd_renumber(b, b)", __wasi_fd_renumber(b, b));
    show("read through b after renumbering onto itself", b);

    /* b.txt's own fd was closed by the renumber: open it again. */
    __wasi_fd_t c = must_open(root, "b.txt", 0, RIGHTS_ALL);
    check("fd_renumber(bad fd, c)", __wasi_fd_renumber(BAD_FD, c));
    show("c still open", c);
    check("fd_renumber(c, free number)", __wasi_fd_renumber(c, BAD_FD));
    show("c still open", c);

    /* A file over stderr: writes to 2 land in the file. */
    __wasi_fd_t e = must_open(root, "err.txt", __WASI_OFLAGS_CREAT, RIGHTS_ALL);
    check("fd_renumber(err.txt, 2)", __wasi_fd_renumber(e, 2));
    __wasi_ciovec_t msg = {(const uint8_t *)"into err.txt", 12};
    if (got("fd_write(2)", __wasi_fd_write(2, &msg, 1, &n))) printf("%u\n", (unsigned)n);
    show("err.txt now", 2);
    __wasi_fdstat_t st;
    if (got("fd_fdstat_get(2)", __wasi_fd_fdstat_get(2, &st))) printf("type=%s\n", typename_(st.fs_filetype));

    /* A preopen moved onto another number stays a preopen. */
    __wasi_fd_t spare = must_open(root, "a.txt", 0, RIGHTS_RO);
    check("fd_renumber(preopen, spare)", __wasi_fd_renumber(root, spare));
    __wasi_prestat_t ps;
    if (got("fd_prestat_get(spare)", __wasi_fd_prestat_get(spare, &ps)))
        printf("tag=%u name_len=%u\n", (unsigned)ps.tag, (unsigned)ps.u.dir.pr_name_len);
    check("fd_prestat_get(old preopen number)", __wasi_fd_prestat_get(root, &ps));
    __wasi_fd_t via;
    check("path_open(a.txt) through the moved preopen", open_at(spare, "a.txt", 0, RIGHTS_RO, 0, &via));
    return 0;
}
