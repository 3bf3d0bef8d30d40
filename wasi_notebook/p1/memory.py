"""Guest memory: bounds- and alignment-checked reads and writes of a guest's linear memory.

Guest pointers reach these helpers as unsigned Python ints, with memory as a memoryview or
bytearray (:data:`Buffer`). A pointer (plus length) outside the buffer, or not aligned for
what it points at, raises :class:`GuestMemoryError`, a :class:`WasiError` whose errno is
always ``FAULT``: a host answers FAULT to the guest, through the one place that maps a
WasiError to a number, rather than trapping.
"""

from __future__ import annotations

import struct
from typing import Union

from ..errors import Errno, WasiError

__all__ = [
    "Buffer",
    "GuestMemoryError",
    "guest_slice",
    "guest_str",
    "load_u16",
    "load_u32",
    "load_u64",
    "store_u16",
    "store_u32",
    "store_u64",
]

#: What the codecs read from and write to: guest memory as a memoryview or bytearray
#: (``bytes`` also works for reading).
Buffer = Union[memoryview, bytearray, bytes]


class GuestMemoryError(WasiError):
    """A guest pointer (plus size) outside guest memory, or not aligned for what it points at.

    A :class:`WasiError` whose errno is always ``Errno.FAULT``: a host answers FAULT, as for
    any other errno, rather than trapping. ``ptr``, ``size``, ``memory_size`` and ``align``
    say what was asked.
    """

    def __init__(self, ptr: int, size: int, memory_size: int, align: int = 1) -> None:
        self.ptr = ptr
        self.size = size
        self.memory_size = memory_size
        self.align = align
        if 0 <= ptr and size >= 0 and ptr + size <= memory_size:
            text = f"guest pointer {ptr:#x} is not aligned to {align} bytes"
        else:
            text = f"guest range {ptr:#x}+{size} is outside memory of {memory_size} bytes"
        super().__init__(Errno.FAULT, detail=text)

    def __repr__(self) -> str:
        return (
            f"GuestMemoryError(ptr={self.ptr:#x}, size={self.size}, "
            f"memory_size={self.memory_size}, align={self.align})"
        )

    def __reduce__(self):  # WasiError's would call __init__ with (errno, path, detail)
        return (type(self), (self.ptr, self.size, self.memory_size, self.align))


def guest_slice(mem: Buffer, ptr: int, length: int) -> memoryview:
    """A view of ``length`` bytes of ``mem`` at ``ptr`` (no copy).

    Raises GuestMemoryError if the range is not inside ``mem``; slicing alone would silently
    cut it short.
    """
    if ptr < 0 or length < 0 or ptr + length > len(mem):
        raise GuestMemoryError(ptr, length, len(mem))
    if type(mem) is memoryview:  # what a host is given: slicing it makes a view already
        return mem[ptr : ptr + length]
    return memoryview(mem)[ptr : ptr + length]


def guest_str(mem: Buffer, ptr: int, length: int) -> str:
    """The UTF-8 string of ``length`` bytes at ``ptr`` (a path, a symlink's contents).

    Raises GuestMemoryError if the range is outside ``mem`` and ``WasiError(Errno.ILSEQ)`` if
    the bytes are not UTF-8.
    """
    if ptr < 0 or length < 0 or ptr + length > len(mem):
        raise GuestMemoryError(ptr, length, len(mem))
    try:
        return bytes(mem[ptr : ptr + length]).decode("utf-8")
    except UnicodeDecodeError:
        raise WasiError(Errno.ILSEQ, detail="a string argument is not UTF-8") from None


_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


def load_u16(mem: Buffer, ptr: int) -> int:
    """The u16 at ``ptr``; raises GuestMemoryError if out of bounds or not 2-aligned."""
    if ptr < 0 or ptr + 2 > len(mem) or ptr & 1:
        raise GuestMemoryError(ptr, 2, len(mem), 2)
    return int(_U16.unpack_from(mem, ptr)[0])


def load_u32(mem: Buffer, ptr: int) -> int:
    """The u32 at ``ptr``; raises GuestMemoryError if out of bounds or not 4-aligned."""
    if ptr < 0 or ptr + 4 > len(mem) or ptr & 3:
        raise GuestMemoryError(ptr, 4, len(mem), 4)
    return int(_U32.unpack_from(mem, ptr)[0])


def load_u64(mem: Buffer, ptr: int) -> int:
    """The u64 at ``ptr``; raises GuestMemoryError if out of bounds or not 8-aligned."""
    if ptr < 0 or ptr + 8 > len(mem) or ptr & 7:
        raise GuestMemoryError(ptr, 8, len(mem), 8)
    return int(_U64.unpack_from(mem, ptr)[0])


def store_u16(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u16 at ``ptr`` (``sock_recv``'s roflags).

    Raises GuestMemoryError if out of bounds or not 2-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 2 > len(mem) or ptr & 1:
        raise GuestMemoryError(ptr, 2, len(mem), 2)
    _U16.pack_into(mem, ptr, value)


def store_u32(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u32 at ``ptr`` (a ``size`` result such as nwritten, or an ``fd``).

    Raises GuestMemoryError if out of bounds or not 4-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 4 > len(mem) or ptr & 3:
        raise GuestMemoryError(ptr, 4, len(mem), 4)
    _U32.pack_into(mem, ptr, value)


def store_u64(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u64 at ``ptr`` (a ``timestamp`` or ``filesize`` result).

    Raises GuestMemoryError if out of bounds or not 8-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 8 > len(mem) or ptr & 7:
        raise GuestMemoryError(ptr, 8, len(mem), 8)
    _U64.pack_into(mem, ptr, value)
