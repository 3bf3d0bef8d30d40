"""wasi_notebook.p2.cli: arguments, environment, exit, the standard streams, no terminals."""

import pytest

from wasi_notebook.p2.cli import GuestExit
from wasi_notebook.p2.resources import InputStream, OutputStream
from wasi_notebook.p2.values import Ok, Variant

from .hostenv import IO, call, make_host


def test_environment():
    host = make_host(args=["prog", "a b"], env={"K": "v", "E": ""})
    assert call(host, "wasi:cli/environment", "get-arguments") == ["prog", "a b"]
    assert call(host, "wasi:cli/environment", "get-environment") == [("K", "v"), ("E", "")]
    assert call(host, "wasi:cli/environment", "initial-cwd") is None


@pytest.mark.parametrize("status, code", [(Variant("ok"), 0), (Variant("err"), 1)])
def test_exit_ends_the_run_with_its_status(status, code):
    with pytest.raises(GuestExit) as info:
        call(make_host(), "wasi:cli/exit", "exit", status)
    assert info.value.code == code


def test_exit_with_code():
    with pytest.raises(GuestExit) as info:
        call(make_host(), "wasi:cli/exit", "exit-with-code", 42)
    assert info.value.code == 42


def test_standard_streams_reach_the_context():
    host = make_host(stdin=b"in")
    stdin = call(host, "wasi:cli/stdin", "get-stdin").rep
    stdout = call(host, "wasi:cli/stdout", "get-stdout").rep
    stderr = call(host, "wasi:cli/stderr", "get-stderr").rep
    assert isinstance(host.table.get(stdin, InputStream), InputStream)
    assert isinstance(host.table.get(stdout, OutputStream), OutputStream)
    assert call(host, IO, "[method]input-stream.read", stdin, 10) == Ok(b"in")
    assert call(host, IO, "[method]output-stream.write", stdout, b"out") == Ok(None)
    assert call(host, IO, "[method]output-stream.blocking-write-and-flush", stderr, b"err") == Ok(None)
    assert host.ctx.stdout.getvalue() == b"out" and host.ctx.stderr.getvalue() == b"err"
    # each call gives a new handle to the same stream
    again = call(host, "wasi:cli/stdout", "get-stdout").rep
    assert again != stdout
    call(host, IO, "[method]output-stream.write", again, b"!")
    assert host.ctx.stdout.getvalue() == b"out!"


@pytest.mark.parametrize("interface, name", [
    ("wasi:cli/terminal-stdin", "get-terminal-stdin"),
    ("wasi:cli/terminal-stdout", "get-terminal-stdout"),
    ("wasi:cli/terminal-stderr", "get-terminal-stderr"),
])
def test_the_streams_are_never_terminals(interface, name):
    assert call(make_host(), interface, name) is None
