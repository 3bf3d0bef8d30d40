"""wasi_notebook.p2.filesystem: preopens and every descriptor function, success and error paths,
rights, listings, renames across directories, symbolic links and escapes."""

import pytest

from wasi_notebook.p2.resources import Descriptor, GuestError
from wasi_notebook.p2.values import Err, Ok, Variant
from wasi_notebook.memfs import Handle

from .hostenv import FS, IO, call, make_host, ok_rep, preopen

D = "[method]descriptor."
NO_CHANGE, NOW = Variant("no-change"), Variant("now")


def ts(seconds, nanoseconds=0):
    from wasi_notebook.p2.values import record
    return Variant("timestamp", record(seconds=seconds, nanoseconds=nanoseconds))


@pytest.fixture
def host():
    h = make_host()
    fs = h.ctx.fs
    fs.path("/data/sub").mkdir()
    fs.path("/data/sub/b.txt").write_text("beta")
    fs.path("/data/link").symlink_to("a.txt")
    fs.path("/outside.txt").write_text("secret")
    return h


def fsc(host, name, *args):
    return call(host, FS, D + name, *args)


def open_at(host, d, path, open_flags=(), flags=("read",), path_flags=()):
    return fsc(host, "open-at", d, set(path_flags), path, set(open_flags), set(flags))


def test_preopens_give_a_fresh_descriptor_each_time(host):
    a, b = preopen(host), preopen(host)
    assert a != b
    assert fsc(host, "get-flags", a) == Ok({"read", "mutate-directory"})
    assert fsc(host, "is-same-object", a, b) is True


def test_types_flags_and_stat(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "a.txt"))
    assert fsc(host, "get-type", d) == Ok("directory")
    assert fsc(host, "get-type", f) == Ok("regular-file")
    assert fsc(host, "get-flags", f) == Ok({"read"})
    st = fsc(host, "stat", f).value
    assert (st.type, st.size, getattr(st, "link-count")) == ("regular-file", 5, 1)
    st = fsc(host, "stat-at", d, set(), "link").value
    assert st.type == "symbolic-link"
    assert fsc(host, "stat-at", d, {"symlink-follow"}, "link").value.type == "regular-file"
    assert fsc(host, "stat-at", d, set(), "nope") == Err("no-entry")
    assert fsc(host, "stat-at", f, set(), "x") == Err("not-directory")


def test_open_at_errors(host):
    d = preopen(host)
    assert open_at(host, d, "nope") == Err("no-entry")
    assert open_at(host, d, "a.txt", {"create", "exclusive"}) == Err("exist")
    assert open_at(host, d, "a.txt", {"directory"}) == Err("not-directory")
    assert open_at(host, d, "sub", flags={"write"}) == Err("is-directory")
    assert open_at(host, d, "link") == Err("loop")
    assert open_at(host, d, "x", {"create", "directory"}) == Err("invalid")
    assert open_at(host, d, "link", path_flags={"symlink-follow"}).value is not None
    created = open_at(host, d, "new.txt", {"create"}, {"write"})
    assert isinstance(created, Ok) and host.ctx.fs.path("/data/new.txt").read_bytes() == b""
    assert isinstance(open_at(host, d, "a.txt", {"truncate"}, {"write"}), Ok)
    assert host.ctx.fs.path("/data/a.txt").read_bytes() == b""


def test_escapes_fail_and_touch_nothing_outside(host):
    d = preopen(host)
    snapshot = host.ctx.fs.snapshot()
    host.ctx.fs.path("/data/up").symlink_to("..")
    for path in ("../outside.txt", "/outside.txt", "sub/../../outside.txt", "up/outside.txt"):
        assert open_at(host, d, path, path_flags={"symlink-follow"}) == Err("not-permitted"), path
        assert fsc(host, "stat-at", d, {"symlink-follow"}, path) == Err("not-permitted")
        assert open_at(host, d, path, {"create", "truncate"}, {"write"}, {"symlink-follow"}) == Err("not-permitted")
        assert fsc(host, "unlink-file-at", d, path) == Err("not-permitted")
        assert fsc(host, "rename-at", d, "a.txt", d, path) == Err("not-permitted")
    assert fsc(host, "symlink-at", d, "/outside.txt", "abs") == Err("not-permitted")
    assert fsc(host, "create-directory-at", d, "../newdir") == Err("not-permitted")
    assert host.ctx.fs.path("/outside.txt").read_text() == "secret"
    assert [c.path for c in snapshot.diff()] == ["/data/up"]


def test_a_subdirectory_gets_its_parents_rights(host):
    d = preopen(host)
    sub = ok_rep(open_at(host, d, "sub", {"directory"}, {"read"}))
    assert fsc(host, "get-flags", sub) == Ok({"read", "mutate-directory"})
    assert fsc(host, "create-directory-at", sub, "x") == Ok(None)
    # a directory without mutate-directory passes on none, and refuses every change
    ro = host.table.own(Descriptor(Handle(host.ctx.fs, host.ctx.fs.lookup(host.ctx.fs.root_dir, "/data", rooted=True)),
                                   {"read"})).rep
    inner = ok_rep(open_at(host, ro, "sub", {"directory"}))
    assert fsc(host, "get-flags", inner) == Ok({"read"})
    assert open_at(host, ro, "sub", {"directory"}, {"read", "mutate-directory"}) == Err("not-permitted")
    assert open_at(host, ro, "f", {"create"}, {"write"}) == Err("not-permitted")
    assert open_at(host, ro, "a.txt", {"truncate"}, {"read"}) == Err("not-permitted")
    for name, args in [("create-directory-at", ("y",)), ("remove-directory-at", ("sub",)),
                       ("unlink-file-at", ("a.txt",)), ("symlink-at", ("a.txt", "l2")),
                       ("set-times-at", (set(), "a.txt", NOW, NOW)), ("rename-at", ("a.txt", d, "z")),
                       ("link-at", (set(), "a.txt", d, "z"))]:
        assert fsc(host, name, ro, *args) == Err("not-permitted"), name
    assert fsc(host, "rename-at", d, "a.txt", ro, "z") == Err("not-permitted")
    assert fsc(host, "link-at", d, set(), "a.txt", ro, "z") == Err("not-permitted")
    assert host.ctx.fs.path("/data/a.txt").exists()
    noread = host.table.own(Descriptor(Handle(host.ctx.fs, host.ctx.fs.root_dir), set())).rep
    assert fsc(host, "stat-at", noread, set(), "data") == Err("not-permitted")
    assert fsc(host, "read-directory", noread) == Err("not-permitted")


def test_read_and_write_at_offsets(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "a.txt", flags={"read", "write"}))
    assert fsc(host, "read", f, 3, 1) == Ok((b"lph", False))
    assert fsc(host, "read", f, 10, 5) == Ok((b"", True))
    assert fsc(host, "write", f, b"XY", 7) == Ok(2)
    assert host.ctx.fs.path("/data/a.txt").read_bytes() == b"alpha\0\0XY"
    ro = ok_rep(open_at(host, d, "a.txt"))
    wo = ok_rep(open_at(host, d, "a.txt", flags={"write"}))
    assert fsc(host, "write", ro, b"z", 0) == Err("bad-descriptor")
    assert fsc(host, "read", wo, 1, 0) == Err("bad-descriptor")
    assert fsc(host, "read", d, 1, 0) == Err("bad-descriptor")
    assert fsc(host, "write", d, b"z", 0) == Err("bad-descriptor")


def test_streams_need_the_open_mode(host):
    d = preopen(host)
    ro = ok_rep(open_at(host, d, "a.txt"))
    wo = ok_rep(open_at(host, d, "a.txt", flags={"write"}))
    assert fsc(host, "write-via-stream", ro, 0) == Err("bad-descriptor")
    assert fsc(host, "append-via-stream", ro) == Err("bad-descriptor")
    assert fsc(host, "read-via-stream", wo, 0) == Err("bad-descriptor")
    assert fsc(host, "read-via-stream", d, 0) == Err("bad-descriptor")


def test_set_size_advise_sync(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "a.txt", flags={"read", "write"}))
    assert fsc(host, "set-size", f, 2) == Ok(None)
    assert fsc(host, "set-size", f, 4) == Ok(None)
    assert host.ctx.fs.path("/data/a.txt").read_bytes() == b"al\0\0"
    assert fsc(host, "set-size", f, 1 << 63) == Err("file-too-large")
    assert fsc(host, "set-size", ok_rep(open_at(host, d, "a.txt")), 0) == Err("invalid")
    assert fsc(host, "set-size", d, 0) == Err("bad-descriptor")
    assert fsc(host, "advise", f, 0, 10, "sequential") == Ok(None)
    assert fsc(host, "advise", d, 0, 10, "normal") == Err("bad-descriptor")
    for name in ("sync", "sync-data"):
        assert fsc(host, name, f) == Ok(None) and fsc(host, name, d) == Ok(None)


def test_set_times_and_set_times_at(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "a.txt"))
    assert fsc(host, "set-times", f, ts(10, 5), NO_CHANGE) == Ok(None)
    st = fsc(host, "stat", f).value
    atime = getattr(st, "data-access-timestamp")
    assert (atime.seconds, atime.nanoseconds) == (10, 5)
    mtime = getattr(st, "data-modification-timestamp")
    assert fsc(host, "set-times-at", d, set(), "link", NO_CHANGE, ts(20)) == Ok(None)
    assert getattr(fsc(host, "stat-at", d, set(), "link").value, "data-modification-timestamp").seconds == 20
    assert getattr(fsc(host, "stat", f).value, "data-modification-timestamp") .seconds == mtime.seconds
    before = host.ctx.fs.clock()
    assert fsc(host, "set-times-at", d, {"symlink-follow"}, "link", NOW, NOW) == Ok(None)
    assert getattr(fsc(host, "stat", f).value, "data-access-timestamp").seconds >= before // 10**9
    assert fsc(host, "set-times-at", d, set(), "nope", NOW, NOW) == Err("no-entry")


def test_read_directory_lists_entries_without_dots(host):
    d = preopen(host)
    s = ok_rep(fsc(host, "read-directory", d))
    seen = []
    while True:
        entry = call(host, FS, "[method]directory-entry-stream.read-directory-entry", s)
        assert isinstance(entry, Ok)
        if entry.value is None:
            break
        seen.append((entry.value.name, entry.value.type))
    assert sorted(seen) == [("a.txt", "regular-file"), ("link", "symbolic-link"), ("sub", "directory")]
    assert call(host, FS, "[method]directory-entry-stream.read-directory-entry", s) == Ok(None)
    f = ok_rep(open_at(host, d, "a.txt"))
    assert fsc(host, "read-directory", f) == Err("not-directory")


def test_a_listing_or_stream_keeps_its_descriptor(host):
    d = preopen(host)
    s = ok_rep(fsc(host, "read-directory", d))
    with pytest.raises(GuestError, match="resource has children"):
        host.table.drop(d)
    host.table.drop(s)
    f = ok_rep(open_at(host, d, "a.txt"))
    inp = ok_rep(fsc(host, "read-via-stream", f, 0))
    with pytest.raises(GuestError, match="resource has children"):
        host.table.drop(f)
    host.table.drop(inp)
    host.table.drop(f)


def test_directory_changes(host):
    d = preopen(host)
    assert fsc(host, "create-directory-at", d, "new") == Ok(None)
    assert fsc(host, "create-directory-at", d, "new") == Err("exist")
    assert fsc(host, "remove-directory-at", d, "sub") == Err("not-empty")
    assert fsc(host, "remove-directory-at", d, "a.txt") == Err("not-directory")
    assert fsc(host, "remove-directory-at", d, "new") == Ok(None)
    assert fsc(host, "unlink-file-at", d, "sub") == Err("is-directory")
    assert fsc(host, "unlink-file-at", d, "link") == Ok(None)
    assert host.ctx.fs.path("/data/a.txt").exists()
    assert fsc(host, "unlink-file-at", d, "link") == Err("no-entry")


def test_rename_across_directories(host):
    d = preopen(host)
    sub = ok_rep(open_at(host, d, "sub", {"directory"}))
    assert fsc(host, "rename-at", d, "a.txt", sub, "moved.txt") == Ok(None)
    assert host.ctx.fs.path("/data/sub/moved.txt").read_text() == "alpha"
    assert not host.ctx.fs.path("/data/a.txt").exists()
    assert fsc(host, "rename-at", sub, "b.txt", d, "b2.txt") == Ok(None)
    assert host.ctx.fs.path("/data/b2.txt").read_text() == "beta"
    assert fsc(host, "rename-at", d, "missing", sub, "x") == Err("no-entry")
    assert fsc(host, "rename-at", d, "sub", sub, "inner") == Err("invalid")
    assert fsc(host, "rename-at", d, "b2.txt", d, "sub") == Err("is-directory")


def test_links(host):
    d = preopen(host)
    sub = ok_rep(open_at(host, d, "sub", {"directory"}))
    assert fsc(host, "link-at", d, set(), "a.txt", sub, "hard") == Ok(None)
    assert getattr(fsc(host, "stat-at", d, set(), "a.txt").value, "link-count") == 2
    assert fsc(host, "link-at", d, set(), "a.txt", sub, "hard") == Err("exist")
    assert fsc(host, "link-at", d, set(), "sub", d, "dirlink") == Err("not-permitted")
    assert fsc(host, "symlink-at", d, "sub/b.txt", "sym") == Ok(None)
    assert fsc(host, "readlink-at", d, "sym") == Ok("sub/b.txt")
    assert fsc(host, "readlink-at", d, "a.txt") == Err("invalid")
    assert fsc(host, "symlink-at", d, "x", "sym") == Err("exist")
    host.ctx.fs.symlink_at("/etc/passwd", host.ctx.fs.lookup(host.ctx.fs.root_dir, "/data", rooted=True), "imported")
    assert fsc(host, "readlink-at", d, "imported") == Err("not-permitted")
    f = ok_rep(open_at(host, d, "sym", path_flags={"symlink-follow"}))
    assert fsc(host, "read", f, 10, 0) == Ok((b"beta", False))


def test_same_object_and_metadata_hash(host):
    d = preopen(host)
    a1 = ok_rep(open_at(host, d, "a.txt"))
    a2 = ok_rep(open_at(host, d, "link", path_flags={"symlink-follow"}))
    b = ok_rep(open_at(host, d, "sub/b.txt"))
    assert fsc(host, "is-same-object", a1, a2) is True
    assert fsc(host, "is-same-object", a1, b) is False
    h = fsc(host, "metadata-hash", a1).value
    assert (h.lower, h.upper) == (fsc(host, "metadata-hash", a2).value.lower, fsc(host, "metadata-hash", a2).value.upper)
    assert fsc(host, "metadata-hash", b).value.lower != h.lower
    at = fsc(host, "metadata-hash-at", d, {"symlink-follow"}, "link").value
    assert (at.lower, at.upper) == (h.lower, h.upper)
    link = fsc(host, "metadata-hash-at", d, set(), "link").value
    assert link.lower != h.lower
    assert fsc(host, "metadata-hash-at", d, set(), "nope") == Err("no-entry")
    again = make_host()
    assert fsc(again, "metadata-hash", preopen(again)).value.lower != fsc(host, "metadata-hash", d).value.lower


def test_an_unlinked_open_file_stays_usable(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "a.txt", flags={"read", "write"}))
    assert fsc(host, "unlink-file-at", d, "a.txt") == Ok(None)
    assert fsc(host, "write", f, b"A", 0) == Ok(1)
    assert fsc(host, "read", f, 5, 0) == Ok((b"Alpha", False))
    assert getattr(fsc(host, "stat", f).value, "link-count") == 0


def test_file_streams_through_io(host):
    d = preopen(host)
    f = ok_rep(open_at(host, d, "new.txt", {"create"}, {"write"}))
    out = ok_rep(fsc(host, "write-via-stream", f, 0))
    assert call(host, IO, "[method]output-stream.write", out, b"hello") == Ok(None)
    assert host.ctx.fs.path("/data/new.txt").read_bytes() == b"hello"
