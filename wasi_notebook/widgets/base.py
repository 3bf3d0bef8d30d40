"""What every widget shares: how it displays where there is no widget frontend, how it answers
the browser's messages, and how it sends a file for download.

- :class:`Displayable` gives a widget its fallbacks: ``text/html`` beside the widget view for
  saved notebooks (from :mod:`.html`), and in a terminal IPython (a shell with no kernel) the
  rich rendering from :mod:`wasi_notebook.render` as coloured text.
- :class:`Messages` routes custom messages ``{"type": T, ...}`` from the browser to a method
  ``_on_T(content, buffers)``. A :class:`~wasi_notebook.errors.WasiError` becomes a status
  message in the widget instead of an exception in the kernel.
"""

from __future__ import annotations

import io
import shutil
import uuid
from pathlib import Path
from typing import Any

from ..errors import WasiError

__all__ = ["Displayable", "Messages", "has_frontend", "ansi", "plain", "CHUNK"]

#: Largest binary buffer in one message (well under the 10 MiB a Jupyter websocket takes).
CHUNK = 2 << 20


def has_frontend() -> bool:
    """False in a terminal IPython (a shell without a kernel): nothing there can draw a widget.
    True in a kernel, and outside IPython, where whoever asks for the bundle decides."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return True
    shell = get_ipython()
    return shell is None or getattr(shell, "kernel", None) is not None


def _console(color: bool, width: int | None):
    from rich.console import Console

    return Console(file=io.StringIO(), width=width or shutil.get_terminal_size((100, 24)).columns,
                   force_terminal=color, color_system="truecolor" if color else None, highlight=False,
                   legacy_windows=False)


def ansi(renderable, width: int | None = None) -> str:
    """A rich renderable as text with terminal colours."""
    console = _console(True, width)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n")


def plain(renderable, width: int | None = 100) -> str:
    """A rich renderable as plain text."""
    console = _console(False, width)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n")


HERE = Path(__file__).parent


def css(name: str) -> str:
    """A widget's styles: the shared colours of ``theme.css`` followed by ``name``."""
    return (HERE / "theme.css").read_text() + "\n" + (HERE / name).read_text()


def esm(name: str) -> str:
    """A widget's script: the shared helpers of ``dom.js`` followed by ``name`` (both beside
    this file), so each widget's module stays self-contained in the browser."""
    return (HERE / "dom.js").read_text() + "\n" + (HERE / name).read_text()


class Displayable:
    """Mixin for a widget class: ``_static_html()`` and ``__rich__()`` are its fallbacks,
    ``_text()`` a one-line description."""

    def _static_html(self) -> str:
        raise NotImplementedError

    def __rich__(self):
        raise NotImplementedError

    def _text(self) -> str:
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs):
        if not has_frontend():
            return {"text/plain": ansi(self.__rich__())}, {}
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data or {})
        data["text/plain"] = self._text()
        data["text/html"] = self._static_html()
        return data, metadata

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self._text() if cycle else plain(self.__rich__()))


class Messages:
    """Mixin for an anywidget: dispatches the browser's custom messages by their ``type``.

    Every request may carry an ``id``; answers and status messages repeat it, so the view that
    asked (of several showing one model) knows they are its own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_msg(self._dispatch)  # type: ignore[attr-defined]

    def _dispatch(self, _widget, content, buffers) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            return  # not ours (anywidget's own commands use "kind")
        handler = getattr(self, "_on_" + content["type"].replace("-", "_"), None)
        if handler is None:
            return
        try:
            handler(content, [bytes(b) for b in buffers or ()])
        except WasiError as e:
            self._status(str(e), "error", content)
        except Exception as e:
            self._status(f"internal error: {type(e).__name__}: {e} (see the kernel log)", "error", content)
            raise

    def _status(self, message: str, level: str = "info", request: dict | None = None) -> None:
        """Tell the views something; ``request`` is the message this answers."""
        self._reply({"type": "status", "level": level, "message": message}, request)

    def _reply(self, content: dict, request: dict | None = None, buffers=None) -> None:
        if request is not None and "id" in request:
            content = {**content, "id": request["id"], "action": request.get("type")}
        self.send(content, buffers)  # type: ignore[attr-defined]

    def _send_download(self, name: str, payload: bytes, request: dict | None = None,
                       mime: str = "application/octet-stream") -> None:
        """Send ``payload`` in chunks; the view that asked saves it as ``name``."""
        view = memoryview(payload)
        download = str(uuid.uuid4())
        offsets = range(0, max(len(payload), 1), CHUNK)
        for offset in offsets:
            self._reply({"type": "download", "download": download, "name": name, "mime": mime, "offset": offset,
                         "size": len(payload), "final": offset + CHUNK >= len(payload)},
                        request, [view[offset:offset + CHUNK]])
