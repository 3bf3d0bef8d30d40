"""wasi_notebook.adapter: a preview1 module made into a command component with jco's adapter.
Needs npm (jco is installed once into the cache folder the p2 tests share)."""

import shutil

import pytest

from wasi_notebook import Session
from wasi_notebook.adapter import AdapterError, to_component

from .p2.toolchain import CACHE

ECHO = """(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "adapted\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 8))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"""


@pytest.fixture
def jco(tmp_path):
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    return CACHE  # the jco the p2 tests installed (or this installs it there)


def test_a_module_becomes_a_command_component_that_runs(jco, tmp_path):
    import wasmtime

    module = wasmtime.wat2wasm(ECHO)
    component = to_component(module, cache=tmp_path, jco=jco)
    assert component[:4] == b"\0asm" and component[4:8] != module[4:8]
    assert list(tmp_path.glob("*.wasm")), "the component is cached"
    assert to_component(module, cache=tmp_path, jco=jco) == component  # from the cache
    session = Session()
    guest = session.load(component)
    assert guest.kind == "component"
    result = session.run(guest)
    assert (result.exit_code, result.stdout) == (0, b"adapted\n")


def test_what_cannot_be_adapted_says_why(jco, tmp_path):
    with pytest.raises(AdapterError, match="not wasm"):
        to_component(b"hello", cache=tmp_path, jco=jco)
    import wasmtime

    component = to_component(wasmtime.wat2wasm(ECHO), cache=tmp_path, jco=jco)
    with pytest.raises(AdapterError, match="already a component"):
        to_component(component, cache=tmp_path, jco=jco)
    with pytest.raises(AdapterError, match="could not make") as info:
        to_component(wasmtime.wat2wasm("(module)"), cache=tmp_path, jco=jco)  # no _start
    assert info.value.details


def test_without_npm_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    import wasmtime

    with pytest.raises(AdapterError, match="npm"):
        to_component(wasmtime.wat2wasm(ECHO), cache=tmp_path, jco=tmp_path / "no-jco")
