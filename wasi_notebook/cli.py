"""The ``wasi-notebook`` command line: a stable contract that other tools drive.

    wasi-notebook run [OPTIONS] GUEST [ARGS...]
    wasi-notebook adapt MODULE -o COMPONENT
    wasi-notebook demo

``run`` passes the guest's stdout and stderr through unchanged and exits with the guest's exit
code; a trap exits 134 with the trap message and wasm backtrace on stderr. Errors of our own
(bad arguments, not a wasm file) exit 2 with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import sys
from pathlib import Path

from . import __version__
from .adapter import AdapterError
from .errors import WasiError
from .session import LoadError, Session

__all__ = ["main"]

EXIT_USAGE = 2


class UsageError(Exception):
    """Our own error: a bad argument. Exits 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wasi-notebook",
                                     description="A WASI workbench: run WebAssembly guests on a traced Python host.")
    parser.add_argument("--version", action="version", version=f"wasi-notebook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("demo", help="run the bundled example guests on a sample filesystem")
    adapt = commands.add_parser("adapt", help="make a preview1 module a preview2 command component", description=(
        "Make the preview1 command module MODULE (.wasm or .wat) into a preview2 command component "
        "with jco's preview1 adapter. Needs Node.js and npm: jco is installed into the user cache "
        "the first time."))
    adapt.add_argument("module", metavar="MODULE")
    adapt.add_argument("-o", "--output", required=True, metavar="COMPONENT", help="where to write the component")
    run = commands.add_parser("run", help="run a preview1 guest", description=(
        "Run GUEST (a .wasm or .wat file) with ARGS. Its argv[0] is the file's name and its "
        "environment is exactly the --env pairs."))
    run.add_argument("guest", metavar="GUEST")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    run.add_argument("--dir", action="append", default=[], metavar="HOST[::GUEST]",
                     help="copy a host folder into the MemFs at GUEST (default: the same path), preopen it, "
                          "and write every change back afterwards")
    run.add_argument("--no-write-back", action="store_true", help="leave the --dir host folders untouched")
    run.add_argument("--mem-dir", action="append", default=[], metavar="GUEST", help="an empty in-memory preopen")
    run.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    run.add_argument("--stdin", default="-", metavar="FILE", help="the guest's stdin ('-': ours, the default)")
    run.add_argument("--trace", metavar="FILE", help="write every call as JSON Lines")
    run.add_argument("--coverage", metavar="FILE",
                     help="write coverage as JSON (preview1's, or a component's by interface)")
    run.add_argument("--summary", action="store_true", help="print coverage and call counts on stderr")
    run.add_argument("--fault", action="append", default=[], metavar="RULE",
                     help="inject a failure, e.g. 'path_open[*.cfg]=ACCES' or 'fd_write[fd=1]@2=IO'; for a "
                          "component 'open-at[*.cfg]=ACCES' or 'wasi:filesystem/types#open-at=NOENT'")
    run.add_argument("--deterministic", action="store_true", help="virtual clock and seeded randomness")
    run.add_argument("--seed", type=int, default=0, metavar="N", help="the random seed with --deterministic")
    run.add_argument("--fuel", type=int, metavar="N", help="stop the guest after N units of fuel")
    run.add_argument("--timeout", type=float, metavar="SECONDS", help="stop the guest after this wall time")
    run.add_argument("--max-memory", type=int, metavar="BYTES", help="cap the guest's linear memory")
    run.add_argument("--backend", choices=["memfs", "native"], default="memfs",
                     help="memfs: our traced host (default); native: wasmtime's built-in WASI, for comparison")
    run.add_argument("--adapt", action="store_true",
                     help="run the preview2 component jco's preview1 adapter makes of the module (needs npm)")
    return parser


def _mounts(args) -> list[tuple[str | None, str, str]]:
    """(host folder or None, guest path, MemFs path) for every --dir and --mem-dir."""
    mounts = []
    for spec in args.dir:
        host, _, guest = spec.partition("::")
        guest = guest or host
        if not host:
            raise UsageError(f"--dir {spec!r}: name a host folder")
        if not os.path.isdir(host):
            raise UsageError(f"--dir {spec!r}: {host!r} is not a folder")
        mounts.append((host, guest, posixpath.normpath("/" + guest)))
    for guest in args.mem_dir:
        mounts.append((None, guest, posixpath.normpath("/" + guest)))
    for i, (_, guest_a, a) in enumerate(mounts):
        for _, guest_b, b in mounts[i + 1:]:
            if a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/"):
                raise UsageError(f"the preopens {guest_a!r} and {guest_b!r} overlap in the MemFs; give them "
                                 "guest paths that do not contain each other")
    return mounts


def _env(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--env {pair!r}: write NAME=VALUE")
        env[name] = value
    return env


def _stdin(spec: str, backend: str):
    from .stdio import InputSource

    if spec != "-":
        try:
            return Path(spec).read_bytes()
        except OSError as e:
            raise UsageError(f"--stdin {spec!r}: {e.strerror}") from None
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        return b""
    if backend == "native":
        return stream.read()
    return InputSource(b"", more=lambda: stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536))


def _passthrough(stream):
    out = stream.buffer

    def write(chunk: bytes) -> None:
        out.write(chunk)
        out.flush()
    return write


def run_command(args) -> int:
    if args.args and args.args[0] == "--":
        args.args = args.args[1:]
    mounts = _mounts(args)
    env = _env(args.env)
    session = Session()
    fs = session.fs
    try:
        guest = session.load(args.guest, backend=args.backend)
        if args.adapt:
            guest = session.adapt(guest)
    except LoadError as e:
        raise UsageError(str(e)) from None
    for host, _, memfs_path in mounts:
        if host is not None:
            fs.path(memfs_path).parent.mkdir(parents=True, exist_ok=True)
            fs.import_dir(host, memfs_path)
        else:
            fs.path(memfs_path).mkdir(parents=True, exist_ok=True)
    try:
        result = session.run(
            guest, args.args, stdin=_stdin(args.stdin, args.backend), env=env,
            preopens={guest_path: memfs_path for _, guest_path, memfs_path in mounts},
            deterministic=args.deterministic, seed=args.seed, fuel=args.fuel, timeout=args.timeout,
            max_memory=args.max_memory, faults=args.fault, backend=args.backend,
            on_stdout=_passthrough(sys.stdout), on_stderr=_passthrough(sys.stderr),
        )
    except ValueError as e:
        raise UsageError(str(e)) from None
    if not args.no_write_back:
        from .memfs.transfer import sync_to_host

        for host, _, memfs_path in mounts:
            if host is not None:
                sync_to_host(fs, memfs_path, host)
    if args.trace:
        with open(args.trace, "w") as f:
            for line in result.trace.jsonl():
                f.write(line + "\n")
    if args.coverage:
        Path(args.coverage).write_text(json.dumps(result.coverage.to_dict(), indent=2) + "\n")
    if args.summary:
        from rich.console import Console

        from .render import coverage_table

        Console(file=sys.stderr, highlight=False).print(coverage_table(result.coverage))
    if result.trap is not None:
        sys.stderr.write(f"wasi-notebook: {guest.name} trapped: {result.trap}\n")
        if result.backtrace:
            sys.stderr.write("wasm backtrace:\n" + result.backtrace + "\n")
    sys.stderr.flush()
    return result.status


def adapt_command(args) -> int:
    session = Session()
    try:
        component = session.adapt(args.module)
    except LoadError as e:
        raise UsageError(str(e)) from None
    Path(args.output).write_bytes(component.wasm)
    sys.stderr.write(f"wasi-notebook: wrote {args.output}, a preview2 command component of {component.size:,} bytes "
                     f"importing {len(component.imports)} interfaces\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "demo":
            from .demo import demo

            return demo()
        if args.command == "adapt":
            return adapt_command(args)
        return run_command(args)
    except (UsageError, WasiError, OSError) as e:
        sys.stderr.write(f"wasi-notebook: {e}\n")
        return EXIT_USAGE
    except AdapterError as e:
        sys.stderr.write(f"wasi-notebook: {e}\n" + (f"{e.details}\n" if e.details else ""))
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
