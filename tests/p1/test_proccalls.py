"""wasi_notebook.p1.proccalls: arguments and environment, clocks, poll_oneoff, the process,
randomness and sockets, called directly on a host whose clocks are virtual (nothing sleeps)."""

from __future__ import annotations

import struct

import pytest

from wasi_notebook.clocks import VirtualClocks
from wasi_notebook.entropy import SeededEntropy
from wasi_notebook.errors import Errno
from wasi_notebook.hostcall import ProcExit
from wasi_notebook.memfs import MemFs
from wasi_notebook.p1.defs import Clockid, Eventrwflags, Eventtype, Fdflags, Signal, Subclockflags
from wasi_notebook.p1.structs import Event, Subscription, SubscriptionClock, SubscriptionFdReadwrite

from .hostenv import MEM_SIZE, PREOPEN_FD, HostEnv, errno_of

START = 1_000_000_000_000
STEP = 1_000
SECOND = 10**9


@pytest.fixture
def env() -> HostEnv:
    return HostEnv({"/hello.txt": "hello world"}, args=["prog", "-x", "ünï"], env={"A": "1", "EMPTY": ""},
                   stdin=b"stdin bytes\n", clocks=VirtualClocks(start_ns=START, step_ns=STEP),
                   entropy=SeededEntropy(3))


# -- args, environ -----------------------------------------------------------------------------

def test_args_layout(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    strings = [b"prog\0", b"-x\0", "ünï\0".encode()]
    assert host.args_sizes_get(mem) == (3, sum(map(len, strings)))
    argv, buf = env.alloc(16), env.alloc(64)
    mem[buf : buf + 64] = b"#" * 64
    mem[argv : argv + 16] = b"#" * 16
    assert host.args_get(mem, argv, buf) is None
    size = sum(map(len, strings))
    assert env.read(buf, size + 1) == b"".join(strings) + b"#"  # packed, each NUL-ended, nothing past
    offsets = [0, 5, 8]
    assert list(struct.unpack_from("<3I", mem, argv)) == [buf + o for o in offsets]
    assert env.read(argv + 12, 4) == b"####"


def test_environ_layout(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert host.environ_sizes_get(mem) == (2, len(b"A=1\0EMPTY=\0"))
    environ, buf = env.alloc(8), env.alloc(16)
    host.environ_get(mem, environ, buf)
    assert env.read(buf, 11) == b"A=1\0EMPTY=\0"
    assert struct.unpack_from("<2I", mem, environ) == (buf, buf + 4)


def test_no_environment() -> None:
    env = HostEnv()
    assert env.host.environ_sizes_get(env.mem) == (0, 0)
    assert env.host.environ_get(env.mem, MEM_SIZE + 10, MEM_SIZE + 10) is None  # nothing to write
    assert env.host.args_sizes_get(env.mem) == (1, len(b"guest\0"))


def test_arguments_that_are_not_utf8_reach_the_guest_as_bytes() -> None:
    env = HostEnv(args=["prog", "x\udcff"], env={"K": "\udcfe"})  # as Python decodes sys.argv, os.environ
    assert env.host.args_sizes_get(env.mem) == (2, 8)
    argv, buf = env.alloc(8), env.alloc(16)
    env.host.args_get(env.mem, argv, buf)
    assert env.read(buf, 8) == b"prog\0x\xff\0"
    env.host.environ_get(env.mem, argv, buf)
    assert env.read(buf, 4) == b"K=\xfe\0"


def test_args_and_environ_fault_before_writing(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    argv, buf = env.alloc(16), env.alloc(64)
    assert errno_of(host.args_get, mem, argv, MEM_SIZE - 4) is Errno.FAULT
    assert errno_of(host.args_get, mem, MEM_SIZE - 8, buf) is Errno.FAULT
    assert errno_of(host.environ_get, mem, argv, MEM_SIZE - 10) is Errno.FAULT
    assert errno_of(host.environ_get, mem, MEM_SIZE - 4, buf) is Errno.FAULT
    assert env.read(argv, 16) == bytes(16) and env.read(buf, 64) == bytes(64)


# -- clocks ------------------------------------------------------------------------------------

def test_clock_time_get_reads_the_virtual_clocks(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert host.clock_time_get(mem, Clockid.MONOTONIC, 0) == STEP
    assert host.clock_time_get(mem, Clockid.REALTIME, 1) == START + 2 * STEP
    assert host.clock_time_get(mem, Clockid.PROCESS_CPUTIME_ID, 2**64 - 1) == 3 * STEP  # precision: a hint
    assert host.clock_time_get(mem, Clockid.THREAD_CPUTIME_ID, 0) == 4 * STEP
    assert errno_of(host.clock_time_get, mem, 4, 0) is Errno.INVAL
    assert env.clocks.elapsed == 4 * STEP


def test_clock_res_get(env: HostEnv) -> None:
    for clock in Clockid:
        assert env.host.clock_res_get(env.mem, clock) == STEP
    assert errno_of(env.host.clock_res_get, env.mem, 4) is Errno.INVAL
    real = HostEnv(clocks=None, deterministic=False)
    assert all(1 <= real.host.clock_res_get(real.mem, c) <= SECOND for c in Clockid)


# -- poll_oneoff -------------------------------------------------------------------------------

def clock_sub(userdata: int, timeout: int, *, clock: int = Clockid.MONOTONIC, absolute: bool = False,
              flags: int | None = None) -> Subscription:
    if flags is None:
        flags = int(Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) if absolute else 0
    return Subscription(userdata, Eventtype.CLOCK, SubscriptionClock(clock, timeout, 0, flags))


def fd_sub(userdata: int, kind: Eventtype, fd: int) -> Subscription:
    return Subscription(userdata, kind, SubscriptionFdReadwrite(fd))


def poll(env: HostEnv, *subs: Subscription) -> list[Event]:
    in_ptr, out_ptr = env.alloc(48 * len(subs)), env.alloc(32 * len(subs))
    for i, sub in enumerate(subs):
        sub.pack_into(env.mem, in_ptr + 48 * i)
    n = env.host.poll_oneoff(env.mem, in_ptr, out_ptr, len(subs))
    return [Event.unpack_from(env.mem, out_ptr + 32 * i) for i in range(n)]


def test_relative_timeout_advances_virtual_time_by_exactly_the_timeout(env: HostEnv) -> None:
    before = env.clocks.elapsed
    events = poll(env, clock_sub(7, 5 * SECOND))
    assert events == [Event(7, 0, Eventtype.CLOCK, 0, 0)]
    assert env.clocks.elapsed - before == 5 * SECOND
    before = env.clocks.elapsed
    poll(env, clock_sub(8, 3 * SECOND, clock=Clockid.REALTIME))
    assert env.clocks.elapsed - before == 3 * SECOND


def test_absolute_timeout_wakes_at_that_time(env: HostEnv) -> None:
    deadline = env.host.clock_time_get(env.mem, Clockid.MONOTONIC, 0) + 2 * SECOND
    assert poll(env, clock_sub(1, deadline, absolute=True)) == [Event(1, 0, Eventtype.CLOCK)]
    assert env.clocks.elapsed == deadline
    wall = START + 3600 * SECOND
    assert poll(env, clock_sub(2, wall, clock=Clockid.REALTIME, absolute=True)) == [Event(2, 0, Eventtype.CLOCK)]
    assert env.clocks.now_for_files() == wall


def test_deadline_in_the_past_and_zero_timeout_do_not_wait(env: HostEnv) -> None:
    assert poll(env, clock_sub(1, 0, absolute=True)) == [Event(1, 0, Eventtype.CLOCK)]
    assert poll(env, clock_sub(2, 0)) == [Event(2, 0, Eventtype.CLOCK)]
    assert env.clocks.elapsed <= 2 * STEP


def test_only_the_first_timer_fires(env: HostEnv) -> None:
    before = env.clocks.elapsed
    events = poll(env, clock_sub(1, 9 * SECOND), clock_sub(2, 4 * SECOND), clock_sub(3, 4 * SECOND))
    assert sorted(e.userdata for e in events) == [2, 3]
    assert env.clocks.elapsed - before == 4 * SECOND


def test_ready_descriptors_answer_at_once(env: HostEnv) -> None:
    file_fd = env.open("hello.txt")
    env.read_fd(file_fd, 6)
    before = env.clocks.elapsed
    events = poll(env, clock_sub(9, 60 * SECOND), fd_sub(1, Eventtype.FD_READ, 0),
                  fd_sub(2, Eventtype.FD_WRITE, 1), fd_sub(3, Eventtype.FD_READ, file_fd),
                  fd_sub(4, Eventtype.FD_WRITE, file_fd))
    assert env.clocks.elapsed == before  # no waiting, and the timer is not due
    room = env.fs.max_bytes - env.fs.used_bytes  # a write to a file can take what the quota has left
    assert {e.userdata: e for e in events} == {
        1: Event(1, 0, Eventtype.FD_READ, len(b"stdin bytes\n"), 0),
        2: Event(2, 0, Eventtype.FD_WRITE, 1 << 16, 0),  # a stream: a pipe's buffer
        3: Event(3, 0, Eventtype.FD_READ, 5, 0),  # what is left to read
        4: Event(4, 0, Eventtype.FD_WRITE, room, 0),
    }


def test_file_at_its_end_hangs_up_and_a_full_memfs_has_no_room() -> None:
    env = HostEnv({"/f.txt": "abc"}, fs=MemFs(max_bytes=10))
    fd = env.open("f.txt")
    hangup = Eventrwflags.FD_READWRITE_HANGUP
    assert poll(env, fd_sub(1, Eventtype.FD_READ, fd)) == [Event(1, 0, Eventtype.FD_READ, 3, 0)]
    assert poll(env, fd_sub(2, Eventtype.FD_WRITE, fd)) == [Event(2, 0, Eventtype.FD_WRITE, 7, 0)]
    env.read_fd(fd, 10)
    assert poll(env, fd_sub(3, Eventtype.FD_READ, fd)) == [Event(3, 0, Eventtype.FD_READ, 0, hangup)]
    env.write(fd, "x" * 7)
    assert poll(env, fd_sub(4, Eventtype.FD_WRITE, fd)) == [Event(4, 0, Eventtype.FD_WRITE, 0, 0)]
    unlimited = HostEnv({"/f.txt": "abc"}, fs=MemFs(max_bytes=None))
    fd = unlimited.open("f.txt")
    assert poll(unlimited, fd_sub(5, Eventtype.FD_WRITE, fd)) == [Event(5, 0, Eventtype.FD_WRITE, 1 << 16, 0)]


def test_stdin_at_its_end_hangs_up(env: HostEnv) -> None:
    hangup = Eventrwflags.FD_READWRITE_HANGUP
    assert poll(HostEnv(stdin=b""), fd_sub(5, Eventtype.FD_READ, 0)) == [Event(5, 0, Eventtype.FD_READ, 0, hangup)]
    env.read_fd(0, 100)  # all of it: nothing more can come
    assert poll(env, fd_sub(6, Eventtype.FD_READ, 0)) == [Event(6, 0, Eventtype.FD_READ, 0, hangup)]


def test_errors_go_to_their_own_event(env: HostEnv) -> None:
    events = poll(env, fd_sub(1, Eventtype.FD_READ, 99), fd_sub(2, Eventtype.FD_READ, 1),
                  fd_sub(3, Eventtype.FD_WRITE, PREOPEN_FD), clock_sub(4, 1, clock=9),
                  clock_sub(5, 1, flags=2), fd_sub(6, Eventtype.FD_WRITE, 2))
    assert {e.userdata: (e.error, e.type) for e in events} == {
        1: (Errno.BADF, Eventtype.FD_READ),
        2: (Errno.BADF, Eventtype.FD_READ),  # stdout is never readable
        3: (Errno.BADF, Eventtype.FD_WRITE),  # nor a directory writable
        4: (Errno.INVAL, Eventtype.CLOCK),
        5: (Errno.INVAL, Eventtype.CLOCK),
        6: (0, Eventtype.FD_WRITE),
    }


def test_poll_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    in_ptr, out_ptr = env.alloc(96), env.alloc(64)
    clock_sub(1, SECOND).pack_into(mem, in_ptr)
    before = env.clocks.elapsed
    assert errno_of(host.poll_oneoff, mem, in_ptr, out_ptr, 0) is Errno.INVAL
    assert errno_of(host.poll_oneoff, mem, MEM_SIZE - 40, out_ptr, 1) is Errno.FAULT
    assert errno_of(host.poll_oneoff, mem, in_ptr + 4, out_ptr, 1) is Errno.FAULT  # misaligned
    assert errno_of(host.poll_oneoff, mem, in_ptr, MEM_SIZE - 16, 1) is Errno.FAULT
    assert errno_of(host.poll_oneoff, mem, in_ptr, out_ptr + 4, 1) is Errno.FAULT
    assert env.clocks.elapsed == before  # a bad pointer is found before any waiting
    mem[in_ptr + 8] = 3  # an eventtype the witx does not define
    assert errno_of(host.poll_oneoff, mem, in_ptr, out_ptr, 1) is Errno.INVAL
    assert env.read(out_ptr, 64) == bytes(64)


# -- the process -------------------------------------------------------------------------------

def test_proc_exit(env: HostEnv) -> None:
    for code in (0, 3, 255):
        with pytest.raises(ProcExit) as info:
            env.host.proc_exit(env.mem, code)
        assert info.value.code == code


def test_proc_raise(env: HostEnv) -> None:
    for sig in (Signal.NONE, Signal.TERM, Signal.KILL, Signal.SYS):
        assert errno_of(env.host.proc_raise, env.mem, sig) is Errno.NOTSUP
    assert errno_of(env.host.proc_raise, env.mem, 31) is Errno.INVAL


def test_sched_yield(env: HostEnv) -> None:
    assert env.host.sched_yield(env.mem) is None


def test_random_get_is_repeatable_with_a_seed(env: HostEnv) -> None:
    buf = env.alloc(40)
    env.mem[buf + 32 : buf + 40] = b"########"
    env.host.random_get(env.mem, buf, 32)
    first = env.read(buf, 32)
    assert first == SeededEntropy(3).bytes(32)
    assert env.read(buf + 32, 8) == b"########"
    env.host.random_get(env.mem, buf, 32)
    assert env.read(buf, 32) != first
    other = HostEnv(entropy=SeededEntropy(3))
    other.host.random_get(other.mem, buf, 32)
    assert other.read(buf, 32) == first


def test_random_get_bounds(env: HostEnv) -> None:
    assert errno_of(env.host.random_get, env.mem, MEM_SIZE - 4, 8) is Errno.FAULT
    assert env.host.random_get(env.mem, MEM_SIZE + 100, 0) is None  # nothing to write: not looked at
    buf = env.alloc(8)
    env.host.random_get(env.mem, buf, 8)
    assert env.read(buf, 8) == SeededEntropy(3).bytes(8)  # the failed draws took nothing


# -- sockets -----------------------------------------------------------------------------------

def test_sockets_are_never_there(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    iovs, count, (buf,) = env.iovecs(8)
    ciovs, ccount = env.ciovecs("sent")
    file_fd = env.open("hello.txt")
    for fd in (0, 1, PREOPEN_FD, file_fd):
        assert errno_of(host.sock_accept, mem, fd, 0) is Errno.NOTSOCK
        assert errno_of(host.sock_recv, mem, fd, iovs, count, 0) is Errno.NOTSOCK
        assert errno_of(host.sock_send, mem, fd, ciovs, ccount, 0) is Errno.NOTSOCK
        assert errno_of(host.sock_shutdown, mem, fd, 3) is Errno.NOTSOCK
    for fd in (42, 1 << 31):
        assert errno_of(host.sock_accept, mem, fd, 0) is Errno.BADF
        assert errno_of(host.sock_recv, mem, fd, iovs, count, 0) is Errno.BADF
        assert errno_of(host.sock_send, mem, fd, ciovs, ccount, 0) is Errno.BADF
        assert errno_of(host.sock_shutdown, mem, fd, 1) is Errno.BADF
    assert env.ctx.stdout.getvalue() == b"" and env.read(buf, 8) == bytes(8)
    assert env.read_fd(0, 5) == b"stdin"
    assert env.read_fd(file_fd, 5) == b"hello"


def test_socket_flags_must_be_defined(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert errno_of(host.sock_accept, mem, 1, Fdflags.NONBLOCK | 1 << 6) is Errno.INVAL
    assert errno_of(host.sock_recv, mem, 1, 0, 0, 4) is Errno.INVAL
    assert errno_of(host.sock_send, mem, 1, 0, 0, 1) is Errno.INVAL  # siflags defines no bit
    assert errno_of(host.sock_shutdown, mem, 1, 4) is Errno.INVAL
