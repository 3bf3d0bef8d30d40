"""Observation: every host call recorded, counted, and (when asked) made to fail.

An :class:`Observer` wraps each host function once, when it is installed; no function body knows
about it. Per call it keeps a compact tuple (function, raw arguments, what was captured from guest
memory at call time, result or errno, duration); decoding into names and strings waits until
someone looks, so tracing stays cheap on the hot path.

This module knows no ABI: the adapter that installs the functions (preview1, preview2) hands in
each function's signature (``name`` and ``params`` with ``name``; a preview2 one also names its
``interface``, its ``function`` there and the short name it is ``shown_as``), a ``capture`` function for
what must be read from memory at call time (paths, the first bytes written), a decoder that
renders arguments and results for people (``p1/describe.py``, ``p2/describe.py``), and the
table of its outcomes. A call's outcome is one small int: 0 for success, a positive code for a
failure, negative for a call that did not return. Preview1's codes are its errno numbers
(:data:`ERRNOS`, so its wrappers store what the call returns, at no cost); preview2's failures
are named error cases (``no-entry``, ``closed``), numbered as they first occur by an
:class:`OutcomeLabels` of the run.

Not every error case is a failure: a stream answering ``closed`` has simply reached its end (a read
at the end of a file). Such cases (:data:`NORMAL_ENDS`) are registered with the outcome table as
*normal ends*: a call that had one keeps its label in the trace and the coverage, but counts as
failed nowhere (``CallRecord.failed``, ``Trace.select(failed=...)``, ``Coverage.errors``). This table
is the one place that decides it.

A component's functions are named ``interface#function``
(``wasi:filesystem/types#[method]descriptor.open-at``); :func:`short_name` gives the name people
read (``open-at``), :func:`short_names` those names made unique within each interface, and
:func:`resolve` finds the functions any of these forms stand for.
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

from .errors import Errno, WasiError

__all__ = ["Observer", "Trace", "CallRecord", "Coverage", "FaultRule", "parse_fault", "DEFAULT_MAX_RECORDS",
           "ERRNOS", "OutcomeLabels", "NORMAL_ENDS", "split_function", "short_name", "short_names", "resolve"]

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


class _Errnos:
    """Preview1's outcomes: the code is the errno number, the label its name (``NOENT``). Every
    errno but SUCCESS is a failure (no normal ends: preview1 stays as its errnos say)."""

    success = "SUCCESS"
    ends: frozenset[str] = frozenset()

    def end_codes(self) -> frozenset[int]:
        return frozenset()

    def is_failure(self, label: str) -> bool:
        """Whether calls with the outcome ``label`` failed (``TRAP`` did; SUCCESS, EXIT did not)."""
        return label not in ("SUCCESS", "EXIT")

    def label(self, code: int) -> str:
        return Errno(code).label

    def code_of(self, label: str) -> int | None:
        """The code of ``label``; ValueError for one that is no errno."""
        return int(Errno.from_label(label))

    def labels(self) -> list[str]:
        return [e.label for e in Errno]

    def errno(self, code: int) -> Errno | None:
        return Errno(code)

    def describe(self, code: int, raw: Any) -> str:
        return Errno(code).describe()


#: The outcome table of preview1 (the default of an :class:`Observer`).
ERRNOS = _Errnos()


#: Error cases that are the normal end of something, not a failure: a stream's ``closed``
#: (``wasi:io/streams``' stream-error: a read at the end of a file or of stdin, a splice whose
#: source ran out). Everything else stays a failure, ``would-block`` too: it says "not yet",
#: as preview1's AGAIN does, and our host never answers it.
NORMAL_ENDS = frozenset({"closed"})


class OutcomeLabels:
    """Outcomes named by labels, numbered as they first occur: code 0 is ``success``, every
    other label (an error case such as ``no-entry``) gets the next code. One per run; the wrapper
    asks :meth:`code` for the code of an error case it notes. Labels in ``ends`` are normal ends
    (see :data:`NORMAL_ENDS`): shown, never counted as failures."""

    def __init__(self, success: str = "ok", ends: Iterable[str] = NORMAL_ENDS) -> None:
        self.success = success
        self.ends = frozenset(ends)
        self._labels = [success]
        self._codes = {success: 0}
        self._end_codes: set[int] = set()

    def code(self, label: str) -> int:
        code = self._codes.get(label)
        if code is None:
            code = self._codes[label] = len(self._labels)
            self._labels.append(label)
            if label in self.ends:
                self._end_codes.add(code)
        return code

    def end_codes(self) -> frozenset[int]:
        """The codes of the normal ends that occurred so far."""
        return frozenset(self._end_codes)

    def is_failure(self, label: str) -> bool:
        """Whether calls with the outcome ``label`` failed: an error case that is no normal end,
        or ``TRAP`` (not success, not ``EXIT``)."""
        return label not in (self.success, "EXIT") and label not in self.ends

    def label(self, code: int) -> str:
        return self._labels[code]

    def code_of(self, label: str) -> int | None:
        """The code of ``label``, or None when no call had that outcome."""
        return self._codes.get(label)

    def labels(self) -> list[str]:
        return list(self._labels)

    def errno(self, code: int) -> Errno | None:
        return None

    def describe(self, code: int, raw: Any) -> str:
        """What lay behind a failure: the WasiError the host raised (``NOSPC: no space left``),
        when the wrapper kept it as the call's result."""
        if isinstance(raw, WasiError):
            return f"{raw.errno.label}: {raw.errno.describe()}"
        return ""


@dataclasses.dataclass(frozen=True)
class FaultRule:
    """Make matching calls fail with ``errno`` instead of running.

    ``function``: which function (for preview2, the interface's function it stands for, e.g.
    ``wasi:filesystem/types#[method]descriptor.open-at``); ``path``: a glob the call's (first)
    path must match; ``fd``: the descriptor it must be called on (preview2: the rep of the
    resource a method is called on); ``nth``: only the nth matching call (1-based), and with
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


# FUNCTION is a preview1 name (path_open) or a preview2 one, optionally qualified by its interface
# (open-at, descriptor.open-at, [method]descriptor.open-at, wasi:filesystem/types#open-at).
_FAULT_SYNTAX = re.compile(
    r"^(?P<function>(?:[a-z][a-z0-9:/.-]*#)?(?:\[(?:method|static|constructor)\])?[a-z_0-9][a-z_0-9.-]*)"
    r"(\[(?P<match>[^\]]*)\])?(@(?P<nth>\d+)(?P<onward>\+)?)?=(?P<errno>\w+)$")


def parse_fault(spec: str, functions: Iterable[str] | None = None) -> FaultRule:
    """``path_open[*.cfg]@2=ACCES`` (the 2nd path_open of a .cfg path), ``fd_write[fd=1]=IO``
    (every write to fd 1), ``fd_read@3+=INTR`` (the 3rd read on); for a component
    ``open-at[*.cfg]=ACCES`` or ``wasi:filesystem/types#open-at=NOENT`` (the errno becomes the
    interface's error case, see ``p2/link.py``). ValueError says what is wrong."""
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
    ``record=False`` keeps counts only. ``outcomes``: the table of outcome codes (preview1's
    errnos by default; an :class:`OutcomeLabels` for preview2).
    """

    def __init__(self, functions: Sequence[str], *, faults: Iterable[FaultRule] = (), record: bool = True,
                 max_records: int = DEFAULT_MAX_RECORDS, decoder=None, outcomes=ERRNOS) -> None:
        self.functions = list(functions)
        self._index = {name: i for i, name in enumerate(self.functions)}
        self.records: list = []  # _STRIDE items a call
        self.times = array("q")  # start and duration (ns) of each recorded call
        self.injected: set[int] = set()  # the numbers (from 0) of recorded calls a fault rule made
        self.counts: defaultdict = defaultdict(int)  # (function index, errno) for calls not recorded
        self.limit = max_records if record else 0
        self.faults = list(faults)
        self.decoder = decoder
        self.outcomes = outcomes
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
        on = "fd" if "fd" in names else "self"  # a preview2 method's resource
        return _FaultState(rules, names.index(on) if on in names else None).check

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
                     self.decoder, self.outcomes)


@dataclasses.dataclass(frozen=True)
class CallRecord:
    """One call, decoded for reading."""

    seq: int
    function: str
    args: dict[str, Any]
    result: Any
    errno: Errno | None  # preview1's errno; None for a call that did not return, or a preview2 call
    duration_ns: int
    injected: bool
    start_ns: int = 0
    raised: str | None = None
    #: preview2: the interface (``wasi:filesystem/types``) the function belongs to
    interface: str | None = None
    #: the error case's label (``NOENT``, ``no-entry``, ``closed``), None when the call succeeded
    #: or did not return
    error: str | None = None
    #: what the failure means (preview1) or what lay behind it (preview2: the errno)
    error_text: str = ""
    #: the name :meth:`text` shows (preview2: ``open-at`` for ``[method]descriptor.open-at``)
    shown_as: str | None = None
    #: the error case is a normal end (a stream's ``closed``, see :data:`NORMAL_ENDS`): no failure
    end: bool = False

    @property
    def ok(self) -> bool:
        """It succeeded (a normal end is neither ok nor failed)."""
        return self.raised is None and self.error is None

    @property
    def failed(self) -> bool:
        """It answered a failure (not a normal end), or ended the run by a trap (an exit is no
        failure)."""
        if self.error is not None:
            return not self.end
        return self.raised is not None and not self.raised.startswith("exit")

    def outcome(self) -> str:
        """What :meth:`text` shows after ``=``."""
        if self.raised is not None:
            return self.raised
        if self.error is None:
            return _show(self.result)
        return f"{self.error} ({self.error_text})" if self.error_text else self.error

    def text(self) -> str:
        """``path_open(fd=3, path="out.txt", oflags=CREAT|TRUNC, ...) = fd 4``"""
        args = ", ".join(f"{k}={v}" for k, v in self.args.items())
        note = "  [injected]" if self.injected else ""
        return f"{self.shown_as or self.function}({args}) = {self.outcome()}{note}"

    def to_dict(self) -> dict[str, Any]:
        """Preview1: ``seq, function, args, result, errno, duration_ns, injected``; preview2:
        ``seq, interface, function, args, result, error, duration_ns, injected`` (and ``detail``
        when a failure has one, ``"end": true`` when the error case is a normal end);
        ``raised`` for a call that did not return."""
        if self.interface is None:
            return {
                "seq": self.seq, "function": self.function, "args": self.args, "result": self.result,
                "errno": self.errno.label if self.errno is not None else None,
                "duration_ns": self.duration_ns, "injected": self.injected,
                **({"raised": self.raised} if self.raised else {}),
            }
        return {
            "seq": self.seq, "interface": self.interface, "function": self.function, "args": self.args,
            "result": self.result, "error": self.error, **({"detail": self.error_text} if self.error_text else {}),
            **({"end": True} if self.end else {}), "duration_ns": self.duration_ns, "injected": self.injected,
            **({"raised": self.raised} if self.raised else {}),
        }


class Trace:
    """Every recorded call of a run, in order. Iterating gives :class:`CallRecord`."""

    def __init__(self, functions: list[str], records: list, times, injected: set[int], counts,
                 signatures: dict, decoder, outcomes=ERRNOS) -> None:
        self.functions = functions
        self.outcomes = outcomes
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
        code = raw[_ERRNO]
        outcomes = self.outcomes
        errno = outcomes.errno(code) if code >= 0 else None
        raised = error = None
        error_text = ""
        end = False
        if code < 0:
            exc = raw[_RESULT]
            exit_code = getattr(exc, "code", None)
            raised = f"exit {exit_code}" if isinstance(exit_code, int) else f"raised {type(exc).__name__}: {exc}"
        elif code:
            error = outcomes.label(code)
            error_text = outcomes.describe(code, raw[_RESULT])
            end = code in outcomes.end_codes()
        decoder = self._decoder if sig is not None else None
        if decoder is not None:
            args = decoder.args(sig, raw[_ARGS], raw[_CAPTURE])
            result = decoder.result(sig, raw[_RESULT]) if code == 0 else None
        else:
            args = {f"arg{n}": v for n, v in enumerate(raw[_ARGS])}
            result = raw[_RESULT] if code == 0 else None
        # a preview2 signature names its interface, its function in it, and a short name to show
        return CallRecord(i + 1, getattr(sig, "function", name), args, result, errno, self._times[2 * i + 1],
                          i in self._injected, self._times[2 * i], raised, getattr(sig, "interface", None),
                          error, error_text, getattr(sig, "shown_as", None), end)

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
        for a viewer that shows a page at a time. ValueError for an unknown function or (preview1)
        errno label."""
        indexes = {i for f in ([function] if isinstance(function, str) else function) for i in self._indexes(f)} \
            if function is not None else None
        if errno is None:
            want = None
        elif isinstance(errno, str):
            want = self.outcomes.code_of(errno)
            if want is None:  # an outcome no call had
                return []
        else:
            want = int(errno)
        records = self._records
        ends = self.outcomes.end_codes()
        out = []
        for i in range(len(self)):
            base = _STRIDE * i
            if indexes is not None and records[base + _FUNC] not in indexes:
                continue
            code = records[base + _ERRNO]
            if want is not None and code != want:
                continue
            if failed is not None and (code == _TRAP or (code > 0 and code not in ends)) != failed:
                continue
            if path is not None:
                captured = records[base + _CAPTURE]
                paths = [c for c in captured if isinstance(c, str)] if isinstance(captured, tuple) else []
                if not any(fnmatch.fnmatchcase(p, path) for p in paths):
                    continue
            out.append(i)
        return out

    def _indexes(self, function: str) -> list[int]:
        """The indexes in :attr:`functions` ``function`` names: itself, or (preview2) the
        functions it is a short name of, as the decoder's ``resolve`` says."""
        if function in self.functions:
            return [self.functions.index(function)]
        resolve = getattr(self._decoder, "resolve", None)
        found = resolve(function, self.functions) if resolve is not None else []
        if not found:
            raise ValueError(f"{function!r} is not a function of this trace")
        return [self.functions.index(f) for f in found]

    def filter(self, function: str | Iterable[str] | None = None, errno: str | Errno | None = None,
               path: str | None = None, failed: bool | None = None) -> list[CallRecord]:
        """Calls of ``function`` (a name or names), with ``errno`` (a label such as ``NOENT``,
        or ``SUCCESS``; for preview2 an outcome such as ``no-entry``, ``closed`` or ``ok``), whose
        path arguments match the glob ``path`` (as the guest passed it, relative to its directory:
        ``home/*.txt``), or (``failed``) that did or did not fail (a normal end is no failure)."""
        return [self._decode(i) for i in self.select(function, errno, path, failed)]

    def counts(self) -> dict[str, Counter]:
        """Per function, how many calls ended with each outcome label (an errno label, or for
        preview2 ``ok`` or an error case; ``EXIT`` or ``TRAP`` for those that did not return),
        recorded or not."""
        records = self._records
        pairs = Counter(zip(records[_FUNC::_STRIDE], records[_ERRNO::_STRIDE]))
        pairs.update(self._counts)
        out: dict[str, Counter] = {}
        label = self.outcomes.label
        for (index, code), n in pairs.items():
            name = "EXIT" if code == _EXIT else "TRAP" if code == _TRAP else label(code)
            out.setdefault(self.functions[index], Counter())[name] += n
        return out

    def outcome_labels(self) -> list[str]:
        """The outcome labels calls of this trace had, success first, then in the table's order
        (errno order for preview1); not EXIT or TRAP."""
        seen = {label for per in self.counts().values() for label in per}
        return [self.outcomes.success] + [x for x in self.outcomes.labels()
                                          if x in seen and x != self.outcomes.success]

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


def split_function(name: str) -> tuple[str | None, str]:
    """A function's interface and its name there: ``wasi:filesystem/types#[method]descriptor.stat``
    gives ``("wasi:filesystem/types", "[method]descriptor.stat")``; a preview1 name, no interface."""
    interface, sep, function = name.rpartition("#")
    return (interface, function) if sep else (None, name)


#: How a component's drop of a handle is named in a trace (``[resource-drop]descriptor``), as the
#: component model names the built-in that drops it: it is no function of the interface.
DROP = "[resource-drop]"


def is_drop(name: str) -> bool:
    """``name`` (``interface#function``) is the drop of a resource, not a function to cover."""
    return split_function(name)[1].startswith(DROP)


def short_name(interface: str, function: str) -> str:
    """The name a trace line shows for a component's ``function`` of ``interface``: a method
    without its resource (``open-at``: its ``self`` argument names the resource), a static
    function or constructor with it (``descriptor.new``), a free function after the last part
    of its interface (``stdout.get-stdout``, ``wall-clock.now``)."""
    rest = function.partition("]")[2]
    if function.startswith("[method]"):
        return rest.partition(".")[2]
    if function.startswith("[static]"):
        return rest
    if function.startswith("[constructor]"):
        return f"{rest}.new"
    if function.startswith(DROP):
        return f"{rest}.drop"
    return f"{interface.rpartition('/')[2]}.{function}"


def short_names(functions: Iterable[str]) -> dict[str, str]:
    """Each function's name as lists grouped by interface show it: its :func:`short_name`,
    or, where two methods of one interface share that (``input-stream.subscribe`` and
    ``output-stream.subscribe``), the method with its resource. A preview1 name is itself."""
    names = list(functions)
    wanted: dict[str, str] = {}
    for name in names:
        interface, function = split_function(name)
        wanted[name] = function if interface is None else short_name(interface, function)
    taken = Counter((split_function(name)[0], short) for name, short in wanted.items())
    out = {}
    for name, short in wanted.items():
        interface, function = split_function(name)
        clash = interface is not None and taken[interface, short] > 1
        out[name] = function.partition("]")[2] if clash and function.startswith("[") else short
    return out


def _aliases(interface: str, function: str) -> set[str]:
    """The names a person may give ``function`` of ``interface``: ``[method]descriptor.open-at``
    is also ``descriptor.open-at`` and ``open-at``; ``get-stdout`` also ``stdout.get-stdout``
    (as a trace line shows it)."""
    names = {function, short_name(interface, function)}
    if function.startswith("[") and not function.startswith(DROP):
        names.add(function.partition("]")[2])
    return names


def resolve(name: str, functions: Iterable[str]) -> list[str]:
    """The component functions (``interface#function``) ``name`` stands for: a qualified name, or
    a short one (``open-at``, ``descriptor.open-at``, ``[method]descriptor.open-at``,
    ``stdout.get-stdout``), with or without ``interface#`` in front. Several when the short name
    is the same in several places (``now``)."""
    interface, sep, short = name.rpartition("#")
    found = []
    for f in functions:
        f_interface, f_sep, f_function = f.rpartition("#")
        if not f_sep or (sep and interface != f_interface):
            continue
        if short in _aliases(f_interface, f_function):
            found.append(f)
    return found


class Coverage:
    """Which functions of an interface a guest imported and called, how often, with which errnos.

    ``functions``: every function of the interface in order; ``imported``: the guest's imports
    of it (known before running); ``counts``: from :meth:`Trace.counts`.

    A component's coverage (``interface="preview2"``) spans the interfaces it imports: its
    ``functions`` are those the component imports, named with their interface
    (``wasi:filesystem/types#[method]descriptor.open-at``, see :func:`split_function`), all of
    them imported; its outcomes are ``ok`` or an error case (``no-entry``). ``imports``: what
    :meth:`to_dict` lists as the imports (default: the imported functions; for a component its
    interfaces as it names them, with their versions). ``outcomes``: the table that says which
    outcome labels are failures (default: preview1's errnos, or an :class:`OutcomeLabels` with
    the :data:`NORMAL_ENDS`): a normal end is counted under :meth:`ends`, not :meth:`errors`.
    """

    def __init__(self, functions: Sequence[str], imported: Iterable[str], counts: dict[str, Counter],
                 interface: str = "preview1", imports: Iterable[str] | None = None, outcomes=None) -> None:
        self.functions = list(functions)
        self.imported = [f for f in self.functions if f in set(imported)]
        self.counts = counts
        self.interface = interface
        self.imports = list(imports) if imports is not None else list(self.imported)
        if outcomes is None:
            outcomes = ERRNOS if interface == "preview1" else OutcomeLabels()
        self.outcomes = outcomes

    @classmethod
    def combined(cls, coverages: Sequence[Coverage]) -> Coverage:
        """One coverage for several runs of the same interface: imports and counts added up
        (for components, the functions of every interface any of them imported)."""
        functions = list(dict.fromkeys(f for cov in coverages for f in cov.functions))
        imported: set[str] = set()
        imports: dict[str, None] = {}
        counts: dict[str, Counter] = {}
        for cov in coverages:
            imported.update(cov.imported)
            imports.update(dict.fromkeys(cov.imports))
            for function, errnos in cov.counts.items():
                counts.setdefault(function, Counter()).update(errnos)
        interface = coverages[0].interface if coverages else "preview1"
        return cls(functions, imported, counts, interface, list(imports) if interface != "preview1" else None,
                   coverages[0].outcomes if coverages else None)

    def calls(self, function: str) -> int:
        return sum(self.counts.get(function, Counter()).values())

    def errors(self, function: str) -> dict[str, int]:
        """Errno label (preview2: error case) -> calls, for the calls of ``function`` that
        failed (``TRAP`` for one that ended the run by a trap; an exit is not a failure, nor is
        a normal end such as ``closed``)."""
        return {k: v for k, v in sorted(self.counts.get(function, Counter()).items())
                if self.outcomes.is_failure(k)}

    def ends(self, function: str) -> dict[str, int]:
        """Normal end (``closed``) -> calls, for the calls of ``function`` that answered one."""
        return {k: v for k, v in sorted(self.counts.get(function, Counter()).items()) if k in self.outcomes.ends}

    def answers(self, function: str) -> dict[str, int]:
        """Outcome -> calls, for the calls of ``function`` that returned: success first, then
        the error cases and normal ends by name (``{"ok": 3, "closed": 1}``)."""
        counts = self.counts.get(function, Counter())
        success = self.outcomes.success
        out = {success: counts[success]} if counts.get(success) else {}
        out.update((k, v) for k, v in sorted(counts.items()) if k not in (success, "EXIT", "TRAP"))
        return out

    @property
    def called(self) -> list[str]:
        return [f for f in self.functions if self.calls(f)]

    def status(self, function: str) -> str:
        """``not imported``, ``imported``, ``called`` or ``called with errors``."""
        if self.calls(function):
            return "called with errors" if self.errors(function) else "called"
        return "imported" if function in self.imported else "not imported"

    def interfaces(self) -> dict[str, list[str]]:
        """A component's functions by interface, in import order, every imported interface
        (some declare only types and resources: no functions); empty for preview1."""
        if self.interface == "preview1":
            return {}
        out: dict[str, list[str]] = {name.partition("@")[0]: [] for name in self.imports}
        for function in self.functions:
            interface, _ = split_function(function)
            if interface is not None:
                out.setdefault(interface, []).append(function)
        return out

    def summary(self) -> str:
        if self.interface == "preview1":
            return f"called {len(self.called)} of {len(self.functions)}, imported {len(self.imported)}"
        return (f"called {len(self.called)} of {len(self.functions)} functions "
                f"in {len(self.interfaces())} interfaces")

    def to_dict(self) -> dict[str, Any]:
        """``{"preview1": {fn: {"calls": N, "errors": {ERRNO: N}, "imported": bool}}, "imports": [...]}``;
        for a component ``{"preview2": {interface: {fn: {"calls": N, "errors": {case: N}}}},
        "imports": [interface@version, ...]}``, a function that answered a normal end also with
        ``"ends": {"closed": N}``."""
        if self.interface == "preview1":
            table: dict[str, Any] = {f: {"calls": self.calls(f), "errors": self.errors(f), "imported": f in self.imported}
                                     for f in self.functions}
        else:
            table = {interface: {split_function(f)[1]: self._entry(f) for f in functions}
                     for interface, functions in self.interfaces().items()}
        return {self.interface: table, "imports": list(self.imports), "summary": self.summary()}

    def _entry(self, function: str) -> dict[str, Any]:
        ends = self.ends(function)
        return {"calls": self.calls(function), "errors": self.errors(function), **({"ends": ends} if ends else {})}

    def __repr__(self) -> str:
        return f"<Coverage {self.summary()}>"
