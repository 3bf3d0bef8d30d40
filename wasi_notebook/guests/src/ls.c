/*
 * ls: list directory contents.
 *
 *   ls [-a] [-l] [PATH...]
 *
 *   -a  also show entries whose names start with '.' (including "." and "..")
 *   -l  long format: type, link count, size, modification time, name
 *       (and "-> target" for a symbolic link)
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   opendir/readdir -> path_open + fd_readdir (a buffer of dirent records)
 *   lstat           -> path_filestat_get (without the "follow symlinks" flag)
 *   readlink        -> path_readlink
 *
 * WASI has no users, groups or permission bits, so the long format shows
 * only what a WASI filestat really carries: filetype, nlink, size, times.
 * Entries are sorted by name so that the output does not depend on the
 * order in which the host happens to return them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *PROG = "ls";
static int show_all = 0;  /* -a */
static int long_fmt = 0;  /* -l */
static int status = 0;    /* exit status: 1 once anything failed */

static void fail(const char *path) {
    fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
    status = 1;
}

/* One character for the file type, as in the first column of `ls -l`. */
static char type_char(mode_t mode) {
    if (S_ISDIR(mode)) return 'd';
    if (S_ISLNK(mode)) return 'l';
    if (S_ISCHR(mode)) return 'c';
    if (S_ISBLK(mode)) return 'b';
    if (S_ISSOCK(mode)) return 's';
    if (S_ISREG(mode)) return '-';
    return '?';  /* WASI's "unknown" filetype */
}

/* Print one entry. `path` is used for system calls, `name` for display. */
static void show(const char *path, const char *name) {
    if (!long_fmt) {
        printf("%s\n", name);
        return;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
        /*
         * At the root of a preopened directory, ".." lies outside the
         * sandbox: the host lists it but refuses to stat it. Show it with
         * unknown fields, as coreutils does for entries it cannot stat,
         * and report every other failure.
         */
        if (strcmp(name, "..") != 0)
            fail(path);
        printf("? %3s %8s %-16s %s\n", "?", "?", "?", name);
        return;
    }
    /* WASI timestamps are nanoseconds since the epoch, in UTC. */
    char when[32];
    time_t secs = st.st_mtim.tv_sec;
    struct tm *tm = gmtime(&secs);
    if (tm == NULL || strftime(when, sizeof when, "%Y-%m-%d %H:%M", tm) == 0)
        snprintf(when, sizeof when, "@%lld", (long long)secs);
    printf("%c %3llu %8lld %s %s", type_char(st.st_mode),
           (unsigned long long)st.st_nlink, (long long)st.st_size, when, name);
    if (S_ISLNK(st.st_mode)) {
        char target[1024];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n");
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        fail(dir);
        return;
    }
    /* Collect the names first so that they can be sorted. */
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && !show_all)
            continue;
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            names = realloc(names, cap * sizeof *names);
            if (names == NULL) { perror(PROG); exit(1); }
        }
        names[count++] = strdup(e->d_name);
    }
    if (errno != 0)
        fail(dir);
    closedir(d);
    qsort(names, count, sizeof *names, by_name);

    for (size_t i = 0; i < count; i++) {
        /* Build "dir/name" for lstat and readlink. */
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        snprintf(path, len, "%s/%s", dir, names[i]);
        show(path, names[i]);
        free(path);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "al")) != -1) {
        switch (opt) {
        case 'a': show_all = 1; break;
        case 'l': long_fmt = 1; break;
        default:
            fprintf(stderr, "usage: %s [-a] [-l] [PATH...]\n", PROG);
            return 2;
        }
    }
    if (optind == argc) {  /* no operand: the current directory */
        list_dir(".");
        return status;
    }
    int many = argc - optind > 1;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {  /* stat follows a symlink to a dir */
            fail(argv[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (many)
                printf("%s%s:\n", i > optind ? "\n" : "", argv[i]);
            list_dir(argv[i]);
        } else {
            show(argv[i], argv[i]);
        }
    }
    return status;
}
