"""Preview1 calls as people read them: what the tracer captures at call time, and how raw
arguments and results are decoded into names, strings and numbers afterwards."""

from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import WasiError
from .defs import Fdflags, Filetype, Preopentype, Rights, format_flags
from .memory import guest_str
from .signatures import KIND_TYPES, Signature
from .structs import Iovec, iovecs

_IOVEC = Iovec.STRUCT
_UNDECODED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a byte that is not UTF-8

__all__ = ["capture_for", "Preview1Decoder", "PREVIEW_BYTES"]

#: How many bytes of each write the trace keeps, to show what was written.
PREVIEW_BYTES = 48

_NAMED_RIGHTS = {int(Rights.ALL): "ALL", int(Rights.FILE): "FILE", int(Rights.DIRECTORY): "DIRECTORY",
                 int(Rights.DIRECTORY | Rights.FILE): "DIRECTORY|FILE"}


def capture_for(sig: Signature) -> Callable | None:
    """What to read from guest memory when ``sig``'s function is called, or None: the path
    strings of path functions, the size and first bytes of a write. Never raises: what cannot
    be read is captured as None (the call itself will answer FAULT or ILSEQ)."""
    kinds = [p.kind for p in sig.params]
    paths = [i for i, k in enumerate(kinds) if k == "path_ptr"]
    writes = [i for i, k in enumerate(kinds) if k == "ciovs_ptr"]
    if paths:
        def capture_paths(mem, args):
            out = []
            for i in paths:
                try:
                    out.append(guest_str(mem, args[i], args[i + 1]))
                except WasiError:
                    out.append(None)
            return tuple(out)
        return capture_paths
    if writes:
        at = writes[0]

        def capture_write(mem, args):
            ptr, count = args[at], args[at + 1]
            if count == 1 and ptr + 8 <= len(mem):  # the common case, kept short
                buf, length = _IOVEC.unpack_from(mem, ptr)
                if buf + length <= len(mem):
                    if length <= PREVIEW_BYTES:  # the bytes alone say it all (and cost least)
                        return mem[buf : buf + length].tobytes()
                    return (length, mem[buf : buf + PREVIEW_BYTES].tobytes())
            try:
                pairs = iovecs(mem, ptr, count)
                total = 0
                for buf, length in pairs:
                    if buf + length > len(mem):
                        return None  # the call will answer FAULT: no size or bytes to show
                    total += length
                preview = b""
                for ptr, length in pairs:
                    if length:
                        preview = bytes(mem[ptr : ptr + min(length, PREVIEW_BYTES)])
                        break
                return (total, preview)
            except WasiError:
                return None
        return capture_write
    return None


def _rights(value: int) -> str:
    named = _NAMED_RIGHTS.get(value)
    if named is not None:
        return named
    text = format_flags(value, Rights)
    parts = text.split("|")
    return text if len(parts) <= 4 else "|".join(parts[:3]) + f"|…(+{len(parts) - 3})"


def _quote(data: bytes | str) -> str:
    text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else data
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    # bytes that are not UTF-8 as \xNN, after the backslashes were doubled (so they read apart)
    escaped = _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", escaped)
    return f'"{escaped}"'


class Preview1Decoder:
    """Decodes the raw tuples an Observer keeps for preview1 functions."""

    def args(self, sig: Signature, raw: tuple, captured) -> dict[str, Any]:
        out: dict[str, Any] = {}
        params = sig.params
        has_paths = any(p.kind == "path_ptr" for p in params)
        captures = list(captured) if has_paths and captured else []
        i = 0
        while i < len(params):
            param, value = params[i], raw[i]
            kind = param.kind
            name = param.name.removesuffix("_ptr")
            if kind == "path_ptr":
                text = captures.pop(0) if captures else None
                out[name] = _quote(text) if text is not None else f"<unreadable {raw[i + 1]} bytes at {value:#x}>"
                i += 2
                continue
            if kind == "ciovs_ptr":
                if captured is not None:
                    total, preview = (len(captured), captured) if isinstance(captured, bytes) else captured
                    shown = _quote(preview) + ("…" if total > len(preview) else "")
                    out["data"] = f"{shown} ({total} bytes)"
                else:
                    out["iovs"] = f"<unreadable iovecs at {value:#x}>"
                i += 2
                continue
            if kind == "iovs_ptr":
                out["iovs"] = f"{raw[i + 1]} buffers"
                i += 2
                continue
            if kind == "rights":
                out[name] = _rights(value)
            elif kind in KIND_TYPES:
                flags_type = KIND_TYPES[kind]
                if issubclass(flags_type, int) and hasattr(flags_type, "MASK"):
                    out[name] = format_flags(value, flags_type)
                else:
                    try:
                        out[name] = flags_type(value).name
                    except ValueError:
                        out[name] = value
            elif kind.endswith("_ptr") or kind == "ptr":
                out[name] = f"{value:#x}"
            else:
                out[name] = value
            i += 1
        return out

    def result(self, sig: Signature, value) -> Any:
        if not sig.results or value is None:
            return None
        kinds = [r.kind for r in sig.results]
        if len(kinds) > 1:
            return {r.name.removesuffix("_ptr"): v for r, v in zip(sig.results, value)}
        kind = kinds[0]
        if kind == "fd":
            return f"fd {value}"
        if kind == "filestat":
            dev, ino, filetype, nlink, size, atim, mtim, ctim = value
            return {"type": Filetype(filetype).name, "size": size, "nlink": nlink, "ino": ino, "mtim": mtim}
        if kind == "fdstat":
            filetype, flags, base, inheriting = value
            return {"filetype": Filetype(filetype).name, "flags": format_flags(flags, Fdflags),
                    "rights": _rights(base), "inheriting": _rights(inheriting)}
        if kind == "prestat":
            tag, name_len = value
            return {"type": Preopentype(tag).name, "name_len": name_len}
        return value
