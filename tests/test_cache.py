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


def test_wasmtime_keeps_compiled_guests_in_its_cache_folder(monkeypatch, tmp_path):
    import wasmtime

    from wasi_notebook import Session, guests
    from wasi_notebook.cache import wasmtime_cache_config

    monkeypatch.setenv("WASI_NOTEBOOK_WASMTIME_CACHE", str(tmp_path / "wt"))
    config = wasmtime_cache_config()
    assert config == str(tmp_path / "wt" / "config.toml")
    assert f'directory = "{tmp_path / "wt" / "code"}"' in Path(config).read_text()
    wasm = wasmtime.wat2wasm('(module (func (export "answer") (result i32) (i32.const 42)))')
    Session().load(wasm)
    kept = [p for p in (tmp_path / "wt" / "code").rglob("*") if p.is_file()]
    assert kept, "the compiled module is on disk"
    s = Session()  # a new session (a new engine) over the same cache folder
    assert s.run(guests.path("cat"), stdin=b"still runs").stdout == b"still runs"
    assert len([p for p in (tmp_path / "wt" / "code").rglob("*") if p.is_file()]) > len(kept)  # cat was added


def test_the_wasmtime_cache_can_be_turned_off_or_be_unwritable(monkeypatch, tmp_path):
    from wasi_notebook import Session, guests
    from wasi_notebook.cache import wasmtime_cache_config

    monkeypatch.setenv("WASI_NOTEBOOK_WASMTIME_CACHE", "off")
    assert wasmtime_cache_config() is None
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("WASI_NOTEBOOK_WASMTIME_CACHE", str(blocker / "wt"))
    assert wasmtime_cache_config() is None
    assert Session().run(guests.path("cat"), stdin=b"uncached").stdout == b"uncached"
