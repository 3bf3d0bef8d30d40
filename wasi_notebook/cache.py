"""The user's cache folders for what wasi-notebook builds or installs once and reuses: C builds
(``c``), components made by the preview1 adapter (``components``), the jco tool (``jco``), and
wasmtime's compiled code (``wasmtime``, see :func:`wasmtime_cache_config`).

Each lives in ``$WASI_NOTEBOOK_<KIND>_CACHE`` when that is set, else in
``$XDG_CACHE_HOME/wasi-notebook/<kind>`` (``~/.cache/wasi-notebook/<kind>`` without it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["cache_dir", "store", "wasmtime_cache_config"]


def cache_dir(kind: str) -> Path:
    override = os.environ.get(f"WASI_NOTEBOOK_{kind.upper()}_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasi-notebook" / kind


def store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a reader never sees half a file). Without a
    writable cache nothing is kept, and the caller builds again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        pass


def wasmtime_cache_config() -> str | None:
    """The path of a wasmtime cache configuration (TOML) that keeps compiled code in the
    ``wasmtime`` cache folder, written there the first time; None when it cannot be written
    (then nothing is cached) or when ``WASI_NOTEBOOK_WASMTIME_CACHE`` is ``off``.

    wasmtime keys what it keeps by the wasm, its own version and the engine's settings, and
    cleans the folder up itself. A component of 18 MB that takes 10 s to compile loads from
    there in a tenth of a second.
    """
    if os.environ.get("WASI_NOTEBOOK_WASMTIME_CACHE", "").lower() == "off":
        return None
    folder = cache_dir("wasmtime")
    config = folder / "config.toml"
    text = f"[cache]\ndirectory = {json.dumps(str(folder.resolve() / 'code'))}\n"
    try:
        if not config.is_file() or config.read_text() != text:
            store(config, text.encode())
        return str(config) if config.is_file() else None
    except OSError:
        return None
