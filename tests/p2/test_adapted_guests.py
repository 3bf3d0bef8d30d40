"""End to end: every C guest of ``tests/p1/guests``, made into a command component by jco's
preview1 adapter, runs on our preview2 host and answers as the same guest does as a module on
our preview1 host, but for what the adapter itself does differently.

Each guest's scenario (``tests/p1/guestlib.SCENARIOS``) runs twice on fresh copies of its
folders: the module through ``Session`` on our p1 host, the component on our p2 host. The
transcripts are compared run by run. What may differ is data below, each with its reason:

- :data:`EVERYWHERE`: rewrites of the p1 transcript that hold for every guest;
- :data:`ALLOWED`: per guest, the checks (a regex on the start of a line) whose answer differs;
- :data:`TRAPS`: per guest and run, where the component traps (the adapter has no answer, or a
  wasmtime bug); the run is compared up to that line, and the trap's message must say so.
  A trap that no longer happens fails the test, so stale exceptions are noticed.

This test is how we learn what the adapter calls; ``test_differential.py`` compares the same
components with wasmtime's own preview2 instead.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path

import pytest

from ..p1 import guestlib
from ..p1.ourhost import run_ours
from .toolchain import componentize

pytest.importorskip("ziglang")

GUESTS = guestlib.guest_names()

# -- reasons -----------------------------------------------------------------------------------

ADAPTER_ERRNO = "the adapter maps preview2 error-codes back to errnos its own way (no NOTCAPABLE: not-permitted is PERM)"
ADAPTER_CHECKS = ("the adapter decodes flags, rights, clock ids and subscriptions itself, with other "
                  "answers than our p1 host (it ignores undefined bits, has no CPU-time clocks)")
ADAPTER_IOVECS = "the adapter reads or writes only the first non-empty iovec of a call"
ADAPTER_RIGHTS = ("the adapter keeps no rights: a descriptor says what its open mode allows (BADF where p1 "
                  "says NOTCAPABLE) and fd_fdstat_set_rights is NOTSUP")
ADAPTER_FLAGS = "the adapter supports only APPEND and NONBLOCK in fd_fdstat_set_flags, on files"
ADAPTER_STREAMS = "the adapter answers for the standard streams itself (no pread, no readdir, no size)"
ADAPTER_READDIR = "the adapter numbers directory entries itself and re-reads the directory for an older cookie"
ADAPTER_POLL = "the adapter turns subscriptions into pollables itself (absolute realtime timeouts, errors per fd)"
ADAPTER_UNREACHABLE = "the adapter has no proc_raise and no sock_*: it executes unreachable"
ADAPTER_EXIT = "wasi:cli/exit takes ok or err: the adapter exits 1 for every non-zero code"
ADAPTER_POINTERS = "the adapter does not check guest pointers: a wild one traps in it, or lowering its list traps"
NOT_UTF8 = "a path that is not UTF-8 cannot be lowered to a WIT string: the canonical ABI traps"
TWO_BORROWS = ("wasmtime 50 bug: a host function given two borrowed handles (link-at, rename-at, poll of "
               "several pollables) traps before it runs (tests/p2/test_resources.py pins it)")


@dataclasses.dataclass(frozen=True)
class Trap:
    """In run ``run`` (its label; None for a guest's only run), the component traps at the line
    matching ``at`` with a message matching the regex ``message``. ``run="*"``: any run may trap
    so (each guest run is one case, and some cases do not trap)."""

    reason: str
    at: str
    message: str
    run: str | None = None


#: (pattern, replacement, reason) applied to every p1 transcript
EVERYWHERE = [(r" = NOTCAPABLE\b", " = PERM", ADAPTER_ERRNO), (r"error=NOTCAPABLE", "error=PERM", ADAPTER_ERRNO)]

#: per guest: (regex on the start of a line whose answer may differ, reason)
ALLOWED: dict[str, list[tuple[str, str]]] = {
    "bad_flags": [
        (r"path_open_\w+ = |path_filestat_\w+ = |fd_filestat_set_times_fstflags = |clock_\w+_get_id = ", ADAPTER_CHECKS),
        (r"  1 event: error=|poll_oneoff_clock_id = ", ADAPTER_POLL),
        (r"fd_fdstat_set_rights_bits = ", ADAPTER_RIGHTS),
        (r"sock_shutdown_sdflags = ", ADAPTER_UNREACHABLE),
    ],
    "clocks": [(r"clock_(res|time)_get\((PROCESS|THREAD)_CPUTIME_ID\) = ", ADAPTER_CHECKS)],
    "fd_io": [
        (r"fd_read\(iovs 3\+4\) = |fd_tell after iovs |fd_write\(iovs 0\+3\+3\) = |fd_write\(stdout, iovs 12\+12\) = ",
         ADAPTER_IOVECS),
        (r"fd_p?write\(read-only fd\) = ", ADAPTER_RIGHTS),
        (r"fd_pread\(stdin\) = ", ADAPTER_STREAMS),
    ],
    "fd_meta": [
        (r"fd_fdstat_get\((opened dir|file, FD_WRITE only)\) = |fd_fdstat_set_rights\(|fd_fdstat_get after set_rights = ",
         ADAPTER_RIGHTS),
        (r"fd_fdstat_set_flags\(|fd_fdstat_get after refused flags = ", ADAPTER_FLAGS),
        (r"fd_\w+\(stdout(, \w+)?\) = |fd_advise\(stdout\) = ", ADAPTER_STREAMS),
        (r"fd_filestat_set_times\(directory, MTIM\) = |  dir mtim=|fd_(data)?sync\((directory|preopen)\) = |"
         r"fd_allocate\(file, 0, 100\) = |fd_filestat_get after allocate = ", ADAPTER_CHECKS),
    ],
    "fd_readdir": [
        (r"entry-at-a-time loop finds the same entries: ", ADAPTER_READDIR),
        (r"fd_readdir\(stdout\) = ", ADAPTER_STREAMS),
    ],
    "path_open": [(r"  fd_(read|write|filestat_set_size|filestat_get) = ", ADAPTER_RIGHTS)],
    "poll_oneoff": [(r"poll_oneoff\(REALTIME absolute 1s ago\) = |  userdata=17 ", ADAPTER_POLL)],
    "proc": [(r"== exit (1|12[56]|255)$", ADAPTER_EXIT)],
    "wild_pointers": [(r"(?!=== )", ADAPTER_POINTERS)],  # whatever a case prints once it runs wild
}

#: per guest: where the component traps
TRAPS: dict[str, list[Trap]] = {
    "bad_flags": [
        Trap(TWO_BORROWS, r"path_link_lookupflags = ", "deferred host scope has no call context", "path_link_lookupflags"),
        *(Trap(ADAPTER_UNREACHABLE, rf"{case} = ", "unreachable", case)
          for case in ("sock_accept_flags", "sock_recv_riflags", "sock_send_siflags", "proc_raise_signal")),
    ],
    "escape": [Trap(TWO_BORROWS, r"path_rename\(\.\./secret\.txt", "deferred host scope has no call context")],
    "path_ops": [Trap(TWO_BORROWS, r"path_link\(file\.txt -> hard\.txt\) = ", "deferred host scope has no call context")],
    "poll_oneoff": [Trap(TWO_BORROWS, r"poll_oneoff\(clocks 10s, 2ms, 20s\)", "deferred host scope has no call context")],
    "path_open": [Trap(NOT_UTF8, r'path_open\("b\\xffd", CREAT\)', "invalid utf-8")],
    "proc": [Trap(ADAPTER_UNREACHABLE, r"proc_raise\(0\)", "unreachable", "checks, then exit 42")],
    "sockets": [Trap(ADAPTER_UNREACHABLE, r"sock_accept\(stdin\)", "unreachable")],
    "wild_pointers": [Trap(ADAPTER_POINTERS, r"\w+ = ", "out of bounds|beyond end of memory", "*")],
}


# -- running ------------------------------------------------------------------------------------


@dataclasses.dataclass
class RunText:
    label: str | None
    text: str
    trap: str | None


def _runs(wasm: Path, name: str, work: Path) -> list[RunText]:
    scenario = guestlib.SCENARIOS[name]
    traps: list[str | None] = []

    def runner(*args, **kwargs):
        result = run_ours(*args, argv0=name, **kwargs)
        traps.append(result.trap)
        return result

    work.mkdir()
    text = guestlib.transcript(scenario, wasm, work, runner)
    if len(scenario.runs) == 1:
        return [RunText(None, text, traps[0])]
    parts = re.split(r"^(?==== )", text, flags=re.M)[1:]
    return [RunText(run.label or " ".join(run.args), part, trap)
            for run, part, trap in zip(scenario.runs, parts, traps)]


@pytest.fixture(scope="module")
def built() -> dict[str, Path]:
    return guestlib.build_all(GUESTS)


def _expected(p1: str) -> str:
    for pattern, replacement, _ in EVERYWHERE:
        p1 = re.sub(pattern, replacement, p1)
    return p1


def _cut(text: str, at: str, missing_ok: bool = False) -> str:
    """``text`` before its first line matching ``at`` (a trapped run may stop before it: then
    without its outcome line)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.match(at, line):
            return "".join(lines[:i])
    if missing_ok and lines and lines[-1].startswith("== trap"):
        end = next(i for i, line in enumerate(lines) if line.startswith(("--- stderr", "== trap")))
        return "".join(lines[:end])
    raise AssertionError(f"no line matches {at!r}")


@pytest.mark.parametrize("name", GUESTS)
def test_the_adapted_guest_answers_as_the_module_does(name, built, tmp_path):
    component = tmp_path / f"{name}.wasm"
    component.write_bytes(componentize(built[name]))
    p1_runs = _runs(built[name], name, tmp_path / "p1")
    p2_runs = _runs(component, name, tmp_path / "p2")
    allowed = [re.compile(pattern) for pattern, _ in ALLOWED.get(name, [])]
    traps = {t.run: t for t in TRAPS.get(name, [])}
    problems = []
    for p1, p2 in zip(p1_runs, p2_runs):
        expected, ours = _expected(p1.text), p2.text
        trap = traps.get(p1.label) or (traps.get("*") if p2.trap is not None else None)
        if trap is not None:
            if p2.trap is None or not re.search(trap.message, p2.trap):
                problems.append(f"run {p1.label!r}: expected a trap saying {trap.message!r} ({trap.reason}), "
                                f"got {p2.trap!r}: remove or update the exception")
                continue
            expected, ours = _cut(expected, trap.at), _cut(ours, trap.at, missing_ok=True)
        elif p2.trap is not None:
            problems.append(f"run {p1.label!r}: the component trapped: {p2.trap}")
            continue
        for line in difflib.ndiff(expected.splitlines(), ours.splitlines()):
            if line[:2] in ("- ", "+ ") and not any(a.match(line[2:]) for a in allowed):
                problems.append(f"run {p1.label!r}: {line}")
    assert not problems, f"{name}: differences without a documented reason:\n" + "\n".join(problems)
