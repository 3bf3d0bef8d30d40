"""wasi:clocks: the wall clock and the monotonic clock of the context, and monotonic timers as
pollables (on a virtual clock a block jumps ahead by exactly the time left, without sleeping)."""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx
from .resources import ResourceTable, TimerPollable
from .values import record

__all__ = ["ClocksHost", "datetime"]


def datetime(ns: int) -> Any:
    """A wall-clock datetime record of ``ns`` since the epoch."""
    return record(seconds=ns // 1_000_000_000, nanoseconds=ns % 1_000_000_000)


class ClocksHost:
    ctx: WasiCtx
    table: ResourceTable

    def clock_interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "wasi:clocks/wall-clock": {"now": self.wall_now, "resolution": self.wall_resolution},
            "wasi:clocks/monotonic-clock": {
                "now": self.monotonic_now,
                "resolution": self.monotonic_resolution,
                "subscribe-instant": self.subscribe_instant,
                "subscribe-duration": self.subscribe_duration,
            },
        }

    def wall_now(self) -> Any:
        return datetime(self.ctx.clocks.realtime())

    def wall_resolution(self) -> Any:
        return datetime(self.ctx.clocks.resolution("realtime"))

    def monotonic_now(self) -> int:
        return self.ctx.clocks.monotonic()

    def monotonic_resolution(self) -> int:
        return self.ctx.clocks.resolution("monotonic")

    def subscribe_instant(self, when: int) -> Any:
        """A pollable ready once the monotonic clock reaches ``when``."""
        return self.table.own(TimerPollable(self.ctx.clocks, when))

    def subscribe_duration(self, duration: int) -> Any:
        """A pollable ready ``duration`` ns after now (reads the clock once)."""
        clocks = self.ctx.clocks
        return self.table.own(TimerPollable(clocks, clocks.monotonic() + duration))
