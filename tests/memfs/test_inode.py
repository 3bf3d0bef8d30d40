"""Inodes apart from paths: kinds, link counts, sizes, and the journal hook."""

from wasi_notebook.memfs import FileType, MemFs
from wasi_notebook.memfs.inode import NOW


def test_kinds_and_sizes(fs):
    root = fs.root_dir
    fs.path("/f").write_bytes(b"12345")
    fs.path("/d").mkdir()
    fs.path("/l").symlink_to("f")
    assert fs.lookup(root, "f").type is FileType.REGULAR_FILE
    assert fs.lookup(root, "d").type is FileType.DIRECTORY
    assert fs.lookup(root, "l", follow=False).type is FileType.SYMBOLIC_LINK
    assert fs.stat_at(root, "f").size == 5
    assert fs.stat_at(root, "l", follow=False).size == 1


def test_inode_numbers_are_unique_and_the_device_is_shared(fs):
    for i in range(5):
        fs.path(f"/f{i}").write_bytes(b"")
    stats = [fs.path(f"/f{i}").stat() for i in range(5)] + [fs.root.stat()]
    assert len({s.ino for s in stats}) == 6
    assert {s.dev for s in stats} == {fs.dev}


def test_root_nlink_counts_subdirectories(fs):
    assert fs.root.stat().nlink == 2
    fs.path("/a").mkdir()
    assert fs.root.stat().nlink == 3
    fs.path("/a").rmdir()
    assert fs.root.stat().nlink == 2


def test_removed_directory_has_no_links(fs):
    fs.path("/d").mkdir()
    h = fs.open_at(fs.root_dir, "d")
    fs.path("/d").rmdir()
    assert h.stat().nlink == 0
    h.close()


def test_times_come_from_the_clock(clock):
    fs = MemFs(clock=clock)
    fs.path("/f").write_bytes(b"")
    st = fs.path("/f").stat()
    assert st.atime == st.mtime == st.ctime and st.mtime <= clock.now


def test_now_sentinel_reads_well():
    assert repr(NOW) == "NOW"


def test_write_at_gap_and_overwrite(fs):
    fs.path("/f").write_bytes(b"abc")
    inode = fs.lookup(fs.root_dir, "f")
    inode.write_at(5, b"z", 1)
    assert inode.content() == b"abc\0\0z"
    inode.write_at(1, b"XY", 2)
    assert inode.content() == b"aXY\0\0z"
    inode.resize(2, 3)
    assert inode.content() == b"aX" and inode.mtime == 3
