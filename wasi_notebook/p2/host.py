"""Preview2: the WASI 0.2 interfaces, implemented over a WasiCtx and its MemFs.

``Preview2(ctx).interfaces()`` maps each interface name (without version) to its functions,
by the names a component imports them under (``[method]output-stream.write``). Borrowed
resources arrive as reps (ints); results use the plain form of :mod:`.values`. A function whose
WIT result is a ``result`` returns its ok value (or an explicit ``Ok``/``Err`` for an outcome that
is not a failure, such as a stream's ``closed``) and fails by raising WasiError: the wrapper in
:mod:`.link` turns that into the interface's error case, through :mod:`.errors`. Breaking a rule
of an interface raises GuestError, which traps the guest.

The functions live in one module per package: :mod:`.cli`, :mod:`.clocks`, :mod:`.random`,
:mod:`.io`, :mod:`.filesystem` (and :mod:`.network`, which denies everything).
"""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx
from .cli import CliHost, GuestExit
from .clocks import ClocksHost
from .filesystem import FilesystemHost
from .io import IoHost
from .network import NetworkPolicy
from .random import RandomHost
from .resources import ResourceTable

__all__ = ["Preview2", "GuestExit"]


class Preview2(CliHost, ClocksHost, RandomHost, IoHost, FilesystemHost):
    """The preview2 host of one run."""

    def __init__(self, ctx: WasiCtx) -> None:
        self.ctx = ctx
        self.table = ResourceTable()

    def close_all(self) -> None:
        """Drop every resource still live (the run is over), closing MemFs handles."""
        self.table.close_all()

    def interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        """Every interface this host serves. Works before ``__init__`` has run (the linker lists
        the table to say what a component misses): nothing here may read ``ctx`` or ``table``."""
        return {
            **self.cli_interfaces(),
            **self.clock_interfaces(),
            **self.random_interfaces(),
            **self.io_interfaces(),
            **self.filesystem_interfaces(),
            **NetworkPolicy(self).interfaces(),  # wasi:sockets and wasi:http, every attempt denied
        }
