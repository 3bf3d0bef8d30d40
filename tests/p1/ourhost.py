"""Run the test guests of ``guestlib`` on wasi-notebook's own host, with ``run_native``'s signature.

Each preopened host folder is imported into a fresh MemFs, the guest runs on our preview1 host,
and afterwards each folder is written back, so a scenario's ``check_after`` looks at the same
kind of result as after a native run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from wasi_notebook import MemFs, Session
from wasi_notebook.memfs.transfer import sync_to_host

from .guestlib import Result, guest_name_of


def run_ours(wasm: Path | str, args: Sequence[str] = (), env: Mapping[str, str] | None = None,
             stdin: bytes = b"", preopens: Mapping[str, Path | str] | None = None,
             argv0: str | None = None, session_hook=None) -> Result:
    session = Session(MemFs())
    mounts = {}
    for i, (guest_path, host) in enumerate((preopens or {}).items()):
        memfs_path = f"/mnt{i}"
        session.fs.import_dir(host, memfs_path)
        mounts[guest_path] = memfs_path
    guest = session.load(Path(wasm).read_bytes(), name=argv0 or guest_name_of(wasm))
    result = session.run(guest, list(args), env=env or {}, stdin=stdin, preopens=mounts)
    if session_hook is not None:
        session_hook(result)
    for (guest_path, host), memfs_path in zip((preopens or {}).items(), mounts.values()):
        sync_to_host(session.fs, memfs_path, host)
    return Result(result.exit_code, result.stdout, result.stderr, result.trap)
