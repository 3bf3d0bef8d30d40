"""p2/link.py: the one wrapper of every host function, observed (trace, coverage, faults) and not,
and the fault rules a component's run accepts."""

import pytest
import wasmtime
from wasmtime.component import Component, FuncType

from wasi_notebook import MemFs, guests
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.errors import Errno
from wasi_notebook.p2.describe import CallSignature, Param
from wasi_notebook.p2.host import Preview2
from wasi_notebook.p2.link import _adapt, _dropper, fault_rules, observe
from wasi_notebook.p2.values import lower
from wasi_notebook.trace import FaultRule

from .toolchain import componentize

FS = "wasi:filesystem/types"
OPEN_AT = f"{FS}#[method]descriptor.open-at"


@pytest.fixture(scope="module")
def cat():
    engine = wasmtime.Engine()
    return engine, Component(engine, componentize(guests.path("cat")))


def func_type(engine, component, interface: str, function: str) -> FuncType:
    for name, ext in component.type.imports(engine).items():
        if name.partition("@")[0] == interface:
            return ext.ty.exports(engine)[function].ty
    raise KeyError(interface)


@pytest.fixture
def host():
    fs = MemFs()
    fs.path("/a.txt").write_text("alpha")
    return Preview2(WasiCtx(fs, preopens={"/": "/"}))


def wrapped(cat, host, observer, interface, function):
    """The wrapped function as wasmtime-py would see it: ``call(store, *args)`` answering in
    wasmtime-py's form (``values.lower`` of the plain form the wrapper gives fastcall)."""
    engine, component = cat
    sig = observer.signatures[f"{interface}#{function}"]
    adapted = _adapt(host, sig, host.interfaces()[interface][function], observer)
    result_ty = func_type(engine, component, interface, function).result
    return lambda store, *args: lower(result_ty, adapted(*args))


def preopen_rep(host):
    [(handle, _)] = host.interfaces()["wasi:filesystem/preopens"]["get-directories"]()
    return handle.rep


def test_observe_covers_every_imported_function(cat):
    observer = observe(*cat)
    assert OPEN_AT in observer.functions and "wasi:cli/exit#exit" in observer.functions
    assert set(observer.signatures) == set(observer.functions)
    assert observer.signatures[OPEN_AT].shown_as == "open-at"


def test_the_wrapper_notes_each_call_with_its_outcome(cat, host):
    observer = observe(*cat)
    open_at = wrapped(cat, host, observer, FS, "[method]descriptor.open-at")
    d = preopen_rep(host)
    opened = open_at(None, d, {"symlink-follow"}, "a.txt", set(), {"read"})
    assert opened.rep > d  # lowered: a ResourceHost for wasmtime
    assert open_at(None, d, set(), "nope.txt", set(), {"read"}) == "no-entry"  # the lowered Err's payload
    first, second = observer.trace()
    assert first.text() == (f'open-at(self=descriptor#{d}, path-flags={{symlink-follow}}, path="a.txt", '
                            f"open-flags={{}}, flags={{read}}) = descriptor#{opened.rep}")
    assert second.error == "no-entry" and second.error_text == "NOENT: no such file or directory"
    assert not second.injected and second.to_dict()["error"] == "no-entry"
    assert observer.trace().counts() == {OPEN_AT: {"ok": 1, "no-entry": 1}}


def test_a_call_that_traps_is_noted_and_raised(cat, host):
    observer = observe(*cat)
    get_type = wrapped(cat, host, observer, FS, "[method]descriptor.get-type")
    with pytest.raises(Exception, match="rep 999 is not a live Descriptor"):
        get_type(None, 999)
    [call] = observer.trace()
    assert call.raised.startswith("raised ") and call.failed
    assert observer.trace().counts() == {f"{FS}#[method]descriptor.get-type": {"TRAP": 1}}


def test_an_injected_failure_skips_the_call_and_answers_the_same_error_case(cat, host):
    observer = observe(*cat, faults=["open-at[*.txt]@2=NOENT"])
    open_at = wrapped(cat, host, observer, FS, "[method]descriptor.open-at")
    d = preopen_rep(host)
    assert open_at(None, d, set(), "a.txt", set(), {"read"}).rep
    assert open_at(None, d, set(), "a.txt", set(), {"read"}) == "no-entry"
    assert open_at(None, d, set(), "a.txt", set(), {"read"}).rep
    calls = list(observer.trace())
    assert [c.injected for c in calls] == [False, True, False] and calls[1].error == "no-entry"
    assert len(host.table) == 3  # the preopen and two descriptors: the injected call opened nothing


def test_a_read_at_the_end_of_a_file_is_noted_as_closed_not_as_a_failure(cat, host):
    observer = observe(*cat)
    read = wrapped(cat, host, observer, "wasi:io/streams", "[method]input-stream.blocking-read")
    fs = host.interfaces()[FS]
    file = fs["[method]descriptor.open-at"](preopen_rep(host), set(), "a.txt", set(), {"read"}).rep
    stream = fs["[method]descriptor.read-via-stream"](file, 0).rep
    assert read(None, stream, 100) == b"alpha"
    assert read(None, stream, 100) is None  # lowered Err(closed): the end of the file
    first, end = observer.trace()
    assert end.error == "closed" and end.end and not end.failed and end.text().endswith(" = closed")
    assert observer.trace().select(failed=True) == []
    assert observer.trace().counts() == {"wasi:io/streams#[method]input-stream.blocking-read": {"ok": 1, "closed": 1}}


def test_a_drop_is_traced_through_the_same_wrapper_but_not_covered(cat, host):
    observer = observe(*cat)
    drops = [f for f in observer.functions if "[resource-drop]" in f]
    assert f"{FS}#[resource-drop]descriptor" in drops and "wasi:io/streams#[resource-drop]input-stream" in drops
    assert "wasi:cli/stdout#[resource-drop]output-stream" not in drops  # stdout only uses the stream's type
    fs = host.interfaces()[FS]
    file = fs["[method]descriptor.open-at"](preopen_rep(host), set(), "a.txt", set(), {"read"}).rep
    stream = fs["[method]descriptor.read-via-stream"](file, 0).rep
    drop_descriptor = _dropper(host, observer.signatures[f"{FS}#[resource-drop]descriptor"], observer)
    with pytest.raises(Exception, match="resource has children"):
        drop_descriptor(None, file)  # its stream lives: the guest's error, a trap
    _dropper(host, observer.signatures["wasi:io/streams#[resource-drop]input-stream"], observer)(None, stream)
    drop_descriptor(None, file)
    refused, stream_drop, file_drop = observer.trace()
    assert refused.raised.startswith("raised ") and refused.failed
    assert stream_drop.text() == f"input-stream.drop(self=input-stream#{stream}) = dropped"
    assert file_drop.text() == f"descriptor.drop(self=descriptor#{file}) = dropped" and not file_drop.failed
    assert len(host.table) == 1  # only the preopen is left


def test_counting_only_keeps_no_records(cat, host):
    observer = observe(*cat, record=False)
    open_at = wrapped(cat, host, observer, FS, "[method]descriptor.open-at")
    open_at(None, preopen_rep(host), set(), "nope", set(), {"read"})
    trace = observer.trace()
    assert len(trace) == 0 and trace.counts() == {OPEN_AT: {"no-entry": 1}}


def _sig(interface, function, params=(), error=("enum",)):
    result = ("result", None, error) if error is not None else None
    return CallSignature(f"{interface}#{function}", interface, function, function, tuple(Param(n, s) for n, s in params),
                         result, result is not None, (), tuple(i for i, (n, _) in enumerate(params) if n == "path"), (),
                         False)


SIGS = [
    _sig(FS, "[method]descriptor.open-at", [("self", ("handle", "descriptor")), ("path", ("string",))]),
    _sig(FS, "[method]descriptor.stat", [("self", ("handle", "descriptor"))]),
    _sig("wasi:clocks/wall-clock", "now", error=None),
    _sig("wasi:clocks/monotonic-clock", "now", error=None),
    _sig("wasi:cli/environment", "get-arguments", error=None),
]


def test_fault_rules_name_the_one_function_they_are_for():
    [rule] = fault_rules(["open-at[*.cfg]@2=ACCES"], SIGS)
    assert rule == FaultRule(OPEN_AT, Errno.ACCES, path="*.cfg", nth=2)
    assert fault_rules([FaultRule("stat", Errno.IO, fd=3)], SIGS) == [FaultRule(f"{FS}#[method]descriptor.stat",
                                                                                Errno.IO, fd=3)]
    assert fault_rules([f"{FS}#open-at=NOENT"], SIGS)[0].function == OPEN_AT


@pytest.mark.parametrize("spec, message", [
    ("now=IO", "'now' may be any of wasi:clocks/wall-clock#now, wasi:clocks/monotonic-clock#now"),
    ("wasi:clocks/wall-clock#now=IO", "wasi:clocks/wall-clock#now cannot fail"),
    ("get-arguments=IO", "cannot fail"),
    ("read-directory=IO", "the component imports no function 'read-directory'"),
    ("stat[*.txt]=IO", "takes no path"),
    ("open-at=NOTSOCK", "NOTSOCK has no preview2 error-code"),
    ("open-at=SUCCESS", "SUCCESS is not a failure"),
])
def test_bad_rules_are_refused_with_a_reason(spec, message):
    with pytest.raises(ValueError, match=message):
        fault_rules([spec], SIGS)
