"""TreeWidget: what it sends when folders open, and every action as a real MemFs change."""

import io
import json
import tarfile

import pytest

from wasi_notebook.errors import WasiError
from wasi_notebook.memfs import MemFs
from wasi_notebook.widgets import TreeWidget
from wasi_notebook.widgets.base import CHUNK

from .wire import custom, from_frontend, messages, only, updates, wire_bytes


def names(listing):
    return [e["name"] for e in listing["entries"]]


def status(replies):
    return only(replies, "status")


# -- browsing -------------------------------------------------------------------------------------

def test_first_level_travels_in_the_state(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    state = messages(tree)[0][1]["state"]  # the comm_open a frontend gets
    assert state["root"] == "/" and state["_root_listing"]["path"] == "/"
    assert names(state["_root_listing"]) == ["home", "data"]
    assert state["legend"] == [["created", 1], ["modified", 1], ["moved", 1], ["metadata", 2], ["deleted", 4]]
    assert "_esm" in state and "tree.js" not in state["_esm"]  # the module itself, not a path


def test_opening_a_folder_sends_its_entries_with_their_marks(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    listing = only(from_frontend(tree, {"type": "list", "path": "/home", "cursor": None, "id": "r1"}), "listing")
    assert listing["id"] == "r1" and listing["start"] and listing["next"] is None
    marks = {e["name"]: e.get("change") for e in listing["entries"]}
    assert marks == {"notes.txt": "modified", "keep.txt": "metadata", "twin": "metadata", "link": None,
                     "out.csv": "created", "done.txt": "moved"}
    data = only(from_frontend(tree, {"type": "list", "path": "/data", "cursor": None}), "listing")
    assert [(e["name"], bool(e.get("deleted"))) for e in data["entries"]] == [
        ("numbers.csv", False), ("blob.bin", True), ("old", True)]


def test_refresh_resends_the_open_folders_only(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    from_frontend(tree, {"type": "list", "path": "/home", "cursor": None})
    from_frontend(tree, {"type": "list", "path": "/data", "cursor": None})
    from_frontend(tree, {"type": "collapse", "path": "/data"})
    session.fs.path("/home/later.txt").write_text("made from Python")
    since = len(messages(tree))
    tree.refresh()
    sent = [c for c, _ in custom(tree, since)]
    assert [c["path"] for c in sent] == ["/home"] and "later.txt" in names(sent[0])
    session.fs.path("/top.txt").touch()
    tree.refresh()
    assert "top.txt" in names(tree._root_listing)


def test_set_diff_changes_the_marks(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    from_frontend(tree, {"type": "list", "path": "/home", "cursor": None})
    since = len(messages(tree))
    tree.set_diff(None)
    assert updates(tree, since)["legend"] == []
    home = [c for c, _ in custom(tree, since) if c.get("path") == "/home"][0]
    assert not any("change" in e for e in home["entries"])


@pytest.fixture(scope="module")
def huge():
    """A MemFs with 100,000 files in its root and one folder."""
    fs = MemFs(max_inodes=None)
    for i in range(100_000):
        fs.path(f"/f{i:06d}.txt").touch()
    fs.path("/zz").mkdir()
    return fs


def test_a_tree_of_100000_files_sends_one_page(huge):
    tree = TreeWidget(huge)
    sent = wire_bytes(tree)
    listing = tree._root_listing
    assert len(listing["entries"]) == 500 and listing["next"] == [500, 0]
    assert sent < 150_000  # the module, the CSS and 500 entries; not 100,000
    more = only(from_frontend(tree, {"type": "list", "path": "/", "cursor": listing["next"]}), "listing")
    assert names(more)[0] == "f000500.txt" and len(more["entries"]) == 500 and not more["start"]
    assert wire_bytes(tree) - sent < 100_000
    last = only(from_frontend(tree, {"type": "list", "path": "/", "cursor": [99_800, 0]}), "listing")
    assert names(last)[-1] == "zz" and len(last["entries"]) == 201 and last["next"] is None


def test_refresh_of_a_huge_root_sends_as_many_as_shown(huge):
    tree = TreeWidget(huge)
    from_frontend(tree, {"type": "list", "path": "/", "cursor": [500, 0]})
    tree.refresh()
    assert len(tree._root_listing["entries"]) == 1000


def test_page_size_is_bounded(huge):
    tree = TreeWidget(huge, page_size=10**9)
    assert tree.page_size == 5000


# -- preview and download -------------------------------------------------------------------------

def test_preview_of_text_binary_and_a_link(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    [(text, [body])] = from_frontend(tree, {"type": "preview", "path": "/home/notes.txt", "id": "p"})
    assert text["kind"] == "text" and body == b"n\n1\n" and text["next"] is None and text["writable"]
    session.fs.path("/home/bytes.bin").write_bytes(bytes(range(256)))
    [(binary, [body])] = from_frontend(tree, {"type": "preview", "path": "/home/bytes.bin"})
    assert binary["kind"] == "binary" and body == bytes(range(256))
    [(link, buffers)] = from_frontend(tree, {"type": "preview", "path": "/home/link"})
    assert link["kind"] == "symlink" and link["target"] == "notes.txt" and not buffers and not link["writable"]


def test_preview_of_a_big_file_comes_in_pieces_cut_between_characters(fs):
    fs.path("/big.txt").write_text("é" * 100_000)  # 200,000 bytes, two per character
    tree = TreeWidget(fs, preview_bytes=65_537)
    [(first, [body])] = from_frontend(tree, {"type": "preview", "path": "/big.txt"})
    assert first["kind"] == "text" and len(body) == 65_536 and first["next"] == 65_536
    body.decode("utf-8")  # whole characters
    [(second, [more])] = from_frontend(tree, {"type": "preview", "path": "/big.txt", "offset": first["next"],
                                              "mode": "text"})
    assert second["offset"] == 65_536 and len(more) == 65_536
    pieces = [body, more]
    offset = second["next"]
    while offset is not None:
        [(answer, [chunk])] = from_frontend(tree, {"type": "preview", "path": "/big.txt", "offset": offset,
                                                   "mode": "text"})
        pieces.append(chunk)
        offset = answer["next"]
    assert b"".join(pieces).decode() == "é" * 100_000


def test_preview_before_the_run(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    [(gone, [body])] = from_frontend(tree, {"type": "preview", "path": "/data/blob.bin", "before": True})
    assert gone["kind"] == "binary" and body == bytes(range(256)) and not gone["writable"]
    [(old, [body])] = from_frontend(tree, {"type": "preview", "path": "/home/notes.txt", "before": True})
    assert body == b"first\n"
    replies = from_frontend(tree, {"type": "preview", "path": "/data/blob.bin"})  # it is gone now
    assert status(replies)["level"] == "error" and status(replies)["message"].startswith("NOENT")


def test_download_a_file_and_a_folder(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    [(answer, [body])] = from_frontend(tree, {"type": "download", "path": "/home/out.csv", "id": "d"})
    assert answer["name"] == "out.csv" and answer["final"] and body == b"n\n1\n" and answer["id"] == "d"
    replies = from_frontend(tree, {"type": "download", "path": "/home"})
    payload = b"".join(b for _, [b] in replies)
    assert replies[0][0]["name"] == "home.tar"
    with tarfile.open(fileobj=io.BytesIO(payload)) as tar:
        assert {"notes.txt", "out.csv", "link"} <= set(tar.getnames())
    [(old, [body])] = from_frontend(tree, {"type": "download", "path": "/data/blob.bin", "before": True})
    assert body == bytes(range(256))


def test_a_large_download_is_sent_in_chunks(fs):
    payload = bytes(range(256)) * (CHUNK // 256) * 2 + b"tail"
    fs.path("/large.bin").write_bytes(payload)
    replies = from_frontend(TreeWidget(fs), {"type": "download", "path": "/large.bin"})
    assert [c["offset"] for c, _ in replies] == [0, CHUNK, 2 * CHUNK]
    assert [c["final"] for c, _ in replies] == [False, False, True]
    assert max(len(b) for _, [b] in replies) == CHUNK
    assert b"".join(b for _, [b] in replies) == payload


# -- changes --------------------------------------------------------------------------------------

def test_upload_in_chunks_then_asked_before_replacing(fs):
    tree = TreeWidget(fs)
    first = from_frontend(tree, {"type": "upload", "upload": "u1", "id": "u1", "dir": "/", "name": "up.bin",
                                 "offset": 0, "final": False}, [b"abc"])
    assert only(first, "ack")["received"] == 3
    last = from_frontend(tree, {"type": "upload", "upload": "u1", "id": "u1", "dir": "/", "name": "up.bin",
                                "offset": 3, "final": True}, [b"def"])
    assert only(last, "done")["path"] == "/up.bin"
    assert fs.path("/up.bin").read_bytes() == b"abcdef"
    assert "up.bin" in names(tree._root_listing)
    again = from_frontend(tree, {"type": "upload", "upload": "u2", "dir": "/", "name": "up.bin", "offset": 0,
                                 "final": True}, [b"new"])
    assert only(again, "exists")["path"] == "/up.bin" and fs.path("/up.bin").read_bytes() == b"abcdef"
    replaced = from_frontend(tree, {"type": "upload", "upload": "u3", "dir": "/", "name": "up.bin", "offset": 0,
                                    "final": True, "overwrite": True}, [b"new"])
    assert only(replaced, "done") and fs.path("/up.bin").read_bytes() == b"new"


def test_upload_errors_are_messages(fs):
    fs.path("/d").mkdir()
    tree = TreeWidget(fs)
    for name, errno in (("a/b", "INVAL"), ("..", "INVAL"), ("d", "ISDIR")):
        reply = status(from_frontend(tree, {"type": "upload", "upload": "x", "dir": "/", "name": name,
                                            "offset": 0, "final": True}, [b"x"]))
        assert reply["level"] == "error" and reply["message"].startswith(errno), reply
    lost = status(from_frontend(tree, {"type": "upload", "upload": "never-started", "dir": "/", "name": "f",
                                       "offset": 10, "final": True}, [b"x"]))
    assert lost["message"].startswith("CANCELED")
    small = MemFs(max_bytes=10)
    full = status(from_frontend(TreeWidget(small), {"type": "upload", "upload": "y", "dir": "/", "name": "f",
                                                    "offset": 0, "final": True}, [b"x" * 100]))
    assert full["message"].startswith("NOSPC") and not small.path("/f").exists()


def test_mkdir_rename_delete(changed):
    session, diff = changed
    fs = session.fs
    tree = TreeWidget(fs, diff)
    from_frontend(tree, {"type": "list", "path": "/home", "cursor": None})
    made = from_frontend(tree, {"type": "mkdir", "dir": "/home", "name": "new", "id": "m"})
    assert fs.path("/home/new").is_dir() and only(made, "done")["path"] == "/home/new"
    assert "new" in names(only(made, "listing"))  # the open folder, listed again

    tree.selected = "/home/out.csv"
    renamed = from_frontend(tree, {"type": "rename", "path": "/home/out.csv", "name": "renamed.csv"})
    assert fs.path("/home/renamed.csv").read_text() == "n\n1\n" and not fs.path("/home/out.csv").exists()
    assert tree.selected == "/home/renamed.csv" and only(renamed, "done")["path"] == "/home/renamed.csv"
    taken = status(from_frontend(tree, {"type": "rename", "path": "/home/renamed.csv", "name": "notes.txt"}))
    assert taken["message"].startswith("EXIST") and fs.path("/home/renamed.csv").exists()

    from_frontend(tree, {"type": "list", "path": "/home/new", "cursor": None})
    fs.path("/home/new/inner.txt").write_text("x")
    deleted = from_frontend(tree, {"type": "delete", "path": "/home/new"})
    assert not fs.path("/home/new").exists() and "/home/new" not in tree._open
    assert "new" not in names(only(deleted, "listing"))
    from_frontend(tree, {"type": "delete", "path": "/home/link"})
    assert not fs.path("/home/link").exists(follow_symlinks=False) and fs.path("/home/notes.txt").exists()
    missing = status(from_frontend(tree, {"type": "delete", "path": "/home/nothing"}))
    assert missing["level"] == "error" and missing["message"].startswith("NOENT")


def test_the_root_shown_cannot_be_renamed_or_deleted_nor_paths_outside_it_touched(fs):
    fs.path("/inside").mkdir()
    fs.path("/outside.txt").write_text("x")
    tree = TreeWidget(fs, root="/inside")
    assert status(from_frontend(tree, {"type": "delete", "path": "/inside"}))["message"].startswith("BUSY")
    assert status(from_frontend(tree, {"type": "rename", "path": "/inside", "name": "x"}))["message"].startswith("BUSY")
    outside = status(from_frontend(tree, {"type": "delete", "path": "/outside.txt"}))
    assert outside["message"].startswith("PERM") and fs.path("/outside.txt").exists()
    assert status(from_frontend(tree, {"type": "preview", "path": "/inside/../outside.txt"}))["level"] == "error"


def test_save_an_edited_text_file(changed):
    session, diff = changed
    tree = TreeWidget(session.fs, diff)
    saved = from_frontend(tree, {"type": "save", "path": "/home/notes.txt"}, ["édité\n".encode()])
    assert only(saved, "done") and session.fs.path("/home/notes.txt").read_text() == "édité\n"
    folder = status(from_frontend(tree, {"type": "save", "path": "/home"}, [b"x"]))
    assert folder["message"].startswith("ISDIR")


def test_messages_that_are_not_ours_are_ignored(fs):
    tree = TreeWidget(fs)
    assert from_frontend(tree, {"kind": "anywidget-command", "name": "x"}) == []
    assert from_frontend(tree, {"type": "no-such-action"}) == []


def test_a_bug_is_reported_and_raised(fs):
    tree = TreeWidget(fs)
    with pytest.raises(KeyError):
        tree._dispatch(tree, {"type": "list"}, [])  # no path: a broken frontend
    reply = custom(tree)[-1][0]
    assert reply["level"] == "error" and reply["message"].startswith("internal error: KeyError")


def test_a_tree_must_start_at_a_folder(fs):
    fs.path("/f").touch()
    with pytest.raises(WasiError):
        TreeWidget(fs, root="/f")
    assert TreeWidget(fs.path("/")).root == "/"


# -- without a kernel -----------------------------------------------------------------------------

def test_static_html_escapes_names(fs):
    fs.path("/<script>alert(1)").write_text("x")  # a name cannot hold "/", so no closing tag
    fs.path('/q"uote&').symlink_to("<b>target")
    bundle, _ = TreeWidget(fs)._repr_mimebundle_()
    page = bundle["text/html"]
    assert "<script>" not in page and "&lt;script&gt;alert(1)" in page
    assert 'title="/q&quot;uote&amp;"' in page and "&lt;b&gt;target" in page
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert json.dumps(bundle)  # all of it serialisable
