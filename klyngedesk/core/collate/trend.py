"""Trends over three or more periods: the pooled value per period and the log-linear change per period."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from klyngedesk.core.collate.inputs import indicator_inputs, indicator_scale
from klyngedesk.core.stats.change import trend_arrays
from klyngedesk.core.store import Project


@dataclass(frozen=True)
class Trend:
    """One indicator over periods: pooled value per period, and the cluster's and each clinic's change per
    period (relative, e.g. -0.05 = 5 % lower each period) with a 95 % interval; None below 3 periods."""

    indicator: str
    periods: tuple[str, ...]
    pooled: tuple[float | None, ...]
    per_period: float | None
    low: float | None
    high: float | None
    clinics: dict[str, tuple[float | None, float | None, float | None]]


def _f(v) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


def indicator_trends(project: Project, topic: str, periods: list[str] | None = None) -> dict[str, Trend]:
    """Trends for each indicator of the topic over `periods` (default: every period of the project)."""
    topic_obj = project.topic(topic)
    period_objs = [project.period(p) for p in periods] if periods else project.periods()
    frames = [indicator_inputs(project, topic, p.key) for p in period_objs]
    out = {}
    for ind in topic_obj.indicators:
        parts = [f[f["indicator"] == ind.key].set_index("clinic") for f in frames]
        clinics = list(parts[0].index) if parts else []
        num = np.column_stack([p["numerator"].reindex(clinics).to_numpy(float) for p in parts]) if parts else np.empty((0, 0))
        den = np.column_stack([(p["denominator"].reindex(clinics).to_numpy(float) if ind.denominator_kind != "none"
                                else np.ones(len(clinics))) for p in parts]) if parts else np.empty((0, 0))
        if ind.per_year:
            den = den * np.array([p.days for p in period_objs])
        ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
        tn, td = np.where(ok, num, 0).sum(0), np.where(ok, den, 0).sum(0)
        cluster = trend_arrays(tn[None], td[None])
        each = trend_arrays(np.where(ok, num, np.nan), np.where(ok, den, np.nan))
        scales = [indicator_scale(ind, p) for p in period_objs]
        raw_den = np.where(ok, den, 0).sum(0) / (np.array([p.days for p in period_objs])
                                                 if ind.per_year else 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = tn / raw_den * np.array(scales)
        out[ind.key] = Trend(ind.key, tuple(p.key for p in period_objs), tuple(_f(v) for v in pooled),
                             _f(cluster["per_period"][0]), _f(cluster["low"][0]), _f(cluster["high"][0]),
                             {c: (_f(each["per_period"][i]), _f(each["low"][i]), _f(each["high"][i]))
                              for i, c in enumerate(clinics)})
    return out
