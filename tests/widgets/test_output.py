"""LiveOutput: text while the guest runs in small messages, all of it in the state at the end."""

import time

import pytest

from wasi_notebook.widgets import LiveOutput

from .wire import custom, messages, updates


def appends(widget):
    return [c for c, _ in custom(widget) if c["type"] == "append"]


def test_finished_output_is_in_the_state():
    out = LiveOutput(b"hello\n", b"oops\n")
    state = messages(out)[0][1]["state"]
    assert state["chunks"] == [["stdout", "hello\n"], ["stderr", "oops\n"]] and not state["running"]
    assert out.text() == "hello\noops\n" and out.text("stderr") == "oops\n"


def test_streaming_sends_only_what_is_new_then_everything_once():
    out = LiveOutput(interval=0)
    out.start()
    out.append("stdout", b"one ")
    out.append("stdout", b"two\n")
    out.append("stderr", b"warn\n")
    sent = appends(out)
    assert [m["chunks"] for m in sent] == [[["stdout", "one "]], [["stdout", "two\n"]], [["stderr", "warn\n"]]]
    assert [m["seq"] for m in sent] == [0, 1, 2]
    assert out.chunks == []  # the state waits for the end
    since = len(messages(out))
    out.close()
    assert updates(out, since)["chunks"] == [["stdout", "one two\n"], ["stderr", "warn\n"]]
    assert updates(out, since)["running"] is False and not appends(out)[3:]


def test_quick_writes_are_batched_and_a_timer_sends_the_last():
    out = LiveOutput(interval=0.2)
    out.start()
    for i in range(100):
        out.append("stdout", f"{i}\n".encode())
    assert len(appends(out)) == 1  # the first at once, the rest waits
    deadline = time.monotonic() + 5
    while len(appends(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # for the timer
    sent = appends(out)
    assert len(sent) == 2 and "".join(t for m in sent for _, t in m["chunks"]) == "".join(f"{i}\n" for i in range(100))
    out.close()


def test_utf8_split_between_writes():
    out = LiveOutput()
    data = "é€😀".encode()
    for i in range(len(data)):
        out.append("stdout", data[i:i + 1])
    assert out.text() == "é€😀" and out.chunks == [["stdout", "é€😀"]]
    out.append("stderr", b"\xff")
    out.close()
    assert out.text("stderr") == "\ufffd"


def test_output_past_the_limit_is_counted():
    out = LiveOutput(max_chars=10)
    out.append("stdout", b"0123456789abcdef")
    assert out.text() == "0123456789" and out.cut == 6
    out.append("stderr", b"more")
    assert out.cut == 10 and "10 more characters" in out._repr_mimebundle_()[0]["text/html"]


def test_writer_and_bad_stream():
    out = LiveOutput()
    out.writer("stderr")(b"x")
    assert out.chunks == [["stderr", "x"]]
    with pytest.raises(ValueError):
        out.append("stdin", b"x")
    out.clear()
    assert out.chunks == [] and out.empty


def test_static_html_escapes_and_colours_stderr():
    page = LiveOutput(b"<script>alert(1)</script>\n", b"bad\n")._repr_mimebundle_()[0]["text/html"]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'color:#d1242f">bad' in page
