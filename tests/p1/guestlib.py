"""Build and run the preview1 test guests of ``tests/p1/guests/``.

Each guest is a small C program that calls ``__wasi_*`` functions directly and
prints one line per check, in a form that does not depend on the host (errnos
by name, relations instead of timestamps or inode numbers). Run on wasmtime's
built-in WASI (the reference, :func:`run_native`) their output is pinned in
``<name>.expected``; run on another host through the same :data:`SCENARIOS`,
the transcripts can be compared line by line.

- :func:`build` compiles a guest with zig into a cache folder under the system
  temp dir, keyed by a hash of the source, ``check.h``, the flags and the zig
  version. Writes go to a unique temp name and are renamed into place, so
  parallel builds (threads, processes, pytest-xdist) are safe.
- :func:`run_native` runs a module on wasmtime's built-in WASI.
- :data:`SCENARIOS` says, per guest, which runs to make (argv, env, stdin) and
  which folders to prepare and preopen; :func:`transcript` runs them all with
  any runner of :func:`run_native`'s signature and returns the text that the
  ``.expected`` file holds.

Our own host runs the same scenarios through ``ourhost.run_ours``; where its answers differ from
wasmtime's on purpose, ``differences.py`` says which lines and why (``guests/DIFFERENCES.md``),
and ``test_guests_differential.py`` checks everything else is equal.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import wasmtime

GUESTS_DIR = Path(__file__).resolve().parent / "guests"
CACHE_DIR = Path(tempfile.gettempdir()) / "wasi-notebook-p1-guests"

#: Flags after ``python -m ziglang cc``. The compiler runs in GUESTS_DIR on a
#: relative file name, so no machine path ends up in the module.
CFLAGS: tuple[str, ...] = ("-target", "wasm32-wasi", "-O2", "-Wall", "-s", "-Wl,--build-id=none")


class BuildError(RuntimeError):
    """zig failed to compile a guest; the message holds its output."""


def source(name: str) -> Path:
    return GUESTS_DIR / f"{name}.c"


def guest_names() -> list[str]:
    """Every guest: each ``*.c`` file in GUESTS_DIR."""
    return sorted(p.stem for p in GUESTS_DIR.glob("*.c"))


@lru_cache(maxsize=1)
def _zig_version() -> str:
    try:
        from importlib.metadata import version

        return version("ziglang")
    except Exception:  # not installed as a distribution: compile will say more
        return "unknown"


def _cache_key(name: str) -> str:
    h = hashlib.sha256()
    h.update(_zig_version().encode())
    h.update(repr(CFLAGS).encode())
    for part in (source(name), GUESTS_DIR / "check.h"):
        h.update(part.name.encode() + b"\0" + part.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build(name: str) -> Path:
    """Compile guest *name* (``guests/<name>.c``) unless a cached build of the
    same source exists; return the path of the ``.wasm``."""
    src = source(name)
    if not src.is_file():
        raise FileNotFoundError(src)
    out = CACHE_DIR / f"{name}-{_cache_key(name)}.wasm"
    if out.is_file():
        return out
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}-", suffix=".wasm", dir=CACHE_DIR)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        cmd = [sys.executable, "-m", "ziglang", "cc", *CFLAGS, src.name, "-o", str(tmp)]
        proc = subprocess.run(cmd, cwd=GUESTS_DIR, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise BuildError(f"building {name} failed:\n{proc.stderr}{proc.stdout}")
        os.replace(tmp, out)  # atomic: a reader sees the old state or the whole file
    finally:
        tmp.unlink(missing_ok=True)
    return out


def build_all(names: Sequence[str] | None = None) -> dict[str, Path]:
    """Build several guests, a few at a time. The first build runs alone so
    that a cold zig cache (wasi-libc) is filled once, not by every thread."""
    names = list(guest_names() if names is None else names)
    if not names:
        return {}
    result = {names[0]: build(names[0])}
    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 1))) as pool:
        result.update(zip(names[1:], pool.map(build, names[1:])))
    return result


# --------------------------------------------------------------------------- running

ENGINE = wasmtime.Engine()
_module_lock = threading.Lock()


@lru_cache(maxsize=None)
def _module_cached(path: str) -> wasmtime.Module:
    return wasmtime.Module(ENGINE, Path(path).read_bytes())


def module(wasm: Path | str) -> wasmtime.Module:
    """The compiled module of a ``.wasm`` file (compiled once per process)."""
    with _module_lock:
        return _module_cached(str(Path(wasm).resolve()))


@dataclass
class Result:
    """What a run gave. ``exit_code`` is None when the guest trapped; then
    ``trap`` holds the message (which is host-specific: compare only whether
    there was one)."""

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    trap: str | None = None

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="backslashreplace")

    def outcome(self) -> str:
        """One host-independent line for how the run ended."""
        return "== trap" if self.trap is not None else f"== exit {self.exit_code}"


def guest_name_of(wasm: Path | str) -> str:
    """``fd_io-0123abcd.wasm`` -> ``fd_io`` (a cached build's name without its hash)."""
    stem = Path(wasm).stem
    base, sep, tail = stem.rpartition("-")
    return base if sep and len(tail) == 16 else stem


def run_native(
    wasm: Path | str,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    preopens: Mapping[str, Path | str] | None = None,
    argv0: str | None = None,
) -> Result:
    """Run *wasm* on wasmtime's built-in WASI.

    argv is ``[argv0, *args]`` (argv0 defaults to the guest's name), *env* is
    passed in order, *preopens* maps guest path -> host folder (preopened in
    that order, so the first gets fd 3). stdin/stdout/stderr are temp files.
    """
    mod = module(wasm)
    with tempfile.TemporaryDirectory(prefix="wasi-p1-run-") as tmp:
        io = Path(tmp)
        (io / "stdin").write_bytes(stdin)
        cfg = wasmtime.WasiConfig()
        cfg.argv = [argv0 if argv0 is not None else guest_name_of(wasm), *args]
        cfg.env = [[k, v] for k, v in (env or {}).items()]
        cfg.stdin_file = str(io / "stdin")
        cfg.stdout_file = str(io / "stdout")
        cfg.stderr_file = str(io / "stderr")
        for guest_path, host in (preopens or {}).items():
            cfg.preopen_dir(str(host), guest_path)
        store = wasmtime.Store(ENGINE)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(ENGINE)
        linker.define_wasi()
        code: int | None = 0
        trap: str | None = None
        try:
            instance = linker.instantiate(store, mod)
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as exit_:
            code = exit_.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as err:
            code, trap = None, str(err) or type(err).__name__
        del store, linker
        return Result(code, (io / "stdout").read_bytes(), (io / "stderr").read_bytes(), trap)


# --------------------------------------------------------------------------- scenarios

#: A runner has run_native's signature: (wasm, args, env, stdin, preopens) -> Result.
Runner = Callable[..., Result]


@dataclass(frozen=True)
class Run:
    """One run of a guest. *label* heads its part of the transcript when the
    scenario has several runs."""

    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    stdin: bytes = b""
    label: str | None = None


@dataclass(frozen=True)
class Scenario:
    """How to run one guest. *setup* gets an empty work folder, fills it and
    returns the preopens (guest path -> host folder); it runs anew before
    each run, in a fresh folder."""

    guest: str
    setup: Callable[[Path], dict[str, Path]]
    runs: tuple[Run, ...] = (Run(),)
    check_after: Callable[[Path], None] | None = field(default=None, compare=False)


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def root_only(files: Mapping[str, bytes | str] | None = None, dirs: Sequence[str] = (),
              symlinks: Mapping[str, str] | None = None) -> Callable[[Path], dict[str, Path]]:
    """A setup that preopens one folder ``root`` as ".", holding *files*,
    *dirs* and *symlinks* (link path -> target, relative targets only)."""

    def setup(work: Path) -> dict[str, Path]:
        root = work / "root"
        root.mkdir()
        for d in dirs:
            (root / d).mkdir(parents=True, exist_ok=True)
        for name, data in (files or {}).items():
            _write(root / name, data)
        for name, target in (symlinks or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, root / name)
        return {".": root}

    return setup


def _prestat_setup(work: Path) -> dict[str, Path]:
    dirs = {".": work / "root", "/sandbox": work / "sandbox", "nested/dir": work / "nested"}
    for host in dirs.values():
        host.mkdir()
    _write(work / "root" / "file.txt", "x")
    return dirs


def _escape_setup(work: Path) -> dict[str, Path]:
    """root/ (preopen ".") and other/ (preopen "other") side by side, and
    secret.txt beside them, outside both. Some symlinks in root point out."""
    root, other = work / "root", work / "other"
    root.mkdir()
    other.mkdir()
    _write(work / "secret.txt", "secret")
    (work / "outside").mkdir()
    _write(root / "in.txt", "inside")
    (root / "sub").mkdir()
    _write(other / "o.txt", "other")
    os.symlink(str((work / "secret.txt").resolve()), root / "abs_link")
    os.symlink(str((work / "outside").resolve()), root / "abs_dir_link")
    os.symlink("../secret.txt", root / "rel_link")
    os.symlink("sub/../../secret.txt", root / "deep_link")
    os.symlink("..", root / "up_link")
    os.symlink("../in.txt", root / "sub" / "ok_link")
    return {".": root, "other": other}


def _escape_check(work: Path) -> None:
    """Nothing outside the two preopens changed."""
    names = sorted(p.name for p in work.iterdir())
    assert names == ["other", "outside", "root", "secret.txt"], names
    assert (work / "secret.txt").read_text() == "secret"
    assert list((work / "outside").iterdir()) == []


#: wild_pointers and bad_flags run one case per run (a case may trap);
#: the case names are the guests' own (see their sources).
WILD_POINTER_CASES = (
    "fd_write_iovs_oob", "fd_write_iovs_straddle", "fd_write_buf_oob", "fd_write_len_huge",
    "fd_write_len_past_end", "fd_write_wrap", "fd_write_nwritten_oob", "fd_write_nwritten_unaligned",
    "fd_write_zero_len_oob", "fd_read_buf_oob", "fd_pread_buf_oob", "fd_pwrite_buf_oob",
    "path_open_path_oob", "path_open_len_huge", "path_open_len_past_end", "path_open_fd_out_oob",
    "path_open_fd_out_unaligned", "args_get_argv_oob", "args_get_buf_oob", "args_sizes_get_oob",
    "environ_get_buf_oob", "environ_sizes_get_oob", "clock_time_get_out_oob",
    "clock_res_get_out_unaligned", "random_get_buf_oob", "random_get_zero_len_oob",
    "fd_prestat_get_out_oob", "fd_prestat_dir_name_oob", "fd_filestat_get_out_oob",
    "fd_fdstat_get_out_oob", "fd_readdir_buf_oob", "path_readlink_buf_oob",
    "path_filestat_get_path_oob", "poll_oneoff_in_oob", "poll_oneoff_out_oob",
    "fd_write_bad_fd_and_oob",
)

BAD_FLAG_CASES = (
    "path_open_oflags", "path_open_fdflags", "path_open_lookupflags",
    "path_open_rights_base", "path_open_rights_inheriting", "path_open_oflags_high",
    "path_filestat_get_lookupflags", "path_filestat_set_times_fstflags",
    "path_link_lookupflags", "fd_filestat_set_times_fstflags", "fd_seek_whence",
    "fd_seek_whence_high", "fd_advise_advice", "fd_fdstat_set_flags_bits",
    "fd_fdstat_set_rights_bits", "clock_time_get_id", "clock_res_get_id",
    "poll_oneoff_eventtype", "poll_oneoff_subclockflags", "poll_oneoff_clock_id",
    "sock_accept_flags", "sock_recv_riflags", "sock_send_siflags", "sock_shutdown_sdflags",
    "proc_raise_signal",
)

SCENARIOS: dict[str, Scenario] = {
    s.guest: s
    for s in [
        Scenario(
            "args_environ",
            root_only(),
            (
                Run(args=("", "two words", "\u00fcn\u00efc\u00f8de", "-x=1"),
                    env=(("A", "1"), ("EMPTY", ""), ("EQ", "x=y"), ("LANGUAGE", "\u00e9t\u00e9")),
                    label="with args and env"),
                Run(label="bare"),
            ),
        ),
        Scenario("clocks", root_only()),
        Scenario(
            "fd_io",
            root_only({"hello.txt": "hello world"}, dirs=["adir"]),
            (Run(stdin=b"stdin data\n"),),
        ),
        Scenario("fd_meta", root_only({"hello.txt": "hello world"}, dirs=["adir"])),
        Scenario(
            "fd_readdir",
            root_only(
                {"d/a.txt": "a", "d/ccc.txt": "ccc", "d/bb/inner.txt": "x", "file.txt": "f"},
                dirs=["empty"],
                symlinks={"d/link": "a.txt"},
            ),
        ),
        Scenario("fd_renumber", root_only({"a.txt": "AAAA", "b.txt": "BBBB"})),
        Scenario("prestat", _prestat_setup),
        Scenario(
            "path_ops",
            root_only({"file.txt": "content", "dir/inner.txt": "inner", "dir2/x": "x"},
                      dirs=["emptydir", "emptydir2"]),
        ),
        Scenario(
            "path_open",
            root_only({"f.txt": "0123456789", "d/in.txt": "in"},
                      symlinks={"lnk": "f.txt", "dlnk": "d", "dangle": "missing.txt"}),
        ),
        Scenario(
            "poll_oneoff",
            root_only({"hello.txt": "hello world"}),
            (Run(stdin=b"stdin bytes\n"),),
        ),
        Scenario(
            "proc",
            root_only(),
            (Run(args=("42",), label="checks, then exit 42"),
             *(Run(args=(c, "exit-only"), label=f"exit {c}") for c in ("0", "125", "126", "255"))),
        ),
        Scenario("sockets", root_only({"file.txt": "data"}), (Run(stdin=b"in"),)),
        Scenario("escape", _escape_setup, check_after=_escape_check),
        Scenario(
            "wild_pointers",
            root_only({"file.txt": "data"}, symlinks={"lnk": "file.txt"}),
            tuple(Run(args=(c,), env=(("K", "V"),), label=c) for c in WILD_POINTER_CASES),
        ),
        Scenario(
            "bad_flags",
            root_only({"file.txt": "data"}),
            tuple(Run(args=(c,), label=c) for c in BAD_FLAG_CASES),
        ),
    ]
}


def _lines(text: str) -> str:
    return text + "\n" if text and not text.endswith("\n") else text


def transcript(scenario: Scenario, wasm: Path, work: Path, runner: Runner = run_native) -> str:
    """Run every run of *scenario* (each in a fresh subfolder of *work*) and
    return the host-independent transcript: each run's stdout, its stderr
    (after a ``--- stderr`` line, when there is any), then its outcome line;
    with several runs, each part headed by ``=== <label>``."""
    parts = []
    for i, run in enumerate(scenario.runs):
        folder = work / f"run{i}"
        folder.mkdir()
        preopens = scenario.setup(folder)
        result = runner(wasm, args=run.args, env=dict(run.env), stdin=run.stdin,
                        preopens=preopens)
        if scenario.check_after is not None:
            scenario.check_after(folder)
        head = f"=== {run.label or ' '.join(run.args)}\n" if len(scenario.runs) > 1 else ""
        out = _lines(result.out)
        if result.stderr:
            out += "--- stderr\n" + _lines(result.stderr.decode("utf-8", errors="backslashreplace"))
        parts.append(f"{head}{out}{result.outcome()}\n")
    return "".join(parts)


def expected_path(name: str) -> Path:
    return GUESTS_DIR / f"{name}.expected"
