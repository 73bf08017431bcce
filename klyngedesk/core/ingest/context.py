"""What the importer needs to know about the project: clinics, measures, periods, earlier values, profiles."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from klyngedesk.core.ingest.cells import MONTHS, parse_date_text
from klyngedesk.core.ingest.tables import fold
from klyngedesk.core.model import Clinic, Indicator, Period

LIST_SIZE = "listestoerrelse"  # pseudo-measure: the clinic's list size, stored with set_list_sizes
LIST_SIZE_LABELS = {"listestoerrelse", "listestorrelse", "listedepatienter", "antallistedepatienter",
                    "patienterpaalisten", "antalpatienterpaalisten", "listsize", "listesize"}


_MONTH_NAME = re.compile(r"^([a-zæøå]{3,9})\.?\s*(\d{4})$")  # 'jan. 2026', 'juli 2026', 'sep2026'
_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{2})$|^(\d{2})\s*[-/.]\s*(\d{4})$")  # 2026-07, 07/2026


def _dates(text: str) -> tuple[date, date] | None:
    """(first, last) day of a date ('01-07-2026') or a month ('2026-07', '07/2026') written as a period."""
    day = parse_date_text(text)
    if day is not None:
        return day, day
    named = _MONTH_NAME.match(text.lower())
    m = _MONTH.match(text)
    if named is not None and named.group(1)[:3] in MONTHS:
        year, month = int(named.group(2)), MONTHS[named.group(1)[:3]]
    elif m is None:
        return None
    else:
        year, month = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
    if not 1 <= month <= 12:
        return None
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def squash(text: str) -> str:
    """Folded and stripped of everything but letters and digits: '1. halvår 2026' -> '1halvaar2026'."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


@dataclass
class ImportContext:
    """A snapshot of the project for mapping and checks; build it with `from_project`."""

    clinics: list[Clinic]
    measures: dict[str, str]  # key -> title (of the chosen topic, or all topics)
    periods: list[Period]
    indicators: list[Indicator] = field(default_factory=list)
    measure_topic: dict[str, str] = field(default_factory=dict)
    previous: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (clinic, measure, period)
    profiles: list[dict] = field(default_factory=list)
    list_sizes: dict[tuple[str, str], int] = field(default_factory=dict)  # (clinic, period) -> patients
    _measure_memo: dict[str, str | None] = field(default_factory=dict, repr=False)
    _period_memo: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_project(cls, project, topic: str | None = None) -> ImportContext:
        topics = [project.topic(topic)] if topic else project.topics()
        measures = {m.key: m.title for t in topics for m in t.measures}
        measure_topic = {m.key: t.key for t in topics for m in t.measures}
        # Plain rows, not frames: importing a file never imports pandas (a second of a small import's time).
        previous = {(c, m, p): v for c, m, p, v in project.value_data.active_numbers()}
        profiles = project.mapping_profiles() if hasattr(project, "mapping_profiles") else []
        sizes = project.clinic_data.list_size_totals() if hasattr(project, "clinic_data") else {}
        return cls(project.clinics(), measures, project.periods(), [i for t in topics for i in t.indicators],
                   measure_topic, previous, profiles, sizes)

    # --- lookups ---------------------------------------------------------------------------
    def measure_for(self, label: str) -> str | None:
        """A measure key from its key or title, compared folded; None when nothing matches exactly."""
        if label not in self._measure_memo:
            self._measure_memo[label] = self._measure_for(label)
        return self._measure_memo[label]

    def _measure_for(self, label: str) -> str | None:
        s = squash(label)
        if s in LIST_SIZE_LABELS:
            return LIST_SIZE
        for key, title in self.measures.items():
            if s in (squash(key), squash(title)):
                return key
        return None

    def period_for(self, label) -> str | None:
        """A period key from its key, its label or forms such as '2026-H1' and 'H1 2026', or the period holding a
        date or a month written in its place."""
        text = str(label)
        if text not in self._period_memo:
            self._period_memo[text] = self._period_for(text)
        return self._period_memo[text]

    def _period_for(self, label: str) -> str | None:
        s = squash(label)
        if not s:
            return None
        for p in self.periods:
            year, half = p.key[:4], p.key[-1:]
            forms = {squash(p.key), squash(p.label)}
            if p.key[4:5].upper() == "H":
                forms |= {f"h{half}{year}", f"{half}halvaar{year}", f"{year}{half}halvaar", f"{half}hy{year}"}
            if s in forms:
                return p.key
        return self._period_of_dates(label.strip())

    def _period_of_dates(self, text: str) -> str | None:
        """The period a date names by being its first or last day ('01-07-2026', '31.12.2026', an Excel date
        cell), or a month that is a whole period. A day or a month inside a longer period is not that period:
        a month's count stored as the half year's would be a wrong number (see `period_around`)."""
        span = _dates(text)
        if span is None:
            return None
        first, last = span
        if first == last:
            hits = [p.key for p in self.periods if first in (p.start, p.end)]
        else:
            hits = [p.key for p in self.periods if (p.start, p.end) == (first, last)]
        return hits[0] if len(hits) == 1 else None

    def period_around(self, label) -> str | None:
        """The one period that holds a day or month which is not a period itself ('2026-07' -> 2026H2)."""
        span = _dates(str(label).strip())
        if span is None:
            return None
        holding = [p.key for p in self.periods if p.start <= span[0] and span[1] <= p.end]
        return holding[0] if len(holding) == 1 else None

    def previous_period(self, key: str) -> str | None:
        ordered = [p.key for p in self.periods]
        i = ordered.index(key) if key in ordered else -1
        return ordered[i - 1] if i > 0 else None
