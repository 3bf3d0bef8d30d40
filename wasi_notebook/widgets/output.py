"""LiveOutput: a guest's stdout and stderr, shown while it runs.

``append(stream, data)`` takes bytes as the guest writes them (``writer("stdout")`` makes the
``on_stdout`` callback :meth:`Session.run` takes). While ``running`` the new text travels in
small custom messages (``{"type": "append", "seq": n, "chunks": [[stream, text], ...]}``, at
most one every ``interval`` seconds, the last one by a timer), so output appears before the run
ends without resending what was shown. ``close()`` puts the whole text in the ``chunks`` trait,
which is what a view drawn later, or a saved notebook, shows. Outside a run (``running`` false)
each ``append`` sets the trait directly.

Text past ``max_chars`` is counted (``cut``), not kept.
"""

from __future__ import annotations

import codecs
import threading
import time
from typing import Any, Callable

import anywidget
import traitlets
from rich.text import Text

from . import html
from .base import Displayable, css, esm

__all__ = ["LiveOutput"]

STREAMS = ("stdout", "stderr")


class LiveOutput(Displayable, anywidget.AnyWidget):
    """A guest's output, stderr in red. ``LiveOutput(stdout=b"", stderr=b"")`` shows finished output."""

    _esm = esm("output.js")
    _css = css("output.css")

    chunks = traitlets.List().tag(sync=True)  # [[stream, text], ...], same streams merged
    running = traitlets.Bool(False).tag(sync=True)
    cut = traitlets.Int(0).tag(sync=True)

    def __init__(self, stdout: bytes | str = b"", stderr: bytes | str = b"", *, max_chars: int = 1_000_000,
                 interval: float = 0.05, **kwargs: Any) -> None:
        self.max_chars = max_chars
        self.interval = interval
        self._lock = threading.RLock()
        self._reset()
        for stream, data in (("stdout", stdout), ("stderr", stderr)):
            if data:
                self._add(stream, self._decoders[stream].decode(data, final=True) if isinstance(data, bytes) else data)
        # What there is already goes out with the widget's state, in the message that makes it.
        super().__init__(chunks=[list(c) for c in self._all], cut=self._cut, **kwargs)

    def _reset(self) -> None:
        self._all: list[list[str]] = []
        self._pending: list[list[str]] = []
        self._size = 0
        self._cut = 0
        self._seq = 0
        self._last = 0.0
        self._timer: threading.Timer | None = None
        self._decoders = {s: codecs.getincrementaldecoder("utf-8")("replace") for s in STREAMS}

    # -- writing -------------------------------------------------------------------------------

    def start(self) -> None:
        """Stream from now on: appends go out as messages until :meth:`close`."""
        self.running = True

    def append(self, stream: str, data: bytes | str) -> None:
        """Add what the guest wrote to ``stream`` (``stdout`` or ``stderr``). UTF-8 split across
        calls is joined; invalid bytes show as U+FFFD."""
        if stream not in STREAMS:
            raise ValueError(f"stream must be 'stdout' or 'stderr', not {stream!r}")
        with self._lock:
            text = self._decoders[stream].decode(data) if isinstance(data, (bytes, bytearray, memoryview)) else str(data)
            if text:
                self._add(stream, text)
            if not self.running:
                self._sync()
            elif self._pending and time.monotonic() - self._last >= self.interval:
                self.flush()
            elif self._pending and self._timer is None:
                self._timer = threading.Timer(self.interval, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def _add(self, stream: str, text: str) -> None:
        room = self.max_chars - self._size
        if len(text) > room:
            self._cut += len(text) - max(room, 0)
            text = text[:max(room, 0)]
        if not text:
            return
        self._size += len(text)
        for chunks in (self._all, self._pending):
            if chunks and chunks[-1][0] == stream:
                chunks[-1][1] += text
            else:
                chunks.append([stream, text])

    def writer(self, stream: str) -> Callable[[bytes], None]:
        """A callback for ``Session.run(on_stdout=...)`` / ``on_stderr``."""
        if stream not in STREAMS:
            raise ValueError(f"stream must be 'stdout' or 'stderr', not {stream!r}")
        return lambda data: self.append(stream, data)

    def flush(self) -> None:
        """Send what is pending now."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._pending:
                return
            self.send({"type": "append", "seq": self._seq, "chunks": self._pending})
            self._seq += 1
            self._pending = []
            self._last = time.monotonic()

    def close(self) -> None:
        """End streaming: the decoders' last bytes are added and the whole text goes in ``chunks``."""
        with self._lock:
            for stream, decoder in self._decoders.items():
                tail = decoder.decode(b"", final=True)
                if tail:
                    self._add(stream, tail)
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._pending = []
            with self.hold_sync():
                self._sync()
                self.running = False

    def clear(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._reset()
            self._sync()

    def _sync(self) -> None:
        with self.hold_sync():
            self.chunks = [list(c) for c in self._all]
            self.cut = self._cut

    # -- reading -------------------------------------------------------------------------------

    def text(self, stream: str | None = None) -> str:
        """Everything kept, or only one stream's."""
        with self._lock:
            return "".join(t for s, t in self._all if stream is None or s == stream)

    def pieces(self) -> list[tuple[str, str]]:
        """Everything kept as ``(stream, text)`` pieces in the order written."""
        with self._lock:
            return [(s, t) for s, t in self._all]

    @property
    def empty(self) -> bool:
        return not self._all

    # -- fallbacks -----------------------------------------------------------------------------

    def _static_html(self) -> str:
        return html.output_html(self.pieces(), self._cut)

    def __rich__(self):
        out = Text()
        for stream, text in self._all:
            out.append(text, style="red" if stream == "stderr" else None)
        if self._cut:
            out.append(f"\n… {self._cut:,} more characters not shown", style="dim")
        return out

    def _text(self) -> str:
        return self.text()[:2000] + ("…" if self._size > 2000 else "")
