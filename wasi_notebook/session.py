"""Session: load guests (compiled once, cached by content) and run them over one MemFs.

>>> from wasi_notebook import Session
>>> s = Session()
>>> cat = s.load(wasi_notebook.guests.path("cat"))
>>> s.fs.path("/hello.txt").write_text("hi\\n")
>>> r = s.run(cat, ["hello.txt"])
>>> r.stdout, r.exit_code
(b'hi\\n', 0)

The MemFs lives in the session and keeps what each run leaves. Each run has its own WasiCtx
(arguments, environment, streams, clocks) and descriptor table, its trace and coverage, and the
diff of the MemFs from before to after.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Mapping

import wasmtime

from . import hostcall
from .cache import wasmtime_cache_config
from .ctx import WasiCtx
from .errors import WasiError
from .memfs import MemFs
from .memfs.diff import Diff
from .p1.defs import MODULE as P1_MODULE
from .p1.describe import Preview1Decoder
from .p1.host import Preview1
from .p1.install import install
from .p1.signatures import SIGNATURES
from .stdio import InputSource, OutputSink
from .trace import DEFAULT_MAX_RECORDS, Coverage, FaultRule, Observer, Trace, is_drop, parse_fault

__all__ = ["Session", "Guest", "RunResult", "LoadError", "P1_FUNCTIONS", "INTERRUPTED"]

P1_FUNCTIONS = list(SIGNATURES)
_MODULE_MAGIC = b"\0asm\x01\x00\x00\x00"
_COMPONENT_MAGIC = b"\0asm\x0d\x00\x01\x00"
EXIT_TRAPPED = 134  # what wasmtime's command line exits with when a guest traps
INTERRUPTED = "interrupted"  # the trap message of a run stopped by Session.interrupt()


class LoadError(ValueError):
    """A guest could not be loaded: not wasm, not valid, or needing imports we do not provide."""


@dataclasses.dataclass(frozen=True)
class Guest:
    """A loaded guest: compiled, with what it imports and exports."""

    name: str
    kind: str  # "module" (preview1 core module) or "component" (preview2)
    size: int
    sha256: str
    wasm: bytes = dataclasses.field(repr=False)
    module: wasmtime.Module = dataclasses.field(repr=False)
    imports: tuple[tuple[str, str, str], ...] = dataclasses.field(repr=False)
    exports: tuple[tuple[str, str], ...] = dataclasses.field(repr=False)
    #: A component's imports our preview2 host does not provide yet: only backend="native" runs it.
    missing: tuple[str, ...] = dataclasses.field(default=(), repr=False)

    @property
    def wasi_imports(self) -> list[str]:
        """The preview1 functions this guest imports, in witx order."""
        names = {name for module, name, _ in self.imports if module == P1_MODULE}
        return [f for f in P1_FUNCTIONS if f in names]

    def describe(self) -> str:
        what = "preview1 module" if self.kind == "module" else "preview2 component"
        lines = [f"{self.name}: {what}, {self.size:,} bytes, sha256 {self.sha256[:12]}",
                 f"exports: {', '.join(n for n, _ in self.exports) or '(none)'}"]
        if self.kind == "module":
            lines.append(f"imports {len(self.wasi_imports)} of {len(P1_FUNCTIONS)} preview1 functions: "
                         + ", ".join(self.wasi_imports))
        else:
            lines.append(f"imports {len(self.imports)} interfaces: " + ", ".join(n for n, _, _ in self.imports))
        return "\n".join(lines)


@dataclasses.dataclass
class RunResult:
    """What one run did. ``exit_code`` is None when the guest trapped (see ``trap``)."""

    guest: Guest
    args: list[str]
    exit_code: int | None
    stdout: bytes
    stderr: bytes
    trace: Trace
    coverage: Coverage
    diff: Diff
    duration_s: float
    trap: str | None = None
    backtrace: str | None = None
    backend: str = "memfs"

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def status(self) -> int:
        """The exit status a command line gives: the exit code, or 134 for a trap."""
        return EXIT_TRAPPED if self.exit_code is None else self.exit_code

    @property
    def interrupted(self) -> bool:
        """The run was stopped by :meth:`Session.interrupt` (a trap reported as "interrupted")."""
        return self.trap == INTERRUPTED

    @property
    def stdout_text(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def __repr__(self) -> str:
        end = f"exit {self.exit_code}" if self.exit_code is not None else f"trap: {self.trap}"
        return (f"<RunResult {self.guest.name} {end}, {len(self.stdout)} bytes out, {len(self.trace)} calls, "
                f"{self.coverage.summary()}, {self.diff.summary()}, {self.duration_s * 1e3:.1f} ms>")


class Session:
    """A MemFs, the settings runs share, and the compiled-guest cache."""

    def __init__(self, fs: MemFs | None = None) -> None:
        self.fs = fs if fs is not None else MemFs()
        self._engines: dict[bool, wasmtime.Engine] = {}
        self._cache: dict[str, Guest] = {}
        self._modules: dict[tuple[bool, str], wasmtime.Module] = {}
        self._interrupted = False

    def interrupt(self) -> None:
        """Stop the guest that is running now (memfs backend) at its next loop iteration or
        function call, even in a loop that never calls the host. The run ends as a trap reported
        as ``"interrupted"`` (``RunResult.interrupted``), keeping the MemFs and the trace.

        Safe to call from any thread, or from a signal handler, while :meth:`run` is busy in
        another; a run that starts afterwards is not affected.
        """
        self._interrupted = True
        for engine in list(self._engines.values()):
            engine.increment_epoch()  # the store's deadline is one tick ahead: it traps

    def _engine(self, fuel: bool) -> wasmtime.Engine:
        """The engine for runs with or without fuel; its compiled code is kept on disk (see
        :func:`.cache.wasmtime_cache_config`), so a guest compiles once per machine."""
        engine = self._engines.get(fuel)
        if engine is None:
            config = wasmtime.Config()
            config.epoch_interruption = True
            config.consume_fuel = fuel
            cache = wasmtime_cache_config()
            if cache is not None:
                try:
                    config.cache = cache
                except wasmtime.WasmtimeError:
                    pass  # an unusable cache folder: compile every time
            engine = self._engines[fuel] = wasmtime.Engine(config)
        return engine

    # -- loading -----------------------------------------------------------------------------

    def load(self, source, *, name: str | None = None, backend: str = "memfs") -> Guest:
        """Load a guest from a path, wasm bytes, or WAT text. Compiled once per content.

        Raises LoadError: not a wasm file (says what it looks like), invalid wasm, or an import
        this host does not provide (named; with ``backend="native"`` a component may import what
        only wasmtime's own preview2 provides).
        """
        data, default_name = _read_source(source)
        digest = hashlib.sha256(data).hexdigest()
        cached = self._cache.get(digest)
        if cached is not None and cached.missing and backend != "native":
            raise LoadError(_missing_message(name or default_name, cached.missing))
        if cached is not None:
            wanted = name or default_name
            return cached if wanted == cached.name else dataclasses.replace(cached, name=wanted)
        if data.startswith(_COMPONENT_MAGIC):
            guest = self._load_component(data, digest, name or default_name, backend)
            self._cache[digest] = guest
            return guest
        if not data.startswith(_MODULE_MAGIC):
            raise LoadError(f"{default_name} is not a WebAssembly module: it starts with {data[:8]!r}, "
                            "not the wasm magic b'\\x00asm'")
        module = self._compile(data, digest, fuel=False, name=default_name)
        imports = tuple((i.module, i.name or "", _kind(i.type)) for i in module.imports)
        for mod, field, kind in imports:
            if mod != P1_MODULE or field not in SIGNATURES:
                raise LoadError(f"{default_name} imports {mod}.{field} ({kind}), which wasi-notebook does not "
                                f"provide: it offers the {len(P1_FUNCTIONS)} functions of {P1_MODULE}")
        exports = tuple((e.name, _kind(e.type)) for e in module.exports)
        guest = Guest(name or default_name, "module", len(data), digest, data, module, imports, exports)
        self._cache[digest] = guest
        return guest

    def adapt(self, guest: Guest | str | bytes | os.PathLike, *, name: str | None = None) -> Guest:
        """The command component that jco's preview1 adapter makes of a preview1 command module
        (a Guest, or anything :meth:`load` takes), loaded, named as the module is: the same
        program, asking the 0.2 interfaces instead of the 46 functions (see :mod:`.adapter`).

        Raises LoadError when ``guest`` is not a preview1 command module, and
        :class:`~wasi_notebook.adapter.AdapterError` when the component cannot be made (no npm,
        or jco refused the module: ``details`` has what it said).
        """
        from .adapter import to_component

        if not isinstance(guest, Guest):
            guest = self.load(guest, name=name)
        if guest.kind != "module":
            raise LoadError(f"{guest.name} is already a preview2 component: only a preview1 module can be adapted")
        if ("_start", "func") not in guest.exports:
            raise LoadError(f"{guest.name} has no _start function: only a command module can be adapted")
        return self.load(to_component(guest.wasm), name=name or guest.name)

    def _load_component(self, data: bytes, digest: str, name: str, backend: str) -> Guest:
        from .p2.link import missing_imports

        engine = self._engine(False)
        component = self._compile_component(data, digest, fuel=False, name=name)
        missing = tuple(missing_imports(engine, component))
        if missing and backend != "native":
            raise LoadError(_missing_message(name, missing))
        imports = tuple((n, "", "instance") for n in component.type.imports(engine))
        exports = tuple((n, "instance") for n in component.type.exports(engine))
        if not any(n.partition("@")[0] == "wasi:cli/run" for n, _ in exports):
            raise LoadError(f"{name} is a preview2 component that exports no wasi:cli/run: "
                            "only command components can run")
        return Guest(name, "component", len(data), digest, data, component, imports, exports, missing)

    def _compile_component(self, data: bytes, digest: str, *, fuel: bool, name: str = "guest"):
        from wasmtime.component import Component

        key = (fuel, "component:" + digest)
        component = self._modules.get(key)
        if component is None:
            try:
                component = self._modules[key] = Component(self._engine(fuel), data)
            except wasmtime.WasmtimeError as e:
                raise LoadError(f"{name} is a preview2 component but not a valid one: {_first_line(e)}") from None
        return component  # type: ignore[return-value]

    def _compile(self, data: bytes, digest: str, *, fuel: bool, name: str = "guest") -> wasmtime.Module:
        key = (fuel, digest)
        module = self._modules.get(key)
        if module is None:
            try:
                module = self._modules[key] = wasmtime.Module(self._engine(fuel), data)
            except wasmtime.WasmtimeError as e:
                raise LoadError(f"{name} is not valid WebAssembly: {_first_line(e)}") from None
        return module

    # -- running -----------------------------------------------------------------------------

    def _store(self, engine: wasmtime.Engine, fuel: int | None, max_memory: int | None) -> wasmtime.Store:
        """A store for one run, with its limits. Its epoch deadline is one tick ahead: the
        timeout's timer and :meth:`interrupt` both end the run with a tick."""
        store = wasmtime.Store(engine)
        if fuel is not None:
            store.set_fuel(fuel)
        if max_memory is not None:
            store.set_limits(memory_size=max_memory)
        self._interrupted = False
        store.set_epoch_deadline(1)
        return store

    def _call_guest(self, call: Callable[[], None], engine: wasmtime.Engine,
                    timeout: float | None) -> tuple[int | None, str | None, str | None, float]:
        """Run ``call`` (which starts the guest) under the timeout; (exit code or None, trap
        message, wasm backtrace, seconds). Both backends end a run here."""
        timer = threading.Timer(timeout, engine.increment_epoch) if timeout is not None else None
        exit_code: int | None = 0
        trap = backtrace = None
        started = time.perf_counter()
        if timer is not None:
            timer.start()
        if self._interrupted:  # interrupt() came between the store's deadline and now: tick again
            engine.increment_epoch()
        try:
            call()
        except wasmtime.ExitTrap as e:
            exit_code = e.code
        except wasmtime.Trap as e:
            exit_code = None
            trap, backtrace = _describe_trap(e, timeout, interrupted=self._interrupted)
        except wasmtime.WasmtimeError as e:  # a component's call reports its trap as an error
            exit_code = None
            trap, backtrace = _describe_trap(e, timeout, interrupted=self._interrupted)
        except WasiError as e:  # a host call failed outside any guest call (cannot happen: a bug)
            raise AssertionError(f"host error escaped a call: {e}") from e
        finally:
            duration = time.perf_counter() - started
            if timer is not None:
                timer.cancel()
        return exit_code, trap, backtrace, duration


    def run(
        self,
        guest: Guest | str | bytes | os.PathLike,
        args: Iterable[str] = (),
        *,
        stdin: bytes | str | InputSource = b"",
        env: Mapping[str, str] | None = None,
        preopens: Mapping[str, str] | None = None,
        deterministic: bool = False,
        seed: int = 0,
        fuel: int | None = None,
        timeout: float | None = None,
        max_memory: int | None = None,
        trace: bool = True,
        max_records: int = DEFAULT_MAX_RECORDS,
        faults: Iterable[FaultRule | str] = (),
        on_stdout: Callable[[bytes], None] | None = None,
        on_stderr: Callable[[bytes], None] | None = None,
        backend: str = "memfs",
        fs: MemFs | None = None,
    ) -> RunResult:
        """Run ``guest`` with ``args`` (argv[0] is the guest's name) on this session's MemFs,
        or on ``fs`` (e.g. a :meth:`MemFs.copy` to try something without changing the session's).

        ``preopens`` maps guest paths to MemFs folders (default: the root as ``/``).
        ``deterministic``: virtual clock and seeded randomness. ``fuel``: an instruction budget;
        ``timeout``: seconds of wall time; ``max_memory``: bytes of linear memory. ``faults``:
        rules or strings such as ``"path_open[*.cfg]=ACCES"``. A trap, timeout or exit keeps
        the MemFs as the guest left it and the trace.

        Raises LoadError (see :meth:`load`), ValueError for bad settings; never for what the
        guest does.
        """
        if not isinstance(guest, Guest):
            guest = self.load(guest, backend=backend)
        fs = self.fs if fs is None else fs
        if guest.kind == "component" and backend != "native":
            if backend != "memfs":
                raise ValueError("components run on wasi-notebook's own host (backend='memfs') or on "
                                 "wasmtime's (backend='native')")
            return self._run_component(guest, list(args), stdin=stdin, env=env, preopens=preopens,
                                       deterministic=deterministic, seed=seed, fuel=fuel, timeout=timeout,
                                       max_memory=max_memory, on_stdout=on_stdout, on_stderr=on_stderr,
                                       faults=faults, trace=trace, max_records=max_records, fs=fs)
        rules = [f if isinstance(f, FaultRule) else parse_fault(f, P1_FUNCTIONS) for f in faults]
        preopens = dict(preopens) if preopens is not None else {"/": "/"}
        if backend == "native":
            if rules or deterministic or isinstance(stdin, InputSource):
                raise ValueError("the native backend cannot inject faults, run deterministically or prompt for "
                                 "stdin: those need wasi-notebook's own host (backend='memfs')")
            from .native import run_native

            for memfs_path in preopens.values():
                WasiCtx(fs, preopens={"/": memfs_path})  # the same checks as our host makes
            result = run_native(self, guest, list(args), stdin=stdin.encode() if isinstance(stdin, str) else bytes(stdin),
                                env=env or {}, preopens=preopens, fuel=fuel, timeout=timeout, max_memory=max_memory,
                                fs=fs)
            for callback, data in ((on_stdout, result.stdout), (on_stderr, result.stderr)):
                if callback is not None and data:
                    callback(data)
            return result
        if backend != "memfs":
            raise ValueError(f"unknown backend {backend!r}: use 'memfs' (ours, traced) or 'native' (wasmtime's)")
        module = guest.module if fuel is None else self._compile(guest.wasm, guest.sha256, fuel=True)
        ctx = WasiCtx(
            fs, args=[guest.name, *args], env=env, preopens=preopens,
            stdin=stdin, stdout=OutputSink(on_stdout), stderr=OutputSink(on_stderr),
            deterministic=deterministic, seed=seed,
        )
        engine = self._engine(fuel is not None)
        store = self._store(engine, fuel, max_memory)

        host = Preview1(ctx)
        observer = Observer(P1_FUNCTIONS, faults=rules, record=trace, max_records=max_records,
                            decoder=Preview1Decoder())
        linker = wasmtime.Linker(engine)
        binding = hostcall.MemoryBinding("memory")
        install(linker, host, observer, memory=binding)

        saved_clock = fs.clock
        fs.clock = ctx.clocks.now_for_files
        snapshot = fs.snapshot()
        def start_guest() -> None:
            with hostcall.guard():
                instance = linker.instantiate(store, module)
                exports = instance.exports(store)
                if isinstance(exports.get("memory"), wasmtime.Memory):
                    binding.bind(store, exports["memory"])
                start = exports.get("_start")
                if not isinstance(start, wasmtime.Func):
                    raise LoadError(f"{guest.name} has no _start function: it is not a command module")
                start(store)

        # Host calls make only acyclic garbage (argument tuples, records); the cyclic collector
        # would rescan the growing trace again and again, so it rests while the guest runs.
        collecting = gc.isenabled()
        gc.disable()
        try:
            exit_code, trap, backtrace, duration = self._call_guest(start_guest, engine, timeout)
        finally:
            if collecting:
                gc.enable()
            binding.unbind()
            host.close_all()
            fs.clock = saved_clock
        trace_obj = observer.trace()
        coverage = Coverage(P1_FUNCTIONS, guest.wasi_imports, trace_obj.counts())
        return RunResult(guest, ctx.args, exit_code, ctx.stdout.getvalue(), ctx.stderr.getvalue(), trace_obj,
                         coverage, snapshot.diff(), duration, trap, backtrace)

    def _run_component(self, guest: Guest, args: list[str], *, stdin, env, preopens, deterministic, seed,
                       fuel, timeout, max_memory, on_stdout, on_stderr, faults=(), trace=True,
                       max_records=DEFAULT_MAX_RECORDS, fs: MemFs) -> RunResult:
        """Run a preview2 command component on the p2 host, traced (each call of each imported
        interface's functions) and covered, with ``faults`` (ValueError for a bad rule)."""
        from .p2.host import GuestExit, Preview2
        from .p2.link import COMMAND_EXPORT, link, observe

        ctx = WasiCtx(
            fs, args=[guest.name, *args], env=env, preopens=dict(preopens) if preopens is not None else {"/": "/"},
            stdin=stdin, stdout=OutputSink(on_stdout), stderr=OutputSink(on_stderr),
            deterministic=deterministic, seed=seed,
        )
        engine = self._engine(fuel is not None)
        component = self._compile_component(guest.wasm, guest.sha256, fuel=fuel is not None, name=guest.name)
        observer = observe(engine, component, faults=faults, record=trace, max_records=max_records)
        store = self._store(engine, fuel, max_memory)
        host = Preview2(ctx)
        try:
            linker = link(engine, component, host, observer)
        except LookupError as e:
            raise LoadError(f"{guest.name}: {e}") from None
        run_name = next((n for n, _ in guest.exports if n.partition("@")[0] == COMMAND_EXPORT), None)
        if run_name is None:
            raise LoadError(f"{guest.name} exports no {COMMAND_EXPORT}: it is not a command component")
        status: list[int] = []

        def start_guest() -> None:
            instance = linker.instantiate(store, component)
            index = instance.get_export_index(store, run_name)
            run = instance.get_func(store, instance.get_export_index(store, "run", index))
            try:
                result = run(store)
            except GuestExit as e:
                status.append(e.code)
                return
            status.append(0 if result.tag == "ok" else 1)

        saved_clock = fs.clock
        fs.clock = ctx.clocks.now_for_files
        snapshot = fs.snapshot()
        try:
            exit_code, trap, backtrace, duration = self._call_guest(start_guest, engine, timeout)
        finally:
            host.close_all()
            fs.clock = saved_clock
        if exit_code is not None and status:
            exit_code = status[0]
        trace_obj = observer.trace()
        functions = [f for f in observer.functions if not is_drop(f)]  # a drop is traced, not covered
        coverage = Coverage(functions, functions, trace_obj.counts(), interface="preview2",
                            imports=[n for n, _, _ in guest.imports])
        return RunResult(guest, ctx.args, exit_code, ctx.stdout.getvalue(), ctx.stderr.getvalue(), trace_obj,
                         coverage, snapshot.diff(), duration, trap, backtrace)


def _describe_trap(e: wasmtime.WasmtimeError, timeout: float | None, interrupted: bool = False) -> tuple[str, str]:
    text = str(getattr(e, "message", None) or e)
    head, caused, cause = text.partition("Caused by:")
    message = " ".join(line.strip() for line in cause.strip().splitlines()) if caused else _first_line(e)
    message = message.removeprefix("wasm trap: ")
    if isinstance(e, wasmtime.Trap):
        code = getattr(e, "trap_code", None)
        frames = [f"  {frame.module_name or 'guest'}!{frame.func_name or f'<func {frame.func_index}>'} "
                  f"at offset {frame.module_offset:#x}" for frame in getattr(e, "frames", None) or []]
    else:  # a component's call gives no Trap, only an error's text: read the code and frames from it
        code = _TRAP_CODES_BY_MESSAGE.get(message)
        frames = [f"  guest!{_unnamed(name)} at offset {offset}" for offset, name in _TEXT_FRAME.findall(head)]
    if code == wasmtime.TrapCode.INTERRUPT:
        message = f"timed out after {timeout} s" if timeout is not None and not interrupted else INTERRUPTED
    elif code == wasmtime.TrapCode.OUT_OF_FUEL:
        message = "ran out of fuel"
    return message, "\n".join(frames)


_TRAP_CODES_BY_MESSAGE = {"interrupt": wasmtime.TrapCode.INTERRUPT,
                          "all fuel consumed by WebAssembly": wasmtime.TrapCode.OUT_OF_FUEL}
_TEXT_FRAME = re.compile(r"^\s*\d+:\s+(0x[0-9a-f]+) - (?:[^!\n]*!)?(.+)$", re.MULTILINE)


def _unnamed(name: str) -> str:
    """wasmtime's text names a function without a name ``<wasm function N>``; a Trap's frame
    gives only N, which _describe_trap writes ``<func N>``."""
    return re.sub(r"^<wasm function (\d+)>$", r"<func \1>", name)


def _missing_message(name: str, missing: tuple[str, ...]) -> str:
    return (f"{name} imports {', '.join(missing)}, which wasi-notebook's preview2 host does not provide "
            "(backend='native' runs it on wasmtime's)")


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "message", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def _kind(t) -> str:
    return type(t).__name__.replace("Type", "").lower()


def _read_source(source) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "guest.wasm"
    if isinstance(source, str) and source.lstrip().startswith("("):
        try:
            return wasmtime.wat2wasm(source), "guest.wat"
        except wasmtime.WasmtimeError as e:
            raise LoadError(f"the WAT text does not assemble: {_first_line(e)}") from None
    path = Path(os.fspath(source))
    if not path.exists():
        raise LoadError(f"no such file: {str(path)!r}")
    if path.is_dir():
        raise LoadError(f"{str(path)!r} is a folder, not a wasm file")
    data = path.read_bytes()
    if path.suffix == ".wat":
        try:
            return wasmtime.wat2wasm(data.decode()), path.name
        except (wasmtime.WasmtimeError, UnicodeDecodeError) as e:
            raise LoadError(f"{path.name} does not assemble: {_first_line(e)}") from None
    return data, path.name
