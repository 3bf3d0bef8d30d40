"""Importing and exporting trees: host folders, tar archives; all-or-nothing imports."""

import io
import os
import tarfile

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs import MemFs


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


@pytest.fixture
def host_tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "a.txt").write_text("alpha")
    (src / "sub" / "b.bin").write_bytes(bytes(range(256)))
    (src / "sub" / "deeper" / "empty").write_bytes(b"")
    os.link(src / "a.txt", src / "hard.txt")
    os.symlink("sub/b.bin", src / "link")
    os.utime(src / "a.txt", ns=(1_000_000_000, 2_000_000_000))
    return src


def tree_of(fs, top="/"):
    out = {}
    for d, dirs, files in fs.path(top).walk():
        for name in dirs:
            out[(d / name).relative_to(fs.path(top))] = "dir"
        for name in files:
            p = d / name
            rel = p.relative_to(fs.path(top))
            out[rel] = ("link", p.readlink()) if p.is_symlink() else p.read_bytes()
    return out


def test_import_dir_keeps_files_links_hard_links_and_times(fs, host_tree):
    count = fs.import_dir(host_tree, "/data")
    assert count == 8
    assert fs.path("/data/a.txt").read_text() == "alpha"
    assert fs.path("/data/sub/b.bin").read_bytes() == bytes(range(256))
    assert fs.path("/data/link").readlink() == "sub/b.bin"
    assert fs.path("/data/hard.txt").stat().ino == fs.path("/data/a.txt").stat().ino
    assert fs.path("/data/a.txt").stat().mtime == 2_000_000_000
    assert fs.path("/data/sub/deeper/empty").is_file()


def test_import_merges_into_an_existing_folder_but_never_clobbers(fs, host_tree):
    fs.path("/data").mkdir()
    fs.path("/data/mine.txt").write_text("mine")
    fs.path("/data/a.txt").write_text("keep me")
    assert errno_of(lambda: fs.import_dir(host_tree, "/data")) is Errno.EXIST
    assert tree_of(fs, "/data") == {"mine.txt": b"mine", "a.txt": b"keep me"}
    fs.import_dir(host_tree, "/data", overwrite=True)
    assert fs.path("/data/a.txt").read_text() == "alpha" and fs.path("/data/mine.txt").exists()


def test_import_that_does_not_fit_changes_nothing(host_tree, clock):
    fs = MemFs(clock=clock, max_bytes=100)
    assert errno_of(lambda: fs.import_dir(host_tree, "/data")) is Errno.NOSPC
    assert list(fs.root.iterdir()) == []


def test_import_of_something_that_is_not_a_folder(fs, tmp_path):
    with pytest.raises(NotADirectoryError, match="not a folder"):
        fs.import_dir(tmp_path / "missing")


def test_import_rejects_special_files(fs, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    os.mkfifo(src / "pipe")
    with pytest.raises(WasiError, match="only files, folders and symbolic links"):
        fs.import_dir(src, "/x")
    assert not fs.path("/x").exists()


def test_export_dir_round_trip(fs, host_tree, tmp_path):
    fs.import_dir(host_tree, "/data")
    out = tmp_path / "out"
    fs.export_dir(out, "/data")
    assert (out / "a.txt").read_text() == "alpha"
    assert os.readlink(out / "link") == "sub/b.bin"
    assert os.stat(out / "hard.txt").st_ino == os.stat(out / "a.txt").st_ino
    assert os.stat(out / "a.txt").st_mtime_ns == 2_000_000_000
    again = MemFs()
    again.import_dir(out, "/")
    assert tree_of(again) == tree_of(fs, "/data")


def test_export_dir_replaces_same_names(fs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "f").write_text("old")
    (out / "other").write_text("untouched")
    fs.path("/f").write_text("new")
    fs.export_dir(out)
    assert (out / "f").read_text() == "new" and (out / "other").read_text() == "untouched"


def test_export_dir_of_a_file_is_an_error(fs, tmp_path):
    fs.path("/f").write_text("x")
    assert errno_of(lambda: fs.export_dir(tmp_path / "o", "/f")) is Errno.NOTDIR


def test_tar_round_trip(fs, host_tree):
    fs.import_dir(host_tree, "/data")
    blob = fs.export_tar(src="/data")
    names = tarfile.open(fileobj=io.BytesIO(blob)).getnames()
    assert "a.txt" in names and "sub/deeper/empty" in names
    other = MemFs()
    other.import_tar(blob, "/copy")
    assert tree_of(other, "/copy") == tree_of(fs, "/data")
    assert other.path("/copy/hard.txt").stat().ino == other.path("/copy/a.txt").stat().ino


def test_tar_to_and_from_files(fs, tmp_path):
    fs.path("/x").write_text("x")
    path = tmp_path / "t.tar"
    fs.export_tar(path)
    other = MemFs()
    other.import_tar(path)
    assert other.path("/x").read_text() == "x"
    with open(path, "rb") as f:
        third = MemFs()
        third.import_tar(f, "/in")
    assert third.path("/in/x").read_text() == "x"


def make_tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
            elif kind == "sym":
                info.type, info.linkname = tarfile.SYMTYPE, payload
                tar.addfile(info)
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
                tar.addfile(info)
    return buf.getvalue()


def test_tar_without_folder_members_and_compressed(fs):
    fs.import_tar(make_tar([("./a/b/c.txt", "file", b"deep")]))
    assert fs.path("/a/b/c.txt").read_text() == "deep"


@pytest.mark.parametrize("name", ["../evil", "/etc/evil", "a/../../evil"])
def test_tar_members_cannot_escape(fs, name):
    with pytest.raises(WasiError, match="outside the destination") as info:
        fs.import_tar(make_tar([("ok.txt", "file", b"fine"), (name, "file", b"bad")]), "/in")
    assert info.value.errno is Errno.NOTCAPABLE
    assert list(fs.root.iterdir()) == []


def test_tar_absolute_symlinks_are_kept_as_text_but_never_followed(fs):
    fs.import_tar(make_tar([("l", "sym", "/etc/passwd")]))
    assert fs.path("/l").readlink() == "/etc/passwd"
    assert errno_of(lambda: fs.path("/l").read_bytes()) is Errno.NOTCAPABLE


def test_tar_special_members_are_refused(fs):
    with pytest.raises(WasiError, match="only files, folders and links"):
        fs.import_tar(make_tar([("p", "fifo", None)]))


# -- sync: a MemFs folder and a host folder made alike, changing only what differs -------------

from wasi_notebook.memfs.transfer import reconcile, sync_from_host, sync_to_host  # noqa: E402


def test_sync_from_host_changes_only_what_differs(fs, tmp_path):
    fs.path("/w/sub").mkdir(parents=True)
    fs.path("/w/same.txt").write_text("same")
    fs.path("/w/edit.txt").write_text("old")
    fs.path("/w/sub/gone.txt").write_text("x")
    host = tmp_path / "host"
    fs.export_dir(host, "/w")
    same_ino = fs.path("/w/same.txt").stat().ino
    edit_ino = fs.path("/w/edit.txt").stat().ino
    (host / "edit.txt").write_text("new content")
    (host / "sub" / "gone.txt").unlink()
    (host / "sub").rmdir()
    (host / "made").mkdir()
    (host / "made" / "n.txt").write_text("n")
    os.symlink("same.txt", host / "link")
    snap = fs.snapshot()
    sync_from_host(fs, host, "/w")
    kinds = [(c.kind, c.path) for c in snap.diff()]
    assert kinds == [("modified", "/w/edit.txt"), ("created", "/w/link"), ("created", "/w/made"),
                     ("created", "/w/made/n.txt"), ("deleted", "/w/sub"), ("deleted", "/w/sub/gone.txt")]
    assert fs.path("/w/same.txt").stat().ino == same_ino and fs.path("/w/edit.txt").stat().ino == edit_ino
    assert fs.path("/w/link").readlink() == "same.txt"


def test_sync_to_host_and_back_is_a_fixed_point(fs, tmp_path):
    fs.path("/w/d").mkdir(parents=True)
    fs.path("/w/d/f").write_text("f")
    fs.path("/w/h").hardlink_to("/w/d/f")
    fs.path("/w/l").symlink_to("d")
    host = tmp_path / "out"
    host.mkdir()
    (host / "stale").write_text("remove me")
    assert sync_to_host(fs, "/w", host) > 0
    assert sorted(os.listdir(host)) == ["d", "h", "l"]
    assert os.stat(host / "h").st_ino == os.stat(host / "d" / "f").st_ino
    assert sync_to_host(fs, "/w", host) == 0  # nothing left to do
    snap = fs.snapshot()
    sync_from_host(fs, host, "/w")
    assert not snap.diff()


def test_reconcile_plans():
    from wasi_notebook.memfs.transfer import DIR, FILE, Entry

    source = [Entry("", DIR), Entry("a", FILE, b"1", mtime=5), Entry("b", FILE, b"2", mtime=1)]
    target = [Entry("", DIR), Entry("a", FILE, b"1", mtime=4), Entry("c", DIR), Entry("c/x", FILE, b"")]
    remove, write, touch = reconcile(source, target)
    assert remove == ["c"]
    assert [e.rel for e in write] == ["b"] and [e.rel for e in touch] == ["a"]
