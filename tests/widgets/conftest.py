import comm
import pytest

from wasi_notebook import Session

from .wire import Wire, run


@pytest.fixture(autouse=True)
def wire(monkeypatch):
    """Every widget made in a test records what it sends (see wire.py)."""
    monkeypatch.setattr(comm, "create_comm", Wire)


@pytest.fixture
def session(fs):
    return Session(fs)


@pytest.fixture
def changed(session):
    """A session whose MemFs went through five guest runs, and the diff of all five: a file
    created, one modified, one moved, one touched (with its hard link), a file and a folder
    deleted. Returns (session, diff)."""
    fs = session.fs
    fs.path("/home").mkdir()
    fs.path("/data/old").mkdir(parents=True)
    fs.path("/home/notes.txt").write_text("first\n")
    fs.path("/home/todo.txt").write_text("todo\n")
    fs.path("/home/keep.txt").write_text("keep\n")
    fs.path("/home/twin").hardlink_to("/home/keep.txt")
    fs.path("/home/link").symlink_to("notes.txt")
    fs.path("/data/numbers.csv").write_text("n\n1\n")
    fs.path("/data/blob.bin").write_bytes(bytes(range(256)))
    fs.path("/data/old/a.txt").write_text("a")
    fs.path("/data/old/b.txt").write_text("b")
    before = fs.snapshot()
    for name, *args in (["cp", "/data/numbers.csv", "/home/out.csv"], ["cp", "/data/numbers.csv", "/home/notes.txt"],
                        ["mv", "/home/todo.txt", "/home/done.txt"], ["touch", "/home/keep.txt"],
                        ["rm", "-r", "/data/blob.bin", "/data/old"]):
        assert run(session, name, *args).exit_code == 0
    return session, before.diff()
