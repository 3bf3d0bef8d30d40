"""TreeWidget: browse and change a MemFs from the notebook.

The tree opens lazily: the first page of the root travels in the ``_root_listing`` trait, and
the browser asks for a folder's entries only when the person opens it, a page at a time, so a
tree of 100,000 files draws at once. Entries are marked with what a diff says (created,
modified, moved, metadata) and deleted ones stay, struck through.

Messages from the browser (``{"type": ..., "id": request id}``, answers repeat the id):

=============  ============================================  =========================================
type           fields (buffers)                              answer
=============  ============================================  =========================================
``list``       ``path``, ``cursor`` (None or from ``next``)  ``listing``: ``path``, ``entries``,
                                                             ``next``, ``start``
``collapse``   ``path``                                      none (stops refreshing it)
``preview``    ``path``, ``offset``, ``before``, ``mode``    ``preview``: ``kind`` text/binary/symlink/
                                                             dir, ``offset``, ``next``, ``size``,
                                                             ``writable`` (the bytes as a buffer)
``download``   ``path``, ``before``                          ``download`` chunks (bytes as buffers);
                                                             a folder comes as a .tar
``upload``     ``dir``, ``name``, ``upload``, ``offset``,    ``ack`` per chunk, ``exists`` when the
               ``final``, ``overwrite`` (a chunk)            name is taken, ``done`` at the end
``mkdir``      ``dir``, ``name``                             ``done``
``rename``     ``path``, ``name``                            ``done``
``delete``     ``path``                                      ``done``
``save``       ``path`` (the new content)                    ``done``
``refresh``                                                  listings of every open folder
=============  ============================================  =========================================

Failures come back as ``status`` with ``level: "error"`` and the WasiError's message. After a
change the folders it touched are listed again (``listing`` with ``start: true``).
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ..errors import Errno, WasiError
from ..memfs import FileType, MemFs, MemPath
from ..memfs.path import check_name
from ..render import human_size, tree as rich_tree
from . import data, html
from .base import Displayable, Messages, css, esm

__all__ = ["TreeWidget"]

PREVIEW_BYTES = 64 << 10


class TreeWidget(Messages, Displayable, anywidget.AnyWidget):
    """The MemFs tree under ``root``, marked with ``diff``.

    ``selected`` is the path the person last picked. ``refresh()`` reads the tree again (after
    Python code changed it); ``set_diff(diff)`` marks it with another diff (None for none).
    """

    _esm = esm("tree.js")
    _css = css("tree.css")

    root = traitlets.Unicode("/").tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.List().tag(sync=True)  # [[change kind, count], ...]
    page_size = traitlets.Int(500).tag(sync=True)
    preview_bytes = traitlets.Int(PREVIEW_BYTES).tag(sync=True)
    _root_listing = traitlets.Dict().tag(sync=True)

    def __init__(self, fs: MemFs | MemPath, diff=None, root: str = "/", **kwargs: Any) -> None:
        if isinstance(fs, MemPath):
            fs, root = fs.fs, str(fs) if root == "/" else root
        root = str(MemPath(fs, root))
        if not MemPath(fs, root).is_dir():
            raise WasiError(Errno.NOTDIR, root, "the tree starts at a folder")
        self.fs = fs
        self._marks = data.Marks(diff)
        self._uploads: dict[str, bytearray] = {}
        # The first page goes out with the widget's state, in the message that creates it.
        page_size = _page_size(kwargs.pop("page_size", 500))
        listing = data.list_dir(fs, root, self._marks, None, page_size)
        self._open: dict[str, int] = {root: len(listing["entries"])}  # folders shown -> entries shown
        super().__init__(root=root, page_size=page_size, legend=self._marks.counts(), _root_listing=listing,
                         **kwargs)

    @traitlets.validate("page_size")
    def _valid_page(self, proposal):
        return _page_size(proposal["value"])

    @traitlets.validate("preview_bytes")
    def _valid_preview(self, proposal):
        return max(256, min(int(proposal["value"]), 1 << 20))

    # -- the Python side ---------------------------------------------------------------------

    @property
    def diff(self):
        return self._marks.diff

    def set_diff(self, diff) -> None:
        """Mark the tree with ``diff`` (a :class:`~wasi_notebook.memfs.Diff` or None)."""
        self._marks = data.Marks(diff)
        with self.hold_sync():
            self.legend = self._marks.counts()
            self.refresh()

    def refresh(self) -> None:
        """Read the tree again and send every folder the browser shows (up to as many entries as
        it shows); folders that are gone are dropped."""
        for path in sorted(set(self._open) | {self.root}, key=lambda p: (p.count("/"), p)):
            if path in self._open or path == self.root:  # a folder gone drops those under it
                self._publish(path)

    def listing(self, path: str | None = None, cursor=None, limit: int | None = None) -> dict[str, Any]:
        """One page of a folder, as the browser gets it (see :func:`.data.list_dir`)."""
        return data.list_dir(self.fs, path or self.root, self._marks, cursor, limit or self.page_size)

    def _publish(self, path: str) -> None:
        """Send the first entries of ``path`` again, as many as the browser shows."""
        shown = max(self._open.get(path, 0), self.page_size)
        try:
            listing = self.listing(path, None, shown)
        except WasiError:
            self._open.pop(path, None)
            if path == self.root:
                self._root_listing = {"path": path, "entries": [], "next": None, "start": True}
            return
        self._open[path] = len(listing["entries"])
        if path == self.root:
            self._root_listing = listing
        else:
            self.send({"type": "listing", **listing})

    def _path(self, path: Any) -> MemPath:
        """A path from the browser: absolute, without ``.`` or ``..``, in the tree shown. (A
        scope for the person's clicks, not a sandbox: links are followed where they lead.)"""
        if any(part in (".", "..") for part in str(path).split("/")):
            raise WasiError(Errno.INVAL, str(path), "the tree names paths without '.' or '..'")
        p = MemPath(self.fs, str(path))
        text = str(p)
        if not (self.root == "/" or text == self.root or text.startswith(self.root + "/")):
            raise WasiError(Errno.PERM, text, f"outside the tree shown ({self.root})")
        return p

    def _child(self, folder: Any, name: Any) -> MemPath:
        name = str(name)
        check_name(name, name)
        return self._path(folder) / name

    def _done(self, request: dict, message: str, *folders: str, path: str | None = None) -> None:
        for folder in dict.fromkeys(folders):
            if folder == self.root or folder in self._open:
                self._publish(folder)
        self._reply({"type": "done", "message": message, "path": path}, request)

    # -- browsing ------------------------------------------------------------------------------

    def _on_list(self, msg: dict, _buffers) -> None:
        path = str(self._path(msg["path"]))
        listing = self.listing(path, msg.get("cursor"))
        shown = len(listing["entries"]) + (0 if listing["start"] else self._open.get(path, 0))
        self._open[path] = shown
        if path == self.root and listing["start"]:
            self._root_listing = listing
        self._reply({"type": "listing", **listing}, msg)

    def _on_collapse(self, msg: dict, _buffers) -> None:
        path = str(MemPath(self.fs, str(msg["path"])))
        for open_path in list(self._open):
            if open_path == path or open_path.startswith(path.rstrip("/") + "/"):
                if open_path != self.root:
                    del self._open[open_path]

    def _on_refresh(self, msg: dict, _buffers) -> None:
        self.refresh()
        self._status("read the tree again", "info", msg)

    def _on_preview(self, msg: dict, _buffers) -> None:
        p = self._path(msg["path"])
        path = str(p)
        offset = max(0, int(msg.get("offset") or 0))
        limit = self.preview_bytes
        before = bool(msg.get("before"))
        answer: dict[str, Any] = {"type": "preview", "path": path, "before": before, "offset": offset}
        if before:
            snapshot = self._snapshot(path)
            st = snapshot.stat(path)
        else:
            st = p.lstat()
        answer.update(size=st.size, size_text=human_size(st.size), mtime=data.when(st.mtime),
                      writable=not before and st.type is FileType.REGULAR_FILE)
        if st.type is FileType.SYMBOLIC_LINK:
            target = snapshot.readlink(path) if before else p.readlink()
            self._reply({**answer, "kind": "symlink", "target": target, "next": None}, msg)
            return
        if st.type is FileType.DIRECTORY:
            self._reply({**answer, "kind": "dir", "next": None}, msg)
            return
        if before:
            chunk = snapshot.read_bytes(path)[offset:offset + limit + 4]
        else:
            with p.open("rb") as f:
                f.seek(offset)
                chunk = f.read(limit + 4)
        mode = msg.get("mode")  # what the first piece was, for the pieces after it
        if mode not in ("text", "binary"):
            mode = "text" if _looks_textual(chunk) else "binary"
        chunk = _text_cut(chunk, limit) if mode == "text" else chunk[:limit]
        end = offset + len(chunk)
        answer.update(kind=mode, next=end if end < st.size else None)
        self._reply(answer, msg, [chunk])

    def _snapshot(self, path: str):
        if self.diff is None:
            raise WasiError(Errno.NOENT, path, "there is no diff to tell what it held before")
        return self.diff.snapshot

    def _on_download(self, msg: dict, _buffers) -> None:
        p = self._path(msg["path"])
        path = str(p)
        name = p.name or "root"
        if msg.get("before"):
            payload = self._snapshot(path).read_bytes(path)
        elif p.is_dir() and not p.is_symlink():
            payload, name = self.fs.export_tar(src=path), name + ".tar"
        else:
            payload = p.read_bytes()
        self._send_download(name, payload, msg)

    # -- changing ------------------------------------------------------------------------------

    def _on_upload(self, msg: dict, buffers: list[bytes]) -> None:
        target = self._child(msg["dir"], msg["name"])
        upload = str(msg["upload"])
        if int(msg.get("offset") or 0) == 0:
            if target.exists(follow_symlinks=False):
                if target.is_dir() and not target.is_symlink():
                    raise WasiError(Errno.ISDIR, str(target), "a folder of that name is there")
                if not msg.get("overwrite"):
                    self._reply({"type": "exists", "path": str(target), "upload": upload}, msg)
                    return
            self._uploads[upload] = bytearray()
        received = self._uploads.get(upload)
        if received is None:
            raise WasiError(Errno.CANCELED, str(target), "the upload was interrupted; upload the file again")
        for chunk in buffers:
            received += chunk
        if not msg.get("final"):
            self._reply({"type": "ack", "upload": upload, "received": len(received)}, msg)
            return
        del self._uploads[upload]
        if target.is_symlink():  # replacing the entry, not writing through the link
            target.unlink()
        target.write_bytes(received)
        self._done(msg, f"uploaded {target.name} ({human_size(len(received))})", str(target.parent),
                   path=str(target))

    def _on_mkdir(self, msg: dict, _buffers) -> None:
        folder = self._child(msg["dir"], msg["name"])
        folder.mkdir()
        self._done(msg, f"made folder {folder}", str(folder.parent), path=str(folder))

    def _on_rename(self, msg: dict, _buffers) -> None:
        p = self._path(msg["path"])
        if str(p) == self.root:
            raise WasiError(Errno.BUSY, str(p), "the root of the tree shown cannot be renamed here")
        target = self._child(p.parent, msg["name"])
        if target == p:
            return self._done(msg, "name unchanged", path=str(p))
        if target.exists(follow_symlinks=False):
            raise WasiError(Errno.EXIST, str(target), "choose another name, or delete that one first")
        p.lstat()  # NOENT before anything else
        p.rename(target)
        if self.selected == str(p):
            self.selected = str(target)
        self._forget(str(p))
        self._done(msg, f"renamed {p.name} to {target.name}", str(p.parent), path=str(target))

    def _on_delete(self, msg: dict, _buffers) -> None:
        p = self._path(msg["path"])
        if str(p) == self.root:
            raise WasiError(Errno.BUSY, str(p), "the root of the tree shown cannot be deleted here")
        what = {"dir": "folder", "file": "file", "symlink": "link"}[data.KINDS[p.lstat().type]]
        if what == "folder":
            p.rmtree()
        else:
            p.unlink()
        if self.selected == str(p):
            self.selected = ""
        self._forget(str(p))
        self._done(msg, f"deleted {what} {p}", str(p.parent), path=str(p))

    def _on_save(self, msg: dict, buffers: list[bytes]) -> None:
        p = self._path(msg["path"])
        if not p.is_file():
            raise WasiError(Errno.ISDIR if p.is_dir() else Errno.NOENT, str(p), "only a file can be saved")
        content = b"".join(buffers)
        p.write_bytes(content)
        self._done(msg, f"saved {p.name} ({human_size(len(content))})", str(p.parent), path=str(p))

    def _forget(self, path: str) -> None:
        for open_path in list(self._open):
            if open_path == path or open_path.startswith(path + "/"):
                del self._open[open_path]

    # -- fallbacks -----------------------------------------------------------------------------

    def _static_html(self) -> str:
        return html.tree_html(self.fs, self._marks, self.root)

    def __rich__(self):
        return rich_tree(MemPath(self.fs, self.root), self.diff, max_depth=4)

    def _text(self) -> str:
        changes = f": {self.diff.summary()}" if self.diff is not None else ""
        return f"TreeWidget of {self.root}{changes}"


def _page_size(value) -> int:
    return max(1, min(int(value), 5000))


def _looks_textual(chunk: bytes) -> bool:
    if b"\0" in chunk:
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start >= len(chunk) - 3 and e.reason == "unexpected end of data"
    return True


def _text_cut(chunk: bytes, limit: int) -> bytes:
    """At most ``limit`` bytes of ``chunk``, not ending inside a UTF-8 character."""
    if len(chunk) <= limit:
        return chunk
    cut = limit
    while cut > limit - 3 and (chunk[cut] & 0xC0) == 0x80:  # a continuation byte starts the rest
        cut -= 1
    return chunk[:cut]
