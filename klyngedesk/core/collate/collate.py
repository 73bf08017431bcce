"""Collation: a topic's indicators for a period, with intervals, funnel limits, ranks and change."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from klyngedesk.core.collate.composition import compositions
from klyngedesk.core.collate.compute import METHOD_BY_UNIT, compute
from klyngedesk.core.collate.inputs import indicator_inputs, indicator_scale
from klyngedesk.core.collate.table import (
    Change,
    ClinicRow,
    Funnel,
    IndicatorResult,
    IndicatorTable,
    Reference,
    Target,
)
from klyngedesk.core.model import Indicator, Period
from klyngedesk.core.stats.change import change_arrays, change_sentence
from klyngedesk.core.stats.funnel import FLAGS
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

FEW_CLINICS = 10


def _f(value) -> float | None:
    """A plain float, or None for NaN/None."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def collate(project: Project, topic: str, period: str, compare: str | None = None, *,
            overdispersion: bool | None = None, progress: Callable[[float], None] | None = None,
            cancel: Callable[[], bool] | None = None) -> IndicatorTable:
    """Collate every indicator of `topic` for `period` (optionally against the baseline `compare`).

    Per clinic: numerator, denominator, value in the indicator's unit, 95 % interval (Wilson score for
    percentages, exact Garwood Poisson otherwise), rank, funnel limits at 95 % and 99.8 % around the pooled
    value (with the additive overdispersion adjustment when `overdispersion` is True; None = the
    project setting "overdispersion", default False), outside-limit flag, data-quality flags, and with
    `compare` the baseline value and the change with its ratio interval. For the cluster: pooled
    value with interval, median, quartiles, min/max, references, target, compositions and the change
    sentence in Danish and English. Unknown topic/period raise KlyngeError. `cancel()` returning True
    stops early with KlyngeError.
    """
    topic_obj = project.topic(topic)
    period_obj = project.period(period)
    base_obj = project.period(compare) if compare else None
    if compare == period:
        raise KlyngeError("The baseline period must differ from the period.")
    if overdispersion is None:
        overdispersion = bool(project.setting("overdispersion", False))
    threshold = int(project.setting("threshold", 5))
    inputs = indicator_inputs(project, topic, period)
    base_inputs = indicator_inputs(project, topic, compare) if compare else None
    notes = [n for n in project.notes() if n["period"] in (None, period)]
    references = project.references()
    results = []
    for i, ind in enumerate(topic_obj.indicators):
        if cancel and cancel():
            raise KlyngeError("Collation was cancelled.")
        results.append(_indicator(ind, period_obj, base_obj, inputs, base_inputs, notes, references,
                                  overdispersion, threshold))
        if progress:
            progress((i + 1) / max(len(topic_obj.indicators), 1))
    return IndicatorTable(
        topic=topic, topic_title=topic_obj.title, period=period, period_label=period_obj.label,
        compare=compare, compare_label=base_obj.label if base_obj else None, indicators=tuple(results),
        compositions=compositions(topic_obj, inputs), threshold=threshold,
        clinic_names={c.key: c.name for c in project.clinics()})


def _part(inputs: pd.DataFrame, key: str) -> pd.DataFrame:
    return inputs[inputs["indicator"] == key].set_index("clinic")


def _indicator(ind: Indicator, period: Period, base: Period | None, inputs: pd.DataFrame,
               base_inputs: pd.DataFrame | None, notes: list[dict], references: list,
               overdispersion: bool, threshold: int) -> IndicatorResult:
    part = _part(inputs, ind.key)
    clinics = list(part.index)
    num, den = part["numerator"].to_numpy(float), part["denominator"].to_numpy(float)
    if ind.denominator_kind == "none":
        den = np.full(len(clinics), np.nan)
    r = compute(num[None], den[None], unit=ind.unit, scale=indicator_scale(ind, period),
                overdispersion=overdispersion)
    r = {k: v[0] for k, v in r.items()}
    proportion = ind.unit == "percent"
    # Baseline and change
    b_num = b_den = b_val = None
    ch: dict[str, np.ndarray] | None = None
    if base is not None and base_inputs is not None:
        bpart = _part(base_inputs, ind.key).reindex(clinics)
        b_num, b_den = bpart["numerator"].to_numpy(float), bpart["denominator"].to_numpy(float)
        b_r = compute(b_num[None], (b_den if ind.denominator_kind != "none" else np.full(len(clinics), np.nan))[None],
                      unit=ind.unit, scale=indicator_scale(ind, base))
        b_val = b_r["value"][0]
        ok = np.isfinite(r["value"]) & np.isfinite(b_val)
        n1 = den if ind.denominator_kind != "none" else np.ones(len(clinics))
        n0 = b_den if ind.denominator_kind != "none" else np.ones(len(clinics))
        if ind.per_year or ind.unit == "per1000":  # compare like with like: rates per person-time
            n1, n0 = n1 * period.days, n0 * base.days
        ch = change_arrays(np.where(ok, num, np.nan), n1, np.where(ok, b_num, np.nan), n0, proportion=proportion)
        both = ok & np.isfinite(n1) & np.isfinite(n0)
        cluster = change_arrays(np.nansum(np.where(both, num, np.nan)), np.nansum(np.where(both, n1, np.nan)),
                                np.nansum(np.where(both, b_num, np.nan)), np.nansum(np.where(both, n0, np.nan)),
                                proportion=proportion)
    rows = []
    status_num, status_den = part["num_status"].to_numpy(object), part["den_status"].to_numpy(object)
    for j, clinic in enumerate(clinics):
        quality = []
        if "missing" in (status_num[j], status_den[j]):
            quality.append("missing")
        if "suppressed" in (status_num[j], status_den[j]):
            quality.append("suppressed_at_source")
        if r["implausible"][j]:
            quality.append("implausible")
        if np.isfinite(num[j]) and 0 < num[j] < threshold:
            quality.append("small_numbers")
        change = None
        if ch is not None:
            change = _change(ch, j, b_val[j], r["value"][j])
            if change and "denominator_changed" in change.caution:
                quality.append("denominator_changed")
        value = _f(r["value"][j])
        funnel = None
        if value is not None and np.isfinite(r["l95"][j]):
            funnel = Funnel(float(r["l95"][j]), float(r["u95"][j]), float(r["l998"][j]), float(r["u998"][j]))
        rows.append(ClinicRow(
            clinic=clinic, numerator=_f(num[j]), denominator=_f(den[j]), value=value,
            ci_low=_f(r["ci_low"][j]), ci_high=_f(r["ci_high"][j]),
            rank=int(r["rank"][j]) if np.isfinite(r["rank"][j]) else None,
            suppressed="suppressed" in (status_num[j], status_den[j]), funnel=funnel,
            flag=FLAGS[int(r["flag"][j])] or None,
            baseline_numerator=_f(b_num[j]) if b_num is not None else None,
            baseline_denominator=_f(b_den[j]) if b_den is not None else None,
            baseline_value=_f(b_val[j]) if b_val is not None else None, change=change,
            quality=tuple(quality), notes=_notes(notes, ind, clinic)))
    cluster_change = sentence = None
    if ch is not None:
        cluster_change = _change(cluster, 0, None, None)
        sentence = {lang: change_sentence(_subject(ind.title), cluster_change.relative,
                                          cluster_change.relative_low, cluster_change.relative_high,
                                          base.label, period.label, lang, cluster_change.caution)
                    for lang in ("da", "en")}
    n = int(r["n"][0])
    return IndicatorResult(
        key=ind.key, title=ind.title, unit=ind.unit, direction=ind.direction, method=METHOD_BY_UNIT[ind.unit],
        pooled=_f(r["pooled"][0]), pooled_ci_low=_f(r["pooled_low"][0]), pooled_ci_high=_f(r["pooled_high"][0]),
        median=_f(r["median"][0]), q1=_f(r["q1"][0]), q3=_f(r["q3"][0]), minimum=_f(r["min"][0]),
        maximum=_f(r["max"][0]), n_clinics=n,
        references=tuple(Reference(x.scope, x.value, x.source, x.period) for x in references
                         if x.indicator == ind.key and x.period in (None, period.key)),
        target=Target(ind.target_value, ind.direction or "max", ind.target_source or "")
        if ind.target_value is not None else None,
        rows=tuple(rows),
        overdispersion={"phi": _f(r["phi"][0]), "tau2": _f(r["tau2"][0]), "adjusted": overdispersion},
        change=cluster_change, sentence=sentence or {},
        quality=("no_data",) if n == 0 else ("few_clinics",) if n < FEW_CLINICS else (),
        notes=_notes(notes, ind, None), numerator_measure=ind.numerator, denominator_measure=ind.denominator,
        denominator_kind=ind.denominator_kind)


def _change(ch: dict[str, np.ndarray], j: int, baseline: float | None, value: float | None) -> Change | None:
    arr = {k: np.atleast_1d(v) for k, v in ch.items()}
    if not np.isfinite(arr["ratio"][j]):
        return None
    caution = tuple(k for k in ("small_numbers", "denominator_changed") if arr[k][j])
    b, v = _f(baseline), _f(value)
    return Change(baseline_value=b, value=v, absolute=(v - b) if v is not None and b is not None else None,
                  ratio=_f(arr["ratio"][j]), ratio_low=_f(arr["ratio_low"][j]), ratio_high=_f(arr["ratio_high"][j]),
                  relative=_f(arr["relative"][j]), relative_low=_f(arr["relative_low"][j]),
                  relative_high=_f(arr["relative_high"][j]), caution=caution)


def _subject(title: str) -> str:
    """The indicator title as the subject of a sentence: first letter lower-case unless an acronym."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper() and title[1] != "-":
        return title[0].lower() + title[1:]
    return title


def _notes(notes: list[dict], ind: Indicator, clinic: str | None) -> tuple[str, ...]:
    measures = {ind.numerator, ind.denominator}
    return tuple(n["text"] for n in notes if n["clinic"] == clinic and (n["measure"] is None and clinic is not None
                                                                         or n["measure"] in measures))
