"""The struct codecs of preview1: how the witx's records and unions lie in guest memory.

Each codec is a frozen dataclass holding the fields as plain ints (enum and flags members are
ints too, so they pack as they are; unpacking gives plain ints, except a subscription's tag,
which chooses its variant). ``SIZE``, ``ALIGN`` and ``OFFSETS`` are the witx layout;
``STRUCT`` is the precompiled little-endian format, whose fields are the dataclass fields in
order, so a host on a hot path can call ``Filestat.STRUCT.pack_into(mem, ptr, ...)`` after its
own bounds check. Codecs pack into and unpack from any buffer of guest memory at an offset,
raising :class:`~wasi_notebook.p1.memory.GuestMemoryError` (``FAULT``) for a range outside
it or a misaligned pointer; :func:`iovecs` reads a whole iovec array at once.
``tests/p1/test_structs.py`` checks every size, alignment and offset against wasi-libc's
``<wasi/api.h>``.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import Errno, WasiError
from .defs import Eventtype
from .memory import Buffer, GuestMemoryError

if TYPE_CHECKING:
    from typing import Self

__all__ = [
    "Iovec",
    "Ciovec",
    "iovecs",
    "store_iovecs",
    "Fdstat",
    "Filestat",
    "Dirent",
    "Prestat",
    "SubscriptionClock",
    "SubscriptionFdReadwrite",
    "Subscription",
    "Event",
]


class _Codec:
    SIZE: ClassVar[int]
    ALIGN: ClassVar[int]
    OFFSETS: ClassVar[Mapping[str, int]]
    STRUCT: ClassVar[struct.Struct]

    __slots__ = ()

    def pack_into(self, mem: Buffer, ptr: int) -> None:
        """Write this struct at ``ptr``.

        Raises GuestMemoryError if ``SIZE`` bytes at ``ptr`` are outside ``mem`` or ``ptr`` is
        not ``ALIGN``-aligned, struct.error if a field does not fit its type (a host bug).
        """
        if ptr < 0 or ptr + self.SIZE > len(mem) or ptr & (self.ALIGN - 1):
            raise GuestMemoryError(ptr, self.SIZE, len(mem), self.ALIGN)
        self.STRUCT.pack_into(mem, ptr, *self._values())

    def pack(self) -> bytes:
        """The ``SIZE`` bytes of this struct. Raises struct.error if a field does not fit."""
        return self.STRUCT.pack(*self._values())

    @classmethod
    def unpack_from(cls, mem: Buffer, ptr: int) -> Self:
        """Read the struct at ``ptr``; raises GuestMemoryError if out of bounds or misaligned."""
        if ptr < 0 or ptr + cls.SIZE > len(mem) or ptr & (cls.ALIGN - 1):
            raise GuestMemoryError(ptr, cls.SIZE, len(mem), cls.ALIGN)
        return cls(*cls.STRUCT.unpack_from(mem, ptr))

    def _values(self) -> tuple[Any, ...]:
        cls = type(self)
        getter = _FIELD_GETTERS.get(cls)
        if getter is None:
            # dataclass(slots=True) sets __slots__ to the fields in order; every codec has at
            # least two, so attrgetter gives a tuple
            names: tuple[str, ...] = cls.__slots__
            getter = _FIELD_GETTERS[cls] = operator.attrgetter(names[0], *names[1:])
        return getter(self)


_FIELD_GETTERS: dict[type, Any] = {}


@dataclass(frozen=True, slots=True)
class Iovec(_Codec):
    """``$iovec`` / ``$ciovec`` (8 bytes, align 4): a guest buffer, ``buf`` and ``buf_len``.

    For arrays of them use :func:`iovecs`, which reads the whole array at once.
    """

    buf: int
    buf_len: int

    SIZE: ClassVar[int] = 8
    ALIGN: ClassVar[int] = 4
    OFFSETS: ClassVar[Mapping[str, int]] = {"buf": 0, "buf_len": 4}
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<II")


#: ``$ciovec`` has the layout of ``$iovec`` (the buffer is only read).
Ciovec = Iovec

_IOVEC = Iovec.STRUCT


def iovecs(mem: Buffer, ptr: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` iovecs (or ciovecs) at ``ptr`` as ``[(buf, buf_len), ...]``.

    One ``struct.unpack_from`` for the whole array. The buffers themselves are not checked:
    take them with :func:`~wasi_notebook.p1.memory.guest_slice`. Raises GuestMemoryError if
    the array is outside ``mem``, ``ptr`` is not 4-aligned or ``count`` is negative.
    """
    end = ptr + 8 * count
    if ptr < 0 or count < 0 or end > len(mem) or ptr & 3:
        raise GuestMemoryError(ptr, 8 * count, len(mem), 4)
    if count == 1:
        return [_IOVEC.unpack_from(mem, ptr)]
    array = _IOVEC_ARRAYS.get(count)
    if array is None:
        array = struct.Struct(f"<{2 * count}I")
        if count <= 64:  # guests use a few iovecs; keep the compiled formats for those
            _IOVEC_ARRAYS[count] = array
    flat = iter(array.unpack_from(mem, ptr))
    return list(zip(flat, flat))


_IOVEC_ARRAYS: dict[int, struct.Struct] = {}


def store_iovecs(mem: Buffer, ptr: int, pairs: Sequence[tuple[int, int]]) -> None:
    """Write ``[(buf, buf_len), ...]`` as an iovec array at ``ptr`` (for tests and tools).

    Raises GuestMemoryError if the array does not fit at ``ptr`` or ``ptr`` is not 4-aligned.
    """
    size = 8 * len(pairs)
    if ptr < 0 or ptr + size > len(mem) or ptr & 3:
        raise GuestMemoryError(ptr, size, len(mem), 4)
    flat = [v for pair in pairs for v in pair]
    struct.pack_into(f"<{len(flat)}I", mem, ptr, *flat)


@dataclass(frozen=True, slots=True)
class Fdstat(_Codec):
    """``$fdstat`` (24 bytes, align 8), what ``fd_fdstat_get`` writes."""

    fs_filetype: int
    fs_flags: int
    fs_rights_base: int
    fs_rights_inheriting: int

    SIZE: ClassVar[int] = 24
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {
        "fs_filetype": 0,
        "fs_flags": 2,
        "fs_rights_base": 8,
        "fs_rights_inheriting": 16,
    }
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<BxH4xQQ")


@dataclass(frozen=True, slots=True)
class Filestat(_Codec):
    """``$filestat`` (64 bytes, align 8), what ``fd_filestat_get``/``path_filestat_get`` write."""

    dev: int
    ino: int
    filetype: int
    nlink: int
    size: int
    atim: int
    mtim: int
    ctim: int

    SIZE: ClassVar[int] = 64
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {
        "dev": 0,
        "ino": 8,
        "filetype": 16,
        "nlink": 24,
        "size": 32,
        "atim": 40,
        "mtim": 48,
        "ctim": 56,
    }
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<QQB7xQQQQQ")


@dataclass(frozen=True, slots=True)
class Dirent(_Codec):
    """``$dirent`` (24 bytes, align 8), the header of one ``fd_readdir`` entry.

    In the buffer ``fd_readdir`` fills, each header is followed by ``d_namlen`` bytes of name
    (no terminator, no padding); :meth:`encode` builds both.
    """

    d_next: int
    d_ino: int
    d_namlen: int
    d_type: int

    SIZE: ClassVar[int] = 24
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {"d_next": 0, "d_ino": 8, "d_namlen": 16, "d_type": 20}
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<QQIB3x")

    @staticmethod
    def encode(d_next: int, d_ino: int, name: bytes, d_type: int) -> bytes:
        """Header and name of one entry, as ``fd_readdir`` lays them out.

        Raises struct.error if a number does not fit its field.
        """
        return _DIRENT.pack(d_next, d_ino, len(name), d_type) + name


_DIRENT = Dirent.STRUCT


@dataclass(frozen=True, slots=True)
class Prestat(_Codec):
    """``$prestat`` (8 bytes, align 4), what ``fd_prestat_get`` writes.

    A union tagged by :class:`~wasi_notebook.p1.defs.Preopentype` whose one variant (``dir``)
    holds the length of the preopened directory's name, ``pr_name_len``.
    """

    tag: int
    pr_name_len: int

    SIZE: ClassVar[int] = 8
    ALIGN: ClassVar[int] = 4
    OFFSETS: ClassVar[Mapping[str, int]] = {"tag": 0, "pr_name_len": 4}
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<B3xI")


@dataclass(frozen=True, slots=True)
class SubscriptionClock:
    """``$subscription_clock`` (32 bytes, align 8), the clock variant of a subscription.

    ``OFFSETS`` are relative to the union's contents (offset 16 in the subscription).
    """

    id: int
    timeout: int
    precision: int
    flags: int

    SIZE: ClassVar[int] = 32
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {"id": 0, "timeout": 8, "precision": 16, "flags": 24}


@dataclass(frozen=True, slots=True)
class SubscriptionFdReadwrite:
    """``$subscription_fd_readwrite`` (4 bytes, align 4), the fd_read/fd_write variant."""

    file_descriptor: int

    SIZE: ClassVar[int] = 4
    ALIGN: ClassVar[int] = 4
    OFFSETS: ClassVar[Mapping[str, int]] = {"file_descriptor": 0}


@dataclass(frozen=True, slots=True)
class Subscription(_Codec):
    """``$subscription`` (48 bytes, align 8), one entry of ``poll_oneoff``'s input.

    ``type`` is the union's tag (offset 8) and ``u`` its contents (offset 16): a
    :class:`SubscriptionClock` for ``Eventtype.CLOCK``, a :class:`SubscriptionFdReadwrite`
    for ``FD_READ`` and ``FD_WRITE``. Building one whose ``u`` does not match ``type`` raises
    ValueError.
    """

    userdata: int
    type: Eventtype
    u: SubscriptionClock | SubscriptionFdReadwrite

    SIZE: ClassVar[int] = 48
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {"userdata": 0, "type": 8, "u": 16}
    # userdata, tag, the u32 at 16 (clock id or file descriptor), timeout, precision, flags
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<QB7xI4xQQH6x")

    def __post_init__(self) -> None:
        want = SubscriptionClock if self.type == Eventtype.CLOCK else SubscriptionFdReadwrite
        if not isinstance(self.u, want):
            raise ValueError(f"a {Eventtype(self.type).name} subscription holds a {want.__name__}")

    def _values(self) -> tuple[Any, ...]:
        u = self.u
        if isinstance(u, SubscriptionClock):
            return (self.userdata, self.type, u.id, u.timeout, u.precision, u.flags)
        return (self.userdata, self.type, u.file_descriptor, 0, 0, 0)

    @classmethod
    def unpack_from(cls, mem: Buffer, ptr: int) -> Self:
        """Read the subscription at ``ptr``.

        Raises GuestMemoryError if out of bounds or not 8-aligned, and
        ``WasiError(Errno.INVAL)`` if the tag is not an :class:`Eventtype`.
        """
        if ptr < 0 or ptr + 48 > len(mem) or ptr & 7:
            raise GuestMemoryError(ptr, 48, len(mem), 8)
        return cls._from_values(*_SUBSCRIPTION.unpack_from(mem, ptr))

    @classmethod
    def unpack_array(cls, mem: Buffer, ptr: int, count: int) -> list[Self]:
        """The ``count`` subscriptions at ``ptr`` (``poll_oneoff``'s ``in``).

        Raises GuestMemoryError if the array is outside ``mem``, misaligned or ``count`` is
        negative, and ``WasiError(Errno.INVAL)`` for a tag that is not an :class:`Eventtype`.
        """
        size = 48 * count
        if ptr < 0 or count < 0 or ptr + size > len(mem) or ptr & 7:
            raise GuestMemoryError(ptr, size, len(mem), 8)
        view = memoryview(mem)[ptr : ptr + size]
        return [cls._from_values(*values) for values in _SUBSCRIPTION.iter_unpack(view)]

    @classmethod
    def _from_values(
        cls, userdata: int, tag: int, word: int, timeout: int, precision: int, flags: int
    ) -> Self:
        if tag == 0:
            return cls(userdata, Eventtype.CLOCK, SubscriptionClock(word, timeout, precision, flags))
        if tag == 1 or tag == 2:
            return cls(userdata, Eventtype(tag), SubscriptionFdReadwrite(word))
        raise WasiError(Errno.INVAL, detail=f"subscription tag {tag} is not an eventtype")


_SUBSCRIPTION = Subscription.STRUCT


@dataclass(frozen=True, slots=True)
class Event(_Codec):
    """``$event`` (32 bytes, align 8), one entry of ``poll_oneoff``'s output.

    ``nbytes`` and ``flags`` are the ``fd_readwrite`` member (offsets 16 and 24), which clock
    events leave at 0.
    """

    userdata: int
    error: int
    type: int
    nbytes: int = 0
    flags: int = 0

    SIZE: ClassVar[int] = 32
    ALIGN: ClassVar[int] = 8
    OFFSETS: ClassVar[Mapping[str, int]] = {
        "userdata": 0,
        "error": 8,
        "type": 10,
        "nbytes": 16,
        "flags": 24,
    }
    STRUCT: ClassVar[struct.Struct] = struct.Struct("<QHB5xQH6x")

    @staticmethod
    def store_array(mem: Buffer, ptr: int, events: Iterable[Event]) -> int:
        """Write ``events`` one after another at ``ptr``; returns how many were written.

        Raises GuestMemoryError (before writing anything) if they do not all fit or ``ptr``
        is not 8-aligned, struct.error if a field does not fit (a host bug).
        """
        todo = list(events)
        size = 32 * len(todo)
        if ptr < 0 or ptr + size > len(mem) or ptr & 7:
            raise GuestMemoryError(ptr, size, len(mem), 8)
        pack_into = _EVENT.pack_into
        for i, ev in enumerate(todo):
            pack_into(mem, ptr + 32 * i, ev.userdata, ev.error, ev.type, ev.nbytes, ev.flags)
        return len(todo)


_EVENT = Event.STRUCT
