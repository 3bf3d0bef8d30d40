"""Path resolution: components, dots, trailing slashes, links, confinement, limits."""

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.memfs.path import MAX_SYMLINK_HOPS, check_name, resolve, split_absolute


@pytest.fixture
def tree(fs):
    root = fs.root_dir
    fs.mkdir_at(root, "d")
    fs.mkdir_at(root, "d/sub")
    fs.open_at(root, "d/f.txt", create=True, write=True).close()
    fs.symlink_at("sub", root, "d/to_sub")
    fs.symlink_at("f.txt", root, "d/to_file")
    fs.symlink_at("missing", root, "d/dangling")
    return fs


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


def test_plain_components(tree):
    root = tree.root_dir
    r = resolve(root, "d/sub", follow=True)
    assert r.name == "sub" and r.inode is root.entries["d"].entries["sub"] and not r.slash
    assert r.parent is root.entries["d"]


def test_missing_last_component_is_not_an_error(tree):
    r = resolve(tree.root_dir, "d/new", follow=True)
    assert r.inode is None and r.name == "new"


def test_missing_middle_component_is_noent(tree):
    assert errno_of(lambda: resolve(tree.root_dir, "nope/x", follow=True)) is Errno.NOENT


def test_file_in_the_middle_is_notdir(tree):
    assert errno_of(lambda: resolve(tree.root_dir, "d/f.txt/x", follow=True)) is Errno.NOTDIR


def test_dots_and_repeated_slashes(tree):
    root = tree.root_dir
    d = root.entries["d"]
    assert resolve(root, "./d//sub/../f.txt", follow=True).inode is d.entries["f.txt"]
    r = resolve(root, "d/.", follow=True)
    assert (r.name, r.inode) == (".", d)
    r = resolve(root, "d/sub/..", follow=True)
    assert (r.name, r.inode) == ("..", d)


def test_trailing_slash_is_remembered_and_follows_the_link(tree):
    root = tree.root_dir
    r = resolve(root, "d/to_sub/", follow=False)
    assert r.slash and r.inode is root.entries["d"].entries["sub"]
    r = resolve(root, "d/to_sub/", follow=False, slash_follows=False)
    assert r.inode.type.value == "symlink"


def test_links_followed_or_not(tree):
    root = tree.root_dir
    d = root.entries["d"]
    assert resolve(root, "d/to_file", follow=True).inode is d.entries["f.txt"]
    assert resolve(root, "d/to_file", follow=False).inode is d.entries["to_file"]
    # a link in the middle is always followed
    assert resolve(root, "d/to_sub/..", follow=False).inode is d


def test_dangling_link_followed_names_its_target(tree):
    r = resolve(tree.root_dir, "d/dangling", follow=True)
    assert r.inode is None and r.name == "missing"


def test_dotdot_cannot_climb_above_the_base(tree):
    root = tree.root_dir
    assert errno_of(lambda: resolve(root, "..", follow=True)) is Errno.NOTCAPABLE
    assert errno_of(lambda: resolve(root, "d/../..", follow=True)) is Errno.NOTCAPABLE
    sub = root.entries["d"].entries["sub"]
    # relative to a subdirectory, that subdirectory is the limit
    assert errno_of(lambda: resolve(sub, "../f.txt", follow=True)) is Errno.NOTCAPABLE


def test_absolute_paths_and_absolute_links_are_notcapable(tree):
    root = tree.root_dir
    assert errno_of(lambda: resolve(root, "/d", follow=True)) is Errno.NOTCAPABLE
    tree.symlink_at("/etc/passwd", root, "abs")
    assert errno_of(lambda: resolve(root, "abs", follow=True)) is Errno.NOTCAPABLE
    # not following it is fine: it is just a link
    assert resolve(root, "abs", follow=False).inode.target == "/etc/passwd"


def test_relative_link_escaping_is_notcapable(tree):
    root = tree.root_dir
    tree.symlink_at("../../..", root, "d/up")
    assert errno_of(lambda: resolve(root, "d/up/x", follow=True)) is Errno.NOTCAPABLE


def test_rooted_paths_for_the_python_api(tree):
    root = tree.root_dir
    assert resolve(root, "/d/f.txt", follow=True, rooted=True).name == "f.txt"
    assert resolve(root, "/", follow=True, rooted=True).inode is root
    assert errno_of(lambda: resolve(root, "/..", follow=True, rooted=True)) is Errno.NOTCAPABLE


def test_symlink_loops(tree):
    root = tree.root_dir
    tree.symlink_at("b", root, "a")
    tree.symlink_at("a", root, "b")
    assert errno_of(lambda: resolve(root, "a", follow=True)) is Errno.LOOP
    assert errno_of(lambda: resolve(root, "a/x", follow=False)) is Errno.LOOP
    tree.symlink_at("self/x", root, "self")
    assert errno_of(lambda: resolve(root, "self", follow=True)) is Errno.LOOP


def test_hop_limit_allows_a_long_but_finite_chain(tree):
    root = tree.root_dir
    tree.symlink_at("d", root, "l0")
    for i in range(1, MAX_SYMLINK_HOPS):
        tree.symlink_at(f"l{i - 1}", root, f"l{i}")
    assert resolve(root, f"l{MAX_SYMLINK_HOPS - 1}", follow=True).inode is root.entries["d"]
    tree.symlink_at(f"l{MAX_SYMLINK_HOPS - 1}", root, "one_too_many")
    assert errno_of(lambda: resolve(root, "one_too_many", follow=True)) is Errno.LOOP


def test_empty_path_nul_and_lengths(tree):
    root = tree.root_dir
    assert errno_of(lambda: resolve(root, "", follow=True)) is Errno.NOENT
    assert errno_of(lambda: resolve(root, "d/a\0b", follow=True)) is Errno.INVAL
    assert resolve(root, "x" * 255, follow=True).inode is None
    assert errno_of(lambda: resolve(root, "x" * 256, follow=True)) is Errno.NAMETOOLONG
    assert errno_of(lambda: resolve(root, "é" * 128, follow=True)) is Errno.NAMETOOLONG  # 256 bytes
    assert errno_of(lambda: resolve(root, "a/" * 2100, follow=True)) is Errno.NAMETOOLONG


def test_check_name():
    check_name("ok.txt", "ok.txt")
    for bad, errno in [("a/b", Errno.INVAL), ("a\0", Errno.INVAL), ("..", Errno.INVAL), ("", Errno.INVAL),
                       ("n" * 256, Errno.NAMETOOLONG)]:
        with pytest.raises(WasiError) as info:
            check_name(bad, bad)
        assert info.value.errno is errno


def test_split_absolute():
    assert split_absolute("/a/./b//") == ["a", "b"]
    assert split_absolute("/") == []
    with pytest.raises(WasiError):
        split_absolute("/a/../b")


def test_error_messages_name_the_culprit(tree):
    with pytest.raises(WasiError, match=r"'nope' does not exist"):
        resolve(tree.root_dir, "nope/x", follow=True)
    with pytest.raises(WasiError, match=r"points to the absolute path '/etc'"):
        tree.symlink_at("/etc", tree.root_dir, "etc")
        resolve(tree.root_dir, "etc/x", follow=True)
