"""Builds chart specifications from the anonymised table (optionally with one clinic's own figures highlighted)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal, cast

from klyngedesk.core.anonymise import AnonymisedComposition, AnonymisedIndicator, AnonymisedRow, Change
from klyngedesk.core.model import Indicator
from klyngedesk.core.render import wording
from klyngedesk.core.render.charts import (
    BeforeAfterChart,
    BeforeAfterRow,
    CompositionBar,
    CompositionChart,
    FunnelChart,
    FunnelLimit,
    FunnelPoint,
    Outside,
    RankedBar,
    RankedBarChart,
    ReferenceLine,
    SharedBars,
    make_axis,
)
from klyngedesk.i18n import ntr, tr

MIN_FUNNEL_POINTS = 4
MIN_DENOMINATOR_SPREAD = 1.5   # largest / smallest denominator before a funnel plot tells anything
CURVE_POINTS = 72              # samples of a smooth funnel limit over the whole x axis


@dataclass(frozen=True)
class OwnFigures:
    """One clinic's true figures for one indicator, for its personal handout only (never group material)."""

    code: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    numerator: float | None = None
    denominator: float | None = None
    baseline_value: float | None = None
    flag: str | None = None
    rank: int | None = None
    n_ranked: int = 0
    change: Change | None = None
    quality: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    trend: tuple[float | None, ...] = ()    # the true value in every round of the indicator's trend, oldest first
    limits_unknown: bool = False            # no 99.8 % limits to tell against (withheld with the cluster value)


@dataclass(frozen=True)
class ChartContext:
    """Who is looking: the language, whether consenting clinics are named, and the own clinic if personal.

    `own_code` marks the reader's clinic in every chart; `own` carries its true figures for the indicator
    being drawn (they replace what the group sees, e.g. a count suppressed as "<5").
    """

    lang: str
    show_names: bool = True
    own_code: str | None = None
    own: OwnFigures | None = None
    suppressed_text: str = "<5"
    hidden_text: str = "skjult"      # a count hidden to protect another one (never shown as "<5")

    @property
    def own_label(self) -> str:
        return tr("Your clinic ({code})", self.lang, code=self.own_code) if self.own_code else ""

    def label(self, row: AnonymisedRow) -> str:
        if self.is_own(row.code):
            return tr("{code} (you)", self.lang, code=row.code)
        if self.show_names and row.name:
            return f"{row.name} ({row.code})"
        return row.code

    def is_own(self, row_code: str) -> bool:
        return self.own_code is not None and row_code == self.own_code


def _outside(flag: str | None) -> Outside:
    outside: dict[str, Outside] = {"above_998": "above", "below_998": "below"}
    return outside.get(flag or "")


def _shown(row: AnonymisedRow, ctx: ChartContext) -> tuple[float | None, float | None, float | None, str | None]:
    """(value, low, high, flag) of a row, with the own clinic's true figures replacing what the group sees."""
    if ctx.is_own(row.code) and ctx.own is not None:
        own = ctx.own
        return own.value, own.ci_low, own.ci_high, own.flag
    if row.ci_low is None and row.wide_ci is not None:   # the exact one withheld: the wide one (see anonymise)
        return row.value, row.wide_ci[0], row.wide_ci[1], row.flag
    return row.value, row.ci_low, row.ci_high, row.flag


def whisker_kind(row: AnonymisedRow) -> str | None:
    """How a row's whisker is worked out as the group sees it (`_shown`): "exact", "wide" (from the printed
    rate and list-size band, stats/wide_interval.py) or None (none drawn)."""
    if row.ci_low is not None:
        return "exact"
    return "wide" if row.wide_ci is not None else None


def interval_label(kinds: Iterable[str | None], lang: str, own: bool = False) -> str:
    """The key's words for the whiskers drawn for the clinics of `kinds` (see `whisker_kind`), so the key says
    what is drawn; `own`: the reader's own clinic is drawn beside them with its exact interval."""
    drawn = set(kinds) - {None}
    if "wide" not in drawn:
        return tr("95% CI", lang)
    if "exact" in drawn:
        return tr("95% CI, wide for some clinics", lang)
    return tr("95% CI; the other clinics' wide", lang) if own else tr("95% CI, wide", lang)


def pooled_shown(ind: AnonymisedIndicator, lang: str) -> tuple[float, str]:
    """The pooled value where the charts draw it and as every page prints it: inside its interval (see
    wording.point), so the line, its legend and the key figures agree."""
    assert ind.pooled is not None
    step = wording.cluster_step(ind, ind.pooled)   # none where it is the change's exact value
    shown = wording.point_value(ind.pooled, ind.pooled_ci_low, ind.pooled_ci_high, ind.unit, step)
    text = wording.point(ind.pooled, ind.pooled_ci_low, ind.pooled_ci_high, ind.unit, lang, step)
    return shown if shown is not None else ind.pooled, text


def reference_lines(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext) -> tuple[ReferenceLine, ...]:
    lang, unit = ctx.lang, ind.unit
    lines = []
    # One reference line: the pooled value the funnel limits (and so the flags) are centred on; the median
    # only where the pooled value is withheld (and then no clinic is flagged).
    if ind.pooled is not None:
        value, text = pooled_shown(ind, lang)
        lines.append(ReferenceLine("pooled", value, tr("Cluster as a whole {value}", lang, value=text)))
    elif ind.median is not None:
        lines.append(ReferenceLine("median", ind.median, tr("Cluster median {value}", lang,
                                                            value=wording.summary_value(ind.median, ind, lang))))
    for ref in ind.references:
        label = tr("Region {value}", lang, value=wording.number(ref.value, unit, lang)) if ref.scope == "region" \
            else tr("National {value}", lang, value=wording.number(ref.value, unit, lang))
        lines.append(ReferenceLine(ref.scope, ref.value, label))
    if ind.target is not None:
        sign = "≥" if ind.target.direction == "max" else "≤"
        lines.append(ReferenceLine("target", ind.target.value, tr("Target {sign} {value}", lang, sign=sign,
                                                                  value=wording.number(ind.target.value, unit, lang))))
    return tuple(lines)


def better(direction: str | None) -> str | None:
    """'higher' (direction max), 'lower' (direction min) or None (no better direction)."""
    return {"max": "higher", "min": "lower"}.get(direction or "")


def every_clinic_hidden(ind: AnonymisedIndicator) -> bool:
    """Whether no clinic's value is printed because the anonymisation hid them (its rows then come in code order)."""
    return bool(ind.rows) and all(r.value is None for r in ind.rows) and any(r.suppressed for r in ind.rows)


def ranked_title(direction: str | None, lang: str) -> str:
    if direction == "max":
        return tr("Ranked: higher is better, best on top", lang)
    if direction == "min":
        return tr("Ranked: lower is better, best on top", lang)
    return tr("Ranked by value, highest on top (no better direction)", lang)


def better_words(direction: str | None, lang: str) -> str:
    if direction == "max":
        return tr("higher is better", lang)
    if direction == "min":
        return tr("lower is better", lang)
    return ""


def _best_first(value: float | None, direction: str | None) -> float:
    """Sort key: the best value first (lowest first when lower is better, else highest first)."""
    if value is None:
        return math.inf
    return value if direction == "min" else -value


def _ranked_bar(row: AnonymisedRow, ctx: ChartContext, ind: AnonymisedIndicator,
                columns: Callable[[AnonymisedRow], tuple[str, ...]] | None) -> RankedBar:
    """One clinic's bar as `ctx`'s reader sees it."""
    value, low, high, flag = _shown(row, ctx)
    own = ctx.is_own(row.code)
    if value is None:
        text = (ctx.hidden_text if row.hidden_reason == "protect" else wording.small_value(ctx.suppressed_text,
                                                                                            ctx.lang)) \
            if row.suppressed else tr("no data", ctx.lang)
    else:   # the others' values in their rounding step's precision, the reader's own in full; never
        # drawn or printed on an end of the interval it lies inside (see wording.point)
        step = None if own else ind.value_step
        text = wording.point(value, low, high, ind.unit, ctx.lang, step)
        value = wording.point_value(value, low, high, ind.unit, step)
    extra = columns(row) if columns else ()
    return RankedBar(ctx.label(row), value, low, high, text, own, _outside(flag), extra)


def _bar_order(bar: RankedBar, direction: str | None) -> tuple[bool, float, str]:
    """Where a bar goes in the ranked chart: best on top, bars without a value last, then by label."""
    return bar.value is None, _best_first(bar.value, direction), bar.label


def _extent(bar: RankedBar) -> float | None:
    """How far a bar reaches along the axis (its interval's top, else its value; None without a value)."""
    if bar.value is None:
        return None
    return bar.high if bar.high is not None else bar.value


def _ranked_spec(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext, bars: tuple[RankedBar, ...],
                 extent: list[float | None], lines: tuple[ReferenceLine, ...], few_ticks: bool,
                 headings: tuple[str, ...], note: str | None = None, kinds: Iterable[str | None] | None = None,
                 **shared: object) -> RankedBarChart:
    """The ranked chart of these sorted bars; `note`: the key's note when the caller has it already; `kinds`:
    how the other clinics' whiskers are worked out (`whisker_kind`), when the caller has them already."""
    lang = ctx.lang
    note = _ranked_note(ind, ctx) if note is None else note
    # no other clinic's value printed: no order to claim, no rounding to state (the reader's own bar is in full)
    hidden = every_clinic_hidden(ind) and all(b.value is None for b in bars if not b.highlight)
    title = tr("Every clinic's value is hidden: listed by code", lang) if hidden else ranked_title(meta.direction, lang)
    # beside the table's columns the bars are narrow: fewer ticks, so their labels never touch
    axis = make_axis(wording.unit_label(meta, lang), [*extent, *(ln.value for ln in lines)], wording.tick(ind.unit, lang),
                     ceiling=100.0 if ind.unit == "percent" else None, max_ticks=4 if few_ticks else 6)
    return RankedBarChart(title, axis, bars, lines,
                          interval_label=interval_label(_other_kinds(ind, ctx) if kinds is None else kinds, lang,
                                                        ctx.own_code is not None),
                          outside_label=tr("outside the 99.8% limit", lang), own_label=ctx.own_label,
                          note="" if hidden else note,
                          better=better(meta.direction), columns=headings, **shared)  # type: ignore[arg-type]


def _other_kinds(ind: AnonymisedIndicator, ctx: ChartContext) -> set[str | None]:
    """The whisker kinds of the clinics other than the reader's own (whose interval is its true one)."""
    return {whisker_kind(r) for r in ind.rows if not ctx.is_own(r.code)}


def ranked_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext,
                 columns: Callable[[AnonymisedRow], tuple[str, ...]] | None = None,
                 headings: tuple[str, ...] = ()) -> RankedBarChart:
    """Bars sorted best on top (highest on top without a direction), whiskers, median, region/national and
    target lines. `columns` adds text columns per clinic after the value (a table key beside the bars)."""
    bars = [_ranked_bar(row, ctx, ind, columns) for row in ind.rows]
    bars.sort(key=lambda b: _bar_order(b, meta.direction))
    return _ranked_spec(ind, meta, ctx, tuple(bars), [_extent(b) for b in bars], reference_lines(ind, meta, ctx),
                        columns is not None, headings, _ranked_note(ind, ctx))


class RankedForReaders:
    """One indicator's ranked chart in every clinic's personal handout, built for all of them at once: the
    other clinics' bars are made and sorted once (`SharedBars`), and `spec(code, own)` puts the reader's own
    bar in where the sort puts it. The chart is the one `ranked_chart` makes with that reader's context, so
    a pack's personal handouts cost one bar per clinic each, not the whole cluster's bars again."""

    def __init__(self, ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext) -> None:
        """`ctx`: the readers' context without an own clinic (their language, codes only)."""
        self.ind, self.meta, self.ctx = ind, meta, replace(ctx, own_code=None, own=None)
        bars = [_ranked_bar(row, self.ctx, ind, None) for row in ind.rows]
        # the sort is stable: equal keys keep the rows' order, so the row's index is the key's last part
        keys = sorted((_bar_order(b, meta.direction), i) for i, b in enumerate(bars))
        self.shared = SharedBars(tuple(bars[i] for _, i in keys))
        self._keys = keys
        self._rows: dict[str, tuple[int, AnonymisedRow]] = {}
        for position, (_, i) in enumerate(keys):
            self._rows.setdefault(ind.rows[i].code, (position, ind.rows[i]))   # the first row of a code, as `is_own`
        self._extent = [_extent(b) for b in self.shared.bars]
        self._lines = reference_lines(ind, meta, self.ctx)
        self._note = _ranked_note(ind, self.ctx)   # looks at every row: once, not per reader
        self._kinds = Counter(whisker_kind(r) for r in ind.rows)
        self._code_kinds: dict[str, Counter[str | None]] = {}
        for r in ind.rows:
            self._code_kinds.setdefault(r.code, Counter())[whisker_kind(r)] += 1
        self._unbounded = {r.code for r in ind.rows if _unbounded(r)}   # readers whose key leaves themselves out

    def spec(self, code: str, own: OwnFigures | None) -> RankedBarChart:
        """The chart as clinic `code` sees it: its own bar (its true figures when `own` is given) in bold."""
        ctx = replace(self.ctx, own_code=code, own=own)
        note = _ranked_note(self.ind, ctx) if code in self._unbounded else self._note
        found = self._rows.get(code)
        shared = self.shared.bars
        if found is None:   # the reader has no row: every bar as the others see it
            return _ranked_spec(self.ind, self.meta, ctx, shared, self._extent, self._lines, False, (),
                                note, set(self._kinds), shared=self.shared)
        k, row = found
        index = self._keys[k][1]
        mine = _ranked_bar(row, ctx, self.ind, None)
        rest_keys = self._keys[:k] + self._keys[k + 1:]
        at = bisect_left(rest_keys, ((_bar_order(mine, self.meta.direction)), index))
        bars = (*shared[:k], *shared[k + 1:])
        bars = (*bars[:at], mine, *bars[at:])
        extent = self._extent[:k] + self._extent[k + 1:] + [_extent(mine)]
        return _ranked_spec(self.ind, self.meta, ctx, bars, extent, self._lines, False, (), note,
                            self.other_kinds(code), shared=self.shared, replaced=k, own_at=at)

    def other_kinds(self, code: str) -> set[str | None]:
        """The whisker kinds of every clinic but `code` (each of its rows left out once)."""
        kinds = self._kinds.copy()
        kinds.subtract(self._code_kinds.get(code, Counter()))
        return {kind for kind, n in kinds.items() if n > 0}


def _ranked_note(ind: AnonymisedIndicator, ctx: ChartContext) -> str:
    """The key's note under a ranked chart as `ctx`'s reader sees it: the clinics' rounding, that their
    intervals are left out, and which clinics are drawn without any interval (every ranked value has one, or
    the key says which has not; the reader's own bar has its own)."""
    lang = ctx.lang
    note = wording.rounding_note(ind.value_step, ind.unit, lang)
    if ind.intervals_withheld and not any(r.wide_ci for r in ind.rows):
        return tr("{note}, without their 95% CI", lang, note=note) if note else tr("clinics without their 95% CI",
                                                                                  lang)
    return "; ".join(n for n in (note, _unbounded_note(ind, ctx)) if n)


MAX_NAMED_UNBOUNDED = 6   # more clinics without an interval than this are counted, not listed


def _unbounded(row: AnonymisedRow) -> bool:
    """A value the group sees drawn without any interval (neither its exact one nor a wide one)."""
    return row.value is not None and not row.suppressed and whisker_kind(row) is None


def _unbounded_note(ind: AnonymisedIndicator, ctx: ChartContext) -> str:
    """Which clinics show a value without any interval: a wide one is worked out from the rounded rate and the
    list-size band (stats/wide_interval.py), and a band from 0 bounds nothing (the methods page says so; the
    group chart prints the band in its row)."""
    valued = [r for r in ind.rows if r.value is not None and not r.suppressed]
    rows = [r for r in valued if _unbounded(r) and not ctx.is_own(r.code)]
    if not rows or len(rows) == len(valued):
        return ""   # none has an interval: the rounding note says so
    labels = sorted({ctx.label(r) for r in rows})
    who = ", ".join(labels) if len(labels) <= MAX_NAMED_UNBOUNDED else tr("{n} clinics", ctx.lang, n=len(labels))
    return tr("no 95% CI for {who}", ctx.lang, who=who)


def funnel_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext,
                 denominator_title: str) -> FunnelChart | None:
    """Value against denominator with limits; None when denominators are hidden, too few or too alike."""
    lang, unit = ctx.lang, ind.unit
    points, limits = [], []
    for row in ind.rows:
        value, _, _, flag = _shown(row, ctx)
        den = row.denominator
        if ctx.is_own(row.code) and ctx.own is not None and ctx.own.denominator:
            den = ctx.own.denominator
        if value is None or den is None or den <= 0:
            continue
        label = tr("{code} (you)", lang, code=row.code) if ctx.is_own(row.code) else row.code
        detail = f"{wording.number(value, unit, lang, step=None if ctx.is_own(row.code) else ind.value_step)} · " \
                 f"{wording.count(den, lang)}"
        points.append(FunnelPoint(label, den, value, ctx.is_own(row.code), _outside(flag), detail))
        if row.funnel is not None:
            limits.append((den, row.funnel))
    dens = [p.x for p in points]
    if (len(points) < MIN_FUNNEL_POINTS or len(limits) < MIN_FUNNEL_POINTS or ind.pooled is None
            or max(dens) < MIN_DENOMINATOR_SPREAD * min(dens)):
        return None
    limits.sort(key=lambda t: t[0])
    ys = [p.y for p in points] + [f.u998 for _, f in limits] + [ind.pooled]
    ys += [f.l998 for _, f in limits]
    # A scatter, not bars: the value axis fits the points and limits (bars elsewhere start at zero).
    y_axis = make_axis(wording.unit_label(meta, lang), ys, wording.tick(unit, lang), from_zero=False,
                       ceiling=100.0 if unit == "percent" else None)
    x_axis = make_axis(denominator_title, dens, wording.tick("count", lang), max_ticks=5)
    ceiling = 100.0 if unit == "percent" else None
    xs = curve_grid(x_axis.low, x_axis.high, min(dens))
    plain = [(n, f) for n, f in limits if f.plain_l998 is not None and f.plain_u998 is not None]
    both = len(plain) == len(limits)     # adjusted for overdispersion: the exact limit beside it, secondary
    names = ((tr("95% limit (adjusted)", lang), tr("99.8% limit (adjusted)", lang)) if both
             else (tr("95% limit", lang), tr("99.8% limit", lang)))   # the key says which line is which
    curves = tuple(
        FunnelLimit(cast(Literal["95", "99.8"], level), label, xs,
                    smooth_limit(limits, lambda f, lo=lo: getattr(f, lo), ind.pooled, xs, ceiling),
                    smooth_limit(limits, lambda f, hi=hi: getattr(f, hi), ind.pooled, xs, ceiling))
        for level, label, lo, hi in (("95", names[0], "l95", "u95"), ("99.8", names[1], "l998", "u998")))
    if both:
        curves = (*curves, FunnelLimit(
            "99.8", tr("99.8% limit without the adjustment", lang), xs,
            smooth_limit(plain, lambda f: f.plain_l998, ind.pooled, xs, ceiling),
            smooth_limit(plain, lambda f: f.plain_u998, ind.pooled, xs, ceiling), unadjusted=True))
    return FunnelChart(tr("Funnel plot: value against the size of the denominator", lang), x_axis, y_axis,
                       pooled_shown(ind, lang)[0], tr("Cluster as a whole {value}", lang, value=pooled_shown(ind, lang)[1]),
                       curves, tuple(points), outside_label=tr("outside the 99.8% limit", lang),
                       note="\n".join(n for n in (wording.funnel_note(ind.overdispersion, lang),
                                                   _left_out_note(len(ind.rows) - len(points), lang)) if n),
                       own_label=ctx.own_label, better_label=better_words(meta.direction, lang),
                       unlabelled_label=tr("Not labelled in the plot (value, denominator)", lang))


def curve_grid(low: float, high: float, smallest: float) -> tuple[float, ...]:
    """Denominators from near the left edge of the axis to its right end, denser where curves bend."""
    start = max(low, smallest * 0.25, high * 0.01, 1e-9)
    ratio = (high / start) ** (1 / (CURVE_POINTS - 1))
    return tuple(start * ratio ** i for i in range(CURVE_POINTS))


def smooth_limit(limits: list, part, centre: float, xs: tuple[float, ...], ceiling: float | None
                 ) -> tuple[float, ...]:
    """One limit curve over the grid `xs`, through each clinic's own limit.

    The half-width h (limit minus centre) of every funnel limit behaves like sqrt(a/n + b) (binomial or
    Poisson spread a/n, overdispersion b); a and b are fitted to the clinics' limits, and the small
    remainder is interpolated in log n between them, so the curve passes through every clinic's exact
    limit (a clinic flagged outside is drawn outside) and is smooth over the whole axis.
    """
    floor = 0.0
    pts = [(n, part(f) - centre) for n, f in limits
           if part(f) is not None and floor < part(f) < (ceiling if ceiling is not None else math.inf)]
    if not pts:
        pts = [(n, part(f) - centre) for n, f in limits if part(f) is not None]
    if not pts:
        return tuple(centre for _ in xs)
    sign = 1.0 if sum(h for _, h in pts) >= 0 else -1.0
    a, b = _fit_spread([(1.0 / n, h * h) for n, h in pts])

    def model(n: float) -> float:
        return sign * math.sqrt(max(a / n + b, 0.0))

    logs = [math.log(n) for n, _ in pts]
    rest = [h - model(n) for n, h in pts]
    out = []
    for x in xs:
        value = centre + model(x) + _interpolate(math.log(x), logs, rest)
        if ceiling is not None:
            value = min(value, ceiling)
        out.append(max(value, floor))
    return tuple(out)


def _fit_spread(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares h² = a·u + b (u = 1/n) with a, b >= 0."""
    k = len(samples)
    su = sum(u for u, _ in samples)
    sy = sum(y for _, y in samples)
    suu = sum(u * u for u, _ in samples)
    suy = sum(u * y for u, y in samples)
    det = k * suu - su * su
    if k >= 2 and det > 1e-18:
        a = (k * suy - su * sy) / det
        b = (sy - a * su) / k
        if a >= 0 and b >= 0:
            return a, b
    if suu > 0:                      # no overdispersion term: a through the origin
        return max(suy / suu, 0.0), 0.0
    return 0.0, max(sy / k, 0.0)


def _interpolate(x: float, xs: list[float], ys: list[float]) -> float:
    """Piecewise-linear through (xs, ys) (xs ascending), constant beyond the ends."""
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    for i in range(1, len(xs)):
        if x <= xs[i]:
            span = xs[i] - xs[i - 1] or 1.0
            t = (x - xs[i - 1]) / span
            return ys[i - 1] + t * (ys[i] - ys[i - 1])
    return ys[-1]


def before_after_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext, before_label: str,
                       after_label: str) -> BeforeAfterChart | None:
    """One dumbbell per clinic from the baseline to now; None without any baseline values."""
    lang, unit = ctx.lang, ind.unit
    rows = []
    for row in ind.rows:
        value, low, high, _ = _shown(row, ctx)
        before = ctx.own.baseline_value if ctx.is_own(row.code) and ctx.own is not None else row.baseline_value
        if value is None and before is None:
            continue
        rows.append(BeforeAfterRow(ctx.label(row), before, value, ctx.is_own(row.code),
                                   low if value is not None else None, high if value is not None else None))
    if not any(r.before is not None for r in rows):
        return None
    rows.sort(key=lambda r: (r.after is None, _best_first(r.after if r.after is not None else r.before,
                                                          meta.direction), r.label))
    lines = tuple(ln for ln in reference_lines(ind, meta, ctx) if ln.role == "target")
    extent = [v for r in rows for v in (r.before, r.after) if v is not None] + [ln.value for ln in lines]
    # Dots, not bars: the axis fits the values, so a change of a few points is not lost on a 0-100 scale.
    axis = make_axis(wording.unit_label(meta, lang), extent, wording.tick(unit, lang), from_zero=False,
                     ceiling=100.0 if unit == "percent" else None)
    return BeforeAfterChart(tr("Before and after, per clinic", lang), before_label, after_label, axis,
                            tuple(rows), lines, own_label=ctx.own_label,
                            interval_label=interval_label(_other_kinds(ind, ctx), lang, ctx.own_code is not None),
                            note=_left_out_note(len(ind.rows) - len(rows), lang))


def _left_out_note(n: int, lang: str) -> str:
    """The line under a chart that draws only clinics with a shown value: how many it leaves out (their
    figures hidden or missing; the ranked chart beside it lists them)."""
    return ntr("{n} clinic without a shown value is not in the chart (its figures are hidden or missing).",
               "{n} clinics without a shown value are not in the chart (their figures are hidden or missing).",
               n, lang) if n else ""


def composition_chart(comp: AnonymisedComposition, ctx: ChartContext,
                      own_shares: tuple[float | None, ...] | None = None,
                      label_codes: dict[str, str] | None = None) -> CompositionChart:
    """Stacked shares per clinic plus the cluster as a whole on top.

    `label_codes` maps each composition label (code or consented name) to its code so the own clinic can
    be found and, in personal handouts, names can be replaced by codes.
    """
    lang = ctx.lang
    label_codes = label_codes or {}
    withheld = "" if all(s is not None for s in comp.cluster) else tr("withheld", lang)
    bars = [CompositionBar(tr("Cluster", lang), tuple(comp.cluster), False, withheld)]
    # Ordered by the first part's share, largest on top (not in code order: the ranked chart is elsewhere).
    for label, shares in sorted(comp.shares, key=lambda item: (item[1][0] is None, -(item[1][0] or 0.0),
                                                                _code_key(label_codes.get(item[0], item[0])))):
        code = label_codes.get(label, label)
        own = ctx.is_own(code)
        shown = own_shares if own and own_shares is not None else shares
        if own:
            text = tr("{code} (you)", lang, code=code)
        elif ctx.show_names and code != label:
            text = f"{label} ({code})"
        else:
            text = code
        bars.append(CompositionBar(text, tuple(shown), own,
                                   "" if all(s is not None for s in shown) else ctx.hidden_text))
    axis = make_axis(tr("share (%)", lang), [100.0], wording.tick("percent", lang), ceiling=100.0)
    hidden = all(s is None for b in bars[1:] for s in b.shares)   # no order to claim (a reader's own bar is shown)
    title = tr("Every clinic's shares are hidden: listed by code", lang) if hidden else tr(
        "Distribution per clinic, largest share of {part} on top", lang, part=comp.parts[0] if comp.parts else "")
    return CompositionChart(title, tuple(comp.parts), axis, tuple(bars), own_label=ctx.own_label,
                            note=_composition_note(comp, any(b.total_text == ctx.hidden_text for b in bars[1:]),
                                                   ctx.hidden_text, lang))


def _composition_note(comp: AnonymisedComposition, any_hidden: bool, hidden: str, lang: str) -> str:
    """The lines under a composition chart: what its last part, "Others", holds, and that a clinic marked
    hidden has no bar."""
    others = tr("Others", lang)
    named = [p for p in comp.parts if p != others]
    lines = []
    if named and len(named) < len(comp.parts):
        lines.append(tr("{others}: the rest of the group besides {parts}.", lang, others=others,
                        parts=wording.join_and(named, lang)))
    if any_hidden:
        lines.append(tr("A clinic marked {hidden} has no bar: its shares would give away hidden figures.", lang,
                        hidden=hidden))
    return "\n".join(lines)


def _code_key(code: str) -> tuple[int, str]:
    return len(code), code
