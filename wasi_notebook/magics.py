"""IPython magics: ``%load_ext wasi_notebook`` turns a notebook into a WASI workbench.

The notebook gets one :class:`~wasi_notebook.session.Session` (also in the variable ``wasi`` when
that name is free) whose MemFs lives from cell to cell:

    %wasi_load PATH [--as NAME]                   load a .wasm/.wat file, bind the Guest to NAME
    %wasi_load --guest cat                        load a bundled guest
    %%wasi_run [OPTIONS] [NAME|PATH] [ARGS...]    run a guest, the cell body being its stdin
    %%wasi_run --wat [ARGS...]                    the body is WAT source: assemble it and run it
    %%wasi_run --c [--as NAME] [ARGS...]          the body is C: build it with zig (cached), run it
    %%wasi_file PATH                              write the cell body to a file in the MemFs
    %wasi_fs [PATH]                               the MemFs tree, marked with the last run's changes
    %wasi_coverage [RESULT]                       coverage of the last run (or of RESULT): preview1's, or a component's by interface
    %wasi_trace [RESULT] [FILTERS]                the calls of the last run, filtered
    %wasi_reset [--keep-fs]                       a new Session (a fresh MemFs unless --keep-fs)

Each magic only parses its arguments, calls the Session and displays what comes back. Bad input
raises ``UsageError`` (one line, no traceback) before anything runs, so the MemFs is untouched.
While a guest runs, SIGINT (the notebook's interrupt button) stops it: see ``interrupt.py``.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import importlib
import keyword
import os
import re
import shlex
import sys
from pathlib import Path

from IPython.core.error import StdinNotImplementedError, UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display

from . import guests as bundled
from .errors import Errno, WasiError
from .interrupt import SigintWatch
from .session import P1_FUNCTIONS, Guest, LoadError, RunResult, Session
from .trace import ERRNOS, parse_fault

__all__ = ["WasiMagics", "current_session"]

SESSION_VARIABLE = "wasi"
_WIDGETS = ("ResultView", "LiveOutput", "TreeWidget", "CoverageWidget", "TraceWidget")
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(i?b)?\s*$", re.IGNORECASE)
_active: WasiMagics | None = None


def current_session() -> Session:
    """The notebook's Session (the one the magics use). Raises RuntimeError before ``%load_ext``."""
    if _active is None:
        raise RuntimeError("wasi_notebook is not loaded: run %load_ext wasi_notebook first")
    return _active.session


def _parse(magic, line: str) -> argparse.Namespace:
    """A magic's arguments, split the way a shell splits them (quotes removed)."""
    try:
        argv = shlex.split(line)
    except ValueError as e:
        raise UsageError(f"cannot split the arguments: {e}") from None
    return magic.parser.parse_args(argv)


def _duration(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _bytes(text: str) -> int:
    """``65536``, ``64K``, ``64M``, ``1G`` (or ``64MiB``) to a number of bytes."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: write bytes, e.g. 65536, 64M or 1G")
    return int(match[1]) << {"": 0, "k": 10, "m": 20, "g": 30}[match[2].lower()]


def _identifier(stem: str) -> str:
    """A file's stem made into a Python name: ``hello-world.v2`` -> ``hello_world_v2``."""
    name = re.sub(r"\W", "_", stem) or "guest"
    if name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) else name


def _check_variable(name: str, option: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"{option} {name!r}: give a valid Python variable name")
    return name


def _pairs(specs: list[str], option: str, form: str) -> dict[str, str]:
    out = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name or (option == "--dir" and not value):
            raise UsageError(f"{option} {spec!r}: write {form}")
        out[name] = value
    return out


class _Printer:
    """Guest output written to this process's stdout and stderr as it comes (a terminal, or a
    notebook cell without widgets). UTF-8 split across two writes is joined before printing."""

    def __init__(self) -> None:
        self._decoders = {name: codecs.getincrementaldecoder("utf-8")("replace") for name in ("stdout", "stderr")}

    def append(self, stream: str, chunk: bytes) -> None:
        text = self._decoders[stream].decode(chunk)
        if text:
            out = getattr(sys, stream)
            out.write(text)
            out.flush()

    def close(self) -> None:
        for stream, decoder in self._decoders.items():
            rest = decoder.decode(b"", final=True)
            if rest:
                getattr(sys, stream).write(rest)


@magics_class
class WasiMagics(Magics):
    """The wasi-notebook magics, over one Session per notebook."""

    def __init__(self, shell=None) -> None:
        super().__init__(shell)
        self.session = Session()
        self.last: RunResult | None = None
        #: None: use the widgets when a notebook frontend is there; True/False: always/never.
        self.use_widgets: bool | None = None
        self._publish_session()

    # -- helpers -----------------------------------------------------------------------------

    def _publish_session(self, old: Session | None = None) -> None:
        ns = self.shell.user_ns if self.shell is not None else {}
        if SESSION_VARIABLE not in ns or ns[SESSION_VARIABLE] is old:
            ns[SESSION_VARIABLE] = self.session

    def _frontend(self) -> bool:
        return getattr(self.shell, "kernel", None) is not None

    def _widgets(self):
        """The widgets module, or None for the rich renderings."""
        wanted = self.use_widgets if self.use_widgets is not None else self._frontend()
        if not wanted:
            return None
        try:
            widgets = importlib.import_module(f"{__package__}.widgets")
        except ImportError:
            return None
        return widgets if all(hasattr(widgets, name) for name in _WIDGETS) else None

    def _result(self, name: str | None) -> RunResult:
        if name:
            value = self.shell.user_ns.get(name)
            if not isinstance(value, RunResult):
                raise UsageError(f"{name!r} is not a run result: keep one with %%wasi_run -o {name} ...")
            return value
        if self.last is None:
            raise UsageError("no guest has run yet: run one with %%wasi_run first")
        return self.last

    def _guest(self, spec: str) -> Guest:
        """A Guest from a variable, a file path, or a bundled guest's name."""
        value = self.shell.user_ns.get(spec)
        try:
            if isinstance(value, Guest):
                # Loaded through this session's engine (cached by content: costs one hash).
                return self.session.load(value.wasm, name=value.name)
            path = Path(os.path.expanduser(spec))
            if path.exists():
                return self.session.load(path)
            if spec in bundled.GUESTS:
                return self.session.load(bundled.path(spec))
        except LoadError as e:
            raise UsageError(str(e)) from None
        raise UsageError(f"no guest {spec!r}: load one with %wasi_load PATH, give a .wasm or .wat path, or "
                         f"name a bundled guest ({', '.join(bundled.GUESTS)})")

    def _read_file(self, path: str, option: str) -> bytes:
        try:
            return self.session.fs.path(path).read_bytes()
        except WasiError as e:
            raise UsageError(f"{option} {path}: {e}") from None

    def _build(self, source: str, c: bool, name: str | None) -> Guest:
        try:
            if c:
                from .cc import CompileError, ZigMissing, compile_c

                try:
                    wasm = compile_c(source)
                except ZigMissing as e:
                    raise UsageError(str(e)) from None
                except CompileError as e:
                    sys.stderr.write(e.diagnostics + "\n")
                    raise UsageError(f"{e} (the compiler's messages are above)") from None
                return self.session.load(wasm, name=name or "cell")
            import wasmtime

            try:
                wasm = wasmtime.wat2wasm(source)
            except wasmtime.WasmtimeError as e:
                message = str(e).strip().replace("<anon>", "cell")
                first, _, where = message.partition("\n")
                at = where.strip().splitlines()[0].lstrip("-> ").strip() if where.strip() else ""
                raise UsageError(f"the WAT does not assemble: {first}" + (f" (at {at})" if at else "")) from None
            return self.session.load(wasm, name=name or "cell.wat")
        except LoadError as e:
            raise UsageError(str(e)) from None

    # -- magics ------------------------------------------------------------------------------

    @magic_arguments()
    @argument("path", nargs="?", help="a .wasm or .wat file")
    @argument("--guest", metavar="NAME", help=f"a bundled guest instead of a file: {', '.join(bundled.GUESTS)}")
    @argument("--as", dest="name", metavar="NAME",
              help="the variable to bind the Guest to (default: the file's name without its extension)")
    @argument("--adapt", action="store_true",
              help="load the preview2 component jco's preview1 adapter makes of the module (needs npm)")
    @line_magic
    def wasi_load(self, line: str) -> None:
        """Load a WebAssembly guest (a preview1 module or a preview2 component), bind it to a
        variable, and show what it is: its size, its exports and the WASI functions or
        interfaces it imports.

        Examples::

            %wasi_load hello.wasm
            %wasi_load build/prog.wasm --as prog
            %wasi_load --guest cat
            %wasi_load --guest cat --adapt --as cat2
        """
        args = _parse(self.wasi_load, line)
        if (args.path is None) == (args.guest is None):
            raise UsageError("give a PATH or --guest NAME (one of them)")
        if args.guest is not None:
            if args.guest not in bundled.GUESTS:
                raise UsageError(f"no bundled guest {args.guest!r}; there are: {', '.join(bundled.GUESTS)}")
            source = bundled.path(args.guest)
        else:
            source = Path(os.path.expanduser(args.path))
        name = _check_variable(args.name, "--as") if args.name else _identifier(source.stem)
        try:
            guest = self.session.load(source)
        except LoadError as e:
            raise UsageError(str(e)) from None
        if args.adapt:
            guest = self._adapted(guest)
        self.shell.user_ns[name] = guest
        from .render import guest_table

        table = guest_table(guest)
        table.caption = f"in the variable {name}; run it with %%wasi_run {name} ARGS"
        table.caption_justify = "left"
        display(table)

    @magic_arguments()
    @argument("command", nargs=argparse.REMAINDER, metavar="[NAME|PATH] [ARGS...]",
              help="the guest (a variable from %%wasi_load, a file, or a bundled guest's name) and its "
                   "arguments; with --wat or --c only the arguments. Options go before the guest.")
    @argument("--env", action="append", default=[], metavar="NAME=VALUE",
              help="an environment variable (repeatable); the guest sees exactly these")
    @argument("--dir", action="append", default=[], metavar="GUEST=MEMFS_PATH",
              help="preopen the MemFs folder MEMFS_PATH as GUEST (repeatable; default: the root as /)")
    @argument("--deterministic", action="store_true", help="a virtual clock and seeded randomness")
    @argument("--seed", type=int, default=0, metavar="N", help="the random seed with --deterministic")
    @argument("--fault", action="append", default=[], metavar="RULE",
              help="make calls fail (repeatable), e.g. 'path_open[*.cfg]=ACCES' or 'fd_write[fd=1]@2+=NOSPC'")
    @argument("--fuel", type=int, metavar="N", help="stop the guest after N units of fuel (about one per instruction)")
    @argument("--timeout", type=float, metavar="SECONDS", help="stop the guest after this much wall time")
    @argument("--max-memory", type=_bytes, metavar="BYTES", help="cap the guest's linear memory, e.g. 16M")
    @argument("--no-trace", action="store_true", help="count calls but do not record them")
    @argument("-i", "--interactive", action="store_true",
              help="after the cell body, ask for stdin line by line (an empty line ends it)")
    @argument("--stdin", metavar="MEMFS_FILE", help="the guest's stdin is this MemFs file (not the cell body)")
    @argument("-o", "--out", metavar="VAR", help="keep the RunResult in the variable VAR")
    @argument("-q", "--quiet", action="store_true", help="show the output only, not the result view")
    @argument("--wat", action="store_true", help="the cell body is WAT source: assemble it and run it")
    @argument("--c", action="store_true", help="the cell body is C source: build it with zig and run it")
    @argument("--as", dest="name", metavar="NAME",
              help="with --wat or --c: also bind the built Guest to NAME, to run it again by name")
    @argument("--adapt", action="store_true",
              help="run the preview2 component jco's preview1 adapter makes of the module (needs npm)")
    @argument("--side-by-side", action="store_true",
              help="run the module and its adapted component from the same files and show both traces "
                   "side by side; the component's run becomes the last run (needs npm)")
    @line_cell_magic
    def wasi_run(self, line: str, cell: str | None = None) -> None:
        """Run a WASI guest on the notebook's MemFs. The cell body is the guest's standard input.

        Its output appears while it runs; then the result view shows the exit code (or the trap),
        the files it created, changed and deleted, the WASI functions it called, and every call.
        The interrupt button stops a guest, even one spinning in a loop.

        Examples::

            %%wasi_run cat - notes.txt
            This line is the guest's stdin.

            %wasi_run --deterministic -o r ls -l /
            %wasi_run --fault 'path_open[*.txt]=ACCES' cat notes.txt
            %wasi_run --stdin /data/words.txt wc

            %%wasi_run --wat
            (module ...)

            %wasi_run --side-by-side cat notes.txt
        """
        args = _parse(self.wasi_run, line)
        command = list(args.command)
        if command[:1] == ["--"]:
            command = command[1:]
        if args.wat and args.c:
            raise UsageError("choose --wat or --c, not both")
        for value, option in ((args.out, "-o"), (args.name, "--as")):
            if value is not None:
                _check_variable(value, option)
        if args.name and not (args.wat or args.c):
            raise UsageError("--as names a guest built from the cell: use it with --wat or --c")
        if args.adapt and args.side_by_side:
            raise UsageError("choose --adapt (run the component) or --side-by-side (run both), not both")
        if args.side_by_side and (args.fault or args.interactive or args.quiet):
            option = "--fault" if args.fault else "--interactive" if args.interactive else "--quiet"
            raise UsageError(f"--side-by-side runs two guests with the same input and shows both: it does not "
                             f"take {option}")
        env = _pairs(args.env, "--env", "NAME=VALUE")
        preopens = _pairs(args.dir, "--dir", "GUEST=MEMFS_PATH, e.g. /=/ or data=/home/data") or None
        faults = []
        for spec in args.fault:
            try:
                faults.append(parse_fault(spec))  # the names are checked once the guest is known
            except ValueError as e:
                raise UsageError(str(e) if repr(spec) in str(e) else f"--fault {spec!r}: {e}") from None
        body = cell or ""
        stdin: str | bytes = "" if args.wat or args.c else body
        if args.stdin is not None:
            if stdin:
                raise UsageError("--stdin gives the guest's stdin: leave the cell body empty")
            stdin = self._read_file(args.stdin, "--stdin")
        if args.wat or args.c:
            if not body.strip():
                raise UsageError(f"--{'wat' if args.wat else 'c'} takes its source from the cell body: "
                                 "write it below %%wasi_run")
            guest, guest_args = self._build(body, args.c, args.name), command
            if args.name:
                self.shell.user_ns[args.name] = guest
        elif not command:
            raise UsageError("name the guest to run: a variable from %wasi_load, a .wasm/.wat path, or a bundled "
                             "guest such as cat")
        else:
            guest, guest_args = self._guest(command[0]), command[1:]
        if args.side_by_side:
            self._side_by_side(guest, guest_args, stdin, args, env=env, preopens=preopens)
            return
        if args.adapt:
            guest = self._adapted(guest)
        self._run(guest, guest_args, stdin, args, env=env, preopens=preopens, faults=faults)

    def _adapted(self, guest: Guest) -> Guest:
        """The component the preview1 adapter makes of ``guest`` (UsageError saying why not)."""
        with _adapting():
            return self.session.adapt(guest)

    def _side_by_side(self, guest: Guest, guest_args: list[str], stdin: str | bytes, args, *, env, preopens) -> None:
        """``--side-by-side``: the module and its adapted component, run and shown together."""
        from .sidebyside import side_by_side

        self._check_run(guest, guest_args, env, preopens)
        with SigintWatch(self.session), _adapting():
            try:
                both = side_by_side(self.session, guest, guest_args, stdin=stdin, env=env, preopens=preopens,
                                    deterministic=args.deterministic, seed=args.seed, fuel=args.fuel,
                                    timeout=args.timeout, max_memory=args.max_memory, trace=not args.no_trace)
            except WasiError as e:
                raise UsageError(str(e)) from None
        self.last = both.component
        if args.out:
            self.shell.user_ns[args.out] = both
        display(both)

    def _check_run(self, guest: Guest, guest_args: list[str], env, preopens) -> None:
        """The checks a run makes first, made before anything is shown (UsageError)."""
        from .ctx import WasiCtx

        try:
            WasiCtx(self.session.fs, args=[guest.name, *guest_args], env=env, preopens=preopens or {"/": "/"})
        except (ValueError, WasiError) as e:
            raise UsageError(str(e)) from None
        if guest.kind == "module" and ("_start", "func") not in guest.exports:
            raise UsageError(f"{guest.name} has no _start function: it is not a command module")

    def _run(self, guest: Guest, guest_args: list[str], stdin: str | bytes, args, *, env, preopens, faults) -> None:
        from .stdio import InputSource

        fs = self.session.fs
        self._check_run(guest, guest_args, env, preopens)
        if guest.kind == "module":
            for rule in faults:
                try:
                    parse_fault(str(rule), P1_FUNCTIONS)
                except ValueError as e:
                    raise UsageError(str(e)) from None
        watch = SigintWatch(self.session)
        source: str | bytes | InputSource = stdin
        if args.interactive:
            kernel = getattr(self.shell, "kernel", None)
            if kernel is not None and not getattr(kernel, "_allow_stdin", True):
                raise UsageError("--interactive needs a frontend that answers input requests (this one does not)")
            prompt = f"stdin of {guest.name} (an empty line ends it): "
            source = InputSource(stdin, more=lambda: self._ask(watch, prompt))

        # Where the output goes while the guest runs: a notebook gets the result view at once,
        # filled as output comes and finished with the result (--quiet: only a live output box);
        # a terminal gets the text as it comes, then the summary.
        widgets = self._widgets()
        view = live = printer = None
        if widgets is not None and self._frontend():
            if args.quiet:
                live = widgets.LiveOutput()
                live.start()
                display(live)
                writers = {"on_stdout": live.writer("stdout"), "on_stderr": live.writer("stderr")}
            else:
                view = widgets.ResultView.streaming(" ".join([guest.name, *map(shlex.quote, guest_args)]), fs=fs)
                view.display()
                writers = view.writers()
        else:
            printer = _Printer()
            writers = {"on_stdout": lambda b: printer.append("stdout", b),
                       "on_stderr": lambda b: printer.append("stderr", b)}
        try:
            with watch:
                result = self.session.run(
                    guest, guest_args, stdin=source, env=env, preopens=preopens, faults=faults,
                    deterministic=args.deterministic, seed=args.seed, fuel=args.fuel, timeout=args.timeout,
                    max_memory=args.max_memory, trace=not args.no_trace, **writers)
        except (ValueError, WasiError) as e:  # refused before the guest started
            raise UsageError(str(e)) from None
        finally:
            for stream in (live, printer):
                if stream is not None:
                    stream.close()
        self.last = result
        if args.out:
            self.shell.user_ns[args.out] = result
        if result.trap is not None:
            what = "was interrupted" if result.interrupted else f"trapped: {result.trap}"
            sys.stderr.write(f"{guest.name} {what} (after {_duration(result.duration_s)}; the MemFs and "
                             "the trace are kept)\n")
            sys.stderr.flush()
        elif args.quiet and result.exit_code != 0:
            sys.stderr.write(f"{guest.name} exited with {result.exit_code}\n")
        if view is not None:
            view.finish(result, fs)
        elif not args.quiet:
            if widgets is not None:
                display(widgets.ResultView(result, fs=fs))
            else:
                from .render import result_summary

                display(result_summary(result))

    def _ask(self, watch: SigintWatch, prompt: str) -> str | None:
        """One line typed by the person (through the kernel's input request); None at the end."""
        try:
            with watch.waiting_for_input():
                line = input(prompt)
        except (EOFError, KeyboardInterrupt, StdinNotImplementedError):
            return None
        return line + "\n" if line else None

    @magic_arguments()
    @argument("path", help="where in the MemFs, e.g. /data/notes.txt (folders are made as needed)")
    @argument("-a", "--append", action="store_true", help="add to the end of the file instead of replacing it")
    @cell_magic
    def wasi_file(self, line: str, cell: str) -> None:
        """Write the cell body to a file in the notebook's MemFs, for guests to read.

        Example::

            %%wasi_file /data/notes.txt
            first line
            second line
        """
        args = _parse(self.wasi_file, line)
        try:
            target = self.session.fs.path(args.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            (target.append_text if args.append else target.write_text)(cell)
        except WasiError as e:
            raise UsageError(f"%%wasi_file {args.path}: {e}") from None

    @magic_arguments()
    @argument("path", nargs="?", default="/", help="the folder to show (default: the root)")
    @argument("--plain", action="store_true", help="do not mark what the last run changed")
    @line_magic
    def wasi_fs(self, line: str) -> None:
        """Show the notebook's MemFs as a tree, marked with what the last run created, changed,
        moved and deleted."""
        args = _parse(self.wasi_fs, line)
        fs = self.session.fs
        try:
            root = fs.path(args.path)
            if not root.exists():
                raise UsageError(f"%wasi_fs {args.path}: no such folder in the MemFs")
            if not root.is_dir():
                raise UsageError(f"{args.path!r} is not a folder of the MemFs")
        except WasiError as e:
            raise UsageError(f"%wasi_fs {args.path}: {e}") from None
        diff = self.last.diff if self.last is not None and not args.plain else None
        widgets = self._widgets()
        if widgets is not None:
            display(widgets.TreeWidget(fs, diff=diff, root=str(root)))
        else:
            from .render import tree

            display(tree(root, diff))

    @magic_arguments()
    @argument("result", nargs="?", help="a variable holding a RunResult (default: the last run)")
    @line_magic
    def wasi_coverage(self, line: str) -> None:
        """Show which of the 46 preview1 functions the last run's guest imported and called,
        how often, and with which errors; for a component, the functions of each interface it
        imports, called how often, answering which error cases."""
        args = _parse(self.wasi_coverage, line)
        coverage = self._result(args.result).coverage
        widgets = self._widgets()
        if widgets is not None:
            display(widgets.CoverageWidget(coverage))
        else:
            from .render import coverage_table

            display(coverage_table(coverage))

    @magic_arguments()
    @argument("result", nargs="?", help="a variable holding a RunResult (default: the last run)")
    @argument("-f", "--function", action="append", metavar="F",
              help="only calls of this function (repeatable, or comma-separated)")
    @argument("-e", "--errno", metavar="E", help="only calls that returned this errno, e.g. NOENT or SUCCESS "
              "(a component's: an error case such as no-entry, or ok)")
    @argument("-p", "--path", metavar="GLOB", help="only calls with a path argument matching GLOB, e.g. '*.txt'")
    @argument("--failed", action="store_true", help="only calls that failed")
    @argument("--text", action="store_true", help="plain numbered lines instead of the interactive view")
    @argument("-n", "--limit", type=int, default=200, metavar="N",
              help="show at most N calls in text (default 200; 0: all)")
    @line_magic
    def wasi_trace(self, line: str) -> None:
        """Show the calls the last run made, with their arguments decoded, filtered by function,
        errno, path or failure."""
        args = _parse(self.wasi_trace, line)
        trace = self._result(args.result).trace
        functions = [f.strip() for spec in args.function or () for f in spec.split(",") if f.strip()] or None
        component = trace.outcomes is not ERRNOS
        if functions:
            for f in functions:
                try:
                    trace.select(f)
                except ValueError:
                    raise UsageError(f"--function {f!r} is not a {'function the component imports' if component else 'preview1 function'}") from None
        errno = None
        if args.errno:
            try:
                errno = args.errno.strip() if component else Errno.from_label(args.errno).label
            except ValueError as e:
                raise UsageError(f"--errno: {e}") from None
        filtered = bool(functions or errno or args.path or args.failed)
        widgets = self._widgets()
        if widgets is not None and not args.text and len(functions or ()) <= 1:
            view = widgets.TraceWidget(trace)
            view.set_filters(function=functions[0] if functions else "", errno=errno or "", path=args.path or "",
                             failed_only=args.failed)
            display(view)
            return
        records = trace.filter(functions, errno=errno, path=args.path,
                               failed=True if args.failed else None) if filtered else list(trace)
        from .render import trace_text

        if not records:
            print("no calls match" if filtered else "no calls were recorded")
            return
        listing = trace_text(records, limit=args.limit or None)
        listing.rstrip()
        display(listing)

    @magic_arguments()
    @argument("--keep-fs", action="store_true", help="keep the MemFs; forget only the loaded guests and the last run")
    @line_magic
    def wasi_reset(self, line: str) -> None:
        """Start afresh: a new Session with an empty MemFs (or, with --keep-fs, the same files)."""
        args = _parse(self.wasi_reset, line)
        old = self.session
        self.session = Session(fs=old.fs if args.keep_fs else None)
        self.last = None
        self._publish_session(old)


@contextlib.contextmanager
def _adapting():
    """Errors of making (and running) an adapted component as UsageErrors: a module that cannot
    be adapted, bad settings, or jco's refusal (what it said goes to stderr first)."""
    from .adapter import AdapterError

    try:
        yield
    except ValueError as e:  # LoadError among them
        raise UsageError(str(e)) from None
    except AdapterError as e:
        if e.details:
            sys.stderr.write(e.details + "\n")
        raise UsageError(str(e) + (" (what jco said is above)" if e.details else "")) from None


def load(shell) -> WasiMagics:
    """Register the magics in ``shell`` (``%load_ext wasi_notebook``)."""
    global _active
    magics = WasiMagics(shell)
    shell.register_magics(magics)
    _active = magics
    return magics


def unload(shell) -> None:
    """Remove the magics and the ``wasi`` variable (``%unload_ext wasi_notebook``)."""
    global _active
    if _active is None:
        return
    manager = shell.magics_manager
    for kind in ("line", "cell"):
        table = manager.magics[kind]
        for name in [n for n, f in table.items() if getattr(f, "__self__", None) is _active]:
            del table[name]
    manager.registry.pop(type(_active).__name__, None)
    if shell.user_ns.get(SESSION_VARIABLE) is _active.session:
        del shell.user_ns[SESSION_VARIABLE]
    _active = None
