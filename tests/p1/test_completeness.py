"""Every one of the 46 preview1 functions is exercised by the test guests on our own host, on a
success path and on an error path, except where one of the two cannot exist (listed below).

This is the test that fails when a function loses its test: it runs every guest scenario on our
host and reads the combined coverage, the same counts a person sees in the coverage panel.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest

from wasi_notebook.session import P1_FUNCTIONS
from wasi_notebook.trace import Coverage

from . import guestlib
from .ourhost import run_ours

#: Functions that can never succeed here, and why.
NEVER_SUCCEED = {
    "proc_raise": "there are no signals: every signal answers NOTSUP",
    "sock_accept": "no socket can exist (the network is denied by policy)",
    "sock_recv": "no socket can exist",
    "sock_send": "no socket can exist",
    "sock_shutdown": "no socket can exist",
}
#: Functions that can never fail, and why.
NEVER_FAIL = {
    "proc_exit": "it takes any code and does not return",
    "sched_yield": "it has no arguments and nothing to refuse",
}


@pytest.fixture(scope="module")
def coverage() -> Coverage:
    coverages = []
    for name in guestlib.guest_names():
        wasm = guestlib.build(name)

        def runner(*args, **kwargs):
            return run_ours(*args, session_hook=lambda result: coverages.append(result.coverage), **kwargs)

        with tempfile.TemporaryDirectory() as work:
            guestlib.transcript(guestlib.SCENARIOS[name], wasm, Path(work), runner)
    return Coverage.combined(coverages)


def test_every_function_is_called(coverage: Coverage) -> None:
    assert coverage.called == P1_FUNCTIONS, set(P1_FUNCTIONS) - set(coverage.called)


@pytest.mark.parametrize("function", P1_FUNCTIONS)
def test_success_and_error_paths(coverage: Coverage, function: str) -> None:
    outcomes = coverage.counts.get(function, Counter())
    succeeded = outcomes.get("SUCCESS", 0) + outcomes.get("EXIT", 0)
    failed = sum(n for label, n in outcomes.items() if label not in ("SUCCESS", "EXIT"))
    if function in NEVER_SUCCEED:
        assert not succeeded and failed, outcomes
    else:
        assert succeeded, f"{function} never succeeded: {dict(outcomes)}"
    if function in NEVER_FAIL:
        assert not failed, outcomes
    else:
        assert failed, f"{function} never failed: {dict(outcomes)}"
