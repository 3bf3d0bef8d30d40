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


# --------------------------------------------------------------------------- preview2 components
# The same guests made into command components by jco's preview1 adapter, on wasmtime's built-in
# preview2 (component.Linker.add_wasip2) over the same folders.


@pytest.fixture(scope="module")
def component():
    """``component(name_or_wat)``: the command component of a bundled guest or of WAT text."""
    import wasmtime

    from .p2.toolchain import componentize

    made: dict[str, bytes] = {}

    def make(source: str) -> bytes:
        if source not in made:
            module = guests.path(source).read_bytes() if not source.lstrip().startswith("(") else bytes(
                wasmtime.wat2wasm(source))
            made[source] = componentize(module)
        return made[source]
    return make


def _load(session, component, source, name):
    return session.load(component(source), name=name, backend="native")


def test_component_output_args_and_exit_code(session, component):
    result = session.run(_load(session, component, watguests.PRINT_ARGS, "show"), ["x y", ""], backend="native")
    assert result.stdout == b"show\0x y\0\0" and result.exit_code == 0 and result.backend == "native"
    assert result.coverage.interface == "preview2" and len(result.trace) == 0
    # The adapter ends a nonzero proc_exit with exit(err): exit code 1, on every preview2 host.
    assert session.run(_load(session, component, watguests.EXIT_7, "exit7"), backend="native").exit_code == 1
    cat = _load(session, component, "cat", "cat")
    missing = session.run(cat, ["d/a.txt", "nope"], backend="native")
    assert (missing.stdout, missing.stderr, missing.exit_code) == (
        b"alpha\n", b"cat: nope: No such file or directory\n", 1)


def test_component_stdin_and_env(session, component):
    echo = _load(session, component, "echo_stdin", "echo_stdin")
    assert session.run(echo, stdin="hi\nthere\n", backend="native").stdout == b"hi\nthere\n"
    env = _load(session, component, watguests.PRINT_ENV, "env")
    assert session.run(env, env={"K": "v", "E": ""}, backend="native").stdout == b"K=v\0E=\0"
    assert session.run(env, backend="native").stdout == b""  # exactly the pairs given, none inherited


def test_component_changes_are_read_back_into_the_memfs(session, component):
    cp, rm = _load(session, component, "cp", "cp"), _load(session, component, "rm", "rm")
    result = session.run(cp, ["d/a.txt", "d/b.txt"], backend="native")
    assert result.exit_code == 0 and session.fs.path("/d/b.txt").read_text() == "alpha\n"
    assert [(c.kind, c.path) for c in result.diff] == [("created", "/d/b.txt")]
    result = session.run(rm, ["d/a.txt"], backend="native")
    assert not session.fs.path("/d/a.txt").exists() and [(c.kind, c.path) for c in result.diff] == [
        ("deleted", "/d/a.txt")]
    session.fs.path("/box").mkdir()
    session.run(cp, ["/w/b.txt", "/w/c.txt"], preopens={"/w": "/d", "/": "/box"}, backend="native")
    assert session.fs.path("/d/c.txt").read_text() == "alpha\n" and not list(session.fs.path("/box").iterdir())


def test_component_unchanged_files_stay_unchanged(session, component):
    before = session.fs.path("/d/a.txt").stat()
    result = session.run(_load(session, component, "cat", "cat"), ["d/a.txt"], backend="native")
    assert result.stdout == b"alpha\n" and not result.diff
    after = session.fs.path("/d/a.txt").stat()
    assert (after.ino, after.mtime) == (before.ino, before.mtime)


def test_component_trap_with_message_and_backtrace(session, component):
    result = session.run(_load(session, component, watguests.TRAP, "trap"), backend="native")
    assert result.exit_code is None and result.status == 134
    assert "unreachable" in result.trap
    assert all(line.startswith("  guest!") for line in result.backtrace.splitlines())
    assert "guest!inner at offset 0x" in result.backtrace and "guest!outer" in result.backtrace


def test_component_fuel_timeout_and_interrupt(session, component):
    import threading

    spin = _load(session, component, watguests.SPIN, "spin")
    assert session.run(spin, fuel=10_000, backend="native").trap == "ran out of fuel"
    timed = session.run(spin, timeout=0.2, backend="native")
    assert timed.trap == "timed out after 0.2 s" and timed.duration_s < 5
    threading.Timer(0.3, session.interrupt).start()
    assert session.run(spin, backend="native").interrupted


def test_component_max_memory(session, component):
    grow = _load(session, component, watguests.GROW, "grow")
    assert session.run(grow, backend="native").exit_code == 0
    assert session.run(grow, max_memory=4 << 20, backend="native").trap is not None


def test_component_what_only_our_host_can_do_is_refused(session, component):
    cat = _load(session, component, "cat", "cat")
    for kwargs in ({"faults": ["fd_read=IO"]}, {"deterministic": True}):
        with pytest.raises(ValueError, match="backend='memfs'"):
            session.run(cat, backend="native", **kwargs)
    with pytest.raises(ValueError, match="backend='native'"):
        session.run(cat, backend="wasmtime")


def test_run_native_can_be_called_directly(session, component):
    """What a benchmark calls to time wasmtime's preview2 against ours on the same Session."""
    from wasi_notebook.native import run_native

    cat = _load(session, component, "cat", "cat")
    result = run_native(session, cat, ["/d/a.txt"])
    assert result.stdout == b"alpha\n" and result.backend == "native" and result.duration_s > 0
    ours = session.run(cat, ["/d/a.txt"])
    assert ours.stdout == result.stdout and ours.backend == "memfs"


def test_command_line_runs_a_component_natively(tmp_path, component):
    import subprocess
    import sys

    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("alpha\n")
    wasm = tmp_path / "cp.wasm"
    wasm.write_bytes(component("cp"))
    done = subprocess.run([sys.executable, "-m", "wasi_notebook.cli", "run", "--backend", "native",
                           "--dir", f"{work}::/w", str(wasm), "/w/a.txt", "/w/b.txt"], capture_output=True)
    assert done.returncode == 0, done.stderr
    assert (work / "b.txt").read_text() == "alpha\n"
    trap = tmp_path / "trap.wasm"
    trap.write_bytes(component(watguests.TRAP))
    done = subprocess.run([sys.executable, "-m", "wasi_notebook.cli", "run", "--backend", "native", str(trap)],
                          capture_output=True)
    assert done.returncode == 134 and b"trapped: wasm `unreachable`" in done.stderr
