"""The plain data the widgets show: folder pages with marks, coverage cells, trace rows."""

import pytest

from wasi_notebook import Session
from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.render import GROUPS
from wasi_notebook.session import P1_FUNCTIONS
from wasi_notebook.widgets.data import Marks, call_row, coverage_groups, list_dir, run_summary

from .wire import run


def by_name(listing):
    return {e["name"]: e for e in listing["entries"]}


def test_entries_carry_the_marks_of_the_diff(changed):
    session, diff = changed
    home = by_name(list_dir(session.fs, "/home", Marks(diff)))
    assert home["out.csv"]["change"] == "created"
    assert home["notes.txt"]["change"] == "modified"
    assert home["done.txt"]["change"] == "moved" and home["done.txt"]["from"] == "/home/todo.txt"
    assert home["keep.txt"]["change"] == "metadata" and home["keep.txt"]["nlink"] == 2
    assert home["link"] == {**home["link"], "kind": "symlink", "target": "notes.txt", "dangling": False}
    assert "change" not in home["link"]
    assert "todo.txt" not in home  # moved away: told at its new name
    assert home["out.csv"]["size"] == 4 and home["out.csv"]["size_text"] == "4 B"


def test_deleted_entries_come_last_and_a_deleted_folder_lists_what_it_held(changed):
    session, diff = changed
    marks = Marks(diff)
    data = list_dir(session.fs, "/data", marks)
    assert [(e["name"], e.get("change")) for e in data["entries"]] == [
        ("numbers.csv", None), ("blob.bin", "deleted"), ("old", "deleted")]
    old = by_name(data)["old"]
    assert old["deleted"] and old["kind"] == "dir" and old["inside"]
    assert [e["name"] for e in list_dir(session.fs, "/data/old", marks)["entries"]] == ["a.txt", "b.txt"]
    root = by_name(list_dir(session.fs, "/", marks))
    assert root["data"]["inside"] and root["home"]["inside"]
    with pytest.raises(WasiError) as e:
        list_dir(session.fs, "/nowhere", marks)
    assert e.value.errno is Errno.NOENT


def test_a_deleted_name_made_again_shows_once(changed):
    session, diff = changed
    session.fs.path("/data/blob.bin").write_bytes(b"new")
    names = [e["name"] for e in list_dir(session.fs, "/data", Marks(diff))["entries"]]
    assert names.count("blob.bin") == 1


def test_pages_of_a_big_folder_then_its_deleted_entries(fs):
    folder = fs.path("/many")
    folder.mkdir()
    for i in range(1203):
        (folder / f"f{i}").touch()
    before = fs.snapshot()
    for i in range(0, 6):
        (folder / f"f{i}").unlink()
    marks = Marks(before.diff())
    pages, cursor = [], None
    while True:
        page = list_dir(fs, "/many", marks, cursor, limit=400)
        pages.append(page)
        cursor = page["next"]
        if cursor is None:
            break
    assert [len(p["entries"]) for p in pages] == [400, 400, 397 + 3, 3]  # 1197 live, then 6 deleted
    assert [p["start"] for p in pages] == [True, False, False, False]
    names = [e["name"] for p in pages for e in p["entries"]]
    assert names[:3] == ["f6", "f7", "f8"] and len(set(names)) == 1203
    assert [e["name"] for e in pages[-1]["entries"]] == ["f3", "f4", "f5"]
    assert all(e["deleted"] for e in pages[-2]["entries"][-3:] + pages[-1]["entries"])


def test_marks_without_a_diff():
    marks = Marks(None)
    assert marks.counts() == [] and marks.change("/x") is None and not marks.inside


def test_coverage_cells_by_group(session):
    result = run(session, "cat", "/missing")
    groups = coverage_groups(result.coverage)
    assert [g["name"] for g in groups] == [name for name, _ in GROUPS]
    cells = {c["name"]: c for g in groups for c in g["functions"]}
    assert list(cells) == P1_FUNCTIONS  # witx order kept within groups, groups in order
    assert cells["path_open"] == {"name": "path_open", "label": "path_open", "status": "called with errors", "calls": 1,
                                  "errors": [["NOENT", 1]], "ends": [], "answers": [["NOENT", 1]]}
    assert cells["fd_write"]["status"] == "called"
    assert cells["sock_accept"]["status"] == "not imported"
    assert {c["status"] for c in cells.values()} == {"not imported", "imported", "called", "called with errors"}


def test_call_rows(session):
    session.fs.path("/a.txt").write_text("x")
    result = run(session, "cat", "/a.txt", "/nope")
    rows = [call_row(r) for r in result.trace]
    opened = next(r for r in rows if r["function"] == "path_open" and not r["failed"])
    assert ["path", '"a.txt"'] in opened["args"] and opened["result"] == "fd 4" and opened["errno"] == ""
    failed = next(r for r in rows if r["function"] == "path_open" and r["failed"])
    assert failed["errno"] == "NOENT" and failed["errno_text"] == "no such file or directory"
    assert failed["result"] == ""
    exit_row = rows[-1]
    assert exit_row["function"] == "proc_exit" and exit_row["result"] == "exit 1" and not exit_row["failed"]
    assert all(r["us"] >= 0 for r in rows)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))


def test_run_summary(session):
    result = run(session, "touch", "/new.txt")
    assert run_summary(result) == (f"exit 0 in {result.duration_s * 1e3:.1f} ms, {len(result.trace)} calls, "
                                   f"{result.coverage.summary()}, 1 created")
    trapped = Session().run("(module (func (export \"_start\") unreachable))")
    assert run_summary(trapped).startswith("trapped (")
