"""Collation benchmark at national scale: 1,700 clinics x 40 indicators x 12 periods (816,000 values).

Run: `.venv/bin/python -m benchmarks.bench_collate` (from the repository root). "collate" is the full
vectorised arithmetic of `klyngedesk.core.collate.compute` for every indicator and period at once: values,
95 % intervals (Wilson for the 12 percentage indicators, exact Garwood Poisson for the 28 rates), funnel
limits at 95 % and 99.8 % (exact Poisson / arcsine), overdispersion phi and tau^2 (winsorised/truncated
z-scores), flags, ranks, pooled value with interval, median and quartiles - plus the change between
consecutive periods with rate-ratio intervals. The floor, measured in the same run on the same arrays, is
a bare numpy pass: value = num / den x scale with a normal-approximation interval and the pooled value.
No Python loop runs per value (only per unit type). Best of five; the first call (loading the shipped
gamma-quantile grid) is timed separately.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.timing import best_of
from klyngedesk.core.collate.compute import compute
from klyngedesk.core.stats.change import change_arrays

CLINICS, INDICATORS, PERIODS = 1700, 40, 12
PERCENT = 12  # indicators that are percentages; the rest are rates per 1000 listed


def make_data(seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    lists = np.clip(rng.lognormal(np.log(4200), 0.55, CLINICS), 800, 15000).round()
    lists = lists[None, None, :] * (1 + rng.normal(0, 0.01, (1, PERIODS, CLINICS)))
    rates = rng.uniform(0.002, 0.2, (INDICATORS - PERCENT, 1, 1)) * np.exp(rng.normal(0, 0.3, (1, 1, CLINICS)))
    rate_num = rng.poisson(lists * rates).astype(float)
    rate_den = np.broadcast_to(lists, rate_num.shape).round().astype(float)
    share_den = rng.poisson(lists * rng.uniform(0.005, 0.05, (PERCENT, 1, 1))).astype(float)
    share_num = rng.binomial(share_den.astype(int), rng.uniform(0.1, 0.9, (PERCENT, 1, 1))).astype(float)
    return {"rate_num": rate_num, "rate_den": rate_den, "share_num": share_num, "share_den": share_den}


def collate_all(d: dict[str, np.ndarray]) -> dict:
    rates = compute(d["rate_num"], d["rate_den"], unit="per1000", scale=1000.0)
    shares = compute(d["share_num"], d["share_den"], unit="percent", scale=100.0)
    rate_change = change_arrays(d["rate_num"][:, 1:], d["rate_den"][:, 1:], d["rate_num"][:, :-1],
                                d["rate_den"][:, :-1], proportion=False)
    share_change = change_arrays(d["share_num"][:, 1:], d["share_den"][:, 1:], d["share_num"][:, :-1],
                                 d["share_den"][:, :-1], proportion=True)
    return {"rates": rates, "shares": shares, "changes": (rate_change, share_change)}


def floor(d: dict[str, np.ndarray]) -> None:
    for num, den, scale in ((d["rate_num"], d["rate_den"], 1000.0), (d["share_num"], d["share_den"], 100.0)):
        with np.errstate(divide="ignore", invalid="ignore"):
            p = num / den
            half = 1.959964 * np.sqrt(p * (1 - p) / den)
            _ = (p * scale, (p - half) * scale, (p + half) * scale, num.sum(-1) / den.sum(-1) * scale)


def main() -> None:
    d = make_data()
    values = INDICATORS * PERIODS * CLINICS
    start = time.perf_counter()
    collate_all(d)
    first = time.perf_counter() - start
    ours = best_of(lambda: collate_all(d), 5)
    base = best_of(lambda: floor(d), 5)
    print(f"national collation: {CLINICS} clinics x {INDICATORS} indicators x {PERIODS} periods = {values:,} values")
    print(f"  collate (intervals, funnel limits, overdispersion, flags, ranks, summary, change): {ours:.3f} s "
          f"(first call {first:.3f} s)")
    print(f"  floor (bare numpy value + normal interval + pooled):                         {base:.3f} s")
    print(f"  ratio to floor: {ours / base:.1f}x   aim <= 1 s: {'met' if ours <= 1.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
