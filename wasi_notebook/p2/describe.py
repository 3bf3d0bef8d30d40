"""Preview2 calls as people read them: each imported function's signature in a plain form
(computed once, when a component is linked), what the trace keeps of a call at call time, and
how its arguments and results are decoded afterwards.

A *shape* is a small tuple describing a WIT type, read once from wasmtime's types (which ask C
at every look): ``("handle", "descriptor")``, ``("bytes",)``, ``("string",)``, ``("flags",)``,
``("enum",)``, ``("value",)`` (numbers, bool, char), ``("list", shape)``, ``("tuple", shapes)``,
``("record", ((field, shape), ...))``, ``("option", shape)``, ``("result", ok, err)`` and
``("variant", ((case, shape or None), ...))``. Handles are named by the resource the importing
interface knows them as.

A function's short name (``shown_as``) and the names that :func:`resolve` finds it by come from
:mod:`wasi_notebook.trace` (``short_name``, ``resolve``), so the coverage and the trace viewer,
which see only names, name functions the same way.

What the trace keeps: handles as reps, byte lists longer than :data:`PREVIEW_BYTES` as a
:class:`Clipped` (their size and first bytes), everything else as the Python value it is.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable

from wasmtime.component import (
    BorrowType, EnumType, FlagsType, FuncType, ListType, OptionType, OwnType, RecordType, ResourceType,
    ResultType, String, TupleType, U8, ValType, VariantType,
)

from ..trace import DROP, resolve, short_name
from .values import Err, Ok, Variant

__all__ = ["PREVIEW_BYTES", "Clipped", "Param", "CallSignature", "signatures", "resolve", "keep",
           "to_reps", "Preview2Decoder", "qualified"]

#: How many bytes of each byte list (a write's contents, a read's result) the trace keeps.
PREVIEW_BYTES = 48

_UNDECODED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8
_PATH_PARAMS = ("path", "old-path", "new-path")


@dataclasses.dataclass(frozen=True)
class Clipped:
    """A byte list as the trace keeps it: its size and its first bytes."""

    size: int
    head: bytes


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    shape: tuple


@dataclasses.dataclass(frozen=True)
class CallSignature:
    """One imported function: ``name`` is ``interface#function`` (the Observer's key),
    ``shown_as`` the short name a trace line starts with (``open-at`` for a method, whose
    ``self`` says the resource; ``wall-clock.now`` for a free function)."""

    name: str
    interface: str
    function: str
    shown_as: str
    params: tuple[Param, ...]
    result: tuple | None
    #: the WIT result is a ``result``: its err case is how the function fails
    returns_result: bool
    #: indexes of the parameters that hold handles (at any depth): turned into reps
    handle_params: tuple[int, ...]
    #: indexes of the path parameters (captured for fault rules and the path filter)
    path_params: tuple[int, ...]
    #: indexes of the parameters that hold byte lists (kept clipped)
    byte_params: tuple[int, ...]
    #: the result holds handles or byte lists: kept in the trace's form at call time
    keep_result: bool

    @property
    def error_shape(self) -> tuple | None:
        """The shape of the err case, or None when the function cannot fail."""
        return self.result[2] if self.returns_result and self.result is not None else None


def qualified(interface: str, function: str) -> str:
    return f"{interface}#{function}"


def shape_of(ty: ValType | None, resources: list[tuple[str, ResourceType]]) -> tuple | None:
    """The shape of ``ty``; ``resources`` are the (name, type) pairs the interface exports."""
    if ty is None:
        return None
    if isinstance(ty, (BorrowType, OwnType)):
        name = next((n for n, r in resources if r == ty.ty), "resource")
        return ("handle", name)
    if isinstance(ty, ListType):
        element = ty.element
        if isinstance(element, U8):
            return ("bytes",)
        return ("list", shape_of(element, resources))
    if isinstance(ty, String):
        return ("string",)
    if isinstance(ty, FlagsType):
        return ("flags",)
    if isinstance(ty, EnumType):
        return ("enum",)
    if isinstance(ty, TupleType):
        return ("tuple", tuple(shape_of(t, resources) for t in ty.elements))
    if isinstance(ty, RecordType):
        return ("record", tuple((name, shape_of(t, resources)) for name, t in ty.fields))
    if isinstance(ty, OptionType):
        return ("option", shape_of(ty.payload, resources))
    if isinstance(ty, ResultType):
        return ("result", shape_of(ty.ok, resources), shape_of(ty.err, resources))
    if isinstance(ty, VariantType):
        return ("variant", tuple((case, shape_of(t, resources)) for case, t in ty._cases()))
    return ("value",)


def _holds(shape: tuple | None, kinds: tuple[str, ...]) -> bool:
    if shape is None:
        return False
    kind = shape[0]
    if kind in kinds:
        return True
    if kind in ("list", "option"):
        return _holds(shape[1], kinds)
    if kind == "tuple":
        return any(_holds(s, kinds) for s in shape[1])
    if kind in ("record", "variant"):
        return any(_holds(s, kinds) for _, s in shape[1])
    if kind == "result":
        return _holds(shape[1], kinds) or _holds(shape[2], kinds)
    return False


def signature(interface: str, function: str, fty: FuncType, resources: list[tuple[str, ResourceType]]) -> CallSignature:
    params = tuple(Param(name, shape_of(ty, resources)) for name, ty in fty.params)
    result = shape_of(fty.result, resources)
    return CallSignature(
        name=qualified(interface, function), interface=interface, function=function,
        shown_as=short_name(interface, function), params=params, result=result,
        returns_result=result is not None and result[0] == "result",
        handle_params=tuple(i for i, p in enumerate(params) if _holds(p.shape, ("handle",))),
        path_params=tuple(i for i, p in enumerate(params) if p.name in _PATH_PARAMS and p.shape == ("string",)),
        byte_params=tuple(i for i, p in enumerate(params) if _holds(p.shape, ("bytes",))),
        keep_result=_holds(result, ("handle", "bytes")),
    )


def drop_signature(interface: str, resource: str) -> CallSignature:
    """The drop of an own ``resource`` handle (declared by ``interface``) as the trace shows it:
    ``descriptor.drop(self=descriptor#5) = dropped``. Named ``interface#[resource-drop]resource``;
    coverage leaves it out, as it is no function of the interface."""
    function = DROP + resource
    return CallSignature(
        name=qualified(interface, function), interface=interface, function=function,
        shown_as=short_name(interface, function), params=(Param("self", ("handle", resource)),),
        result=("enum", ("dropped",)), returns_result=False, handle_params=(0,), path_params=(), byte_params=(),
        keep_result=False,
    )


def signatures(engine, component) -> list[CallSignature]:
    """Every function ``component`` imports, interface by interface in import order (interfaces
    named without their version)."""
    from wasmtime.component import ComponentInstanceType

    out = []
    for name, ext in component.type.imports(engine).items():
        interface = name.partition("@")[0]
        ty = ext.ty
        if not isinstance(ty, ComponentInstanceType):
            continue
        items = ty.exports(engine)
        resources = [(item, x.ty) for item, x in items.items() if isinstance(x.ty, ResourceType)]
        for item, x in items.items():
            if isinstance(x.ty, FuncType):
                out.append(signature(interface, item, x.ty, resources))
    return out


# -- what the trace keeps at call time --------------------------------------------------------

def to_reps(shape: tuple, value: Any, store: Any) -> Any:
    """``value`` with every handle in it (wasmtime's ``ResourceAny``) turned into its rep."""
    kind = shape[0]
    if kind == "handle":
        return value.to_host(store).rep if hasattr(value, "to_host") else value
    if kind == "list":
        return [to_reps(shape[1], v, store) for v in value]
    if kind == "option":
        return None if value is None else to_reps(shape[1], value, store)
    if kind == "tuple":
        return tuple(to_reps(s, v, store) for s, v in zip(shape[1], value))
    # handles inside records and variants are not in any 0.2 function's parameters
    return value


def keep(shape: tuple | None, value: Any) -> Any:
    """``value`` (in the host's plain form) as the trace keeps it: handles as reps, long byte
    lists clipped. Never raises: what it does not know is kept as it is."""
    if shape is None or value is None:
        return value
    kind = shape[0]
    if kind == "handle":
        return getattr(value, "rep", value)
    if kind == "bytes":
        if isinstance(value, (bytes, bytearray)) and len(value) > PREVIEW_BYTES:
            return Clipped(len(value), bytes(value[:PREVIEW_BYTES]))
        return bytes(value) if isinstance(value, bytearray) else value
    if kind == "result":
        if isinstance(value, Ok):
            return Ok(keep(shape[1], value.value))
        if isinstance(value, Err):
            return Err(keep(shape[2], value.value))
        return value
    if kind == "list" and isinstance(value, (list, tuple)):
        return [keep(shape[1], v) for v in value]
    if kind == "option":
        return keep(shape[1], value)
    if kind == "tuple" and isinstance(value, tuple):
        return tuple(keep(s, v) for s, v in zip(shape[1], value))
    if kind == "variant" and isinstance(value, Variant):
        cases = dict(shape[1])
        return Variant(value.tag, keep(cases.get(value.tag), value.payload)) if value.payload is not None else value
    return value


def error_label(payload: Any) -> str:
    """The outcome label of an ``Err`` payload: an enum case (``no-entry``) or a variant's tag
    (``closed``, ``last-operation-failed``)."""
    if isinstance(payload, str):
        return payload
    tag = getattr(payload, "tag", None)
    return tag if isinstance(tag, str) else "err"


# -- decoding for people -----------------------------------------------------------------------

def _quote(data: bytes | str) -> str:
    text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
               .replace("\r", "\\r"))
    escaped = _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", escaped)
    return f'"{escaped}"'


def show(shape: tuple | None, value: Any) -> str:
    """``value`` (as the trace keeps it) for people: ``descriptor#4``, ``{create, truncate}``,
    ``"out.txt"``, ``"hello…" (4096 bytes)``, ``{seconds=1, nanoseconds=0}``."""
    if shape is None:
        return "0" if value is None else str(value)
    kind = shape[0]
    if kind == "handle":
        return f"{shape[1]}#{value}"
    if kind == "bytes":
        if isinstance(value, Clipped):
            return f"{_quote(value.head)}… ({value.size} bytes)"
        if isinstance(value, (bytes, bytearray)):
            return f"{_quote(bytes(value))} ({len(value)} bytes)"
        return str(value)
    if kind == "string":
        return _quote(value) if isinstance(value, str) else str(value)
    if kind == "flags":
        return "{" + ", ".join(sorted(value)) + "}" if isinstance(value, (set, frozenset, list)) else str(value)
    if kind == "list":
        items = list(value) if isinstance(value, (list, tuple)) else []
        shown = [show(shape[1], v) for v in items[:8]]
        if len(items) > 8:
            shown.append(f"…(+{len(items) - 8})")
        return "[" + ", ".join(shown) + "]"
    if kind == "tuple":
        return "(" + ", ".join(show(s, v) for s, v in zip(shape[1], value)) + ")"
    if kind == "record":
        return "{" + ", ".join(f"{name}={show(s, getattr(value, name, None))}" for name, s in shape[1]) + "}"
    if kind == "option":
        return "none" if value is None else show(shape[1], value)
    if kind == "result":
        if isinstance(value, Ok):
            return show(shape[1], value.value)
        if isinstance(value, Err):
            return f"err({show(shape[2], value.value)})"
        if isinstance(value, Variant) and value.tag in ("ok", "err"):  # as wasmtime passes a tagged one
            case = shape[1] if value.tag == "ok" else shape[2]
            return value.tag if case is None else f"{value.tag}({show(case, value.payload)})"
        return show(shape[1], value)
    if kind == "variant":
        if isinstance(value, Variant):
            case = dict(shape[1]).get(value.tag)
            return value.tag if case is None else f"{value.tag}({show(case, value.payload)})"
        return str(value)
    return str(value)


class Preview2Decoder:
    """Decodes what an Observer keeps of preview2 calls (see :mod:`wasi_notebook.trace`)."""

    def args(self, sig: CallSignature, raw: tuple, captured: Any) -> dict[str, Any]:
        return {p.name: show(p.shape, v) for p, v in zip(sig.params, raw)}

    def result(self, sig: CallSignature, value: Any) -> Any:
        """The ok value shown (None for a function that returns nothing; ``ok`` for a ``result``
        without an ok payload)."""
        if sig.result is None:
            return None
        if sig.returns_result:
            ok = value.value if isinstance(value, Ok) else value
            return show(sig.result[1], ok) if sig.result[1] is not None else "ok"
        return show(sig.result, value)

    @staticmethod
    def resolve(name: str, functions: Iterable[str]) -> list[str]:
        return resolve(name, functions)
