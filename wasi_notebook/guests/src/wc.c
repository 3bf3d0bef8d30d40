/*
 * wc: count lines, words and bytes.
 *
 *   wc [FILE...]      with no FILE, or with "-", read standard input
 *
 * Prints "lines words bytes name" for each file, and a total line when
 * there is more than one file. A word is a run of characters that are not
 * white space; a line is counted at each newline character.
 *
 * How it reaches the host (WASI preview1), through wasi-libc:
 *   open -> path_open,  read -> fd_read,  close -> fd_close
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *PROG = "wc";

struct counts {
    unsigned long long lines, words, bytes;
};

/* Count what can be read from fd. Returns 0, or -1 with errno set. */
static int count(int fd, struct counts *c) {
    unsigned char buf[4096];
    int in_word = 0;  /* carried across buffers: a word may span two reads */
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) return 0;
        if (n < 0) return -1;
        c->bytes += (unsigned long long)n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') c->lines++;
            if (isspace(buf[i])) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
}

static void report(const struct counts *c, const char *name) {
    printf("%7llu %7llu %7llu", c->lines, c->words, c->bytes);
    if (name != NULL) printf(" %s", name);
    printf("\n");
}

int main(int argc, char **argv) {
    struct counts total = {0, 0, 0};
    int status = 0;
    if (argc < 2) {
        if (count(STDIN_FILENO, &total) != 0) {
            fprintf(stderr, "%s: -: %s\n", PROG, strerror(errno));
            return 1;
        }
        report(&total, NULL);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *path = argv[i];
        struct counts c = {0, 0, 0};
        int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
        if (fd < 0 || count(fd, &c) != 0) {
            fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
            status = 1;
        } else {
            report(&c, path);
            total.lines += c.lines;
            total.words += c.words;
            total.bytes += c.bytes;
        }
        if (fd > STDIN_FILENO) close(fd);
    }
    if (argc > 2) report(&total, "total");
    return status;
}
