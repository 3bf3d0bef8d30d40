"""Example WASI preview1 guests shipped with wasi-notebook.

Each guest is a small C program in ``src/`` (a tiny coreutils plus two
demos), built to ``wasm32-wasi`` with zig and shipped prebuilt next to this
file, so that no compiler is needed to run them. ``python -m
wasi_notebook.guests.build`` rebuilds them; ``--check`` verifies that the
shipped binaries are exactly what their sources build to.

>>> from wasi_notebook import guests
>>> guests.path("wc").name
'wc.wasm'
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GUESTS", "path", "source"]

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"

#: Names of the bundled guests, in alphabetical order.
GUESTS: tuple[str, ...] = (
    "cat",
    "clock_random",
    "cp",
    "echo_stdin",
    "find",
    "ln",
    "ls",
    "mkdir",
    "mv",
    "rm",
    "touch",
    "wc",
)


def _known(name: str) -> str:
    if name not in GUESTS:
        raise ValueError(f"unknown guest {name!r}; known guests: {', '.join(GUESTS)}")
    return name


def path(name: str) -> Path:
    """The shipped ``.wasm`` file of guest *name* (a preview1 core module)."""
    return HERE / f"{_known(name)}.wasm"


def source(name: str) -> Path:
    """The C source of guest *name*."""
    return SRC_DIR / f"{_known(name)}.c"
