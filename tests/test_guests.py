"""The bundled example guests: shipped binaries match their sources, and each
guest does its job when run on wasmtime's built-in WASI over a real folder.

These tests do not use our own host: they pin down what the guests do on a
reference implementation, so that later tests of our host can compare.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest
import wasmtime

from wasi_notebook import guests

ENGINE = wasmtime.Engine()


@lru_cache(maxsize=None)
def compiled(name: str) -> wasmtime.Module:
    return wasmtime.Module(ENGINE, guests.path(name).read_bytes())


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode()

    @property
    def err(self) -> str:
        return self.stderr.decode()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The folder the guest sees as its preopened directory ".". The stdio
    files live beside it, so that they do not show up in listings."""
    r = tmp_path / "root"
    r.mkdir()
    return r


def run(name: str, *args: str, root: Path, stdin: bytes = b"") -> Run:
    """Run guest *name* with argv [name, *args] and *root* preopened as "."."""
    io_dir = root.parent
    (io_dir / "stdin").write_bytes(stdin)
    cfg = wasmtime.WasiConfig()
    cfg.argv = [name, *args]
    cfg.stdin_file = str(io_dir / "stdin")
    cfg.stdout_file = str(io_dir / "stdout")
    cfg.stderr_file = str(io_dir / "stderr")
    cfg.preopen_dir(str(root), ".")
    store = wasmtime.Store(ENGINE)
    store.set_wasi(cfg)
    linker = wasmtime.Linker(ENGINE)
    linker.define_wasi()
    instance = linker.instantiate(store, compiled(name))
    code = 0
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit_:
        code = exit_.code
    return Run(code, (io_dir / "stdout").read_bytes(), (io_dir / "stderr").read_bytes())


def make_tree(root: Path) -> None:
    """root/top.txt, root/a/one.txt, root/a/b/two.txt, root/a/b/c.md, root/e/"""
    (root / "a" / "b").mkdir(parents=True)
    (root / "e").mkdir()
    (root / "top.txt").write_text("top\n")
    (root / "a" / "one.txt").write_text("one\n")
    (root / "a" / "b" / "two.txt").write_text("two\n")
    (root / "a" / "b" / "c.md").write_text("# c\n")


# --- the package API and the build ---------------------------------------------


def test_shipped_binaries_match_sources():
    pytest.importorskip("ziglang")
    from wasi_notebook.guests import build

    assert build.unlisted_sources() == []
    assert build.check() == [], "run: python -m wasi_notebook.guests.build"


def test_check_reports_a_stale_binary(tmp_path, monkeypatch):
    pytest.importorskip("ziglang")
    from wasi_notebook.guests import build

    tampered = tmp_path / "echo_stdin.wasm"
    data = bytearray(guests.path("echo_stdin").read_bytes())
    data[-1] ^= 1
    tampered.write_bytes(data)
    monkeypatch.setattr(build, "path", lambda name: tampered)
    assert build.check(["echo_stdin"]) == ["echo_stdin"]
    monkeypatch.setattr(build, "path", lambda name: tmp_path / "missing.wasm")
    assert build.check(["echo_stdin"]) == ["echo_stdin"]


def test_api_paths_and_unknown_name():
    assert list(guests.GUESTS) == sorted(guests.GUESTS)
    for name in guests.GUESTS:
        assert guests.path(name).is_file() and guests.path(name).suffix == ".wasm"
        assert guests.source(name).is_file() and guests.source(name).suffix == ".c"
    with pytest.raises(ValueError) as info:
        guests.path("nope")
    assert "nope" in str(info.value) and "wc" in str(info.value) and "ls" in str(info.value)
    with pytest.raises(ValueError):
        guests.source("../build")


@pytest.mark.parametrize("name", guests.GUESTS)
def test_guest_is_small_stripped_preview1_command(name):
    data = guests.path(name).read_bytes()
    assert data[:8] == b"\0asm\x01\0\0\0"
    assert len(data) < 100_000
    repo = str(Path(__file__).resolve().parents[1]).encode()
    assert repo not in data and b".c\0" not in data  # no paths embedded
    module = compiled(name)
    assert {e.name for e in module.exports} == {"memory", "_start"}
    assert {i.module for i in module.imports} == {"wasi_snapshot_preview1"}
    assert "proc_exit" in {i.name for i in module.imports}


# --- cat, echo_stdin, wc ------------------------------------------------------------


def test_cat_files_and_stdin(root):
    (root / "a.txt").write_text("alpha\n")
    (root / "b.txt").write_bytes(bytes(range(256)) * 40)  # binary, > one buffer
    r = run("cat", "a.txt", "b.txt", root=root)
    assert (r.code, r.stderr) == (0, b"")
    assert r.stdout == b"alpha\n" + bytes(range(256)) * 40
    assert run("cat", root=root, stdin=b"from stdin").stdout == b"from stdin"
    assert run("cat", "a.txt", "-", root=root, stdin=b"x").stdout == b"alpha\nx"


def test_cat_missing_file_is_an_error(root):
    (root / "here.txt").write_text("here\n")
    r = run("cat", "missing.txt", "here.txt", root=root)
    assert r.code == 1
    assert r.err == "cat: missing.txt: No such file or directory\n"
    assert r.out == "here\n"  # carries on with the other files, like coreutils
    r = run("cat", ".", root=root)
    assert r.code == 1 and r.err.startswith("cat: .: ")


def test_echo_stdin_copies_and_reports(root):
    data = os.urandom(10_000)  # more than the two 2 KiB iovecs of one read
    r = run("echo_stdin", root=root, stdin=data)
    assert r.code == 0
    assert r.stdout == data
    m = re.fullmatch(r"echo_stdin: read 10000 bytes in (\d+) fd_read calls\n", r.err)
    assert m and int(m.group(1)) >= 3  # at least 3 reads of <= 4096, then one of 0
    r = run("echo_stdin", root=root)
    assert (r.code, r.stdout, r.err) == (0, b"", "echo_stdin: read 0 bytes in 1 fd_read calls\n")


def wc_counts(data: bytes) -> tuple[int, int, int]:
    return data.count(b"\n"), len(data.split()), len(data)


def test_wc_counts(root):
    texts = {
        "poem.txt": b"The quick brown fox\n  jumps over\tthe lazy dog.\n\nEnd",
        "empty.txt": b"",
        "big.txt": b"word " * 3000 + b"\n" * 7,  # words span read buffers
    }
    for fname, data in texts.items():
        (root / fname).write_bytes(data)
    r = run("wc", *texts, root=root)
    assert (r.code, r.stderr) == (0, b"")
    rows = [line.split() for line in r.out.splitlines()]
    assert rows[0] == ["3", "10", str(len(texts["poem.txt"])), "poem.txt"]
    for row, (fname, data) in zip(rows, texts.items()):
        assert row == [*map(str, wc_counts(data)), fname]
    totals = [sum(c) for c in zip(*(wc_counts(d) for d in texts.values()))]
    assert rows[-1] == [*map(str, totals), "total"]
    assert len(rows) == len(texts) + 1

    r = run("wc", root=root, stdin=b"one two\nthree\n")
    assert r.out.split() == ["2", "3", "14"]
    r = run("wc", "poem.txt", "nope.txt", root=root)
    assert r.code == 1 and r.err == "wc: nope.txt: No such file or directory\n"


# --- cp, mv, rm, mkdir, ln, touch --------------------------------------------------------


def test_cp_copies_bytes(root):
    data = os.urandom(20_000)
    (root / "a").write_bytes(data)
    (root / "b").write_bytes(b"old content that is longer than nothing")
    assert run("cp", "a", "new", root=root).code == 0
    assert (root / "new").read_bytes() == data
    assert run("cp", "a", "b", root=root).code == 0  # overwrite truncates
    assert (root / "b").read_bytes() == data
    (root / "d").mkdir()
    (root / "c").write_text("c\n")
    assert run("cp", "a", "c", "d", root=root).code == 0  # into a directory
    assert (root / "d" / "a").read_bytes() == data
    assert (root / "d" / "c").read_text() == "c\n"
    r = run("cp", "ghost", "x", root=root)
    assert r.code == 1 and r.err == "cp: ghost: No such file or directory\n"
    assert not (root / "x").exists()
    r = run("cp", "d", "x", root=root)
    assert r.code == 1 and r.err == "cp: d: Is a directory\n"


def test_mv_renames(root):
    (root / "old.txt").write_text("payload\n")
    ino = (root / "old.txt").stat().st_ino
    assert run("mv", "old.txt", "new.txt", root=root).code == 0
    assert not (root / "old.txt").exists()
    assert (root / "new.txt").read_text() == "payload\n"
    assert (root / "new.txt").stat().st_ino == ino  # a rename, not a copy
    (root / "dir").mkdir()
    assert run("mv", "new.txt", "dir", root=root).code == 0
    assert (root / "dir" / "new.txt").read_text() == "payload\n"
    assert run("mv", "dir", "renamed", root=root).code == 0
    assert (root / "renamed" / "new.txt").is_file()
    r = run("mv", "nothing", "x", root=root)
    assert r.code == 1 and r.err == "mv: nothing: No such file or directory\n"


def test_rm_files_and_trees(root):
    make_tree(root)
    assert run("rm", "top.txt", root=root).code == 0
    assert not (root / "top.txt").exists()
    r = run("rm", "a", root=root)
    assert r.code == 1 and r.err == "rm: a: Is a directory\n"
    assert (root / "a" / "b" / "two.txt").exists()
    # a symlink to a directory is removed itself; its target stays
    (root / "link").symlink_to("a")
    assert run("rm", "link", root=root).code == 0
    assert not (root / "link").is_symlink() and (root / "a").is_dir()
    assert run("rm", "-r", "a", "e", root=root).code == 0
    assert sorted(os.listdir(root)) == []
    r = run("rm", "gone", root=root)
    assert r.code == 1 and r.err == "rm: gone: No such file or directory\n"
    r = run("rm", "-f", "gone", root=root)
    assert (r.code, r.stderr) == (0, b"")


def test_mkdir_and_parents(root):
    assert run("mkdir", "one", root=root).code == 0
    assert (root / "one").is_dir()
    r = run("mkdir", "one", root=root)
    assert r.code == 1 and r.err == "mkdir: one: File exists\n"
    r = run("mkdir", "x/y", root=root)
    assert r.code == 1 and r.err == "mkdir: x/y: No such file or directory\n"
    assert run("mkdir", "-p", "x/y/z", "one", root=root).code == 0
    assert (root / "x" / "y" / "z").is_dir()
    (root / "file").write_text("")
    r = run("mkdir", "-p", "file/sub", root=root)
    assert r.code == 1 and r.err.startswith("mkdir: file/sub: ")


def test_ln_symbolic_and_hard(root):
    (root / "target.txt").write_text("t\n")
    assert run("ln", "-s", "target.txt", "sym", root=root).code == 0
    assert (root / "sym").is_symlink()
    assert os.readlink(root / "sym") == "target.txt"
    assert (root / "sym").read_text() == "t\n"
    # a dangling symlink is fine: the target is stored as text
    assert run("ln", "-s", "not/there", "dangling", root=root).code == 0
    assert os.readlink(root / "dangling") == "not/there"
    assert run("ln", "target.txt", "hard", root=root).code == 0
    assert (root / "hard").stat().st_ino == (root / "target.txt").stat().st_ino
    assert (root / "target.txt").stat().st_nlink == 2
    r = run("ln", "-s", "target.txt", "sym", root=root)
    assert r.code == 1 and r.err == "ln: sym: File exists\n"


def test_touch_creates_and_sets_times(root):
    assert run("touch", "new.txt", root=root).code == 0
    assert (root / "new.txt").read_bytes() == b""
    (root / "old.txt").write_text("keep\n")
    os.utime(root / "old.txt", (1_000_000, 1_000_000))
    assert run("touch", "old.txt", root=root).code == 0
    assert abs((root / "old.txt").stat().st_mtime - time.time()) < 60
    assert (root / "old.txt").read_text() == "keep\n"  # contents untouched
    assert run("touch", "-d", "@86400", "old.txt", "fresh.txt", root=root).code == 0
    assert (root / "old.txt").stat().st_mtime == 86400
    assert (root / "fresh.txt").stat().st_mtime == 86400
    assert run("touch", "-c", "absent.txt", root=root).code == 0
    assert not (root / "absent.txt").exists()
    r = run("touch", "no/such/dir.txt", root=root)
    assert r.code == 1 and r.err == "touch: no/such/dir.txt: No such file or directory\n"


# --- ls, find ------------------------------------------------------------------------


def test_ls_lists_sorted_and_hides_dotfiles(root):
    make_tree(root)
    (root / ".hidden").write_text("h")
    r = run("ls", root=root)
    assert (r.code, r.out) == (0, "a\ne\ntop.txt\n")
    r = run("ls", "-a", root=root)
    assert r.out.splitlines() == [".", "..", ".hidden", "a", "e", "top.txt"]
    r = run("ls", "a", "a/b", root=root)
    assert r.out == "a:\nb\none.txt\n\na/b:\nc.md\ntwo.txt\n"
    assert run("ls", "top.txt", root=root).out == "top.txt\n"
    r = run("ls", "nowhere", root=root)
    assert r.code == 1 and r.err == "ls: nowhere: No such file or directory\n"


def test_ls_long_format(root):
    (root / "sub").mkdir()
    (root / "data.bin").write_bytes(b"x" * 1234)
    os.link(root / "data.bin", root / "twin.bin")
    (root / "link").symlink_to("data.bin")
    os.utime(root / "data.bin", (0, 1_700_000_000))
    r = run("ls", "-l", root=root)
    assert r.code == 0, r.err
    lines = {line.split()[-1] if "->" not in line else "link": line.split()
             for line in r.out.splitlines()}
    assert set(lines) == {"data.bin", "link", "sub", "twin.bin"}
    assert lines["data.bin"] == ["-", "2", "1234", "2023-11-14", "22:13", "data.bin"]
    assert lines["twin.bin"][:3] == ["-", "2", "1234"]
    sub = os.lstat(root / "sub")
    stamp = datetime.fromtimestamp(sub.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M")
    assert lines["sub"] == ["d", str(sub.st_nlink), str(sub.st_size), *stamp.split(), "sub"]
    assert lines["link"][0] == "l" and lines["link"][2] == "8"  # len("data.bin")
    assert lines["link"][-3:] == ["link", "->", "data.bin"]
    # at the preopen's root, ".." is outside the sandbox and cannot be stat'ed
    r = run("ls", "-la", root=root)
    assert r.code == 0, r.err
    assert r.out.splitlines()[0].startswith("d ") and r.out.splitlines()[0].endswith(" .")
    assert r.out.splitlines()[1].split() == ["?", "?", "?", "?", ".."]


def test_find_walks_tree(root):
    make_tree(root)
    (root / "a" / "link").symlink_to("b")  # not followed
    r = run("find", root=root)
    assert (r.code, r.stderr) == (0, b"")
    assert r.out.splitlines() == [
        ".", "./a", "./a/b", "./a/b/c.md", "./a/b/two.txt", "./a/link", "./a/one.txt",
        "./e", "./top.txt",
    ]
    r = run("find", "a", "-name", "*.txt", root=root)
    assert r.out.splitlines() == ["a/b/two.txt", "a/one.txt"]
    r = run("find", "a/", "e", "-type", "d", root=root)
    assert r.out.splitlines() == ["a/", "a/b", "e"]
    r = run("find", "-type", "l", root=root)
    assert r.out.splitlines() == ["./a/link"]
    r = run("find", "-name", "t*", "-type", "f", root=root)
    assert r.out.splitlines() == ["./a/b/two.txt", "./top.txt"]
    r = run("find", "missing", root=root)
    assert r.code == 1 and r.err == "find: missing: No such file or directory\n"
    assert run("find", "-bogus", root=root).code == 2


# --- clock_random ----------------------------------------------------------------------


def test_clock_random(root):
    before = time.time_ns()
    r = run("clock_random", "32", root=root)
    after = time.time_ns()
    assert (r.code, r.stderr) == (0, b"")
    fields = {line[:17].strip(): line[17:].split() for line in r.out.splitlines()}
    realtime = fields["realtime"]
    assert before <= int(realtime[0]) <= after
    assert realtime[1:3] == ["ns", "resolution"] and int(realtime[3]) > 0
    stamp = datetime.fromtimestamp(int(realtime[0]) / 1e9, timezone.utc)
    assert realtime[5] == stamp.strftime("(%Y-%m-%d")
    assert int(fields["monotonic"][3]) > 0
    for clock in ("process_cputime", "thread_cputime"):  # optional in WASI
        assert fields[clock][0] == "unavailable:" or fields[clock][1] == "ns"
    assert int(fields["monotonic step"][0]) >= 0
    rnd = fields["random  32 bytes"][0]
    assert re.fullmatch(r"[0-9a-f]{64}", rnd)
    again = run("clock_random", "32", root=root).out.splitlines()[-1].split()[-1]
    assert again != rnd
    assert run("clock_random", "0", root=root).out.splitlines()[-1].rstrip() == "random   0 bytes"
    assert run("clock_random", "9999", root=root).code == 2
