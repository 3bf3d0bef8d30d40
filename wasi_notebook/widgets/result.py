"""ResultView: everything one run did, in one place.

From top to bottom: a summary line (``exit 0 in 3.2 ms, 152 calls, called 20 of 46, ...``),
the guest's output (stderr in red), the trap with its backtrace if it trapped, and two tabs:
**Files** (the MemFs tree marked with the run's changes; without a MemFs, the list of changes)
and **Calls** (the coverage panel above the trace; clicking a function filters the trace and
picking a function in the trace selects it in the panel).

For output that shows while the guest runs::

    view = ResultView.streaming("cat notes.txt")
    view.display()
    result = session.run(guest, args, **view.writers())
    view.finish(result, session.fs)

``finish`` also updates the displayed fallback, so the saved notebook holds the whole run.
"""

from __future__ import annotations

from typing import Any

import ipywidgets
from rich.console import Group

from ..memfs import MemFs
from ..render import result_summary
from . import html
from .base import Displayable
from .coverage import CoverageWidget
from .output import LiveOutput
from .trace import TraceWidget
from .tree import TreeWidget

__all__ = ["ResultView"]


class ResultView(Displayable, ipywidgets.VBox):
    """``ResultView(result, fs=None)``: one :class:`~wasi_notebook.session.RunResult`. With
    ``fs`` (the session's MemFs) the Files tab is a live :class:`TreeWidget`.

    Parts, once finished: ``output`` (:class:`LiveOutput`), ``tree`` (or None), ``coverage``,
    ``trace``, ``tabs``.
    """

    def __init__(self, result=None, fs: MemFs | None = None, *, title: str = "", **kwargs: Any) -> None:
        self.result = None
        self.fs = fs
        self.title = title
        self.output = LiveOutput()
        self.header = ipywidgets.HTML()
        self.tree: TreeWidget | None = None
        self.coverage: CoverageWidget | None = None
        self.trace: TraceWidget | None = None
        self.tabs: ipywidgets.Tab | None = None
        self._handle = None
        super().__init__(children=[self.header, self.output], **kwargs)
        self.add_class("wn-result")
        if result is None:
            self.output.start()
            self.header.value = (f'<div style="font-family:var(--jp-code-font-family,monospace);font-size:12px">'
                                 f'<strong>{html.esc(title)}</strong></div>')  # the output says "running…"
        else:
            self.finish(result, fs)

    @classmethod
    def streaming(cls, title: str = "", fs: MemFs | None = None) -> ResultView:
        """A view for a run about to start: its output shows as it comes (see :meth:`writers`)."""
        return cls(None, fs, title=title)

    def writers(self) -> dict[str, Any]:
        """``on_stdout`` and ``on_stderr`` for :meth:`Session.run`, writing into this view."""
        return {"on_stdout": self.output.writer("stdout"), "on_stderr": self.output.writer("stderr")}

    def display(self) -> None:
        """Display the view so that :meth:`finish` can update the saved fallback too."""
        from IPython.display import display

        self._handle = display(self, display_id=True)

    def finish(self, result, fs: MemFs | None = None) -> None:
        """Show ``result``: the output (what streamed, or else the result's), the summary, the
        trap, the files and the calls."""
        self.result = result
        self.fs = fs if fs is not None else self.fs
        if self.output.empty:
            self.output.append("stdout", result.stdout)
            self.output.append("stderr", result.stderr)
        self.output.close()
        self.header.value = html.header_html(result)

        for old in (self.coverage, self.trace, self.tree, self.tabs):  # finishing again: a new run
            if old is not None:
                old.close()
        self.tree = None
        self.coverage = CoverageWidget(result.coverage)
        self.trace = TraceWidget(result.trace)
        self.coverage.on_select(self.trace.filter_function)
        self.trace.observe(self._trace_function, names="function")
        if self.fs is not None:
            self.tree = TreeWidget(self.fs, result.diff)
            files: ipywidgets.Widget = self.tree
        else:
            files = ipywidgets.HTML(html.diff_html(result.diff))
        calls = ipywidgets.VBox([self.coverage, self.trace])
        self.tabs = ipywidgets.Tab(children=[files, calls])
        self.tabs.titles = (f"Files ({result.diff.summary()})", f"Calls ({len(result.trace) + result.trace.dropped:,})")

        parts: list[ipywidgets.Widget] = [self.header]
        if not self.output.empty:
            parts.append(self.output)
        if result.exit_code is None:
            parts.append(ipywidgets.HTML(html.trap_html(result)))
        parts.append(self.tabs)
        self.children = parts
        if self._handle is not None:
            self._handle.update(self)

    def _trace_function(self, change) -> None:
        if self.coverage is not None and (not change["new"] or change["new"] in self.coverage.coverage.functions):
            self.coverage.select(change["new"])

    # -- fallbacks -----------------------------------------------------------------------------

    def _static_html(self) -> str:
        if self.result is None:
            return self.header.value + html.output_html(self.output.pieces())
        return html.result_html(self.result, self.fs, chunks=self.output.pieces())

    def __rich__(self):
        if self.result is None:
            return self.output.__rich__()
        return Group(self.output.__rich__(), result_summary(self.result)) if not self.output.empty else \
            result_summary(self.result)

    def _text(self) -> str:
        return repr(self.result) if self.result is not None else f"<ResultView {self.title} running>"
