"""Whole-process timing: ours and a floor started in turn (A B A B ...), ratio taken pair by pair."""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, cpu (user + system) seconds, exit code; `timed_out` when it was
    stopped at the time bound (its seconds are then a lower bound)."""

    wall: float
    cpu: float
    code: int
    timed_out: bool = False


def run_once(cmd: Sequence[str], timeout: float = 1800.0) -> Run:
    """Start `cmd`, wait for it, and read the kernel's accounting of the finished child (os.wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = start + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            timed_out = True
            break
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0 and not timed_out:
        sys.stderr.write(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}\n")
    return Run(wall, usage.ru_utime + usage.ru_stime, proc.returncode, timed_out)


@dataclass(frozen=True)
class Pair:
    """Ours and the floor, measured alternately; ratio = ours / floor pair by pair."""

    name: str
    ours: list[Run]
    floor: list[Run]

    @property
    def ratios(self) -> list[float]:
        return [a.wall / b.wall for a, b in zip(self.ours, self.floor, strict=True)]

    @property
    def cpu_ratios(self) -> list[float]:
        """ours / floor in CPU seconds (user + system), pair by pair: steadier than wall on a busy machine."""
        return [a.cpu / b.cpu for a, b in zip(self.ours, self.floor, strict=True) if b.cpu > 0]

    def line(self) -> str:
        o, f = [r.wall for r in self.ours], [r.wall for r in self.floor]
        oc, fc = [r.cpu for r in self.ours], [r.cpu for r in self.floor]
        bad = sum(r.code != 0 for r in self.ours + self.floor)
        cpu = self.cpu_ratios
        return (f"{self.name}: ours {min(o):.2f} / {statistics.median(o):.2f} s, floor {min(f):.2f} / "
                f"{statistics.median(f):.2f} s, ratio {min(self.ratios):.2f} / {statistics.median(self.ratios):.2f}x"
                f" (min / median of {len(o)} pairs); CPU ours {statistics.median(oc):.2f} s, floor "
                f"{statistics.median(fc):.2f} s, ratio {min(cpu, default=0):.2f} / "
                f"{statistics.median(cpu) if cpu else 0:.2f}x" + (f"  [{bad} runs FAILED]" if bad else ""))


def pair(name: str, ours: Sequence[str], floor: Sequence[str], runs: int = 5, warmup: int = 1) -> Pair:
    """Warm-up runs of both (not counted), then `runs` pairs: ours, floor, ours, floor ..."""
    for _ in range(warmup):
        run_once(ours)
        run_once(floor)
    a, b = [], []
    for _ in range(runs):
        a.append(run_once(ours))
        b.append(run_once(floor))
    result = Pair(name, a, b)
    print(result.line(), flush=True)
    return result


def repeat(cmd: Sequence[str], runs: int = 5, warmup: int = 1) -> list[Run]:
    """`runs` counted runs of one command after `warmup` uncounted ones."""
    for _ in range(warmup):
        run_once(cmd)
    return [run_once(cmd) for _ in range(runs)]


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) over log(size): 1 = linear, 2 = quadratic."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
