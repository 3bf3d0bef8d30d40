"""The preview2 host against wasmtime's built-in preview2, the same components in the same run.

    python benchmarks/bench_p2.py              # full sizes (a minute or two)
    python benchmarks/bench_p2.py --quick      # small sizes, a smoke run
    python benchmarks/bench_p2.py --profile    # and where our host's time goes, by layer
    python benchmarks/bench_p2.py --floor      # and what a list<u8> costs in wasmtime itself
    python benchmarks/bench_p2.py --json out.json

The workloads are bench_p1.py's preview1 guests (WAT), made into command components by jco's
preview1 adapter (``wasi_notebook.adapter``; needs npm): so one guest call (``fd_write``) becomes
the adapter's calls of the 0.2 interfaces (``get-stdout``... ``check-write``,
``blocking-write-and-flush``...). Each runs on our host (``backend="memfs"``) and on wasmtime's
built-in preview2 over a folder on tmpfs (``backend="native"``). The figure is the run's time
(instantiation to exit, best of a few) divided by the guest's preview1 calls; the ratio column is
native time / ours, so above 1 means we are faster.

``--profile`` runs each workload once more under cProfile and splits our host's time into:
wasmtime itself (the C side of the component call: lifting and lowering values, the adapter's
wasm), wasmtime-py's component code (value conversion in Python), our call path
(``p2/fastcall.py``, ``p2/link.py``, ``p2/values.py``: conversion and the wrapper), the host
functions (the rest of ``p2/``), the MemFs, and everything else. cProfile slows Python code
down, so read the shares, not the totals.

``--floor`` times one host call taking a ``list<u8>`` of 0 bytes to 64 KiB from a minimal
component (a core loop calling the import, no WASI, no adapter), the host function doing nothing:
once with fastcall's lifting and once with the lifting skipped. The second is what wasmtime's C
side costs (lifting the list into its ``Val``s and then into C values, freeing both), which no
Python host can avoid; the difference is what reading the bytes costs us.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import wasmtime

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_p1 import open_close_guest, stat_guest, write_guest  # noqa: E402
from wasi_notebook import Session  # noqa: E402
from wasi_notebook.adapter import AdapterError, to_component  # noqa: E402

LAYERS = [  # (label, test on a profile entry's file name), first match wins
    ("wasmtime (C: lifting, lowering, adapter)", lambda f: f == "~"),
    ("wasmtime-py component code", lambda f: "/wasmtime/" in f),
    ("our call path (fastcall, link, values)", lambda f: any(f.endswith(m) for m in
                                                             ("p2/fastcall.py", "p2/link.py", "p2/values.py"))),
    ("host functions (p2/)", lambda f: "/wasi_notebook/p2/" in f),
    ("MemFs", lambda f: "/wasi_notebook/memfs/" in f),
    ("other", lambda f: True),
]


def measure(session: Session, guest, backend: str, trace: bool, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        if session.fs.path("/out.bin").exists():
            session.fs.path("/out.bin").unlink()
        result = session.run(guest, backend=backend, trace=trace)
        assert result.exit_code == 0, (backend, result.exit_code, result.trap, result.stderr)
        best = min(best, result.duration_s)
        del result
        gc.collect()
    return best


def profile(session: Session, guest) -> dict[str, float]:
    """Our host's time for one run of ``guest``, by layer (seconds, cProfile's own time)."""
    if session.fs.path("/out.bin").exists():
        session.fs.path("/out.bin").unlink()
    profiler = cProfile.Profile()
    profiler.enable()
    session.run(guest)
    profiler.disable()
    shares = dict.fromkeys([label for label, _ in LAYERS], 0.0)
    for (filename, _, name), (_, _, tottime, _, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        # wasmtime's own work shows as the time spent inside the ctypes call into it
        key = "~" if name == "wasmtime_component_func_call" else filename
        label = next(label for label, test in LAYERS if test(key))
        shares[label] += tottime
    return shares


FLOOR_COMPONENT = """(component
  (import "host" (instance $h (export "take" (func (param "b" (list u8))))))
  (core module $memory (memory (export "memory") 2))
  (core instance $mi (instantiate $memory))
  (alias core export $mi "memory" (core memory $m))
  (core func $take (canon lower (func $h "take") (memory $m)))
  (core module $main
    (import "host" "take" (func $take (param i32 i32)))
    (func (export "run") (param $n i32) (param $size i32)
      (loop $again
        (call $take (i32.const 0) (local.get $size))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $again (local.get $n)))))
  (core instance $hi (export "take" (func $take)))
  (core instance $i (instantiate $main (with "host" (instance $hi))))
  (func (export "run") (param "n" u32) (param "size" u32) (canon lift (core func $i "run"))))"""


def floor(sizes: list[int], calls: int, repeat: int) -> list[dict]:
    """us per host call taking a list<u8> of each size: with our lifting, and with it skipped."""
    from wasmtime.component import Component, Linker

    from wasi_notebook.p2 import fastcall

    engine = wasmtime.Engine()
    component = Component(engine, wasmtime.wat2wasm(FLOOR_COMPONENT))
    fty = component.type.imports(engine)["host"].ty.exports(engine)["take"].ty

    def per_call(lifted: bool) -> list[float]:
        def take(data: bytes) -> None:
            pass

        linker = Linker(engine)
        with linker.root() as root, root.add_instance("host") as instance:
            fastcall.add_func(instance, "take", fty, take)
        if not lifted:  # the same callback and function, the argument left unread
            idx = next(i for i, e in fastcall._FUNCTIONS.items() if e.func is take)
            fastcall._FUNCTIONS[idx] = fastcall._FUNCTIONS[idx]._replace(lift=lambda args, context: [None])
        store = wasmtime.Store(engine)
        run = linker.instantiate(store, component).get_func(store, "run")
        out = []
        for size in sizes:
            n = max(8, calls * 4096 // size) if size > 4096 else calls
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                run(store, n, size)
                best = min(best, (time.perf_counter() - start) / n)
            out.append(best * 1e6)
        return out

    ours, theirs = per_call(True), per_call(False)
    return [{"size": size, "us": a, "wasmtime_us": b} for size, a, b in zip(sizes, ours, theirs)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    n_small, n_4k, n_64k, n_open, n_stat = (20_000 // scale, 5_000 // scale, 200 // scale,
                                            5_000 // scale, 5_000 // scale)
    repeat = 3

    session = Session()
    session.fs.max_bytes = None
    session.fs.path("/dir").mkdir()
    session.fs.path("/dir/f0").write_bytes(b"")
    tmp_base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    tempfile.tempdir = tmp_base or tempfile.gettempdir()

    workloads = [
        ("fd_write 1 byte", write_guest(n_small, 1), n_small, 1),
        ("fd_write 4 KiB", write_guest(n_4k, 4096), n_4k, 4096),
        ("fd_write 64 KiB", write_guest(n_64k, 65536), n_64k, 65536),
        ("path_open + fd_close", open_close_guest(n_open), n_open, 0),
        ("path_filestat_get", stat_guest(n_stat), n_stat, 0),
    ]
    try:
        guests = [(name, session.load(to_component(wasmtime.wat2wasm(wat))), calls, size)
                  for name, wat, calls, size in workloads]
    except AdapterError as e:
        print(f"bench_p2: {e}", file=sys.stderr)
        return 2
    rows = []
    print(f"{'workload (preview1 calls, adapted)':36} {'traced':>12} {'untraced':>12} {'native':>12} "
          f"{'native/traced':>14} {'MB/s traced':>12} {'MB/s native':>12}")
    for name, guest, calls, size in guests:
        traced = measure(session, guest, "memfs", True, repeat)
        untraced = measure(session, guest, "memfs", False, repeat)
        native = measure(session, guest, "native", True, repeat)
        row = {"workload": name, "calls": calls, "traced_us": traced / calls * 1e6,
               "untraced_us": untraced / calls * 1e6, "native_us": native / calls * 1e6,
               "native_over_traced": native / traced}
        if size:
            row["traced_MBps"] = calls * size / traced / 1e6
            row["native_MBps"] = calls * size / native / 1e6
        if args.profile:
            row["profile_s"] = profile(session, guest)
        rows.append(row)
        rates = (f"{row['traced_MBps']:>12.1f} {row['native_MBps']:>12.1f}" if size else "")
        print(f"{name:36} {row['traced_us']:>9.2f} us {row['untraced_us']:>9.2f} us {row['native_us']:>9.2f} us "
              f"{row['native_over_traced']:>13.2f}x {rates}", flush=True)
    if args.profile:
        print("\nwhere our host's time goes (cProfile, share of each run):")
        for row in rows:
            total = sum(row["profile_s"].values()) or 1.0
            parts = ", ".join(f"{label} {t / total:.0%}" for label, t in row["profile_s"].items() if t / total >= 0.01)
            print(f"  {row['workload']}: {parts}")
    if args.floor:
        print("\na host call taking a list<u8>, from a minimal component, the host function doing nothing:")
        print(f"{'bytes':>8} {'with our lifting':>18} {'wasmtime alone':>16} {'ours':>10}")
        for row in floor([0, 1, 4096, 65536], 2000 // scale * 5, repeat):
            print(f"{row['size']:>8} {row['us']:>15.2f} us {row['wasmtime_us']:>13.2f} us "
                  f"{row['us'] - row['wasmtime_us']:>7.2f} us", flush=True)
            rows.append({"workload": f"floor list<u8> {row['size']}", **row})
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
