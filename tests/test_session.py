"""Session: loading (kinds, cache, errors) and running (results, limits, streams, persistence)."""

import threading

import pytest

from wasi_notebook import LoadError, MemFs, Session, guests
from wasi_notebook.stdio import InputSource

from . import watguests


@pytest.fixture
def session():
    return Session()


class TestLoad:
    def test_a_bundled_guest(self, session):
        cat = session.load(guests.path("cat"))
        assert (cat.name, cat.kind) == ("cat.wasm", "module")
        assert cat.size == guests.path("cat").stat().st_size
        assert "fd_read" in cat.wasi_imports and "path_open" in cat.wasi_imports
        assert ("_start", "func") in cat.exports
        assert "imports 11 of 46 preview1 functions" in cat.describe()

    def test_bytes_and_wat_text_and_wat_files(self, session, tmp_path):
        assert session.load(guests.path("cat").read_bytes()).name == "guest.wasm"
        assert session.load(watguests.EXIT_7).name == "guest.wat"
        (tmp_path / "seven.wat").write_text(watguests.EXIT_7)
        assert session.load(tmp_path / "seven.wat").name == "seven.wat"

    def test_compiled_once_per_content(self, session):
        a = session.load(guests.path("cat"))
        b = session.load(guests.path("cat").read_bytes(), name="again")
        assert a.module is b.module and b.name == "again"

    @pytest.mark.parametrize("source, message", [
        (b"hello world", "is not a WebAssembly module: it starts with b'hello wo'"),
        (b"\0asm\x0d\x00\x01\x00", "is a preview2 component"),
        (b"\0asm\x01\x00\x00\x00\xff", "is not valid WebAssembly"),
        ("(module (func $x (i32.add)))", "is not valid WebAssembly"),
        ("(module (oops", "does not assemble"),
        (watguests.FOREIGN_IMPORT, "imports env.magic (func), which wasi-notebook does not provide"),
    ])
    def test_errors_say_what_is_wrong(self, session, source, message):
        with pytest.raises(LoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
            session.load(source)

    def test_missing_file_and_folder(self, session, tmp_path):
        with pytest.raises(LoadError, match="no such file"):
            session.load(tmp_path / "nope.wasm")
        with pytest.raises(LoadError, match="is a folder"):
            session.load(tmp_path)


class TestRun:
    def test_output_exit_code_and_argv0(self, session):
        result = session.run(watguests.PRINT_ARGS, ["one", "two words"])
        assert result.stdout == b"guest.wat\0one\0two words\0"
        assert result.exit_code == 0 and result.ok and result.status == 0
        assert session.run(watguests.EXIT_7).exit_code == 7

    def test_environment_is_exactly_what_is_given(self, session):
        assert session.run(watguests.PRINT_ENV, env={"A": "1", "B": "x=y"}).stdout == b"A=1\0B=x=y\0"
        assert session.run(watguests.PRINT_ENV).stdout == b""

    def test_trap_keeps_trace_and_gives_a_backtrace(self, session):
        result = session.run(watguests.TRAP)
        assert result.exit_code is None and result.status == 134
        assert "unreachable" in result.trap
        assert result.backtrace.count("\n") >= 2  # inner, outer, _start

    def test_fuel_and_timeout_stop_a_spinning_guest(self, session):
        out = session.run(watguests.SPIN, fuel=100_000)
        assert out.exit_code is None and out.trap == "ran out of fuel"
        timed = session.run(watguests.SPIN, timeout=0.2)
        assert timed.trap == "timed out after 0.2 s" and timed.duration_s < 5

    def test_a_stopped_guest_leaves_its_files_and_its_trace(self, session):
        for limits in ({"timeout": 0.2}, {"fuel": 200_000}):
            result = session.run(watguests.WRITE_THEN_SPIN, **limits)
            assert result.exit_code is None and result.trap
            assert session.fs.path("/left.txt").read_text() == "kept"
            assert [c.function for c in result.trace] == ["path_open", "fd_write"]
            session.fs.path("/left.txt").unlink()

    def test_interrupt_stops_a_spinning_guest_and_keeps_files_and_trace(self, session):
        timer = threading.Timer(0.2, session.interrupt)
        timer.start()
        result = session.run(watguests.WRITE_THEN_SPIN)
        timer.join()
        assert result.exit_code is None and result.trap == "interrupted" and result.interrupted
        assert result.duration_s < 5
        assert session.fs.path("/left.txt").read_text() == "kept"
        assert [c.function for c in result.trace] == ["path_open", "fd_write"]

    def test_interrupt_wins_over_a_timeout_and_spares_later_runs(self, session):
        timer = threading.Timer(0.1, session.interrupt)
        timer.start()
        assert session.run(watguests.SPIN, timeout=30).trap == "interrupted"
        timer.join()
        session.interrupt()  # no run in progress: nothing to stop, and nothing left pending
        assert session.run(watguests.EXIT_7).exit_code == 7
        timed = session.run(watguests.SPIN, timeout=0.1)
        assert timed.trap == "timed out after 0.1 s" and not timed.interrupted

    def test_memory_cap(self, session):
        assert session.run(watguests.GROW).exit_code == 0
        capped = session.run(watguests.GROW, max_memory=1 << 20)
        assert capped.exit_code is None and "unreachable" in capped.trap

    def test_memfs_persists_between_runs_and_diff_is_per_run(self, session):
        session.fs.path("/a.txt").write_text("alpha")
        first = session.run(guests.path("cp"), ["a.txt", "b.txt"])
        assert [c.path for c in first.diff.created] == ["/b.txt"]
        second = session.run(guests.path("rm"), ["a.txt"])
        assert [c.path for c in second.diff.deleted] == ["/a.txt"]
        assert session.fs.path("/b.txt").read_text() == "alpha"

    def test_preopens_confine_the_guest(self, session):
        session.fs.path("/box").mkdir()
        session.fs.path("/secret.txt").write_text("no")
        result = session.run(guests.path("cat"), ["../secret.txt"], preopens={".": "/box"})
        assert result.exit_code == 1 and b"secret" in result.stderr
        assert b"no" not in result.stdout

    def test_stdin_bytes_text_and_a_callback_asked_for_more(self, session):
        echo = guests.path("echo_stdin")
        assert session.run(echo, stdin="text\n").stdout == b"text\n"
        lines = iter([b"first\n", b"second\n", b""])
        result = session.run(echo, stdin=InputSource(b"zero\n", more=lambda: next(lines)))
        assert result.stdout == b"zero\nfirst\nsecond\n"

    def test_output_streams_while_the_guest_runs(self, session):
        seen = []
        result = session.run(watguests.PRINT_ARGS, ["x"], on_stdout=seen.append)
        assert b"".join(seen) == result.stdout and seen

    def test_deterministic_runs_repeat_exactly(self, session):
        clock = guests.path("clock_random")
        a = session.run(clock, deterministic=True)
        b = session.run(clock, deterministic=True)
        c = session.run(clock, deterministic=True, seed=1)
        assert a.stdout == b.stdout and a.stdout != c.stdout
        assert [r.text() for r in a.trace] == [r.text() for r in b.trace]

    def test_trace_and_coverage(self, session):
        session.fs.path("/f").write_text("x")
        result = session.run(guests.path("cat"), ["f", "missing"])
        assert result.coverage.calls("path_open") == 2
        assert result.coverage.errors("path_open") == {"NOENT": 1}
        assert result.coverage.status("fd_readdir") == "not imported"
        [write] = result.trace.filter("fd_write", path=None)[:1]
        assert write.args["fd"] == 1 and write.args["data"] == '"x" (1 bytes)'
        assert result.trace.filter(errno="NOENT")[0].args["path"] == '"missing"'

    def test_trace_off_still_counts(self, session):
        result = session.run(guests.path("echo_stdin"), stdin="abc", trace=False)
        assert len(result.trace) == 0 and result.coverage.calls("fd_read") >= 1

    def test_faults_are_injected_and_marked(self, session):
        session.fs.path("/app.cfg").write_text("x")
        result = session.run(guests.path("cat"), ["app.cfg"], faults=["path_open[*.cfg]=ACCES"])
        assert result.exit_code == 1 and b"Permission denied" in result.stderr
        [call] = result.trace.filter("path_open")
        assert call.injected and call.errno.label == "ACCES"

    def test_bad_settings_are_value_errors(self, session):
        with pytest.raises(ValueError, match="bad fault"):
            session.run(watguests.EXIT_7, faults=["nonsense"])
        with pytest.raises(ValueError, match="unknown backend"):
            session.run(watguests.EXIT_7, backend="quantum")
        with pytest.raises(ValueError, match="NUL"):
            session.run(watguests.EXIT_7, ["a\0b"])
        with pytest.raises(LoadError, match="no _start"):
            session.run(watguests.NO_START)

    def test_a_missing_preopen_is_a_clear_error(self, session):
        from wasi_notebook.errors import WasiError

        with pytest.raises(WasiError, match="NOENT"):
            session.run(watguests.EXIT_7, preopens={"/data": "/nowhere"})

    def test_handles_are_closed_after_the_run(self, session):
        session.fs.path("/f").write_text("x")
        session.run(guests.path("cat"), ["f"])
        assert session.fs.lookup(session.fs.root_dir, "f").opens == 0
        assert session.fs.root_dir.opens == 0

    def test_sessions_share_nothing(self):
        a, b = Session(), Session(MemFs())
        a.fs.path("/only-a").write_text("")
        assert not b.fs.path("/only-a").exists()

    def test_repr(self, session):
        result = session.run(watguests.EXIT_7)
        assert repr(result).startswith("<RunResult guest.wat exit 7,")


def test_runs_in_threads_do_not_mix():
    results = {}

    def work(n):
        s = Session()
        results[n] = s.run(watguests.PRINT_ARGS, [str(n)]).stdout

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n: f"guest.wat\0{n}\0".encode() for n in range(4)}
