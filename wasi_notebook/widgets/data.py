"""What the widgets show, as plain data built from engine objects.

The widgets send these dicts and lists to the browser; :mod:`.html` renders the same data as
static HTML for notebooks viewed without a kernel. Nothing here draws anything.

- folders: :class:`Marks` (a diff indexed for the tree) and :func:`list_dir` (one page of a
  folder's entries, deleted ones included);
- coverage: :func:`coverage_groups`, the 46 functions by group with status, calls and errnos;
- trace: :func:`call_row`, one call as a table row;
- runs: :func:`run_summary`, one line saying how a run went.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import posixpath
from typing import Any

from ..errors import Errno, WasiError
from ..memfs import FileType, MemFs, MemPath
from ..memfs.diff import DELETED, MOVED, Change, Diff
from ..render import GROUPS, group_of, human_size
from ..trace import short_names

__all__ = ["Marks", "list_dir", "entry", "when", "KINDS", "coverage_groups", "call_row", "run_summary",
           "STATUSES"]

KINDS = {FileType.DIRECTORY: "dir", FileType.REGULAR_FILE: "file", FileType.SYMBOLIC_LINK: "symlink"}


def when(ns: int) -> str:
    """A timestamp in ns as ``2026-01-01 12:00:00`` (UTC, as the terminal renderings show it)."""
    return _dt.datetime.fromtimestamp(ns / 1e9, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


# -- folders --------------------------------------------------------------------------------------

class Marks:
    """A diff indexed for a tree: the change at each path, what was deleted from each folder, and
    the folders with changes somewhere below them. ``Marks(None)`` marks nothing."""

    def __init__(self, diff: Diff | None = None) -> None:
        self.diff = diff
        self._at: dict[str, Change] = {}
        self.deleted: dict[str, list[Change]] = {}
        self.inside: set[str] = set()
        for change in diff or ():
            if change.kind == DELETED:
                self.deleted.setdefault(posixpath.dirname(change.path), []).append(change)
            else:
                self._at[change.path] = change
            for path in (change.path, change.old_path):
                while path and path != "/":
                    path = posixpath.dirname(path)
                    if path in self.inside:
                        break
                    self.inside.add(path)

    def change(self, path: str) -> Change | None:
        """The change that left ``path`` as it is now (not a deletion)."""
        return self._at.get(path)

    def was_dir(self, path: str) -> bool:
        """Whether ``path`` was a folder the diff deleted (its deleted entries can be listed)."""
        return any(c.path == path and c.before is not None and c.before.type is FileType.DIRECTORY
                   for c in self.deleted.get(posixpath.dirname(path), ()))

    def counts(self) -> list[list]:
        """``[[kind, n], ...]`` for the kinds present, in a fixed order."""
        if self.diff is None:
            return []
        order = ("created", "modified", "moved", "metadata", "deleted")
        return [[kind, n] for kind in order if (n := sum(1 for c in self.diff if c.kind == kind))]


def entry(path: MemPath, marks: Marks) -> dict[str, Any]:
    """One live entry: ``name``, ``kind`` (dir, file, symlink), ``size``, ``size_text``,
    ``mtime``, ``nlink``; for a link its ``target`` (and ``dangling``); ``change`` and, for a
    move, ``from``; for a folder, ``inside`` when something below it changed."""
    st = path.lstat()
    out: dict[str, Any] = {"name": path.name, "kind": KINDS[st.type], "size": st.size,
                           "size_text": human_size(st.size) if st.type is not FileType.DIRECTORY else "",
                           "mtime": when(st.mtime), "nlink": st.nlink}
    if st.type is FileType.SYMBOLIC_LINK:
        out["target"] = path.readlink()
        out["dangling"] = not path.exists()
    change = marks.change(str(path))
    if change is not None:
        out["change"] = change.kind
        if change.kind == MOVED:
            out["from"] = change.old_path
    if st.type is FileType.DIRECTORY:
        out["inside"] = str(path) in marks.inside
    return out


def deleted_entry(change: Change, marks: Marks) -> dict[str, Any]:
    """An entry the diff deleted, described by what it was."""
    st = change.before
    assert st is not None
    out: dict[str, Any] = {"name": posixpath.basename(change.path), "kind": KINDS[st.type], "size": st.size,
                           "size_text": human_size(st.size) if st.type is not FileType.DIRECTORY else "",
                           "mtime": when(st.mtime), "nlink": st.nlink, "change": DELETED, "deleted": True}
    if st.type is FileType.DIRECTORY:
        out["inside"] = change.path in marks.deleted
    return out


def list_dir(fs: MemFs, path: str, marks: Marks, cursor=(0, 0), limit: int = 500) -> dict[str, Any]:
    """One page of the folder at ``path``: at most ``limit`` entries, live ones in the order they
    were made, then what the diff deleted from it that is not there again.

    ``cursor`` is ``[live entries skipped, deleted entries skipped]``; the answer's ``next`` is
    the cursor of the following page, or None at the end. ``start`` says whether this page is
    the first. A folder that is gone but was deleted by the diff lists its deleted entries.
    Raises WasiError: NOENT, NOTDIR (a symlink to a folder is not listed), as the MemFs says.
    """
    live_skip, gone_skip = (int(cursor[0]), int(cursor[1])) if cursor else (0, 0)
    here = MemPath(fs, path)
    path = str(here)
    entries: list[dict[str, Any]] = []
    if gone_skip == 0:
        try:
            if here.is_symlink():
                raise WasiError(Errno.NOTDIR, path, "a link is shown, not followed")
            batch = list(itertools.islice(here.iterdir(), live_skip, live_skip + limit + 1))
        except WasiError as e:
            if not (e.errno in (Errno.NOENT, Errno.NOTDIR) and marks.was_dir(path)):
                raise
            batch = []
        if len(batch) > limit:
            return {"path": path, "entries": [entry(p, marks) for p in batch[:limit]],
                    "next": [live_skip + limit, 0], "start": live_skip == 0}
        entries = [entry(p, marks) for p in batch]
        live_skip += len(batch)
    room = limit - len(entries)
    gone = marks.deleted.get(path, [])
    for change in gone[gone_skip:gone_skip + room]:
        if not MemPath(fs, change.path).exists(follow_symlinks=False):
            entries.append(deleted_entry(change, marks))
    gone_skip += room
    more = gone_skip < len(gone)
    return {"path": path, "entries": entries, "next": [live_skip, gone_skip] if more else None,
            "start": tuple(cursor or (0, 0)) == (0, 0)}


# -- coverage -------------------------------------------------------------------------------------

#: The four states of a function, from least to most used, with the word the widgets show.
STATUSES = ["not imported", "imported", "called", "called with errors"]


def coverage_groups(coverage) -> list[dict[str, Any]]:
    """``[{"name": group, "functions": [{"name", "label", "status", "calls", "errors": [[ERRNO, n], ...],
    "ends": [[case, n], ...], "answers": [[outcome, n], ...]}]}]`` in witx order, groups as
    :data:`wasi_notebook.render.GROUPS`. ``errors`` are the failures, ``ends`` the normal ends
    (``closed``), ``answers`` every outcome of the calls that returned (success first:
    ``[["ok", 3], ["closed", 1]]``). A component's groups are the interfaces it imports,
    in import order; its functions' ``name`` is ``interface#function`` (what the trace filters
    on), their ``label`` the short name its trace lines show (``open-at``,
    ``stdout.get-stdout``; see :func:`~wasi_notebook.trace.short_names`), their errors the
    error cases (``no-entry``; a normal end such as ``closed`` is only among the answers)."""
    groups: dict[str, list] = {name: [] for name, _ in GROUPS} if coverage.interface == "preview1" else {}
    labels = short_names(coverage.functions)
    for function in coverage.functions:
        cell = {"name": function, "label": labels[function], "status": coverage.status(function),
                "calls": coverage.calls(function),
                "errors": [[label, n] for label, n in coverage.errors(function).items()],
                "ends": [[label, n] for label, n in coverage.ends(function).items()],
                "answers": [[label, n] for label, n in coverage.answers(function).items()]}
        groups.setdefault(group_of(function), []).append(cell)
    return [{"name": name, "functions": cells} for name, cells in groups.items() if cells]


def coverage_counts(coverage) -> dict[str, int]:
    """How many functions are in each status."""
    counts = dict.fromkeys(STATUSES, 0)
    for function in coverage.functions:
        counts[coverage.status(function)] += 1
    return counts


# -- trace ----------------------------------------------------------------------------------------

def call_row(record) -> dict[str, Any]:
    """A call as a row: ``seq``, ``function``, ``args`` (``[[name, value], ...]``), ``result``,
    ``errno`` (label, empty when it succeeded; for a component's call its error case),
    ``errno_text``, ``us`` (duration), ``failed``, ``injected``. The result is what
    :meth:`CallRecord.text` says after ``=``. A component's call also has ``interface``,
    ``name`` (``interface#function``, the full name) and ``end`` (its error case is a normal end, e.g. ``closed``: shown, not failed), and its
    ``function`` is the short name its text starts with (``open-at``)."""
    args = [[name, str(value)] for name, value in record.args.items()]
    if record.error is None:
        result, label, text = record.outcome(), "", ""
    else:
        result, label, text = "", record.error, record.error_text
    row = {"seq": record.seq, "function": record.shown_as or record.function, "args": args, "result": result,
           "errno": label, "errno_text": text, "us": round(record.duration_ns / 1000, 1),
           "failed": record.failed, "injected": record.injected}
    if record.interface is not None:
        row["interface"] = record.interface
        row["name"] = f"{record.interface}#{record.function}"
        row["end"] = record.end
    return row


# -- runs -----------------------------------------------------------------------------------------

def run_summary(result) -> str:
    """``exit 0 in 3.2 ms, 152 calls, called 20 of 46, imported 22, 3 created, 1 deleted``"""
    ending = f"exit {result.exit_code}" if result.exit_code is not None else f"trapped ({result.trap})"
    calls = len(result.trace) + result.trace.dropped
    return (f"{ending} in {result.duration_s * 1e3:.1f} ms, {calls:,} call{'s' if calls != 1 else ''}, "
            f"{result.coverage.summary()}, {result.diff.summary()}")
