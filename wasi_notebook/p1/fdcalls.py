"""The ``fd_*`` calls of preview1 (21 of the 46).

Each method takes the guest memory and the call's parameters (without its result pointers) and
returns what goes to the result pointers: a number, a tuple of struct fields, or None. Failures
are WasiError; the installer (``install.py``) writes results and maps errors to numbers.
"""

from __future__ import annotations

from ..errors import Errno, WasiError
from ..memfs import NOW, FileType
from .defs import Advice, Fdflags, Filetype, Fstflags, Preopentype, Rights, Whence, as_ints
from .memory import guest_slice
from .state import HostState
from .structs import Iovec, iovecs

__all__ = ["FdCalls", "times_from_flags"]

R = as_ints(Rights)
_FD_WRITE, _FD_READ = R.FD_WRITE, R.FD_READ
_IOVEC = Iovec.STRUCT
_MAX_FILESIZE = (1 << 63) - 1


def times_from_flags(atim: int, mtim: int, fst_flags: int):
    """(atime, mtime) for MemFs from preview1's fstflags: a value, NOW, or None to leave it.
    INVAL for undefined bits or for a time given both explicitly and as now."""
    Fstflags.from_guest(fst_flags)
    if fst_flags & Fstflags.ATIM and fst_flags & Fstflags.ATIM_NOW:
        raise WasiError(Errno.INVAL, None, "ATIM and ATIM_NOW together")
    if fst_flags & Fstflags.MTIM and fst_flags & Fstflags.MTIM_NOW:
        raise WasiError(Errno.INVAL, None, "MTIM and MTIM_NOW together")
    atime = atim if fst_flags & Fstflags.ATIM else NOW if fst_flags & Fstflags.ATIM_NOW else None
    mtime = mtim if fst_flags & Fstflags.MTIM else NOW if fst_flags & Fstflags.MTIM_NOW else None
    return atime, mtime


def _buffers(mem, iovs: int, iovs_len: int) -> list[memoryview]:
    """The non-empty buffers of an iovec array, all checked before any is used: a bad one is
    FAULT with nothing read or written (an empty one is never looked at, as POSIX readv has it)."""
    return [guest_slice(mem, ptr, length) for ptr, length in iovecs(mem, iovs, iovs_len) if length]


def _write_all(chunks: list[memoryview], write) -> int:
    """Write the buffers in order with ``write(chunk, done) -> count``; stop at a short write.
    A failure after some bytes went out is a success of fewer bytes, as POSIX has it."""
    total = 0
    for chunk in chunks:
        try:
            written = write(chunk, total)
        except WasiError:
            if total:
                return total
            raise
        total += written
        if written < len(chunk):
            break
    return total


def _read_into(targets: list[memoryview], read) -> int:
    """Fill the buffers in order with ``read(size, done) -> bytes``; stop at a short read."""
    total = 0
    for target in targets:
        chunk = read(len(target), total)
        target[: len(chunk)] = chunk
        total += len(chunk)
        if len(chunk) < len(target):
            break
    return total


class FdCalls(HostState):
    # -- data --------------------------------------------------------------------------------

    def fd_write(self, mem, fd: int, iovs: int, iovs_len: int) -> int:
        entry = self.fds.get(fd, _FD_WRITE)
        sink = entry.stream if entry.stream is not None else entry.handle
        if iovs_len == 1 and not iovs & 3 and iovs + 8 <= len(mem):  # the common case, without building a list
            ptr, length = _IOVEC.unpack_from(mem, iovs)
            if ptr + length <= len(mem):
                return sink.write(mem[ptr : ptr + length]) if length else 0
        return _write_all(_buffers(mem, iovs, iovs_len), lambda chunk, done: sink.write(chunk))

    def fd_read(self, mem, fd: int, iovs: int, iovs_len: int) -> int:
        entry = self.fds.get(fd, _FD_READ)
        source = entry.stream if entry.stream is not None else entry.handle
        return _read_into(_buffers(mem, iovs, iovs_len), lambda size, done: source.read(size))

    def _positioned(self, fd: int, rights: int):
        """The MemFs handle of ``fd``: BADF, SPIPE for a stream (before its rights are looked
        at, as lseek on a pipe says ESPIPE), NOTCAPABLE."""
        if self.fds.get(fd).handle is None:
            raise WasiError(Errno.SPIPE, None, f"fd {fd} is a stream and has no position")
        return self.fds.get(fd, rights).handle

    def fd_pread(self, mem, fd: int, iovs: int, iovs_len: int, offset: int) -> int:
        handle = self._positioned(fd, R.FD_READ | R.FD_SEEK)
        return _read_into(_buffers(mem, iovs, iovs_len), lambda size, done: handle.pread(size, offset + done))

    def fd_pwrite(self, mem, fd: int, iovs: int, iovs_len: int, offset: int) -> int:
        handle = self._positioned(fd, R.FD_WRITE | R.FD_SEEK)
        chunks = _buffers(mem, iovs, iovs_len)
        if handle.append:
            # an APPEND descriptor writes at the end, whatever the offset: Linux's pwrite, and
            # wasmtime's (POSIX says at the offset; Linux documents this as a bug it keeps)
            offset = handle.inode.size
        return _write_all(chunks, lambda chunk, done: handle.pwrite(chunk, offset + done))

    def fd_seek(self, mem, fd: int, offset: int, whence: int) -> int:
        whence = Whence.from_guest(whence)
        needs = R.FD_TELL if (offset == 0 and whence == Whence.CUR) else R.FD_SEEK
        handle = self._positioned(fd, needs)
        if handle.inode.type is FileType.DIRECTORY:
            raise WasiError(Errno.BADF, None, f"fd {fd} is a directory; use fd_readdir cookies")
        return handle.seek(offset, int(whence))

    def fd_tell(self, mem, fd: int) -> int:
        return self._positioned(fd, R.FD_TELL).tell()

    # -- lifetime ----------------------------------------------------------------------------

    def fd_close(self, mem, fd: int) -> None:
        entry = self.fds.pop(fd)
        if entry.handle is not None:
            entry.handle.close()

    def fd_renumber(self, mem, fd: int, to: int) -> None:
        replaced = self.fds.renumber(fd, to)
        if replaced is not None and replaced.handle is not None:
            replaced.handle.close()

    # -- descriptor state --------------------------------------------------------------------

    def fd_fdstat_get(self, mem, fd: int):
        entry = self.fds.get(fd)
        return (entry.filetype, entry.flags, entry.rights, entry.inheriting)

    def fd_fdstat_set_flags(self, mem, fd: int, flags: int) -> None:
        flags = int(Fdflags.from_guest(flags))
        entry = self.fds.get(fd, R.FD_FDSTAT_SET_FLAGS)
        if entry.handle is not None:
            if entry.filetype is Filetype.DIRECTORY and flags & Fdflags.APPEND:
                raise WasiError(Errno.BADF, None, f"fd {fd} is a directory: it cannot append")
            entry.handle.append = bool(flags & Fdflags.APPEND)
        entry.flags = flags

    def fd_fdstat_set_rights(self, mem, fd: int, rights: int, inheriting: int) -> None:
        Rights.from_guest(rights)
        Rights.from_guest(inheriting)
        entry = self.fds.get(fd)
        if rights & ~entry.rights or inheriting & ~entry.inheriting:
            raise WasiError(Errno.NOTCAPABLE, None, "rights can only be dropped, never added")
        entry.rights, entry.inheriting = rights, inheriting

    def fd_advise(self, mem, fd: int, offset: int, length: int, advice: int) -> None:
        Advice.from_guest(advice)
        self._file(fd, R.FD_ADVISE)  # the advice itself changes nothing in memory

    def fd_allocate(self, mem, fd: int, offset: int, length: int) -> None:
        handle = self._file(fd, R.FD_ALLOCATE)
        if not handle.writable:
            raise WasiError(Errno.BADF, None, f"fd {fd} is not open for writing (posix_fallocate says EBADF)")
        end = offset + length
        if end > _MAX_FILESIZE:
            raise WasiError(Errno.FBIG, None, "offset + len is past the largest file size")
        if end > handle.inode.size:
            self.fs._resize(handle.inode, end)

    def fd_datasync(self, mem, fd: int) -> None:
        self.fds.get(fd, R.FD_DATASYNC)  # memory is always in sync

    def fd_sync(self, mem, fd: int) -> None:
        self.fds.get(fd, R.FD_SYNC)

    def _file(self, fd: int, rights: int):
        """The MemFs handle of a regular file: BADF for streams and folders (the kind is checked
        before the rights: a folder can never use these rights, as wasmtime says), NOTCAPABLE."""
        entry = self.fds.get(fd)
        if entry.handle is None:
            raise WasiError(Errno.BADF, None, f"fd {fd} is a stream, not a file")
        if entry.handle.inode.type is not FileType.REGULAR_FILE:
            raise WasiError(Errno.BADF, None, f"fd {fd} is a {entry.filetype.name.lower()}, not a regular file")
        return self.fds.get(fd, rights).handle

    # -- file state --------------------------------------------------------------------------

    def fd_filestat_get(self, mem, fd: int):
        entry = self.fds.get(fd, R.FD_FILESTAT_GET)
        if entry.handle is None:
            return self.stream_stat_values()
        return self.stat_values(entry.handle.stat())

    def fd_filestat_set_size(self, mem, fd: int, size: int) -> None:
        handle = self._file(fd, R.FD_FILESTAT_SET_SIZE)
        if not handle.writable:
            # the right alone is not enough: the file must be open for writing (Linux's
            # ftruncate says EINVAL, and so does wasmtime)
            raise WasiError(Errno.INVAL, None, f"fd {fd} is not open for writing")
        if size > _MAX_FILESIZE:
            raise WasiError(Errno.FBIG, None, "past the largest file size")
        self.fs._resize(handle.inode, size)

    def fd_filestat_set_times(self, mem, fd: int, atim: int, mtim: int, fst_flags: int) -> None:
        atime, mtime = times_from_flags(atim, mtim, fst_flags)
        if self.fds.get(fd).handle is None:
            raise WasiError(Errno.BADF, None, f"fd {fd} is a stream and has no times")
        self.fds.get(fd, R.FD_FILESTAT_SET_TIMES).handle.set_times(atime, mtime)

    # -- preopens ----------------------------------------------------------------------------

    def _preopen_name(self, fd: int) -> bytes:
        entry = self.fds.get(fd)
        if entry.preopen is None:
            raise WasiError(Errno.BADF, None, f"fd {fd} is not a preopened directory")
        return entry.preopen.guest_path.encode("utf-8", "surrogateescape")

    def fd_prestat_get(self, mem, fd: int):
        return (Preopentype.DIR, len(self._preopen_name(fd)))

    def fd_prestat_dir_name(self, mem, fd: int, path: int, path_len: int) -> None:
        name = self._preopen_name(fd)
        if path_len < len(name):
            raise WasiError(Errno.NAMETOOLONG, None, f"the buffer holds {path_len} bytes, the name {len(name)}")
        guest_slice(mem, path, len(name))[:] = name

    # -- directories -------------------------------------------------------------------------

    def fd_readdir(self, mem, fd: int, buf: int, buf_len: int, cookie: int) -> int:
        entry = self.fds.get(fd)
        if entry.handle is None or entry.filetype is not Filetype.DIRECTORY:  # the kind before the rights
            raise WasiError(Errno.NOTDIR, None, f"fd {fd} is not a directory")
        self.fds.get(fd, R.FD_READDIR)
        target = guest_slice(mem, buf, buf_len)
        chunk = self.listings.read(entry.handle.directory(), cookie, buf_len)
        target[: len(chunk)] = chunk  # a full buffer tells the guest to ask again
        return len(chunk)
