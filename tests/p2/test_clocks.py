"""wasi_notebook.p2.clocks: wall and monotonic clocks, and timers as pollables (a block on a
virtual clock jumps ahead by exactly the time left and never sleeps)."""

import time

from wasi_notebook import MemFs
from wasi_notebook.clocks import VirtualClocks
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.p2.host import Preview2

from .hostenv import call, make_host

MONO = "wasi:clocks/monotonic-clock"
POLL = "wasi:io/poll"
SECOND = 1_000_000_000


def test_clocks_read_the_context():
    host = make_host()
    clocks = host.ctx.clocks
    assert isinstance(clocks, VirtualClocks)
    before = clocks.elapsed
    assert call(host, MONO, "now") == before + clocks.step_ns
    now = call(host, "wasi:clocks/wall-clock", "now")
    assert now.seconds * SECOND + now.nanoseconds == clocks.start_ns + clocks.elapsed
    assert call(host, MONO, "resolution") == clocks.step_ns
    res = call(host, "wasi:clocks/wall-clock", "resolution")
    assert (res.seconds, res.nanoseconds) == (0, clocks.step_ns)


def test_a_one_second_block_moves_the_virtual_clock_by_exactly_one_second():
    host = make_host()
    clocks = host.ctx.clocks
    p = call(host, MONO, "subscribe-duration", SECOND).rep
    at_subscribe = clocks.elapsed
    started = time.monotonic()
    call(host, POLL, "[method]pollable.block", p)
    assert clocks.elapsed == at_subscribe + SECOND
    assert time.monotonic() - started < 0.5  # no sleeping
    assert call(host, POLL, "[method]pollable.ready", p) is True


def test_poll_on_a_timer_waits_exactly_for_it():
    host = make_host()
    clocks = host.ctx.clocks
    p = call(host, MONO, "subscribe-duration", SECOND).rep
    at_subscribe = clocks.elapsed
    assert call(host, POLL, "poll", [p]) == [0]
    assert clocks.elapsed == at_subscribe + SECOND


def test_subscribe_instant_is_absolute():
    host = make_host()
    clocks = host.ctx.clocks
    past = call(host, MONO, "subscribe-instant", 0).rep
    assert call(host, POLL, "[method]pollable.ready", past) is True
    deadline = clocks.elapsed + 5 * SECOND
    later = call(host, MONO, "subscribe-instant", deadline).rep
    assert call(host, POLL, "[method]pollable.ready", later) is False
    call(host, POLL, "[method]pollable.block", later)
    assert clocks.elapsed == deadline


def test_a_zero_duration_is_ready_at_once():
    host = make_host()
    p = call(host, MONO, "subscribe-duration", 0).rep
    assert call(host, POLL, "[method]pollable.ready", p) is True


def test_real_clocks_really_wait():
    host = Preview2(WasiCtx(MemFs()))
    p = call(host, MONO, "subscribe-duration", 20_000_000).rep
    started = time.monotonic()
    call(host, POLL, "[method]pollable.block", p)
    assert time.monotonic() - started >= 0.019
