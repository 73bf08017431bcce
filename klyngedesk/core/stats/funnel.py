"""Funnel limits at 95 % and 99.8 % around the pooled value, as NHS-R FunnelPlotR draws them by default.

The method is FunnelPlotR's (Mainey, version 0.6.0) after Spiegelhalter (2005), vectorised over any number
of groups at once (the last axis holds the clinics of one group):
- proportions (FunnelPlotR data_type "PR"): arcsine square-root scale, target asin(sqrt(pooled)),
  s = 1 / (2 sqrt(n)); limits sin^2(target -/+ z sqrt(s^2 + tau^2)) cut to [0, 1]; z-scores
  (asin(sqrt(p)) - target) / s winsorised at their 10th and 90th percentiles (R quantile type 7).
- rates (data_type "SR", sr_method "SHMI", its default, on expected counts E = pooled rate x denominator,
  rounded to 2 decimals as SHMI_rounding does): unadjusted limits are the exact Poisson ones,
  qchisq(alpha/2, 2E)/2/E and qchisq(1-alpha/2, 2(E+1))/2/E times the pooled rate; adjusted limits
  exp(-/+ z sqrt(1/E + tau^2)) times the pooled rate; z-scores sqrt(E) log(O/E), the lowest and highest
  10 % by rank (average ranks for ties) left out ("truncation").
- phi = mean of the squared winsorised/kept z-scores; tau^2 (DerSimonian-Laird) =
  (n phi - (n - 1)) / (sum w - sum w^2 / sum w), w = 1/s^2, and 0 when n phi < n - 1.
- The adjusted limits are used (drawn and flagged against) only when the adjustment is wanted and
  phi > 1; otherwise the unadjusted limits are used (FunnelPlotR's draw_adjusted = TRUE default).
  `adjusted` says, per group, which limits were used.
One deviation: FunnelPlotR's z-score for a zero count is -Inf (log 0), which it ranks lowest; if such a
score is not truncated away FunnelPlotR's phi becomes infinite. Here it is ranked lowest too, and a kept
one is scored with 0.5 events instead.
Flags (not the limits drawn) add one condition: FunnelPlotR's limits are continuous (Gamma quantiles at
the expected count, arcsine for shares), so 0 events lie under the lower limit at any expected count, and
a small count can lie outside a limit that an exact test of chance alone would not call surprising. A clinic
is flagged only where the exact one-sided tail of its own count agrees as well (Poisson at the expected
count, binomial at the pooled share: P(X <= x) or P(X >= x) below 0.1 % for 99.8 %, 2.5 % for 95 %).
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

import numpy as np

from klyngedesk.core.stats.special import binomial_tails, gamma_ppf, poisson_tails, z_value

Kind = Literal["proportion", "rate"]
Z95, Z998 = z_value(0.95), z_value(0.998)
METHOD = "FunnelPlotR 0.6.0 defaults (Spiegelhalter 2005): {kind}, 10 % {trim}, phi > 1 -> DerSimonian-Laird tau²"


def limit_method(kind: Kind) -> str:
    """A one-line name of the limit method, for the JSON and the methods note."""
    if kind == "proportion":
        return METHOD.format(kind="PR arcsine-square-root", trim="winsorised z-scores")
    return METHOD.format(kind="SR (SHMI) exact Poisson / log-normal", trim="truncated z-scores")


@dataclass(frozen=True)
class FunnelResult:
    """Arrays shaped like the input; pooled/phi/tau2/adjusted have the group axis reduced (keepdims).

    l95 ... u998 are the limits in use (adjusted where `adjusted`, else unadjusted); the unadjusted
    (exact Poisson, or arcsine with tau^2 = 0) limits are kept in `unadjusted` (l95, u95, l998, u998)."""

    pooled: np.ndarray     # in the indicator's unit (x scale)
    l95: np.ndarray
    u95: np.ndarray
    l998: np.ndarray
    u998: np.ndarray
    phi: np.ndarray
    tau2: np.ndarray
    adjusted: np.ndarray   # bool per group: the limits above are the overdispersion-adjusted ones
    unadjusted: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    tails: tuple[np.ndarray, np.ndarray] | None = None   # exact P(X <= x), P(X >= x) under chance (NaN: not needed)


def _valid(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.isfinite(num) & np.isfinite(den) & (den > 0)


def pooled_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Sum of numerators over sum of denominators along the last axis, over clinics with both parts."""
    ok = _valid(num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, num, 0).sum(-1, keepdims=True) / np.where(ok, den, 0).sum(-1, keepdims=True)


def dersimonian_laird(wz: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """phi and tau^2 from (winsorised or truncated; NaN = left out) z-scores and weights 1/s^2."""
    keep = np.isfinite(wz) & np.isfinite(w)
    n = keep.sum(-1, keepdims=True).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(keep, wz * wz, 0).sum(-1, keepdims=True) / n
        sw = np.where(keep, w, 0).sum(-1, keepdims=True)
        sw2 = np.where(keep, w * w, 0).sum(-1, keepdims=True)
        tau2 = ((n * phi) - (n - 1)) / (sw - sw2 / sw)
    tau2 = np.where((n * phi < n - 1) | ~np.isfinite(tau2), 0.0, np.maximum(tau2, 0.0))
    return np.where(n > 0, phi, np.nan), tau2


def winsorise(z: np.ndarray, trim: float = 0.1) -> np.ndarray:
    """Clamp z-scores to their trim and 1-trim quantiles (R quantile type 7) along the last axis."""
    finite = np.isfinite(z)
    if not finite.any():
        return z
    zz = np.where(finite, z, np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN group has no quantiles
        lo = np.nanquantile(zz, trim, axis=-1, keepdims=True)
        hi = np.nanquantile(zz, 1 - trim, axis=-1, keepdims=True)
    return np.where(finite, np.clip(zz, lo, hi), np.nan)


def average_rank(z: np.ndarray) -> np.ndarray:
    """R's rank(ties.method = "average") along the last axis over the non-NaN entries (-Inf ranks lowest)."""
    present = ~np.isnan(z)
    key = np.where(present, z, np.inf)
    order = np.argsort(key, axis=-1, kind="stable")
    s = np.take_along_axis(key, order, axis=-1)
    pos = np.broadcast_to(np.arange(1, z.shape[-1] + 1, dtype=float), z.shape)
    new_run = np.ones(z.shape, dtype=bool)
    new_run[..., 1:] = s[..., 1:] != s[..., :-1]
    ends = np.ones(z.shape, dtype=bool)
    ends[..., :-1] = new_run[..., 1:]
    # a tie run shares the mean of its first and last position
    first = np.maximum.accumulate(np.where(new_run, pos, 0), axis=-1)
    last = np.flip(np.minimum.accumulate(np.flip(np.where(ends, pos, np.inf), axis=-1), axis=-1), axis=-1)
    ranks_sorted = (first + last) / 2
    rank = np.empty(z.shape)
    np.put_along_axis(rank, order, ranks_sorted, axis=-1)
    return np.where(present, rank, np.nan)


def truncate(z: np.ndarray, trim: float = 0.1) -> np.ndarray:
    """FunnelPlotR's SHMI truncation: drop (NaN) the z-scores in the lowest and highest trim groups by rank
    (rank * k / (n + 1) floored, k = 1/trim; kept when strictly between 0 and k - 1)."""
    present = ~np.isnan(z)
    n = present.sum(-1, keepdims=True)
    k = round(1 / trim)
    group = np.floor(average_rank(z) * k / (n + 1))
    keep = present & (group > 0) & (group < k - 1)
    return np.where(keep, z, np.nan)


def _rate_limits(target: np.ndarray, e: np.ndarray, tau2: np.ndarray | float, exact: bool) -> list[np.ndarray]:
    if exact:
        ee = np.nan_to_num(e, nan=1.0)
        lim = [gamma_ppf(0.025, ee) / ee, gamma_ppf(0.975, ee + 1) / ee,
               gamma_ppf(0.001, ee) / ee, gamma_ppf(0.999, ee + 1) / ee]
    else:
        sd = np.sqrt(1 / e + tau2)
        lim = [np.exp(sign * zz * sd) for zz, sign in ((Z95, -1), (Z95, 1), (Z998, -1), (Z998, 1))]
    return [target * v for v in lim]


def _proportion_limits(t: np.ndarray, s: np.ndarray, tau2: np.ndarray | float) -> list[np.ndarray]:
    sd = np.sqrt(s * s + tau2)
    return [np.sin(np.clip(t + sign * zz * sd, 0, np.pi / 2)) ** 2
            for zz, sign in ((Z95, -1), (Z95, 1), (Z998, -1), (Z998, 1))]


MEMO_SIZE = 256   # funnels kept (a pack asks for the same ones again: each topic collated twice, mending rounds)
_memo: OrderedDict[tuple, FunnelResult] = OrderedDict()
_memo_lock = threading.Lock()   # the window's worker and the event loop may both ask


def funnel(num: np.ndarray, den: np.ndarray, kind: Kind, scale: float = 1.0, *, overdispersion: bool = True,
           trim: float = 0.1) -> FunnelResult:
    """Funnel limits for each clinic (last axis) around its group's pooled value, in the unit num/den*scale.

    `overdispersion` True (the default, as FunnelPlotR's draw_adjusted) adjusts the limits where phi > 1;
    False always uses the unadjusted limits (phi and tau^2 are still reported). A pure function of its
    inputs: the last MEMO_SIZE answers are kept (keyed by the inputs' bytes) and handed out as copies."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    key = (num.shape, den.shape, num.tobytes(), den.tobytes(), kind, float(scale), bool(overdispersion), float(trim))
    with _memo_lock:
        kept = _memo.get(key)
        if kept is not None:
            _memo.move_to_end(key)
    if kept is None:
        kept = _funnel(num, den, kind, scale, overdispersion=overdispersion, trim=trim)
        with _memo_lock:
            _memo[key] = kept
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
    return _copied(kept)


def _copied(f: FunnelResult) -> FunnelResult:
    """A FunnelResult whose arrays are the caller's own (a kept answer is never changed through one handed out)."""
    plain = f.unadjusted
    return FunnelResult(f.pooled.copy(), f.l95.copy(), f.u95.copy(), f.l998.copy(), f.u998.copy(), phi=f.phi.copy(),
                        tau2=f.tau2.copy(), adjusted=f.adjusted.copy(),
                        unadjusted=None if plain is None else (plain[0].copy(), plain[1].copy(), plain[2].copy(),
                                                               plain[3].copy()),
                        tails=None if f.tails is None else (f.tails[0].copy(), f.tails[1].copy()))


def _funnel(num: np.ndarray, den: np.ndarray, kind: Kind, scale: float, *, overdispersion: bool,
            trim: float) -> FunnelResult:
    """`funnel` computed (num and den already float arrays)."""
    ok = _valid(num, den)
    target = pooled_ratio(num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            t = np.arcsin(np.sqrt(np.clip(target, 0, 1)))
            s = 1 / (2 * np.sqrt(den))
            z = np.where(ok, (np.arcsin(np.sqrt(np.clip(num / den, 0, 1))) - t) / s, np.nan)
            phi, tau2 = dersimonian_laird(winsorise(z, trim), np.where(ok, 1 / (s * s), np.nan))
            adjusted = overdispersion & (phi > 1)
            plain = _proportion_limits(t, s, 0.0)
            lim = _proportion_limits(t, s, np.where(adjusted, tau2, 0.0))
        else:
            expected = np.round(target * den, 2)
            e = np.where(ok & (expected > 0), expected, np.nan)
            z = np.where(np.isfinite(e), np.sqrt(e) * np.log(num / e), np.nan)   # -Inf for a zero count
            kept = truncate(z, trim)
            kept = np.where(np.isneginf(kept), np.sqrt(e) * np.log(0.5 / e), kept)
            phi, tau2 = dersimonian_laird(kept, e)
            adjusted = overdispersion & (phi > 1)
            plain = _rate_limits(target, e, 0.0, exact=True)
            lim = [np.where(adjusted, a, p) for a, p in zip(_rate_limits(target, e, tau2, exact=False), plain,
                                                            strict=True)]
    l95, u95, l998, u998 = (np.where(ok, v * scale, np.nan) for v in lim)
    p95, q95, p998, q998 = (np.where(ok, v * scale, np.nan) for v in plain)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den * scale
        outside = ok & ((value < l95) | (value > u95))
    tails = exact_tails(num, den, target, kind, where=outside)
    return FunnelResult(target * scale, l95, u95, l998, u998, phi=phi, tau2=tau2,
                        adjusted=np.asarray(adjusted, dtype=bool), unadjusted=(p95, q95, p998, q998), tails=tails)


def exact_tails(num: np.ndarray, den: np.ndarray, pooled: np.ndarray, kind: Kind, expected: np.ndarray | None = None,
                where: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each clinic's exact one-sided tails under chance alone around the pooled value, (P(X <= x), P(X >= x)):
    binomial(den, pooled) for shares, Poisson(expected) for rates (expected defaults to pooled x den rounded to 2
    decimals, FunnelPlotR's); only `where` True (else NaN), so a cluster's inside clinics cost nothing."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    pooled = np.broadcast_to(np.asarray(pooled, dtype=float), num.shape)
    mask = _valid(num, den) if where is None else np.asarray(where, dtype=bool) & _valid(num, den)
    low, high = np.full(num.shape, np.nan), np.full(num.shape, np.nan)
    if not mask.any():
        return low, high
    if kind == "proportion":
        low[mask], high[mask] = binomial_tails(num[mask], den[mask], pooled[mask])
    else:
        e = np.round(pooled * den, 2) if expected is None else np.broadcast_to(expected, num.shape)
        low[mask], high[mask] = poisson_tails(num[mask], e[mask])
    return low, high


FLAGS = ("", "above_95", "below_95", "above_998", "below_998")
ALPHA95, ALPHA998 = 0.025, 0.001   # one side of the 95 % and 99.8 % limits


def funnel_flags(value: np.ndarray, l95: np.ndarray, u95: np.ndarray, l998: np.ndarray,
                 u998: np.ndarray, tails: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Index into FLAGS per clinic: 0 inside (or no value/limits), 1 above 95 %, 2 below 95 %, 3 above
    99.8 %, 4 below 99.8 %. A value on a limit is inside, as in FunnelPlotR (comparisons with NaN are
    False, so unknowns stay 0). With `tails` (FunnelResult.tails) a side counts only where the exact tail
    agrees too (below 2.5 % / 0.1 %): the flags the program prints; without, FunnelPlotR's own."""
    value = np.asarray(value, dtype=float)
    low_p, high_p = tails if tails is not None else (np.zeros(value.shape), np.zeros(value.shape))
    with np.errstate(invalid="ignore"):
        code = np.where((value > u95) & (high_p < ALPHA95), 1, 0)
        code = np.where((value < l95) & (low_p < ALPHA95), 2, code)
        code = np.where((value > u998) & (high_p < ALPHA998), 3, code)
        code = np.where((value < l998) & (low_p < ALPHA998), 4, code)
    return code.astype(np.int8)
