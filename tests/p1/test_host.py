"""wasi_notebook.p1.host: Preview1 has a method for each of the 46 functions, taking the
memory and the function's parameters (not its result pointers)."""

from __future__ import annotations

import inspect

from wasi_notebook.ctx import WasiCtx
from wasi_notebook.memfs import MemFs
from wasi_notebook.p1.fdcalls import FdCalls
from wasi_notebook.p1.host import Preview1
from wasi_notebook.p1.pathcalls import PathCalls
from wasi_notebook.p1.proccalls import ProcCalls
from wasi_notebook.p1.signatures import SIGNATURES
from wasi_notebook.p1.state import HostState

from .conftest import FUNCTIONS


def test_all_46_functions_are_methods() -> None:
    assert len(SIGNATURES) == 46 and list(SIGNATURES) == FUNCTIONS
    host = Preview1(WasiCtx(MemFs()))
    for name in SIGNATURES:
        assert callable(getattr(host, name, None)), name


def test_arities_match_the_signatures() -> None:
    for name, sig in SIGNATURES.items():
        params = list(inspect.signature(getattr(Preview1, name)).parameters.values())
        assert params[0].name == "self" and params[1].name == "mem", name
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params), name
        assert len(params) - 2 == len(sig.params), f"{name}: {len(params) - 2} parameters, witx {len(sig.params)}"


def test_each_group_holds_its_own_functions() -> None:
    groups = {FdCalls: "fd_", PathCalls: "path_"}
    for cls, prefix in groups.items():
        own = {n for n in vars(cls) if n in SIGNATURES}
        assert own == {n for n in SIGNATURES if n.startswith(prefix)}
    rest = {n for n in vars(ProcCalls) if n in SIGNATURES}
    assert rest == {n for n in SIGNATURES if not n.startswith(("fd_", "path_"))}
    assert len(rest) == 15
    assert issubclass(Preview1, HostState)
    assert not any(n in SIGNATURES for n in vars(Preview1))  # joins, defines nothing itself
