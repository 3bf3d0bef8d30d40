"""Preview1 in one place: its enums, flags, struct layouts and function signatures.

The source is the witx of ``wasi_snapshot_preview1`` (``legacy/preview1/witx/typenames.witx``
and ``wasi_snapshot_preview1.witx`` in the WebAssembly/WASI repository). Names follow the witx,
upper-cased for members (``$symlink_follow`` is ``Lookupflags.SYMLINK_FOLLOW``); struct fields
keep their witx names (``Fdstat.fs_rights_base``). ``tests/p1/test_defs.py`` compiles C against
wasi-libc's ``<wasi/api.h>`` (generated from the same witx) and checks every constant, size,
offset and imported function type here against it.

What is here:

- enums (:class:`WasiEnum`) and flags (:class:`WasiFlags`); every flags type has ``MASK``, the
  OR of its defined bits, and both have ``from_guest(value)``, which raises
  ``WasiError(Errno.INVAL)`` for a value the witx does not define;
- :func:`format_flags`, ``CREAT|TRUNC`` for a person to read;
- struct codecs (:class:`Fdstat`, :class:`Filestat`, :class:`Dirent`, :class:`Prestat`,
  :class:`Subscription`, :class:`Event`, :class:`Iovec`) with ``SIZE``, ``ALIGN``, ``OFFSETS``
  and a precompiled little-endian ``STRUCT``, packing into and unpacking from any writable
  buffer (a memoryview or bytearray of guest memory) at an offset, plus the hot-path helpers
  :func:`iovecs`, :func:`guest_slice`, :func:`guest_str` and ``load_*``/``store_*``;
- :data:`SIGNATURES`, the 46 functions in witx order, each with its parameters and their
  decoding kinds, the pointers it writes results to, and its core wasm type.

Guest pointers reach these helpers as unsigned Python ints. A pointer (plus length) outside
the buffer, or not aligned for what it points at, raises :class:`GuestMemoryError`: the witx
says such a call shall trap, so a host lets it propagate rather than turning it into an errno.
"""

from __future__ import annotations

import enum
import operator
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Union

from ..errors import Errno, WasiError

if TYPE_CHECKING:
    from typing import Self

    import wasmtime

__all__ = [
    "MODULE",
    "DIRCOOKIE_START",
    "Errno",
    # enums and flags
    "WasiEnum",
    "WasiFlags",
    "Filetype",
    "Whence",
    "Advice",
    "Clockid",
    "Eventtype",
    "Preopentype",
    "Signal",
    "Rights",
    "Oflags",
    "Fdflags",
    "Lookupflags",
    "Fstflags",
    "Subclockflags",
    "Eventrwflags",
    "Riflags",
    "Roflags",
    "Siflags",
    "Sdflags",
    "FLAGS_TYPES",
    "ENUM_TYPES",
    "format_flags",
    # guest memory
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
    # structs
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
    # signatures
    "PARAM_KINDS",
    "POINTER_LENGTHS",
    "SIGNED_KINDS",
    "KIND_TYPES",
    "RESULT_KINDS",
    "Param",
    "ResultPtr",
    "Signature",
    "SIGNATURES",
    "load_result",
]

#: The import module name of every preview1 function.
MODULE = "wasi_snapshot_preview1"

#: The ``dircookie`` that starts a directory listing from its first entry.
DIRCOOKIE_START = 0


# --------------------------------------------------------------------------------------------
# Enums and flags
# --------------------------------------------------------------------------------------------


class WasiEnum(enum.IntEnum):
    """Base of the preview1 enums; adds :meth:`from_guest`."""

    @classmethod
    def from_guest(cls, value: int) -> Self:
        """The member for ``value``; raises ``WasiError(Errno.INVAL)`` if the witx defines none."""
        try:
            return cls(value)
        except ValueError:
            raise WasiError(Errno.INVAL, detail=f"{value} is not a {cls.__name__}") from None


class WasiFlags(enum.IntFlag):
    """Base of the preview1 flags types.

    Each subclass has ``MASK``, the OR of the bits the witx defines (set once the class is
    built, so it is a plain ``int``). Undefined bits are kept, not dropped (``boundary=KEEP``,
    the IntFlag default), so ``Oflags(0x41)`` is valid and :func:`format_flags` can show them.
    """

    MASK: ClassVar[int]

    @classmethod
    def from_guest(cls, value: int) -> Self:
        """``cls(value)``; raises ``WasiError(Errno.INVAL)`` if ``value`` has a bit outside ``MASK``."""
        extra = value & ~cls.MASK
        if extra:
            raise WasiError(Errno.INVAL, detail=f"undefined {cls.__name__} bits {extra & 0xFFFFFFFFFFFFFFFF:#x}")
        return cls(value)


_F = TypeVar("_F", bound=type[WasiFlags])


def _with_mask(cls: _F) -> _F:
    mask = 0
    for member in cls:  # canonical single-bit members only; multi-bit groups are aliases
        mask |= member.value
    setattr(cls, "MASK", mask)
    return cls


class Filetype(WasiEnum):
    """``$filetype`` (u8): the type of a file descriptor or file."""

    UNKNOWN = 0
    BLOCK_DEVICE = 1
    CHARACTER_DEVICE = 2
    DIRECTORY = 3
    REGULAR_FILE = 4
    SOCKET_DGRAM = 5
    SOCKET_STREAM = 6
    SYMBOLIC_LINK = 7


class Whence(WasiEnum):
    """``$whence`` (u8): the position ``fd_seek`` is relative to."""

    SET = 0
    CUR = 1
    END = 2


class Advice(WasiEnum):
    """``$advice`` (u8): the access pattern ``fd_advise`` announces."""

    NORMAL = 0
    SEQUENTIAL = 1
    RANDOM = 2
    WILLNEED = 3
    DONTNEED = 4
    NOREUSE = 5


class Clockid(WasiEnum):
    """``$clockid`` (u32)."""

    REALTIME = 0
    MONOTONIC = 1
    PROCESS_CPUTIME_ID = 2
    THREAD_CPUTIME_ID = 3


class Eventtype(WasiEnum):
    """``$eventtype`` (u8): the tag of a subscription and the type of an event."""

    CLOCK = 0
    FD_READ = 1
    FD_WRITE = 2


class Preopentype(WasiEnum):
    """``$preopentype`` (u8): the tag of a ``prestat``."""

    DIR = 0


class Signal(WasiEnum):
    """``$signal`` (u8), the argument of ``proc_raise``.

    wasi-libc no longer declares this enum nor ``proc_raise`` in ``<wasi/api.h>``; the values
    are the witx order.
    """

    NONE = 0
    HUP = 1
    INT = 2
    QUIT = 3
    ILL = 4
    TRAP = 5
    ABRT = 6
    BUS = 7
    FPE = 8
    KILL = 9
    USR1 = 10
    SEGV = 11
    USR2 = 12
    PIPE = 13
    ALRM = 14
    TERM = 15
    CHLD = 16
    CONT = 17
    STOP = 18
    TSTP = 19
    TTIN = 20
    TTOU = 21
    URG = 22
    XCPU = 23
    XFSZ = 24
    VTALRM = 25
    PROF = 26
    WINCH = 27
    POLL = 28
    PWR = 29
    SYS = 30


@_with_mask
class Rights(WasiFlags):
    """``$rights`` (u64): what a file descriptor may be used for.

    Besides the 30 bits, some groups a host hands out (aliases, not listed when iterating):
    ``FILE`` (what applies to a regular file), ``DIRECTORY`` (what applies to a directory
    itself), ``DIRECTORY_INHERITING`` (what a preopened directory passes to what is opened
    through it: ``DIRECTORY | FILE``), ``STDIO`` (a stream such as stdin/stdout),
    ``SOCKET`` and ``ALL``.
    """

    FD_DATASYNC = 1 << 0
    FD_READ = 1 << 1
    FD_SEEK = 1 << 2
    FD_FDSTAT_SET_FLAGS = 1 << 3
    FD_SYNC = 1 << 4
    FD_TELL = 1 << 5
    FD_WRITE = 1 << 6
    FD_ADVISE = 1 << 7
    FD_ALLOCATE = 1 << 8
    PATH_CREATE_DIRECTORY = 1 << 9
    PATH_CREATE_FILE = 1 << 10
    PATH_LINK_SOURCE = 1 << 11
    PATH_LINK_TARGET = 1 << 12
    PATH_OPEN = 1 << 13
    FD_READDIR = 1 << 14
    PATH_READLINK = 1 << 15
    PATH_RENAME_SOURCE = 1 << 16
    PATH_RENAME_TARGET = 1 << 17
    PATH_FILESTAT_GET = 1 << 18
    PATH_FILESTAT_SET_SIZE = 1 << 19
    PATH_FILESTAT_SET_TIMES = 1 << 20
    FD_FILESTAT_GET = 1 << 21
    FD_FILESTAT_SET_SIZE = 1 << 22
    FD_FILESTAT_SET_TIMES = 1 << 23
    PATH_SYMLINK = 1 << 24
    PATH_REMOVE_DIRECTORY = 1 << 25
    PATH_UNLINK_FILE = 1 << 26
    POLL_FD_READWRITE = 1 << 27
    SOCK_SHUTDOWN = 1 << 28
    SOCK_ACCEPT = 1 << 29

    FILE = (
        FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE
    )
    DIRECTORY = (
        FD_DATASYNC
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_READDIR
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | POLL_FD_READWRITE
    )
    DIRECTORY_INHERITING = DIRECTORY | FILE
    STDIO = FD_READ | FD_WRITE | FD_FDSTAT_SET_FLAGS | FD_FILESTAT_GET | POLL_FD_READWRITE
    SOCKET = STDIO | SOCK_SHUTDOWN | SOCK_ACCEPT
    ALL = (1 << 30) - 1


@_with_mask
class Oflags(WasiFlags):
    """``$oflags`` (u16): how ``path_open`` opens."""

    CREAT = 1 << 0
    DIRECTORY = 1 << 1
    EXCL = 1 << 2
    TRUNC = 1 << 3


@_with_mask
class Fdflags(WasiFlags):
    """``$fdflags`` (u16): file descriptor flags."""

    APPEND = 1 << 0
    DSYNC = 1 << 1
    NONBLOCK = 1 << 2
    RSYNC = 1 << 3
    SYNC = 1 << 4


@_with_mask
class Lookupflags(WasiFlags):
    """``$lookupflags`` (u32): how a path is resolved."""

    SYMLINK_FOLLOW = 1 << 0


@_with_mask
class Fstflags(WasiFlags):
    """``$fstflags`` (u16): which timestamps ``*_filestat_set_times`` adjusts."""

    ATIM = 1 << 0
    ATIM_NOW = 1 << 1
    MTIM = 1 << 2
    MTIM_NOW = 1 << 3


@_with_mask
class Subclockflags(WasiFlags):
    """``$subclockflags`` (u16): how a clock subscription's timeout is read."""

    SUBSCRIPTION_CLOCK_ABSTIME = 1 << 0


@_with_mask
class Eventrwflags(WasiFlags):
    """``$eventrwflags`` (u16): the state of an fd_read/fd_write event."""

    FD_READWRITE_HANGUP = 1 << 0


@_with_mask
class Riflags(WasiFlags):
    """``$riflags`` (u16): flags given to ``sock_recv``."""

    RECV_PEEK = 1 << 0
    RECV_WAITALL = 1 << 1


@_with_mask
class Roflags(WasiFlags):
    """``$roflags`` (u16): flags returned by ``sock_recv``."""

    RECV_DATA_TRUNCATED = 1 << 0


@_with_mask
class Siflags(WasiFlags):
    """``$siflags`` (u16): flags given to ``sock_send``. The witx defines no bit: ``MASK`` is 0."""

    NONE = 0


@_with_mask
class Sdflags(WasiFlags):
    """``$sdflags`` (u8): which channels ``sock_shutdown`` closes."""

    RD = 1 << 0
    WR = 1 << 1


#: The enums, in witx order (``Errno`` lives in :mod:`wasi_notebook.errors`).
ENUM_TYPES: tuple[type[WasiEnum], ...] = (
    Clockid,
    Whence,
    Filetype,
    Advice,
    Eventtype,
    Signal,
    Preopentype,
)

#: The flags types, in witx order.
FLAGS_TYPES: tuple[type[WasiFlags], ...] = (
    Rights,
    Fdflags,
    Fstflags,
    Lookupflags,
    Oflags,
    Eventrwflags,
    Subclockflags,
    Riflags,
    Roflags,
    Siflags,
    Sdflags,
)

_FLAG_BITS: dict[type, tuple[tuple[int, str], ...]] = {}


def format_flags(value: int, flags_type: type[enum.Flag]) -> str:
    """Render ``value`` as its bit names joined by ``|``, lowest bit first.

    ``format_flags(9, Oflags) == "CREAT|TRUNC"``; no bit gives ``"0"``; bits the type does not
    define come last as one hex number: ``format_flags(0x41, Oflags) == "CREAT|0x40"``.
    Raises ValueError for a negative value.
    """
    value = int(value)
    if value < 0:
        raise ValueError(f"flags value must not be negative, got {value}")
    if value == 0:
        return "0"
    bits = _FLAG_BITS.get(flags_type)
    if bits is None:
        bits = tuple(sorted((int(m.value), str(m.name)) for m in flags_type))
        _FLAG_BITS[flags_type] = bits
    parts = []
    rest = value
    for bit, name in bits:
        if value & bit:
            parts.append(name)
            rest &= ~bit
    if rest:
        parts.append(f"{rest:#x}")
    return "|".join(parts)


# --------------------------------------------------------------------------------------------
# Guest memory
# --------------------------------------------------------------------------------------------

#: What the codecs read from and write to: guest memory as a memoryview or bytearray
#: (``bytes`` also works for reading).
Buffer = Union[memoryview, bytearray, bytes]


class GuestMemoryError(Exception):
    """A guest pointer (plus size) outside guest memory, or not aligned for what it points at.

    Not a :class:`WasiError`: preview1 says such a call shall trap, so a host lets this
    propagate. ``ptr``, ``size`` and ``memory_size`` say what was asked.
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
        super().__init__(text)


def _fault(mem: Buffer, ptr: int, size: int, align: int = 1) -> GuestMemoryError:
    return GuestMemoryError(ptr, size, len(mem), align)


def guest_slice(mem: Buffer, ptr: int, length: int) -> memoryview:
    """A view of ``length`` bytes of ``mem`` at ``ptr`` (no copy).

    Raises GuestMemoryError if the range is not inside ``mem``; slicing alone would silently
    cut it short.
    """
    if ptr < 0 or length < 0 or ptr + length > len(mem):
        raise _fault(mem, ptr, length)
    return memoryview(mem)[ptr : ptr + length]


def guest_str(mem: Buffer, ptr: int, length: int) -> str:
    """The UTF-8 string of ``length`` bytes at ``ptr`` (a path, a symlink's contents).

    Raises GuestMemoryError if the range is outside ``mem`` and ``WasiError(Errno.ILSEQ)`` if
    the bytes are not UTF-8.
    """
    if ptr < 0 or length < 0 or ptr + length > len(mem):
        raise _fault(mem, ptr, length)
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
        raise _fault(mem, ptr, 2, 2)
    return int(_U16.unpack_from(mem, ptr)[0])


def load_u32(mem: Buffer, ptr: int) -> int:
    """The u32 at ``ptr``; raises GuestMemoryError if out of bounds or not 4-aligned."""
    if ptr < 0 or ptr + 4 > len(mem) or ptr & 3:
        raise _fault(mem, ptr, 4, 4)
    return int(_U32.unpack_from(mem, ptr)[0])


def load_u64(mem: Buffer, ptr: int) -> int:
    """The u64 at ``ptr``; raises GuestMemoryError if out of bounds or not 8-aligned."""
    if ptr < 0 or ptr + 8 > len(mem) or ptr & 7:
        raise _fault(mem, ptr, 8, 8)
    return int(_U64.unpack_from(mem, ptr)[0])


def store_u16(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u16 at ``ptr`` (``sock_recv``'s roflags).

    Raises GuestMemoryError if out of bounds or not 2-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 2 > len(mem) or ptr & 1:
        raise _fault(mem, ptr, 2, 2)
    _U16.pack_into(mem, ptr, value)


def store_u32(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u32 at ``ptr`` (a ``size`` result such as nwritten, or an ``fd``).

    Raises GuestMemoryError if out of bounds or not 4-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 4 > len(mem) or ptr & 3:
        raise _fault(mem, ptr, 4, 4)
    _U32.pack_into(mem, ptr, value)


def store_u64(mem: Buffer, ptr: int, value: int) -> None:
    """Write a u64 at ``ptr`` (a ``timestamp`` or ``filesize`` result).

    Raises GuestMemoryError if out of bounds or not 8-aligned, struct.error if ``value`` does
    not fit (a host bug).
    """
    if ptr < 0 or ptr + 8 > len(mem) or ptr & 7:
        raise _fault(mem, ptr, 8, 8)
    _U64.pack_into(mem, ptr, value)


# --------------------------------------------------------------------------------------------
# Structs
#
# Each codec is a frozen dataclass holding the fields as plain ints (enum and flags members are
# ints too, so they pack as they are; unpacking gives plain ints, except a subscription's tag,
# which chooses its variant). SIZE, ALIGN and OFFSETS are the witx layout; STRUCT is the
# precompiled format, whose fields are the dataclass fields in order, so a host on a hot path
# can call ``Filestat.STRUCT.pack_into(mem, ptr, ...)`` after its own bounds check.
# --------------------------------------------------------------------------------------------


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
            raise _fault(mem, ptr, self.SIZE, self.ALIGN)
        self.STRUCT.pack_into(mem, ptr, *self._values())

    def pack(self) -> bytes:
        """The ``SIZE`` bytes of this struct. Raises struct.error if a field does not fit."""
        return self.STRUCT.pack(*self._values())

    @classmethod
    def unpack_from(cls, mem: Buffer, ptr: int) -> Self:
        """Read the struct at ``ptr``; raises GuestMemoryError if out of bounds or misaligned."""
        if ptr < 0 or ptr + cls.SIZE > len(mem) or ptr & (cls.ALIGN - 1):
            raise _fault(mem, ptr, cls.SIZE, cls.ALIGN)
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
    take them with :func:`guest_slice`. Raises GuestMemoryError if the array is outside
    ``mem``, ``ptr`` is not 4-aligned or ``count`` is negative.
    """
    end = ptr + 8 * count
    if ptr < 0 or count < 0 or end > len(mem) or ptr & 3:
        raise _fault(mem, ptr, 8 * count, 4)
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
        raise _fault(mem, ptr, size, 4)
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

    A union tagged by :class:`Preopentype` whose one variant (``dir``) holds the length of the
    preopened directory's name, ``pr_name_len``.
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
            raise _fault(mem, ptr, 48, 8)
        return cls._from_values(*_SUBSCRIPTION.unpack_from(mem, ptr))

    @classmethod
    def unpack_array(cls, mem: Buffer, ptr: int, count: int) -> list[Self]:
        """The ``count`` subscriptions at ``ptr`` (``poll_oneoff``'s ``in``).

        Raises GuestMemoryError if the array is outside ``mem``, misaligned or ``count`` is
        negative, and ``WasiError(Errno.INVAL)`` for a tag that is not an :class:`Eventtype`.
        """
        size = 48 * count
        if ptr < 0 or count < 0 or ptr + size > len(mem) or ptr & 7:
            raise _fault(mem, ptr, size, 8)
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
            raise _fault(mem, ptr, size, 8)
        pack_into = _EVENT.pack_into
        for i, ev in enumerate(todo):
            pack_into(mem, ptr + 32 * i, ev.userdata, ev.error, ev.type, ev.nbytes, ev.flags)
        return len(todo)


_EVENT = Event.STRUCT


# --------------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------------

#: Every parameter kind, with the core wasm type it travels as. What each kind means:
#:
#: - ``fd``: a file descriptor; ``exitcode``: ``proc_exit``'s code;
#: - numbers of a witx type, shown as such: ``timestamp`` (ns), ``filesize``, ``filedelta``
#:   (the only signed kind), ``dircookie``;
#: - enum and flags values, decoded with :data:`KIND_TYPES`: ``clockid``, ``whence``,
#:   ``advice``, ``signal``, ``rights``, ``oflags``, ``fdflags``, ``lookupflags``,
#:   ``fstflags``, ``riflags``, ``siflags``, ``sdflags``;
#: - pointers, each followed by its length (see :data:`POINTER_LENGTHS`): ``path_ptr`` +
#:   ``path_len`` (a UTF-8 string the host reads), ``buf_ptr`` + ``buf_len`` (bytes the host
#:   fills), ``iovs_ptr`` + ``iovs_len`` (iovecs the host fills), ``ciovs_ptr`` +
#:   ``ciovs_len`` (ciovecs the host reads);
#: - ``poll_oneoff``'s ``subscriptions_ptr`` and ``events_ptr``, sized by the ``len`` after them;
#: - ``ptr``: any other pointer (``args_get``'s ``argv`` and ``argv_buf``).
PARAM_KINDS: Mapping[str, str] = {
    "fd": "i32",
    "exitcode": "i32",
    "timestamp": "i64",
    "filesize": "i64",
    "filedelta": "i64",
    "dircookie": "i64",
    "clockid": "i32",
    "whence": "i32",
    "advice": "i32",
    "signal": "i32",
    "rights": "i64",
    "oflags": "i32",
    "fdflags": "i32",
    "lookupflags": "i32",
    "fstflags": "i32",
    "riflags": "i32",
    "siflags": "i32",
    "sdflags": "i32",
    "ptr": "i32",
    "len": "i32",
    "path_ptr": "i32",
    "path_len": "i32",
    "buf_ptr": "i32",
    "buf_len": "i32",
    "iovs_ptr": "i32",
    "iovs_len": "i32",
    "ciovs_ptr": "i32",
    "ciovs_len": "i32",
    "subscriptions_ptr": "i32",
    "events_ptr": "i32",
}

#: Pointer kinds whose length is the very next parameter, and that length's kind.
POINTER_LENGTHS: Mapping[str, str] = {
    "path_ptr": "path_len",
    "buf_ptr": "buf_len",
    "iovs_ptr": "iovs_len",
    "ciovs_ptr": "ciovs_len",
}

#: Kinds whose value is signed. All others are unsigned in the witx, though wasmtime hands
#: i32/i64 arguments over as signed Python ints: mask with 0xFFFFFFFF / 2**64 - 1 to read them.
SIGNED_KINDS: frozenset[str] = frozenset({"filedelta"})

#: Kinds decoded by an enum or flags type.
KIND_TYPES: Mapping[str, type[WasiEnum] | type[WasiFlags]] = {
    "clockid": Clockid,
    "whence": Whence,
    "advice": Advice,
    "signal": Signal,
    "rights": Rights,
    "oflags": Oflags,
    "fdflags": Fdflags,
    "lookupflags": Lookupflags,
    "fstflags": Fstflags,
    "riflags": Riflags,
    "siflags": Siflags,
    "sdflags": Sdflags,
}

#: What a function may write at a result pointer: kind -> (size in bytes, alignment).
RESULT_KINDS: Mapping[str, tuple[int, int]] = {
    "size": (4, 4),
    "fd": (4, 4),
    "timestamp": (8, 8),
    "filesize": (8, 8),
    "roflags": (2, 2),
    "fdstat": (Fdstat.SIZE, Fdstat.ALIGN),
    "filestat": (Filestat.SIZE, Filestat.ALIGN),
    "prestat": (Prestat.SIZE, Prestat.ALIGN),
}

_RESULT_STRUCTS: Mapping[str, type[_Codec]] = {"fdstat": Fdstat, "filestat": Filestat, "prestat": Prestat}


def load_result(mem: Buffer, ptr: int, kind: str) -> int | Fdstat | Filestat | Prestat:
    """Read back what a function wrote at a result pointer of ``kind`` (see :data:`RESULT_KINDS`).

    Raises KeyError for an unknown kind and GuestMemoryError if ``ptr`` is out of bounds or
    misaligned.
    """
    if kind == "size" or kind == "fd":
        return load_u32(mem, ptr)
    if kind == "timestamp" or kind == "filesize":
        return load_u64(mem, ptr)
    if kind == "roflags":
        return load_u16(mem, ptr)
    return _RESULT_STRUCTS[kind].unpack_from(mem, ptr)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Param:
    """One guest-supplied argument: its witx-derived ``name`` and how to decode it (``kind``)."""

    name: str
    kind: str

    @property
    def core(self) -> str:
        """``"i32"`` or ``"i64"``."""
        return PARAM_KINDS[self.kind]


@dataclass(frozen=True, slots=True)
class ResultPtr:
    """A pointer argument the function writes a result to when it returns SUCCESS.

    ``name`` names the pointer (``fd_ptr``); ``kind`` is what is written there, a key of
    :data:`RESULT_KINDS` (``fd``). It is always an i32 after the regular parameters.
    """

    name: str
    kind: str

    @property
    def size(self) -> int:
        """How many bytes are written."""
        return RESULT_KINDS[self.kind][0]


@dataclass(frozen=True, slots=True)
class Signature:
    """One preview1 function as a core wasm import.

    The core parameters are ``params`` followed by one i32 per entry of ``results``;
    ``core_params``/``core_names`` list them all in order. Every function returns an errno as
    one i32 except ``proc_exit``, which returns nothing and does not return (``noreturn``).
    """

    name: str
    params: tuple[Param, ...]
    results: tuple[ResultPtr, ...] = ()
    noreturn: bool = False
    core_params: tuple[str, ...] = field(init=False)
    core_names: tuple[str, ...] = field(init=False)
    core_results: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        core = tuple(p.core for p in self.params) + ("i32",) * len(self.results)
        object.__setattr__(self, "core_params", core)
        names = tuple(p.name for p in self.params) + tuple(r.name for r in self.results)
        object.__setattr__(self, "core_names", names)
        object.__setattr__(self, "core_results", () if self.noreturn else ("i32",))

    def func_type(self) -> wasmtime.FuncType:
        """The ``wasmtime.FuncType`` to define this import with."""
        import wasmtime

        def valtype(name: str) -> wasmtime.ValType:
            return wasmtime.ValType.i64() if name == "i64" else wasmtime.ValType.i32()

        return wasmtime.FuncType(
            [valtype(t) for t in self.core_params], [valtype(t) for t in self.core_results]
        )


def _sig(
    name: str,
    params: Sequence[tuple[str, str]] = (),
    results: Sequence[tuple[str, str]] = (),
    *,
    noreturn: bool = False,
) -> Signature:
    return Signature(
        name,
        tuple(Param(n, k) for n, k in params),
        tuple(ResultPtr(n, k) for n, k in results),
        noreturn,
    )


_FD = ("fd", "fd")
_PATH = (("path_ptr", "path_ptr"), ("path_len", "path_len"))
_OLD_PATH = (("old_path_ptr", "path_ptr"), ("old_path_len", "path_len"))
_NEW_PATH = (("new_path_ptr", "path_ptr"), ("new_path_len", "path_len"))
_IOVS = (("iovs_ptr", "iovs_ptr"), ("iovs_len", "iovs_len"))
_CIOVS = (("iovs_ptr", "ciovs_ptr"), ("iovs_len", "ciovs_len"))
_BUF = (("buf", "buf_ptr"), ("buf_len", "buf_len"))

#: The 46 functions of ``wasi_snapshot_preview1``, in witx order, by name. Parameter names
#: are the witx's; a string or list parameter becomes ``<name>_ptr`` and ``<name>_len``.
SIGNATURES: Mapping[str, Signature] = {
    s.name: s
    for s in (
        _sig("args_get", [("argv", "ptr"), ("argv_buf", "ptr")]),
        _sig("args_sizes_get", [], [("argc_ptr", "size"), ("argv_buf_size_ptr", "size")]),
        _sig("environ_get", [("environ", "ptr"), ("environ_buf", "ptr")]),
        _sig("environ_sizes_get", [], [("environc_ptr", "size"), ("environ_buf_size_ptr", "size")]),
        _sig("clock_res_get", [("id", "clockid")], [("resolution_ptr", "timestamp")]),
        _sig(
            "clock_time_get",
            [("id", "clockid"), ("precision", "timestamp")],
            [("time_ptr", "timestamp")],
        ),
        _sig("fd_advise", [_FD, ("offset", "filesize"), ("len", "filesize"), ("advice", "advice")]),
        _sig("fd_allocate", [_FD, ("offset", "filesize"), ("len", "filesize")]),
        _sig("fd_close", [_FD]),
        _sig("fd_datasync", [_FD]),
        _sig("fd_fdstat_get", [_FD], [("fdstat_ptr", "fdstat")]),
        _sig("fd_fdstat_set_flags", [_FD, ("flags", "fdflags")]),
        _sig(
            "fd_fdstat_set_rights",
            [_FD, ("fs_rights_base", "rights"), ("fs_rights_inheriting", "rights")],
        ),
        _sig("fd_filestat_get", [_FD], [("filestat_ptr", "filestat")]),
        _sig("fd_filestat_set_size", [_FD, ("size", "filesize")]),
        _sig(
            "fd_filestat_set_times",
            [_FD, ("atim", "timestamp"), ("mtim", "timestamp"), ("fst_flags", "fstflags")],
        ),
        _sig("fd_pread", [_FD, *_IOVS, ("offset", "filesize")], [("nread_ptr", "size")]),
        _sig("fd_prestat_get", [_FD], [("prestat_ptr", "prestat")]),
        _sig("fd_prestat_dir_name", [_FD, ("path", "buf_ptr"), ("path_len", "buf_len")]),
        _sig("fd_pwrite", [_FD, *_CIOVS, ("offset", "filesize")], [("nwritten_ptr", "size")]),
        _sig("fd_read", [_FD, *_IOVS], [("nread_ptr", "size")]),
        _sig("fd_readdir", [_FD, *_BUF, ("cookie", "dircookie")], [("bufused_ptr", "size")]),
        _sig("fd_renumber", [_FD, ("to", "fd")]),
        _sig(
            "fd_seek",
            [_FD, ("offset", "filedelta"), ("whence", "whence")],
            [("newoffset_ptr", "filesize")],
        ),
        _sig("fd_sync", [_FD]),
        _sig("fd_tell", [_FD], [("offset_ptr", "filesize")]),
        _sig("fd_write", [_FD, *_CIOVS], [("nwritten_ptr", "size")]),
        _sig("path_create_directory", [_FD, *_PATH]),
        _sig(
            "path_filestat_get",
            [_FD, ("flags", "lookupflags"), *_PATH],
            [("filestat_ptr", "filestat")],
        ),
        _sig(
            "path_filestat_set_times",
            [
                _FD,
                ("flags", "lookupflags"),
                *_PATH,
                ("atim", "timestamp"),
                ("mtim", "timestamp"),
                ("fst_flags", "fstflags"),
            ],
        ),
        _sig(
            "path_link",
            [("old_fd", "fd"), ("old_flags", "lookupflags"), *_OLD_PATH, ("new_fd", "fd"), *_NEW_PATH],
        ),
        _sig(
            "path_open",
            [
                _FD,
                ("dirflags", "lookupflags"),
                *_PATH,
                ("oflags", "oflags"),
                ("fs_rights_base", "rights"),
                ("fs_rights_inheriting", "rights"),
                ("fdflags", "fdflags"),
            ],
            [("fd_ptr", "fd")],
        ),
        _sig("path_readlink", [_FD, *_PATH, *_BUF], [("bufused_ptr", "size")]),
        _sig("path_remove_directory", [_FD, *_PATH]),
        _sig("path_rename", [_FD, *_OLD_PATH, ("new_fd", "fd"), *_NEW_PATH]),
        # old_path is the link's contents, a string the host stores rather than resolves.
        _sig("path_symlink", [*_OLD_PATH, _FD, *_NEW_PATH]),
        _sig("path_unlink_file", [_FD, *_PATH]),
        _sig(
            "poll_oneoff",
            [("in", "subscriptions_ptr"), ("out", "events_ptr"), ("nsubscriptions", "len")],
            [("nevents_ptr", "size")],
        ),
        _sig("proc_exit", [("rval", "exitcode")], noreturn=True),
        _sig("proc_raise", [("sig", "signal")]),
        _sig("sched_yield"),
        _sig("random_get", _BUF),
        _sig("sock_accept", [_FD, ("flags", "fdflags")], [("fd_ptr", "fd")]),
        _sig(
            "sock_recv",
            [_FD, ("ri_data_ptr", "iovs_ptr"), ("ri_data_len", "iovs_len"), ("ri_flags", "riflags")],
            [("ro_datalen_ptr", "size"), ("ro_flags_ptr", "roflags")],
        ),
        _sig(
            "sock_send",
            [_FD, ("si_data_ptr", "ciovs_ptr"), ("si_data_len", "ciovs_len"), ("si_flags", "siflags")],
            [("so_datalen_ptr", "size")],
        ),
        _sig("sock_shutdown", [_FD, ("how", "sdflags")]),
    )
}
