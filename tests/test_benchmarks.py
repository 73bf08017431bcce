"""The benchmark helpers: the growth exponent of a known power law, and one whole-process pair."""

from __future__ import annotations

import sys

import pytest

from benchmarks.wholeprocess import growth_exponent, pair


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5])
def test_growth_exponent_reads_the_power_back(power: float) -> None:
    sizes = [20, 200, 1700]
    assert growth_exponent(sizes, [3.0 * s ** power for s in sizes]) == pytest.approx(power)


def test_a_pair_runs_ours_and_the_floor_in_turn(capsys) -> None:
    quick = [sys.executable, "-c", "pass"]
    result = pair("python start", quick, quick, runs=2, warmup=0)
    assert len(result.ours) == len(result.floor) == 2 and all(r.code == 0 for r in result.ours + result.floor)
    assert len(result.ratios) == 2
    assert "python start: ours" in capsys.readouterr().out


def test_a_scaling_run_prints_each_size_and_a_lower_bound_for_a_size_stopped_at_the_bound(capsys) -> None:
    from benchmarks.scaling import scaling

    def commands(size: int) -> tuple[list[str], list[str], str]:
        work = [sys.executable, "-c", f"import time; time.sleep({0 if size < 3 else 30})"]
        return work, [sys.executable, "-c", "pass"], f"{size} units"

    points = scaling("demo", [1, 2, 3], commands, runs=1, timeout=3.0)
    out = capsys.readouterr().out
    assert [p.size for p in points] == [1, 2, 3] and [p.bound for p in points] == [False, False, True]
    assert "demo 3 (3 units): ours >" in out and "stopped at the 3 s bound" in out
    assert "demo growth exponent over [1, 2, 3]: ours at least" in out and "floor" in out
