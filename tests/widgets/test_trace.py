"""TraceWidget: one page at a time, whatever the size of the trace; filters; export."""

import pytest

from wasi_notebook import Session
from wasi_notebook.widgets import TraceWidget

from .wire import custom, from_frontend, messages, set_from_frontend, updates, wire_bytes, run

# 90,910 clock_time_get and 9,091 path_filestat_get of a missing file (NOENT): 100,001 calls.
LOOP = """(module
 (import "wasi_snapshot_preview1" "clock_time_get" (func $time (param i32 i64 i32) (result i32)))
 (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
 (memory (export "memory") 1)
 (data (i32.const 64) "missing.txt")
 (func (export "_start") (local $i i32)
  (loop $again
   (drop (call $time (i32.const 0) (i64.const 0) (i32.const 16)))
   (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 10)))
     (then (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 11) (i32.const 128)))))
   (local.set $i (i32.add (local.get $i) (i32.const 1)))
   (br_if $again (i32.lt_u (local.get $i) (i32.const 90910))))))"""


@pytest.fixture(scope="module")
def big():
    result = Session().run(LOOP)
    assert len(result.trace) == 100_001
    return result.trace


def test_a_trace_of_100000_calls_sends_one_page(big):
    widget = TraceWidget(big)
    assert len(widget.rows) == 200 and widget.total == widget.matched == 100_001
    assert wire_bytes(widget) < 120_000  # the module, the CSS and 200 rows
    since = len(messages(widget))
    set_from_frontend(widget, page=300)
    state = updates(widget, since)
    assert [r["seq"] for r in state["rows"]] == list(range(60_001, 60_201))
    assert wire_bytes(widget, since) < 60_000
    set_from_frontend(widget, page=10**6)  # past the end: the last page
    assert widget.page == 500 and [r["seq"] for r in widget.rows] == [100_001]


def test_filters_on_a_big_trace(big):
    widget = TraceWidget(big)
    assert widget.functions == ["clock_time_get", "path_filestat_get"]
    assert widget.errnos == ["SUCCESS", "NOENT"]
    set_from_frontend(widget, page=3)
    since = len(messages(widget))
    set_from_frontend(widget, failed_only=True)
    assert widget.page == 0 and widget.matched == 9_091
    assert {r["function"] for r in widget.rows} == {"path_filestat_get"} and len(widget.rows) == 200
    assert all(r["errno"] == "NOENT" and r["failed"] for r in widget.rows)
    assert wire_bytes(widget, since) < 80_000
    set_from_frontend(widget, failed_only=False, errno="SUCCESS")
    assert widget.matched == 90_910 and widget.rows[0]["function"] == "clock_time_get"
    widget.clear_filters()
    assert widget.matched == 100_001


def test_filter_by_function_and_path(session):
    session.fs.path("/a.txt").write_text("a")
    session.fs.path("/b.csv").write_text("b")
    result = run(session, "cat", "/a.txt", "/b.csv", "/c.txt")
    widget = TraceWidget(result.trace)
    widget.filter_function("path_open")
    assert widget.matched == 3 and {r["function"] for r in widget.rows} == {"path_open"}
    set_from_frontend(widget, path="*.txt")
    assert [r["errno"] for r in widget.rows] == ["", "NOENT"]
    widget.set_filters(function="", path="b.*")
    assert widget.matched == 1 and widget.rows[0]["function"] == "path_open"
    widget.filter_function(None)
    assert widget.function == "" and widget.matched == 1  # the path filter stays
    set_from_frontend(widget, path="", errno="NOENT")
    assert [r["function"] for r in widget.rows] == ["path_open"]


def test_a_bad_errno_is_shown_not_raised(session):
    widget = TraceWidget(run(session, "cat", "/x").trace)
    set_from_frontend(widget, errno="NOTANERRNO")
    assert widget.rows == [] and widget.matched == 0 and "NOTANERRNO" in widget.error
    set_from_frontend(widget, errno="")
    assert widget.error == "" and widget.rows


def test_page_size_is_bounded(big):
    widget = TraceWidget(big, page_size=10**9)
    assert widget.page_size == 1000 and len(widget.rows) == 1000


def test_export_text_and_jsonl(session):
    result = run(session, "cat", "/x")
    widget = TraceWidget(result.trace)
    [(answer, [body])] = from_frontend(widget, {"type": "export", "format": "txt", "id": "e"})
    assert answer["name"] == "trace.txt" and answer["id"] == "e"
    assert body.decode() == result.trace.text() + "\n"
    widget.filter_function("path_open")
    [(answer, [body])] = from_frontend(widget, {"type": "export", "format": "jsonl", "filtered": True})
    assert answer["name"] == "trace-filtered.jsonl"
    lines = body.decode().splitlines()
    assert len(lines) == 1 and '"function": "path_open"' in lines[0] and '"errno": "NOENT"' in lines[0]
    # The browser sends its filters along: its state updates may still be held back.
    [(answer, [body])] = from_frontend(widget, {"type": "export", "format": "txt", "filtered": True, "filters": {
        "function": "", "errno": "", "path": "", "failed_only": True}})
    assert [line.split()[1].split("(")[0] for line in body.decode().splitlines()] == ["fd_prestat_get", "path_open"]
    [(bad, _)] = from_frontend(widget, {"type": "export", "format": "pdf"})
    assert bad["type"] == "status" and bad["level"] == "error"


def test_static_html_is_the_page_shown_escaped(session):
    session.fs.path("/<script>x").write_text("x")
    widget = TraceWidget(run(session, "cat", "/<script>x").trace)
    page = widget._repr_mimebundle_()[0]["text/html"]
    assert "<script>" not in page and "&quot;&lt;script&gt;x&quot;" in page
    assert page.count("<tr>") == len(widget.rows) + 1  # the header row, then one per call
    assert not custom(widget)
