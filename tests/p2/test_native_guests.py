"""Native preview2 guests (componentize-py, not jco's preview1 adapter) run through Session on
our p2 host over a MemFs: fs_streams_clocks_random calls wasi:filesystem, wasi:io/streams,
wasi:clocks and wasi:random through its bindings. (network_denied is in test_network.py.)"""

import pytest

from wasi_notebook import Session

from . import pyguests

NAME = "fs_streams_clocks_random"


@pytest.fixture(scope="module")
def wasm():
    return pyguests.build(NAME)


def run(wasm, args=(), session=None, **options):
    session = session or Session()
    result = session.run(session.load(wasm, name=NAME), list(args), **options)
    assert result.trap is None, result.stderr.decode()[-2000:]
    return session, result


def lines(result):
    return result.stdout.decode().splitlines()


def test_it_writes_reads_and_removes_files_through_the_bindings(wasm):
    session, result = run(wasm, deterministic=True, seed=1)
    assert result.exit_code == 0
    out = lines(result)
    assert out[1:3] == [
        "out/notes.txt: regular_file, 41 bytes, 1 link",
        "read back: 'written through wasi:io/streams\\nappended\\n'",
    ]
    assert out[4:] == ["out/gone.txt: NO_ENTRY", "missing.txt: NO_ENTRY",
                       "monotonic clock: advanced True, resolution 1000 ns"]
    fs = session.fs
    assert fs.path("/out/notes.txt").read_bytes() == b"written through wasi:io/streams\nappended\n"
    noise = fs.path("/out/random.bin").read_bytes()
    assert len(noise) == 16 and out[3].startswith(f"random: {noise.hex()} u64 ")
    assert not fs.path("/out/gone.txt").exists()
    assert str(result.diff).splitlines() == ["+ /out/", "+ /out/notes.txt (41 bytes)", "+ /out/random.bin (16 bytes)"]


def test_deterministic_runs_print_the_same(wasm):
    _, first = run(wasm, deterministic=True, seed=7)
    _, second = run(wasm, deterministic=True, seed=7)
    assert first.stdout == second.stdout
    assert first.stdout.startswith(b"wall clock: ")
    _, other_seed = run(wasm, deterministic=True, seed=8)
    random_line = [line for line in lines(first) if line.startswith("random:")]
    assert random_line and random_line[0] not in lines(other_seed)


def test_a_second_run_finds_its_folder_and_a_failure_exits_1(wasm):
    session, _ = run(wasm, deterministic=True)
    _, again = run(wasm, ["fail"], session=session, deterministic=True)
    assert again.exit_code == 1
    assert lines(again)[1] == "out: EXIST"
    assert lines(again)[-1] == "failing as asked"
    assert session.fs.path("/out/notes.txt").read_bytes().endswith(b"appended\n")


def test_the_preopen_maps_the_guest_root(wasm):
    session = Session()
    session.fs.path("/home").mkdir()
    _, result = run(wasm, session=session, preopens={"/": "/home"})
    assert result.exit_code == 0
    assert session.fs.path("/home/out/notes.txt").exists() and not session.fs.path("/out").exists()
