"""What changed between a snapshot and now, path by path.

The journal knows which inodes changed; this module turns that into changes a person reads:

- ``created``: a path that names something new (a new file, directory, link, or a new hard link);
- ``deleted``: a path that no longer names what it did;
- ``modified``: a path whose content changed (file bytes, link target), or that now names a new
  inode of the same kind (a file replaced by a rename over it reads as modified, not as a delete
  and a create);
- ``metadata``: same content, other times (``touch``);
- ``moved``: an inode that left one path for another (``old_path`` -> ``path``).

Directories are reported when created, deleted or moved; entries coming and going are told by
the entries themselves. Access times are not compared.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Iterator

from .inode import Directory, File, FileType, Inode, Stat

if TYPE_CHECKING:
    from .journal import Snapshot

__all__ = ["Change", "Diff", "compute_diff", "CREATED", "DELETED", "MODIFIED", "METADATA", "MOVED"]

CREATED, DELETED, MODIFIED, METADATA, MOVED = "created", "deleted", "modified", "metadata", "moved"
_MARKS = {CREATED: "+", DELETED: "-", MODIFIED: "~", METADATA: "*", MOVED: ">"}


@dataclasses.dataclass(frozen=True)
class Change:
    kind: str
    path: str
    before: Stat | None = None
    after: Stat | None = None
    old_path: str | None = None  # for "moved"

    def __str__(self) -> str:
        mark = _MARKS[self.kind]
        if self.kind == MOVED:
            return f"{mark} {self.old_path} -> {self.path}"
        stat = self.after or self.before
        what = "/" if stat and stat.type is FileType.DIRECTORY else ""
        sizes = ""
        if self.kind == MODIFIED and self.before and self.after and stat.type is FileType.REGULAR_FILE:
            sizes = f" ({self.before.size} -> {self.after.size} bytes)"
        elif self.kind == CREATED and stat and stat.type is FileType.REGULAR_FILE:
            sizes = f" ({stat.size} bytes)"
        return f"{mark} {self.path}{what}{sizes}"

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "path": self.path}
        if self.old_path is not None:
            out["old_path"] = self.old_path
        for label, stat in (("before", self.before), ("after", self.after)):
            if stat is not None:
                out[label] = {"type": stat.type.value, "ino": stat.ino, "size": stat.size,
                              "nlink": stat.nlink, "mtime": stat.mtime}
        return out


class Diff:
    """The changes since a snapshot, sorted by path. ``diff.snapshot`` reads what paths held."""

    def __init__(self, snapshot: Snapshot, changes: list[Change]) -> None:
        self.snapshot = snapshot
        self.changes = changes

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def _of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def created(self) -> list[Change]:
        return self._of(CREATED)

    @property
    def deleted(self) -> list[Change]:
        return self._of(DELETED)

    @property
    def modified(self) -> list[Change]:
        return self._of(MODIFIED)

    @property
    def metadata(self) -> list[Change]:
        return self._of(METADATA)

    @property
    def moved(self) -> list[Change]:
        return self._of(MOVED)

    def by_path(self) -> dict[str, Change]:
        """The change at each path (for moves, at the new path)."""
        return {c.path: c for c in self.changes}

    def summary(self) -> str:
        counts = [f"{len(self._of(k))} {k}" for k in (CREATED, MODIFIED, DELETED, MOVED, METADATA) if self._of(k)]
        return ", ".join(counts) if counts else "no changes"

    def __str__(self) -> str:
        return "\n".join(str(c) for c in self.changes) if self.changes else "(no changes)"

    def __repr__(self) -> str:
        return f"<Diff {self.summary()}>"

    def to_list(self) -> list[dict]:
        return [c.to_dict() for c in self.changes]


def compute_diff(snapshot: Snapshot) -> Diff:
    fs = snapshot._fs
    dev = fs.dev
    root = fs.root_dir
    old_dirs: dict[Inode, str | None] = {}
    new_dirs: dict[Inode, str | None] = {}

    def dir_path(directory: Inode, then: bool) -> str | None:
        memo = old_dirs if then else new_dirs
        if directory in memo:
            return memo[directory]
        state = snapshot.state(directory) if then else directory
        if directory is root:
            path: str | None = "/"
        elif state is None or not state.links:  # type: ignore[attr-defined]
            path = None  # did not exist then, or not reachable
        else:
            parent, name = state.links[0]  # type: ignore[attr-defined]
            base = dir_path(parent, then)
            path = None if base is None else _join(base, name)
        memo[directory] = path
        return path

    def paths(links, then: bool) -> list[str]:
        found = []
        for parent, name in links:
            base = dir_path(parent, then)
            if base is not None:
                found.append(_join(base, name))
        return sorted(found)

    deleted: dict[str, Change] = {}
    created: dict[str, Change] = {}
    others: list[Change] = []
    for inode, record in fs._journal.changes_since(snapshot._log).items():
        if inode is root:
            continue
        # Compare names as (directory, name) pairs: an inode whose folder moved has not moved.
        links_before = set(record.links) if record is not None else set()
        links_after = set(inode.links)
        after_paths = paths(links_after, False)
        before = record.stat(dev) if record is not None else None
        after = inode.stat(dev) if after_paths else None
        gone = paths(links_before - links_after, True)
        new = paths(links_after - links_before, False)
        while gone and new:
            others.append(Change(MOVED, new.pop(0), before, after, old_path=gone.pop(0)))
        for path in gone:
            deleted[path] = Change(DELETED, path, before, None)
        for path in new:
            created[path] = Change(CREATED, path, None, after)
        if record is None or not after_paths:
            continue
        kind = _content_change(record, inode)
        if kind is not None:
            for path in after_paths:
                others.append(Change(kind, path, before, after))

    changes = others
    for path, change in created.items():
        was = deleted.pop(path, None)
        if was is not None and was.before.type is change.after.type:  # type: ignore[union-attr]
            changes.append(Change(MODIFIED, path, was.before, change.after))
        else:
            if was is not None:
                changes.append(was)
            changes.append(change)
    changes.extend(deleted.values())
    changes.sort(key=lambda c: (c.path, c.kind != DELETED))
    return Diff(snapshot, changes)


def _content_change(record, inode: Inode) -> str | None:
    if isinstance(inode, File):
        same = (record.data is inode.data and record.length == len(inode.data)) or record.content() == inode.data
        if not same:
            return MODIFIED
    elif isinstance(inode, Directory):
        if record.entries != inode.entries:
            return None  # told by the entries themselves
    elif record.target != inode.target:  # type: ignore[attr-defined]
        return MODIFIED
    return METADATA if record.mtime != inode.mtime else None


def _join(base: str, name: str) -> str:
    return base + name if base == "/" else f"{base}/{name}"
