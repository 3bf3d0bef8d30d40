"""Observation: every host call recorded, counted, and (when asked) made to fail.

An :class:`Observer` wraps each host function once, when it is installed; no function body knows
about it. Per call it keeps a compact tuple (function, raw arguments, what was captured from guest
memory at call time, result or errno, duration); decoding into names and strings waits until
someone looks, so tracing stays cheap on the hot path.

This module knows no ABI: the adapter that installs the functions (preview1, preview2) hands in
each function's signature (``name`` and ``params`` with ``name`` and ``kind``), a ``capture``
function for what must be read from memory at call time (paths, the first bytes written), and
a decoder that renders arguments and results for people (see ``p1/describe.py``).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
import time
from array import array
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import Errno

__all__ = ["Observer", "Trace", "CallRecord", "Coverage", "FaultRule", "parse_fault", "DEFAULT_MAX_RECORDS"]

DEFAULT_MAX_RECORDS = 1_000_000

# A recorded call is five consecutive items of Observer.records (a flat list, so a call costs
# no tuple of its own) and two of Observer.times (an array of int64: no int objects):
_FUNC, _ARGS, _RESULT, _ERRNO, _CAPTURE = range(5)
_STRIDE = 5
# The errno slot of a call that did not return: the wrapper passes _RAISED with the exception,
# and the observer files it as an exit (ProcExit has an int ``code``) or anything else (a trap).
_RAISED = -1
_EXIT = -1
_TRAP = -2


@dataclasses.dataclass(frozen=True)
class FaultRule:
    """Make matching calls fail with ``errno`` instead of running.

    ``function``: which function; ``path``: a glob the call's (first) path must match; ``fd``:
    the descriptor it must be called on; ``nth``: only the nth matching call (1-based), and with
    ``onward`` every one from the nth on. Without ``nth`` every matching call fails.
    """

    function: str
    errno: Errno
    path: str | None = None
    fd: int | None = None
    nth: int | None = None
    onward: bool = False

    def __str__(self) -> str:
        where = f"[{self.path}]" if self.path is not None else f"[fd={self.fd}]" if self.fd is not None else ""
        when = f"@{self.nth}{'+' if self.onward else ''}" if self.nth else ""
        return f"{self.function}{where}{when}={self.errno.label}"


_FAULT_SYNTAX = re.compile(r"^(?P<function>[a-z_0-9]+)(\[(?P<match>[^\]]*)\])?(@(?P<nth>\d+)(?P<onward>\+)?)?=(?P<errno>\w+)$")


def parse_fault(spec: str, functions: Iterable[str] | None = None) -> FaultRule:
    """``path_open[*.cfg]@2=ACCES`` (the 2nd path_open of a .cfg path), ``fd_write[fd=1]=IO``
    (every write to fd 1), ``fd_read@3+=INTR`` (the 3rd read on). ValueError says what is wrong."""
    m = _FAULT_SYNTAX.match(spec.strip())
    if not m:
        raise ValueError(f"bad fault {spec!r}: write FUNCTION[PATH-GLOB or fd=N][@N[+]]=ERRNO, "
                         "e.g. path_open[*.cfg]@2=ACCES or fd_write[fd=1]=IO")
    function = m["function"]
    if functions is not None and function not in set(functions):
        raise ValueError(f"bad fault {spec!r}: {function!r} is not a WASI function this host provides")
    errno = Errno.from_label(m["errno"])
    if errno is Errno.SUCCESS:
        raise ValueError(f"bad fault {spec!r}: SUCCESS is not a failure (the call would be skipped, "
                         "its results never written)")
    match = m["match"]
    fd = None
    path = None
    if match is not None:
        if re.fullmatch(r"fd=\d+", match):
            fd = int(match[3:])
        else:
            path = match
    nth = int(m["nth"]) if m["nth"] else None
    if nth == 0:
        raise ValueError(f"bad fault {spec!r}: calls are counted from 1")
    return FaultRule(function, errno, path, fd, nth, bool(m["onward"]))


class _FaultState:
    """The rules of one function, with their match counts for this run."""

    def __init__(self, rules: list[FaultRule], fd_index: int | None) -> None:
        self.rules = rules
        self.seen = [0] * len(rules)
        self.fd_index = fd_index

    def check(self, args: tuple, captured) -> int | None:
        """The errno to inject into this call, or None. Every rule that matches the call counts
        it, even when an earlier rule is the one that fires, so ``@N`` means the same for each."""
        fired = None
        for i, rule in enumerate(self.rules):
            if rule.fd is not None and (self.fd_index is None or args[self.fd_index] != rule.fd):
                continue
            if rule.path is not None:
                path = captured[0] if isinstance(captured, tuple) and captured else None
                if not isinstance(path, str) or not fnmatch.fnmatchcase(path, rule.path):
                    continue
            self.seen[i] += 1
            n = self.seen[i]
            if fired is None and (rule.nth is None or n == rule.nth or (rule.onward and n > rule.nth)):
                fired = int(rule.errno)
        return fired


class Observer:
    """What an adapter's installed wrappers report to: each call is traced and counted, and
    faults injected. The adapter wraps each host function once, calling :meth:`note` (and the
    checks from :meth:`fault_check`) from that one wrapper.

    ``functions`` are the names of every function of the interface (for coverage);
    ``max_records``: beyond this many calls only counts are kept (coverage stays exact).
    ``record=False`` keeps counts only.
    """

    def __init__(self, functions: Sequence[str], *, faults: Iterable[FaultRule] = (), record: bool = True,
                 max_records: int = DEFAULT_MAX_RECORDS, decoder=None) -> None:
        self.functions = list(functions)
        self._index = {name: i for i, name in enumerate(self.functions)}
        self.records: list = []  # _STRIDE items a call
        self.times = array("q")  # start and duration (ns) of each recorded call
        self.injected: set[int] = set()  # the numbers (from 0) of recorded calls a fault rule made
        self.counts: defaultdict = defaultdict(int)  # (function index, errno) for calls not recorded
        self.limit = max_records if record else 0
        self.faults = list(faults)
        self.decoder = decoder
        self.signatures: dict[str, Any] = {}
        self.note = self._make_note()

    RAISED = _RAISED
    clock = staticmethod(time.perf_counter_ns)

    def register(self, sig) -> int:
        """Note ``sig`` (for decoding later); returns the index ``note`` takes for it."""
        self.signatures[sig.name] = sig
        return self._index[sig.name]

    def fault_check(self, sig) -> Callable | None:
        """``check(args, captured) -> errno or None`` for ``sig``'s function, or None when no
        rule names it. Counting matches is per run (per Observer)."""
        rules = [r for r in self.faults if r.function == sig.name]
        if not rules:
            return None
        names = [p.name for p in sig.params]
        return _FaultState(rules, names.index("fd") if "fd" in names else None).check

    @property
    def recording(self) -> bool:
        """Whether calls are kept (else only counted): wrappers skip timing and capture then."""
        return self.limit > 0

    def _make_note(self) -> Callable:
        """``note(index, args, result, errno, start, captured, injected)``: keep one call,
        recorded while under the limit, counted after. A closure over its containers, as it
        runs once per host call."""
        extend = self.records.extend
        times = self.times
        add_times = times.extend
        injected_calls = self.injected
        counts = self.counts
        limit = 2 * self.limit
        clock = time.perf_counter_ns

        def note(index: int, args: tuple, result, errno: int, start: int, captured, injected: bool) -> None:
            if errno == _RAISED:
                errno = _EXIT if isinstance(getattr(result, "code", None), int) else _TRAP
            if len(times) < limit:
                if injected:
                    injected_calls.add(len(times) >> 1)
                extend((index, args, result, errno, captured))
                add_times((start, clock() - start))
            else:
                counts[index, errno] += 1
        return note

    def success_source(self, indent: str) -> tuple[list[str], dict[str, Any]]:
        """What :meth:`note` does for a call that succeeded, as source lines for a generated
        wrapper (the names it reads: ``index``, ``args``, ``value``, ``start``, ``captured``)
        and the globals they need. The hottest path of all, so it skips the call to ``note``."""
        lines = [
            "if len(_times) < _limit:",
            "    _extend((index, args, value, 0, captured))",
            "    _add_times((start, _clock() - start))",
            "else:",
            "    _counts[index, 0] += 1",
        ]
        names = {"_times": self.times, "_limit": 2 * self.limit, "_extend": self.records.extend,
                 "_add_times": self.times.extend, "_clock": time.perf_counter_ns, "_counts": self.counts}
        return [indent + line for line in lines], names

    def trace(self) -> Trace:
        return Trace(self.functions, self.records, self.times, self.injected, self.counts, self.signatures,
                     self.decoder)


@dataclasses.dataclass(frozen=True)
class CallRecord:
    """One call, decoded for reading."""

    seq: int
    function: str
    args: dict[str, Any]
    result: Any
    errno: Errno | None  # None: the call did not return (exit, trap, bug)
    duration_ns: int
    injected: bool
    start_ns: int = 0
    raised: str | None = None

    @property
    def ok(self) -> bool:
        return self.errno is Errno.SUCCESS

    def text(self) -> str:
        """``path_open(fd=3, path="out.txt", oflags=CREAT|TRUNC, ...) = fd 4``"""
        args = ", ".join(f"{k}={v}" for k, v in self.args.items())
        if self.errno is None:
            outcome = self.raised or "?"
        elif self.errno is Errno.SUCCESS:
            outcome = _show(self.result)
        else:
            outcome = f"{self.errno.label} ({self.errno.describe()})"
        note = "  [injected]" if self.injected else ""
        return f"{self.function}({args}) = {outcome}{note}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "function": self.function, "args": self.args, "result": self.result,
            "errno": self.errno.label if self.errno is not None else None,
            "duration_ns": self.duration_ns, "injected": self.injected,
            **({"raised": self.raised} if self.raised else {}),
        }


class Trace:
    """Every recorded call of a run, in order. Iterating gives :class:`CallRecord`."""

    def __init__(self, functions: list[str], records: list, times, injected: set[int], counts,
                 signatures: dict, decoder) -> None:
        self.functions = functions
        self._records = records
        self._times = times
        self._injected = injected
        self._counts = counts
        self._signatures = signatures
        self._decoder = decoder

    def __len__(self) -> int:
        return len(self._times) >> 1

    @property
    def dropped(self) -> int:
        """Calls counted but not recorded (past the record limit)."""
        return sum(self._counts.values())

    def _raw(self, i: int) -> list:
        return self._records[_STRIDE * i : _STRIDE * i + _STRIDE]

    def _decode(self, i: int) -> CallRecord:
        raw = self._raw(i)
        name = self.functions[raw[_FUNC]]
        sig = self._signatures.get(name)
        errno = None if raw[_ERRNO] < 0 else Errno(raw[_ERRNO])
        raised = None
        if errno is None:
            exc = raw[_RESULT]
            code = getattr(exc, "code", None)
            raised = f"exit {code}" if isinstance(code, int) else f"raised {type(exc).__name__}: {exc}"
        if self._decoder is not None and sig is not None:
            args = self._decoder.args(sig, raw[_ARGS], raw[_CAPTURE])
            result = self._decoder.result(sig, raw[_RESULT]) if errno is Errno.SUCCESS else None
        else:
            args = {f"arg{n}": v for n, v in enumerate(raw[_ARGS])}
            result = raw[_RESULT] if errno is Errno.SUCCESS else None
        return CallRecord(i + 1, name, args, result, errno, self._times[2 * i + 1], i in self._injected,
                          self._times[2 * i], raised)

    def __getitem__(self, index: int) -> CallRecord:
        return self._decode(range(len(self))[index])

    def __iter__(self) -> Iterator[CallRecord]:
        for i in range(len(self)):
            yield self._decode(i)

    def captured(self, index: int):
        """What was read from guest memory for the call at ``index`` (paths, a write's bytes)."""
        return self._records[_STRIDE * range(len(self))[index] + _CAPTURE]

    def select(self, function: str | Iterable[str] | None = None, errno: str | Errno | None = None,
               path: str | None = None, failed: bool | None = None) -> list[int]:
        """The indexes (from 0) of the calls :meth:`filter` returns, without decoding them: cheap
        for a viewer that shows a page at a time. ValueError for an unknown errno label."""
        indexes = {self.functions.index(f) for f in ([function] if isinstance(function, str) else function)} \
            if function is not None else None
        want = int(Errno.from_label(errno) if isinstance(errno, str) else errno) if errno is not None else None
        records = self._records
        out = []
        for i in range(len(self)):
            base = _STRIDE * i
            if indexes is not None and records[base + _FUNC] not in indexes:
                continue
            code = records[base + _ERRNO]
            if want is not None and code != want:
                continue
            if failed is not None and (code > 0 or code == _TRAP) != failed:
                continue
            if path is not None:
                captured = records[base + _CAPTURE]
                paths = [c for c in captured if isinstance(c, str)] if isinstance(captured, tuple) else []
                if not any(fnmatch.fnmatchcase(p, path) for p in paths):
                    continue
            out.append(i)
        return out

    def filter(self, function: str | Iterable[str] | None = None, errno: str | Errno | None = None,
               path: str | None = None, failed: bool | None = None) -> list[CallRecord]:
        """Calls of ``function`` (a name or names), with ``errno`` (a label such as ``NOENT``,
        or ``SUCCESS``), whose path arguments match the glob ``path`` (as the guest passed it,
        relative to its directory: ``home/*.txt``), or (``failed``) that did or did not fail."""
        return [self._decode(i) for i in self.select(function, errno, path, failed)]

    def counts(self) -> dict[str, Counter]:
        """Per function, how many calls ended with each errno label (``EXIT`` or ``TRAP`` for
        those that did not return), recorded or not."""
        records = self._records
        pairs = Counter(zip(records[_FUNC::_STRIDE], records[_ERRNO::_STRIDE]))
        pairs.update(self._counts)
        out: dict[str, Counter] = {}
        for (index, errno), n in pairs.items():
            out.setdefault(self.functions[index], Counter())[_label(errno)] += n
        return out

    def total_ns(self) -> int:
        return sum(self._times[1::2])

    def _records_at(self, indexes: Iterable[int] | None) -> Iterator[CallRecord]:
        return iter(self) if indexes is None else (self._decode(i) for i in indexes)

    def text(self, limit: int | None = None, indexes: Iterable[int] | None = None) -> str:
        """An strace-like listing, one call a line, numbered: every call, or those at
        ``indexes`` (from :meth:`select`)."""
        lines = []
        for record in self._records_at(indexes):
            if limit is not None and len(lines) >= limit:
                lines.append(f"... {len(self) - limit} more calls" if indexes is None else "...")
                break
            lines.append(f"{record.seq:>6}  {record.text()}")
        if self.dropped and indexes is None:
            lines.append(f"... and {self.dropped} calls past the record limit (counted, not kept)")
        return "\n".join(lines)

    def jsonl(self, indexes: Iterable[int] | None = None) -> Iterator[str]:
        """The calls (every one, or those at ``indexes``) as JSON Lines, one object per call."""
        for record in self._records_at(indexes):
            yield json.dumps(record.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"<Trace {len(self)} calls>"


def _show(result: Any) -> str:
    if result is None or result == "":
        return "0"
    if isinstance(result, dict):
        return "{" + ", ".join(f"{k}={v}" for k, v in result.items()) + "}"
    return str(result)


def _label(errno: int) -> str:
    return "EXIT" if errno == _EXIT else "TRAP" if errno == _TRAP else Errno(errno).label


class Coverage:
    """Which functions of an interface a guest imported and called, how often, with which errnos.

    ``functions``: every function of the interface in order; ``imported``: the guest's imports
    of it (known before running); ``counts``: from :meth:`Trace.counts`.
    """

    def __init__(self, functions: Sequence[str], imported: Iterable[str], counts: dict[str, Counter],
                 interface: str = "preview1") -> None:
        self.functions = list(functions)
        self.imported = [f for f in self.functions if f in set(imported)]
        self.counts = counts
        self.interface = interface

    @classmethod
    def combined(cls, coverages: Sequence[Coverage]) -> Coverage:
        """One coverage for several runs of the same interface: imports and counts added up."""
        functions = coverages[0].functions if coverages else []
        imported: set[str] = set()
        counts: dict[str, Counter] = {}
        for cov in coverages:
            imported.update(cov.imported)
            for function, errnos in cov.counts.items():
                counts.setdefault(function, Counter()).update(errnos)
        return cls(functions, imported, counts, coverages[0].interface if coverages else "preview1")

    def calls(self, function: str) -> int:
        return sum(self.counts.get(function, Counter()).values())

    def errors(self, function: str) -> dict[str, int]:
        """Errno label -> calls, for the calls of ``function`` that failed (``TRAP`` for one
        that ended the run by a trap; an exit is not a failure)."""
        return {k: v for k, v in sorted(self.counts.get(function, Counter()).items()) if k not in ("SUCCESS", "EXIT")}

    @property
    def called(self) -> list[str]:
        return [f for f in self.functions if self.calls(f)]

    def status(self, function: str) -> str:
        """``not imported``, ``imported``, ``called`` or ``called with errors``."""
        if self.calls(function):
            return "called with errors" if self.errors(function) else "called"
        return "imported" if function in self.imported else "not imported"

    def summary(self) -> str:
        return (f"called {len(self.called)} of {len(self.functions)}, "
                f"imported {len(self.imported)}")

    def to_dict(self) -> dict[str, Any]:
        """``{"preview1": {fn: {"calls": N, "errors": {ERRNO: N}, "imported": bool}}, "imports": [...]}``"""
        table = {f: {"calls": self.calls(f), "errors": self.errors(f), "imported": f in self.imported}
                 for f in self.functions}
        return {self.interface: table, "imports": list(self.imported), "summary": self.summary()}

    def __repr__(self) -> str:
        return f"<Coverage {self.summary()}>"
