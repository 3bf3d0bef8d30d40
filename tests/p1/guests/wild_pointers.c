/* wild_pointers: pointers and lengths that reach past the end of linear
 * memory (or wrap around 2^32), and misaligned result pointers.
 *
 * argv[1] selects one case; each case makes one such call, so that a trap
 * ends only its own run. Without argv[1] the guest lists its cases.
 * Prepared folder: file.txt = "data", lnk -> file.txt. env: K=V.
 *
 * The calls go through raw imports (core wasm types), so that no libc code
 * touches the wild pointers first (strlen of a path, for instance).
 *
 * Spec (witx-docs, "Pointers"): a function that must dereference an
 * out-of-bounds or misaligned pointer shall trap. The errno FAULT exists
 * but is not what the spec asks for here.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - every out-of-bounds, wrapping or misaligned pointer that is dereferenced
 *   traps (as the spec asks), result pointers included; FAULT is never
 *   returned.
 * - when only the result pointer is bad the call's effect has already
 *   happened before the trap: fd_write_nwritten_* print "wild" to stdout,
 *   path_open_fd_out_* open the file.
 * - a huge length (0x7fffffff) answers NOMEM instead of trapping: wasmtime
 *   charges "hostcall fuel" for the bytes it would copy before checking the
 *   bounds. A length that ends just past memory traps.
 * - a zero-length buffer at an out-of-bounds address is not dereferenced:
 *   fd_write and random_get succeed (fd_write skips empty iovecs).
 * - fd_write with a bad fd and bad iovecs traps: the iovecs are read before
 *   the fd is looked up (a host checking the fd first would answer BADF).
 */
#include "check.h"

RAW(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t out);
RAW(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t out);
RAW(fd_pread) int32_t raw_fd_pread(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
RAW(fd_pwrite) int32_t raw_fd_pwrite(int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t out);
RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t look, int32_t path, int32_t path_len, int32_t oflags,
                                     int64_t base, int64_t inh, int32_t fdflags, int32_t out);
RAW(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
RAW(args_sizes_get) int32_t raw_args_sizes_get(int32_t count, int32_t size);
RAW(environ_get) int32_t raw_environ_get(int32_t env, int32_t buf);
RAW(environ_sizes_get) int32_t raw_environ_sizes_get(int32_t count, int32_t size);
RAW(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out);
RAW(clock_res_get) int32_t raw_clock_res_get(int32_t id, int32_t out);
RAW(random_get) int32_t raw_random_get(int32_t buf, int32_t len);
RAW(fd_prestat_get) int32_t raw_fd_prestat_get(int32_t fd, int32_t out);
RAW(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
RAW(fd_filestat_get) int32_t raw_fd_filestat_get(int32_t fd, int32_t out);
RAW(fd_fdstat_get) int32_t raw_fd_fdstat_get(int32_t fd, int32_t out);
RAW(fd_readdir) int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t out);
RAW(path_readlink) int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                             int32_t buf_len, int32_t out);
RAW(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                                                     int32_t out);
RAW(poll_oneoff) int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nout);

#define P(x) ((int32_t)(uintptr_t)(x))

static uint32_t END;           /* first address past linear memory */
static __wasi_fd_t root;
static __wasi_size_t n_out;    /* a valid result slot */
static uint64_t big_out[8];    /* valid, 8-aligned result space */
static __wasi_ciovec_t ok_iov; /* a valid iovec */
static char text[] = "wild\n";

static __wasi_fd_t file_fd(void) { return must_open(root, "file.txt", 0, RIGHTS_ALL); }

static int32_t c_fd_write_iovs_oob(void) { return raw_fd_write(1, P(END), 1, P(&n_out)); }
static int32_t c_fd_write_iovs_straddle(void) { return raw_fd_write(1, P(END - 4), 1, P(&n_out)); }
static int32_t c_fd_write_buf_oob(void) {
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)(uintptr_t)END;
    iov.buf_len = 4;
    return raw_fd_write(1, P(&iov), 1, P(&n_out));
}
static int32_t c_fd_write_len_huge(void) {
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)text;
    iov.buf_len = 0x7fffffff;
    return raw_fd_write(1, P(&iov), 1, P(&n_out));
}
static int32_t c_fd_write_len_past_end(void) { /* a length that ends 16 bytes past memory */
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)text;
    iov.buf_len = END - (uint32_t)P(text) + 16;
    return raw_fd_write(1, P(&iov), 1, P(&n_out));
}
static int32_t c_fd_write_wrap(void) {
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)(uintptr_t)0xfffffff0u;
    iov.buf_len = 0x20;
    return raw_fd_write(1, P(&iov), 1, P(&n_out));
}
static int32_t c_fd_write_nwritten_oob(void) { return raw_fd_write(1, P(&ok_iov), 1, P(END)); }
static int32_t c_fd_write_nwritten_unaligned(void) { return raw_fd_write(1, P(&ok_iov), 1, P((char *)big_out + 1)); }
static int32_t c_fd_write_zero_len_oob(void) {
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)(uintptr_t)(END + 4096);
    iov.buf_len = 0;
    int32_t e = raw_fd_write(1, P(&iov), 1, P(&n_out));
    printf("nwritten=%u\n", (unsigned)n_out);
    return e;
}
static int32_t c_fd_read_buf_oob(void) {
    static __wasi_iovec_t iov;
    iov.buf = (uint8_t *)(uintptr_t)(END - 2);
    iov.buf_len = 4;
    return raw_fd_read((int32_t)file_fd(), P(&iov), 1, P(&n_out));
}
static int32_t c_fd_pread_buf_oob(void) {
    static __wasi_iovec_t iov;
    iov.buf = (uint8_t *)(uintptr_t)END;
    iov.buf_len = 4;
    return raw_fd_pread((int32_t)file_fd(), P(&iov), 1, 0, P(&n_out));
}
static int32_t c_fd_pwrite_buf_oob(void) {
    static __wasi_ciovec_t iov;
    iov.buf = (const uint8_t *)(uintptr_t)END;
    iov.buf_len = 4;
    return raw_fd_pwrite((int32_t)file_fd(), P(&iov), 1, 0, P(&n_out));
}
static int32_t c_path_open_path_oob(void) {
    return raw_path_open((int32_t)root, 0, P(END), 4, 0, (int64_t)RIGHTS_RO, 0, 0, P(&n_out));
}
static int32_t c_path_open_len_huge(void) {
    return raw_path_open((int32_t)root, 0, P("file.txt"), 0x7fffffff, 0, (int64_t)RIGHTS_RO, 0, 0, P(&n_out));
}
static int32_t c_path_open_len_past_end(void) {
    static const char path[] = "file.txt";
    return raw_path_open((int32_t)root, 0, P(path), (int32_t)(END - (uint32_t)P(path) + 16), 0, (int64_t)RIGHTS_RO,
                         0, 0, P(&n_out));
}
static int32_t c_path_open_fd_out_oob(void) {
    return raw_path_open((int32_t)root, 0, P("file.txt"), 8, 0, (int64_t)RIGHTS_RO, 0, 0, P(END));
}
static int32_t c_path_open_fd_out_unaligned(void) {
    return raw_path_open((int32_t)root, 0, P("file.txt"), 8, 0, (int64_t)RIGHTS_RO, 0, 0, P((char *)big_out + 2));
}
static int32_t c_args_get_argv_oob(void) {
    static char buf[256];
    return raw_args_get(P(END - 4), P(buf));
}
static int32_t c_args_get_buf_oob(void) {
    static uint32_t ptrs[8];
    return raw_args_get(P(ptrs), P(END - 3));
}
static int32_t c_args_sizes_get_oob(void) { return raw_args_sizes_get(P(&n_out), P(END)); }
static int32_t c_environ_get_buf_oob(void) {
    static uint32_t ptrs[8];
    return raw_environ_get(P(ptrs), P(END - 2));
}
static int32_t c_environ_sizes_get_oob(void) { return raw_environ_sizes_get(P(END), P(&n_out)); }
static int32_t c_clock_time_get_out_oob(void) { return raw_clock_time_get(1, 0, P(END - 4)); }
static int32_t c_clock_res_get_out_unaligned(void) { return raw_clock_res_get(1, P((char *)big_out + 4)); }
static int32_t c_random_get_buf_oob(void) { return raw_random_get(P(END - 10), 64); }
static int32_t c_random_get_zero_len_oob(void) { return raw_random_get(P(END + 4096), 0); }
static int32_t c_fd_prestat_get_out_oob(void) { return raw_fd_prestat_get((int32_t)root, P(END)); }
static int32_t c_fd_prestat_dir_name_oob(void) { return raw_fd_prestat_dir_name((int32_t)root, P(END), 1); }
static int32_t c_fd_filestat_get_out_oob(void) { return raw_fd_filestat_get((int32_t)root, P(END - 8)); }
static int32_t c_fd_fdstat_get_out_oob(void) { return raw_fd_fdstat_get(1, P(END)); }
static int32_t c_fd_readdir_buf_oob(void) { return raw_fd_readdir((int32_t)root, P(END - 10), 100, 0, P(&n_out)); }
static int32_t c_path_readlink_buf_oob(void) { return raw_path_readlink((int32_t)root, P("lnk"), 3, P(END), 8, P(&n_out)); }
static int32_t c_path_filestat_get_path_oob(void) {
    return raw_path_filestat_get((int32_t)root, 0, P(END - 2), 8, P(big_out));
}
static int32_t c_poll_oneoff_in_oob(void) { return raw_poll_oneoff(P(END - 16), P(big_out), 1, P(&n_out)); }
static int32_t c_poll_oneoff_out_oob(void) {
    static __wasi_subscription_t sub; /* a relative clock of 0: fires at once */
    sub.userdata = 1;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    return raw_poll_oneoff(P(&sub), P(END - 8), 1, P(&n_out));
}
static int32_t c_fd_write_bad_fd_and_oob(void) { return raw_fd_write(BAD_FD, P(END), 1, P(&n_out)); }

static const struct {
    const char *name;
    int32_t (*run)(void);
} CASES[] = {
#define C(x) {#x, c_##x}
    C(fd_write_iovs_oob), C(fd_write_iovs_straddle), C(fd_write_buf_oob), C(fd_write_len_huge),
    C(fd_write_len_past_end), C(fd_write_wrap), C(fd_write_nwritten_oob), C(fd_write_nwritten_unaligned), C(fd_write_zero_len_oob),
    C(fd_read_buf_oob), C(fd_pread_buf_oob), C(fd_pwrite_buf_oob), C(path_open_path_oob),
    C(path_open_len_huge), C(path_open_len_past_end), C(path_open_fd_out_oob), C(path_open_fd_out_unaligned), C(args_get_argv_oob),
    C(args_get_buf_oob), C(args_sizes_get_oob), C(environ_get_buf_oob), C(environ_sizes_get_oob),
    C(clock_time_get_out_oob), C(clock_res_get_out_unaligned), C(random_get_buf_oob),
    C(random_get_zero_len_oob), C(fd_prestat_get_out_oob), C(fd_prestat_dir_name_oob),
    C(fd_filestat_get_out_oob), C(fd_fdstat_get_out_oob), C(fd_readdir_buf_oob), C(path_readlink_buf_oob),
    C(path_filestat_get_path_oob), C(poll_oneoff_in_oob), C(poll_oneoff_out_oob), C(fd_write_bad_fd_and_oob),
#undef C
};

int main(int argc, char **argv) {
    END = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    root = preopen(".");
    ok_iov.buf = (const uint8_t *)text;
    ok_iov.buf_len = 5;
    unsigned count = sizeof CASES / sizeof *CASES;
    if (argc < 2) {
        for (unsigned i = 0; i < count; i++) printf("%s\n", CASES[i].name);
        return 0;
    }
    for (unsigned i = 0; i < count; i++) {
        if (strcmp(argv[1], CASES[i].name)) continue;
        printf("%s: calling\n", CASES[i].name);
        fflush(stdout);
        int32_t e = CASES[i].run();
        fflush(stdout);
        printf("%s = %s\n", CASES[i].name, errname(e));
        return 0;
    }
    printf("unknown case %s\n", argv[1]);
    return 2;
}
