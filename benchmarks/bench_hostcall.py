"""Micro-benchmark: the cost of one call from wasm into a Python host function.

Every case is an import of fd_write's shape, ``(i32 i32 i32 i32) -> i32``, called N times from a
wasm loop; the figure is the best of R runs divided by N, in microseconds a call.

  a  wasmtime-py ``Linker.define_func``, function does nothing
  b  ``define_func(access_caller=True)``, looks up ``caller["memory"]`` and writes 1 byte
  c  ``hostcall.define`` fast path, function does nothing
  d  fast path with ``memory="memory"``, writes 1 byte
  e  fast path, a 1-byte preview1 ``fd_write``: reads the iovec, appends the byte to a
     bytearray, stores nwritten, returns errno 0 (the target: at most 2 us)
  f  case d on an engine with fuel and epoch interruption enabled
  g  case d with a bound ``MemoryBinding`` instead of the export lookup (what the preview1
     host uses)
  h  case e with a bound ``MemoryBinding``

Cases c to h take the C trampoline when it is built (``_hostcall_c``); set
``WASI_NOTEBOOK_PURE_PYTHON=1`` to measure the ctypes callbacks instead. The header says which.

Run from the repository root:  python benchmarks/bench_hostcall.py [-n 200000] [-r 5] [CASES]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import time

import wasmtime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
from wasi_notebook import hostcall  # noqa: E402

# The guest: one 1-byte iovec at 16 -> (ptr 64, len 1); nwritten goes to 32.
WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\\40\\00\\00\\00\\01\\00\\00\\00")
  (data (i32.const 64) "x")
  (func (export "run") (param $n i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))))
"""



def fd_write_type() -> wasmtime.FuncType:
    # A fresh FuncType per linker: wasmtime ties a FuncType to the first engine that uses it,
    # and reusing it with another engine aborts the process.
    i32 = wasmtime.ValType.i32()
    return wasmtime.FuncType([i32] * 4, [i32])


SIG = (["i32"] * 4, ["i32"])


def setup_a(linker: wasmtime.Linker) -> None:
    linker.define_func("wasi_snapshot_preview1", "fd_write", fd_write_type(),
                       lambda fd, iovs, n, out: 0)


def setup_b(linker: wasmtime.Linker) -> None:
    def fd_write(caller: wasmtime.Caller, fd: int, iovs: int, n: int, out: int) -> int:
        mem = caller["memory"]
        mem.data_ptr(caller)[out] = 1  # type: ignore[union-attr]
        return 0
    linker.define_func("wasi_snapshot_preview1", "fd_write", fd_write_type(), fd_write,
                       access_caller=True)


def setup_c(linker: wasmtime.Linker) -> None:
    hostcall.define(linker, "wasi_snapshot_preview1", "fd_write", *SIG,
                    lambda fd, iovs, n, out: 0)


def setup_d(linker: wasmtime.Linker, memory: "str | hostcall.MemoryBinding" = "memory") -> None:
    def fd_write(mem: memoryview, fd: int, iovs: int, n: int, out: int) -> int:
        mem[out] = 1
        return 0
    hostcall.define(linker, "wasi_snapshot_preview1", "fd_write", *SIG, fd_write,
                    memory=memory)


def setup_e(linker: wasmtime.Linker, memory: "str | hostcall.MemoryBinding" = "memory") -> None:
    sink = bytearray()
    iovec = struct.Struct("<II")
    u32 = struct.Struct("<I")

    def fd_write(mem: memoryview, fd: int, iovs: int, n: int, out: int) -> int:
        if fd != 1:
            return 8  # EBADF
        total = 0
        size = len(mem)
        for i in range(n):
            ptr, length = iovec.unpack_from(mem, iovs + 8 * i)
            if ptr + length > size:
                return 21  # EFAULT
            sink.extend(mem[ptr:ptr + length])
            total += length
        u32.pack_into(mem, out, total)
        return 0
    hostcall.define(linker, "wasi_snapshot_preview1", "fd_write", *SIG, fd_write,
                    memory=memory)


def bound(setup):
    """``setup`` with a MemoryBinding, bound by run_case once the instance exists."""
    def setup_bound(linker: wasmtime.Linker) -> hostcall.MemoryBinding:
        binding = hostcall.MemoryBinding("memory")
        setup(linker, binding)
        return binding
    return setup_bound


CASES = [
    ("a", "Linker.define_func, nothing", setup_a, False),
    ("b", "define_func + access_caller, memory, 1-byte write", setup_b, False),
    ("c", "hostcall fast path, nothing", setup_c, False),
    ("d", "hostcall fast path, memory, 1-byte write", setup_d, False),
    ("e", "hostcall fast path, 1-byte fd_write (iovec, sink)", setup_e, False),
    ("f", "case d, fuel + epoch interruption on", setup_d, True),
    ("g", "case d, memory bound (MemoryBinding)", bound(setup_d), False),
    ("h", "case e, memory bound (MemoryBinding)", bound(setup_e), False),
]


def run_case(setup, fuel_epoch: bool, n: int, repeat: int) -> float:
    config = wasmtime.Config()
    if fuel_epoch:
        config.consume_fuel = True
        config.epoch_interruption = True
    engine = wasmtime.Engine(config)
    module = wasmtime.Module(engine, wasmtime.wat2wasm(WAT))
    linker = wasmtime.Linker(engine)
    binding = setup(linker)
    store = wasmtime.Store(engine)
    if fuel_epoch:
        store.set_fuel(2**62)
        store.set_epoch_deadline(2**40)
    exports = linker.instantiate(store, module).exports(store)
    if binding is not None:
        binding.bind(store, exports["memory"])
    run = exports["run"]
    hostcall.call(run, store, min(n, 2000))  # warm up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        hostcall.call(run, store, n)
        best = min(best, time.perf_counter() - t0)
    return best / n * 1e6


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200_000, help="calls per run (default 200000)")
    ap.add_argument("-r", "--repeat", type=int, default=5, help="runs per case, best kept")
    ap.add_argument("cases", nargs="*", help="case letters to run (default: all)")
    args = ap.parse_args(argv)
    try:
        from importlib.metadata import version
        wt_version = version("wasmtime")
    except Exception:
        wt_version = "?"
    print(f"wasmtime-py {wt_version}, "
          f"Python {sys.version.split()[0]}, N={args.n}, best of {args.repeat}, "
          f"call path: {'C trampoline' if hostcall.NATIVE else 'ctypes callbacks'}")
    print(f"{'':2} {'case':52} {'us/call':>8}")
    results = {}
    for letter, title, setup, fuel_epoch in CASES:
        if args.cases and letter not in args.cases:
            continue
        us = run_case(setup, fuel_epoch, args.n, args.repeat)
        results[letter] = us
        print(f"{letter:2} {title:52} {us:8.3f}", flush=True)
    if "a" in results and "c" in results:
        print(f"speed-up, nothing: {results['a'] / results['c']:.1f}x", end="")
        if "b" in results and "d" in results:
            print(f"; with memory: {results['b'] / results['d']:.1f}x", end="")
        print()


if __name__ == "__main__":
    main()
