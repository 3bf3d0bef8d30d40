/* args_environ: args_sizes_get, args_get, environ_sizes_get, environ_get.
 *
 * main takes no arguments, so wasi-libc's startup does not call args_* itself:
 * the calls below are the only ones. Prints the sizes, every string, and
 * checks the layout the spec implies: strings packed one after another in the
 * buffer, each NUL-terminated, the pointer array filled in order, and nothing
 * written past the reported sizes.
 */
#include "check.h"

typedef __wasi_errno_t (*sizes_fn)(__wasi_size_t *, __wasi_size_t *);
typedef __wasi_errno_t (*get_fn)(uint8_t **, uint8_t *);

static void dump(const char *what, sizes_fn sizes, get_fn get) {
    char label[64];
    __wasi_size_t count = 0, size = 0;
    snprintf(label, sizeof label, "%s_sizes_get", what);
    if (!got(label, sizes(&count, &size))) return;
    printf("count=%u buf_size=%u\n", (unsigned)count, (unsigned)size);

    /* One guard slot/byte past each array, to see that nothing is written there. */
    uint8_t **ptrs = malloc((count + 1) * sizeof *ptrs);
    uint8_t *buf = malloc(size + 1);
    ptrs[count] = (uint8_t *)0x5a5a5a5a;
    buf[size] = 0x5a;
    memset(buf, 0x77, size);
    snprintf(label, sizeof label, "%s_get", what);
    if (!check(label, get(ptrs, buf))) return;

    int packed = 1;
    uint8_t *expect = buf;
    for (__wasi_size_t i = 0; i < count; i++) {
        if (ptrs[i] != expect) packed = 0;
        size_t n = strlen((char *)ptrs[i]);
        printf("  [%u] len=%zu ", (unsigned)i, n);
        put_str(ptrs[i], n);
        printf("\n");
        expect = ptrs[i] + n + 1;
    }
    printf("  strings packed in order, NUL-terminated: %s\n", yn(packed));
    printf("  strings fill buf_size exactly: %s\n", yn(expect == buf + size));
    printf("  nothing written past the arrays: %s\n",
           yn(ptrs[count] == (uint8_t *)0x5a5a5a5a && buf[size] == 0x5a));
}

int main(void) {
    dump("args", __wasi_args_sizes_get, __wasi_args_get);
    dump("environ", __wasi_environ_sizes_get, __wasi_environ_get);

    /* Asking twice gives the same answer. */
    __wasi_size_t a1, b1, a2, b2;
    int same = __wasi_args_sizes_get(&a1, &b1) == 0 && __wasi_args_sizes_get(&a2, &b2) == 0 &&
               a1 == a2 && b1 == b2;
    printf("args_sizes_get stable: %s\n", yn(same));
    return 0;
}
