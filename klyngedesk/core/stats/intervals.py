"""Confidence intervals, vectorised: Wilson score for proportions, exact (Garwood) and Byar for counts."""

from __future__ import annotations

import numpy as np

from klyngedesk.core.stats.special import gamma_ppf, z_value


def wilson(x: np.ndarray, n: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (no continuity correction) for x successes out of n, as proportions 0-1.

    Newcombe (1998) method 3. NaN where n <= 0 or either input is NaN. 0 of n has the lower limit 0 and n of
    n the upper limit 1 exactly (the formula's rounding gives 0.9999999999999999 or 1.0000000000000002).
    """
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        denom = 1 + z * z / n
        low, high = (centre - half) / denom, (centre + half) / denom
    bad = ~(n > 0)
    low = np.where(x == 0, 0.0, np.clip(low, 0, 1))
    high = np.where(x == n, 1.0, np.clip(high, 0, 1))
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def poisson_exact(x: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood 1936) interval for a Poisson count x: chi-square quantiles / 2."""
    x = np.asarray(x, dtype=float)
    alpha = 1 - confidence
    low = np.where(x > 0, gamma_ppf(alpha / 2, np.where(x > 0, x, 1.0)), 0.0)
    high = gamma_ppf(1 - alpha / 2, x + 1)
    nan = np.isnan(x)
    return np.where(nan, np.nan, low), np.where(nan, np.nan, high)


def poisson_byar(x: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation (Breslow & Day 1987) for a Poisson count x; poor below about 10 events."""
    x = np.asarray(x, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        x1 = x + 1
        high = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    return np.where(x > 0, np.maximum(low, 0.0), np.where(np.isnan(x), np.nan, 0.0)), high


def poisson_ci(x: np.ndarray, confidence: float = 0.95, method: str = "exact") -> tuple[np.ndarray, np.ndarray]:
    """Interval for a Poisson count. method "exact" (Garwood) or "phe" (exact below 10 events, Byar from
    10, as PHEindicatormethods::phe_rate computes)."""
    if method == "exact":
        return poisson_exact(x, confidence)
    if method != "phe":
        raise ValueError(f"unknown Poisson interval method {method!r}")
    x = np.asarray(x, dtype=float)
    el, eh = poisson_exact(x, confidence)
    bl, bh = poisson_byar(x, confidence)
    small = x < 10
    return np.where(small, el, bl), np.where(small, eh, bh)


def _log_ratio_ci(x1, n1, x0, n0, confidence: float, proportion: bool) -> tuple[np.ndarray, ...]:
    """(x1/n1) / (x0/n0) with a log-normal interval; with a zero count 0.5 is added (to counts and, for
    proportions, to denominators) for the interval only."""
    x1, n1, x0, n0 = (np.asarray(v, dtype=float) for v in (x1, n1, x0, n0))
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (x1 / n1) / (x0 / n0)
        zero = (x1 == 0) | (x0 == 0)
        add = np.where(zero, 0.5, 0.0)
        a, b = x1 + add, x0 + add
        c, d = (n1 + add, n0 + add) if proportion else (n1, n0)
        var = 1 / a + 1 / b - ((1 / c + 1 / d) if proportion else 0.0)
        centre, se = np.log((a / c) / (b / d)), np.sqrt(np.maximum(var, 0.0))
        low, high = np.exp(centre - z * se), np.exp(centre + z * se)
    bad = ~((n1 > 0) & (n0 > 0) & (x0 >= 0) & (x1 >= 0))
    return tuple(np.where(bad, np.nan, v) for v in (ratio, low, high))


def rate_ratio_ci(x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray,
                  confidence: float = 0.95) -> tuple[np.ndarray, ...]:
    """Ratio of two Poisson rates (x1/n1) / (x0/n0) with a log-normal interval (Rothman & Greenland:
    SE(log RR) = sqrt(1/x1 + 1/x0))."""
    return _log_ratio_ci(x1, n1, x0, n0, confidence, proportion=False)


def proportion_ratio_ci(x1: np.ndarray, n1: np.ndarray, x0: np.ndarray, n0: np.ndarray,
                        confidence: float = 0.95) -> tuple[np.ndarray, ...]:
    """Ratio of two independent proportions (Katz log interval: SE = sqrt(1/x1 - 1/n1 + 1/x0 - 1/n0))."""
    return _log_ratio_ci(x1, n1, x0, n0, confidence, proportion=True)
