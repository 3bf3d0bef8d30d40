"""The person's face: MemPath, pathlib-like, with clear errors that change nothing."""

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import MemFs, MemPath


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


def snapshot_of(fs):
    return sorted((str(d / n), fs.path(str(d / n)).lstat()) for d, dirs, files in fs.root.walk() for n in dirs + files)


def test_pure_path_operations(fs):
    p = fs.root / "a" / "b.tar.gz"
    assert str(p) == "/a/b.tar.gz" and repr(p) == "MemPath('/a/b.tar.gz')"
    assert (p.name, p.suffix, p.stem) == ("b.tar.gz", ".gz", "b.tar")
    assert p.parent == fs.path("/a") and p.parent.parent == fs.root and fs.root.parent == fs.root
    assert p.parts == ("/", "a", "b.tar.gz")
    assert fs.path("a//b/") == fs.path("/a/b")
    assert p.with_name("c") == fs.path("/a/c")
    assert p.relative_to(fs.root) == "a/b.tar.gz"
    assert fs.root.joinpath("x", "/y", "z") == fs.path("/y/z")
    assert sorted([fs.path("/b"), fs.path("/a")]) == [fs.path("/a"), fs.path("/b")]
    assert len({fs.path("/a"), fs.path("a")}) == 1


def test_no_fspath_so_it_cannot_reach_the_host_disk(fs):
    with pytest.raises(TypeError):
        open(fs.path("/etc/passwd"))


def test_text_and_bytes(fs):
    p = fs.path("/notes.txt")
    assert p.write_text("héllo\n") == 7
    assert p.read_text() == "héllo\n" and p.read_bytes() == "héllo\n".encode()
    p.append_text("more\n")
    assert p.read_text().endswith("more\n")
    p.write_bytes(b"short")
    assert p.read_bytes() == b"short"


def test_exists_and_kinds(fs):
    fs.path("/d").mkdir()
    fs.path("/f").write_text("")
    fs.path("/l").symlink_to("d")
    fs.path("/dangling").symlink_to("nope")
    assert fs.path("/d").is_dir() and not fs.path("/d").is_file()
    assert fs.path("/f").is_file() and not fs.path("/f").is_symlink()
    assert fs.path("/l").is_symlink() and fs.path("/l").is_dir()
    assert not fs.path("/dangling").exists() and fs.path("/dangling").exists(follow_symlinks=False)
    assert not fs.path("/missing").exists()
    assert fs.path("/l").readlink() == "d"
    assert fs.path("/l").lstat().type.value == "symlink"


def test_mkdir_parents_and_exist_ok(fs):
    fs.path("/a/b/c").mkdir(parents=True)
    assert fs.path("/a/b/c").is_dir()
    fs.path("/a/b/c").mkdir(parents=True, exist_ok=True)
    fs.path("/a/b").mkdir(exist_ok=True)
    assert errno_of(lambda: fs.path("/a/b").mkdir()) is Errno.EXIST
    assert errno_of(lambda: fs.path("/a/b").mkdir(parents=True)) is Errno.EXIST


def test_mkdir_without_parents_says_what_to_do(fs):
    with pytest.raises(WasiError, match="parent '/x/y' does not exist; pass parents=True"):
        fs.path("/x/y/z").mkdir()
    assert list(fs.root.iterdir()) == []


def test_mkdir_parents_through_a_file_changes_nothing(fs):
    fs.path("/a").mkdir()
    fs.path("/a/file").write_text("x")
    before = snapshot_of(fs)
    assert errno_of(lambda: fs.path("/a/file/b/c").mkdir(parents=True)) is Errno.NOTDIR
    assert errno_of(lambda: fs.path("/a/file").mkdir(parents=True)) is Errno.EXIST
    assert snapshot_of(fs) == before


def test_mkdir_parents_is_all_or_nothing_on_quota(clock):
    fs = MemFs(clock=clock, max_inodes=3)
    assert errno_of(lambda: fs.path("/a/b/c").mkdir(parents=True)) is Errno.NOSPC
    assert list(fs.root.iterdir()) == []


def test_bad_names(fs):
    assert errno_of(lambda: MemPath(fs, "/a\0b")) is Errno.INVAL
    assert errno_of(lambda: fs.path("/x").with_name("a/b")) is Errno.INVAL
    assert errno_of(lambda: fs.path("/" + "n" * 256).write_text("x")) is Errno.NAMETOOLONG
    assert errno_of(lambda: fs.path("/..").mkdir()) is Errno.NOTCAPABLE
    assert errno_of(lambda: fs.path("/../b").write_text("x")) is Errno.NOTCAPABLE
    assert list(fs.root.iterdir()) == []


def test_a_file_where_a_directory_is_expected(fs):
    fs.path("/f").write_text("x")
    assert errno_of(lambda: fs.path("/f/g").write_text("x")) is Errno.NOTDIR
    assert errno_of(lambda: list(fs.path("/f").iterdir())) is Errno.NOTDIR
    assert errno_of(lambda: fs.path("/f").rmtree()) is Errno.NOTDIR
    assert fs.path("/f").read_text() == "x"


def test_write_bytes_that_do_not_fit_keep_the_old_content(clock):
    fs = MemFs(clock=clock, max_bytes=10)
    fs.path("/f").write_text("old")
    assert errno_of(lambda: fs.path("/f").write_bytes(b"x" * 11)) is Errno.NOSPC
    assert fs.path("/f").read_text() == "old"
    assert errno_of(lambda: fs.path("/g").write_bytes(b"x" * 8)) is Errno.NOSPC
    assert not fs.path("/g").exists()
    fs.path("/f").write_bytes(b"x" * 10)  # replacing: the old 3 bytes are given back first


def test_reading_a_directory(fs):
    fs.path("/d").mkdir()
    assert errno_of(lambda: fs.path("/d").read_bytes()) is Errno.ISDIR


def test_iterdir_and_walk(fs):
    fs.path("/a/b").mkdir(parents=True)
    fs.path("/a/f1").write_text("")
    fs.path("/a/b/f2").write_text("")
    fs.path("/a/l").symlink_to("b")
    assert [p.name for p in fs.path("/a").iterdir()] == ["b", "f1", "l"]
    walked = [(str(d), dirs, files) for d, dirs, files in fs.root.walk()]
    assert walked == [("/", ["a"], []), ("/a", ["b"], ["f1", "l"]), ("/a/b", [], ["f2"])]
    bottom_up = [str(d) for d, _, _ in fs.root.walk(top_down=False)]
    assert bottom_up == ["/a/b", "/a", "/"]
    pruned = []
    for d, dirs, files in fs.root.walk():
        pruned.append(str(d))
        dirs.clear()
    assert pruned == ["/"]


def test_touch(fs, clock):
    p = fs.path("/t")
    p.touch()
    assert p.stat().size == 0
    first = p.stat().mtime
    p.touch()
    assert p.stat().mtime > first
    assert errno_of(lambda: p.touch(exist_ok=False)) is Errno.EXIST


def test_remove_unlink_rmdir_rmtree(fs):
    fs.path("/d/e").mkdir(parents=True)
    fs.path("/d/e/f").write_text("x")
    fs.path("/d/l").symlink_to("e")
    fs.path("/d/l").remove()
    assert not fs.path("/d/l").exists(follow_symlinks=False) and fs.path("/d/e").exists()
    assert errno_of(lambda: fs.path("/d").rmdir()) is Errno.NOTEMPTY
    fs.path("/d/e/f").remove()
    fs.path("/d/e").remove()
    fs.path("/nope").unlink(missing_ok=True)
    assert errno_of(lambda: fs.path("/nope").unlink()) is Errno.NOENT
    fs.path("/d/x/y").mkdir(parents=True)
    fs.path("/d").rmtree()
    assert list(fs.root.iterdir()) == []
    assert fs.used_inodes == 1
    assert errno_of(lambda: fs.root.rmtree()) is Errno.BUSY


def test_rmtree_does_not_follow_links_out(fs):
    fs.path("/keep").mkdir()
    fs.path("/keep/precious").write_text("x")
    fs.path("/t").mkdir()
    fs.path("/t/link").symlink_to("../keep")
    fs.path("/t").rmtree()
    assert fs.path("/keep/precious").exists()


def test_rename_relative_to_the_parent(fs):
    fs.path("/d").mkdir()
    fs.path("/d/a").write_text("x")
    new = fs.path("/d/a").rename("b")
    assert new == fs.path("/d/b") and new.read_text() == "x"
    other = MemFs()
    assert errno_of(lambda: new.rename(other.path("/x"))) is Errno.XDEV


def test_hardlink_to(fs):
    fs.path("/a").write_text("x")
    fs.path("/b").hardlink_to("/a")
    assert fs.path("/a").stat().nlink == 2


def test_copy_file_tree_and_links(fs):
    fs.path("/src/sub").mkdir(parents=True)
    fs.path("/src/sub/f").write_text("data")
    fs.path("/src/h").hardlink_to("/src/sub/f")
    fs.path("/src/l").symlink_to("sub/f")
    fs.path("/src").copy("/dst")
    assert fs.path("/dst/sub/f").read_text() == "data"
    assert fs.path("/dst/l").readlink() == "sub/f"
    assert fs.path("/dst/h").stat().ino == fs.path("/dst/sub/f").stat().ino
    assert fs.path("/dst/h").stat().ino != fs.path("/src/h").stat().ino
    assert fs.path("/dst/sub/f").stat().mtime == fs.path("/src/sub/f").stat().mtime
    fs.path("/src/sub/f").copy("/single")
    assert fs.path("/single").read_text() == "data"


def test_copy_refuses_to_clobber_or_recurse_and_changes_nothing(fs):
    fs.path("/src").mkdir()
    fs.path("/src/f").write_text("new")
    fs.path("/dst").mkdir()
    fs.path("/dst/f").write_text("old")
    assert errno_of(lambda: fs.path("/src").copy("/dst")) is Errno.EXIST
    assert fs.path("/dst/f").read_text() == "old"
    fs.path("/src").copy("/dst", overwrite=True)
    assert fs.path("/dst/f").read_text() == "new"
    assert errno_of(lambda: fs.path("/src").copy("/src/inner")) is Errno.INVAL
    assert errno_of(lambda: fs.path("/src").copy("/nowhere/x")) is Errno.NOENT


def test_copy_that_does_not_fit_changes_nothing(clock):
    fs = MemFs(clock=clock, max_bytes=10)
    fs.path("/src").mkdir()
    fs.path("/src/a").write_text("123456")
    assert errno_of(lambda: fs.path("/src").copy("/dst")) is Errno.NOSPC
    assert not fs.path("/dst").exists()
