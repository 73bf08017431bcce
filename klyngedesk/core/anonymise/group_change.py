"""The cluster's change in group material: its heterogeneity told without the hidden clinics' own changes."""

from __future__ import annotations

from dataclasses import replace

from klyngedesk.core.anonymise.types import AnonymisedTable
from klyngedesk.core.collate.collate import change_held_together
from klyngedesk.core.collate.table import IndicatorTable
from klyngedesk.core.store import Project


def with_group_changes(project: Project, table: IndicatorTable, anon: AnonymisedTable,
                       codes: dict[str, str]) -> AnonymisedTable:
    """`anon` with each printed cluster change recomputed so that clinics whose counts it hides (in either
    round) enter the clinics' heterogeneity as one: the random-effects widening and Cochran's Q are sums
    over every clinic's own change, so computed over every clinic they told how hidden clinics split their
    counts (the same totals printed two different intervals). The point, the totals and the plain interval
    do not change, so neither does what the audit counted as told.

    Where list sizes are not printed exactly, a rate per list size is printed rounded and its exact change
    would tell the ratio of the clinic's list sizes now and then (Q is a quadratic in one clinic's change when
    a reader knows the others'): the heterogeneity then rests on the rates as printed."""
    if table.compare is None:
        return anon
    clinic_of = {code: clinic for clinic, code in codes.items()}
    indicators = []
    for a in anon.indicators:
        together = {clinic_of[r.code] for r in a.rows if (r.suppressed or r.baseline_suppressed) and r.code in clinic_of}
        rounded = anon.list_size_display != "exact" and table.indicator(a.key).denominator_kind == "list_size"
        if a.change is None or not (together or rounded):
            indicators.append(a)
            continue
        printed = {clinic_of[r.code]: (r.value, r.baseline_value) for r in a.rows if r.code in clinic_of} \
            if rounded else None
        change, sentence = change_held_together(project, table, a.key, together, printed, a.value_step)
        indicators.append(replace(a, change=change, sentence=dict(sentence)) if change is not None else a)
    return replace(anon, indicators=tuple(indicators))
