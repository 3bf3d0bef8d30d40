"""Copy-on-write snapshots of a MemFs.

Taking a snapshot costs nothing but a new, empty log. From then on, the first time an inode is
about to change, its current state is kept in that log as a :class:`Record`; an inode made after
the snapshot is logged as ``None`` (it did not exist). So the state at the snapshot is, for every
inode, its record if one was logged since, else its live state: nothing unchanged is ever copied.

A file's record shares the file's bytearray and remembers its length; appends leave that prefix
alone, so only a write below it or a truncation makes the record take its own copy
(``File._unshare``). Appending a large log file after a snapshot therefore copies nothing.

Several snapshots may be alive at once; each owns the log started when it was taken, and the state
at a snapshot is read through its log and every later one, the earliest record winning. When a
snapshot is garbage-collected its log is folded into the one before it (or dropped if it was the
oldest), so memory follows the snapshots a person keeps.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from ..errors import Errno, WasiError
from .inode import Directory, File, FileType, HasStat, Inode, Stat
from .path import split_absolute

if TYPE_CHECKING:
    from .fs import MemFs

__all__ = ["Journal", "Record", "Snapshot"]


class Record(HasStat):
    """An inode as it was: its stat fields, names, and content (bytes, entries or target)."""

    __slots__ = ("inode", "type", "ino", "nlink", "size", "atime", "mtime", "ctime", "links",
                 "data", "length", "entries", "target")

    def __init__(self, inode: Inode) -> None:
        self.inode = inode
        self.type = inode.type
        self.ino = inode.ino
        self.nlink = inode.nlink
        self.size = inode.size
        self.atime, self.mtime, self.ctime = inode.atime, inode.mtime, inode.ctime
        self.links = list(inode.links)
        self.data = self.entries = self.target = None
        self.length = 0
        if isinstance(inode, File):
            self.data = inode.data  # shared until the file changes below self.length
            self.length = len(inode.data)
            inode.sharers.append(self)
        elif isinstance(inode, Directory):
            self.entries = dict(inode.entries)
        else:
            self.target = inode.target  # type: ignore[attr-defined]

    def content(self) -> bytes:
        return bytes(self.data[: self.length])


class Journal:
    """The logs behind every live snapshot of one MemFs (see the module docstring)."""

    def __init__(self) -> None:
        self.epoch = 0
        self.logs: list[dict[Inode, Record | None]] = []  # oldest first, one per live snapshot
        self.root: Directory | None = None

    def created(self, inode: Inode) -> None:
        if self.logs:
            self.logs[-1].setdefault(inode, None)

    def before_change(self, inode: Inode) -> None:
        """Keep ``inode``'s state in the newest log unless it is there already."""
        if inode.epoch != self.epoch:
            inode.epoch = self.epoch
            if self.logs:
                log = self.logs[-1]
                if inode not in log:
                    log[inode] = Record(inode)

    def start(self) -> dict:
        self.epoch += 1
        log: dict[Inode, Record | None] = {}
        self.logs.append(log)
        return log

    def release(self, log: dict) -> None:
        """Fold a dead snapshot's log into the one before it."""
        for i, candidate in enumerate(self.logs):
            if candidate is log:
                if i > 0:
                    earlier = self.logs[i - 1]
                    for inode, record in log.items():
                        earlier.setdefault(inode, record)
                del self.logs[i]
                return

    def changes_since(self, log: dict) -> dict[Inode, Record | None]:
        """Every inode changed since ``log`` began, with its state at that moment."""
        merged: dict[Inode, Record | None] = {}
        seen = False
        for candidate in self.logs:
            seen = seen or candidate is log
            if seen:
                for inode, record in candidate.items():
                    merged.setdefault(inode, record)
        return merged


class Snapshot:
    """The state of a MemFs at one moment; ``fs.snapshot()`` makes one, ``diff()`` compares.

    It reads like the live filesystem, for what a path held: ``stat``, ``read_bytes``,
    ``listdir``, ``exists``. Paths are absolute from the MemFs root and are looked up as they
    were, without following symbolic links.
    """

    def __init__(self, fs: MemFs) -> None:
        self._fs = fs
        self._journal = fs._journal
        self._log = self._journal.start()
        weakref.finalize(self, self._journal.release, self._log)

    def state(self, inode: Inode) -> HasStat | None:
        """``inode`` as it was: a Record, the live inode if unchanged since, or None if it did not exist."""
        for log in self._logs():
            if inode in log:
                return log[inode]
        return inode

    def _logs(self):
        logs = self._journal.logs
        for i, log in enumerate(logs):
            if log is self._log:
                return logs[i:]
        return []

    # -- reading the old tree ----------------------------------------------------------------

    def _lookup(self, path: str) -> HasStat:
        state: HasStat | None = self.state(self._fs._root)
        for name in split_absolute(path):
            entries = getattr(state, "entries", None)
            if entries is None:
                raise _err("NOTDIR", path)
            child = entries.get(name)
            if child is None:
                raise _err("NOENT", path)
            state = self.state(child)
        assert state is not None
        return state

    def exists(self, path: str) -> bool:
        try:
            self._lookup(path)
        except Exception:  # noqa: BLE001 - any lookup failure means "not there"
            return False
        return True

    def stat(self, path: str) -> Stat:
        return self._lookup(path).stat(self._fs.dev)

    def read_bytes(self, path: str) -> bytes:
        state = self._lookup(path)
        if state.type is not FileType.REGULAR_FILE:
            raise _err("ISDIR" if state.type is FileType.DIRECTORY else "INVAL", path)
        return state.content()  # type: ignore[attr-defined]

    def read_text(self, path: str, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self.read_bytes(path).decode(encoding, errors)

    def listdir(self, path: str = "/") -> list[str]:
        entries = getattr(self._lookup(path), "entries", None)
        if entries is None:
            raise _err("NOTDIR", path)
        return list(entries)

    def readlink(self, path: str) -> str:
        state = self._lookup(path)
        if state.type is not FileType.SYMBOLIC_LINK:
            raise _err("INVAL", path)
        return state.target  # type: ignore[attr-defined]

    def diff(self):
        """What changed from this snapshot to now: a :class:`~wasi_notebook.memfs.diff.Diff`."""
        from .diff import compute_diff

        return compute_diff(self)


def _err(label: str, path: str) -> WasiError:
    return WasiError(Errno[label], path, "in the snapshot")
