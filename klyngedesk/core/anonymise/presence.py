"""Rounds a code has figures for: where that pattern tells who joined, left or missed a round, it is left out.

Which clinic joined the cluster, which left and which sent nothing for a round is known to the members. Group
material prints, per code, which rounds have something (a value, "<5", "skjult") and which have nothing: the
current round, the baseline beside it and the trend's further rounds. The one code with no baseline is the clinic
that joined; the one code with a baseline and no current value the clinic that left, its earlier figures then
beside its name. `linked_rounds` plays that member before anything is hidden, as if every figure were printed: a
code can be a clinic unless it shows something in a round the clinic has no figures for. Every clinic not shown by
name that has something printed (a value, a small count) must keep at least MIN_CODES codes it could be (the
disclosure report's rule for list sizes: a size that fits at most one other clinic singles it out). Where it does
not, the rounds other than the current one in which that clinic has no figures are left out for every clinic (or,
where only the current round tells it apart, the rounds that tell something of it), as for a clinic shown by name
before (the baseline, a further round of the trend): what is left out for all points at nobody, and no round
printed again under new codes is left to match against the earlier pack that printed it.
"""

from __future__ import annotations

from collections.abc import Sequence

from klyngedesk.core.collate.table import IndicatorTable

MIN_CODES = 3   # the clinic and at least two others

Column = tuple[str, str]   # (indicator key, period)


def _present(table: IndicatorTable, rounds: Sequence[IndicatorTable]) -> dict[str, set[Column]]:
    """clinic -> the (indicator, round) columns it has a value in: the table's two rounds and the trend's."""
    out: dict[str, set[Column]] = {}
    for ind in table.indicators:
        for r in ind.rows:
            cols = out.setdefault(r.clinic, set())
            if r.value is not None or r.numerator is not None:   # a count of 0 of 0 may be marked hidden
                cols.add((ind.key, table.period))
            if table.compare and (r.baseline_value is not None or r.baseline_numerator is not None):
                cols.add((ind.key, table.compare))
    for rt in rounds:
        if rt.period in (table.period, table.compare):
            continue
        for ind in rt.indicators:
            for r in ind.rows:
                if r.value is not None or r.numerator is not None:
                    out.setdefault(r.clinic, set()).add((ind.key, rt.period))
    return out


def linked_rounds(table: IndicatorTable, rounds: Sequence[IndicatorTable], codes: dict[str, str],
                  named: dict[str, str]) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """What keeps every clinic not shown by name at MIN_CODES codes or more by the rounds it has figures for:
    (period, indicator, clinic) of the rounds other than the current one to leave out for all clinics (the
    clinic is the one whose pattern called for it), and the cells (round, measure, clinic) to hide where only
    the current round tells a clinic apart (it has none there): its figures of the other rounds, so that nothing
    of it is printed and the audit protects them (a total over the clinics with the earlier round, minus the
    change's over those with both, is its count). Played as if every figure a clinic has were printed (a value
    or a mark): the printed table shows no more, so the codes it leaves are at least these, whatever the audit
    hides later."""
    present = _present(table, rounds)
    clinics = sorted(c for c in codes if c not in named)
    dropped: dict[Column, str] = {}
    hidden: dict[str, set[Column]] = {}
    while True:
        shown = {c: present.get(c, set()) - set(dropped) for c in clinics}
        new: dict[Column, str] = {}
        for clinic in clinics:
            has = shown[clinic]
            if not has - hidden.get(clinic, set()):    # nothing printed of it
                continue
            could = [c for c, cols in shown.items() if cols <= has]
            if len(could) >= MIN_CODES:
                continue
            # The rounds that rule codes out (the clinic has no figures there) go for all; where only the
            # current round does (it left, or missed this round), its figures of the other rounds are hidden.
            out = {col for cols in shown.values() for col in cols - has if col[1] != table.period}
            for col in sorted(out):
                new.setdefault(col, clinic)
            if not out:
                hidden.setdefault(clinic, set()).update(col for col in has if col[1] != table.period)
        if not new:
            break
        dropped.update(new)
    measures = {ind.key: ind.numerator_measure for ind in table.indicators}
    cells = {("base" if period == table.compare else period, measures[key], clinic)
             for clinic, cols in hidden.items() for key, period in cols - set(dropped) if key in measures}
    return {(period, key, clinic) for (key, period), clinic in dropped.items()}, cells


def changes_to_withhold(table: IndicatorTable, named: dict[str, str]) -> set[tuple[str, str, str]]:
    """The baseline totals (suppression's total ids) to withhold, which leaves the cluster change out: where one
    or two clinics not shown by name have the current round and not the earlier one (they joined, or missed it),
    the pooled value's totals minus the change's (over the clinics with both) are their counts and list sizes,
    and their ratio finds the newcomer's row."""
    out = set()
    for ind in table.indicators:
        if not table.compare:
            break
        only = [r.clinic for r in ind.rows if r.value is not None and r.baseline_value is None]
        if 0 < len(only) < MIN_CODES and any(c not in named for c in only):
            out.add(("base", ind.key, "num"))
    return out
