"""MemFs: an inode filesystem in memory, the one a WASI host serves preview1 and preview2 from.

Two faces:

- the host face, ``*_at`` operations taking a base directory and a relative path the way WASI
  does, and :class:`~wasi_notebook.memfs.handle.Handle` for open files;
- the person's face, :meth:`MemFs.path` / :attr:`MemFs.root`, pathlib-like
  (:mod:`wasi_notebook.memfs.pathlike`), plus import and export of host folders and tar archives.

Errors are :class:`~wasi_notebook.errors.WasiError` carrying the errno a guest should see. Every
operation checks everything it can before it changes anything, so a failed call leaves the tree
as it was.
"""

from __future__ import annotations

import itertools
import time
from typing import Callable

from ..errors import Errno, WasiError
from .handle import Handle
from .inode import NOW, Directory, File, FileType, Inode, Stat, Symlink
from .journal import Journal, Snapshot
from .path import MAX_PATH_BYTES, Resolved, check_name, resolve

__all__ = ["MemFs", "NOW", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_INODES"]

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB of file content
DEFAULT_MAX_INODES = 1_000_000

_devices = itertools.count(0x3E3F5)


class MemFs:
    """An in-memory filesystem.

    ``clock`` gives the time in ns for timestamps (``time.time_ns`` by default; pass a virtual
    clock for deterministic runs). ``max_bytes`` caps file content and symlink targets,
    ``max_inodes`` the number of files, directories and links; past either a guest sees NOSPC.
    None lifts a limit.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], int] = time.time_ns,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        max_inodes: int | None = DEFAULT_MAX_INODES,
    ) -> None:
        self.clock = clock
        self.max_bytes = max_bytes
        self.max_inodes = max_inodes
        self.dev = next(_devices)
        self.used_bytes = 0
        self.used_inodes = 0
        self._next_ino = itertools.count(1)
        self._journal = Journal()
        self._root = self._new(Directory)
        self._journal.root = self._root

    def __repr__(self) -> str:
        return f"<MemFs {self.used_inodes} inodes, {self.used_bytes} bytes>"

    # -- the person's face -------------------------------------------------------------------

    @property
    def root(self):
        """The root directory as a :class:`~wasi_notebook.memfs.pathlike.MemPath`."""
        return self.path("/")

    def path(self, path: str = "/"):
        """A pathlib-like view of ``path`` (absolute, from the MemFs root)."""
        from .pathlike import MemPath

        return MemPath(self, path)

    @property
    def root_dir(self) -> Directory:
        """The root directory inode, the base a host preopens."""
        return self._root

    def snapshot(self) -> Snapshot:
        """The tree as it is now, kept cheaply (copy-on-write); ``.diff()`` compares it with later."""
        return Snapshot(self)

    def import_dir(self, host_dir, dest: str = "/", *, overwrite: bool = False) -> int:
        """Copy a host folder into ``dest`` (see :func:`~wasi_notebook.memfs.transfer.import_dir`)."""
        from .transfer import import_dir

        return import_dir(self, host_dir, dest, overwrite=overwrite)

    def export_dir(self, host_dir, src: str = "/") -> int:
        """Write the tree under ``src`` into a host folder (see :mod:`~wasi_notebook.memfs.transfer`)."""
        from .transfer import export_dir

        return export_dir(self, src, host_dir)

    def import_tar(self, archive, dest: str = "/", *, overwrite: bool = False) -> int:
        """Unpack a tar archive (path, bytes or file object) into ``dest``."""
        from .transfer import import_tar

        return import_tar(self, archive, dest, overwrite=overwrite)

    def export_tar(self, archive=None, src: str = "/"):
        """Pack the tree under ``src`` as a tar archive: into ``archive`` (path or file object),
        or returned as bytes when ``archive`` is None."""
        from .transfer import export_tar

        return export_tar(self, src, archive)

    def copy(self) -> MemFs:
        """An independent MemFs holding the same tree: files, folders, symbolic and hard links,
        modification times, with the same limits and clock. What one run does to the copy
        leaves this one as it is (e.g. to run a second guest from the same starting point)."""
        from .transfer import apply_plan, plan_from_memfs

        twin = MemFs(clock=self.clock, max_bytes=self.max_bytes, max_inodes=self.max_inodes)
        apply_plan(twin, twin.root, plan_from_memfs(self.root))
        return twin

    # -- inodes and quota --------------------------------------------------------------------

    def _new(self, kind: type, *args) -> Inode:
        self._check_room(0, 1)
        inode = kind(self._journal, next(self._next_ino), self.clock(), *args)
        self.used_inodes += 1
        return inode

    def _check_room(self, grow: int, inodes: int = 0) -> None:
        """NOSPC unless ``grow`` more bytes and ``inodes`` more inodes fit."""
        if grow > 0 and self.max_bytes is not None and self.used_bytes + grow > self.max_bytes:
            raise WasiError(Errno.NOSPC, None, f"the MemFs holds its limit of {self.max_bytes} bytes")
        if inodes > 0 and self.max_inodes is not None and self.used_inodes + inodes > self.max_inodes:
            raise WasiError(Errno.NOSPC, None, f"the MemFs holds its limit of {self.max_inodes} inodes")

    def _charge(self, grow: int) -> None:
        self._check_room(grow)
        self.used_bytes += grow

    def _write(self, inode: File, offset: int, chunk) -> int:
        grow = offset + len(chunk) - len(inode.data)
        if grow > 0 and self.max_bytes is not None:
            room = self.max_bytes - self.used_bytes
            if grow > room:  # write what fits, as a full disk does; NOSPC when nothing does
                fits = len(chunk) - (grow - room)
                if fits <= 0:
                    raise WasiError(Errno.NOSPC, None, f"the MemFs holds its limit of {self.max_bytes} bytes")
                chunk = memoryview(chunk)[:fits]
                grow = room
        if chunk:
            inode.write_at(offset, chunk, self.clock())
            if grow > 0:
                self.used_bytes += grow
        return len(chunk)

    def _resize(self, inode: File, size: int) -> None:
        old = len(inode.data)
        if size > old:
            self._check_room(size - old)
        inode.resize(size, self.clock())
        self.used_bytes += size - old

    def _forget_if_unused(self, inode: Inode) -> None:
        """Give back the quota of an inode nothing names or holds open any more."""
        if not inode.links and inode.opens == 0 and inode is not self._root:
            self.used_inodes -= 1
            if inode.type is not FileType.DIRECTORY:
                self.used_bytes -= inode.size

    def _unlink(self, parent: Directory, name: str) -> None:
        inode = parent.detach(name, self.clock())
        self._forget_if_unused(inode)

    @staticmethod
    def _require_live(parent: Directory, path: str) -> None:
        if parent.nlink == 0:
            raise WasiError(Errno.NOENT, path, "the directory has been removed")

    # -- the host face: path operations ------------------------------------------------------

    def lookup(self, base: Directory, path: str, *, follow: bool = True, rooted: bool = False) -> Inode:
        """The inode ``path`` names. NOENT if nothing, NOTDIR for ``file/``."""
        r = resolve(base, path, follow=follow, rooted=rooted)
        if r.inode is None:
            raise WasiError(Errno.NOENT, path)
        if r.slash and r.inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, path, "a trailing '/' names a directory")
        return r.inode

    def stat_at(self, base: Directory, path: str, *, follow: bool = True, rooted: bool = False) -> Stat:
        return self.lookup(base, path, follow=follow, rooted=rooted).stat(self.dev)

    def open_at(
        self,
        base: Directory,
        path: str,
        *,
        follow: bool = True,
        create: bool = False,
        exclusive: bool = False,
        truncate: bool = False,
        directory: bool = False,
        read: bool = True,
        write: bool = False,
        append: bool = False,
        rooted: bool = False,
    ) -> Handle:
        """Open (and with ``create``, make) a file or directory, as POSIX ``openat`` does.

        Raises NOENT, EXIST (``exclusive`` and it exists), ISDIR (writing or ``create`` on a
        directory, creating ``name/``), NOTDIR (``directory`` on a non-directory), LOOP (a symlink and not
        ``follow``), INVAL (``create`` with ``directory``), NOSPC.
        """
        if create and directory:
            raise WasiError(Errno.INVAL, path, "cannot create and require a directory at once")
        # With create, a trailing '/' (of the path, or of the target of the last link) is ISDIR
        # before the last name is looked up, as on Linux: slash_follows=False stops there.
        r = resolve(base, path, follow=follow and not (create and exclusive), slash_follows=not create,
                    rooted=rooted)
        if create and r.slash and not r.is_dots:
            raise WasiError(Errno.ISDIR, path, "a trailing '/' names a directory; files cannot be made so")
        inode = r.inode
        if inode is None:
            if not create:
                raise WasiError(Errno.NOENT, path)
            self._require_live(r.parent, path)
            check_name(r.name, path)
            inode = self._new(File)
            r.parent.attach(r.name, inode, inode.ctime)
        else:
            if create and exclusive:
                raise WasiError(Errno.EXIST, path)
            kind = inode.type
            if create and kind is FileType.DIRECTORY:
                raise WasiError(Errno.ISDIR, path, "create opens files; this is a directory")
            if kind is FileType.SYMBOLIC_LINK:
                raise WasiError(Errno.LOOP, path, "the last component is a symbolic link and links are not followed")
            if kind is FileType.DIRECTORY:
                if write or append or truncate:
                    raise WasiError(Errno.ISDIR, path, "a directory cannot be opened for writing")
            elif directory or r.slash:
                raise WasiError(Errno.NOTDIR, path)
            elif truncate and inode.size:
                self._resize(inode, 0)  # type: ignore[arg-type]
        return Handle(self, inode, read=read, write=write, append=append)

    def mkdir_at(self, base: Directory, path: str, *, rooted: bool = False) -> Directory:
        """Make a directory. EXIST if the name is taken (by anything, a dangling link too)."""
        r = resolve(base, path, follow=False, slash_follows=False, rooted=rooted)
        if r.inode is not None:
            raise WasiError(Errno.EXIST, path)
        self._require_live(r.parent, path)
        check_name(r.name, path)
        directory = self._new(Directory)
        r.parent.attach(r.name, directory, directory.ctime)
        return directory  # type: ignore[return-value]

    def _existing(self, base: Directory, path: str, rooted: bool, *, slash_follows: bool = True) -> Resolved:
        r = resolve(base, path, follow=False, slash_follows=slash_follows, rooted=rooted)
        if r.inode is None:
            raise WasiError(Errno.NOENT, path)
        return r

    def rmdir_at(self, base: Directory, path: str, *, rooted: bool = False) -> None:
        """Remove an empty directory. NOTDIR, NOTEMPTY, INVAL for ``.``, BUSY for the base."""
        r = self._existing(base, path, rooted, slash_follows=False)
        if r.name == ".":
            raise WasiError(Errno.INVAL, path, "'.' cannot be removed; name the directory from its parent")
        if r.name == "..":
            raise WasiError(Errno.NOTEMPTY, path)
        inode = r.inode
        if inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, path)
        if inode.entries:  # type: ignore[union-attr]
            raise WasiError(Errno.NOTEMPTY, path)
        self._unlink(r.parent, r.name)

    def unlink_at(self, base: Directory, path: str, *, rooted: bool = False) -> None:
        """Remove a name of a file or link. ISDIR for a directory, NOTDIR for ``file/``."""
        r = self._existing(base, path, rooted, slash_follows=False)
        kind = r.inode.type
        if r.is_dots or kind is FileType.DIRECTORY:
            raise WasiError(Errno.ISDIR, path, "use rmdir for a directory")
        if r.slash:
            raise WasiError(Errno.NOTDIR, path, "a trailing '/' names a directory")
        self._unlink(r.parent, r.name)

    def rename_at(self, base: Directory, path: str, new_base: Directory, new_path: str, *,
                  rooted: bool = False) -> None:
        """Rename, replacing what ``new_path`` names as POSIX ``rename`` does.

        Raises NOENT, ISDIR (a file over a directory), NOTDIR (a directory over a file),
        NOTEMPTY (over a non-empty directory), INVAL (a directory into its own subtree), BUSY
        (``.`` or ``..``).
        """
        # Linux's order: both parents, then '.'/'..', then the names, then a directory into
        # itself (INVAL) or onto an ancestor of the source (NOTEMPTY), then the kinds.
        src = resolve(base, path, follow=False, slash_follows=False, rooted=rooted, check_last=False)
        dst = resolve(new_base, new_path, follow=False, slash_follows=False, rooted=rooted, check_last=False)
        if src.is_dots or dst.is_dots:
            raise WasiError(Errno.BUSY, path if src.is_dots else new_path, "'.' and '..' cannot be renamed")
        check_name(src.name, path)
        if src.inode is None:
            raise WasiError(Errno.NOENT, path)
        self._require_live(dst.parent, new_path)
        check_name(dst.name, new_path)
        inode = src.inode
        is_dir = inode.type is FileType.DIRECTORY
        if not is_dir and (src.slash or dst.slash):
            raise WasiError(Errno.NOTDIR, path if src.slash else new_path, "a trailing '/' names a directory")
        target = dst.inode
        if src.parent is not dst.parent:
            if _within(dst.parent, inode):
                raise WasiError(Errno.INVAL, new_path, "a directory cannot move into itself")
            if target is not None and _within(src.parent, target):
                raise WasiError(Errno.NOTEMPTY, new_path)
        if target is inode:
            return  # two names of one inode: POSIX says do nothing
        if target is not None:
            if is_dir:
                if target.type is not FileType.DIRECTORY:
                    raise WasiError(Errno.NOTDIR, new_path)
                if target.entries:  # type: ignore[union-attr]
                    raise WasiError(Errno.NOTEMPTY, new_path)
            elif target.type is FileType.DIRECTORY:
                raise WasiError(Errno.ISDIR, new_path)
        now = self.clock()
        if target is not None:
            self._unlink(dst.parent, dst.name)
        src.parent.detach(src.name, now)
        dst.parent.attach(dst.name, inode, now)

    def link_at(self, base: Directory, path: str, new_base: Directory, new_path: str, *,
                follow: bool = False, rooted: bool = False) -> None:
        """Add a hard link. PERM for a directory, EXIST if the new name is taken."""
        src = resolve(base, path, follow=follow, rooted=rooted)
        if src.inode is None:
            raise WasiError(Errno.NOENT, path)
        if src.slash and src.inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, path)
        dst = resolve(new_base, new_path, follow=False, slash_follows=False, rooted=rooted)
        if dst.inode is not None:
            raise WasiError(Errno.EXIST, new_path)
        if dst.slash:
            raise WasiError(Errno.NOENT, new_path, "a trailing '/' names a directory")
        self._require_live(dst.parent, new_path)
        check_name(dst.name, new_path)
        if src.inode.type is FileType.DIRECTORY:
            raise WasiError(Errno.PERM, path, "directories cannot have hard links")
        dst.parent.attach(dst.name, src.inode, self.clock())

    def symlink_at(self, target: str, base: Directory, path: str, *, rooted: bool = False,
                   relative_only: bool = False) -> Symlink:
        """Make a symbolic link to ``target`` (stored as given; confinement applies when followed).
        ``relative_only`` (a guest's call): NOTCAPABLE for an absolute target."""
        if relative_only and target.startswith("/"):
            # Following it would be NOTCAPABLE anyway; refusing it here keeps such links out of
            # folders that are written back to the host.
            raise WasiError(Errno.NOTCAPABLE, target, "a symbolic link cannot point to an absolute path")
        if not target:
            raise WasiError(Errno.NOENT, path, "a symbolic link needs a target")
        if "\0" in target:
            raise WasiError(Errno.INVAL, path, "a link target cannot contain a NUL byte")
        if len(target) >= MAX_PATH_BYTES // 4 and len(target.encode("utf-8", "surrogatepass")) >= MAX_PATH_BYTES:
            raise WasiError(Errno.NAMETOOLONG, path, f"a link target may have at most {MAX_PATH_BYTES - 1} bytes")
        dst = resolve(base, path, follow=False, slash_follows=False, rooted=rooted)
        if dst.inode is not None:
            raise WasiError(Errno.EXIST, path)
        if dst.slash:
            raise WasiError(Errno.NOENT, path, "a trailing '/' names a directory")
        self._require_live(dst.parent, path)
        check_name(dst.name, path)
        self._charge(len(target.encode("utf-8", "surrogatepass")))
        try:
            link = self._new(Symlink, target)
        except WasiError:
            self.used_bytes -= len(target.encode("utf-8", "surrogatepass"))
            raise
        dst.parent.attach(dst.name, link, link.ctime)
        return link  # type: ignore[return-value]

    def readlink_at(self, base: Directory, path: str, *, rooted: bool = False, relative_only: bool = False) -> str:
        """The target of a symbolic link. INVAL if it is not one; ``link/`` names what the link
        points to (NOTDIR unless that is a directory, then INVAL), as on Linux.
        ``relative_only`` (a guest's call): NOTCAPABLE for an absolute target."""
        r = self._existing(base, path, rooted)
        if r.slash and r.inode.type is not FileType.DIRECTORY:
            raise WasiError(Errno.NOTDIR, path, "a trailing '/' names a directory")
        if r.inode.type is not FileType.SYMBOLIC_LINK:
            raise WasiError(Errno.INVAL, path, "not a symbolic link")
        target = r.inode.target  # type: ignore[union-attr]
        if relative_only and target.startswith("/"):
            # Only a link imported from a host folder can hold an absolute target (guests cannot
            # make one): it names a host path, which the guest is not to learn. wasmtime refuses
            # these too.
            raise WasiError(Errno.NOTCAPABLE, path, "the link's target is an absolute path outside the sandbox")
        return target

    def set_times_at(self, base: Directory, path: str, atime=None, mtime=None, *, follow: bool = True,
                     rooted: bool = False) -> None:
        """Set access and modification times: ns, :data:`NOW`, or None to leave one alone."""
        self.lookup(base, path, follow=follow, rooted=rooted).set_times(atime, mtime, self.clock())


def _within(directory: Directory, ancestor: Inode) -> bool:
    """Whether ``ancestor`` is ``directory`` or one of the folders above it."""
    while True:
        if directory is ancestor:
            return True
        if directory.parent is directory:
            return False
        directory = directory.parent
