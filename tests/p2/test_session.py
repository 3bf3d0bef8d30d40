"""Session loads and runs preview2 components: the jco-adapted echo_stdin and cat behave on our
p2 host as the modules do on our p1 host."""

import json

import pytest
import wasmtime

from wasi_notebook import Session, guests
from wasi_notebook.session import LoadError

from .toolchain import componentize


@pytest.fixture(scope="module")
def components():
    return {name: componentize(guests.path(name)) for name in ("echo_stdin", "cat")}


def _both(name, components, args, stdin=b"", setup=None):
    results = []
    for wasm in (guests.path(name).read_bytes(), components[name]):
        s = Session()
        if setup:
            setup(s)
        r = s.run(s.load(wasm, name=name), args, stdin=stdin)
        results.append((r, s))
    return results


def test_load_tells_a_component_from_a_module(components):
    s = Session()
    assert s.load(components["cat"]).kind == "component"
    assert s.load(guests.path("cat")).kind == "module"


def test_echo_stdin_matches_preview1(components):
    (m, _), (c, _) = _both("echo_stdin", components, [], stdin=b"hello\nworld\n")
    assert c.stdout == m.stdout == b"hello\nworld\n"
    assert c.exit_code == m.exit_code == 0
    assert c.stderr.startswith(b"echo_stdin: read 12 bytes")


def test_cat_matches_preview1(components):
    def setup(s):
        s.fs.path("/a.txt").write_text("alpha\n")
        s.fs.path("/b.txt").write_bytes(b"\x00\xffbeta" * 3000)

    (m, ms), (c, cs) = _both("cat", components, ["a.txt", "missing", "b.txt"], setup=setup)
    assert c.stdout == m.stdout
    assert c.exit_code == m.exit_code == 1
    assert c.stderr == m.stderr == b"cat: missing: No such file or directory\n"
    assert cs.fs.path("/b.txt").read_bytes() == ms.fs.path("/b.txt").read_bytes()
    assert c.diff.summary() == m.diff.summary()


def test_cat_reads_stdin(components):
    (m, _), (c, _) = _both("cat", components, [], stdin=b"from stdin")
    assert c.stdout == m.stdout == b"from stdin"


def test_missing_import_is_a_clear_load_error():
    wat = """(component
      (import "wasi:sockets/tcp@0.2.0" (instance (export "x" (func))))
      (import "wasi:cli/environment@0.2.3" (instance (export "not-a-function" (func))))
    )"""
    data = wasmtime.wat2wasm(wat)
    with pytest.raises(LoadError) as e:
        Session().load(data, name="needy.wasm")
    message = str(e.value)
    assert "needy.wasm imports wasi:sockets/tcp@0.2.0" in message
    assert "wasi:cli/environment@0.2.3#not-a-function" in message


def test_a_component_describes_itself_and_claims_no_preview1_coverage(components):
    session = Session()
    guest = session.load(components["echo_stdin"])
    text = guest.describe()
    assert "preview2 component" in text and "wasi:cli/stdout@0.2" in text
    result = session.run(guest, stdin="hi\n")
    assert result.stdout == b"hi\n"
    assert result.coverage.interface == "preview2" and "fd_read" not in result.coverage.functions
    assert "wasi:cli/stdout#get-stdout" in result.coverage.functions


# -- trace, coverage and faults -----------------------------------------------------------------

def _cat(components, *args, **kwargs):
    s = Session()
    s.fs.path("/a.txt").write_text("alpha\n")
    s.fs.path("/app.cfg").write_text("k=v\n")
    return s.run(s.load(components["cat"], name="cat"), list(args), **kwargs)


def test_a_component_run_is_traced_call_by_call(components):
    r = _cat(components, "a.txt", "missing")
    opened = r.trace.filter("open-at")
    assert [c.error for c in opened] == [None, "no-entry"]
    ok, missing = opened
    assert ok.interface == "wasi:filesystem/types" and ok.function == "[method]descriptor.open-at"
    assert ok.args["path"] == '"a.txt"' and ok.args["flags"] == "{read}" and ok.args["self"].startswith("descriptor#")
    assert ok.result.startswith("descriptor#") and ok.text().startswith("open-at(self=descriptor#")
    assert missing.text().endswith('path="missing", open-flags={}, flags={read}) = no-entry '
                                   "(NOENT: no such file or directory)")
    write = r.trace.filter("wasi:io/streams#blocking-write-and-flush")[0]
    assert write.args["contents"] == '"alpha\\n" (6 bytes)' and write.result == "ok"
    [closed] = r.trace.filter(errno="closed")
    assert closed.function == "[method]input-stream.blocking-read" and closed.end and not closed.failed
    assert closed.text().endswith(" = closed") and closed.to_dict()["end"] is True
    assert closed.seq not in {c.seq for c in r.trace.filter(failed=True)}
    assert closed.seq in {c.seq for c in r.trace.filter(failed=False)}
    assert r.trace[-1].raised == "exit 1" and r.trace[-1].text().startswith("exit.exit(status=err)")
    assert [c.seq for c in r.trace.filter(path="miss*")] == [missing.seq]
    assert all(c.duration_ns > 0 for c in r.trace)


def test_the_guest_dropping_its_handles_is_traced_but_not_covered(components):
    r = _cat(components, "a.txt")
    dropped = r.trace.filter("descriptor.drop")
    [opened] = r.trace.filter("open-at")
    again = r.trace.filter("get-directories")[1]  # the adapter asks for the preopens twice, and drops the second
    assert again.result.startswith("[(descriptor#")
    second_preopen = again.result[2:].partition(",")[0]
    assert [c.text() for c in dropped] == [f"descriptor.drop(self={second_preopen}) = dropped",
                                           f"descriptor.drop(self={opened.result}) = dropped"]
    stream = r.trace.filter("read-via-stream")[0].result
    assert f"input-stream.drop(self={stream}) = dropped" in [c.text() for c in r.trace]
    assert dropped[0].function == "[resource-drop]descriptor" and dropped[0].interface == "wasi:filesystem/types"
    assert not any("[resource-drop]" in f for f in r.coverage.functions)
    assert "[resource-drop]descriptor" not in r.coverage.to_dict()["preview2"]["wasi:filesystem/types"]


def test_a_component_run_is_covered_interface_by_interface(components):
    r = _cat(components, "a.txt", "missing")
    cov = r.coverage
    assert cov.calls("wasi:filesystem/types#[method]descriptor.open-at") == 2
    assert cov.errors("wasi:filesystem/types#[method]descriptor.open-at") == {"no-entry": 1}
    assert cov.status("wasi:cli/exit#exit") == "called"
    table = cov.to_dict()
    assert table["preview2"]["wasi:filesystem/types"]["[method]descriptor.open-at"] == {
        "calls": 2, "errors": {"no-entry": 1}}
    read = "wasi:io/streams#[method]input-stream.blocking-read"
    # reading to the end of a file is no failure: closed is counted as a normal end, not an error
    assert table["preview2"]["wasi:io/streams"]["[method]input-stream.blocking-read"] == {
        "calls": 2, "errors": {}, "ends": {"closed": 1}}
    assert cov.status(read) == "called" and cov.answers(read) == {"ok": 1, "closed": 1}
    assert table["preview2"]["wasi:cli/terminal-input"] == {}  # an interface of types and resources only
    assert "wasi:cli/stdout" in table["preview2"] and all(i.startswith("wasi:") and "@0.2." in i
                                                          for i in table["imports"])
    assert cov.summary().startswith("called ") and cov.summary().endswith(f"in {len(table['imports'])} interfaces")


def test_a_fault_rule_fails_a_component_call_as_a_real_failure_would(components):
    r = _cat(components, "a.txt", "app.cfg", faults=["open-at[*.cfg]=ACCES"])
    assert r.stdout == b"alpha\n" and r.stderr == b"cat: app.cfg: Permission denied\n" and r.exit_code == 1
    [failed] = r.trace.filter(errno="access")
    assert failed.error == "access" and failed.injected and failed.text().endswith("  [injected]")
    assert r.coverage.errors("wasi:filesystem/types#[method]descriptor.open-at") == {"access": 1}
    # the same error case a real failure gives
    r = _cat(components, "a.txt", "missing", faults=["wasi:filesystem/types#[method]descriptor.open-at@1=NOENT"])
    assert r.stdout == b"" and r.stderr.count(b"No such file or directory") == 2


def test_a_stream_fault_is_last_operation_failed(components):
    r = _cat(components, "a.txt", faults=["blocking-write-and-flush[fd=2]=NOSPC"])  # stdout is rep 2
    assert r.stdout == b"" and r.exit_code != 0
    [failed] = r.trace.filter(errno="last-operation-failed")
    assert failed.error == "last-operation-failed" and failed.error_text.startswith("NOSPC")


@pytest.mark.parametrize("rule, message", [
    ("get-directories=IO", "cannot fail"),
    ("no-such-function=IO", "imports no function 'no-such-function'"),
    ("open-at=NOTSOCK", "NOTSOCK has no preview2 error-code"),
    ("get-type[*.txt]=IO", "takes no path"),
])
def test_bad_component_fault_rules_are_refused(components, rule, message):
    with pytest.raises(ValueError, match=message):
        _cat(components, "a.txt", faults=[rule])


def test_two_deterministic_runs_make_the_same_calls(components):
    def calls(r):
        return [(c.interface, c.function, c.args, c.result, c.error, c.raised) for c in r.trace]

    first = _cat(components, "a.txt", "missing", deterministic=True)
    second = _cat(components, "a.txt", "missing", deterministic=True)
    assert len(first.trace) > 10 and calls(first) == calls(second)
    assert [json.loads(line) | {"duration_ns": 0} for line in first.trace.jsonl()] == \
        [json.loads(line) | {"duration_ns": 0} for line in second.trace.jsonl()]


def test_counting_only_keeps_the_coverage(components):
    r = _cat(components, "a.txt", trace=False)
    assert len(r.trace) == 0 and r.coverage.calls("wasi:cli/stdout#get-stdout") == 1
