"""Inodes: what a file *is*, apart from the names it has and the handles open on it.

Every mutation of an inode's tracked state (content, times, link count, names, directory
entries) goes through a method here that first calls ``self.journal.before_change(self)``, so
the snapshot journal can keep the state the inode had when a snapshot was taken. Code outside
this module reads inode fields freely but changes them only through these methods.
"""

from __future__ import annotations

import bisect
import enum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .journal import Journal

__all__ = ["NOW", "FileType", "Stat", "HasStat", "Inode", "File", "Directory", "Symlink"]


class FileType(enum.Enum):
    DIRECTORY = "directory"
    REGULAR_FILE = "file"
    SYMBOLIC_LINK = "symlink"


class Stat(NamedTuple):
    """What ``stat`` tells about an inode. Times are nanoseconds since the epoch."""

    dev: int
    ino: int
    type: FileType
    nlink: int
    size: int
    atime: int
    mtime: int
    ctime: int


# For set_times: "the current time" rather than a number of nanoseconds.
NOW = type("NowType", (), {"__repr__": lambda self: "NOW"})()

# Cookies 1 and 2 are "." and ".."; real entries are numbered from here on.
FIRST_ENTRY_COOKIE = 3


class HasStat:
    """Shared by live inodes and the journal's records of what they were."""

    __slots__ = ()
    type: FileType
    ino: int
    nlink: int
    size: int
    atime: int
    mtime: int
    ctime: int

    def stat(self, dev: int) -> Stat:
        return Stat(dev, self.ino, self.type, self.nlink, self.size, self.atime, self.mtime, self.ctime)


class Inode(HasStat):
    """Fields common to every kind. ``links`` lists the (directory, name) pairs naming it."""

    __slots__ = ("ino", "atime", "mtime", "ctime", "links", "opens", "epoch", "journal", "__weakref__")
    type: FileType

    def __init__(self, journal: Journal, ino: int, now: int) -> None:
        self.journal = journal
        self.ino = ino
        self.atime = self.mtime = self.ctime = now
        self.links: list[tuple[Directory, str]] = []
        self.opens = 0
        # The journal epoch whose pre-state of this inode is already kept (see journal.py).
        self.epoch = journal.epoch
        journal.created(self)

    @property
    def nlink(self) -> int:
        return len(self.links)

    @property
    def size(self) -> int:
        raise NotImplementedError

    @property
    def alive(self) -> bool:
        """Still named somewhere, or held open by a handle."""
        return bool(self.links) or self.opens > 0

    # -- mutations ---------------------------------------------------------------------------

    def set_times(self, atime, mtime, now: int) -> None:
        """Each of ``atime``, ``mtime``: ns, :data:`NOW`, or None to leave it."""
        self.journal.before_change(self)
        if atime is not None:
            self.atime = now if atime is NOW else atime
        if mtime is not None:
            self.mtime = now if mtime is NOW else mtime
        self.ctime = now

    def touch_ctime(self, now: int) -> None:
        self.journal.before_change(self)
        self.ctime = now

    def add_link(self, parent: Directory, name: str, now: int) -> None:
        self.journal.before_change(self)
        self.links.append((parent, name))
        self.ctime = now

    def remove_link(self, parent: Directory, name: str, now: int) -> None:
        self.journal.before_change(self)
        self.links.remove((parent, name))
        self.ctime = now


class File(Inode):
    """A regular file. Its bytes live in one bytearray, grown in place by appends."""

    __slots__ = ("data", "sharers")
    type = FileType.REGULAR_FILE

    def __init__(self, journal: Journal, ino: int, now: int, data: bytes = b"") -> None:
        super().__init__(journal, ino, now)
        self.data = bytearray(data)
        # Snapshot records that still share a prefix of self.data instead of owning a copy.
        self.sharers: list = []

    @property
    def size(self) -> int:
        return len(self.data)

    def content(self) -> bytes:
        return bytes(self.data)

    def _unshare(self, offset: int) -> None:
        """Give every record sharing bytes at or past ``offset`` its own copy before they change."""
        keep = []
        for record in self.sharers:
            if offset < record.length:
                record.data = bytes(self.data[: record.length])
            else:
                keep.append(record)
        self.sharers = keep

    def write_at(self, offset: int, chunk, now: int) -> None:
        """Write ``chunk`` at ``offset``, zero-filling any gap past the end."""
        if self.epoch != self.journal.epoch:  # before_change, inlined on the hottest path
            self.journal.before_change(self)
        data = self.data
        end = len(data)
        if offset == end:
            data += chunk
        elif offset > end:
            data.extend(bytes(offset - end))
            data += chunk
        else:
            if self.sharers:
                self._unshare(offset)
            data[offset : offset + len(chunk)] = chunk
        self.mtime = self.ctime = now

    def resize(self, size: int, now: int) -> None:
        self.journal.before_change(self)
        data = self.data
        if size < len(data):
            if self.sharers:
                # The records keep the old buffer whole; the file goes on with a copy of what it
                # keeps, which is cheaper than copying for them (truncating to 0 copies nothing).
                self.data = bytearray(data[:size])
                self.sharers = []
            else:
                del data[size:]
        elif size > len(data):
            data.extend(bytes(size - len(data)))
        self.mtime = self.ctime = now


class Symlink(Inode):
    __slots__ = ("target",)
    type = FileType.SYMBOLIC_LINK

    def __init__(self, journal: Journal, ino: int, now: int, target: str) -> None:
        super().__init__(journal, ino, now)
        self.target = target

    @property
    def size(self) -> int:
        return len(self.target.encode())


class Directory(Inode):
    """A directory: names to inodes, plus a cookie per name for readdir.

    A cookie is a number given to a name when it is added and never reused in this directory, so
    a guest listing the directory in pieces neither skips nor repeats entries that were there the
    whole time, whatever is added or removed between the pieces (POSIX asks no more).
    """

    __slots__ = ("entries", "cookies", "order", "next_cookie", "subdirs", "version")
    type = FileType.DIRECTORY

    def __init__(self, journal: Journal, ino: int, now: int) -> None:
        super().__init__(journal, ino, now)
        self.entries: dict[str, Inode] = {}
        self.cookies: dict[str, int] = {}
        self.order: list[tuple[int, str]] = []  # (cookie, name), cookies ascending; may hold stale pairs
        self.next_cookie = FIRST_ENTRY_COOKIE
        self.subdirs = 0
        self.version = 0  # moves whenever a listing of this directory would read differently

    @property
    def size(self) -> int:
        # What tmpfs reports is not portable either; a byte count of the names is as good as any.
        return sum(len(name) for name in self.entries)

    @property
    def nlink(self) -> int:
        # "." and the entry in the parent, plus each subdirectory's "..". Removed: 0.
        return (2 + self.subdirs) if (self.links or self.is_root) else 0

    @property
    def is_root(self) -> bool:
        return self.journal.root is self

    @property
    def parent(self) -> Directory:
        return self.links[0][0] if self.links else self

    def add_link(self, parent: Directory, name: str, now: int) -> None:
        self.version += 1  # its ".." changes
        super().add_link(parent, name, now)

    def remove_link(self, parent: Directory, name: str, now: int) -> None:
        self.version += 1
        super().remove_link(parent, name, now)

    # -- mutations ---------------------------------------------------------------------------

    def attach(self, name: str, inode: Inode, now: int) -> None:
        """Add ``name`` -> ``inode`` (the name must be free) and link the inode to it."""
        self.journal.before_change(self)
        self.version += 1
        self.entries[name] = inode
        cookie = self.next_cookie
        self.next_cookie = cookie + 1
        self.cookies[name] = cookie
        self.order.append((cookie, name))
        if inode.type is FileType.DIRECTORY:
            self.subdirs += 1
        self.mtime = self.ctime = now
        inode.add_link(self, name, now)

    def detach(self, name: str, now: int) -> Inode:
        """Remove ``name`` and unlink its inode; returns the inode."""
        self.journal.before_change(self)
        self.version += 1
        inode = self.entries.pop(name)
        del self.cookies[name]
        if len(self.order) > 32 and len(self.order) > 2 * len(self.entries):
            self.order = sorted((c, n) for n, c in self.cookies.items())
        if inode.type is FileType.DIRECTORY:
            self.subdirs -= 1
        self.mtime = self.ctime = now
        inode.remove_link(self, name, now)
        return inode

    # -- listing -----------------------------------------------------------------------------

    def entries_after(self, cookie: int):
        """Yield (cookie, name, inode) for the entries whose cookie is greater than ``cookie``.

        Safe against changes between steps: a compaction of ``order`` restarts the search from
        the last cookie yielded.
        """
        while True:
            order = self.order
            i = bisect.bisect_right(order, cookie, key=_first)
            while i < len(order):
                c, name = order[i]
                i += 1
                if self.cookies.get(name) == c:
                    yield c, name, self.entries[name]
                    cookie = c
                    if self.order is not order:
                        break
            else:
                return


def _first(pair: tuple[int, str]) -> int:
    return pair[0]
