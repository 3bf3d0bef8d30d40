import pathlib
import re

import pytest

from wasi_notebook.errors import Errno, WasiError


def test_every_errno_matches_wasi_libc_numbering():
    # wasi-libc's header is generated from the witx; zig ships it. Compare every value.
    ziglang = pytest.importorskip("ziglang")
    header = pathlib.Path(ziglang.__file__).parent / "lib/libc/include/wasm-wasi-musl/wasi/api.h"
    found = dict(re.findall(r"#define __WASI_ERRNO_(\w+) \(UINT16_C\((\d+)\)\)", header.read_text()))
    assert len(found) == 77
    assert {label: int(n) for label, n in found.items()} == {e.label: e.value for e in Errno}


def test_labels_and_lookup():
    assert Errno._2BIG.label == "2BIG"
    assert Errno.from_label("noent") is Errno.NOENT
    assert Errno.from_label("ENOENT") is Errno.NOENT
    assert Errno.from_label("2big") is Errno._2BIG
    with pytest.raises(ValueError, match="unknown WASI errno 'nope'"):
        Errno.from_label("nope")


def test_message_says_what_and_where():
    e = WasiError(Errno.NOENT, "a/b.txt", "'a' does not exist")
    assert str(e) == "NOENT: no such file or directory: 'a/b.txt' ('a' does not exist)"
    assert e.errno is Errno.NOENT
    assert str(WasiError(Errno.BADF)) == "BADF: bad file descriptor"


def test_pickles():
    import pickle

    e = pickle.loads(pickle.dumps(WasiError(Errno.LOOP, "x", "why")))
    assert (e.errno, e.path, e.detail) == (Errno.LOOP, "x", "why")
