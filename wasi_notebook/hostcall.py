"""Fast host functions for wasmtime-py: the call path the preview1 host installs its functions with.

Why this module exists
----------------------
``wasmtime.Linker.define_func`` boxes every argument and result in ``Val`` objects and builds a
``Caller`` per call: about 7 us a call, 11 us with ``access_caller=True`` and a memory lookup.
The C API also has ``wasmtime_linker_define_func_unchecked``, whose callback gets the arguments as
a raw ``wasmtime_val_raw_t`` array (16 bytes a slot), writes the results back into the same array
and returns ``NULL`` or a ``wasm_trap_t*``. Driving that from Python with some care costs a few
tenths of a microsecond. This module wraps it; ``benchmarks/bench_hostcall.py`` measures both.

It uses wasmtime-py's private ``wasmtime._ffi`` module (the loaded library and its ctypes
structures); ``pyproject.toml`` pins the wasmtime version range and ``tests/test_hostcall.py``
covers what we rely on.

The API
-------
``define(linker, module, name, params, results, func, memory=None)``
    Define ``module.name`` in a ``wasmtime.Linker``. ``params`` and ``results`` are sequences of
    type names (below). ``func(*args)`` gets plain Python ints (floats for f32/f64) and returns
    ``None`` (no results), one value (one result) or a tuple (several). With ``memory="memory"``
    it is called as ``func(mem, *args)``, ``mem`` being a writable ``memoryview`` (format ``B``)
    over the calling instance's exported linear memory of that name.
``new_func(store, params, results, func, memory=None) -> wasmtime.Func``
    The same as a ``Func`` owned by one store, for ``Linker.define(store, ...)`` or import lists.
``call(wasm_func, store, *args)`` / ``with guard(): ...``
    Call into wasm (or instantiate) so that what a host function raised comes out as it should
    (see "Outcomes" below).
``MemoryBinding(export)``
    Pass it as ``memory=`` and ``bind`` it after instantiating: each call then skips the export
    lookup (for a linker that serves one instance).
``HostTrap(message)``
    Raise it in a host function to trap the guest with ``message``.
``ProcExit(code)``
    Raise it in a host function to end the run with an exit code (WASI ``proc_exit``).

For example::

    IOVEC = struct.Struct("<II")

    def fd_write(mem, fd, iovs, iovs_len, nwritten_ptr):
        ...  # IOVEC.unpack_from(mem, iovs + 8 * i), bytes(mem[ptr:ptr + n]), ...
        struct.pack_into("<I", mem, nwritten_ptr, total)
        return 0  # errno

    def proc_exit(code):
        raise hostcall.ProcExit(code)

    linker = wasmtime.Linker(engine)
    P1 = "wasi_snapshot_preview1"
    hostcall.define(linker, P1, "fd_write", ["i32"] * 4, ["i32"], fd_write, memory="memory")
    hostcall.define(linker, P1, "proc_exit", ["i32"], [], proc_exit)
    store = wasmtime.Store(engine)
    try:
        with hostcall.guard():
            instance = linker.instantiate(store, module)
            instance.exports(store)["_start"](store)
        exit_code = 0
    except wasmtime.ExitTrap as e:   # ProcExit (and wasmtime's own WASI exit)
        exit_code = e.code
    # wasmtime.Trap: the guest trapped (HostTrap included); anything else: a host bug, as raised

Type names, and how values are seen in Python
---------------------------------------------
=========  =========  =====================================================================
name       wasm type  Python value
=========  =========  =====================================================================
``i32``    i32        unsigned, 0 .. 2**32-1 (WASI pointers, sizes, fds, flags are u32)
``u32``    i32        the same as ``i32``
``s32``    i32        signed, -2**31 .. 2**31-1
``i64``    i64        unsigned, 0 .. 2**64-1 (WASI filesize, timestamp, rights, cookies are u64)
``u64``    i64        the same as ``i64``
``s64``    i64        signed, -2**63 .. 2**63-1 (WASI ``filedelta``, the ``fd_seek`` offset)
``f32``    f32        float
``f64``    f64        float
=========  =========  =====================================================================

The same names type results, with the same ranges: a result declared ``i32`` must lie in
0 .. 2**32-1 (a negative one needs ``s32``). Anything out of range or not a number is a bug in the
host function and is reported as one (below), never silently truncated.

Outcomes: exit, trap, bug
-------------------------
A host function ends in one of four ways, and the code that called into wasm sees them apart:

* it returns: the guest goes on with the results;
* it raises ``HostTrap("msg")``: the guest traps; through ``call``/``guard`` the caller gets a
  ``wasmtime.Trap`` whose message is ``msg`` (``__cause__``: the ``HostTrap``; ``trap_code``:
  ``None``). Without them, wasmtime-py raises a ``WasmtimeError`` whose text contains ``msg``
  (wasmtime reports traps made by the host as errors, not as ``wasm_trap_t``);
* it raises ``ProcExit(n)``: the guest stops; through ``call``/``guard`` the caller gets that
  ``ProcExit``, a subclass of ``wasmtime.ExitTrap`` with ``.code == n``, which is also what
  wasmtime-py raises when a guest calls ``proc_exit`` on wasmtime's built-in WASI, so one
  ``except wasmtime.ExitTrap`` serves both backends. Catch it before ``Trap``/``WasmtimeError``
  (``ExitTrap`` is a ``WasmtimeError``, not a ``Trap``);
* it raises anything else (a bug, ``KeyboardInterrupt``, ...): the guest traps and, through
  ``call``/``guard``, the caller gets *the original exception object*, its traceback reaching
  down to the line that raised it, with a note naming the host function and the wasm backtrace.

Under the hood the callback turns every exception into a trap (an exception must never escape a
ctypes callback: ctypes would print it and return 0, i.e. "success" with garbage results) and,
for ``ProcExit`` and bugs, parks the exception in a per-thread slot. ``call``/``guard`` empty the
slot when entered and, when wasm fails, raise what is parked there instead of the bare trap.
A trap ends the whole wasm call (wasm cannot catch traps), so the parked exception belongs to the
trap the guard sees; the trap's message carries a serial mark that the guard checks all the same
(a host function might have called wasm unguarded, caught that failure and gone on). Without
``call``/``guard`` nothing is lost either: the caller gets a ``WasmtimeError`` whose message
names the exception, and ``take_pending()`` returns the exception itself.

Guest memory, and why the cached view is safe
---------------------------------------------
With ``memory=NAME`` each call looks up the caller's export ``NAME``
(``wasmtime_caller_export_get``: the memory of *the calling instance*, right even when several
instances in one store import the same function) and then needs a Python view of that memory.
Building a view costs three more C calls and two objects, so views are cached, keyed by the
memory's handle (the store id and the two private indices of its ``wasmtime_memory_t``, read
field by field from the extern that the lookup returns), and reused as long as
``wasmtime_memory_data_size`` returns the size the view was made with:

1. A cache key names one memory for the life of the process: wasmtime hands out store ids from a
   global counter and never reuses them, and a store never frees a memory before the store itself
   is dropped. A live call that finds the key proves the store is alive, so the cached
   ``wasmtime_context_t*`` (the store's, stable while it lives) is still the right one to pass to
   ``wasmtime_memory_data_size``. Entries of dropped stores are never matched again (the cache is
   bounded and cleared when it fills).
2. wasmtime moves a linear memory only while growing it (``memory.grow`` in the guest or
   ``Memory.grow`` from the host, when the reservation is too small or ``memory_may_move``
   allows it), memories never shrink, and a growth of at least one page changes the byte size.
   So an unchanged ``data_size`` means no growth since the view was made, hence the same base
   pointer and the same length: the view covers exactly the live memory.
3. The view is a ``memoryview`` of exactly ``data_size`` bytes: indexing out of range raises
   ``IndexError``; slicing clamps (check ``ptr + n <= len(mem)`` yourself and answer
   ``EFAULT``); ``struct.unpack_from`` raises ``struct.error`` past the end.
4. The view is only valid *during* the host call: when the function returns, the guest may grow
   (and so move) the memory and the store may be freed. Never keep ``mem`` or a slice of it;
   copy what you need (``bytes(mem[a:b])``). Using it later is undefined behaviour (may crash).

Threads. A store runs on one thread at a time, but several threads may run several stores, and
Python may switch threads between any two bytecodes of a callback. So: the buffer that
``wasmtime_caller_export_get`` fills is private to a native stack (cached, like the view of the
argument slots, by the slots' stack address, or by thread id for a function without slots);
cache entries are immutable tuples ``(key, context, size, view)`` read once per call, so a key is
never paired with another store's context (wasmtime would abort the process on a store
mismatch). The C calls made inside a callback keep the GIL: they are short and never call back.

The C trampoline
----------------
When the optional extension ``_hostcall_c`` is built (``setup.py``; it needs a C compiler at
install), wasmtime calls one C function for every definition without memory or with a
``MemoryBinding``, instead of a ctypes callback. It converts the argument slots, checks a bound
memory's size with a plain C call and calls ``func`` directly; everything else (an unbound
binding, results it does not recognise, exceptions) it hands to the Python code of this module,
which stays the reference and serves alone when the extension is missing or
``WASI_NOTEBOOK_PURE_PYTHON=1`` is set. ``NATIVE`` says which is in use.

Cost (see ``benchmarks/bench_hostcall.py``, measured on a 2-core machine): through ctypes the
fast path is about 0.3 us a call plus the Python function, a bound memory adds about 0.4 us (the
ctypes call that checks its size) and a memory found by export name about 0.8 us (the export
lookup too: ctypes spends some 0.1 us per argument converted). Through the C trampoline a call
costs about 0.08 us, 0.1 us with a bound memory; a memory found by export name still goes
through ctypes.

Ownership and lifetime
----------------------
Every definition gets its own ctypes callback object (a function generated for its signature)
and its own ``FuncType`` (wasmtime ties a ``FuncType`` to the first engine that uses it: reusing
one with another engine aborts the process).
wasmtime keeps a ``void *data`` (an integer key here; for the C trampoline, the address of the
definition's C record) and calls our module-wide finalizer with it
when the last user of the definition is gone (the linker *and* every instance created from it for
``define``; the store for ``new_func``). Until then the callback object, and through it
``func``, is held in the registry ``_LIVE``; the finalizer removes the entry. If the definition
fails (a name clash without shadowing), wasmtime runs the finalizer at once and ``define``
raises ``WasmtimeError``. The finalizer itself and the registry are made immortal (one leaked
reference each) so that a linker dropped during interpreter shutdown never calls freed code.
``live_definitions()`` counts the entries, for tests.

Fuel and epoch interruption: host calls consume no fuel and never see the epoch; a guest that
runs out of fuel or past its deadline traps as usual, whether or not it calls host functions.
The wasm call itself is made through wasmtime-py, which releases the GIL while wasm runs, so a
watchdog thread can still call ``Engine.increment_epoch()``.

Not supported: reference types, v128, shared memories, async/fibers.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import linecache
import os
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import wasmtime
from wasmtime import _ffi as _wffi

__all__ = [
    "HostTrap",
    "ProcExit",
    "call",
    "define",
    "guard",
    "live_definitions",
    "new_func",
    "take_pending",
]


# --------------------------------------------------------------------------------------------
# Outcome exceptions


class HostTrap(Exception):
    """Raise inside a host function to trap the guest; the trap's message is ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProcExit(wasmtime.ExitTrap):
    """The guest asked to end with exit ``code`` (WASI ``proc_exit``).

    Raise it inside a host function; ``call``/``guard`` re-raise it to the code that called into
    wasm. It is a ``wasmtime.ExitTrap`` (so a ``WasmtimeError``) with ``.code``, like the
    exception wasmtime-py raises for ``proc_exit`` of wasmtime's built-in WASI.
    """

    code: int

    def __init__(self, code: int) -> None:
        if not isinstance(code, int):
            raise TypeError(f"exit code must be an int, not {type(code).__name__}")
        super().__init__(f"guest exited with code {code}")
        self.code = code

    def __repr__(self) -> str:
        return f"ProcExit({self.code})"

    def __reduce__(self) -> Any:
        return (ProcExit, (self.code,))


# --------------------------------------------------------------------------------------------
# The C functions we call, bound with our own prototypes.
#
# Pointers travel as c_void_p (plain ints, or prebuilt c_void_p objects, which ctypes converts
# faster). Functions called inside a callback are bound with PYFUNCTYPE: they keep the GIL (no
# release and re-acquire per call; they are short and never call back into Python).

_size_t = ctypes.c_size_t
_vp = ctypes.c_void_p

_CALLBACK = ctypes.CFUNCTYPE(_size_t, _vp, _vp, _vp, _size_t)  # (env, caller, args, nargs) -> trap*
_FINALIZER_T = ctypes.CFUNCTYPE(None, _vp)


def _bind(name: str, proto: Any) -> Any:
    return proto(ctypes.cast(getattr(_wffi.dll, name), _vp).value)


_error_p = ctypes.POINTER(_wffi.wasmtime_error_t)

_linker_define_func_unchecked = _bind(
    "wasmtime_linker_define_func_unchecked",
    ctypes.CFUNCTYPE(_error_p, _vp, ctypes.c_char_p, _size_t, ctypes.c_char_p, _size_t, _vp,
                     _CALLBACK, _vp, _FINALIZER_T),
)
_func_new_unchecked = _bind(
    "wasmtime_func_new_unchecked",
    ctypes.CFUNCTYPE(None, _vp, _vp, _CALLBACK, _vp, _FINALIZER_T, _vp),
)
_caller_export_get = _bind(
    "wasmtime_caller_export_get",
    ctypes.PYFUNCTYPE(ctypes.c_bool, _vp, _vp, _size_t, _vp),
)
_caller_context = _bind("wasmtime_caller_context", ctypes.PYFUNCTYPE(_vp, _vp))
_memory_data = _bind("wasmtime_memory_data", ctypes.PYFUNCTYPE(_vp, _vp, _vp))
_memory_data_size = _bind("wasmtime_memory_data_size", ctypes.PYFUNCTYPE(_size_t, _vp, _vp))
_trap_new = _bind("wasmtime_trap_new", ctypes.PYFUNCTYPE(_vp, ctypes.c_char_p, _size_t))


def _load_native() -> Any:
    """The C trampoline (``_hostcall_c``, built at install when a C compiler is there), or None:
    then every definition gets a ctypes callback. ``WASI_NOTEBOOK_PURE_PYTHON=1`` forces that."""
    if os.environ.get("WASI_NOTEBOOK_PURE_PYTHON"):
        return None
    try:
        from . import _hostcall_c  # type: ignore[attr-defined]
    except ImportError:
        return None
    _hostcall_c.set_data_size(ctypes.cast(_wffi.dll.wasmtime_memory_data_size, _vp).value)
    return _hostcall_c


_native = _load_native()
_TRAMPOLINE = _CALLBACK(_native.TRAMPOLINE) if _native is not None else None
NATIVE = _native is not None  # whether calls go through the C trampoline


# --------------------------------------------------------------------------------------------
# Value types

_SLOT = ctypes.sizeof(_wffi.wasmtime_val_raw_t)  # 16: every argument/result slot
assert _SLOT == 16, _SLOT

# name -> (struct code, size in bytes, wasmtime ValType factory)
_TYPES: dict[str, tuple[str, int, Callable[[], wasmtime.ValType]]] = {
    "i32": ("I", 4, wasmtime.ValType.i32),
    "u32": ("I", 4, wasmtime.ValType.i32),
    "s32": ("i", 4, wasmtime.ValType.i32),
    "i64": ("Q", 8, wasmtime.ValType.i64),
    "u64": ("Q", 8, wasmtime.ValType.i64),
    "s64": ("q", 8, wasmtime.ValType.i64),
    "f32": ("f", 4, wasmtime.ValType.f32),
    "f64": ("d", 8, wasmtime.ValType.f64),
}


def _check_types(types: Sequence[str], what: str) -> tuple[str, ...]:
    if isinstance(types, str):
        raise TypeError(f"{what} must be a sequence of type names, not a string")
    out = tuple(types)
    for t in out:
        if t not in _TYPES:
            raise ValueError(f"unknown {what[:-1]} type {t!r}; expected one of {sorted(_TYPES)}")
    return out


def _slots_struct(types: tuple[str, ...]) -> struct.Struct:
    """A Struct reading/writing ``types`` at 16-byte slots 0, 16, 32, ... (little-endian)."""
    fmt = "<" + "".join(f"{_TYPES[t][0]}{_SLOT - _TYPES[t][1]}x" for t in types)
    return struct.Struct(fmt)


def _functype(params: tuple[str, ...], results: tuple[str, ...]) -> wasmtime.FuncType:
    return wasmtime.FuncType([_TYPES[t][2]() for t in params], [_TYPES[t][2]() for t in results])


# --------------------------------------------------------------------------------------------
# Pending outcome (per thread)

_tls = threading.local()
_serials = itertools.count(1)


def take_pending() -> BaseException | None:
    """Return and forget the exception parked by the last failed host call on this thread.

    ``call``/``guard`` do this for you; use it if you called wasm some other way.
    """
    exc = getattr(_tls, "pending", None)
    _tls.pending = None
    return exc


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:  # a broken __str__ must not break the report
        text = "<unprintable>"
    name = type(exc).__qualname__
    return f"{name}: {text}" if text else name


def _trap_for(exc: BaseException, where: str) -> int:
    """Turn ``exc`` raised in host function ``where`` into a trap pointer; park it if needed."""
    try:
        if isinstance(exc, HostTrap):
            _tls.pending = None
            _tls.last_host_trap = exc
            msg = str(exc.message)
        else:
            # The mark lets guard() check that the error it catches is this very trap.
            mark = f"[hostcall #{next(_serials)}:"
            _tls.pending = exc
            _tls.pending_mark = mark
            _tls.pending_where = where
            _tls.last_host_trap = None
            if isinstance(exc, ProcExit):
                msg = (f"{where}: exit with code {exc.code} "
                       f"{mark} raised as ProcExit by hostcall.call/guard]")
            else:
                msg = (f"host function {where} raised {_describe(exc)} "
                       f"{mark} re-raised by hostcall.call/guard, or see hostcall.take_pending()]")
        data = msg.encode("utf-8", "replace")
    except BaseException:
        data = b"host function failed (and reporting the failure failed too)"
    # wasmtime takes ownership of the trap.
    return _trap_new(data, len(data)) or 0


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Run wasm inside this block; failures of host functions come out as they should.

    When wasm fails with a ``wasmtime.Trap``/``WasmtimeError``:

    * if a host function raised ``ProcExit`` or an unexpected exception, that exception object is
      raised instead (``from None``; an unexpected one gets a note naming the host function and
      giving the wasm backtrace);
    * if a host function raised ``HostTrap(msg)``, a ``wasmtime.Trap`` with message ``msg`` is
      raised, its ``__cause__`` the ``HostTrap``, with the wasm backtrace as a note (wasmtime
      itself reports a host-made trap as a ``WasmtimeError`` whose text embeds the message);
    * anything else (a wasm trap such as ``unreachable``, out of fuel, an epoch deadline, a link
      error) passes through untouched.

    Works for ``Func`` calls and for ``Linker.instantiate`` (a start function may call the host).
    """
    _tls.pending = None
    _tls.last_host_trap = None
    try:
        yield
    except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
        pending = take_pending()
        host_trap = getattr(_tls, "last_host_trap", None)
        _tls.last_host_trap = None
        # Only what belongs to *this* error counts: a host function may have called wasm without
        # a guard, caught the failure and gone on; what that left behind is stale.
        text = _text(err)
        if pending is not None and getattr(_tls, "pending_mark", "\0") not in text:
            pending = None
        if host_trap is not None and _first_line(host_trap.message) not in text:
            host_trap = None
        if pending is None:
            if host_trap is None:
                raise
            trap = wasmtime.Trap(str(host_trap.message))
            trap.add_note(_wasm_backtrace(err))
            raise trap from host_trap
        if pending is err:  # an inner guard already raised it and it came through untouched
            raise
        if not isinstance(pending, ProcExit):
            where = getattr(_tls, "pending_where", "?")
            try:
                pending.add_note(f"raised in host function {where}, called from wasm; "
                                 + _wasm_backtrace(err))
            except BaseException:
                pass
        raise pending from None


def _text(err: BaseException) -> str:
    try:
        return str(err)
    except BaseException:
        return ""


def _first_line(message: object) -> str:
    lines = str(message).splitlines()
    return lines[0] if lines else ""


def _wasm_backtrace(err: BaseException) -> str:
    """The wasm backtrace part of wasmtime's error text (the part before "Caused by:")."""
    text = _text(err)
    head = text.split("\n\nCaused by:", 1)[0].strip()
    prefix = "error while executing at "
    if head.startswith(prefix):
        head = head[len(prefix):]
    return head if head.startswith("wasm backtrace") else "wasm backtrace: (unavailable)"


def call(func: wasmtime.Func, store: wasmtime.Store, *args: Any) -> Any:
    """``func(store, *args)`` inside ``guard()``: its result, or the right outcome raised."""
    with guard():
        return func(store, *args)


# --------------------------------------------------------------------------------------------
# Guest memory views


def _ext_key_struct() -> struct.Struct:
    """Struct reading (kind, store_id, private1, private2) from a wasmtime_extern_t.

    The three fields of ``wasmtime_memory_t`` identify a memory (its store, its instance, its
    index); they are read one by one because the padding bytes between them need not be set.
    """
    of = _wffi.wasmtime_extern_t.of.offset
    inner = _wffi.wasmtime_memory._anon_1.offset
    fields = [  # (offset, struct code, size)
        (_wffi.wasmtime_extern_t.kind.offset, "B", 1),
        (of + inner + _wffi.wasmtime_memory_anon_0.store_id.offset, "Q", 8),
        (of + inner + getattr(_wffi.wasmtime_memory_anon_0, "__private1").offset, "I", 4),
        (of + getattr(_wffi.wasmtime_memory, "__private2").offset, "I", 4),
    ]
    fmt, pos = "<", 0
    for off, code, size in fields:
        assert off >= pos, fields
        fmt += f"{off - pos}x{code}" if off > pos else code
        pos = off + size
    return struct.Struct(fmt)


_EXT_KEY = _ext_key_struct()
_EXT_MEM_OFFSET = _wffi.wasmtime_extern_t.of.offset  # &ext.of.memory - &ext
_EXTERN_MEMORY = _wffi.WASMTIME_EXTERN_MEMORY.value
_EMPTY = memoryview(bytearray()).cast("B")

# A cache entry is an immutable tuple (key, context, data size, view): key is what _EXT_KEY reads
# (kind, store_id, private1, private2), context the store's wasmtime_context_t* as a c_void_p.
# Being immutable, an entry read once is consistent even if another thread replaces it meanwhile.
_MemEntry = tuple[tuple[int, ...], Any, int, memoryview]
_MEMS: dict[tuple[int, ...], _MemEntry] = {}
_MEMS_MAX = 64
# The entry used last, looked at first (a 1-element list whose element is replaced as a whole).
_LAST: list[_MemEntry] = [((-1,), None, -1, _EMPTY)]


def _lookup_state() -> tuple[Any, memoryview, Any]:
    """A private wasmtime_extern_t for export lookups: (&ext, its bytes, &ext.of.memory).

    Each thread (each native stack) gets its own (see the callbacks), so a thread switch between
    the lookup and the reading of its result cannot mix two threads' answers.
    """
    ext = _wffi.wasmtime_extern_t()
    addr = ctypes.addressof(ext)
    return _vp(addr), memoryview(ext).cast("B"), _vp(addr + _EXT_MEM_OFFSET)


def _export_name(name_v: Any, name_len: Any) -> str:
    return ctypes.string_at(name_v.value, name_len.value).decode("utf-8", "replace")


def _memory_view(caller: int, name_v: Any, name_len: Any, ext_v: Any, ext_b: memoryview,
                 mem_v: Any, where: str) -> memoryview:
    """The caller's exported memory as a memoryview: the slow path (cache miss or resize)."""
    if not _caller_export_get(caller, name_v, name_len, ext_v):
        raise HostTrap(f"{where}: the calling module exports no {_export_name(name_v, name_len)!r}"
                       " (a memory is required)")
    key = _EXT_KEY.unpack_from(ext_b)
    if key[0] != _EXTERN_MEMORY:
        raise HostTrap(f"{where}: the export {_export_name(name_v, name_len)!r} of the calling "
                       "module is not a (non-shared) memory")
    entry = _MEMS.get(key)
    # The context of a live memory's store: from the cache (see the module doc, point 1) or asked.
    ctx_v = entry[1] if entry is not None else _vp(_caller_context(caller))
    size = _memory_data_size(ctx_v, mem_v)
    if entry is None or entry[2] != size:
        if size:
            base = _memory_data(ctx_v, mem_v)
            view = memoryview((ctypes.c_ubyte * size).from_address(base)).cast("B")
        else:
            view = _EMPTY
        entry = (key, ctx_v, size, view)
        if len(_MEMS) >= _MEMS_MAX:
            _MEMS.clear()
        _MEMS[key] = entry
    _LAST[0] = entry
    return entry[3]


class MemoryBinding:
    """The memory of the one instance a linker's functions serve, once it is known.

    Pass one as ``memory=`` to :func:`define` for every function of a linker; after
    instantiating, :meth:`bind` it to the instance's memory. From then on a call checks only the
    memory's size (to notice growth) instead of looking the export up: about 0.3 us less per
    call. Until bound (calls made while instantiating) and after :meth:`unbind`, calls look the
    memory up as usual. Only for a linker whose functions serve a single store and instance:
    the binding does not check which instance calls.
    """

    __slots__ = ("export", "state", "_keep")

    def __init__(self, export: str = "memory") -> None:
        self.export = export
        self.state: list[Any] | None = None  # see bind()
        self._keep: Any = None

    def bind(self, store: wasmtime.Store, memory: wasmtime.Memory) -> None:
        handle = memory._memory  # the wasmtime_memory_t; kept alive with the store below
        self._keep = (store, handle)
        context = ctypes.cast(store._context(), _vp)
        address = ctypes.addressof(handle)
        # [context, &memory, size of the view, view, and the two pointers as ints (for C)]
        self.state = [context, _vp(address), -1, _EMPTY, context.value, address]

    def unbind(self) -> None:
        self.state = None
        self._keep = None

    def refresh(self) -> memoryview:
        """A new view after the memory grew (or on first use)."""
        state = self.state
        assert state is not None
        size = _memory_data_size(state[0], state[1])
        if size:
            base = _memory_data(state[0], state[1])
            view = memoryview((ctypes.c_ubyte * size).from_address(base)).cast("B")
        else:
            view = _EMPTY
        state[2], state[3] = size, view
        return view


# --------------------------------------------------------------------------------------------
# Callbacks
#
# Each definition gets a callback generated for its signature (like namedtuple/dataclasses do),
# so a call runs straight-line code: no per-call branching on the signature.

_TEMPLATE = """
def callback(env, caller, args, nargs):
    try:
{state}
{memory}
        r = py_func({call_args})
{result}
        return 0
    except BaseException as exc:
        return trap_for(exc, where)
"""

# Per-call state: the view of the argument/result slots, and (with memory) the lookup buffer.
# Both are cached by the address wasmtime passes for the slots (a pointer into the calling
# thread's native stack, the same from call to call at a given depth): a view is only read or
# written during a call that passed exactly that address, when those bytes are that call's
# slots, and two threads never share a stack address. Without slots, the thread id is the key.
_STATE_SLOTS = """\
        st = states.get(args) or new_state(args)"""
_STATE_THREAD = """\
        tid = get_ident()
        st = states.get(tid) or new_state(tid)"""
_UNPACK_MEM = """\
        view, ext_v, ext_b, mem_v = st"""
_UNPACK_PLAIN = """\
        view = st"""
# The memory fast path: same memory as the last lookup and same size -> the cached view.
_MEMORY = """\
        last = LAST[0]
        if (export_get(caller, name_v, name_len, ext_v) and ext_key(ext_b) == last[0]
                and data_size(last[1], mem_v) == last[2]):
            mem = last[3]
        else:
            mem = memory_view(caller, name_v, name_len, ext_v, ext_b, mem_v, where)"""
# With a MemoryBinding that has been bound: one size check, no export lookup.
_MEMORY_BOUND = """\
        bound = binding.state
        if bound is not None:
            mem = bound[3] if data_size(bound[0], bound[1]) == bound[2] else binding.refresh()
        else:
""" + "\n".join("    " + line for line in _MEMORY.splitlines())
_RESULT_NONE = """\
        if r is not None:
            raise bad_result(r, None)"""
_RESULT_ONE = """\
        try:
            pack_into(view, 0, r)
        except (struct_error, TypeError, ValueError) as e:
            raise bad_result(r, e) from e"""
_RESULT_MANY = """\
        try:
            pack_into(view, 0, *r)
        except (struct_error, TypeError, ValueError) as e:
            raise bad_result(r, e) from e"""


# Compiled code of the callback, by variant (memory?, slots?, params?, 0/1/many results).
_CODE: dict[tuple[bool, bool, bool, int, bool], Any] = {}


def _make_callback(py_func: Callable[..., Any], params: tuple[str, ...],
                   results: tuple[str, ...], memory: "str | MemoryBinding | None", where: str) -> Any:
    """Build the ctypes callback for one definition, specialised for its signature."""
    nslots = max(len(params), len(results))
    nres = len(results)
    slots_type = ctypes.c_ubyte * (nslots * _SLOT)

    def bad_result(value: Any, err: Exception | None) -> Exception:
        want = ("None (no results)" if nres == 0 else
                f"one {results[0]}" if nres == 1 else f"a tuple of {nres} values {results}")
        detail = f" ({err})" if err is not None else ""
        return TypeError(f"host function {where} returned {value!r}; expected {want}{detail}")

    states: dict[int, Any] = {}

    def new_state(addr: int) -> Any:
        if len(states) >= 64:
            states.clear()
        view = memoryview(slots_type.from_address(addr)).cast("B") if nslots else _EMPTY
        st = (view, *_lookup_state()) if memory is not None else view
        states[addr] = st
        return st

    names: dict[str, Any] = {
        "py_func": py_func, "where": where, "trap_for": _trap_for, "bad_result": bad_result,
        "struct_error": struct.error, "states": states, "new_state": new_state,
        "get_ident": threading.get_ident,
    }
    lines_state: list[str] = []
    call_args: list[str] = []
    keep: Any = None
    binding = memory if isinstance(memory, MemoryBinding) else None
    if binding is not None:
        names["binding"] = binding
        memory = binding.export
    if memory is not None:
        name_b = memory.encode("utf-8")
        keep = name_buf = ctypes.create_string_buffer(name_b)
        names.update(
            name_v=_vp(ctypes.addressof(name_buf)), name_len=_size_t(len(name_b)),
            LAST=_LAST, export_get=_caller_export_get, ext_key=_EXT_KEY.unpack_from,
            data_size=_memory_data_size, memory_view=_memory_view,
        )
        lines_state += [_STATE_SLOTS if nslots else _STATE_THREAD, _UNPACK_MEM]
        call_args.append("mem")
    elif nslots:
        lines_state += [_STATE_SLOTS, _UNPACK_PLAIN]
    if params:
        names["unpack"] = _slots_struct(params).unpack_from
        call_args.append("*unpack(view)")
    if nres:
        names["pack_into"] = _slots_struct(results).pack_into
    variant = (memory is not None, nslots > 0, len(params) > 0, min(nres, 2), binding is not None)
    code = _CODE.get(variant)
    if code is None:
        source = _TEMPLATE.format(
            state="\n".join(lines_state) or "        pass",
            memory=(_MEMORY_BOUND if binding is not None else _MEMORY) if memory is not None else "",
            call_args=", ".join(call_args),
            result=_RESULT_NONE if nres == 0 else _RESULT_ONE if nres == 1 else _RESULT_MANY,
        )
        filename = "<hostcall callback {}{}{}{}{}>".format(*map(int, variant))
        code = _CODE[variant] = compile(source, filename, "exec")
        # Let tracebacks show the generated lines (a handful of variants, registered once).
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(code, names)  # defines names["callback"], whose globals are ``names``
    callback = names["callback"]
    if _native is not None and (memory is None or binding is not None):
        # The C trampoline takes the call; this module's callback serves it while the binding
        # is unbound, and packs any result the trampoline will not (see _hostcall_c.c).
        results_struct = _slots_struct(results) if nres else None

        def store_results(r: Any, addr: int) -> None:
            if results_struct is None:
                raise bad_result(r, None)
            view = memoryview(slots_type.from_address(addr)).cast("B")
            try:
                results_struct.pack_into(view, 0, *(r if nres > 1 else (r,)))
            except (struct.error, TypeError, ValueError) as e:
                raise bad_result(r, e) from e

        codes = "".join(_TYPES[t][0] for t in params), "".join(_TYPES[t][0] for t in results)
        env = _native.make_env(py_func, callback, binding, _trap_for, store_results, where, *codes)
        return _NativeCallback(env, (callback, keep))
    cfunc = _CALLBACK(callback)
    cfunc._hostcall_keep = (py_func, keep)  # type: ignore[attr-defined]
    return cfunc


class _NativeCallback:
    """A definition served by the C trampoline: its Env (in a capsule) and what must live with it."""

    __slots__ = ("env", "address", "keep")

    def __init__(self, env: Any, keep: Any) -> None:
        self.env = env
        self.address = _native.env_address(env)
        self.keep = keep


# --------------------------------------------------------------------------------------------
# Registry of live definitions and the finalizer

_LIVE: dict[int, Any] = {}
_keys = itertools.count(1)  # never 0: wasmtime would hand the finalizer a NULL


def _finalize(data: int | None, _live: dict[int, Any] = _LIVE) -> None:
    try:
        _live.pop(data or 0, None)
    except BaseException:  # never let anything escape a ctypes callback
        pass


_FINALIZER = _FINALIZER_T(_finalize)
# Immortal: a linker or store may be dropped during interpreter shutdown, after this module's
# globals are cleared, and wasmtime would then call the finalizer (and through _LIVE the
# callbacks must stay valid until then).
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_FINALIZER))
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_LIVE))


def live_definitions() -> int:
    """How many definitions wasmtime still holds (their finalizer has not run yet)."""
    return len(_LIVE)


def _prepare(params: Sequence[str], results: Sequence[str], func: Callable[..., Any],
             memory: "str | MemoryBinding | None", where: str) -> tuple[int, Any, wasmtime.FuncType]:
    if not callable(func):
        raise TypeError("func must be callable")
    p = _check_types(params, "params")
    r = _check_types(results, "results")
    if memory is not None and not isinstance(memory, (str, MemoryBinding)):
        raise TypeError("memory must be an export name (str), a MemoryBinding or None")
    cfunc = _make_callback(func, p, r, memory, where)
    if isinstance(cfunc, _NativeCallback):
        # The Env's address is the data wasmtime hands to the trampoline and to the finalizer.
        _LIVE[cfunc.address] = cfunc
        return cfunc.address, _TRAMPOLINE, _functype(p, r)
    key = next(_keys)
    _LIVE[key] = cfunc
    return key, cfunc, _functype(p, r)


def define(linker: wasmtime.Linker, module: str, name: str, params: Sequence[str],
           results: Sequence[str], func: Callable[..., Any], *,
           memory: "str | MemoryBinding | None" = None) -> None:
    """Define host function ``module.name`` in ``linker`` on the fast path.

    ``func(*args)`` (or ``func(mem, *args)`` with ``memory=EXPORT_NAME``) receives the arguments
    typed by ``params`` and returns values typed by ``results`` (see the module doc). The
    definition is store-independent, like ``Linker.define_func``: any store may instantiate
    through ``linker``. Raises ``WasmtimeError`` if wasmtime refuses the definition.
    """
    where = f"{module}.{name}"
    key, cfunc, ft = _prepare(params, results, func, memory, where)
    mod_b = module.encode("utf-8")
    name_b = name.encode("utf-8")
    # On failure wasmtime has already run the finalizer (the entry is gone from _LIVE).
    err = _linker_define_func_unchecked(linker.ptr(), mod_b, len(mod_b), name_b, len(name_b),
                                        ctypes.cast(ft.ptr(), _vp).value, cfunc, key, _FINALIZER)
    if err:
        _LIVE.pop(key, None)
        raise wasmtime.WasmtimeError._from_ptr(err)


def new_func(store: wasmtime.Store, params: Sequence[str], results: Sequence[str],
             func: Callable[..., Any], *, memory: "str | MemoryBinding | None" = None,
             name: str = "<host>") -> wasmtime.Func:
    """A ``wasmtime.Func`` owned by ``store`` that calls ``func`` on the fast path.

    Same conventions as ``define``; ``name`` only labels error messages. The callback lives
    until ``store`` is dropped.
    """
    key, cfunc, ft = _prepare(params, results, func, memory, name)
    out = _wffi.wasmtime_func_t()
    _func_new_unchecked(ctypes.cast(store._context(), _vp).value, ctypes.cast(ft.ptr(), _vp).value,
                        cfunc, key, _FINALIZER, ctypes.addressof(out))
    return wasmtime.Func._from_raw(out)
