"""Clocks a guest reads: the machine's, or a virtual one that makes runs repeatable.

Both give the four preview1 clocks (and the two preview2 ones) in nanoseconds and know how to
wait: the real clocks sleep, the virtual clock jumps ahead by exactly the time asked, so a guest
that sleeps an hour finishes at once and two runs see the same times.
"""

from __future__ import annotations

import time

__all__ = ["RealClocks", "VirtualClocks", "DEFAULT_EPOCH_NS"]

#: Where virtual realtime starts: 2026-01-01T00:00:00Z.
DEFAULT_EPOCH_NS = 1_767_225_600_000_000_000


class RealClocks:
    """The machine's clocks. ``sleep`` really waits (in slices, so an interrupt gets through)."""

    deterministic = False

    def __init__(self) -> None:
        self._resolutions = {
            name: max(1, int(time.get_clock_info(name).resolution * 1e9))
            for name in ("time", "monotonic", "process_time", "thread_time")
        }

    def realtime(self) -> int:
        return time.time_ns()

    def monotonic(self) -> int:
        return time.monotonic_ns()

    def process_cputime(self) -> int:
        return time.process_time_ns()

    def thread_cputime(self) -> int:
        return time.thread_time_ns()

    def resolution(self, clock: str) -> int:
        """Resolution in ns of ``"realtime"``, ``"monotonic"``, ``"process"`` or ``"thread"``."""
        return self._resolutions[_INFO_NAMES[clock]]

    def sleep(self, ns: int) -> None:
        deadline = time.monotonic_ns() + max(0, ns)
        while True:
            left = deadline - time.monotonic_ns()
            if left <= 0:
                return
            time.sleep(min(left, 100_000_000) / 1e9)

    # The time file timestamps take: the builtin itself, as a write of one byte reads it.
    now_for_files = staticmethod(time.time_ns)


_INFO_NAMES = {"realtime": "time", "monotonic": "monotonic", "process": "process_time", "thread": "thread_time"}


class VirtualClocks:
    """A timeline that moves only when read (by ``step_ns`` per reading) or slept on.

    Realtime is ``start_ns`` plus the elapsed virtual time; monotonic and the CPU-time clocks are
    the elapsed time. File timestamps read it without moving it.
    """

    deterministic = True

    def __init__(self, start_ns: int = DEFAULT_EPOCH_NS, step_ns: int = 1_000) -> None:
        self.start_ns = start_ns
        self.step_ns = step_ns
        self.elapsed = 0

    def _tick(self) -> int:
        self.elapsed += self.step_ns
        return self.elapsed

    def realtime(self) -> int:
        return self.start_ns + self._tick()

    def monotonic(self) -> int:
        return self._tick()

    process_cputime = monotonic
    thread_cputime = monotonic

    def resolution(self, clock: str) -> int:
        if clock not in _INFO_NAMES:
            raise KeyError(clock)
        return self.step_ns

    def sleep(self, ns: int) -> None:
        self.elapsed += max(0, ns)

    def now_for_files(self) -> int:
        return self.start_ns + self.elapsed
