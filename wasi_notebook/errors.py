"""The one exception type for guest-visible failures, and the WASI errno it carries.

Everything below the ABI adapters (MemFs, the context) raises :class:`WasiError` with an
:class:`Errno`; each adapter turns it into a number (preview1) or an error-code case
(preview2) at exactly one place. Any other exception is a bug in the host.

The numbering is preview1's ``errno`` enum from the witx (``$errno`` in
``wasi_snapshot_preview1.witx``), which wasi-libc's ``<wasi/api.h>`` repeats as
``__WASI_ERRNO_*``; ``tests/test_errors.py`` checks a few of them against that header.
"""

from __future__ import annotations

import enum

__all__ = ["Errno", "WasiError"]


class Errno(enum.IntEnum):
    """A preview1 errno. ``Errno.NOENT.describe()`` gives the human text."""

    SUCCESS = 0
    _2BIG = 1
    ACCES = 2
    ADDRINUSE = 3
    ADDRNOTAVAIL = 4
    AFNOSUPPORT = 5
    AGAIN = 6
    ALREADY = 7
    BADF = 8
    BADMSG = 9
    BUSY = 10
    CANCELED = 11
    CHILD = 12
    CONNABORTED = 13
    CONNREFUSED = 14
    CONNRESET = 15
    DEADLK = 16
    DESTADDRREQ = 17
    DOM = 18
    DQUOT = 19
    EXIST = 20
    FAULT = 21
    FBIG = 22
    HOSTUNREACH = 23
    IDRM = 24
    ILSEQ = 25
    INPROGRESS = 26
    INTR = 27
    INVAL = 28
    IO = 29
    ISCONN = 30
    ISDIR = 31
    LOOP = 32
    MFILE = 33
    MLINK = 34
    MSGSIZE = 35
    MULTIHOP = 36
    NAMETOOLONG = 37
    NETDOWN = 38
    NETRESET = 39
    NETUNREACH = 40
    NFILE = 41
    NOBUFS = 42
    NODEV = 43
    NOENT = 44
    NOEXEC = 45
    NOLCK = 46
    NOLINK = 47
    NOMEM = 48
    NOMSG = 49
    NOPROTOOPT = 50
    NOSPC = 51
    NOSYS = 52
    NOTCONN = 53
    NOTDIR = 54
    NOTEMPTY = 55
    NOTRECOVERABLE = 56
    NOTSOCK = 57
    NOTSUP = 58
    NOTTY = 59
    NXIO = 60
    OVERFLOW = 61
    OWNERDEAD = 62
    PERM = 63
    PIPE = 64
    PROTO = 65
    PROTONOSUPPORT = 66
    PROTOTYPE = 67
    RANGE = 68
    ROFS = 69
    SPIPE = 70
    SRCH = 71
    STALE = 72
    TIMEDOUT = 73
    TXTBSY = 74
    XDEV = 75
    NOTCAPABLE = 76

    @property
    def label(self) -> str:
        """The name a person reads: ``NOENT``, ``2BIG``."""
        return self.name.lstrip("_")

    def describe(self) -> str:
        return _DESCRIPTIONS.get(self, self.label.lower())

    @classmethod
    def from_label(cls, label: str) -> Errno:
        """``"noent"``, ``"ENOENT"`` or ``"2big"`` to the member; ValueError names the bad label."""
        key = label.strip().upper()
        if key.startswith("E") and key[1:] in _BY_LABEL and key not in _BY_LABEL:
            key = key[1:]
        try:
            return _BY_LABEL[key]
        except KeyError:
            raise ValueError(f"unknown WASI errno {label!r} (expected a name such as NOENT or ACCES)") from None


_BY_LABEL = {e.label: e for e in Errno}

# The texts a guest's strerror would give for the errnos a person meets most.
_DESCRIPTIONS = {
    Errno.SUCCESS: "success",
    Errno._2BIG: "argument list too long",
    Errno.ACCES: "permission denied",
    Errno.AGAIN: "resource unavailable, try again",
    Errno.BADF: "bad file descriptor",
    Errno.BUSY: "device or resource busy",
    Errno.EXIST: "file exists",
    Errno.FAULT: "bad address",
    Errno.FBIG: "file too large",
    Errno.ILSEQ: "illegal byte sequence",
    Errno.INVAL: "invalid argument",
    Errno.IO: "I/O error",
    Errno.ISDIR: "is a directory",
    Errno.LOOP: "too many levels of symbolic links",
    Errno.MFILE: "too many open files",
    Errno.MLINK: "too many links",
    Errno.NAMETOOLONG: "file name too long",
    Errno.NOENT: "no such file or directory",
    Errno.NOMEM: "not enough memory",
    Errno.NOSPC: "no space left on device",
    Errno.NOSYS: "function not implemented",
    Errno.NOTDIR: "not a directory",
    Errno.NOTEMPTY: "directory not empty",
    Errno.NOTSOCK: "not a socket",
    Errno.NOTSUP: "not supported",
    Errno.OVERFLOW: "value too large",
    Errno.PERM: "operation not permitted",
    Errno.PIPE: "broken pipe",
    Errno.SPIPE: "invalid seek",
    Errno.XDEV: "cross-device link",
    Errno.NOTCAPABLE: "capabilities insufficient",
}


class WasiError(Exception):
    """A failure a guest should see as ``errno``.

    ``WasiError(Errno.NOENT, "a/b.txt")`` reads as
    ``NOENT: no such file or directory: 'a/b.txt'``; ``detail`` may add what to do about it.
    """

    def __init__(self, errno: Errno, path: str | None = None, detail: str | None = None) -> None:
        self.errno = Errno(errno)
        self.path = path
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.errno.label}: {self.errno.describe()}"
        if self.path is not None:
            text += f": {self.path!r}"
        if self.detail:
            text += f" ({self.detail})"
        return text

    def __repr__(self) -> str:
        return f"WasiError(Errno.{self.errno.name}, path={self.path!r})"

    def __reduce__(self):  # keep pickling (multiprocessing, hypothesis) working
        return (type(self), (self.errno, self.path, self.detail))
