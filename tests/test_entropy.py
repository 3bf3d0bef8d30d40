"""wasi_notebook.entropy: system randomness, and a seeded source for repeatable runs."""

from __future__ import annotations

from wasi_notebook.entropy import SeededEntropy, SystemEntropy


def test_seeded_bytes_repeat_for_the_same_seed() -> None:
    a, b = SeededEntropy(7), SeededEntropy(7)
    assert [a.bytes(5), a.bytes(0), a.bytes(300)] == [b.bytes(5), b.bytes(0), b.bytes(300)]
    assert len(SeededEntropy(7).bytes(300)) == 300
    assert SeededEntropy(7).bytes(0) == b""


def test_seeded_stream_moves_on_and_depends_on_the_seed() -> None:
    source = SeededEntropy(1)
    first, second = source.bytes(32), source.bytes(32)
    assert first != second
    assert SeededEntropy(2).bytes(32) != first
    assert SeededEntropy().seed == 0 and SeededEntropy().bytes(16) == SeededEntropy(0).bytes(16)


def test_system_entropy() -> None:
    source = SystemEntropy()
    draws = {source.bytes(16) for _ in range(3)}
    assert len(draws) == 3 and all(len(d) == 16 for d in draws)
    assert source.bytes(0) == b""
    assert SeededEntropy.deterministic and not SystemEntropy.deterministic
