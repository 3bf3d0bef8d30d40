"""The preview2 host against wasmtime's built-in preview2, the same components in the same run.

    python benchmarks/bench_p2.py              # full sizes (a minute or two)
    python benchmarks/bench_p2.py --quick      # small sizes, a smoke run
    python benchmarks/bench_p2.py --profile    # and where our host's time goes, by layer
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
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
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
