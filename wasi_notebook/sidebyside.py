"""A preview1 module and the component jco's preview1 adapter makes of it, run from the same
MemFs and shown side by side: the guest's calls of the 46 functions on the left, the calls of the
0.2 interfaces the adapter turned them into on the right.

>>> both = side_by_side(session, "cat.wasm", ["notes.txt"])   # doctest: +SKIP
>>> both.agree, both.differences()                          # doctest: +SKIP
(True, [])
>>> both.summary()                                          # doctest: +SKIP
'11 preview1 calls became 16 preview2 calls and 3 drops; same exit, output and files'

The component runs on the session's MemFs (so the session ends as the component left it, and
that run is the one the session's views show); the module runs on a copy made just before, so
both start from the same tree. Both runs are traced by our own hosts.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Iterable, Mapping

from .memfs import MemFs
from .memfs.transfer import DIR, HARDLINK, SYMLINK, plan_from_memfs
from .session import Guest, RunResult, Session
from .trace import is_drop

__all__ = ["SideBySide", "side_by_side"]


@dataclasses.dataclass
class SideBySide:
    """The two runs of one program: ``module`` on the preview1 host, ``component`` (the adapted
    module) on the preview2 host. ``files`` lists how the two MemFs trees differ afterwards
    (kinds, contents and link targets; times are not compared)."""

    module: RunResult
    component: RunResult
    files: list[str]

    @property
    def agree(self) -> bool:
        """Both ended the same way, printed the same and left the same files."""
        return not self.differences()

    def differences(self) -> list[str]:
        """What differs between the two runs, one sentence each; empty when nothing does."""
        out = []
        module, component = self.module, self.component
        if module.exit_code != component.exit_code or (module.trap is None) != (component.trap is None):
            out.append(f"the module {_ending(module)}, the component {_ending(component)}")
        for stream in ("stdout", "stderr"):
            a, b = getattr(module, stream), getattr(component, stream)
            if a != b:
                out.append(f"{stream} differs: {len(a):,} bytes from the module, {len(b):,} from the component"
                           + (f", first at byte {_first_difference(a, b):,}" if a and b else ""))
        out.extend(self.files)
        return out

    def summary(self) -> str:
        """``11 preview1 calls became 17 preview2 calls and 2 drops; same exit, output and files``"""
        calls, drops = _calls(self.component), _drops(self.component)
        head = (f"{_plural(_calls(self.module), 'preview1 call')} became {_plural(calls - drops, 'preview2 call')}"
                + (f" and {_plural(drops, 'drop')}" if drops else ""))
        differences = len(self.differences())
        return head + (f"; {_plural(differences, 'difference')}" if differences else "; same exit, output and files")

    def __repr__(self) -> str:
        return f"<SideBySide {self.module.guest.name}: {self.summary()}>"

    def text(self, limit: int | None = 40) -> str:
        """Both traces as plain text, one after the other (see :meth:`__rich__` for columns)."""
        parts = [self.summary(), *(f"  - {d}" for d in self.differences())]
        for title, result in (("preview1 module", self.module), ("adapted component", self.component)):
            parts += ["", f"{title}: {_ending(result)}", result.trace.text(limit)]
        return "\n".join(parts)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython without a notebook: the text form."""
        printer.text(self.text())

    def __rich__(self):
        """Both traces in two columns, for a terminal."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        from .render import trace_text

        table = Table(show_edge=False, expand=True)
        for title, result in (("preview1 module, our p1 host", self.module),
                              ("adapted component, our p2 host", self.component)):
            table.add_column(f"{title}: {_ending(result)}, {_calls(result)} calls", ratio=1, overflow="fold")
        table.add_row(trace_text(self.module.trace), trace_text(self.component.trace))
        notes = [Text(self.summary(), style="bold" if self.agree else "bold yellow")]
        notes += [Text(f"  - {d}", style="yellow") for d in self.differences()]
        return Group(*notes, table)

    def _repr_html_(self, rows: int = 200) -> str:
        """Both runs in two columns (how each ended, its output, its calls one a line), under
        what differs between them."""
        from .widgets.html import esc, header_html, output_html, trap_html

        color = "#2da44e" if self.agree else "#c2410c"
        notes = "".join(f"<li>{esc(d)}</li>" for d in self.differences())
        head = (f'<div style="font-family:var(--jp-ui-font-family,sans-serif);margin-bottom:6px">'
                f'<strong style="color:{color}">{esc(self.summary())}</strong>'
                + (f"<ul style='margin:2px 0'>{notes}</ul>" if notes else "") + "</div>")
        columns = []
        for title, result in (("preview1 module on our preview1 host", self.module),
                              ("adapted component on our preview2 host", self.component)):
            output = output_html([(s, t) for s, t in (("stdout", result.stdout_text), ("stderr", result.stderr_text)) if t])
            columns.append(
                f'<div style="flex:1 1 420px;min-width:0"><div style="font-weight:600">{esc(title)}</div>'
                f"{header_html(result)}{output}{trap_html(result)}{_calls_html(result, rows)}</div>")
        return (f'<div class="wn-side-by-side">{head}<div style="display:flex;flex-wrap:wrap;gap:16px">'
                f'{"".join(columns)}</div></div>')


def _calls_html(result: RunResult, rows: int) -> str:
    """A run's calls, one a line as the text trace shows them (``open-at(self=descriptor#4, …) =
    descriptor#5``), failures in red, argument names dimmed; the first ``rows`` of them."""
    from .widgets import data
    from .widgets.html import COLORS, esc

    dim = f"color:{COLORS['dim']}"
    lines = []
    trace = result.trace
    for i in range(min(rows, len(trace))):
        row = data.call_row(trace[i])
        args = ", ".join(f'<span style="{dim}">{esc(k)}=</span>{esc(v)}' for k, v in row["args"])
        answer = esc(row["result"] or row["errno"])
        if row["failed"]:
            answer = f'<span style="color:{COLORS["deleted"]}" title="{esc(row["errno_text"])}">{answer}</span>'
        injected = f' <span style="{dim}">[injected]</span>' if row["injected"] else ""
        title = f' title="{esc(row["interface"])}"' if "interface" in row else ""
        lines.append(f'<div style="padding-left:3.5em;text-indent:-3.5em"><span style="{dim}">{row["seq"]:>4}</span> '
                     f'<strong{title}>{esc(row["function"])}</strong>({args}) = {answer}{injected}</div>')
    total = len(trace) + trace.dropped
    if total > len(lines):
        lines.append(f'<div style="{dim}">… {total - len(lines):,} more calls</div>')
    return (f'<div class="wn-side-by-side-calls" style="font-family:var(--jp-code-font-family,monospace);'
            f'font-size:12px;line-height:1.45;white-space:pre-wrap;margin-top:4px">{"".join(lines)}</div>')


def side_by_side(session: Session, guest: Guest | str | bytes | os.PathLike, args: Iterable[str] = (), *,
                 stdin: bytes | str = b"", env: Mapping[str, str] | None = None,
                 preopens: Mapping[str, str] | None = None, deterministic: bool = False, seed: int = 0,
                 fuel: int | None = None, timeout: float | None = None, max_memory: int | None = None,
                 trace: bool = True) -> SideBySide:
    """Run the preview1 command module ``guest`` on our preview1 host and the component the
    adapter makes of it (:meth:`Session.adapt`) on our preview2 host, with the same arguments,
    stdin and settings (see :meth:`Session.run`), from the same MemFs tree.

    Raises LoadError (not a preview1 command module), AdapterError (the component cannot be
    made), ValueError (bad settings); never for what the guest does.
    """
    module = guest if isinstance(guest, Guest) else session.load(guest)
    component = session.adapt(module)
    args = list(args)
    settings = dict(stdin=stdin, env=env, preopens=preopens, deterministic=deterministic, seed=seed, fuel=fuel,
                    timeout=timeout, max_memory=max_memory, trace=trace)
    before = session.fs.copy()
    module_run = session.run(module, args, fs=before, **settings)
    component_run = session.run(component, args, **settings)
    return SideBySide(module_run, component_run, tree_differences(before, session.fs))


def tree_differences(module_fs: MemFs, component_fs: MemFs) -> list[str]:
    """How the tree the module left differs from the one the component left, one sentence per
    path, outermost first (what lies inside a path that differs is not listed again). Kinds,
    file contents and link targets count; times and inode numbers do not."""
    left, right = _entries(module_fs), _entries(component_fs)
    out: list[str] = []
    reported: list[str] = []
    for rel in sorted(left.keys() | right.keys()):
        if any(rel.startswith(p + "/") for p in reported):
            continue
        a, b = left.get(rel), right.get(rel)
        if a == b:
            continue
        reported.append(rel)
        if b is None:
            out.append(f"/{rel}: only the module left this {a[0]}")
        elif a is None:
            out.append(f"/{rel}: only the component left this {b[0]}")
        elif a[0] != b[0]:
            out.append(f"/{rel}: a {a[0]} after the module, a {b[0]} after the component")
        elif a[0] == "file":
            out.append(f"/{rel}: {len(a[1]):,} bytes after the module, {len(b[1]):,} after the component"
                       + ("" if len(a[1]) != len(b[1]) else f", first different at byte {_first_difference(a[1], b[1]):,}"))
        else:
            out.append(f"/{rel}: links to {a[1]!r} after the module, to {b[1]!r} after the component")
    return out


def _entries(fs: MemFs) -> dict[str, tuple[str, bytes | str]]:
    """Every path below the root: (kind, content) with kind ``dir``, ``file`` (hard links
    resolved to their content) or ``symlink`` (its target)."""
    out: dict[str, tuple[str, bytes | str]] = {}
    for entry in plan_from_memfs(fs.root):
        if not entry.rel:
            continue
        if entry.kind == DIR:
            out[entry.rel] = ("dir", b"")
        elif entry.kind == SYMLINK:
            out[entry.rel] = ("symlink", entry.target)
        elif entry.kind == HARDLINK:
            out[entry.rel] = out[entry.target]
        else:
            out[entry.rel] = ("file", entry.data)
    return out


def _ending(result: RunResult) -> str:
    return f"exited {result.exit_code}" if result.trap is None else f"trapped ({result.trap})"


def _calls(result: RunResult) -> int:
    return len(result.trace) + result.trace.dropped


def _drops(result: RunResult) -> int:
    """How many handles the run dropped (traced as ``[resource-drop]...``, kept or only counted)."""
    return sum(sum(outcomes.values()) for name, outcomes in result.trace.counts().items() if is_drop(name))


def _plural(n: int, what: str) -> str:
    return f"{n:,} {what}" + ("s" if n != 1 else "")


def _first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
