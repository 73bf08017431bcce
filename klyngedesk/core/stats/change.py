"""Change between rounds: rate ratios and differences in percentage points with intervals, heterogeneity
between clinics, the verdict (fell, rose, about unchanged, cannot be determined) and trends over periods."""

from __future__ import annotations

import numpy as np

from klyngedesk.core.stats.change_words import MARGIN_POINTS, MARGIN_RELATIVE, change_sentence, verdict
from klyngedesk.core.stats.intervals import proportion_ratio_ci, rate_ratio_ci, wilson
from klyngedesk.core.stats.special import gammainc, z_value

__all__ = ["MARGIN_POINTS", "MARGIN_RELATIVE", "change_arrays", "change_sentence", "cluster_change",
           "heterogeneity", "proportion_difference", "rate_ratio", "trend_arrays", "verdict"]

SMALL_EVENTS = 10           # fewer events than this in a round: caution
DENOMINATOR_CHANGE = 0.20   # denominator changed by more than this fraction: caution
HETEROGENEITY_RATIO = 1.5   # clinics moved differently: Cochran's Q/(k-1) above this and Q's p-value below
HETEROGENEITY_P = 0.05
RATE_METHOD = ("rate ratio over person-time; log-normal interval, exact conditional (Clopper-Pearson on the "
               "split of events) with a zero round; widened by DerSimonian-Laird random effects when clinics "
               "moved differently")
PROPORTION_METHOD = ("difference in percentage points; Newcombe (1998) hybrid score interval from Wilson "
                     "intervals; widened by DerSimonian-Laird random effects when clinics moved differently")


def rate_ratio(x1, t1, x0, t0, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x1/t1) / (x0/t0) with a 95 % interval that always contains it: log-normal (SE sqrt(1/x1 + 1/x0))
    when both rounds have events, otherwise the exact conditional interval (Clopper-Pearson for the share
    of all events that fell in the follow-up round, whose closed form with 0 or all events is used)."""
    x1, t1, x0, t0 = (np.asarray(v, dtype=float) for v in (x1, t1, x0, t0))
    lr, ll, lh = rate_ratio_ci(x1, t1, x0, t0, confidence)
    alpha = 1 - confidence
    total = x1 + x0
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = t0 / t1
        p_high = 1 - (alpha / 2) ** (1 / total)   # x1 = 0: upper Clopper-Pearson limit of the share
        p_low = (alpha / 2) ** (1 / total)        # x0 = 0: lower limit
        zero1, zero0 = (x1 == 0) & (x0 > 0), (x0 == 0) & (x1 > 0)
        ratio = np.where(zero1, 0.0, np.where(zero0, np.inf, lr))
        low = np.where(zero1, 0.0, np.where(zero0, p_low / (1 - p_low) * odds, ll))
        high = np.where(zero1, p_high / (1 - p_high) * odds, np.where(zero0, np.inf, lh))
    bad = ~((t1 > 0) & (t0 > 0) & (x1 >= 0) & (x0 >= 0)) | (total == 0)
    return tuple(np.where(bad, np.nan, v) for v in (ratio, low, high))  # type: ignore[return-value]


def proportion_difference(x1, n1, x0, n0, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p1 - p0 (as proportions) with Newcombe's hybrid score interval (1998, method 10) built from the two
    Wilson intervals; it always contains the difference."""
    x1, n1, x0, n0 = (np.asarray(v, dtype=float) for v in (x1, n1, x0, n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson(x1, n1, confidence)
    l0, u0 = wilson(x0, n0, confidence)
    d = p1 - p0
    low = d - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return d, low, high


def heterogeneity(y: np.ndarray, v: np.ndarray) -> dict[str, float]:
    """Cochran's Q of clinic-level changes y (variances v) and the DerSimonian-Laird random-effects model:
    k, Q, Q/(k-1), p-value of Q, tau^2, and `inflation` = SE(random effects) / SE(fixed effect) >= 1."""
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[ok], v[ok]
    k = int(y.size)
    if k < 2:
        return {"k": k, "q": float("nan"), "ratio": float("nan"), "p": float("nan"), "tau2": 0.0, "inflation": 1.0}
    w = 1 / v
    mean = float((w * y).sum() / w.sum())
    q = float((w * (y - mean) ** 2).sum())
    df = k - 1
    tau2 = max(0.0, (q - df) / float(w.sum() - (w * w).sum() / w.sum()))
    se_fixed = 1 / np.sqrt(w.sum())
    se_random = 1 / np.sqrt((1 / (v + tau2)).sum())
    p = float(1 - gammainc(np.array([df / 2]), np.array([q / 2]))[0])
    return {"k": k, "q": q, "ratio": q / df, "p": p, "tau2": tau2, "inflation": float(se_random / se_fixed)}


def is_heterogeneous(het: dict[str, float]) -> bool:
    return het["k"] >= 3 and het["ratio"] > HETEROGENEITY_RATIO and het["p"] < HETEROGENEITY_P


def cluster_change(x1, n1, x0, n0, *, proportion: bool, confidence: float = 0.95,
                   together: np.ndarray | None = None, printed: tuple | None = None) -> dict:
    """The cluster's change over clinics given in both rounds (arrays over the same clinics; for rates the
    n are person-time or list sizes, as the printed values use them).

    Proportions: difference in percentage points ('estimate', 'low', 'high' in points); rates: relative
    change (ratio - 1, e.g. -0.08). The point is the pooled change (the printed before/after values agree
    with it); when clinics moved differently the interval's arms are widened by the random-effects factor.

    `together` (a mask over the clinics): clinics whose own changes may not be told (their counts are hidden
    in group material) enter the heterogeneity as one pseudo-clinic holding their totals, which the cluster's
    totals tell anyway; the point and the plain interval rest on the totals and do not change.

    `printed` (rates only): the clinics' rates as group material prints them, (now, then, step), NaN where a
    rate is not printed. Where a list size is not printed exactly the rate is printed rounded to the step,
    and an exact rate's change would tell the ratio of its list sizes: each clinic's change then rests on its
    printed rates, its variance on its counts plus the rounding's (a uniform error over a step, step^2 / 12,
    on each rate), and the clinics held `together` (their rates are not printed) are left out of the
    heterogeneity."""
    x1, n1, x0, n0 = (np.asarray(v, dtype=float) for v in (x1, n1, x0, n0))
    X1, N1, X0, N0 = x1.sum(), n1.sum(), x0.sum(), n0.sum()
    clinics = int(x1.size)
    t = np.zeros(x1.size, dtype=bool) if together is None else np.asarray(together, dtype=bool)
    told = None if printed is None or proportion else \
        (x1[~t], x0[~t], *(np.asarray(p, dtype=float)[~t] for p in printed[:2]), float(printed[2] or 0.0))
    if t.any():
        x1, n1, x0, n0 = (np.append(v[~t], v[t].sum()) for v in (x1, n1, x0, n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        if proportion:
            est, low, high = (float(v) * 100 for v in proportion_difference(X1, N1, X0, N0, confidence))
            a1, a0 = (x1 + 0.5) / (n1 + 1), (x0 + 0.5) / (n0 + 1)   # variance only: no zero variances
            y, v = x1 / n1 - x0 / n0, a1 * (1 - a1) / n1 + a0 * (1 - a0) / n0
            margin = MARGIN_POINTS
        else:
            ratio, rl, rh = (float(v) for v in rate_ratio(X1, N1, X0, N0, confidence))
            est, low, high = ratio - 1, rl - 1, rh - 1
            if told is None:
                both = (x1 > 0) & (x0 > 0)
                y = np.where(both, np.log((x1 / n1) / (x0 / n0)), np.nan)
                v = np.where(both, 1 / x1 + 1 / x0, np.nan)
            else:
                c1, c0, p1, p0, step = told
                both = (c1 > 0) & (c0 > 0) & (p1 > 0) & (p0 > 0)
                y = np.where(both, np.log(p1 / p0), np.nan)
                v = np.where(both, 1 / c1 + 1 / c0 + step * step / 12 * (1 / p1 ** 2 + 1 / p0 ** 2), np.nan)
            margin = MARGIN_RELATIVE
    het = heterogeneity(y, v)
    moved = is_heterogeneous(het)
    if moved and np.isfinite([est, low, high]).all():
        f = het["inflation"]
        if proportion:
            low, high = max(est - (est - low) * f, -100.0), min(est + (high - est) * f, 100.0)
        else:  # on the log scale
            lr, le, lh = np.log(low + 1), np.log(est + 1), np.log(high + 1)
            low, high = float(np.exp(le - (le - lr) * f) - 1), float(np.exp(le + (lh - le) * f) - 1)
    return {"estimate": est, "low": low, "high": high, "margin": margin, "heterogeneous": moved,
            "heterogeneity": het, "verdict": verdict(est, low, high, margin, proportion), "clinics": clinics,
            "method": PROPORTION_METHOD if proportion else RATE_METHOD}


def change_arrays(x1, n1, x0, n0, *, proportion: bool, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Follow-up (x1/n1) vs baseline (x0/n0), vectorised: ratio with interval, relative change with interval,
    for proportions also the difference in percentage points ('points', with low/high), and boolean caution
    arrays 'small_numbers' and 'denominator_changed'. Every interval contains its estimate."""
    x1, n1, x0, n0 = (np.asarray(v, dtype=float) for v in (x1, n1, x0, n0))
    if proportion:
        ratio, low, high = proportion_ratio_ci(x1, n1, x0, n0, confidence)
        with np.errstate(invalid="ignore"):
            low, high = np.fmin(low, ratio), np.fmax(high, ratio)  # the 0.5 added for a zero cell
        d, dl, dh = proportion_difference(x1, n1, x0, n0, confidence)
        points = {"points": d * 100, "points_low": dl * 100, "points_high": dh * 100}
    else:
        ratio, low, high = rate_ratio(x1, n1, x0, n0, confidence)
        points = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        den_change = np.abs(n1 / n0 - 1)
    return {"ratio": ratio, "ratio_low": low, "ratio_high": high, "relative": ratio - 1,
            "relative_low": low - 1, "relative_high": high - 1, **points,
            "small_numbers": (np.minimum(x1, x0) < SMALL_EVENTS) & np.isfinite(ratio),
            "denominator_changed": (den_change > DENOMINATOR_CHANGE) & np.isfinite(ratio)}


def trend_arrays(x: np.ndarray, n: np.ndarray, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Log-linear trend over periods (last axis, equally spaced): weighted least squares of log(x/n) on the
    period index with weights x (the inverse variance of a log Poisson rate). Returns the relative change
    per period ('per_period', with 'low'/'high') and 'periods' used; NaN with fewer than 3 usable periods."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    t = np.arange(x.shape[-1], dtype=float)
    ok = (x > 0) & (n > 0) & np.isfinite(x) & np.isfinite(n)
    w = np.where(ok, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(ok, np.log(np.where(ok, x / n, 1.0)), 0.0)
        sw = w.sum(-1)
        tm = (w * t).sum(-1) / sw
        ym = (w * y).sum(-1) / sw
        sxx = (w * (t - tm[..., None]) ** 2).sum(-1)
        slope = (w * (t - tm[..., None]) * (y - ym[..., None])).sum(-1) / sxx
        se = 1 / np.sqrt(sxx)
    used = ok.sum(-1)
    z = z_value(confidence)
    enough = used >= 3
    nan = np.full(slope.shape, np.nan)
    return {"per_period": np.where(enough, np.exp(slope) - 1, nan),
            "low": np.where(enough, np.exp(slope - z * se) - 1, nan),
            "high": np.where(enough, np.exp(slope + z * se) - 1, nan), "periods": used}
