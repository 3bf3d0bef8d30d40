"""wasi-notebook: a WASI workbench for Jupyter and the terminal.

A Python WASI host on wasmtime over an in-memory filesystem (:class:`MemFs`), observed call by
call. In a notebook: ``%load_ext wasi_notebook``.
"""

from .errors import Errno, WasiError
from .memfs import MemFs, MemPath
from .session import Guest, LoadError, RunResult, Session

__version__ = "0.1.0"
__all__ = ["Errno", "WasiError", "MemFs", "MemPath", "Session", "Guest", "RunResult", "LoadError", "__version__"]


def load_ipython_extension(ipython) -> None:
    """``%load_ext wasi_notebook``: register the magics (imported only now: the plain API needs
    no IPython)."""
    from .magics import load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    """``%unload_ext wasi_notebook``: remove the magics."""
    from .magics import unload

    unload(ipython)
