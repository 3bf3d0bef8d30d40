"""Host functions for components, on a cheaper road than ``LinkerInstance.add_func``.

Where the time went (``benchmarks/bench_p2.py --profile``): for every call, wasmtime-py 50's
component callback rebuilds the function's type from C (a ``FuncType`` and a ``ValType`` per
parameter), and each conversion asks C again for the shape of its type (a variant's cases, a
list's element, whether a variant is tagged), several C calls per level. A ``list<u8>`` is
converted one byte at a time. A 1-byte ``blocking-write-and-flush`` through the preview1 adapter
cost about 110 us, nine tenths of it there.

This module keeps wasmtime-py's value conventions (what a host function receives and returns is
unchanged, see NOTES.md) and its conversions, but:

- :func:`freeze` gives each type, once, a class whose shape is read from Python attributes
  (computed when the function is linked) instead of from C;
- a ``list<u8>`` is read and written through a strided view of the C value array, not per byte;
- :func:`add_func` registers the function with its parameter and result types frozen once
  (:func:`frozen`), so a call converts the values and nothing else. Exceptions go through wasmtime-py's own
  ``catch_exceptions``, so ``Func.__call__`` re-raises them as before.

It reaches into wasmtime-py's private ``_ffi`` and component internals, as ``hostcall`` does for
modules; ``pyproject.toml`` pins the version range and ``tests/p2/test_fastcall.py`` checks every
kind of value both ways against wasmtime-py's own conversions.
"""

from __future__ import annotations

import ctypes
import itertools
from typing import Any, Callable

from wasmtime import WasmtimeError, _ffi as ffi
from wasmtime.component import (
    EnumType, FlagsType, FuncType, LinkerInstance, ListType, OptionType, RecordType, ResultType, TupleType,
    U8, ValType, VariantType,
)
from wasmtime.component._enter import catch_exceptions

__all__ = ["add_func", "freeze", "frozen"]

_VAL_SIZE = ctypes.sizeof(ffi.wasmtime_component_val_t)
_KIND_AT = ffi.wasmtime_component_val_t.kind.offset
_PAYLOAD_AT = ffi.wasmtime_component_val_t.of.offset
_U8 = ffi.WASMTIME_COMPONENT_U8.value
_LIST = ffi.WASMTIME_COMPONENT_LIST


def _cached(attribute: str) -> property:
    return property(lambda self: getattr(self, attribute))


class _List(ListType):
    element = _cached("_element")

    def _is_bytes(self) -> bool:
        return False


class _Bytes(ListType):
    """``list<u8>`` <-> ``bytes``, through the C array of values as one strided view."""

    element = _cached("_element")

    def _is_bytes(self) -> bool:
        return True

    def convert_to_c(self, store: Any, val: Any, ptr: Any) -> None:
        if not isinstance(val, (bytes, bytearray, memoryview)):
            raise TypeError("expected bytes value")
        n = len(val)
        raw = ffi.wasmtime_component_vallist_t()
        ffi.wasmtime_component_vallist_new_uninit(raw, n)
        if n:
            cells = _cells(raw.data, n)
            cells[_KIND_AT::_VAL_SIZE] = bytes((_U8,)) * n
            cells[_PAYLOAD_AT::_VAL_SIZE] = val
        ptr.contents.kind = _LIST
        ptr.contents.of.list = raw

    def convert_from_c(self, c: Any) -> bytes:
        values = c.of.list
        try:
            n = values.size
            return bytes(_cells(values.data, n)[_PAYLOAD_AT::_VAL_SIZE]) if n else b""
        finally:
            ffi.wasmtime_component_vallist_delete(ctypes.byref(values))


def _cells(data: Any, n: int) -> memoryview:
    address = ctypes.cast(data, ctypes.c_void_p).value
    return memoryview((ctypes.c_ubyte * (n * _VAL_SIZE)).from_address(address)).cast("B")


class _Record(RecordType):
    fields = _cached("_fields")


class _Tuple(TupleType):
    elements = _cached("_elements")


class _Variant(VariantType):
    cases = _cached("_cases_list")

    def _cases(self) -> list:
        return self._cases_list

    def _tagged(self) -> bool:
        return self._is_tagged


class _Option(OptionType):
    payload = _cached("_payload")

    def _cases(self) -> list:
        return self._cases_list

    def _tagged(self) -> bool:
        return self._is_tagged


class _Result(ResultType):
    ok = _cached("_ok")
    err = _cached("_err")

    def _cases(self) -> list:
        return self._cases_list

    def _tagged(self) -> bool:
        return self._is_tagged


class _Enum(EnumType):
    names = _cached("_names")


class _Flags(FlagsType):
    names = _cached("_names")


def freeze(ty: ValType | None) -> ValType | None:
    """``ty`` (and the types inside it) made to answer questions about its shape from Python
    attributes, computed now. The same object is returned, its class swapped for a subclass of
    its own; its conversions behave exactly as before."""
    if ty is None or isinstance(ty, (_List, _Bytes, _Record, _Tuple, _Variant, _Option, _Result, _Enum, _Flags)):
        return ty
    if isinstance(ty, ListType):
        element = freeze(ty.element)
        ty.__class__ = _Bytes if isinstance(element, U8) else _List
        ty._element = element
    elif isinstance(ty, RecordType):
        fields = [(name, freeze(t)) for name, t in ty.fields]
        ty.__class__ = _Record
        ty._fields = fields
    elif isinstance(ty, TupleType):
        elements = [freeze(t) for t in ty.elements]
        ty.__class__ = _Tuple
        ty._elements = elements
    elif isinstance(ty, VariantType):
        cases = [(name, freeze(t)) for name, t in ty.cases]
        ty.__class__ = _Variant
        ty._cases_list = cases
        ty._is_tagged = VariantType._tagged(ty)
    elif isinstance(ty, OptionType):
        payload = freeze(ty.payload)
        ty.__class__ = _Option
        ty._payload = payload
        ty._cases_list = [("none", None), ("some", payload)]
        ty._is_tagged = OptionType._tagged(ty)
    elif isinstance(ty, ResultType):
        ok, err = freeze(ty.ok), freeze(ty.err)
        ty.__class__ = _Result
        ty._ok, ty._err = ok, err
        ty._cases_list = [("ok", ok), ("err", err)]
        ty._is_tagged = ResultType._tagged(ty)
    elif isinstance(ty, EnumType):
        names = list(ty.names)
        ty.__class__ = _Enum
        ty._names = names
    elif isinstance(ty, FlagsType):
        names = list(ty.names)
        ty.__class__ = _Flags
        ty._names = names
    return ty


# idx -> (function, frozen parameter types, frozen result type or None)
_FUNCTIONS: dict[int, tuple[Callable[..., Any], list[ValType], ValType | None]] = {}
_indexes = itertools.count(1)


@ffi.wasmtime_component_func_callback_t
def _callback(idx: int, context: Any, ty_raw: Any, args: Any, nargs: int, results: Any, nresults: int) -> Any:
    func, params, result = _FUNCTIONS[idx or 0]

    def run(store: Any) -> None:
        value = func(store, *[ty.convert_from_c(args[i]) for i, ty in enumerate(params)])
        if result is not None:
            result.convert_to_c(store, value, results)
    return catch_exceptions(context, run)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _finalize(idx: int) -> None:
    if _FUNCTIONS:  # empty at interpreter shutdown
        _FUNCTIONS.pop(idx or 0, None)


def frozen(fty: FuncType) -> tuple[list[ValType], ValType | None]:
    """The parameter types and the result type (or None) of ``fty``, frozen (see :func:`freeze`)."""
    return [freeze(t) for _, t in fty.params], freeze(fty.result)


def add_func(instance: LinkerInstance, name: str, types: tuple[list[ValType], ValType | None],
             func: Callable[..., Any]) -> None:
    """Define ``name`` in ``instance`` as ``LinkerInstance.add_func`` would: ``func(store, *args)``
    gets and returns wasmtime-py's values. ``types`` is :func:`frozen` of the function's type as
    the component imports it (the type wasmtime checks the definition against)."""
    instance._assert_not_locked()
    params, result = types
    idx = next(_indexes)
    _FUNCTIONS[idx] = (func, params, result)
    encoded = name.encode("utf-8")
    err = ffi.wasmtime_component_linker_instance_add_func(
        instance.ptr(), ctypes.create_string_buffer(encoded), len(encoded), _callback, idx, _finalize)
    if err:
        _FUNCTIONS.pop(idx, None)
        raise WasmtimeError._from_ptr(err)
