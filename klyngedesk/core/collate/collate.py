"""Collation: a topic's indicators for a period, with intervals, funnel limits, ranks and change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import numpy as np
import pandas as pd

from klyngedesk.core.collate.composition import compositions
from klyngedesk.core.collate.compute import METHOD_BY_UNIT, compute
from klyngedesk.core.collate.compute import plain_floats as _floats
from klyngedesk.core.collate.inputs import (
    Snapshot,
    indicator_parts,
    indicator_scale,
    inputs_from,
    snapshot,
)
from klyngedesk.core.collate.table import (
    Change,
    ClinicRow,
    Flag,
    Funnel,
    IndicatorResult,
    IndicatorTable,
    QualityFlag,
    Reference,
    Target,
)
from klyngedesk.core.formatting import format_number, format_percent
from klyngedesk.core.model import Indicator, Period, usual_decimals
from klyngedesk.core.records import bulk, record
from klyngedesk.core.stats.change import change_arrays, change_sentence, cluster_change
from klyngedesk.core.stats.change_words import (
    MARGIN_POINTS,
    MARGIN_RELATIVE,
    clinics_note,
    period_note,
    season_note,
    verdict,
)
from klyngedesk.core.stats.funnel import FLAGS, limit_method
from klyngedesk.core.stats.rules import too_few_clinics
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError


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
    value as FunnelPlotR draws them by default (adjusted for overdispersion where phi > 1 when
    `overdispersion` is True; None = the project setting "overdispersion", default True), outside-limit
    flag, data-quality flags, and with `compare` the baseline value and the change with its interval. For
    the cluster: pooled value with interval, median, quartiles, min/max, references, target, compositions
    and the change (over the clinics with figures in both rounds) with its sentence in Danish and English.
    Unknown topic/period raise KlyngeError. `cancel()` returning True stops early with KlyngeError.
    """
    snap = snapshot(project, [(topic, period)] + ([(topic, compare)] if compare else []))
    return _table(snap, topic, period, compare, overdispersion, progress, cancel)


Round = tuple[str, str, str | None]
_Inputs = tuple[pd.DataFrame, dict[str, pd.DataFrame]]  # a round's inputs and the same split by indicator


def collate_many(project: Project, rounds: Iterable[Round] | None = None, *,
                 overdispersion: bool | None = None, progress: Callable[[float], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> dict[Round, IndicatorTable]:
    """`collate` for many (topic, period, compare) rounds from one fetch of the project's values.

    Default rounds: every topic x period, each against the period before (the first without baseline).
    The tables equal `collate` round by round; at national scale the store is read once, not per round.
    """
    snap = snapshot(project)
    if rounds is None:
        keys = list(snap.periods)
        rounds = [(t, p, keys[i - 1] if i else None) for t in snap.topics for i, p in enumerate(keys)]
    todo = list(rounds)
    out: dict[Round, IndicatorTable] = {}
    inputs: dict[tuple[str, str], _Inputs] = {}   # a period is a round and the next round's baseline
    with bulk():
        for i, (topic, period, compare) in enumerate(todo):
            out[(topic, period, compare)] = _table(snap, topic, period, compare, overdispersion, None, cancel,
                                                   inputs)
            if progress:
                progress((i + 1) / len(todo))
    return out


def _table(snap: Snapshot, topic: str, period: str, compare: str | None, overdispersion: bool | None,
           progress: Callable[[float], None] | None, cancel: Callable[[], bool] | None,
           cache: dict[tuple[str, str], _Inputs] | None = None) -> IndicatorTable:
    topic_obj = snap.topic(topic)
    period_obj = snap.period(period)
    base_obj = snap.period(compare) if compare else None
    if compare == period:
        raise KlyngeError("The baseline period must differ from the period.")
    if overdispersion is None:
        overdispersion = snap.overdispersion
    threshold = snap.threshold
    cache = {} if cache is None else cache
    for key in [(topic, period)] + ([(topic, compare)] if compare else []):
        if key not in cache:
            frame = inputs_from(snap, *key)
            cache[key] = (frame, indicator_parts(frame))
    inputs = cache[(topic, period)]
    base_inputs = cache[(topic, compare)] if compare else None
    notes = [n for n in snap.notes if n["period"] in (None, period)]
    references = snap.references
    results = []
    for i, ind in enumerate(topic_obj.indicators):
        if cancel and cancel():
            raise KlyngeError("Collation was cancelled.")
        results.append(_indicator(ind, period_obj, base_obj, inputs, base_inputs, notes, references,
                                  overdispersion, threshold, _seasonal(topic_obj.package, ind.key)))
        if progress:
            progress((i + 1) / max(len(topic_obj.indicators), 1))
    return IndicatorTable(
        topic=topic, topic_title=topic_obj.title, period=period, period_label=period_obj.label,
        compare=compare, compare_label=base_obj.label if base_obj else None, indicators=tuple(results),
        compositions=compositions(topic_obj, *inputs), threshold=threshold,
        clinic_names={c.key: c.name for c in snap.clinics})


def _part(inputs: _Inputs, key: str) -> pd.DataFrame:
    """One indicator's inputs, indexed by clinic."""
    frame, parts = inputs
    part = parts.get(key)
    return part if part is not None else frame[frame["indicator"] == key].set_index("clinic")


def _seasonal(package: dict, key: str) -> bool:
    """The topic package marks the indicator seasonal ("seasonal": true)."""
    for spec in package.get("indicators", []) if isinstance(package, dict) else []:
        if isinstance(spec, dict) and spec.get("key") == key:
            return bool(spec.get("seasonal", False))
    return False


def _half(period: Period) -> int:
    """1 or 2: the half of the year the middle of the period falls in."""
    middle = period.start + (period.end - period.start) / 2
    return 1 if middle.month <= 6 else 2


def _unit_text(value: float | None, unit: str, lang: str) -> str:
    d = usual_decimals(value, unit)   # as the pages print the same value beside the sentence
    return format_percent(value, d, lang) if unit == "percent" else format_number(value, d, lang)


def _indicator(ind: Indicator, period: Period, base: Period | None, inputs: _Inputs,
               base_inputs: _Inputs | None, notes: list[dict], references: list,
               overdispersion: bool, threshold: int, seasonal: bool = False) -> IndicatorResult:
    part = _part(inputs, ind.key)
    clinics = part.index.to_numpy(dtype=object).tolist()   # not str by str through the string array
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
    cluster_change_obj: Change | None = None
    sentence: dict[str, str] = {}
    if base is not None and base_inputs is not None:
        bpart = _part(base_inputs, ind.key).reindex(clinics)
        b_num, b_den = bpart["numerator"].to_numpy(float), bpart["denominator"].to_numpy(float)
        b_r = compute(b_num[None], (b_den if ind.denominator_kind != "none" else np.full(len(clinics), np.nan))[None],
                      unit=ind.unit, scale=indicator_scale(ind, base))
        b_val = b_r["value"][0]
        ok = np.isfinite(r["value"]) & np.isfinite(b_val)
        n1 = den if ind.denominator_kind != "none" else np.ones(len(clinics))
        n0 = b_den if ind.denominator_kind != "none" else np.ones(len(clinics))
        if ind.per_year:  # annualised rates: compare events per person-time, as the printed values are
            n1, n0 = n1 * period.days, n0 * base.days
        ch = change_arrays(np.where(ok, num, np.nan), n1, np.where(ok, b_num, np.nan), n0, proportion=proportion)
        both = ok & np.isfinite(n1) & np.isfinite(n0)
        only_one = int((np.isfinite(r["value"]) ^ np.isfinite(b_val)).sum())
        cluster_change_obj, sentence = _cluster_change(ind, period, base, num[both], n1[both], b_num[both],
                                                       n0[both], only_one, seasonal)
    rows = _rows(clinics, ind, num, den, r, b_num, b_den, b_val, ch, part, notes, threshold)
    n = int(r["n"][0])
    phi = _f(r["phi"][0])
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
        overdispersion={"phi": phi, "tau2": _f(r["tau2"][0]), "adjusted": bool(r["adjusted"][0]),
                        "adjustment": overdispersion, "overdispersed": phi is not None and phi > 1,
                        "method": limit_method("proportion" if proportion else "rate")
                        if ind.unit != "count" else None},
        change=cluster_change_obj, sentence=sentence,
        quality=("no_data",) if n == 0 else ("few_clinics",) if too_few_clinics(n) else (),
        notes=_notes_by_clinic(notes, ind).get(None, ()), numerator_measure=ind.numerator, denominator_measure=ind.denominator,
        denominator_kind=ind.denominator_kind)


def change_held_together(project: Project, table: IndicatorTable, key: str, together: set[str],
                         printed: dict[str, tuple[float | None, float | None]] | None = None,
                         step: float | None = None) -> tuple[Change | None, dict[str, str]]:
    """Indicator `key`'s cluster change and sentence as `collate` gives them, with the clinics `together`
    (those whose counts group material hides) held as one in the heterogeneity: their own changes are not
    told by the widened interval or Cochran's Q (see stats.change.cluster_change). `printed`: clinic ->
    (rate now, rate then) as group material prints them (rounded to `step`), where the heterogeneity must
    rest on those."""
    topic = project.topic(table.topic)
    meta = next(i for i in topic.indicators if i.key == key)
    ind = table.indicator(key)
    assert table.compare is not None
    period, base = project.period(table.period), project.period(table.compare)

    def column(name: str) -> np.ndarray:
        return np.array([np.nan if getattr(r, name) is None else getattr(r, name) for r in ind.rows], dtype=float)

    num, den, b_num, b_den = (column(c) for c in ("numerator", "denominator", "baseline_numerator",
                                                   "baseline_denominator"))
    value, b_val = column("value"), column("baseline_value")
    n1, n0 = (den * period.days, b_den * base.days) if meta.per_year else (den, b_den)
    both = np.isfinite(value) & np.isfinite(b_val) & np.isfinite(n1) & np.isfinite(n0)
    only_one = int((np.isfinite(value) ^ np.isfinite(b_val)).sum())
    mask = np.array([r.clinic in together for r in ind.rows], dtype=bool)[both]
    shown = None if printed is None else (*(
        np.array([np.nan if (v := printed.get(r.clinic, (None, None))[i]) is None else v for r in ind.rows],
                 dtype=float)[both] for i in (0, 1)), step)
    return _cluster_change(meta, period, base, num[both], n1[both], b_num[both], n0[both], only_one,
                           _seasonal(topic.package, key), together=mask, printed=shown)


def _cluster_change(ind: Indicator, period: Period, base: Period, x1: np.ndarray, n1: np.ndarray, x0: np.ndarray,
                    n0: np.ndarray, only_one: int, seasonal: bool, together: np.ndarray | None = None,
                    printed: tuple | None = None) -> tuple[Change | None, dict[str, str]]:
    """The cluster's change over the paired clinics, the before/after values over the same clinics, and
    the sentence in both languages (`together`: see stats.change.cluster_change)."""
    if ind.denominator_kind == "none" or x1.size == 0:
        return None, {lang: change_sentence(_subject(ind.title), None, None, None, base.label, period.label, lang)
                      for lang in ("da", "en")} if x1.size == 0 else {}
    proportion = ind.unit == "percent"
    cc = cluster_change(x1, n1, x0, n0, proportion=proportion, together=together, printed=printed)
    raw1, raw0 = (n1 / period.days, n0 / base.days) if ind.per_year else (n1, n0)
    after = float(x1.sum() / raw1.sum() * indicator_scale(ind, period))
    before = float(x0.sum() / raw0.sum() * indicator_scale(ind, base))
    fig = change_arrays(x1.sum(), n1.sum(), x0.sum(), n0.sum(), proportion=proportion)
    caution = tuple(c for c in ("small_numbers", "denominator_changed") if bool(np.atleast_1d(fig[c])[0]))
    if seasonal and _half(period) != _half(base):
        caution += ("seasonal",)
    if not ind.per_year and period.days != base.days and ind.unit != "percent":
        caution += ("period_length",)
    est, low, high = _f(cc["estimate"]), _f(cc["low"]), _f(cc["high"])
    ratio = _f(np.atleast_1d(fig["ratio"])[0])
    rlow, rhigh = _f(np.atleast_1d(fig["ratio_low"])[0]), _f(np.atleast_1d(fig["ratio_high"])[0])
    if proportion:
        rel = (ratio - 1 if ratio is not None else None, rlow - 1 if rlow is not None else None,
               rhigh - 1 if rhigh is not None else None)
        pts = (est, low, high)
    else:
        rel, pts = (est, low, high), (None, None, None)
        ratio, rlow, rhigh = (v + 1 if v is not None else None for v in (est, low, high))
    change = Change(baseline_value=_f(before), value=_f(after),
                    absolute=after - before if np.isfinite([after, before]).all() else None,
                    ratio=ratio, ratio_low=rlow, ratio_high=rhigh, relative=rel[0], relative_low=rel[1],
                    relative_high=rel[2], caution=caution, measure="points" if proportion else "relative",
                    points=pts[0], points_low=pts[1], points_high=pts[2], verdict=cc["verdict"],
                    margin=cc["margin"], heterogeneous=cc["heterogeneous"],
                    heterogeneity=_f(cc["heterogeneity"]["ratio"]), clinics=cc["clinics"],
                    annualised=ind.per_year, method=cc["method"])
    sentence = {}
    for lang in ("da", "en"):
        notes = [clinics_note(cc["clinics"], only_one, lang)]
        if ind.unit != "percent":
            notes.append(period_note(ind.per_year, base.days, period.days, lang))
        if "seasonal" in caution:
            notes.append(season_note(lang))
        sentence[lang] = change_sentence(_subject(ind.title), est, low, high, base.label, period.label, lang,
                                         caution, before=_unit_text(before, ind.unit, lang),
                                         after=_unit_text(after, ind.unit, lang), points=proportion,
                                         margin=cc["margin"], heterogeneous=cc["heterogeneous"], notes=notes)
    return change, sentence


def _changes(ch: dict[str, np.ndarray], baseline: list, value: list) -> list[Change | None]:
    """Clinic-level changes (percentage points for proportions, relative change for rates) with verdicts."""
    keys = ["ratio", "ratio_low", "ratio_high", "relative", "relative_low", "relative_high"]
    points = "points" in ch
    cols = {k: _floats(ch[k]) for k in keys + (["points", "points_low", "points_high"] if points else [])}
    small, moved = ch["small_numbers"].tolist(), ch["denominator_changed"].tolist()
    out: list[Change | None] = []
    for j, ratio in enumerate(cols["ratio"]):
        p = (cols["points"][j], cols["points_low"][j], cols["points_high"][j]) if points else (None, None, None)
        main = p if points else (cols["relative"][j], cols["relative_low"][j], cols["relative_high"][j])
        if main[0] is None:
            out.append(None)
            continue
        b, v = baseline[j], value[j]
        caution = (("small_numbers",) if small[j] else ()) + (("denominator_changed",) if moved[j] else ())
        margin = MARGIN_POINTS if points else MARGIN_RELATIVE
        out.append(record(Change, {
            "baseline_value": b, "value": v, "absolute": (v - b) if v is not None and b is not None else None,
            "ratio": ratio, "ratio_low": cols["ratio_low"][j], "ratio_high": cols["ratio_high"][j],
            "relative": cols["relative"][j], "relative_low": cols["relative_low"][j],
            "relative_high": cols["relative_high"][j], "caution": caution,
            "measure": "points" if points else "relative", "points": p[0], "points_low": p[1],
            "points_high": p[2], "verdict": verdict(*main, margin, points), "margin": margin, "heterogeneous": False,
            "heterogeneity": None, "clinics": 1, "annualised": False, "method": ""}))
    return out


def _rows(clinics: list[str], ind: Indicator, num: np.ndarray, den: np.ndarray, r: dict, b_num, b_den, b_val,
          ch: dict | None, part: pd.DataFrame, notes: list[dict], threshold: int) -> list[ClinicRow]:
    """One ClinicRow per clinic; the arrays are converted to plain lists once."""
    n = len(clinics)
    none = [None] * n
    value, nums, dens = _floats(r["value"]), _floats(num), _floats(den)
    low, high = _floats(r["ci_low"]), _floats(r["ci_high"])
    l95, u95, l998, u998, p998, q998 = (_floats(r[k]) for k in ("l95", "u95", "l998", "u998", "plain_l998",
                                                                  "plain_u998"))
    rank, implausible = _floats(r["rank"]), r["implausible"].tolist()
    flags = cast(list[Flag | None], [FLAGS[f] or None for f in r["flag"].tolist()])  # one cast, not one per row
    b_nums = _floats(b_num) if b_num is not None else none
    b_dens = _floats(b_den) if b_den is not None else none
    b_vals = _floats(b_val) if b_val is not None else none
    changes = _changes(ch, b_vals, value) if ch is not None else none
    status_num, status_den = part["num_status"].tolist(), part["den_status"].tolist()
    clinic_notes = _notes_by_clinic(notes, ind)
    rows = []
    for j, clinic in enumerate(clinics):
        statuses = (status_num[j], status_den[j])
        count, change = nums[j], changes[j]
        checks: tuple[tuple[QualityFlag, bool], ...] = (
            ("missing", "missing" in statuses), ("suppressed_at_source", "suppressed" in statuses),
            ("implausible", bool(implausible[j])),
            ("small_numbers", count is not None and 0 < count < threshold),
            ("denominator_changed", change is not None and "denominator_changed" in change.caution))
        quality = [q for q, on in checks if on]
        a, b, c, d = l95[j], u95[j], l998[j], u998[j]
        funnel = (record(Funnel, {"l95": a, "u95": b, "l998": c, "u998": d, "plain_l998": p998[j],
                                  "plain_u998": q998[j]})
                  if value[j] is not None and a is not None and b is not None
                  and c is not None and d is not None else None)
        position = rank[j]
        rows.append(record(ClinicRow, {
            "clinic": clinic, "numerator": nums[j], "denominator": dens[j], "value": value[j], "ci_low": low[j],
            "ci_high": high[j], "rank": int(position) if position is not None else None,
            "suppressed": "suppressed" in statuses, "funnel": funnel, "flag": flags[j],
            "baseline_numerator": b_nums[j], "baseline_denominator": b_dens[j], "baseline_value": b_vals[j],
            "change": changes[j], "quality": tuple(quality), "notes": clinic_notes.get(clinic, ())}))
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
