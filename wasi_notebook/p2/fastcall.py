"""Host functions for components, on a cheaper road than ``LinkerInstance.add_func``.

Where the time went (``benchmarks/bench_p2.py --profile``): wasmtime-py 50's component callback
rebuilds the function's type from C on every call, and each value conversion asks C again for the
shape of its type. Lowering allocates every piece of a value in wasmtime's heap, one ctypes call
each: a ``descriptor-stat`` record (three ``option<datetime>`` inside) took about twenty, among them
one per record field name. A ``list<u8>`` is converted one byte at a time; a handle goes through two
wasmtime-py objects with finalizers.

Here each function's parameter and result types are compiled once, when it is linked, into
converters that move values between Python and the C ``wasmtime_component_val_t`` structures
directly (:func:`converter`, cached by the type's structure):

- *lifting* (the guest's arguments, which wasmtime owns and frees after the call) reads the C values
  where they lie: a node at a time with ``ctypes.string_at`` and ``struct``, a ``list<u8>`` as one
  copy sliced with a stride. A ``borrow``/``own`` handle becomes its rep at once.
- *lowering* (the host's answer) writes the whole value into an :class:`_Arena` that we own (one
  per lowering in progress), with record field, enum, flag and case names pointing at buffers made
  once per name, then asks wasmtime to deep-copy it into the result slot: one ctypes call for the
  whole tree. Nodes better made by wasmtime itself (a long ``list<u8>``, which a copy would walk
  byte by byte; a handle, a pointer wasmtime owns) are *moved*: made in wasmtime's heap, left out
  of the copy, and written into the copy's node after it (:meth:`_Arena.commit`).

Values keep the forms host functions already use (see NOTES.md, ``p2/values.py``): parameters arrive
as wasmtime-py would give them (``Record``, ``set`` for flags, a ``Variant`` only where wasmtime-py
tags one), except that handles arrive as reps; results are given in the plain form of
``p2/values.py`` (``Ok``/``Err``, ``Variant``, None or the value for an option) and a handle as a
``ResourceHost``. A Python exception raised by a host function or a conversion becomes a trap,
re-raised by ``Func.__call__`` as wasmtime-py's own callback arranges (``_enter.LAST_EXCEPTION``).

It reaches into wasmtime-py's private ``_ffi`` and the C value layout (checked at import);
``pyproject.toml`` pins the version range and ``tests/p2/test_fastcall.py`` checks every kind of
value both ways against wasmtime-py's own conversions.
"""

from __future__ import annotations

import ctypes
import itertools
import struct
from typing import Any, Callable, NamedTuple

from wasmtime import WasmtimeError, _ffi as ffi
from wasmtime.component import (
    BorrowType, Bool, Char, EnumType, F32, F64, FlagsType, FuncType, LinkerInstance, ListType, OptionType, OwnType,
    Record, RecordType, ResourceAny, ResourceHost, ResultType, S8, S16, S32, S64, String, TupleType, U8, U16, U32,
    U64, ValType, Variant, VariantType,
)
from wasmtime.component import _enter

from .values import Err, Ok

__all__ = ["add_func", "converter", "Converter", "lift_args", "lower_result"]

# -- the C layout: kind byte at 0, payload at 8; {size, data} vectors; record entries {name, val} ---

_VAL = ctypes.sizeof(ffi.wasmtime_component_val_t)
_ENTRY = ctypes.sizeof(ffi.wasmtime_component_valrecord_entry)
_NAME = ctypes.sizeof(ffi.wasm_name_t)


def _check_layout() -> None:
    """The offsets every converter below assumes, asked of wasmtime-py's own ctypes structures."""
    val, entry = ffi.wasmtime_component_val_t, ffi.wasmtime_component_valrecord_entry
    expected = {
        "pointer size": (ctypes.sizeof(ctypes.c_void_p), 8),
        "value size": (_VAL, 32), "payload offset": (val.of.offset, 8),
        "record entry": ((_ENTRY, entry.val.offset), (48, 16)), "name": (_NAME, 16),
        "vector data": (ffi.wasmtime_component_vallist.data.offset, 8),
        "variant payload": (ffi.wasmtime_component_valvariant.val.offset, 16),
        "result payload": (ffi.wasmtime_component_valresult.val.offset, 8),
    }
    wrong = [what for what, (got, want) in expected.items() if got != want]
    if wrong:
        raise ImportError(f"wasmtime's component value layout is not the one p2/fastcall.py knows: {wrong}")


_check_layout()

_K = {name: getattr(ffi, f"WASMTIME_COMPONENT_{name}").value for name in (
    "BOOL", "S8", "U8", "S16", "U16", "S32", "U32", "S64", "U64", "F32", "F64", "CHAR", "STRING", "LIST", "RECORD",
    "TUPLE", "VARIANT", "ENUM", "OPTION", "RESULT", "FLAGS", "RESOURCE")}

_PAIR = struct.Struct("<B7xQQ")  # kind, size, data: string, enum, list, record, tuple, flags
_POINTER = struct.Struct("<B7xQ")  # kind, pointer: option, resource
_VARIANT = struct.Struct("<B7xQQQ")  # kind, discriminant size and data, payload pointer
_RESULT = struct.Struct("<B7x?7xQ")  # kind, is_ok, payload pointer
_NAME_AT = struct.Struct("<QQ")  # a wasm_name_t: size, data
_READ_PAIR = struct.Struct("<8xQQ").unpack_from
_READ_POINTER = struct.Struct("<8xQ").unpack_from
_READ_VARIANT = struct.Struct("<8xQQQ").unpack_from
_READ_RESULT = struct.Struct("<8x?7xQ").unpack_from
_READ_NAME = _NAME_AT.unpack_from
_ZERO = bytes(_VAL)  # Bool(false): what a moved node holds while wasmtime copies the tree
_string_at = ctypes.string_at


def _c(name: str, restype: Any, *argtypes: Any) -> Any:
    """A C function of wasmtime's library taking plain addresses: our own function object, so the
    argument types wasmtime-py declared on its shared one stay as they are."""
    f = ffi.dll[name]
    f.restype, f.argtypes = restype, list(argtypes)
    return f


_vp, _size = ctypes.c_void_p, ctypes.c_size_t
_val_clone = _c("wasmtime_component_val_clone", None, _vp, _vp)
_val_delete = _c("wasmtime_component_val_delete", None, _vp)
_vallist_new_uninit = _c("wasmtime_component_vallist_new_uninit", None, _vp, _size)
_any_to_host = _c("wasmtime_component_resource_any_to_host", _vp, _vp, _vp, _vp)
_any_clone = _c("wasmtime_component_resource_any_clone", _vp, _vp)
_host_rep = _c("wasmtime_component_resource_host_rep", ctypes.c_uint32, _vp)
_host_delete = _c("wasmtime_component_resource_host_delete", None, _vp)
_host_to_any = _c("wasmtime_component_resource_host_to_any", _vp, _vp, _vp, _vp)


def _address(p: Any) -> int:
    """The address a ctypes pointer holds (its buffer read as a ``void *``: cheaper than a cast)."""
    return _vp.from_buffer(p).value or 0


# -- names: made once, pointed at by every value that names a field, a case, a flag --------------

_NAMES: dict[str, tuple[int, int, Any]] = {}


def _name(text: str) -> tuple[int, int]:
    """(size, address) of ``text`` in UTF-8 in a buffer that lives as long as the process."""
    known = _NAMES.get(text)
    if known is None:
        encoded = text.encode("utf-8")
        buffer = ctypes.create_string_buffer(encoded, len(encoded) or 1)
        known = _NAMES[text] = (len(encoded), ctypes.addressof(buffer), buffer)
    return known[0], known[1]


# -- the arena a result is written into before wasmtime copies it -----------------------------------


class _Full(Exception):
    """The arena is too small for this value; ``need`` bytes would do."""

    def __init__(self, need: int) -> None:
        super().__init__(need)
        self.need = need


class _Arena:
    """A bump allocator over one pinned bytearray: a result's C value is built here,
    pointers being ``base + offset``. ``blocks`` remembers, for each block of values, where the
    pointer to it was written (to find a node again in wasmtime's copy); ``moved`` lists the nodes
    whose contents wasmtime already owns (see :meth:`commit`)."""

    __slots__ = ("data", "base", "cap", "top", "blocks", "moved", "context", "_pin")

    def __init__(self, capacity: int) -> None:
        self.data = bytearray(capacity)
        self._pin = (ctypes.c_char * capacity).from_buffer(self.data)  # also keeps it from resizing
        self.base = ctypes.addressof(self._pin)
        self.cap = capacity
        self.top = 0
        self.blocks: list[tuple[int, int, int]] = []
        self.moved: list[int] = []
        self.context = 0

    def block(self, n: int, field: int) -> int:
        """Room for ``n`` bytes of values, whose address goes into the pointer at offset ``field``
        (-1: the root, which wasmtime's copy puts into the result slot)."""
        start = self.top
        end = start + ((n + 7) & -8)
        if end > self.cap:
            raise _Full(end)
        self.top = end
        self.blocks.append((start, end, field))
        return start

    def raw(self, n: int, field: int = -1) -> int:
        """Room for ``n`` bytes where no moved node can be (a string's bytes, a record of numbers):
        as :meth:`block`, but not remembered."""
        start = self.top
        end = start + ((n + 7) & -8)
        if end > self.cap:
            raise _Full(end)
        self.top = end
        return start

    def discard(self) -> None:
        """Free what moved nodes own (the value was not finished) and forget them."""
        for off in self.moved:
            _val_delete(self.base + off)
        self.moved.clear()

    def commit(self, results: int) -> None:
        """Copy the value at offset 0 into ``results`` with one call into wasmtime, then put each
        moved node into the copy: it is left out of the copy (a ``Bool(false)`` in its place) and
        its 32 bytes written over the copy's node, found by following the copy's pointers."""
        moved = self.moved
        data = self.data
        headers = []
        for off in moved:
            headers.append(bytes(data[off:off + _VAL]))
            data[off:off + _VAL] = _ZERO
        _val_clone(self.base, results)
        for off, header in zip(moved, headers):
            ctypes.memmove(self._in_copy(off, results), header, _VAL)
        moved.clear()

    def _in_copy(self, off: int, results: int) -> int:
        """The address in wasmtime's copy of the node at arena offset ``off``."""
        for start, end, field in self.blocks:
            if start <= off < end:
                if field < 0:
                    return results + off - start
                return ctypes.c_uint64.from_address(self._in_copy(field, results)).value + off - start
        raise AssertionError(f"arena offset {off} is in no block")


#: arenas not in use: a lowering takes one and gives it back (list pop and append are atomic, so
#: threads lowering at once each get their own)
_FREE: list[_Arena] = []


def _take_arena(need: int = 0) -> _Arena:
    """An arena no one else is writing into, with room for ``need`` bytes."""
    arena = _FREE.pop() if _FREE else None
    if arena is None or arena.cap < need:
        capacity = 1 << 16
        while capacity < need:
            capacity *= 2
        arena = _Arena(capacity)
    return arena


# -- converters ---------------------------------------------------------------------------------

Lift = Callable[[bytes, int, int], Any]  # (bytes holding the value, its offset, store context) -> value
Put = Callable[[_Arena, Any, int], None]  # (arena, value, offset of the node to write)


class Converter(NamedTuple):
    """One type's two conversions and its structure (the cache key)."""

    key: tuple
    lift: Lift
    put: Put
    #: classes of the values wasmtime-py gives for this type: tells whether a variant is tagged
    classes: frozenset
    #: a value may hold a moved node (a handle, a long byte list): its blocks must be remembered
    moves: bool = False


def _allocator(children: Any) -> Callable[[_Arena, int, int], int]:
    """How a composite allocates its children's block: remembered (:meth:`_Arena.block`) only
    when a moved node may be inside."""
    return _Arena.block if any(c is not None and c.moves for c in children) else _Arena.raw


_CONVERTERS: dict[tuple, Converter] = {}

#: a byte list longer than this is moved (made by wasmtime) rather than copied from the arena
MOVE_BYTES = 64
#: a long byte list is read this many values at a time (64 KiB of C values: one copy of a whole
#: 64 KiB list, 2 MiB, took 40 times longer than these pieces, measured)
_CHUNK = 2048


def converter(ty: ValType) -> Converter:
    """The converters of ``ty``, made once per distinct structure (cached). TypeError for a type
    this host cannot convert (future, stream, error-context)."""
    key, build = _describe(ty)
    known = _CONVERTERS.get(key)
    if known is None:
        known = _CONVERTERS[key] = build()
    return known


def _describe(ty: ValType) -> tuple[tuple, Callable[[], Converter]]:
    """``ty``'s structural key and how to build its converter (children converted first)."""
    for cls, kind in _PRIMITIVES:
        if type(ty) is cls:
            return (kind,), lambda: _primitive(kind)
    if isinstance(ty, String):
        return ("string",), _string
    if isinstance(ty, (OwnType, BorrowType)):
        return ("handle",), _handle
    if isinstance(ty, EnumType):
        names = tuple(ty.names)
        return ("enum", names), lambda: _enum(names)
    if isinstance(ty, FlagsType):
        names = tuple(ty.names)
        return ("flags", names), lambda: _flags(names)
    if isinstance(ty, ListType):
        element = ty.element
        if isinstance(element, U8):
            return ("bytes",), _bytes
        inner = converter(element)
        return ("list", inner.key), lambda: _list(inner)
    if isinstance(ty, TupleType):
        items = tuple(converter(t) for t in ty.elements)
        return ("tuple", tuple(c.key for c in items)), lambda: _tuple(items)
    if isinstance(ty, RecordType):
        fields = tuple((name, converter(t)) for name, t in ty.fields)
        return ("record", tuple((n, c.key) for n, c in fields)), lambda: _record(fields)
    if isinstance(ty, (VariantType, OptionType, ResultType)):
        if isinstance(ty, VariantType):
            kind, pairs = "variant", ty.cases
        elif isinstance(ty, OptionType):
            kind, pairs = "option", [("none", None), ("some", ty.payload)]
        else:
            kind, pairs = "result", [("ok", ty.ok), ("err", ty.err)]
        cases = tuple((name, None if t is None else converter(t)) for name, t in pairs)
        key = (kind, tuple((n, None if c is None else c.key) for n, c in cases))
        return key, lambda: _variant_like(kind, cases)
    raise TypeError(f"no conversion for component values of type {type(ty).__name__}")


_PRIMITIVES = [(Bool, "BOOL"), (S8, "S8"), (U8, "U8"), (S16, "S16"), (U16, "U16"), (S32, "S32"), (U32, "U32"),
               (S64, "S64"), (U64, "U64"), (F32, "F32"), (F64, "F64"), (Char, "CHAR")]
_INTEGERS = {"S8", "U8", "S16", "U16", "S32", "U32", "S64", "U64"}
_FORMATS = {"BOOL": "?", "S8": "b", "U8": "B", "S16": "h", "U16": "H", "S32": "i", "U32": "I", "S64": "q",
            "U64": "Q", "F32": "f", "F64": "d", "CHAR": "I"}


def _primitive(kind: str) -> Converter:
    """Numbers, bool and char: one ``struct`` read or write. Range errors come from ``struct``."""
    code = _FORMATS[kind]
    read = struct.Struct("<8x" + code).unpack_from
    write = struct.Struct("<B7x" + code).pack_into
    tag = _K[kind]
    if kind == "BOOL":
        def lift(buf: bytes, off: int, context: int) -> Any:
            return read(buf, off)[0]

        def put(a: _Arena, value: Any, off: int) -> None:
            if value is not True and value is not False:
                raise TypeError(f"expected bool, not {value!r}")
            write(a.data, off, tag, value)
        classes = frozenset({bool})
    elif kind == "CHAR":
        def lift(buf: bytes, off: int, context: int) -> Any:
            return chr(read(buf, off)[0])

        def put(a: _Arena, value: Any, off: int) -> None:
            if not isinstance(value, str) or len(value) != 1:
                raise TypeError(f"expected a single-character string, not {value!r}")
            write(a.data, off, tag, ord(value))
        classes = frozenset({str})
    elif kind in ("F32", "F64"):
        def lift(buf: bytes, off: int, context: int) -> Any:
            return read(buf, off)[0]

        def put(a: _Arena, value: Any, off: int) -> None:
            if not isinstance(value, float):
                raise TypeError(f"expected float, not {value!r}")
            write(a.data, off, tag, value)
        classes = frozenset({float})
    else:
        def lift(buf: bytes, off: int, context: int) -> Any:
            return read(buf, off)[0]

        def put(a: _Arena, value: Any, off: int) -> None:
            if not isinstance(value, int):
                raise TypeError(f"expected int, not {value!r}")
            write(a.data, off, tag, value)
        classes = frozenset({int})
    return Converter((kind,), lift, put, classes)


def _string() -> Converter:
    tag = _K["STRING"]

    def lift(buf: bytes, off: int, context: int) -> str:
        size, data = _READ_PAIR(buf, off)
        return _string_at(data, size).decode("utf-8") if size else ""

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, str):
            raise TypeError(f"expected str, not {value!r}")
        encoded = value.encode("utf-8")
        size = len(encoded)
        at = a.raw(size)
        a.data[at:at + size] = encoded
        _PAIR.pack_into(a.data, off, tag, size, a.base + at)
    return Converter(("string",), lift, put, frozenset({str}))


def _name_reader(names: tuple[str, ...]) -> Callable[[int, int], str]:
    """``read(size, data)``: which of ``names`` the C string at ``data`` is. wasmtime checked it
    is one of them, so a name whose length no other name has is known by its length alone."""
    by_length: dict[int, str | None] = {}
    for name in names:
        size = len(name.encode("utf-8"))
        by_length[size] = None if size in by_length else name

    def read(size: int, data: int) -> str:
        name = by_length.get(size)
        return name if name is not None else _string_at(data, size).decode("utf-8")
    return read


def _enum(names: tuple[str, ...]) -> Converter:
    tag = _K["ENUM"]
    known = {name: _name(name) for name in names}
    read = _name_reader(names)

    def lift(buf: bytes, off: int, context: int) -> str:
        return read(*_READ_PAIR(buf, off))

    def put(a: _Arena, value: Any, off: int) -> None:
        try:
            size, data = known[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is no case of enum {{{', '.join(names)}}}") from None
        _PAIR.pack_into(a.data, off, tag, size, data)
    return Converter(("enum", names), lift, put, frozenset({str}))


def _flags(names: tuple[str, ...]) -> Converter:
    """flags <-> a set of names; lifting knows a set with every flag, or none, by its size."""
    tag = _K["FLAGS"]
    known = {name: _name(name) for name in names}
    read = _name_reader(names)
    every = len(names)

    def lift(buf: bytes, off: int, context: int) -> set:
        size, data = _READ_PAIR(buf, off)
        if not size:
            return set()
        if size == every:
            return set(names)
        entries = _string_at(data, size * _NAME)
        return {read(*_READ_NAME(entries, i)) for i in range(0, size * _NAME, _NAME)}

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, (set, frozenset)):
            raise TypeError(f"expected a set of flag names, not {value!r}")
        at = a.raw(len(value) * _NAME)
        data = a.data
        i = at
        for flag in value:
            try:
                size, address = known[flag]
            except (KeyError, TypeError):
                raise ValueError(f"{flag!r} is no flag of {{{', '.join(names)}}}") from None
            _NAME_AT.pack_into(data, i, size, address)
            i += _NAME
        _PAIR.pack_into(data, off, tag, len(value), a.base + at)
    return Converter(("flags", names), lift, put, frozenset({set}))


def _handle() -> Converter:
    """``own<T>``/``borrow<T>``: lifted to the rep (ours, as ``ResourceHost.rep`` would say);
    lowered from a ``ResourceHost`` (or a ``ResourceAny``) into a moved node."""
    tag = _K["RESOURCE"]

    def lift(buf: bytes, off: int, context: int) -> int:
        any_ptr = _READ_POINTER(buf, off)[0]
        out = ctypes.c_void_p()
        error = _any_to_host(context, any_ptr, ctypes.addressof(out))
        if error:
            raise WasmtimeError._from_ptr(ctypes.cast(error, ctypes.POINTER(ffi.wasmtime_error_t)))
        try:
            return _host_rep(out.value)
        finally:
            _host_delete(out.value)

    def put(a: _Arena, value: Any, off: int) -> None:
        if isinstance(value, ResourceHost):
            error = _host_to_any(a.context, _address(value.ptr()), a.base + off + 8)
            if error:
                raise WasmtimeError._from_ptr(ctypes.cast(error, ctypes.POINTER(ffi.wasmtime_error_t)))
        elif isinstance(value, ResourceAny):
            struct.pack_into("<Q", a.data, off + 8, _any_clone(_address(value.ptr())))
        else:
            raise TypeError(f"expected a ResourceHost for a handle, not {value!r}")
        a.data[off] = tag
        a.moved.append(off)
    return Converter(("handle",), lift, put, frozenset({ResourceAny, ResourceHost}), moves=True)


def _bytes() -> Converter:
    """``list<u8>`` <-> ``bytes``: the C array read with a copy and a strided slice (in pieces of
    :data:`_CHUNK` values); written strided into the arena, then copied by wasmtime (short) or
    moved into a list wasmtime made."""
    tag, u8 = _K["LIST"], bytes((_K["U8"],))

    def lift(buf: bytes, off: int, context: int) -> bytes:
        size, data = _READ_PAIR(buf, off)
        if size <= _CHUNK:
            return _string_at(data, size * _VAL)[8::_VAL] if size else b""
        span = size * _VAL
        step = _CHUNK * _VAL
        return b"".join([_string_at(data + i, min(step, span - i))[8::_VAL] for i in range(0, span, step)])

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, not {type(value).__name__}")
        size = len(value)
        span = size * _VAL
        at = a.raw(span)
        data = a.data
        if size:
            end = at + span
            data[at:end:_VAL] = u8 * size
            data[at + 8:end:_VAL] = value
        if size <= MOVE_BYTES:
            _PAIR.pack_into(data, off, tag, size, a.base + at)
            return
        _vallist_new_uninit(a.base + off + 8, size)
        a.data[off] = tag
        a.moved.append(off)
        ctypes.memmove(_READ_PAIR(data, off)[1], a.base + at, span)
    return Converter(("bytes",), lift, put, frozenset({bytes}), moves=True)


def _list(inner: Converter) -> Converter:
    tag = _K["LIST"]
    get, set_ = inner.lift, inner.put
    alloc = _allocator([inner])

    def lift(buf: bytes, off: int, context: int) -> list:
        size, data = _READ_PAIR(buf, off)
        if not size:
            return []
        items = _string_at(data, size * _VAL)
        return [get(items, i, context) for i in range(0, size * _VAL, _VAL)]

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"expected a list, not {type(value).__name__}")
        size = len(value)
        at = alloc(a, size * _VAL, off + 16)
        for i, item in enumerate(value):
            set_(a, item, at + i * _VAL)
        _PAIR.pack_into(a.data, off, tag, size, a.base + at)
    return Converter(("list", inner.key), lift, put, frozenset({list}), inner.moves)


def _tuple(items: tuple[Converter, ...]) -> Converter:
    tag = _K["TUPLE"]
    count = len(items)
    gets = [(i * _VAL, c.lift) for i, c in enumerate(items)]
    puts = [(i * _VAL, c.put) for i, c in enumerate(items)]
    alloc = _allocator(items)

    def lift(buf: bytes, off: int, context: int) -> tuple:
        _, data = _READ_PAIR(buf, off)
        values = _string_at(data, count * _VAL) if count else b""
        return tuple(get(values, at, context) for at, get in gets)

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, tuple) or len(value) != count:
            raise TypeError(f"expected a tuple of {count}, not {value!r}")
        at = alloc(a, count * _VAL, off + 16)
        for (rel, set_), item in zip(puts, value):
            set_(a, item, at + rel)
        _PAIR.pack_into(a.data, off, tag, count, a.base + at)
    return Converter(("tuple", tuple(c.key for c in items)), lift, put, frozenset({tuple}),
                     any(c.moves for c in items))


def _record(fields: tuple[tuple[str, Converter], ...]) -> Converter:
    """A record: lifted to a ``Record`` with the WIT's (kebab-case) attribute names; lowered from
    any object with those attributes. A template made once holds its entries' names and the kinds
    of its integer fields, whose values are then written in place (no call per field)."""
    tag = _K["RECORD"]
    count = len(fields)
    names = [name for name, _ in fields]
    gets = [(i * _ENTRY + 16, c.lift) for i, (_, c) in enumerate(fields)]
    template = bytearray(count * _ENTRY)
    numbers, others = [], []
    for i, (name, c) in enumerate(fields):
        _NAME_AT.pack_into(template, i * _ENTRY, *_name(name))
        kind = c.key[0]
        if kind in _INTEGERS:
            template[i * _ENTRY + 16] = _K[kind]
            numbers.append((name, i * _ENTRY + 24, struct.Struct("<" + _FORMATS[kind]).pack_into))
        else:
            others.append((name, i * _ENTRY + 16, c.put))
    template = bytes(template)
    span = count * _ENTRY
    alloc = _allocator([c for _, c in fields])

    def lift(buf: bytes, off: int, context: int) -> Record:
        _, data = _READ_PAIR(buf, off)
        entries = _string_at(data, span) if count else b""
        out = Record()
        out.__dict__.update(zip(names, [get(entries, at, context) for at, get in gets]))
        return out

    def put(a: _Arena, value: Any, off: int) -> None:
        at = alloc(a, span, off + 16)
        data = a.data
        data[at:at + span] = template
        for name, rel, write in numbers:
            write(data, at + rel, getattr(value, name))
        for name, rel, set_ in others:
            set_(a, getattr(value, name), at + rel)
        _PAIR.pack_into(data, off, tag, count, a.base + at)
    return Converter(("record", tuple((n, c.key) for n, c in fields)), lift, put, frozenset({Record}),
                     any(c.moves for _, c in fields))


def _tagged(cases: tuple[tuple[str, Converter | None], ...]) -> bool:
    """wasmtime-py's rule: a variant-like value is a ``Variant`` when two cases' Python classes
    overlap (a case without payload counts as ``object``); otherwise it is the bare payload."""
    seen: set = set()
    for _, c in cases:
        classes = {object} if c is None else set(c.classes)
        if classes & seen:
            return True
        seen |= classes
    return False


def _variant_like(kind: str, cases: tuple[tuple[str, Converter | None], ...]) -> Converter:
    """variant, option and result: lifted in wasmtime-py's form (tagged or not, see
    :func:`_tagged`), lowered from the plain form of ``p2/values.py``."""
    tagged = _tagged(cases)
    key = (kind, tuple((n, None if c is None else c.key) for n, c in cases))
    classes = frozenset({Variant}) if tagged else frozenset().union(
        *({object} if c is None else c.classes for _, c in cases))
    lifts = {name: (None if c is None else c.lift) for name, c in cases}
    alloc = _allocator([c for _, c in cases])
    moves = any(c is not None and c.moves for _, c in cases)

    def payload(name: str, pointer: int, context: int) -> Any:
        get = lifts[name]
        if get is None:
            return Variant(name) if tagged else None
        value = get(_string_at(pointer, _VAL), 0, context)
        return Variant(name, value) if tagged else value

    if kind == "option":
        some = cases[1][1]
        assert some is not None
        put_some = some.put
        option_tag = _K["OPTION"]

        def lift(buf: bytes, off: int, context: int) -> Any:
            pointer = _READ_POINTER(buf, off)[0]
            return payload("some", pointer, context) if pointer else payload("none", 0, context)

        def put(a: _Arena, value: Any, off: int) -> None:
            if value is None:
                _POINTER.pack_into(a.data, off, option_tag, 0)
                return
            at = alloc(a, _VAL, off + 8)
            put_some(a, value, at)
            _POINTER.pack_into(a.data, off, option_tag, a.base + at)
        return Converter(key, lift, put, classes, moves)

    if kind == "result":
        (_, ok), (_, err) = cases
        put_ok = None if ok is None else ok.put
        put_err = None if err is None else err.put
        result_tag = _K["RESULT"]

        def lift(buf: bytes, off: int, context: int) -> Any:
            is_ok, pointer = _READ_RESULT(buf, off)
            return payload("ok" if is_ok else "err", pointer, context)

        def put(a: _Arena, value: Any, off: int) -> None:
            if type(value) is Ok:
                is_ok, set_ = True, put_ok
            elif type(value) is Err:
                is_ok, set_ = False, put_err
            else:
                raise TypeError(f"a result needs Ok(...) or Err(...), not {value!r}")
            if set_ is None:
                _RESULT.pack_into(a.data, off, result_tag, is_ok, 0)
                return
            at = alloc(a, _VAL, off + 16)
            set_(a, value.value, at)
            _RESULT.pack_into(a.data, off, result_tag, is_ok, a.base + at)
        return Converter(key, lift, put, classes, moves)

    variant_tag = _K["VARIANT"]
    by_name = {name: (*_name(name), None if c is None else c.put) for name, c in cases}

    def lift(buf: bytes, off: int, context: int) -> Any:
        size, data, pointer = _READ_VARIANT(buf, off)
        return payload(_string_at(data, size).decode("utf-8"), pointer, context)

    def put(a: _Arena, value: Any, off: int) -> None:
        if not isinstance(value, Variant):
            raise TypeError(f"a variant needs Variant(tag, payload), not {value!r}")
        try:
            size, name, set_ = by_name[value.tag]
        except KeyError:
            raise ValueError(f"{value.tag!r} is no case of variant {{{', '.join(by_name)}}}") from None
        if set_ is None:
            _VARIANT.pack_into(a.data, off, variant_tag, size, name, 0)
            return
        at = alloc(a, _VAL, off + 24)
        set_(a, value.payload, at)
        _VARIANT.pack_into(a.data, off, variant_tag, size, name, a.base + at)
    return Converter(key, lift, put, classes, moves)


# -- a function's arguments and result ------------------------------------------------------------


def lift_args(params: list[Converter]) -> Callable[[int, int], list]:
    """``lift(args, context)``: the C argument array at address ``args`` as Python values."""
    gets = [(i * _VAL, c.lift) for i, c in enumerate(params)]
    span = len(params) * _VAL

    def lift(args: int, context: int) -> list:
        if not span:
            return []
        buf = _string_at(args, span)
        return [get(buf, at, context) for at, get in gets]
    return lift


def lower_result(result: Converter) -> Callable[[int, Any, int], None]:
    """``lower(context, value, results)``: ``value`` written into the C result slot at address
    ``results`` (wasmtime owns and frees what is written there)."""
    put = result.put

    def lower(context: int, value: Any, results: int) -> None:
        arena = _take_arena()
        try:
            while True:
                arena.top = 0
                arena.blocks.clear()
                arena.context = context
                try:
                    put(arena, value, arena.block(_VAL, -1))
                    break
                except _Full as full:
                    arena.discard()
                    arena = _take_arena(full.need * 2)
                except BaseException:
                    arena.discard()
                    raise
            arena.commit(results)
        finally:
            _FREE.append(arena)
    return lower


class _Entry(NamedTuple):
    func: Callable[..., Any]
    lift: Callable[[int, int], list]
    lower: Callable[[int, Any, int], None] | None


_FUNCTIONS: dict[int, _Entry] = {}
_indexes = itertools.count(1)

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_size_t, _vp, _vp, _vp, _vp, _size, _vp, _size)


def _trap(error: WasmtimeError) -> int:
    return _address(error._consume())


@_CALLBACK
def _callback(idx: int, context: int, ty: int, args: int, nargs: int, results: int, nresults: int) -> int:
    """Every host function's entry from wasmtime: lift, call, lower. An exception is a trap;
    anything but a WasmtimeError is kept for ``Func.__call__`` to re-raise (as wasmtime-py does)."""
    entry = _FUNCTIONS[idx or 0]
    try:
        value = entry.func(*entry.lift(args, context))
        if entry.lower is not None:
            entry.lower(context, value, results)
    except WasmtimeError as e:
        return _trap(e)
    except Exception as e:
        _enter.LAST_EXCEPTION = e
        return _trap(WasmtimeError("python exception"))
    return 0


@ctypes.CFUNCTYPE(None, _vp)
def _finalize(idx: int) -> None:
    if _FUNCTIONS:  # empty at interpreter shutdown
        _FUNCTIONS.pop(idx or 0, None)


_add_func = _c("wasmtime_component_linker_instance_add_func", _vp, _vp, ctypes.c_char_p, _size, _CALLBACK, _vp,
               ctypes.CFUNCTYPE(None, _vp))


def add_func(instance: LinkerInstance, name: str, fty: FuncType, func: Callable[..., Any]) -> None:
    """Define ``name`` in ``instance``: ``func(*args)`` gets the arguments lifted (handles as reps)
    and answers in the plain form of ``p2/values.py``. ``fty`` is the function's type as the
    component imports it (the type wasmtime checks the definition against); its converters are
    made now. TypeError for a type this host cannot convert."""
    instance._assert_not_locked()
    params = [converter(t) for _, t in fty.params]
    result = fty.result
    entry = _Entry(func, lift_args(params), None if result is None else lower_result(converter(result)))
    idx = next(_indexes)
    _FUNCTIONS[idx] = entry
    encoded = name.encode("utf-8")
    err = _add_func(_address(instance.ptr()), encoded, len(encoded), _callback, idx, _finalize)
    if err:
        _FUNCTIONS.pop(idx, None)
        raise WasmtimeError._from_ptr(ctypes.cast(err, ctypes.POINTER(ffi.wasmtime_error_t)))
