"""The host-side objects behind preview2 resources, and the table that names them with reps.

Each resource kind has a fixed integer id (what ``ResourceType.host(id)`` and
``ResourceHost.own(rep, id)`` take); a rep is an index into one :class:`ResourceTable` per run.
"""

from __future__ import annotations

from typing import Any

from wasmtime.component import ResourceHost

from ..errors import Errno, WasiError
from ..memfs import Handle
from ..stdio import InputSource, OutputSink

__all__ = ["ResourceTable", "IoError", "InputStream", "OutputStream", "StdinStream", "SinkStream",
           "FileInputStream", "FileOutputStream", "Descriptor", "TerminalInput", "TerminalOutput",
           "RESOURCES", "WRITE_BUDGET"]

# How many bytes check-write permits at once: writes go straight into the MemFs or the sink.
WRITE_BUDGET = 1 << 20


class IoError:
    """wasi:io/error.error: the failure behind a stream's last-operation-failed."""

    def __init__(self, error: WasiError) -> None:
        self.error = error


class InputStream:
    def read(self, size: int, blocking: bool) -> bytes | None:
        """Up to ``size`` bytes; None when the stream is closed (at its end)."""
        raise NotImplementedError


class StdinStream(InputStream):
    def __init__(self, source: InputSource) -> None:
        self.source = source

    def read(self, size: int, blocking: bool) -> bytes | None:
        if size == 0:
            return b""
        if not blocking and self.source.interactive and not self.source.ready():
            return b""  # reading now would wait for the person at the notebook
        chunk = self.source.read(size)
        return chunk if chunk else None


class FileInputStream(InputStream):
    def __init__(self, handle: Handle, offset: int) -> None:
        self.handle = handle
        self.offset = offset

    def read(self, size: int, blocking: bool) -> bytes | None:
        if size == 0:
            return b""
        chunk = self.handle.pread(size, self.offset)
        if not chunk:
            return None
        self.offset += len(chunk)
        return chunk


class OutputStream:
    def write(self, data: bytes) -> None:
        raise NotImplementedError


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
        offset = self.handle.stat().size if self.offset is None else self.offset
        done = 0
        while done < len(data):
            n = self.handle.pwrite(data[done:], offset + done)
            if n == 0:
                raise WasiError(Errno.NOSPC)
            done += n
        if self.offset is not None:
            self.offset += done


class Descriptor:
    """wasi:filesystem/types.descriptor: an open MemFs handle and its descriptor-flags."""

    def __init__(self, handle: Handle, flags: set[str]) -> None:
        self.handle = handle
        self.flags = flags


class DirectoryEntryStream:
    """wasi:filesystem/types.directory-entry-stream (declared so components link; read-directory,
    which would make one, is not implemented yet)."""


class TerminalInput:
    pass


class TerminalOutput:
    pass


# (interface, resource name) -> (the Python class, the host type id)
RESOURCES: dict[tuple[str, str], tuple[type, int]] = {
    ("wasi:io/error", "error"): (IoError, 1),
    ("wasi:io/streams", "input-stream"): (InputStream, 2),
    ("wasi:io/streams", "output-stream"): (OutputStream, 3),
    ("wasi:filesystem/types", "descriptor"): (Descriptor, 4),
    ("wasi:filesystem/types", "directory-entry-stream"): (DirectoryEntryStream, 7),
    ("wasi:cli/terminal-input", "terminal-input"): (TerminalInput, 5),
    ("wasi:cli/terminal-output", "terminal-output"): (TerminalOutput, 6),
}
_TYPE_IDS = {cls: type_id for cls, type_id in RESOURCES.values()}


class ResourceTable:
    """Live host resources of one run, by rep."""

    def __init__(self) -> None:
        self._items: dict[int, Any] = {}
        self._next = 1

    def __len__(self) -> int:
        return len(self._items)

    def own(self, obj: Any) -> ResourceHost:
        """Keep ``obj`` and hand the guest an ``own`` handle to it."""
        type_id = next(i for cls, i in _TYPE_IDS.items() if isinstance(obj, cls))
        rep = self._next
        self._next += 1
        self._items[rep] = obj
        return ResourceHost.own(rep, type_id)

    def get(self, rep: int, cls: type) -> Any:
        """The object behind ``rep``; TypeError (a trap) if there is none of kind ``cls``."""
        obj = self._items.get(rep)
        if not isinstance(obj, cls):
            raise TypeError(f"rep {rep} is not a live {cls.__name__}")
        return obj

    def drop(self, rep: int) -> Any:
        obj = self._items.pop(rep)
        if isinstance(obj, Descriptor) and not obj.handle.closed:
            obj.handle.close()
        return obj
