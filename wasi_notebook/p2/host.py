"""Preview2: the WASI 0.2 interfaces, implemented over a WasiCtx and its MemFs.

``Preview2(ctx).interfaces()`` maps each interface name (without version) to its functions,
by the names a component imports them under (``[method]output-stream.write``). Borrowed
resources arrive as reps (ints); results use the plain form of :mod:`.values`. A function whose
WIT result is a ``result`` returns its ok value (or an explicit ``Ok``/``Err`` for an outcome that
is not a failure, such as a stream's ``closed``) and fails by raising WasiError: the wrapper in
:mod:`.link` turns that into the interface's error case, through :mod:`.errors`.
"""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx
from ..errors import Errno, WasiError
from ..memfs import FileType, Handle, Stat
from .errors import error_code
from .network import NetworkPolicy
from .resources import (
    WRITE_BUDGET, Descriptor, FileInputStream, FileOutputStream, InputStream, IoError, OutputStream,
    ResourceTable, SinkStream, StdinStream,
)
from .values import Err, Variant, record

__all__ = ["Preview2", "GuestExit"]


class GuestExit(Exception):
    """wasi:cli/exit.exit was called: the run ends with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(f"exit {code}")
        self.code = code


_DESCRIPTOR_TYPES = {
    FileType.DIRECTORY: "directory",
    FileType.REGULAR_FILE: "regular-file",
    FileType.SYMBOLIC_LINK: "symbolic-link",
}
_CLOSED = Variant("closed")


class Preview2:
    """The preview2 host of one run."""

    def __init__(self, ctx: WasiCtx) -> None:
        self.ctx = ctx
        self.table = ResourceTable()

    def close_all(self) -> None:
        for rep in list(self.table._items):
            self.table.drop(rep)

    def interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "wasi:cli/environment": {
                "get-arguments": lambda: list(self.ctx.args),
                "get-environment": lambda: list(self.ctx.env.items()),
                "initial-cwd": lambda: None,  # the guest has preopens, no working directory
            },
            "wasi:cli/exit": {"exit": self.exit},
            "wasi:cli/stdin": {"get-stdin": lambda: self.table.own(StdinStream(self.ctx.stdin))},
            "wasi:cli/stdout": {"get-stdout": lambda: self.table.own(SinkStream(self.ctx.stdout))},
            "wasi:cli/stderr": {"get-stderr": lambda: self.table.own(SinkStream(self.ctx.stderr))},
            # The notebook's streams are never terminals.
            "wasi:cli/terminal-input": {},
            "wasi:cli/terminal-output": {},
            "wasi:cli/terminal-stdin": {"get-terminal-stdin": lambda: None},
            "wasi:cli/terminal-stdout": {"get-terminal-stdout": lambda: None},
            "wasi:cli/terminal-stderr": {"get-terminal-stderr": lambda: None},
            "wasi:clocks/wall-clock": {"now": self.wall_now, "resolution": self.wall_resolution},
            "wasi:clocks/monotonic-clock": {
                "now": lambda: self.ctx.clocks.monotonic(),
                "resolution": lambda: self.ctx.clocks.resolution("monotonic"),
            },
            "wasi:random/random": {
                "get-random-bytes": lambda n: self.ctx.entropy.bytes(n),
                "get-random-u64": lambda: int.from_bytes(self.ctx.entropy.bytes(8), "little"),
            },
            "wasi:io/error": {
                "[method]error.to-debug-string": lambda e: str(self.table.get(e, IoError).error),
            },
            "wasi:io/streams": {
                "[method]input-stream.read": lambda s, n: self._read(s, n, blocking=False),
                "[method]input-stream.blocking-read": lambda s, n: self._read(s, n, blocking=True),
                "[method]input-stream.skip": lambda s, n: self._skip(s, n, blocking=False),
                "[method]input-stream.blocking-skip": lambda s, n: self._skip(s, n, blocking=True),
                "[method]output-stream.check-write": self.check_write,
                "[method]output-stream.write": self.write,
                "[method]output-stream.blocking-write-and-flush": self.write,
                "[method]output-stream.flush": self.flush,
                "[method]output-stream.blocking-flush": self.flush,
                "[method]output-stream.write-zeroes": lambda s, n: self.write(s, bytes(n)),
                "[method]output-stream.blocking-write-zeroes-and-flush": lambda s, n: self.write(s, bytes(n)),
            },
            "wasi:filesystem/preopens": {"get-directories": self.get_directories},
            "wasi:filesystem/types": {
                "[method]descriptor.read-via-stream": self.read_via_stream,
                "[method]descriptor.write-via-stream": self.write_via_stream,
                "[method]descriptor.append-via-stream": self.append_via_stream,
                "[method]descriptor.get-flags": self.get_flags,
                "[method]descriptor.get-type": self.get_type,
                "[method]descriptor.stat": self.stat,
                "[method]descriptor.stat-at": self.stat_at,
                "[method]descriptor.open-at": self.open_at,
                "[method]descriptor.create-directory-at": self.create_directory_at,
                "[method]descriptor.remove-directory-at": self.remove_directory_at,
                "[method]descriptor.unlink-file-at": self.unlink_file_at,
                "filesystem-error-code": self.filesystem_error_code,
            },
            **NetworkPolicy(self).interfaces(),  # wasi:sockets and wasi:http, every attempt denied
        }

    # -- wasi:cli ------------------------------------------------------------------------------

    def exit(self, status: Any) -> None:
        raise GuestExit(0 if status.tag == "ok" else 1)

    # -- wasi:clocks ---------------------------------------------------------------------------

    def wall_now(self) -> Any:
        return _datetime(self.ctx.clocks.realtime())

    def wall_resolution(self) -> Any:
        return _datetime(self.ctx.clocks.resolution("realtime"))

    # -- wasi:io/streams -----------------------------------------------------------------------

    def _read(self, s: int, n: int, *, blocking: bool) -> Any:
        chunk = self.table.get(s, InputStream).read(n, blocking)
        return Err(_CLOSED) if chunk is None else chunk

    def _skip(self, s: int, n: int, *, blocking: bool) -> Any:
        chunk = self._read(s, n, blocking=blocking)
        return chunk if isinstance(chunk, Err) else len(chunk)

    def check_write(self, s: int) -> int:
        self.table.get(s, OutputStream)
        return WRITE_BUDGET

    def write(self, s: int, data: bytes) -> None:
        stream = self.table.get(s, OutputStream)
        if len(data) > WRITE_BUDGET:
            raise ValueError(f"the guest wrote {len(data)} bytes; check-write permitted {WRITE_BUDGET}")
        stream.write(data)

    def flush(self, s: int) -> None:
        self.table.get(s, OutputStream)  # writes reach the MemFs or the sink at once: nothing is buffered

    # -- wasi:filesystem -----------------------------------------------------------------------

    def _descriptor(self, d: int) -> Descriptor:
        return self.table.get(d, Descriptor)

    def get_directories(self) -> list[tuple[Any, str]]:
        return [(self.table.own(Descriptor(Handle(self.ctx.fs, p.directory), {"read", "mutate-directory"})),
                 p.guest_path) for p in self.ctx.preopens]

    def read_via_stream(self, d: int, offset: int) -> Any:
        desc = self._descriptor(d)
        if "read" not in desc.flags:
            raise WasiError(Errno.BADF, None, "the descriptor is not open for reading")
        desc.handle.pread(0, 0)  # BADF when closed, ISDIR for a directory
        return self.table.own(FileInputStream(desc.handle, offset))

    def _writer(self, d: int, offset: int | None) -> Any:
        desc = self._descriptor(d)
        if "write" not in desc.flags:
            raise WasiError(Errno.BADF, None, "the descriptor is not open for writing")
        desc.handle._file(True)  # BADF when closed, ISDIR for a directory
        return self.table.own(FileOutputStream(desc.handle, offset))

    def write_via_stream(self, d: int, offset: int) -> Any:
        return self._writer(d, offset)

    def append_via_stream(self, d: int) -> Any:
        return self._writer(d, None)

    def get_flags(self, d: int) -> set[str]:
        desc = self._descriptor(d)
        desc.handle.stat()  # BADF when closed
        return set(desc.flags)

    def get_type(self, d: int) -> str:
        return _DESCRIPTOR_TYPES[self._descriptor(d).handle.stat().type]

    def stat(self, d: int) -> Any:
        return _stat(self._descriptor(d).handle.stat())

    def stat_at(self, d: int, path_flags: set[str], path: str) -> Any:
        base = self._descriptor(d).handle.directory()
        return _stat(self.ctx.fs.stat_at(base, path, follow="symlink-follow" in path_flags))

    def open_at(self, d: int, path_flags: set[str], path: str, open_flags: set[str], flags: set[str]) -> Any:
        desc = self._descriptor(d)
        base = desc.handle.directory()
        changes = "write" in flags or "mutate-directory" in flags or open_flags & {"create", "truncate"}
        if changes and "mutate-directory" not in desc.flags:
            raise WasiError(Errno.PERM, path, "the directory was opened without mutate-directory")
        handle = self.ctx.fs.open_at(
            base, path, follow="symlink-follow" in path_flags, create="create" in open_flags,
            exclusive="exclusive" in open_flags, truncate="truncate" in open_flags,
            directory="directory" in open_flags, read="read" in flags, write="write" in flags)
        given = flags & {"read", "write", "mutate-directory"}
        return self.table.own(Descriptor(handle, given))

    def _mutable_directory(self, d: int):
        desc = self._descriptor(d)
        base = desc.handle.directory()
        if "mutate-directory" not in desc.flags:
            raise WasiError(Errno.PERM, None, "the directory was opened without mutate-directory")
        return base

    def create_directory_at(self, d: int, path: str) -> None:
        self.ctx.fs.mkdir_at(self._mutable_directory(d), path)

    def remove_directory_at(self, d: int, path: str) -> None:
        self.ctx.fs.rmdir_at(self._mutable_directory(d), path)

    def unlink_file_at(self, d: int, path: str) -> None:
        self.ctx.fs.unlink_at(self._mutable_directory(d), path)

    def filesystem_error_code(self, e: int) -> Any:
        return error_code(self.table.get(e, IoError).error)


def _datetime(ns: int) -> Any:
    return record(seconds=ns // 1_000_000_000, nanoseconds=ns % 1_000_000_000)


def _stat(st: Stat) -> Any:
    return record(**{
        "type": _DESCRIPTOR_TYPES[st.type], "link-count": st.nlink, "size": st.size,
        "data-access-timestamp": _datetime(st.atime), "data-modification-timestamp": _datetime(st.mtime),
        "status-change-timestamp": _datetime(st.ctime),
    })
