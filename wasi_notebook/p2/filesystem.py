"""wasi:filesystem: preopens and types (descriptors over MemFs handles, directory listings).

Rights follow the descriptor-flags. A directory needs ``read`` to look things up in it and
``mutate-directory`` to change it (not-permitted otherwise); a directory opened from it gets
its rights, whatever the open asked (as on wasmtime: jco's preview1 adapter never asks for
mutate-directory), and a file opened for writing needs ``mutate-directory`` there. A file's
``read``/``write`` flags are its open mode: reading or writing without them is bad-descriptor,
as the operating system says. A file-only call on a directory is bad-descriptor, a
directory-only call on a file not-directory. Paths resolve through MemFs, which never leaves the directory they start from
(an escape is not-permitted).
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

from ..ctx import WasiCtx
from ..errors import Errno, WasiError
from ..memfs import NOW, Directory, FileType, Handle, Stat
from .clocks import datetime
from .errors import error_code
from .resources import (
    Descriptor, DirectoryEntryStream, FileInputStream, FileOutputStream, FileStreamError, IoError,
    ResourceTable,
)
from .values import record

__all__ = ["FilesystemHost", "DESCRIPTOR_TYPES"]

DESCRIPTOR_TYPES = {
    FileType.DIRECTORY: "directory",
    FileType.REGULAR_FILE: "regular-file",
    FileType.SYMBOLIC_LINK: "symbolic-link",
}
_SYNC_FLAGS = frozenset({"file-integrity-sync", "data-integrity-sync", "requested-write-sync"})
_FILE_FLAGS = frozenset({"read", "write"}) | _SYNC_FLAGS
_DIRECTORY_RIGHTS = frozenset({"read", "mutate-directory"})
_ADVICE = frozenset({"normal", "sequential", "random", "will-need", "dont-need", "no-reuse"})
_HASH_KEY = b"wasi-notebook metadata-hash"
_MAX_FILESIZE = (1 << 63) - 1


def _stat(st: Stat) -> Any:
    return record(**{
        "type": DESCRIPTOR_TYPES[st.type], "link-count": st.nlink, "size": st.size,
        "data-access-timestamp": datetime(st.atime), "data-modification-timestamp": datetime(st.mtime),
        "status-change-timestamp": datetime(st.ctime),
    })


def _hash(st: Stat) -> Any:
    """A metadata-hash-value: a keyed hash of the inode's identity (device and number)."""
    digest = hashlib.blake2b(f"{st.dev}:{st.ino}".encode(), key=_HASH_KEY, digest_size=16).digest()
    return record(lower=int.from_bytes(digest[:8], "little"), upper=int.from_bytes(digest[8:], "little"))


def _timestamp(value: Any) -> Any:
    """A new-timestamp as MemFs takes it: None (no-change), NOW, or ns."""
    if value.tag == "no-change":
        return None
    if value.tag == "now":
        return NOW
    dt = value.payload
    return dt.seconds * 1_000_000_000 + dt.nanoseconds


def _follow(path_flags: set[str]) -> bool:
    return "symlink-follow" in path_flags


def _utf8(name: str, path: str | None) -> str:
    """``name`` when it is valid UTF-8 (a name imported from a host folder may not be): ILSEQ."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise WasiError(Errno.ILSEQ, path, "the name is not valid UTF-8") from None
    return name


class FilesystemHost:
    ctx: WasiCtx
    table: ResourceTable

    def filesystem_interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        d = "[method]descriptor."
        return {
            "wasi:filesystem/preopens": {"get-directories": self.get_directories},
            "wasi:filesystem/types": {
                d + "read-via-stream": self.read_via_stream,
                d + "write-via-stream": self.write_via_stream,
                d + "append-via-stream": self.append_via_stream,
                d + "advise": self.advise,
                d + "sync-data": self.sync,
                d + "get-flags": self.get_flags,
                d + "get-type": self.get_type,
                d + "set-size": self.set_size,
                d + "set-times": self.set_times,
                d + "read": self.descriptor_read,
                d + "write": self.descriptor_write,
                d + "read-directory": self.read_directory,
                d + "sync": self.sync,
                d + "create-directory-at": self.create_directory_at,
                d + "stat": self.stat,
                d + "stat-at": self.stat_at,
                d + "set-times-at": self.set_times_at,
                d + "link-at": self.link_at,
                d + "open-at": self.open_at,
                d + "readlink-at": self.readlink_at,
                d + "remove-directory-at": self.remove_directory_at,
                d + "rename-at": self.rename_at,
                d + "symlink-at": self.symlink_at,
                d + "unlink-file-at": self.unlink_file_at,
                d + "is-same-object": self.is_same_object,
                d + "metadata-hash": self.metadata_hash,
                d + "metadata-hash-at": self.metadata_hash_at,
                "[method]directory-entry-stream.read-directory-entry": self.read_directory_entry,
                "filesystem-error-code": self.filesystem_error_code,
            },
        }

    # -- lookups ---------------------------------------------------------------------------------

    def _descriptor(self, d: int) -> Descriptor:
        return self.table.get(d, Descriptor)

    def _file(self, d: int, need: str | None = None) -> Descriptor:
        """The file descriptor ``d``: BADF for a directory, or without the flag ``need`` (the
        file is not open for that)."""
        desc = self._descriptor(d)
        if desc.handle.inode.type is FileType.DIRECTORY:
            raise WasiError(Errno.BADF, None, "a directory descriptor: this call is for files")
        if need is not None and need not in desc.flags:
            raise WasiError(Errno.BADF, None, f"the file was opened without {need}")
        return desc

    def _dir(self, d: int, need: str = "read") -> Directory:
        """The directory of descriptor ``d``: NOTDIR for a file, PERM without the flag ``need``
        (``read`` to look up, ``mutate-directory`` to change)."""
        desc = self._descriptor(d)
        directory = desc.handle.directory()
        if need not in desc.flags:
            raise WasiError(Errno.PERM, None, f"the directory was opened without {need}")
        return directory

    # -- wasi:filesystem/preopens ----------------------------------------------------------------

    def get_directories(self) -> list[tuple[Any, str]]:
        """A new descriptor (read, mutate-directory) for each preopen, with its guest path."""
        return [(self.table.own(Descriptor(Handle(self.ctx.fs, p.directory), {"read", "mutate-directory"})),
                 p.guest_path) for p in self.ctx.preopens]

    # -- streams ---------------------------------------------------------------------------------

    def read_via_stream(self, d: int, offset: int) -> Any:
        """An input stream from ``offset`` (a child of the descriptor). BADF for a directory or a
        descriptor without read."""
        desc = self._file(d)
        if "read" not in desc.flags:
            raise WasiError(Errno.BADF, None, "the descriptor is not open for reading")
        return self.table.own(FileInputStream(desc.handle, offset), parent=d)

    def _writer(self, d: int, offset: int | None) -> Any:
        desc = self._file(d)
        if "write" not in desc.flags:
            raise WasiError(Errno.BADF, None, "the descriptor is not open for writing")
        return self.table.own(FileOutputStream(desc.handle, offset), parent=d)

    def write_via_stream(self, d: int, offset: int) -> Any:
        """An output stream writing from ``offset`` on (a child of the descriptor). BADF for a
        directory or a descriptor without write."""
        return self._writer(d, offset)

    def append_via_stream(self, d: int) -> Any:
        """An output stream writing at the end of the file. BADF as write-via-stream."""
        return self._writer(d, None)

    # -- the descriptor itself -------------------------------------------------------------------

    def advise(self, d: int, offset: int, length: int, advice: str) -> None:
        """Nothing to do in memory. BADF for a directory, INVAL for an unknown advice."""
        self._file(d)
        if advice not in _ADVICE:
            raise WasiError(Errno.INVAL, None, f"unknown advice {advice!r}")

    def sync(self, d: int) -> None:
        """sync and sync-data: memory is always in sync."""
        self._descriptor(d).handle.stat()  # BADF when closed

    def get_flags(self, d: int) -> set[str]:
        return set(self._descriptor(d).flags)

    def get_type(self, d: int) -> str:
        return DESCRIPTOR_TYPES[self._descriptor(d).handle.stat().type]

    def set_size(self, d: int, size: int) -> None:
        """Cut or zero-extend the file. BADF for a directory, INVAL without write (ftruncate's
        answer), FBIG, NOSPC."""
        desc = self._file(d)
        if "write" not in desc.flags:
            raise WasiError(Errno.INVAL, None, "the file is not open for writing")
        if size > _MAX_FILESIZE:
            raise WasiError(Errno.FBIG, None, "past the largest file size")
        desc.handle.truncate(size)

    def set_times(self, d: int, atime: Any, mtime: Any) -> None:
        """Set or keep each time (futimens: any open descriptor may)."""
        self._descriptor(d).handle.set_times(_timestamp(atime), _timestamp(mtime))

    def descriptor_read(self, d: int, length: int, offset: int) -> tuple[bytes, bool]:
        """Up to ``length`` bytes at ``offset``, and whether none were left (the end). BADF for a
        directory or without read."""
        chunk = self._file(d, "read").handle.pread(length, offset)
        return chunk, not chunk

    def descriptor_write(self, d: int, data: bytes, offset: int) -> int:
        """Write at ``offset``; the count (short only when the MemFs is full). BADF for a
        directory or without write, NOSPC when nothing fits."""
        return self._file(d, "write").handle.pwrite(data, offset)

    def stat(self, d: int) -> Any:
        return _stat(self._descriptor(d).handle.stat())

    def is_same_object(self, d: int, other: int) -> bool:
        """Whether both name one inode (of one MemFs)."""
        a, b = self._descriptor(d).handle, self._descriptor(other).handle
        return a.inode is b.inode

    def metadata_hash(self, d: int) -> Any:
        """Stable for an inode, different between inodes."""
        return _hash(self._descriptor(d).handle.stat())

    # -- directories -----------------------------------------------------------------------------

    def read_directory(self, d: int) -> Any:
        """A directory-entry-stream (a child of the descriptor). NOTDIR for a file, PERM without read."""
        return self.table.own(DirectoryEntryStream(self._dir(d)), parent=d)

    def read_directory_entry(self, s: int) -> Any:
        """The next entry (``.`` and ``..`` are not listed), None at the end. ILSEQ for a name
        that is not UTF-8."""
        entry = self.table.get(s, DirectoryEntryStream).next()
        if entry is None:
            return None
        name, kind = entry
        return record(type=DESCRIPTOR_TYPES[kind], name=_utf8(name, name))

    def stat_at(self, d: int, path_flags: set[str], path: str) -> Any:
        return _stat(self.ctx.fs.stat_at(self._dir(d), path, follow=_follow(path_flags)))

    def metadata_hash_at(self, d: int, path_flags: set[str], path: str) -> Any:
        return _hash(self.ctx.fs.stat_at(self._dir(d), path, follow=_follow(path_flags)))

    def set_times_at(self, d: int, path_flags: set[str], path: str, atime: Any, mtime: Any) -> None:
        """PERM without mutate-directory."""
        self.ctx.fs.set_times_at(self._dir(d, "mutate-directory"), path, _timestamp(atime), _timestamp(mtime),
                                 follow=_follow(path_flags))

    def open_at(self, d: int, path_flags: set[str], path: str, open_flags: set[str], flags: set[str]) -> Any:
        """Open (or with ``create``, make) a file or directory: a file gets the flags asked for, a
        directory its parent's rights. PERM when the directory lacks read, or lacks
        mutate-directory and the open would change something (create, truncate, write,
        mutate-directory); then the errors of MemFs.open_at (NOENT, EXIST, ISDIR, NOTDIR, LOOP, INVAL)."""
        desc = self._descriptor(d)
        base = self._dir(d)
        changes = "write" in flags or "mutate-directory" in flags or open_flags & {"create", "truncate"}
        if changes and "mutate-directory" not in desc.flags:
            raise WasiError(Errno.PERM, path, "the directory was opened without mutate-directory")
        handle = self.ctx.fs.open_at(
            base, path, follow=_follow(path_flags), create="create" in open_flags,
            exclusive="exclusive" in open_flags, truncate="truncate" in open_flags,
            directory="directory" in open_flags, read="read" in flags, write="write" in flags)
        if handle.inode.type is FileType.DIRECTORY:
            given = (desc.flags & _DIRECTORY_RIGHTS) | (flags & _SYNC_FLAGS)
        else:
            given = flags & _FILE_FLAGS
        return self.table.own(Descriptor(handle, set(given)))

    def readlink_at(self, d: int, path: str) -> str:
        """The target of a link. INVAL if it is not one, PERM for an absolute target (only a link
        imported from a host folder can hold one: the guest is not to learn host paths)."""
        return _utf8(self.ctx.fs.readlink_at(self._dir(d), path, relative_only=True), path)

    def create_directory_at(self, d: int, path: str) -> None:
        """EXIST if the name is taken; PERM without mutate-directory."""
        self.ctx.fs.mkdir_at(self._dir(d, "mutate-directory"), path)

    def remove_directory_at(self, d: int, path: str) -> None:
        """NOTEMPTY, NOTDIR; PERM without mutate-directory."""
        self.ctx.fs.rmdir_at(self._dir(d, "mutate-directory"), path)

    def unlink_file_at(self, d: int, path: str) -> None:
        """ISDIR for a directory; PERM without mutate-directory."""
        self.ctx.fs.unlink_at(self._dir(d, "mutate-directory"), path)

    def link_at(self, d: int, path_flags: set[str], path: str, new_d: int, new_path: str) -> None:
        """A hard link ``new_path`` (from ``new_d``) to ``path``. EXIST, PERM for a directory or
        without mutate-directory on either side."""
        old = self._dir(d, "mutate-directory")
        new = self._dir(new_d, "mutate-directory")
        self.ctx.fs.link_at(old, path, new, new_path, follow=_follow(path_flags))

    def rename_at(self, d: int, path: str, new_d: int, new_path: str) -> None:
        """Move ``path`` to ``new_path`` (from ``new_d``), replacing as POSIX rename does.
        PERM without mutate-directory on either side."""
        old = self._dir(d, "mutate-directory")
        new = self._dir(new_d, "mutate-directory")
        self.ctx.fs.rename_at(old, path, new, new_path)

    def symlink_at(self, d: int, target: str, path: str) -> None:
        """A link ``path`` to ``target``. PERM for an absolute target or without mutate-directory;
        EXIST if the name is taken."""
        self.ctx.fs.symlink_at(target, self._dir(d, "mutate-directory"), path, relative_only=True)

    # -- errors ----------------------------------------------------------------------------------

    def filesystem_error_code(self, e: int) -> Any:
        """The error-code of a file stream's error; None for any other stream's."""
        error = self.table.get(e, IoError).error
        return error_code(error) if isinstance(error, FileStreamError) else None
