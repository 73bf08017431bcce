"""Assembles each indicator's numerator and denominator per clinic for a topic and period."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from klyngedesk.core.model import (  # noqa: F401 - UNIT_DECIMALS re-exported
    UNIT_DECIMALS,
    Clinic,
    Indicator,
    Period,
    ReferenceValue,
    Topic,
)
from klyngedesk.core.settings import OVERDISPERSION, THRESHOLD, resolve
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

UNIT_SCALE = {"per1000": 1000.0, "percent": 100.0, "per_patient": 1.0, "count": 1.0}
INPUT_COLUMNS = ["clinic", "indicator", "numerator", "denominator", "num_status", "den_status", "value"]


def indicator_scale(indicator: Indicator, period: Period) -> float:
    """Multiplier from numerator/denominator to the indicator's unit (annualised when per year)."""
    scale = UNIT_SCALE[indicator.unit]
    if indicator.per_year:
        scale *= 365.25 / period.days
    return scale


@dataclass(frozen=True)
class Snapshot:
    """What collation reads from a project, fetched once: topics, periods, clinics, settings, notes,
    references, and the active values and list sizes per (topic, period) and period."""

    topics: dict[str, Topic]
    periods: dict[str, Period]
    clinics: list[Clinic]
    overdispersion: bool
    threshold: int
    notes: list[dict]
    references: list[ReferenceValue]
    values: dict[tuple[str, str], pd.DataFrame]
    lists: dict[str, pd.DataFrame]
    empty_values: pd.DataFrame
    empty_lists: pd.DataFrame

    def topic(self, key: str) -> Topic:
        if key not in self.topics:
            raise KlyngeError("Unknown topic {key}.", key=key)
        return self.topics[key]

    def period(self, key: str) -> Period:
        if key not in self.periods:
            raise KlyngeError("Unknown period {key}.", key=key)
        return self.periods[key]

    def round_values(self, topic: str, period: str) -> pd.DataFrame:
        """The active values of the topic's measures in the period, in stored order."""
        return self.values.get((topic, period), self.empty_values)

    def list_sizes(self, period: str) -> pd.DataFrame:
        return self.lists.get(period, self.empty_lists)


def snapshot(project: Project, rounds: list[tuple[str, str]] | None = None) -> Snapshot:
    """Read everything collation needs in one pass: for `rounds` (topic, period) only those values (a few
    rounds: one query each), or with None every active value of the project in one query."""
    topics = {t.key: t for t in project.topics()}
    periods = {p.key: p for p in project.periods()}
    if rounds is None:
        frame = project.values()
        lists = project.list_sizes()
        topic_of = {m.key: t.key for t in topics.values() for m in t.measures}
        values = {(str(t), str(p)): g.drop(columns="_topic").reset_index(drop=True)
                  for (t, p), g in frame.assign(_topic=frame["measure"].map(topic_of))
                  .groupby(["_topic", "period"], sort=False)}
        empty_values = frame.iloc[:0]
        by_period = {str(p): g.reset_index(drop=True) for p, g in lists.groupby("period", sort=False)}
        empty_lists = lists.iloc[:0]
    else:
        values, by_period = {}, {}
        for topic, period in dict.fromkeys(rounds):
            values[(topic, period)] = project.values(period=period, topic=topic)
            if period not in by_period:
                by_period[period] = project.list_sizes(period)
        first = next(iter(values.values()), None)
        empty_values = first.iloc[:0] if first is not None else project.values(period="", topic="")
        empty_lists = next(iter(by_period.values())).iloc[:0] if by_period else project.list_sizes("")
    return Snapshot(topics=topics, periods=periods, clinics=project.clinics(),
                    overdispersion=bool(resolve(OVERDISPERSION, project)),
                    threshold=int(resolve(THRESHOLD, project)), notes=project.notes(),
                    references=project.references(), values=values, lists=by_period,
                    empty_values=empty_values, empty_lists=empty_lists)


def indicator_inputs(project: Project, topic: str, period: str) -> pd.DataFrame:
    """One row per clinic x indicator: numerator, denominator, their status and the raw value.

    Status is 'ok', 'suppressed' (masked at the source) or 'missing'. The value is NaN unless both
    parts are known and the denominator is positive. Clinics without any data still get rows.
    """
    return inputs_from(snapshot(project, [(topic, period)]), topic, period)


def inputs_from(snap: Snapshot, topic: str, period: str) -> pd.DataFrame:
    """`indicator_inputs` from an already fetched snapshot (no query): the round's values are laid out per
    measure in clinic order in one pass, and the frame is made once from whole columns."""
    topic_obj = snap.topic(topic)
    period_obj = snap.period(period)
    clinics = [c.key for c in snap.clinics]
    n = len(clinics)
    if not topic_obj.indicators:
        return pd.DataFrame(columns=INPUT_COLUMNS)
    measures = _by_measure(snap.round_values(topic, period), clinics)
    lists = snap.list_sizes(period).set_index("clinic")["patients"]
    missing = (np.full(n, np.nan), np.full(n, "missing", dtype=object))
    cols: dict[str, list[np.ndarray]] = {k: [] for k in INPUT_COLUMNS}
    for ind in topic_obj.indicators:
        num, num_status = measures.get(ind.numerator, missing)
        if ind.denominator_kind == "list_size":
            den = lists.reindex(clinics).to_numpy(dtype=float)
            den_status = np.where(np.isnan(den), "missing", "ok").astype(object)
        elif ind.denominator_kind == "measure" and ind.denominator:
            den, den_status = measures.get(ind.denominator, missing)
        else:
            den, den_status = np.full(n, np.nan), np.full(n, "ok", dtype=object)
        scale = indicator_scale(ind, period_obj)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = num.copy() if ind.denominator_kind == "none" else np.where(den > 0, num / den * scale, np.nan)
        for key, column in (("clinic", np.array(clinics, dtype=object)), ("indicator", np.full(n, ind.key, dtype=object)),
                            ("numerator", num), ("denominator", den), ("num_status", num_status),
                            ("den_status", den_status), ("value", value)):
            cols[key].append(column)
    return pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})


def _by_measure(vals: pd.DataFrame, clinics: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """measure -> (value where its status is 'ok', else NaN; status, 'missing' where no value), in clinic order."""
    at = {c: i for i, c in enumerate(clinics)}
    n = len(clinics)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for clinic, measure, status, value in zip(vals["clinic"].tolist(), vals["measure"].tolist(),
                                              vals["status"].tolist(), vals["value"].tolist(), strict=True):
        i = at.get(clinic)
        if i is None:
            continue
        if measure not in out:
            out[measure] = (np.full(n, np.nan), np.full(n, "missing", dtype=object))
        numbers, statuses = out[measure]
        statuses[i] = "missing" if status is None else status
        numbers[i] = value if status == "ok" and value is not None else np.nan
    return out


def indicator_parts(inputs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The inputs split by indicator, each indexed by clinic, in one pass (a round's inputs are read per
    indicator several times: as the round, as the next round's baseline, for the compositions)."""
    return {str(k): g.set_index("clinic") for k, g in inputs.groupby("indicator", sort=False)}
