"""Scaling runs: ours (and its floor) at several sizes, whole process, and the growth exponent of each."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.wholeprocess import Run, growth_exponent, run_once


@dataclass(frozen=True)
class Point:
    """One size: median wall and CPU seconds of ours and of the floor (None: no floor, or no run finished);
    `bound` when ours was stopped at the time bound (its seconds are at least these)."""

    size: int
    ours_wall: float
    ours_cpu: float
    floor_wall: float | None
    floor_cpu: float | None
    bound: bool


def _median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def measure(size: int, ours: Sequence[str], floor: Sequence[str] | None, runs: int, timeout: float) -> Point | None:
    """`runs` pairs, ours then the floor, at one size; ours stopped at `timeout` ends the size (a lower bound)."""
    mine: list[Run] = []
    base: list[Run] = []
    for _ in range(runs):
        run = run_once(ours, timeout)
        if run.timed_out:
            return Point(size, run.wall, run.cpu, _median(base, "wall") if base else None,
                         _median(base, "cpu") if base else None, True)
        if run.code == 0:
            mine.append(run)
        if floor is not None:
            done = run_once(floor, timeout)
            if done.code == 0:
                base.append(done)
    if not mine:
        return None
    return Point(size, _median(mine, "wall"), _median(mine, "cpu"), _median(base, "wall") if base else None,
                 _median(base, "cpu") if base else None, False)


def scaling(name: str, sizes: Sequence[int], commands: Callable[[int], tuple[list[str], list[str] | None, str]],
            runs: int = 3, timeout: float = 1800.0) -> list[Point]:
    """Print each size's figures and the growth exponent (log-log slope) of ours, of the floor and of the ratio.

    `commands(size)` gives (ours, floor or None, a label for the size). A size stopped at the time bound is
    printed as "> seconds" and enters the exponent with those seconds: the exponent is then a lower bound."""
    points: list[Point] = []
    for size in sizes:
        try:
            ours, floor, label = commands(size)
        except Exception as exc:  # a size whose data cannot be built is reported; the others still run
            print(f"{name} {size}: FAILED to set up: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
            continue
        point = measure(size, ours, floor, runs, timeout)
        if point is None:
            print(f"{name} {size} ({label}): every run FAILED", flush=True)
            continue
        points.append(point)
        mark = ">" if point.bound else ""
        line = f"{name} {size} ({label}): ours {mark}{point.ours_wall:.2f} s wall, {mark}{point.ours_cpu:.2f} s CPU"
        if point.floor_wall is not None and point.floor_cpu:
            line += (f"; floor {point.floor_wall:.2f} s wall, {point.floor_cpu:.2f} s CPU; ratio "
                     f"{mark}{point.ours_wall / point.floor_wall:.2f}x wall, {mark}{point.ours_cpu / point.floor_cpu:.2f}x CPU")
        print(line + (f"  [stopped at the {timeout:.0f} s bound]" if point.bound else ""), flush=True)
    if len(points) < 2:
        print(f"{name} growth exponent: fewer than two sizes measured", flush=True)
        return points
    xs = [p.size for p in points]
    bound = "at least " if points[-1].bound else ""
    line = (f"{name} growth exponent over {xs}: ours {bound}{growth_exponent(xs, [p.ours_wall for p in points]):.2f} "
            f"wall, {bound}{growth_exponent(xs, [p.ours_cpu for p in points]):.2f} CPU")
    if all(p.floor_cpu for p in points):
        line += (f"; floor {growth_exponent(xs, [p.floor_wall or 0.0 for p in points]):.2f} wall, "
                 f"{growth_exponent(xs, [p.floor_cpu or 0.0 for p in points]):.2f} CPU")
    print(line + "  (1 = linear, 2 = quadratic)", flush=True)
    return points
