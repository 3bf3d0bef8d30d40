"""The one place a WasiError becomes a preview2 ``wasi:filesystem/types.error-code`` case."""

from __future__ import annotations

from ..errors import Errno, WasiError

__all__ = ["error_code", "ERROR_CODES"]

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
