"""CoverageWidget: the 46 preview1 functions by group (or, for a component, the functions of
each interface it imports, by the short names its trace lines show, the full name in the tooltip),
each showing whether the guest imported it, called it, and with which errnos (error cases; a
normal end such as a stream's ``closed`` is shown among the answers, not as an error).

All the data is small, so it travels in traits: ``groups`` (from :func:`.data.coverage_groups`),
``summary`` and ``counts``. Clicking a function sets ``selected_function`` (empty for none) and
calls the callbacks registered with :meth:`CoverageWidget.on_select`; the result view uses that
to filter the trace. No custom messages.
"""

from __future__ import annotations

from typing import Any, Callable

import anywidget
import traitlets
from ipywidgets import CallbackDispatcher

from ..render import coverage_table
from ..trace import resolve
from . import data, html
from .base import Displayable, css, esm

__all__ = ["CoverageWidget"]


class CoverageWidget(Displayable, anywidget.AnyWidget):
    """``CoverageWidget(coverage)``: a :class:`~wasi_notebook.trace.Coverage`, of one run or
    combined. ``set_coverage()`` shows another; ``selected_function`` is the function clicked."""

    _esm = esm("coverage.js")
    _css = css("coverage.css")

    interface = traitlets.Unicode("preview1").tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    counts = traitlets.Dict().tag(sync=True)  # status -> number of functions
    groups = traitlets.List().tag(sync=True)
    selected_function = traitlets.Unicode("").tag(sync=True)

    def __init__(self, coverage, **kwargs: Any) -> None:
        self._select_callbacks = CallbackDispatcher()
        self.coverage = coverage
        super().__init__(**_state(coverage), **kwargs)  # in the message that makes the widget

    def set_coverage(self, coverage) -> None:
        self.coverage = coverage
        with self.hold_sync():
            for name, value in _state(coverage).items():
                setattr(self, name, value)
            if self.selected_function and self.selected_function not in coverage.functions:
                self.selected_function = ""

    def on_select(self, callback: Callable[[str], Any], remove: bool = False) -> None:
        """Call ``callback(name)`` when a function is selected (``""`` when cleared)."""
        self._select_callbacks.register_callback(callback, remove=remove)

    def select(self, function: str | None) -> None:
        """Select ``function`` as a click would (None or ``""`` clears)."""
        self.selected_function = function or ""

    @traitlets.validate("selected_function")
    def _valid_selection(self, proposal):
        """A function of the coverage, by its full name; a component's also by a short one that
        stands for exactly one function (``open-at``), made its full name."""
        name = proposal["value"]
        if name and name not in self.coverage.functions:
            found = resolve(name, self.coverage.functions) if self.coverage.interface != "preview1" else []
            if len(found) != 1:
                raise traitlets.TraitError(f"{name!r} is not a {self.coverage.interface} function"
                                           + (f" (it may be any of {', '.join(found)})" if found else ""))
            name = found[0]
        return name

    @traitlets.observe("selected_function")
    def _selected(self, change) -> None:
        self._select_callbacks(change["new"])

    # -- fallbacks -----------------------------------------------------------------------------

    def _static_html(self) -> str:
        return html.coverage_html(self.coverage)

    def __rich__(self):
        return coverage_table(self.coverage)

    def _text(self) -> str:
        return f"CoverageWidget: {self.coverage.interface} {self.summary}"


def _state(coverage) -> dict[str, Any]:
    return {"interface": coverage.interface, "summary": coverage.summary(),
            "counts": data.coverage_counts(coverage), "groups": data.coverage_groups(coverage)}
