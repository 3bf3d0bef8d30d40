"""The ``wasi-notebook`` command.

    wasi-notebook demo      a tour of MemFs in the terminal: a tree, a snapshot, changes, the diff

Errors of our own (bad arguments) exit with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.panel import Panel

from . import __version__
from .errors import WasiError
from .memfs import MemFs
from .render import diff_table, human_size, tree

__all__ = ["main", "demo"]


class VirtualClock:
    """Start at a fixed instant and step 1 ms per reading, so the demo prints the same every time."""

    def __init__(self, start_ns: int = 1_767_225_600_000_000_000) -> None:  # 2026-01-01 UTC
        self.now = start_ns

    def __call__(self) -> int:
        self.now += 1_000_000
        return self.now


def sample_fs() -> MemFs:
    """A small home folder and data set, the starting point of the demo."""
    fs = MemFs(clock=VirtualClock(), max_bytes=64 << 20)
    home = fs.path("/home/student")
    home.mkdir(parents=True)
    (home / "notes.txt").write_text("WASI keeps a guest inside the folders it is given.\n")
    (home / "todo.txt").write_text("- read the trace\n- check coverage\n")
    data = fs.path("/data")
    data.mkdir()
    (data / "numbers.csv").write_text("n,square\n" + "".join(f"{i},{i * i}\n" for i in range(1, 11)))
    (data / "blob.bin").write_bytes(bytes(range(256)) * 256)
    (data / "latest.csv").symlink_to("numbers.csv")
    (home / "numbers.csv").hardlink_to("/data/numbers.csv")
    return fs


def demo(console: Console) -> int:
    fs = sample_fs()
    console.print(Panel.fit("MemFs: the in-memory filesystem every wasi-notebook guest sees", style="bold"))
    console.print(tree(fs.root))

    snapshot = fs.snapshot()
    console.print("\n[bold]A run changes things[/] (here through the Python API; guests do the same through WASI):")
    steps = [
        ("append a line to /home/student/notes.txt",
         lambda: fs.path("/home/student/notes.txt").append_text("Symlinks cannot point outside either.\n")),
        ("write /out/report.txt", lambda: (fs.path("/out").mkdir(),
                                           fs.path("/out/report.txt").write_text("10 rows, sum of squares 385\n"))),
        ("rename todo.txt to done.txt", lambda: fs.path("/home/student/todo.txt").rename("done.txt")),
        ("delete /data/blob.bin", lambda: fs.path("/data/blob.bin").unlink()),
        ("try to escape with ../..", lambda: fs.path("/home/student/escape").symlink_to("../../..")),
        ("...and follow that link", lambda: fs.path("/home/student/escape/etc").read_text()),
    ]
    for what, action in steps:
        try:
            action()
            console.print(f"  [green]ok[/]    {what}")
        except WasiError as e:
            console.print(f"  [red]error[/] {what}: {e}")

    diff = snapshot.diff()
    console.print()
    console.print(tree(fs.root, diff))
    console.print()
    console.print(diff_table(diff))
    before = snapshot.read_text("/home/student/notes.txt")
    console.print(f"\nWhat /home/student/notes.txt held before the run: {before!r}")
    console.print(f"Usage: {fs.used_inodes} inodes, {human_size(fs.used_bytes)} of {human_size(fs.max_bytes)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wasi-notebook", description="A WASI workbench: run and observe WebAssembly guests.")
    parser.add_argument("--version", action="version", version=f"wasi-notebook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="a tour of MemFs in the terminal")
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    console = Console(highlight=False)
    if args.command == "demo":
        return demo(console)
    raise AssertionError(args.command)


if __name__ == "__main__":
    raise SystemExit(main())
