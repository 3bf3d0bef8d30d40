"""wasi_notebook.p1.state: the descriptor table a run starts with, and the argument helpers."""

from __future__ import annotations

import pytest

from wasi_notebook.ctx import WasiCtx
from wasi_notebook.errors import Errno
from wasi_notebook.memfs import MemFs
from wasi_notebook.p1.defs import Filetype, Rights
from wasi_notebook.p1.fds import DIR_RIGHTS, FILE_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS
from wasi_notebook.p1.state import STDIO_FILETYPE, HostState

from .hostenv import errno_of


@pytest.fixture
def fs() -> MemFs:
    fs = MemFs()
    fs.path("/data").mkdir()
    fs.path("/home").mkdir()
    fs.path("/data/f.txt").write_text("hello")
    fs.path("/data/ln").symlink_to("f.txt")
    return fs


def test_stdio_then_one_fd_per_preopen_in_order(fs: MemFs) -> None:
    ctx = WasiCtx(fs, preopens={"/data": "/data", ".": "/home", "/": "/"}, stdin=b"in")
    state = HostState(ctx)
    fds = dict(state.fds)
    assert list(fds) == [0, 1, 2, 3, 4, 5]
    assert [fds[i].stream for i in range(3)] == [ctx.stdin, ctx.stdout, ctx.stderr]
    assert [fds[i].rights for i in range(3)] == [STDIN_RIGHTS, STDOUT_RIGHTS, STDOUT_RIGHTS]
    assert all(fds[i].filetype is STDIO_FILETYPE is Filetype.UNKNOWN for i in range(3))
    assert all(fds[i].inheriting == 0 and fds[i].handle is None for i in range(3))
    assert [fds[i].preopen.guest_path for i in (3, 4, 5)] == ["/data", ".", "/"]
    for i, path in zip((3, 4, 5), ("data", "home", ".")):
        assert fds[i].filetype is Filetype.DIRECTORY
        assert fds[i].rights == DIR_RIGHTS and fds[i].inheriting == int(Rights.ALL)
        assert fds[i].handle.inode is fs.lookup(fs.root_dir, path)
    assert state.ctx is ctx and state.fs is fs


def test_no_preopens(fs: MemFs) -> None:
    assert [fd for fd, _ in HostState(WasiCtx(fs)).fds] == [0, 1, 2]


def test_close_all_closes_handles_once(fs: MemFs) -> None:
    state = HostState(WasiCtx(fs, preopens={"/": "/", "d": "/data"}))
    handles = [state.fds.get(3).handle, state.fds.get(4).handle]
    handles[1].close()  # already closed by the guest: left alone
    state.close_all()
    assert all(h.closed for h in handles)
    assert fs.root_dir.opens == 0
    state.close_all()  # twice is harmless


def test_path_helper(fs: MemFs) -> None:
    mem = bytearray(64)
    mem[0:5] = "añb".encode()
    assert HostState.path(mem, 0, 4) == "añb"
    mem[10:12] = b"\xff\xfe"
    assert errno_of(HostState.path, mem, 10, 2) is Errno.ILSEQ
    assert errno_of(HostState.path, mem, 60, 5) is Errno.FAULT


def test_directory_helper(fs: MemFs) -> None:
    state = HostState(WasiCtx(fs, preopens={"/": "/"}))
    assert state.directory(3, int(Rights.PATH_OPEN)) is fs.root_dir
    assert errno_of(state.directory, 9, 0) is Errno.BADF
    assert errno_of(state.directory, 1, 0) is Errno.NOTDIR  # a stream
    assert errno_of(state.directory, 1, int(Rights.PATH_OPEN)) is Errno.NOTDIR  # the kind first, then rights
    assert errno_of(state.directory, 3, int(Rights.FD_READ)) is Errno.BADF  # a folder is never read
    state.fds.get(3).rights &= ~int(Rights.PATH_OPEN)
    assert errno_of(state.directory, 3, int(Rights.PATH_OPEN)) is Errno.NOTCAPABLE  # a dropped right


def test_stat_values(fs: MemFs) -> None:
    state = HostState(WasiCtx(fs))
    st = fs.stat_at(fs.root_dir, "data/f.txt")
    assert state.stat_values(st) == (fs.dev, st.ino, Filetype.REGULAR_FILE, 1, 5, st.atime, st.mtime, st.ctime)
    assert state.stat_values(fs.stat_at(fs.root_dir, "data"))[2] is Filetype.DIRECTORY
    assert state.stat_values(fs.stat_at(fs.root_dir, "data/ln", follow=False))[2] is Filetype.SYMBOLIC_LINK
    # a stream: all zeros but the type; no file names it, so nlink is 0 (as wasmtime says)
    assert HostState.stream_stat_values() == (0, 0, Filetype.UNKNOWN, 0, 0, 0, 0, 0)
    from wasi_notebook.p1.fds import applicable_rights

    assert applicable_rights(Filetype.DIRECTORY) == DIR_RIGHTS
    assert applicable_rights(Filetype.REGULAR_FILE) == FILE_RIGHTS
