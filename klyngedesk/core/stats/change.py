"""Change between rounds (ratio with interval), trends over three or more periods, the change sentence."""

from __future__ import annotations

import numpy as np

from klyngedesk.core.formatting import format_number
from klyngedesk.core.stats.intervals import proportion_ratio_ci, rate_ratio_ci
from klyngedesk.core.stats.special import z_value
from klyngedesk.i18n import tr

SMALL_EVENTS = 10          # fewer events than this in a round: caution
DENOMINATOR_CHANGE = 0.20  # denominator changed by more than this fraction: caution


def change_arrays(x1, n1, x0, n0, *, proportion: bool, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Follow-up (x1/n1) vs baseline (x0/n0), vectorised: ratio with interval, relative change with interval,
    and boolean caution arrays 'small_numbers' and 'denominator_changed'."""
    x1, n1, x0, n0 = (np.asarray(v, dtype=float) for v in (x1, n1, x0, n0))
    ratio, low, high = (proportion_ratio_ci if proportion else rate_ratio_ci)(x1, n1, x0, n0, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        den_change = np.abs(n1 / n0 - 1)
    return {"ratio": ratio, "ratio_low": low, "ratio_high": high, "relative": ratio - 1,
            "relative_low": low - 1, "relative_high": high - 1,
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


def _pct(value: float, lang: str) -> str:
    return format_number(abs(value) * 100, 0, lang)


def change_sentence(subject: str, relative: float | None, low: float | None, high: float | None,
                    baseline_label: str, label: str, lang: str, caution: tuple[str, ...] = ()) -> str:
    """E.g. "Klyngens antibiotikaordinationer pr. 1000 patienter faldt 43 % (95 %-KI 35–50 %) fra 1. halvår
    2025 til 1. halvår 2026." (Danish "KI", konfidensinterval; English "95% CI"). An interval that includes no
    change is said so; cautions are added."""
    if relative is None or low is None or high is None or not np.isfinite([relative, low, high]).all():
        text = tr("The change in {subject} from {start} to {end} cannot be computed.", lang,
                  subject=subject, start=baseline_label, end=label)
    elif high < 0:
        text = tr("The cluster's {subject} fell {pct}% (95% CI {lo}–{hi}%) from {start} to {end}.", lang,
                  subject=subject, pct=_pct(relative, lang), lo=_pct(high, lang), hi=_pct(low, lang),
                  start=baseline_label, end=label)
    elif low > 0:
        text = tr("The cluster's {subject} rose {pct}% (95% CI {lo}–{hi}%) from {start} to {end}.", lang,
                  subject=subject, pct=_pct(relative, lang), lo=_pct(low, lang), hi=_pct(high, lang),
                  start=baseline_label, end=label)
    else:
        text = tr("The cluster's {subject} was about unchanged from {start} to {end} ({pct}%; 95% CI "
                  "{lo} to {hi}%).", lang, subject=subject, start=baseline_label, end=label,
                  pct=format_number(relative * 100, 0, lang), lo=format_number(low * 100, 0, lang),
                  hi=format_number(high * 100, 0, lang))
    if "small_numbers" in caution:
        text += " " + tr("The numbers are small, so read the change with care.", lang)
    if "denominator_changed" in caution:
        text += " " + tr("The denominator changed by more than 20% between the periods.", lang)
    return text
