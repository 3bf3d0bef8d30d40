"""CoverageWidget: the grid's data in traits, a click as a state update from the browser."""

import pytest
import traitlets

from wasi_notebook.session import P1_FUNCTIONS
from wasi_notebook.trace import Coverage
from wasi_notebook.widgets import CoverageWidget

from .wire import messages, set_from_frontend, updates, wire_bytes, run


@pytest.fixture
def cat_missing(session):
    return run(session, "cat", "/missing")


def test_the_grid_in_the_state(cat_missing):
    widget = CoverageWidget(cat_missing.coverage)
    state = messages(widget)[0][1]["state"]
    cells = [c for g in state["groups"] for c in g["functions"]]
    assert [c["name"] for c in cells] == P1_FUNCTIONS
    assert state["summary"] == cat_missing.coverage.summary()
    failed = [c["name"] for c in cells if c["status"] == "called with errors"]
    assert failed == ["fd_prestat_get", "path_open"]  # BADF past the preopens, NOENT
    assert state["counts"]["called with errors"] == 2
    assert sum(state["counts"].values()) == 46
    assert state["selected_function"] == ""
    assert wire_bytes(widget) < 60_000


def test_a_click_selects_and_calls_back(cat_missing):
    widget = CoverageWidget(cat_missing.coverage)
    seen = []
    widget.on_select(seen.append)
    set_from_frontend(widget, selected_function="path_open")
    assert widget.selected_function == "path_open" and seen == ["path_open"]
    set_from_frontend(widget, selected_function="")
    assert seen == ["path_open", ""]
    widget.on_select(seen.append, remove=True)
    widget.select("fd_write")
    assert seen == ["path_open", ""] and widget.selected_function == "fd_write"


def test_only_functions_of_the_interface_can_be_selected(cat_missing):
    widget = CoverageWidget(cat_missing.coverage)
    with pytest.raises(traitlets.TraitError):
        widget.select("not_a_function")


def test_set_coverage(session, cat_missing):
    widget = CoverageWidget(cat_missing.coverage)
    since = len(messages(widget))
    other = run(session, "clock_random")
    combined = Coverage.combined([cat_missing.coverage, other.coverage])
    widget.set_coverage(combined)
    sent = [m for m in messages(widget)[since:] if m[1].get("method") == "update"]
    assert len(sent) == 1  # one message for the whole change
    assert updates(widget, since)["summary"] == combined.summary()
    assert "clock_time_get" in {c["name"] for g in widget.groups for c in g["functions"] if c["calls"]}


def test_static_html_shows_every_function(cat_missing):
    page = CoverageWidget(cat_missing.coverage)._repr_mimebundle_()[0]["text/html"]
    assert all(f">{name}" in page for name in P1_FUNCTIONS)
    assert "NOENT×1" in page and "called 1" not in page
    assert cat_missing.coverage.summary() in page


@pytest.fixture
def component_run(session):
    from wasi_notebook import guests

    from ..p2.toolchain import componentize

    session.fs.path("/a.txt").write_text("alpha\n")
    cat = session.load(componentize(guests.path("cat")), name="cat")
    return session.run(cat, ["a.txt", "missing"], deterministic=True, faults=["read-via-stream=IO"])


def test_a_components_grid_is_by_interface(component_run):
    coverage = component_run.coverage
    widget = CoverageWidget(coverage)
    state = messages(widget)[0][1]["state"]
    assert state["interface"] == "preview2" and state["summary"] == coverage.summary()
    groups = {g["name"]: g["functions"] for g in state["groups"]}
    assert list(groups) == [name for name in coverage.interfaces() if coverage.interfaces()[name]]
    cells = {c["name"]: c for c in groups["wasi:filesystem/types"]}
    assert cells["wasi:filesystem/types#[method]descriptor.open-at"] == {
        "name": "wasi:filesystem/types#[method]descriptor.open-at", "label": "open-at",
        "status": "called with errors", "calls": 2, "errors": [["no-entry", 1]], "ends": [],
        "answers": [["ok", 1], ["no-entry", 1]]}
    assert cells["wasi:filesystem/types#[method]descriptor.read-via-stream"]["errors"] == [["io", 1]]
    # the short names the trace lines show, unique within each interface
    assert groups["wasi:cli/stdout"][0]["label"] == "stdout.get-stdout"
    assert {"blocking-read", "blocking-write-and-flush"} <= {c["label"] for c in groups["wasi:io/streams"]}
    assert sum(state["counts"].values()) == len(coverage.functions) and state["counts"]["not imported"] == 0
    set_from_frontend(widget, selected_function="wasi:filesystem/types#[method]descriptor.open-at")
    widget.select("")
    widget.select("open-at")  # a short name that stands for one function selects its full name
    assert widget.selected_function == "wasi:filesystem/types#[method]descriptor.open-at"
    with pytest.raises(traitlets.TraitError, match="not a preview2 function"):
        widget.select("no-such-function")
    page = widget._repr_mimebundle_()[0]["text/html"]
    assert "wasi:filesystem/types" in page and ">open-at" in page and "no-entry×1" in page
    assert 'title="wasi:filesystem/types#[method]descriptor.open-at: called with errors' in page


def test_a_short_name_of_two_functions_selects_neither():
    streams = ["wasi:io/streams#[method]input-stream.subscribe", "wasi:io/streams#[method]output-stream.subscribe"]
    widget = CoverageWidget(Coverage(streams, streams, {}, interface="preview2", imports=["wasi:io/streams@0.2.3"]))
    assert [c["label"] for g in widget.groups for c in g["functions"]] == ["input-stream.subscribe",
                                                                         "output-stream.subscribe"]
    with pytest.raises(traitlets.TraitError, match="any of"):
        widget.select("subscribe")
    widget.select("output-stream.subscribe")
    assert widget.selected_function == streams[1]


@pytest.fixture
def component_read(session):
    """cat of a file through a component: its stream read to the end answers closed."""
    from wasi_notebook import guests

    from ..p2.toolchain import componentize

    session.fs.path("/a.txt").write_text("alpha\n")
    cat = session.load(componentize(guests.path("cat")), name="cat")
    return session.run(cat, ["a.txt"], deterministic=True)


def test_a_stream_read_to_its_end_is_not_a_failure_in_the_grid(component_read):
    assert component_read.exit_code == 0
    widget = CoverageWidget(component_read.coverage)
    state = messages(widget)[0][1]["state"]
    [cell] = [c for g in state["groups"] for c in g["functions"] if c["label"] == "blocking-read"]
    assert cell["status"] == "called" and cell["errors"] == []
    assert cell["ends"] == [["closed", 1]] and cell["answers"] == [["ok", 1], ["closed", 1]]
    assert state["counts"]["called with errors"] == 0
    page = widget._repr_mimebundle_()[0]["text/html"]
    assert "answered ok×1, closed×1" in page and "errors closed" not in page


def test_a_components_trace_filters_on_error_cases(component_run):
    from wasi_notebook.widgets import TraceWidget

    widget = TraceWidget(component_run.trace)
    assert widget.errnos[0] == "ok" and {"no-entry", "io"} <= set(widget.errnos)  # ok, then as they came
    widget.set_filters(function="wasi:filesystem/types#[method]descriptor.open-at", errno="no-entry")
    [row] = widget.rows
    assert row["function"] == "open-at" and row["interface"] == "wasi:filesystem/types"
    assert row["errno"] == "no-entry" and row["failed"] and ["path", '"missing"'] in row["args"]
    widget.set_filters(function="", errno="io")
    [row] = widget.rows
    assert row["function"] == "read-via-stream" and row["injected"] and row["errno_text"].startswith("IO")
    assert row["name"] == "wasi:filesystem/types#[method]descriptor.read-via-stream" and not row["end"]


def test_a_components_function_list_has_short_names_and_takes_both_forms(component_run):
    from wasi_notebook.widgets import TraceWidget

    widget = TraceWidget(component_run.trace)
    assert widget.labels["wasi:filesystem/types#[method]descriptor.open-at"] == "open-at"
    assert widget.labels["wasi:cli/stdout#get-stdout"] == "stdout.get-stdout"
    assert list(widget.labels) == widget.functions  # every function in the list has its short name
    full = [r["seq"] for r in (widget.set_filters(function="wasi:cli/stdout#get-stdout"), widget.rows)[1]]
    widget.set_filters(function="stdout.get-stdout")  # as the row shows it
    assert widget.function == "wasi:cli/stdout#get-stdout" and [r["seq"] for r in widget.rows] == full
    widget.set_filters(function="open-at")
    assert widget.function == "wasi:filesystem/types#[method]descriptor.open-at" and widget.matched == 2
    assert TraceWidget(component_run.trace, function="open-at").function.endswith("open-at")


def test_a_stream_read_to_its_end_is_not_among_the_failed_calls(component_read):
    from wasi_notebook.widgets import TraceWidget

    widget = TraceWidget(component_read.trace)
    assert "closed" in widget.errnos
    widget.set_filters(errno="closed")
    [row] = widget.rows
    assert row["function"] == "blocking-read" and row["end"] and not row["failed"]
    widget.set_filters(errno="", failed_only=True)
    assert widget.rows == [] and widget.matched == 0
