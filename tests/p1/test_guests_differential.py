"""The preview1 test guests on our own host, compared with wasmtime's built-in WASI.

Each guest's transcript on our host (``ourhost.run_ours``) must equal its reviewed wasmtime
transcript (``guests/<name>.expected``) with the deliberate differences of ``differences.py``
applied, and each of those rules must still match something. The folders our host writes back
after each run must equal the ones wasmtime leaves (the guests keep the deliberate differences
from changing later state, so no folder differs); a scenario's own ``check_after`` runs on both.
``guests/DIFFERENCES.md`` must be what ``differences.py`` generates.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from . import differences, guestlib
from .ourhost import run_ours

pytest.importorskip("ziglang")

GUESTS = guestlib.guest_names()


@pytest.fixture(scope="module")
def built() -> dict[str, Path]:
    return guestlib.build_all(GUESTS)


@pytest.fixture(scope="module")
def runs(built, tmp_path_factory):
    """``runs(name, runner)``: the transcript of guest ``name`` run with ``runner`` and the folders
    each run left (run folder name -> :func:`host_tree`), made once per module."""
    done: dict[tuple[str, str], tuple[str, dict]] = {}

    def get(name: str, runner) -> tuple[str, dict]:
        key = (name, runner.__name__)
        if key not in done:
            work = tmp_path_factory.mktemp(f"{name}-{runner.__name__}")
            text = guestlib.transcript(guestlib.SCENARIOS[name], built[name], work, runner)
            done[key] = (text, {run.name: host_tree(run) for run in sorted(work.iterdir())})
        return done[key]

    return get


@pytest.mark.parametrize("name", GUESTS)
def test_our_transcript_is_wasmtimes_with_the_deliberate_differences(name: str, runs):
    applied = differences.ours_from_wasmtime(name)
    ours, _ = runs(name, run_ours)
    if ours != applied.text:
        diff = "".join(difflib.unified_diff(
            applied.text.splitlines(keepends=True), ours.splitlines(keepends=True),
            f"{name}.expected with the rules of differences.py", f"{name} on our host"))
        pytest.fail(f"{name}: our transcript differs from wasmtime's beyond the deliberate differences "
                    f"(fix the host, or add a rule with its reason to differences.py):\n{diff}")


@pytest.mark.parametrize("name", GUESTS)
def test_every_rule_still_matches(name: str):
    stale = differences.ours_from_wasmtime(name).unmatched()
    assert not stale, f"{name}: rules that match nothing in {name}.expected (remove or update them): {stale}"


def test_rules_name_known_guests_and_listed_reasons():
    assert set(differences.RULES) <= set(GUESTS)
    used = {rule.reason for rules in differences.RULES.values() for rule in rules}
    assert used <= set(differences.REASONS), "a rule's reason is missing from REASONS"
    assert set(differences.REASONS) <= used, "a reason no rule uses"
    assert len({r.title for r in differences.REASONS}) == len(differences.REASONS)


def test_differences_md_is_up_to_date():
    assert differences.DOC_PATH.read_text() == differences.render(), (
        "guests/DIFFERENCES.md is out of date: run python -m tests.p1.differences")


def test_rules_apply_whole_lines_only():
    rule = differences.Replace(differences.RIGHTS, "a = BADF", "a = NOTCAPABLE")
    block = differences.Replace(differences.RIGHTS, "b\nc", "B")
    sub = differences.Sub(differences.ESCAPE, r"= PERM$", "= NOTCAPABLE")
    applied = differences.apply([rule, block, sub, sub],
                                "a = BADF\nxa = BADF\na = BADFx\nb\nc\nbc\nd = PERM\na = BADF\n")
    assert applied.text == "a = NOTCAPABLE\nxa = BADF\na = BADFx\nB\nbc\nd = NOTCAPABLE\na = NOTCAPABLE\n"
    assert applied.matches == [
        (rule, [("a = BADF", "a = NOTCAPABLE")] * 2),
        (block, [("b\nc", "B")]),
        (sub, [("d = PERM", "d = NOTCAPABLE")]),  # noted as the whole line
        (sub, []),  # nothing left to match: stale
    ]
    assert applied.unmatched() == [sub]


# --------------------------------------------------------------------------- folders after a run


def host_tree(folder: Path) -> dict[str, tuple]:
    """What a folder holds, comparable across runs: per relative path ("dir",), ("symlink",
    target) with the folder's own absolute path written as ``<work>``, or ("file", bytes, the
    first path of the same inode, for hard links)."""
    root = str(folder.resolve())
    tree: dict[str, tuple] = {}
    first_of: dict[tuple[int, int], str] = {}
    for here, dirs, files in os.walk(folder):
        for name in sorted(dirs) + sorted(files):
            path = Path(here, name)
            rel = path.relative_to(folder).as_posix()
            st = path.lstat()
            if path.is_symlink():
                tree[rel] = ("symlink", os.readlink(path).replace(root, "<work>"))
            elif path.is_dir():
                tree[rel] = ("dir",)
            else:
                first = first_of.setdefault((st.st_dev, st.st_ino), rel)
                tree[rel] = ("file", path.read_bytes(), first)
    return tree


@pytest.mark.parametrize("name", GUESTS)
def test_our_host_leaves_the_folders_wasmtime_leaves(name: str, runs):
    """run_ours writes the MemFs back into the host folders; a scenario's own check_after runs on
    them inside transcript(), and here every run's folders must equal the ones wasmtime left."""
    _, ours = runs(name, run_ours)
    _, native = runs(name, guestlib.run_native)
    assert ours.keys() == native.keys()
    for run in native:
        if ours[run] != native[run]:
            lines = [f"  {rel}: wasmtime {native[run].get(rel)!r}, ours {ours[run].get(rel)!r}"
                     for rel in sorted(native[run].keys() | ours[run].keys())
                     if native[run].get(rel) != ours[run].get(rel)]
            pytest.fail(f"{name}, {run}: the folders differ after the run:\n" + "\n".join(lines))


def test_check_after_sees_what_our_host_wrote_back(built, tmp_path: Path):
    """The escape scenario's check_after looks at host folders: they must be the written-back ones
    (a change our host made in the MemFs shows on the host)."""
    scenario = guestlib.SCENARIOS["escape"]
    assert scenario.check_after is not None
    preopens = scenario.setup(tmp_path)
    assert run_ours(built["escape"], preopens=preopens).exit_code == 0
    assert (tmp_path / "root" / "new_rel").is_symlink()  # made by the guest, in the MemFs
    assert not os.path.lexists(tmp_path / "root" / "rel_link")  # removed by the guest
