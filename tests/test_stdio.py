"""wasi_notebook.stdio: standard input from bytes or a callback, output captured as it comes."""

from __future__ import annotations

from wasi_notebook.stdio import InputSource, OutputSink


def test_input_from_bytes_then_end() -> None:
    source = InputSource(b"hello")
    assert not source.eof and not source.interactive
    assert source.ready() == 5
    assert source.read(2) == b"he"
    assert source.ready() == 3
    assert source.read(100) == b"llo"
    assert source.read(100) == b""
    assert source.eof and source.ready() == 0
    assert source.consumed == 5


def test_input_from_text_and_empty() -> None:
    assert InputSource("héllo").read(10) == "héllo".encode()
    empty = InputSource()
    assert empty.eof and empty.ready() == 0
    assert empty.read(4) == b""


def test_input_asks_for_more_only_when_empty() -> None:
    answers = [b"second\n", "third\n", None]
    asked = []

    def more():
        asked.append(1)
        return answers.pop(0)

    source = InputSource(b"first\n", more)
    assert source.interactive and not source.eof
    assert source.read(100) == b"first\n"
    assert asked == []
    assert source.ready() == 0 and not source.eof
    assert source.read(3) == b"sec"
    assert len(asked) == 1
    assert source.read(100) == b"ond\n"
    assert source.read(100) == b"third\n"
    assert source.read(100) == b""
    assert source.eof
    assert source.read(100) == b""
    assert len(asked) == 3  # the end is remembered: no more asking
    assert source.consumed == len(b"first\nsecond\nthird\n")


def test_input_empty_answer_is_the_end() -> None:
    source = InputSource(more=lambda: b"")
    assert not source.eof
    assert source.read(10) == b""
    assert source.eof


def test_output_keeps_everything_and_streams_it() -> None:
    seen: list[bytes] = []
    sink = OutputSink(seen.append)
    assert sink.write(b"ab") == 2
    assert sink.write(memoryview(b"cde")) == 3
    assert sink.write(bytearray(b"")) == 0
    assert sink.getvalue() == b"abcde"
    assert seen[:2] == [b"ab", b"cde"]
    assert all(type(chunk) is bytes for chunk in seen)


def test_output_without_callback() -> None:
    sink = OutputSink()
    sink.write(b"x" * 10)
    assert sink.getvalue() == b"x" * 10 and sink.data == bytearray(b"x" * 10)


def test_input_knows_its_end_as_soon_as_it_is_read() -> None:
    source = InputSource(b"ab")
    source.read(1)
    assert not source.eof
    source.read(5)
    assert source.eof and source.ready() == 0  # a poll can say "hang up" now
    interactive = InputSource(b"ab", lambda: None)
    interactive.read(5)
    assert not interactive.eof  # more may come when asked


def test_wait_asks_for_more_without_consuming() -> None:
    answers = [b"typed\n", None]
    source = InputSource(b"", more=lambda: answers.pop(0))
    assert source.ready() == 0 and not source.eof
    source.wait()
    assert source.ready() == 6 and source.consumed == 0
    source.wait()  # bytes are ready: nothing is asked
    assert answers == [None]
    assert source.read(10) == b"typed\n"
    source.wait()
    assert source.eof and source.ready() == 0
