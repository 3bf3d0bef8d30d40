import os
import tempfile
from pathlib import Path

import pytest

from wasi_notebook.memfs import MemFs


@pytest.fixture(scope="session", autouse=True)
def _wasmtime_code_cache():
    """wasmtime's compiled code goes to a folder under the temp dir for the whole suite (and
    the next run), not to the user's cache; unless the environment says where."""
    with pytest.MonkeyPatch.context() as patch:
        if "WASI_NOTEBOOK_WASMTIME_CACHE" not in os.environ:
            patch.setenv("WASI_NOTEBOOK_WASMTIME_CACHE", str(Path(tempfile.gettempdir()) / "wasi-notebook-wasmtime"))
        yield


class TickClock:
    """A deterministic clock: each reading is 1 ms after the previous one."""

    def __init__(self, start: int = 1_700_000_000_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        self.now += 1_000_000
        return self.now


@pytest.fixture
def clock():
    return TickClock()


@pytest.fixture
def fs(clock):
    return MemFs(clock=clock)


@pytest.fixture
def adapter_cache(monkeypatch):
    """Point Session.adapt (jco and its components) at the cache the preview2 tests install jco
    into; skips the test when npm is missing or jco does not install."""
    from .p2.toolchain import CACHE, jco_folder

    jco_folder()
    monkeypatch.setenv("WASI_NOTEBOOK_JCO_CACHE", str(CACHE))
    monkeypatch.setenv("WASI_NOTEBOOK_COMPONENTS_CACHE", str(CACHE / "components"))
    return CACHE
