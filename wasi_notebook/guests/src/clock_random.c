/*
 * clock_random: read the WASI clocks and the random source.
 *
 *   clock_random [NBYTES]      NBYTES random bytes in hex (default 16, max 256)
 *
 * Calls the WASI preview1 functions from <wasi/api.h> directly:
 *
 *   __wasi_clock_res_get(id, &resolution)        resolution in nanoseconds
 *   __wasi_clock_time_get(id, precision, &time)  time in nanoseconds
 *   __wasi_random_get(buf, len)                  fill buf with random bytes
 *
 * Clock ids: REALTIME is wall-clock time since 1970-01-01 UTC; MONOTONIC
 * only ever goes forward, from an arbitrary start (useful for measuring
 * durations); PROCESS_CPUTIME_ID and THREAD_CPUTIME_ID are optional and
 * many hosts answer them with an error, which is printed as such.
 *
 * The "precision" argument of clock_time_get is a hint of how stale a
 * value the guest would accept; hosts are free to ignore it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>

static const char *PROG = "clock_random";

static void show_clock(const char *name, __wasi_clockid_t id) {
    __wasi_timestamp_t res, now;
    __wasi_errno_t err = __wasi_clock_res_get(id, &res);
    if (err == __WASI_ERRNO_SUCCESS) err = __wasi_clock_time_get(id, 1, &now);
    if (err != __WASI_ERRNO_SUCCESS) {
        /* wasi-libc's errno numbers are WASI's, so strerror() fits */
        printf("%-17s unavailable: %s\n", name, strerror(err));
        return;
    }
    printf("%-17s %20llu ns   resolution %llu ns", name,
           (unsigned long long)now, (unsigned long long)res);
    if (id == __WASI_CLOCKID_REALTIME) {
        time_t secs = (time_t)(now / 1000000000u);
        char when[32];
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime(&secs));
        printf("   (%s UTC)", when);
    }
    printf("\n");
}

int main(int argc, char **argv) {
    long nbytes = 16;
    if (argc > 1) {
        char *end;
        nbytes = strtol(argv[1], &end, 10);
        if (*end != '\0' || nbytes < 0 || nbytes > 256) {
            fprintf(stderr, "usage: %s [NBYTES]   (0 to 256)\n", PROG);
            return 2;
        }
    }

    show_clock("realtime", __WASI_CLOCKID_REALTIME);
    show_clock("monotonic", __WASI_CLOCKID_MONOTONIC);
    show_clock("process_cputime", __WASI_CLOCKID_PROCESS_CPUTIME_ID);
    show_clock("thread_cputime", __WASI_CLOCKID_THREAD_CPUTIME_ID);

    /* Two monotonic readings in a row: the second is never smaller. */
    __wasi_timestamp_t t0, t1;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0) == 0 &&
        __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1) == 0)
        printf("monotonic step    %20llu ns\n", (unsigned long long)(t1 - t0));

    uint8_t buf[256];
    __wasi_errno_t err = __wasi_random_get(buf, (__wasi_size_t)nbytes);
    if (err != __WASI_ERRNO_SUCCESS) {
        fprintf(stderr, "%s: random_get: %s\n", PROG, strerror(err));
        return 1;
    }
    printf("random %3ld bytes  ", nbytes);
    for (long i = 0; i < nbytes; i++) printf("%02x", buf[i]);
    printf("\n");
    return 0;
}
