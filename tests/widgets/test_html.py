"""The static HTML: every fragment escaped, bounded, and marked in words as well as colours."""

import re

from wasi_notebook import Session
from wasi_notebook.session import P1_FUNCTIONS
from wasi_notebook.widgets import data, html

from .wire import run


def test_tree_marks_and_strikes(changed):
    session, diff = changed
    page = html.tree_html(session.fs, diff)
    assert re.search(r'<span style="color:#2da44e">out\.csv</span>.*\[created\]', page)
    assert "[moved from /home/todo.txt]" in page and "[modified]" in page
    assert re.search(r"<del><span[^>]*line-through[^>]*>blob\.bin</span></del>", page)
    assert "a.txt" in page  # inside the deleted folder
    assert "2 links" in page and "→ notes.txt" in page
    assert page.count("<ul") == page.count("</ul>") and page.count("<li") == page.count("</li>")


def test_tree_is_bounded(fs):
    for i in range(80):
        fs.path(f"/f{i}").touch()
    page = html.tree_html(fs, max_children=50)
    assert page.count("<li") == 51 and "more entries" in page
    assert html.tree_html(fs, max_entries=10).count("<li") == 11


def test_coverage_grid(session):
    coverage = run(session, "cat", "/missing").coverage
    page = html.coverage_html(coverage)
    assert all(f">{name}" in page for name in P1_FUNCTIONS)
    assert 'title="path_open: called with errors, 1 calls; answered NOENT×1; errors NOENT×1"' in page
    assert html.COLORS["not imported"] in page and html.COLORS["called"] in page


def test_trace_table_escapes_arguments(session):
    session.fs.path("/a&b<i>").write_text("x")
    trace = run(session, "cat", "/a&b<i>").trace
    page = html.trace_html([data.call_row(r) for r in trace], len(trace))
    assert "<i>" not in page and "&quot;a&amp;b&lt;i&gt;&quot;" in page
    assert page.count("<tr>") == len(trace) + 1
    short = html.trace_html([data.call_row(trace[0])], len(trace))
    assert f"{len(trace)} calls, first 1 shown" in short


def test_output_and_diff(session):
    assert html.output_html([]) == ""
    assert html.output_html([("stderr", "<b>")]).count("&lt;b&gt;") == 1
    result = run(session, "touch", "/x")
    assert "/x" in html.diff_html(result.diff) and "created" in html.diff_html(result.diff)


def test_result_header_and_trap():
    result = Session().run('(module (func (export "_start") unreachable))')
    assert "trapped" in html.header_html(result) and html.COLORS["deleted"] in html.header_html(result)
    assert "<strong>trap:</strong>" in html.trap_html(result) and "unreachable" in html.trap_html(result)
    assert "wn-static-trace" in html.result_html(result)
