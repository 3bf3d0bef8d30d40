"""Putting a preview1 host into a wasmtime linker: the one place where a WasiError becomes an
errno number and where results are written to the guest's result pointers.

For each of the 46 functions, one generated wrapper around the host's method: it checks the
result pointers before the call (one outside memory or misaligned is FAULT, with no half-done
work), calls the method,
turns a WasiError into its number, writes the results, and, when an observer is given, notes
the call for the trace and coverage and applies fault rules. Defined through ``hostcall``'s
fast path.
"""

from __future__ import annotations

import linecache
import struct
from typing import Callable

import wasmtime

from .. import hostcall
from ..errors import Errno, WasiError
from .defs import MODULE
from .describe import capture_for
from .signatures import RESULT_KINDS, SIGNATURES, Signature
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


def boundary(sig: Signature, impl: Callable, observer=None, capture: Callable | None = None) -> Callable:
    """``impl(mem, *params) -> results`` as the core function ``(mem, *params, *result_ptrs) -> errno``.

    Generated for each signature with its parameters spelled out (no ``*args`` packing on the
    hot path). With an ``observer``, the same function times the call, captures what
    ``capture`` reads from memory, applies fault rules and notes the outcome: the one wrap.
    """
    params = [f"a{i}" for i in range(len(sig.params))]
    ptrs = [f"r{i}" for i in range(len(sig.results))]
    args = ", ".join(params)
    args_tuple = f"({args},)" if params else "()"
    names = {"impl": impl, "WasiError": WasiError, "FAULT": _FAULT}
    lines = [f"def call(mem{''.join(', ' + n for n in params + ptrs)}):"]
    pointer_checks = []
    for i, (ptr, result) in enumerate(zip(ptrs, sig.results)):
        size, align = RESULT_KINDS[result.kind]
        pointer_checks.append(f"    if {ptr} + {size} > len(mem) or {ptr} & {align - 1}:")
    observed = observer is not None
    if not observed:
        lines += [f"{check} return FAULT" for check in pointer_checks]
    else:
        index = observer.register(sig)
        check = observer.fault_check(sig)
        names.update(note=observer.note, clock=observer.clock, index=index)
        # Counting only (no trace), a call needs no timing, and no capture unless a fault rule
        # matches on what it captures.
        lines.append("    start = clock()" if observer.recording else "    start = 0")
        lines.append(f"    args = {args_tuple}")  # built once, for the capture and the note
        if capture is not None and (observer.recording or check is not None):
            names["capture"] = capture
            lines.append("    captured = capture(mem, args)")
        else:
            lines.append("    captured = None")
        for pointer_check in pointer_checks:  # a bad result pointer is a call the trace shows too
            lines += [pointer_check,
                      "        note(index, args, None, FAULT, start, captured, False)",
                      "        return FAULT"]
        if check is not None:
            names["check"] = check
            lines += ["    injected = check(args, captured)",
                      "    if injected is not None:",
                      "        note(index, args, None, injected, start, captured, True)",
                      "        return injected"]
    lines += ["    try:", f"        value = impl(mem{''.join(', ' + n for n in params)})", "    except WasiError as e:"]
    if observed:
        lines.append("        note(index, args, None, e.errno, start, captured, False)")
    lines.append("        return e.errno")
    if observed:
        lines += ["    except BaseException as e:",
                  "        note(index, args, e, RAISED, start, captured, False)",
                  "        raise"]
        names["RAISED"] = observer.RAISED
        success, success_names = observer.success_source("    ")
        names.update(success_names)
        lines += success
    if sig.noreturn:
        lines.append("    return None")
    else:
        for i, (ptr, result) in enumerate(zip(ptrs, sig.results)):
            packer = _PACKERS[result.kind]
            names[f"pack{i}"] = packer.pack_into
            item = "value" if len(ptrs) == 1 else f"value[{i}]"
            star = "*" if result.kind in _STRUCT_KINDS else ""
            lines.append(f"    pack{i}(mem, {ptr}, {star}{item})")
        lines.append("    return 0")
    source = "\n".join(lines) + "\n"
    filename = f"<preview1 {sig.name}{' observed' if observed else ''}>"
    exec(compile(source, filename, "exec"), names)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    call = names["call"]
    call.__name__ = sig.name
    return call


def install(linker: wasmtime.Linker, host, observer=None, memory: str | hostcall.MemoryBinding = "memory") -> None:
    """Define all 46 functions of ``host`` (a :class:`~wasi_notebook.p1.host.Preview1`) in
    ``linker``, each in one wrapper (:func:`boundary`), observed when an observer is given.
    ``memory``: the guest memory's export name, or a ``hostcall.MemoryBinding`` of it."""
    for sig in SIGNATURES.values():
        call = boundary(sig, getattr(host, sig.name), observer, capture_for(sig) if observer is not None else None)
        hostcall.define(linker, MODULE, sig.name, core_types(sig), list(sig.core_results), call, memory=memory)
