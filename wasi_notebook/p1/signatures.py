"""The 46 functions of preview1 as core wasm imports, in witx order (:data:`SIGNATURES`).

Each :class:`Signature` lists its parameters with the kind that says how to decode each
(:data:`PARAM_KINDS`), the pointers it writes results to (:data:`RESULT_KINDS`, read back
with :func:`load_result`) and its core wasm type. The source is ``wasi_snapshot_preview1.witx``
in the WebAssembly/WASI repository; ``tests/p1/test_signatures.py`` checks every core type
against the imports of a module built with wasi-libc.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .defs import (
    Advice,
    Clockid,
    Fdflags,
    Fstflags,
    Lookupflags,
    Oflags,
    Riflags,
    Rights,
    Sdflags,
    Siflags,
    Signal,
    WasiEnum,
    WasiFlags,
    Whence,
)
from .memory import Buffer, load_u16, load_u32, load_u64
from .structs import Fdstat, Filestat, Prestat

if TYPE_CHECKING:
    import wasmtime

__all__ = [
    "PARAM_KINDS",
    "POINTER_LENGTHS",
    "SIGNED_KINDS",
    "KIND_TYPES",
    "RESULT_KINDS",
    "load_result",
    "Param",
    "ResultPtr",
    "Signature",
    "SIGNATURES",
]

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

_RESULT_STRUCTS: Mapping[str, type[Fdstat] | type[Filestat] | type[Prestat]] = {
    "fdstat": Fdstat,
    "filestat": Filestat,
    "prestat": Prestat,
}


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
    return _RESULT_STRUCTS[kind].unpack_from(mem, ptr)


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
