"""wasi_notebook.p1.fds: the descriptor table (numbers, BADF, NOTCAPABLE) and the rights sets."""

from __future__ import annotations

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import Handle, MemFs
from wasi_notebook.p1.defs import Fdflags, Filetype, Rights
from wasi_notebook.p1.fds import DIR_RIGHTS, FILE_RIGHTS, STDIN_RIGHTS, STDOUT_RIGHTS, Fd, FdTable
from wasi_notebook.stdio import OutputSink


def entry(rights: int = FILE_RIGHTS) -> Fd:
    return Fd(Filetype.REGULAR_FILE, rights, 0)


def errno_of(call, *args) -> Errno:
    with pytest.raises(WasiError) as info:
        call(*args)
    return info.value.errno


def test_rights_sets() -> None:
    assert FILE_RIGHTS == Rights.FILE and DIR_RIGHTS == Rights.DIRECTORY
    assert STDIN_RIGHTS & Rights.FD_READ and not STDIN_RIGHTS & Rights.FD_WRITE
    assert STDOUT_RIGHTS & Rights.FD_WRITE and not STDOUT_RIGHTS & Rights.FD_READ
    for stream in (STDIN_RIGHTS, STDOUT_RIGHTS):
        assert not stream & (Rights.FD_SEEK | Rights.FD_TELL)  # a stream has no position
        assert stream & Rights.POLL_FD_READWRITE
    assert not DIR_RIGHTS & (Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK)
    assert not FILE_RIGHTS & (Rights.PATH_OPEN | Rights.FD_READDIR)


def test_add_gives_the_lowest_free_number() -> None:
    table = FdTable()
    a, b, c = entry(), entry(), entry()
    assert [table.add(a), table.add(b), table.add(c)] == [0, 1, 2]
    assert table.pop(1) is b
    assert 1 not in table and 0 in table
    assert table.add(entry()) == 1
    assert table.add(entry()) == 3
    assert [fd for fd, _ in table] == [0, 1, 2, 3]


def test_get_checks_open_and_rights() -> None:
    table = FdTable()
    fd = table.add(entry(int(Rights.FD_READ | Rights.FD_SEEK)))
    assert table.get(fd).rights == Rights.FD_READ | Rights.FD_SEEK
    assert table.get(fd, int(Rights.FD_READ)) is table.get(fd)
    assert table.get(fd, int(Rights.FD_READ | Rights.FD_SEEK)) is table.get(fd)
    with pytest.raises(WasiError) as info:
        table.get(fd, int(Rights.FD_READ | Rights.FD_WRITE))  # all of them are needed
    assert info.value.errno is Errno.NOTCAPABLE and "FD_WRITE" in str(info.value)
    with pytest.raises(WasiError) as info:
        table.get(7)
    assert info.value.errno is Errno.BADF and "fd 7 is not open" in str(info.value)


def test_a_right_the_kind_cannot_use_is_badf_even_when_given() -> None:
    table = FdTable()
    # a directory opened with every right but FD_WRITE (what path_open passes on) holds FD_READ
    fd = table.add(Fd(Filetype.DIRECTORY, int(Rights.ALL & ~Rights.FD_WRITE), 0))
    assert table.get(fd).rights & Rights.FD_READ
    for right in (Rights.FD_READ, Rights.FD_SEEK, Rights.FD_TELL, Rights.FD_READ | Rights.FD_READDIR):
        assert errno_of(table.get, fd, int(right)) is Errno.BADF
    assert table.get(fd, int(Rights.FD_READDIR | Rights.PATH_OPEN)) is table.get(fd)


def test_pop() -> None:
    table = FdTable()
    fd = table.add(entry())
    table.pop(fd)
    assert errno_of(table.pop, fd) is Errno.BADF
    assert errno_of(table.get, fd) is Errno.BADF


def test_renumber_moves_and_returns_what_was_replaced() -> None:
    table = FdTable()
    a, b = entry(), entry()
    fa, fb = table.add(a), table.add(b)
    assert table.renumber(fa, fb) is b
    assert table.get(fb) is a
    assert fa not in table
    assert table.renumber(fb, fb) is None  # onto itself: nothing changes
    assert table.get(fb) is a


def test_renumber_needs_both_open() -> None:
    table = FdTable()
    fa = table.add(entry())
    assert errno_of(table.renumber, fa, 5) is Errno.BADF
    assert errno_of(table.renumber, 5, fa) is Errno.BADF
    assert table.get(fa) is not None  # nothing moved


def test_fd_describes_itself() -> None:
    sink = OutputSink()
    stream = Fd(Filetype.UNKNOWN, STDOUT_RIGHTS, 0, stream=sink, flags=int(Fdflags.APPEND))
    assert stream.append and stream.handle is None and stream.stream is sink
    assert repr(stream).startswith("<Fd UNKNOWN <wasi_notebook.stdio.OutputSink")
    fs = MemFs()
    fs.path("/f").write_text("x")
    handle = Handle(fs, fs.lookup(fs.root_dir, "f"))
    file_fd = Fd(Filetype.REGULAR_FILE, FILE_RIGHTS, 0, handle=handle)
    assert not file_fd.append and file_fd.preopen is None
    assert "REGULAR_FILE" in repr(file_fd) and "Handle" in repr(file_fd)
    with pytest.raises(AttributeError):
        file_fd.other = 1  # type: ignore[attr-defined]
