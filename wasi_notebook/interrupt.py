"""Ctrl-C for a running guest: SIGINT (a terminal's Ctrl-C, a notebook's interrupt button) turned
into :meth:`Session.interrupt`, so that the run ends as a trap reported as "interrupted".

Why not just KeyboardInterrupt: CPython runs a Python signal handler only when the main thread is
between two bytecodes, and a guest spinning in wasm code never gets back to Python; and when it
does come back, through a host function, a KeyboardInterrupt raised there would end the run as a
host bug and lose its result. So, while a guest runs, :class:`SigintWatch`

* points ``signal.set_wakeup_fd`` at a socket pair: CPython's C-level handler writes the signal's
  number there at once, whatever the main thread is doing, and a watcher thread that reads it calls
  ``session.interrupt()`` (a wasmtime epoch tick, which traps the guest at its next loop iteration
  or function call);
* installs a Python-level handler that does the same and does not raise, except while the guest
  waits for a person to type its input (:meth:`SigintWatch.waiting_for_input`): a blocking input
  request can only be left by raising.

Signals can be handled only on the main thread: elsewhere the watch does nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from typing import Iterator

__all__ = ["SigintWatch"]

_STOP = b"\0"  # what the watch sends itself to stop its thread: no signal has the number 0


class SigintWatch:
    """``with SigintWatch(session): session.run(...)`` lets SIGINT stop the guest.

    ``hit`` tells afterwards whether a SIGINT came. Other signals that arrive meanwhile are passed
    on to the wakeup descriptor that was there before (asyncio's, for instance).
    """

    def __init__(self, session) -> None:
        self.session = session
        self.hit = False
        self._waiting = False
        self._active = False
        self._previous_handler = None
        self._previous_fd = -1
        self._pair: tuple[socket.socket, socket.socket] | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SigintWatch:
        if threading.current_thread() is not threading.main_thread():
            return self
        reader, writer = socket.socketpair()
        writer.setblocking(False)  # set_wakeup_fd wants it so: the C handler must never block
        self._pair = (reader, writer)
        self._previous_handler = signal.signal(signal.SIGINT, self._handler)
        self._previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        self._thread = threading.Thread(target=self._watch, name="wasi-notebook-sigint", daemon=True)
        self._thread.start()
        self._active = True
        return self

    def __exit__(self, *exc) -> None:
        if not self._active:
            return
        self._active = False
        signal.set_wakeup_fd(self._previous_fd)
        signal.signal(signal.SIGINT, self._previous_handler)
        assert self._pair is not None and self._thread is not None
        reader, writer = self._pair
        with contextlib.suppress(OSError):
            writer.send(_STOP)
        self._thread.join(timeout=5)
        reader.close()
        writer.close()

    @contextlib.contextmanager
    def waiting_for_input(self) -> Iterator[None]:
        """Within this block a SIGINT raises KeyboardInterrupt (after stopping the guest), so that
        a blocking read of a person's input ends."""
        self._waiting = True
        try:
            yield
        finally:
            self._waiting = False

    def _interrupt(self) -> None:
        self.hit = True
        self.session.interrupt()

    def _handler(self, signum, frame) -> None:
        self._interrupt()
        if self._waiting:
            raise KeyboardInterrupt

    def _watch(self) -> None:
        assert self._pair is not None
        reader = self._pair[0]
        while True:
            try:
                data = reader.recv(64)
            except OSError:
                return
            if not data:
                return
            others = bytes(b for b in data if b not in (signal.SIGINT, _STOP[0]))
            if signal.SIGINT in data:
                self._interrupt()
            if others and self._previous_fd >= 0:
                with contextlib.suppress(OSError):
                    os.write(self._previous_fd, others)
            if _STOP[0] in data:
                return
