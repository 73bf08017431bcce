"""Shared timers for the benchmarks: best of N runs, and floor/ours measured alternately."""

from __future__ import annotations

import timeit
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of `repeat` single runs, in seconds."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def paired(floor: Callable[[], object], ours: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """Best times of the floor and of ours, run alternately so that a busy machine slows both alike."""
    a, b = [], []
    for _ in range(repeat):
        a.append(best_of(floor, 1))
        b.append(best_of(ours, 1))
    return min(a), min(b)
