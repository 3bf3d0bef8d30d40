"""wasi_notebook.p2.fastcall: every kind of value converts as wasmtime-py's own types convert it.

Lifting reads C values that wasmtime-py's ``convert_to_c`` made; lowering writes C values that
wasmtime-py's ``convert_from_c`` reads back, compared with ``values.lower`` of the same plain
value (wasmtime-py's form). Handles are real host resources of a real store; the callback is
checked through a real component calling a host function."""

import ctypes

import pytest
import wasmtime
from wasmtime import _ffi as ffi
from wasmtime.component import Component, Linker, Record, ResourceAny, ResourceHost, Variant

from wasi_notebook.p2 import fastcall
from wasi_notebook.p2.values import Err, Ok, lower, record

TYPE_ID = 77

TYPES = """(component
  (type $i (instance
    (export "res" (type $r (sub resource)))
    (type $dt0 (record (field "seconds" u64) (field "nanoseconds" u32)))
    (export "dt" (type $dt (eq $dt0)))
    (type $en0 (enum "regular-file" "directory" "ueber"))
    (export "en" (type $en (eq $en0)))
    (type $fl0 (flags "read" "write" "mutate-directory"))
    (export "fl" (type $fl (eq $fl0)))
    (type $en20 (enum "ab" "cd" "efg"))
    (export "en2" (type $en2 (eq $en20)))
    (type $fl20 (flags "file-integrity-sync" "data-integrity-sync" "x"))
    (export "fl2" (type $fl2 (eq $fl20)))
    (type $st0 (record (field "type" $en) (field "size" u64) (field "when" (option $dt))))
    (export "st" (type $st (eq $st0)))
    (type $var0 (variant (case "x" u32) (case "y") (case "z" string)))
    (export "var" (type $var (eq $var0)))
    (type $ts0 (variant (case "no-change") (case "now") (case "timestamp" $dt)))
    (export "ts" (type $ts (eq $ts0)))
    (type $se0 (variant (case "last-operation-failed" (own $r)) (case "closed")))
    (export "se" (type $se (eq $se0)))
    (type $holder0 (record (field "name" string) (field "handle" (own $r)) (field "when" (option $dt))))
    (export "holder" (type $holder (eq $holder0)))
    (export "bool" (func (param "v" bool) (result bool)))
    (export "s8" (func (param "v" s8) (result s8)))
    (export "u8" (func (param "v" u8) (result u8)))
    (export "s16" (func (param "v" s16) (result s16)))
    (export "u16" (func (param "v" u16) (result u16)))
    (export "s32" (func (param "v" s32) (result s32)))
    (export "u32" (func (param "v" u32) (result u32)))
    (export "s64" (func (param "v" s64) (result s64)))
    (export "u64" (func (param "v" u64) (result u64)))
    (export "f32" (func (param "v" f32) (result f32)))
    (export "f64" (func (param "v" f64) (result f64)))
    (export "char" (func (param "v" char) (result char)))
    (export "string" (func (param "v" string) (result string)))
    (export "bytes" (func (param "v" (list u8)) (result (list u8))))
    (export "strings" (func (param "v" (list string)) (result (list string))))
    (export "byte-lists" (func (param "v" (list (list u8))) (result (list (list u8)))))
    (export "tuple" (func (param "v" (tuple u8 string (list u8))) (result (tuple u8 string (list u8)))))
    (export "datetime" (func (param "v" $dt) (result $dt)))
    (export "stat" (func (param "v" $st) (result $st)))
    (export "stats" (func (param "v" (list $st)) (result (list $st))))
    (export "enum" (func (param "v" $en) (result $en)))
    (export "flags" (func (param "v" $fl) (result $fl)))
    (export "enum-same-length" (func (param "v" $en2) (result $en2)))
    (export "flags-same-length" (func (param "v" $fl2) (result $fl2)))
    (export "variant" (func (param "v" $var) (result $var)))
    (export "timestamp" (func (param "v" $ts) (result $ts)))
    (export "option" (func (param "v" (option u64)) (result (option u64))))
    (export "option-option" (func (param "v" (option (option u32))) (result (option (option u32)))))
    (export "result-stat" (func (param "v" (result $st (error $en))) (result (result $st (error $en)))))
    (export "result-unit" (func (param "v" (result (error $var))) (result (result (error $var)))))
    (export "result-bare" (func (param "v" (result)) (result (result))))
    (export "result-bytes" (func (param "v" (result (list u8) (error $ts))) (result (result (list u8) (error $ts)))))
    (export "result-read" (func (param "v" (result (tuple (list u8) bool) (error $en)))
                                (result (result (tuple (list u8) bool) (error $en)))))
    (export "result-result" (func (param "v" (result (result u32 (error u32)) (error u32)))
                                  (result (result (result u32 (error u32)) (error u32)))))
    (export "own" (func (param "v" (own $r)) (result (own $r))))
    (export "borrow" (func (param "v" (borrow $r))))
    (export "one-holder" (func (param "v" $holder) (result $holder)))
    (export "holders" (func (param "v" (list $holder)) (result (list $holder))))
    (export "handles" (func (param "v" (list (own $r))) (result (list (own $r)))))
    (export "borrows" (func (param "v" (list (borrow $r)))))
    (export "stream-error" (func (param "v" (result (option (own $r)) (error $se)))
                                 (result (result (option (own $r)) (error $se)))))
    (export "pairs" (func (param "v" (list (tuple (own $r) string))) (result (list (tuple (own $r) string)))))))
  (import "t" (instance (type $i))))"""


@pytest.fixture(scope="module")
def types():
    engine = wasmtime.Engine()
    component = Component(engine, wasmtime.wat2wasm(TYPES))
    funcs = component.type.imports(engine)["t"].ty.exports(engine)
    return engine, {name: x.ty for name, x in funcs.items() if hasattr(x.ty, "params")}


@pytest.fixture
def store(types):
    return wasmtime.Store(types[0])


def handle(rep):
    return ResourceHost.own(rep, TYPE_ID)


def reps(value, store):
    """``value`` with every handle (ResourceHost, ResourceAny) as its rep, to compare."""
    if isinstance(value, ResourceHost):
        return value.rep
    if isinstance(value, ResourceAny):
        return value.to_host(store).rep
    if isinstance(value, Record):
        return ("record", {k: reps(v, store) for k, v in vars(value).items()})
    if isinstance(value, Variant):
        return Variant(value.tag, reps(value.payload, store))
    if isinstance(value, (Ok, Err)):
        return type(value)(reps(value.value, store))
    if isinstance(value, list):
        return [reps(v, store) for v in value]
    if isinstance(value, tuple):
        return tuple(reps(v, store) for v in value)
    return value


def context(store):
    return ctypes.cast(store._context(), ctypes.c_void_p).value


def lift(store, ty, wasmtime_value):
    """Our lifting of the C value wasmtime-py makes of ``wasmtime_value``."""
    raw = ffi.wasmtime_component_val_t()
    ty.convert_to_c(store, wasmtime_value, ctypes.pointer(raw))
    try:
        [value] = fastcall.lift_args([fastcall.converter(ty)])(ctypes.addressof(raw), context(store))
    finally:
        ffi.wasmtime_component_val_delete(ctypes.byref(raw))
    return value


def lowered(store, ty, plain):
    """wasmtime-py's reading of the C value our lowering writes for ``plain``."""
    out = ffi.wasmtime_component_val_t()
    fastcall.lower_result(fastcall.converter(ty))(context(store), plain, ctypes.addressof(out))
    return ty.convert_from_c(out)


DT = record(seconds=1_700_000_000, nanoseconds=999_999_999)
STAT = record(type="ueber", size=2**64 - 1, when=DT)
NO_TIME = record(type="directory", size=0, when=None)
LONG = bytes(range(256)) * 20  # past MOVE_BYTES: moved into a list wasmtime made

# (function, value in wasmtime-py's form): lifted as it is, handles as reps
LIFTS = [
    ("bool", [True, False]),
    ("s8", [-128, 127]), ("u8", [0, 255]), ("s16", [-2**15, 2**15 - 1]), ("u16", [2**16 - 1]),
    ("s32", [-2**31, 2**31 - 1]), ("u32", [0, 2**32 - 1]), ("s64", [-2**63, 2**63 - 1]), ("u64", [0, 2**64 - 1]),
    ("f32", [0.5, -1.25]), ("f64", [3.141592653589793, -0.0]), ("char", ["a", "ü", "😀"]),
    ("string", ["", "a", "ü€😀 non-ASCII", "nul\x00inside", "x" * 10_000]),
    ("bytes", [b"", b"\x00", b"\xff" * 64, LONG, bytes(70_000)]),
    ("strings", [[], ["", "a", "ueber"]]),
    ("byte-lists", [[], [b"", b"ab", LONG]]),
    ("tuple", [(0, "", b""), (255, "ü", b"xyz")]),
    ("datetime", [DT]), ("stat", [STAT, NO_TIME]), ("stats", [[], [STAT, NO_TIME, STAT]]),
    ("enum", ["regular-file", "ueber"]),
    ("flags", [set(), {"read"}, {"read", "write", "mutate-directory"}]),
    # names of the same length: read from C, not known by their length
    ("enum-same-length", ["ab", "cd", "efg"]),
    ("flags-same-length", [{"file-integrity-sync"}, {"data-integrity-sync", "x"}, {"x"},
                           {"x", "data-integrity-sync", "file-integrity-sync"}]),
    ("variant", [3, None, "zed", ""]),  # untagged: the cases' Python classes differ
    ("timestamp", [Variant("no-change"), Variant("now"), Variant("timestamp", DT)]),  # tagged
    ("option", [None, 0, 2**64 - 1]),
    ("option-option", [Variant("none"), Variant("some", None), Variant("some", 7)]),  # tagged: None is ambiguous
    ("result-stat", [STAT, "directory"]),
    ("result-unit", [Variant("ok"), Variant("err", 3), Variant("err", None), Variant("err", "z")]),
    ("result-bare", [Variant("ok"), Variant("err")]),
    ("result-bytes", [b"", LONG, Variant("now"), Variant("timestamp", DT)]),
    ("result-read", [(LONG, True), (b"", False), "directory"]),
    # the inner result is tagged (int both ways), so the outer one is not: {Variant} and {int} differ
    ("result-result", [Variant("ok", 1), Variant("err", 2), 3]),
]


@pytest.mark.parametrize("name, values", LIFTS, ids=[n for n, _ in LIFTS])
def test_lifting_gives_what_wasmtime_py_gives(types, store, name, values):
    ty = types[1][name].params[0][1]
    for value in values:
        assert lift(store, ty, value) == value
        assert type(lift(store, ty, value)) is type(value)


def test_handles_lift_to_their_reps_at_any_depth(types, store):
    fns = types[1]
    assert lift(store, fns["own"].params[0][1], handle(5)) == 5
    assert lift(store, fns["borrow"].params[0][1], handle(6)) == 6
    assert lift(store, fns["handles"].params[0][1], [handle(1), handle(2)]) == [1, 2]
    assert lift(store, fns["borrows"].params[0][1], []) == []
    got = lift(store, fns["one-holder"].params[0][1], record(name="ü", handle=handle(9), when=None))
    assert vars(got) == {"name": "ü", "handle": 9, "when": None}
    [a, b] = lift(store, fns["holders"].params[0][1], [record(name="", handle=handle(3), when=DT)] * 2)
    assert a.handle == b.handle == 3 and a.when == DT
    # the error variant is untagged (a handle or nothing); the result is tagged (both may be a handle)
    assert lift(store, fns["stream-error"].params[0][1], Variant("err", handle(4))) == Variant("err", 4)
    assert lift(store, fns["stream-error"].params[0][1], Variant("ok", handle(5))) == Variant("ok", 5)
    assert lift(store, fns["pairs"].params[0][1], [(handle(1), "/"), (handle(2), "ü")]) == [(1, "/"), (2, "ü")]


# (function, value in the plain form of p2/values.py)
LOWERS = [
    ("bool", [True, False]), ("s8", [-128]), ("u16", [65535]), ("s64", [-2**63]), ("u64", [2**64 - 1]),
    ("f32", [0.5]), ("f64", [-2.5]), ("char", ["😀"]),
    ("string", ["", "ü€😀", "nul\x00inside", "x" * 100_000]),  # the last one outgrows the first arena
    ("bytes", [b"", b"\x01", bytearray(b"ab"), b"\x07" * 64, b"\x08" * 65, LONG, bytes(70_000)]),
    ("strings", [[], ["", "ueber"], ["s" * 40] * 3000]),
    ("byte-lists", [[], [b"", LONG, b"z", LONG]]),
    ("tuple", [(0, "", b""), (255, "ü", LONG)]),
    ("stat", [STAT, NO_TIME]), ("stats", [[STAT, NO_TIME] * 50]),
    ("enum", ["ueber"]),
    ("flags", [set(), {"write"}, frozenset({"read", "write", "mutate-directory"})]),
    ("enum-same-length", ["cd"]), ("flags-same-length", [{"data-integrity-sync", "x"}]),
    ("variant", [Variant("x", 1), Variant("y"), Variant("z", "ü")]),
    ("timestamp", [Variant("no-change"), Variant("timestamp", DT)]),
    ("option", [None, 0]),
    ("option-option", [None, 7]),
    ("result-stat", [Ok(STAT), Err("directory")]),
    ("result-unit", [Ok(), Ok(None), Err(Variant("x", 2)), Err(Variant("y"))]),
    ("result-bare", [Ok(), Err()]),
    ("result-bytes", [Ok(b""), Ok(b"abc"), Ok(LONG), Err(Variant("now"))]),
    ("result-read", [Ok((LONG, True)), Ok((b"", False)), Err("regular-file")]),
    ("result-result", [Ok(Ok(1)), Ok(Err(2)), Err(3)]),
]


@pytest.mark.parametrize("name, values", LOWERS, ids=[n for n, _ in LOWERS])
def test_lowering_writes_what_wasmtime_py_writes(types, store, name, values):
    ty = types[1][name].result
    for value in values:
        expected = lower(ty, value)
        got = lowered(store, ty, value)
        assert got == expected


def test_a_memoryview_lowers_as_bytes(types, store):
    assert lowered(store, types[1]["bytes"].result, memoryview(b"cd")) == b"cd"
    assert lowered(store, types[1]["bytes"].result, memoryview(LONG)) == LONG


def test_handles_lower_at_any_depth(types, store):
    fns = types[1]

    def check(name, plain):
        ty = fns[name].result
        assert reps(lowered(store, ty, plain), store) == reps(lower(ty, plain), store)

    check("own", handle(3))
    check("handles", [handle(1), handle(2), handle(3)])
    check("handles", [])
    check("one-holder", record(name="ü", handle=handle(4), when=DT))
    check("holders", [record(name=str(i), handle=handle(i), when=None) for i in range(20)])
    check("stream-error", Ok(handle(5)))
    check("stream-error", Ok(None))
    check("stream-error", Err(Variant("last-operation-failed", handle(6))))
    check("stream-error", Err(Variant("closed")))
    check("pairs", [(handle(7), "/"), (handle(8), "ueber")])


@pytest.mark.parametrize("name, bad, error", [
    ("u8", 256, Exception), ("u32", "1", TypeError), ("bool", 1, TypeError), ("f64", 1, TypeError),
    ("char", "ab", TypeError), ("string", b"bytes", TypeError), ("bytes", [1, 2], TypeError),
    ("strings", "abc", TypeError), ("tuple", (1, "x"), TypeError), ("enum", "fifo", ValueError),
    ("flags", {"read", "exec"}, ValueError), ("flags", ["read"], TypeError), ("variant", 3, TypeError),
    ("variant", Variant("w"), ValueError), ("result-stat", STAT, TypeError), ("own", 3, TypeError),
    ("stat", record(type="directory", size=0), AttributeError),
])
def test_lowering_refuses_a_value_of_the_wrong_shape(types, store, name, bad, error):
    with pytest.raises(error):
        lowered(store, types[1][name].result, bad)


def test_a_failed_lowering_frees_what_it_made_and_the_next_one_works(types, store):
    ty = types[1]["holders"].result
    partial = [record(name="a", handle=handle(1), when=None), record(name=2, handle=handle(2), when=None)]
    with pytest.raises(TypeError):
        lowered(store, ty, partial)  # the first handle was made (moved) before the bad name
    assert all(arena.moved == [] for arena in fastcall._FREE)
    bytes_ty = types[1]["tuple"].result
    with pytest.raises(TypeError):
        lowered(store, bytes_ty, (1, b"not a str", LONG))
    assert lowered(store, bytes_ty, (1, "ok", LONG)) == (1, "ok", LONG)


def test_converters_are_made_once_per_structure(types):
    fns = types[1]
    stat_in = fastcall.converter(fns["stat"].params[0][1])
    assert fastcall.converter(fns["stat"].result) is stat_in
    assert fastcall.converter(fns["result-stat"].result.ok) is stat_in
    assert fastcall.converter(fns["own"].result) is fastcall.converter(fns["borrow"].params[0][1])
    datetime = ("record", (("seconds", ("U64",)), ("nanoseconds", ("U32",))))
    assert stat_in.key == ("record", (("type", ("enum", ("regular-file", "directory", "ueber"))), ("size", ("U64",)),
                                      ("when", ("option", (("none", None), ("some", datetime))))))


def test_tagging_follows_wasmtime_py(types):
    fns = types[1]
    for name in ("variant", "timestamp", "option", "option-option", "result-stat", "result-unit", "result-bytes",
                 "stream-error"):
        ty = fns[name].result
        assert fastcall._tagged(_cases(ty)) is ty._tagged(), name


def _cases(ty):
    return tuple((n, None if t is None else fastcall.converter(t)) for n, t in ty._cases())


CALLER = """(component
  (import "host" (instance $h (export "add-one" (func (param "x" u32) (result u32)))))
  (core func $add_one (canon lower (func $h "add-one")))
  (core module $m
    (import "h" "add-one" (func $a (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $a (local.get 0))))
  (core instance $hi (export "add-one" (func $add_one)))
  (core instance $i (instantiate $m (with "h" (instance $hi))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $i "run"))))"""


class Refused(Exception):
    pass


def caller(answer):
    """``run(x)`` of a component whose core code calls the host's ``add-one``, defined with
    :func:`fastcall.add_func` as ``answer``."""
    engine = wasmtime.Engine()
    component = Component(engine, wasmtime.wat2wasm(CALLER))
    fty = component.type.imports(engine)["host"].ty.exports(engine)["add-one"].ty
    linker = Linker(engine)
    with linker.root() as root:
        with root.add_instance("host") as instance:
            fastcall.add_func(instance, "add-one", fty, answer)
    store = wasmtime.Store(engine)
    instance = linker.instantiate(store, component)
    run = instance.get_func(store, "run")
    return lambda x: run(store, x)


def test_a_component_calls_a_host_function_through_the_callback():
    run = caller(lambda x: x + 1)
    assert run(41) == 42
    assert run(2**32 - 2) == 2**32 - 1


def test_a_python_exception_traps_and_is_raised_again_by_the_caller():
    def refuse(x):
        raise Refused(f"no {x}")
    with pytest.raises(Refused, match="no 3"):
        caller(refuse)(3)


def test_a_wasmtime_error_is_the_trap_itself():
    def trap(x):
        raise wasmtime.WasmtimeError("guest broke a rule")
    with pytest.raises(wasmtime.WasmtimeError, match="guest broke a rule"):
        caller(trap)(3)


def test_a_result_of_the_wrong_shape_traps_with_its_type_error():
    with pytest.raises(Exception, match="out of range|format requires"):
        caller(lambda x: 2**40)(1)
