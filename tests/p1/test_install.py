"""wasi_notebook.p1.install: the generated wrapper of each function (result pointers checked
before anything happens, WasiError to its errno number, results packed, observation), called
directly and through real wasm guests written in WAT."""

from __future__ import annotations

import linecache
import struct
import traceback

import pytest
import wasmtime

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.hostcall import ProcExit
from wasi_notebook.p1.defs import Filetype, Oflags, Preopentype
from wasi_notebook.p1.describe import capture_for
from wasi_notebook.p1.fds import FILE_RIGHTS
from wasi_notebook.p1.install import boundary, core_types, install
from wasi_notebook.p1.signatures import SIGNATURES
from wasi_notebook.p1.structs import Fdstat, Filestat, Prestat
from wasi_notebook.session import Session
from wasi_notebook.trace import Observer, parse_fault

from .hostenv import MEM_SIZE, HostEnv

FAULT = int(Errno.FAULT)
FUNCTIONS = list(SIGNATURES)


def wrap(name: str, impl, observer=None):
    sig = SIGNATURES[name]
    return boundary(sig, impl, observer, capture_for(sig) if observer is not None else None)


def test_core_types() -> None:
    assert core_types(SIGNATURES["fd_seek"]) == ["i32", "s64", "i32", "i32"]
    assert core_types(SIGNATURES["path_open"]) == ["i32", "i32", "i32", "i32", "i32", "i64", "i64", "i32", "i32"]
    assert core_types(SIGNATURES["sched_yield"]) == []
    for sig in SIGNATURES.values():
        types = core_types(sig)
        assert [t.replace("s64", "i64") for t in types] == list(sig.core_params)


# -- results -----------------------------------------------------------------------------------

def test_results_are_packed_at_their_pointers() -> None:
    mem = memoryview(bytearray(256))
    assert wrap("fd_write", lambda m, fd, iovs, n: 0xABCD)(mem, 1, 0, 0, 8) == 0
    assert struct.unpack_from("<I", mem, 8)[0] == 0xABCD
    assert wrap("clock_time_get", lambda m, c, p: 2**64 - 1)(mem, 0, 0, 16) == 0
    assert struct.unpack_from("<Q", mem, 16)[0] == 2**64 - 1
    assert wrap("args_sizes_get", lambda m: (3, 17))(mem, 24, 28) == 0
    assert struct.unpack_from("<II", mem, 24) == (3, 17)
    assert wrap("fd_fdstat_get", lambda m, fd: (Filetype.DIRECTORY, 1, 2**40, 5))(mem, 3, 32) == 0
    assert Fdstat.unpack_from(mem, 32) == Fdstat(3, 1, 2**40, 5)
    stat = (1, 2, Filetype.REGULAR_FILE, 4, 5, 6, 7, 8)
    assert wrap("fd_filestat_get", lambda m, fd: stat)(mem, 3, 64) == 0
    assert Filestat.unpack_from(mem, 64) == Filestat(1, 2, 4, 4, 5, 6, 7, 8)
    assert wrap("fd_prestat_get", lambda m, fd: (Preopentype.DIR, 9))(mem, 3, 128) == 0
    assert Prestat.unpack_from(mem, 128) == Prestat(0, 9)
    assert wrap("sock_recv", lambda m, *a: (11, 1))(mem, 3, 0, 0, 0, 136, 140) == 0
    assert struct.unpack_from("<IH", mem, 136) == (11, 1)
    assert wrap("fd_close", lambda m, fd: None)(mem, 3) == 0


def test_wasi_error_becomes_its_number_and_nothing_is_written() -> None:
    mem = memoryview(bytearray(64))
    mem[8:12] = b"\xee" * 4

    def fails(m, fd, iovs, n):
        raise WasiError(Errno.NOSPC)

    result = wrap("fd_write", fails)(mem, 1, 0, 0, 8)
    assert result == 51 and isinstance(result, int)
    assert bytes(mem[8:12]) == b"\xee" * 4


def test_bad_result_pointer_is_fault_before_the_call() -> None:
    calls = []
    mem = memoryview(bytearray(64))
    write = wrap("fd_write", lambda *a: calls.append(a) or 1)
    assert write(mem, 1, 0, 0, 61) == FAULT  # 4 bytes at 61 reach past 64
    assert write(mem, 1, 0, 0, 2**32 - 1) == FAULT
    assert write(mem, 1, 0, 0, 60) == 0  # the last 4 bytes are fine
    sizes = wrap("args_sizes_get", lambda m: calls.append(m) or (1, 1))
    assert sizes(mem, 0, 64) == FAULT and sizes(mem, 64, 0) == FAULT
    assert wrap("fd_filestat_get", lambda m, fd: calls.append(fd))(mem, 3, 1) == FAULT  # 64 bytes from 1
    assert len(calls) == 1


def test_misaligned_result_pointer_is_fault_before_the_call() -> None:
    calls = []
    mem = memoryview(bytearray(128))
    assert wrap("fd_write", lambda *a: calls.append(a) or 1)(mem, 1, 0, 0, 6) == FAULT  # a u32 at 6
    assert wrap("clock_time_get", lambda *a: calls.append(a) or 1)(mem, 0, 0, 12) == FAULT  # a u64 at 12
    assert wrap("clock_time_get", lambda *a: calls.append(a) or 1)(mem, 0, 0, 16) == 0
    assert len(calls) == 1


def test_other_exceptions_pass_through() -> None:
    def buggy(m, fd):
        raise KeyError("bug")

    with pytest.raises(KeyError):
        wrap("fd_close", buggy)(bytearray(8), 3)
    with pytest.raises(ProcExit):
        wrap("proc_exit", lambda m, code: (_ for _ in ()).throw(ProcExit(code)))(bytearray(8), 4)


def test_generated_source_shows_in_tracebacks() -> None:
    def buggy(m, fd):
        raise RuntimeError("bug")

    call = wrap("fd_sync", buggy)
    assert call.__name__ == "fd_sync"
    try:
        call(bytearray(8), 3)
    except RuntimeError as e:
        frames = traceback.extract_tb(e.__traceback__)
    assert frames[1].filename == "<preview1 fd_sync>"
    assert "impl(mem, a0)" in frames[1].line
    assert linecache.getline("<preview1 fd_sync>", 1).startswith("def call(mem, a0)")


def test_path_open_with_a_bad_result_pointer_opens_and_creates_nothing() -> None:
    env = HostEnv()
    call = boundary(SIGNATURES["path_open"], env.host.path_open)
    ptr, length = env.put("new.txt")
    assert call(env.mem, 3, 0, ptr, length, int(Oflags.CREAT), FILE_RIGHTS, 0, 0, MEM_SIZE - 2) == FAULT
    assert not env.fs.path("/new.txt").exists()
    assert [fd for fd, _ in env.host.fds] == [0, 1, 2, 3]
    assert call(env.mem, 3, 0, ptr, length, int(Oflags.CREAT), FILE_RIGHTS, 0, 0, MEM_SIZE - 4) == 0
    assert env.u32(MEM_SIZE - 4) == 4 and env.fs.path("/new.txt").exists()


def test_fd_write_with_a_bad_result_pointer_writes_nothing() -> None:
    env = HostEnv()
    call = boundary(SIGNATURES["fd_write"], env.host.fd_write)
    iovs, count = env.ciovecs("lost")
    assert call(env.mem, 1, iovs, count, MEM_SIZE) == FAULT
    assert env.ctx.stdout.getvalue() == b""


# -- observation -------------------------------------------------------------------------------

def test_observed_calls_are_noted() -> None:
    env = HostEnv({"/a.txt": "x"})
    observer = Observer(FUNCTIONS)
    open_ = wrap("path_open", env.host.path_open, observer)
    close = wrap("fd_close", env.host.fd_close, observer)
    ptr, length = env.put("a.txt")
    out = env.alloc(4)
    assert open_(env.mem, 3, 1, ptr, length, 0, FILE_RIGHTS, 0, 0, out) == 0
    assert close(env.mem, env.u32(out)) == 0
    assert close(env.mem, 99) == 8
    assert open_(env.mem, 3, 1, ptr, length, 0, FILE_RIGHTS, 0, 0, MEM_SIZE) == FAULT
    trace = observer.trace()
    assert [(r.function, r.errno) for r in trace] == [("path_open", Errno.SUCCESS), ("fd_close", Errno.SUCCESS),
                                                     ("fd_close", Errno.BADF), ("path_open", Errno.FAULT)]
    trace = observer.trace()
    assert trace.captured(0) == ("a.txt",)  # the path, captured at call time
    assert trace.captured(3) == ("a.txt",)
    assert [fd for fd, _ in env.host.fds] == [0, 1, 2, 3]  # the FAULT opened nothing


def test_injected_faults_do_not_run_the_call() -> None:
    env = HostEnv()
    observer = Observer(FUNCTIONS, faults=[parse_fault("fd_write[fd=1]@2=IO")])
    write = wrap("fd_write", env.host.fd_write, observer)
    out = env.alloc(4)
    results = [write(env.mem, 1, *env.ciovecs(text), out) for text in ("a", "b", "c")]
    assert results == [0, int(Errno.IO), 0]
    assert write(env.mem, 2, *env.ciovecs("e"), out) == 0
    assert env.ctx.stdout.getvalue() == b"ac"
    assert [(r.errno, r.injected) for r in observer.trace()][1] == (Errno.IO, True)


def test_an_exception_is_noted_then_raised() -> None:
    observer = Observer(FUNCTIONS)
    with pytest.raises(ProcExit):
        wrap("proc_exit", lambda m, code: (_ for _ in ()).throw(ProcExit(code)), observer)(bytearray(8), 5)
    (record,) = observer.trace()
    assert record.function == "proc_exit" and record.errno is None and record.raised == "exit 5"


def test_install_defines_all_46() -> None:
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    install(linker, HostEnv().host)
    imports = "\n".join(
        f'(import "wasi_snapshot_preview1" "{s.name}" (func (param {" ".join(s.core_params)}) '
        f'(result {" ".join(s.core_results)})))'.replace("(param )", "").replace("(result )", "")
        for s in SIGNATURES.values())
    module = wasmtime.Module(engine, wasmtime.wat2wasm(f'(module {imports} (memory (export "memory") 1))'))
    linker.instantiate(wasmtime.Store(engine), module)  # every import found, with its type


# -- through real wasm -------------------------------------------------------------------------

IMPORTS = """
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; a ciovec at 8 over "hi\\n" at 16; the path "new.txt" at 32
  (data (i32.const 8) "\\10\\00\\00\\00\\03\\00\\00\\00")
  (data (i32.const 16) "hi\\n")
  (data (i32.const 32) "new.txt")
"""


def guest(body: str) -> str:
    return f'(module {IMPORTS} (func (export "_start") {body}))'


def open_new(oflags: int, fd_ptr: str) -> str:
    return (f"(call $path_open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 7) (i32.const {oflags}) "
            f"(i64.const {FILE_RIGHTS}) (i64.const 0) (i32.const 0) {fd_ptr})")


@pytest.fixture(scope="module")
def session() -> Session:
    return Session()


def test_wasm_write_succeeds(session: Session) -> None:
    result = session.run(guest("""
        (call $proc_exit (i32.add (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 65532))
                                  (i32.load (i32.const 65532))))"""))
    assert result.exit_code == 3 and result.stdout == b"hi\n"  # errno 0 + 3 bytes written
    assert result.trace[0].function == "fd_write" and result.trace[0].result == 3


def test_wasm_write_with_result_pointer_past_the_end_gets_fault(session: Session) -> None:
    result = session.run(guest(
        "(call $proc_exit (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 65533)))"))
    assert result.exit_code == FAULT == 21
    assert result.stdout == b""
    assert [(r.function, r.errno) for r in result.trace] == [("fd_write", Errno.FAULT), ("proc_exit", None)]
    assert result.coverage.errors("fd_write") == {"FAULT": 1}


def test_wasm_path_open_with_a_bad_result_pointer_leaves_no_trace_in_the_memfs() -> None:
    session = Session()
    result = session.run(guest(f"""
        (if (i32.ne {open_new(int(Oflags.CREAT), "(i32.const 65535)")} (i32.const 21))
          (then (call $proc_exit (i32.const 1))))
        ;; fd 4 would be the one path_open made: it must not be open
        (call $proc_exit (call $fd_close (i32.const 4)))"""))
    assert result.exit_code == int(Errno.BADF)
    assert not session.fs.path("/new.txt").exists()
    assert len(result.diff) == 0


def test_wasm_signed_offset_and_fd_result() -> None:
    session = Session()
    result = session.run(guest(f"""
        (drop {open_new(int(Oflags.CREAT), "(i32.const 64)")})
        (drop (call $fd_write (i32.load (i32.const 64)) (i32.const 8) (i32.const 1) (i32.const 72)))
        (drop (call $fd_seek (i32.load (i32.const 64)) (i64.const -1) (i32.const 2) (i32.const 80)))
        (call $proc_exit (i32.wrap_i64 (i64.load (i32.const 80))))"""))
    assert result.exit_code == 2  # 3 bytes, then 1 back from the end
    assert session.fs.path("/new.txt").read_bytes() == b"hi\n"
    assert result.trace[0].result == "fd 4"
    assert result.trace[2].args["offset"] == -1 and result.trace[2].args["whence"] == "END"


def test_wasm_errno_numbers(session: Session) -> None:
    result = session.run(guest(f"(call $proc_exit {open_new(1 << 4, '(i32.const 0)')})"))
    assert result.exit_code == int(Errno.INVAL)
    result = session.run(guest("(call $proc_exit (call $fd_close (i32.const 9)))"))
    assert result.exit_code == int(Errno.BADF)


def test_wasm_struct_result(session: Session) -> None:
    result = session.run(guest("""
        (drop (call $fd_fdstat_get (i32.const 3) (i32.const 64)))
        (call $proc_exit (i32.load8_u (i32.const 64)))"""))
    assert result.exit_code == Filetype.DIRECTORY
    assert result.trace[0].result["filetype"] == "DIRECTORY"


def test_wasm_injected_fault(session: Session) -> None:
    result = session.run(guest(
        "(call $proc_exit (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 0)))"),
        faults=["fd_write[fd=1]=IO"])
    assert result.exit_code == int(Errno.IO) and result.stdout == b""
    assert result.trace[0].injected
