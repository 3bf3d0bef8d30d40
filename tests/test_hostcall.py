"""Tests of wasi_notebook.hostcall, the fast host-function path, with inline WAT guests."""

from __future__ import annotations

import ctypes
import gc
import os
import struct
import sys
import threading
import traceback

import pytest
import wasmtime

from wasi_notebook import hostcall
from wasi_notebook.hostcall import HostTrap, ProcExit


# --------------------------------------------------------------------------------------------
# Both call paths: every test runs through the C trampoline and through the ctypes callbacks
# (hostcall chooses per definition, by its module-level ``_native``).


@pytest.fixture(autouse=True, params=["c", "ctypes"])
def call_path(request, monkeypatch):
    if request.param == "ctypes":
        monkeypatch.setattr(hostcall, "_native", None)
    elif hostcall._native is None:
        pytest.skip("the C trampoline is not built (see test_the_c_trampoline_is_built)")
    return request.param


def test_the_c_trampoline_is_built():
    if os.environ.get("WASI_NOTEBOOK_PURE_PYTHON"):
        pytest.skip("WASI_NOTEBOOK_PURE_PYTHON is set: the ctypes path was asked for")
    assert hostcall.NATIVE, ("wasi_notebook._hostcall_c was not built: install a C compiler and the "
                             "Python headers, then reinstall (pip install -e .)")


def test_definitions_take_the_path_chosen(call_path):
    linker = wasmtime.Linker(wasmtime.Engine())
    hostcall.define(linker, "m", "f", ["i32"], ["i32"], lambda x: x)
    live = list(hostcall._LIVE.values())[-1]
    assert isinstance(live, hostcall._NativeCallback) == (call_path == "c")


# --------------------------------------------------------------------------------------------
# helpers


def make_engine(**options: object) -> wasmtime.Engine:
    config = wasmtime.Config()
    for name, value in options.items():
        setattr(config, name, value)
    return wasmtime.Engine(config)


class Guest:
    """A WAT guest instantiated through a linker whose host functions come from ``defs``."""

    def __init__(self, wat: str, defs, engine: wasmtime.Engine | None = None,
                 store: wasmtime.Store | None = None, linker: wasmtime.Linker | None = None):
        self.engine = engine or (store.engine if store else wasmtime.Engine())
        self.linker = linker or wasmtime.Linker(self.engine)
        for d in defs:
            hostcall.define(self.linker, *d[:5], **(d[5] if len(d) > 5 else {}))
        self.store = store or wasmtime.Store(self.engine)
        self.module = wasmtime.Module(self.engine, wasmtime.wat2wasm(wat))
        with hostcall.guard():
            self.instance = self.linker.instantiate(self.store, self.module)
        self.exports = self.instance.exports(self.store)

    def __call__(self, name: str, *args):
        return hostcall.call(self.exports[name], self.store, *args)

    def raw(self, name: str, *args):
        """Call without hostcall.call/guard."""
        return self.exports[name](self.store, *args)

    @property
    def memory(self) -> wasmtime.Memory:
        return self.exports["memory"]


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------------------------
# arguments and results


ARGS_WAT = """
(module
  (import "h" "f32" (func $i32s (param i32 i32 i32 i32 i32) (result i32)))
  (import "h" "f64" (func $i64s (param i64 i64 i64 i64) (result i32)))
  (import "h" "mix" (func $mix (param i32 i64 f32 f64 i32) (result i32)))
  (func (export "i32s") (param i32 i32 i32 i32 i32) (result i32)
    (call $i32s (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "i32s_const") (result i32)
    (call $i32s (i32.const 0) (i32.const 0x80000000) (i32.const -1)
                (i32.const -2147483648) (i32.const 2147483647)))
  (func (export "i64s") (param i64 i64 i64 i64) (result i32)
    (call $i64s (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "mix") (result i32)
    (call $mix (i32.const -3) (i64.const -9) (f32.const 1.5) (f64.const -2.25) (i32.const 7))))
"""


def test_i32_arguments_unsigned_and_signed():
    seen = []

    def f(*a):
        seen.append(a)
        return 0

    g = Guest(ARGS_WAT, [
        ("h", "f32", ["i32", "u32", "i32", "s32", "s32"], ["i32"], f),
        ("h", "f64", ["i64"] * 4, ["i32"], lambda *a: 0),
        ("h", "mix", ["s32", "s64", "f32", "f64", "i32"], ["i32"], lambda *a: 0),
    ])
    assert g("i32s_const") == 0
    assert seen[-1] == (0, 2**31, 2**32 - 1, -2**31, 2**31 - 1)
    # from the Python side wasmtime-py takes i32 as signed
    g("i32s", -1, -2**31, 5, -1, -5)
    assert seen[-1] == (2**32 - 1, 2**31, 5, -1, -5)


def test_i64_arguments_unsigned_and_signed():
    seen = []

    def f(*a):
        seen.append(a)
        return 0

    g = Guest(ARGS_WAT, [
        ("h", "f32", ["i32"] * 5, ["i32"], lambda *a: 0),
        ("h", "f64", ["i64", "u64", "s64", "s64"], ["i32"], f),
        ("h", "mix", ["s32", "s64", "f32", "f64", "i32"], ["i32"], lambda *a: 0),
    ])
    g("i64s", -5, 2**63 - 1, -5, -2**63)
    assert seen[-1] == (2**64 - 5, 2**63 - 1, -5, -2**63)
    g("i64s", 0, -1, 2**40, 1)
    assert seen[-1] == (0, 2**64 - 1, 2**40, 1)


def test_mixed_and_float_arguments():
    seen = []

    def mix(*a):
        seen.append(a)
        return 3

    g = Guest(ARGS_WAT, [
        ("h", "f32", ["i32"] * 5, ["i32"], lambda *a: 0),
        ("h", "f64", ["i64"] * 4, ["i32"], lambda *a: 0),
        ("h", "mix", ["s32", "s64", "f32", "f64", "i32"], ["i32"], mix),
    ])
    assert g("mix") == 3
    assert seen == [(-3, -9, 1.5, -2.25, 7)]


RESULTS_WAT = """
(module
  (import "h" "r32" (func $r32 (param i32) (result i32)))
  (import "h" "rs32" (func $rs32 (param i32) (result i32)))
  (import "h" "r64" (func $r64 (param i32) (result i64)))
  (import "h" "rs64" (func $rs64 (param i32) (result i64)))
  (import "h" "many" (func $many (param i32) (result i32 i64 f64)))
  (import "h" "none" (func $none (param i32)))
  (import "h" "noargs" (func $noargs (result i32)))
  (func (export "r32") (param i32) (result i32) (call $r32 (local.get 0)))
  (func (export "rs32") (param i32) (result i32) (call $rs32 (local.get 0)))
  (func (export "r64") (param i32) (result i64) (call $r64 (local.get 0)))
  (func (export "rs64") (param i32) (result i64) (call $rs64 (local.get 0)))
  (func (export "many") (param i32) (result i32 i64 f64) (call $many (local.get 0)))
  (func (export "none") (param i32) (call $none (local.get 0)))
  (func (export "noargs") (result i32) (call $noargs))
  ;; the results really reach wasm code: compare there
  (func (export "r32_is_max") (result i32)
    (i32.eq (call $r32 (i32.const 0)) (i32.const -1)))
)
"""

R32 = [0, 1, 2**31, 2**32 - 1]
RS32 = [0, -1, -2**31, 2**31 - 1]
R64 = [0, 2**63, 2**64 - 1]
RS64 = [0, -1, -2**63, 2**63 - 1]


def results_guest(**overrides):
    funcs = {
        "r32": (["i32"], ["i32"], lambda i: R32[i]),
        "rs32": (["i32"], ["s32"], lambda i: RS32[i]),
        "r64": (["i32"], ["i64"], lambda i: R64[i]),
        "rs64": (["i32"], ["s64"], lambda i: RS64[i]),
        "many": (["i32"], ["i32", "s64", "f64"], lambda i: (i + 1, -i - 1, i / 4)),
        "none": (["i32"], [], lambda i: None),
        "noargs": ([], ["i32"], lambda: 42),
    }
    for name, func in overrides.items():
        p, r, _ = funcs[name]
        funcs[name] = (p, r, func)
    return Guest(RESULTS_WAT, [("h", n, p, r, f) for n, (p, r, f) in funcs.items()])


def signed32(v: int) -> int:
    return v - 2**32 if v >= 2**31 else v


def signed64(v: int) -> int:
    return v - 2**64 if v >= 2**63 else v


def test_results_come_back():
    g = results_guest()
    for i, v in enumerate(R32):
        assert g("r32", i) == signed32(v)
    for i, v in enumerate(RS32):
        assert g("rs32", i) == v
    for i, v in enumerate(R64):
        assert g("r64", i) == signed64(v)
    for i, v in enumerate(RS64):
        assert g("rs64", i) == v
    assert g("many", 2) == [3, -3, 0.5]
    assert g("none", 5) is None
    assert g("noargs") == 42
    assert g("r32_is_max") == 0  # R32[0] == 0
    g2 = results_guest(r32=lambda i: 2**32 - 1)
    assert g2("r32_is_max") == 1


@pytest.mark.parametrize("name, bad", [
    ("r32", -1),            # i32 results are unsigned: -1 needs "s32"
    ("r32", 2**32),
    ("rs32", 2**31),
    ("r64", -1),
    ("r32", None),
    ("r32", "0"),
    ("none", 0),            # no results: must return None
    ("many", (1, 2)),       # wrong count
    ("many", 5),            # not a tuple
])
def test_bad_results_are_bugs(name, bad):
    g = results_guest(**{name: lambda *a: bad})
    with pytest.raises(TypeError, match=f"host function h.{name} returned"):
        g(name, 0)


def test_bad_type_names_are_rejected():
    linker = wasmtime.Linker(wasmtime.Engine())
    with pytest.raises(ValueError, match="unknown"):
        hostcall.define(linker, "h", "f", ["i16"], [], lambda x: None)
    with pytest.raises(TypeError):
        hostcall.define(linker, "h", "f", "i32", [], lambda x: None)
    with pytest.raises(TypeError):
        hostcall.define(linker, "h", "f", ["i32"], [], 42)


# --------------------------------------------------------------------------------------------
# guest memory


MEM_WAT = """
(module
  (import "h" "peek" (func $peek (param i32 i32) (result i32)))
  (import "h" "poke" (func $poke (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hello, host")
  (func (export "peek") (param i32 i32) (result i32) (call $peek (local.get 0) (local.get 1)))
  (func (export "poke") (param i32 i32) (result i32) (call $poke (local.get 0) (local.get 1)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)
"""


def memory_guest(peek, poke, **kw):
    return Guest(MEM_WAT, [
        ("h", "peek", ["i32", "i32"], ["i32"], peek, {"memory": "memory"}),
        ("h", "poke", ["i32", "i32"], ["i32"], poke, {"memory": "memory"}),
    ], **kw)


def test_memory_read_and_write():
    got = []

    def peek(mem, ptr, n):
        got.append(bytes(mem[ptr:ptr + n]))
        return len(mem) // 65536

    def poke(mem, ptr, byte):
        mem[ptr] = byte
        struct.pack_into("<I", mem, ptr + 4, 0xDEADBEEF)
        return 0

    g = memory_guest(peek, poke)
    assert g("peek", 100, 11) == 1
    assert got == [b"hello, host"]
    g("poke", 200, 0xAB)
    assert g.raw("load8", 200) == 0xAB
    assert g.memory.read(g.store, 204, 208) == struct.pack("<I", 0xDEADBEEF)
    # the guest writes, the host sees it at once (no stale copy)
    g.raw("store8", 100, ord("j"))
    g("peek", 100, 5)
    assert got[-1] == b"jello"


def test_memory_bounds():
    def peek(mem, ptr, n):
        if ptr + n > len(mem):
            return 21  # EFAULT
        return mem[ptr]

    def poke(mem, ptr, byte):
        mem[ptr] = byte  # IndexError past the end: a bug here, surfaces as such
        return 0

    g = memory_guest(peek, poke)
    assert g("peek", 65535, 1) == 0
    assert g("peek", 65535, 2) == 21
    with pytest.raises(IndexError):
        g("poke", 65536, 1)


@pytest.mark.parametrize("moving", [False, True], ids=["default-config", "memory-moves"])
def test_memory_growth_between_calls(moving):
    options = {}
    if moving:
        # no reservation: every growth reallocates, so the base pointer moves
        options = dict(memory_reservation=0, memory_reservation_for_growth=0,
                       memory_guard_size=0, memory_may_move=True)
    engine = make_engine(**options)
    bases = set()

    def peek(mem, ptr, n):
        bases.add(ctypes.addressof(ctypes.c_char.from_buffer(mem)))
        return len(mem) // 65536

    def poke(mem, ptr, byte):
        mem[ptr] = byte
        return len(mem) // 65536

    g = memory_guest(peek, poke, engine=engine)
    assert g("peek", 0, 0) == 1
    for pages in range(1, 6):
        old = g.raw("grow", 3)
        assert old == pages * 3 - 2
        new_pages = old + 3
        assert g("peek", 0, 0) == new_pages
        # the last byte of the grown memory is reachable and the guest sees the write
        top = new_pages * 65536 - 1
        assert g("poke", top, pages) == new_pages
        assert g.raw("load8", top) == pages
        # and what was written before the growth is still there
        if pages > 1:
            assert g.raw("load8", top - 3 * 65536) == pages - 1
    if moving:
        assert len(bases) > 1, "expected the memory to move with no reservation"
    # growth from the host side too
    g.memory.grow(g.store, 2)
    assert g("peek", 0, 0) == 18


@pytest.mark.parametrize("moving", [False, True], ids=["default-config", "memory-moves"])
def test_bound_memory_follows_growth_and_falls_back_when_unbound(moving):
    options = dict(memory_reservation=0, memory_reservation_for_growth=0, memory_guard_size=0,
                   memory_may_move=True) if moving else {}
    binding = hostcall.MemoryBinding("memory")
    seen = []

    def peek(mem, ptr, n):
        seen.append(bytes(mem[ptr:ptr + n]))
        return len(mem) // 65536

    def poke(mem, ptr, byte):
        mem[ptr] = byte
        return len(mem) // 65536

    g = Guest(MEM_WAT, [
        ("h", "peek", ["i32", "i32"], ["i32"], peek, {"memory": binding}),
        ("h", "poke", ["i32", "i32"], ["i32"], poke, {"memory": binding}),
    ], engine=make_engine(**options))
    assert g("peek", 100, 5) == 1 and binding.state is None  # unbound: looked up as usual
    binding.bind(g.store, g.memory)
    assert g("peek", 100, 5) == 1 and seen[-1] == b"hello"
    for _ in range(3):
        g.raw("grow", 2)
        top = g.raw("size") * 65536 - 1
        assert g("poke", top, 7) == g.raw("size")  # the new top is reachable: the view followed
        assert g.raw("load8", top) == 7
    binding.unbind()
    assert g("peek", 100, 5) == 7 and seen[-1] == b"hello"


def test_memory_zero_pages_then_growth():
    wat = MEM_WAT.replace('(memory (export "memory") 1)', '(memory (export "memory") 0)') \
                 .replace('(data (i32.const 100) "hello, host")', "")
    sizes = []

    def peek(mem, ptr, n):
        sizes.append(len(mem))
        return 0

    g = Guest(wat, [
        ("h", "peek", ["i32", "i32"], ["i32"], peek, {"memory": "memory"}),
        ("h", "poke", ["i32", "i32"], ["i32"], lambda mem, p, b: 0, {"memory": "memory"}),
    ])
    g("peek", 0, 0)
    g.raw("grow", 1)
    g("peek", 0, 0)
    assert sizes == [0, 65536]


def test_each_instance_sees_its_own_memory():
    """Two instances in one store import the same definition; each call sees its caller's memory."""
    seen = []

    def peek(mem, ptr, n):
        seen.append(bytes(mem[ptr:ptr + n]))
        return 0

    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    hostcall.define(linker, "h", "peek", ["i32", "i32"], ["i32"], peek, memory="memory")
    hostcall.define(linker, "h", "poke", ["i32", "i32"], ["i32"], lambda m, p, b: 0,
                    memory="memory")
    store = wasmtime.Store(engine)
    a = Guest(MEM_WAT, [], store=store, linker=linker)
    b = Guest(MEM_WAT.replace("hello, host", "HELLO, HOST"), [], store=store, linker=linker)
    for _ in range(3):
        a("peek", 100, 5)
        b("peek", 100, 5)
    assert seen == [b"hello", b"HELLO"] * 3
    # and across stores
    other = Guest(MEM_WAT.replace("hello, host", "other store"), [], engine=engine, linker=linker)
    for _ in range(2):
        other("peek", 100, 5)
        a("peek", 100, 5)
    assert seen[-4:] == [b"other", b"hello"] * 2


def test_missing_memory_export_traps():
    wat = """
    (module
      (import "h" "f" (func $f (param i32) (result i32)))
      (func (export "run") (result i32) (call $f (i32.const 0))))
    """
    g = Guest(wat, [("h", "f", ["i32"], ["i32"], lambda mem, x: 0, {"memory": "memory"})])
    with pytest.raises(wasmtime.Trap, match="exports no 'memory'"):
        g("run")
    not_a_memory = '(global (export "mem") i32 (i32.const 0)) (func (export'
    g2 = Guest(wat.replace("(func (export", not_a_memory),
               [("h", "f", ["i32"], ["i32"], lambda mem, x: 0, {"memory": "mem"})])
    with pytest.raises(wasmtime.Trap, match="not a .*memory"):
        g2("run")


def test_memory_without_arguments():
    wat = """
    (module
      (import "h" "f" (func $f))
      (memory (export "memory") 1)
      (func (export "run") (call $f)))
    """
    calls = []
    g = Guest(wat, [("h", "f", [], [], lambda mem: calls.append(len(mem)), {"memory": "memory"})])
    g("run")
    g("run")
    assert calls == [65536, 65536]


# --------------------------------------------------------------------------------------------
# outcomes: trap, exit, bug


OUTCOME_WAT = """
(module
  (import "h" "f" (func $f (param i32) (result i32)))
  (memory (export "memory") 1)
  (func $inner (export "run") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "outer") (param i32) (result i32)
    (i32.add (call $inner (local.get 0)) (i32.const 1)))
  (func (export "unreachable") unreachable)
)
"""


def outcome_guest(func, **kw):
    return Guest(OUTCOME_WAT, [("h", "f", ["i32"], ["i32"], func, kw)])


def test_host_trap_becomes_a_wasmtime_trap():
    def f(x):
        raise HostTrap(f"bad thing {x}")

    g = outcome_guest(f)
    with pytest.raises(wasmtime.Trap) as info:
        g("outer", 7)
    trap = info.value
    assert trap.message == "bad thing 7"
    assert str(trap) == "bad thing 7"
    assert isinstance(trap.__cause__, HostTrap)
    assert not isinstance(trap, wasmtime.ExitTrap)
    assert hostcall.take_pending() is None
    # without the guard: wasmtime's own error, carrying the message
    with pytest.raises(wasmtime.WasmtimeError, match="bad thing 8"):
        g.raw("run", 8)


def test_host_trap_with_memory():
    def f(mem, x):
        raise HostTrap("from a memory function")

    g = outcome_guest(f, memory="memory")
    with pytest.raises(wasmtime.Trap, match="from a memory function"):
        g("run", 0)


def test_proc_exit():
    def f(code):
        raise ProcExit(code)

    g = outcome_guest(f)
    for code in (0, 3, 255):
        with pytest.raises(ProcExit) as info:
            g("outer", code)
        assert info.value.code == code
        assert isinstance(info.value, wasmtime.ExitTrap)
        assert not isinstance(info.value, wasmtime.Trap)
    # the way a session tells the three outcomes apart
    def outcome(func_arg):
        try:
            g("run", func_arg)
        except wasmtime.ExitTrap as e:
            return ("exit", e.code)
        except wasmtime.Trap as e:
            return ("trap", str(e))
    assert outcome(9) == ("exit", 9)
    # the guest carries on normally afterwards
    g2 = outcome_guest(lambda x: x * 2)
    assert g2("outer", 4) == 9


def test_proc_exit_without_guard():
    def f(code):
        raise ProcExit(code)

    g = outcome_guest(f)
    with pytest.raises(wasmtime.WasmtimeError, match="exit with code 4"):
        g.raw("run", 4)
    pending = hostcall.take_pending()
    assert isinstance(pending, ProcExit) and pending.code == 4
    assert hostcall.take_pending() is None


def test_proc_exit_matches_builtin_wasi_exit():
    """``except wasmtime.ExitTrap`` catches wasmtime's own WASI exit and ours alike."""
    wat = """
    (module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $exit (i32.const 17))))
    """
    engine = wasmtime.Engine()
    module = wasmtime.Module(engine, wasmtime.wat2wasm(wat))
    codes = []
    for backend in ("native", "hostcall"):
        linker = wasmtime.Linker(engine)
        store = wasmtime.Store(engine)
        if backend == "native":
            linker.define_wasi()
            store.set_wasi(wasmtime.WasiConfig())
        else:
            def proc_exit(code):
                raise ProcExit(code)
            hostcall.define(linker, "wasi_snapshot_preview1", "proc_exit", ["i32"], [], proc_exit)
        start = linker.instantiate(store, module).exports(store)["_start"]
        try:
            hostcall.call(start, store)
        except wasmtime.ExitTrap as e:
            codes.append(e.code)
    assert codes == [17, 17]


def helper_that_divides(x):
    return 10 // x


def test_unexpected_exception_surfaces_with_type_and_traceback():
    def f(x):
        return helper_that_divides(x)

    g = outcome_guest(f)
    assert g("outer", 2) == 6
    with pytest.raises(ZeroDivisionError) as info:
        g("outer", 0)
    exc = info.value
    names = [fr.name for fr in traceback.extract_tb(exc.__traceback__)]
    assert "f" in names and names[-1] == "helper_that_divides"
    notes = "\n".join(getattr(exc, "__notes__", []))
    assert "host function h.f" in notes
    assert "wasm backtrace" in notes
    assert exc.__suppress_context__
    assert hostcall.take_pending() is None


def test_unexpected_exception_without_guard_is_not_swallowed():
    g = outcome_guest(lambda x: 1 // x)
    with pytest.raises(wasmtime.WasmtimeError, match="ZeroDivisionError"):
        g.raw("run", 0)
    pending = hostcall.take_pending()
    assert isinstance(pending, ZeroDivisionError)
    assert pending.__traceback__ is not None


def test_base_exceptions_surface_too():
    def f(x):
        raise KeyboardInterrupt

    g = outcome_guest(f)
    with pytest.raises(KeyboardInterrupt):
        g("run", 0)

    def h(mem, x):
        raise SystemExit(3)

    g = outcome_guest(h, memory="memory")
    with pytest.raises(SystemExit):
        g("run", 0)


def test_broken_str_still_reported():
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no str for you")

    def f(x):
        raise Weird()

    g = outcome_guest(f)
    with pytest.raises(wasmtime.WasmtimeError, match="Weird"):
        g.raw("run", 0)
    assert isinstance(hostcall.take_pending(), Weird)
    with pytest.raises(Weird):
        g("run", 0)


def test_guard_clears_stale_pending_and_passes_wasm_traps_through():
    g = outcome_guest(lambda x: 1 // x)
    with pytest.raises(wasmtime.WasmtimeError):
        g.raw("run", 0)  # leaves a pending ZeroDivisionError behind
    with pytest.raises(wasmtime.Trap) as info:
        g("unreachable")
    assert info.value.trap_code == wasmtime.TrapCode.UNREACHABLE
    assert hostcall.take_pending() is None


def test_guard_ignores_failures_a_host_function_handled():
    """Leftovers of an unguarded nested call that a host function caught must not leak out."""
    wat = """
    (module
      (import "h" "outer" (func $outer (param i32) (result i32)))
      (import "h" "inner" (func $inner (param i32) (result i32)))
      (func (export "run") (param i32) (result i32)
        (drop (call $outer (local.get 0)))
        unreachable)
      (func (export "back") (param i32) (result i32) (call $inner (local.get 0))))
    """
    box = {}

    def outer(x):
        try:
            box["g"].raw("back", x)  # unguarded, and the failure is handled here
        except wasmtime.WasmtimeError:
            pass
        return 0

    def inner(x):
        if x == 1:
            raise HostTrap("handled trap")
        if x == 2:
            raise ProcExit(2)
        return 1 // 0

    g = box["g"] = Guest(wat, [("h", "outer", ["i32"], ["i32"], outer),
                               ("h", "inner", ["i32"], ["i32"], inner)])
    for x in (1, 2, 3):
        with pytest.raises(wasmtime.Trap) as info:
            g("run", x)
        assert info.value.trap_code == wasmtime.TrapCode.UNREACHABLE
        assert info.value.__cause__ is None


def test_guard_covers_instantiation():
    wat = """
    (module
      (import "h" "f" (func $f (param i32) (result i32)))
      (func $start (drop (call $f (i32.const 5))))
      (start $start))
    """

    def f(code):
        raise ProcExit(code)

    with pytest.raises(ProcExit) as info:
        Guest(wat, [("h", "f", ["i32"], ["i32"], f)])
    assert info.value.code == 5


def test_reentrant_calls():
    """A host function that calls back into wasm, whose host function exits."""
    wat = """
    (module
      (import "h" "outer" (func $outer (param i32) (result i32)))
      (import "h" "inner" (func $inner (param i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "run") (param i32) (result i32) (call $outer (local.get 0)))
      (func (export "back") (param i32) (result i32) (call $inner (local.get 0))))
    """
    box = {}

    def outer(mem, x):
        mem[0] = 1
        r = hostcall.call(box["g"].exports["back"], box["g"].store, x)
        mem[1] = 2
        return r + 1

    def inner(mem, x):
        if x == 99:
            raise ProcExit(99)
        if x == 0:
            return 1 // x
        mem[2] = 3
        return x * 10

    g = box["g"] = Guest(wat, [
        ("h", "outer", ["i32"], ["i32"], outer, {"memory": "memory"}),
        ("h", "inner", ["i32"], ["i32"], inner, {"memory": "memory"}),
    ])
    assert g("run", 4) == 41
    assert g.memory.read(g.store, 0, 3) == b"\x01\x02\x03"
    with pytest.raises(ProcExit) as info:
        g("run", 99)
    assert info.value.code == 99
    with pytest.raises(ZeroDivisionError):
        g("run", 0)


# --------------------------------------------------------------------------------------------
# fuel and epoch interruption


LOOP_WAT = """
(module
  (import "h" "f" (func $f (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "loop") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $f (local.get $i) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func (export "spin") (loop $l (br $l))))
"""


def counting(mem, i, one):
    mem[i % 65536] = i & 0xFF
    return one


def test_fuel_and_epoch_enabled():
    engine = make_engine(consume_fuel=True, epoch_interruption=True)
    store = wasmtime.Store(engine)
    store.set_fuel(10**9)
    store.set_epoch_deadline(1000)
    g = Guest(LOOP_WAT, [("h", "f", ["i32", "i32"], ["i32"], counting, {"memory": "memory"})],
              engine=engine, store=store)
    assert g("loop", 5000) == 5000
    assert g.memory.read(g.store, 4999, 5000) == bytes([4999 & 0xFF])
    # running out of fuel in a loop that calls the host: an ordinary Trap passes through
    store.set_fuel(2000)
    with pytest.raises(wasmtime.Trap) as info:
        g("loop", 10**6)
    assert info.value.trap_code == wasmtime.TrapCode.OUT_OF_FUEL
    # an epoch deadline stops a guest too, while host calls keep working before it
    store.set_fuel(10**12)
    store.set_epoch_deadline(1)
    assert g("loop", 100) == 100
    timer = threading.Timer(0.05, engine.increment_epoch)
    timer.start()
    try:
        with pytest.raises(wasmtime.Trap) as info:
            g("spin")
        assert info.value.trap_code == wasmtime.TrapCode.INTERRUPT
    finally:
        timer.cancel()


# --------------------------------------------------------------------------------------------
# ownership, leaks, threads, several engines


def test_callbacks_live_as_long_as_wasmtime_needs_them():
    gc.collect()
    base = hostcall.live_definitions()
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    # a lambda nobody else holds, and a closure over a local
    state = {"n": 0}

    def bump(i, one):
        state["n"] += 1
        return one

    hostcall.define(linker, "h", "f", ["i32", "i32"], ["i32"], lambda i, one: bump(i, one))
    assert hostcall.live_definitions() == base + 1
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasmtime.wat2wasm(LOOP_WAT))
    instance = linker.instantiate(store, module)
    run = instance.exports(store)["loop"]
    del linker
    gc.collect()
    # the linker is gone, the instance still holds the definition
    assert hostcall.call(run, store, 10) == 10 and state["n"] == 10
    assert hostcall.live_definitions() == base + 1
    del instance, run, store
    gc.collect()
    assert hostcall.live_definitions() == base


def test_failed_definition_does_not_leak():
    gc.collect()
    base = hostcall.live_definitions()
    linker = wasmtime.Linker(wasmtime.Engine())
    hostcall.define(linker, "h", "f", ["i32"], ["i32"], lambda x: x)
    with pytest.raises(wasmtime.WasmtimeError):
        hostcall.define(linker, "h", "f", ["i32"], ["i32"], lambda x: x)
    assert hostcall.live_definitions() == base + 1
    linker.allow_shadowing = True
    hostcall.define(linker, "h", "f", ["i32"], ["i32"], lambda x: x + 1)
    del linker
    gc.collect()
    assert hostcall.live_definitions() == base


def test_new_func_in_a_store():
    gc.collect()
    base = hostcall.live_definitions()
    store = wasmtime.Store()
    module = wasmtime.Module(store.engine, wasmtime.wat2wasm(MEM_WAT))
    seen = []
    peek = hostcall.new_func(store, ["i32", "i32"], ["i32"],
                             lambda mem, p, n: seen.append(bytes(mem[p:p + n])) or 0,
                             memory="memory", name="peek")
    poke = hostcall.new_func(store, ["i32", "i32"], ["i32"], lambda mem, p, b: 1 // 0,
                             memory="memory", name="poke")
    assert isinstance(peek, wasmtime.Func)
    assert hostcall.live_definitions() == base + 2
    instance = wasmtime.Instance(store, module, [peek, poke])
    ex = instance.exports(store)
    assert hostcall.call(ex["peek"], store, 100, 5) == 0
    assert seen == [b"hello"]
    with pytest.raises(ZeroDivisionError) as info:
        hostcall.call(ex["poke"], store, 0, 0)
    assert "host function poke" in "\n".join(info.value.__notes__)
    del peek, poke, instance, ex, store, info
    gc.collect()
    assert hostcall.live_definitions() == base


def test_several_engines():
    """A FuncType per definition: the same signature in linkers of several engines."""
    for _ in range(3):
        g = outcome_guest(lambda x: x + 1)
        assert g("outer", 1) == 3


def test_many_calls_do_not_leak():
    g = Guest(LOOP_WAT, [("h", "f", ["i32", "i32"], ["i32"], counting, {"memory": "memory"})])
    g("loop", 20_000)
    gc.collect()
    objects = len(gc.get_objects())
    rss = rss_bytes()
    for _ in range(4):
        assert g("loop", 50_000) == 50_000
    gc.collect()
    assert len(gc.get_objects()) - objects < 100
    assert rss_bytes() - rss < 4 * 2**20
    # failing calls do not pile up either
    bad = outcome_guest(lambda x: 1 // x)
    for _ in range(2000):
        with pytest.raises(ZeroDivisionError):
            bad("run", 0)
    gc.collect()
    assert len(gc.get_objects()) - objects < 2000


def test_threads_each_with_their_own_store():
    """Stores on several threads at once; Python switches threads inside the callbacks."""
    errors = []
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        def worker(k: int) -> None:
            try:
                seen = set()

                def f(mem, i, one):
                    seen.add(mem[0])
                    mem[1 + i % 1000] = k
                    return one

                g = Guest(LOOP_WAT, [("h", "f", ["i32", "i32"], ["i32"], f,
                                      {"memory": "memory"})])
                g.raw("loop", 0)
                g.memory.write(g.store, bytes([k]), 0)
                assert g("loop", 20_000) == 20_000
                assert seen == {k}, seen
                assert set(g.memory.read(g.store, 1, 1001)) == {k}
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors


def test_proc_exit_pickles_and_reprs():
    import pickle

    e = ProcExit(3)
    assert repr(e) == "ProcExit(3)"
    assert "3" in str(e)
    assert pickle.loads(pickle.dumps(e)).code == 3
    with pytest.raises(TypeError):
        ProcExit("3")  # type: ignore[arg-type]
