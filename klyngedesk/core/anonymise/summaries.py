"""Cluster summaries for group material: median, quartiles and range over every clinic, hidden ones included.

The median, quartiles and range describe the whole cluster, so they are computed over every clinic with a
value, also the clinics whose counts are hidden (a summary over the shown clinics only is biased: small
counts are the ones hidden). They are printed only as precisely as the disclosure rules allow:

- a summary that is (or is interpolated from) shown values only is printed as it is;
- a summary that rests on a hidden clinic's value is rounded to a coarser `step`, and what it tells about
  that clinic's value is registered with the disclosure model (`add_summary_relations`), so the audit's
  linear program sees it and the step is coarsened until every hidden count keeps its range;
- a range end that is a hidden clinic's value is never printed: it becomes a bound ("under 2" / "over 14"),
  the hidden value rounded outwards to the step;
- when no step keeps the hidden counts safe (`WITHHELD`), a summary resting on a hidden value is left out.

Quartiles and the median are R's type 7 (numpy's default "linear"): q = v[lo] + f (v[hi] - v[lo]).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from klyngedesk.core.anonymise.disclosure import TIGHT, Disclosure, _den_measure, _ratio, cell_key, rate_scale
from klyngedesk.core.collate.table import ClinicRow, IndicatorResult
from klyngedesk.core.model import UNIT_DECIMALS

WITHHELD = math.inf     # the summary step at which summaries resting on hidden values are left out
QUANTILES = (("q1", 0.25), ("median", 0.5), ("q3", 0.75))


@dataclass(frozen=True)
class Point:
    """What a printed summary tells about one clinic's value: within value +/- half ("both"), at most
    value + half ("below") or at least value - half ("above"); or ("pair") about two hidden clinics' values it is
    interpolated between: (1 - weight) x this value + weight x `other`'s value within value +/- half."""

    clinic: str
    value: float
    half: float
    side: str
    other: str | None = None
    weight: float = 0.0


@dataclass(frozen=True)
class GroupSummary:
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    minimum_below: bool          # the lowest value is a hidden clinic's: `minimum` is a bound, "under X"
    maximum_above: bool          # the highest likewise: "over X"
    step: float | None           # the step the summaries resting on hidden values are rounded to
    points: tuple[Point, ...]    # what they tell about hidden clinics (for the disclosure model)
    touched: frozenset[str]      # the hidden clinics they rest on
    blank: bool = False

    @property
    def printed_step(self) -> float | None:
        """The step of the printed summaries that rest on hidden values (None: none is printed)."""
        return None if self.step in (None, WITHHELD) or self.blank else self.step


def nice_step(at_least: float) -> float:
    """The smallest step of the 1-2-5 series (0.1, 0.2, 0.5, 1, 2, ...) that is at least `at_least`."""
    step = 0.1
    while step < at_least - 1e-12:
        step = {1: 2, 2: 5, 5: 10}[int(round(step / 10 ** math.floor(math.log10(step) + 1e-9)))] \
            * 10 ** math.floor(math.log10(step) + 1e-9)
    return step


def display_step(unit: str, row_step: float | None) -> float:
    """The finest step a summary is printed to: the rows' rounding step, else the unit's usual precision."""
    return max(row_step or 0.0, 10.0 ** -UNIT_DECIMALS.get(unit, 1))


def _values(ind: IndicatorResult, hidden: set[str]) -> list[tuple[float, bool, ClinicRow]]:
    """Every clinic with a value, sorted (among equal values a shown clinic first; which of equal values sits
    at a summary's place is not decided by this order, see `_ties`)."""
    rows = [(r.value, r.clinic in hidden, r) for r in ind.rows if r.value is not None and math.isfinite(r.value)]
    return sorted(rows, key=lambda t: (t[0], t[1]))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _ties(vals: list[tuple[float, bool, ClinicRow]], i: int) -> list[int]:
    """The places of every clinic whose value equals the one at place i. Any of them may be the clinic at
    a summary's place: the sort's order among equal values (shown first, by code, by key) is nobody's
    knowledge, so a reader granted "which clinic sits there" may be granted any of them, and what the
    summary tells is registered for each (a shown value at the place does not make a tied hidden one safe)."""
    lo = hi = i
    while lo > 0 and _same(vals[lo - 1][0], vals[i][0]):
        lo -= 1
    while hi < len(vals) - 1 and _same(vals[hi + 1][0], vals[i][0]):
        hi += 1
    return list(range(lo, hi + 1))


def _positions(n: int, p: float) -> tuple[int, int, float]:
    h = (n - 1) * p
    lo = math.floor(h + 1e-12)
    f = h - lo
    if f < 1e-12:
        f = 0.0
    return lo, min(lo + 1, n - 1), f


def _pairs(vals: list[tuple[float, bool, ClinicRow]], lo: int, hi: int, f: float) -> list[tuple[int, int]]:
    """Every (lower, upper) pair of places a quantile between places lo and hi may be interpolated between,
    ties included (`_ties`); (i, i) where it is one clinic's value (f = 0 or lo = hi)."""
    if f == 0 or lo == hi:
        return [(i, i) for i in _ties(vals, lo)]
    return [(i, j) for i in _ties(vals, lo) for j in _ties(vals, hi) if i != j]


def touched_clinics(ind: IndicatorResult, hidden: set[str]) -> frozenset[str]:
    """The hidden clinics whose values a summary (quartile, median or range end) rests on, or may rest on
    (an equal value at its place, `_ties`)."""
    vals = _values(ind, hidden)
    out: set[str] = set()
    if not vals:
        return frozenset()
    for _, p in QUANTILES:
        lo, hi, f = _positions(len(vals), p)
        for i, j in _pairs(vals, lo, hi, f):
            out |= {vals[k][2].clinic for k, w in ((i, 1 - f), (j, f)) if (w > 0 or i == j) and vals[k][1]}
    out |= {vals[k][2].clinic for end in (0, len(vals) - 1) for k in _ties(vals, end) if vals[k][1]}
    return frozenset(out)


def first_step(ind: IndicatorResult, hidden: set[str], row_step: float | None) -> float:
    """Where the audit starts: one count's worth of the smallest touched clinic's rate, at least the
    display step (the audit coarsens from there)."""
    touched = touched_clinics(ind, hidden)
    base = display_step(ind.unit, row_step)
    scale = rate_scale(ind, False) or 1.0
    one = [scale / r.denominator for r in ind.rows if r.clinic in touched and r.denominator]
    step = nice_step(max([base, *one]))
    # past the spread of the values, as `coarser` rules: one count of a clinic of 1 is a step of 100 %, and a
    # median rounded to it printed "100 %" beside clinics of 56-91 %
    values = [r.value for r in ind.rows if r.value is not None]
    return WITHHELD if touched and one and values and step > max(base, max(values) - min(values)) else step


def _round(value: float, step: float) -> float:
    return round(round(value / step) * step, 10)


def group_summary(ind: IndicatorResult, hidden: set[str], row_step: float | None,
                  step: float | None, *, blank: bool = False) -> GroupSummary:
    """The median, quartiles and range over every clinic with a value (hidden ones included), printed
    no finer than `step` where they rest on a hidden clinic's value (`WITHHELD`: leave the quartiles out and
    bound a hidden range end by the shown extreme; `blank`: leave out everything resting on a hidden value).
    Shown values are read as printed (rounded to `row_step`)."""
    vals = _values(ind, hidden)
    touched = touched_clinics(ind, hidden)
    if not vals:
        return GroupSummary(None, None, None, None, None, False, False, None, (), frozenset())
    shown = [_round(v, row_step) if row_step else v for v, h, _ in vals if not h]
    s = step if touched and step is not None else display_step(ind.unit, row_step)
    withheld = s == WITHHELD or blank
    points: list[Point] = []
    out: dict[str, float | None] = {}
    free: dict[str, float] = {}   # the quantiles resting on shown values only, exact
    for name, p in QUANTILES:
        lo, hi, f = _positions(len(vals), p)
        q = vals[lo][0] + f * (vals[hi][0] - vals[lo][0])
        pairs = _pairs(vals, lo, hi, f)
        rests = any((vals[i][1] and (f < 1 or i == j)) or (vals[j][1] and f > 0) for i, j in pairs)
        if not rests:
            out[name] = _round(q, row_step) if row_step else q
            free[name] = q
            continue
        if withheld:
            out[name] = None
            continue
        qp = _round(q, s)
        out[name] = qp
        for i, j in pairs:
            points += _quantile_points(vals[i], vals[j], f if i != j else 0.0, qp, s / 2, row_step)
    printed = [v for name, _ in QUANTILES if (v := out[name]) is not None]
    if free and printed != sorted(printed):
        # a median of 79,9 beside quartiles rounded to 80 read as Q1 above the median: all three to one step
        out.update({name: _round(q, s) for name, q in free.items()})
    low, high = vals[0], vals[-1]
    minimum: float | None = low[0] if not row_step else _round(low[0], row_step)
    maximum: float | None = high[0] if not row_step else _round(high[0], row_step)
    below = above = False
    low_tie, high_tie = _ties(vals, 0), _ties(vals, len(vals) - 1)
    low_hidden = [vals[k][2].clinic for k in low_tie if vals[k][1]]
    high_hidden = [vals[k][2].clinic for k in high_tie if vals[k][1]]
    if low_hidden:
        bound = None if withheld else (math.floor(low[0] / s + 1e-9) + 1) * s   # strictly above the value
        if shown and not blank and (bound is None or bound > shown[0]) and all(vals[k][1] for k in low_tie):
            bound = shown[0]        # "under" the lowest shown value says no more than the order (not where
            #                         a shown value equals the hidden one: "under" it would not hold)
        minimum, below = (round(bound, 10), True) if bound is not None and bound > low[0] else (None, False)
        if below and minimum is not None:
            points += [Point(c, minimum, 0.0, "below") for c in low_hidden]
    if high_hidden:
        bound = None if withheld else (math.ceil(high[0] / s - 1e-9) - 1) * s
        if shown and not blank and (bound is None or bound < shown[-1]) and all(vals[k][1] for k in high_tie):
            bound = shown[-1]
        maximum, above = (round(bound, 10), True) if bound is not None and bound < high[0] else (None, False)
        if above and maximum is not None:
            points += [Point(c, maximum, 0.0, "above") for c in high_hidden]
    points = list(dict.fromkeys(points))
    return GroupSummary(out["median"], out["q1"], out["q3"], minimum, maximum, below, above,
                        s if touched else None, tuple(points), touched, blank)


def _quantile_points(a: tuple[float, bool, ClinicRow], b: tuple[float, bool, ClinicRow], f: float, qp: float,
                     half: float, row_step: float | None) -> list[Point]:
    """What a quantile printed as qp (+/- half), interpolated as (1 - f) v_a + f v_b, tells about the hidden
    clinics among a and b (a shown one read as printed, to `row_step`)."""
    (va, ha, ra), (vb, hb, rb) = a, b
    row_half = (row_step / 2 if row_step else 0.0)
    if f == 0:
        return [Point(ra.clinic, qp, half, "both")] if ha else []
    if ha and not hb:     # v_a = (q - f v_b) / (1 - f), v_b read as printed
        vb_p = _round(vb, row_step) if row_step else vb
        return [Point(ra.clinic, (qp - f * vb_p) / (1 - f), (half + f * row_half) / (1 - f), "both")]
    if hb and not ha:
        va_p = _round(va, row_step) if row_step else va
        return [Point(rb.clinic, (qp - (1 - f) * va_p) / f, (half + (1 - f) * row_half) / f, "both")]
    if ha and hb:         # both hidden: v_a <= q <= v_b, and their weighted sum is q to the step
        return [Point(ra.clinic, qp, half, "below"), Point(rb.clinic, qp, half, "above"),
                Point(ra.clinic, qp, half, "pair", rb.clinic, f)]
    return []


def add_summary_relations(d: Disclosure, ind: IndicatorResult, summary: GroupSummary, period: str) -> set[str]:
    """Register what the printed summaries tell about hidden clinics' values with the disclosure model
    (value = num x scale / den within the point's bounds: linear in the counts, as a printed rate is).
    Returns the cells the relations involve (where a breach means the summaries must be coarser)."""
    md = _den_measure(ind)
    scale = rate_scale(ind, False)
    cells: set[str] = set()
    if scale is None or md is None:
        return cells
    for pt in summary.points:
        num, den = cell_key(period, ind.numerator_measure, pt.clinic), cell_key(period, md, pt.clinic)
        if num not in d.truth or den not in d.truth:
            continue
        cells |= {num, den}
        if pt.side == "pair":
            _pair(d, pt, ind, period, md, scale)
            cells |= {cell_key(period, ind.numerator_measure, str(pt.other)), cell_key(period, md, str(pt.other))}
            continue
        if pt.side == "both":
            _ratio(d, num, den, pt.value, scale, 2 * pt.half)
            continue
        slack = TIGHT * max(1.0, abs(pt.value))
        if pt.side == "below":     # num x scale <= (value + half) x den
            d.relate([(num, scale), (den, -(pt.value + pt.half + slack))], -math.inf, 0.0)
        else:                      # num x scale >= (value - half) x den
            d.relate([(num, scale), (den, -(pt.value - pt.half - slack))], 0.0, math.inf)
    return cells


def _pair(d: Disclosure, pt: Point, ind: IndicatorResult, period: str, md: str, scale: float) -> None:
    """(1 - w) num_a x scale / den_a + w num_b x scale / den_b within the printed step: linear in the two
    counts once the denominators are known. They are taken as the reader knew them exactly (true ones): with
    sizes in bands or hidden the reader knows less, so the relation is stronger than theirs (the audit
    errs towards coarser summaries). Without it, a quartile between two hidden clinics plus their sum (from
    the pooled value) gave both counts back."""
    a, b = pt.clinic, str(pt.other)
    nums = [cell_key(period, ind.numerator_measure, c) for c in (a, b)]
    dens = [d.truth.get(cell_key(period, md, c)) for c in (a, b)]
    if any(n not in d.truth for n in nums) or not all(dens):
        return
    terms = [(nums[0], (1 - pt.weight) * scale / float(dens[0] or 1)), (nums[1], pt.weight * scale / float(dens[1] or 1))]
    slack = TIGHT * max(1.0, abs(pt.value))
    d.relate(terms, pt.value - pt.half - slack, pt.value + pt.half + slack)


def coarser(step: float, values: Iterable[float]) -> float:
    """The next summary step, or `WITHHELD` once it is wider than the spread of the values."""
    vals = list(values)
    spread = (max(vals) - min(vals)) if vals else 0.0
    nxt = nice_step(step * 1.5)
    return WITHHELD if nxt > spread else nxt
