"""wasi_notebook.cache: where built and installed things are kept."""

from pathlib import Path

from wasi_notebook.cache import cache_dir, store


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WASI_NOTEBOOK_JCO_CACHE", str(tmp_path / "mine"))
    assert cache_dir("jco") == tmp_path / "mine"
    monkeypatch.delenv("WASI_NOTEBOOK_JCO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("jco") == tmp_path / "xdg" / "wasi-notebook" / "jco"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir("c") == Path.home() / ".cache" / "wasi-notebook" / "c"


def test_store_writes_whole_files_and_survives_a_readonly_cache(tmp_path):
    target = tmp_path / "a" / "b.wasm"
    store(target, b"\0asm")
    assert target.read_bytes() == b"\0asm"
    assert [p.name for p in target.parent.iterdir()] == ["b.wasm"]  # no partial file left
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store(blocker / "c.wasm", b"data")  # the folder cannot be made: nothing kept, no error
    assert not (blocker / "c.wasm").exists()
