"""Path resolution, the WASI way: relative to a directory, and never outside it.

One function, :func:`resolve`, walks a path from a base directory and says which directory holds
its last component, what that name is, and what it names (if anything). Every path-taking
operation of MemFs goes through it, so the confinement rules live here alone:

- an absolute path, or an absolute symbolic-link target, is NOTCAPABLE;
- ``..`` that would climb above the base directory is NOTCAPABLE;
- more than :data:`MAX_SYMLINK_HOPS` links followed in one resolution is LOOP;
- a name longer than :data:`MAX_NAME_BYTES` bytes is NAMETOOLONG, a NUL byte is INVAL.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Errno, WasiError
from .inode import Directory, FileType, Inode

__all__ = ["Resolved", "resolve", "check_name", "split_absolute", "MAX_NAME_BYTES", "MAX_PATH_BYTES",
           "MAX_SYMLINK_HOPS"]

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
MAX_SYMLINK_HOPS = 40  # Linux's limit


class Resolved(NamedTuple):
    """Where a path leads.

    ``parent`` holds the last component ``name``; ``inode`` is what the name refers to, or None
    if nothing has that name yet. A path ending in ``.`` or ``..`` gives that name and the
    directory it means, whose parent is then of no use. ``slash`` is true when the path asked
    for a directory with a trailing ``/``.
    """

    parent: Directory
    name: str
    inode: Inode | None
    slash: bool

    @property
    def is_dots(self) -> bool:
        return self.name == "." or self.name == ".."


def check_name(name: str, path: str) -> None:
    """Raise INVAL for a name with NUL or ``/``, NAMETOOLONG past 255 bytes, INVAL for ``.``/``..``."""
    if "\0" in name:
        raise WasiError(Errno.INVAL, path, "a name cannot contain a NUL byte")
    if "/" in name:
        raise WasiError(Errno.INVAL, path, "a name cannot contain '/'")
    if name in ("", ".", ".."):
        raise WasiError(Errno.INVAL, path, f"{name!r} cannot be used as a name")
    if len(name) > MAX_NAME_BYTES // 4 and len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise WasiError(Errno.NAMETOOLONG, path, f"a name may have at most {MAX_NAME_BYTES} bytes")


def split_absolute(path: str) -> list[str]:
    """Components of a path from the MemFs root, for lookups that follow no links.

    ``/a/./b/`` gives ``["a", "b"]``; a ``..`` is INVAL here (it has no single meaning without
    following the tree).
    """
    parts = [p for p in str(path).split("/") if p and p != "."]
    if ".." in parts:
        raise WasiError(Errno.INVAL, str(path), "'..' is not allowed here")
    return parts


def resolve(
    base: Directory,
    path: str,
    *,
    follow: bool,
    slash_follows: bool = True,
    rooted: bool = False,
    check_last: bool = True,
) -> Resolved:
    """Walk ``path`` from ``base``.

    ``follow``: follow a symbolic link in the last component. ``slash_follows``: a trailing slash
    also makes the last link be followed (POSIX; ``mkdir`` and ``rename`` say no). ``rooted``:
    the path is from the MemFs root (the Python API), so a leading ``/`` is allowed.

    Raises WasiError: NOENT (empty path, a missing directory on the way), NOTDIR (a file on the
    way), NOTCAPABLE (escape), LOOP, NAMETOOLONG, INVAL (NUL byte). A missing last component is
    not an error: ``inode`` is None.
    """
    if not path:
        raise WasiError(Errno.NOENT, path, "the path is empty")
    if "\0" in path:
        raise WasiError(Errno.INVAL, path, "a path cannot contain a NUL byte")
    if len(path) > MAX_PATH_BYTES // 4 and len(path.encode("utf-8", "surrogatepass")) >= MAX_PATH_BYTES:
        raise WasiError(Errno.NAMETOOLONG, path, f"a path may have at most {MAX_PATH_BYTES - 1} bytes")
    rest = path
    if path[0] == "/":
        if not rooted:
            raise WasiError(Errno.NOTCAPABLE, path,
                            "absolute paths reach outside the directory; give a path relative to it")
        rest = path.lstrip("/") or "."
    stripped = rest.rstrip("/")
    slash = len(stripped) != len(rest)
    pending = stripped.split("/")
    pending.reverse()  # a stack: the next component is at the end

    chain = [base]  # directories from base to the current one: '..' pops, never past base
    hops = 0
    while True:
        name = pending.pop()
        last = not pending
        if name == "" or name == ".":
            if last:
                return Resolved(chain[-1], ".", chain[-1], slash)
            continue
        if name == "..":
            if len(chain) == 1:
                raise WasiError(Errno.NOTCAPABLE, path, "'..' would leave the directory the path is relative to")
            chain.pop()
            if last:
                return Resolved(chain[-1], "..", chain[-1], slash)
            continue
        if len(name) > MAX_NAME_BYTES // 4 and len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
            if last and not check_last:  # rename: NAMETOOLONG after its other checks
                return Resolved(chain[-1], name, None, slash)
            raise WasiError(Errno.NAMETOOLONG, path, f"a name may have at most {MAX_NAME_BYTES} bytes")
        here = chain[-1]
        child = here.entries.get(name)
        if child is None:
            if last:
                return Resolved(here, name, None, slash)
            raise WasiError(Errno.NOENT, path, f"{name!r} does not exist")
        kind = child.type
        if kind is FileType.SYMBOLIC_LINK and (not last or (slash_follows if slash else follow)):
            hops += 1
            if hops > MAX_SYMLINK_HOPS:
                raise WasiError(Errno.LOOP, path, f"more than {MAX_SYMLINK_HOPS} symbolic links")
            target = child.target  # type: ignore[attr-defined]
            if not target:
                raise WasiError(Errno.NOENT, path, f"the symbolic link {name!r} is empty")
            if target[0] == "/":
                raise WasiError(Errno.NOTCAPABLE, path,
                                f"the symbolic link {name!r} points to the absolute path {target!r}")
            if last and target.endswith("/"):
                slash = True
            more = target.rstrip("/").split("/") or ["."]
            more.reverse()
            pending.extend(more)
            continue
        if last:
            return Resolved(here, name, child, slash)
        if kind is FileType.DIRECTORY:
            chain.append(child)  # type: ignore[arg-type]
        else:
            raise WasiError(Errno.NOTDIR, path, f"{name!r} is not a directory")
