"""The one place a WasiError becomes a preview2 error case: ``wasi:filesystem/types.error-code``,
a stream's ``last-operation-failed``, and (by :func:`failure`) whichever of them a function of a
given interface answers with."""

from __future__ import annotations

from typing import Any, Callable

from wasmtime.component import Variant

from ..errors import Errno, WasiError

__all__ = ["error_code", "ERROR_CODES", "failure", "socket_error_code", "http_error_code"]

# error-code cases of wasi:filesystem/types@0.2.x, by the preview1 errno each stands for
# (the same pairs wasmtime's preview1 adapter uses, read in the other direction).
ERROR_CODES: dict[Errno, str] = {
    Errno.ACCES: "access",
    Errno.AGAIN: "would-block",
    Errno.ALREADY: "already",
    Errno.BADF: "bad-descriptor",
    Errno.BUSY: "busy",
    Errno.DEADLK: "deadlock",
    Errno.DQUOT: "quota",
    Errno.EXIST: "exist",
    Errno.FBIG: "file-too-large",
    Errno.ILSEQ: "illegal-byte-sequence",
    Errno.INPROGRESS: "in-progress",
    Errno.INTR: "interrupted",
    Errno.INVAL: "invalid",
    Errno.IO: "io",
    Errno.ISDIR: "is-directory",
    Errno.LOOP: "loop",
    Errno.MLINK: "too-many-links",
    Errno.MSGSIZE: "message-size",
    Errno.NAMETOOLONG: "name-too-long",
    Errno.NODEV: "no-device",
    Errno.NOENT: "no-entry",
    Errno.NOLCK: "no-lock",
    Errno.NOMEM: "insufficient-memory",
    Errno.NOSPC: "insufficient-space",
    Errno.NOTDIR: "not-directory",
    Errno.NOTEMPTY: "not-empty",
    Errno.NOTRECOVERABLE: "not-recoverable",
    Errno.NOTSUP: "unsupported",
    Errno.NOTTY: "no-tty",
    Errno.NXIO: "no-such-device",
    Errno.OVERFLOW: "overflow",
    Errno.PERM: "not-permitted",
    Errno.PIPE: "pipe",
    Errno.ROFS: "read-only",
    Errno.SPIPE: "invalid-seek",
    Errno.TXTBSY: "text-file-busy",
    Errno.XDEV: "cross-device",
    # preview1 errnos with no case of their own in preview2
    Errno.NOTCAPABLE: "not-permitted",  # what wasmtime's p2 host answers for an escape
    Errno.NOSYS: "unsupported",
    Errno.MFILE: "insufficient-memory",
    Errno.NFILE: "insufficient-memory",
}


def error_code(error: WasiError) -> str:
    """The error-code case for ``error``. LookupError (a host bug) for an errno no filesystem
    call can give, such as NOTSOCK."""
    errno = error.errno
    try:
        return ERROR_CODES[errno]
    except KeyError:
        raise LookupError(f"{errno.label} has no preview2 error-code: a filesystem call cannot give it") from None


# error-code cases of wasi:sockets/network@0.2.x, by the errno each stands for; any other errno
# is "unknown". The notebook denies the network with ACCES: "access-denied".
SOCKET_ERROR_CODES: dict[Errno, str] = {
    Errno.ACCES: "access-denied",
    Errno.PERM: "access-denied",
    Errno.NOTSUP: "not-supported",
    Errno.INVAL: "invalid-argument",
    Errno.NOMEM: "out-of-memory",
    Errno.TIMEDOUT: "timeout",
    Errno.ALREADY: "concurrency-conflict",
    Errno.AGAIN: "would-block",
    Errno.MFILE: "new-socket-limit",
    Errno.ADDRNOTAVAIL: "address-not-bindable",
    Errno.ADDRINUSE: "address-in-use",
    Errno.HOSTUNREACH: "remote-unreachable",
    Errno.NETUNREACH: "remote-unreachable",
    Errno.CONNREFUSED: "connection-refused",
    Errno.CONNRESET: "connection-reset",
    Errno.CONNABORTED: "connection-aborted",
    Errno.MSGSIZE: "datagram-too-large",
}


def socket_error_code(error: WasiError) -> str:
    """The wasi:sockets error-code case for ``error``."""
    return SOCKET_ERROR_CODES.get(error.errno, "unknown")


def http_error_code(error: WasiError) -> Variant:
    """The wasi:http/types error-code case for ``error``: a denial (ACCES, PERM) is
    ``HTTP-request-denied``; anything else an ``internal-error`` carrying the error's text."""
    if error.errno in (Errno.ACCES, Errno.PERM):
        return Variant("HTTP-request-denied")
    return Variant("internal-error", str(error))


def _stream_error(error: WasiError, own_io_error: Callable[[WasiError], Any]) -> Any:
    return Variant("last-operation-failed", own_io_error(error))


# interface -> how its functions' ``result<_, E>`` carries a WasiError
_FAILURES: dict[str, Callable[[WasiError, Callable[[WasiError], Any]], Any]] = {
    "wasi:filesystem/types": lambda error, own: error_code(error),
    "wasi:io/streams": _stream_error,
    **{f"wasi:sockets/{name}": lambda error, own: socket_error_code(error)
       for name in ("tcp", "udp", "tcp-create-socket", "udp-create-socket", "ip-name-lookup")},
    "wasi:http/types": lambda error, own: http_error_code(error),
    "wasi:http/outgoing-handler": lambda error, own: http_error_code(error),
}


def failure(interface: str, error: WasiError, own_io_error: Callable[[WasiError], Any]) -> Any:
    """The ``err`` payload a function of ``interface`` (no version) answers ``error`` with.
    ``own_io_error`` makes the wasi:io/error resource a stream error carries.

    LookupError (a host bug) when the interface's functions have no error case for it.
    """
    try:
        shape = _FAILURES[interface]
    except KeyError:
        raise LookupError(f"{interface} has no error case to carry {error.errno.label}") from None
    return shape(error, own_io_error)
