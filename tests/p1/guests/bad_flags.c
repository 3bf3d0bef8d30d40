/* bad_flags: values outside their witx type: undefined bits in oflags,
 * fdflags, lookupflags, fstflags, rights, riflags, siflags, sdflags,
 * subclockflags, and enum values past the end of whence, advice, clockid,
 * eventtype, signal.
 *
 * argv[1] selects one case (each case is one call, since a call may trap);
 * without argv[1] the guest lists its cases. Every other argument of the
 * call is valid. Prepared folder: file.txt = "data".
 *
 * The spec (witx) defines no errno for these; INVAL is the usual answer
 * (wasi-common and most hosts), and a trap is allowed.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - an out-of-range value passed directly as an argument traps, for flags
 *   ("Invalid flag value Oflags") and enums ("Invalid enum value Whence")
 *   alike, and so does a value wider than its type (oflags 0x10000, whence
 *   0x100: "Int conversion error"). wiggle rejects it while decoding the
 *   arguments, before the function runs. That includes path_open's rights
 *   (bit 30), fd_fdstat_set_rights, clock ids (clocks.c), proc_raise's
 *   signal 31, and sock_accept/recv/shutdown flags even though those calls
 *   would answer NOTSOCK anyway.
 * - the same kind of value inside a struct in memory (a poll_oneoff
 *   subscription: eventtype 3, subclockflags bit 1, clock id 4) answers
 *   INVAL for the whole call instead.
 * - siflags is a plain u16 with no defined bits: any value is accepted
 *   (sock_send then answers NOTSOCK as usual).
 */
#include "check.h"

RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t look, int32_t path, int32_t path_len, int32_t oflags,
                                     int64_t base, int64_t inh, int32_t fdflags, int32_t out);
RAW(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                                                     int32_t out);
RAW(path_filestat_set_times) int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags, int32_t path,
                                                                 int32_t path_len, int64_t atim, int64_t mtim,
                                                                 int32_t fst);
RAW(path_link) int32_t raw_path_link(int32_t ofd, int32_t oflags, int32_t opath, int32_t olen, int32_t nfd,
                                     int32_t npath, int32_t nlen);
RAW(fd_filestat_set_times) int32_t raw_fd_filestat_set_times(int32_t fd, int64_t atim, int64_t mtim, int32_t fst);
RAW(fd_seek) int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, int32_t out);
RAW(fd_advise) int32_t raw_fd_advise(int32_t fd, int64_t off, int64_t len, int32_t advice);
RAW(fd_fdstat_set_flags) int32_t raw_fd_fdstat_set_flags(int32_t fd, int32_t flags);
RAW(fd_fdstat_set_rights) int32_t raw_fd_fdstat_set_rights(int32_t fd, int64_t base, int64_t inh);
RAW(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out);
RAW(clock_res_get) int32_t raw_clock_res_get(int32_t id, int32_t out);
RAW(poll_oneoff) int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nout);
RAW(sock_accept) int32_t raw_sock_accept(int32_t fd, int32_t flags, int32_t out);
RAW(sock_recv) int32_t raw_sock_recv(int32_t fd, int32_t iovs, int32_t n, int32_t riflags, int32_t out,
                                     int32_t roflags);
RAW(sock_send) int32_t raw_sock_send(int32_t fd, int32_t iovs, int32_t n, int32_t siflags, int32_t out);
RAW(sock_shutdown) int32_t raw_sock_shutdown(int32_t fd, int32_t how);
RAW(proc_raise) int32_t raw_proc_raise(int32_t sig);

#define P(x) ((int32_t)(uintptr_t)(x))
#define FILE_TXT P("file.txt"), 8

static __wasi_fd_t root;
static uint64_t out[8]; /* 8-aligned result space */

static __wasi_fd_t file_fd(void) { return must_open(root, "file.txt", 0, RIGHTS_ALL); }

static int32_t open_with(int32_t look, int32_t oflags, int64_t base, int64_t inh, int32_t fdflags) {
    int32_t e = raw_path_open((int32_t)root, look, FILE_TXT, oflags, base, inh, fdflags, P(out));
    if (e == 0) (void)__wasi_fd_close((__wasi_fd_t)out[0]);
    return e;
}

static int32_t c_path_open_oflags(void) { return open_with(0, 0x10, RIGHTS_ALL, RIGHTS_ALL, 0); }
static int32_t c_path_open_oflags_high(void) { return open_with(0, 0x10000, RIGHTS_ALL, RIGHTS_ALL, 0); }
static int32_t c_path_open_fdflags(void) { return open_with(0, 0, RIGHTS_ALL, RIGHTS_ALL, 0x20); }
static int32_t c_path_open_lookupflags(void) { return open_with(0x2, 0, RIGHTS_ALL, RIGHTS_ALL, 0); }
static int32_t c_path_open_rights_base(void) { return open_with(0, 0, (int64_t)RIGHTS_ALL | (1ll << 30), RIGHTS_ALL, 0); }
static int32_t c_path_open_rights_inheriting(void) {
    return open_with(0, 0, RIGHTS_ALL, (int64_t)RIGHTS_ALL | (1ll << 30), 0);
}
static int32_t c_path_filestat_get_lookupflags(void) { return raw_path_filestat_get((int32_t)root, 0x2, FILE_TXT, P(out)); }
static int32_t c_path_filestat_set_times_fstflags(void) {
    return raw_path_filestat_set_times((int32_t)root, 0, FILE_TXT, 0, 0, 0x10);
}
static int32_t c_path_link_lookupflags(void) {
    return raw_path_link((int32_t)root, 0x2, FILE_TXT, (int32_t)root, P("linked.txt"), 10);
}
static int32_t c_fd_filestat_set_times_fstflags(void) { return raw_fd_filestat_set_times((int32_t)file_fd(), 0, 0, 0x10); }
static int32_t c_fd_seek_whence(void) { return raw_fd_seek((int32_t)file_fd(), 0, 3, P(out)); }
static int32_t c_fd_seek_whence_high(void) { return raw_fd_seek((int32_t)file_fd(), 0, 0x100, P(out)); }
static int32_t c_fd_advise_advice(void) { return raw_fd_advise((int32_t)file_fd(), 0, 0, 6); }
static int32_t c_fd_fdstat_set_flags_bits(void) { return raw_fd_fdstat_set_flags((int32_t)file_fd(), 0x20); }
static int32_t c_fd_fdstat_set_rights_bits(void) {
    return raw_fd_fdstat_set_rights((int32_t)file_fd(), 1ll << 30, 0);
}
static int32_t c_clock_time_get_id(void) { return raw_clock_time_get(4, 0, P(out)); }
static int32_t c_clock_res_get_id(void) { return raw_clock_res_get(4, P(out)); }

static int32_t poll_one(uint8_t tag, __wasi_clockid_t id, uint16_t flags) {
    static __wasi_subscription_t sub;
    static __wasi_event_t ev[1];
    memset(&sub, 0, sizeof sub);
    sub.userdata = 1;
    sub.u.tag = tag;
    sub.u.u.clock.id = id;
    sub.u.u.clock.timeout = 0;
    sub.u.u.clock.flags = flags;
    memset(ev, 0, sizeof ev);
    int32_t e = raw_poll_oneoff(P(&sub), P(ev), 1, P(out));
    /* A host may report the bad value in the subscription's event instead. */
    if (e == 0) printf("  %u event: error=%s\n", (unsigned)out[0], errname(ev[0].error));
    return e;
}
static int32_t c_poll_oneoff_eventtype(void) { return poll_one(3, __WASI_CLOCKID_MONOTONIC, 0); }
static int32_t c_poll_oneoff_subclockflags(void) { return poll_one(0, __WASI_CLOCKID_MONOTONIC, 0x2); }
static int32_t c_poll_oneoff_clock_id(void) { return poll_one(0, 4, 0); }

static int32_t c_sock_accept_flags(void) { return raw_sock_accept(1, 0x20, P(out)); }
static int32_t c_sock_recv_riflags(void) {
    static uint8_t buf[4];
    static __wasi_iovec_t iov = {buf, 4};
    return raw_sock_recv(0, P(&iov), 1, 0x4, P(out), P(out + 1));
}
static int32_t c_sock_send_siflags(void) {
    static __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    return raw_sock_send(1, P(&iov), 1, 0x1, P(out));
}
static int32_t c_sock_shutdown_sdflags(void) { return raw_sock_shutdown(1, 0x4); }
static int32_t c_proc_raise_signal(void) { return raw_proc_raise(31); }

static const struct {
    const char *name;
    int32_t (*run)(void);
} CASES[] = {
#define C(x) {#x, c_##x}
    C(path_open_oflags), C(path_open_fdflags), C(path_open_lookupflags), C(path_open_rights_base),
    C(path_open_rights_inheriting), C(path_open_oflags_high), C(path_filestat_get_lookupflags),
    C(path_filestat_set_times_fstflags), C(path_link_lookupflags), C(fd_filestat_set_times_fstflags),
    C(fd_seek_whence), C(fd_seek_whence_high), C(fd_advise_advice), C(fd_fdstat_set_flags_bits),
    C(fd_fdstat_set_rights_bits), C(clock_time_get_id), C(clock_res_get_id), C(poll_oneoff_eventtype),
    C(poll_oneoff_subclockflags), C(poll_oneoff_clock_id), C(sock_accept_flags), C(sock_recv_riflags),
    C(sock_send_siflags), C(sock_shutdown_sdflags), C(proc_raise_signal),
#undef C
};

int main(int argc, char **argv) {
    root = preopen(".");
    unsigned count = sizeof CASES / sizeof *CASES;
    if (argc < 2) {
        for (unsigned i = 0; i < count; i++) printf("%s\n", CASES[i].name);
        return 0;
    }
    for (unsigned i = 0; i < count; i++) {
        if (strcmp(argv[1], CASES[i].name)) continue;
        printf("%s: calling\n", CASES[i].name);
        int32_t e = CASES[i].run();
        printf("%s = %s\n", CASES[i].name, errname(e));
        return 0;
    }
    printf("unknown case %s\n", argv[1]);
    return 2;
}
