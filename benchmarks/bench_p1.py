"""The preview1 host against wasmtime's built-in WASI, the same guests in the same run.

    python benchmarks/bench_p1.py            # full sizes (about a minute)
    python benchmarks/bench_p1.py --quick    # small sizes, a smoke run
    python benchmarks/bench_p1.py --json out.json

Each workload is a small WAT guest that makes one kind of call in a loop, run three ways:
our host with tracing on (the default), our host with tracing off (counts only), and wasmtime's
built-in WASI over a folder on tmpfs (``--backend native``). The figure is the guest's run time
(instantiation to exit, best of a few) divided by the number of calls; the ratio column is
native time / ours, so above 1 means we are faster.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wasi_notebook import Session  # noqa: E402

P1 = '"wasi_snapshot_preview1"'
IMPORTS = f"""
  (import {P1} "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import {P1} "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import {P1} "fd_close" (func $fd_close (param i32) (result i32)))
  (import {P1} "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import {P1} "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import {P1} "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 40)
  (data (i32.const 16) "out.bin")
  (data (i32.const 32) "dir")
  (data (i32.const 48) "dir/f0")
"""
# Rights asked for: FD_READ, FD_SEEK, FD_WRITE for files; FD_READ, FD_READDIR for the folder
# (a folder opened with FD_WRITE is ISDIR, on wasmtime as on our host).
RIGHTS = (1 << 1) | (1 << 2) | (1 << 6)
DIR_RIGHTS = (1 << 1) | (1 << 14)


def _check(call: str, code: int) -> str:
    """WAT that runs ``call`` (returning an errno) and exits with ``code`` if it failed, so a
    broken workload cannot pass for a fast one."""
    return f"(if {call} (then (call $proc_exit (i32.const {code}))))"


def _guest(body: str, n: int, extra: str = "") -> str:
    return f"""(module {IMPORTS}
  (func (export "_start") (local $i i32) (local $fd i32) (local $cookie i64) (local $used i32)
    {body})
  {extra})"""


def write_guest(n: int, size: int) -> str:
    """Open out.bin, then n writes of `size` bytes from one iovec."""
    return _guest(f"""
    {_check(f"(call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 9) (i64.const {RIGHTS}) (i64.const 0) (i32.const 0) (i32.const 8))", 2)}
    (local.set $fd (i32.load (i32.const 8)))
    (i32.store (i32.const 64) (i32.const 65536))
    (i32.store (i32.const 68) (i32.const {size}))
    (loop $l
      {_check("(call $fd_write (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72))", 3)}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const {n}))))""", n)


def open_close_guest(n: int) -> str:
    return _guest(f"""
    (loop $l
      {_check(f"(call $path_open (i32.const 3) (i32.const 1) (i32.const 48) (i32.const 6) (i32.const 0) (i64.const {RIGHTS}) (i64.const 0) (i32.const 0) (i32.const 8))", 2)}
      {_check("(call $fd_close (i32.load (i32.const 8)))", 3)}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const {n}))))""", n)


def stat_guest(n: int) -> str:
    return _guest(f"""
    (loop $l
      {_check("(call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 48) (i32.const 6) (i32.const 128))", 2)}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const {n}))))""", n)


def readdir_guest(rounds: int) -> str:
    """List dir/ completely, `rounds` times, with a 4 KiB buffer, following cookies."""
    return _guest(f"""
    {_check(f"(call $path_open (i32.const 3) (i32.const 1) (i32.const 32) (i32.const 3) (i32.const 2) (i64.const {DIR_RIGHTS}) (i64.const 0) (i32.const 0) (i32.const 8))", 2)}
    (local.set $fd (i32.load (i32.const 8)))
    (loop $round
      (local.set $cookie (i64.const 0))
      (block $done
        (loop $page
          {_check("(call $fd_readdir (local.get $fd) (i32.const 4096) (i32.const 4096) (local.get $cookie) (i32.const 12))", 3)}
          (local.set $used (i32.load (i32.const 12)))
          (br_if $done (i32.lt_u (local.get $used) (i32.const 4096)))
          ;; resume after the last whole entry: walk the buffer to find it
          (call $last_cookie (local.get $used))
          (local.set $cookie (i64.load (i32.const 24)))
          (br $page)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $i) (i32.const {rounds}))))""", rounds, extra="""
  (func $last_cookie (param $used i32) (local $p i32) (local $next i32)
    ;; store at 24 the d_next of the last entry that fits whole in [4096, 4096+used)
    (local.set $p (i32.const 4096))
    (block $out
      (loop $walk
        (local.set $next (i32.add (i32.add (local.get $p) (i32.const 24))
                                  (i32.load (i32.add (local.get $p) (i32.const 16)))))
        (br_if $out (i32.gt_u (local.get $next) (i32.add (i32.const 4096) (local.get $used))))
        (i64.store (i32.const 24) (i64.load (local.get $p)))
        (local.set $p (local.get $next))
        (br_if $walk (i32.lt_u (local.get $p) (i32.add (i32.const 4096) (local.get $used)))))))""")


def measure(session: Session, wat: str, backend: str, trace: bool, repeat: int, before=None) -> float:
    guest = session.load(wat)
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        result = session.run(guest, backend=backend, trace=trace)
        assert result.exit_code == 0, (result.trap, result.stderr)
        best = min(best, result.duration_s)
        del result
        gc.collect()
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_small, n_4k, n_1m, n_open, n_stat, n_entries, rounds = (
        200_000 // scale, 50_000 // scale, 512 // scale, 20_000 // scale, 50_000 // scale, 10_000, 2 if not args.quick else 1)
    repeat = 3

    session = Session()
    session.fs.max_bytes = None
    session.fs.path("/dir").mkdir()
    for i in range(n_entries):
        session.fs.path(f"/dir/f{i}").write_bytes(b"")
    tmp_base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    os.environ.setdefault("TMPDIR", tmp_base or tempfile.gettempdir())
    tempfile.tempdir = tmp_base or tempfile.gettempdir()

    workloads = [
        ("fd_write 1 byte", write_guest(n_small, 1), n_small, 1),
        ("fd_write 4 KiB", write_guest(n_4k, 4096), n_4k, 4096),
        ("fd_write 1 MiB", write_guest(n_1m, 1 << 20), n_1m, 1 << 20),
        ("path_open + fd_close", open_close_guest(n_open), n_open, 0),
        ("path_filestat_get", stat_guest(n_stat), n_stat, 0),
        (f"fd_readdir, {n_entries:,} entries", readdir_guest(rounds), rounds * (n_entries + 2), 0),
        ("  the same, first listing (cold)", readdir_guest(1), n_entries + 2, 0),
    ]

    def change_dir() -> None:  # a new entry makes the next listing be encoded afresh
        session.fs.path("/dir/new").touch()
        session.fs.path("/dir/new").unlink()
    rows = []
    print(f"{'workload':32} {'traced':>12} {'untraced':>12} {'native':>12} {'native/traced':>14} {'MB/s traced':>12}")
    for name, wat, calls, size in workloads:
        before = change_dir if "cold" in name else None
        traced = measure(session, wat, "memfs", True, repeat, before)
        untraced = measure(session, wat, "memfs", False, repeat, before)
        # wasmtime's readdir reads the whole folder for every call: once is enough to show it.
        native = measure(session, wat, "native", True, 1 if "readdir" in name or "listing" in name else repeat, before)
        row = {
            "workload": name, "calls": calls,
            "traced_us": traced / calls * 1e6, "untraced_us": untraced / calls * 1e6,
            "native_us": native / calls * 1e6, "native_over_traced": native / traced,
        }
        if size:
            row["traced_MBps"] = calls * size / traced / 1e6
            row["native_MBps"] = calls * size / native / 1e6
        rows.append(row)
        rate = f"{row['traced_MBps']:.0f}" if size else ""
        print(f"{name:32} {row['traced_us']:>9.2f} us {row['untraced_us']:>9.2f} us {row['native_us']:>9.2f} us "
              f"{row['native_over_traced']:>13.2f}x {rate:>12}")
    print("(per call; the readdir row is per entry listed; tracing costs "
          f"{rows[0]['traced_us'] - rows[0]['untraced_us']:.2f} us a call on the 1-byte write)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
