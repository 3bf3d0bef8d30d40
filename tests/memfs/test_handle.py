"""Open handles: positions, append, pread/pwrite, seek, truncate, readdir cookies, close."""

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import SEEK_CUR, SEEK_END


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


@pytest.fixture
def rw(fs):
    return fs.open_at(fs.root_dir, "f", create=True, read=True, write=True)


def test_read_and_write_move_the_position(rw):
    assert rw.write(b"hello world") == 11
    assert rw.tell() == 11
    rw.seek(0)
    assert rw.read(5) == b"hello" and rw.tell() == 5
    assert rw.read(100) == b" world"
    assert rw.read(100) == b""


def test_write_past_the_end_zero_fills(rw):
    rw.seek(4)
    rw.write(b"x")
    rw.seek(0)
    assert rw.read(10) == b"\0\0\0\0x"


def test_pread_pwrite_leave_the_position(rw):
    rw.write(b"abcdef")
    assert rw.pwrite(b"XY", 1) == 2
    assert rw.pread(3, 0) == b"aXY"
    assert rw.pread(3, 100) == b""
    assert rw.tell() == 6


def test_append_mode_writes_at_the_end_whatever_the_position(fs):
    fs.path("/log").write_bytes(b"one\n")
    with fs.open_at(fs.root_dir, "log", append=True) as h:
        h.seek(0)
        h.write(b"two\n")
        assert h.tell() == 8
    assert fs.path("/log").read_bytes() == b"one\ntwo\n"


def test_seek(rw):
    rw.write(b"0123456789")
    assert rw.seek(-3, SEEK_END) == 7
    assert rw.seek(2, SEEK_CUR) == 9
    assert rw.seek(100) == 100  # past the end is allowed
    assert errno_of(lambda: rw.seek(-1)) is Errno.INVAL
    assert errno_of(lambda: rw.seek(0, 7)) is Errno.INVAL


def test_truncate(rw):
    rw.write(b"0123456789")
    rw.truncate(4)
    assert rw.stat().size == 4
    rw.truncate(6)
    assert rw.pread(10, 0) == b"0123\0\0"
    assert errno_of(lambda: rw.truncate(-1)) is Errno.INVAL


def test_mode_is_enforced(fs):
    fs.path("/f").write_bytes(b"data")
    with fs.open_at(fs.root_dir, "f", read=True) as r:
        assert errno_of(lambda: r.write(b"x")) is Errno.BADF
        assert errno_of(lambda: r.truncate(0)) is Errno.BADF
    with fs.open_at(fs.root_dir, "f", read=False, write=True) as w:
        assert errno_of(lambda: w.read(1)) is Errno.BADF


def test_directory_handles(fs):
    fs.path("/d").mkdir()
    with fs.open_at(fs.root_dir, "d") as h:
        assert errno_of(lambda: h.read(1)) is Errno.ISDIR
        assert h.directory() is fs.lookup(fs.root_dir, "d")
    fs.path("/f").write_bytes(b"")
    with fs.open_at(fs.root_dir, "f") as h:
        assert errno_of(lambda: h.directory()) is Errno.NOTDIR
        assert errno_of(lambda: list(h.readdir())) is Errno.NOTDIR


def test_close_twice_and_use_after_close(rw):
    rw.close()
    assert errno_of(rw.close) is Errno.BADF
    assert errno_of(lambda: rw.read(1)) is Errno.BADF
    assert errno_of(lambda: rw.stat()) is Errno.BADF
    assert errno_of(lambda: rw.seek(0)) is Errno.BADF


def test_unlinked_file_lives_while_open(fs):
    fs.path("/f").write_bytes(b"still here")
    h = fs.open_at(fs.root_dir, "f", write=True)
    fs.unlink_at(fs.root_dir, "f")
    assert not fs.path("/f").exists()
    assert h.stat().nlink == 0
    h.seek(0, SEEK_END)
    h.write(b"!")
    assert h.pread(100, 0) == b"still here!"
    h.close()
    assert fs.used_inodes == 1


def test_many_handles_on_one_file(fs):
    a = fs.open_at(fs.root_dir, "f", create=True, write=True)
    b = fs.open_at(fs.root_dir, "f", write=True)
    a.write(b"aaaa")
    b.write(b"bb")
    assert fs.path("/f").read_bytes() == b"bbaa"
    assert a.inode.opens == 2


def test_set_times_through_a_handle(rw):
    rw.set_times(1, 2)
    st = rw.stat()
    assert (st.atime, st.mtime) == (1, 2)


def names(entries):
    return [name for _, name, _ in entries]


def test_readdir_lists_dots_then_entries_in_creation_order(fs):
    for name in ["b", "a", "c"]:
        fs.path(f"/{name}").write_bytes(b"")
    with fs.open_at(fs.root_dir, ".") as h:
        entries = list(h.readdir())
    assert names(entries) == [".", "..", "b", "a", "c"]
    assert [c for c, _, _ in entries] == [1, 2, 3, 4, 5]
    assert entries[0][2] is fs.root_dir and entries[1][2] is fs.root_dir


def test_readdir_dotdot_is_the_parent(fs):
    fs.path("/d").mkdir()
    with fs.open_at(fs.root_dir, "d") as h:
        assert list(h.readdir())[1][2] is fs.root_dir


def test_readdir_cookies_survive_changes(fs):
    for i in range(10):
        fs.path(f"/f{i}").write_bytes(b"")
    h = fs.open_at(fs.root_dir, ".")
    first = list(h.readdir())[:6]  # ., .., f0..f3
    last_cookie = first[-1][0]
    fs.path("/f1").unlink()  # already seen
    fs.path("/f7").unlink()  # not yet seen: must not appear
    fs.path("/new").write_bytes(b"")  # added: may appear (it does, at the end)
    rest = names(h.readdir(last_cookie))
    assert rest == ["f4", "f5", "f6", "f8", "f9", "new"]


def test_readdir_resumes_after_compaction(fs):
    for i in range(100):
        fs.path(f"/f{i:03}").write_bytes(b"")
    h = fs.open_at(fs.root_dir, ".")
    it = h.readdir(2)
    got = [next(it)[1] for _ in range(5)]
    for i in range(50, 100):  # enough removals to compact the order list
        fs.path(f"/f{i:03}").unlink()
    got += [name for _, name, _ in it]
    assert got == [f"f{i:03}" for i in range(50)]


def test_readdir_past_the_end_and_huge_cookies(fs):
    fs.path("/a").write_bytes(b"")
    with fs.open_at(fs.root_dir, ".") as h:
        assert list(h.readdir(3)) == []
        assert list(h.readdir(2**64 - 1)) == []


def test_repr(rw):
    assert "rw" in repr(rw) and "file" in repr(rw)
