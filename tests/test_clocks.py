"""wasi_notebook.clocks: the machine's clocks and the virtual timeline that makes runs repeatable."""

from __future__ import annotations

import time

import pytest

from wasi_notebook.clocks import DEFAULT_EPOCH_NS, RealClocks, VirtualClocks

CLOCK_NAMES = ("realtime", "monotonic", "process", "thread")


def test_virtual_clock_moves_by_one_step_per_reading() -> None:
    clocks = VirtualClocks(start_ns=1_000_000, step_ns=10)
    assert clocks.monotonic() == 10
    assert clocks.monotonic() == 20
    assert clocks.realtime() == 1_000_000 + 30
    assert clocks.process_cputime() == 40
    assert clocks.thread_cputime() == 50
    assert clocks.elapsed == 50


def test_virtual_clock_defaults_start_in_2026() -> None:
    clocks = VirtualClocks()
    assert clocks.start_ns == DEFAULT_EPOCH_NS
    assert time.gmtime(DEFAULT_EPOCH_NS // 10**9)[:6] == (2026, 1, 1, 0, 0, 0)
    assert clocks.realtime() == DEFAULT_EPOCH_NS + clocks.step_ns


def test_virtual_sleep_jumps_ahead_at_once() -> None:
    clocks = VirtualClocks(step_ns=1)
    started = time.monotonic()
    clocks.sleep(3600 * 10**9)  # an hour, in no time
    assert time.monotonic() - started < 0.5
    assert clocks.elapsed == 3600 * 10**9
    assert clocks.monotonic() == 3600 * 10**9 + 1
    clocks.sleep(-5)  # a negative wait is no wait
    assert clocks.elapsed == 3600 * 10**9 + 1


def test_virtual_file_time_reads_without_moving() -> None:
    clocks = VirtualClocks(start_ns=500, step_ns=7)
    assert clocks.now_for_files() == 500
    assert clocks.now_for_files() == 500
    clocks.monotonic()
    assert clocks.now_for_files() == 507


def test_virtual_resolution_is_the_step() -> None:
    clocks = VirtualClocks(step_ns=250)
    assert {clocks.resolution(name) for name in CLOCK_NAMES} == {250}
    with pytest.raises(KeyError):
        clocks.resolution("sundial")


def test_two_virtual_timelines_agree() -> None:
    a, b = VirtualClocks(), VirtualClocks()
    assert [a.realtime(), a.monotonic(), a.sleep(5), a.monotonic()] == [
        b.realtime(), b.monotonic(), b.sleep(5), b.monotonic()]
    assert VirtualClocks.deterministic and not RealClocks.deterministic


def test_real_clocks_follow_the_machine() -> None:
    clocks = RealClocks()
    before = time.time_ns()
    assert before <= clocks.realtime() <= time.time_ns()
    assert before <= clocks.now_for_files() <= time.time_ns()
    a = clocks.monotonic()
    assert clocks.monotonic() >= a
    assert clocks.process_cputime() >= 0 and clocks.thread_cputime() >= 0
    for name in CLOCK_NAMES:
        assert 1 <= clocks.resolution(name) <= 10**9
    with pytest.raises(KeyError):
        clocks.resolution("sundial")


def test_real_sleep_waits_at_least_the_time() -> None:
    clocks = RealClocks()
    started = time.monotonic_ns()
    clocks.sleep(20_000_000)
    assert time.monotonic_ns() - started >= 20_000_000
    started = time.monotonic_ns()
    clocks.sleep(-1)
    clocks.sleep(0)
    assert time.monotonic_ns() - started < 50_000_000
