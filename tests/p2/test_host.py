"""The preview2 host's functions called directly (as a component would, by rep), over a MemFs:
the ones the adapted guests in test_session.py do not reach."""

import pytest

from wasi_notebook import MemFs
from wasi_notebook.clocks import VirtualClocks
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.p2.host import GuestExit, Preview2
from wasi_notebook.p2.link import answer
from wasi_notebook.p2.values import Err, Ok, Variant


@pytest.fixture
def host():
    fs = MemFs()
    fs.path("/data").mkdir()
    fs.path("/data/a.txt").write_text("alpha")
    return Preview2(WasiCtx(fs, preopens={"/": "/data"}, deterministic=True, seed=3))


FS = "wasi:filesystem/types"
# The functions whose WIT result is a ``result``: called as the linker's wrapper calls them, so a
# WasiError they raise comes back as the interface's Err case.
RESULTS = {
    "[method]input-stream.read", "[method]input-stream.skip", "[method]output-stream.check-write",
    "[method]output-stream.write", "[method]output-stream.write-zeroes",
}


def call(host, interface, name, *args):
    func = host.interfaces()[interface][name]
    if interface == FS and name.startswith("[method]descriptor.") or name in RESULTS:
        return answer(host, interface, func, *args)
    return func(*args)


def rep(handle):
    return handle.rep


def preopen(host):
    [(handle, guest_path)] = call(host, "wasi:filesystem/preopens", "get-directories")
    assert guest_path == "/"
    return rep(handle)




def test_random_is_seeded_and_sized(host):
    first = call(host, "wasi:random/random", "get-random-bytes", 16)
    assert len(first) == 16
    again = Preview2(WasiCtx(MemFs(), deterministic=True, seed=3))
    assert call(again, "wasi:random/random", "get-random-bytes", 16) == first
    assert 0 <= call(host, "wasi:random/random", "get-random-u64") < 2**64


def test_clocks_read_the_context(host):
    clocks = host.ctx.clocks
    assert isinstance(clocks, VirtualClocks)
    before = clocks.elapsed
    assert call(host, "wasi:clocks/monotonic-clock", "now") == before + clocks.step_ns
    now = call(host, "wasi:clocks/wall-clock", "now")
    assert now.seconds * 10**9 + now.nanoseconds == clocks.start_ns + clocks.elapsed
    assert call(host, "wasi:clocks/monotonic-clock", "resolution") == clocks.step_ns


def test_stat_at_and_types(host):
    d = preopen(host)
    st = call(host, FS, "[method]descriptor.stat-at", d, {"symlink-follow"}, "a.txt")
    assert isinstance(st, Ok) and st.value.size == 5 and getattr(st.value, "link-count") == 1
    assert getattr(st.value, "type") == "regular-file"
    assert call(host, FS, "[method]descriptor.stat-at", d, set(), "nope") == Err("no-entry")
    assert call(host, FS, "[method]descriptor.get-type", d) == Ok("directory")
    assert call(host, FS, "[method]descriptor.get-flags", d) == Ok({"read", "mutate-directory"})


def test_directory_changes_need_mutate_directory(host):
    d = preopen(host)
    assert call(host, FS, "[method]descriptor.create-directory-at", d, "sub") == Ok(None)
    assert host.ctx.fs.path("/data/sub").is_dir()
    assert call(host, FS, "[method]descriptor.create-directory-at", d, "sub") == Err("exist")
    assert call(host, FS, "[method]descriptor.remove-directory-at", d, "sub") == Ok(None)
    assert call(host, FS, "[method]descriptor.unlink-file-at", d, "a.txt") == Ok(None)
    assert not host.ctx.fs.path("/data/a.txt").exists()
    host.ctx.fs.path("/data/ro").mkdir()
    opened = call(host, FS, "[method]descriptor.open-at", d, set(), "ro", {"directory"}, {"read"})
    ro = rep(opened.value)
    assert call(host, FS, "[method]descriptor.create-directory-at", ro, "x") == Err("not-permitted")
    assert not host.ctx.fs.path("/data/ro/x").exists()


def test_open_create_write_and_read_through_streams(host):
    d = preopen(host)
    opened = call(host, FS, "[method]descriptor.open-at", d, set(), "new.txt", {"create"}, {"write"})
    f = rep(opened.value)
    out = rep(call(host, FS, "[method]descriptor.write-via-stream", f, 0).value)
    io = "wasi:io/streams"
    assert call(host, io, "[method]output-stream.check-write", out) == Ok(1 << 20)
    assert call(host, io, "[method]output-stream.write", out, b"hello") == Ok(None)
    assert call(host, io, "[method]output-stream.write-zeroes", out, 2) == Ok(None)
    assert host.ctx.fs.path("/data/new.txt").read_bytes() == b"hello\0\0"
    # a descriptor opened for writing only cannot be read
    assert call(host, FS, "[method]descriptor.read-via-stream", f, 0) == Err("bad-descriptor")
    reader = call(host, FS, "[method]descriptor.open-at", d, set(), "new.txt", set(), {"read"})
    inp = rep(call(host, FS, "[method]descriptor.read-via-stream", rep(reader.value), 1).value)
    assert call(host, io, "[method]input-stream.skip", inp, 1) == Ok(1)
    assert call(host, io, "[method]input-stream.read", inp, 10) == Ok(b"llo\0\0")
    assert call(host, io, "[method]input-stream.read", inp, 10) == Err(Variant("closed"))


def test_writing_needs_mutate_directory_on_the_parent(host):
    d = preopen(host)
    host.ctx.fs.path("/data/ro").mkdir()
    ro = rep(call(host, FS, "[method]descriptor.open-at", d, set(), "ro", {"directory"}, {"read"}).value)
    assert call(host, FS, "[method]descriptor.open-at", ro, set(), "f", {"create"}, {"write"}) == Err("not-permitted")


def test_exit_ends_the_run_with_its_status(host):
    with pytest.raises(GuestExit) as info:
        call(host, "wasi:cli/exit", "exit", Variant("err"))
    assert info.value.code == 1
    with pytest.raises(GuestExit) as info:
        call(host, "wasi:cli/exit", "exit", Variant("ok"))
    assert info.value.code == 0


def test_environment(host):
    env = host.interfaces()["wasi:cli/environment"]
    assert env["get-arguments"]() == ["guest"]
    assert env["get-environment"]() == []
    assert env["initial-cwd"]() is None
