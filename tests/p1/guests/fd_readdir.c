/* fd_readdir: listing, cookies, resuming, small and truncating buffers.
 *
 * Prepared folder: d/ = {a.txt "a", ccc.txt "ccc", bb/inner.txt, link -> a.txt},
 * empty/, file.txt.
 *
 * The order of entries is the host's: names are printed sorted, and cookies
 * only as relations (each d_next resumes right after its entry).
 *
 * Spec: fd_readdir fills the buffer with dirent headers each followed by its
 * name; when the buffer is too small for the next entry, that entry is
 * truncated and the returned size equals buf_len; a size below buf_len means
 * the end was reached.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - "." and ".." come first, with d_next 1 and 2, then the real entries; the
 *   cookie is an index into that list. The spec does not require "." and
 *   "..", and POSIX readdir may list them anywhere. wasmtime gives ".." the
 *   d_ino of "." (a known inaccuracy; not printed here).
 * - d_ino is not the host inode but a hash of metadata; it equals the ino
 *   that path_filestat_get gives for the same entry (checked here).
 * - fd_readdir on a regular file, stdio or a bad fd answers BADF (POSIX
 *   would say ENOTDIR for a file).
 */
#include "check.h"

#define HDR ((size_t)sizeof(__wasi_dirent_t)) /* 24 */

typedef struct {
    char name[64];
    uint8_t type;
    __wasi_dircookie_t next;
    __wasi_inode_t ino;
} entry;

static __wasi_fd_t root;

/* Parse complete entries of buf[0..used); returns how many. */
static int parse(const uint8_t *buf, size_t used, entry *out, int max) {
    int n = 0;
    size_t off = 0;
    while (off + HDR <= used && n < max) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, HDR);
        if (off + HDR + d.d_namlen > used) break; /* truncated name */
        size_t len = d.d_namlen < 63 ? d.d_namlen : 63;
        memcpy(out[n].name, buf + off + HDR, len);
        out[n].name[len] = 0;
        out[n].type = d.d_type;
        out[n].next = d.d_next;
        out[n].ino = d.d_ino;
        n++;
        off += HDR + d.d_namlen;
    }
    return n;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* The whole listing with one big buffer, from *cookie*. */
static int list_all(__wasi_fd_t fd, __wasi_dircookie_t cookie, entry *out, int max, __wasi_errno_t *err,
                    __wasi_size_t *used_out) {
    static uint8_t buf[8192];
    __wasi_size_t used = 0;
    *err = __wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used);
    if (used_out) *used_out = used;
    if (*err) return 0;
    return parse(buf, used, out, max);
}

static void print_sorted(entry *e, int n) {
    entry copy[32];
    memcpy(copy, e, n * sizeof *e);
    qsort(copy, n, sizeof *copy, by_name);
    for (int i = 0; i < n; i++) printf("  %-10s %s\n", copy[i].name, typename_(copy[i].type));
}

static int same_names(entry *a, int na, entry *b, int nb) {
    if (na != nb) return 0;
    entry x[32], y[32];
    memcpy(x, a, na * sizeof *a);
    memcpy(y, b, nb * sizeof *b);
    qsort(x, na, sizeof *x, by_name);
    qsort(y, nb, sizeof *y, by_name);
    for (int i = 0; i < na; i++)
        if (strcmp(x[i].name, y[i].name) || x[i].type != y[i].type) return 0;
    return 1;
}

int main(void) {
    root = preopen(".");
    __wasi_fd_t d = must_open(root, "d", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    entry all[32], more[32];
    __wasi_errno_t e;
    __wasi_size_t used;

    /* 1. Everything at once. */
    int n = list_all(d, 0, all, 32, &e, &used);
    if (got("fd_readdir(d, 8192 bytes, cookie 0)", e)) printf("%d entries, end reached: %s\n", n, yn(used < 8192));
    print_sorted(all, n);
    printf("\".\" then \"..\" first: %s\n", yn(n >= 2 && !strcmp(all[0].name, ".") && !strcmp(all[1].name, "..")));
    int increasing = 1;
    for (int i = 1; i < n; i++)
        if (all[i].next <= all[i - 1].next) increasing = 0;
    printf("d_next strictly increasing: %s\n", yn(increasing));

    /* d_ino relations */
    __wasi_filestat_t st;
    int ino_ok = 1;
    for (int i = 0; i < n; i++) {
        char path[80];
        if (!strcmp(all[i].name, ".") || !strcmp(all[i].name, "..")) continue;
        snprintf(path, sizeof path, "d/%s", all[i].name);
        if (__wasi_path_filestat_get(root, 0, path, &st) != 0 || st.ino != all[i].ino) ino_ok = 0;
    }
    printf("d_ino equals path_filestat_get ino for each entry: %s\n", yn(ino_ok));
    if (__wasi_fd_filestat_get(d, &st) == 0 && n > 0 && !strcmp(all[0].name, "."))
        printf("d_ino of \".\" equals the directory's ino: %s\n", yn(st.ino == all[0].ino));

    /* 2. Resuming from each entry's d_next gives exactly the entries after it. */
    int resume_ok = 1;
    for (int i = 0; i < n; i++) {
        int m = list_all(d, all[i].next, more, 32, &e, NULL);
        if (e || m != n - i - 1) { resume_ok = 0; continue; }
        for (int j = 0; j < m; j++)
            if (strcmp(more[j].name, all[i + 1 + j].name) || more[j].next != all[i + 1 + j].next) resume_ok = 0;
    }
    printf("resuming from each d_next gives the rest, in order: %s\n", yn(resume_ok));
    if (n > 0) {
        (void)list_all(d, all[n - 1].next, more, 32, &e, &used);
        if (got("fd_readdir(from the last d_next)", e)) printf("%u bytes\n", (unsigned)used);
    }
    if (got("fd_readdir(cookie 1000)", (list_all(d, 1000, more, 32, &e, &used), e))) printf("%u bytes\n", (unsigned)used);
    if (got("fd_readdir(cookie 2^63)", (list_all(d, 1ull << 63, more, 32, &e, &used), e))) printf("%u bytes\n", (unsigned)used);

    /* 3. Small buffers. */
    uint8_t small[64];
    memset(small, 0xee, sizeof small);
    e = __wasi_fd_readdir(d, small, 10, 0, &used);
    if (got("fd_readdir(10-byte buffer)", e))
        printf("%u bytes (buffer full: %s), byte 10 untouched: %s\n", (unsigned)used, yn(used == 10), yn(small[10] == 0xee));
    e = __wasi_fd_readdir(d, small, 0, 0, &used);
    if (got("fd_readdir(0-byte buffer)", e)) printf("%u bytes\n", (unsigned)used);

    /* The first entry, whatever it is, with its name cut to 1 byte short. */
    if (n > 0) {
        size_t namelen = strlen(all[0].name);
        __wasi_size_t want = (__wasi_size_t)(HDR + namelen - 1);
        memset(small, 0xee, sizeof small);
        e = __wasi_fd_readdir(d, small, want, 0, &used);
        if (got("fd_readdir(first entry's size - 1)", e)) {
            __wasi_dirent_t hdr;
            memcpy(&hdr, small, HDR);
            printf("%u bytes (buffer full: %s), header intact: %s, d_namlen is the full length: %s, "
                   "name bytes given: %u\n",
                   (unsigned)used, yn(used == want), yn(hdr.d_next == all[0].next && hdr.d_type == all[0].type),
                   yn(hdr.d_namlen == namelen), (unsigned)(used - HDR));
        }
        /* Exactly one entry fits. */
        e = __wasi_fd_readdir(d, small, (__wasi_size_t)(HDR + namelen), 0, &used);
        if (got("fd_readdir(first entry's exact size)", e)) {
            entry one[2];
            int m = parse(small, used, one, 2);
            printf("%u bytes (buffer full: %s), entries parsed: %d, it is the first: %s\n", (unsigned)used,
                   yn(used == HDR + namelen), m, yn(m == 1 && !strcmp(one[0].name, all[0].name)));
        }
    }

    /* A named entry cut mid-name: find ccc.txt's cookie, then ask for 3 bytes of its name. */
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, "ccc.txt")) continue;
        __wasi_dircookie_t c = i == 0 ? 0 : all[i - 1].next;
        memset(small, 0xee, sizeof small);
        e = __wasi_fd_readdir(d, small, (__wasi_size_t)(HDR + 3), c, &used);
        if (got("fd_readdir(at ccc.txt, header + 3 bytes)", e)) {
            __wasi_dirent_t hdr;
            memcpy(&hdr, small, HDR);
            printf("%u bytes, d_namlen=%u, name part ", (unsigned)used, (unsigned)hdr.d_namlen);
            put_str(small + HDR, used - HDR);
            printf(", next byte untouched: %s\n", yn(small[HDR + 3] == 0xee));
        }
        /* Header cut in the middle (12 bytes). */
        e = __wasi_fd_readdir(d, small, 12, c, &used);
        if (got("fd_readdir(at ccc.txt, 12 bytes)", e)) {
            __wasi_dircookie_t next;
            memcpy(&next, small, 8);
            printf("%u bytes, d_next readable: %s\n", (unsigned)used, yn(next == all[i].next));
        }
    }

    /* 4. One entry per call, as a libc readdir loop would, with a buffer big
     * enough for one header and a short name, growing it on truncation. */
    entry loop[32];
    int count = 0, grew = 0;
    __wasi_dircookie_t cookie = 0;
    size_t cap = HDR + 4;
    uint8_t *buf = malloc(256);
    for (;;) {
        if (__wasi_fd_readdir(d, buf, (__wasi_size_t)cap, cookie, &used) != 0 || used == 0) break;
        entry one[1];
        if (parse(buf, used, one, 1) == 0) { /* truncated: grow and retry the same cookie */
            cap *= 2;
            grew++;
            continue;
        }
        loop[count++] = one[0];
        cookie = one[0].next;
        if (count == 32) break;
    }
    printf("entry-at-a-time loop finds the same entries: %s (buffer grew: %s)\n", yn(same_names(loop, count, all, n)),
           yn(grew > 0));
    free(buf);

    /* 5. Changes show in a fresh listing. */
    __wasi_fd_t f;
    check("path_open(d/new.txt, CREAT)", open_at(root, "d/new.txt", __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, &f));
    (void)__wasi_fd_close(f);
    check("path_unlink_file(d/a.txt)", __wasi_path_unlink_file(root, "d/a.txt"));
    n = list_all(d, 0, all, 32, &e, NULL);
    if (got("fd_readdir(d) after changes", e)) printf("%d entries\n", n);
    print_sorted(all, n);

    /* 6. Other directories. */
    __wasi_fd_t empty = must_open(root, "empty", __WASI_OFLAGS_DIRECTORY, RIGHTS_RO);
    n = list_all(empty, 0, all, 32, &e, &used);
    if (got("fd_readdir(empty)", e)) printf("%d entries\n", n);
    print_sorted(all, n);
    n = list_all(root, 0, all, 32, &e, &used);
    if (got("fd_readdir(preopen)", e)) printf("%d entries\n", n);
    print_sorted(all, n);

    /* 7. Not directories. */
    __wasi_fd_t file = must_open(root, "file.txt", 0, RIGHTS_RO);
    check("fd_readdir(regular file)", __wasi_fd_readdir(file, small, sizeof small, 0, &used));
    check("fd_readdir(stdout)", __wasi_fd_readdir(1, small, sizeof small, 0, &used));
    check("fd_readdir(bad fd)", __wasi_fd_readdir(BAD_FD, small, sizeof small, 0, &used));
    (void)__wasi_fd_close(d);
    check("fd_readdir(closed dir fd)", __wasi_fd_readdir(d, small, sizeof small, 0, &used));
    return 0;
}
