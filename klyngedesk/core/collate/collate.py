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
        b_pooled = b_r["pooled"][0]
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
    rows = _rows(clinics, ind, num, den, r, b_num, b_den, b_val, ch, part, notes, threshold)
    cluster_change = sentence = None
    if ch is not None:
        cluster_change = _changes({k: np.atleast_1d(v) for k, v in cluster.items()}, _floats(b_pooled),
                                  _floats(r["pooled"][0]))[0]
        c = cluster_change
        sentence = {lang: change_sentence(_subject(ind.title), c.relative if c else None,
                                          c.relative_low if c else None, c.relative_high if c else None,
                                          base.label, period.label, lang, c.caution if c else ())
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
        notes=_notes_by_clinic(notes, ind).get(None, ()), numerator_measure=ind.numerator, denominator_measure=ind.denominator,
        denominator_kind=ind.denominator_kind)


def _floats(values) -> list[float | None]:
    """An array as plain floats, None for NaN/inf (one pass, no numpy scalars per value)."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    return [v if ok else None for v, ok in zip(arr.tolist(), np.isfinite(arr).tolist(), strict=True)]


def _changes(ch: dict[str, np.ndarray], baseline: list, value: list) -> list[Change | None]:
    cols = {k: _floats(ch[k]) for k in ("ratio", "ratio_low", "ratio_high", "relative", "relative_low",
                                        "relative_high")}
    small, moved = ch["small_numbers"].tolist(), ch["denominator_changed"].tolist()
    out: list[Change | None] = []
    for j, ratio in enumerate(cols["ratio"]):
        if ratio is None:
            out.append(None)
            continue
        b, v = baseline[j], value[j]
        caution = (("small_numbers",) if small[j] else ()) + (("denominator_changed",) if moved[j] else ())
        out.append(Change(baseline_value=b, value=v, absolute=(v - b) if v is not None and b is not None else None,
                          ratio=ratio, ratio_low=cols["ratio_low"][j], ratio_high=cols["ratio_high"][j],
                          relative=cols["relative"][j], relative_low=cols["relative_low"][j],
                          relative_high=cols["relative_high"][j], caution=caution))
    return out


def _rows(clinics: list[str], ind: Indicator, num: np.ndarray, den: np.ndarray, r: dict, b_num, b_den, b_val,
          ch: dict | None, part: pd.DataFrame, notes: list[dict], threshold: int) -> list[ClinicRow]:
    """One ClinicRow per clinic; the arrays are converted to plain lists once."""
    n = len(clinics)
    none = [None] * n
    value, nums, dens = _floats(r["value"]), _floats(num), _floats(den)
    low, high = _floats(r["ci_low"]), _floats(r["ci_high"])
    l95, u95, l998, u998 = (_floats(r[k]) for k in ("l95", "u95", "l998", "u998"))
    rank, flags, implausible = _floats(r["rank"]), r["flag"].tolist(), r["implausible"].tolist()
    b_nums = _floats(b_num) if b_num is not None else none
    b_dens = _floats(b_den) if b_den is not None else none
    b_vals = _floats(b_val) if b_val is not None else none
    changes = _changes(ch, b_vals, value) if ch is not None else none
    status_num, status_den = part["num_status"].tolist(), part["den_status"].tolist()
    clinic_notes = _notes_by_clinic(notes, ind)
    rows = []
    for j, clinic in enumerate(clinics):
        statuses = (status_num[j], status_den[j])
        quality = [q for q, on in (("missing", "missing" in statuses),
                                   ("suppressed_at_source", "suppressed" in statuses),
                                   ("implausible", implausible[j]),
                                   ("small_numbers", nums[j] is not None and 0 < nums[j] < threshold),
                                   ("denominator_changed", changes[j] is not None
                                    and "denominator_changed" in changes[j].caution)) if on]
        funnel = Funnel(l95[j], u95[j], l998[j], u998[j]) if value[j] is not None and l95[j] is not None else None
        rows.append(ClinicRow(
            clinic=clinic, numerator=nums[j], denominator=dens[j], value=value[j], ci_low=low[j], ci_high=high[j],
            rank=int(rank[j]) if rank[j] is not None else None, suppressed="suppressed" in statuses,
            funnel=funnel, flag=FLAGS[flags[j]] or None, baseline_numerator=b_nums[j],
            baseline_denominator=b_dens[j], baseline_value=b_vals[j], change=changes[j], quality=tuple(quality),
            notes=clinic_notes.get(clinic, ())))
    return rows


def _subject(title: str) -> str:
    """The indicator title as the subject of a sentence: first letter lower-case unless an acronym."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper() and title[1] != "-":
        return title[0].lower() + title[1:]
    return title


def _notes_by_clinic(notes: list[dict], ind: Indicator) -> dict[str | None, tuple[str, ...]]:
    """The coordinator's notes for this indicator: per clinic (notes on its measures or on the clinic in
    general) and, under None, notes on the indicator's measures for the whole cluster."""
    measures = {ind.numerator, ind.denominator}
    out: dict[str | None, list[str]] = {}
    for n in notes:
        if n["measure"] in measures or (n["measure"] is None and n["clinic"] is not None):
            out.setdefault(n["clinic"], []).append(n["text"])
    return {k: tuple(v) for k, v in out.items()}
