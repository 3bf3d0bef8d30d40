"""wasi_notebook.p2.random: random, insecure, insecure-seed, repeatable in deterministic runs."""

from wasi_notebook import MemFs
from wasi_notebook.ctx import WasiCtx
from wasi_notebook.p2.host import Preview2

from .hostenv import call, make_host


def _draws(host):
    return (call(host, "wasi:random/random", "get-random-bytes", 16),
            call(host, "wasi:random/random", "get-random-u64"),
            call(host, "wasi:random/insecure", "get-insecure-random-bytes", 5),
            call(host, "wasi:random/insecure", "get-insecure-random-u64"),
            call(host, "wasi:random/insecure-seed", "insecure-seed"))


def test_sizes_and_ranges():
    secure, u64, insecure, insecure_u64, seed = _draws(make_host())
    assert len(secure) == 16 and len(insecure) == 5
    assert call(make_host(), "wasi:random/random", "get-random-bytes", 0) == b""
    for n in (u64, insecure_u64, *seed):
        assert 0 <= n < 2**64
    assert isinstance(seed, tuple) and len(seed) == 2


def test_deterministic_runs_draw_the_same():
    assert _draws(make_host(seed=7)) == _draws(make_host(seed=7))
    assert _draws(make_host(seed=7)) != _draws(make_host(seed=8))


def test_insecure_seed_is_one_value_per_run():
    host = make_host()
    first = call(host, "wasi:random/insecure-seed", "insecure-seed")
    call(host, "wasi:random/random", "get-random-bytes", 8)
    assert call(host, "wasi:random/insecure-seed", "insecure-seed") == first


def test_real_entropy_when_not_deterministic():
    a = Preview2(WasiCtx(MemFs()))
    b = Preview2(WasiCtx(MemFs()))
    assert call(a, "wasi:random/random", "get-random-bytes", 32) != call(b, "wasi:random/random", "get-random-bytes", 32)
