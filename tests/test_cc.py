"""C cells: source to a wasm32-wasi module with zig, cached by content."""

import importlib.util
import subprocess

import pytest

from wasi_notebook import Session
from wasi_notebook.cc import CompileError, ZigMissing, compile_c

HELLO = '#include <stdio.h>\nint main(void) { puts("hi from C"); return 0; }\n'


def test_builds_runs_and_is_cached(tmp_path, monkeypatch):
    wasm = compile_c(HELLO, cache=tmp_path)
    assert wasm[:4] == b"\0asm" and len(list(tmp_path.glob("*.wasm"))) == 1
    assert Session().run(wasm).stdout == b"hi from C\n"
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("compiled again"))
    assert compile_c(HELLO, cache=tmp_path) == wasm


def test_the_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WASI_NOTEBOOK_C_CACHE", str(tmp_path / "here"))
    compile_c(HELLO)
    assert len(list((tmp_path / "here").glob("*.wasm"))) == 1


def test_errors_are_counted_and_the_diagnostics_kept(tmp_path):
    with pytest.raises(CompileError) as caught:
        compile_c("int main(void) { return a + b; }\n", cache=tmp_path)
    assert str(caught.value) == "the C source does not compile (2 errors)"
    assert "cell.c:1:" in caught.value.diagnostics and "use of undeclared identifier 'a'" in caught.value.diagnostics
    assert not list(tmp_path.glob("*.wasm"))


def test_without_zig_it_says_what_to_install(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ziglang" else real(name, *a))
    with pytest.raises(ZigMissing, match=r"pip install 'wasi-notebook\[c\]'"):
        compile_c(HELLO, cache=tmp_path)
