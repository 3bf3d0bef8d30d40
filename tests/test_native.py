"""The native backend: wasmtime's built-in WASI over folders made from the MemFs and read back."""

import pytest

from wasi_notebook import Session, guests

from . import watguests


@pytest.fixture
def session():
    s = Session()
    s.fs.path("/d").mkdir()
    s.fs.path("/d/a.txt").write_text("alpha\n")
    return s


def test_output_exit_code_and_args(session):
    result = session.run(watguests.PRINT_ARGS, ["x y"], backend="native")
    assert result.stdout == b"guest.wat\0x y\0" and result.exit_code == 0 and result.backend == "native"
    assert session.run(watguests.EXIT_7, backend="native").exit_code == 7


def test_changes_are_read_back_into_the_memfs(session):
    result = session.run(guests.path("cp"), ["d/a.txt", "d/b.txt"], backend="native")
    assert session.fs.path("/d/b.txt").read_text() == "alpha\n"
    assert [(c.kind, c.path) for c in result.diff] == [("created", "/d/b.txt")]
    session.run(guests.path("rm"), ["d/a.txt"], backend="native")
    assert not session.fs.path("/d/a.txt").exists()


def test_unchanged_files_stay_unchanged(session):
    before = session.fs.path("/d/a.txt").stat()
    result = session.run(guests.path("cat"), ["d/a.txt"], backend="native")
    assert result.stdout == b"alpha\n" and not result.diff
    after = session.fs.path("/d/a.txt").stat()
    assert (after.ino, after.mtime) == (before.ino, before.mtime)


def test_stdin_and_env(session):
    assert session.run(guests.path("echo_stdin"), stdin="hi\n", backend="native").stdout == b"hi\n"
    assert session.run(watguests.PRINT_ENV, env={"K": "v"}, backend="native").stdout == b"K=v\0"


def test_traps_and_limits(session):
    assert "unreachable" in session.run(watguests.TRAP, backend="native").trap
    assert session.run(watguests.SPIN, fuel=10_000, backend="native").trap == "ran out of fuel"


def test_no_trace_but_imports_known(session):
    result = session.run(guests.path("cat"), ["d/a.txt"], backend="native")
    assert len(result.trace) == 0
    assert "fd_read" in result.coverage.imported and result.coverage.calls("fd_read") == 0


def test_what_only_our_host_can_do_is_refused(session):
    for kwargs in ({"faults": ["fd_read=IO"]}, {"deterministic": True}):
        with pytest.raises(ValueError, match="backend='memfs'"):
            session.run(guests.path("cat"), backend="native", **kwargs)


def test_interrupt_stops_a_native_run_too(session):
    import threading

    threading.Timer(0.3, session.interrupt).start()
    result = session.run(watguests.SPIN, backend="native")
    assert result.trap == "interrupted" and result.duration_s < 5
