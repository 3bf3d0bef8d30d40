"""What every widget shares: fallbacks for places without a widget frontend, message handling."""

import types

import IPython

from wasi_notebook.widgets import CoverageWidget, ResultView, TraceWidget, TreeWidget, base

from .wire import run


def test_a_kernel_gets_the_widget_html_and_a_line_of_text(changed):
    session, diff = changed
    bundle, metadata = TreeWidget(session.fs, diff)._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"}
    assert bundle["text/plain"] == "TreeWidget of /: 1 created, 1 modified, 4 deleted, 1 moved, 2 metadata"


def test_a_terminal_gets_the_rich_rendering_in_colour(changed, monkeypatch):
    session, diff = changed
    monkeypatch.setattr(base, "has_frontend", lambda: False)
    result = run(session, "cat", "/missing")
    for widget, expected in ((TreeWidget(session.fs, diff), "out.csv"), (CoverageWidget(result.coverage), "path_open"),
                             (TraceWidget(result.trace), "path_open("), (ResultView(result), "exit 1")):
        bundle, _ = widget._repr_mimebundle_()
        assert list(bundle) == ["text/plain"] and expected in bundle["text/plain"]
        assert "\x1b[" in bundle["text/plain"]  # coloured


def test_has_frontend(monkeypatch):
    assert base.has_frontend()  # no IPython shell: let the caller choose
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace())
    assert not base.has_frontend()  # a terminal shell
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    assert base.has_frontend()


def test_pretty_printing_is_plain_text(session):
    result = run(session, "cat", "/missing")

    class Printer:
        def __init__(self):
            self.out = []

        def text(self, s):
            self.out.append(s)

    printer = Printer()
    CoverageWidget(result.coverage)._repr_pretty_(printer, False)
    assert "path_open" in printer.out[0] and "\x1b[" not in printer.out[0]
