"""TraceWidget: every call of a run as a table, a page at a time.

The browser never holds the trace: the ``rows`` trait carries only the page shown (at most
``page_size`` rows, 200 by default), and changing the filters or the page in the browser sets
traits that make Python send the new page. Filters reuse :meth:`Trace.filter`; the sequence
numbers of the matches are kept for the last few filters, so paging through a filtered view
decodes only the rows shown.

Traits set by the browser (or from Python): ``function`` (a full name; from Python a
component's short name is taken too), ``errno``, ``path`` (a glob over the call's paths),
``failed_only`` (a normal end such as a stream's ``closed`` is no failure), ``page``. Traits
Python sets: ``rows``, ``matched``, ``total``, ``dropped``, ``functions``, ``labels`` (a
component's functions by their short names: the list groups them by interface), ``errnos``,
``error``.

One custom message: ``{"type": "export", "format": "txt" | "jsonl", "filtered": bool, "filters":
{"function", "errno", "path", "failed_only"}, "id"}``, answered by ``download`` chunks (the
strace-like text of :meth:`Trace.text`, or JSON Lines).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import anywidget
import traitlets

from ..render import trace_text
from ..trace import resolve, short_names, split_function
from . import data, html
from .base import Displayable, Messages, css, esm

__all__ = ["TraceWidget"]

MAX_PAGE = 1000


class TraceWidget(Messages, Displayable, anywidget.AnyWidget):
    """``TraceWidget(trace)``: the calls of a :class:`~wasi_notebook.trace.Trace`, filterable."""

    _esm = esm("trace.js")
    _css = css("trace.css")

    total = traitlets.Int(0).tag(sync=True)
    dropped = traitlets.Int(0).tag(sync=True)
    functions = traitlets.List(traitlets.Unicode()).tag(sync=True)  # called, in witx order
    labels = traitlets.Dict().tag(sync=True)  # a component's functions: full name -> short name shown
    errnos = traitlets.List(traitlets.Unicode()).tag(sync=True)  # success, then those seen, in errno order

    function = traitlets.Unicode("").tag(sync=True)
    errno = traitlets.Unicode("").tag(sync=True)
    path = traitlets.Unicode("").tag(sync=True)
    failed_only = traitlets.Bool(False).tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    page_size = traitlets.Int(200).tag(sync=True)

    matched = traitlets.Int(0).tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, trace, **kwargs: Any) -> None:
        self.trace = trace
        self._matches: OrderedDict[tuple, list[int]] = OrderedDict()
        # The first page goes out with the widget's state, in the message that makes it.
        view = {"function": "", "errno": "", "path": "", "failed_only": False, "page": 0, "page_size": 200}
        view.update((k, kwargs.pop(k)) for k in list(kwargs) if k in view)
        view["page_size"] = _page_size(view["page_size"])
        view["function"] = _full_name(trace, view["function"])
        super().__init__(**{**view, **_overview(trace), **self._page(**view)}, **kwargs)

    def set_trace(self, trace) -> None:
        """Show another trace (filters kept, back to the first page)."""
        self.trace = trace
        self._matches.clear()
        with self.hold_sync():
            for name, value in _overview(trace).items():
                setattr(self, name, value)
            if self.page:
                self.page = 0  # observed: updates
            else:
                self._update()

    # -- filters -------------------------------------------------------------------------------

    def filter_function(self, name: str | None) -> None:
        """Show only the calls of ``name`` (None or ``""``: every function)."""
        self.function = name or ""

    def set_filters(self, *, function: str | None = None, errno: str | None = None, path: str | None = None,
                    failed_only: bool | None = None) -> None:
        """Change several filters at once (None leaves one as it is; ``""`` clears it)."""
        with self.hold_trait_notifications():
            for name, value in (("function", function), ("errno", errno), ("path", path),
                                ("failed_only", failed_only)):
                if value is not None:
                    setattr(self, name, value)

    def clear_filters(self) -> None:
        self.set_filters(function="", errno="", path="", failed_only=False)

    @property
    def filtered(self) -> bool:
        return bool(self.function or self.errno or self.path or self.failed_only)

    @traitlets.validate("function")
    def _valid_function(self, proposal):
        """A component's function given by a short name that stands for exactly one function
        (``open-at``, ``stdout.get-stdout``) becomes its full name, the value the browser's list
        and the coverage panel use. Anything else stays as given (several functions, or an
        error the view shows)."""
        return _full_name(self.trace, proposal["value"])

    @traitlets.validate("page_size")
    def _valid_page_size(self, proposal):
        return _page_size(proposal["value"])

    @traitlets.observe("function", "errno", "path", "failed_only", "page", "page_size")
    def _view_changed(self, change) -> None:
        if change["name"] != "page" and self.page != 0:
            self.page = 0  # observed again: that call updates
            return
        self._update()

    def matches(self) -> list[int] | None:
        """Sequence numbers of the calls the filters let through (None: no filter, all of them).
        Raises ValueError for an errno label that does not exist."""
        return self._matching(self.function, self.errno, self.path, self.failed_only)

    def _matching(self, function: str, errno: str, path: str, failed_only: bool) -> list[int] | None:
        key = (function, errno, path, failed_only)
        if not any(key):
            return None
        seqs = self._matches.get(key)
        if seqs is None:
            seqs = [i + 1 for i in self.trace.select(function=function or None, errno=errno or None,
                                                     path=path or None, failed=True if failed_only else None)]
            self._matches[key] = seqs
            while len(self._matches) > 4:
                self._matches.popitem(last=False)
        else:
            self._matches.move_to_end(key)
        return seqs

    def _page(self, function: str, errno: str, path: str, failed_only: bool, page: int, page_size: int) -> dict:
        """``rows``, ``matched``, ``error`` and ``page`` (kept within the pages there are)."""
        try:
            seqs = self._matching(function, errno, path, failed_only)
            error = ""
        except ValueError as e:
            seqs, error = [], str(e)
        matched = len(self.trace) if seqs is None else len(seqs)
        pages = max(1, -(-matched // page_size))
        page = min(max(page, 0), pages - 1)
        start, end = page * page_size, min(matched, (page + 1) * page_size)
        indices = range(start, end) if seqs is None else [s - 1 for s in seqs[start:end]]
        rows = [data.call_row(self.trace[i]) for i in indices]
        return {"rows": rows, "matched": matched, "error": error, "page": page}

    def _update(self) -> None:
        state = self._page(self.function, self.errno, self.path, self.failed_only, self.page, self.page_size)
        with self.hold_sync():
            for name, value in state.items():
                if name != "page" or value != self.page:
                    setattr(self, name, value)

    # -- export --------------------------------------------------------------------------------

    def export(self, fmt: str = "txt", filtered: bool = False) -> str:
        """The trace (or, with ``filtered``, the calls the filters let through) as strace-like
        text (``txt``, as :meth:`Trace.text`) or JSON Lines (``jsonl``)."""
        return self._export(fmt, self.matches() if filtered else None)

    def _export(self, fmt: str, seqs: list[int] | None) -> str:
        if fmt not in ("txt", "jsonl"):
            raise ValueError(f"unknown export format {fmt!r}: use 'txt' or 'jsonl'")
        indexes = None if seqs is None else [s - 1 for s in seqs]
        return self.trace.text(indexes=indexes) if fmt == "txt" else "\n".join(self.trace.jsonl(indexes))

    def _on_export(self, msg: dict, _buffers) -> None:
        # The filters come with the request: the browser holds back state updates while the
        # kernel is busy, and sends custom messages at once, so this may arrive before them.
        view = msg.get("filters") or {}
        key = tuple(view.get(name, getattr(self, name)) for name in ("function", "errno", "path", "failed_only"))
        fmt = msg.get("format", "txt")
        try:
            seqs = self._matching(*key) if msg.get("filtered") else None
            text = self._export(fmt, seqs)
        except ValueError as e:
            return self._status(str(e), "error", msg)
        filtered = seqs is not None
        name = f"trace{'-filtered' if filtered else ''}.{fmt}"
        self._send_download(name, (text + "\n").encode(), msg, "text/plain" if fmt == "txt" else "application/x-ndjson")

    # -- fallbacks -----------------------------------------------------------------------------

    def _static_html(self) -> str:
        note = "filtered" if self.filtered else ""
        return html.trace_html(self.rows[:100], self.matched, note=note)

    def __rich__(self):
        return trace_text(self.trace)

    def _text(self) -> str:
        return f"TraceWidget: {self.total:,} calls" + (f", {self.matched:,} shown by the filters" if self.filtered else "")


def _page_size(value) -> int:
    return max(1, min(int(value), MAX_PAGE))


def _full_name(trace, name: str) -> str:
    """``name``, or the one component function of ``trace`` it is a short name of."""
    if name and name not in trace.functions:
        found = resolve(name, trace.functions)
        if len(found) == 1:
            return found[0]
    return name


def _overview(trace) -> dict[str, Any]:
    """The traits that describe ``trace`` as a whole: sizes, the functions called (a component's
    with their short names, made unique within each interface as the coverage panel shows them)
    and the outcomes there are to filter on."""
    counts = trace.counts()
    called = [f for f in trace.functions if f in counts]
    component = any(split_function(f)[0] is not None for f in trace.functions)
    labels = short_names(trace.functions) if component else {}
    return {"total": len(trace), "dropped": trace.dropped, "functions": called,
            "labels": {f: labels[f] for f in called} if component else {},
            "errnos": trace.outcome_labels()}  # success first; not EXIT or TRAP: no outcome to filter on
