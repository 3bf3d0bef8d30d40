"""Widgets without a browser: a comm that keeps what would go over the wire.

ipywidgets opens a comm per widget through ``comm.create_comm``; outside a kernel that is a
``DummyComm`` that drops everything. :class:`Wire` keeps every message instead (the comm_open
with the whole state, state updates, custom messages and their buffers), so tests can look at
what a frontend would receive and measure how much. What the frontend sends is delivered through
the widget's own ``_handle_msg``, as ipykernel delivers it.
"""

import json

from comm.base_comm import BaseComm

from wasi_notebook import guests


class Wire(BaseComm):
    def __init__(self, *args, **kwargs):
        self.messages = []  # (msg_type, data, buffers)
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        self.messages.append((msg_type, data, [bytes(b) for b in buffers or ()]))


def messages(widget):
    return widget.comm.messages


def custom(widget, since=0):
    """The custom messages the widget sent (after the first ``since`` messages): (content, buffers)."""
    return [(data["content"], buffers) for kind, data, buffers in messages(widget)[since:]
            if kind == "comm_msg" and data.get("method") == "custom"]


def updates(widget, since=0):
    """The state updates the widget sent: merged dict of trait -> value."""
    state = {}
    for kind, data, _ in messages(widget)[since:]:
        if kind == "comm_msg" and data.get("method") == "update":
            state.update(data["state"])
    return state


def wire_bytes(widget, since=0):
    """Bytes on the wire: the JSON of each message and its buffers."""
    return sum(len(json.dumps(data, default=str)) + sum(map(len, buffers))
               for _, data, buffers in messages(widget)[since:])


def from_frontend(widget, content, buffers=()):
    """Deliver a custom message as the browser would; returns the custom messages sent back."""
    since = len(messages(widget))
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                        "buffers": [memoryview(b) for b in buffers]})
    return custom(widget, since)


def set_from_frontend(widget, **state):
    """Set traits as the browser does (an update message); returns the custom messages sent back."""
    since = len(messages(widget))
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
                        "buffers": []})
    return custom(widget, since)


def only(replies, kind):
    found = [c for c, _ in replies if c["type"] == kind]
    assert len(found) == 1, replies
    return found[0]


def run(session, name, *args, **kwargs):
    """Run a bundled guest (deterministic: the same clock and randomness each time)."""
    return session.run(guests.path(name), list(args), deterministic=True, **kwargs)
