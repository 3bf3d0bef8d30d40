"""jco for the p2 tests, through ``wasi_notebook.adapter`` (the same pinned jco the package uses):
installed once into a cache folder under the system temp dir; components are cached there by
the module's hash. A test that needs it is skipped when npm is missing or the install fails."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from wasi_notebook.adapter import AdapterError, jco_folder as _install, to_component

CACHE = Path(tempfile.gettempdir()) / "wasi-notebook-jco"


def jco_folder() -> Path:
    """The folder jco is installed in; skips the test when npm is missing or the install fails."""
    try:
        return _install(CACHE)
    except AdapterError as e:
        pytest.skip(f"the preview2 tests need jco from npm: {e}")


def componentize(module: Path | bytes) -> bytes:
    """The preview2 command component jco's preview1 adapter makes of ``module``."""
    data = module if isinstance(module, bytes) else Path(module).read_bytes()
    return to_component(data, cache=CACHE / "components", jco=jco_folder())
