"""A preview1 host to call directly in tests: a MemFs, a WasiCtx with one preopen, a
``Preview1`` over it and 64 KiB of guest memory with a bump allocator.

Tests call the host's methods as the installed wrappers would (``env.host.fd_write(env.mem,
...)``) and place what they point at with :meth:`HostEnv.put`, :meth:`HostEnv.ciovecs` and
:meth:`HostEnv.iovecs`. :func:`errno_of` runs a call that must fail and returns its errno.
"""

from __future__ import annotations

import struct
from typing import Any, Callable

import pytest

from wasi_notebook.clocks import VirtualClocks
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import MemFs
from wasi_notebook.p1.defs import Oflags, Rights
from wasi_notebook.p1.host import Preview1

MEM_SIZE = 65536
PREOPEN_FD = 3
FILE = int(Rights.FILE)
DIRECTORY = int(Rights.DIRECTORY)
RO = int(Rights.FILE & ~Rights.FD_WRITE)


def errno_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Errno:
    """The errno of ``call(*args, **kwargs)``, which must raise WasiError."""
    with pytest.raises(WasiError) as info:
        call(*args, **kwargs)
    return info.value.errno


class HostEnv:
    """One host, its MemFs (``fs``), context (``ctx``), memory (``mem``) and clocks."""

    def __init__(self, files: dict[str, bytes | str | None] | None = None, *, preopens=None,
                 fs: MemFs | None = None, **ctx_args: Any) -> None:
        self.fs = fs if fs is not None else MemFs()
        for path, data in (files or {}).items():
            if data is None:
                self.fs.path(path).mkdir(parents=True, exist_ok=True)
            else:
                self.fs.path(path).parent.mkdir(parents=True, exist_ok=True)
                self.fs.path(path).write_bytes(data.encode() if isinstance(data, str) else data)
        ctx_args.setdefault("clocks", VirtualClocks())
        ctx_args.setdefault("deterministic", True)
        self.ctx = WasiCtx(self.fs, preopens=preopens if preopens is not None else {"/": "/"}, **ctx_args)
        self.clocks = self.ctx.clocks
        self.fs.clock = self.clocks.now_for_files
        self.host = Preview1(self.ctx)
        self.mem = memoryview(bytearray(MEM_SIZE))
        self._next = 1024

    # -- guest memory ------------------------------------------------------------------------

    def alloc(self, size: int, align: int = 8) -> int:
        ptr = (self._next + align - 1) & ~(align - 1)
        self._next = ptr + max(size, 1)
        assert self._next <= MEM_SIZE
        return ptr

    def put(self, data: bytes | str) -> tuple[int, int]:
        """Copy ``data`` (a str as UTF-8) into memory: ``(ptr, len)``."""
        raw = data.encode() if isinstance(data, str) else bytes(data)
        ptr = self.alloc(len(raw))
        self.mem[ptr : ptr + len(raw)] = raw
        return ptr, len(raw)

    def ciovecs(self, *chunks: bytes | str) -> tuple[int, int]:
        """An array of ciovecs over copies of ``chunks``: ``(iovs, iovs_len)``."""
        pairs = [self.put(c) for c in chunks]
        iovs = self.alloc(8 * len(pairs))
        for i, (ptr, length) in enumerate(pairs):
            struct.pack_into("<II", self.mem, iovs + 8 * i, ptr, length)
        return iovs, len(pairs)

    def iovecs(self, *sizes: int) -> tuple[int, int, list[int]]:
        """An array of iovecs over fresh buffers of ``sizes``: ``(iovs, iovs_len, buffers)``."""
        buffers = [self.alloc(n) for n in sizes]
        iovs = self.alloc(8 * len(sizes))
        for i, (ptr, n) in enumerate(zip(buffers, sizes)):
            struct.pack_into("<II", self.mem, iovs + 8 * i, ptr, n)
        return iovs, len(sizes), buffers

    def read(self, ptr: int, length: int) -> bytes:
        return bytes(self.mem[ptr : ptr + length])

    def u32(self, ptr: int) -> int:
        return struct.unpack_from("<I", self.mem, ptr)[0]

    # -- common calls ------------------------------------------------------------------------

    def open(self, path: str, oflags: int = 0, rights: int = FILE, inheriting: int = 0, fdflags: int = 0, *,
             dirfd: int = PREOPEN_FD, follow: bool = True) -> int:
        ptr, length = self.put(path)
        return self.host.path_open(self.mem, dirfd, int(follow), ptr, length, int(oflags), rights, inheriting,
                                   fdflags)

    def create(self, path: str, rights: int = FILE) -> int:
        return self.open(path, Oflags.CREAT | Oflags.TRUNC, rights)

    def write(self, fd: int, *chunks: bytes | str) -> int:
        return self.host.fd_write(self.mem, fd, *self.ciovecs(*chunks))

    def read_fd(self, fd: int, size: int) -> bytes:
        iovs, count, (buf,) = self.iovecs(size)
        n = self.host.fd_read(self.mem, fd, iovs, count)
        return self.read(buf, n)

    def content(self, path: str) -> bytes:
        return self.fs.path(path).read_bytes()
