"""``wasi-notebook demo``: the bundled example guests at work on a sample MemFs, in the terminal.

Every run is deterministic (virtual clock, seeded randomness), so the demo prints the same each
time: the commands and their output, the tree with what the runs changed, which preview1
functions were called, and the trace of one run.
"""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule

from . import guests
from .clocks import VirtualClocks
from .memfs import MemFs
from .render import coverage_table, human_size, trace_text, tree
from .session import Session
from .trace import Coverage

__all__ = ["demo", "sample_fs", "SCRIPT"]

#: What the demo runs: (guest, arguments, stdin).
SCRIPT = [
    ("ls", ["-l", "/home/student"], b""),
    ("cat", ["/home/student/notes.txt"], b""),
    ("wc", ["/home/student/notes.txt", "/data/numbers.csv"], b""),
    ("mkdir", ["-p", "/home/student/out/reports"], b""),
    ("cp", ["/data/numbers.csv", "/home/student/out/reports/copy.csv"], b""),
    ("mv", ["/home/student/todo.txt", "/home/student/done.txt"], b""),
    ("rm", ["/data/blob.bin"], b""),
    ("ln", ["-s", "reports/copy.csv", "/home/student/out/latest.csv"], b""),
    ("echo_stdin", [], b"typed into the guest's stdin\n"),
    ("cat", ["/home/student/missing.txt"], b""),
    ("find", ["/home"], b""),
    ("clock_random", [], b""),
]


def sample_fs() -> MemFs:
    """A small home folder and data set, the starting point of the demo."""
    fs = MemFs(clock=VirtualClocks().realtime, max_bytes=64 << 20)
    home = fs.path("/home/student")
    home.mkdir(parents=True)
    (home / "notes.txt").write_text("WASI keeps a guest inside the folders it is given.\n"
                                    "Every call it makes is in the trace.\n")
    (home / "todo.txt").write_text("- read the trace\n- check coverage\n")
    data = fs.path("/data")
    data.mkdir()
    (data / "numbers.csv").write_text("n,square\n" + "".join(f"{i},{i * i}\n" for i in range(1, 11)))
    (data / "blob.bin").write_bytes(bytes(range(256)) * 256)
    return fs


def demo(console: Console | None = None) -> int:
    console = console or Console(highlight=False)
    session = Session(sample_fs())
    console.print(Panel.fit("wasi-notebook: C guests on a Python WASI host over an in-memory filesystem",
                            style="bold"))
    console.print(tree(session.fs.root))
    before = session.fs.snapshot()
    results = []
    for name, args, stdin in SCRIPT:
        console.print(Rule(f"$ {name} {' '.join(args)}".rstrip(), align="left", style="dim"))
        result = session.run(guests.path(name), args, stdin=stdin, deterministic=True)
        results.append(result)
        console.out(result.stdout_text, end="")
        if result.stderr:
            console.out(result.stderr_text, end="", style="red")
        if result.exit_code:
            console.print(f"[dim](exit {result.exit_code})[/]")

    console.print(Rule("What the runs changed", style="bold"))
    console.print(tree(session.fs.root, before.diff()))
    coverage = Coverage.combined([r.coverage for r in results])
    console.print(Rule("preview1 coverage of all runs", style="bold"))
    console.print(coverage_table(coverage))
    cp = results[4]
    console.print(Rule(f"The trace of `cp` ({len(cp.trace)} calls)", style="bold"))
    console.print(trace_text(cp.trace))
    calls = sum(len(r.trace) for r in results)
    console.print(f"\n{len(results)} runs, {calls} calls, MemFs now {session.fs.used_inodes} inodes, "
                  f"{human_size(session.fs.used_bytes)}")
    return 0
