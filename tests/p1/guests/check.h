/* check.h: small helpers shared by the preview1 test guests.
 *
 * Every guest prints one line per check, in a form that does not depend on
 * the host: errnos by name, sizes and contents, and relations ("yes"/"no")
 * instead of timestamps, inode numbers or fd numbers.
 *
 * stdout is made line buffered, so that each line is written (with fd_write)
 * as soon as it is complete: a guest that traps or calls proc_exit loses
 * nothing it printed.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* Declare a raw preview1 import, for calls <wasi/api.h> lacks (proc_raise) or
 * whose arguments its prototypes would not let through (wild pointers, bad
 * flags). Use core wasm types only: int32_t, int64_t. */
#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

/* An fd number no host has open. */
#define BAD_FD 9999

static const char *const ERRNO_NAMES[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

static const char *const FILETYPE_NAMES[] = {
    "UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE",
    "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK",
};

static inline const char *errname(int e) {
    static char other[24];
    if (e >= 0 && e < (int)(sizeof ERRNO_NAMES / sizeof *ERRNO_NAMES)) return ERRNO_NAMES[e];
    snprintf(other, sizeof other, "errno(%d)", e);
    return other;
}

static inline const char *typename_(int t) {
    static char other[24];
    if (t >= 0 && t < (int)(sizeof FILETYPE_NAMES / sizeof *FILETYPE_NAMES)) return FILETYPE_NAMES[t];
    snprintf(other, sizeof other, "filetype(%d)", t);
    return other;
}

static inline const char *yn(int cond) { return cond ? "yes" : "no"; }

/* "label = NAME" on one line; true when the call succeeded. */
static inline int check(const char *label, int e) {
    printf("%s = %s\n", label, errname(e));
    return e == 0;
}

/* The call's own text as the label: CHECK(__wasi_fd_sync(fd)). */
#define CHECK(call) check(#call, (call))

/* For calls that return something: on failure prints "label = NAME\n" and
 * returns false; on success prints "label = " and returns true, and the
 * caller prints the rest of the line. */
static inline int got(const char *label, int e) {
    if (e != 0) {
        printf("%s = %s\n", label, errname(e));
        return 0;
    }
    printf("%s = ", label);
    return 1;
}

/* Bytes as a quoted C-like string (printable ASCII as is, the rest escaped). */
static inline void put_str(const void *data, size_t n) {
    const unsigned char *p = data;
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') printf("\\n");
        else if (c >= 32 && c < 127) putchar((int)c);
        else printf("\\x%02x", c);
    }
    putchar('"');
}

/* Find a preopened directory by its guest name (scans fds from 3). */
static inline __wasi_fd_t preopen(const char *name) {
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        char buf[256];
        if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
        size_t n = ps.u.dir.pr_name_len;
        if (n >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0) continue;
        if (n == strlen(name) && memcmp(buf, name, n) == 0) return fd;
    }
    printf("no preopen named \"%s\"\n", name);
    exit(99);
}

/* Every right of the preview1 witx (bits 0..29), and all but FD_WRITE (what
 * wasi-libc asks for on O_RDONLY; a directory can't be opened with FD_WRITE). */
#define RIGHTS_ALL ((__wasi_rights_t)0x3fffffff)
#define RIGHTS_RO (RIGHTS_ALL & ~__WASI_RIGHTS_FD_WRITE)

/* path_open with no lookup flags, *rights* as base and RIGHTS_ALL inheriting. */
static inline __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                                     __wasi_rights_t rights, __wasi_fdflags_t fdflags,
                                     __wasi_fd_t *fd) {
    return __wasi_path_open(dir, 0, path, oflags, rights, RIGHTS_ALL, fdflags, fd);
}

/* Open something that must open (the guest stops if it does not). */
static inline __wasi_fd_t must_open(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                                    __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(dir, path, oflags, rights, 0, &fd);
    if (e != 0) {
        printf("setup: path_open(%s) = %s\n", path, errname(e));
        exit(98);
    }
    return fd;
}

__attribute__((constructor)) static void check_line_buffered(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

#endif
