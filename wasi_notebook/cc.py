"""C source text to a preview1 module, with zig's C compiler (the optional ``c`` extra:
``pip install 'wasi-notebook[c]'``), cached by content so that running a cell again costs nothing.

>>> wasm = compile_c('#include <stdio.h>\\nint main(void) { puts("hi"); }')
>>> wasm[:4]
b'\\x00asm'

The first build on a machine takes some 15 s while zig fills its cache of wasi-libc; later ones
take a fraction of a second. Builds go to ``$XDG_CACHE_HOME/wasi-notebook/c`` (or
``~/.cache/wasi-notebook/c``, or ``$WASI_NOTEBOOK_C_CACHE``), one file per hash of the source, the
flags and the zig version.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import subprocess
import tempfile
from pathlib import Path

from .cache import cache_dir as user_cache_dir, store
from .guests.build import zig_command

__all__ = ["CFLAGS", "CompileError", "ZigMissing", "compile_c", "cache_dir"]

#: Flags after ``python -m ziglang cc``. Function names are kept, for readable backtraces.
CFLAGS: tuple[str, ...] = ("-target", "wasm32-wasi", "-O2")

SOURCE_NAME = "cell.c"


class CompileError(Exception):
    """The compiler rejected the source. ``diagnostics`` holds what it said."""

    def __init__(self, message: str, diagnostics: str) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class ZigMissing(CompileError):
    """The ``ziglang`` package is not installed."""


def cache_dir() -> Path:
    """``$WASI_NOTEBOOK_C_CACHE``, else ``wasi-notebook/c`` in the user's cache folder."""
    return user_cache_dir("c")


def _zig_version() -> str:
    if importlib.util.find_spec("ziglang") is None:
        raise ZigMissing("building C needs zig: pip install 'wasi-notebook[c]' (or pip install ziglang)", "")
    try:
        return importlib.metadata.version("ziglang")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def compile_c(source: str, *, cache: Path | None = None) -> bytes:
    """Compile C ``source`` (one translation unit, with wasi-libc) to a wasm32-wasi module.

    Raises ZigMissing without the ``ziglang`` package and CompileError when the source does not
    compile (its message says how many errors; ``diagnostics`` has the compiler's words, with the
    file called ``cell.c``).
    """
    version = _zig_version()
    key = hashlib.sha256("\0".join([version, *CFLAGS, source]).encode()).hexdigest()
    folder = cache if cache is not None else cache_dir()
    built = folder / f"{key}.wasm"
    if built.exists():
        return built.read_bytes()
    with tempfile.TemporaryDirectory(prefix="wasi-notebook-cc-") as tmp:
        Path(tmp, SOURCE_NAME).write_text(source)
        proc = subprocess.run([*zig_command(), *CFLAGS, SOURCE_NAME, "-o", "cell.wasm"],
                              cwd=tmp, capture_output=True, text=True)
        diagnostics = (proc.stderr + proc.stdout).strip()
        if proc.returncode != 0:
            errors = sum(1 for line in diagnostics.splitlines() if ": error:" in line)
            counted = f"{errors} error{'s' if errors != 1 else ''}" if errors else "it failed"
            raise CompileError(f"the C source does not compile ({counted})", diagnostics)
        data = Path(tmp, "cell.wasm").read_bytes()
    store(built, data)
    return data
