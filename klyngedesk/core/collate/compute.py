"""The vectorised arithmetic of collation: values, intervals, funnel limits, flags, ranks, cluster summary.

Works on arrays of any shape whose last axis holds the clinics of one group (one indicator in one period),
so the same code serves one cluster's table and a national benchmark of millions of values.
"""

from __future__ import annotations

import warnings

import numpy as np

from klyngedesk.core.stats.funnel import Kind, funnel, funnel_flags
from klyngedesk.core.stats.intervals import poisson_ci, wilson

METHOD_BY_UNIT = {"percent": "wilson", "per1000": "poisson", "per_patient": "poisson", "count": "poisson"}


def compute(num: np.ndarray, den: np.ndarray, *, unit: str, scale: float, overdispersion: bool = True,
            confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Everything numeric about clinics x indicators; NaN where unknown. Keys: value, ci_low, ci_high,
    l95, u95, l998, u998, plain_l998, plain_u998 (the unadjusted 99.8 % limits where adjusted), flag, rank, pooled, pooled_low, pooled_high, median, q1, q3, min, max, n, phi,
    tau2, adjusted, implausible. Summary keys keep the clinic axis with length 1. Funnel limits and flags
    are FunnelPlotR's defaults: adjusted for overdispersion where phi > 1 when `overdispersion` is True; a clinic
    is flagged only where the exact tail of its count agrees (`funnel_flags` with tails)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    implausible = (num < 0) | (den < 0)
    if unit == "count":
        value = np.where(implausible, np.nan, num)
        low, high = poisson_ci(value, confidence)
        total = np.nansum(value, -1, keepdims=True)
        plow, phigh = poisson_ci(total, confidence)
        nan = np.full(num.shape, np.nan)
        fun = {"l95": nan, "u95": nan, "l998": nan, "u998": nan, "plain_l998": nan, "plain_u998": nan, "pooled": total,
               "phi": np.full(total.shape, np.nan), "tau2": np.full(total.shape, np.nan),
               "adjusted": np.zeros(total.shape, dtype=bool), "tails": None}
    else:
        if unit == "percent":
            implausible |= num > den
        else:
            implausible |= (unit == "per1000") & (num > den)  # more users than listed patients
        ok = ~implausible & np.isfinite(num) & np.isfinite(den) & (den > 0)
        n_, d_ = np.where(ok, num, np.nan), np.where(ok, den, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = n_ / d_ * scale
        if unit == "percent":
            lo, hi = wilson(n_, d_, confidence)
        else:
            lo, hi = poisson_ci(n_, confidence)
            lo, hi = lo / d_, hi / d_
        low, high = lo * scale, hi * scale
        kind: Kind = "proportion" if unit == "percent" else "rate"
        f = funnel(n_, d_, kind, scale, overdispersion=overdispersion)
        tn, td = np.nansum(n_, -1, keepdims=True), np.nansum(d_, -1, keepdims=True)
        if unit == "percent":
            plow, phigh = wilson(tn, td, confidence)
        else:
            plow, phigh = poisson_ci(tn, confidence)
            with np.errstate(divide="ignore", invalid="ignore"):
                plow, phigh = plow / td, phigh / td
        plow, phigh = plow * scale, phigh * scale
        plain = f.unadjusted or (f.l95, f.u95, f.l998, f.u998)
        fun = {"l95": f.l95, "u95": f.u95, "l998": f.l998, "u998": f.u998, "pooled": f.pooled,
               "plain_l998": np.where(f.adjusted, plain[2], np.nan), "plain_u998": np.where(f.adjusted, plain[3], np.nan),
               "phi": f.phi, "tau2": f.tau2, "adjusted": f.adjusted, "tails": f.tails}
    has = np.isfinite(value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q1, median, q3 = np.nanpercentile(value, [25, 50, 75], axis=-1, keepdims=True)
        vmin, vmax = np.nanmin(value, -1, keepdims=True), np.nanmax(value, -1, keepdims=True)
    rank = min_rank(np.where(has, value, np.inf))
    rank = np.where(has, rank, np.nan)
    flag = funnel_flags(value, fun["l95"], fun["u95"], fun["l998"], fun["u998"], fun["tails"])
    return {"value": value, "ci_low": np.where(has, low, np.nan), "ci_high": np.where(has, high, np.nan),
            **{k: fun[k] for k in ("l95", "u95", "l998", "u998", "plain_l998", "plain_u998", "pooled", "phi", "tau2",
                                   "adjusted")},
            "flag": flag, "rank": rank, "pooled_low": plow, "pooled_high": phigh, "median": median, "q1": q1,
            "q3": q3, "min": vmin, "max": vmax, "n": has.sum(-1, keepdims=True), "implausible": implausible}


def min_rank(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = lowest; ties share the lowest rank ("min"), vectorised."""
    order = np.argsort(values, axis=-1, kind="stable")
    s = np.take_along_axis(values, order, axis=-1)
    idx = np.broadcast_to(np.arange(values.shape[-1]), values.shape)
    new_run = np.ones(values.shape, dtype=bool)
    new_run[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.maximum.accumulate(np.where(new_run, idx, 0), axis=-1)
    rank = np.empty(values.shape)
    np.put_along_axis(rank, order, first + 1.0, axis=-1)
    return rank


def plain_floats(values) -> list[float | None]:
    """An array as plain floats, None for NaN/inf (one pass, no numpy scalars per value)."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    return [v if ok else None for v, ok in zip(arr.tolist(), np.isfinite(arr).tolist(), strict=True)]
