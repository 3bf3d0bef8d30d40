"""wasi_notebook.trace: fault rules (grammar and matching), the Observer's records and counts,
Trace views and Coverage. No wasm here: calls are noted by hand, as a wrapper would."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.hostcall import ProcExit
from wasi_notebook.trace import (
    ERRNOS, NORMAL_ENDS, CallRecord, Coverage, FaultRule, Observer, OutcomeLabels, is_drop, parse_fault, resolve,
    short_name, short_names, split_function,
)

FUNCTIONS = ["fd_write", "path_open", "proc_exit", "sched_yield"]
WRITE, OPEN, EXIT, YIELD = range(4)


def sig(name: str, *params: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, params=[SimpleNamespace(name=p, kind=p) for p in params])


OPEN_SIG = sig("path_open", "fd", "path_ptr", "path_len")
WRITE_SIG = sig("fd_write", "fd", "iovs_ptr", "iovs_len")
YIELD_SIG = sig("sched_yield")


# -- parse_fault -------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, rule", [
    ("fd_read=IO", FaultRule("fd_read", Errno.IO)),
    ("path_open[*.cfg]@2=ACCES", FaultRule("path_open", Errno.ACCES, path="*.cfg", nth=2)),
    ("fd_write[fd=1]=IO", FaultRule("fd_write", Errno.IO, fd=1)),
    ("fd_read@3+=INTR", FaultRule("fd_read", Errno.INTR, nth=3, onward=True)),
    ("  path_unlink_file[a/fd=1]=enoent ", FaultRule("path_unlink_file", Errno.NOENT, path="a/fd=1")),
    ("fd_write[fd=x]=2big", FaultRule("fd_write", Errno._2BIG, path="fd=x")),
    ("path_open[]=PERM", FaultRule("path_open", Errno.PERM, path="")),
])
def test_parse_fault(spec: str, rule: FaultRule) -> None:
    assert parse_fault(spec) == rule
    assert parse_fault(str(rule)) == rule


def test_fault_rule_text() -> None:
    assert str(FaultRule("fd_read", Errno.INTR, nth=3, onward=True)) == "fd_read@3+=INTR"
    assert str(FaultRule("fd_write", Errno.IO, fd=1)) == "fd_write[fd=1]=IO"
    assert str(FaultRule("path_open", Errno._2BIG, path="*.c", nth=1)) == "path_open[*.c]@1=2BIG"


@pytest.mark.parametrize("spec, message", [
    ("fd_read", "bad fault 'fd_read': write FUNCTION"),
    ("fd_read=", "write FUNCTION"),
    ("fd_read@=IO", "write FUNCTION"),
    ("fd_read@-1=IO", "write FUNCTION"),
    ("FD_READ=IO", "write FUNCTION"),
    ("fd_read[a]b=IO", "write FUNCTION"),
    ("fd_read@0=IO", "calls are counted from 1"),
    ("fd_read@0+=IO", "calls are counted from 1"),
    ("fd_read=NOPE", "unknown WASI errno 'NOPE'"),
    ("fd_read=SUCCESS", "SUCCESS"),
    ("fd_read=ESUCCESS", "SUCCESS"),
])
def test_parse_fault_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault(spec)


def test_parse_fault_checks_the_function_names() -> None:
    assert parse_fault("fd_read=IO", FUNCTIONS + ["fd_read"]).function == "fd_read"
    with pytest.raises(ValueError, match="'fd_raed' is not a WASI function this host provides"):
        parse_fault("fd_raed=IO", iter(["fd_read"]))


# -- fault matching ----------------------------------------------------------------------------

def check_for(signature, *specs: str):
    observer = Observer(FUNCTIONS + ["fd_read"], faults=[parse_fault(s) for s in specs])
    return observer.fault_check(signature)


def test_no_rule_no_check() -> None:
    assert check_for(OPEN_SIG) is None
    assert check_for(OPEN_SIG, "fd_write=IO") is None


def test_match_by_path_glob() -> None:
    check = check_for(OPEN_SIG, "path_open[*.cfg]=ACCES")
    assert check((3, 0, 5), ("app.cfg",)) == Errno.ACCES
    assert check((3, 0, 5), ("dir/app.cfg",)) == Errno.ACCES  # '*' crosses '/'
    assert check((3, 0, 5), ("app.CFG",)) is None  # case matters
    assert check((3, 0, 5), ("app.txt",)) is None
    assert check((3, 0, 5), (None,)) is None  # the path could not be read
    assert check((3, 0, 5), None) is None
    assert check_for(WRITE_SIG, "fd_write[*]=IO")((1, 0, 1), (5, b"hello")) is None  # no path captured


def test_match_by_fd() -> None:
    check = check_for(WRITE_SIG, "fd_write[fd=1]=IO")
    assert check((1, 64, 1), None) == Errno.IO
    assert check((2, 64, 1), None) is None
    # a function without an ``fd`` parameter never matches an fd rule
    assert check_for(YIELD_SIG, "sched_yield[fd=1]=IO")((), None) is None


def test_match_nth_counts_matching_calls_only() -> None:
    check = check_for(OPEN_SIG, "path_open[*.cfg]@2=ACCES")
    outcomes = [check((3, 0, 0), (path,)) for path in ["a.cfg", "x.txt", "b.cfg", "c.cfg", "y.txt"]]
    assert outcomes == [None, None, Errno.ACCES, None, None]


def test_match_nth_onward() -> None:
    check = check_for(YIELD_SIG, "sched_yield@3+=INTR")
    assert [check((), None) for _ in range(6)] == [None, None, Errno.INTR, Errno.INTR, Errno.INTR, Errno.INTR]


def test_several_nth_rules_each_count_every_call() -> None:
    check = check_for(YIELD_SIG, "sched_yield@1=INTR", "sched_yield@2=INTR", "sched_yield@3=INTR")
    assert [check((), None) for _ in range(4)] == [Errno.INTR, Errno.INTR, Errno.INTR, None]


def test_every_matching_call_without_nth() -> None:
    check = check_for(YIELD_SIG, "sched_yield=AGAIN")
    assert [check((), None) for _ in range(3)] == [Errno.AGAIN] * 3


def test_first_rule_that_fires_wins_and_counts_are_per_observer() -> None:
    specs = ("path_open[*.cfg]=ACCES", "path_open@2=NOENT")
    check = check_for(OPEN_SIG, *specs)
    assert check((3, 0, 0), ("a.cfg",)) == Errno.ACCES  # the first rule fires; the second counts it too
    assert check((3, 0, 0), ("a.txt",)) == Errno.NOENT  # the 2nd path_open of all
    assert check((3, 0, 0), ("b.txt",)) is None
    fresh = check_for(OPEN_SIG, *specs)  # a new run counts from the start
    assert fresh((3, 0, 0), ("a.txt",)) is None


# -- Observer, Trace ---------------------------------------------------------------------------

def observed(max_records: int = 100, record: bool = True) -> Observer:
    observer = Observer(FUNCTIONS, max_records=max_records, record=record)
    for s in (OPEN_SIG, WRITE_SIG, YIELD_SIG, sig("proc_exit", "exitcode")):
        observer.register(s)
    return observer


def note_calls(observer: Observer) -> None:
    """Six calls: two opens (one fails, one injected), two writes, a yield, an exit."""
    start = Observer.clock()
    observer.note(OPEN, (3, 100, 5), 4, 0, start, ("a.cfg",), False)
    observer.note(OPEN, (3, 200, 7), None, Errno.NOENT, start, ("missing",), False)
    observer.note(WRITE, (1, 300, 1), 5, 0, start, (5, b"hello"), False)
    observer.note(OPEN, (3, 100, 5), None, int(Errno.ACCES), start, ("b.cfg",), True)
    observer.note(YIELD, (), None, 0, start, None, False)
    observer.note(EXIT, (3,), ProcExit(3), Observer.RAISED, start, None, False)


def test_register_gives_the_function_index() -> None:
    observer = Observer(FUNCTIONS)
    assert observer.register(OPEN_SIG) == OPEN
    assert observer.signatures == {"path_open": OPEN_SIG}
    with pytest.raises(KeyError):
        observer.register(sig("fd_nope"))


def test_note_under_the_limit_records() -> None:
    observer = observed()
    note_calls(observer)
    trace = observer.trace()
    assert len(trace) == 6 and trace.dropped == 0
    assert [r.function for r in trace] == ["path_open", "path_open", "fd_write", "path_open", "sched_yield",
                                           "proc_exit"]
    assert [r.seq for r in trace] == [1, 2, 3, 4, 5, 6]
    first = trace[0]
    assert isinstance(first, CallRecord)
    assert first.ok and first.errno is Errno.SUCCESS and first.result == 4
    assert first.args == {"arg0": 3, "arg1": 100, "arg2": 5}  # no decoder: raw arguments
    assert first.duration_ns >= 0
    assert trace[1].errno is Errno.NOENT and trace[1].result is None and not trace[1].ok
    assert trace[3].injected
    exit_record = trace[5]
    assert exit_record.errno is None and exit_record.raised == "exit 3"
    assert trace.total_ns() == sum(r.duration_ns for r in trace)


def test_negative_index_numbers_the_call_as_its_position() -> None:
    observer = observed()
    note_calls(observer)
    trace = observer.trace()
    assert trace[-1].seq == 6 and trace[-1].function == "proc_exit"
    assert trace[-6].seq == 1
    with pytest.raises(IndexError):
        trace[6]
    with pytest.raises(IndexError):
        trace[-7]


def test_note_over_the_limit_counts() -> None:
    observer = observed(max_records=2)
    note_calls(observer)
    trace = observer.trace()
    assert len(trace) == 2 and trace.dropped == 4
    assert [r.function for r in trace] == ["path_open", "path_open"]
    assert trace.counts() == {
        "path_open": Counter({"SUCCESS": 1, "NOENT": 1, "ACCES": 1}),
        "fd_write": Counter({"SUCCESS": 1}),
        "sched_yield": Counter({"SUCCESS": 1}),
        "proc_exit": Counter({"EXIT": 1}),
    }
    assert trace.text().endswith("... and 4 calls past the record limit (counted, not kept)")


def test_record_false_keeps_counts_only() -> None:
    observer = observed(record=False)
    note_calls(observer)
    trace = observer.trace()
    assert len(trace) == 0 and trace.dropped == 6
    assert sum(sum(c.values()) for c in trace.counts().values()) == 6


def test_a_trap_is_not_an_exit() -> None:
    observer = observed()
    observer.note(WRITE, (1, 0, 1), RuntimeError("boom"), Observer.RAISED, Observer.clock(), None, False)
    trace = observer.trace()
    assert trace[0].errno is None and trace[0].raised == "raised RuntimeError: boom"
    assert trace.counts() == {"fd_write": Counter({"TRAP": 1})}
    assert trace[0].text() == "fd_write(arg0=1, arg1=0, arg2=1) = raised RuntimeError: boom"


def test_counts_are_the_same_recorded_or_not() -> None:
    full, short = observed(), observed(max_records=3)
    note_calls(full)
    note_calls(short)
    assert full.trace().counts() == short.trace().counts()


def test_filter() -> None:
    observer = observed()
    note_calls(observer)
    trace = observer.trace()

    def seqs(**kw) -> list[int]:
        return [r.seq for r in trace.filter(**kw)]

    assert seqs(function="path_open") == [1, 2, 4]
    assert seqs(function=["fd_write", "sched_yield"]) == [3, 5]
    assert seqs(errno="NOENT") == [2]
    assert seqs(errno=Errno.ACCES) == [4]
    assert seqs(errno="SUCCESS") == [1, 3, 5]
    assert seqs(path="*.cfg") == [1, 4]
    assert seqs(path="*.cfg", errno="SUCCESS") == [1]
    assert seqs(failed=True) == [2, 4]  # an exit is not a failure
    assert seqs(failed=False) == [1, 3, 5, 6]
    assert seqs(function="path_open", failed=False) == [1]
    assert seqs() == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError):
        trace.filter(errno="NOPE")


def test_text() -> None:
    observer = observed()
    note_calls(observer)
    trace = observer.trace()
    lines = trace.text().splitlines()
    assert len(lines) == 6
    assert lines[0] == "     1  path_open(arg0=3, arg1=100, arg2=5) = 4"
    assert lines[1] == "     2  path_open(arg0=3, arg1=200, arg2=7) = NOENT (no such file or directory)"
    assert lines[3].endswith("= ACCES (permission denied)  [injected]")
    assert lines[4] == "     5  sched_yield() = 0"
    assert lines[5] == "     6  proc_exit(arg0=3) = exit 3"
    limited = trace.text(limit=2).splitlines()
    assert limited[2:] == ["... 4 more calls"] and len(limited) == 3
    assert Observer(FUNCTIONS).trace().text() == ""
    assert repr(trace) == "<Trace 6 calls>"


def test_jsonl() -> None:
    observer = observed()
    note_calls(observer)
    rows = [json.loads(line) for line in observer.trace().jsonl()]
    assert len(rows) == 6
    assert rows[0] == {"seq": 1, "function": "path_open", "args": {"arg0": 3, "arg1": 100, "arg2": 5}, "result": 4,
                       "errno": "SUCCESS", "duration_ns": rows[0]["duration_ns"], "injected": False}
    assert rows[1]["errno"] == "NOENT" and rows[1]["result"] is None
    assert rows[3]["injected"] is True
    assert rows[5]["errno"] is None and rows[5]["raised"] == "exit 3"
    assert "raised" not in rows[0]


def test_jsonl_survives_values_json_does_not_know() -> None:
    observer = observed()
    observer.note(WRITE, (1, 0, 1), b"\xff", 0, Observer.clock(), None, False)
    (line,) = observer.trace().jsonl()
    assert json.loads(line)["result"] == str(b"\xff")


# -- Coverage ----------------------------------------------------------------------------------

def coverage() -> Coverage:
    counts = {
        "fd_write": Counter({"SUCCESS": 3}),
        "path_open": Counter({"SUCCESS": 1, "NOENT": 2, "ACCES": 1}),
        "proc_exit": Counter({"EXIT": 1}),
        "sched_yield": Counter({"TRAP": 1}),
    }
    return Coverage(FUNCTIONS, ["proc_exit", "fd_write", "path_open", "not_in_interface"], counts)


def test_coverage_statuses() -> None:
    cov = coverage()
    assert cov.imported == ["fd_write", "path_open", "proc_exit"]  # interface order, known names only
    assert cov.status("fd_write") == "called"
    assert cov.status("path_open") == "called with errors"
    assert cov.status("proc_exit") == "called"  # an exit is not an error
    assert cov.status("sched_yield") == "called with errors"  # a trap is
    uncalled = Coverage(FUNCTIONS, ["fd_write"], {})
    assert uncalled.status("fd_write") == "imported"
    assert uncalled.status("path_open") == "not imported"
    assert cov.calls("path_open") == 4 and cov.calls("nothing") == 0
    assert cov.errors("path_open") == {"ACCES": 1, "NOENT": 2}
    assert list(cov.errors("path_open")) == ["ACCES", "NOENT"]
    assert cov.errors("fd_write") == {} and cov.errors("proc_exit") == {}
    assert cov.called == ["fd_write", "path_open", "proc_exit", "sched_yield"]
    assert cov.summary() == "called 4 of 4, imported 3"
    assert repr(cov) == "<Coverage called 4 of 4, imported 3>"


def test_coverage_to_dict() -> None:
    data = coverage().to_dict()
    assert data["imports"] == ["fd_write", "path_open", "proc_exit"]
    table = data["preview1"]
    assert list(table) == FUNCTIONS
    assert table["path_open"] == {"calls": 4, "errors": {"ACCES": 1, "NOENT": 2}, "imported": True}
    assert table["proc_exit"] == {"calls": 1, "errors": {}, "imported": True}
    assert table["sched_yield"] == {"calls": 1, "errors": {"TRAP": 1}, "imported": False}
    assert json.loads(json.dumps(data)) == data
    assert "preview2" in Coverage(FUNCTIONS, [], {}, interface="preview2").to_dict()


def test_coverage_from_a_trace() -> None:
    observer = observed()
    note_calls(observer)
    cov = Coverage(FUNCTIONS, FUNCTIONS, observer.trace().counts())
    assert cov.to_dict()["preview1"]["path_open"] == {"calls": 3, "errors": {"ACCES": 1, "NOENT": 1},
                                                      "imported": True}
    assert cov.status("proc_exit") == "called"


def test_coverage_combined() -> None:
    both = Coverage.combined([coverage(), Coverage(FUNCTIONS, ["sched_yield"], {"fd_write": Counter({"IO": 1})})])
    assert both.imported == FUNCTIONS
    assert both.calls("fd_write") == 4 and both.errors("fd_write") == {"IO": 1}
    assert Coverage.combined([]).functions == []


def test_select_gives_indexes_and_text_and_jsonl_take_them() -> None:
    from wasi_notebook import Session, guests

    session = Session()
    session.fs.path("/f").write_text("x")
    trace = session.run(guests.path("cat"), ["f", "nope"]).trace
    opened = trace.select("path_open")
    assert [trace[i].function for i in opened] == ["path_open", "path_open"]
    assert [r.seq for r in trace.filter("path_open")] == [i + 1 for i in opened]
    assert trace.select(errno="NOENT") == [i for i in opened if trace[i].errno is Errno.NOENT]
    lines = trace.text(indexes=opened).splitlines()
    assert len(lines) == 2 and all("path_open(" in line for line in lines)
    assert [json.loads(line)["function"] for line in trace.jsonl(opened)] == ["path_open", "path_open"]


# -- outcomes named by labels (preview2) --------------------------------------------------------

P2_FUNCTIONS = ["wasi:filesystem/types#[method]descriptor.open-at", "wasi:cli/exit#exit"]


def p2_sig(name: str, *params: str) -> SimpleNamespace:
    interface, _, function = name.partition("#")
    return SimpleNamespace(name=name, params=[SimpleNamespace(name=p) for p in params], interface=interface,
                           function=function, shown_as=function.rpartition(".")[2])


def test_outcome_labels_number_labels_as_they_come() -> None:
    labels = OutcomeLabels("ok")
    assert labels.code("ok") == 0 and labels.code("no-entry") == 1 and labels.code("access") == 2
    assert labels.code("no-entry") == 1 and labels.label(2) == "access"
    assert labels.code_of("access") == 2 and labels.code_of("never-seen") is None
    assert labels.labels() == ["ok", "no-entry", "access"] and labels.errno(1) is None
    assert labels.describe(1, WasiError(Errno.NOENT)) == "NOENT: no such file or directory"
    assert labels.describe(1, None) == ""
    assert ERRNOS.label(int(Errno.NOENT)) == "NOENT" and ERRNOS.code_of("noent") == int(Errno.NOENT)


def test_a_trace_of_named_outcomes() -> None:
    outcomes = OutcomeLabels("ok")
    observer = Observer(P2_FUNCTIONS, outcomes=outcomes)
    open_at = p2_sig(P2_FUNCTIONS[0], "self", "path")
    observer.register(open_at)
    observer.register(p2_sig(P2_FUNCTIONS[1], "status"))
    start = observer.clock()
    observer.note(0, (3, "a.txt"), 5, 0, start, ("a.txt",), False)
    observer.note(0, (3, "b.txt"), WasiError(Errno.NOENT), outcomes.code("no-entry"), start, ("b.txt",), False)
    observer.note(0, (3, "c.cfg"), WasiError(Errno.ACCES), outcomes.code("access"), start, ("c.cfg",), True)
    observer.note(1, (None,), ProcExit(1), Observer.RAISED, start, None, False)
    trace = observer.trace()
    ok, missing, denied, exited = trace
    assert ok.ok and ok.errno is None and ok.error is None and ok.interface == "wasi:filesystem/types"
    assert ok.function == "[method]descriptor.open-at" and ok.text() == "open-at(arg0=3, arg1=a.txt) = 5"
    assert missing.error == "no-entry" and missing.failed and not missing.ok
    assert missing.text().endswith("= no-entry (NOENT: no such file or directory)")
    assert denied.injected and exited.raised == "exit 1" and not exited.failed
    assert missing.to_dict() == {"seq": 2, "interface": "wasi:filesystem/types",
                                 "function": "[method]descriptor.open-at", "args": {"arg0": 3, "arg1": "b.txt"},
                                 "result": None, "error": "no-entry", "detail": "NOENT: no such file or directory",
                                 "duration_ns": missing.duration_ns, "injected": False}
    assert trace.counts() == {P2_FUNCTIONS[0]: Counter({"ok": 1, "no-entry": 1, "access": 1}),
                              P2_FUNCTIONS[1]: Counter({"EXIT": 1})}
    assert trace.select(errno="no-entry") == [1] and trace.select(errno="invalid") == []
    assert trace.select(failed=True) == [1, 2] and trace.select(path="*.cfg") == [2]
    assert trace.outcome_labels() == ["ok", "no-entry", "access"]
    with pytest.raises(ValueError, match="'open-at' is not a function of this trace"):
        trace.select("open-at")  # short names need a decoder that resolves them


def test_a_fault_rule_on_a_method_matches_its_resource() -> None:
    rule = FaultRule(P2_FUNCTIONS[0], Errno.ACCES, fd=3)
    observer = Observer(P2_FUNCTIONS, faults=[rule], outcomes=OutcomeLabels())
    check = observer.fault_check(p2_sig(P2_FUNCTIONS[0], "self", "path"))
    assert check((3, "a"), ("a",)) == int(Errno.ACCES) and check((4, "a"), ("a",)) is None


@pytest.mark.parametrize("spec, function", [
    ("open-at[*.cfg]@2=ACCES", "open-at"),
    ("[method]descriptor.open-at=NOENT", "[method]descriptor.open-at"),
    ("descriptor.open-at[fd=4]=IO", "descriptor.open-at"),
    ("wasi:filesystem/types#open-at=NOENT", "wasi:filesystem/types#open-at"),
    ("wasi:filesystem/types#[method]descriptor.open-at@1+=IO", "wasi:filesystem/types#[method]descriptor.open-at"),
])
def test_parse_fault_takes_preview2_names(spec: str, function: str) -> None:
    rule = parse_fault(spec)
    assert rule.function == function and parse_fault(str(rule)) == rule


def p2_coverage() -> Coverage:
    functions = ["wasi:filesystem/types#[method]descriptor.open-at", "wasi:filesystem/types#[method]descriptor.stat",
                 "wasi:cli/exit#exit"]
    counts = {functions[0]: Counter({"ok": 2, "no-entry": 1}), functions[2]: Counter({"EXIT": 1})}
    return Coverage(functions, functions, counts, interface="preview2",
                    imports=["wasi:filesystem/types@0.2.3", "wasi:cli/exit@0.2.3", "wasi:io/error@0.2.3"])


def test_a_components_coverage_is_by_interface() -> None:
    cov = p2_coverage()
    assert cov.status("wasi:filesystem/types#[method]descriptor.open-at") == "called with errors"
    assert cov.errors("wasi:filesystem/types#[method]descriptor.open-at") == {"no-entry": 1}
    assert cov.status("wasi:cli/exit#exit") == "called"
    assert cov.interfaces() == {"wasi:filesystem/types": cov.functions[:2], "wasi:cli/exit": cov.functions[2:],
                                "wasi:io/error": []}
    assert cov.summary() == "called 2 of 3 functions in 3 interfaces"
    data = cov.to_dict()
    assert data["preview2"] == {
        "wasi:filesystem/types": {"[method]descriptor.open-at": {"calls": 3, "errors": {"no-entry": 1}},
                                  "[method]descriptor.stat": {"calls": 0, "errors": {}}},
        "wasi:cli/exit": {"exit": {"calls": 1, "errors": {}}},
        "wasi:io/error": {},
    }
    assert data["imports"] == ["wasi:filesystem/types@0.2.3", "wasi:cli/exit@0.2.3", "wasi:io/error@0.2.3"]
    assert split_function("wasi:cli/exit#exit") == ("wasi:cli/exit", "exit") and split_function("fd_write") == (
        None, "fd_write")
    assert coverage().interfaces() == {}


def test_components_coverages_combine_over_their_interfaces() -> None:
    other = Coverage(["wasi:cli/stdout#get-stdout"], ["wasi:cli/stdout#get-stdout"],
                     {"wasi:cli/stdout#get-stdout": Counter({"ok": 1})}, interface="preview2",
                     imports=["wasi:cli/stdout@0.2.3"])
    both = Coverage.combined([p2_coverage(), other, p2_coverage()])
    assert both.functions == p2_coverage().functions + other.functions
    assert both.calls("wasi:filesystem/types#[method]descriptor.open-at") == 6
    assert both.imports[-1] == "wasi:cli/stdout@0.2.3" and len(both.imports) == 4


# -- normal ends: an error case that is no failure (a stream's closed) ---------------------------

READ = "wasi:io/streams#[method]input-stream.blocking-read"


def test_closed_is_a_normal_end_and_only_it() -> None:
    assert NORMAL_ENDS == {"closed"}
    labels = OutcomeLabels("ok")
    assert labels.ends == NORMAL_ENDS and labels.end_codes() == frozenset()
    assert labels.code("no-entry") == 1 and labels.code("closed") == 2 and labels.end_codes() == {2}
    assert not labels.is_failure("closed") and not labels.is_failure("ok") and not labels.is_failure("EXIT")
    assert labels.is_failure("no-entry") and labels.is_failure("TRAP") and labels.is_failure("would-block")
    assert OutcomeLabels("ok", ends=()).is_failure("closed")
    # preview1's errnos are untouched: every errno but SUCCESS fails, none is an end
    assert ERRNOS.end_codes() == frozenset() and ERRNOS.is_failure("AGAIN") and not ERRNOS.is_failure("SUCCESS")


def test_a_read_at_the_end_is_shown_but_not_failed() -> None:
    outcomes = OutcomeLabels("ok")
    observer = Observer([READ], outcomes=outcomes)
    observer.register(p2_sig(READ, "self", "len"))
    start = observer.clock()
    observer.note(0, (4, 10), b"abc", 0, start, None, False)
    observer.note(0, (4, 10), None, outcomes.code("closed"), start, None, False)
    observer.note(0, (5, 10), WasiError(Errno.IO), outcomes.code("last-operation-failed"), start, None, False)
    trace = observer.trace()
    read, closed, broken = trace
    assert closed.error == "closed" and closed.end and not closed.failed and not closed.ok
    assert closed.text() == "blocking-read(arg0=4, arg1=10) = closed"
    assert closed.to_dict()["end"] is True and "end" not in broken.to_dict()
    assert broken.failed and not broken.end and not read.end
    assert trace.select(failed=True) == [2] and trace.select(failed=False) == [0, 1]
    assert trace.select(errno="closed") == [1] and trace.outcome_labels() == ["ok", "closed", "last-operation-failed"]
    cov = Coverage([READ], [READ], trace.counts(), interface="preview2")
    assert cov.errors(READ) == {"last-operation-failed": 1} and cov.ends(READ) == {"closed": 1}
    assert cov.answers(READ) == {"ok": 1, "closed": 1, "last-operation-failed": 1}
    assert cov.to_dict()["preview2"]["wasi:io/streams"]["[method]input-stream.blocking-read"] == {
        "calls": 3, "errors": {"last-operation-failed": 1}, "ends": {"closed": 1}}


def test_a_function_that_only_reached_the_end_is_called_not_failing() -> None:
    cov = Coverage([READ], [READ], {READ: Counter({"ok": 3, "closed": 1})}, interface="preview2")
    assert cov.status(READ) == "called" and cov.errors(READ) == {} and cov.answers(READ) == {"ok": 3, "closed": 1}
    assert "ends" in cov.to_dict()["preview2"]["wasi:io/streams"]["[method]input-stream.blocking-read"]
    both = Coverage.combined([cov, cov])
    assert both.ends(READ) == {"closed": 2} and both.status(READ) == "called"
    # a preview1 coverage knows no ends: a label named closed would be a failure there
    assert Coverage(["x"], ["x"], {"x": Counter({"closed": 1})}).errors("x") == {"closed": 1}


# -- short names of a component's functions ----------------------------------------------------

def test_short_names_as_trace_lines_show_them() -> None:
    assert short_name("wasi:filesystem/types", "[method]descriptor.open-at") == "open-at"
    assert short_name("wasi:cli/stdout", "get-stdout") == "stdout.get-stdout"
    assert short_name("wasi:http/types", "[static]incoming-body.finish") == "incoming-body.finish"
    assert short_name("wasi:http/types", "[constructor]fields") == "fields.new"
    assert short_name("wasi:filesystem/types", "[resource-drop]descriptor") == "descriptor.drop"


def test_a_drop_is_named_as_the_component_model_names_it_and_resolves_by_its_short_name() -> None:
    functions = ["wasi:filesystem/types#[resource-drop]descriptor", "wasi:filesystem/types#[method]descriptor.stat"]
    assert is_drop(functions[0]) and not is_drop(functions[1]) and not is_drop("fd_close")
    assert resolve("descriptor.drop", functions) == [functions[0]]
    assert resolve("descriptor", functions) == []  # no bare resource name: that would be every drop


def test_short_names_are_unique_within_an_interface() -> None:
    functions = ["wasi:io/streams#[method]input-stream.subscribe", "wasi:io/streams#[method]output-stream.subscribe",
                 "wasi:io/streams#[method]input-stream.blocking-read", "wasi:clocks/wall-clock#now",
                 "wasi:clocks/monotonic-clock#now", "wasi:io/poll#[method]pollable.block", "fd_write"]
    assert short_names(functions) == {
        functions[0]: "input-stream.subscribe", functions[1]: "output-stream.subscribe",
        functions[2]: "blocking-read", functions[3]: "wall-clock.now", functions[4]: "monotonic-clock.now",
        functions[5]: "block", "fd_write": "fd_write"}


def test_every_shown_name_resolves_to_its_function() -> None:
    functions = ["wasi:cli/stdout#get-stdout", "wasi:filesystem/types#[constructor]descriptor",
                 "wasi:io/streams#[method]input-stream.subscribe", "wasi:io/streams#[method]output-stream.subscribe",
                 "fd_write"]
    assert resolve("stdout.get-stdout", functions) == [functions[0]] == resolve("get-stdout", functions)
    assert resolve("descriptor.new", functions) == [functions[1]]
    assert resolve("subscribe", functions) == functions[2:4]
    for name, short in short_names(functions[:4]).items():
        assert resolve(short, functions) == [name]
    assert resolve("fd_write", functions) == []  # a preview1 name is no component function
