"""Randomness for guests: the operating system's, or a seeded generator for repeatable runs."""

from __future__ import annotations

import os
import random

__all__ = ["SystemEntropy", "SeededEntropy"]


class SystemEntropy:
    deterministic = False

    def bytes(self, n: int) -> bytes:
        return os.urandom(n)


class SeededEntropy:
    """The same bytes for the same seed, in the same order. Not for secrets."""

    deterministic = True

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._rng = random.Random(seed)

    def bytes(self, n: int) -> bytes:
        return self._rng.randbytes(n)
