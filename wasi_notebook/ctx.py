"""WasiCtx: everything a guest is given, in plain Python, shared by the preview1 and preview2
adapters: arguments, environment, preopened folders of a MemFs, standard streams, clocks,
randomness and the network policy (nothing is allowed)."""

from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping

from .clocks import RealClocks, VirtualClocks
from .entropy import SeededEntropy, SystemEntropy
from .errors import Errno, WasiError
from .memfs import Directory, FileType, MemFs
from .stdio import InputSource, OutputSink

__all__ = ["WasiCtx", "Preopen"]


@dataclasses.dataclass(frozen=True)
class Preopen:
    """A MemFs folder given to the guest under ``guest_path`` (what fd_prestat_dir_name says)."""

    guest_path: str
    directory: Directory
    memfs_path: str


class WasiCtx:
    """What one run of a guest sees.

    ``preopens`` maps guest paths to MemFs folders (``{"/data": "/data", ".": "/home"}``);
    ``deterministic`` swaps in a virtual clock and a seeded random source (``seed``).
    Raises WasiError (NOENT / NOTDIR) for a preopen that is not a MemFs folder, ValueError for
    arguments or environment entries a guest could not be given (NUL bytes, ``=`` in a name).
    """

    def __init__(
        self,
        fs: MemFs,
        *,
        args: Iterable[str] = ("guest",),
        env: Mapping[str, str] | None = None,
        preopens: Mapping[str, str] | None = None,
        stdin: InputSource | bytes | str | None = None,
        stdout: OutputSink | None = None,
        stderr: OutputSink | None = None,
        deterministic: bool = False,
        seed: int = 0,
        clocks=None,
        entropy=None,
    ) -> None:
        self.fs = fs
        self.args = [str(a) for a in args]
        self.env = dict(env or {})
        for text in self.args + list(self.env) + list(self.env.values()):
            if "\0" in text:
                raise ValueError(f"{text!r}: arguments and environment cannot hold NUL bytes")
        for name in self.env:
            if "=" in name or not name:
                raise ValueError(f"{name!r} is not a valid environment variable name")
        self.preopens = [self._preopen(guest, memfs) for guest, memfs in (preopens or {}).items()]
        self.stdin = stdin if isinstance(stdin, InputSource) else InputSource(stdin or b"")
        self.stdout = stdout or OutputSink()
        self.stderr = stderr or OutputSink()
        self.clocks = clocks or (VirtualClocks() if deterministic else RealClocks())
        self.entropy = entropy or (SeededEntropy(seed) if deterministic else SystemEntropy())
        self.network_allowed = False  # sockets and http: denied by policy

    def _preopen(self, guest_path: str, memfs_path: str) -> Preopen:
        inode = self.fs.lookup(self.fs.root_dir, memfs_path, rooted=True)
        if inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, memfs_path, "only folders can be preopened")
        return Preopen(guest_path, inode, str(self.fs.path(memfs_path)))  # type: ignore[arg-type]

    @property
    def deterministic(self) -> bool:
        return bool(getattr(self.clocks, "deterministic", False) and getattr(self.entropy, "deterministic", False))
