"""What every preview1 call stands on: the context, the descriptor table, and the few helpers
that turn guest arguments into MemFs terms (a path string, a folder to resolve it from, a stat
as preview1 lays it out)."""

from __future__ import annotations

from ..ctx import WasiCtx
from ..errors import Errno, WasiError
from ..memfs import Directory, FileType, Handle, Stat
from .defs import Filetype, Rights
from .dirents import Listings
from .fds import DIR_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS, Fd, FdTable
from .memory import guest_str

__all__ = ["HostState", "FILETYPES"]

FILETYPES = {
    FileType.DIRECTORY: Filetype.DIRECTORY,
    FileType.REGULAR_FILE: Filetype.REGULAR_FILE,
    FileType.SYMBOLIC_LINK: Filetype.SYMBOLIC_LINK,
}

#: How the standard streams describe themselves. wasmtime says UNKNOWN for a stream that is not
#: a terminal, and a notebook's streams never are.
STDIO_FILETYPE = Filetype.UNKNOWN
ALL_RIGHTS = int(Rights.ALL)


class HostState:
    """The state of one preview1 instance: ``ctx`` and the descriptor table built from it
    (0, 1, 2 the standard streams, then one per preopen in order)."""

    def __init__(self, ctx: WasiCtx) -> None:
        self.ctx = ctx
        self.fs = ctx.fs
        self.fds = FdTable()
        self.listings = Listings(FILETYPES)
        self.fds.add(Fd(STDIO_FILETYPE, STDIN_RIGHTS, 0, stream=ctx.stdin, applicable=STDIN_RIGHTS))
        self.fds.add(Fd(STDIO_FILETYPE, STDOUT_RIGHTS, 0, stream=ctx.stdout, applicable=STDOUT_RIGHTS))
        self.fds.add(Fd(STDIO_FILETYPE, STDOUT_RIGHTS, 0, stream=ctx.stderr, applicable=STDOUT_RIGHTS))
        for preopen in ctx.preopens:
            # A preopen may pass on any right; what a descriptor opened through it can use is
            # then limited by the kind of what it opens (Fd.applicable).
            handle = Handle(self.fs, preopen.directory)
            self.fds.add(Fd(Filetype.DIRECTORY, DIR_RIGHTS, ALL_RIGHTS, handle=handle, preopen=preopen))

    def close_all(self) -> None:
        """Close every MemFs handle still open (the run is over); the streams stay."""
        for _, fd in list(self.fds):
            if fd.handle is not None and not fd.handle.closed:
                fd.handle.close()

    # -- argument helpers --------------------------------------------------------------------

    @staticmethod
    def path(mem, ptr: int, length: int) -> str:
        """The path argument: FAULT outside memory, ILSEQ if not UTF-8."""
        return guest_str(mem, ptr, length)

    def directory(self, fd: int, rights: int) -> Directory:
        """The folder ``fd`` is open on: BADF, NOTDIR (a file or stream: the kind is checked
        before the rights, as ``openat`` says ENOTDIR), NOTCAPABLE (``rights``)."""
        entry = self.fds.get(fd)
        if entry.handle is None or entry.filetype is not Filetype.DIRECTORY:
            raise WasiError(Errno.NOTDIR, None, f"fd {fd} is not a directory")
        self.fds.get(fd, rights)
        return entry.handle.inode  # type: ignore[return-value]

    def stat_values(self, st: Stat) -> tuple[int, ...]:
        """A MemFs stat as the fields of preview1's ``filestat``."""
        return (st.dev, st.ino, FILETYPES[st.type], st.nlink, st.size, st.atime, st.mtime, st.ctime)

    @staticmethod
    def stream_stat_values() -> tuple[int, ...]:
        """A standard stream's filestat: all zeros but the type (no file names it: nlink 0),
        as wasmtime says."""
        return (0, 0, STDIO_FILETYPE, 0, 0, 0, 0, 0)

