"""wasi_notebook.p1.fdcalls: the 21 ``fd_*`` calls, called directly on a host over a MemFs.

Each test places its arguments in guest memory, calls the method as the installed wrapper
would, and checks the results, the errno (WasiError) and the MemFs afterwards.
"""

from __future__ import annotations

import struct

import pytest

from wasi_notebook.errors import Errno
from wasi_notebook.memfs import MemFs
from wasi_notebook.p1.defs import Advice, Fdflags, Filetype, Fstflags, Oflags, Preopentype, Rights, Whence
from wasi_notebook.p1.fds import DIR_RIGHTS, FILE_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS
from wasi_notebook.p1.structs import Dirent

from .hostenv import MEM_SIZE, PREOPEN_FD, RO, HostEnv, errno_of

HELLO = b"hello world"


@pytest.fixture
def env() -> HostEnv:
    return HostEnv({"/hello.txt": HELLO, "/adir": None, "/adir/x": "x"}, stdin=b"stdin data\n")


def rights_without(*names: str) -> int:
    value = FILE_RIGHTS
    for name in names:
        value &= ~Rights[name]
    return int(value)


# -- fd_write ----------------------------------------------------------------------------------

def test_write_to_stdout_and_stderr(env: HostEnv) -> None:
    assert env.write(1, "out") == 3
    assert env.write(2, "err", "!", "") == 4
    assert env.ctx.stdout.getvalue() == b"out"
    assert env.ctx.stderr.getvalue() == b"err!"


def test_write_to_a_file_moves_the_position(env: HostEnv) -> None:
    fd = env.create("new.txt")
    assert env.write(fd, "abc") == 3
    assert env.write(fd, "de", "", "f") == 3
    assert env.content("/new.txt") == b"abcdef"
    assert env.host.fd_tell(env.mem, fd) == 6


def test_write_needs_fd_write(env: HostEnv) -> None:
    fd = env.open("hello.txt", rights=RO)
    assert errno_of(env.write, fd, "x") is Errno.NOTCAPABLE
    # what the kind of descriptor can never do is BADF, as on Linux: only a right that was
    # dropped is NOTCAPABLE
    assert errno_of(env.write, 0, "x") is Errno.BADF  # stdin
    assert errno_of(env.write, PREOPEN_FD, "x") is Errno.BADF  # a directory
    assert errno_of(env.write, 42, "x") is Errno.BADF
    assert env.content("/hello.txt") == HELLO


def test_write_with_bad_pointers_faults_and_writes_nothing(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    ok, ok_len = env.put("good")
    for pairs in ([(MEM_SIZE - 2, 4)], [(ok, ok_len), (MEM_SIZE - 2, 4)], [(ok, ok_len), (1 << 32 - 1, 8)]):
        iovs = env.alloc(8 * len(pairs))
        for i, pair in enumerate(pairs):
            struct.pack_into("<II", mem, iovs + 8 * i, *pair)
        assert errno_of(host.fd_write, mem, 1, iovs, len(pairs)) is Errno.FAULT
    assert errno_of(host.fd_write, mem, 1, MEM_SIZE - 4, 1) is Errno.FAULT  # the array itself
    assert errno_of(host.fd_write, mem, 1, MEM_SIZE - 8, 2) is Errno.FAULT
    assert env.ctx.stdout.getvalue() == b""


def test_write_misaligned_iovec_array_faults_whatever_its_length(env: HostEnv) -> None:
    data, length = env.put("data")
    iovs = env.alloc(24) + 2
    struct.pack_into("<IIII", env.mem, iovs, data, length, data, length)
    assert errno_of(env.host.fd_write, env.mem, 1, iovs, 1) is Errno.FAULT
    assert errno_of(env.host.fd_write, env.mem, 1, iovs, 2) is Errno.FAULT
    assert env.ctx.stdout.getvalue() == b""


def test_write_empty_buffers_are_not_looked_at(env: HostEnv) -> None:
    iovs = env.alloc(16)
    struct.pack_into("<IIII", env.mem, iovs, MEM_SIZE + 100, 0, MEM_SIZE + 100, 0)
    assert env.host.fd_write(env.mem, 1, iovs, 1) == 0
    assert env.host.fd_write(env.mem, 1, iovs, 2) == 0
    assert env.host.fd_write(env.mem, 1, iovs, 0) == 0


def test_write_past_the_quota_is_short_then_nospc() -> None:
    env = HostEnv(fs=MemFs(max_bytes=10))
    fd = env.create("f")
    assert env.write(fd, "12345678") == 8
    assert env.write(fd, "abc", "def") == 2  # what fits, then a short count
    assert errno_of(env.write, fd, "x") is Errno.NOSPC
    assert env.content("/f") == b"12345678ab"


def test_write_appends_with_append_flag(env: HostEnv) -> None:
    fd = env.open("hello.txt", fdflags=Fdflags.APPEND)
    env.host.fd_seek(env.mem, fd, 0, Whence.SET)
    env.write(fd, "!")
    assert env.content("/hello.txt") == HELLO + b"!"
    assert env.host.fd_fdstat_get(env.mem, fd)[1] == Fdflags.APPEND


# -- fd_read -----------------------------------------------------------------------------------

def test_read_stdin_until_the_end(env: HostEnv) -> None:
    assert env.read_fd(0, 5) == b"stdin"
    assert env.read_fd(0, 100) == b" data\n"
    assert env.read_fd(0, 100) == b""


def test_read_scatters_over_iovecs(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    iovs, count, (a, b, c) = env.iovecs(3, 0, 5)
    assert env.host.fd_read(env.mem, fd, iovs, count) == 8
    assert (env.read(a, 3), env.read(c, 5)) == (b"hel", b"lo wo")
    iovs, count, (a, b) = env.iovecs(2, 10)
    assert env.host.fd_read(env.mem, fd, iovs, count) == 3  # a short read ends at the end of file
    assert env.read(a, 2) + env.read(b, 1) == b"rld"
    assert env.read_fd(fd, 10) == b""


def test_read_needs_fd_read(env: HostEnv) -> None:
    fd = env.open("hello.txt", rights=rights_without("FD_READ"))
    assert errno_of(env.read_fd, fd, 4) is Errno.NOTCAPABLE
    assert errno_of(env.read_fd, 1, 4) is Errno.BADF  # stdout can never be read
    assert errno_of(env.read_fd, PREOPEN_FD, 4) is Errno.BADF  # nor can a directory
    assert errno_of(env.read_fd, 99, 4) is Errno.BADF


def test_a_directory_opened_with_fd_read_is_still_not_read(env: HostEnv) -> None:
    dirfd = env.open("adir", Oflags.DIRECTORY, rights=int(Rights.ALL & ~Rights.FD_WRITE))
    assert env.host.fd_fdstat_get(env.mem, dirfd)[2] & Rights.FD_READ  # it holds the right...
    iovs, count, _ = env.iovecs(4)
    assert errno_of(env.host.fd_read, env.mem, dirfd, iovs, count) is Errno.BADF  # ...but can never use it
    assert errno_of(env.host.fd_pread, env.mem, dirfd, iovs, count, 0) is Errno.BADF
    assert errno_of(env.host.fd_tell, env.mem, dirfd) is Errno.BADF
    assert errno_of(env.host.fd_seek, env.mem, dirfd, 0, Whence.CUR) is Errno.BADF


def test_read_with_a_bad_buffer_faults_and_consumes_nothing(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    good = env.alloc(4)
    iovs = env.alloc(16)
    struct.pack_into("<IIII", env.mem, iovs, good, 4, MEM_SIZE - 1, 4)
    assert errno_of(env.host.fd_read, env.mem, fd, iovs, 2) is Errno.FAULT
    assert errno_of(env.host.fd_read, env.mem, 0, iovs, 2) is Errno.FAULT
    assert env.host.fd_tell(env.mem, fd) == 0
    assert env.read(good, 4) == b"\0\0\0\0"
    assert env.read_fd(0, 5) == b"stdin"  # stdin kept its bytes
    assert errno_of(env.host.fd_read, env.mem, fd, MEM_SIZE - 4, 1) is Errno.FAULT


def test_read_empty_buffers_are_not_looked_at(env: HostEnv) -> None:
    iovs = env.alloc(8)
    struct.pack_into("<II", env.mem, iovs, MEM_SIZE + 4, 0)
    assert env.host.fd_read(env.mem, 0, iovs, 1) == 0
    assert env.host.fd_pread(env.mem, env.open("hello.txt"), iovs, 1, 0) == 0
    assert env.read_fd(0, 5) == b"stdin"


# -- fd_pread, fd_pwrite -----------------------------------------------------------------------

def test_pread_leaves_the_position(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    iovs, count, (a, b) = env.iovecs(2, 3)
    assert env.host.fd_pread(env.mem, fd, iovs, count, 6) == 5
    assert env.read(a, 2) + env.read(b, 3) == b"world"
    assert env.host.fd_pread(env.mem, fd, iovs, count, 100) == 0
    assert env.host.fd_tell(env.mem, fd) == 0


def test_pwrite_leaves_the_position_and_fills_holes(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    iovs, count = env.ciovecs("J", "", "ELLO")
    assert env.host.fd_pwrite(env.mem, fd, iovs, count, 0) == 5
    iovs, count = env.ciovecs("!")
    assert env.host.fd_pwrite(env.mem, fd, iovs, count, 13) == 1
    assert env.content("/hello.txt") == b"JELLO world\0\0!"
    assert env.host.fd_tell(env.mem, fd) == 0


def test_pwrite_on_an_append_descriptor_writes_at_the_end(env: HostEnv) -> None:
    fd = env.open("hello.txt", fdflags=Fdflags.APPEND)
    iovs, count = env.ciovecs("P", "Q")
    assert env.host.fd_pwrite(env.mem, fd, iovs, count, 0) == 2  # as Linux (and wasmtime) do
    assert env.content("/hello.txt") == HELLO + b"PQ"
    assert env.host.fd_tell(env.mem, fd) == 0
    env.host.fd_fdstat_set_flags(env.mem, fd, 0)  # without APPEND: at the offset again
    assert env.host.fd_pwrite(env.mem, fd, iovs, count, 0) == 2
    assert env.content("/hello.txt") == b"PQllo world" + b"PQ"


def test_positioned_io_on_streams_is_spipe(env: HostEnv) -> None:
    iovs, count, _ = env.iovecs(4)
    assert errno_of(env.host.fd_pread, env.mem, 0, iovs, count, 0) is Errno.SPIPE
    ciovs, ccount = env.ciovecs("x")
    assert errno_of(env.host.fd_pwrite, env.mem, 1, ciovs, ccount, 0) is Errno.SPIPE
    assert env.ctx.stdout.getvalue() == b"" and env.read_fd(0, 5) == b"stdin"


def test_positioned_io_needs_seek_and_data_rights(env: HostEnv) -> None:
    iovs, count, _ = env.iovecs(4)
    ciovs, ccount = env.ciovecs("x")
    no_seek = env.open("hello.txt", rights=rights_without("FD_SEEK"))
    assert errno_of(env.host.fd_pread, env.mem, no_seek, iovs, count, 0) is Errno.NOTCAPABLE
    assert errno_of(env.host.fd_pwrite, env.mem, no_seek, ciovs, ccount, 0) is Errno.NOTCAPABLE
    read_only = env.open("hello.txt", rights=RO)
    assert errno_of(env.host.fd_pwrite, env.mem, read_only, ciovs, ccount, 0) is Errno.NOTCAPABLE
    assert errno_of(env.host.fd_pread, env.mem, PREOPEN_FD, iovs, count, 0) is Errno.BADF
    assert errno_of(env.host.fd_pread, env.mem, 77, iovs, count, 0) is Errno.BADF
    assert env.content("/hello.txt") == HELLO


def test_pwrite_with_a_bad_buffer_writes_nothing(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    good, _ = env.put("ABC")
    iovs = env.alloc(16)
    struct.pack_into("<IIII", env.mem, iovs, good, 3, MEM_SIZE, 1)
    assert errno_of(env.host.fd_pwrite, env.mem, fd, iovs, 2, 0) is Errno.FAULT
    assert env.content("/hello.txt") == HELLO


# -- fd_seek, fd_tell --------------------------------------------------------------------------

def test_seek_and_tell(env: HostEnv) -> None:
    fd, mem, host = env.open("hello.txt"), env.mem, env.host
    assert host.fd_seek(mem, fd, 6, Whence.SET) == 6
    assert host.fd_seek(mem, fd, -2, Whence.CUR) == 4
    assert host.fd_seek(mem, fd, -5, Whence.END) == 6
    assert host.fd_tell(mem, fd) == 6
    assert env.read_fd(fd, 100) == b"world"
    assert host.fd_seek(mem, fd, 100, Whence.SET) == 100  # past the end is allowed
    assert errno_of(host.fd_seek, mem, fd, -1, Whence.SET) is Errno.INVAL
    assert errno_of(host.fd_seek, mem, fd, -200, Whence.CUR) is Errno.INVAL
    assert errno_of(host.fd_seek, mem, fd, 0, 3) is Errno.INVAL
    assert host.fd_tell(mem, fd) == 100  # failed seeks moved nothing


def test_seek_and_tell_on_streams_are_spipe(env: HostEnv) -> None:
    for fd in (0, 1, 2):
        assert errno_of(env.host.fd_seek, env.mem, fd, 0, Whence.CUR) is Errno.SPIPE
        assert errno_of(env.host.fd_tell, env.mem, fd) is Errno.SPIPE
    assert errno_of(env.host.fd_tell, env.mem, 9) is Errno.BADF


def test_seek_rights(env: HostEnv) -> None:
    # fd_seek(0, CUR) is a tell: FD_TELL is enough; any other seek needs FD_SEEK
    fd = env.open("hello.txt", rights=rights_without("FD_SEEK"))
    assert env.host.fd_seek(env.mem, fd, 0, Whence.CUR) == 0
    assert errno_of(env.host.fd_seek, env.mem, fd, 1, Whence.CUR) is Errno.NOTCAPABLE
    no_tell = env.open("hello.txt", rights=rights_without("FD_TELL"))
    assert errno_of(env.host.fd_tell, env.mem, no_tell) is Errno.NOTCAPABLE
    assert env.host.fd_seek(env.mem, no_tell, 3, Whence.SET) == 3
    assert errno_of(env.host.fd_seek, env.mem, PREOPEN_FD, 0, Whence.SET) is Errno.BADF


# -- fd_close, fd_renumber ---------------------------------------------------------------------

def test_close(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    inode = env.fs.lookup(env.fs.root_dir, "hello.txt")
    assert inode.opens == 1
    env.host.fd_close(env.mem, fd)
    assert inode.opens == 0 and fd not in env.host.fds
    assert errno_of(env.host.fd_close, env.mem, fd) is Errno.BADF
    assert env.open("hello.txt") == fd  # the number is free again
    env.host.fd_close(env.mem, 1)  # streams and preopens close too
    env.host.fd_close(env.mem, PREOPEN_FD)
    assert env.fs.root_dir.opens == 0
    assert errno_of(env.write, 1, "x") is Errno.BADF


def test_renumber_closes_the_target(env: HostEnv) -> None:
    a = env.open("hello.txt")
    b = env.open("adir/x")
    x = env.fs.lookup(env.fs.root_dir, "adir/x")
    env.host.fd_renumber(env.mem, a, b)
    assert x.opens == 0  # what b was is closed
    assert a not in env.host.fds
    assert env.read_fd(b, 5) == b"hello"
    assert errno_of(env.read_fd, a, 1) is Errno.BADF


def test_renumber_onto_a_stream_and_onto_itself(env: HostEnv) -> None:
    fd = env.create("log.txt")
    env.host.fd_renumber(env.mem, fd, 2)
    env.write(2, "to the file")
    assert env.content("/log.txt") == b"to the file" and env.ctx.stderr.getvalue() == b""
    env.host.fd_renumber(env.mem, 2, 2)
    assert env.host.fd_fdstat_get(env.mem, 2)[0] == Filetype.REGULAR_FILE


def test_renumber_errors(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    assert errno_of(env.host.fd_renumber, env.mem, fd, 50) is Errno.BADF  # the target must be open
    assert errno_of(env.host.fd_renumber, env.mem, 50, fd) is Errno.BADF
    assert env.read_fd(fd, 5) == b"hello"


def test_renumbered_preopen_stays_a_preopen(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    env.host.fd_renumber(env.mem, PREOPEN_FD, fd)
    assert env.host.fd_prestat_get(env.mem, fd) == (Preopentype.DIR, 1)
    assert errno_of(env.host.fd_prestat_get, env.mem, PREOPEN_FD) is Errno.BADF


# -- fd_fdstat_* -------------------------------------------------------------------------------

def test_fdstat_get(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert host.fd_fdstat_get(mem, 0) == (Filetype.UNKNOWN, 0, STDIN_RIGHTS, 0)
    assert host.fd_fdstat_get(mem, 1) == (Filetype.UNKNOWN, 0, STDOUT_RIGHTS, 0)
    assert host.fd_fdstat_get(mem, PREOPEN_FD) == (Filetype.DIRECTORY, 0, DIR_RIGHTS, int(Rights.ALL))
    every = DIR_RIGHTS | FILE_RIGHTS  # kept as given: what applies to a file is decided per call
    fd = env.open("hello.txt", rights=every, inheriting=0, fdflags=Fdflags.NONBLOCK)
    assert host.fd_fdstat_get(mem, fd) == (Filetype.REGULAR_FILE, Fdflags.NONBLOCK, every, 0)
    d = env.open("adir", Oflags.DIRECTORY, rights=DIR_RIGHTS, inheriting=FILE_RIGHTS)
    assert host.fd_fdstat_get(mem, d) == (Filetype.DIRECTORY, 0, DIR_RIGHTS, FILE_RIGHTS)
    assert errno_of(host.fd_readdir, mem, fd, 0, 0, 0) is Errno.NOTDIR  # FD_READDIR given, not applicable
    assert errno_of(host.fd_fdstat_get, mem, 64) is Errno.BADF


def test_fdstat_set_flags(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("hello.txt")
    host.fd_fdstat_set_flags(mem, fd, Fdflags.APPEND)
    env.write(fd, "!")
    assert env.content("/hello.txt") == HELLO + b"!"
    host.fd_fdstat_set_flags(mem, fd, 0)
    host.fd_seek(mem, fd, 0, Whence.SET)
    env.write(fd, "H")
    assert env.content("/hello.txt") == b"Hello world!"
    assert host.fd_fdstat_get(mem, fd)[1] == 0
    host.fd_fdstat_set_flags(mem, 1, Fdflags.NONBLOCK)
    assert host.fd_fdstat_get(mem, 1)[1] == Fdflags.NONBLOCK


def test_fdstat_set_flags_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("hello.txt")
    assert errno_of(host.fd_fdstat_set_flags, mem, fd, 1 << 5) is Errno.INVAL
    assert errno_of(host.fd_fdstat_set_flags, mem, PREOPEN_FD, Fdflags.APPEND) is Errno.BADF
    assert host.fd_fdstat_get(mem, PREOPEN_FD)[1] == 0
    no_right = env.open("hello.txt", rights=rights_without("FD_FDSTAT_SET_FLAGS"))
    assert errno_of(host.fd_fdstat_set_flags, mem, no_right, Fdflags.APPEND) is Errno.NOTCAPABLE
    assert errno_of(host.fd_fdstat_set_flags, mem, 99, 0) is Errno.BADF


def test_rights_only_shrink(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("hello.txt")
    fewer = rights_without("FD_WRITE")
    host.fd_fdstat_set_rights(mem, fd, fewer, 0)
    assert host.fd_fdstat_get(mem, fd)[2:] == (fewer, 0)
    assert errno_of(env.write, fd, "x") is Errno.NOTCAPABLE  # the handle could, the rights say no
    assert errno_of(host.fd_fdstat_set_rights, mem, fd, FILE_RIGHTS, 0) is Errno.NOTCAPABLE  # no way back
    assert errno_of(host.fd_fdstat_set_rights, mem, fd, fewer, int(Rights.FD_READ)) is Errno.NOTCAPABLE
    assert host.fd_fdstat_get(mem, fd)[2:] == (fewer, 0)
    host.fd_fdstat_set_rights(mem, fd, 0, 0)
    assert errno_of(env.read_fd, fd, 1) is Errno.NOTCAPABLE
    assert env.content("/hello.txt") == HELLO


def test_set_rights_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert errno_of(host.fd_fdstat_set_rights, mem, PREOPEN_FD, 1 << 30, 0) is Errno.INVAL
    assert errno_of(host.fd_fdstat_set_rights, mem, PREOPEN_FD, 0, 1 << 40) is Errno.INVAL
    assert errno_of(host.fd_fdstat_set_rights, mem, 99, 0, 0) is Errno.BADF
    host.fd_fdstat_set_rights(mem, PREOPEN_FD, int(Rights.PATH_OPEN), int(Rights.FD_READ))
    assert host.fd_fdstat_get(mem, PREOPEN_FD)[2:] == (Rights.PATH_OPEN, Rights.FD_READ)
    host.fd_fdstat_set_rights(mem, 1, int(Rights.FD_WRITE), 0)  # a stream can drop rights too
    assert host.fd_fdstat_get(mem, 1)[2] == Rights.FD_WRITE


# -- fd_advise, fd_allocate, fd_datasync, fd_sync ----------------------------------------------

def test_advise(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    for advice in Advice:
        assert env.host.fd_advise(env.mem, fd, 0, 5, advice) is None
    assert errno_of(env.host.fd_advise, env.mem, fd, 0, 5, 6) is Errno.INVAL
    assert errno_of(env.host.fd_advise, env.mem, 0, 0, 5, Advice.NORMAL) is Errno.BADF  # a stream
    # a folder can never be advised about: BADF, as for any right its kind cannot use (wasmtime too)
    assert errno_of(env.host.fd_advise, env.mem, PREOPEN_FD, 0, 5, Advice.NORMAL) is Errno.BADF
    no_right = env.open("hello.txt", rights=rights_without("FD_ADVISE"))
    assert errno_of(env.host.fd_advise, env.mem, no_right, 0, 5, Advice.NORMAL) is Errno.NOTCAPABLE
    assert env.content("/hello.txt") == HELLO


def test_allocate_extends_with_zeros_and_never_shrinks(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    env.host.fd_allocate(env.mem, fd, 10, 6)
    assert env.content("/hello.txt") == HELLO + b"\0" * 5
    env.host.fd_allocate(env.mem, fd, 0, 3)
    assert env.content("/hello.txt") == HELLO + b"\0" * 5
    assert env.host.fd_tell(env.mem, fd) == 0


def test_allocate_errors() -> None:
    env = HostEnv({"/f": b"12345", "/d": None}, fs=MemFs(max_bytes=8))
    fd = env.open("f")
    assert errno_of(env.host.fd_allocate, env.mem, fd, 0, 9) is Errno.NOSPC
    assert env.content("/f") == b"12345"
    env.host.fd_allocate(env.mem, fd, 0, 8)
    assert env.content("/f") == b"12345\0\0\0"
    assert errno_of(env.host.fd_allocate, env.mem, fd, (1 << 63) - 1, 1) is Errno.FBIG
    assert errno_of(env.host.fd_allocate, env.mem, 1, 0, 1) is Errno.BADF
    assert errno_of(env.host.fd_allocate, env.mem, PREOPEN_FD, 0, 1) is Errno.BADF
    no_right = env.open("f", rights=rights_without("FD_ALLOCATE"))
    assert errno_of(env.host.fd_allocate, env.mem, no_right, 0, 8) is Errno.NOTCAPABLE
    # the right is not enough: the file must be open for writing (posix_fallocate says EBADF)
    read_only = env.open("f", rights=rights_without("FD_WRITE"))
    assert errno_of(env.host.fd_allocate, env.mem, read_only, 0, 2) is Errno.BADF
    assert env.content("/f") == b"12345\0\0\0"


def test_sync_and_datasync(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    for call in (env.host.fd_sync, env.host.fd_datasync):
        assert call(env.mem, fd) is None
        assert call(env.mem, PREOPEN_FD) is None  # a folder, as POSIX fsync allows
        assert errno_of(call, env.mem, 1) is Errno.BADF  # a stream has nothing to sync (wasmtime too)
        assert errno_of(call, env.mem, 99) is Errno.BADF
    env.host.fd_fdstat_set_rights(env.mem, fd, rights_without("FD_SYNC", "FD_DATASYNC"), 0)
    assert errno_of(env.host.fd_sync, env.mem, fd) is Errno.NOTCAPABLE
    assert errno_of(env.host.fd_datasync, env.mem, fd) is Errno.NOTCAPABLE


# -- fd_filestat_* -----------------------------------------------------------------------------

def test_filestat_get(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    st = env.fs.stat_at(env.fs.root_dir, "hello.txt")
    assert env.host.fd_filestat_get(env.mem, fd) == (env.fs.dev, st.ino, Filetype.REGULAR_FILE, 1, 11,
                                                     st.atime, st.mtime, st.ctime)
    assert env.host.fd_filestat_get(env.mem, PREOPEN_FD)[1:3] == (env.fs.root_dir.ino, Filetype.DIRECTORY)
    # a stream: all zeros but the type, nlink 0 (no file names it), as wasmtime says
    assert env.host.fd_filestat_get(env.mem, 1) == (0, 0, Filetype.UNKNOWN, 0, 0, 0, 0, 0)
    assert errno_of(env.host.fd_filestat_get, env.mem, 99) is Errno.BADF
    env.host.fd_fdstat_set_rights(env.mem, fd, rights_without("FD_FILESTAT_GET"), 0)
    assert errno_of(env.host.fd_filestat_get, env.mem, fd) is Errno.NOTCAPABLE


def test_filestat_set_size(env: HostEnv) -> None:
    fd = env.open("hello.txt")
    env.host.fd_filestat_set_size(env.mem, fd, 5)
    assert env.content("/hello.txt") == b"hello"
    env.host.fd_filestat_set_size(env.mem, fd, 7)
    assert env.content("/hello.txt") == b"hello\0\0"
    assert errno_of(env.host.fd_filestat_set_size, env.mem, fd, 1 << 63) is Errno.FBIG
    assert errno_of(env.host.fd_filestat_set_size, env.mem, 1, 0) is Errno.BADF
    assert errno_of(env.host.fd_filestat_set_size, env.mem, PREOPEN_FD, 0) is Errno.BADF
    no_right = env.open("hello.txt", rights=rights_without("FD_FILESTAT_SET_SIZE"))
    assert errno_of(env.host.fd_filestat_set_size, env.mem, no_right, 0) is Errno.NOTCAPABLE
    # given the right but not open for writing: INVAL, as Linux's ftruncate (and wasmtime) say
    read_only = env.open("hello.txt", rights=rights_without("FD_WRITE"))
    assert errno_of(env.host.fd_filestat_set_size, env.mem, read_only, 1) is Errno.INVAL
    assert env.content("/hello.txt") == b"hello\0\0"


def test_filestat_set_size_under_a_quota() -> None:
    env = HostEnv({"/f": b"abc"}, fs=MemFs(max_bytes=4))
    fd = env.open("f")
    assert errno_of(env.host.fd_filestat_set_size, env.mem, fd, 5) is Errno.NOSPC
    assert env.content("/f") == b"abc"


def test_filestat_set_times(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("hello.txt")
    host.fd_filestat_set_times(mem, fd, 111, 222, Fstflags.ATIM | Fstflags.MTIM)
    st = env.fs.stat_at(env.fs.root_dir, "hello.txt")
    assert (st.atime, st.mtime) == (111, 222)
    host.fd_filestat_set_times(mem, fd, 0, 333, Fstflags.MTIM)  # atime left alone
    st = env.fs.stat_at(env.fs.root_dir, "hello.txt")
    assert (st.atime, st.mtime) == (111, 333)
    env.clocks.sleep(5_000)
    host.fd_filestat_set_times(mem, fd, 0, 0, Fstflags.ATIM_NOW | Fstflags.MTIM_NOW)
    st = env.fs.stat_at(env.fs.root_dir, "hello.txt")
    assert st.atime == st.mtime == env.clocks.now_for_files()
    host.fd_filestat_set_times(mem, PREOPEN_FD, 7, 8, Fstflags.ATIM | Fstflags.MTIM)
    assert env.fs.root_dir.atime == 7


def test_filestat_set_times_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("hello.txt")
    before = env.fs.stat_at(env.fs.root_dir, "hello.txt")
    assert errno_of(host.fd_filestat_set_times, mem, fd, 1, 1, Fstflags.ATIM | Fstflags.ATIM_NOW) is Errno.INVAL
    assert errno_of(host.fd_filestat_set_times, mem, fd, 1, 1, Fstflags.MTIM | Fstflags.MTIM_NOW) is Errno.INVAL
    assert errno_of(host.fd_filestat_set_times, mem, fd, 1, 1, 1 << 4) is Errno.INVAL
    assert errno_of(host.fd_filestat_set_times, mem, 1, 1, 1, Fstflags.ATIM) is Errno.BADF
    assert errno_of(host.fd_filestat_set_times, mem, 99, 1, 1, Fstflags.ATIM) is Errno.BADF
    no_right = env.open("hello.txt", rights=rights_without("FD_FILESTAT_SET_TIMES"))
    assert errno_of(host.fd_filestat_set_times, mem, no_right, 1, 1, Fstflags.ATIM) is Errno.NOTCAPABLE
    assert env.fs.stat_at(env.fs.root_dir, "hello.txt") == before


# -- fd_prestat_* ------------------------------------------------------------------------------

def test_prestat() -> None:
    env = HostEnv({"/data": None}, preopens={"/": "/", "/sandbox/data": "/data"})
    host, mem = env.host, env.mem
    assert host.fd_prestat_get(mem, 3) == (Preopentype.DIR, 1)
    assert host.fd_prestat_get(mem, 4) == (Preopentype.DIR, 13)
    buf = env.alloc(32)
    mem[buf : buf + 32] = b"\xaa" * 32
    assert host.fd_prestat_dir_name(mem, 4, buf, 13) is None
    assert env.read(buf, 14) == b"/sandbox/data\xaa"
    mem[buf : buf + 32] = b"\xaa" * 32
    host.fd_prestat_dir_name(mem, 4, buf, 32)  # a longer buffer: the rest is left alone
    assert env.read(buf, 32) == b"/sandbox/data" + b"\xaa" * 19


def test_prestat_dir_name_short_buffer_writes_nothing(env: HostEnv) -> None:
    env = HostEnv({"/data": None}, preopens={"/sandbox/data": "/data"})
    buf = env.alloc(16)
    env.mem[buf : buf + 16] = b"\xaa" * 16
    assert errno_of(env.host.fd_prestat_dir_name, env.mem, 3, buf, 12) is Errno.NAMETOOLONG
    assert errno_of(env.host.fd_prestat_dir_name, env.mem, 3, buf, 0) is Errno.NAMETOOLONG
    assert env.read(buf, 16) == b"\xaa" * 16
    assert errno_of(env.host.fd_prestat_dir_name, env.mem, 3, MEM_SIZE - 4, 13) is Errno.FAULT


def test_prestat_of_what_is_not_a_preopen(env: HostEnv) -> None:
    buf = env.alloc(8)
    for fd in (0, 1, env.open("hello.txt"), env.open("adir", Oflags.DIRECTORY, rights=DIR_RIGHTS), 40):
        assert errno_of(env.host.fd_prestat_get, env.mem, fd) is Errno.BADF
        assert errno_of(env.host.fd_prestat_dir_name, env.mem, fd, buf, 8) is Errno.BADF


# -- fd_readdir --------------------------------------------------------------------------------

def parse_dirents(data: bytes) -> list[tuple[int, int, str, int]]:
    """(d_next, d_ino, name, d_type) of each complete entry."""
    out, at = [], 0
    while at + Dirent.SIZE <= len(data):
        d_next, d_ino, namlen, d_type = Dirent.STRUCT.unpack_from(data, at)
        if at + Dirent.SIZE + namlen > len(data):
            break
        out.append((d_next, d_ino, data[at + Dirent.SIZE : at + Dirent.SIZE + namlen].decode(), d_type))
        at += Dirent.SIZE + namlen
    return out


@pytest.fixture
def listing() -> HostEnv:
    return HostEnv({"/d/a.txt": "a", "/d/ccc.txt": "ccc", "/d/bb": None}, preopens={"/": "/", "d": "/d"})


def readdir(env: HostEnv, fd: int, size: int, cookie: int = 0) -> tuple[int, bytes]:
    buf = env.alloc(size)
    used = env.host.fd_readdir(env.mem, fd, buf, size, cookie)
    return used, env.read(buf, used)


def test_readdir_lists_dot_dotdot_then_entries(listing: HostEnv) -> None:
    used, data = readdir(listing, 4, 4096)
    entries = parse_dirents(data)
    assert used == len(data) < 4096
    assert [(n, name) for n, _, name, _ in entries] == [(1, "."), (2, ".."), (3, "a.txt"), (4, "ccc.txt"),
                                                       (5, "bb")]
    d = listing.fs.lookup(listing.fs.root_dir, "d")
    types = {name: (ino, t) for _, ino, name, t in entries}
    assert types["."] == (d.ino, Filetype.DIRECTORY)
    assert types[".."] == (listing.fs.root_dir.ino, Filetype.DIRECTORY)
    assert types["a.txt"] == (listing.fs.lookup(d, "a.txt").ino, Filetype.REGULAR_FILE)
    assert types["bb"][1] == Filetype.DIRECTORY
    assert used == sum(Dirent.SIZE + len(name) for _, _, name, _ in entries)


def test_readdir_resumes_from_a_cookie(listing: HostEnv) -> None:
    _, data = readdir(listing, 4, 4096, cookie=3)
    assert [name for _, _, name, _ in parse_dirents(data)] == ["ccc.txt", "bb"]
    assert readdir(listing, 4, 4096, cookie=5) == (0, b"")
    assert readdir(listing, 4, 4096, cookie=1000) == (0, b"")


def test_readdir_cuts_the_last_entry_at_the_buffer_end(listing: HostEnv) -> None:
    whole = readdir(listing, 4, 4096)[1]
    dot = Dirent.SIZE + 1
    size = dot + Dirent.SIZE + 2 + 10  # ".", "..", then 10 bytes of the "a.txt" header
    used, data = readdir(listing, 4, size)
    assert used == size
    assert data == whole[:size]
    assert [name for _, _, name, _ in parse_dirents(data)] == [".", ".."]
    # an entry that fits exactly still says "full": the guest asks again from its cookie
    used, data = readdir(listing, 4, dot)
    assert used == dot and parse_dirents(data)[0][2] == "."
    # a buffer smaller than one header gets what fits
    used, data = readdir(listing, 4, 5)
    assert used == 5 and data == whole[:5]


def test_readdir_in_pieces_sees_every_entry_once(listing: HostEnv) -> None:
    names, cookie = [], 0
    for _ in range(20):
        used, data = readdir(listing, 4, 40, cookie)
        entries = parse_dirents(data)
        names += [name for _, _, name, _ in entries]
        if used < 40:
            break
        assert entries, "a 40-byte buffer holds at least one entry here"
        cookie = entries[-1][0]
    assert names == [".", "..", "a.txt", "ccc.txt", "bb"]


def test_readdir_errors(listing: HostEnv) -> None:
    host, mem = listing.host, listing.mem
    buf = listing.alloc(64)
    f = listing.open("d/a.txt")
    assert errno_of(host.fd_readdir, mem, f, buf, 64, 0) is Errno.NOTDIR
    assert errno_of(host.fd_readdir, mem, 0, buf, 64, 0) is Errno.NOTDIR
    assert errno_of(host.fd_readdir, mem, 99, buf, 64, 0) is Errno.BADF
    assert errno_of(host.fd_readdir, mem, 4, MEM_SIZE - 10, 64, 0) is Errno.FAULT
    host.fd_fdstat_set_rights(mem, 4, int(DIR_RIGHTS & ~Rights.FD_READDIR), 0)
    assert errno_of(host.fd_readdir, mem, 4, buf, 64, 0) is Errno.NOTCAPABLE


def test_readdir_gives_names_that_are_not_utf8_as_their_bytes() -> None:
    env = HostEnv()
    env.fs.path("/bad\udcff.txt").write_text("x")  # how a host folder's undecodable name arrives
    _, data = readdir(env, PREOPEN_FD, 4096)
    entry = data[2 * Dirent.SIZE + len(".") + len(".."):]  # after "." and ".."
    assert Dirent.STRUCT.unpack_from(entry)[2] == len(b"bad\xff.txt")
    assert entry[Dirent.SIZE:] == b"bad\xff.txt"
