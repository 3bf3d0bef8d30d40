"""Moving trees in and out of a MemFs: host folders, tar archives, and copies inside one MemFs.

Every source is first read into a *plan*, a list of :class:`Entry` (directories before what they
hold), and every destination is written from one. Importing checks the whole plan (names,
conflicts, quota) before it writes anything, so a failed import leaves the MemFs as it was.
"""

from __future__ import annotations

import dataclasses
import io
import os
import posixpath
import shutil
import stat as st
import tarfile
from typing import TYPE_CHECKING, Sequence

from ..errors import Errno, WasiError
from .inode import FileType
from .path import check_name

if TYPE_CHECKING:
    from .fs import MemFs
    from .pathlike import MemPath

__all__ = ["Entry", "import_dir", "export_dir", "import_tar", "export_tar", "plan_from_memfs", "apply_plan",
           "reconcile", "sync_from_host", "sync_to_host"]

DIR, FILE, SYMLINK, HARDLINK = "dir", "file", "symlink", "hardlink"


@dataclasses.dataclass
class Entry:
    """One thing to make: ``rel`` is its path below the destination ("" is the destination).

    ``data`` for a file, ``target`` for a symlink (its text) or a hard link (the ``rel`` of an
    earlier entry), ``mtime`` in ns or None for "now".
    """

    rel: str
    kind: str
    data: bytes = b""
    target: str = ""
    mtime: int | None = None


# -- reading sources --------------------------------------------------------------------------

def plan_from_memfs(src: MemPath, prefix: str = "") -> list[Entry]:
    """The tree at ``src`` (not following links) as a plan; hard links within it are kept."""
    top = src._inode(follow=False)
    seen: dict[int, str] = {}
    plan: list[Entry] = []

    def add(rel: str, inode) -> None:
        kind = inode.type
        if kind is FileType.DIRECTORY:
            plan.append(Entry(rel, DIR, mtime=inode.mtime))
            for name, child in sorted(inode.entries.items()):  # the order host folders are read in
                add(posixpath.join(rel, name) if rel else name, child)
        elif kind is FileType.SYMBOLIC_LINK:
            plan.append(Entry(rel, SYMLINK, target=inode.target, mtime=inode.mtime))
        elif inode.nlink > 1 and inode.ino in seen:
            plan.append(Entry(rel, HARDLINK, target=seen[inode.ino]))
        else:
            seen[inode.ino] = rel
            plan.append(Entry(rel, FILE, data=inode.content(), mtime=inode.mtime))

    add(prefix, top)
    return plan


def _plan_from_host(host_dir) -> list[Entry]:
    root = os.fspath(host_dir)
    if not os.path.isdir(root):
        raise NotADirectoryError(f"not a folder on this machine: {root!r}")
    seen: dict[tuple[int, int], str] = {}
    plan: list[Entry] = [Entry("", DIR, mtime=os.stat(root).st_mtime_ns)]

    def visit(folder: str, rel: str) -> None:
        with os.scandir(folder) as it:
            items = sorted(it, key=lambda e: e.name)
        for item in items:
            sub = posixpath.join(rel, item.name) if rel else item.name
            info = item.stat(follow_symlinks=False)
            if st.S_ISLNK(info.st_mode):
                plan.append(Entry(sub, SYMLINK, target=os.readlink(item.path), mtime=info.st_mtime_ns))
            elif st.S_ISDIR(info.st_mode):
                plan.append(Entry(sub, DIR, mtime=info.st_mtime_ns))
                visit(item.path, sub)
            elif st.S_ISREG(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if info.st_nlink > 1 and key in seen:
                    plan.append(Entry(sub, HARDLINK, target=seen[key]))
                else:
                    seen[key] = sub
                    with open(item.path, "rb") as f:
                        plan.append(Entry(sub, FILE, data=f.read(), mtime=info.st_mtime_ns))
            else:
                raise WasiError(Errno.NOTSUP, item.path,
                                "only files, folders and symbolic links can be imported; remove it or pick another folder")

    visit(root, "")
    return plan


def _member_rel(name: str) -> str:
    parts = [p for p in name.split("/") if p and p != "."]
    if name.startswith("/") or ".." in parts:
        raise WasiError(Errno.NOTCAPABLE, name, "the archive member would land outside the destination")
    return "/".join(parts)


def _plan_from_tar(archive) -> list[Entry]:
    if isinstance(archive, (bytes, bytearray, memoryview)):
        opened = tarfile.open(fileobj=io.BytesIO(bytes(archive)), mode="r:*")
    elif hasattr(archive, "read"):
        opened = tarfile.open(fileobj=archive, mode="r:*")
    else:
        opened = tarfile.open(os.fspath(archive), mode="r:*")
    plan: list[Entry] = [Entry("", DIR)]
    made: set[str] = {""}
    with opened as tar:
        for member in tar:
            rel = _member_rel(member.name)
            if rel == "":
                continue
            parent = posixpath.dirname(rel)
            missing = []
            while parent not in made:
                missing.append(parent)
                parent = posixpath.dirname(parent)
            for folder in reversed(missing):  # members may come without their folders
                plan.append(Entry(folder, DIR))
                made.add(folder)
            mtime = int(member.mtime * 1_000_000_000)
            if member.isdir():
                if rel not in made:
                    plan.append(Entry(rel, DIR, mtime=mtime))
                    made.add(rel)
            elif member.issym():
                plan.append(Entry(rel, SYMLINK, target=member.linkname, mtime=mtime))
            elif member.islnk():
                plan.append(Entry(rel, HARDLINK, target=_member_rel(member.linkname)))
            elif member.isfile():
                extracted = tar.extractfile(member)
                plan.append(Entry(rel, FILE, data=extracted.read() if extracted else b"", mtime=mtime))
            else:
                raise WasiError(Errno.NOTSUP, member.name,
                                "only files, folders and links can be imported from an archive")
    return plan


# -- writing destinations ---------------------------------------------------------------------

def apply_plan(fs: MemFs, dest: MemPath, plan: list[Entry], *, overwrite: bool = False) -> int:
    """Make ``plan`` under ``dest``, after checking all of it. Returns the entries made.

    Raises EXIST (a path is taken and ``overwrite`` does not allow replacing it), NOTDIR /
    NOENT (the destination's parent is missing or not a folder), NOSPC, and name errors, all
    before the first change.
    """
    paths = {e.rel: (dest / e.rel if e.rel else dest) for e in plan}
    files: dict[str, int] = {}
    grow = 0
    new_inodes = 0
    parent = dest.parent
    if not parent.is_dir():
        raise WasiError(Errno.NOENT if not parent.exists() else Errno.NOTDIR, str(parent),
                        "the destination's parent must be an existing folder")
    for entry in plan:
        path = paths[entry.rel]
        for name in entry.rel.split("/") if entry.rel else ():
            check_name(name, str(path))
        if entry.kind == HARDLINK and entry.target not in files:
            raise WasiError(Errno.INVAL, str(path), f"hard link to {entry.target!r}, which is not a file before it")
        existing = path._probe(follow=False)
        if existing is not None:
            same_dirs = entry.kind == DIR and existing.type is FileType.DIRECTORY
            replaceable = overwrite and entry.kind != DIR and existing.type is not FileType.DIRECTORY
            if not (same_dirs or replaceable):
                raise WasiError(Errno.EXIST, str(path),
                                "pass overwrite=True to replace files" if entry.kind != DIR else None)
            if replaceable:
                grow -= existing.size if existing.nlink == 1 else 0
        if entry.kind == FILE:
            files[entry.rel] = len(entry.data)
            grow += len(entry.data)
        elif entry.kind == SYMLINK:
            grow += len(entry.target.encode("utf-8", "surrogatepass"))
        if entry.kind != HARDLINK and not (existing is not None and existing.type is FileType.DIRECTORY):
            new_inodes += 1
    fs._check_room(grow, new_inodes)

    dir_times = []
    for entry in plan:
        path = paths[entry.rel]
        if entry.kind == DIR:
            if not path.is_dir():
                path.mkdir()
            if entry.mtime is not None:
                dir_times.append((path, entry.mtime))
            continue
        if path.exists(follow_symlinks=False):
            path.unlink()
        if entry.kind == FILE:
            path.write_bytes(entry.data)
        elif entry.kind == SYMLINK:
            path.symlink_to(entry.target)
        else:
            path.hardlink_to(paths[entry.target])
            continue
        if entry.mtime is not None:
            path.set_times(entry.mtime, entry.mtime, follow_symlinks=False)
    for path, mtime in reversed(dir_times):  # after their contents, which move a folder's mtime
        path.set_times(mtime, mtime)
    return len(plan)


def import_dir(fs: MemFs, host_dir, dest: str = "/", *, overwrite: bool = False) -> int:
    """Copy the host folder ``host_dir`` into the MemFs folder ``dest`` (made if missing, merged
    if it exists). Files, folders, symbolic links (as links) and hard links are kept, with their
    modification times. Returns the number of entries."""
    return apply_plan(fs, fs.path(dest), _plan_from_host(host_dir), overwrite=overwrite)


def import_tar(fs: MemFs, archive, dest: str = "/", *, overwrite: bool = False) -> int:
    """Unpack a tar archive (path, bytes or binary file object; any compression tarfile reads)
    into ``dest``. Members that would land outside ``dest`` are NOTCAPABLE."""
    return apply_plan(fs, fs.path(dest), _plan_from_tar(archive), overwrite=overwrite)


def export_dir(fs: MemFs, src: str, host_dir) -> int:
    """Write the MemFs tree at ``src`` into the host folder ``host_dir`` (made if missing).

    Existing host files of the same names are replaced; others are left alone. Hard links are
    made as hard links, symbolic links as links (their text as is). Returns the entries written.
    """
    root = os.fspath(host_dir)
    plan = plan_from_memfs(fs.path(src))
    if plan and plan[0].kind != DIR:
        raise WasiError(Errno.NOTDIR, src, "export_dir takes a folder; read a single file with read_bytes")
    os.makedirs(root, exist_ok=True)
    _write_to_host(root, plan)
    return len(plan)


def _host_path(root: str, rel: str) -> str:
    return os.path.join(root, *rel.split("/")) if rel else root


def _write_to_host(root: str, entries: list[Entry], touched: Sequence[Entry] = ()) -> None:
    """Make ``entries`` (parents first) under the host folder ``root``, replacing a file or link
    in the way; then set the times of the folders and of ``touched``, deepest first (writing
    into a folder moves its time)."""
    folders = []
    for entry in entries:
        target = _host_path(root, entry.rel)
        if entry.kind == DIR:
            os.makedirs(target, exist_ok=True)
            folders.append(entry)
            continue
        if os.path.islink(target) or (os.path.lexists(target) and not os.path.isdir(target)):
            os.unlink(target)
        if entry.kind == FILE:
            with open(target, "wb") as f:
                f.write(entry.data)
        elif entry.kind == SYMLINK:
            os.symlink(entry.target, target)
        else:
            os.link(_host_path(root, entry.target), target)
            continue
        if entry.mtime is not None:
            os.utime(target, ns=(entry.mtime, entry.mtime), follow_symlinks=False)
    for entry in sorted([*touched, *folders], key=lambda e: e.rel.count("/"), reverse=True):
        if entry.mtime is not None:
            os.utime(_host_path(root, entry.rel), ns=(entry.mtime, entry.mtime), follow_symlinks=False)


def export_tar(fs: MemFs, src: str, archive=None):
    """Pack the MemFs tree at ``src`` into a tar archive written to ``archive`` (a path or a
    binary file object), or returned as bytes when ``archive`` is None. Member names are
    relative to ``src``."""
    buffer = io.BytesIO() if archive is None else None
    target = buffer if buffer is not None else archive
    if hasattr(target, "write"):
        tar = tarfile.open(fileobj=target, mode="w")
    else:
        tar = tarfile.open(os.fspath(target), mode="w")
    with tar:
        for entry in plan_from_memfs(fs.path(src)):
            info = tarfile.TarInfo(entry.rel or ".")
            info.mtime = (entry.mtime or 0) / 1_000_000_000
            data = None
            if entry.kind == DIR:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif entry.kind == SYMLINK:
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, entry.target, 0o777
            elif entry.kind == HARDLINK:
                info.type, info.linkname, info.mode = tarfile.LNKTYPE, entry.target, 0o644
            else:
                info.size, info.mode, data = len(entry.data), 0o644, io.BytesIO(entry.data)
            tar.addfile(info, data)
    return buffer.getvalue() if buffer is not None else None


# -- keeping a MemFs folder and a host folder alike -------------------------------------------

def _same(a: Entry, b: Entry) -> bool:
    return a.kind == b.kind and a.data == b.data and a.target == b.target


def reconcile(source: list[Entry], target: list[Entry]) -> tuple[list[str], list[Entry], list[Entry]]:
    """What makes ``target`` equal to ``source``: (paths to remove, deepest first; entries to
    write, parents first; entries whose content is equal but whose mtime differs)."""
    have = {e.rel: e for e in target}
    want = {e.rel: e for e in source}
    remove = [rel for rel, e in have.items() if rel not in want or not (
        want[rel].kind == e.kind or (want[rel].kind in (FILE, HARDLINK) and e.kind in (FILE, HARDLINK)))]
    removed = set(remove)
    remove = [rel for rel in remove if posixpath.dirname(rel) not in removed]
    remove.sort(key=lambda rel: rel.count("/"), reverse=True)
    write: list[Entry] = []
    touch: list[Entry] = []
    for rel, entry in want.items():
        old = have.get(rel)
        gone = old is None or rel in removed or any(rel.startswith(r + "/") for r in removed if r)
        if gone or (entry.kind != DIR and not _same(entry, old)):
            write.append(entry)
        elif entry.mtime is not None and entry.mtime != old.mtime and entry.kind != HARDLINK:
            touch.append(entry)
    return remove, write, touch


def sync_from_host(fs: MemFs, host_dir, dest: str) -> None:
    """Make the MemFs folder ``dest`` hold what the host folder holds, changing only what
    differs: a file whose bytes changed is rewritten in place (so a diff calls it modified)."""
    top = fs.path(dest)
    remove, write, touch = reconcile(_plan_from_host(host_dir), plan_from_memfs(top))
    for rel in remove:
        path = top / rel
        if path.is_dir() and not path.is_symlink():
            path.rmtree()
        else:
            path.unlink()
    dir_times = []
    for entry in write:
        path = top / entry.rel if entry.rel else top
        if entry.kind == DIR:
            path.mkdir(exist_ok=True)
            dir_times.append(entry)
            continue
        if entry.kind == FILE and path.is_file() and not path.is_symlink() and path.stat().nlink == 1:
            with fs.open_at(fs.root_dir, str(path), write=True, truncate=True, rooted=True) as handle:
                handle.write(entry.data)
        else:
            path.unlink(missing_ok=True)
            if entry.kind == FILE:
                path.write_bytes(entry.data)
            elif entry.kind == SYMLINK:
                path.symlink_to(entry.target)
            else:
                path.hardlink_to(top / entry.target)
                continue
        path.set_times(entry.mtime, entry.mtime, follow_symlinks=False)
    for entry in touch + dir_times:  # after every write, which moves the times of folders
        if entry.mtime is not None:
            path = top / entry.rel if entry.rel else top
            path.set_times(entry.mtime, entry.mtime, follow_symlinks=False)


def sync_to_host(fs: MemFs, src: str, host_dir) -> int:
    """Make the host folder hold what the MemFs folder ``src`` holds (the write-back of a run):
    remove what is gone, write what is new or changed, keep what is equal. Returns the number
    of paths changed on the host."""
    root = os.fspath(host_dir)
    remove, write, touch = reconcile(plan_from_memfs(fs.path(src)), _plan_from_host(root))

    for rel in remove:
        target = _host_path(root, rel)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            os.unlink(target)
    _write_to_host(root, write, touch)
    return len(remove) + len(write) + len(touch)
