"""Python file objects over MemFs files."""

import csv
import json

import pytest

from wasi_notebook.errors import Errno, WasiError


def errno_of(fn):
    with pytest.raises(WasiError) as info:
        fn()
    return info.value.errno


def test_text_modes(fs):
    with fs.path("/data.csv").open("w") as f:
        f.write("a,b\n1,2\n")
    with fs.path("/data.csv").open() as f:
        assert f.readlines() == ["a,b\n", "1,2\n"]
    with fs.path("/data.csv").open("a") as f:
        f.write("3,4\n")
    with fs.path("/data.csv").open() as f:
        assert list(csv.reader(f)) == [["a", "b"], ["1", "2"], ["3", "4"]]


def test_binary_read_write_seek(fs):
    with fs.path("/b").open("wb") as f:
        f.write(b"0123456789")
    with fs.path("/b").open("r+b") as f:
        f.seek(2)
        f.write(b"XY")
        f.seek(0)
        assert f.read() == b"01XY456789"
        f.truncate(3)
    assert fs.path("/b").read_bytes() == b"01X"


def test_json_round_trip_and_encoding(fs):
    with fs.path("/c.json").open("w", encoding="utf-8") as f:
        json.dump({"café": 1}, f, ensure_ascii=False)
    assert json.loads(fs.path("/c.json").read_text()) == {"café": 1}


def test_modes_and_errors(fs):
    with pytest.raises(ValueError, match="invalid mode"):
        fs.path("/x").open("rw")
    with pytest.raises(ValueError, match="invalid mode"):
        fs.path("/x").open("q")
    fs.path("/exists").write_text("")
    assert errno_of(lambda: fs.path("/exists").open("x")) is Errno.EXIST
    assert errno_of(lambda: fs.path("/missing").open()) is Errno.NOENT
    fs.path("/d").mkdir()
    assert errno_of(lambda: fs.path("/d").open("rb")) is Errno.ISDIR
    assert fs.path("/d").exists()


def test_closing_closes_the_handle(fs):
    f = fs.path("/f").open("wb")
    inode = fs.lookup(fs.root_dir, "f")
    assert inode.opens == 1
    f.close()
    assert inode.opens == 0
    f.close()  # closing twice is harmless, as for builtin files


def test_file_attributes(fs):
    with fs.path("/f").open("w+b") as f:
        assert f.readable() and f.writable() and f.seekable()
        assert f.name == "/f"
