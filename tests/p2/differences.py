"""Where our preview2 host answers the adapted test guests differently from wasmtime's, on purpose.

The guests are the preview1 C guests of ``tests/p1/guests``, made into command components by
jco's preview1 adapter. ``test_differential.py`` runs each on our p2 host and on wasmtime's
built-in preview2 (``backend="native"``) from the same MemFs; our transcript must equal
wasmtime's once that is put through the guest's rules below, and every rule must still match
wasmtime's transcript, so a rule that no longer applies is noticed. The rules are those of
``tests/p1/differences.py`` (:class:`Replace`, :class:`Sub`, each naming its :class:`Reason`).

Guests our host cannot run yet because a function is missing are not differences: the test
marks them expected failures (``NOT_YET`` in ``test_differential.py``).

Most of p1's deliberate differences do not reach preview2: the adapter, the same code on both
hosts, decodes pointers, flags, iovecs, rights and poll subscriptions before any preview2 call.
:data:`FROM_PREVIEW1` says, for each, what becomes of it. ``python -m tests.p2.differences``
writes ``DIFFERENCES.md`` beside this file (a test checks it is up to date).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..p1 import differences as p1
from ..p1.differences import Reason, Replace, Rule, Sub, apply

__all__ = ["Reason", "Replace", "Sub", "RULES", "REASONS", "FROM_PREVIEW1", "apply", "render", "DOC_PATH"]

DOC_PATH = Path(__file__).resolve().parent / "DIFFERENCES.md"

# --------------------------------------------------------------------------- reasons

DESCRIPTOR_FLAGS = Reason(
    "A descriptor opened without read cannot be read",
    "open-at without the read flag (what the adapter asks for a path_open with no rights) gives a "
    "descriptor that read-via-stream refuses with bad-descriptor, as preview1's rights enforcement "
    "does with NOTCAPABLE, where wasmtime opens it for reading as POSIX O_RDONLY (0) would.")
SYNC_FLAGS = Reason(
    "The sync flags are accepted",
    "open-at accepts the descriptor flags data-integrity-sync, requested-write-sync and "
    "file-integrity-sync and get-flags reports them (memory is always in sync), as our preview1 host "
    "does with DSYNC, RSYNC and SYNC, where wasmtime answers unsupported (NOTSUP).")

#: Every reason, in the order DIFFERENCES.md lists them.
REASONS: tuple[Reason, ...] = (DESCRIPTOR_FLAGS, SYNC_FLAGS)

#: Per guest, the rules that turn wasmtime's transcript into ours.
RULES: dict[str, list[Rule]] = {
    "path_open": [
        Replace(DESCRIPTOR_FLAGS,
                "path_open(f.txt, 0) no rights = SUCCESS type=REGULAR_FILE\n  fd_read = SUCCESS",
                "path_open(f.txt, 0) no rights = SUCCESS type=REGULAR_FILE\n  fd_read = BADF"),
        *(Replace(SYNC_FLAGS, f"path_open(f.txt, fdflags {flag}) = NOTSUP",
                  f"path_open(f.txt, fdflags {flag}) = SUCCESS fdstat flags={flag}")
          for flag in ("DSYNC", "RSYNC", "SYNC")),
    ],
}

#: What becomes of each deliberate preview1 difference once the guest goes through the adapter.
FROM_PREVIEW1: dict[Reason, str] = {
    p1.ESCAPE: "gone: preview2 has no not-capable error code; both hosts answer not-permitted (PERM)",
    p1.FAULT: "gone: the adapter reads guest memory itself, the same on both hosts",
    p1.INVAL: "gone: the adapter decodes the flags and enum values, the same on both hosts",
    p1.ALLOCATE: "gone: the adapter answers fd_allocate itself",
    p1.SET_RIGHTS: "gone: the adapter answers fd_fdstat_set_rights itself",
    p1.CPU_CLOCKS: "gone: preview2 has no CPU-time clocks; the adapter answers for them",
    p1.EXIT_CODES: "gone: the adapter turns every nonzero proc_exit code into exit(err), exit code 1",
    p1.IOVECS: "gone: the adapter uses only the first non-empty iovec on both hosts",
    p1.RIGHTS: "kept, as not-permitted for writes and truncations and bad-descriptor for reads (see above)",
    p1.NOTDIR: "gone: wasmtime's preview2 also answers not-directory",
    p1.POLL_BADF: "gone: the adapter builds the events",
    p1.POLL_NBYTES: "gone: the adapter builds the events",
    p1.LINK_FOLLOW: "to be seen when link-at is implemented",
    p1.RMDIR_SLASH: "to be seen when the path_ops guest runs (rename-at, symlink-at and others missing)",
    p1.SYNC_FLAGS: "kept, as 'The sync flags are accepted'",
    p1.SET_FLAGS_ANYWHERE: "gone: the adapter answers fd_fdstat_set_flags itself",
    p1.SYMLINK_ABSOLUTE: "to be seen when symlink-at is implemented",
    p1.PRESTAT_BADF: "gone: the adapter answers fd_prestat_dir_name itself",
    p1.FDSTAT_RIGHTS: "gone: the adapter reports the rights",
    p1.FSYNC_DIRECTORY: "to be seen when sync and sync-data are implemented",
    p1.BAD_FD_FIRST: "gone: the adapter reads the iovecs first on both hosts",
    p1.POLL_BAD_VALUE: "gone: the adapter decodes the subscriptions",
    p1.SIFLAGS: "gone: the adapter answers the sock_* calls itself",
}


# --------------------------------------------------------------------------- the document


def _block(rule: Rule) -> list[str]:
    if isinstance(rule, Replace):
        return p1._diff_block([(rule.wasmtime, rule.ours)])
    return ["```", f"s/{rule.regex}/{rule.repl}/ on every line", "```"]


def render() -> str:
    """DIFFERENCES.md: every reason with its rules, then what became of preview1's."""
    out = [
        "# Where our preview2 host differs from wasmtime's, on purpose",
        "",
        "Generated from `tests/p2/differences.py` by `python -m tests.p2.differences`; do not edit.",
        "",
        "The preview1 test guests of `tests/p1/guests`, made into command components by jco's",
        "preview1 adapter, run on our preview2 host and on wasmtime's built-in preview2 from the",
        "same MemFs. `tests/p2/test_differential.py` checks that stdout, stderr, the exit code and the",
        "tree left behind are the same, except for the lines below: `-` is wasmtime's line, `+` ours, a",
        "line starting with a space is the same on both. Guests our host cannot run yet are expected",
        "failures there, not differences.",
        "",
        "| reason | guests (rules) |",
        "|---|---|",
    ]
    by_reason: dict[Reason, dict[str, list[Rule]]] = {reason: {} for reason in REASONS}
    for name in sorted(RULES):
        for rule in RULES[name]:
            by_reason[rule.reason].setdefault(name, []).append(rule)
    out += p1.by_reason_doc(by_reason, len, lambda rules: [line for rule in rules for line in _block(rule)])
    out += ["", "## What became of preview1's deliberate differences", "",
            "| preview1 difference | through the adapter |", "|---|---|"]
    out += [f"| {reason.title} | {fate} |" for reason, fate in FROM_PREVIEW1.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    return p1.write_doc(DOC_PATH, render())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
