"""Python file objects over MemFs files, so ``json.dump``, ``csv`` and friends can write into one."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ..errors import Errno, WasiError
from .handle import Handle

if TYPE_CHECKING:
    from .pathlike import MemPath

__all__ = ["MemFile", "open_memfile"]


class MemFile(io.RawIOBase):
    """Unbuffered binary I/O on a :class:`~wasi_notebook.memfs.handle.Handle`."""

    def __init__(self, handle: Handle, name: str) -> None:
        self._handle = handle
        self.name = name

    def readable(self) -> bool:
        return self._handle.readable

    def writable(self) -> bool:
        return self._handle.writable

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._handle.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def write(self, data) -> int:
        return self._handle.write(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def truncate(self, size: int | None = None) -> int:
        size = self._handle.tell() if size is None else size
        self._handle.truncate(size)
        return size

    def close(self) -> None:
        if not self.closed:
            self._handle.close()
        super().close()


def open_memfile(path: MemPath, mode: str = "r", encoding: str | None = None):
    """Open ``path`` like the builtin ``open``: modes ``r w a x``, with ``b`` and ``+``."""
    kinds = set(mode)
    if not kinds <= set("rwaxbt+") or len(kinds & set("rwax")) != 1 or len(mode) != len(kinds):
        raise ValueError(f"invalid mode {mode!r}: use one of r, w, a, x, optionally with b and +")
    plus = "+" in kinds
    read = "r" in kinds or plus
    write = "r" not in kinds or plus
    handle = path.fs.open_at(
        path.fs.root_dir, str(path), rooted=True,
        create="r" not in kinds, exclusive="x" in kinds, truncate="w" in kinds,
        read=read, write=write and "a" not in kinds, append="a" in kinds,
    )
    if handle.inode.type is not handle.inode.type.REGULAR_FILE:
        handle.close()
        raise WasiError(Errno.ISDIR, str(path))
    raw = MemFile(handle, str(path))
    if plus:
        buffered: io.BufferedIOBase = io.BufferedRandom(raw)
    elif read:
        buffered = io.BufferedReader(raw)
    else:
        buffered = io.BufferedWriter(raw)
    if "b" in kinds:
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding or "utf-8")
