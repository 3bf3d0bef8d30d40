"""MemPath: a pathlib-like handle on a path of a MemFs, for the person in the notebook.

>>> fs = MemFs()
>>> (fs.root / "data").mkdir()
>>> (fs.root / "data" / "hello.txt").write_text("hi\\n")
3
>>> [p.name for p in (fs.root / "data").iterdir()]
['hello.txt']

Paths are absolute from the MemFs root. The rules are the guest's: symbolic links resolve inside
the MemFs only, and ``..`` cannot climb above the root. Every method raises
:class:`~wasi_notebook.errors.WasiError` for what a guest would get an errno for, with the path
and what to do about it, and leaves the tree unchanged when it fails.

A MemPath deliberately has no ``__fspath__``: handing one to ``open`` or ``os`` by mistake must
fail, not touch the host's disk.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterator

from ..errors import Errno, WasiError
from .inode import NOW, Directory, FileType, Inode, Stat
from .path import check_name

if TYPE_CHECKING:
    from .fs import MemFs

__all__ = ["MemPath"]


class MemPath:
    __slots__ = ("fs", "_path")

    def __init__(self, fs: MemFs, path="/") -> None:
        if isinstance(path, MemPath):
            path = path._path
        path = str(path)
        if "\0" in path:
            raise WasiError(Errno.INVAL, path, "a path cannot contain a NUL byte")
        self.fs = fs
        self._path = "/" + path.strip("/") if path.strip("/") else "/"
        while "//" in self._path:
            self._path = self._path.replace("//", "/")

    # -- pure path operations ----------------------------------------------------------------

    def __str__(self) -> str:
        return self._path

    def __repr__(self) -> str:
        return f"MemPath({self._path!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, MemPath) and other.fs is self.fs and other._path == self._path

    def __hash__(self) -> int:
        return hash((id(self.fs), self._path))

    def __lt__(self, other: MemPath) -> bool:
        return self._path < other._path

    def __truediv__(self, name) -> MemPath:
        return self.joinpath(name)

    def joinpath(self, *names) -> MemPath:
        path = self._path
        for name in names:
            name = str(name)
            path = name if name.startswith("/") else posixpath.join(path, name)
        return MemPath(self.fs, path)

    @property
    def name(self) -> str:
        return posixpath.basename(self._path)

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.name)[1]

    @property
    def stem(self) -> str:
        return posixpath.splitext(self.name)[0]

    @property
    def parent(self) -> MemPath:
        return MemPath(self.fs, posixpath.dirname(self._path))

    @property
    def parts(self) -> tuple[str, ...]:
        return ("/",) + tuple(p for p in self._path.split("/") if p)

    def with_name(self, name: str) -> MemPath:
        check_name(name, name)
        return self.parent / name

    def relative_to(self, other: MemPath) -> str:
        return posixpath.relpath(self._path, other._path)

    # -- looking ----------------------------------------------------------------------------

    @property
    def _root(self) -> Directory:
        return self.fs.root_dir

    def _inode(self, follow: bool = True) -> Inode:
        return self.fs.lookup(self._root, self._path, follow=follow, rooted=True)

    def _probe(self, follow: bool = True) -> Inode | None:
        try:
            return self._inode(follow)
        except WasiError:
            return None

    def exists(self, *, follow_symlinks: bool = True) -> bool:
        return self._probe(follow_symlinks) is not None

    def is_file(self) -> bool:
        inode = self._probe()
        return inode is not None and inode.type is FileType.REGULAR_FILE

    def is_dir(self) -> bool:
        inode = self._probe()
        return inode is not None and inode.type is FileType.DIRECTORY

    def is_symlink(self) -> bool:
        inode = self._probe(False)
        return inode is not None and inode.type is FileType.SYMBOLIC_LINK

    def stat(self, *, follow_symlinks: bool = True) -> Stat:
        return self._inode(follow_symlinks).stat(self.fs.dev)

    def lstat(self) -> Stat:
        return self.stat(follow_symlinks=False)

    def readlink(self) -> str:
        return self.fs.readlink_at(self._root, self._path, rooted=True)

    def iterdir(self) -> Iterator[MemPath]:
        """The entries, in the order they were made (no ``.`` and ``..``)."""
        inode = self._inode()
        if inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, self._path)
        for name in list(inode.entries):  # type: ignore[attr-defined]
            yield self / name

    def walk(self, top_down: bool = True) -> Iterator[tuple[MemPath, list[str], list[str]]]:
        """Like ``Path.walk``: (directory, subdirectory names, other names) for each directory.

        Symbolic links are listed, never followed. Top-down, pruning ``dirnames`` in place
        skips those subtrees.
        """
        inode = self._inode()
        if inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, self._path)
        stack: list[tuple[MemPath, Directory]] = [(self, inode)]  # type: ignore[list-item]
        pending_bottom_up: list[tuple[MemPath, list[str], list[str]]] = []
        while stack:
            here, directory = stack.pop()
            dirs = [n for n, c in directory.entries.items() if c.type is FileType.DIRECTORY]
            files = [n for n, c in directory.entries.items() if c.type is not FileType.DIRECTORY]
            if top_down:
                yield here, dirs, files
            else:
                pending_bottom_up.append((here, dirs, files))
            for name in reversed(dirs):
                child = directory.entries.get(name)
                if child is not None and child.type is FileType.DIRECTORY:
                    stack.append((here / name, child))  # type: ignore[arg-type]
        yield from reversed(pending_bottom_up)

    # -- reading and writing ----------------------------------------------------------------

    def read_bytes(self) -> bytes:
        with self.fs.open_at(self._root, self._path, rooted=True) as handle:
            if handle.inode.type is FileType.DIRECTORY:
                raise WasiError(Errno.ISDIR, self._path, "read a directory with iterdir()")
            return handle.inode.content()  # type: ignore[attr-defined]

    def read_text(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self.read_bytes().decode(encoding, errors)

    def write_bytes(self, data) -> int:
        """Replace the file's content (making the file if needed). NOSPC leaves the old content."""
        data = bytes(data)
        existing = self._probe()
        old = existing.size if existing is not None and existing.type is FileType.REGULAR_FILE else 0
        self.fs._check_room(len(data) - old)  # fail before truncating anything
        with self.fs.open_at(self._root, self._path, create=True, truncate=True, write=True,
                             read=False, rooted=True) as handle:
            return handle.write(data)

    def write_text(self, text: str, encoding: str = "utf-8", errors: str = "strict") -> int:
        return self.write_bytes(text.encode(encoding, errors))

    def append_bytes(self, data) -> int:
        with self.fs.open_at(self._root, self._path, create=True, append=True, read=False,
                             rooted=True) as handle:
            return handle.write(data)

    def append_text(self, text: str, encoding: str = "utf-8") -> int:
        return self.append_bytes(text.encode(encoding))

    def open(self, mode: str = "r", encoding: str | None = None):
        """A Python file object over the MemFs file: modes r, w, a, x with optional b and +."""
        from .fileobj import open_memfile

        return open_memfile(self, mode, encoding)

    def touch(self, exist_ok: bool = True) -> None:
        """Make an empty file, or set the times of an existing one to now."""
        if self._probe() is not None:
            if not exist_ok:
                raise WasiError(Errno.EXIST, self._path)
            self.fs.set_times_at(self._root, self._path, NOW, NOW, rooted=True)
            return
        self.fs.open_at(self._root, self._path, create=True, write=True, rooted=True).close()

    def set_times(self, atime=None, mtime=None, *, follow_symlinks: bool = True) -> None:
        """Set times in ns since the epoch (``NOW`` for now, None to keep)."""
        self.fs.set_times_at(self._root, self._path, atime, mtime, follow=follow_symlinks, rooted=True)

    # -- making and removing ----------------------------------------------------------------

    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        """Make the directory; with ``parents`` its missing ancestors too (all or nothing)."""
        if not parents:
            try:
                self.fs.mkdir_at(self._root, self._path, rooted=True)
            except WasiError as e:
                if e.errno is Errno.EXIST and exist_ok and self.is_dir():
                    return
                if e.errno is Errno.NOENT and not self.parent.exists():
                    raise WasiError(Errno.NOENT, self._path,
                                    f"its parent {str(self.parent)!r} does not exist; pass parents=True") from None
                raise
            return
        missing: list[MemPath] = []
        here = self
        while True:
            inode = here._probe()
            if inode is not None:
                if inode.type is not FileType.DIRECTORY:
                    raise WasiError(Errno.NOTDIR if here != self else Errno.EXIST, str(here),
                                    None if here == self else "it is in the way of the directories to make")
                break
            missing.append(here)
            here = here.parent
        if not missing:
            if exist_ok:
                return
            raise WasiError(Errno.EXIST, self._path)
        for path in missing:
            check_name(path.name, str(path))
        self.fs._check_room(0, len(missing))
        for path in reversed(missing):
            self.fs.mkdir_at(self._root, path._path, rooted=True)

    def unlink(self, missing_ok: bool = False) -> None:
        try:
            self.fs.unlink_at(self._root, self._path, rooted=True)
        except WasiError as e:
            if not (missing_ok and e.errno is Errno.NOENT):
                raise

    def rmdir(self) -> None:
        self.fs.rmdir_at(self._root, self._path, rooted=True)

    def remove(self) -> None:
        """Remove a file, a link or an empty directory."""
        if self.is_dir() and not self.is_symlink():
            self.rmdir()
        else:
            self.unlink()

    def rmtree(self) -> None:
        """Remove a directory and everything under it."""
        inode = self._inode(follow=False)
        if inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, self._path, "rmtree takes a directory; use unlink for a file")
        if self._path == "/":
            raise WasiError(Errno.BUSY, self._path, "the root cannot be removed; remove what is in it")
        for here, dirs, files in self.walk(top_down=False):
            for name in files:
                (here / name).unlink()
            for name in dirs:
                (here / name).rmdir()
        self.rmdir()

    def rename(self, target) -> MemPath:
        """Move to ``target`` (replacing a file there, or an empty directory); returns it."""
        target = self._sibling(target)
        self.fs.rename_at(self._root, self._path, self._root, target._path, rooted=True)
        return target

    def symlink_to(self, target: str) -> None:
        self.fs.symlink_at(str(target), self._root, self._path, rooted=True)

    def hardlink_to(self, target) -> None:
        target = self._sibling(target)
        self.fs.link_at(self._root, target._path, self._root, self._path, rooted=True)

    def copy(self, target, *, overwrite: bool = False) -> MemPath:
        """Copy a file, a link (as a link) or a whole tree to ``target``; returns it.

        All or nothing: EXIST if ``target`` exists (a file may be replaced with ``overwrite``),
        NOSPC if the copy would not fit, checked before anything is written.
        """
        from .transfer import plan_from_memfs, apply_plan

        target = self._sibling(target)
        if target._path == self._path or target._path.startswith(self._path.rstrip("/") + "/"):
            raise WasiError(Errno.INVAL, str(target), "cannot copy a path into itself")
        plan = plan_from_memfs(self, "")
        apply_plan(self.fs, target, plan, overwrite=overwrite)
        return target

    def _sibling(self, other) -> MemPath:
        if isinstance(other, MemPath):
            if other.fs is not self.fs:
                raise WasiError(Errno.XDEV, str(other), "the paths are in two different MemFs")
            return other
        other = str(other)
        return MemPath(self.fs, other if other.startswith("/") else posixpath.join(self.parent._path, other))
