"""ResultView: one run in one view, with the coverage panel filtering the trace."""

import ipywidgets

from wasi_notebook import Session
from wasi_notebook.widgets import CoverageWidget, ResultView, TraceWidget, TreeWidget

from .wire import custom, set_from_frontend, run


def test_a_run_with_its_files_and_calls(changed):
    session, _ = changed
    result = run(session, "cat", "/home/notes.txt", "/missing")
    view = ResultView(result, session.fs)
    header, output, tabs = view.children
    assert "exit 1 in" in header.value and "called" in header.value
    assert output is view.output and output.chunks == [["stdout", "n\n1\n"], ["stderr", "cat: /missing: No such file or directory\n"]]
    assert isinstance(tabs, ipywidgets.Tab) and tabs.titles[0].startswith("Files")
    files, calls = tabs.children
    assert isinstance(files, TreeWidget) and files.diff is result.diff
    coverage, trace = calls.children
    assert isinstance(coverage, CoverageWidget) and isinstance(trace, TraceWidget)


def test_a_click_in_the_coverage_panel_filters_the_trace_and_back(session):
    result = run(session, "cat", "/missing")
    view = ResultView(result)
    set_from_frontend(view.coverage, selected_function="path_open")
    assert view.trace.function == "path_open" and [r["errno"] for r in view.trace.rows] == ["NOENT"]
    set_from_frontend(view.trace, function="fd_write")
    assert view.coverage.selected_function == "fd_write"
    set_from_frontend(view.coverage, selected_function="")
    assert view.trace.function == "" and view.trace.matched == len(result.trace)


def test_without_a_memfs_the_files_tab_lists_the_changes(session):
    result = run(session, "touch", "/made.txt")
    view = ResultView(result)
    files = view.tabs.children[0]
    assert isinstance(files, ipywidgets.HTML) and "/made.txt" in files.value and "created" in files.value
    assert view.tree is None


def test_a_trap_shows_its_message_and_backtrace():
    guest = '(module (func $deep unreachable) (func (export "_start") call $deep))'
    result = Session().run(guest)
    view = ResultView(result)
    trap = [w for w in view.children if isinstance(w, ipywidgets.HTML) and "trap:" in w.value]
    assert len(trap) == 1 and "unreachable" in trap[0].value and "deep" in trap[0].value
    assert view.output not in view.children  # nothing was written
    assert "trapped" in view._repr_mimebundle_()[0]["text/html"]


def test_output_streams_while_the_guest_runs(session):
    view = ResultView.streaming("echo_stdin")
    assert view.output.running and "echo_stdin" in view.header.value
    result = run(session, "echo_stdin", stdin=b"typed\n", **view.writers())
    streamed = [c for c, _ in custom(view.output) if c["type"] == "append"]
    assert streamed and streamed[0]["chunks"][0] == ["stdout", "typed\n"]
    view.finish(result, session.fs)
    assert not view.output.running
    assert view.output.chunks == [["stdout", "typed\n"], ["stderr", "echo_stdin: read 6 bytes in 2 fd_read calls\n"]]
    assert view.tree is not None and view.children[1] is view.output


def test_static_html_holds_the_whole_run(changed):
    session, _ = changed
    result = run(session, "cp", "/home/notes.txt", "/home/<script>.txt")
    bundle, _ = ResultView(result, session.fs)._repr_mimebundle_()
    page = bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<script>" not in page and "&lt;script&gt;.txt" in page
    for part in ("exit 0 in", "wn-static-tree", "wn-static-coverage", "wn-static-trace", "[created]"):
        assert part in page
    assert bundle["text/plain"].startswith("<RunResult cp.wasm exit 0")
