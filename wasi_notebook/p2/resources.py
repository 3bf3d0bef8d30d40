"""The host-side objects behind preview2 resources, and the table that names them with reps.

Each resource kind has a fixed integer id (what ``ResourceType.host(id)`` and
``ResourceHost.own(rep, id)`` take); a rep is an index into one :class:`ResourceTable` per run.
The table also knows which resource was made from which (a pollable from its stream, a file
stream or a directory listing from its descriptor): a parent cannot be dropped before its
children, as wasmtime's table says.
"""

from __future__ import annotations

from typing import Any

import wasmtime
from wasmtime.component import ResourceHost

from ..errors import Errno, WasiError
from ..memfs import Directory, FileType, Handle
from ..stdio import InputSource, OutputSink

__all__ = ["ResourceTable", "GuestError", "IoError", "FileStreamError", "InputStream", "OutputStream",
           "StdinStream", "SinkStream", "FileInputStream", "FileOutputStream", "Descriptor",
           "DirectoryEntryStream", "Pollable", "ReadyPollable", "StreamPollable", "TimerPollable",
           "TerminalInput", "TerminalOutput", "RESOURCES", "WRITE_BUDGET", "BLOCKING_LIMIT"]

# How many bytes check-write permits at once: writes go straight into the MemFs or the sink.
WRITE_BUDGET = 1 << 20
# What blocking-write-and-flush and blocking-write-zeroes-and-flush take at most (the WIT's 4096).
BLOCKING_LIMIT = 4096


class GuestError(wasmtime.WasmtimeError):
    """The guest broke a rule of an interface (a drop too early, a write over its budget, an
    empty poll list): its call traps with this message, as on wasmtime. A WasmtimeError, so
    wasmtime-py hands it to wasmtime as the trap itself (with the guest's backtrace), from a host
    function or a resource's destructor alike."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IoError:
    """wasi:io/error.error: the failure behind a stream's last-operation-failed."""

    def __init__(self, error: WasiError) -> None:
        self.error = error


class FileStreamError(WasiError):
    """A WasiError from a stream over a file: filesystem-error-code tells its error-code (it
    answers none for any other stream's error)."""


# -- streams ---------------------------------------------------------------------------------


class InputStream:
    def read(self, size: int, blocking: bool) -> bytes | None:
        """Up to ``size`` bytes; None when the stream is closed (at its end)."""
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether a read now would not wait."""
        return True

    def wait(self) -> None:
        """Wait until a read would not wait."""


class StdinStream(InputStream):
    def __init__(self, source: InputSource) -> None:
        self.source = source

    def read(self, size: int, blocking: bool) -> bytes | None:
        if size == 0:
            return b""
        if not blocking and not self.ready():
            return b""  # reading now would wait for the person at the notebook
        chunk = self.source.read(size)
        return chunk if chunk else None

    def ready(self) -> bool:
        source = self.source
        return not source.interactive or source.eof or source.ready() > 0

    def wait(self) -> None:
        self.source.wait()


class FileInputStream(InputStream):
    def __init__(self, handle: Handle, offset: int) -> None:
        self.handle = handle
        self.offset = offset

    def read(self, size: int, blocking: bool) -> bytes | None:
        if size == 0:
            return b""
        try:
            chunk = self.handle.pread(size, self.offset)
        except WasiError as e:
            raise FileStreamError(e.errno, e.path, e.detail) from e
        if not chunk:
            return None
        self.offset += len(chunk)
        return chunk


class OutputStream:
    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def ready(self) -> bool:
        return True

    def wait(self) -> None:
        pass


class SinkStream(OutputStream):
    def __init__(self, sink: OutputSink) -> None:
        self.sink = sink

    def write(self, data: bytes) -> None:
        self.sink.write(data)


class FileOutputStream(OutputStream):
    """Writes at ``offset`` (moving on), or at the end of the file each time when ``offset`` is None."""

    def __init__(self, handle: Handle, offset: int | None) -> None:
        self.handle = handle
        self.offset = offset

    def write(self, data: bytes) -> None:
        try:
            offset = self.handle.stat().size if self.offset is None else self.offset
            done = 0
            while done < len(data):
                n = self.handle.pwrite(data[done:], offset + done)
                if n == 0:
                    raise WasiError(Errno.NOSPC)
                done += n
        except WasiError as e:
            raise FileStreamError(e.errno, e.path, e.detail) from e
        if self.offset is not None:
            self.offset += done


# -- pollables -------------------------------------------------------------------------------


class Pollable:
    """wasi:io/poll.pollable. ``deadline`` is the monotonic time a timer is due (None otherwise)."""

    deadline: int | None = None

    def ready(self) -> bool:
        raise NotImplementedError

    def block(self) -> None:
        raise NotImplementedError


class ReadyPollable(Pollable):
    """Always ready."""

    def ready(self) -> bool:
        return True

    def block(self) -> None:
        pass


class StreamPollable(Pollable):
    """Ready when its stream can be read or written without waiting."""

    def __init__(self, stream: InputStream | OutputStream) -> None:
        self.stream = stream

    def ready(self) -> bool:
        return self.stream.ready()

    def block(self) -> None:
        self.stream.wait()


class TimerPollable(Pollable):
    """Ready once the monotonic clock of ``clocks`` reaches ``deadline``; blocking sleeps on those
    clocks (a virtual clock jumps ahead to the deadline, exactly)."""

    def __init__(self, clocks: Any, deadline: int) -> None:
        self.clocks = clocks
        self.deadline = deadline

    def ready(self) -> bool:
        return self.clocks.monotonic() >= self.deadline

    def block(self) -> None:
        left = self.deadline - self.clocks.monotonic()
        if left > 0:
            self.clocks.sleep(left)


# -- filesystem ------------------------------------------------------------------------------


class Descriptor:
    """wasi:filesystem/types.descriptor: an open MemFs handle and its descriptor-flags."""

    def __init__(self, handle: Handle, flags: set[str]) -> None:
        self.handle = handle
        self.flags = flags

    def close(self) -> None:
        if not self.handle.closed:
            self.handle.close()


class DirectoryEntryStream:
    """wasi:filesystem/types.directory-entry-stream: the entries of a directory after a cookie,
    read one by one (``.`` and ``..`` are never listed). Entries added or removed meanwhile
    may or may not show; those there all along show exactly once."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.cookie = 2  # past "." and ".."

    def next(self) -> tuple[str, FileType] | None:
        for cookie, name, inode in self.directory.entries_after(self.cookie):
            self.cookie = cookie
            return name, inode.type
        return None


class TerminalInput:
    pass


class TerminalOutput:
    pass


# (interface, resource name) -> (the Python class, the host type id); ids are unique (tested).
RESOURCES: dict[tuple[str, str], tuple[type, int]] = {
    ("wasi:io/error", "error"): (IoError, 1),
    ("wasi:io/streams", "input-stream"): (InputStream, 2),
    ("wasi:io/streams", "output-stream"): (OutputStream, 3),
    ("wasi:filesystem/types", "descriptor"): (Descriptor, 4),
    ("wasi:cli/terminal-input", "terminal-input"): (TerminalInput, 5),
    ("wasi:cli/terminal-output", "terminal-output"): (TerminalOutput, 6),
    ("wasi:filesystem/types", "directory-entry-stream"): (DirectoryEntryStream, 7),
    ("wasi:io/poll", "pollable"): (Pollable, 8),
}


def _type_id(obj: Any) -> int:
    for cls, type_id in RESOURCES.values():
        if isinstance(obj, cls):
            return type_id
    raise TypeError(f"{type(obj).__name__} is no resource of RESOURCES")


class ResourceTable:
    """Live host resources of one run, by rep, and which was made from which."""

    def __init__(self) -> None:
        self._items: dict[int, Any] = {}
        self._parents: dict[int, int] = {}
        self._children: dict[int, set[int]] = {}
        self._next = 1

    def __len__(self) -> int:
        return len(self._items)

    def own(self, obj: Any, parent: int | None = None) -> ResourceHost:
        """Keep ``obj`` (made from the live resource ``parent``, if given) and hand the guest an
        ``own`` handle to it."""
        type_id = _type_id(obj)
        rep = self._next
        self._next += 1
        self._items[rep] = obj
        if parent is not None:
            self._parents[rep] = parent
            self._children.setdefault(parent, set()).add(rep)
        return ResourceHost.own(rep, type_id)

    def get(self, rep: int, cls: type | tuple[type, ...]) -> Any:
        """The object behind ``rep``; GuestError (a trap) if there is none of kind ``cls``."""
        obj = self._items.get(rep)
        if not isinstance(obj, cls):
            kind = " or ".join(c.__name__ for c in cls) if isinstance(cls, tuple) else cls.__name__
            raise GuestError(f"rep {rep} is not a live {kind}")
        return obj

    def children(self, rep: int) -> set[int]:
        return set(self._children.get(rep, ()))

    def drop(self, rep: int) -> Any:
        """Forget ``rep`` and close what it holds. GuestError (a trap) while resources made from
        it live, as wasmtime's "resource has children"."""
        obj = self._items.get(rep)
        if obj is None:
            raise GuestError(f"rep {rep} is not a live resource")
        children = self._children.get(rep)
        if children:
            kinds = sorted({type(self._items[c]).__name__ for c in children})
            raise GuestError(f"resource has children: {type(obj).__name__} {rep} cannot be dropped while "
                             f"{len(children)} resource(s) made from it live ({', '.join(kinds)}); drop them first")
        return self._forget(rep)

    def _forget(self, rep: int) -> Any:
        obj = self._items.pop(rep)
        parent = self._parents.pop(rep, None)
        if parent is not None:
            self._children[parent].discard(rep)
            if not self._children[parent]:
                del self._children[parent]
        close = getattr(obj, "close", None)
        if close is not None:
            close()
        return obj

    def close_all(self) -> None:
        """Drop everything still live (the run is over), children before their parents."""
        for rep in sorted(self._items, reverse=True):  # a child always has a higher rep
            self._forget(rep)
