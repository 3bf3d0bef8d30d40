"""The preview1 C guests, made into components by jco's adapter, on our p2 host and on wasmtime's.

Each run of a guest's scenario (``tests/p1/guestlib.SCENARIOS``) starts from one set of host
folders, imported into two fresh MemFs: one run goes to our preview2 host, the other to
wasmtime's built-in preview2 (``backend="native"``). The transcripts (stdout, stderr, how the run
ended; the format of ``guestlib.transcript``) must be equal but for the deliberate differences
of ``differences.py``, and so must the trees the runs leave (paths, types, contents, symbolic
link targets, which paths are hard links of one file).

Guests that need a function our host does not have yet are expected failures, named in
``NOT_YET``; they fail only by not loading (``raises=NotImplementedYet``), so a guest that
loads but differs is a real failure.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest

from wasi_notebook import MemFs, Session
from wasi_notebook.memfs.transfer import plan_from_memfs

from ..p1 import guestlib
from . import differences
from .toolchain import componentize

pytest.importorskip("ziglang")

GUESTS = guestlib.guest_names()
BACKENDS = ("native", "memfs")


class NotImplementedYet(Exception):
    """Our p2 host lacks a function the guest's component imports."""


#: Guests whose components import functions our p2 host does not provide yet (preview2 names,
#: without the interface version); they xfail until it does. Not deliberate differences.
#: Empty now: our host provides every function of the interfaces.
NOT_YET: dict[str, str] = {}

#: Guests that make a host call with two borrowed handles (link-at, rename-at, poll of several
#: pollables): wasmtime 50 traps such a call before our host sees it ("deferred host scope has no
#: call context", pinned by tests/p2/test_resources.py), so they end in a trap on our host only.
#: Strict: they must fail, and the day wasmtime is fixed they pass and this list must go.
TWO_BORROWS = {"bad_flags", "escape", "path_ops", "poll_oneoff"}
#: Of those, the ones whose trap leaves a different tree (poll_oneoff's changes come before it).
TWO_BORROWS_TREE = TWO_BORROWS - {"poll_oneoff"}


def _param(name: str, bitten: set[str] = TWO_BORROWS):
    if name in bitten:
        return pytest.param(name, marks=pytest.mark.xfail(
            strict=True, reason="wasmtime 50 traps a host call given two borrowed handles"))
    if name not in NOT_YET:
        return name
    mark = pytest.mark.xfail(strict=False, raises=NotImplementedYet, reason=f"{NOT_YET[name]} not implemented yet")
    return pytest.param(name, marks=mark)


@dataclasses.dataclass
class Runs:
    """One guest's scenario on one backend: the transcript and, per run, the tree left behind
    (or, for our host, the imports it lacks, when the guest cannot load)."""

    text: str = ""
    trees: list[dict[str, tuple]] = dataclasses.field(default_factory=list)
    missing: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def components() -> dict[str, bytes]:
    built = guestlib.build_all(GUESTS)
    return {name: componentize(path) for name, path in built.items()}


@pytest.fixture(scope="module")
def runs(components, tmp_path_factory):
    """``runs(name)``: {backend: Runs} for guest ``name``, made once per module."""
    done: dict[str, dict[str, Runs]] = {}

    def get(name: str) -> dict[str, Runs]:
        if name not in done:
            done[name] = run_scenario(name, components[name], tmp_path_factory.mktemp(f"p2-{name}"))
        return done[name]

    return get


def run_scenario(name: str, component: bytes, work: Path) -> dict[str, Runs]:
    """Every run of the guest's scenario on both backends, each pair from one set of folders."""
    scenario = guestlib.SCENARIOS[name]
    out = {backend: Runs() for backend in BACKENDS}
    for i, run in enumerate(scenario.runs):
        folder = work / f"run{i}"
        folder.mkdir()
        preopens = scenario.setup(folder)
        head = f"=== {run.label or ' '.join(run.args)}\n" if len(scenario.runs) > 1 else ""
        for backend in BACKENDS:
            session = Session(MemFs())
            mounts = {}
            for j, (guest_path, host) in enumerate(preopens.items()):
                session.fs.import_dir(host, f"/mnt{j}")
                mounts[guest_path] = f"/mnt{j}"
            guest = session.load(component, name=name, backend="native")
            if backend == "memfs" and guest.missing:
                out[backend].missing = guest.missing
                continue
            result = session.run(guest, list(run.args), env=dict(run.env), stdin=run.stdin, preopens=mounts,
                                 backend=backend)
            done = guestlib.Result(result.exit_code, result.stdout, result.stderr, result.trap)
            text = _lines(done.out)
            if done.stderr:
                text += "--- stderr\n" + _lines(done.stderr.decode("utf-8", errors="backslashreplace"))
            out[backend].text += f"{head}{text}{done.outcome()}\n"
            out[backend].trees.append(memfs_tree(session.fs, mounts))
    return out


def _lines(text: str) -> str:
    return text + "\n" if text and not text.endswith("\n") else text


def memfs_tree(fs: MemFs, mounts: dict[str, str]) -> dict[str, tuple]:
    """What the preopened folders hold, comparable across runs: per guest path ("dir",),
    ("symlink", target), ("file", bytes) or ("hardlink", the path of the file it shares)."""
    tree: dict[str, tuple] = {}
    for guest_path, memfs_path in mounts.items():
        for entry in plan_from_memfs(fs.path(memfs_path)):
            path = f"{guest_path}/{entry.rel}" if entry.rel else guest_path
            if entry.kind == "file":
                tree[path] = ("file", entry.data)
            elif entry.kind == "symlink":
                tree[path] = ("symlink", entry.target)
            elif entry.kind == "hardlink":
                tree[path] = ("hardlink", f"{guest_path}/{entry.target}")
            else:
                tree[path] = ("dir",)
    return tree


def _ours(name: str, runs) -> Runs:
    both = runs(name)
    ours = both["memfs"]
    if ours.missing:
        if name in NOT_YET:
            raise NotImplementedYet(f"{name} imports {', '.join(ours.missing)}")
        pytest.fail(f"{name} does not load on our p2 host (it imports {', '.join(ours.missing)}): "
                    "add it to NOT_YET with the functions it waits for")
    return ours


@pytest.mark.parametrize("name", [_param(n) for n in GUESTS])
def test_our_transcript_is_wasmtimes_with_the_deliberate_differences(name: str, runs):
    ours = _ours(name, runs)
    applied = differences.apply(differences.RULES.get(name, []), runs(name)["native"].text)
    if ours.text != applied.text:
        diff = "".join(difflib.unified_diff(
            applied.text.splitlines(keepends=True), ours.text.splitlines(keepends=True),
            f"{name} on wasmtime's preview2, with the rules of differences.py", f"{name} on our preview2 host"))
        pytest.fail(f"{name}: our transcript differs from wasmtime's beyond the deliberate differences "
                    f"(fix the host, or add a rule with its reason to tests/p2/differences.py):\n{diff}")


@pytest.mark.parametrize("name", [_param(n, TWO_BORROWS_TREE) for n in GUESTS])
def test_our_host_leaves_the_tree_wasmtime_leaves(name: str, runs):
    ours = _ours(name, runs)
    native = runs(name)["native"]
    assert len(ours.trees) == len(native.trees)
    for i, (a, b) in enumerate(zip(native.trees, ours.trees)):
        if a != b:
            lines = [f"  {path}: wasmtime {a.get(path)!r}, ours {b.get(path)!r}"
                     for path in sorted(a.keys() | b.keys()) if a.get(path) != b.get(path)]
            pytest.fail(f"{name}, run {i}: the trees differ after the run:\n" + "\n".join(lines))


@pytest.mark.parametrize("name", sorted(differences.RULES))
def test_every_rule_still_matches_wasmtimes_transcript(name: str, runs):
    """Checked on wasmtime's side alone, so also for guests our host cannot run yet."""
    stale = differences.apply(differences.RULES[name], runs(name)["native"].text).unmatched()
    assert not stale, f"{name}: rules that match nothing in wasmtime's transcript (remove or update them): {stale}"


def test_rules_name_known_guests_and_listed_reasons():
    assert set(differences.RULES) <= set(GUESTS)
    assert set(NOT_YET) <= set(GUESTS)
    used = {rule.reason for rules in differences.RULES.values() for rule in rules}
    assert used <= set(differences.REASONS), "a rule's reason is missing from REASONS"
    assert set(differences.REASONS) <= used, "a reason no rule uses"
    from ..p1 import differences as p1

    assert set(differences.FROM_PREVIEW1) == set(p1.REASONS), "say what became of every preview1 difference"


def test_differences_md_is_up_to_date():
    assert differences.DOC_PATH.read_text() == differences.render(), (
        "tests/p2/DIFFERENCES.md is out of date: run python -m tests.p2.differences")


def test_a_component_our_host_cannot_run_yet_runs_natively(components):
    """The native backend does not need our host's functions: a guest in NOT_YET loads for it,
    and for ours it is a LoadError that points to the native backend."""
    from wasi_notebook.session import LoadError

    if not NOT_YET:
        pytest.skip("every guest's component runs on our host")
    session = Session()
    name = next(iter(NOT_YET))
    guest = session.load(components[name], name=name, backend="native")
    if not guest.missing:
        pytest.skip(f"{name} runs on our host now")
    with pytest.raises(LoadError, match="backend='native'"):
        session.load(components[name], name=name)
    with pytest.raises(LoadError):
        session.run(guest, [])
