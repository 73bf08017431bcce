"""Funnel limits at 95 % and 99.8 % around the pooled value, with the optional overdispersion adjustment.

The method follows NHS-R FunnelPlotR (Mainey) after Spiegelhalter (2005), vectorised over any number of
groups at once (the last axis holds the clinics of one group):
- proportions ("PR"): arcsine square-root scale, target asin(sqrt(pooled)), s = 1 / (2 sqrt(n)),
  limits sin^2(target -/+ z sqrt(s^2 + tau^2)); z-scores winsorised at the 10th/90th percentile.
- rates ("SR" on expected counts E = pooled rate x denominator): unadjusted limits are the exact Poisson
  ones, qchisq(alpha/2, 2E)/2/E and qchisq(1-alpha/2, 2(E+1))/2/E times the pooled rate; adjusted
  (SHMI method) exp(-/+ z sqrt(1/E + tau^2)); z-scores sqrt(E) log(O/E), truncated 10 % at each end.
- phi = mean of the squared winsorised/truncated z-scores; tau^2 (DerSimonian-Laird) =
  (n phi - (n - 1)) / (sum w - sum w^2 / sum w), w = 1/s^2, and 0 when n phi < n - 1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from klyngedesk.core.stats.special import gamma_ppf, z_value

Kind = Literal["proportion", "rate"]
Z95, Z998 = z_value(0.95), z_value(0.998)


@dataclass(frozen=True)
class FunnelResult:
    """Arrays shaped like the input; pooled/phi/tau2 have the group axis reduced (keepdims)."""

    pooled: np.ndarray     # in the indicator's unit (x scale)
    l95: np.ndarray
    u95: np.ndarray
    l998: np.ndarray
    u998: np.ndarray
    phi: np.ndarray
    tau2: np.ndarray
    adjusted: bool


def _valid(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.isfinite(num) & np.isfinite(den) & (den > 0)


def pooled_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Sum of numerators over sum of denominators along the last axis, over clinics with both parts."""
    ok = _valid(num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, num, 0).sum(-1, keepdims=True) / np.where(ok, den, 0).sum(-1, keepdims=True)


def _dersimonian_laird(wz: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def truncate(z: np.ndarray, trim: float = 0.1) -> np.ndarray:
    """FunnelPlotR's SHMI truncation: drop (NaN) the z-scores in the lowest and highest trim groups by rank."""
    finite = np.isfinite(z)
    n = finite.sum(-1, keepdims=True)
    order = np.argsort(np.where(finite, z, np.inf), axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, z.shape[-1] + 1) * np.ones_like(order), axis=-1)
    k = round(1 / trim)
    group = np.floor(rank * k / (n + 1))
    keep = finite & (group > 0) & (group < k - 1)
    return np.where(keep, z, np.nan)


def funnel(num: np.ndarray, den: np.ndarray, kind: Kind, scale: float = 1.0, *, overdispersion: bool = False,
           trim: float = 0.1) -> FunnelResult:
    """Funnel limits for each clinic (last axis) around its group's pooled value, in the unit num/den*scale."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = _valid(num, den)
    target = pooled_ratio(num, den)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            t = np.arcsin(np.sqrt(np.clip(target, 0, 1)))
            s = 1 / (2 * np.sqrt(den))
            z = np.where(ok, (np.arcsin(np.sqrt(np.clip(num / den, 0, 1))) - t) / s, np.nan)
            phi, tau2 = _dersimonian_laird(winsorise(z, trim), np.where(ok, 1 / (s * s), np.nan))
            use_tau = tau2 if overdispersion else 0.0
            sd = np.sqrt(s * s + use_tau)
            lim = [np.sin(np.clip(t + sign * zz * sd, 0, np.pi / 2)) ** 2
                   for zz, sign in ((Z95, -1), (Z95, 1), (Z998, -1), (Z998, 1))]
        else:
            expected = target * den
            obs = np.where(num > 0, num, 0.5)  # a zero count would give log(0); FunnelPlotR gives -Inf
            z = np.where(ok & (expected > 0), np.sqrt(expected) * np.log(obs / expected), np.nan)
            phi, tau2 = _dersimonian_laird(truncate(z, trim), np.where(ok, expected, np.nan))
            e = np.where(ok & (expected > 0), expected, np.nan)
            if overdispersion:
                sd = np.sqrt(1 / e + tau2)
                lim = [np.exp(sign * zz * sd) for zz, sign in ((Z95, -1), (Z95, 1), (Z998, -1), (Z998, 1))]
            else:
                ee = np.nan_to_num(e, nan=1.0)
                lim = [gamma_ppf(0.025, ee) / ee, gamma_ppf(0.975, ee + 1) / ee,
                       gamma_ppf(0.001, ee) / ee, gamma_ppf(0.999, ee + 1) / ee]
            lim = [target * v for v in lim]
    out = [np.where(ok, v * scale, np.nan) for v in lim]
    return FunnelResult(target * scale, *out, phi=phi, tau2=tau2, adjusted=overdispersion)


FLAGS = ("", "above_95", "below_95", "above_998", "below_998")


def funnel_flags(value: np.ndarray, l95: np.ndarray, u95: np.ndarray, l998: np.ndarray,
                 u998: np.ndarray) -> np.ndarray:
    """Index into FLAGS per clinic: 0 inside (or no value/limits), 1 above 95 %, 2 below 95 %, 3 above
    99.8 %, 4 below 99.8 %. (Comparisons with NaN are False, so unknowns stay 0.)"""
    value = np.asarray(value, dtype=float)
    with np.errstate(invalid="ignore"):
        code = np.where(value > u95, 1, 0)
        code = np.where(value < l95, 2, code)
        code = np.where(value > u998, 3, code)
        code = np.where(value < l998, 4, code)
    return code.astype(np.int8)
