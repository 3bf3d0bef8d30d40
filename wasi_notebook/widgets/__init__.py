"""Notebook widgets for what a run did, built on anywidget (no build step, no network).

- :class:`TreeWidget`: browse and change the MemFs, marked with a diff;
- :class:`CoverageWidget`: the 46 preview1 functions, imported / called / failed;
- :class:`TraceWidget`: every call, paged and filtered on the Python side;
- :class:`LiveOutput`: a guest's output as it runs;
- :class:`ResultView`: all of it for one run.

Each one also displays as static HTML where no kernel runs it (``text/html`` beside the widget
view, from :mod:`.html`) and as rich text in a terminal IPython.
"""

from .coverage import CoverageWidget
from .output import LiveOutput
from .result import ResultView
from .trace import TraceWidget
from .tree import TreeWidget

__all__ = ["TreeWidget", "CoverageWidget", "TraceWidget", "LiveOutput", "ResultView"]
