/* fd_meta: fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights,
 * fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_advise,
 * fd_allocate, fd_datasync, fd_sync.
 *
 * Prepared folder: hello.txt = "hello world" (11 bytes), adir/.
 *
 * Rights are printed as relations for the bits that matter (has FD_READ?),
 * not as numbers. Timestamps set by the guest are printed as set; the host's
 * own clock only as "advanced: yes".
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - stdin/stdout/stderr that are not terminals have filetype UNKNOWN (the
 *   spec has no better answer for a file or pipe; a tty would be
 *   CHARACTER_DEVICE). fd_filestat_get on them succeeds with all zeros
 *   (nlink=0, size=0).
 * - fd_fdstat_set_flags works only on regular files (BADF on stdio and
 *   directories); it accepts APPEND and NONBLOCK, and refuses DSYNC, RSYNC,
 *   SYNC with INVAL (the spec lists them as settable).
 * - fd_fdstat_get on a regular file reports every right except FD_READ or
 *   FD_WRITE when the fd was opened without them (so FD_READDIR and
 *   PATH_OPEN too); a preopen has a fixed set without FD_READ; an opened
 *   directory has FD_READ. The spec lets a host report fewer rights.
 * - fd_fdstat_set_rights answers NOTSUP on files and directories (the spec
 *   says rights can be dropped, which should succeed) and BADF on stdio;
 *   the rights are unchanged.
 * - fd_allocate always answers NOTSUP on a file (spec: allocate space).
 * - fd_advise, fd_datasync, fd_sync, fd_filestat_set_size on a directory or
 *   stdio answer BADF (POSIX fsync on a directory fd works; ftruncate on a
 *   directory gives EISDIR or EINVAL).
 * - fd_filestat_set_size on a read-only fd answers INVAL: that is Linux's
 *   ftruncate errno passed through (POSIX allows EBADF or EINVAL; a rights
 *   based host would say NOTCAPABLE). fd_filestat_set_times on a read-only
 *   fd works (as futimens does).
 */
#include "check.h"

static __wasi_fd_t root;

static void fdstat(const char *label, __wasi_fd_t fd) {
    __wasi_fdstat_t st;
    if (!got(label, __wasi_fd_fdstat_get(fd, &st))) return;
    static const char *const FLAGS[] = {"APPEND", "DSYNC", "NONBLOCK", "RSYNC", "SYNC"};
    char flags[64] = "";
    for (int i = 0; i < 5; i++)
        if (st.fs_flags & (1u << i)) {
            if (flags[0]) strcat(flags, "|");
            strcat(flags, FLAGS[i]);
        }
    __wasi_rights_t r = st.fs_rights_base;
    printf("type=%s flags=%s read=%s write=%s seek=%s readdir=%s path_open=%s\n",
           typename_(st.fs_filetype), flags[0] ? flags : "0", yn(r & __WASI_RIGHTS_FD_READ),
           yn(r & __WASI_RIGHTS_FD_WRITE), yn(r & __WASI_RIGHTS_FD_SEEK),
           yn(r & __WASI_RIGHTS_FD_READDIR), yn(r & __WASI_RIGHTS_PATH_OPEN));
}

/* Size and nlink of a directory depend on the file system: not printed. */
static int filestat(const char *label, __wasi_fd_t fd, __wasi_filestat_t *out) {
    __wasi_filestat_t st;
    if (!got(label, __wasi_fd_filestat_get(fd, &st))) return 0;
    if (st.filetype == __WASI_FILETYPE_DIRECTORY)
        printf("type=%s\n", typename_(st.filetype));
    else
        printf("type=%s size=%llu nlink=%llu\n", typename_(st.filetype),
               (unsigned long long)st.size, (unsigned long long)st.nlink);
    if (out) *out = st;
    return 1;
}

static void contents(const char *label, __wasi_fd_t fd) {
    char buf[64];
    __wasi_size_t n = 0;
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    if (got(label, __wasi_fd_pread(fd, &iov, 1, 0, &n))) {
        printf("%u ", (unsigned)n);
        put_str(buf, n);
        printf("\n");
    }
}

static void fdstats(void) {
    fdstat("fd_fdstat_get(stdin)", 0);
    fdstat("fd_fdstat_get(stdout)", 1);
    fdstat("fd_fdstat_get(stderr)", 2);
    fdstat("fd_fdstat_get(preopen)", root);
    __wasi_fd_t dir = must_open(root, "adir", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    fdstat("fd_fdstat_get(opened dir)", dir);
    __wasi_fd_t ro = must_open(root, "hello.txt", 0, RIGHTS_RO);
    fdstat("fd_fdstat_get(file, read-only)", ro);
    __wasi_fd_t wo = must_open(root, "hello.txt", 0, __WASI_RIGHTS_FD_WRITE);
    fdstat("fd_fdstat_get(file, FD_WRITE only)", wo);
    __wasi_fd_t rw = must_open(root, "hello.txt", 0, RIGHTS_ALL);
    fdstat("fd_fdstat_get(file, read-write)", rw);
    __wasi_fdstat_t st;
    check("fd_fdstat_get(bad fd)", __wasi_fd_fdstat_get(BAD_FD, &st));

    /* set_flags: APPEND on, writes go to the end, then off again. */
    __wasi_size_t n;
    __wasi_filesize_t pos;
    check("fd_fdstat_set_flags(file, APPEND)", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_APPEND));
    fdstat("fd_fdstat_get", rw);
    __wasi_ciovec_t w = {(const uint8_t *)"!", 1};
    check("fd_write(\"!\") with APPEND", __wasi_fd_write(rw, &w, 1, &n));
    if (got("fd_tell", __wasi_fd_tell(rw, &pos))) printf("%llu\n", (unsigned long long)pos);
    contents("contents", rw);
    check("fd_fdstat_set_flags(file, 0)", __wasi_fd_fdstat_set_flags(rw, 0));
    fdstat("fd_fdstat_get", rw);
    (void)__wasi_fd_seek(rw, 0, __WASI_WHENCE_SET, &pos);
    check("fd_write(\"H\") at 0 without APPEND", __wasi_fd_write(rw, &(__wasi_ciovec_t){(const uint8_t *)"H", 1}, 1, &n));
    contents("contents", rw);
    check("fd_fdstat_set_flags(file, NONBLOCK)", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_NONBLOCK));
    fdstat("fd_fdstat_get", rw);
    check("fd_fdstat_set_flags(file, DSYNC)", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_DSYNC));
    check("fd_fdstat_set_flags(file, SYNC)", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_SYNC));
    check("fd_fdstat_set_flags(file, RSYNC)", __wasi_fd_fdstat_set_flags(rw, __WASI_FDFLAGS_RSYNC));
    fdstat("fd_fdstat_get after refused flags", rw);
    check("fd_fdstat_set_flags(file, 0)", __wasi_fd_fdstat_set_flags(rw, 0));
    check("fd_fdstat_set_flags(read-only file, APPEND)", __wasi_fd_fdstat_set_flags(ro, __WASI_FDFLAGS_APPEND));
    check("fd_fdstat_set_flags(read-only file, 0)", __wasi_fd_fdstat_set_flags(ro, 0));
    check("fd_fdstat_set_flags(stdout, APPEND)", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_APPEND));
    check("fd_fdstat_set_flags(stdout, 0)", __wasi_fd_fdstat_set_flags(1, 0));
    check("fd_fdstat_set_flags(directory, 0)", __wasi_fd_fdstat_set_flags(dir, 0));
    check("fd_fdstat_set_flags(bad fd, 0)", __wasi_fd_fdstat_set_flags(BAD_FD, 0));

    /* set_rights: dropping rights, keeping the same, and on bad fds. */
    check("fd_fdstat_set_rights(file, drop FD_WRITE)",
          __wasi_fd_fdstat_set_rights(rw, RIGHTS_RO, RIGHTS_RO));
    fdstat("fd_fdstat_get after set_rights", rw);
    check("fd_fdstat_set_rights(file, same rights)",
          __wasi_fd_fdstat_set_rights(ro, RIGHTS_RO, RIGHTS_ALL));
    check("fd_fdstat_set_rights(bad fd)", __wasi_fd_fdstat_set_rights(BAD_FD, 0, 0));
    /* Dropping rights of the preopen and of stdout: see dropping_rights_last. */

    (void)__wasi_fd_close(dir);
    (void)__wasi_fd_close(ro);
    (void)__wasi_fd_close(wo);
    (void)__wasi_fd_close(rw);
}

static void filestats(void) {
    __wasi_fd_t rw = must_open(root, "hello.txt", 0, RIGHTS_ALL);
    __wasi_fd_t ro = must_open(root, "hello.txt", 0, RIGHTS_RO);
    __wasi_fd_t dir = must_open(root, "adir", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    __wasi_filestat_t a, b, st;

    filestat("fd_filestat_get(file)", rw, &a);
    filestat("fd_filestat_get(read-only fd, same file)", ro, &b);
    printf("  same dev and ino through both fds: %s\n", yn(a.dev == b.dev && a.ino == b.ino));
    filestat("fd_filestat_get(opened dir)", dir, NULL);
    filestat("fd_filestat_get(preopen)", root, NULL);
    filestat("fd_filestat_get(stdin)", 0, NULL);
    filestat("fd_filestat_get(stdout)", 1, NULL);
    check("fd_filestat_get(bad fd)", __wasi_fd_filestat_get(BAD_FD, &st));

    /* set_size: grow (zero-filled), shrink, and errors. */
    check("fd_filestat_set_size(file, 16)", __wasi_fd_filestat_set_size(rw, 16));
    filestat("fd_filestat_get", rw, NULL);
    contents("contents", rw);
    check("fd_filestat_set_size(file, 5)", __wasi_fd_filestat_set_size(rw, 5));
    contents("contents", rw);
    __wasi_filesize_t pos;
    if (got("fd_tell (size changes leave the position)", __wasi_fd_tell(rw, &pos)))
        printf("%llu\n", (unsigned long long)pos);
    check("fd_filestat_set_size(read-only fd, 1)", __wasi_fd_filestat_set_size(ro, 1));
    check("fd_filestat_set_size(directory, 0)", __wasi_fd_filestat_set_size(dir, 0));
    check("fd_filestat_set_size(stdout, 0)", __wasi_fd_filestat_set_size(1, 0));
    check("fd_filestat_set_size(bad fd, 0)", __wasi_fd_filestat_set_size(BAD_FD, 0));
    filestat("fd_filestat_get", rw, NULL);

    /* set_times: explicit values read back exactly; NOW moves a time to the
     * present; a flag left out leaves that time alone; ATIM with ATIM_NOW
     * (or MTIM with MTIM_NOW) is INVAL. */
    const __wasi_timestamp_t T1 = 1000000000123456789ull, T2 = 1200000000987654321ull;
    check("fd_filestat_set_times(file, ATIM|MTIM)",
          __wasi_fd_filestat_set_times(rw, T1, T2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    if (__wasi_fd_filestat_get(rw, &st) == 0)
        printf("  atim=%llu mtim=%llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    check("fd_filestat_set_times(file, MTIM_NOW)",
          __wasi_fd_filestat_set_times(rw, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    if (__wasi_fd_filestat_get(rw, &st) == 0)
        printf("  atim kept: %s, mtim advanced: %s\n", yn(st.atim == T1), yn(st.mtim > T2));
    check("fd_filestat_set_times(file, ATIM_NOW)",
          __wasi_fd_filestat_set_times(rw, 0, 0, __WASI_FSTFLAGS_ATIM_NOW));
    if (__wasi_fd_filestat_get(rw, &st) == 0) printf("  atim advanced: %s\n", yn(st.atim > T1));
    check("fd_filestat_set_times(file, no flags)", __wasi_fd_filestat_set_times(rw, 1, 1, 0));
    __wasi_filestat_t st2;
    if (__wasi_fd_filestat_get(rw, &st2) == 0)
        printf("  times unchanged: %s\n", yn(st2.atim == st.atim && st2.mtim == st.mtim));
    check("fd_filestat_set_times(file, ATIM|ATIM_NOW)",
          __wasi_fd_filestat_set_times(rw, T1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    check("fd_filestat_set_times(file, MTIM|MTIM_NOW)",
          __wasi_fd_filestat_set_times(rw, 0, T1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    check("fd_filestat_set_times(read-only fd, MTIM)",
          __wasi_fd_filestat_set_times(ro, 0, T1, __WASI_FSTFLAGS_MTIM));
    check("fd_filestat_set_times(directory, MTIM)",
          __wasi_fd_filestat_set_times(dir, 0, T2, __WASI_FSTFLAGS_MTIM));
    if (__wasi_fd_filestat_get(dir, &st) == 0) printf("  dir mtim=%llu\n", (unsigned long long)st.mtim);
    check("fd_filestat_set_times(stdout, MTIM)",
          __wasi_fd_filestat_set_times(1, 0, T1, __WASI_FSTFLAGS_MTIM));
    check("fd_filestat_set_times(bad fd, MTIM)",
          __wasi_fd_filestat_set_times(BAD_FD, 0, T1, __WASI_FSTFLAGS_MTIM));

    /* advise, allocate, sync */
    static const char *const ADVICE[] = {"NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"};
    char label[64];
    for (int adv = 0; adv < 6; adv++) {
        snprintf(label, sizeof label, "fd_advise(file, 0, 5, %s)", ADVICE[adv]);
        check(label, __wasi_fd_advise(rw, 0, 5, (__wasi_advice_t)adv));
    }
    check("fd_advise(file, offset past end, huge len)", __wasi_fd_advise(rw, 1000, UINT64_MAX / 2, 0));
    check("fd_advise(read-only fd)", __wasi_fd_advise(ro, 0, 0, __WASI_ADVICE_NORMAL));
    check("fd_advise(directory)", __wasi_fd_advise(dir, 0, 0, __WASI_ADVICE_NORMAL));
    check("fd_advise(stdout)", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
    check("fd_advise(bad fd)", __wasi_fd_advise(BAD_FD, 0, 0, __WASI_ADVICE_NORMAL));

    check("fd_allocate(file, 0, 100)", __wasi_fd_allocate(rw, 0, 100));
    filestat("fd_filestat_get after allocate", rw, NULL);
    /* A host that allocates grew the file to 100 bytes: back to 5. */
    (void)__wasi_fd_filestat_set_size(rw, 5);
    check("fd_allocate(directory)", __wasi_fd_allocate(dir, 0, 1));
    check("fd_allocate(stdout)", __wasi_fd_allocate(1, 0, 1));
    check("fd_allocate(bad fd)", __wasi_fd_allocate(BAD_FD, 0, 1));

    check("fd_datasync(file)", __wasi_fd_datasync(rw));
    check("fd_datasync(read-only fd)", __wasi_fd_datasync(ro));
    check("fd_datasync(directory)", __wasi_fd_datasync(dir));
    check("fd_datasync(stdout)", __wasi_fd_datasync(1));
    check("fd_datasync(bad fd)", __wasi_fd_datasync(BAD_FD));
    check("fd_sync(file)", __wasi_fd_sync(rw));
    check("fd_sync(read-only fd)", __wasi_fd_sync(ro));
    check("fd_sync(directory)", __wasi_fd_sync(dir));
    check("fd_sync(preopen)", __wasi_fd_sync(root));
    check("fd_sync(stdout)", __wasi_fd_sync(1));
    check("fd_sync(bad fd)", __wasi_fd_sync(BAD_FD));
}

/* Rights dropped from the preopen and from stdout stay dropped, on a host
 * that implements fd_fdstat_set_rights: these come last, so that no other
 * check runs without them. */
static void dropping_rights_last(void) {
    check("fd_fdstat_set_rights(preopen, drop all)", __wasi_fd_fdstat_set_rights(root, 0, 0));
    check("fd_fdstat_set_rights(stdout, FD_WRITE)",
          __wasi_fd_fdstat_set_rights(1, __WASI_RIGHTS_FD_WRITE, 0));
}

int main(void) {
    root = preopen(".");
    fdstats();
    filestats();
    dropping_rights_last();
    return 0;
}
