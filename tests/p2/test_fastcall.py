"""wasi_notebook.p2.fastcall: frozen types convert every kind of value exactly as wasmtime-py's
own types do, both ways, and a list<u8> goes through the strided fast path."""

import ctypes

import pytest
import wasmtime
from wasmtime import _ffi as ffi
from wasmtime.component import Component, Record

from wasi_notebook.p2.fastcall import freeze

TYPES = """(component
  (type $i (instance
    (type $rec (record (field "a" u32) (field "b" string)))
    (export "rec" (type $r (eq $rec)))
    (type $var (variant (case "x" u32) (case "y") (case "z" string)))
    (export "var" (type $v (eq $var)))
    (type $en (enum "p" "q"))
    (export "en" (type $e (eq $en)))
    (type $fl (flags "r" "s"))
    (export "fl" (type $f (eq $fl)))
    (export "f" (func (param "bytes" (list u8)) (param "rec" $r) (param "var" $v) (param "en" $e)
                      (param "fl" $f) (param "opt" (option u64)) (param "tup" (tuple u8 string))
                      (param "strs" (list string)) (param "nested" (list $r))
                      (result (result $r (error $v)))))))
  (import "t" (instance (type $i))))"""


def record(**fields):
    r = Record()
    for k, v in fields.items():
        setattr(r, k, v)
    return r


def same(a, b):
    if isinstance(a, Record):
        return vars(a) == vars(b)
    if isinstance(a, list) and a and isinstance(a[0], Record):
        return all(same(x, y) for x, y in zip(a, b)) and len(a) == len(b)
    return a == b


VALUES = {
    "bytes": [b"", b"\x00\xff abc" * 100, bytes(range(256))],
    "rec": [record(a=7, b="seven")],
    "var": [3, None, "zed"],  # untagged (see NOTES.md): the cases' Python types differ
    "en": ["p", "q"],
    "fl": [set(), {"r"}, {"r", "s"}],
    "opt": [None, 0, 2**64 - 1],
    "tup": [(0, ""), (255, "ü")],
    "strs": [[], ["a", "bc"]],
    "nested": [[], [record(a=1, b="x"), record(a=2, b="y")]],
}


@pytest.fixture(scope="module")
def func_type():
    engine = wasmtime.Engine()
    component = Component(engine, wasmtime.wat2wasm(TYPES))
    return engine, component.type.imports(engine)["t"].ty.exports(engine)["f"].ty


def round_trip(store, ty, value):
    raw = ffi.wasmtime_component_val_t()
    ty.convert_to_c(store, value, ctypes.pointer(raw))
    return ty.convert_from_c(raw)


@pytest.mark.parametrize("name", list(VALUES))
def test_frozen_types_convert_as_wasmtime_py_does(func_type, name):
    engine, fty = func_type
    store = wasmtime.Store(engine)
    [plain] = [t for n, t in fty.params if n == name]
    [frozen] = [freeze(t) for n, t in fty.params if n == name]
    assert type(frozen) is not type(plain) or frozen is plain
    for value in VALUES[name]:
        assert same(round_trip(store, frozen, value), value)
        assert same(round_trip(store, plain, value), round_trip(store, frozen, value))


def test_results_and_their_tagging_are_frozen_too(func_type):
    engine, fty = func_type
    store = wasmtime.Store(engine)
    result = freeze(fty.result)
    assert result._tagged() is fty.result._tagged() is False  # a Record, or one of int/None/str
    assert vars(round_trip(store, result, record(a=1, b="one"))) == {"a": 1, "b": "one"}
    assert round_trip(store, result, "bad") == "bad"
    tagged = freeze(fty.params[0][1])  # not a variant: freezing leaves what it cannot tag alone
    assert not hasattr(tagged, "_is_tagged")


def test_freezing_asks_c_nothing_afterwards(func_type, monkeypatch):
    engine, fty = func_type
    store = wasmtime.Store(engine)
    frozen = [freeze(t) for _, t in fty.params]
    for name in ("wasmtime_component_list_type_element", "wasmtime_component_record_type_field_nth",
                 "wasmtime_component_variant_type_case_nth", "wasmtime_component_enum_type_names_nth"):
        if hasattr(ffi, name):
            monkeypatch.setattr(ffi, name, lambda *a, _n=name: pytest.fail(f"{_n} called after freezing"))
    for (name, _), ty in zip(fty.params, frozen):
        for value in VALUES[name]:
            assert same(round_trip(store, ty, value), value)


def test_bytes_reject_what_is_not_bytes(func_type):
    engine, fty = func_type
    store = wasmtime.Store(engine)
    bytes_ty = freeze(fty.params[0][1])
    with pytest.raises(TypeError, match="bytes"):
        round_trip(store, bytes_ty, [1, 2, 3])
    assert round_trip(store, bytes_ty, bytearray(b"xy")) == b"xy"
