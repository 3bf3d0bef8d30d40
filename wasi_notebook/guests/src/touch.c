/*
 * touch: create files, or set their access and modification times.
 *
 *   touch [-c] [-d @SECONDS] FILE...
 *
 *   -c           do not create a FILE that does not exist
 *   -d @SECONDS  use this time (seconds since 1970-01-01 UTC) instead of now
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   utimensat -> path_filestat_set_times. With "now" the guest does not
 *                read a clock itself: it sets the flags ATIM_NOW|MTIM_NOW
 *                and the host stamps its own current time.
 *   open(O_CREAT) -> path_open with the CREAT oflag, then fd_close
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *PROG = "touch";

int main(int argc, char **argv) {
    int no_create = 0;
    struct timespec given[2];
    struct timespec *times = NULL;  /* NULL means "now" for utimensat */
    int opt;
    while ((opt = getopt(argc, argv, "cd:")) != -1) {
        switch (opt) {
        case 'c':
            no_create = 1;
            break;
        case 'd': {
            char *end;
            long long secs = strtoll(optarg + (optarg[0] == '@'), &end, 10);
            if (optarg[0] != '@' || *end != '\0') {
                fprintf(stderr, "%s: invalid date '%s' (use @SECONDS)\n", PROG, optarg);
                return 2;
            }
            given[0].tv_sec = given[1].tv_sec = (time_t)secs;
            given[0].tv_nsec = given[1].tv_nsec = 0;
            times = given;  /* [0] is the access time, [1] the modification time */
            break;
        }
        default:
            fprintf(stderr, "usage: %s [-c] [-d @SECONDS] FILE...\n", PROG);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "usage: %s [-c] [-d @SECONDS] FILE...\n", PROG);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        if (utimensat(AT_FDCWD, path, times, 0) == 0)
            continue;  /* it existed: its times are updated */
        if (errno == ENOENT && no_create)
            continue;
        if (errno == ENOENT) {
            /* Create an empty file; a new file already has the times "now". */
            int fd = open(path, O_WRONLY | O_CREAT, 0666);
            if (fd >= 0) {
                close(fd);
                if (times == NULL || utimensat(AT_FDCWD, path, times, 0) == 0)
                    continue;
            }
        }
        fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
        status = 1;
    }
    return status;
}
