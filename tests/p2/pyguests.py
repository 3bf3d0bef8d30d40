"""Native preview2 guests for the p2 tests: the Python programs in ``guests/`` built into command
components by componentize-py (each ``NAME.py`` with its world ``NAME.wit``).

The component is cached by content hash in a folder under the system temp dir: a
componentize-py component embeds CPython (about 18 MB) and takes about 10 s to build. wasmtime's
compiled form of it (9 s to compile) is kept by the Session's own code cache, which the tests
point at another folder under the temp dir (``tests/conftest.py``). The WASI WIT the worlds
import comes from jco's bundled copy (jco is installed by :mod:`.toolchain`); the 0.2.x version
in a world is set to that copy's.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import pytest

from .toolchain import jco_folder

GUESTS = Path(__file__).parent / "guests"
CACHE = Path(tempfile.gettempdir()) / "wasi-notebook-pyguests"
_VERSION = re.compile(r"(wasi:[a-z-]+/[a-z-]+)@0\.2\.\d+")


def componentize_py_version() -> str:
    """componentize-py's version; skips the test when it is not installed."""
    try:
        return metadata.version("componentize-py")
    except metadata.PackageNotFoundError:
        pytest.skip("componentize-py is not installed (it is in the test extra: pip install -e '.[test]')")


def wasi_wit() -> Path:
    """jco's bundled WASI 0.2.x WIT, the newest version it has (one folder per package)."""
    builtin = jco_folder() / "node_modules" / "@bytecodealliance" / "jco" / "lib" / "wit" / "builtin"
    versions = [p for p in builtin.glob("0.2.*") if p.name.split(".")[-1].isdigit()]
    if not versions:
        pytest.skip("jco's bundled WIT has no WASI 0.2.x (looked in its lib/wit/builtin)")
    return max(versions, key=lambda p: int(p.name.split(".")[-1]))


def build(name: str) -> bytes:
    """The command component of ``guests/NAME.py``, built once per content of the guest, its
    world, the WASI WIT and componentize-py's version."""
    source = (GUESTS / f"{name}.py").read_bytes()
    wit = wasi_wit()
    world = _VERSION.sub(lambda m: f"{m.group(1)}@{wit.name}", (GUESTS / f"{name}.wit").read_text())
    digest = hashlib.sha256(b"\0".join([
        source, world.encode(), componentize_py_version().encode(),
        *(p.read_bytes() for p in sorted(wit.rglob("*.wit"))),
    ])).hexdigest()[:16]
    out = CACHE / f"{name}-{digest}.wasm"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            work = Path(tmp)
            shutil.copytree(wit, work / "wit" / "deps")
            (work / "wit" / f"{name}.wit").write_text(world)
            (work / f"{name}.py").write_bytes(source)
            world_name = re.search(r"^\s*world\s+([a-z0-9-]+)", world, re.M).group(1)
            done = subprocess.run(
                [sys.executable, "-c", "import sys, componentize_py; sys.argv[0] = 'componentize-py'; "
                 "componentize_py.script()", "-q", "-d", "wit", "-w", world_name, "componentize", name,
                 "-o", "guest.wasm"],
                cwd=work, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"componentize-py could not build {name}:\n{done.stderr[-3000:]}")
            (work / "guest.wasm").replace(out)
    return out.read_bytes()
