"""The reference backend: the same guest on wasmtime's built-in WASI, over real folders.

Each preopened MemFs folder is written to a temporary host folder, the guest runs with those
preopened, and afterwards each folder is read back into the MemFs, changing only what differs,
so the run's diff means the same as on our own host. A preview1 module runs on wasmtime's
preview1 (``Linker.define_wasi``), a preview2 command component on its preview2
(``component.Linker.add_wasip2``); both take their settings from the same ``WasiConfig`` given
to the store, so one piece (:class:`_HostFolders`) prepares and reads back the folders of both.

It exists for differential tests and for comparison; it cannot trace (wasmtime's built-in host
functions cannot be wrapped).
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import wasmtime

from .memfs.transfer import export_dir, sync_from_host
from .trace import Coverage, Observer

if TYPE_CHECKING:
    from .memfs import MemFs
    from .session import Guest, RunResult, Session

__all__ = ["run_native"]


def run_native(session: Session, guest: Guest, args: Sequence[str] = (), *, stdin: bytes = b"",
               env: Mapping[str, str] | None = None, preopens: Mapping[str, str] | None = None,
               fuel: int | None = None, timeout: float | None = None,
               max_memory: int | None = None, fs: MemFs | None = None) -> RunResult:
    """Run ``guest`` (a loaded module or command component) on wasmtime's built-in WASI over
    host copies of the session's MemFs folders (or ``fs``'s), and read them back: the same RunResult as
    :meth:`Session.run` gives, with an empty trace. ``preopens`` maps guest paths to MemFs
    folders (default: the root as ``/``).

    This is what ``Session.run(..., backend="native")`` calls once it has checked the settings;
    benchmarks call it directly to time wasmtime's preview1 or preview2 against ours.
    """
    from .session import P1_FUNCTIONS, RunResult

    engine = session._engine(fuel is not None)
    if guest.kind == "component":
        program = session._compile_component(guest.wasm, guest.sha256, fuel=fuel is not None, name=guest.name)
        start: Callable[[wasmtime.Store, list[int]], None] = functools.partial(_run_component, engine, program)
        coverage = Coverage([], [], {}, interface="preview2")
        trace = Observer([], record=False).trace()
    else:
        program = guest.module if fuel is None else session._compile(guest.wasm, guest.sha256, fuel=True)
        start = functools.partial(_start_module, engine, program)
        coverage = Coverage(P1_FUNCTIONS, guest.wasi_imports, {})
        trace = Observer(P1_FUNCTIONS, record=False).trace()

    argv = [guest.name, *args]
    fs = session.fs if fs is None else fs
    with _HostFolders(fs, {"/": "/"} if preopens is None else preopens) as folders:
        config = folders.config(argv, env or {}, stdin)
        store = session._store(engine, fuel, max_memory)
        store.set_wasi(config)
        snapshot = fs.snapshot()
        status: list[int] = []  # the exit code of a run that ends without an exit call
        exit_code, trap, backtrace, duration = session._call_guest(
            functools.partial(start, store, status), engine, timeout)
        if exit_code == 0 and status:
            exit_code = status[0]
        del store  # close wasmtime's descriptors before the folders are read back
        folders.read_back()
        stdout, stderr = folders.output()
    return RunResult(guest, argv, exit_code, stdout, stderr, trace, coverage, snapshot.diff(),
                     duration, trap, backtrace, backend="native")


class _HostFolders:
    """A scratch folder holding a host copy of each preopened MemFs folder and the files of
    stdin, stdout and stderr, for one run on wasmtime's built-in WASI (either preview)."""

    def __init__(self, fs: MemFs, preopens: Mapping[str, str]) -> None:
        self.fs = fs
        self.preopens = dict(preopens)
        self._scratch = tempfile.TemporaryDirectory(prefix="wasi-notebook-native-")
        self.root = self._scratch.name
        self.folders: dict[str, str] = {}  # MemFs folder -> its host copy

    def __enter__(self) -> _HostFolders:
        return self

    def __exit__(self, *exc) -> None:
        self._scratch.cleanup()

    def _path(self, name: str) -> str:
        return os.path.join(self.root, name)

    def config(self, argv: list[str], env: Mapping[str, str], stdin: bytes) -> wasmtime.WasiConfig:
        """Export every preopen (in order: the first is the guest's first preopen) and a
        WasiConfig over the copies, with ``argv``, exactly ``env``, and ``stdin``."""
        config = wasmtime.WasiConfig()
        for i, (guest_path, memfs_path) in enumerate(self.preopens.items()):
            host = self.folders.get(memfs_path)
            if host is None:
                host = self.folders[memfs_path] = self._path(f"preopen{i}")
                export_dir(self.fs, memfs_path, host)
            config.preopen_dir(host, guest_path)
        config.argv = argv
        config.env = list(env.items())
        with open(self._path("stdin"), "wb") as f:
            f.write(stdin)
        config.stdin_file = self._path("stdin")
        config.stdout_file = self._path("stdout")
        config.stderr_file = self._path("stderr")
        return config

    def read_back(self) -> None:
        """Make each MemFs folder hold what its host copy holds now, changing only what differs."""
        for memfs_path, host in self.folders.items():
            sync_from_host(self.fs, host, memfs_path)

    def output(self) -> tuple[bytes, bytes]:
        """What the guest wrote to stdout and stderr."""
        with open(self._path("stdout"), "rb") as out, open(self._path("stderr"), "rb") as err:
            return out.read(), err.read()


def _start_module(engine: wasmtime.Engine, module: wasmtime.Module, store: wasmtime.Store, status: list[int]) -> None:
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, module)
    instance.exports(store)["_start"](store)


def _run_component(engine: wasmtime.Engine, component, store: wasmtime.Store, status: list[int]) -> None:
    """Instantiate a command component on wasmtime's preview2 and call its ``wasi:cli/run``.
    ``run`` answering ``err`` is exit code 1 (put in ``status``), as ``wasmtime run`` says; an
    ``exit`` call ends the run through the ExitTrap the caller catches."""
    from wasmtime.component import Linker

    linker = Linker(engine)
    linker.add_wasip2()
    instance = linker.instantiate(store, component)
    run_name = next(n for n in component.type.exports(engine) if n.partition("@")[0] == "wasi:cli/run")
    run = instance.get_func(store, instance.get_export_index(store, "run", instance.get_export_index(store, run_name)))
    status.append(0 if run(store).tag == "ok" else 1)
