"""wasi:io: errors, pollables and poll, input and output streams.

Stream functions answer a ``stream-error``: ``closed`` comes back as an explicit ``Err`` (it is
no failure), a WasiError raised by the stream becomes ``last-operation-failed`` in the linker's
wrapper. Breaking a rule of the interface (writing past check-write, more than 4096 bytes to a
blocking write, an empty poll list) is a GuestError: the guest traps, as on wasmtime.
"""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx
from .resources import (
    BLOCKING_LIMIT, WRITE_BUDGET, GuestError, InputStream, IoError, OutputStream, Pollable, ResourceTable,
    StreamPollable,
)
from .values import Err, Variant

__all__ = ["IoHost"]

_CLOSED = Variant("closed")


class IoHost:
    ctx: WasiCtx
    table: ResourceTable

    def io_interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "wasi:io/error": {"[method]error.to-debug-string": self.error_to_debug_string},
            "wasi:io/poll": {
                "[method]pollable.ready": self.pollable_ready,
                "[method]pollable.block": self.pollable_block,
                "poll": self.poll,
            },
            "wasi:io/streams": {
                "[method]input-stream.read": self.stream_read,
                "[method]input-stream.blocking-read": self.stream_blocking_read,
                "[method]input-stream.skip": self.stream_skip,
                "[method]input-stream.blocking-skip": self.stream_blocking_skip,
                "[method]input-stream.subscribe": self.stream_subscribe,
                "[method]output-stream.check-write": self.stream_check_write,
                "[method]output-stream.write": self.stream_write,
                "[method]output-stream.blocking-write-and-flush": self.stream_blocking_write_and_flush,
                "[method]output-stream.flush": self.stream_flush,
                "[method]output-stream.blocking-flush": self.stream_flush,
                "[method]output-stream.subscribe": self.stream_subscribe,
                "[method]output-stream.write-zeroes": self.stream_write_zeroes,
                "[method]output-stream.blocking-write-zeroes-and-flush": self.stream_blocking_write_zeroes_and_flush,
                "[method]output-stream.splice": self.stream_splice,
                "[method]output-stream.blocking-splice": self.stream_blocking_splice,
            },
        }

    # -- wasi:io/error ---------------------------------------------------------------------------

    def error_to_debug_string(self, e: int) -> str:
        return str(self.table.get(e, IoError).error)

    # -- wasi:io/poll ----------------------------------------------------------------------------

    def pollable_ready(self, p: int) -> bool:
        return self.table.get(p, Pollable).ready()

    def pollable_block(self, p: int) -> None:
        self.table.get(p, Pollable).block()

    def poll(self, reps: list[int]) -> list[int]:
        """The indexes of the pollables in ``reps`` that are ready, waiting until one is.

        Timers are compared with one reading of the clock; when none is ready, the wait is the
        nearest timer (a stream still pending is not watched meanwhile), else the first pending
        stream's. GuestError (a trap) for an empty list, as on wasmtime.
        """
        if not reps:
            raise GuestError("poll needs at least one pollable (wasmtime traps on an empty list too)")
        if not all(isinstance(r, int) for r in reps):
            raise TypeError("poll got handles, not reps: the linker must turn the borrowed handles inside "
                            "a list into reps too")
        pollables = [self.table.get(r, Pollable) for r in reps]
        now = None
        ready: list[int] = []
        timers: list[tuple[int, int]] = []  # (ns left, index)
        pending: list[int] = []
        for i, p in enumerate(pollables):
            if p.deadline is not None:
                if now is None:
                    now = self.ctx.clocks.monotonic()
                left = p.deadline - now
                if left <= 0:
                    ready.append(i)
                else:
                    timers.append((left, i))
            elif p.ready():
                ready.append(i)
            else:
                pending.append(i)
        if ready:
            return ready
        if timers:
            wait = min(left for left, _ in timers)
            self.ctx.clocks.sleep(wait)
            return [i for left, i in timers if left <= wait]
        pollables[pending[0]].block()
        return [i for i in pending if pollables[i].ready()]

    # -- wasi:io/streams: input ------------------------------------------------------------------

    def _stream_read(self, s: int, n: int, blocking: bool) -> Any:
        chunk = self.table.get(s, InputStream).read(n, blocking)
        return Err(_CLOSED) if chunk is None else chunk

    def stream_read(self, s: int, n: int) -> Any:
        """Up to ``n`` bytes, b"" when none are ready yet; closed at the end."""
        return self._stream_read(s, n, False)

    def stream_blocking_read(self, s: int, n: int) -> Any:
        """Up to ``n`` bytes, waiting for at least one; closed at the end."""
        return self._stream_read(s, n, True)

    def stream_skip(self, s: int, n: int) -> Any:
        """Like read, answering how many bytes were passed over."""
        chunk = self._stream_read(s, n, False)
        return chunk if isinstance(chunk, Err) else len(chunk)

    def stream_blocking_skip(self, s: int, n: int) -> Any:
        chunk = self._stream_read(s, n, True)
        return chunk if isinstance(chunk, Err) else len(chunk)

    def stream_subscribe(self, s: int) -> Any:
        """A pollable ready when the stream is (a child of the stream: drop it first)."""
        stream = self.table.get(s, (InputStream, OutputStream))
        return self.table.own(StreamPollable(stream), parent=s)

    # -- wasi:io/streams: output -----------------------------------------------------------------

    def stream_check_write(self, s: int) -> int:
        """How many bytes the next write may take: always WRITE_BUDGET (nothing is buffered)."""
        self.table.get(s, OutputStream)
        return WRITE_BUDGET

    def stream_write(self, s: int, data: bytes) -> None:
        """Write all of ``data``. GuestError (a trap) past check-write's budget."""
        stream = self.table.get(s, OutputStream)
        if len(data) > WRITE_BUDGET:
            raise GuestError(f"the guest wrote {len(data)} bytes; check-write permitted {WRITE_BUDGET}")
        stream.write(data)

    def stream_blocking_write_and_flush(self, s: int, data: bytes) -> None:
        """Write and flush ``data``. GuestError (a trap) past 4096 bytes, as the WIT says."""
        if len(data) > BLOCKING_LIMIT:
            raise GuestError(f"blocking-write-and-flush takes at most {BLOCKING_LIMIT} bytes, not {len(data)}")
        self.stream_write(s, data)

    def stream_flush(self, s: int) -> None:
        """Nothing to do: writes reach the MemFs or the sink at once."""
        self.table.get(s, OutputStream)

    def stream_write_zeroes(self, s: int, n: int) -> None:
        """Write ``n`` zero bytes. GuestError (a trap) past check-write's budget."""
        if n > WRITE_BUDGET:
            raise GuestError(f"the guest wrote {n} zeroes; check-write permitted {WRITE_BUDGET}")
        self.stream_write(s, bytes(n))

    def stream_blocking_write_zeroes_and_flush(self, s: int, n: int) -> None:
        if n > BLOCKING_LIMIT:
            raise GuestError(f"blocking-write-zeroes-and-flush takes at most {BLOCKING_LIMIT} bytes, not {n}")
        self.stream_write(s, bytes(n))

    def _stream_splice(self, s: int, src: int, n: int, blocking: bool) -> Any:
        out = self.table.get(s, OutputStream)
        n = min(n, self.stream_check_write(s))
        if n == 0:
            return 0
        chunk = self._stream_read(src, n, blocking)
        if isinstance(chunk, Err):
            return chunk
        if chunk:
            out.write(chunk)
        return len(chunk)

    def stream_splice(self, s: int, src: int, n: int) -> Any:
        """Move up to ``n`` bytes from ``src`` to this stream: the count; closed at ``src``'s end."""
        return self._stream_splice(s, src, n, False)

    def stream_blocking_splice(self, s: int, src: int, n: int) -> Any:
        """Like splice, waiting for at least one byte of ``src``."""
        return self._stream_splice(s, src, n, True)
