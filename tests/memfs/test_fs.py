"""The host face of MemFs: *_at operations, their errnos, quotas, and failing without change."""

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import NOW, FileType, MemFs


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


def listing(fs, path="/"):
    return sorted(p.name for p in fs.path(path).iterdir())


def write(fs, path, data=b"x"):
    with fs.open_at(fs.root_dir, path, create=True, write=True, truncate=True) as h:
        h.write(data)


@pytest.fixture
def root(fs):
    return fs.root_dir


class TestOpen:
    def test_create_then_open_existing(self, fs, root):
        write(fs, "f", b"hello")
        with fs.open_at(root, "f") as h:
            assert h.read(100) == b"hello"

    def test_missing_without_create(self, fs, root):
        assert errno_of(lambda: fs.open_at(root, "nope")) is Errno.NOENT

    def test_exclusive(self, fs, root):
        write(fs, "f")
        assert errno_of(lambda: fs.open_at(root, "f", create=True, exclusive=True)) is Errno.EXIST

    def test_exclusive_on_a_dangling_link_does_not_follow(self, fs, root):
        fs.symlink_at("target", root, "link")
        assert errno_of(lambda: fs.open_at(root, "link", create=True, exclusive=True)) is Errno.EXIST
        assert listing(fs) == ["link"]

    def test_create_through_a_dangling_link_makes_its_target(self, fs, root):
        fs.symlink_at("target", root, "link")
        fs.open_at(root, "link", create=True, write=True).close()
        assert listing(fs) == ["link", "target"]

    def test_truncate(self, fs, root):
        write(fs, "f", b"hello")
        fs.open_at(root, "f", truncate=True, write=True).close()
        assert fs.stat_at(root, "f").size == 0

    def test_directory_flag(self, fs, root):
        write(fs, "f")
        fs.mkdir_at(root, "d")
        assert errno_of(lambda: fs.open_at(root, "f", directory=True)) is Errno.NOTDIR
        assert fs.open_at(root, "d", directory=True).inode.type is FileType.DIRECTORY

    def test_writing_a_directory_is_isdir(self, fs, root):
        fs.mkdir_at(root, "d")
        assert errno_of(lambda: fs.open_at(root, "d", write=True)) is Errno.ISDIR

    def test_create_with_trailing_slash_is_isdir(self, fs, root):
        assert errno_of(lambda: fs.open_at(root, "new/", create=True, write=True)) is Errno.ISDIR
        assert listing(fs) == []

    def test_file_with_trailing_slash_is_notdir(self, fs, root):
        write(fs, "f")
        assert errno_of(lambda: fs.open_at(root, "f/")) is Errno.NOTDIR

    def test_symlink_not_followed_is_loop(self, fs, root):
        write(fs, "f")
        fs.symlink_at("f", root, "l")
        assert errno_of(lambda: fs.open_at(root, "l", follow=False)) is Errno.LOOP
        assert fs.open_at(root, "l").inode is fs.lookup(root, "f")

    def test_create_on_an_existing_directory_is_isdir(self, fs, root):
        fs.mkdir_at(root, "d")
        assert errno_of(lambda: fs.open_at(root, "d", create=True)) is Errno.ISDIR

    def test_create_and_directory_together_is_inval(self, fs, root):
        assert errno_of(lambda: fs.open_at(root, "d", create=True, directory=True)) is Errno.INVAL

    def test_create_in_a_removed_directory(self, fs, root):
        fs.mkdir_at(root, "d")
        with fs.open_at(root, "d", directory=True) as h:
            fs.rmdir_at(root, "d")
            assert errno_of(lambda: fs.open_at(h.directory(), "x", create=True)) is Errno.NOENT
            assert errno_of(lambda: fs.mkdir_at(h.directory(), "x")) is Errno.NOENT


class TestDirectories:
    def test_mkdir_and_nlink(self, fs, root):
        fs.mkdir_at(root, "d")
        fs.mkdir_at(root, "d/a")
        fs.mkdir_at(root, "d/b")
        assert fs.stat_at(root, "d").nlink == 4
        assert fs.stat_at(root, "d/a").nlink == 2

    def test_mkdir_taken_names(self, fs, root):
        fs.mkdir_at(root, "d")
        fs.symlink_at("nowhere", root, "dangling")
        for path in ["d", "d/", ".", "d/..", "dangling", "dangling/"]:
            assert errno_of(lambda: fs.mkdir_at(root, path)) is Errno.EXIST, path

    def test_mkdir_missing_parent(self, fs, root):
        assert errno_of(lambda: fs.mkdir_at(root, "a/b")) is Errno.NOENT

    def test_rmdir(self, fs, root):
        fs.mkdir_at(root, "d")
        write(fs, "d/f")
        assert errno_of(lambda: fs.rmdir_at(root, "d")) is Errno.NOTEMPTY
        assert errno_of(lambda: fs.rmdir_at(root, "d/f")) is Errno.NOTDIR
        assert errno_of(lambda: fs.rmdir_at(root, ".")) is Errno.INVAL
        assert errno_of(lambda: fs.rmdir_at(root, "d/..")) is Errno.NOTEMPTY
        fs.unlink_at(root, "d/f")
        fs.rmdir_at(root, "d/")
        assert listing(fs) == []

    def test_rmdir_of_a_link_to_a_directory_is_notdir(self, fs, root):
        fs.mkdir_at(root, "d")
        fs.symlink_at("d", root, "l")
        assert errno_of(lambda: fs.rmdir_at(root, "l")) is Errno.NOTDIR

    def test_unlink(self, fs, root):
        fs.mkdir_at(root, "d")
        write(fs, "f")
        assert errno_of(lambda: fs.unlink_at(root, "d")) is Errno.ISDIR
        assert errno_of(lambda: fs.unlink_at(root, "f/")) is Errno.NOTDIR
        assert errno_of(lambda: fs.unlink_at(root, "nope")) is Errno.NOENT
        fs.unlink_at(root, "f")
        assert listing(fs) == ["d"]

    def test_unlink_a_link_removes_the_link_only(self, fs, root):
        write(fs, "f")
        fs.symlink_at("f", root, "l")
        fs.unlink_at(root, "l")
        assert listing(fs) == ["f"]


class TestRename:
    def test_file_over_file_replaces(self, fs, root):
        write(fs, "a", b"A")
        write(fs, "b", b"B")
        fs.rename_at(root, "a", root, "b")
        assert listing(fs) == ["b"]
        assert fs.path("/b").read_bytes() == b"A"
        assert fs.used_bytes == 1 and fs.used_inodes == 2

    def test_kinds_must_agree(self, fs, root):
        write(fs, "f")
        fs.mkdir_at(root, "d")
        fs.mkdir_at(root, "full")
        write(fs, "full/x")
        assert errno_of(lambda: fs.rename_at(root, "f", root, "d")) is Errno.ISDIR
        assert errno_of(lambda: fs.rename_at(root, "d", root, "f")) is Errno.NOTDIR
        assert errno_of(lambda: fs.rename_at(root, "d", root, "full")) is Errno.NOTEMPTY

    def test_directory_over_empty_directory(self, fs, root):
        fs.mkdir_at(root, "a")
        write(fs, "a/x")
        fs.mkdir_at(root, "b")
        fs.rename_at(root, "a", root, "b")
        assert listing(fs) == ["b"] and listing(fs, "/b") == ["x"]
        assert fs.stat_at(root, ".").nlink == 3

    def test_never_into_its_own_subtree(self, fs, root):
        fs.mkdir_at(root, "a")
        fs.mkdir_at(root, "a/b")
        assert errno_of(lambda: fs.rename_at(root, "a", root, "a/b/c")) is Errno.INVAL
        assert errno_of(lambda: fs.rename_at(root, "a", root, "a/c")) is Errno.INVAL

    def test_dots_are_busy(self, fs, root):
        fs.mkdir_at(root, "a")
        assert errno_of(lambda: fs.rename_at(root, "a/.", root, "b")) is Errno.BUSY
        assert errno_of(lambda: fs.rename_at(root, "a", root, "a/..")) is Errno.BUSY

    def test_two_names_of_one_inode_is_a_no_op(self, fs, root):
        write(fs, "a")
        fs.link_at(root, "a", root, "b")
        fs.rename_at(root, "a", root, "b")
        assert listing(fs) == ["a", "b"]

    def test_file_with_trailing_slash(self, fs, root):
        write(fs, "a")
        assert errno_of(lambda: fs.rename_at(root, "a", root, "b/")) is Errno.NOTDIR

    def test_between_bases(self, fs, root):
        fs.mkdir_at(root, "x")
        fs.mkdir_at(root, "y")
        write(fs, "x/f", b"data")
        x, y = fs.lookup(root, "x"), fs.lookup(root, "y")
        fs.rename_at(x, "f", y, "g")
        assert listing(fs, "/x") == [] and fs.path("/y/g").read_bytes() == b"data"


class TestLinks:
    def test_hard_links_share_an_inode(self, fs, root):
        write(fs, "a", b"1")
        fs.link_at(root, "a", root, "b")
        assert fs.stat_at(root, "a").nlink == 2
        with fs.open_at(root, "b", write=True) as h:
            h.write(b"2")
        assert fs.path("/a").read_bytes() == b"2"
        fs.unlink_at(root, "a")
        assert fs.stat_at(root, "b").nlink == 1
        assert fs.used_inodes == 2

    def test_hard_link_errors(self, fs, root):
        fs.mkdir_at(root, "d")
        write(fs, "a")
        assert errno_of(lambda: fs.link_at(root, "d", root, "e")) is Errno.PERM
        assert errno_of(lambda: fs.link_at(root, "a", root, "d")) is Errno.EXIST
        assert errno_of(lambda: fs.link_at(root, "nope", root, "x")) is Errno.NOENT

    def test_link_to_a_symlink_follows_only_when_asked(self, fs, root):
        write(fs, "f")
        fs.symlink_at("f", root, "l")
        fs.link_at(root, "l", root, "l2")
        fs.link_at(root, "l", root, "f2", follow=True)
        assert fs.lookup(root, "l2", follow=False) is fs.lookup(root, "l", follow=False)
        assert fs.lookup(root, "f2") is fs.lookup(root, "f")

    def test_symlink_and_readlink(self, fs, root):
        fs.symlink_at("some/where", root, "l")
        assert fs.readlink_at(root, "l") == "some/where"
        assert fs.stat_at(root, "l", follow=False).size == len("some/where")
        write(fs, "f")
        assert errno_of(lambda: fs.readlink_at(root, "f")) is Errno.INVAL
        fs.symlink_at("f", root, "to_file")
        fs.mkdir_at(root, "d")
        fs.symlink_at("d", root, "to_dir")
        assert errno_of(lambda: fs.readlink_at(root, "to_file/")) is Errno.NOTDIR  # as Linux
        assert errno_of(lambda: fs.readlink_at(root, "to_dir/")) is Errno.INVAL
        assert errno_of(lambda: fs.symlink_at("x", root, "f")) is Errno.EXIST
        assert errno_of(lambda: fs.symlink_at("", root, "e")) is Errno.NOENT


class TestTimes:
    def test_explicit_now_and_untouched(self, fs, root, clock):
        write(fs, "f")
        before = fs.stat_at(root, "f")
        fs.set_times_at(root, "f", 5, None)
        st = fs.stat_at(root, "f")
        assert (st.atime, st.mtime) == (5, before.mtime) and st.ctime > before.ctime
        fs.set_times_at(root, "f", None, NOW)
        assert fs.stat_at(root, "f").mtime == clock.now

    def test_writes_move_mtime_and_parents_move_on_new_entries(self, fs, root):
        fs.mkdir_at(root, "d")
        d0 = fs.stat_at(root, "d").mtime
        write(fs, "d/f")
        f0 = fs.stat_at(root, "d/f").mtime
        assert fs.stat_at(root, "d").mtime > d0
        with fs.open_at(root, "d/f", write=True) as h:
            h.write(b"more")
        assert fs.stat_at(root, "d/f").mtime > f0


class TestQuota:
    def test_bytes_limit_gives_partial_write_then_nospc(self, clock):
        fs = MemFs(clock=clock, max_bytes=10)
        with fs.open_at(fs.root_dir, "f", create=True, write=True) as h:
            assert h.write(b"12345678") == 8
            assert h.write(b"abcdef") == 2
            assert errno_of(lambda: h.write(b"z")) is Errno.NOSPC
            # overwriting inside the file needs no room
            assert h.pwrite(b"XY", 0) == 2
        assert fs.path("/f").read_bytes() == b"XY345678ab"

    def test_gap_counts_against_the_limit(self, clock):
        fs = MemFs(clock=clock, max_bytes=10)
        with fs.open_at(fs.root_dir, "f", create=True, write=True) as h:
            assert errno_of(lambda: h.pwrite(b"x", 20)) is Errno.NOSPC
            assert errno_of(lambda: h.truncate(11)) is Errno.NOSPC
            assert h.stat().size == 0

    def test_freed_space_comes_back(self, clock):
        fs = MemFs(clock=clock, max_bytes=10)
        fs.path("/a").write_bytes(b"0123456789")
        fs.path("/a").unlink()
        fs.path("/b").write_bytes(b"0123456789")
        assert fs.used_bytes == 10

    def test_unlinked_but_open_still_counts_until_closed(self, clock):
        fs = MemFs(clock=clock, max_bytes=10)
        fs.path("/a").write_bytes(b"0123456789")
        h = fs.open_at(fs.root_dir, "a")
        fs.unlink_at(fs.root_dir, "a")
        assert errno_of(lambda: fs.path("/b").write_bytes(b"x")) is Errno.NOSPC
        assert h.read(3) == b"012"
        h.close()
        fs.path("/b").write_bytes(b"x")

    def test_inode_limit(self, clock):
        fs = MemFs(clock=clock, max_inodes=3)  # the root is one
        fs.mkdir_at(fs.root_dir, "a")
        fs.symlink_at("a", fs.root_dir, "l")
        assert errno_of(lambda: fs.mkdir_at(fs.root_dir, "b")) is Errno.NOSPC
        assert errno_of(lambda: fs.open_at(fs.root_dir, "f", create=True)) is Errno.NOSPC
        assert errno_of(lambda: fs.symlink_at("a", fs.root_dir, "m")) is Errno.NOSPC
        assert sorted(p.name for p in fs.root.iterdir()) == ["a", "l"]
        assert fs.used_bytes == 1  # the failed symlink gave its bytes back

    def test_unlimited(self, clock):
        fs = MemFs(clock=clock, max_bytes=None, max_inodes=None)
        fs.path("/a").write_bytes(b"x" * 100)
        assert fs.used_bytes == 100


def test_repr_and_devices_differ(fs):
    assert "inodes" in repr(fs)
    assert MemFs().dev != MemFs().dev


class TestCopy:
    def test_the_copy_holds_the_same_tree_links_and_times(self, fs):
        fs.path("/d/e").mkdir(parents=True)
        fs.path("/d/e/f.txt").write_bytes(b"hello")
        fs.path("/d/hard").hardlink_to(fs.path("/d/e/f.txt"))
        fs.path("/d/link").symlink_to("e/f.txt")
        fs.path("/d/e/f.txt").set_times(5_000, 6_000)
        fs.path("/d").set_times(7_000, 8_000)
        twin = fs.copy()
        assert twin is not fs and twin.dev != fs.dev
        assert twin.path("/d/e/f.txt").read_bytes() == b"hello"
        assert twin.path("/d/link").readlink() == "e/f.txt"
        assert twin.path("/d/hard").stat().nlink == 2
        assert twin.path("/d/e/f.txt").stat().mtime == 6_000 and twin.path("/d").stat().mtime == 8_000
        assert (twin.used_bytes, twin.used_inodes) == (fs.used_bytes, fs.used_inodes)
        assert (twin.max_bytes, twin.max_inodes, twin.clock) == (fs.max_bytes, fs.max_inodes, fs.clock)

    def test_changes_to_the_copy_leave_the_original_alone(self, fs):
        fs.path("/keep.txt").write_text("original")
        twin = fs.copy()
        twin.path("/keep.txt").write_text("changed")
        twin.path("/new").mkdir()
        fs.path("/keep.txt").append_text("!")
        assert fs.path("/keep.txt").read_text() == "original!"
        assert not fs.path("/new").exists()
        assert twin.path("/keep.txt").read_text() == "changed"

    def test_a_copy_of_a_full_memfs_fits(self, clock):
        fs = MemFs(clock=clock, max_bytes=10, max_inodes=3)
        fs.path("/a").write_bytes(b"x" * 10)
        fs.path("/b").mkdir()
        twin = fs.copy()
        assert twin.path("/a").read_bytes() == b"x" * 10
        assert errno_of(lambda: twin.path("/c").write_bytes(b"")) is Errno.NOSPC
