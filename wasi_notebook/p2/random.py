"""wasi:random: random, insecure and insecure-seed, all drawn from the context's entropy (the
seeded one in deterministic runs, so those stay repeatable)."""

from __future__ import annotations

from typing import Any, Callable

from ..ctx import WasiCtx

__all__ = ["RandomHost"]


class RandomHost:
    ctx: WasiCtx

    def random_interfaces(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            "wasi:random/random": {"get-random-bytes": self.random_bytes, "get-random-u64": self.random_u64},
            "wasi:random/insecure": {
                "get-insecure-random-bytes": self.random_bytes,
                "get-insecure-random-u64": self.random_u64,
            },
            "wasi:random/insecure-seed": {"insecure-seed": self.insecure_seed},
        }

    def random_bytes(self, length: int) -> bytes:
        return self.ctx.entropy.bytes(length)

    def random_u64(self) -> int:
        return int.from_bytes(self.ctx.entropy.bytes(8), "little")

    def insecure_seed(self) -> tuple[int, int]:
        """Two u64, the same at every call of one run (drawn at the first)."""
        seed = self.__dict__.get("_insecure_seed")
        if seed is None:
            seed = self._insecure_seed = (self.random_u64(), self.random_u64())
        return seed
