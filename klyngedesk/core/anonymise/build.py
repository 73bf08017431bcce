"""From the identified indicator table to the anonymised table that group material is rendered from."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from klyngedesk.core.anonymise.codes import consenting_names, meeting_codes
from klyngedesk.core.anonymise.leak import check_no_leak
from klyngedesk.core.anonymise.suppression import Suppression, SuppressionProblem, suppress
from klyngedesk.core.anonymise.types import (
    AnonymisedComposition,
    AnonymisedIndicator,
    AnonymisedRow,
    AnonymisedTable,
)
from klyngedesk.core.collate.collate import collate
from klyngedesk.core.collate.composition import OTHER
from klyngedesk.core.collate.compute import min_rank
from klyngedesk.core.collate.table import ClinicRow, Composition, IndicatorResult, IndicatorTable
from klyngedesk.core.settings import LIST_SIZE_DISPLAY, THRESHOLD, resolve
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, tr

LIST_SIZE_DISPLAYS = ("bands", "hidden", "exact")
BAND_WIDTH = 2000
ROUNDS = ("cur", "base")


def list_size_band(size: float | None, width: int = BAND_WIDTH) -> str | None:
    """A list size as a band, e.g. 4.321 -> "4000–5999" (so a large practice is not pointed out exactly)."""
    if size is None or not np.isfinite(size):
        return None
    low = int(size // width) * width
    return f"{low}–{low + width - 1}"


def suppression_problem(table: IndicatorTable, threshold: int) -> SuppressionProblem:
    """Every count shown in group material and every sum a reader could use, for both rounds."""
    prob = SuppressionProblem(threshold=threshold)
    for ind in table.indicators:
        measured = ind.denominator_kind == "measure"
        for rnd in ROUNDS:
            contributing = []
            for row in ind.rows:
                num, den = _counts(row, rnd)
                prob.add_cell((rnd, ind.numerator_measure, row.clinic), num, row.clinic)
                if measured:
                    prob.add_cell((rnd, ind.denominator_measure, row.clinic), den, row.clinic)
                # Exactly the rows inside the pooled value (compute() leaves out unknown and implausible ones).
                if (row.value if rnd == "cur" else row.baseline_value) is not None:
                    contributing.append(row.clinic)
            # The cluster total of the numerator (and of a measured denominator) is shown via the pooled value.
            prob.add_equation((rnd, ind.key, "num"), [(rnd, ind.numerator_measure, c) for c in contributing])
            if measured:
                prob.add_equation((rnd, ind.key, "den"), [(rnd, ind.denominator_measure, c) for c in contributing])
                rests = []
                for c in contributing:  # a share's remainder, den - num, is known from the two counts
                    rest = ("rest", rnd, ind.key, c)
                    num, den = (prob.counts.get((rnd, m, c)) for m in (ind.numerator_measure, ind.denominator_measure))
                    if num is not None and den is not None:
                        prob.add_derived(rest, [(rnd, ind.numerator_measure, c), (rnd, ind.denominator_measure, c)],
                                         den - num, c)
                        prob.add_equation(None, [(rnd, ind.denominator_measure, c), (rnd, ind.numerator_measure, c),
                                                 rest])
                        rests.append(rest)
                prob.add_equation((rnd, ind.key, "rest"), rests)
    for comp in table.compositions:
        members = [p.key for p in comp.parts if p.key != OTHER]
        if len(members) == 1 and any(ind.key == comp.key for ind in table.indicators):
            continue  # a two-part share: its remainder is already covered above
        for clinic in comp.counts:
            prob.add_cell(("cur", comp.total_measure, clinic), comp.totals.get(clinic), clinic)
        for rnd in ROUNDS:
            _add_composition(prob, comp, members, rnd)
    return prob


def _add_composition(prob: SuppressionProblem, comp: Composition, members: list[str], rnd: str) -> None:
    """A composition's "others" (total - parts) per clinic and their cluster sum, in one round. The baseline
    composition is not shown, but its parts and total are (through baseline rates and shares), so a reader
    could form its "others" just the same."""
    others = []
    for clinic in comp.counts:
        sources = [(rnd, m, clinic) for m in members] + [(rnd, comp.total_measure, clinic)]
        other = ("other", comp.key, clinic) if rnd == "cur" else ("other", rnd, comp.key, clinic)
        if rnd == "cur":
            value = comp.counts[clinic][-1]
        elif all(c in prob.counts for c in sources):
            value = prob.counts[sources[-1]] - sum(prob.counts[c] for c in sources[:-1])
        else:
            value = None
        if value is not None:
            prob.add_derived(other, sources, value, clinic)
            prob.add_equation(None, [*sources, other])
            others.append(other)
    prob.add_equation((rnd, comp.key, "other"), others)
    for m in members:
        prob.add_equation((rnd, comp.key, m), [(rnd, m, c) for c in comp.counts])


def _counts(row: ClinicRow, rnd: str) -> tuple[float | None, float | None]:
    return (row.numerator, row.denominator) if rnd == "cur" else (row.baseline_numerator, row.baseline_denominator)


def anonymise(table: IndicatorTable, codes: dict[str, str], *, meeting: str, named: dict[str, str] | None = None,
              threshold: int = 5, list_size_display: str = "bands", lang: str | None = None) -> AnonymisedTable:
    """Replace clinic keys by codes (or by name for consenting clinics in `named`: key -> display name),
    suppress counts under `threshold` with complementary suppression (totals, other clinics, before/after
    differences, composition remainders), show list sizes as bands/hidden/exact, and recompute the
    cluster median/quartiles/min/max over the rows shown. `lang` is the language of the texts it adds (a
    composition's "others"; None = the current language). Pure function: no project access.
    """
    if list_size_display not in LIST_SIZE_DISPLAYS:
        raise KlyngeError("Unknown list size display {value}; choose bands, hidden or exact.", value=list_size_display)
    named = named or {}
    missing = sorted({r.clinic for ind in table.indicators for r in ind.rows} - set(codes))
    if missing:
        raise KlyngeError("The clinic {key} has no code in the draw for this meeting; draw the codes again.",
                          key=missing[0])
    sup = suppress(suppression_problem(table, threshold))
    indicators = tuple(_indicator(ind, sup, codes, named, list_size_display, table.compare is not None)
                       for ind in table.indicators)
    return AnonymisedTable(
        meeting=meeting, topic=table.topic, topic_title=table.topic_title, period=table.period,
        period_label=table.period_label, compare=table.compare, compare_label=table.compare_label,
        threshold=threshold, list_size_display=list_size_display, indicators=indicators,
        compositions=tuple(_composition(c, sup, codes, named, lang) for c in table.compositions),
        suppressed_text=f"<{threshold}")


def _sort_key(code: str) -> tuple[int, str]:
    return (len(code), code.zfill(8)) if code.isdigit() else (len(code), code)


def _row_hidden(ind: IndicatorResult, row: ClinicRow, sup: Suppression, rnd: str) -> bool:
    cells = [(rnd, ind.numerator_measure, row.clinic)]
    if ind.denominator_kind == "measure":
        cells.append((rnd, ind.denominator_measure, row.clinic))
    return any(c in sup.hidden for c in cells)


def _indicator(ind: IndicatorResult, sup: Suppression, codes: dict[str, str], named: dict[str, str],
               list_size_display: str, has_baseline: bool) -> AnonymisedIndicator:
    withheld = any(k[1] == ind.key for k in sup.withheld_totals if isinstance(k, tuple) and k[0] == "cur")
    base_withheld = any(k[1] == ind.key for k in sup.withheld_totals if isinstance(k, tuple) and k[0] == "base")
    rows = []
    for r in sorted(ind.rows, key=lambda r: _sort_key(codes[r.clinic])):
        hide = _row_hidden(ind, r, sup, "cur")
        no_limits = hide or withheld  # funnel limits (and flags) are centred on the pooled value
        hide_base = has_baseline and _row_hidden(ind, r, sup, "base")
        list_den = ind.denominator_kind == "list_size"
        den = None if hide and not list_den else r.denominator
        band = None
        if list_den and list_size_display != "exact":
            band = list_size_band(r.denominator) if list_size_display == "bands" else None
            den = None
        show_change = not hide and not hide_base
        rows.append(AnonymisedRow(
            code=codes[r.clinic], name=named.get(r.clinic), numerator=None if hide else r.numerator,
            denominator=den, denominator_band=band, value=None if hide else r.value,
            ci_low=None if hide else r.ci_low, ci_high=None if hide else r.ci_high, rank=None,
            suppressed=hide, baseline_suppressed=hide_base, funnel=None if no_limits else r.funnel, flag=None if no_limits else r.flag,
            baseline_value=r.baseline_value if show_change else None, change=r.change if show_change else None,
            quality=tuple(q for q in r.quality if q != "small_numbers")))
    values = np.array([r.value if r.value is not None else np.nan for r in rows], dtype=float)
    has = np.isfinite(values)
    ranks = min_rank(np.where(has, values, np.inf))
    rows = [_with_rank(r, int(ranks[i]) if has[i] else None) for i, r in enumerate(rows)]
    shown = values[has]
    q1, med, q3 = (float(v) for v in np.percentile(shown, [25, 50, 75])) if shown.size else (None, None, None)
    return AnonymisedIndicator(
        key=ind.key, title=ind.title, unit=ind.unit, direction=ind.direction, method=ind.method,
        pooled=None if withheld else ind.pooled, pooled_ci_low=None if withheld else ind.pooled_ci_low,
        pooled_ci_high=None if withheld else ind.pooled_ci_high, median=med, q1=q1, q3=q3,
        minimum=float(shown.min()) if shown.size else None, maximum=float(shown.max()) if shown.size else None,
        n_clinics=ind.n_clinics, references=ind.references, target=ind.target, rows=tuple(rows),
        # phi and tau^2 are sums over every clinic, hidden ones included: not shown to the group.
        # (the setting and the method name are no sums over clinics)
        overdispersion={k: ind.overdispersion.get(k) for k in ("adjusted", "adjustment", "method")},
        change=None if withheld or base_withheld else ind.change,
        sentence={} if withheld or base_withheld else dict(ind.sentence), quality=ind.quality)


def _with_rank(row: AnonymisedRow, rank: int | None) -> AnonymisedRow:
    return replace(row, rank=rank)


def _composition(comp: Composition, sup: Suppression, codes: dict[str, str], named: dict[str, str],
                 lang: str | None) -> AnonymisedComposition:
    members = [p.key for p in comp.parts if p.key != OTHER]
    rows = []
    for clinic in sorted(comp.shares, key=lambda c: _sort_key(codes[c])):
        cells = [("cur", m, clinic) for m in members] + [("cur", comp.total_measure, clinic)]
        hidden = any(c in sup.hidden for c in cells) or ("other", comp.key, clinic) in sup.primary
        label = named.get(clinic) or codes[clinic]
        rows.append((label, tuple(None for _ in comp.parts) if hidden else comp.shares[clinic]))
    withheld = any(isinstance(k, tuple) and len(k) == 3 and k[:2] == ("cur", comp.key) for k in sup.withheld_totals)
    parts = tuple(tr("Others", lang) if p.key == OTHER else p.title for p in comp.parts)  # in the caller's language
    return AnonymisedComposition(key=comp.key, title=comp.title, parts=parts,
                                 shares=tuple(rows),
                                 cluster=tuple(None for _ in comp.parts) if withheld else comp.cluster)


def anonymised_table(project: Project, meeting: str, topic: str, *, period: str | None = None,
                     compare: str | None = None, meeting_baseline: bool = True,
                     lang: str | None = None) -> AnonymisedTable:
    """The anonymised table for a meeting: its drawn codes, its consents, the project's threshold and
    list-size setting. `period` defaults to the meeting's period; without `compare`, the meeting's baseline
    is used when `meeting_baseline` is True and the period is the meeting's (the CLI passes False so that
    only --compare compares). `lang`: the language of the texts it adds (None = the current one). Refused
    (KlyngeError) when no codes have been drawn for the meeting. The result passes `check_no_leak` or this
    raises IdentityLeak.
    """
    m = project.meeting(meeting)
    period = period or m.period
    if not period:
        raise KlyngeError("The meeting {key} has no period; choose one.", key=meeting)
    if compare is None and meeting_baseline and period == m.period:
        compare = m.baseline_period
    codes = meeting_codes(project, meeting)
    table = collate(project, topic, period, compare)
    result = anonymise(table, codes, meeting=meeting, named=consenting_names(project, meeting),
                       threshold=resolve(THRESHOLD, project),
                       list_size_display=resolve(LIST_SIZE_DISPLAY, project), lang=lang)
    check_no_leak(result.texts(), project, meeting)
    return result
