"""The reference backend: the same guest on wasmtime's built-in WASI, over real folders.

Each preopened MemFs folder is written to a temporary host folder, the guest runs with those
preopened, and afterwards each folder is read back into the MemFs, changing only what differs,
so the run's diff means the same as on our own host. It exists for differential tests and for
comparison; it cannot trace (wasmtime's built-in host functions cannot be wrapped).
"""

from __future__ import annotations

import functools
import os
import tempfile
from typing import TYPE_CHECKING, Mapping

import wasmtime

from .memfs.transfer import export_dir, sync_from_host
from .trace import Coverage, Observer

if TYPE_CHECKING:
    from .session import Guest, RunResult, Session

__all__ = ["run_native"]


def run_native(session: Session, guest: Guest, args: list[str], *, stdin: bytes, env: Mapping[str, str],
               preopens: Mapping[str, str], module: wasmtime.Module, engine: wasmtime.Engine,
               fuel: int | None, timeout: float | None, max_memory: int | None) -> RunResult:
    from .session import P1_FUNCTIONS, RunResult

    fs = session.fs
    with tempfile.TemporaryDirectory(prefix="wasi-notebook-native-") as scratch:
        folders = {}
        config = wasmtime.WasiConfig()
        for i, (guest_path, memfs_path) in enumerate(preopens.items()):
            host = os.path.join(scratch, f"preopen{i}")
            export_dir(fs, memfs_path, host)
            folders[memfs_path] = host
            config.preopen_dir(host, guest_path)
        config.argv = [guest.name, *args]
        config.env = list(env.items())
        stdin_path = os.path.join(scratch, "stdin")
        with open(stdin_path, "wb") as f:
            f.write(stdin)
        config.stdin_file = stdin_path
        stdout_path, stderr_path = os.path.join(scratch, "stdout"), os.path.join(scratch, "stderr")
        config.stdout_file = stdout_path
        config.stderr_file = stderr_path

        store = session._store(engine, fuel, max_memory)
        store.set_wasi(config)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        snapshot = fs.snapshot()

        exit_code, trap, backtrace, duration = session._call_guest(
            functools.partial(_start, linker, store, module), engine, timeout)
        del store, linker  # close wasmtime's descriptors before reading the folders back
        for memfs_path, host in folders.items():
            sync_from_host(fs, host, memfs_path)
        with open(stdout_path, "rb") as f:
            stdout = f.read()
        with open(stderr_path, "rb") as f:
            stderr = f.read()
    trace = Observer(P1_FUNCTIONS, record=False).trace()
    coverage = Coverage(P1_FUNCTIONS, guest.wasi_imports, {})
    return RunResult(guest, [guest.name, *args], exit_code, stdout, stderr, trace, coverage, snapshot.diff(),
                     duration, trap, backtrace, backend="native")


def _start(linker: wasmtime.Linker, store: wasmtime.Store, module: wasmtime.Module) -> None:
    instance = linker.instantiate(store, module)
    instance.exports(store)["_start"](store)
