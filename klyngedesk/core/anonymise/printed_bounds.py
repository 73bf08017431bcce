"""The whole counts and denominators a printed rate row allows: its value, interval and funnel limits inverted.

A rate per 1.000 is printed as value = n x scale / d, its exact Poisson interval as L(n) x scale / d and
H(n) x scale / d, its unadjusted funnel limits as functions of the expected count E = pooled x d, each
rounded to the indicator's step. The ratio of interval and value does not depend on d, so the interval pins
the count n even when n is never printed; count / rate then gives the list size d back. A member can try
every whole n (and every whole d) and keep those whose numbers print the same: `rate_row_bounds` does that
search and returns the smallest and largest n and d left, which the disclosure model adds as bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from klyngedesk.core.collate.table import Funnel
from klyngedesk.core.stats.funnel import _rate_limits
from klyngedesk.core.stats.intervals import poisson_exact

MAX_COUNT = 20000        # counts tried; a row that allows more says nothing about the upper end
MAX_DENOMINATORS = 400000  # whole denominators tried against the funnel limits
TIGHT = 1e-7


@lru_cache(maxsize=4)
def _quantiles(n: int) -> tuple[np.ndarray, np.ndarray]:
    low, high = poisson_exact(np.arange(n + 1, dtype=float))
    return low, high


@dataclass(frozen=True)
class RowBounds:
    count: tuple[float, float]          # smallest and largest whole count left (high may be inf)
    denominator: tuple[float, float]    # smallest and largest whole denominator left
    # a x count + b x denominator >= c for every (a, b, c): the convex hull of the (count, denominator) pairs
    # left, so that a count known from elsewhere narrows the denominator as the printed numbers do
    hull: tuple[tuple[float, float, float], ...] = ()


def _half(value: float, step: float | None) -> float:
    return (step / 2 if step else 0.0) + TIGHT * max(1.0, abs(value))


def printed_range(value: float, step: float | None, side: int = 0) -> tuple[float, float]:
    """The true values that print as `value` to `step`: rounded to the nearest step (side 0), or an interval's
    low (side -1, rounded down) or high end (side +1, rounded up), as `build.round_out` prints them."""
    t = TIGHT * max(1.0, abs(value))
    if not step:
        return value - t, value + t
    if side < 0:
        return value - t, value + step + t
    if side > 0:
        return value - step - t, value + t
    return value - step / 2 - t, value + step / 2 + t


def _span(q: np.ndarray, printed: float, scale: float, step: float | None, side: int = 0
          ) -> tuple[np.ndarray, np.ndarray]:
    """The denominators d for which q x scale / d prints as `printed` (true value in [lo, hi], see
    `printed_range`): [q s / hi, q s / lo]."""
    v_lo, v_hi = printed_range(printed, step, side)
    low = q * scale / v_hi
    with np.errstate(divide="ignore"):
        high = np.where(v_lo > 0, q * scale / max(v_lo, 1e-300), np.inf)
    return low, high


@lru_cache(maxsize=1 << 16)
def count_quantiles(n: float) -> tuple[float, float]:
    """The exact Poisson interval's count quantiles (low, high) of one count, as `poisson_exact` gives them."""
    low, high = poisson_exact(np.array([n], dtype=float))
    return float(low[0]), float(high[0])


@lru_cache(maxsize=1 << 16)
def rate_row_bounds(value: float, ci_low: float | None, ci_high: float | None, scale: float, step: float | None,
                    den_range: tuple[float, float], funnel: Funnel | None = None, pooled: float | None = None
                    ) -> RowBounds | None:
    """What a Poisson rate row's printed numbers leave of its count and denominator (None: nothing).

    `den_range`: what the reader knows of the denominator anyway (a band, or 1..inf); `pooled`: the pooled
    rate (in the printed unit) the unadjusted `funnel` limits are drawn around. A pure function of what is
    printed, kept for the rows the audit's next round prints alike (the audit rebuilds the model each round)."""
    d_lo, d_hi = max(1.0, den_range[0]), den_range[1]
    h = _half(value, step)
    top = (value + h) * d_hi / scale if math.isfinite(d_hi) else math.inf
    n_max = int(min(MAX_COUNT, math.floor(top) + 1 if math.isfinite(top) else MAX_COUNT))
    capped = n_max >= MAX_COUNT
    low_q, high_q = _quantiles(max(n_max, 1))
    n = np.arange(n_max + 1, dtype=float)
    lo, hi = _span(n, value, scale, step)
    lo, hi = np.maximum(lo, d_lo), np.minimum(hi, d_hi)
    for printed, q, side in ((ci_low, low_q[:n_max + 1], -1), (ci_high, high_q[:n_max + 1], 1)):
        if printed is not None:
            a, b = _span(q, printed, scale, step, side)
            lo, hi = np.maximum(lo, a), np.minimum(hi, b)
    lo, hi = np.ceil(lo - 1e-9), np.floor(hi + 1e-9)     # list sizes and denominators are whole numbers
    ok = lo <= hi
    if value - h > 0:
        ok[0] = False                                      # a count of 0 prints a rate of 0
    if funnel is not None and pooled and ok.any():
        lo, hi, ok = _funnel_filter(lo, hi, ok, funnel, pooled, scale, step)
    if not ok.any():
        return None
    counts = n[ok]
    high_count = math.inf if capped and ok[-1] else float(counts.max())
    hull = () if capped and ok[-1] else hull_inequalities(
        [(float(k), float(a)) for k, a in zip(counts, lo[ok], strict=True)]
        + [(float(k), float(b)) for k, b in zip(counts, hi[ok], strict=True)])
    return RowBounds((float(counts.min()), high_count), (float(lo[ok].min()), float(hi[ok].max())), hull)


def hull_inequalities(points: list[tuple[float, float]]) -> tuple[tuple[float, float, float], ...]:
    """The edges of the points' convex hull as (a, b, c) with a x + b y >= c inside (Andrew's monotone
    chain; empty when the hull has no area)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return ()

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for q in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    upper: list[tuple[float, float]] = []
    for q in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    ring = lower[:-1] + upper[:-1]          # counter-clockwise
    if len(ring) < 3:
        return ()
    out = []
    for p, q in zip(ring, ring[1:] + ring[:1], strict=True):
        # inside is to the left of p -> q: (q - p) x (r - p) >= 0  <=>  a x + b y >= c
        a, b = -(q[1] - p[1]), q[0] - p[0]
        c = a * p[0] + b * p[1]
        norm = math.hypot(a, b)
        if norm > 0:
            out.append((a / norm, b / norm, c / norm - 1e-6 * max(1.0, abs(c / norm))))
    return tuple(out)


def _funnel_filter(lo: np.ndarray, hi: np.ndarray, ok: np.ndarray, funnel: Funnel, pooled: float, scale: float,
                   step: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep the denominators whose unadjusted funnel limits (around `pooled`) print as `funnel`."""
    first, last = float(lo[ok].min()), float(hi[ok].max())
    if not math.isfinite(last) or last - first > MAX_DENOMINATORS:
        return lo, hi, ok
    d = np.arange(first, last + 1)
    target = pooled / scale
    e = np.round(target * d, 2)
    good = e > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        limits = _rate_limits(np.full(d.shape, target), np.where(good, e, np.nan), 0.0, exact=True)
    for printed, lim in zip((funnel.l95, funnel.u95, funnel.l998, funnel.u998), limits, strict=True):
        if printed is None or not math.isfinite(printed):
            continue
        good &= np.abs(lim * scale - printed) <= _half(printed, step) + 1e-6 * max(1.0, abs(printed))
    allowed = d[good]
    if not allowed.size:
        return lo, hi, ok   # the limits were drawn otherwise (adjusted): claim nothing from them
    i = np.searchsorted(allowed, lo, side="left")          # the first allowed d at or above each low end
    j = np.searchsorted(allowed, hi, side="right") - 1     # the last allowed d at or below each high end
    inside = ok & (i < allowed.size) & (j >= 0) & (i <= j)
    new_lo = np.where(inside, allowed[np.minimum(i, allowed.size - 1)], lo)
    new_hi = np.where(inside, allowed[np.maximum(j, 0)], hi)
    return new_lo, new_hi, inside
