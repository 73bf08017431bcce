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
    do not change, so neither does what the audit counted as told."""
    if table.compare is None:
        return anon
    clinic_of = {code: clinic for clinic, code in codes.items()}
    indicators = []
    for a in anon.indicators:
        together = {clinic_of[r.code] for r in a.rows if (r.suppressed or r.baseline_suppressed) and r.code in clinic_of}
        if a.change is None or not together:
            indicators.append(a)
            continue
        change, sentence = change_held_together(project, table, a.key, together)
        indicators.append(replace(a, change=change, sentence=dict(sentence)) if change is not None else a)
    return replace(anon, indicators=tuple(indicators))
