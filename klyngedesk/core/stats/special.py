"""Vectorised special functions (no scipy): log-gamma, incomplete gamma and beta, exact tails, gamma quantiles."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np

_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680)
_SERIES_TERMS = 160
GRID_LIMIT = 1000.0  # below: interpolate exact quantiles on a cached grid; above: Wilson-Hilferty (< 1e-5)
WHOLE_LIMIT = 10000  # whole shapes up to this (every count's interval): exact quantiles, shipped (~1e-12)


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile, e.g. 0.95 -> 1.959964, 0.998 -> 3.090232."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def lgamma(a: np.ndarray) -> np.ndarray:
    """log Gamma(a) for a > 0: Stirling's series after shifting the argument above 10 (|error| < 1e-13)."""
    a = np.asarray(a, dtype=float)
    shift = np.zeros_like(a)
    x = a.copy()
    for _ in range(10):  # fixed 10 steps, vectorised over every element
        small = x < 10
        shift += np.where(small, np.log(np.where(small, x, 1.0)), 0.0)
        x = np.where(small, x + 1, x)
    inv, inv2 = 1 / x, 1 / (x * x)
    series = inv * (_STIRLING[0] + inv2 * (_STIRLING[1] + inv2 * (_STIRLING[2] + inv2 * _STIRLING[3])))
    return (x - 0.5) * np.log(x) - x + 0.5 * np.log(2 * np.pi) + series - shift


def gammainc(a: np.ndarray, x: np.ndarray, terms: int = _SERIES_TERMS) -> np.ndarray:
    """Regularised lower incomplete gamma P(a, x), vectorised (series below a+1, continued fraction above)."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    if a.size == 1 and float(a.flat[0]) > 0 and np.isfinite(a.flat[0]) and np.isfinite(x.flat[0]):
        return np.full(a.shape, _gammainc_one(float(a.flat[0]), float(x.flat[0]), terms))
    out = np.zeros(a.shape)
    pos = x > 0
    if not pos.any():
        return out
    a_, x_ = a[pos], x[pos]
    log_front = a_ * np.log(x_) - x_ - lgamma(a_)
    use_series = x_ < a_ + 1
    # Series: P = front * sum x^n / (a (a+1) ... (a+n))
    term = 1 / a_
    total = term.copy()
    ap = a_.copy()
    for _ in range(terms):
        ap = ap + 1
        term = term * x_ / ap
        total = total + term
    series = np.exp(log_front) * total
    # Continued fraction (modified Lentz) for Q = 1 - P
    tiny = 1e-300
    b = x_ + 1 - a_
    c = np.full_like(b, 1 / tiny)
    d = 1 / np.where(np.abs(b) < tiny, tiny, b)
    h = d.copy()
    for i in range(1, terms + 1):
        an = -i * (i - a_)
        b = b + 2
        d = an * d + b
        d = 1 / np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        h = h * d * c
    cf = 1 - np.exp(log_front) * h
    out[pos] = np.clip(np.where(use_series, series, cf), 0.0, 1.0)
    return out


def _gammainc_one(a: float, x: float, terms: int) -> float:
    """`gammainc` of one finite pair (a > 0) in plain floats, step for step as the arrays do it (a test of
    heterogeneity asks for one p-value; 320 steps on one-element arrays took 4 ms, these take 0.1 ms)."""
    if not x > 0:
        return 0.0
    front = float(np.exp(a * float(np.log(x)) - x - float(lgamma(np.array([a]))[0])))
    if x < a + 1:  # the series
        term = 1 / a
        total, ap = term, a
        for _ in range(terms):
            ap = ap + 1
            term = term * x / ap
            total = total + term
        return float(np.clip(front * total, 0.0, 1.0))
    tiny = 1e-300  # the continued fraction (modified Lentz) for Q = 1 - P
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / (tiny if abs(b) < tiny else b)
    h = d
    for i in range(1, terms + 1):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = 1 / (tiny if abs(d) < tiny else d)
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        h = h * d * c
    return float(np.clip(1 - front * h, 0.0, 1.0))


def poisson_tails(count: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact one-sided Poisson tails P(X <= count) and P(X >= count) at `mean` (R's ppois; poisson.test's
    one-sided p-values), whole counts; the series runs long enough for the largest count given."""
    x, m = np.broadcast_arrays(np.asarray(count, dtype=float), np.asarray(mean, dtype=float))
    if x.size == 0:
        return x.copy(), x.copy()
    terms = int(60 + 12 * np.sqrt(max(float(np.nanmax(np.where(np.isfinite(x), x, 0) + 1)), float(np.nanmax(
        np.where(np.isfinite(m), m, 0))), 1.0)))
    with np.errstate(over="ignore", invalid="ignore"):   # the series overflows where the fraction is used
        low = 1 - gammainc(x + 1, m, terms)
        high = np.where(x > 0, gammainc(np.maximum(x, 1e-300), m, terms), 1.0)
    bad = ~(np.isfinite(x) & np.isfinite(m))
    return np.where(bad, np.nan, np.clip(low, 0, 1)), np.where(bad, np.nan, np.clip(high, 0, 1))


def _beta_fraction(a: np.ndarray, b: np.ndarray, x: np.ndarray, terms: int) -> np.ndarray:
    """The continued fraction of the incomplete beta function (modified Lentz), vectorised."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c = np.ones_like(x)
    d = 1 - qab * x / qap
    d = 1 / np.where(np.abs(d) < tiny, tiny, d)
    h = d.copy()
    for m in range(1, terms + 1):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1 + aa * d
            d = 1 / np.where(np.abs(d) < tiny, tiny, d)
            c = 1 + aa / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            h = h * d * c
    return h


def betainc(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regularised incomplete beta I_x(a, b) for a, b > 0 (R's pbeta), vectorised; the fraction runs long
    enough for the largest shape given (about 1e-12 relative where it matters)."""
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, x)))
    out = np.where(x >= 1, 1.0, 0.0)
    inner = (x > 0) & (x < 1) & (a > 0) & (b > 0)
    if not inner.any():
        return np.where(np.isfinite(a + b + x), out, np.nan)
    a_, b_, x_ = a[inner], b[inner], x[inner]
    terms = int(60 + 12 * np.sqrt(float(np.max(np.maximum(a_, b_)))))
    log_front = lgamma(a_ + b_) - lgamma(a_) - lgamma(b_) + a_ * np.log(x_) + b_ * np.log1p(-x_)
    direct = x_ < (a_ + 1) / (a_ + b_ + 2)
    # the fraction converges fast on the side of the mean it is evaluated on: swap the shapes on the other
    aa, bb, xx = np.where(direct, a_, b_), np.where(direct, b_, a_), np.where(direct, x_, 1 - x_)
    part = np.exp(log_front) * _beta_fraction(aa, bb, xx, terms) / aa
    out[inner] = np.clip(np.where(direct, part, 1 - part), 0.0, 1.0)
    return np.where(np.isfinite(a + b + x), out, np.nan)


def binomial_tails(count: np.ndarray, n: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact one-sided binomial tails P(X <= count) and P(X >= count) of X ~ Bin(n, p) (R's pbinom;
    binom.test's one-sided p-values), whole counts 0 ... n."""
    x, n_, p_ = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (count, n, p)))
    p_ = np.clip(p_, 0.0, 1.0)
    low = np.where(x >= n_, 1.0, betainc(np.maximum(n_ - x, 1e-300), x + 1, 1 - p_))
    high = np.where(x <= 0, 1.0, betainc(np.maximum(x, 1e-300), n_ - x + 1, p_))
    bad = ~(np.isfinite(x) & np.isfinite(n_) & np.isfinite(p_))
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def wilson_hilferty(p: float, a: np.ndarray) -> np.ndarray:
    """Wilson-Hilferty approximation of the Gamma(a, 1) quantile (Byar's formula is this for counts)."""
    z = NormalDist().inv_cdf(p)
    t = 1 - 1 / (9 * a) + z / (3 * np.sqrt(a))
    return a * np.maximum(t, 0.0) ** 3


def gamma_ppf_exact(p: float, a: np.ndarray, terms: int = _SERIES_TERMS, iterations: int = 40) -> np.ndarray:
    """Quantile of Gamma(a, 1) (= qchisq(p, 2a) / 2) by safeguarded Newton steps on the exact P(a, x).

    Accurate to ~1e-10 for a below about terms/2; slow (hundreds of array passes): use `gamma_ppf`.
    """
    a_s = np.asarray(a, dtype=float)
    # Newton on u = log x (the quantile of a small shape can be 1e-30), bracketed by bisection.
    # P(a, x) <= x^a / Gamma(a + 1), so (p Gamma(a + 1))^(1/a) is a lower bracket (and a good start for
    # small shapes, where Wilson-Hilferty fails).
    lo = (np.log(p) + lgamma(a_s + 1)) / a_s
    wh = wilson_hilferty(p, a_s)
    u = np.where(wh > 0, np.log(np.maximum(wh, 1e-300)), lo)
    u = np.maximum(u, lo)
    hi = np.log(a_s * 4 + 60)
    for _ in range(iterations):
        x = np.exp(u)
        f = gammainc(a_s, x, terms) - p
        lo = np.where(f < 0, u, lo)
        hi = np.where(f >= 0, u, hi)
        log_dens = a_s * u - x - lgamma(a_s)  # d P / d u = x * pdf(x)
        nxt = u - f / np.maximum(np.exp(log_dens), 1e-300)
        bad = (nxt <= lo) | (nxt >= hi) | ~np.isfinite(nxt)
        u = np.where(bad, (lo + hi) / 2, nxt)
    xs = np.exp(u)
    return xs


GRID_FILE = Path(__file__).with_name("gamma_grid.npz")
SHIPPED_P = (0.001, 0.025, 0.975, 0.999)  # the tails of 95 % and 99.8 % intervals


def compute_grid(p: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact log-quantiles of Gamma(a, 1) on a log-spaced grid of shapes 1e-3 ... GRID_LIMIT (~0.4 s)."""
    log_a = np.linspace(np.log(1e-3), np.log(GRID_LIMIT), 3000)
    a = np.exp(log_a)
    q = np.empty_like(a)
    for lo in range(0, a.size, 500):  # chunks: the series length adapts to the largest shape in the chunk
        part = a[lo:lo + 500]
        q[lo:lo + 500] = gamma_ppf_exact(p, part, terms=int(60 + 12 * np.sqrt(part.max())), iterations=24)
    return log_a, np.log(np.maximum(q, 1e-300))


def compute_whole(p: float, shapes: np.ndarray | None = None) -> np.ndarray:
    """Exact quantiles of Gamma(a, 1) at the whole shapes a = 1 ... WHOLE_LIMIT (or at `shapes`), to ~1e-12
    relative: the exact Poisson interval of a count x is Gamma(x) and Gamma(x + 1) quantiles (~45 s for all)."""
    a = np.arange(1, WHOLE_LIMIT + 1, dtype=float) if shapes is None else np.asarray(shapes, dtype=float)
    q = np.empty_like(a)
    with np.errstate(over="ignore", invalid="ignore"):   # the series overflows where the fraction is used
        for lo in range(0, a.size, 500):
            part = a[lo:lo + 500]
            q[lo:lo + 500] = gamma_ppf_exact(p, part, terms=int(60 + 12 * np.sqrt(part.max())), iterations=40)
    return q


def write_grid_file() -> None:
    """Regenerate the shipped grids and whole-shape tables (run after changing compute_grid or compute_whole;
    tests check they agree)."""
    grids: dict[str, Any] = {f"p{p}": np.vstack(compute_grid(p)) for p in SHIPPED_P}
    grids.update({f"whole{p}": compute_whole(p) for p in SHIPPED_P})
    np.savez_compressed(GRID_FILE, **grids)


@cache
def _grid(p: float) -> tuple[np.ndarray, np.ndarray]:
    if p in SHIPPED_P and GRID_FILE.exists():
        with np.load(GRID_FILE) as data:
            log_a, log_q = data[f"p{p}"]
        return log_a, log_q
    return compute_grid(p)


@cache
def _whole(p: float) -> np.ndarray | None:
    """The shipped exact quantiles at shapes 1 ... WHOLE_LIMIT, None for a tail not shipped."""
    if p not in SHIPPED_P or not GRID_FILE.exists():
        return None
    with np.load(GRID_FILE) as data:
        return data.get(f"whole{p}")


def gamma_ppf(p: float, a: np.ndarray) -> np.ndarray:
    """Quantile of Gamma(a, 1) (= qchisq(p, 2a) / 2), vectorised and fast.

    For the 95 % and 99.8 % tails a whole shape up to WHOLE_LIMIT (every count's exact Poisson interval)
    is looked up among exact quantiles (~1e-12 relative, as R's qgamma). Other shapes up to GRID_LIMIT
    interpolate exact quantiles (log-log) on a grid (4+ significant digits; shipped for those tails,
    computed once otherwise); above it the Wilson-Hilferty approximation (Byar's formula for counts) is used
    (relative error below 1e-5 from GRID_LIMIT, below 2e-7 from WHOLE_LIMIT). a = 0 gives 0.
    """
    a = np.asarray(a, dtype=float)
    p = round(p, 12)   # 1 - 0.95 is 0.05000000000000004: use the shipped 0.025 grid
    log_a, log_q = _grid(p)
    start, step, last = log_a[0], log_a[1] - log_a[0], log_a.size - 1
    # The grid is uniform in log a: find the cell by arithmetic (no binary search), interpolate linearly.
    finite = np.isfinite(a)
    pos = (np.log(np.clip(np.where(finite, a, 1.0), 1e-3, GRID_LIMIT)) - start) / step
    i = np.minimum(pos.astype(np.intp), last - 1)
    frac = pos - i
    out = np.exp(log_q[i] * (1 - frac) + log_q[i + 1] * frac)
    high = finite & (a >= GRID_LIMIT)
    if high.any():
        out[high] = wilson_hilferty(p, a[high])
    table = _whole(p)
    if table is not None:
        whole = finite & (a >= 1) & (a <= WHOLE_LIMIT)
        whole &= np.floor(np.where(whole, a, 0.5)) == a
        if whole.any():
            out[whole] = table[a[whole].astype(np.intp) - 1]
    out[~(a > 0)] = 0.0
    out[~finite] = np.nan
    return out
