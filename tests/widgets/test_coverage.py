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
