"""Copy-on-write snapshots: cheap to take, exact views of the past, no copies of the unchanged."""

import gc

import pytest

from wasi_notebook.errors import Errno, WasiError


@pytest.fixture
def populated(fs):
    fs.path("/docs").mkdir()
    fs.path("/docs/a.txt").write_text("alpha")
    fs.path("/docs/b.txt").write_text("beta")
    fs.path("/link").symlink_to("docs/a.txt")
    return fs


def test_snapshot_reads_the_past(populated):
    fs = populated
    snap = fs.snapshot()
    fs.path("/docs/a.txt").write_text("changed")
    fs.path("/docs/b.txt").unlink()
    fs.path("/docs/c.txt").write_text("new")
    fs.path("/link").unlink()
    fs.path("/link").symlink_to("elsewhere")
    assert snap.read_text("/docs/a.txt") == "alpha"
    assert snap.read_text("/docs/b.txt") == "beta"
    assert not snap.exists("/docs/c.txt")
    assert snap.listdir("/docs") == ["a.txt", "b.txt"]
    assert snap.readlink("/link") == "docs/a.txt"
    assert snap.stat("/docs/a.txt").size == 5
    # the live tree is the present
    assert fs.path("/docs/a.txt").read_text() == "changed"


def test_snapshot_lookup_errors(populated):
    snap = populated.snapshot()
    for path, errno in [("/nope", Errno.NOENT), ("/docs/a.txt/x", Errno.NOTDIR)]:
        with pytest.raises(WasiError) as info:
            snap.stat(path)
        assert info.value.errno is errno
    with pytest.raises(WasiError):
        snap.read_bytes("/docs")
    with pytest.raises(WasiError):
        snap.listdir("/docs/a.txt")
    with pytest.raises(WasiError):
        snap.readlink("/docs/a.txt")


def test_taking_a_snapshot_copies_nothing(populated):
    fs = populated
    snap = fs.snapshot()
    assert fs._journal.logs[-1] == {}
    del snap


def test_only_changed_inodes_are_recorded(populated):
    fs = populated
    snap = fs.snapshot()
    fs.path("/docs/a.txt").write_text("x")
    recorded = {inode.ino for inode in fs._journal.logs[-1]}
    a = fs.path("/docs/a.txt").stat().ino
    assert recorded == {a}
    del snap


def test_appends_share_the_prefix_instead_of_copying(fs):
    fs.path("/log").write_bytes(b"x" * 1000)
    inode = fs.lookup(fs.root_dir, "log")
    snap = fs.snapshot()
    with fs.open_at(fs.root_dir, "log", append=True) as h:
        for _ in range(10):
            h.write(b"y" * 1000)
    record = fs._journal.logs[-1][inode]
    assert record.data is inode.data  # shared, not copied
    assert snap.read_bytes("/log") == b"x" * 1000
    # a write inside the shared prefix makes the record take its own copy first
    with fs.open_at(fs.root_dir, "log", write=True) as h:
        h.write(b"Z")
    assert record.data is not inode.data
    assert snap.read_bytes("/log") == b"x" * 1000
    assert fs.path("/log").read_bytes()[:2] == b"Zx"


def test_truncate_below_the_shared_prefix_copies_first(fs):
    fs.path("/f").write_bytes(b"abcdef")
    snap = fs.snapshot()
    with fs.open_at(fs.root_dir, "f", write=True) as h:
        h.truncate(2)
        h.truncate(6)
    assert snap.read_bytes("/f") == b"abcdef"
    assert fs.path("/f").read_bytes() == b"ab\0\0\0\0"


def test_several_snapshots_each_see_their_moment(fs):
    p = fs.path("/f")
    p.write_text("one")
    s1 = fs.snapshot()
    p.write_text("two")
    s2 = fs.snapshot()
    p.write_text("three")
    s3 = fs.snapshot()
    fs.path("/g").write_text("late")
    assert [s.read_text("/f") for s in (s1, s2, s3)] == ["one", "two", "three"]
    assert [s.exists("/g") for s in (s1, s2, s3)] == [False, False, False]


def test_dropping_a_middle_snapshot_keeps_the_older_one_right(fs):
    p = fs.path("/f")
    p.write_text("one")
    s1 = fs.snapshot()
    s2 = fs.snapshot()
    p.write_text("two")  # recorded in s2's log only
    fs.path("/new").write_text("n")
    del s2
    gc.collect()
    assert len(fs._journal.logs) == 1
    assert s1.read_text("/f") == "one"
    assert not s1.exists("/new")
    p.write_text("three")
    assert s1.read_text("/f") == "one"


def test_dropping_the_newest_snapshot_then_changing_more(fs):
    p = fs.path("/f")
    p.write_text("one")
    s1 = fs.snapshot()
    s2 = fs.snapshot()
    del s2
    gc.collect()
    p.write_text("two")  # s2's log is gone: this must land in s1's
    fs.path("/g").write_text("g")
    assert s1.read_text("/f") == "one"
    assert [c.path for c in s1.diff()] == ["/f", "/g"]


def test_dropping_every_snapshot_stops_recording(fs):
    s = fs.snapshot()
    del s
    gc.collect()
    fs.path("/f").write_text("x")
    assert fs._journal.logs == []
