"""wasi_notebook.p2.host: Preview2 composes the interface modules into one table that serves
every function of the WASI 0.2 interfaces it covers."""

import inspect

import pytest

from wasi_notebook.p2 import cli, clocks, filesystem, io, random
from wasi_notebook.p2.host import GuestExit, Preview2

from .hostenv import FS, call, make_host, ok_rep, preopen

D = "[method]descriptor."
IN, OUT = "[method]input-stream.", "[method]output-stream."

#: Every function of these interfaces in the 0.2.x WIT, by the name a component imports it under.
WIT = {
    "wasi:cli/environment": {"get-arguments", "get-environment", "initial-cwd"},
    "wasi:cli/exit": {"exit", "exit-with-code"},
    "wasi:cli/stdin": {"get-stdin"},
    "wasi:cli/stdout": {"get-stdout"},
    "wasi:cli/stderr": {"get-stderr"},
    "wasi:cli/terminal-input": set(),
    "wasi:cli/terminal-output": set(),
    "wasi:cli/terminal-stdin": {"get-terminal-stdin"},
    "wasi:cli/terminal-stdout": {"get-terminal-stdout"},
    "wasi:cli/terminal-stderr": {"get-terminal-stderr"},
    "wasi:clocks/monotonic-clock": {"now", "resolution", "subscribe-instant", "subscribe-duration"},
    "wasi:clocks/wall-clock": {"now", "resolution"},
    "wasi:random/random": {"get-random-bytes", "get-random-u64"},
    "wasi:random/insecure": {"get-insecure-random-bytes", "get-insecure-random-u64"},
    "wasi:random/insecure-seed": {"insecure-seed"},
    "wasi:io/error": {"[method]error.to-debug-string"},
    "wasi:io/poll": {"[method]pollable.ready", "[method]pollable.block", "poll"},
    "wasi:io/streams": {IN + n for n in ("read", "blocking-read", "skip", "blocking-skip", "subscribe")} | {
        OUT + n for n in ("check-write", "write", "blocking-write-and-flush", "flush", "blocking-flush",
                          "subscribe", "write-zeroes", "blocking-write-zeroes-and-flush", "splice",
                          "blocking-splice")},
    "wasi:filesystem/preopens": {"get-directories"},
    "wasi:filesystem/types": {D + n for n in (
        "read-via-stream", "write-via-stream", "append-via-stream", "advise", "sync-data", "get-flags",
        "get-type", "set-size", "set-times", "read", "write", "read-directory", "sync", "create-directory-at",
        "stat", "stat-at", "set-times-at", "link-at", "open-at", "readlink-at", "remove-directory-at",
        "rename-at", "symlink-at", "unlink-file-at", "is-same-object", "metadata-hash", "metadata-hash-at")} | {
        "[method]directory-entry-stream.read-directory-entry", "filesystem-error-code"},
}


def test_every_function_of_the_interfaces_is_served():
    table = make_host().interfaces()
    for interface, names in WIT.items():
        assert set(table[interface]) == names, interface


def test_the_table_can_be_listed_before_the_host_is_set_up():
    # link.missing_imports lists it on an instance whose __init__ has not run
    table = Preview2.interfaces(Preview2.__new__(Preview2))
    assert set(WIT) <= set(table)


def test_the_modules_method_names_do_not_collide():
    seen: dict[str, str] = {}
    for module, part in [(cli, cli.CliHost), (clocks, clocks.ClocksHost), (random, random.RandomHost),
                         (io, io.IoHost), (filesystem, filesystem.FilesystemHost)]:
        for name, value in vars(part).items():
            if inspect.isfunction(value):
                assert name not in seen, f"{name} is in both {seen[name]} and {module.__name__}"
                seen[name] = module.__name__


def test_close_all_closes_every_handle_children_first():
    host = make_host()
    d = preopen(host)
    f = ok_rep(call(host, FS, D + "open-at", d, set(), "a.txt", set(), {"read"}))
    call(host, FS, D + "read-via-stream", f, 0)
    call(host, FS, D + "read-directory", d)
    inode = host.table.get(f, filesystem.Descriptor).handle.inode
    assert inode.opens == 1
    host.close_all()
    assert len(host.table) == 0 and inode.opens == 0


def test_guest_exit_is_importable_from_host():
    with pytest.raises(GuestExit):
        call(make_host(), "wasi:cli/exit", "exit-with-code", 3)
    assert call(make_host(), "wasi:clocks/monotonic-clock", "resolution") > 0
