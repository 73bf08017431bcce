"""Builds chart specifications from the anonymised table (optionally with one clinic's own figures highlighted)."""

from __future__ import annotations

from dataclasses import dataclass

from klyngedesk.core.anonymise import AnonymisedComposition, AnonymisedIndicator, AnonymisedRow
from klyngedesk.core.collate import Change
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
    RankedBar,
    RankedBarChart,
    ReferenceLine,
    make_axis,
)
from klyngedesk.i18n import tr

MIN_FUNNEL_POINTS = 4
MIN_DENOMINATOR_SPREAD = 1.5   # largest / smallest denominator before a funnel plot tells anything


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


def _outside(flag: str | None) -> str | None:
    return {"above_998": "above", "below_998": "below"}.get(flag or "")


def _shown(row: AnonymisedRow, ctx: ChartContext) -> tuple[float | None, float | None, float | None, str | None]:
    """(value, low, high, flag) of a row, with the own clinic's true figures replacing what the group sees."""
    if ctx.is_own(row.code) and ctx.own is not None:
        own = ctx.own
        return own.value, own.ci_low, own.ci_high, own.flag
    return row.value, row.ci_low, row.ci_high, row.flag


def reference_lines(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext) -> tuple[ReferenceLine, ...]:
    lang, unit = ctx.lang, ind.unit
    lines = []
    if ind.median is not None:
        lines.append(ReferenceLine("median", ind.median, tr("Cluster median {value}", lang,
                                                            value=wording.number(ind.median, unit, lang))))
    for ref in ind.references:
        label = tr("Region {value}", lang, value=wording.number(ref.value, unit, lang)) if ref.scope == "region" \
            else tr("National {value}", lang, value=wording.number(ref.value, unit, lang))
        lines.append(ReferenceLine(ref.scope, ref.value, label))
    if ind.target is not None:
        sign = "≥" if ind.target.direction == "max" else "≤"
        lines.append(ReferenceLine("target", ind.target.value, tr("Target {sign} {value}", lang, sign=sign,
                                                                  value=wording.number(ind.target.value, unit, lang))))
    return tuple(lines)


def ranked_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext) -> RankedBarChart:
    """Bars sorted by value (largest on top), whiskers, median, region/national and target lines."""
    lang, unit = ctx.lang, ind.unit
    bars = []
    for row in ind.rows:
        value, low, high, flag = _shown(row, ctx)
        own = ctx.is_own(row.code)
        if value is None:
            text = ctx.suppressed_text if row.suppressed else tr("no data", lang)
        else:
            text = wording.number(value, unit, lang)
        bars.append(RankedBar(ctx.label(row), value, low, high, text, own, _outside(flag)))
    bars.sort(key=lambda b: (b.value is None, -(b.value or 0.0), b.label))
    lines = reference_lines(ind, meta, ctx)
    extent = [b.high if b.high is not None else b.value for b in bars if b.value is not None]
    extent += [ln.value for ln in lines]
    axis = make_axis(wording.unit_label(meta, lang), extent, wording.tick(unit, lang),
                     ceiling=100.0 if unit == "percent" else None)
    return RankedBarChart(tr("Clinics ranked by value", lang), axis, tuple(bars), lines,
                          interval_label=tr("95 % confidence interval", lang),
                          outside_label=tr("outside the 99.8 % limit", lang), own_label=ctx.own_label)


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
        points.append(FunnelPoint(ctx.label(row), den, value, ctx.is_own(row.code), _outside(flag)))
        if row.funnel is not None:
            limits.append((den, row.funnel))
    dens = [p.x for p in points]
    if (len(points) < MIN_FUNNEL_POINTS or len(limits) < MIN_FUNNEL_POINTS or ind.pooled is None
            or max(dens) < MIN_DENOMINATOR_SPREAD * min(dens)):
        return None
    limits.sort(key=lambda t: t[0])
    xs = tuple(x for x, _ in limits)
    curves = (FunnelLimit("95", tr("95 % limit", lang), xs, tuple(f.l95 for _, f in limits),
                          tuple(f.u95 for _, f in limits)),
              FunnelLimit("99.8", tr("99.8 % limit", lang), xs, tuple(f.l998 for _, f in limits),
                          tuple(f.u998 for _, f in limits)))
    ys = [p.y for p in points] + [f.u998 for _, f in limits] + [ind.pooled]
    ys += [f.l998 for _, f in limits]
    # A scatter, not bars: the value axis fits the points and limits (bars elsewhere start at zero).
    y_axis = make_axis(wording.unit_label(meta, lang), ys, wording.tick(unit, lang), from_zero=False,
                       ceiling=100.0 if unit == "percent" else None)
    x_axis = make_axis(denominator_title, dens, wording.tick("count", lang), max_ticks=5)
    return FunnelChart(tr("Funnel plot: value against the size of the denominator", lang), x_axis, y_axis,
                       ind.pooled, tr("Cluster as a whole {value}", lang, value=wording.number(ind.pooled, unit, lang)),
                       curves, tuple(points), outside_label=tr("outside the 99.8 % limit", lang),
                       own_label=ctx.own_label)


def before_after_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext, before_label: str,
                       after_label: str) -> BeforeAfterChart | None:
    """One dumbbell per clinic from the baseline to now; None without any baseline values."""
    lang, unit = ctx.lang, ind.unit
    rows = []
    for row in ind.rows:
        value, _, _, _ = _shown(row, ctx)
        before = ctx.own.baseline_value if ctx.is_own(row.code) and ctx.own is not None else row.baseline_value
        if value is None and before is None:
            continue
        rows.append(BeforeAfterRow(ctx.label(row), before, value, ctx.is_own(row.code)))
    if not any(r.before is not None for r in rows):
        return None
    rows.sort(key=lambda r: (r.after is None, -(r.after if r.after is not None else r.before or 0.0), r.label))
    lines = tuple(ln for ln in reference_lines(ind, meta, ctx) if ln.role == "target")
    extent = [v for r in rows for v in (r.before, r.after) if v is not None] + [ln.value for ln in lines]
    axis = make_axis(wording.unit_label(meta, lang), extent, wording.tick(unit, lang),
                     ceiling=100.0 if unit == "percent" else None)
    return BeforeAfterChart(tr("Before and after, per clinic", lang), before_label, after_label, axis,
                            tuple(rows), lines, own_label=ctx.own_label)


def composition_chart(comp: AnonymisedComposition, ctx: ChartContext,
                      own_shares: tuple[float | None, ...] | None = None,
                      label_codes: dict[str, str] | None = None) -> CompositionChart:
    """Stacked shares per clinic plus the cluster as a whole on top.

    `label_codes` maps each composition label (code or consented name) to its code so the own clinic can
    be found and, in personal handouts, names can be replaced by codes.
    """
    lang = ctx.lang
    label_codes = label_codes or {}
    bars = [CompositionBar(tr("Cluster", lang), tuple(comp.cluster))]
    for label, shares in sorted(comp.shares, key=lambda item: _code_key(label_codes.get(item[0], item[0]))):
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
                                   "" if all(s is not None for s in shown) else ctx.suppressed_text))
    axis = make_axis(tr("share (%)", lang), [100.0], wording.tick("percent", lang), ceiling=100.0)
    return CompositionChart(tr("Share of each drug, per clinic", lang), tuple(comp.parts), axis, tuple(bars),
                            own_label=ctx.own_label)


def _code_key(code: str) -> tuple[int, str]:
    return len(code), code
