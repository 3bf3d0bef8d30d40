"""Where our preview1 host answers the test guests differently from wasmtime, on purpose.

Each guest's transcript on our host (``ourhost.run_ours``) must equal wasmtime's reviewed
transcript (``guests/<name>.expected``) once that is put through the guest's rules below; the
differential test (``test_guests_differential.py``) checks exactly that, and also that every rule
still matches something, so a rule that no longer applies is noticed.

A rule is one of:

- :class:`Replace`: exact whole lines of wasmtime's transcript (one line, or several
  consecutive lines joined by ``\\n``) and what our host prints instead (any number of lines);
  every occurrence is replaced.
- :class:`Sub`: a regular expression substituted on the guest's whole transcript in multiline
  mode (``^`` and ``$`` are line boundaries), for systematic differences.

Rules apply in order, each to the result of the ones before: put the specific ones before a
general :class:`Sub` that would also match their lines.

Every rule names its :class:`Reason`, one sentence a reader understands. The same table makes
``guests/DIFFERENCES.md``, grouped by reason; ``python -m tests.p1.differences`` writes it (a test
checks that it is up to date).
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import guestlib

__all__ = ["Reason", "Replace", "Sub", "RULES", "REASONS", "Applied", "apply", "ours_from_wasmtime",
           "changed_lines", "render", "DOC_PATH"]

DOC_PATH = guestlib.GUESTS_DIR / "DIFFERENCES.md"


@dataclass(frozen=True)
class Reason:
    """Why our host differs: ``title`` names it, ``text`` says it in one sentence."""

    title: str
    text: str


@dataclass(frozen=True)
class Replace:
    """wasmtime's exact whole line(s) -> ours. Several lines are joined by ``\\n`` and match as
    consecutive lines; ``ours`` may have any number of lines."""

    reason: Reason
    wasmtime: str
    ours: str

    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.escape(self.wasmtime) + "$", re.MULTILINE)

    def expand(self, match: re.Match[str]) -> str:
        return self.ours


@dataclass(frozen=True)
class Sub:
    """A regular expression and its replacement (``re.sub`` syntax, ``\\1`` for groups),
    substituted on the whole transcript with ``re.MULTILINE``."""

    reason: Reason
    regex: str
    repl: str

    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.regex, re.MULTILINE)

    def expand(self, match: re.Match[str]) -> str:
        return match.expand(self.repl)


Rule = Replace | Sub

# --------------------------------------------------------------------------- reasons
# Deliberate: the project's issue asks our host to differ from wasmtime here.

ESCAPE = Reason(
    "Escapes answer NOTCAPABLE",
    "Reaching outside the directory a path is resolved from (by '..', an absolute path or a symbolic "
    "link, or by reading a link's absolute host path) answers NOTCAPABLE, the errno of the capability "
    "model, where wasmtime answers PERM.")
FAULT = Reason(
    "Bad pointers answer FAULT",
    "A guest pointer or length outside linear memory answers FAULT and the call does nothing, where "
    "wasmtime traps (ending the run) or, for a huge length, answers NOMEM.")
INVAL = Reason(
    "Undefined flags and enum values answer INVAL",
    "An undefined flag bit or enum value passed to a call answers INVAL, where wasmtime traps while "
    "decoding the arguments.")
ALLOCATE = Reason(
    "fd_allocate is implemented",
    "fd_allocate grows the file (zero-filled), where wasmtime answers NOTSUP.")
SET_RIGHTS = Reason(
    "fd_fdstat_set_rights is implemented",
    "fd_fdstat_set_rights drops rights as the spec says (on stdio too), where wasmtime answers NOTSUP "
    "(BADF on stdio) and keeps them.")
CPU_CLOCKS = Reason(
    "CPU-time clocks work",
    "The process and thread CPU-time clocks can be read and waited on, where wasmtime answers BADF "
    "(INVAL in poll_oneoff).")
EXIT_CODES = Reason(
    "proc_exit takes any code",
    "proc_exit ends the run with any exit code, where wasmtime traps for codes of 126 and more.")
IOVECS = Reason(
    "Every iovec is used",
    "fd_read and fd_write fill or write every iovec, as POSIX readv and writev do, where wasmtime "
    "uses only the first non-empty one (a short read or write).")
RIGHTS = Reason(
    "Rights are enforced",
    "Using a right the descriptor was not given answers NOTCAPABLE, where wasmtime ignores most "
    "rights and answers from the open mode of the host file (BADF, or INVAL for a truncation).")
NOTDIR = Reason(
    "A non-directory is NOTDIR",
    "A descriptor that is not a directory answers NOTDIR when a path call uses it as the directory "
    "or fd_readdir lists it (POSIX *at() and getdents), where wasmtime answers BADF for most calls.")
POLL_BADF = Reason(
    "poll_oneoff reports a bad descriptor in its event",
    "poll_oneoff reports a bad descriptor in that subscription's event (error=BADF), as the spec "
    "says, and still delivers the others, where wasmtime fails the whole call with BADF.")
POLL_NBYTES = Reason(
    "poll_oneoff's nbytes is the real count",
    "poll_oneoff's nbytes for a readable file is the number of bytes left (0 at its end), where "
    "wasmtime always says 1.")
LINK_FOLLOW = Reason(
    "path_link follows with SYMLINK_FOLLOW",
    "path_link with SYMLINK_FOLLOW links the file a symbolic link points to, as POSIX linkat does "
    "(NOTCAPABLE when it points out of the sandbox), where wasmtime answers INVAL.")
RMDIR_SLASH = Reason(
    "rmdir of \"dir/\" removes it",
    "path_remove_directory(\"dir/\") removes the directory, as POSIX rmdir does, where wasmtime "
    "answers INVAL and keeps it.")
SYNC_FLAGS = Reason(
    "DSYNC, RSYNC and SYNC are accepted",
    "The fdflags DSYNC, RSYNC and SYNC are accepted and reported (memory is always in sync), where "
    "wasmtime refuses them (INVAL from fd_fdstat_set_flags, NOTSUP from path_open).")
SET_FLAGS_ANYWHERE = Reason(
    "fd_fdstat_set_flags works on stdio and directories",
    "fd_fdstat_set_flags works on standard streams and directories too, where wasmtime answers BADF.")
SYMLINK_ABSOLUTE = Reason(
    "Absolute symlink targets are NOTCAPABLE",
    "path_symlink refuses an absolute target with NOTCAPABLE (following it could only escape), where "
    "wasmtime answers PERM.")
PRESTAT_BADF = Reason(
    "fd_prestat_dir_name of a non-preopen is BADF",
    "fd_prestat_dir_name on an open descriptor that is not a preopen answers BADF, as fd_prestat_get "
    "does, where wasmtime answers NOTDIR.")

# Not in the list; deliberate choices of this host all the same (see the report of the
# change that added them).

FDSTAT_RIGHTS = Reason(
    "fd_fdstat_get reports the rights held",
    "fd_fdstat_get reports the rights the descriptor holds (what path_open asked for, as far as the "
    "directory passes them on), which rights enforcement then checks, where wasmtime reports every "
    "right its open mode does not rule out.")
FSYNC_DIRECTORY = Reason(
    "fd_sync of a directory works",
    "fd_sync and fd_datasync succeed on a directory, as POSIX fsync does (programs sync a directory "
    "to make a rename durable; memory is always in sync), where wasmtime answers BADF.")
BAD_FD_FIRST = Reason(
    "A bad descriptor is reported before bad pointers",
    "A call with both a bad descriptor and bad pointers answers BADF, as Linux's writev does, where "
    "wasmtime reads the iovecs first and traps.")
POLL_BAD_VALUE = Reason(
    "poll_oneoff reports a bad value in its event",
    "poll_oneoff reports an undefined value inside a subscription (subclockflags bits, a clock id) "
    "in that subscription's event (error=INVAL), as it does a bad descriptor, where wasmtime fails "
    "the whole call with INVAL.")
SIFLAGS = Reason(
    "Nonzero siflags are INVAL",
    "sock_send's siflags has no defined bits (the witx says it must be zero), so a nonzero value "
    "answers INVAL like any undefined flag bit, where wasmtime ignores it.")

#: Every reason, in the order DIFFERENCES.md lists them.
REASONS: tuple[Reason, ...] = (
    ESCAPE, FAULT, INVAL, ALLOCATE, SET_RIGHTS, CPU_CLOCKS, EXIT_CODES, IOVECS, RIGHTS, NOTDIR,
    POLL_BADF, POLL_NBYTES, LINK_FOLLOW, RMDIR_SLASH, SYNC_FLAGS, SET_FLAGS_ANYWHERE, SYMLINK_ABSOLUTE,
    PRESTAT_BADF, FDSTAT_RIGHTS, FSYNC_DIRECTORY, BAD_FD_FIRST, POLL_BAD_VALUE, SIFLAGS,
)


def _poll_event(head: str, *events: str) -> str:
    return "\n".join((head, *(f"  {e}" for e in events)))


#: Per guest, the rules that turn wasmtime's transcript into ours.
RULES: dict[str, list[Rule]] = {
    "bad_flags": [
        Replace(POLL_BAD_VALUE,
                "poll_oneoff_subclockflags: calling\npoll_oneoff_subclockflags = INVAL",
                "poll_oneoff_subclockflags: calling\n  1 event: error=INVAL\npoll_oneoff_subclockflags = SUCCESS"),
        Replace(POLL_BAD_VALUE,
                "poll_oneoff_clock_id: calling\npoll_oneoff_clock_id = INVAL",
                "poll_oneoff_clock_id: calling\n  1 event: error=INVAL\npoll_oneoff_clock_id = SUCCESS"),
        Replace(SIFLAGS, "sock_send_siflags = NOTSOCK", "sock_send_siflags = INVAL"),
        Sub(INVAL, r"^(\w+): calling\n== trap$", r"\1: calling\n\1 = INVAL\n== exit 0"),
    ],
    "clocks": [
        Replace(CPU_CLOCKS, f"clock_res_get({clock}) = BADF", f"clock_res_get({clock}) = SUCCESS 0<res<=1s: yes")
        for clock in ("PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID")
    ] + [
        Replace(CPU_CLOCKS, f"clock_time_get({clock}) = BADF", f"clock_time_get({clock}) = SUCCESS non-decreasing: yes")
        for clock in ("PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID")
    ],
    "escape": [
        Replace(LINK_FOLLOW, "path_link(rel_link -> stolen.txt, follow) = INVAL",
                "path_link(rel_link -> stolen.txt, follow) = NOTCAPABLE"),
        Replace(SYMLINK_ABSOLUTE, "path_symlink(/etc/passwd -> new_abs) = PERM",
                "path_symlink(/etc/passwd -> new_abs) = NOTCAPABLE"),
        Sub(ESCAPE, r"= PERM$", "= NOTCAPABLE"),
    ],
    "fd_io": [
        Replace(IOVECS, 'fd_read(iovs 3+4) = 3 " wo"+"...."', 'fd_read(iovs 3+4) = 6 " wo"+"rld."'),
        Replace(IOVECS, "fd_tell after iovs 3+4 = 8", "fd_tell after iovs 3+4 = 11"),
        Replace(IOVECS, "fd_write(iovs 0+3+3) = 3", "fd_write(iovs 0+3+3) = 6"),
        Replace(IOVECS, "fd_tell after iovs 0+3+3 = 6", "fd_tell after iovs 0+3+3 = 9"),
        Replace(IOVECS, "fd_write(stdout, iovs 12+12) = 12 on the first call, 24 in all",
                "fd_write(stdout, iovs 12+12) = 24 on the first call, 24 in all"),
        Replace(RIGHTS, "fd_write(read-only fd) = BADF", "fd_write(read-only fd) = NOTCAPABLE"),
        Replace(RIGHTS, "fd_pwrite(read-only fd) = BADF", "fd_pwrite(read-only fd) = NOTCAPABLE"),
    ],
    "fd_meta": [
        Replace(FDSTAT_RIGHTS,
                "fd_fdstat_get(opened dir) = type=DIRECTORY flags=0 read=yes write=no seek=no readdir=yes path_open=yes",
                "fd_fdstat_get(opened dir) = type=DIRECTORY flags=0 read=yes write=no seek=yes readdir=yes path_open=yes"),
        Replace(FDSTAT_RIGHTS,
                "fd_fdstat_get(file, FD_WRITE only) = type=REGULAR_FILE flags=0 read=no write=yes seek=yes readdir=no path_open=yes",
                "fd_fdstat_get(file, FD_WRITE only) = type=REGULAR_FILE flags=0 read=no write=yes seek=no readdir=no path_open=no"),
        *(Replace(SYNC_FLAGS, f"fd_fdstat_set_flags(file, {flag}) = INVAL", f"fd_fdstat_set_flags(file, {flag}) = SUCCESS")
          for flag in ("DSYNC", "SYNC", "RSYNC")),
        Replace(SYNC_FLAGS,
                "fd_fdstat_get after refused flags = type=REGULAR_FILE flags=NONBLOCK read=yes write=yes seek=yes readdir=yes path_open=yes",
                "fd_fdstat_get after refused flags = type=REGULAR_FILE flags=RSYNC read=yes write=yes seek=yes readdir=yes path_open=yes"),
        *(Replace(SET_FLAGS_ANYWHERE, f"fd_fdstat_set_flags({what}) = BADF", f"fd_fdstat_set_flags({what}) = SUCCESS")
          for what in ("stdout, APPEND", "stdout, 0", "directory, 0")),
        Replace(SET_RIGHTS, "fd_fdstat_set_rights(file, drop FD_WRITE) = NOTSUP",
                "fd_fdstat_set_rights(file, drop FD_WRITE) = SUCCESS"),
        Replace(SET_RIGHTS,
                "fd_fdstat_get after set_rights = type=REGULAR_FILE flags=0 read=yes write=yes seek=yes readdir=yes path_open=yes",
                "fd_fdstat_get after set_rights = type=REGULAR_FILE flags=0 read=yes write=no seek=yes readdir=yes path_open=yes"),
        Replace(SET_RIGHTS, "fd_fdstat_set_rights(file, same rights) = NOTSUP",
                "fd_fdstat_set_rights(file, same rights) = SUCCESS"),
        Replace(SET_RIGHTS, "fd_fdstat_set_rights(preopen, drop all) = NOTSUP",
                "fd_fdstat_set_rights(preopen, drop all) = SUCCESS"),
        Replace(SET_RIGHTS, "fd_fdstat_set_rights(stdout, FD_WRITE) = BADF",
                "fd_fdstat_set_rights(stdout, FD_WRITE) = SUCCESS"),
        Replace(ALLOCATE, "fd_allocate(file, 0, 100) = NOTSUP", "fd_allocate(file, 0, 100) = SUCCESS"),
        Replace(ALLOCATE, "fd_filestat_get after allocate = type=REGULAR_FILE size=5 nlink=1",
                "fd_filestat_get after allocate = type=REGULAR_FILE size=100 nlink=1"),
        *(Replace(FSYNC_DIRECTORY, f"{call}({what}) = BADF", f"{call}({what}) = SUCCESS")
          for call, what in (("fd_datasync", "directory"), ("fd_sync", "directory"), ("fd_sync", "preopen"))),
    ],
    "fd_readdir": [
        Replace(NOTDIR, "fd_readdir(regular file) = BADF", "fd_readdir(regular file) = NOTDIR"),
        Replace(NOTDIR, "fd_readdir(stdout) = BADF", "fd_readdir(stdout) = NOTDIR"),
    ],
    "path_open": [
        Replace(RIGHTS, "  fd_write = BADF", "  fd_write = NOTCAPABLE"),  # FD_READ only, and no rights
        Replace(RIGHTS, "  fd_filestat_set_size = INVAL", "  fd_filestat_set_size = NOTCAPABLE"),
        Replace(RIGHTS, "  fd_read = BADF", "  fd_read = NOTCAPABLE"),
        Replace(RIGHTS, "  fd_read = SUCCESS", "  fd_read = NOTCAPABLE"),
        Replace(RIGHTS, "  fd_filestat_get = size=10", "  fd_filestat_get = NOTCAPABLE"),
        *(Replace(SYNC_FLAGS, f"path_open(f.txt, fdflags {flag}) = NOTSUP",
                  f"path_open(f.txt, fdflags {flag}) = SUCCESS fdstat flags={flag}")
          for flag in ("DSYNC", "RSYNC", "SYNC")),
        Replace(NOTDIR, "path_open(dirfd = stdin) = BADF", "path_open(dirfd = stdin) = NOTDIR"),
        Replace(ESCAPE, "path_open(d fd, ../f.txt) = PERM", "path_open(d fd, ../f.txt) = NOTCAPABLE"),
    ],
    "path_ops": [
        Replace(NOTDIR, "path_create_directory(file fd, x) = BADF", "path_create_directory(file fd, x) = NOTDIR"),
        Replace(NOTDIR, "path_filestat_get(file fd, x) = BADF", "path_filestat_get(file fd, x) = NOTDIR"),
        Replace(LINK_FOLLOW, "path_link(lnk -> lnk_follow) follow = INVAL", "path_link(lnk -> lnk_follow) follow = SUCCESS"),
        Replace(LINK_FOLLOW, "path_filestat_get(lnk_follow, nofollow) = NOENT",
                "path_filestat_get(lnk_follow, nofollow) = type=REGULAR_FILE size=7 nlink=4"),
        Replace(RMDIR_SLASH, "path_remove_directory(slashed/) = INVAL\n  slashed: DIRECTORY",
                "path_remove_directory(slashed/) = SUCCESS\n  slashed: NOENT"),
    ],
    "poll_oneoff": [
        Replace(CPU_CLOCKS, "poll_oneoff(PROCESS_CPUTIME_ID relative 1ms) = INVAL",
                _poll_event("poll_oneoff(PROCESS_CPUTIME_ID relative 1ms) = 1 event",
                            "userdata=26 type=CLOCK error=SUCCESS")),
        Replace(CPU_CLOCKS, "poll_oneoff(PROCESS_CPUTIME_ID and MONOTONIC) = INVAL",
                _poll_event("poll_oneoff(PROCESS_CPUTIME_ID and MONOTONIC) = 2 events",
                            "userdata=27 type=CLOCK error=SUCCESS", "userdata=28 type=CLOCK error=SUCCESS")),
        Replace(POLL_NBYTES, "  userdata=49 type=FD_READ error=SUCCESS nbytes>0: yes hangup: yes",
                "  userdata=49 type=FD_READ error=SUCCESS nbytes>0: no hangup: yes"),
        Replace(POLL_BADF, "poll_oneoff(bad fd read, stdout write) = BADF",
                _poll_event("poll_oneoff(bad fd read, stdout write) = 2 events",
                            "userdata=51 type=FD_READ error=BADF nbytes>0: no hangup: no",
                            "userdata=52 type=FD_WRITE error=SUCCESS nbytes>0: yes hangup: no")),
        *(Replace(POLL_BADF, f"poll_oneoff({what}) = BADF",
                  _poll_event(f"poll_oneoff({what}) = 1 event",
                              f"userdata={userdata} type={kind} error=BADF nbytes>0: no hangup: no"))
          for what, userdata, kind in (("bad fd write", 53, "FD_WRITE"), ("directory read", 54, "FD_READ"),
                                       ("stdout read", 55, "FD_READ"), ("stdin write", 56, "FD_WRITE"),
                                       ("closed fd read", 57, "FD_READ"))),
    ],
    "prestat": [
        Sub(PRESTAT_BADF, r"^(fd_prestat_dir_name\(.*\)) = NOTDIR$", r"\1 = BADF"),
    ],
    "proc": [
        Sub(EXIT_CODES, r"^proc_exit\((\d+)\) next\n== trap$", r"proc_exit(\1) next\n== exit \1"),
    ],
    "wild_pointers": [
        Sub(FAULT, r"^(\w+_len_huge) = NOMEM$", r"\1 = FAULT"),
        Replace(FAULT, "fd_write_nwritten_oob: calling\nwild\n== trap",
                "fd_write_nwritten_oob: calling\nfd_write_nwritten_oob = FAULT\n== exit 0"),
        Sub(FAULT, r"^(\w+_unaligned): calling\n(wild\n)?== trap$", r"\1: calling\n\1 = FAULT\n== exit 0"),
        Replace(BAD_FD_FIRST, "fd_write_bad_fd_and_oob: calling\n== trap",
                "fd_write_bad_fd_and_oob: calling\nfd_write_bad_fd_and_oob = BADF\n== exit 0"),
        Sub(FAULT, r"^(\w+): calling\n== trap$", r"\1: calling\n\1 = FAULT\n== exit 0"),
    ],
}


# --------------------------------------------------------------------------- applying


@dataclass
class Applied:
    """A guest's rules applied to wasmtime's transcript: the text ours must equal, and for each
    rule (in order) what it replaced, as (wasmtime's lines, ours) pairs."""

    text: str
    matches: list[tuple[Rule, list[tuple[str, str]]]]

    def unmatched(self) -> list[Rule]:
        """The rules that matched nothing (stale: the difference is gone or the line changed)."""
        return [rule for rule, found in self.matches if not found]


def apply(rules: list[Rule], wasmtime: str) -> Applied:
    """Put a wasmtime transcript through ``rules``, in order."""
    matches = []
    text = wasmtime
    for rule in rules:
        found: list[tuple[str, str]] = []

        def replace(match: re.Match[str], rule: Rule = rule, found: list = found) -> str:
            new = rule.expand(match)
            # noted as whole lines, also when a Sub matched part of a line
            text, start, end = match.string, match.start(), match.end()
            head = text.rfind("\n", 0, start) + 1
            tail = text.find("\n", end)
            tail = len(text) if tail < 0 else tail
            found.append((text[head:tail], text[head:start] + new + text[end:tail]))
            return new

        text = rule.pattern().sub(replace, text)
        matches.append((rule, found))
    return Applied(text, matches)


def ours_from_wasmtime(name: str) -> Applied:
    """The rules of guest ``name`` applied to its ``.expected`` file."""
    return apply(RULES.get(name, []), guestlib.expected_path(name).read_text())


# --------------------------------------------------------------------------- the document


def _changed(old: str, new: str) -> list[tuple[str, list[str], list[str]]]:
    """(tag, wasmtime's lines, ours) for the parts of one replacement, ``equal`` ones included."""
    a, b = old.split("\n"), new.split("\n")
    return [(tag, a[i1:i2], b[j1:j2])
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _diff_block(pairs: list[tuple[str, str]]) -> list[str]:
    lines = ["```diff"]
    for old, new in pairs:
        for tag, a, b in _changed(old, new):
            if tag == "equal":
                lines += [f" {line}" for line in a]
            else:
                lines += [f"-{line}" for line in a] + [f"+{line}" for line in b]
    return lines + ["```"]


def changed_lines(pairs: list[tuple[str, str]]) -> int:
    """How many of wasmtime's lines the replacements change (each replaced or removed line once,
    whatever ours has instead)."""
    return sum(len(a) for old, new in pairs for tag, a, b in _changed(old, new) if tag != "equal")


def render() -> str:
    """DIFFERENCES.md: every reason, with the guests and lines it covers."""
    by_reason: dict[Reason, dict[str, list[tuple[str, str]]]] = {reason: {} for reason in REASONS}
    for name in sorted(RULES):
        for rule, found in ours_from_wasmtime(name).matches:
            by_reason[rule.reason].setdefault(name, []).extend(found)
    out = [
        "# Where our preview1 host differs from wasmtime, on purpose",
        "",
        "Generated from `tests/p1/differences.py` by `python -m tests.p1.differences`; do not edit.",
        "",
        "The test guests' transcripts on our host equal wasmtime's reviewed ones (`<guest>.expected`)",
        "except for the lines below, each for the reason it is listed under: `-` is wasmtime's line,",
        "`+` ours, a line starting with a space is the same on both. `tests/p1/test_guests_differential.py`",
        "checks every line, and that the folders each run leaves are the same on both hosts.",
        "",
        "| reason | guests (wasmtime lines that differ) |",
        "|---|---|",
    ]
    out += by_reason_doc(by_reason, changed_lines, _diff_block)
    return "\n".join(out) + "\n"


def by_reason_doc(by_reason: dict[Reason, dict[str, list]], count: Callable[[list], int],
                  block: Callable[[list], list[str]]) -> list[str]:
    """The lines of a DIFFERENCES.md after its table head: a row per reason (each guest with
    ``count`` of its items), then a section per reason (each guest's items as ``block`` shows
    them). Both hosts' documents are made by it."""
    out = []
    for reason, guests in by_reason.items():
        out.append(f"| {reason.title} | " + ", ".join(f"{name} ({count(items)})" for name, items in guests.items())
                   + " |")
    for reason, guests in by_reason.items():
        out += ["", f"## {reason.title}", "", reason.text]
        for name, items in guests.items():
            out += ["", f"`{name}`:", "", *block(items)]
    return out


def write_doc(path: Path, text: str) -> int:
    """``python -m tests.pN.differences``: write the document and say so."""
    path.write_text(text)
    print(f"wrote {path.name} ({text.count(chr(10))} lines)")
    return 0


def main(argv: list[str] | None = None) -> int:
    return write_doc(DOC_PATH, render())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
