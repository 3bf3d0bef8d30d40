"""wasi_notebook.p2.io: wasi:io error, poll and streams, on success and error paths."""

import pytest

from wasi_notebook.errors import Errno, WasiError
from wasi_notebook.p2.resources import GuestError, IoError, SinkStream
from wasi_notebook.p2.values import Err, Ok, Variant
from wasi_notebook.stdio import InputSource

from .hostenv import FS, IO, call, make_host, ok_rep, preopen

POLL = "wasi:io/poll"
CLOSED = Err(Variant("closed"))


def _stdin(host):
    return call(host, "wasi:cli/stdin", "get-stdin").rep


def _stdout(host):
    return call(host, "wasi:cli/stdout", "get-stdout").rep


def _file_streams(host, name="a.txt"):
    d = preopen(host)
    f = ok_rep(call(host, FS, "[method]descriptor.open-at", d, set(), name, {"create"}, {"read", "write"}))
    return f, ok_rep(call(host, FS, "[method]descriptor.read-via-stream", f, 0)), \
        ok_rep(call(host, FS, "[method]descriptor.write-via-stream", f, 0))


# -- input streams ------------------------------------------------------------------------------


def test_read_skip_and_closed():
    host = make_host(stdin=b"hello world")
    s = _stdin(host)
    assert call(host, IO, "[method]input-stream.read", s, 0) == Ok(b"")
    assert call(host, IO, "[method]input-stream.read", s, 5) == Ok(b"hello")
    assert call(host, IO, "[method]input-stream.skip", s, 1) == Ok(1)
    assert call(host, IO, "[method]input-stream.blocking-skip", s, 2) == Ok(2)
    assert call(host, IO, "[method]input-stream.blocking-read", s, 100) == Ok(b"rld")
    for name in ("read", "blocking-read", "skip", "blocking-skip"):
        assert call(host, IO, f"[method]input-stream.{name}", s, 1) == CLOSED


def test_interactive_stdin_reads_nothing_until_typed_unless_blocking():
    asked = []

    def more():
        asked.append(1)
        return b"typed\n" if len(asked) == 1 else None

    host = make_host(stdin=InputSource(b"", more=more))
    s = _stdin(host)
    assert call(host, IO, "[method]input-stream.read", s, 10) == Ok(b"")
    assert asked == []
    p = call(host, IO, "[method]input-stream.subscribe", s).rep
    assert call(host, POLL, "[method]pollable.ready", p) is False
    call(host, POLL, "[method]pollable.block", p)  # asks the person
    assert asked == [1] and call(host, POLL, "[method]pollable.ready", p) is True
    assert call(host, IO, "[method]input-stream.read", s, 10) == Ok(b"typed\n")
    assert call(host, POLL, "poll", [p]) == [0]  # blocks until the end is known
    assert call(host, IO, "[method]input-stream.blocking-read", s, 10) == CLOSED


def test_file_input_stream_reads_from_its_offset():
    host = make_host()
    d = preopen(host)
    f = ok_rep(call(host, FS, "[method]descriptor.open-at", d, set(), "a.txt", set(), {"read"}))
    s = ok_rep(call(host, FS, "[method]descriptor.read-via-stream", f, 2))
    assert call(host, IO, "[method]input-stream.read", s, 2) == Ok(b"ph")
    assert call(host, IO, "[method]input-stream.read", s, 10) == Ok(b"a")
    assert call(host, IO, "[method]input-stream.read", s, 10) == CLOSED


# -- output streams -----------------------------------------------------------------------------


def test_write_flush_zeroes():
    host = make_host()
    s = _stdout(host)
    assert call(host, IO, "[method]output-stream.check-write", s) == Ok(1 << 20)
    assert call(host, IO, "[method]output-stream.write", s, b"ab") == Ok(None)
    assert call(host, IO, "[method]output-stream.write-zeroes", s, 2) == Ok(None)
    assert call(host, IO, "[method]output-stream.blocking-write-zeroes-and-flush", s, 1) == Ok(None)
    assert call(host, IO, "[method]output-stream.flush", s) == Ok(None)
    assert call(host, IO, "[method]output-stream.blocking-flush", s) == Ok(None)
    assert host.ctx.stdout.getvalue() == b"ab\0\0\0"


@pytest.mark.parametrize("name, arg", [
    ("write", b"x" * ((1 << 20) + 1)),
    ("write-zeroes", (1 << 20) + 1),
    ("blocking-write-and-flush", b"x" * 4097),
    ("blocking-write-zeroes-and-flush", 4097),
])
def test_writing_past_the_budget_traps(name, arg):
    host = make_host()
    s = _stdout(host)
    with pytest.raises(GuestError, match="4096|permitted"):
        call(host, IO, f"[method]output-stream.{name}", s, arg)
    assert host.ctx.stdout.getvalue() == b""


def test_blocking_write_takes_4096_bytes():
    host = make_host()
    s = _stdout(host)
    assert call(host, IO, "[method]output-stream.blocking-write-and-flush", s, b"y" * 4096) == Ok(None)
    assert len(host.ctx.stdout.getvalue()) == 4096


def test_file_output_streams_write_at_offset_or_append():
    host = make_host()
    d = preopen(host)
    f = ok_rep(call(host, FS, "[method]descriptor.open-at", d, set(), "a.txt", set(), {"write"}))
    at = ok_rep(call(host, FS, "[method]descriptor.write-via-stream", f, 1))
    app = ok_rep(call(host, FS, "[method]descriptor.append-via-stream", f))
    assert call(host, IO, "[method]output-stream.write", at, b"LP") == Ok(None)
    assert call(host, IO, "[method]output-stream.write", app, b"!") == Ok(None)
    assert call(host, IO, "[method]output-stream.write", at, b"H") == Ok(None)
    assert call(host, IO, "[method]output-stream.write", app, b"?") == Ok(None)
    assert host.ctx.fs.path("/data/a.txt").read_bytes() == b"aLPHa!?"


def test_splice_moves_bytes_until_the_source_closes():
    host = make_host(stdin=b"abcdef")
    src, out = _stdin(host), _stdout(host)
    assert call(host, IO, "[method]output-stream.splice", out, src, 4) == Ok(4)
    assert call(host, IO, "[method]output-stream.splice", out, src, 0) == Ok(0)
    assert call(host, IO, "[method]output-stream.blocking-splice", out, src, 100) == Ok(2)
    assert call(host, IO, "[method]output-stream.blocking-splice", out, src, 100) == CLOSED
    assert call(host, IO, "[method]output-stream.splice", out, src, 1) == CLOSED
    assert host.ctx.stdout.getvalue() == b"abcdef"


# -- errors -------------------------------------------------------------------------------------


def test_a_file_stream_failure_is_last_operation_failed_with_a_filesystem_code():
    host = make_host()
    host.ctx.fs.max_bytes = host.ctx.fs.used_bytes  # the MemFs is full
    _, _, out = _file_streams(host, "full.txt")
    result = call(host, IO, "[method]output-stream.write", out, b"more")
    assert isinstance(result, Err) and result.value.tag == "last-operation-failed"
    e = result.value.payload.rep
    assert isinstance(host.table.get(e, IoError), IoError)
    assert "NOSPC" in call(host, "wasi:io/error", "[method]error.to-debug-string", e)
    assert call(host, FS, "filesystem-error-code", e) == "insufficient-space"
    result = call(host, IO, "[method]output-stream.write-zeroes", out, 3)
    assert result.value.tag == "last-operation-failed"


def test_a_stdio_failure_has_no_filesystem_code():
    host = make_host()

    class Broken(SinkStream):
        def write(self, data):
            raise WasiError(Errno.IO, None, "the sink failed")

    s = host.table.own(Broken(host.ctx.stdout)).rep
    result = call(host, IO, "[method]output-stream.write", s, b"x")
    e = result.value.payload.rep
    assert "IO" in call(host, "wasi:io/error", "[method]error.to-debug-string", e)
    assert call(host, FS, "filesystem-error-code", e) is None


def test_a_wrong_handle_traps():
    host = make_host()
    d = preopen(host)
    with pytest.raises(GuestError, match="not a live"):
        call(host, IO, "[method]output-stream.write", d, b"x")


# -- poll ---------------------------------------------------------------------------------------


def test_poll_on_an_empty_list_traps():
    with pytest.raises(GuestError, match="at least one"):
        call(make_host(), POLL, "poll", [])


def test_poll_answers_every_ready_index_without_waiting():
    host = make_host(stdin=b"x")
    clocks = host.ctx.clocks
    out = call(host, IO, "[method]output-stream.subscribe", _stdout(host)).rep
    inp = call(host, IO, "[method]input-stream.subscribe", _stdin(host)).rep
    timer = call(host, "wasi:clocks/monotonic-clock", "subscribe-duration", 10**12).rep
    before = clocks.elapsed
    assert call(host, POLL, "poll", [timer, out, inp, out]) == [1, 2, 3]
    assert clocks.elapsed - before <= clocks.step_ns  # one reading, no waiting


def test_poll_waits_for_the_nearest_timer_only():
    host = make_host()
    clocks = host.ctx.clocks
    far = call(host, "wasi:clocks/monotonic-clock", "subscribe-duration", 20 * 10**9).rep
    near = call(host, "wasi:clocks/monotonic-clock", "subscribe-duration", 2 * 10**6).rep
    near_deadline = host.table.get(near, object).deadline
    assert call(host, POLL, "poll", [far, near, near]) == [1, 2]
    assert clocks.elapsed == near_deadline


def test_file_and_sink_streams_are_always_ready():
    host = make_host()
    _, inp, out = _file_streams(host)
    for s in (inp, out, _stdout(host)):
        p = call(host, IO, "[method]input-stream.subscribe" if s == inp else "[method]output-stream.subscribe", s)
        assert call(host, POLL, "[method]pollable.ready", p.rep) is True
        call(host, POLL, "[method]pollable.block", p.rep)


def test_a_stream_with_a_live_pollable_cannot_be_dropped():
    host = make_host()
    s = _stdout(host)
    p = call(host, IO, "[method]output-stream.subscribe", s).rep
    with pytest.raises(GuestError, match="resource has children"):
        host.table.drop(s)
    host.table.drop(p)
    host.table.drop(s)
    assert len(host.table) == 0
