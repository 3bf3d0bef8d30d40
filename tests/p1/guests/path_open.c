/* path_open: every oflag (CREAT, DIRECTORY, EXCL, TRUNC), fdflags (APPEND,
 * NONBLOCK, DSYNC/RSYNC/SYNC), lookup flags (SYMLINK_FOLLOW or not), rights
 * (FD_READ / FD_WRITE), odd paths, and the fds it gives.
 *
 * Prepared folder: f.txt = "0123456789", d/in.txt = "in", lnk -> f.txt,
 * dlnk -> d, dangle -> missing.txt.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - rights: wasmtime opens the host file for reading if FD_READ is asked and
 *   for writing if FD_WRITE is asked; the other rights bits are ignored. A
 *   write through a fd opened without FD_WRITE answers BADF (from the host
 *   OS), not NOTCAPABLE as a rights-checking host would; a read without
 *   FD_READ also answers BADF; fd_filestat_set_size without FD_WRITE answers
 *   INVAL (Linux ftruncate). With no rights at all the file is opened for
 *   reading: fd_read works.
 * - TRUNC without FD_WRITE truncates (Linux O_RDONLY|O_TRUNC; POSIX leaves
 *   it unspecified; a rights-checking host would refuse).
 * - a directory asked with FD_WRITE answers ISDIR (as open(O_WRONLY) on a
 *   directory does), even without DIRECTORY in oflags; CREAT on an existing
 *   directory answers ISDIR; CREAT|DIRECTORY answers INVAL (Linux).
 * - the final symlink is never followed without SYMLINK_FOLLOW: opening it
 *   answers LOOP (like O_NOFOLLOW), also with CREAT on a dangling link.
 *   Links in the middle of a path are always followed.
 * - CREAT through a dangling symlink with SYMLINK_FOLLOW creates the target
 *   (as POSIX open does); with EXCL too it answers EXIST.
 * - EXCL without CREAT is ignored (as on Linux).
 * - APPEND: writes go to the end even after a seek, fd_tell then gives the
 *   size; fd_pwrite also goes to the end, ignoring the offset (Linux pwrite
 *   semantics; POSIX says pwrite writes at the offset).
 * - fdflags DSYNC, RSYNC, SYNC answer NOTSUP (the spec lists them as valid
 *   open flags); NONBLOCK is accepted and shows in fd_fdstat_get.
 * - "name/" with CREAT answers ISDIR (Linux); a 256-byte name NAMETOOLONG
 *   (the host file system's limit); a path that is not UTF-8 ILSEQ.
 * - ".." out of a directory opened with path_open answers PERM, even when the
 *   result is still inside the preopen (wasmtime sandboxes each directory fd
 *   on its own; see escape.c for escapes from preopens).
 * - a dirfd that is a regular file answers NOTDIR, a bad or stdio one BADF.
 */
#include "check.h"

static __wasi_fd_t root;

static const char *const OFLAG_NAMES[] = {"CREAT", "DIRECTORY", "EXCL", "TRUNC"};

static void flags_text(char *out, unsigned bits, const char *const *names, int count) {
    out[0] = 0;
    for (int i = 0; i < count; i++)
        if (bits & (1u << i)) {
            if (out[0]) strcat(out, "|");
            strcat(out, names[i]);
        }
    if (!out[0]) strcpy(out, "0");
}

static void file_text(const char *path) {
    __wasi_fd_t fd;
    char buf[40];
    __wasi_size_t n = 0;
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(root, 0, path, &st);
    if (e) {
        printf("  %s: %s\n", path, errname(e));
        return;
    }
    if (st.filetype != __WASI_FILETYPE_REGULAR_FILE) {
        printf("  %s: %s\n", path, typename_(st.filetype));
        return;
    }
    open_at(root, path, 0, RIGHTS_RO, 0, &fd);
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    (void)__wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    printf("  %s = ", path);
    put_str(buf, n);
    printf("\n");
}

/* Open, print the outcome and the fd's type/flags, return the fd (or -1). */
static long try_open(const char *path, __wasi_lookupflags_t look, __wasi_oflags_t of, __wasi_rights_t rights,
                     __wasi_fdflags_t fdf, const char *note) {
    char label[200], ofs[64];
    flags_text(ofs, of, OFLAG_NAMES, 4);
    snprintf(label, sizeof label, "path_open(%s, %s%s%s)%s%s", path[0] ? path : "\"\"", look ? "follow, " : "", ofs,
             fdf & __WASI_FDFLAGS_APPEND ? ", APPEND" : "", note ? " " : "", note ? note : "");
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(root, look, path, of, rights, RIGHTS_ALL, fdf, &fd);
    if (!got(label, e)) return -1;
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0)
        printf("SUCCESS type=%s%s\n", typename_(st.fs_filetype), st.fs_flags & __WASI_FDFLAGS_APPEND ? " APPEND" : "");
    return fd;
}

static void close_if(long fd) {
    if (fd >= 0) (void)__wasi_fd_close((__wasi_fd_t)fd);
}

static void oflags(void) {
    close_if(try_open("f.txt", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("missing.txt", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("new.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, NULL));
    file_text("new.txt");
    close_if(try_open("new.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, "existing"));
    close_if(try_open("new.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_ALL, 0, "existing"));
    close_if(try_open("excl.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_ALL, 0, NULL));
    close_if(try_open("f.txt", 0, __WASI_OFLAGS_EXCL, RIGHTS_RO, 0, "without CREAT"));
    close_if(try_open("nope.txt", 0, __WASI_OFLAGS_EXCL, RIGHTS_RO, 0, "without CREAT"));
    close_if(try_open("nodir/new.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, NULL));
    close_if(try_open("d", 0, __WASI_OFLAGS_CREAT, RIGHTS_RO, 0, "existing dir"));
    close_if(try_open("d", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_RO, 0, "existing dir"));
    close_if(try_open("newdir", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
    file_text("newdir");

    /* TRUNC */
    long fd = try_open("copy.txt", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, NULL);
    __wasi_size_t n;
    if (fd >= 0) (void)__wasi_fd_write((__wasi_fd_t)fd, &(__wasi_ciovec_t){(const uint8_t *)"abcdef", 6}, 1, &n);
    close_if(fd);
    close_if(try_open("copy.txt", 0, __WASI_OFLAGS_TRUNC, RIGHTS_ALL, 0, NULL));
    file_text("copy.txt");
    fd = try_open("copy.txt", 0, 0, RIGHTS_ALL, 0, "refill");
    if (fd >= 0) (void)__wasi_fd_write((__wasi_fd_t)fd, &(__wasi_ciovec_t){(const uint8_t *)"abcdef", 6}, 1, &n);
    close_if(fd);
    close_if(try_open("copy.txt", 0, __WASI_OFLAGS_TRUNC, RIGHTS_RO, 0, "without FD_WRITE"));
    file_text("copy.txt");
    close_if(try_open("d", 0, __WASI_OFLAGS_TRUNC, RIGHTS_RO, 0, "a directory"));
    close_if(try_open("trunc_new.txt", 0, __WASI_OFLAGS_TRUNC, RIGHTS_ALL, 0, "missing, no CREAT"));

    /* DIRECTORY */
    close_if(try_open("d", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
    close_if(try_open("d", 0, 0, RIGHTS_RO, 0, "no DIRECTORY flag"));
    close_if(try_open("f.txt", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
    close_if(try_open("d", 0, 0, RIGHTS_ALL, 0, "with FD_WRITE"));
    close_if(try_open("d", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_ALL, 0, "with FD_WRITE"));
    close_if(try_open(".", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
    close_if(try_open("d/..", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
}

static void lookup(void) {
    close_if(try_open("lnk", 0, 0, RIGHTS_RO, 0, "nofollow"));
    close_if(try_open("lnk", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("dlnk", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, "nofollow"));
    close_if(try_open("dlnk", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, NULL));
    close_if(try_open("dlnk/in.txt", 0, 0, RIGHTS_RO, 0, "link in the middle, nofollow"));
    close_if(try_open("dangle", 0, 0, RIGHTS_RO, 0, "nofollow"));
    close_if(try_open("dangle", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, "nofollow"));
    close_if(try_open("dangle", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("dangle", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                      RIGHTS_ALL, 0, NULL));
    close_if(try_open("dangle", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, "nofollow"));
    close_if(try_open("dangle", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, NULL));
    file_text("missing.txt");
}

static void rights_and_fdflags(void) {
    char buf[16];
    __wasi_size_t n = 0;
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_ciovec_t w = {(const uint8_t *)"W", 1};

    long ro = try_open("f.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, "FD_READ only");
    if (ro >= 0) {
        check("  fd_write", __wasi_fd_write((__wasi_fd_t)ro, &w, 1, &n));
        check("  fd_filestat_set_size", __wasi_fd_filestat_set_size((__wasi_fd_t)ro, 0));
        if (got("  fd_read", __wasi_fd_read((__wasi_fd_t)ro, &iov, 1, &n))) printf("%u\n", (unsigned)n);
    }
    close_if(ro);
    long wo = try_open("f.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, "FD_WRITE only");
    if (wo >= 0) {
        check("  fd_read", __wasi_fd_read((__wasi_fd_t)wo, &iov, 1, &n));
        if (got("  fd_write", __wasi_fd_write((__wasi_fd_t)wo, &w, 1, &n))) printf("%u\n", (unsigned)n);
    }
    close_if(wo);
    long none = try_open("f.txt", 0, 0, 0, 0, "no rights");
    if (none >= 0) {
        check("  fd_read", __wasi_fd_read((__wasi_fd_t)none, &iov, 1, &n));
        check("  fd_write", __wasi_fd_write((__wasi_fd_t)none, &w, 1, &n));
        __wasi_filestat_t st;
        if (got("  fd_filestat_get", __wasi_fd_filestat_get((__wasi_fd_t)none, &st)))
            printf("size=%llu\n", (unsigned long long)st.size);
    }
    close_if(none);
    file_text("f.txt");

    /* APPEND */
    long ap = try_open("f.txt", 0, 0, RIGHTS_ALL, __WASI_FDFLAGS_APPEND, NULL);
    if (ap >= 0) {
        __wasi_filesize_t pos = 0;
        if (got("  fd_tell", __wasi_fd_tell((__wasi_fd_t)ap, &pos))) printf("%llu\n", (unsigned long long)pos);
        __wasi_ciovec_t ab = {(const uint8_t *)"AB", 2};
        check("  fd_write(\"AB\")", __wasi_fd_write((__wasi_fd_t)ap, &ab, 1, &n));
        if (got("  fd_tell", __wasi_fd_tell((__wasi_fd_t)ap, &pos))) printf("%llu\n", (unsigned long long)pos);
        (void)__wasi_fd_seek((__wasi_fd_t)ap, 0, __WASI_WHENCE_SET, &pos);
        __wasi_ciovec_t cd = {(const uint8_t *)"CD", 2};
        check("  fd_write(\"CD\") after seek to 0", __wasi_fd_write((__wasi_fd_t)ap, &cd, 1, &n));
        __wasi_ciovec_t p = {(const uint8_t *)"P", 1};
        check("  fd_pwrite(\"P\" at 0)", __wasi_fd_pwrite((__wasi_fd_t)ap, &p, 1, 0, &n));
        if (got("  fd_tell", __wasi_fd_tell((__wasi_fd_t)ap, &pos))) printf("%llu\n", (unsigned long long)pos);
    }
    close_if(ap);
    file_text("f.txt");

    /* other fdflags */
    static const char *const FDF[] = {"APPEND", "DSYNC", "NONBLOCK", "RSYNC", "SYNC"};
    for (int i = 1; i < 5; i++) {
        char label[80];
        snprintf(label, sizeof label, "path_open(f.txt, fdflags %s)", FDF[i]);
        __wasi_fd_t fd;
        __wasi_errno_t e = __wasi_path_open(root, 0, "f.txt", 0, RIGHTS_ALL, RIGHTS_ALL, (__wasi_fdflags_t)(1u << i), &fd);
        if (got(label, e)) {
            __wasi_fdstat_t st;
            char fl[64];
            (void)__wasi_fd_fdstat_get(fd, &st);
            flags_text(fl, st.fs_flags, FDF, 5);
            printf("SUCCESS fdstat flags=%s\n", fl);
            (void)__wasi_fd_close(fd);
        }
    }
}

static void paths(void) {
    close_if(try_open("", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("f.txt/", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("d/", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("./d/../f.txt", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("d//in.txt", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("f.txt/x", 0, 0, RIGHTS_RO, 0, NULL));
    close_if(try_open("new2.txt/", 0, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, NULL));
    close_if(try_open("d/in.txt\\", 0, 0, RIGHTS_RO, 0, "backslash"));

    /* a name that is not UTF-8 */
    __wasi_fd_t fd;
    char bad[] = {'b', (char)0xff, 'd', 0};
    check("path_open(\"b\\xffd\", CREAT) not UTF-8",
          __wasi_path_open(root, 0, bad, __WASI_OFLAGS_CREAT, RIGHTS_ALL, RIGHTS_ALL, 0, &fd));
    /* a long name: 255 bytes is allowed on most file systems, 256 is not */
    char name[300];
    memset(name, 'n', 255);
    name[255] = 0;
    if (check("path_open(255-byte name, CREAT)", open_at(root, name, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, &fd)))
        (void)__wasi_fd_close(fd);
    memset(name, 'm', 256);
    name[256] = 0;
    check("path_open(256-byte name, CREAT)", open_at(root, name, __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, &fd));

    /* dirfds that are not directories */
    __wasi_fd_t file = must_open(root, "f.txt", 0, RIGHTS_RO);
    check("path_open(dirfd = a file)", __wasi_path_open(file, 0, "x", 0, RIGHTS_RO, 0, 0, &fd));
    (void)__wasi_fd_close(file);
    check("path_open(dirfd = stdin)", __wasi_path_open(0, 0, "f.txt", 0, RIGHTS_RO, 0, 0, &fd));
    check("path_open(dirfd = bad fd)", __wasi_path_open(BAD_FD, 0, "f.txt", 0, RIGHTS_RO, 0, 0, &fd));

    /* opening relative to an opened subdirectory */
    __wasi_fd_t d = must_open(root, "d", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    if (check("path_open(d fd, in.txt)", __wasi_path_open(d, 0, "in.txt", 0, RIGHTS_RO, 0, 0, &fd))) (void)__wasi_fd_close(fd);
    if (check("path_open(d fd, ../f.txt)", __wasi_path_open(d, 0, "../f.txt", 0, RIGHTS_RO, 0, 0, &fd))) (void)__wasi_fd_close(fd);
    if (check("path_open(d fd, .)", __wasi_path_open(d, 0, ".", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, 0, &fd))) (void)__wasi_fd_close(fd);

    /* fds: distinct while open, each independent */
    __wasi_fd_t a = must_open(root, "f.txt", 0, RIGHTS_RO), b = must_open(root, "f.txt", 0, RIGHTS_RO);
    __wasi_filesize_t pa, pb;
    (void)__wasi_fd_seek(a, 4, __WASI_WHENCE_SET, &pa);
    (void)__wasi_fd_tell(b, &pb);
    printf("two opens of f.txt: distinct fds: %s, not stdio: %s, independent positions: %s\n", yn(a != b),
           yn(a > 2 && b > 2), yn(pa == 4 && pb == 0));
}

int main(void) {
    root = preopen(".");
    oflags();
    lookup();
    rights_and_fdflags();
    paths();
    return 0;
}
