"""The preview1 descriptor table: numbers to open things, each with its rights.

One lookup, :meth:`FdTable.get`, answers every "is this fd usable for that" question: BADF for
a number that is not open, NOTCAPABLE for a right the descriptor lacks. No call checks by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Errno, WasiError
from .defs import Fdflags, Filetype, Rights, format_flags

if TYPE_CHECKING:
    from ..ctx import Preopen
    from ..memfs import Handle
    from ..stdio import InputSource, OutputSink

__all__ = ["Fd", "FdTable", "applicable_rights", "FILE_RIGHTS", "DIR_RIGHTS", "STDIN_RIGHTS", "STDOUT_RIGHTS"]

FILE_RIGHTS = int(Rights.FILE)
DIR_RIGHTS = int(Rights.DIRECTORY)
# A stream has no file to sync or advise about: fd_sync, fd_datasync and fd_advise on one are
# BADF (as wasmtime says; Linux's fsync on a pipe fails too).
_STREAM = Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE
STDIN_RIGHTS = int(Rights.FD_READ | _STREAM)
STDOUT_RIGHTS = int(Rights.FD_WRITE | _STREAM)


def applicable_rights(filetype: Filetype) -> int:
    """Every right a MemFs file or directory of this kind can use."""
    return DIR_RIGHTS if filetype is Filetype.DIRECTORY else FILE_RIGHTS


class Fd:
    """An open descriptor: a MemFs handle (file or folder) or a standard stream.

    ``rights`` are what it was given (they only shrink); ``applicable`` what its kind of object
    can do at all: a right outside it is BADF (a folder is never read with fd_read), a right
    inside it but not given is NOTCAPABLE.
    """

    __slots__ = ("filetype", "handle", "stream", "rights", "inheriting", "flags", "preopen", "applicable")

    def __init__(self, filetype: Filetype, rights: int, inheriting: int, *, handle: Handle | None = None,
                 stream: InputSource | OutputSink | None = None, flags: int = 0,
                 preopen: Preopen | None = None, applicable: int | None = None) -> None:
        self.applicable = applicable_rights(filetype) if applicable is None else applicable
        self.filetype = filetype
        self.handle = handle
        self.stream = stream
        self.rights = rights
        self.inheriting = inheriting
        self.flags = flags
        self.preopen = preopen

    @property
    def append(self) -> bool:
        return bool(self.flags & Fdflags.APPEND)

    def __repr__(self) -> str:
        what = self.preopen.guest_path if self.preopen else (self.handle or self.stream)
        return f"<Fd {self.filetype.name} {what!r}>"


class FdTable:
    def __init__(self) -> None:
        self._fds: dict[int, Fd] = {}

    def __contains__(self, fd: int) -> bool:
        return fd in self._fds

    def __iter__(self):
        return iter(sorted(self._fds.items()))

    def get(self, fd: int, rights: int = 0) -> Fd:
        """The descriptor ``fd``. BADF if it is not open or its kind cannot do what ``rights``
        stand for; NOTCAPABLE if it could but was not given one of them."""
        entry = self._fds.get(fd)
        if entry is None:
            raise WasiError(Errno.BADF, None, f"fd {fd} is not open")
        # A right the kind can never use is BADF even when it was given (path_open passes on what
        # was asked, so a directory may hold FD_READ): its calls must not reach the handle.
        if rights and (entry.rights & entry.applicable & rights) != rights:
            if rights & ~entry.applicable:
                what = format_flags(rights & ~entry.applicable, Rights)
                raise WasiError(Errno.BADF, None, f"fd {fd} ({entry.filetype.name}) can never do {what}")
            missing = format_flags(rights & ~entry.rights, Rights)
            raise WasiError(Errno.NOTCAPABLE, None, f"fd {fd} was not given the right {missing}")
        return entry

    def add(self, entry: Fd) -> int:
        """Give ``entry`` the lowest free number; NFILE past 2**31 (never in practice)."""
        fd = 0
        while fd in self._fds:
            fd += 1
        if fd >= 1 << 31:
            raise WasiError(Errno.NFILE)
        self._fds[fd] = entry
        return fd

    def pop(self, fd: int) -> Fd:
        entry = self.get(fd)
        del self._fds[fd]
        return entry

    def renumber(self, src: int, dst: int) -> Fd | None:
        """Move ``src`` to ``dst`` (both must be open); returns what ``dst`` held, to close."""
        entry = self.get(src)
        old = self.get(dst)
        if src == dst:
            return None
        del self._fds[src]
        self._fds[dst] = entry
        return old
