"""p2/describe.py: shapes read from a component's import types, what the trace keeps of values,
how they read, and the short names a person may give a function."""

import pytest
import wasmtime
from wasmtime.component import Component

from wasi_notebook import guests
from wasi_notebook.p2.describe import (
    PREVIEW_BYTES, Clipped, Preview2Decoder, drop_signature, error_label, keep, resolve, show, signatures,
)
from wasi_notebook.p2.values import Err, Ok, Variant, record

from .toolchain import componentize


@pytest.fixture(scope="module")
def cat_signatures():
    engine = wasmtime.Engine()
    return {s.name: s for s in signatures(engine, Component(engine, componentize(guests.path("cat"))))}


def test_signatures_name_each_imported_function_with_its_interface(cat_signatures):
    open_at = cat_signatures["wasi:filesystem/types#[method]descriptor.open-at"]
    assert open_at.interface == "wasi:filesystem/types" and open_at.function == "[method]descriptor.open-at"
    assert open_at.shown_as == "open-at"
    assert [(p.name, p.shape) for p in open_at.params] == [
        ("self", ("handle", "descriptor")), ("path-flags", ("flags",)), ("path", ("string",)),
        ("open-flags", ("flags",)), ("flags", ("flags",))]
    assert open_at.result == ("result", ("handle", "descriptor"), ("enum",)) and open_at.returns_result
    assert open_at.path_params == (2,) and open_at.handle_params == (0,) and open_at.keep_result
    write = cat_signatures["wasi:io/streams#[method]output-stream.blocking-write-and-flush"]
    assert write.byte_params == (1,) and write.error_shape[0] == "variant"
    directories = cat_signatures["wasi:filesystem/preopens#get-directories"]
    assert directories.shown_as == "preopens.get-directories" and directories.error_shape is None
    assert directories.result == ("list", ("tuple", (("handle", "descriptor"), ("string",))))
    # a handle of a resource an interface uses from another is named as that interface knows it
    assert cat_signatures["wasi:cli/stdout#get-stdout"].result == ("handle", "output-stream")


def test_values_read_as_people_write_them():
    assert show(("handle", "descriptor"), 4) == "descriptor#4"
    assert show(("flags",), {"write", "create"}) == "{create, write}"
    assert show(("string",), 'a "b"\n') == '"a \\"b\\"\\n"'
    assert show(("bytes",), b"hi\xff") == '"hi\\xff" (3 bytes)'
    assert show(("bytes",), Clipped(5000, b"abc")) == '"abc"… (5000 bytes)'
    assert show(("record", (("seconds", ("value",)), ("nanoseconds", ("value",)))),
                record(seconds=1, nanoseconds=2)) == "{seconds=1, nanoseconds=2}"
    assert show(("option", ("value",)), None) == "none"
    assert show(("list", ("value",)), list(range(10))) == "[0, 1, 2, 3, 4, 5, 6, 7, …(+2)]"
    assert show(("result", None, None), Variant("err")) == "err"
    assert show(("variant", (("closed", None), ("last-operation-failed", ("handle", "error")))),
                Variant("last-operation-failed", 9)) == "last-operation-failed(error#9)"


def test_what_the_trace_keeps():
    long = bytes(range(200))
    assert keep(("bytes",), long) == Clipped(200, long[:PREVIEW_BYTES])
    assert keep(("bytes",), b"short") == b"short"
    assert keep(("result", ("bytes",), None), Ok(long)) == Ok(Clipped(200, long[:PREVIEW_BYTES]))

    class Host:  # what ResourceTable.own gives: a rep behind it
        rep = 7

    assert keep(("result", ("handle", "descriptor"), ("enum",)), Ok(Host())) == Ok(7)
    assert keep(("list", ("tuple", (("handle", "descriptor"), ("string",)))), [(Host(), "/")]) == [(7, "/")]
    assert keep(("result", None, ("enum",)), Err("no-entry")) == Err("no-entry")


def test_error_labels():
    assert error_label("no-entry") == "no-entry"
    assert error_label(Variant("closed")) == "closed"
    assert error_label(None) == "err"


def test_short_names_resolve_to_the_functions_they_stand_for():
    functions = ["wasi:filesystem/types#[method]descriptor.open-at", "wasi:clocks/wall-clock#now",
                 "wasi:clocks/monotonic-clock#now", "wasi:filesystem/types#[method]descriptor.stat"]
    for name in ("open-at", "descriptor.open-at", "[method]descriptor.open-at", "wasi:filesystem/types#open-at",
                 "wasi:filesystem/types#[method]descriptor.open-at"):
        assert resolve(name, functions) == [functions[0]]
    assert resolve("now", functions) == functions[1:3]
    assert resolve("wasi:clocks/wall-clock#now", functions) == [functions[1]]
    assert resolve("wasi:io/streams#open-at", functions) == [] and resolve("open", functions) == []


def test_the_decoder_shows_the_ok_value(cat_signatures):
    decoder = Preview2Decoder()
    open_at = cat_signatures["wasi:filesystem/types#[method]descriptor.open-at"]
    assert decoder.result(open_at, Ok(5)) == "descriptor#5"
    write = cat_signatures["wasi:io/streams#[method]output-stream.blocking-write-and-flush"]
    assert decoder.result(write, Ok()) == "ok"
    assert decoder.args(write, (2, b"x"), None) == {"self": "output-stream#2", "contents": '"x" (1 bytes)'}


def test_a_drop_signature_reads_as_its_trace_line_shows_it():
    sig = drop_signature("wasi:io/streams", "output-stream")
    assert sig.name == "wasi:io/streams#[resource-drop]output-stream" and sig.shown_as == "output-stream.drop"
    assert not sig.returns_result and sig.error_shape is None and sig.handle_params == (0,)
    decoder = Preview2Decoder()
    assert decoder.args(sig, (6,), None) == {"self": "output-stream#6"}
    assert decoder.result(sig, "dropped") == "dropped"
