"""The indicator table: typed result of collation (per indicator and per clinic), identified by clinic key.

This is the coordinator's own, identified view. Group material must never be rendered from it: use
`klyngedesk.core.anonymise.AnonymisedTable` (made by `anonymise(...)`), which has no identity fields.
Floats are plain Python floats; a missing number is None (never NaN) so the records serialise to JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Literal

Flag = Literal["above_998", "below_998", "above_95", "below_95"]
# Data-quality flags per clinic row: no value stored, masked at the source ("<5"), implausible (e.g. a
# numerator above its denominator, a negative count, a rate far outside what is possible), denominator
# changed much since the baseline, small numbers (numerator under the suppression threshold).
QualityFlag = Literal["missing", "suppressed_at_source", "implausible", "denominator_changed", "small_numbers"]


@dataclass(frozen=True)
class Funnel:
    """Funnel control limits around the pooled value for one clinic's denominator, in the indicator's unit.

    l95 ... u998 are the limits in use (flags are against them). Where they are adjusted for overdispersion,
    `plain_l998` / `plain_u998` are the unadjusted (exact) 99.8 % limits, drawn beside them; else None."""

    l95: float
    u95: float
    l998: float
    u998: float
    plain_l998: float | None = None
    plain_u998: float | None = None


@dataclass(frozen=True)
class Reference:
    """A region/national reference value with its source."""

    scope: Literal["region", "national"]
    value: float
    source: str
    period: str | None = None


@dataclass(frozen=True)
class Target:
    """The indicator's target: `direction` "max" = higher is better (value is a floor), "min" = a ceiling."""

    value: float
    direction: Literal["max", "min"]
    source: str


@dataclass(frozen=True)
class Change:
    """Baseline -> follow-up for one clinic or the cluster, in the indicator's unit.

    `baseline_value` and `value` are the printed before/after values; for the cluster they are pooled over
    the same clinics as the change (`clinics` of them, those with figures in both rounds). `ratio` is
    follow-up / baseline (a rate ratio for rates, a ratio of proportions for shares) with a 95 % interval;
    `relative` = ratio - 1 (e.g. -0.43 for a 43 % fall) with its interval; `absolute` is the difference in
    the indicator's unit. For proportions `points` is the difference in percentage points with its
    interval (Newcombe), and `measure` says which one the words use ("points" or "relative"). `verdict`
    is "fell", "rose", "unchanged" (the interval within ±`margin`, in the measure's unit: 0.10 = 10 %, or
    points), "undetermined" (too few numbers) or "undefined". `heterogeneous` (cluster only): the clinics
    moved differently (Cochran's Q/(k-1) = `heterogeneity`) and the interval is the random-effects one.
    `caution` lists reasons to read it carefully: "small_numbers" (fewer than 10 events in a round),
    "denominator_changed" (by more than 20 %), "seasonal" (different halves of the year for a seasonal
    indicator), "period_length" (rounds of different length, not annualised).
    """

    baseline_value: float | None
    value: float | None
    absolute: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    relative: float | None
    relative_low: float | None
    relative_high: float | None
    caution: tuple[str, ...] = ()
    measure: str = "relative"          # "relative" (rates) | "points" (proportions)
    points: float | None = None
    points_low: float | None = None
    points_high: float | None = None
    verdict: str = "undefined"
    margin: float | None = None
    heterogeneous: bool = False
    heterogeneity: float | None = None
    clinics: int | None = None
    annualised: bool = False
    method: str = ""

    @property
    def estimate(self) -> tuple[float | None, float | None, float | None]:
        """(point, low, high) of the measure the words use: percentage points, or the relative change."""
        if self.measure == "points":
            return self.points, self.points_low, self.points_high
        return self.relative, self.relative_low, self.relative_high


@dataclass(frozen=True)
class ClinicRow:
    """One clinic's figures for one indicator (identified: carries the clinic key)."""

    clinic: str
    numerator: float | None
    denominator: float | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    rank: int | None                 # 1 = lowest value among clinics with a value (ties share the lower rank)
    suppressed: bool                 # masked at the source (the value is unknown); see quality
    funnel: Funnel | None
    flag: Flag | None                # outside the funnel limits; None when inside or no value
    baseline_numerator: float | None = None
    baseline_denominator: float | None = None
    baseline_value: float | None = None
    change: Change | None = None
    quality: tuple[QualityFlag, ...] = ()
    notes: tuple[str, ...] = ()      # coordinator's notes on this clinic x indicator (private)

    @property
    def change_relative(self) -> float | None:
        return self.change.relative if self.change else None


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator collated over the cluster for a period (and optionally against a baseline)."""

    key: str
    title: str
    unit: str                        # "per1000" | "percent" | "per_patient" | "count"
    direction: str | None            # "max" higher is better, "min" lower is better, None neutral
    method: str                      # interval method: "wilson" | "poisson" | "none"
    pooled: float | None             # sum(numerators) / sum(denominators) x scale, over clinics with both
    pooled_ci_low: float | None
    pooled_ci_high: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    n_clinics: int                   # clinics with a value
    references: tuple[Reference, ...]
    target: Target | None
    rows: tuple[ClinicRow, ...]
    # {"phi", "tau2", "adjusted" (the limits in use are adjusted), "adjustment" (the setting is on),
    #  "overdispersed" (phi > 1), "method" (limit method)}
    overdispersion: dict = field(default_factory=dict)
    change: Change | None = None     # the cluster's pooled change (when a baseline was given)
    sentence: dict[str, str] = field(default_factory=dict)  # {"da": ..., "en": ...} cluster change sentence
    quality: tuple[str, ...] = ()    # indicator-level notes: "few_clinics" (too few to conclude), "no_data"
    notes: tuple[str, ...] = ()      # coordinator's notes on the indicator's measures (private)
    numerator_measure: str = ""      # measure keys behind the figures (used by small-number suppression)
    denominator_measure: str | None = None
    denominator_kind: str = "measure"  # "measure" | "list_size" | "none"

    def row(self, clinic: str) -> ClinicRow:
        """The clinic's row (KeyError when it has none); indexed once, so a pack's lookups stay linear."""
        return self._by_clinic[clinic]

    @cached_property
    def _by_clinic(self) -> dict[str, ClinicRow]:
        index: dict[str, ClinicRow] = {}
        for r in self.rows:
            index.setdefault(r.clinic, r)   # the first row of a clinic, as a scan would find it
        return index


@dataclass(frozen=True)
class CompositionPart:
    key: str          # measure key, or "_other" for the remainder
    title: str


@dataclass(frozen=True)
class Composition:
    """Shares within a group (e.g. morfin / tramadol / others among opioid users), per clinic and cluster.

    `shares[clinic]` and `cluster` are tuples of percentages aligned with `parts` (None when unknown);
    `counts[clinic]` holds the underlying counts; `totals[clinic]` the group total.
    """

    key: str
    title: str
    total_measure: str
    parts: tuple[CompositionPart, ...]
    shares: dict[str, tuple[float | None, ...]]
    counts: dict[str, tuple[float | None, ...]]
    totals: dict[str, float | None]
    cluster: tuple[float | None, ...]


@dataclass(frozen=True)
class IndicatorTable:
    """Result of `collate(project, topic, period, compare=...)`: everything a handout needs, identified."""

    topic: str
    topic_title: str
    period: str
    period_label: str
    compare: str | None
    compare_label: str | None
    indicators: tuple[IndicatorResult, ...]
    compositions: tuple[Composition, ...] = ()
    clinic_names: dict[str, str] = field(default_factory=dict)  # key -> name (identified table only)
    threshold: int = 5

    def indicator(self, key: str) -> IndicatorResult:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def to_json(self) -> dict:
        """The `collate --json` shape of CLI.md (plus extra keys), identified by clinic key."""
        return {"topic": self.topic, "period": self.period, "compare": self.compare,
                "indicators": [indicator_json(ind, {r.clinic: (r.clinic, None) for r in ind.rows})
                               for ind in self.indicators]}


def summary_json(ind) -> dict:
    """The cluster-level keys of one indicator in the CLI.md shape (identified or anonymised indicator)."""
    return {
        "key": ind.key, "title": ind.title, "unit": ind.unit, "pooled": ind.pooled, "median": ind.median,
        "q1": ind.q1, "q3": ind.q3, "min": ind.minimum, "max": ind.maximum,
        "pooled_ci_low": ind.pooled_ci_low, "pooled_ci_high": ind.pooled_ci_high, "method": ind.method,
        "reference": [{"scope": r.scope, "value": r.value, "source": r.source} for r in ind.references],
        "target": asdict(ind.target) if ind.target else None,
        "change": asdict(ind.change) if ind.change else None, "sentence": dict(ind.sentence),
        "quality": list(ind.quality),
        "limit_method": ind.overdispersion.get("method"), "adjusted": bool(ind.overdispersion.get("adjusted")),
        "overdispersion_adjustment": ind.overdispersion.get("adjustment"),
        "change_method": ind.change.method if ind.change else None,
        "too_few_to_conclude": "few_clinics" in ind.quality,
        # group material: a range end that is a hidden clinic's value is a bound ("min" is "under", "max" "over")
        "min_below": bool(getattr(ind, "minimum_below", False)), "max_above": bool(getattr(ind, "maximum_above", False)),
        "summary_step": getattr(ind, "summary_step", None), "summary_clinics": ind.n_clinics,
    }


def indicator_json(ind: IndicatorResult, who: dict[str, tuple[str | None, str | None]]) -> dict:
    """One indicator in the CLI.md shape; `who` maps row clinic -> (clinic, code) to print."""
    return {**summary_json(ind), "overdispersion": dict(ind.overdispersion), "phi": ind.overdispersion.get("phi"),
            "rows": [row_json(r, *who[r.clinic]) for r in ind.rows]}


def row_json(r: ClinicRow, clinic: str | None, code: str | None) -> dict:
    return {"clinic": clinic, "code": code, "numerator": r.numerator, "denominator": r.denominator,
            "value": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high, "rank": r.rank,
            "suppressed": r.suppressed, "funnel": asdict(r.funnel) if r.funnel else None, "flag": r.flag,
            "baseline_value": r.baseline_value, "change_relative": r.change_relative,
            "change_points": r.change.points if r.change else None, "quality": list(r.quality)}
