"""jco for the p2 tests: installed once into a cache folder under the system temp dir, used to
turn a preview1 module into a command component (cached by the module's hash)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CACHE = Path(tempfile.gettempdir()) / "wasi-notebook-jco"


def jco_folder() -> Path:
    """The folder jco is installed in; skips the test when npm is missing or the install fails."""
    if shutil.which("npm") is None or shutil.which("npx") is None:
        pytest.skip("npm is not installed: the preview2 tests need jco from npm")
    if not (CACHE / "node_modules" / "@bytecodealliance" / "jco").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(CACHE), "@bytecodealliance/jco"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"npm install @bytecodealliance/jco failed: {done.stderr.strip()[-500:]}")
    return CACHE


def componentize(module: Path | bytes) -> bytes:
    """The preview2 command component jco's preview1 adapter makes of ``module``."""
    data = module if isinstance(module, bytes) else Path(module).read_bytes()
    folder = jco_folder()
    digest = hashlib.sha256(data).hexdigest()[:16]
    out = folder / "components" / f"{digest}.component.wasm"
    if not out.exists():
        out.parent.mkdir(exist_ok=True)
        src = out.parent / f"{digest}.wasm"
        src.write_bytes(data)
        tmp = out.with_suffix(".tmp")
        subprocess.run(["npx", "jco", "new", str(src), "--wasi-command", "-o", str(tmp)], cwd=folder,
                       check=True, capture_output=True)
        tmp.replace(out)
    return out.read_bytes()
