"""Static HTML for every widget: what a saved notebook shows where no kernel runs the widgets
(nbconvert, GitHub, a notebook reopened later).

Each function returns one self-contained fragment with inline styles (sanitizers keep those and
drop ``<style>`` blocks) and words beside the colours (``[created]``, struck-through deleted
names), so it reads in light and dark themes and without colour. Every name, path and byte of
output is escaped. Sizes are bounded: folders cut after ``max_children`` entries, the trace after
``limit`` rows.
"""

from __future__ import annotations

import html
import posixpath
from typing import Any, Iterable

from ..memfs import MemFs
from ..render import human_size
from . import data

__all__ = ["tree_html", "diff_html", "coverage_html", "trace_html", "output_html", "header_html", "trap_html",
           "result_html", "COLORS"]

#: Mid-tone colours that read on white and on a dark background.
COLORS = {
    "created": "#2da44e", "modified": "#b08800", "moved": "#3b82f6", "metadata": "#0e9aa7", "deleted": "#d1242f",
    "called": "#2da44e", "called with errors": "#c2410c", "imported": "#3b82f6", "not imported": "#8b949e",
    "stderr": "#d1242f", "dim": "#8b949e",
}
ICONS = {"dir": "📁", "file": "📄", "symlink": "🔗"}
_BOX = "font-family:var(--jp-code-font-family,monospace);font-size:12px;line-height:1.45"
_CELL = "padding:1px 8px;text-align:left;vertical-align:top;border:none"


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _dim(text: str) -> str:
    return f'<span style="color:{COLORS["dim"]}">{text}</span>'


# -- files ----------------------------------------------------------------------------------------

def _entry_html(entry: dict[str, Any]) -> str:
    change = entry.get("change")
    style = f"color:{COLORS[change]}" if change else ""
    if entry.get("deleted"):
        style += ";text-decoration:line-through"
    name = f'<span style="{style}">{esc(entry["name"])}</span>' if style else esc(entry["name"])
    if entry.get("deleted"):
        name = f"<del>{name}</del>"
    parts = [f'{ICONS[entry["kind"]]} {name}']
    if "target" in entry:
        parts.append(_dim(f"→ {esc(entry['target'])}" + (" (dangling)" if entry.get("dangling") else "")))
    if entry["kind"] == "file":
        parts.append(_dim(esc(entry["size_text"])))
        if entry.get("nlink", 1) > 1 and not entry.get("deleted"):
            parts.append(_dim(f"{entry['nlink']} links"))
    if change:
        note = f"moved from {esc(entry['from'])}" if change == "moved" else change
        parts.append(f'<span style="color:{COLORS[change]}">[{note}]</span>')
    return "  ".join(parts)


def tree_html(fs: MemFs, diff=None, root: str = "/", *, max_children: int = 25, max_depth: int = 8,
              max_entries: int = 500) -> str:
    """The tree under ``root`` as nested lists, marked as the widget marks it. At most
    ``max_children`` entries a folder and ``max_entries`` in all; the rest counted."""
    marks = diff if isinstance(diff, data.Marks) else data.Marks(diff)
    budget = [max_entries]

    def folder(path: str, depth: int) -> str:
        listing = data.list_dir(fs, path, marks, limit=min(max_children, budget[0]))
        items = []
        for entry in listing["entries"]:
            budget[0] -= 1
            child = posixpath.join(path, entry["name"])
            inner = ""
            if entry["kind"] == "dir" and depth < max_depth and budget[0] > 0 and (
                    not entry.get("deleted") or entry.get("inside")):
                inner = folder(child, depth + 1)
            items.append(f'<li title="{esc(child)}">{_entry_html(entry)}{inner}</li>')
        if listing["next"] is not None:
            items.append(f"<li>{_dim('… more entries (open the notebook with a kernel to browse them)')}</li>")
        style = "list-style:none;margin:0;padding-left:1.4em;border-left:1px dotted #8b949e66"
        return f'<ul style="{style}">{"".join(items)}</ul>' if items else ""

    counts = ", ".join(f'<span style="color:{COLORS[k]}">{n} {k}</span>' for k, n in marks.counts())
    head = f"<strong>📁 {esc(root)}</strong>" + (f"  {_dim('·')} {counts}" if counts else "")
    return f'<div class="wn-static wn-static-tree" style="{_BOX}">{head}{folder(root, 1)}</div>'


def diff_html(diff, limit: int = 200) -> str:
    """The changes of a run as a table (when there is no MemFs to show them in)."""
    rows = []
    for change in list(diff)[:limit]:
        where = f"{esc(change.old_path)} → {esc(change.path)}" if change.kind == "moved" else esc(change.path)
        stat = change.after or change.before
        size = human_size(stat.size) if stat is not None and stat.type.value == "file" else ""
        rows.append(f'<tr><td style="{_CELL};color:{COLORS[change.kind]}">{change.kind}</td>'
                    f'<td style="{_CELL}">{where}</td><td style="{_CELL}">{_dim(size)}</td></tr>')
    if len(diff) > limit:
        rows.append(f'<tr><td style="{_CELL}" colspan="3">{_dim(f"… {len(diff) - limit} more changes")}</td></tr>')
    body = "".join(rows) or f'<tr><td style="{_CELL}">{_dim("no changes")}</td></tr>'
    return f'<table class="wn-static wn-static-diff" style="{_BOX};border-collapse:collapse">{body}</table>'


# -- coverage -------------------------------------------------------------------------------------

def _counted(pairs) -> str:
    return ", ".join(f"{label}×{n}" for label, n in pairs)


def coverage_html(coverage) -> str:
    """The functions by group, each styled by its status, with calls and errnos (a component's
    by their short names, the full name in the tooltip with every outcome: ``answered ok×3,
    closed×1``; a normal end such as ``closed`` shown dim, not as an error)."""
    counts = data.coverage_counts(coverage)
    legend = "  ".join(f'<span style="color:{COLORS[s]}">■ {s} {counts[s]}</span>' for s in data.STATUSES)
    rows = []
    for group in data.coverage_groups(coverage):
        cells = []
        for cell in group["functions"]:
            status = cell["status"]
            errors = _counted(cell["errors"])
            ends = _counted(cell["ends"])
            weight = "font-weight:600;" if status.startswith("called") else ""
            calls = f" ×{cell['calls']}" if cell["calls"] else ""
            tip = f"{cell['name']}: {status}" + (f", {cell['calls']} calls" if cell["calls"] else "") + (
                f"; answered {_counted(cell['answers'])}" if cell["answers"] else "") + (
                f"; errors {errors}" if errors else "")
            extra = f' <span style="color:{COLORS["called with errors"]}">({esc(errors)})</span>' if errors else ""
            if ends:
                extra += " " + _dim(f"({esc(ends)})")
            cells.append(f'<span title="{esc(tip)}" style="{weight}color:{COLORS[status]};'
                         f'margin-right:1.2em;white-space:nowrap">{esc(cell["label"])}{calls}{extra}</span> ')
        rows.append(f'<tr><th style="{_CELL};color:{COLORS["dim"]};font-weight:normal;white-space:nowrap">'
                    f'{esc(group["name"])}</th><td style="{_CELL}">{"".join(cells)}</td></tr>')
    head = f"<strong>{esc(coverage.interface)} coverage: {esc(coverage.summary())}</strong><br>{legend}"
    return (f'<div class="wn-static wn-static-coverage" style="{_BOX}">{head}'
            f'<table style="border-collapse:collapse;margin-top:4px">{"".join(rows)}</table></div>')


# -- trace ----------------------------------------------------------------------------------------

def trace_html(rows: Iterable[dict[str, Any]], total: int, *, note: str = "") -> str:
    """Trace rows (:func:`data.call_row`) as a table; ``total`` says how many calls there are in all."""
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("#", "function", "arguments", "result", "errno", "µs"))
    body = []
    shown = 0
    for row in rows:
        shown += 1
        args = ", ".join(f"{_dim(esc(k) + '=')}{esc(v)}" for k, v in row["args"])
        color = f";color:{COLORS['deleted']}" if row["failed"] else ""
        errno = f'<span title="{esc(row["errno_text"])}">{esc(row["errno"])}</span>' if row["errno"] else ""
        injected = f' {_dim("[injected]")}' if row["injected"] else ""
        body.append(f'<tr><td style="{_CELL};text-align:right">{row["seq"]}</td><td style="{_CELL}{color}">'
                    f'{esc(row["function"])}</td><td style="{_CELL}">{args}</td><td style="{_CELL}">'
                    f'{esc(row["result"])}</td><td style="{_CELL}{color}">{errno}{injected}</td>'
                    f'<td style="{_CELL};text-align:right">{row["us"]}</td></tr>')
    caption = f"{total:,} calls" + (f", first {shown} shown" if shown < total else "") + (f"; {note}" if note else "")
    return (f'<div class="wn-static wn-static-trace" style="{_BOX}"><strong>Trace</strong> {_dim(esc(caption))}'
            f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


# -- output and runs ------------------------------------------------------------------------------

def output_html(chunks: Iterable[tuple[str, str]], cut: int = 0) -> str:
    """A guest's output, ``(stream, text)`` pieces in order, stderr in red."""
    parts = []
    for stream, text in chunks:
        if stream == "stderr":
            parts.append(f'<span style="color:{COLORS["stderr"]}">{esc(text)}</span>')
        else:
            parts.append(esc(text))
    if cut:
        parts.append(_dim(f"\n… {cut:,} more characters not shown"))
    if not parts:
        return ""
    return f'<pre class="wn-static wn-static-output" style="{_BOX};margin:4px 0;white-space:pre-wrap">{"".join(parts)}</pre>'


def header_html(result) -> str:
    """The run's command line and its summary, coloured by how it ended."""
    color = (COLORS["called"] if result.exit_code == 0 else COLORS["deleted"] if result.exit_code is None
             else COLORS["modified"])
    title = esc(" ".join([result.guest.name, *result.args[1:]]))
    return (f'<div class="wn-static wn-static-header" style="{_BOX}"><strong>{title}</strong>: '
            f'<span style="color:{color}">{esc(data.run_summary(result))}</span></div>')


def trap_html(result) -> str:
    """How a trapped run ended: the message and the guest's backtrace; empty for an exit."""
    if result.exit_code is not None:
        return ""
    backtrace = f'<pre style="margin:2px 0">{esc(result.backtrace)}</pre>' if result.backtrace else ""
    return (f'<div class="wn-static wn-static-trap" style="{_BOX};color:{COLORS["deleted"]}">'
            f'<strong>trap:</strong> {esc(result.trap)}{backtrace}</div>')


def result_html(result, fs: MemFs | None = None, *, rows: int = 50, chunks=None) -> str:
    """One run: summary, output, trap, changes (the tree when ``fs`` is given), coverage, trace.
    ``chunks``: the output as ``(stream, text)`` pieces (default: stdout, then stderr)."""
    if chunks is None:
        chunks = [("stdout", result.stdout_text), ("stderr", result.stderr_text)]
    parts = [header_html(result), output_html([(s, t) for s, t in chunks if t]), trap_html(result)]
    if fs is not None:
        parts.append(tree_html(fs, result.diff))
    elif result.diff:
        parts.append(diff_html(result.diff))
    parts.append(coverage_html(result.coverage))
    trace = result.trace
    parts.append(trace_html((data.call_row(trace[i]) for i in range(min(rows, len(trace)))),
                            len(trace) + trace.dropped))
    return '<div class="wn-static wn-static-result">' + "<hr style='opacity:.3'>".join(p for p in parts if p) + "</div>"
