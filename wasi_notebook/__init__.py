"""wasi-notebook: a WASI workbench for Jupyter and the terminal.

A Python WASI host on wasmtime over an in-memory filesystem (:class:`MemFs`), observed call by
call. In a notebook: ``%load_ext wasi_notebook``.
"""

from .errors import Errno, WasiError
from .memfs import MemFs, MemPath
from .session import Guest, LoadError, RunResult, Session

__version__ = "0.1.0"
__all__ = ["Errno", "WasiError", "MemFs", "MemPath", "Session", "Guest", "RunResult", "LoadError", "__version__"]
