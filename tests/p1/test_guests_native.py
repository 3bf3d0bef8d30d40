"""The preview1 test guests of ``tests/p1/guests/`` on wasmtime's built-in WASI.

Each guest's transcript (stdout of each run, then how the run ended; see
``guestlib.transcript``) must equal its reviewed ``<name>.expected`` file.
These pin down what the reference implementation answers, success and error
paths of all 46 preview1 functions, so that our own host can later be run on
the same guests and compared line by line.

To see what changed after editing a guest, run with ``WASI_P1_WRITE_ACTUAL=1``:
the transcript is written beside the expected file as ``<name>.actual`` (not
tracked) for review; an ``.expected`` file is only ever updated by hand.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import wasmtime

from . import guestlib

pytest.importorskip("ziglang")

#: The 46 functions of wasi_snapshot_preview1 (the witx), spelled out here on
#: purpose: the completeness test must not derive its list from the guests.
PREVIEW1_FUNCTIONS = frozenset({
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get",
    "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
    "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get",
    "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread", "fd_prestat_get",
    "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber",
    "fd_seek", "fd_sync", "fd_tell", "fd_write",
    "path_create_directory", "path_filestat_get", "path_filestat_set_times",
    "path_link", "path_open", "path_readlink", "path_remove_directory",
    "path_rename", "path_symlink", "path_unlink_file",
    "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
    "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
})

GUESTS = guestlib.guest_names()


@pytest.fixture(scope="module")
def built() -> dict[str, Path]:
    """Every guest compiled (from the cache when the source is unchanged)."""
    return guestlib.build_all(GUESTS)


def test_preview1_list_has_46_functions():
    assert len(PREVIEW1_FUNCTIONS) == 46


def test_every_guest_has_a_scenario_and_an_expected_file():
    assert GUESTS, "no guests found"
    assert sorted(guestlib.SCENARIOS) == GUESTS
    missing = [n for n in GUESTS if not guestlib.expected_path(n).is_file()]
    assert not missing, f"no .expected file for {missing}"


@pytest.mark.parametrize("name", GUESTS)
def test_native_transcript_matches_expected(name: str, built, tmp_path: Path):
    scenario = guestlib.SCENARIOS[name]
    actual = guestlib.transcript(scenario, built[name], tmp_path)
    expected_file = guestlib.expected_path(name)
    if os.environ.get("WASI_P1_WRITE_ACTUAL"):
        expected_file.with_suffix(".actual").write_text(actual)
    expected = expected_file.read_text()
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            f"{name}.expected", f"{name} on wasmtime"))
        pytest.fail(f"{name}: transcript differs from {expected_file.name}:\n{diff}")


def test_imports_cover_all_preview1_functions(built):
    """Together the guests import every preview1 function, and nothing else."""
    engine = guestlib.ENGINE
    union: set[str] = set()
    for name, wasm in built.items():
        module = wasmtime.Module(engine, wasm.read_bytes())
        for imp in module.imports:
            assert imp.module == "wasi_snapshot_preview1", (name, imp.module, imp.name)
            union.add(imp.name)
    assert union - PREVIEW1_FUNCTIONS == set(), "imports that are not preview1 functions"
    assert PREVIEW1_FUNCTIONS - union == set(), "preview1 functions no guest imports"


@pytest.mark.parametrize("name, cases", [
    ("wild_pointers", guestlib.WILD_POINTER_CASES),
    ("bad_flags", guestlib.BAD_FLAG_CASES),
])
def test_case_lists_match_the_guests(name, cases, built, tmp_path: Path):
    """The harness runs every case the guest has (it lists them without argv[1])."""
    preopens = guestlib.SCENARIOS[name].setup(tmp_path)
    result = guestlib.run_native(built[name], preopens=preopens)
    assert result.exit_code == 0, result
    assert result.out.split() == list(cases)


def test_escape_guest_escapes_nothing(built, tmp_path: Path):
    text = guestlib.transcript(guestlib.SCENARIOS["escape"], built["escape"], tmp_path)
    assert "ESCAPED" not in text
    assert "escapes that succeeded: 0\n" in text


def test_build_is_cached(built):
    """A second build of an unchanged source reuses the cached module."""
    first = built["clocks"]
    mtime = first.stat().st_mtime_ns
    again = guestlib.build("clocks")
    assert again == first and again.stat().st_mtime_ns == mtime
    assert first.parent == guestlib.CACHE_DIR


def test_run_native_reports_exit_codes_and_traps(built, tmp_path: Path):
    proc = built["proc"]
    preopens = {".": tmp_path}
    ok = guestlib.run_native(proc, args=["7", "exit-only"], preopens=preopens)
    assert (ok.exit_code, ok.trap, ok.outcome()) == (7, None, "== exit 7")
    bad = guestlib.run_native(proc, args=["200", "exit-only"], preopens=preopens)
    assert bad.exit_code is None and "invalid exit status" in bad.trap
    assert bad.outcome() == "== trap"
    assert guestlib.guest_name_of(proc) == "proc"
