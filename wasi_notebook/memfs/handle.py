"""Open handles: a position and what may be done, apart from the inode they reach.

Many handles can share one inode; an inode unlinked while a handle holds it stays readable and
writable through the handle and goes away when the last one closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..errors import Errno, WasiError
from .inode import Directory, File, FileType, Inode, Stat

if TYPE_CHECKING:
    from .fs import MemFs

__all__ = ["Handle", "SEEK_SET", "SEEK_CUR", "SEEK_END"]

SEEK_SET, SEEK_CUR, SEEK_END = 0, 1, 2
_REGULAR = FileType.REGULAR_FILE


class Handle:
    """An open file or directory. Raises WasiError as a descriptor would: BADF when the handle
    may not do it or is closed, ISDIR / NOTDIR when the inode is of the wrong kind."""

    __slots__ = ("fs", "inode", "pos", "readable", "writable", "append", "closed")

    def __init__(self, fs: MemFs, inode: Inode, *, read: bool = True, write: bool = False,
                 append: bool = False) -> None:
        self.fs = fs
        self.inode = inode
        self.pos = 0
        self.readable = read
        self.writable = write or append
        self.append = append
        self.closed = False
        inode.opens += 1

    def __repr__(self) -> str:
        mode = ("r" if self.readable else "") + ("a" if self.append else "w" if self.writable else "")
        state = " closed" if self.closed else ""
        return f"<Handle ino={self.inode.ino} {self.inode.type.value} {mode or '-'} pos={self.pos}{state}>"

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc) -> None:
        if not self.closed:
            self.close()

    # -- checks ------------------------------------------------------------------------------

    def _file(self, writing: bool) -> File:
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is closed")
        inode = self.inode
        if not (self.writable if writing else self.readable):
            raise WasiError(Errno.BADF, None, f"the handle is not open for {'writing' if writing else 'reading'}")
        if inode.type is not FileType.REGULAR_FILE:
            raise WasiError(Errno.ISDIR if inode.type is FileType.DIRECTORY else Errno.INVAL)
        return inode  # type: ignore[return-value]

    def directory(self) -> Directory:
        """The directory this handle is open on; NOTDIR if it is not one, BADF if closed."""
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is closed")
        if self.inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR)
        return self.inode  # type: ignore[return-value]

    # -- data --------------------------------------------------------------------------------

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes from the position, which moves past them; b"" at the end."""
        inode = self.inode
        if self.closed or not self.readable or inode.type is not _REGULAR:
            inode = self._file(False)  # raises the right error
        data = inode.data  # type: ignore[attr-defined]
        pos = self.pos
        chunk = bytes(data[pos : pos + size])
        self.pos = pos + len(chunk)
        return chunk

    def pread(self, size: int, offset: int) -> bytes:
        """Up to ``size`` bytes at ``offset``; the position stays."""
        data = self._file(False).data
        return bytes(data[offset : offset + size])

    def write(self, chunk) -> int:
        """Write at the position (at the end in append mode); returns the bytes written, fewer
        than given only when the MemFs quota runs out. NOSPC when nothing fits."""
        inode = self.inode
        if self.closed or not self.writable or inode.type is not _REGULAR:
            inode = self._file(True)  # raises the right error
        offset = len(inode.data) if self.append else self.pos  # type: ignore[attr-defined]
        written = self.fs._write(inode, offset, chunk)
        self.pos = offset + written
        return written

    def pwrite(self, chunk, offset: int) -> int:
        """Write at ``offset`` without moving the position."""
        return self.fs._write(self._file(True), offset, chunk)

    def seek(self, offset: int, whence: int = SEEK_SET) -> int:
        """Move the position; INVAL for a bad ``whence`` or a negative result."""
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is closed")
        if whence == SEEK_SET:
            new = offset
        elif whence == SEEK_CUR:
            new = self.pos + offset
        elif whence == SEEK_END:
            new = self.inode.size + offset
        else:
            raise WasiError(Errno.INVAL, None, f"whence must be 0, 1 or 2, not {whence}")
        if new < 0:
            raise WasiError(Errno.INVAL, None, "the position would be negative")
        self.pos = new
        return new

    def tell(self) -> int:
        return self.pos

    def truncate(self, size: int) -> None:
        """Set the file's size, cutting or zero-filling. INVAL for a negative size."""
        inode = self._file(True)
        if size < 0:
            raise WasiError(Errno.INVAL, None, "a size cannot be negative")
        self.fs._resize(inode, size)

    # -- metadata ----------------------------------------------------------------------------

    def stat(self) -> Stat:
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is closed")
        return self.inode.stat(self.fs.dev)

    def set_times(self, atime: int | None = None, mtime: int | None = None) -> None:
        """Set the access and modification times (ns); None leaves one as it is."""
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is closed")
        self.inode.set_times(atime, mtime, self.fs.clock())

    def readdir(self, cookie: int = 0) -> Iterator[tuple[int, str, Inode]]:
        """Entries after ``cookie`` as (cookie of the entry, name, inode), ``.`` and ``..`` first.

        Pass the cookie of the last entry you got to carry on where you stopped.
        """
        directory = self.directory()
        if cookie < 1:
            yield 1, ".", directory
        if cookie < 2:
            yield 2, "..", directory.parent
        yield from directory.entries_after(max(cookie, 2))

    def close(self) -> None:
        if self.closed:
            raise WasiError(Errno.BADF, None, "the handle is already closed")
        self.closed = True
        self.inode.opens -= 1
        self.fs._forget_if_unused(self.inode)
