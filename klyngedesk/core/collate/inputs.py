"""Assembles each indicator's numerator and denominator per clinic for a topic and period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from klyngedesk.core.model import UNIT_DECIMALS, Indicator, Period  # noqa: F401 - UNIT_DECIMALS re-exported
from klyngedesk.core.store import Project

UNIT_SCALE = {"per1000": 1000.0, "percent": 100.0, "per_patient": 1.0, "count": 1.0}
INPUT_COLUMNS = ["clinic", "indicator", "numerator", "denominator", "num_status", "den_status", "value"]


def indicator_scale(indicator: Indicator, period: Period) -> float:
    """Multiplier from numerator/denominator to the indicator's unit (annualised when per year)."""
    scale = UNIT_SCALE[indicator.unit]
    if indicator.per_year:
        scale *= 365.25 / period.days
    return scale


def indicator_inputs(project: Project, topic: str, period: str) -> pd.DataFrame:
    """One row per clinic x indicator: numerator, denominator, their status and the raw value.

    Status is 'ok', 'suppressed' (masked at the source) or 'missing'. The value is NaN unless both
    parts are known and the denominator is positive. Clinics without any data still get rows.
    """
    topic_obj = project.topic(topic)
    period_obj = project.period(period)
    clinics = [c.key for c in project.clinics()]
    vals = project.values(period=period, topic=topic).set_index(["clinic", "measure"])
    lists = project.list_sizes(period).set_index("clinic")["patients"]
    frames = []
    for ind in topic_obj.indicators:
        frame = pd.DataFrame({"clinic": clinics, "indicator": ind.key})
        frame["numerator"], frame["num_status"] = _lookup(vals, clinics, ind.numerator)
        if ind.denominator_kind == "list_size":
            den = lists.reindex(clinics).to_numpy(dtype=float)
            frame["denominator"] = den
            frame["den_status"] = np.where(np.isnan(den), "missing", "ok")
        elif ind.denominator_kind == "measure" and ind.denominator:
            frame["denominator"], frame["den_status"] = _lookup(vals, clinics, ind.denominator)
        else:
            frame["denominator"], frame["den_status"] = np.nan, "ok"
        scale = indicator_scale(ind, period_obj)
        with np.errstate(divide="ignore", invalid="ignore"):
            if ind.denominator_kind == "none":
                value = frame["numerator"].to_numpy(dtype=float)
            else:
                den = frame["denominator"].to_numpy(dtype=float)
                value = np.where(den > 0, frame["numerator"].to_numpy(dtype=float) / den * scale, np.nan)
        frame["value"] = value
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[INPUT_COLUMNS]


def _lookup(vals: pd.DataFrame, clinics: list[str], measure: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        part = vals.xs(measure, level="measure")
    except KeyError:
        return np.full(len(clinics), np.nan), np.full(len(clinics), "missing", dtype=object)
    part = part.reindex(clinics)
    status = part["status"].fillna("missing").to_numpy(dtype=object)
    number = np.where(status == "ok", part["value"].to_numpy(dtype=float), np.nan)
    return number, status
