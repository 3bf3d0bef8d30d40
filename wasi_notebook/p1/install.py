"""Putting a preview1 host into a wasmtime linker: the one place where a WasiError becomes an
errno number and where results are written to the guest's result pointers.

For each of the 46 functions: the host's method, wrapped once by the observer if there is one
(trace, coverage, faults), wrapped by the boundary below, defined through ``hostcall``'s fast
path. Result pointers are checked before the call, so a bad one (FAULT) leaves no half-done work.
"""

from __future__ import annotations

import struct
from typing import Callable

import wasmtime

from .. import hostcall
from ..errors import Errno, WasiError
from .defs import MODULE
from .describe import capture_for
from .signatures import SIGNATURES, Signature
from .structs import Fdstat, Filestat, Prestat

__all__ = ["install", "boundary", "core_types"]

_PACKERS: dict[str, struct.Struct] = {
    "size": struct.Struct("<I"),
    "fd": struct.Struct("<I"),
    "timestamp": struct.Struct("<Q"),
    "filesize": struct.Struct("<Q"),
    "roflags": struct.Struct("<H"),
    "fdstat": Fdstat.STRUCT,
    "filestat": Filestat.STRUCT,
    "prestat": Prestat.STRUCT,
}
_STRUCT_KINDS = {"fdstat", "filestat", "prestat"}
_FAULT = int(Errno.FAULT)


def core_types(sig: Signature) -> list[str]:
    """The hostcall type names of a signature's core parameters (``s64`` for the signed one)."""
    kinds = [p.kind for p in sig.params] + ["ptr"] * len(sig.results)
    return ["s64" if kind == "filedelta" else core for kind, core in zip(kinds, sig.core_params)]


def boundary(sig: Signature, impl: Callable) -> Callable:
    """``impl(mem, *params) -> results`` as a core function ``(mem, *params, *result_ptrs) -> errno``."""
    nparams = len(sig.params)
    outputs = [(_PACKERS[r.kind], r.kind in _STRUCT_KINDS) for r in sig.results]
    if sig.noreturn:
        def call_noreturn(mem, *args):
            impl(mem, *args)
        return call_noreturn
    if not outputs:
        def call0(mem, *args):
            try:
                impl(mem, *args)
            except WasiError as e:
                return e.errno
            return 0
        return call0
    if len(outputs) == 1 and not outputs[0][1]:
        packer = outputs[0][0]
        pack_into, size = packer.pack_into, packer.size

        def call1(mem, *args):
            ptr = args[nparams]
            if ptr + size > len(mem):
                return _FAULT
            try:
                value = impl(mem, *args[:nparams])
            except WasiError as e:
                return e.errno
            pack_into(mem, ptr, value)
            return 0
        return call1

    def call_many(mem, *args):
        ptrs = args[nparams:]
        for ptr, (packer, _) in zip(ptrs, outputs):
            if ptr + packer.size > len(mem):
                return _FAULT
        try:
            value = impl(mem, *args[:nparams])
        except WasiError as e:
            return e.errno
        values = (value,) if len(outputs) == 1 else value
        for ptr, (packer, is_struct), item in zip(ptrs, outputs, values):
            if is_struct:
                packer.pack_into(mem, ptr, *item)
            else:
                packer.pack_into(mem, ptr, item)
        return 0
    return call_many


def install(linker: wasmtime.Linker, host, observer=None) -> None:
    """Define all 46 functions of ``host`` (a :class:`~wasi_notebook.p1.host.Preview1`) in
    ``linker``, each wrapped once by ``observer.wrap(sig, impl)`` when an observer is given."""
    for sig in SIGNATURES.values():
        impl = getattr(host, sig.name)
        if observer is not None:
            impl = observer.wrap(sig, impl, capture_for(sig))
        hostcall.define(linker, MODULE, sig.name, core_types(sig), list(sig.core_results),
                        boundary(sig, impl), memory="memory")
