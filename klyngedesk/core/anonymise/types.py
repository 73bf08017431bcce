"""The anonymised table: what group material (handout, projector, export) is rendered from.

By construction it has NO identity fields: a row carries only the clinic's drawn code and, for a clinic
that consented at this meeting, its display name. No clinic key, yder number, doctor, address, e-mail or
EHR system exists anywhere in these types, so a group renderer that accepts only an `AnonymisedTable`
cannot be handed them by mistake. Counts under the threshold (and their complements) are None and
`suppressed` is True; render them as `suppressed_text` (e.g. "<5").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from klyngedesk.core.collate.table import Change, Funnel, Reference, Target, summary_json


@dataclass(frozen=True)
class AnonymisedRow:
    """One clinic in group material: shown as its code, or by name if it consented for this meeting."""

    code: str
    name: str | None                  # display name, only for a consenting clinic
    numerator: float | None           # None where suppressed (or missing)
    denominator: float | None         # None where suppressed, or a list size not shown exactly
    denominator_band: str | None      # e.g. "2000-3999" when list sizes are shown in bands
    value: float | None
    ci_low: float | None
    ci_high: float | None
    rank: int | None                  # among the clinics shown with a value
    suppressed: bool                  # this round's count was hidden (small number or complementary)
    funnel: Funnel | None
    flag: str | None
    baseline_value: float | None = None
    change: Change | None = None
    quality: tuple[str, ...] = ()
    baseline_suppressed: bool = False  # the baseline round's count was hidden (no baseline value, no change)
    # Why this round's count is hidden: "small" (the count itself is 1..threshold-1: printed "<5") or
    # "protect" (hidden so that a small count elsewhere cannot be worked out: printed "skjult", never "<5").
    hidden_reason: str | None = None
    # Only the rate is left out ("protect"), so that it does not give the list size back; its count is not
    # hidden for that (it may be shown elsewhere, e.g. as a share's denominator). Per round:
    rate_only: bool = False
    baseline_rate_only: bool = False
    # Where the exact interval is withheld (it would give the list size back): an interval from the printed rate
    # and list-size band only, wider than the exact one (stats/wide_interval.py), rounded outward to the step.
    wide_ci: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        """What the reader sees: the name of a consenting clinic, otherwise the code."""
        return self.name or self.code

    @property
    def change_relative(self) -> float | None:
        return self.change.relative if self.change else None


DECILES = (10, 20, 30, 40, 50, 60, 70, 80, 90)   # the percentiles of a trend round (the 50th is the median)
MIN_DECILE_CLINICS = 5                            # fewer values shown in a round: no deciles (nor median)


@dataclass(frozen=True)
class RoundValues:
    """One indicator in one round of the trend: each clinic's value under its code, as the group may see it.

    `values` holds (code, value) for every clinic of the meeting in code order; the value is None where the
    round's count is hidden (listed in `hidden`: small, or hidden to protect another) or the clinic has no
    value. `deciles` are the 10th..90th percentiles (the 50th is the median) over the values shown, as
    they are printed (rounded), so they give nothing back that the shown values do not; None below
    MIN_DECILE_CLINICS values. A round whose values a member could match to a name printed earlier is
    left out as a whole (`dropped`)."""

    period: str
    label: str
    values: tuple[tuple[str, float | None], ...]
    hidden: tuple[str, ...] = ()
    deciles: tuple[float, ...] | None = None
    dropped: bool = False

    @property
    def median(self) -> float | None:
        return self.deciles[DECILES.index(50)] if self.deciles else None

    def value(self, code: str) -> float | None:
        return dict(self.values).get(code)


@dataclass(frozen=True)
class AnonymisedIndicator:
    """An indicator for group material. Median/quartiles/min/max are over every clinic with a value, hidden
    ones included, rounded to `summary_step` where they rest on a hidden value (None where that would give
    it away); with `minimum_below` / `maximum_above` the range end is a bound ("under X" / "over X")."""

    key: str
    title: str
    unit: str
    direction: str | None
    method: str
    pooled: float | None
    pooled_ci_low: float | None
    pooled_ci_high: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    n_clinics: int
    references: tuple[Reference, ...]
    target: Target | None
    rows: tuple[AnonymisedRow, ...]
    overdispersion: dict = field(default_factory=dict)
    change: Change | None = None
    sentence: dict[str, str] = field(default_factory=dict)
    quality: tuple[str, ...] = ()
    value_step: float | None = None  # values/intervals/limits rounded to this step (so no list size is given back)
    baseline_hidden: bool = False    # per-clinic baselines left out (a clinic shown by name before, not now)
    # every round of the project up to this one, oldest first, when there are three or more (else empty)
    trend: tuple[RoundValues, ...] = ()
    minimum_below: bool = False      # the lowest value is a hidden clinic's: `minimum` is an upper bound of it
    maximum_above: bool = False      # the highest value is a hidden clinic's: `maximum` is a lower bound of it
    summary_step: float | None = None  # median/quartiles/range ends resting on hidden values are rounded to this
    intervals_withheld: bool = False  # the clinics' intervals left out by the audit (with the rate: a list size)
    change_withheld: bool = False    # the cluster change left out by the anonymisation, the cluster value printed


@dataclass(frozen=True)
class AnonymisedComposition:
    """Shares within a group per shown clinic (by label) and for the cluster; None where suppressed."""

    key: str
    title: str
    parts: tuple[str, ...]                             # part titles; the last may be "others"
    shares: tuple[tuple[str, tuple[float | None, ...]], ...]   # (label, shares in %) per clinic
    cluster: tuple[float | None, ...]
    # labels of the rows left out only because their bar would give back a value of theirs printed hidden (a rate
    # of one part beside another part's rate printed): their counts are not hidden (the audit models them as if
    # the bar were drawn)
    not_drawn: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnonymisedTable:
    """Result of `anonymise(...)` / `anonymised_table(project, meeting, topic)`; safe for group output."""

    meeting: str
    topic: str
    topic_title: str
    period: str
    period_label: str
    compare: str | None
    compare_label: str | None
    threshold: int
    list_size_display: str                           # "bands" | "hidden" | "exact"
    indicators: tuple[AnonymisedIndicator, ...]
    compositions: tuple[AnonymisedComposition, ...] = ()
    suppressed_text: str = "<5"
    hidden_text: str = "skjult"                      # a count hidden to protect another (never "<5")
    # whether small counts are printed as `suppressed_text` ("<5"); False below threshold 5, where "<T" would
    # pin them (see audit.marks_small): a small count is then printed as `hidden_text`, as its protectors are
    small_marked: bool = True

    def indicator(self, key: str) -> AnonymisedIndicator:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def hidden_label(self, row: AnonymisedRow) -> str:
        """What a hidden count of `row` is printed as: "<5" for a small one (where small ones are marked),
        "skjult" for one hidden to protect another (never "<5": it may be 5 or more)."""
        return self.hidden_text if row.hidden_reason == "protect" or not self.small_marked else self.suppressed_text

    def labels(self) -> list[str]:
        """Every row label (code or consented name), in code order."""
        seen = {r.label: r.code for ind in self.indicators for r in ind.rows}
        return sorted(seen, key=lambda lab: (len(seen[lab]), seen[lab]))

    def to_json(self) -> dict:
        """The `collate --json --meeting M --anonymised` shape of CLI.md."""
        return {
            "topic": self.topic, "period": self.period, "compare": self.compare, "meeting": self.meeting,
            "threshold": self.threshold, "list_size_display": self.list_size_display,
            "indicators": [{
                **summary_json(ind), "value_step": ind.value_step, "baseline_hidden": ind.baseline_hidden,
                "rows": [{"clinic": r.name, "code": r.code, "numerator": r.numerator,
                          "denominator": r.denominator, "denominator_band": r.denominator_band,
                          "value": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high, "rank": r.rank,
                          "suppressed": r.suppressed, "baseline_suppressed": r.baseline_suppressed,
                          "hidden_reason": r.hidden_reason, "rate_only": r.rate_only,
                          "baseline_rate_only": r.baseline_rate_only,
                          "funnel": asdict(r.funnel) if r.funnel else None,
                          "flag": r.flag, "baseline_value": r.baseline_value,
                          "change_relative": r.change_relative, "quality": list(r.quality)}
                         for r in ind.rows],
                "trend": [{"period": t.period, "label": t.label, "dropped": t.dropped, "hidden": list(t.hidden),
                           "deciles": list(t.deciles) if t.deciles else None,
                           "values": [{"code": c, "value": v} for c, v in t.values]} for t in ind.trend],
            } for ind in self.indicators],
            "compositions": [{"key": c.key, "title": c.title, "parts": list(c.parts),
                              "rows": [{"label": lab, "shares": list(s)} for lab, s in c.shares],
                              "cluster": list(c.cluster)} for c in self.compositions],
        }

    def texts(self) -> Iterator[str]:
        """Every string in the table (for the leak check)."""
        yield from (self.meeting, self.topic, self.topic_title, self.period, self.period_label)
        yield from (s for s in (self.compare, self.compare_label) if s)
        for ind in self.indicators:
            yield from (ind.key, ind.title, *ind.sentence.values(), *(r.source for r in ind.references))
            if ind.target:
                yield ind.target.source
            for r in ind.rows:
                yield r.label
            yield from (t.label for t in ind.trend)
        for c in self.compositions:
            yield from (c.title, *c.parts, *(lab for lab, _ in c.shares))
