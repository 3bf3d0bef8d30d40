"""wasi_notebook.p1.describe: what the tracer captures from guest memory at call time, and how
raw arguments and results read for people afterwards."""

from __future__ import annotations

import struct

from wasi_notebook import guests
from wasi_notebook.p1.defs import Filetype, Rights
from wasi_notebook.p1.describe import PREVIEW_BYTES, Preview1Decoder, capture_for
from wasi_notebook.p1.fds import DIR_RIGHTS, FILE_RIGHTS
from wasi_notebook.p1.signatures import SIGNATURES
from wasi_notebook.session import Session

S = SIGNATURES
DECODER = Preview1Decoder()


def memory(*placed: tuple[int, bytes]) -> memoryview:
    mem = memoryview(bytearray(1024))
    for ptr, data in placed:
        mem[ptr : ptr + len(data)] = data
    return mem


# -- capture_for -------------------------------------------------------------------------------

def test_what_is_captured_for_which_function() -> None:
    with_paths = {n for n, s in S.items() if any(p.kind == "path_ptr" for p in s.params)}
    with_writes = {n for n, s in S.items() if any(p.kind == "ciovs_ptr" for p in s.params)}
    assert with_writes == {"fd_write", "fd_pwrite", "sock_send"}
    assert len(with_paths) == 10 and all(n.startswith("path_") for n in with_paths)
    for name, sig in S.items():
        assert (capture_for(sig) is not None) == (name in with_paths | with_writes), name


def test_paths_are_captured_as_strings() -> None:
    mem = memory((100, "añb.txt".encode()), (200, b"new"), (300, b"bad\xff"))
    assert capture_for(S["path_open"])(mem, (3, 0, 100, 8, 0, 0, 0, 0)) == ("añb.txt",)
    assert capture_for(S["path_rename"])(mem, (3, 100, 8, 4, 200, 3)) == ("añb.txt", "new")
    assert capture_for(S["path_symlink"])(mem, (200, 3, 3, 100, 8)) == ("new", "añb.txt")
    # unreadable (outside memory, not UTF-8) is None: the call itself answers FAULT or ILSEQ
    assert capture_for(S["path_link"])(mem, (3, 0, 300, 4, 3, 1020, 10)) == (None, None)


def test_writes_are_captured_as_size_and_first_bytes() -> None:
    capture = capture_for(S["fd_write"])
    mem = memory((8, struct.pack("<II", 100, 5)), (100, b"hello"))
    assert capture(mem, (1, 8, 1)) == b"hello"  # a short write: its bytes are all it takes
    long = bytes(range(200))
    mem = memory((8, struct.pack("<II", 100, 200)), (100, long))
    assert capture(mem, (1, 8, 1)) == (200, long[:PREVIEW_BYTES])
    gathered = memory((8, struct.pack("<6I", 100, 0, 200, 2, 300, 3)), (200, b"ab"), (300, b"cde"))
    assert capture(gathered, (1, 8, 3)) == (5, b"ab")  # the first non-empty buffer
    assert capture(gathered, (1, 8, 0)) == (0, b"")
    assert capture_for(S["fd_pwrite"])(mem, (4, 8, 1, 0)) == (200, long[:PREVIEW_BYTES])
    assert capture_for(S["sock_send"])(mem, (4, 8, 1, 0)) == (200, long[:PREVIEW_BYTES])


def test_unreadable_writes_are_captured_as_none() -> None:
    capture = capture_for(S["fd_write"])
    assert capture(memory(), (1, 1020, 1)) is None  # the iovec array runs off the end
    assert capture(memory(), (1, 1020, 2)) is None
    past_end = memory((8, struct.pack("<II", 1000, 100)))
    assert capture(past_end, (1, 8, 1)) is None  # the buffer runs off the end
    two = memory((8, struct.pack("<4I", 100, 2, 5000, 1)), (100, b"ok"))
    assert capture(two, (1, 8, 2)) is None


# -- Preview1Decoder.args ----------------------------------------------------------------------

def test_decode_path_open() -> None:
    args = DECODER.args(S["path_open"], (3, 1, 100, 5, 9, FILE_RIGHTS, 0, 1), ("a.txt",))
    assert args == {"fd": 3, "dirflags": "SYMLINK_FOLLOW", "path": '"a.txt"', "oflags": "CREAT|TRUNC",
                    "fs_rights_base": "FILE", "fs_rights_inheriting": "0", "fdflags": "APPEND"}
    unreadable = DECODER.args(S["path_open"], (3, 0, 0x400, 5, 0, 0, 0, 0), (None,))
    assert unreadable["path"] == "<unreadable 5 bytes at 0x400>"
    assert DECODER.args(S["path_open"], (3, 0, 0x400, 5, 0, 0, 0, 0), None)["path"].startswith("<unreadable")


def test_decode_two_paths_and_quoting() -> None:
    args = DECODER.args(S["path_rename"], (3, 1, 2, 4, 5, 6), ('say "hi"\n', "b\\c\t"))
    assert args == {"fd": 3, "old_path": '"say \\"hi\\"\\n"', "new_fd": 4, "new_path": '"b\\\\c\\t"'}


def test_decode_writes_and_reads() -> None:
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), (5, b"hello")) == {"fd": 1, "data": '"hello" (5 bytes)'}
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), (100, b"x" * 48))["data"] == f'"{"x" * 48}"… (100 bytes)'
    # a byte that is not UTF-8 reads as \xNN; a backslash the guest wrote is doubled, so they differ
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), (1, b"\xff"))["data"] == '"\\xff" (1 bytes)'
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), (4, b"\\xff"))["data"] == '"\\\\xff" (4 bytes)'
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), (3, "é!".encode()))["data"] == '"é!" (3 bytes)'
    assert DECODER.args(S["fd_write"], (1, 0x40, 1), None) == {"fd": 1, "iovs": "<unreadable iovecs at 0x40>"}
    assert DECODER.args(S["fd_read"], (0, 0x40, 2), None) == {"fd": 0, "iovs": "2 buffers"}
    assert DECODER.args(S["fd_pwrite"], (4, 0x40, 1, 7), (2, b"ab")) == {"fd": 4, "data": '"ab" (2 bytes)',
                                                                        "offset": 7}


def test_decode_enums_flags_rights_and_pointers() -> None:
    assert DECODER.args(S["fd_seek"], (3, -5, 2), None) == {"fd": 3, "offset": -5, "whence": "END"}
    assert DECODER.args(S["fd_seek"], (3, -5, 7), None)["whence"] == 7  # not an enum value: the number
    assert DECODER.args(S["clock_time_get"], (1, 0), None) == {"id": "MONOTONIC", "precision": 0}
    assert DECODER.args(S["args_get"], (16, 32), None) == {"argv": "0x10", "argv_buf": "0x20"}
    assert DECODER.args(S["poll_oneoff"], (64, 128, 2), None) == {"in": "0x40", "out": "0x80", "nsubscriptions": 2}
    assert DECODER.args(S["fd_readdir"], (3, 64, 128, 0), None) == {"fd": 3, "buf": "0x40", "buf_len": 128,
                                                                    "cookie": 0}
    rights = DECODER.args(S["fd_fdstat_set_rights"], (3, DIR_RIGHTS | FILE_RIGHTS, 0b11111), None)
    assert rights["fs_rights_base"] == "DIRECTORY|FILE"
    assert rights["fs_rights_inheriting"] == "FD_DATASYNC|FD_READ|FD_SEEK|…(+2)"
    assert DECODER.args(S["fd_fdstat_set_rights"], (3, int(Rights.ALL), 3), None)["fs_rights_inheriting"] \
        == "FD_DATASYNC|FD_READ"
    assert DECODER.args(S["fd_fdstat_set_flags"], (3, 0x41), None)["flags"] == "APPEND|0x40"
    assert DECODER.args(S["proc_exit"], (3,), None) == {"rval": 3}
    assert DECODER.args(S["sched_yield"], (), None) == {}


# -- Preview1Decoder.result --------------------------------------------------------------------

def test_decode_results() -> None:
    assert DECODER.result(S["path_open"], 4) == "fd 4"
    assert DECODER.result(S["fd_seek"], 10) == 10
    assert DECODER.result(S["args_sizes_get"], (2, 9)) == {"argc": 2, "argv_buf_size": 9}
    assert DECODER.result(S["fd_filestat_get"], (1, 2, Filetype.REGULAR_FILE, 1, 5, 6, 7, 8)) == {
        "type": "REGULAR_FILE", "size": 5, "nlink": 1, "ino": 2, "mtim": 7}
    assert DECODER.result(S["fd_fdstat_get"], (3, 1, DIR_RIGHTS, DIR_RIGHTS | FILE_RIGHTS)) == {
        "filetype": "DIRECTORY", "flags": "APPEND", "rights": "DIRECTORY", "inheriting": "DIRECTORY|FILE"}
    assert DECODER.result(S["fd_prestat_get"], (0, 1)) == {"type": "DIR", "name_len": 1}
    assert DECODER.result(S["fd_close"], None) is None
    assert DECODER.result(S["fd_write"], None) is None


def test_decoded_trace_of_a_real_run() -> None:
    session = Session()
    session.fs.path("/hello.txt").write_text("hi\n")
    result = session.run(guests.path("cat"), ["hello.txt"])
    assert result.stdout == b"hi\n"
    opens = result.trace.filter(function="path_open", path="hello.txt")
    assert opens and opens[0].args["path"] == '"hello.txt"' and opens[0].result.startswith("fd ")
    writes = result.trace.filter(function="fd_write")
    assert writes[0].args["data"] == '"hi\\n" (3 bytes)'
