"""The user's cache folders for what wasi-notebook builds or installs once and reuses: C builds
(``c``), components made by the preview1 adapter (``components``), the jco tool (``jco``).

Each lives in ``$WASI_NOTEBOOK_<KIND>_CACHE`` when that is set, else in
``$XDG_CACHE_HOME/wasi-notebook/<kind>`` (``~/.cache/wasi-notebook/<kind>`` without it).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "store"]


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
