"""MemFs, the in-memory filesystem every guest sees. Knows nothing of WebAssembly.

Start with :class:`MemFs` and its pathlike :attr:`MemFs.root`; hosts use the ``*_at``
operations and :class:`Handle`; :meth:`MemFs.snapshot` and :meth:`Snapshot.diff` tell what a
run changed.
"""

from .diff import Change, Diff
from .fs import DEFAULT_MAX_BYTES, DEFAULT_MAX_INODES, MemFs
from .handle import SEEK_CUR, SEEK_END, SEEK_SET, Handle
from .inode import NOW, Directory, File, FileType, Inode, Stat, Symlink
from .journal import Snapshot
from .pathlike import MemPath

__all__ = [
    "MemFs", "MemPath", "Handle", "Snapshot", "Diff", "Change", "Stat", "FileType", "NOW",
    "Inode", "File", "Directory", "Symlink", "SEEK_SET", "SEEK_CUR", "SEEK_END",
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_INODES",
]
