"""Diffs: what a run created, modified, deleted and moved, by path."""

from wasi_notebook.memfs import FileType


def kinds(diff):
    return [(c.kind, c.path) for c in diff]


def test_no_changes(fs):
    fs.path("/f").write_text("x")
    diff = fs.snapshot().diff()
    assert not diff and len(diff) == 0 and str(diff) == "(no changes)" and diff.summary() == "no changes"


def test_created_modified_deleted(fs):
    fs.path("/keep").write_text("k")
    fs.path("/edit").write_text("e")
    fs.path("/gone").write_text("g")
    snap = fs.snapshot()
    fs.path("/edit").append_text("dit")
    fs.path("/gone").unlink()
    fs.path("/new").mkdir()
    fs.path("/new/file").write_text("hello")
    diff = snap.diff()
    assert kinds(diff) == [("modified", "/edit"), ("deleted", "/gone"), ("created", "/new"),
                           ("created", "/new/file")]
    edit = diff.by_path()["/edit"]
    assert (edit.before.size, edit.after.size) == (1, 4)
    assert diff.deleted[0].before.type is FileType.REGULAR_FILE and diff.deleted[0].after is None
    assert diff.summary() == "2 created, 1 modified, 1 deleted"
    assert str(diff).splitlines() == ["~ /edit (1 -> 4 bytes)", "- /gone", "+ /new/", "+ /new/file (5 bytes)"]


def test_files_made_and_removed_within_the_run_do_not_show(fs):
    snap = fs.snapshot()
    fs.path("/tmp").write_text("scratch")
    fs.path("/tmp").unlink()
    assert not snap.diff()


def test_rename_is_a_move_and_keeps_content_changes(fs):
    fs.path("/a.txt").write_text("a")
    snap = fs.snapshot()
    fs.path("/a.txt").rename("/b.txt")
    fs.path("/b.txt").append_text("more")
    diff = snap.diff()
    assert kinds(diff) == [("moved", "/b.txt"), ("modified", "/b.txt")]
    assert diff.moved[0].old_path == "/a.txt"
    assert str(diff.moved[0]) == "> /a.txt -> /b.txt"


def test_moving_a_directory_reports_the_directory_not_its_contents(fs):
    fs.path("/src/deep").mkdir(parents=True)
    fs.path("/src/deep/f").write_text("x")
    snap = fs.snapshot()
    fs.path("/src").rename("/dst")
    assert kinds(snap.diff()) == [("moved", "/dst")]


def test_content_change_inside_a_moved_directory_names_the_new_path(fs):
    fs.path("/src").mkdir()
    fs.path("/src/f").write_text("x")
    snap = fs.snapshot()
    fs.path("/src").rename("/dst")
    fs.path("/dst/f").write_text("y")
    assert kinds(snap.diff()) == [("moved", "/dst"), ("modified", "/dst/f")]


def test_atomic_save_reads_as_modified(fs):
    fs.path("/config").write_text("old")
    snap = fs.snapshot()
    fs.path("/config.tmp").write_text("new")
    fs.path("/config.tmp").rename("/config")
    diff = snap.diff()
    assert kinds(diff) == [("modified", "/config")]
    assert snap.read_text("/config") == "old"


def test_replacing_a_file_with_a_directory_is_delete_and_create(fs):
    fs.path("/x").write_text("file")
    snap = fs.snapshot()
    fs.path("/x").unlink()
    fs.path("/x").mkdir()
    assert kinds(snap.diff()) == [("deleted", "/x"), ("created", "/x")]


def test_hard_links_added_and_removed(fs):
    fs.path("/a").write_text("data")
    fs.path("/b").hardlink_to("/a")
    snap = fs.snapshot()
    fs.path("/c").hardlink_to("/a")
    fs.path("/b").unlink()
    assert kinds(snap.diff()) == [("moved", "/c")]  # one name went, one came: the inode moved
    snap2 = fs.snapshot()
    fs.path("/d").hardlink_to("/a")
    assert kinds(snap2.diff()) == [("created", "/d")]


def test_touch_is_metadata(fs, clock):
    fs.path("/f").write_text("same")
    snap = fs.snapshot()
    fs.path("/f").touch()
    assert kinds(snap.diff()) == [("metadata", "/f")]


def test_symlink_retargeted_is_modified(fs):
    fs.path("/l").symlink_to("a")
    snap = fs.snapshot()
    fs.path("/l").unlink()
    fs.path("/l").symlink_to("b")
    assert kinds(snap.diff()) == [("modified", "/l")]


def test_writing_the_same_bytes_is_only_metadata(fs):
    fs.path("/f").write_text("same")
    snap = fs.snapshot()
    with fs.open_at(fs.root_dir, "f", write=True) as h:
        h.write(b"same")
    assert kinds(snap.diff()) == [("metadata", "/f")]


def test_deleting_a_tree(fs):
    fs.path("/t/u").mkdir(parents=True)
    fs.path("/t/u/f").write_text("x")
    snap = fs.snapshot()
    fs.path("/t").rmtree()
    assert kinds(snap.diff()) == [("deleted", "/t"), ("deleted", "/t/u"), ("deleted", "/t/u/f")]


def test_to_list_is_plain_data(fs):
    snap = fs.snapshot()
    fs.path("/f").write_text("x")
    [entry] = snap.diff().to_list()
    assert entry["kind"] == "created" and entry["path"] == "/f"
    assert entry["after"]["type"] == "file" and entry["after"]["size"] == 1


def test_repr(fs):
    snap = fs.snapshot()
    fs.path("/f").write_text("x")
    assert repr(snap.diff()) == "<Diff 1 created>"
