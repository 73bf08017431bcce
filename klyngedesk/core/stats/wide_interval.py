"""A 95 % interval for a rate known only as printed: rounded to a step, its denominator at least a given size.

Where the exact interval would give a list size back, the group still needs to see how uncertain each clinic's
rate is. This interval uses nothing but what the page prints (the rounded rate, the list-size band's lower end)
and covers the exact Poisson (Garwood) interval of every count and list size those allow: for a true rate r in
[value - step/2, value + step/2] and a list size d >= d_low, L(n)/n rises and H(n)/n falls with the count n, so
the smallest list size gives the lowest lower and the highest upper end. Wider than the exact one, never
narrower; a band starting at 0 allows any width, and then there is none.
"""

from __future__ import annotations

import numpy as np

from klyngedesk.core.stats.special import gamma_ppf


def wide_interval(value: float | None, step: float | None, d_low: float | None, scale: float | None,
                  confidence: float = 0.95) -> tuple[float, float] | None:
    """(low, high) covering the exact interval of every (count, denominator) the printed numbers allow, or
    None when they allow any width (no denominator floor, or nothing printed). `scale`: rate = count / d x scale."""
    if value is None or not d_low or d_low <= 0 or not scale or scale <= 0:
        return None
    half = (step or 0.0) / 2
    alpha = 1 - confidence
    x_low, x_high = max(value - half, 0.0) * d_low / scale, (value + half) * d_low / scale
    low = float(gamma_ppf(alpha / 2, np.array([x_low]))[0]) * scale / d_low if x_low > 0 else 0.0
    high = float(gamma_ppf(1 - alpha / 2, np.array([x_high + 1]))[0]) * scale / d_low
    return low, high
