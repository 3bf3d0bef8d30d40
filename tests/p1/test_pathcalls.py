"""wasi_notebook.p1.pathcalls: the 10 ``path_*`` calls, called directly on a host over a MemFs."""

from __future__ import annotations

import pytest

from wasi_notebook.errors import Errno
from wasi_notebook.p1.defs import Fdflags, Filetype, Fstflags, Lookupflags, Oflags, Rights
from wasi_notebook.p1.fds import DIR_RIGHTS, FILE_RIGHTS

from .hostenv import MEM_SIZE, PREOPEN_FD, RO, HostEnv, errno_of

FOLLOW = int(Lookupflags.SYMLINK_FOLLOW)


@pytest.fixture
def env() -> HostEnv:
    env = HostEnv({"/f.txt": "0123456789", "/d/in.txt": "in", "/empty": None, "/other": None},
                  preopens={"/": "/", "other": "/other"})
    env.fs.path("/lnk").symlink_to("f.txt")
    env.fs.path("/dlnk").symlink_to("d")
    env.fs.path("/dangle").symlink_to("missing.txt")
    return env


OTHER_FD = PREOPEN_FD + 1


def exists(env: HostEnv, path: str) -> bool:
    return env.fs.path(path).exists(follow_symlinks=False)


def drop(env: HostEnv, fd: int, *names: str) -> None:
    """Take rights away from ``fd`` through fd_fdstat_set_rights."""
    _, _, rights, inheriting = env.host.fd_fdstat_get(env.mem, fd)
    for name in names:
        rights &= ~Rights[name]
    env.host.fd_fdstat_set_rights(env.mem, fd, int(rights), int(inheriting))


# -- path_open ---------------------------------------------------------------------------------

def test_open_existing_file(env: HostEnv) -> None:
    fd = env.open("f.txt")
    assert fd == 5  # stdio, two preopens, then the lowest free number
    assert env.read_fd(fd, 4) == b"0123"
    ftype, flags, rights, inheriting = env.host.fd_fdstat_get(env.mem, fd)
    assert (ftype, flags, rights, inheriting) == (Filetype.REGULAR_FILE, 0, FILE_RIGHTS, 0)


def test_open_create_exclusive_truncate(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("new.txt", Oflags.CREAT)
    assert env.content("/new.txt") == b""
    env.write(fd, "data")
    assert env.open("new.txt", Oflags.CREAT) != fd  # exists: opened as it is
    assert env.content("/new.txt") == b"data"
    assert errno_of(env.open, "new.txt", Oflags.CREAT | Oflags.EXCL) is Errno.EXIST
    env.open("new.txt", Oflags.TRUNC)
    assert env.content("/new.txt") == b""
    env.open("d/made.txt", Oflags.CREAT | Oflags.EXCL)
    assert exists(env, "/d/made.txt")
    assert env.open("f.txt", Oflags.EXCL) > 0  # EXCL without CREAT changes nothing
    assert host.fd_fdstat_get(mem, fd)[0] == Filetype.REGULAR_FILE


def test_open_directory(env: HostEnv) -> None:
    assert errno_of(env.open, "d", Oflags.DIRECTORY, rights=DIR_RIGHTS | FILE_RIGHTS) is Errno.ISDIR  # FD_WRITE
    fd = env.open("d", Oflags.DIRECTORY, rights=DIR_RIGHTS, inheriting=FILE_RIGHTS)
    assert env.host.fd_fdstat_get(env.mem, fd) == (Filetype.DIRECTORY, 0, DIR_RIGHTS, FILE_RIGHTS)
    inner = env.open("in.txt", rights=int(Rights.FD_READ), dirfd=fd)
    assert env.read_fd(inner, 10) == b"in"
    assert env.open("d", rights=int(Rights.FD_READDIR)) > 0  # a directory opens without DIRECTORY too
    assert errno_of(env.open, "f.txt", Oflags.DIRECTORY) is Errno.NOTDIR
    assert errno_of(env.open, "d", Oflags.CREAT | Oflags.DIRECTORY) is Errno.INVAL
    assert errno_of(env.open, "d") is Errno.ISDIR  # FILE_RIGHTS asks for FD_WRITE
    assert errno_of(env.open, "d", Oflags.CREAT, rights=int(Rights.FD_READ)) is Errno.ISDIR  # as Linux
    # asking for more than the directory passes on is not an error: the new fd gets what it may
    again = env.open(".", Oflags.DIRECTORY, rights=DIR_RIGHTS, dirfd=fd)
    assert env.host.fd_fdstat_get(env.mem, again)[2:] == (DIR_RIGHTS & FILE_RIGHTS, 0)


def test_open_through_an_opened_directory_passes_on_only_its_inheriting(env: HostEnv) -> None:
    fd = env.open("d", Oflags.DIRECTORY, rights=DIR_RIGHTS, inheriting=int(Rights.FD_READ))
    inner = env.open("in.txt", rights=FILE_RIGHTS, inheriting=FILE_RIGHTS, dirfd=fd)
    assert env.host.fd_fdstat_get(env.mem, inner)[2:] == (Rights.FD_READ, Rights.FD_READ)
    assert env.read_fd(inner, 10) == b"in"
    assert errno_of(env.write, inner, "x") is Errno.NOTCAPABLE
    assert errno_of(env.host.fd_seek, env.mem, inner, 0, 0) is Errno.NOTCAPABLE
    assert env.content("/d/in.txt") == b"in"


def test_open_symlinks(env: HostEnv) -> None:
    assert env.read_fd(env.open("lnk", rights=RO), 3) == b"012"
    assert errno_of(env.open, "lnk", rights=RO, follow=False) is Errno.LOOP
    assert env.open("dlnk/in.txt", rights=RO, follow=False) > 0  # links on the way are followed
    assert errno_of(env.open, "dangle", rights=RO) is Errno.NOENT
    env.open("dangle", Oflags.CREAT)  # creating through a dangling link makes its target
    assert exists(env, "/missing.txt")


def test_open_flags_must_be_defined(env: HostEnv) -> None:
    p, n = env.put("new.txt")
    host, mem = env.host, env.mem
    assert errno_of(host.path_open, mem, 3, 1 << 1, p, n, Oflags.CREAT, FILE_RIGHTS, 0, 0) is Errno.INVAL
    assert errno_of(host.path_open, mem, 3, 0, p, n, Oflags.CREAT | 1 << 4, FILE_RIGHTS, 0, 0) is Errno.INVAL
    assert errno_of(host.path_open, mem, 3, 0, p, n, Oflags.CREAT, FILE_RIGHTS, 0, 1 << 5) is Errno.INVAL
    assert errno_of(host.path_open, mem, 3, 0, p, n, Oflags.CREAT, 1 << 30, 0, 0) is Errno.INVAL
    assert errno_of(host.path_open, mem, 3, 0, p, n, Oflags.CREAT, FILE_RIGHTS, 1 << 63, 0) is Errno.INVAL
    assert not exists(env, "/new.txt")
    assert [fd for fd, _ in host.fds] == [0, 1, 2, 3, 4]


def test_open_needs_the_directory_rights(env: HostEnv) -> None:
    drop(env, PREOPEN_FD, "PATH_CREATE_FILE", "PATH_FILESTAT_SET_SIZE")
    assert errno_of(env.open, "new.txt", Oflags.CREAT) is Errno.NOTCAPABLE
    assert errno_of(env.open, "f.txt", Oflags.TRUNC) is Errno.NOTCAPABLE
    assert not exists(env, "/new.txt") and env.content("/f.txt") == b"0123456789"
    assert env.open("f.txt") > 0
    drop(env, PREOPEN_FD, "PATH_OPEN")
    assert errno_of(env.open, "f.txt") is Errno.NOTCAPABLE


def test_open_asking_more_than_the_directory_passes_on(env: HostEnv) -> None:
    env.host.fd_fdstat_set_rights(env.mem, PREOPEN_FD, DIR_RIGHTS, RO)
    fd = env.open("f.txt", rights=FILE_RIGHTS, inheriting=int(Rights.FD_WRITE))  # gets what it may
    assert env.host.fd_fdstat_get(env.mem, fd)[2:] == (RO, 0)
    assert errno_of(env.write, fd, "x") is Errno.NOTCAPABLE
    assert env.content("/f.txt") == b"0123456789"


def test_open_dirfd_errors(env: HostEnv) -> None:
    f = env.open("f.txt")
    assert errno_of(env.open, "x", dirfd=f) is Errno.NOTDIR
    assert errno_of(env.open, "x", dirfd=1) is Errno.NOTDIR
    assert errno_of(env.open, "x", dirfd=99) is Errno.BADF


def test_open_path_errors(env: HostEnv) -> None:
    assert errno_of(env.open, "missing.txt") is Errno.NOENT
    assert errno_of(env.open, "") is Errno.NOENT
    assert errno_of(env.open, "../f.txt") is Errno.NOTCAPABLE
    assert errno_of(env.open, "/f.txt") is Errno.NOTCAPABLE
    assert errno_of(env.open, "f.txt/") is Errno.NOTDIR
    assert errno_of(env.open, "new/", Oflags.CREAT) is Errno.ISDIR
    assert errno_of(env.open, "x" * 256, Oflags.CREAT) is Errno.NAMETOOLONG
    p, _ = env.put(b"bad\xff.txt")
    assert errno_of(env.host.path_open, env.mem, 3, 0, p, 8, Oflags.CREAT, FILE_RIGHTS, 0, 0) is Errno.ILSEQ
    assert errno_of(env.host.path_open, env.mem, 3, 0, MEM_SIZE - 2, 8, Oflags.CREAT, FILE_RIGHTS, 0, 0) \
        is Errno.FAULT
    names = sorted(p.name for p in env.fs.root.iterdir())
    assert names == ["d", "dangle", "dlnk", "empty", "f.txt", "lnk", "other"]  # nothing made


def test_open_append_and_flags(env: HostEnv) -> None:
    fd = env.open("f.txt", fdflags=Fdflags.APPEND | Fdflags.SYNC)
    env.write(fd, "!")
    assert env.content("/f.txt") == b"0123456789!"
    assert env.host.fd_fdstat_get(env.mem, fd)[1] == Fdflags.APPEND | Fdflags.SYNC


# -- directories: create, remove ---------------------------------------------------------------

def test_create_and_remove_directory(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    host.path_create_directory(mem, 3, *env.put("new"))
    host.path_create_directory(mem, 3, *env.put("new/sub/"))
    assert env.fs.path("/new/sub").is_dir()
    assert errno_of(host.path_create_directory, mem, 3, *env.put("new")) is Errno.EXIST
    assert errno_of(host.path_create_directory, mem, 3, *env.put("dangle")) is Errno.EXIST
    assert errno_of(host.path_create_directory, mem, 3, *env.put("no/such")) is Errno.NOENT
    assert errno_of(host.path_remove_directory, mem, 3, *env.put("new")) is Errno.NOTEMPTY
    host.path_remove_directory(mem, 3, *env.put("new/sub"))
    host.path_remove_directory(mem, 3, *env.put("new"))
    assert not exists(env, "/new")
    assert errno_of(host.path_remove_directory, mem, 3, *env.put("f.txt")) is Errno.NOTDIR
    assert errno_of(host.path_remove_directory, mem, 3, *env.put("gone")) is Errno.NOENT
    assert errno_of(host.path_remove_directory, mem, 3, *env.put(".")) is Errno.INVAL


def test_directory_calls_need_rights_and_a_directory(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    drop(env, PREOPEN_FD, "PATH_CREATE_DIRECTORY", "PATH_REMOVE_DIRECTORY")
    assert errno_of(host.path_create_directory, mem, 3, *env.put("new")) is Errno.NOTCAPABLE
    assert errno_of(host.path_remove_directory, mem, 3, *env.put("empty")) is Errno.NOTCAPABLE
    assert not exists(env, "/new") and exists(env, "/empty")
    f = env.open("f.txt")
    assert errno_of(host.path_create_directory, mem, f, *env.put("new")) is Errno.NOTDIR
    assert errno_of(host.path_create_directory, mem, 99, *env.put("new")) is Errno.BADF
    assert errno_of(host.path_create_directory, mem, OTHER_FD, *env.put(b"\xc3")) is Errno.ILSEQ
    assert errno_of(host.path_create_directory, mem, OTHER_FD, MEM_SIZE, 1) is Errno.FAULT
    host.path_create_directory(mem, OTHER_FD, *env.put("made"))
    assert env.fs.path("/other/made").is_dir()


# -- path_unlink_file --------------------------------------------------------------------------

def test_unlink_file(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    fd = env.open("f.txt")
    host.path_unlink_file(mem, 3, *env.put("f.txt"))
    assert not exists(env, "/f.txt")
    assert env.read_fd(fd, 3) == b"012"  # still open: still readable
    host.path_unlink_file(mem, 3, *env.put("lnk"))  # a link goes, not its target
    assert not exists(env, "/lnk")
    host.path_unlink_file(mem, 3, *env.put("dlnk"))
    assert exists(env, "/d/in.txt")
    assert errno_of(host.path_unlink_file, mem, 3, *env.put("d")) is Errno.ISDIR
    assert errno_of(host.path_unlink_file, mem, 3, *env.put("f.txt")) is Errno.NOENT
    assert errno_of(host.path_unlink_file, mem, 3, *env.put("d/in.txt/")) is Errno.NOTDIR
    drop(env, PREOPEN_FD, "PATH_UNLINK_FILE")
    assert errno_of(host.path_unlink_file, mem, 3, *env.put("d/in.txt")) is Errno.NOTCAPABLE
    assert exists(env, "/d/in.txt")


# -- path_filestat_get, path_filestat_set_times ------------------------------------------------

def test_filestat_get_follows_or_not(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    target = env.fs.stat_at(env.fs.root_dir, "f.txt")
    followed = host.path_filestat_get(mem, 3, FOLLOW, *env.put("lnk"))
    assert followed == (env.fs.dev, target.ino, Filetype.REGULAR_FILE, 1, 10, target.atime, target.mtime,
                        target.ctime)
    link = host.path_filestat_get(mem, 3, 0, *env.put("lnk"))
    assert link[2] == Filetype.SYMBOLIC_LINK and link[1] != target.ino and link[4] == len("f.txt")
    assert host.path_filestat_get(mem, 3, 0, *env.put("d"))[2] == Filetype.DIRECTORY
    assert host.path_filestat_get(mem, 3, 0, *env.put("dangle"))[2] == Filetype.SYMBOLIC_LINK
    assert errno_of(host.path_filestat_get, mem, 3, FOLLOW, *env.put("dangle")) is Errno.NOENT
    assert errno_of(host.path_filestat_get, mem, 3, 2, *env.put("f.txt")) is Errno.INVAL
    assert errno_of(host.path_filestat_get, mem, 3, 0, *env.put("")) is Errno.NOENT
    drop(env, PREOPEN_FD, "PATH_FILESTAT_GET")
    assert errno_of(host.path_filestat_get, mem, 3, 0, *env.put("f.txt")) is Errno.NOTCAPABLE


def test_filestat_set_times(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    host.path_filestat_set_times(mem, 3, FOLLOW, *env.put("lnk"), 10, 20, Fstflags.ATIM | Fstflags.MTIM)
    st = env.fs.stat_at(env.fs.root_dir, "f.txt")
    assert (st.atime, st.mtime) == (10, 20)
    host.path_filestat_set_times(mem, 3, 0, *env.put("lnk"), 30, 40, Fstflags.ATIM | Fstflags.MTIM)
    assert env.fs.stat_at(env.fs.root_dir, "f.txt").atime == 10  # without FOLLOW: the link's own times
    assert env.fs.stat_at(env.fs.root_dir, "lnk", follow=False).atime == 30
    env.clocks.sleep(1000)
    host.path_filestat_set_times(mem, 3, 0, *env.put("f.txt"), 0, 0, Fstflags.MTIM_NOW)
    st = env.fs.stat_at(env.fs.root_dir, "f.txt")
    assert (st.atime, st.mtime) == (10, env.clocks.now_for_files())
    before = env.fs.stat_at(env.fs.root_dir, "f.txt")
    for flags in (Fstflags.ATIM | Fstflags.ATIM_NOW, Fstflags.MTIM | Fstflags.MTIM_NOW, 1 << 4):
        assert errno_of(host.path_filestat_set_times, mem, 3, 0, *env.put("f.txt"), 1, 1, flags) is Errno.INVAL
    assert errno_of(host.path_filestat_set_times, mem, 3, 4, *env.put("f.txt"), 1, 1, Fstflags.ATIM) is Errno.INVAL
    assert errno_of(host.path_filestat_set_times, mem, 3, 0, *env.put("nope"), 1, 1, Fstflags.ATIM) is Errno.NOENT
    drop(env, PREOPEN_FD, "PATH_FILESTAT_SET_TIMES")
    assert errno_of(host.path_filestat_set_times, mem, 3, 0, *env.put("f.txt"), 1, 1, Fstflags.ATIM) \
        is Errno.NOTCAPABLE
    assert env.fs.stat_at(env.fs.root_dir, "f.txt") == before


# -- path_link, path_rename --------------------------------------------------------------------

def test_link(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    host.path_link(mem, 3, 0, *env.put("f.txt"), OTHER_FD, *env.put("hard.txt"))
    assert env.fs.path("/other/hard.txt").read_bytes() == b"0123456789"
    assert env.fs.stat_at(env.fs.root_dir, "f.txt").nlink == 2
    host.path_link(mem, 3, 0, *env.put("lnk"), 3, *env.put("lnk2"))  # the link itself
    assert env.fs.path("/lnk2").is_symlink()
    host.path_link(mem, 3, FOLLOW, *env.put("lnk"), 3, *env.put("f3.txt"))  # its target
    assert env.fs.stat_at(env.fs.root_dir, "f.txt").nlink == 3
    assert errno_of(host.path_link, mem, 3, 0, *env.put("f.txt"), 3, *env.put("d/in.txt")) is Errno.EXIST
    assert errno_of(host.path_link, mem, 3, 0, *env.put("d"), 3, *env.put("d2")) is Errno.PERM
    assert errno_of(host.path_link, mem, 3, 0, *env.put("nope"), 3, *env.put("n2")) is Errno.NOENT
    assert errno_of(host.path_link, mem, 3, 8, *env.put("f.txt"), 3, *env.put("n2")) is Errno.INVAL
    assert errno_of(host.path_link, mem, 3, 0, *env.put("f.txt"), 3, MEM_SIZE, 2) is Errno.FAULT
    assert not exists(env, "/n2")


def test_link_rights_on_each_side(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    drop(env, OTHER_FD, "PATH_LINK_TARGET")
    assert errno_of(host.path_link, mem, 3, 0, *env.put("f.txt"), OTHER_FD, *env.put("h")) is Errno.NOTCAPABLE
    drop(env, PREOPEN_FD, "PATH_LINK_SOURCE")
    assert errno_of(host.path_link, mem, 3, 0, *env.put("f.txt"), 3, *env.put("h")) is Errno.NOTCAPABLE
    assert not exists(env, "/h") and not exists(env, "/other/h")


def test_rename(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    host.path_rename(mem, 3, *env.put("f.txt"), OTHER_FD, *env.put("moved.txt"))
    assert not exists(env, "/f.txt") and env.fs.path("/other/moved.txt").read_bytes() == b"0123456789"
    host.path_rename(mem, OTHER_FD, *env.put("moved.txt"), 3, *env.put("d/in.txt"))  # replaces
    assert env.content("/d/in.txt") == b"0123456789"
    host.path_rename(mem, 3, *env.put("d"), 3, *env.put("empty"))  # a folder over an empty one
    assert env.content("/empty/in.txt") == b"0123456789" and not exists(env, "/d")
    assert errno_of(host.path_rename, mem, 3, *env.put("nope"), 3, *env.put("x")) is Errno.NOENT
    assert errno_of(host.path_rename, mem, 3, *env.put("empty"), 3, *env.put("empty/sub")) is Errno.INVAL
    assert errno_of(host.path_rename, mem, 3, *env.put("lnk"), 3, *env.put("empty")) is Errno.ISDIR
    assert errno_of(host.path_rename, mem, 3, *env.put("."), 3, *env.put("x")) is Errno.BUSY
    assert errno_of(host.path_rename, mem, 3, *env.put("lnk"), 3, *env.put(b"\xff")) is Errno.ILSEQ
    assert exists(env, "/lnk")


def test_rename_rights_on_each_side(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    drop(env, OTHER_FD, "PATH_RENAME_TARGET")
    assert errno_of(host.path_rename, mem, 3, *env.put("f.txt"), OTHER_FD, *env.put("x")) is Errno.NOTCAPABLE
    drop(env, PREOPEN_FD, "PATH_RENAME_SOURCE")
    assert errno_of(host.path_rename, mem, 3, *env.put("f.txt"), 3, *env.put("x")) is Errno.NOTCAPABLE
    assert errno_of(host.path_rename, mem, env.open("d/in.txt", dirfd=3), *env.put("a"), 3, *env.put("b")) \
        is Errno.NOTDIR
    assert exists(env, "/f.txt")


# -- path_symlink, path_readlink ---------------------------------------------------------------

def test_symlink_and_readlink(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    host.path_symlink(mem, *env.put("d/in.txt"), 3, *env.put("new_link"))
    assert env.fs.path("/new_link").readlink() == "d/in.txt"
    host.path_symlink(mem, *env.put("../nowhere"), OTHER_FD, *env.put("up"))  # only a string
    buf = env.alloc(64)
    assert host.path_readlink(mem, 3, *env.put("new_link"), buf, 64) == 8
    assert env.read(buf, 8) == b"d/in.txt"
    assert host.path_readlink(mem, OTHER_FD, *env.put("up"), buf, 64) == 10
    assert errno_of(env.open, "up", rights=RO, dirfd=OTHER_FD) is Errno.NOTCAPABLE  # following it escapes


def test_symlink_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    assert errno_of(host.path_symlink, mem, *env.put("/etc/passwd"), 3, *env.put("abs")) is Errno.NOTCAPABLE
    assert errno_of(host.path_symlink, mem, *env.put("f.txt"), 3, *env.put("lnk")) is Errno.EXIST
    assert errno_of(host.path_symlink, mem, *env.put(""), 3, *env.put("empty_target")) is Errno.NOENT
    assert errno_of(host.path_symlink, mem, *env.put(b"\xfe"), 3, *env.put("bad")) is Errno.ILSEQ
    assert errno_of(host.path_symlink, mem, MEM_SIZE - 1, 5, 3, *env.put("bad")) is Errno.FAULT
    assert errno_of(host.path_symlink, mem, *env.put("f.txt"), 1, *env.put("x")) is Errno.NOTDIR
    drop(env, PREOPEN_FD, "PATH_SYMLINK")
    assert errno_of(host.path_symlink, mem, *env.put("f.txt"), 3, *env.put("x")) is Errno.NOTCAPABLE
    for name in ("abs", "empty_target", "bad", "x"):
        assert not exists(env, "/" + name)


def test_readlink_cuts_to_the_buffer(env: HostEnv) -> None:
    buf = env.alloc(16)
    env.mem[buf : buf + 16] = b"#" * 16
    assert env.host.path_readlink(env.mem, 3, *env.put("dangle"), buf, 4) == 4
    assert env.read(buf, 16) == b"miss" + b"#" * 12
    assert env.host.path_readlink(env.mem, 3, *env.put("dangle"), buf, 0) == 0


def test_readlink_errors(env: HostEnv) -> None:
    host, mem = env.host, env.mem
    buf = env.alloc(16)
    assert errno_of(host.path_readlink, mem, 3, *env.put("f.txt"), buf, 16) is Errno.INVAL
    assert errno_of(host.path_readlink, mem, 3, *env.put("nope"), buf, 16) is Errno.NOENT
    assert errno_of(host.path_readlink, mem, 3, *env.put("lnk"), MEM_SIZE - 2, 16) is Errno.FAULT
    drop(env, PREOPEN_FD, "PATH_READLINK")
    assert errno_of(host.path_readlink, mem, 3, *env.put("lnk"), buf, 16) is Errno.NOTCAPABLE


def test_readlink_of_an_absolute_target_is_notcapable(env: HostEnv) -> None:
    env.fs.path("/abs").symlink_to("/home/someone/secret.txt")  # as imported from a host folder
    buf = env.alloc(64)
    assert errno_of(env.host.path_readlink, env.mem, 3, *env.put("abs"), buf, 64) is Errno.NOTCAPABLE
    assert env.read(buf, 64) == bytes(64)  # the host path is not shown
    assert env.fs.path("/abs").readlink() == "/home/someone/secret.txt"  # the Python API still reads it


def test_readlink_gives_a_target_that_is_not_utf8_as_its_bytes(env: HostEnv) -> None:
    env.fs.path("/odd").symlink_to("x\udcff")  # how a host link's undecodable target arrives
    buf = env.alloc(8)
    assert env.host.path_readlink(env.mem, 3, *env.put("odd"), buf, 8) == 2
    assert env.read(buf, 2) == b"x\xff"
