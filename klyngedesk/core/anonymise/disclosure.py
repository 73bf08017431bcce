"""The disclosure model: everything one pack's group material shows, as linear relations over true counts.

A cell is one clinic's count of one measure in one period (`cell_key(period, measure, clinic)`); list
sizes are the measure "_list_size". What a member who keeps the pack can compute is written as
relations `low <= sum(coef * cell) <= high`:

- a count or denominator printed: the cell itself, exactly; a list-size band: the size within the band;
- a value (rate or share) printed beside a shown count: num x scale between (value -/+ precision) x den,
  and the same for a Poisson interval's ends (their count quantile is known once the count is);
- "<5" printed: the count lies in 1..threshold-1;
- a pooled value with its interval: the totals of numerator and denominator over the clinics in it;
- the cluster change: the totals of both rounds over the clinics with both rounds (a different set);
- a composition row or cluster share: its part and total counts (or their cluster sums);
- a further round of the trend: each value shown, as a rate beside nothing else (its deciles come from
  the shown values), and its hidden counts and unshown list sizes as targets;
- structure a reader knows anyway: counts are >= 0, a share's numerator is at most its denominator,
  the parts of a composition at most its total.

Targets are what must stay hidden: every count hidden in this pack (small or complementary), the
remainder of a share or composition when that is small, and list sizes that are not shown exactly. Each
relation is checked against the true counts when it is made, so the model can never claim more than is
true. `named` and `coded` list the values printed beside a name or a code (for recognising a clinic
across packs); `bands` the list-size bands shown per clinic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from klyngedesk.core.anonymise.printed_bounds import count_quantiles, printed_range, rate_row_bounds
from klyngedesk.core.anonymise.types import AnonymisedIndicator, AnonymisedRow, AnonymisedTable
from klyngedesk.core.collate.composition import OTHER
from klyngedesk.core.collate.table import ClinicRow, IndicatorResult, IndicatorTable
from klyngedesk.core.stats.intervals import poisson_exact

LIST_SIZE = "_list_size"
SEP = "\t"
TIGHT = 1e-7   # relative precision of a value printed unrounded (JSON floats)


def cell_key(period: str, measure: str, clinic: str) -> str:
    return SEP.join((period, measure, clinic))


def cell_owner(cell: str) -> str:
    return cell.rsplit(SEP, 1)[1]


def cell_parts(cell: str) -> tuple[str, str, str]:
    period, measure, clinic = cell.split(SEP)
    return period, measure, clinic


@dataclass(frozen=True)
class Relation:
    terms: tuple[tuple[str, float], ...]
    low: float
    high: float

    def holds(self, truth: dict[str, float], tol: float = 1e-6) -> bool:
        s, big = 0.0, 1.0
        for c, coef in self.terms:
            v = truth.get(c)
            if v is None:
                return False
            x = coef * v
            s += x
            big = max(big, abs(x))
        scale = tol * max(big, abs(s))
        return self.low - scale <= s <= self.high + scale


@dataclass(frozen=True)
class Target:
    """A hidden quantity: a cell or a remainder (den - num, total - parts), owned by one clinic."""

    terms: tuple[tuple[str, float], ...]
    owner: str
    kind: str            # "count" (absolute margin) | "size" (a list size: relative margin)
    label: str           # e.g. "2026H1 morfin_brugere" for reports and tests


@dataclass
class Disclosure:
    """What one pack's group material shows for one topic (see the module docstring)."""

    meeting: str
    topic: str
    threshold: int
    relations: list[Relation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    truth: dict[str, float] = field(default_factory=dict)
    # (period, indicator, value, clinic, rounding step or 0): values printed beside a name / a code
    named: list[tuple[str, str, float, str, float]] = field(default_factory=list)
    coded: list[tuple[str, str, float, str, float]] = field(default_factory=list)
    bands: list[tuple[str, str, str, bool]] = field(default_factory=list)    # period, clinic, band, named
    dropped: int = 0     # relations that did not hold for the true counts (a modelling error; 0 in tests)
    # cell -> the indicator whose printed rate, interval or limits bound it (what coarsening that rate loosens);
    # only for the pack being built (not kept with printed packs)
    bounded_by: dict[str, str] = field(default_factory=dict)
    # targets of rows whose rate alone is hidden: dropped where their count is printed after all (only for the
    # pack being built)
    rate_only: list[Target] = field(default_factory=list)
    # cell -> the relations it is in, made when first asked for (see `linked`) and extended as relations come
    _by_cell: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _indexed: int = field(default=0, repr=False, compare=False)
    # the pieces `build_disclosure` put together (their relations first in `relations`, each indexed on its own
    # and kept between the anonymiser's rounds), and the list they were put into
    _pieces: list[Disclosure] = field(default_factory=list, repr=False, compare=False)
    _pieced: list[Relation] | None = field(default=None, repr=False, compare=False)
    _exact: tuple[object, int, frozenset[str]] = field(default=(None, 0, frozenset()), repr=False, compare=False)

    def _own_start(self) -> int:
        """Where the relations not from a piece begin (0 when the relations were replaced since)."""
        if self._pieces and (self._pieced is not self.relations
                             or len(self.relations) < sum(len(p.relations) for p in self._pieces)):
            self._pieces, self._pieced, self._by_cell, self._indexed = [], None, {}, 0
        return sum(len(p.relations) for p in self._pieces)

    def linked(self, cells: Iterable[str]) -> set[str]:
        """Every cell of every relation that holds one of `cells`."""
        cells = set(cells)
        start = self._own_start()
        if self._indexed > len(self.relations) or self._indexed < start:   # replaced: index them again
            self._by_cell, self._indexed = {}, start
        for i in range(self._indexed, len(self.relations)):
            for c, _ in self.relations[i].terms:
                self._by_cell.setdefault(c, []).append(i)
        self._indexed = len(self.relations)
        rows = {i for c in cells for i in self._by_cell.get(c, ())}
        out = {c for i in rows for c, _ in self.relations[i].terms}
        for p in self._pieces:
            out |= p.linked(cells)
        return out

    def exact_cells(self) -> frozenset[str]:
        """The cells printed exactly (a relation of one cell with both ends equal)."""
        kept_list, kept_len, kept = self._exact
        if kept_list is not self.relations or kept_len != len(self.relations):
            start = self._own_start()
            own = {r.terms[0][0] for r in self.relations[start:] if len(r.terms) == 1 and r.low == r.high}
            kept = frozenset(own.union(*(p.exact_cells() for p in self._pieces)))
            self._exact = (self.relations, len(self.relations), kept)
        return kept

    def relate(self, terms: Iterable[tuple[str, float]], low: float, high: float) -> None:
        merged: dict[str, float] = {}
        for c, coef in terms:
            merged[c] = merged.get(c, 0.0) + coef
        rel = Relation(tuple((c, v) for c, v in merged.items() if v != 0), low, high)
        if not rel.terms or any(c not in self.truth for c, _ in rel.terms):   # a missing value: nothing printed
            return
        if rel.holds(self.truth):
            self.relations.append(rel)
        else:
            self.dropped += 1

    def exact(self, cell: str, value: float | None) -> None:
        if value is not None and cell in self.truth:
            self.relate([(cell, 1.0)], value, value)

    def total(self, cells: list[str]) -> None:
        """A sum the reader knows (its value is the true sum)."""
        cells = [c for c in cells if c in self.truth]
        if cells:
            s = sum(self.truth[c] for c in cells)
            self.relate([(c, 1.0) for c in cells], s, s)

    def target(self, terms: list[tuple[str, float]], owner: str, kind: str, label: str) -> None:
        """A hidden quantity the audit protects. A count that is truly 0 is none: it identifies no patient and
        is printed by rule where nothing hides it (the cover says so); pinning one hidden to protect others
        tells nothing the other targets' own bounds do not (they are audited with it as an unknown)."""
        if not all(c in self.truth for c, _ in terms):
            return
        if kind == "count" and sum(coef * self.truth[c] for c, coef in terms) == 0:
            return
        self.targets.append(Target(tuple(terms), owner, kind, label))

    def to_json(self) -> dict:
        return {"meeting": self.meeting, "topic": self.topic, "threshold": self.threshold,
                "relations": [[list(map(list, r.terms)), _num(r.low), _num(r.high)] for r in self.relations],
                "targets": [[list(map(list, t.terms)), t.owner, t.kind, t.label] for t in self.targets],
                "truth": self.truth, "named": [list(x) for x in self.named],
                "coded": [list(x) for x in self.coded], "bands": [list(x) for x in self.bands]}

    @classmethod
    def from_json(cls, data: dict) -> Disclosure:
        d = cls(data["meeting"], data["topic"], int(data["threshold"]), truth=dict(data["truth"]))
        d.relations = [Relation(tuple((c, float(v)) for c, v in terms), _float(lo), _float(hi))
                       for terms, lo, hi in data["relations"]]
        d.targets = [Target(tuple((c, float(v)) for c, v in terms), owner, kind, label)
                     for terms, owner, kind, label in data["targets"]]
        d.named = [tuple(x) for x in data["named"]]
        d.coded = [tuple(x) for x in data["coded"]]
        d.bands = [tuple(x) for x in data["bands"]]
        return d


def _num(v: float) -> float | str:
    return v if math.isfinite(v) else ("inf" if v > 0 else "-inf")


def _float(v: float | str) -> float:
    return float(v)


def rate_scale(ind: IndicatorResult, base: bool) -> float | None:
    """num / den x scale = value: read back from any row with all three (per round)."""
    for r in ind.rows:
        num, den, val = ((r.baseline_numerator, r.baseline_denominator, r.baseline_value) if base
                         else (r.numerator, r.denominator, r.value))
        if num and den and val:
            return val * den / num
    if ind.unit == "percent":
        return 100.0
    if not base:   # every count 0 (value 0): a row's exact Poisson interval still holds the scale
        top = float(poisson_exact(np.array([0.0]))[1][0])
        for r in ind.rows:
            if r.numerator == 0 and r.denominator and r.ci_high:
                return r.ci_high * r.denominator / top
    return None


def _den_measure(ind: IndicatorResult) -> str | None:
    if ind.denominator_kind == "measure":
        return ind.denominator_measure
    return LIST_SIZE if ind.denominator_kind == "list_size" else None


def build_disclosure(identified: IndicatorTable, anon: AnonymisedTable, codes: dict[str, str],
                     rounds: Sequence[IndicatorTable] = (), pieces: Pieces | None = None) -> Disclosure:
    """The disclosure model of one anonymised table (group material of one topic), audited by `audit`;
    `rounds`: the one-round tables of the trend's further rounds (not the table's own two). `pieces`: what an
    earlier call on the same identified table made (the anonymiser's rounds of mending): an indicator whose
    anonymised rows are as then gives the same relations and targets, which are taken from there."""
    d = Disclosure(anon.meeting, anon.topic, anon.threshold)
    pieces = pieces if pieces is not None else Pieces()
    pieces.start(identified, anon, codes, rounds)
    if pieces.truth is None:
        for ind in identified.indicators:
            _truth(d, ind, identified.period, identified.compare)
        for comp in identified.compositions:
            members = [p.key for p in comp.parts if p.key != OTHER]
            for clinic, counts in comp.counts.items():
                for m, v in zip(members, counts, strict=False):
                    _put(d, cell_key(identified.period, m, clinic), v)
                _put(d, cell_key(identified.period, comp.total_measure, clinic), comp.totals.get(clinic))
        for rt in rounds:
            for ind in rt.indicators:
                _truth(d, ind, rt.period, None)
        pieces.truth = d.truth
    d.truth = dict(pieces.truth)
    clinic_of = {code: clinic for clinic, code in codes.items()}
    made: list[Disclosure] = []
    for ind in identified.indicators:
        try:
            a = anon.indicator(ind.key)
        except KeyError:
            continue
        made.append(pieces.piece(("", ind.key), a, d, partial(_indicator, ind=ind, a=a, clinic_of=clinic_of,
                                                               period=identified.period, compare=identified.compare)))
    made.append(pieces.piece(("", ""), (anon.compositions, tuple((r.code, r.label) for i in anon.indicators
                                                                 for r in i.rows)), d,
                             partial(_compositions, identified=identified, anon=anon, clinic_of=clinic_of)))
    for rt in rounds:
        for ind in rt.indicators:
            try:
                a = anon.indicator(ind.key)
            except KeyError:
                continue
            made.append(pieces.piece((rt.period, ind.key), a, d, partial(
                _trend_indicator, rt=rt, ind=ind, a=a, clinic_of=clinic_of, display=anon.list_size_display)))
    for p in made:
        d.relations += p.relations
        d.targets += p.targets
        d.named += p.named
        d.coded += p.coded
        d.bands += p.bands
        for c, key in p.bounded_by.items():
            d.bounded_by.setdefault(c, key)
        d.rate_only += p.rate_only
        d.dropped += p.dropped
    d._pieces, d._pieced, d._indexed = made, d.relations, len(d.relations)
    if d.rate_only:   # a rate left out for its list size: its count is no target where it is printed anyway
        exact = set().union(*(p.exact_cells() for p in made))
        drop = {id(t) for t in d.rate_only if all(c in exact for c, _ in t.terms)}
        d.targets = [t for t in d.targets if id(t) not in drop]
    return d


class Pieces:
    """The parts of one table's disclosure model that `build_disclosure` made, kept for its next call on the same
    table (the anonymiser's next round): per indicator (and per further round of its trend, and the compositions)
    the anonymised rows it was made from and the relations, targets and printed values it gave. A part is made
    again only when what it is made from differs (compared whole); everything else of the call (the table, the
    codes, the rounds) must be the very same, else every part is made again."""

    def __init__(self) -> None:
        self.context: tuple = ()
        self.truth: dict[str, float] | None = None
        self.made: dict[tuple[str, str], tuple[object, Disclosure]] = {}

    def start(self, identified: IndicatorTable, anon: AnonymisedTable, codes: dict[str, str],
              rounds: Sequence[IndicatorTable]) -> None:
        context = (identified, tuple(codes.items()), anon.meeting, anon.topic, anon.threshold,
                   anon.list_size_display, anon.period, anon.compare, tuple(rounds))
        if len(context) != len(self.context) or any(a is not b and a != b for a, b in zip(context, self.context,
                                                                                          strict=True)):
            self.context, self.truth, self.made = context, None, {}

    def piece(self, key: tuple[str, str], source: object, d: Disclosure, make: Callable[..., None]) -> Disclosure:
        """The relations `make(piece)` writes for `source`, from the last call when `source` is as then."""
        kept = self.made.get(key)
        if kept is not None and (kept[0] is source or kept[0] == source):
            return kept[1]
        piece = Disclosure(d.meeting, d.topic, d.threshold, truth=d.truth)
        make(piece)
        self.made[key] = (source, piece)
        return piece


def _trend_indicator(d: Disclosure, rt: IndicatorTable, ind: IndicatorResult, a: AnonymisedIndicator,
                     clinic_of: dict[str, str], display: str) -> None:
    """One indicator in one further round of the trend (see `anonymise.build._trend`): its values as rates to
    their step."""
    shown = next((t for t in a.trend if t.period == rt.period), None)
    if shown is None:
        return
    mn, md = ind.numerator_measure, _den_measure(ind)
    rows = {r.clinic: r for r in ind.rows}
    scale = rate_scale(ind, False)
    hidden = set(shown.hidden)
    for code, value in shown.values:
        clinic = clinic_of.get(code)
        r = rows.get(clinic) if clinic else None
        if clinic is None or r is None:
            continue
        num_c = cell_key(rt.period, mn, clinic)
        den_c = cell_key(rt.period, md, clinic) if md else None
        if ind.unit == "percent" and den_c:
            d.relate([(den_c, 1.0), (num_c, -1.0)], 0.0, math.inf)
        if value is not None:
            _ratio(d, num_c, den_c, value, scale, a.value_step)
            named = any(ar.code == code and ar.name for ar in a.rows)
            (d.named if named else d.coded).append((rt.period, ind.key, round(value, 6), clinic,
                                                    a.value_step or 0.0))
        elif code in hidden:
            _hidden_targets(d, ind, r.numerator, r.denominator, num_c, den_c, clinic, md)
        if den_c and md == LIST_SIZE and display != "exact" and r.denominator is not None:
            d.target([(den_c, 1.0)], clinic, "size", f"{rt.period} {md}")


def _put(d: Disclosure, cell: str, value: float | None) -> None:
    if value is not None and math.isfinite(value):
        d.truth[cell] = float(value)


def _truth(d: Disclosure, ind: IndicatorResult, period: str, compare: str | None) -> None:
    md = _den_measure(ind)
    for r in ind.rows:
        _put(d, cell_key(period, ind.numerator_measure, r.clinic), r.numerator)
        if md:
            _put(d, cell_key(period, md, r.clinic), r.denominator)
        if compare:
            _put(d, cell_key(compare, ind.numerator_measure, r.clinic), r.baseline_numerator)
            if md:
                _put(d, cell_key(compare, md, r.clinic), r.baseline_denominator)


def _band(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    low, high = text.split("–")
    return float(low), float(high) + 1   # "2000–3999": a size from 2000 up to (not including) 4000


def _indicator(d: Disclosure, ind: IndicatorResult, a: AnonymisedIndicator, clinic_of: dict[str, str],
               period: str, compare: str | None) -> None:
    mn, md = ind.numerator_measure, _den_measure(ind)
    rows = {r.clinic: r for r in ind.rows}
    step = a.value_step
    for ar in a.rows:
        clinic = clinic_of.get(ar.code)
        if clinic is None or clinic not in rows:
            continue
        r = rows[clinic]
        _row(d, ind, a, ar, r, clinic, period, mn, md, step)
        if compare:
            _baseline_row(d, ind, ar, r, clinic, compare, mn, md, step)
    # Cluster totals behind the pooled value (and its interval) and behind the cluster change.
    cur = [r.clinic for r in ind.rows if r.value is not None]
    if a.pooled is not None:
        d.total([cell_key(period, mn, c) for c in cur])
        if md == LIST_SIZE and step:   # a rounded pooled rate bounds the total list size (count total exact)
            dens = [cell_key(period, md, c) for c in cur]
            _ratio_of_sums(d, [cell_key(period, mn, c) for c in cur], dens, a.pooled, rate_scale(ind, False), step)
            total = sum(d.truth.get(cell_key(period, mn, c), 0.0) for c in cur)
            for end, q, side in zip((a.pooled_ci_low, a.pooled_ci_high), count_quantiles(float(total)), (-1, 1),
                                    strict=True):
                scale = rate_scale(ind, False)
                if end is not None and scale:   # q(total) x scale / sum(sizes), printed outward
                    v_lo, v_hi = printed_range(end, step, side)
                    d.relate([(c, -v_hi) for c in dens], -math.inf, -float(q) * scale)
                    d.relate([(c, -v_lo) for c in dens], -float(q) * scale, math.inf)
        elif md:
            d.total([cell_key(period, md, c) for c in cur])
    if compare and a.change is not None:
        base = [r.clinic for r in ind.rows if r.baseline_value is not None]
        both = [c for c in cur if rows[c].baseline_value is not None]
        for who, rnd in ((base, compare), (both, compare), (both, period)):
            d.total([cell_key(rnd, mn, c) for c in who])
            if md:
                d.total([cell_key(rnd, md, c) for c in who])


def _ratio(d: Disclosure, num: str, den: str | None, value: float | None, scale: float | None,
           step: float | None, count_term: float | None = None, side: int = 0) -> None:
    """value = num x scale / den, printed to `step` (None = unrounded; `side` as in `printed_range`): two
    linear inequalities. With `count_term` the numerator side is a known constant (an interval's count
    quantile)."""
    if value is None or scale is None or den is None or den not in d.truth:
        return
    low, high = printed_range(value, step, side)
    terms = [] if count_term is not None else [(num, scale)]
    const = (count_term or 0.0) * scale
    # const + num*scale - high * den <= 0  and  const + num*scale - low * den >= 0
    d.relate([*terms, (den, -high)], -math.inf, -const)
    d.relate([*terms, (den, -low)], -const, math.inf)


def _row(d: Disclosure, ind: IndicatorResult, a: AnonymisedIndicator, ar: AnonymisedRow, r: ClinicRow,
         clinic: str, period: str, mn: str, md: str | None, step: float | None) -> None:
    num_c = cell_key(period, mn, clinic)
    den_c = cell_key(period, md, clinic) if md else None
    if ind.unit == "percent" and den_c:
        d.relate([(den_c, 1.0), (num_c, -1.0)], 0.0, math.inf)
    d.exact(num_c, ar.numerator)
    if den_c:
        d.exact(den_c, ar.denominator)
        band = _band(ar.denominator_band)
        if band:
            d.relate([(den_c, 1.0)], band[0], band[1] - 1)
            d.bands.append((period, clinic, ar.denominator_band or "", ar.name is not None))
    scale = rate_scale(ind, False)
    if ar.value is not None and den_c:
        _ratio(d, num_c, den_c, ar.value, scale, step)
        if ind.unit != "percent" and ar.numerator is not None:
            low, high = count_quantiles(float(ar.numerator))
            _ratio(d, num_c, den_c, ar.ci_low, scale, step, low, -1)
            _ratio(d, num_c, den_c, ar.ci_high, scale, step, high, 1)
        elif ind.unit != "percent" and scale:
            _printed_rate_bounds(d, a, ar, num_c, den_c, scale, step, ind.pooled)
    if ar.value is not None and ind.unit == "count":      # the value is the count itself
        h = (step / 2 if step else 0.0) + TIGHT * max(1.0, abs(ar.value))
        d.relate([(num_c, 1.0)], ar.value - h, ar.value + h)
    if ar.value is not None:
        (d.named if ar.name else d.coded).append((period, ind.key, round(ar.value, 6), clinic, step or 0.0))
    if ar.suppressed and ar.hidden_reason == "small":
        d.relate([(num_c, 1.0)], 1.0, d.threshold - 1)
    if ar.suppressed:
        first = len(d.targets)
        _hidden_targets(d, ind, r.numerator, r.denominator, num_c, den_c, clinic, md)
        if ar.rate_only:
            d.rate_only += d.targets[first:]
    if den_c and md == LIST_SIZE and ar.denominator is None and r.denominator is not None:
        d.target([(den_c, 1.0)], clinic, "size", f"{period} {md}")


def _ratio_of_sums(d: Disclosure, nums: list[str], dens: list[str], value: float, scale: float | None,
                   step: float) -> None:
    """sum(nums) x scale / sum(dens) printed as `value` to `step`: two linear inequalities over the cells."""
    if scale is None:
        return
    h = step / 2 + TIGHT * max(1.0, abs(value))
    d.relate([*((c, scale) for c in nums), *((c, -(value + h)) for c in dens)], -math.inf, 0.0)
    d.relate([*((c, scale) for c in nums), *((c, -(value - h)) for c in dens)], 0.0, math.inf)


def _printed_rate_bounds(d: Disclosure, a: AnonymisedIndicator, ar: AnonymisedRow, num_c: str, den_c: str,
                         scale: float, step: float | None, pooled: float | None) -> None:
    """A rate whose count is not printed: its interval (and unadjusted funnel limits) still pin the count
    and the denominator (see printed_bounds): their whole-number ranges enter the model as bounds."""
    assert ar.value is not None
    band = _band(ar.denominator_band)
    known = (float(ar.denominator), float(ar.denominator)) if ar.denominator is not None else \
        (band[0], band[1] - 1) if band else (1.0, math.inf)
    adjusted = bool(a.overdispersion.get("adjusted"))
    # The limits are drawn around the unrounded pooled rate: the reader is granted it (as if it were known).
    bounds = rate_row_bounds(ar.value, ar.ci_low, ar.ci_high, scale, step, known,
                             None if adjusted else ar.funnel, pooled)
    if bounds is None:
        return
    d.relate([(num_c, 1.0)], *bounds.count)
    d.relate([(den_c, 1.0)], *bounds.denominator)
    for a_, b_, c_ in bounds.hull:
        d.relate([(num_c, a_), (den_c, b_)], c_, math.inf)
    d.bounded_by.setdefault(num_c, a.key)
    d.bounded_by.setdefault(den_c, a.key)


def _baseline_row(d: Disclosure, ind: IndicatorResult, ar: AnonymisedRow, r: ClinicRow, clinic: str,
                  compare: str, mn: str, md: str | None, step: float | None) -> None:
    num_c = cell_key(compare, mn, clinic)
    den_c = cell_key(compare, md, clinic) if md else None
    if ind.unit == "percent" and den_c:
        d.relate([(den_c, 1.0), (num_c, -1.0)], 0.0, math.inf)
    if ar.baseline_value is not None:
        # The change and its interval give the baseline counts away: count them as shown.
        d.exact(num_c, r.baseline_numerator)
        if den_c and md != LIST_SIZE:
            d.exact(den_c, r.baseline_denominator)
        _ratio(d, num_c, den_c, ar.baseline_value, rate_scale(ind, True), step)
        (d.named if ar.name else d.coded).append((compare, ind.key, round(ar.baseline_value, 6), clinic,
                                                  step or 0.0))
    elif ar.baseline_suppressed:
        first = len(d.targets)
        _hidden_targets(d, ind, r.baseline_numerator, r.baseline_denominator, num_c, den_c, clinic, md)
        if ar.baseline_rate_only:
            d.rate_only += d.targets[first:]


def _hidden_targets(d: Disclosure, ind: IndicatorResult, num: float | None, den: float | None, num_c: str,
                    den_c: str | None, clinic: str, md: str | None) -> None:
    period = num_c.split(SEP, 1)[0]
    d.target([(num_c, 1.0)], clinic, "count", f"{period} {ind.numerator_measure}")
    if den_c and md != LIST_SIZE:
        d.target([(den_c, 1.0)], clinic, "count", f"{period} {md}")
        if num is not None and den is not None and 0 < den - num < d.threshold:
            d.target([(den_c, 1.0), (num_c, -1.0)], clinic, "count", f"{period} {md} - {ind.numerator_measure}")


def _compositions(d: Disclosure, identified: IndicatorTable, anon: AnonymisedTable,
                  clinic_of: dict[str, str]) -> None:
    shown = {c.key: c for c in anon.compositions}
    period = identified.period
    names = {r.code: r.label for ind in anon.indicators for r in ind.rows}
    label_of = {clinic: names.get(code, code) for code, clinic in clinic_of.items()}
    for comp in identified.compositions:
        a = shown.get(comp.key)
        if a is None:
            continue
        members = [p.key for p in comp.parts if p.key != OTHER]
        by_label = dict(a.shares)
        ok = [c for c, s in comp.shares.items() if all(v is not None for v in s)]
        for clinic in comp.counts:
            parts = [cell_key(period, m, clinic) for m in members]
            total = cell_key(period, comp.total_measure, clinic)
            d.relate([(total, 1.0), *((p, -1.0) for p in parts)], 0.0, math.inf)
            row = by_label.get(label_of.get(clinic, ""))
            if row is None:
                continue
            # A row left out only because its bar would tell a rate printed hidden (`AnonymisedComposition.not_drawn`)
            # is modelled as if drawn: a reader may get its counts anyway (the cluster's bar and totals beside the
            # other clinics' bars), and the audit stays as strict as with the bar.
            if all(v is not None for v in row) or label_of.get(clinic) in a.not_drawn:
                for c in (*parts, total):
                    d.exact(c, d.truth.get(c))
                continue
            for p in parts:
                d.target([(p, 1.0)], clinic, "count", f"{period} {cell_parts(p)[1]}")
            d.target([(total, 1.0)], clinic, "count", f"{period} {comp.total_measure}")
            other = comp.counts[clinic][-1]
            if other is not None and 0 < other < d.threshold:
                d.target([(total, 1.0), *((p, -1.0) for p in parts)], clinic, "count", f"{period} {comp.key} others")
        if any(v is not None for v in a.cluster):
            for m in [*members, comp.total_measure]:
                d.total([cell_key(period, m, c) for c in ok])
