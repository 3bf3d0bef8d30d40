"""Preview1's constants, enums and flags types, as the witx defines them.

The source is the witx of ``wasi_snapshot_preview1`` (``legacy/preview1/witx/typenames.witx``
in the WebAssembly/WASI repository). Names follow it, upper-cased for members
(``$symlink_follow`` is ``Lookupflags.SYMLINK_FOLLOW``); ``Errno`` lives in
:mod:`wasi_notebook.errors`. Enums derive from :class:`WasiEnum` and flags types from
:class:`WasiFlags`; both have ``from_guest(value)``, which raises ``WasiError(Errno.INVAL)``
for a value the witx does not define, and every flags type has ``MASK``, the OR of its
defined bits. ``tests/p1/test_defs.py`` checks every constant against wasi-libc's
``<wasi/api.h>``, which is generated from the same witx.
"""

from __future__ import annotations

import enum
import types
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..errors import Errno, WasiError

if TYPE_CHECKING:
    from typing import Self

__all__ = [
    "MODULE",
    "DIRCOOKIE_START",
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
    "ENUM_TYPES",
    "FLAGS_TYPES",
    "format_flags",
    "as_ints",
]

#: The import module name of every preview1 function.
MODULE = "wasi_snapshot_preview1"

#: The ``dircookie`` that starts a directory listing from its first entry.
DIRCOOKIE_START = 0



class WasiEnum(enum.IntEnum):
    """Base of the preview1 enums; adds :meth:`from_guest`."""

    @classmethod
    def from_guest(cls, value: int) -> Self:
        """The member for ``value``; raises ``WasiError(Errno.INVAL)`` if the witx defines none."""
        member = cls._value2member_map_.get(value)  # a dict lookup: cls(value) costs far more
        if member is None:
            raise WasiError(Errno.INVAL, detail=f"{value} is not a {cls.__name__}")
        return member  # type: ignore[return-value]


class WasiFlags(enum.IntFlag):
    """Base of the preview1 flags types.

    Each subclass has ``MASK``, the OR of the bits the witx defines (set once the class is
    built, so it is a plain ``int``). Undefined bits are kept, not dropped (``boundary=KEEP``,
    the IntFlag default), so ``Oflags(0x41)`` is valid and :func:`format_flags` can show them.
    """

    MASK: ClassVar[int]

    @classmethod
    def from_guest(cls, value: int) -> int:
        """``value`` itself, as a plain int (cheap on hot paths); raises ``WasiError(Errno.INVAL)``
        if it has a bit outside ``MASK``."""
        extra = value & ~cls.MASK
        if extra:
            raise WasiError(Errno.INVAL, detail=f"undefined {cls.__name__} bits {extra & 0xFFFFFFFFFFFFFFFF:#x}")
        return value


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


def as_ints(flags_type: type[enum.Flag]) -> Any:
    """The members of a flags type as plain ints (``as_ints(Rights).FD_READ == 2``), for hot
    paths where IntFlag arithmetic would cost a microsecond a call."""
    return types.SimpleNamespace(**{name: int(member) for name, member in flags_type.__members__.items()})


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
