"""Link a component's WASI 0.2.x imports to a :class:`Preview2` host on a wasmtime-py linker.

Each interface is defined under the exact name the component imports (any ``@0.2.x``).
Resources are defined in the interface that declares them; borrowed and owned handles
arriving as ``ResourceAny`` are turned into reps before a host function sees them.
"""

from __future__ import annotations

from typing import Any, Callable

import wasmtime
from wasmtime.component import (
    BorrowType, Component, ComponentInstanceType, FuncType, Linker, OwnType, ResourceAny, ResourceType,
    ResultType,
)

from ..errors import WasiError
from .errors import failure
from .host import Preview2
from .resources import RESOURCES, IoError
from .values import Err, Ok, lower

__all__ = ["link", "missing_imports", "answer", "COMMAND_EXPORT"]

COMMAND_EXPORT = "wasi:cli/run"


def _split(name: str) -> tuple[str, str]:
    base, _, version = name.partition("@")
    return base, version


def missing_imports(engine: wasmtime.Engine, component: Component) -> list[str]:
    """What ``component`` imports that this host does not provide, e.g.
    ``"wasi:sockets/tcp@0.2.0"`` or ``"wasi:io/poll@0.2.0#poll"``; empty when it can run."""
    offered = Preview2.__new__(Preview2)
    table = Preview2.interfaces(offered)
    missing = []
    for name, ext in component.type.imports(engine).items():
        base, version = _split(name)
        ty = ext.ty
        if base not in table or not version.startswith("0.2.") or not isinstance(ty, ComponentInstanceType):
            missing.append(name)
            continue
        for item, x in ty.exports(engine).items():
            if isinstance(x.ty, FuncType) and item not in table[base]:
                missing.append(f"{name}#{item}")
    return missing


def link(engine: wasmtime.Engine, component: Component, host: Preview2) -> Linker:
    """A linker with ``host`` answering every import of ``component``.

    Raises LookupError naming the imports this host does not provide.
    """
    missing = missing_imports(engine, component)
    if missing:
        raise LookupError("imports not provided: " + ", ".join(missing))
    table = host.interfaces()
    linker = Linker(engine)
    with linker.root() as root:
        for name, ext in component.type.imports(engine).items():
            base, _ = _split(name)
            functions = table[base]
            with root.add_instance(name) as instance:
                for item, x in ext.ty.exports(engine).items():
                    if isinstance(x.ty, ResourceType) and (base, item) in RESOURCES:
                        _, type_id = RESOURCES[(base, item)]
                        instance.add_resource(item, ResourceType.host(type_id), _dropper(host))
                    elif isinstance(x.ty, FuncType):
                        instance.add_func(item, _adapt(host, base, functions[item], x.ty))
    return linker


def _dropper(host: Preview2) -> Callable[[Any, int], None]:
    def drop(store: Any, rep: int) -> None:
        host.table.drop(rep)
    return drop


def answer(host: Preview2, interface: str, func: Callable[..., Any], *args: Any) -> Ok | Err:
    """Call ``func``, a function of ``interface`` whose WIT result is a ``result``: its value as
    ``Ok``, or a WasiError it raised as ``Err`` of the interface's error case (see
    :func:`.errors.failure`). A value that already is ``Ok``/``Err`` passes as it is."""
    try:
        value = func(*args)
    except WasiError as e:
        return Err(failure(interface, e, lambda error: host.table.own(IoError(error))))
    return value if isinstance(value, (Ok, Err)) else Ok(value)


def _adapt(host: Preview2, interface: str, func: Callable[..., Any], fty: FuncType) -> Callable[..., Any]:
    handles = [isinstance(ty, (BorrowType, OwnType)) for _, ty in fty.params]
    result_ty = fty.result
    returns_result = isinstance(result_ty, ResultType)

    def call(store: Any, *args: Any) -> Any:
        if any(handles):
            args = tuple(a.to_host(store).rep if h and isinstance(a, ResourceAny) else a
                         for a, h in zip(args, handles))
        value = answer(host, interface, func, *args) if returns_result else func(*args)
        return None if result_ty is None else lower(result_ty, value)
    return call
