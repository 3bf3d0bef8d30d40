/* proc: sched_yield, random_get, proc_raise, proc_exit.
 *
 * argv[1] is the exit code to pass to proc_exit, the last call; with
 * argv[2] = "exit-only" only proc_exit is called. The harness runs it with
 * 42 (everything), then 0, 125, 126 and 255 (exit only).
 *
 * Random bytes are never printed: only lengths, that two draws differ, that
 * a draw is not all zeros, and that nothing is written past the buffer.
 *
 * wasmtime notes (kept in the .expected file, a compatible host must match):
 * - proc_raise answers NOTSUP for every signal (the spec would deliver the
 *   signal, whose default action for most signals ends the process).
 *   proc_raise is not in <wasi/api.h> any more: it is imported here by hand.
 * - proc_exit with a code of 126 or more does not exit with that code: it
 *   traps ("exit with invalid exit status outside of [0..126)"). The spec
 *   allows any u32 (it only says 0 means success); POSIX would keep the low
 *   8 bits. So 126 and 255 end in a trap in the .expected file.
 */
#include "check.h"

RAW(proc_raise) int32_t raw_proc_raise(int32_t sig);

static void checks(void) {
    check("sched_yield", __wasi_sched_yield());
    check("sched_yield again", __wasi_sched_yield());

    uint8_t a[80], b[64];
    memset(a, 0xab, sizeof a);
    check("random_get(0 bytes)", __wasi_random_get(a, 0));
    printf("  buffer untouched: %s\n", yn(a[0] == 0xab));
    check("random_get(64 bytes)", __wasi_random_get(a, 64));
    check("random_get(64 bytes) again", __wasi_random_get(b, 64));
    int zero = 1;
    for (int i = 0; i < 64; i++)
        if (a[i]) zero = 0;
    printf("  draws differ: %s, first is not all zeros: %s, nothing written past 64 bytes: %s\n",
           yn(memcmp(a, b, 64) != 0), yn(!zero), yn(a[64] == 0xab && a[79] == 0xab));
    static uint8_t big[1 << 20];
    check("random_get(1 MiB)", __wasi_random_get(big, sizeof big));
    int distinct[256] = {0}, kinds = 0;
    for (size_t i = 0; i < sizeof big; i++)
        if (!distinct[big[i]]++) kinds++;
    printf("  all 256 byte values seen: %s\n", yn(kinds == 256));

    /* signals: 0 is "none", 2 INT, 6 ABRT, 9 KILL, 15 TERM, 30 SYS (the last defined) */
    int sigs[] = {0, 2, 6, 9, 15, 30};
    char label[40];
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        snprintf(label, sizeof label, "proc_raise(%d)", sigs[i]);
        check(label, raw_proc_raise(sigs[i]));
    }
}

int main(int argc, char **argv) {
    if (!(argc > 2 && !strcmp(argv[2], "exit-only"))) checks();

    unsigned code = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
    printf("proc_exit(%u) next\n", code);
    fflush(stdout);
    __wasi_proc_exit(code);
    printf("not reached\n");
    return 3;
}
