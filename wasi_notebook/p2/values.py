"""Host values in one plain form, and their lowering into what wasmtime-py expects.

wasmtime-py 50 represents a ``variant``/``option``/``result`` as a tagged ``Variant`` only when
its cases cannot be told apart by Python type (see NOTES.md); otherwise it takes the bare payload
(``None`` for a case without one). Host functions here always answer in one form — ``Ok(x)`` /
``Err(x)`` for results, ``Variant(tag, payload)`` for variants, ``None`` or the value for options.

:mod:`.fastcall` lowers that plain form straight into wasmtime's C values. :func:`lower` says what
wasmtime-py's own conversions would take for the same answer (guided by the function's result
type): the form its ``convert_to_c`` accepts, against which ``tests/p2/test_fastcall.py`` checks
fastcall's lowering.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from wasmtime.component import (
    ListType, OptionType, Record, RecordType, ResultType, TupleType, ValType, Variant, VariantType,
)

__all__ = ["Ok", "Err", "Variant", "lower", "record"]


@dataclasses.dataclass(frozen=True)
class Ok:
    value: Any = None


@dataclasses.dataclass(frozen=True)
class Err:
    value: Any = None


def record(**fields: Any) -> Record:
    """A record value; keyword ``data_access_timestamp`` is field ``data-access-timestamp``."""
    r = Record()
    for name, value in fields.items():
        setattr(r, name.replace("_", "-"), value)
    return r


def lower(ty: ValType, value: Any) -> Any:
    """``value`` in the plain form above, as wasmtime-py lowers a value of type ``ty``.

    Raises TypeError when ``value`` does not have the shape ``ty`` asks for (a host bug).
    """
    if isinstance(ty, ResultType):
        if isinstance(value, Ok):
            tag, case_ty, payload = "ok", ty.ok, value.value
        elif isinstance(value, Err):
            tag, case_ty, payload = "err", ty.err, value.value
        else:
            raise TypeError(f"a result needs Ok(...) or Err(...), not {value!r}")
        return _case(ty, tag, case_ty, payload)
    if isinstance(ty, VariantType):
        if not isinstance(value, Variant):
            raise TypeError(f"a variant needs Variant(tag, payload), not {value!r}")
        cases = dict(ty._cases())
        return _case(ty, value.tag, cases[value.tag], value.payload)
    if isinstance(ty, OptionType):
        if value is None:
            return Variant("none") if ty._tagged() else None
        return _case(ty, "some", ty.payload, value)
    if isinstance(ty, ListType):
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        return [lower(ty.element, v) for v in value]
    if isinstance(ty, TupleType):
        return tuple(lower(t, v) for t, v in zip(ty.elements, value))
    if isinstance(ty, RecordType):
        out = Record()
        for name, field_ty in ty.fields:
            setattr(out, name, lower(field_ty, getattr(value, name)))
        return out
    return value


def _case(ty: Any, tag: str, case_ty: ValType | None, payload: Any) -> Any:
    inner = None if case_ty is None else lower(case_ty, payload)
    if ty._tagged():
        return Variant(tag, inner) if case_ty is not None else Variant(tag)
    return inner
