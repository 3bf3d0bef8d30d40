"""Calling the preview2 host's functions directly, as a component would (by rep), for the tests
of each module of ``wasi_notebook.p2``."""

from __future__ import annotations

from wasi_notebook import MemFs
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.p2.host import Preview2
from wasi_notebook.p2.link import answer

FS = "wasi:filesystem/types"
IO = "wasi:io/streams"

#: The functions whose WIT result is a ``result`` (besides every ``[method]descriptor.*`` but
#: is-same-object): called as the linker's wrapper calls them, so a WasiError they raise comes
#: back as the interface's Err case.
RESULTS = {
    "[method]input-stream.read", "[method]input-stream.blocking-read", "[method]input-stream.skip",
    "[method]input-stream.blocking-skip", "[method]output-stream.check-write", "[method]output-stream.write",
    "[method]output-stream.blocking-write-and-flush", "[method]output-stream.flush",
    "[method]output-stream.blocking-flush", "[method]output-stream.write-zeroes",
    "[method]output-stream.blocking-write-zeroes-and-flush", "[method]output-stream.splice",
    "[method]output-stream.blocking-splice", "[method]directory-entry-stream.read-directory-entry",
}


def returns_result(interface: str, name: str) -> bool:
    if interface == FS and name.startswith("[method]descriptor."):
        return name != "[method]descriptor.is-same-object"
    return name in RESULTS


def call(host: Preview2, interface: str, name: str, *args):
    func = host.interfaces()[interface][name]
    if returns_result(interface, name):
        return answer(host, interface, func, *args)
    return func(*args)


def make_host(**ctx_args) -> Preview2:
    """A host over a MemFs holding /data/a.txt ("alpha"), /data preopened as "/"; deterministic."""
    fs = MemFs()
    fs.path("/data").mkdir()
    fs.path("/data/a.txt").write_text("alpha")
    ctx_args.setdefault("deterministic", True)
    ctx_args.setdefault("seed", 3)
    return Preview2(WasiCtx(fs, preopens={"/": "/data"}, **ctx_args))


def preopen(host: Preview2) -> int:
    [(handle, guest_path)] = call(host, "wasi:filesystem/preopens", "get-directories")
    assert guest_path == "/"
    return handle.rep


def ok_rep(result) -> int:
    """The rep of the own handle in an ``Ok`` result."""
    return result.value.rep
