"""wasi_notebook.ctx: what a run is given (arguments, environment, preopens, streams, clocks,
randomness), and the checks made before a guest ever sees it."""

from __future__ import annotations

import pytest

from wasi_notebook.clocks import RealClocks, VirtualClocks
from wasi_notebook.ctx import Preopen, WasiCtx
from wasi_notebook.entropy import SeededEntropy, SystemEntropy
from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import MemFs
from wasi_notebook.stdio import InputSource, OutputSink


@pytest.fixture
def fs() -> MemFs:
    fs = MemFs()
    fs.path("/data/sub").mkdir(parents=True)
    fs.path("/data/file.txt").write_text("x")
    fs.path("/home").mkdir()
    fs.path("/link").symlink_to("data")
    return fs


def test_defaults(fs: MemFs) -> None:
    ctx = WasiCtx(fs)
    assert ctx.fs is fs
    assert ctx.args == ["guest"] and ctx.env == {} and ctx.preopens == []
    assert ctx.stdin.read(10) == b"" and ctx.stdin.eof
    assert isinstance(ctx.stdout, OutputSink) and isinstance(ctx.stderr, OutputSink)
    assert ctx.stdout is not ctx.stderr
    assert isinstance(ctx.clocks, RealClocks) and isinstance(ctx.entropy, SystemEntropy)
    assert not ctx.deterministic and not ctx.network_allowed


def test_arguments_and_environment_are_copied_as_text(fs: MemFs) -> None:
    env = {"HOME": "/home", "EMPTY": "", "EQ": "a=b"}
    args = ("prog", 42, "ünï")
    ctx = WasiCtx(fs, args=args, env=env)
    assert ctx.args == ["prog", "42", "ünï"]
    env["LATER"] = "1"
    assert ctx.env == {"HOME": "/home", "EMPTY": "", "EQ": "a=b"}


@pytest.mark.parametrize("args, env", [
    (["a\0b"], {}),
    ([], {"K\0": "v"}),
    ([], {"K": "v\0"}),
])
def test_nul_bytes_are_refused(fs: MemFs, args, env) -> None:
    with pytest.raises(ValueError, match="NUL"):
        WasiCtx(fs, args=args, env=env)


@pytest.mark.parametrize("name", ["A=B", ""])
def test_bad_environment_names_are_refused(fs: MemFs, name: str) -> None:
    with pytest.raises(ValueError, match="not a valid environment variable name"):
        WasiCtx(fs, env={name: "v"})


def test_preopens_keep_their_order_and_folders(fs: MemFs) -> None:
    ctx = WasiCtx(fs, preopens={"/": "/", "/data": "/data", ".": "/home", "via-link": "/link"})
    assert [p.guest_path for p in ctx.preopens] == ["/", "/data", ".", "via-link"]
    root, data, home, via_link = ctx.preopens
    assert root.directory is fs.root_dir
    assert data.directory is fs.lookup(fs.root_dir, "data")
    assert data.memfs_path == "/data" and home.memfs_path == "/home"
    assert via_link.directory is data.directory  # a link to a folder is followed
    assert isinstance(root, Preopen)
    with pytest.raises(AttributeError):
        root.guest_path = "x"  # type: ignore[misc]


def test_preopen_must_be_an_existing_folder(fs: MemFs) -> None:
    with pytest.raises(WasiError) as info:
        WasiCtx(fs, preopens={"/f": "/data/file.txt"})
    assert info.value.errno is Errno.NOTDIR
    with pytest.raises(WasiError) as info:
        WasiCtx(fs, preopens={"/m": "/missing"})
    assert info.value.errno is Errno.NOENT


def test_stdin_from_bytes_text_or_a_source(fs: MemFs) -> None:
    assert WasiCtx(fs, stdin=b"abc").stdin.read(10) == b"abc"
    assert WasiCtx(fs, stdin="héllo").stdin.read(10) == "héllo".encode()
    source = InputSource(b"x")
    assert WasiCtx(fs, stdin=source).stdin is source
    sink = OutputSink()
    ctx = WasiCtx(fs, stdout=sink, stderr=sink)
    assert ctx.stdout is sink and ctx.stderr is sink


def test_deterministic_swaps_in_virtual_time_and_seeded_randomness(fs: MemFs) -> None:
    a = WasiCtx(fs, deterministic=True, seed=5)
    b = WasiCtx(fs, deterministic=True, seed=5)
    assert a.deterministic
    assert isinstance(a.clocks, VirtualClocks) and isinstance(a.entropy, SeededEntropy)
    assert a.entropy.bytes(16) == b.entropy.bytes(16)
    assert WasiCtx(fs, deterministic=True, seed=6).entropy.bytes(16) != SeededEntropy(5).bytes(16)
    assert a.clocks.realtime() == b.clocks.realtime()


def test_given_clocks_and_entropy_win(fs: MemFs) -> None:
    clocks, entropy = VirtualClocks(step_ns=3), SeededEntropy(9)
    ctx = WasiCtx(fs, clocks=clocks, entropy=entropy)
    assert ctx.clocks is clocks and ctx.entropy is entropy
    assert ctx.deterministic
    assert not WasiCtx(fs, clocks=clocks).deterministic  # system randomness: not repeatable
    assert not WasiCtx(fs, entropy=entropy).deterministic  # real time: not repeatable
