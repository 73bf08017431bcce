"""Compositions: shares within a group (morfin / tramadol / other opioids among opioid users) per clinic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from klyngedesk.core.collate.compute import plain_floats
from klyngedesk.core.collate.table import Composition, CompositionPart
from klyngedesk.core.model import Indicator, Topic
from klyngedesk.i18n import tr

OTHER = "_other"


def composition_specs(topic: Topic, inputs: pd.DataFrame, split: dict[str, pd.DataFrame] | None = None) \
        -> list[tuple[str, str, list[Indicator], str]]:
    """(key, title, member indicators, total measure) for each group in the topic.

    A package may name a group's total explicitly ("groups": {"opioider": {"total": "opioid_brugere",
    "title": ...}}). Otherwise: indicators sharing a `group` and the same denominator form the parts, and
    the total is the topic's other indicator with that denominator whose numerator measure shares the
    group's stem (e.g. "opioid_brugere" for "opioider") and is at least the parts' sum for every clinic.
    Percentage indicators with a measure denominator outside any group are two-part compositions
    (e.g. ibuprofen / other NSAID among NSAID users).
    """
    explicit = topic.package.get("groups", {}) if isinstance(topic.package, dict) else {}
    measure_title = {m.key: m.title for m in topic.measures}
    groups: dict[str, list[Indicator]] = {}
    for ind in topic.indicators:
        if ind.group_key:
            groups.setdefault(ind.group_key, []).append(ind)
    specs = []
    numerators = _numerators(inputs, split)
    for key, members in groups.items():
        spec = explicit.get(key, {}) if isinstance(explicit, dict) else {}
        total = spec.get("total")
        if not total:
            parts_sum = sum(numerators[m.key] for m in members if m.key in numerators)
            candidates = [i for i in topic.indicators if i not in members and i.denominator == members[0].denominator
                          and i.denominator_kind == members[0].denominator_kind and i.unit == members[0].unit]
            stem = key[:5].lower()
            for cand in sorted(candidates, key=lambda c: not c.numerator.lower().startswith(stem)):
                if cand.key in numerators and bool((numerators[cand.key].fillna(np.inf) >= parts_sum.fillna(0)).all()):
                    total = cand.numerator
                    break
        if total:
            specs.append((key, spec.get("title") or key.capitalize(), members, total))
    for ind in topic.indicators:
        if ind.unit == "percent" and ind.denominator_kind == "measure" and ind.denominator and not ind.group_key:
            specs.append((ind.key, f"{measure_title.get(ind.numerator, ind.numerator)} / "
                          f"{measure_title.get(ind.denominator, ind.denominator)}", [ind], ind.denominator))
    return specs


def _numerators(inputs: pd.DataFrame, split: dict[str, pd.DataFrame] | None) -> pd.DataFrame:
    """Clinic x indicator numerators; indicators without any numerator left out."""
    if split is None:
        return inputs.pivot_table(index="clinic", columns="indicator", values="numerator", aggfunc="first")
    return pd.DataFrame({k: p["numerator"] for k, p in split.items()}).dropna(axis=1, how="all")


def _column(inputs: pd.DataFrame, split: dict[str, pd.DataFrame] | None, key: str, column: str,
            clinics: list[str]) -> np.ndarray:
    """One indicator's column in clinic order."""
    part = split.get(key) if split is not None else None
    if part is None:
        part = inputs[inputs["indicator"] == key].set_index("clinic")
    values = part[column]
    return (values if values.index.tolist() == clinics else values.reindex(clinics)).to_numpy(float)


def compositions(topic: Topic, inputs: pd.DataFrame, split: dict[str, pd.DataFrame] | None = None) \
        -> tuple[Composition, ...]:
    """Each group's shares per clinic and for the cluster (percent; None where a count is unknown)."""
    if inputs.empty:
        return ()
    measure_title = {m.key: m.title for m in topic.measures}
    out = []
    clinics = list(dict.fromkeys(inputs["clinic"].to_numpy(dtype=object).tolist()))  # not str by str
    for key, title, members, total_measure in composition_specs(topic, inputs, split):
        counts = np.column_stack([_column(inputs, split, m.key, "numerator", clinics) for m in members])
        totals = _total_counts(inputs, split, topic, total_measure, clinics)
        other = totals - counts.sum(1)
        all_counts = np.column_stack([counts, other])
        parts = [CompositionPart(m.numerator, measure_title.get(m.numerator, m.title)) for m in members]
        parts.append(CompositionPart(OTHER, tr("Others")))
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = all_counts / totals[:, None] * 100
            bad = (other < 0) | ~(totals > 0)
            shares[bad] = np.nan
            ok = ~np.isnan(shares).any(1)
            cluster = np.nansum(all_counts[ok], 0) / np.nansum(totals[ok]) * 100
        out.append(Composition(
            key=key, title=title, total_measure=total_measure, parts=tuple(parts),
            shares=dict(zip(clinics, _rows(shares), strict=True)),
            counts=dict(zip(clinics, _rows(all_counts), strict=True)),
            totals=dict(zip(clinics, plain_floats(totals), strict=True)),
            cluster=tuple(_f(v) for v in cluster)))
    return tuple(out)


def _total_counts(inputs: pd.DataFrame, split: dict[str, pd.DataFrame] | None, topic: Topic, measure: str,
                  clinics: list[str]) -> np.ndarray:
    for ind in topic.indicators:
        if ind.numerator == measure:
            return _column(inputs, split, ind.key, "numerator", clinics)
        if ind.denominator == measure:
            return _column(inputs, split, ind.key, "denominator", clinics)
    return np.full(len(clinics), np.nan)


def _f(v) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None



def _rows(values: np.ndarray) -> list[tuple[float | None, ...]]:
    """A 2-d array as one tuple of plain floats (None where not finite) per row."""
    arr = np.asarray(values, dtype=float)
    flat, width = plain_floats(arr.ravel()), arr.shape[1]
    return list(zip(*[iter(flat)] * width, strict=True)) if width else [() for _ in range(arr.shape[0])]
