"""A preview1 module made into a preview2 command component by the preview1 adapter that jco
ships (npm ``@bytecodealliance/jco``): the adapter is a core module that implements the 46
preview1 functions on top of the WASI 0.2 interfaces, and jco links it under the guest.

>>> component = to_component(module_bytes)   # doctest: +SKIP
>>> Session().load(component).kind           # doctest: +SKIP
'component'

Needs Node.js and npm: the first call installs jco (``JCO_VERSION``) into the cache folder
``jco`` (see :mod:`.cache`), which takes some 10 s; components are cached in ``components`` by
the module's hash, so adapting the same module again costs nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from .cache import cache_dir, store

__all__ = ["AdapterError", "JCO_VERSION", "jco_folder", "to_component"]

JCO_VERSION = "1.35.0"
_JCO = "@bytecodealliance/jco"


class AdapterError(Exception):
    """The component could not be made: npm is missing, jco did not install, or jco refused the
    module (``details`` has what it said)."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def jco_folder(folder: Path | None = None) -> Path:
    """The folder jco is installed in (``folder``, or the ``jco`` cache), installing it first
    when it is not there. AdapterError without npm or when the install fails."""
    folder = folder if folder is not None else cache_dir("jco")
    if (folder / "node_modules" / _JCO / "package.json").is_file():
        return folder
    if shutil.which("npm") is None:
        raise AdapterError("making a component needs Node.js and npm (for jco's preview1 adapter): "
                           "install them, e.g. apt-get install nodejs npm")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(folder),
                           f"{_JCO}@{JCO_VERSION}"], capture_output=True, text=True)
    if done.returncode != 0:
        raise AdapterError(f"npm could not install {_JCO}@{JCO_VERSION}", done.stderr.strip()[-2000:])
    return folder


def to_component(module: bytes, *, cache: Path | None = None, jco: Path | None = None) -> bytes:
    """The command component of the preview1 ``module`` (its ``_start`` becomes
    ``wasi:cli/run``). ``cache``: where components are kept (default: the ``components`` cache);
    ``jco``: where jco is (or goes). AdapterError says what went wrong."""
    if module[:4] != b"\0asm":
        raise AdapterError("only a wasm module can be adapted: these bytes are not wasm")
    if module[4:8] != b"\x01\0\0\0":
        raise AdapterError("only a preview1 core module can be adapted: this is already a component "
                           "(or a wasm version we do not know)")
    key = hashlib.sha256(JCO_VERSION.encode() + b"\0" + module).hexdigest()
    out = (cache if cache is not None else cache_dir("components")) / f"{key}.wasm"
    if out.is_file():
        return out.read_bytes()
    folder = jco_folder(jco)
    with tempfile.TemporaryDirectory(prefix="wasi-notebook-adapt-") as tmp:
        src, dst = Path(tmp, "guest.wasm"), Path(tmp, "guest.component.wasm")
        src.write_bytes(module)
        done = subprocess.run(["npx", "--no-install", "jco", "new", str(src), "--wasi-command", "-o", str(dst)],
                              cwd=folder, capture_output=True, text=True)
        if done.returncode != 0 or not dst.is_file():
            raise AdapterError("jco could not make a component of this module", (done.stderr + done.stdout).strip())
        data = dst.read_bytes()
    store(out, data)
    return data
