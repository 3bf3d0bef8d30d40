"""Terminal renderings with rich: a MemFs tree marked with what a run changed, and a diff table.

These are front-end helpers: they read MemFs and Diff objects and build rich renderables; they
change nothing. The notebook widgets show the same information interactively.
"""

from __future__ import annotations

import datetime as _dt

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .memfs import FileType, MemPath
from .memfs.diff import CREATED, DELETED, METADATA, MODIFIED, MOVED, Diff
from .trace import short_names, split_function

__all__ = ["tree", "diff_table", "guest_table", "result_summary", "coverage_table", "trace_text", "human_size"]

STYLES = {CREATED: "green", MODIFIED: "yellow", METADATA: "cyan", MOVED: "blue", DELETED: "red strike"}
ICONS = {FileType.DIRECTORY: "📁", FileType.REGULAR_FILE: "📄", FileType.SYMBOLIC_LINK: "🔗"}


def human_size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    raise AssertionError("unreachable")


def _label(path: MemPath, change: str | None, name: str | None = None) -> Text:
    st = path.lstat()
    text = Text(f"{ICONS[st.type]} {name or path.name or '/'}")
    if st.type is FileType.SYMBOLIC_LINK:
        text.append(f" -> {path.readlink()}", style="dim")
    elif st.type is FileType.REGULAR_FILE:
        text.append(f"  {human_size(st.size)}", style="dim")
        if st.nlink > 1:
            text.append(f"  ({st.nlink} links)", style="dim")
    if change:
        text.stylize(STYLES[change], 0, len(name or path.name or "/") + 2)
        text.append(f"  [{change}]", style=STYLES[change].split()[0])
    return text


def tree(path: MemPath, diff: Diff | None = None, *, max_children: int = 50, max_depth: int | None = None) -> Tree:
    """The tree under ``path``; with ``diff``, entries marked created / modified / moved, and
    deleted ones shown struck through. Folders with more than ``max_children`` entries are cut
    with a line saying how many more there are."""
    changes = diff.by_path() if diff is not None else {}
    deleted_by_parent: dict[str, list[str]] = {}
    for change in diff.deleted if diff is not None else ():
        parent, _, name = change.path.rpartition("/")
        deleted_by_parent.setdefault(parent or "/", []).append(name)

    def add(branch: Tree, here: MemPath, depth: int) -> None:
        children = list(here.iterdir())
        for i, child in enumerate(children):
            if i == max_children:
                branch.add(Text(f"… {len(children) - max_children} more", style="dim italic"))
                break
            change = changes.get(str(child))
            kind = change.kind if change is not None and change.kind != DELETED else None
            node = branch.add(_label(child, kind))
            if child.is_dir() and not child.is_symlink() and (max_depth is None or depth < max_depth):
                add(node, child, depth + 1)
        for name in deleted_by_parent.get(str(here), []):
            if not (here / name).exists(follow_symlinks=False):
                branch.add(Text(f"✖ {name}", style=STYLES[DELETED]) + Text("  [deleted]", style="red"))

    root = Tree(_label(path, None, str(path)), guide_style="dim")
    add(root, path, 1)
    return root


def diff_table(diff: Diff) -> Table:
    """One row per change: what, where, and the size and time before and after."""
    table = Table(title=f"Changes: {diff.summary()}", title_justify="left", show_edge=False)
    table.add_column("", width=1)
    table.add_column("path")
    table.add_column("change")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    marks = {CREATED: "+", DELETED: "-", MODIFIED: "~", METADATA: "*", MOVED: ">"}

    def describe(stat) -> str:
        if stat is None:
            return ""
        when = _dt.datetime.fromtimestamp(stat.mtime / 1e9, _dt.timezone.utc).strftime("%H:%M:%S")
        return f"{human_size(stat.size)} {when}" if stat.type is FileType.REGULAR_FILE else stat.type.value

    for change in diff:
        where = f"{change.old_path} -> {change.path}" if change.kind == MOVED else change.path
        style = STYLES[change.kind].split()[0]
        table.add_row(Text(marks[change.kind], style=style), where, Text(change.kind, style=style),
                      describe(change.before), describe(change.after))
    return table


GROUPS = [
    ("args, environ", ("args_", "environ_")),
    ("clocks", ("clock_",)),
    ("fd", ("fd_",)),
    ("path", ("path_",)),
    ("poll, proc, sched, random", ("poll_", "proc_", "sched_", "random_")),
    ("sockets", ("sock_",)),
]
STATUS_STYLES = {"called": "green", "called with errors": "yellow", "imported": "blue", "not imported": "dim"}


def group_of(function: str) -> str:
    """A preview1 function's group (:data:`GROUPS`); a component's function's interface."""
    interface, _ = split_function(function)
    if interface is not None:
        return interface
    for name, prefixes in GROUPS:
        if function.startswith(prefixes):
            return name
    return "other"


def _outcomes(counts: dict[str, int]) -> str:
    return ", ".join(f"{label}×{n}" for label, n in counts.items())


def coverage_table(coverage) -> Table:
    """The functions a guest imported, by group (a component's: by interface, each by the short
    name its trace lines show, see :func:`~wasi_notebook.trace.short_names`), with calls and
    errors; a component's also with the normal ends they answered (``closed``, no failure), in a
    column of their own when any function had one. The rest counted below."""
    table = Table(title=f"{coverage.interface} coverage: {coverage.summary()}", title_justify="left",
                  show_edge=False, caption_justify="left")
    component = coverage.interface != "preview1"
    with_ends = component and any(coverage.ends(f) for f in coverage.functions)
    table.add_column("interface" if component else "group", style="dim", no_wrap=True)
    table.add_column("function", overflow="fold")
    table.add_column("calls", justify="right")
    table.add_column("errors")
    if with_ends:
        table.add_column("ends")
    labels = short_names(coverage.functions)
    last_group = None
    for function in coverage.functions:
        status = coverage.status(function)
        if status == "not imported":
            continue
        group = group_of(function)
        row = [group if group != last_group else "", Text(labels[function], style=STATUS_STYLES[status]),
               str(coverage.calls(function)) if coverage.calls(function) else "-", _outcomes(coverage.errors(function))]
        if with_ends:
            row.append(Text(_outcomes(coverage.ends(function)), style="dim"))
        table.add_row(*row)
        last_group = group
    if not component:
        missing = len(coverage.functions) - len(coverage.imported)
        table.caption = f"{missing} of {len(coverage.functions)} functions not imported"
    else:
        uncalled = len(coverage.functions) - len(coverage.called)
        table.caption = f"{uncalled} of the {len(coverage.functions)} imported functions not called"
    return table


def guest_table(guest) -> Table:
    """What a loaded guest is: its kind and size, its exports, and the preview1 functions it
    imports by group (those are all it can ask of the host); a component's imported interfaces."""
    kind = "preview1 module" if guest.kind == "module" else "preview2 component"
    table = Table(title=f"{guest.name}: {kind}, {human_size(guest.size)}",
                  title_justify="left", show_edge=False, show_header=False)
    table.add_column("what", style="dim")
    table.add_column("value", overflow="fold")
    table.add_row("sha256", guest.sha256[:16])
    table.add_row("exports", ", ".join(f"{name} ({kind})" for name, kind in guest.exports) or "(none)")
    if guest.kind == "component":
        table.add_row("imports", f"{len(guest.imports)} interfaces")
        for name, _, _ in guest.imports:
            table.add_row("", name)
        return table
    imports = guest.wasi_imports
    by_group: dict[str, list[str]] = {}
    for function in imports:
        by_group.setdefault(group_of(function), []).append(function)
    table.add_row("imports", f"{len(imports)} of the 46 preview1 functions")
    for group, functions in by_group.items():
        table.add_row(f"  {group}", ", ".join(functions))
    return table


def result_summary(result) -> Panel:
    """One run in a few lines: how it ended, how long it took, what it called, what it changed
    (the text form of the notebook's result view)."""
    if result.trap is not None:
        ending = Text(f"trapped: {result.trap}", style="bold red")
    else:
        ending = Text(f"exit {result.exit_code}", style="bold green" if result.exit_code == 0 else "bold yellow")
    line = ending + Text(f"  ·  {result.duration_s * 1e3:.1f} ms  ·  {len(result.trace)} calls  ·  "
                         f"{result.coverage.summary()}  ·  {result.diff.summary()}", style="dim")
    parts: list = [line]
    if result.backtrace:
        parts.append(Text(result.backtrace, style="dim"))
    if result.diff:
        parts.append(diff_table(result.diff))
    return Panel(Group(*parts), title=" ".join([result.guest.name, *result.args[1:]]), title_align="left",
                 expand=False)


def trace_text(trace, limit: int | None = 40) -> Text:
    """The strace-like listing of a trace, failed calls in colour (a normal end such as a
    stream's ``closed`` is no failure: it keeps the plain colour)."""
    text = Text()
    for record in trace:
        if limit is not None and record.seq > limit:
            text.append(f"... {len(trace) - limit} more calls\n", style="dim")
            break
        style = "red" if record.failed else None
        style = "magenta" if record.injected else style
        text.append(f"{record.seq:>5}  ", style="dim")
        text.append(record.text() + "\n", style=style)
    return text
