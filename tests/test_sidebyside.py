"""wasi_notebook.sidebyside: a module and its adapted component from the same MemFs, compared.
The runs need jco (npm); the comparison of trees does not."""

import pytest
import wasmtime
from rich.console import Console

from wasi_notebook import LoadError, MemFs, Session, guests
from wasi_notebook.sidebyside import side_by_side, tree_differences

from . import watguests


@pytest.fixture
def session(adapter_cache):
    s = Session()
    s.fs.path("/notes.txt").write_text("one\ntwo\n")
    return s


def test_cat_agrees_and_each_side_has_its_own_calls(session):
    both = side_by_side(session, guests.path("cat"), ["notes.txt"], deterministic=True)
    assert both.agree and both.differences() == [] and both.files == []
    assert both.module.stdout == both.component.stdout == b"one\ntwo\n"
    assert both.module.guest.kind == "module" and both.component.guest.kind == "component"
    assert both.module.guest.name == both.component.guest.name == "cat.wasm"  # the same argv[0]
    module_calls = [r.function for r in both.module.trace]
    component_calls = [r.function for r in both.component.trace]
    assert "path_open" in module_calls and "fd_read" in module_calls
    assert "[method]descriptor.open-at" in component_calls and "[method]input-stream.blocking-read" in component_calls
    assert not any(c.startswith("[method]") for c in module_calls)
    drops = [c for c in component_calls if c.startswith("[resource-drop]")]
    assert drops == ["[resource-drop]descriptor", "[resource-drop]input-stream", "[resource-drop]descriptor"]
    assert both.summary() == (f"{len(module_calls)} preview1 calls became {len(component_calls) - 3} preview2 calls "
                              "and 3 drops; same exit, output and files")


def test_the_component_runs_on_the_session_memfs_and_the_module_on_a_copy(session):
    both = side_by_side(session, guests.path("cp"), ["notes.txt", "copy.txt"])
    assert both.agree, both.differences()
    assert session.fs.path("/copy.txt").read_text() == "one\ntwo\n"
    assert [c.path for c in both.component.diff.created] == ["/copy.txt"]
    assert [c.path for c in both.module.diff.created] == ["/copy.txt"]  # on its copy, from the same start


def test_what_differs_is_said(session):
    exit_7 = session.load(watguests.EXIT_7, name="exit7")
    both = side_by_side(session, exit_7)
    assert not both.agree
    assert both.differences() == ["the module exited 7, the component exited 1"]  # wasi:cli/exit is ok or err
    assert "1 difference" in both.summary()


def test_renderings_show_both_traces(session):
    both = side_by_side(session, guests.path("cat"), ["notes.txt"])
    page = both._repr_html_()
    assert page.count("wn-side-by-side-calls") == 2 and "<strong title=\"wasi:filesystem/types\">open-at</strong>" in page
    assert "preview1 module on our preview1 host" in page and "adapted component on our preview2 host" in page
    assert "path_open" in page and "open-at" in page and "one\ntwo" in page
    text = both.text()
    assert text.index("path_open(") < text.index("open-at(")
    console = Console(width=200, record=True)
    console.print(both)
    shown = console.export_text()
    assert "preview1 module, our p1 host: exited 0" in shown and "open-at(" in shown
    assert repr(both).startswith("<SideBySide cat.wasm: ")


def test_only_a_preview1_command_module_can_be_adapted(session):
    component = session.adapt(guests.path("cat"))
    assert component.kind == "component" and component.name == "cat.wasm"
    with pytest.raises(LoadError, match="already a preview2 component"):
        session.adapt(component)
    library = session.load(wasmtime.wat2wasm('(module (memory (export "memory") 1))'), name="lib")
    with pytest.raises(LoadError, match="no _start function"):
        side_by_side(session, library)


# -- comparing trees (no jco needed) --------------------------------------------------------------

def _two_trees():
    a, b = MemFs(), MemFs()
    for fs in (a, b):
        fs.path("/same").mkdir()
        fs.path("/same/f.txt").write_text("equal")
    return a, b


def test_equal_trees_have_no_differences_whatever_their_times():
    a, b = _two_trees()
    b.path("/same/f.txt").set_times(1, 1)
    assert tree_differences(a, b) == []


def test_tree_differences_name_each_path_once_outermost_first():
    a, b = _two_trees()
    a.path("/only_module/deep").mkdir(parents=True)
    a.path("/only_module/deep/x").write_text("x")
    b.path("/only_component.txt").write_text("new")
    a.path("/same/f.txt").write_text("longer text")
    b.path("/same/g").symlink_to("f.txt")
    a.path("/same/g").symlink_to("elsewhere")
    a.path("/kind").mkdir()
    b.path("/kind").write_text("file")
    b.path("/same/h.txt").write_text("equal")
    b.path("/same/hard").hardlink_to(b.path("/same/h.txt"))
    a.path("/same/h.txt").write_text("equal")
    a.path("/same/hard").write_text("equal")  # a hard link and a copy hold the same
    a.path("/flip.txt").write_text("abcd")
    b.path("/flip.txt").write_text("abXd")
    assert tree_differences(a, b) == [
        "/flip.txt: 4 bytes after the module, 4 after the component, first different at byte 2",
        "/kind: a dir after the module, a file after the component",
        "/only_component.txt: only the component left this file",
        "/only_module: only the module left this dir",
        "/same/f.txt: 11 bytes after the module, 5 after the component",
        "/same/g: links to 'elsewhere' after the module, to 'f.txt' after the component",
    ]

