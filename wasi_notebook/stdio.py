"""A guest's standard streams: input from bytes or from a callback asked for more, output
captured and handed on as it is written (so a notebook can stream it live)."""

from __future__ import annotations

from typing import Callable

__all__ = ["InputSource", "OutputSink"]


class InputSource:
    """Standard input: ``data`` first, then whatever ``more()`` returns each time it is asked
    (``b""`` or None means the end). ``more`` is how a notebook prompts its person."""

    def __init__(self, data: bytes | str = b"", more: Callable[[], bytes | str | None] | None = None) -> None:
        self._buffer = bytearray(data.encode() if isinstance(data, str) else data)
        self._pos = 0
        self._more = more
        self.eof = more is None and not self._buffer
        self.consumed = 0

    def _fill(self) -> None:
        if self._pos < len(self._buffer) or self.eof:
            return
        if self._more is None:
            self.eof = True
            return
        chunk = self._more()
        if not chunk:
            self.eof = True
            return
        self._buffer = bytearray(chunk.encode() if isinstance(chunk, str) else chunk)
        self._pos = 0

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; b"" only at the end. Blocks on ``more`` when the buffer is empty."""
        self._fill()
        chunk = bytes(self._buffer[self._pos : self._pos + size])
        self._pos += len(chunk)
        self.consumed += len(chunk)
        if self._more is None and self._pos >= len(self._buffer):
            self.eof = True  # nothing more can come: the end is here now, not at the next read
        return chunk

    def ready(self) -> int:
        """Bytes readable without asking for more (0 also at the end)."""
        return len(self._buffer) - self._pos

    def wait(self) -> None:
        """Block (asking ``more``) until bytes are ready or the end is reached; consumes nothing."""
        self._fill()

    @property
    def interactive(self) -> bool:
        return self._more is not None


class OutputSink:
    """Standard output or error: everything written is kept in ``data`` and passed to
    ``callback`` (if any) as it comes."""

    def __init__(self, callback: Callable[[bytes], None] | None = None) -> None:
        self.data = bytearray()
        self.callback = callback

    def write(self, chunk) -> int:
        self.data += chunk
        if self.callback is not None:
            self.callback(bytes(chunk))
        return len(chunk)

    def getvalue(self) -> bytes:
        return bytes(self.data)
