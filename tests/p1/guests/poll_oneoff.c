/* poll_oneoff: clock subscriptions (relative, absolute, both clocks), fd
 * read/write readiness on stdin, stdout and a file, and error paths.
 *
 * Prepared folder: hello.txt = "hello world". stdin: "stdin bytes\n".
 *
 * Events are printed sorted by userdata (the order is the host's). Elapsed
 * times only as "waited at least the timeout: yes"; nbytes only as a
 * relation (see below).
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - zero subscriptions answer INVAL (the spec says nothing; wasmtime does
 *   not support sleeping forever).
 * - nbytes of a ready fd is always 1 in wasmtime, where the spec says "the
 *   number of bytes available" (11 for the unread file here): printed only
 *   as nbytes>0, which wasmtime also says at EOF (the spec's answer there
 *   would be 0). A file read at EOF gets the HANGUP flag.
 * - a bad fd, or a directory fd, in an fd subscription fails the whole call
 *   with BADF; the spec would report it in that subscription's event
 *   (error=BADF) and still deliver the others.
 * - a bad value inside a subscription (undefined clock id, eventtype or
 *   subclockflags bit) fails the whole call with INVAL; see bad_flags.c,
 *   where the same values passed as direct arguments of other calls trap.
 * - PROCESS_CPUTIME_ID in a subscription answers INVAL (see clocks.c: the
 *   cpu clocks are BADF there).
 */
#include "check.h"

#define MS 1000000ull

static __wasi_timestamp_t mono(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t);
    return t;
}

static __wasi_timestamp_t real(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &t);
    return t;
}

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout, int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

static int by_userdata(const void *a, const void *b) {
    uint64_t x = ((const __wasi_event_t *)a)->userdata, y = ((const __wasi_event_t *)b)->userdata;
    return x < y ? -1 : x > y;
}

static const char *evtype(int t) {
    return t == 0 ? "CLOCK" : t == 1 ? "FD_READ" : t == 2 ? "FD_WRITE" : "?";
}

/* Poll, then print the count and each event; returns the elapsed time. */
static __wasi_timestamp_t poll(const char *label, __wasi_subscription_t *subs, int n) {
    __wasi_event_t ev[8];
    memset(ev, 0xcc, sizeof ev);
    __wasi_size_t count = 0;
    __wasi_timestamp_t t0 = mono();
    __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, (__wasi_size_t)n, &count);
    __wasi_timestamp_t dt = mono() - t0;
    if (!got(label, e)) return dt;
    printf("%u event%s\n", (unsigned)count, count == 1 ? "" : "s");
    if (count > 8) count = 8;
    qsort(ev, count, sizeof *ev, by_userdata);
    for (unsigned i = 0; i < count; i++) {
        printf("  userdata=%llu type=%s error=%s", (unsigned long long)ev[i].userdata, evtype(ev[i].type),
               errname(ev[i].error));
        if (ev[i].type != __WASI_EVENTTYPE_CLOCK)
            printf(" nbytes>0: %s hangup: %s", yn(ev[i].fd_readwrite.nbytes > 0),
                   yn(ev[i].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP));
        printf("\n");
    }
    return dt;
}

/* Poll subscriptions of which the first *fds* are fd ones (the rest clocks
 * that must not fire); print relations only. */
static void poll_some(const char *label, __wasi_subscription_t *subs, int n, int fds) {
    __wasi_event_t ev[8];
    __wasi_size_t count = 0;
    __wasi_timestamp_t t0 = mono();
    __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, (__wasi_size_t)n, &count);
    __wasi_timestamp_t dt = mono() - t0;
    if (!got(label, e)) return;
    int ok = count >= 1 && count <= (__wasi_size_t)fds, distinct = 1;
    for (unsigned i = 0; ok && i < count; i++) {
        int k = -1;
        for (int j = 0; j < fds; j++)
            if (subs[j].userdata == ev[i].userdata) k = j;
        if (k < 0 || ev[i].type != subs[k].u.tag || ev[i].error != 0) ok = 0;
        for (unsigned j = 0; j < i; j++)
            if (ev[j].userdata == ev[i].userdata) distinct = 0;
    }
    printf("SUCCESS 1..%d events, each an fd event of its subscription with no error: %s, distinct: %s, "
           "returned before 5s: %s\n", fds, yn(ok), yn(distinct), yn(dt < 5000 * MS));
}

int main(void) {
    __wasi_fd_t root = preopen(".");
    __wasi_subscription_t s[4];
    __wasi_timestamp_t dt;

    /* no subscriptions */
    __wasi_event_t ev[1];
    __wasi_size_t n = 0;
    check("poll_oneoff(0 subscriptions)", __wasi_poll_oneoff(s, ev, 0, &n));

    /* clocks */
    s[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 3 * MS, 0);
    dt = poll("poll_oneoff(MONOTONIC relative 3ms)", s, 1);
    printf("  waited at least 3ms: %s\n", yn(dt >= 3 * MS));

    s[0] = clock_sub(12, __WASI_CLOCKID_REALTIME, 3 * MS, 0);
    dt = poll("poll_oneoff(REALTIME relative 3ms)", s, 1);
    printf("  waited at least 3ms: %s\n", yn(dt >= 3 * MS));

    s[0] = clock_sub(13, __WASI_CLOCKID_MONOTONIC, 0, 0);
    poll("poll_oneoff(MONOTONIC relative 0)", s, 1);

    s[0] = clock_sub(14, __WASI_CLOCKID_MONOTONIC, mono() + 3 * MS, 1);
    dt = poll("poll_oneoff(MONOTONIC absolute now+3ms)", s, 1);
    printf("  waited at least 2ms: %s\n", yn(dt >= 2 * MS));

    s[0] = clock_sub(15, __WASI_CLOCKID_MONOTONIC, 1, 1);
    dt = poll("poll_oneoff(MONOTONIC absolute in the past)", s, 1);
    printf("  returned at once (<1s): %s\n", yn(dt < 1000 * MS));

    s[0] = clock_sub(16, __WASI_CLOCKID_REALTIME, real() + 3 * MS, 1);
    dt = poll("poll_oneoff(REALTIME absolute now+3ms)", s, 1);
    printf("  waited at least 2ms: %s\n", yn(dt >= 2 * MS));

    s[0] = clock_sub(17, __WASI_CLOCKID_REALTIME, real() - 1000 * MS, 1);
    dt = poll("poll_oneoff(REALTIME absolute 1s ago)", s, 1);
    printf("  returned at once (<1s): %s\n", yn(dt < 1000 * MS));

    /* the earliest of several clocks fires, alone */
    s[0] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 10000 * MS, 0);
    s[1] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, 2 * MS, 0);
    s[2] = clock_sub(23, __WASI_CLOCKID_MONOTONIC, 20000 * MS, 0);
    dt = poll("poll_oneoff(clocks 10s, 2ms, 20s)", s, 3);
    printf("  returned before 5s: %s\n", yn(dt < 5000 * MS));

    /* two clocks already due both fire */
    s[0] = clock_sub(24, __WASI_CLOCKID_MONOTONIC, 0, 0);
    s[1] = clock_sub(25, __WASI_CLOCKID_MONOTONIC, 1, 1);
    poll("poll_oneoff(two clocks already due)", s, 2);

    s[0] = clock_sub(26, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1 * MS, 0);
    poll("poll_oneoff(PROCESS_CPUTIME_ID relative 1ms)", s, 1);
    s[0] = clock_sub(27, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1 * MS, 0);
    s[1] = clock_sub(28, __WASI_CLOCKID_MONOTONIC, 1 * MS, 0);
    poll("poll_oneoff(PROCESS_CPUTIME_ID and MONOTONIC)", s, 2);

    /* fds, one at a time: a single fd subscription waits until it is ready */
    __wasi_fd_t f = must_open(root, "hello.txt", 0, RIGHTS_ALL);
    s[0] = fd_sub(31, __WASI_EVENTTYPE_FD_READ, f);
    poll("poll_oneoff(file read)", s, 1);
    s[0] = fd_sub(32, __WASI_EVENTTYPE_FD_WRITE, f);
    poll("poll_oneoff(file write)", s, 1);
    s[0] = fd_sub(33, __WASI_EVENTTYPE_FD_READ, 0);
    poll("poll_oneoff(stdin read)", s, 1);
    s[0] = fd_sub(34, __WASI_EVENTTYPE_FD_WRITE, 1);
    poll("poll_oneoff(stdout write)", s, 1);
    s[0] = fd_sub(35, __WASI_EVENTTYPE_FD_WRITE, 2);
    poll("poll_oneoff(stderr write)", s, 1);

    /* Several fds at once: the call returns when at least one is ready, and
     * which others are ready by then is up to the host (wasmtime reads a file
     * in the background, so a file read may or may not be ready yet): only
     * relations are printed. A 10s clock beside them must not fire. */
    s[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, f);
    s[1] = fd_sub(42, __WASI_EVENTTYPE_FD_WRITE, f);
    s[2] = clock_sub(43, __WASI_CLOCKID_MONOTONIC, 10000 * MS, 0);
    poll_some("poll_oneoff(file read, file write, clock 10s)", s, 3, 2);
    s[0] = fd_sub(44, __WASI_EVENTTYPE_FD_READ, 0);
    s[1] = fd_sub(45, __WASI_EVENTTYPE_FD_WRITE, 1);
    s[2] = fd_sub(46, __WASI_EVENTTYPE_FD_WRITE, 2);
    poll_some("poll_oneoff(stdin read, stdout write, stderr write)", s, 3, 3);
    s[0] = fd_sub(47, __WASI_EVENTTYPE_FD_READ, f);
    s[1] = fd_sub(48, __WASI_EVENTTYPE_FD_READ, f);
    poll_some("poll_oneoff(same file read twice)", s, 2, 2);

    __wasi_filesize_t pos;
    (void)__wasi_fd_seek(f, 0, __WASI_WHENCE_END, &pos);
    s[0] = fd_sub(49, __WASI_EVENTTYPE_FD_READ, f);
    poll("poll_oneoff(file read at EOF)", s, 1);

    /* wrong kinds of fds */
    s[0] = fd_sub(51, __WASI_EVENTTYPE_FD_READ, BAD_FD);
    s[1] = fd_sub(52, __WASI_EVENTTYPE_FD_WRITE, 1);
    poll("poll_oneoff(bad fd read, stdout write)", s, 2);
    s[0] = fd_sub(53, __WASI_EVENTTYPE_FD_WRITE, BAD_FD);
    poll("poll_oneoff(bad fd write)", s, 1);
    s[0] = fd_sub(54, __WASI_EVENTTYPE_FD_READ, root);
    poll("poll_oneoff(directory read)", s, 1);
    s[0] = fd_sub(55, __WASI_EVENTTYPE_FD_READ, 1);
    poll("poll_oneoff(stdout read)", s, 1);
    s[0] = fd_sub(56, __WASI_EVENTTYPE_FD_WRITE, 0);
    poll("poll_oneoff(stdin write)", s, 1);
    (void)__wasi_fd_close(f);
    s[0] = fd_sub(57, __WASI_EVENTTYPE_FD_READ, f);
    poll("poll_oneoff(closed fd read)", s, 1);
    return 0;
}
