"""Preview1: the 46 functions of ``wasi_snapshot_preview1`` over one WasiCtx and its MemFs.

The calls live in three groups (``fdcalls``, ``pathcalls``, ``proccalls``); this class joins
them. ``install.py`` puts an instance into a wasmtime linker.
"""

from __future__ import annotations

from .fdcalls import FdCalls
from .pathcalls import PathCalls
from .proccalls import ProcCalls

__all__ = ["Preview1"]


class Preview1(FdCalls, PathCalls, ProcCalls):
    """One guest instance's preview1 host. Every method named for a preview1 function takes
    the guest memory and the call's parameters (not its result pointers), returns the results
    and raises WasiError for an errno."""
