"""The trend over every round, as OpenPrescribing draws it: a thin grey line per practice against the cluster's
median and deciles; in a personal handout the clinic's own line in bold with square markers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from klyngedesk.core.anonymise import AnonymisedIndicator
from klyngedesk.core.anonymise.types import DECILES
from klyngedesk.core.formatting import format_period_label
from klyngedesk.core.model import Indicator
from klyngedesk.core.render import wording
from klyngedesk.core.render.chart_builder import ChartContext, better_words
from klyngedesk.core.render.chart_pdf import (
    AXIS_H,
    LEGEND_ROW,
    TICK_SIZE,
    _legend,
    _legend_rows,
    _text,
    _title,
    colour,
    marker,
    title_height,
)
from klyngedesk.core.render.charts import ROLE_COLOURS, Axis, make_axis
from klyngedesk.core.render.fonts import REGULAR, register_fonts, text_width
from klyngedesk.core.render.pdf_pen import ChartFlowable, Pen
from klyngedesk.i18n import tr

MIN_ROUNDS = 3            # two rounds are shown as before and after
PLOT_HEIGHT = 150.0       # height of the plot area (a half-width cell beside the funnel)
COMPACT_PLOT_HEIGHT = 62.0    # beside the ranked chart in a personal handout, the own figures under it
LABEL_GAP = 4.0           # at least this much between two period labels
EDGE = 4.0                # the first and last round this far inside the plot at least


@dataclass(frozen=True)
class TrendLine:
    label: str
    values: tuple[float | None, ...]   # per round; None = hidden or no value (a gap in the line)


@dataclass(frozen=True)
class DecileTrendChart:
    """Values over the rounds: the median (solid), the other deciles (dashed), practice lines (thin grey)
    and, in a personal handout, the own line."""

    kind: ClassVar[str] = "decile_trend"
    title: str
    periods: tuple[str, ...]                         # the rounds' labels in the reader's language, oldest first
    axis: Axis
    median: tuple[float | None, ...]
    deciles: tuple[tuple[float | None, ...], ...]    # the 10th, 20th, ..., 90th percentile but the median
    practices: tuple[TrendLine, ...] = ()
    own: TrendLine | None = None
    median_label: str = ""
    decile_label: str = ""
    practice_label: str = ""
    own_label: str = ""
    gap_label: str = ""           # said under the legend when a line has a gap
    better_label: str = ""


def trend_chart(ind: AnonymisedIndicator, meta: Indicator, ctx: ChartContext, *,
                practices: bool = True) -> DecileTrendChart | None:
    """The trend of one indicator over its rounds (None below MIN_ROUNDS rounds or without values).

    `practices`: a grey line per practice (the group handout); a personal handout draws only its own line
    (its true values, from `ctx.own.trend`, where the group's may be hidden) against the deciles."""
    rounds = ind.trend
    if len(rounds) < MIN_ROUNDS:
        return None
    lang = ctx.lang
    lines: tuple[TrendLine, ...] = ()
    if practices:   # each round's values looked up by code once (not the round again for every clinic)
        by_code = [dict(t.values) for t in rounds]
        lines = tuple(TrendLine(code, values) for code, _ in rounds[-1].values if not ctx.is_own(code)
                      for values in [tuple(r.get(code) for r in by_code)] if _has(values))
    own = None
    if ctx.own_code is not None:
        own_values = ctx.own.trend if ctx.own is not None and len(ctx.own.trend) == len(rounds) else \
            tuple(t.value(ctx.own_code) for t in rounds)
        own = TrendLine(ctx.own_label, tuple(own_values)) if _has(own_values) else None
    median = tuple(t.median for t in rounds)
    others = [i for i, p in enumerate(DECILES) if p != 50]
    deciles = tuple(tuple(t.deciles[i] if t.deciles else None for t in rounds) for i in others)
    series = [median, *deciles, *(line.values for line in lines), *([own.values] if own else [])]
    extent = [v for values in series for v in values if v is not None]
    if not extent:
        return None
    axis = make_axis(wording.unit_label(meta, lang), extent, wording.tick(ind.unit, lang), from_zero=False,
                     ceiling=100.0 if ind.unit == "percent" else None, max_ticks=6 if practices else 4)
    gaps = any(v is None for line in (*lines, *([own] if own else [])) for v in line.values)
    return DecileTrendChart(
        tr("Every round: each practice against the cluster's median and deciles", lang) if practices
        else tr("Your clinic in every round", lang),
        tuple(format_period_label(t.label, lang) for t in rounds), axis, median, deciles, lines, own,
        median_label=tr("Median", lang),
        decile_label=tr("Deciles (10th–90th percentile)", lang) if practices else tr("Deciles", lang),
        practice_label=tr("One practice", lang) if lines else "", own_label=own.label if own else "",
        gap_label=tr("A gap in a line: the value is hidden or missing in that round. Median and deciles are "
                     "taken over the values shown.", lang) if gaps else "",
        better_label=better_words(meta.direction, lang))


def _has(values: tuple[float | None, ...]) -> bool:
    return any(v is not None for v in values)


def _label_widths(spec: DecileTrendChart) -> list[float]:
    return [text_width(label, REGULAR, TICK_SIZE) for label in spec.periods]


def _y_axis_width(spec: DecileTrendChart) -> float:
    return max(text_width(t, REGULAR, TICK_SIZE) for t in spec.axis.tick_labels) + 12


def _round_positions(spec: DecileTrendChart, width: float) -> tuple[list[float], float]:
    """The x of every round, and the left edge of the plot. The end labels may reach under the y ticks."""
    widths = _label_widths(spec)
    x0 = _y_axis_width(spec)
    first = max(x0 + EDGE, widths[0] / 2 + 1)
    last = min(width - EDGE, width - widths[-1] / 2 - 1)
    n = len(spec.periods)
    return [first + i * (last - first) / (n - 1) for i in range(n)], x0


def shown_labels(spec: DecileTrendChart, width: float) -> list[int]:
    """The rounds whose label is printed: all when they fit side by side, else every k-th one counted back
    from the newest (the newest is always labelled), so that no two labels touch."""
    xs, _ = _round_positions(spec, width)
    widths = _label_widths(spec)
    n = len(xs)
    for k in range(1, n):
        picked = [i for i in range(n) if (n - 1 - i) % k == 0]
        if all(xs[b] - xs[a] >= (widths[a] + widths[b]) / 2 + LABEL_GAP for a, b in zip(picked, picked[1:], strict=False)):
            return picked
    return [n - 1]


def note_lines(text: str, width: float) -> list[str]:
    """The note under the chart broken into lines that fit its width."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", REGULAR, TICK_SIZE) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _legend_items(spec: DecileTrendChart) -> list[tuple[str, str, str]]:
    items = [("line", ROLE_COLOURS["decile"], spec.median_label), ("line", "decile", spec.decile_label)]
    if spec.practices:
        items.append(("line", "practice", spec.practice_label))
    if spec.own is not None:
        items.append(("marker", "own", spec.own_label))
    return items


def _segments(xs: list[float], ys: list[float | None]) -> tuple[list[list[tuple[float, float]]], list[tuple[float, float]]]:
    """Runs of consecutive rounds with a value (drawn as lines) and the lone points between gaps."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            runs.append([])
        else:
            runs[-1].append((x, y))
    lines = [r for r in runs if len(r) >= 2]
    lone = [r[0] for r in runs if len(r) == 1]
    return lines, lone


def draw_trend(spec: DecileTrendChart, width: float, compact: bool = False) -> ChartFlowable:
    """The chart as a platypus flowable `width` points wide."""
    register_fonts()
    legend = _legend_items(spec)
    legend_h = _legend_rows(legend, width) * LEGEND_ROW + 4
    note = note_lines(spec.gap_label, width)
    note_h = LEGEND_ROW * len(note)
    plot_h = COMPACT_PLOT_HEIGHT if compact else PLOT_HEIGHT
    axis_h = AXIS_H - 11       # period labels only, no axis title under them
    axis_label = spec.axis.label + (f" · {spec.better_label}" if spec.better_label else "")
    head = title_height(spec.title, width) + (15 if axis_label else 6)
    total = head + plot_h + axis_h + legend_h + note_h
    pen = Pen(width, total)
    _title(pen, spec.title, total)
    y_bottom = legend_h + note_h + axis_h
    y_top = y_bottom + plot_h
    xs, x0 = _round_positions(spec, width)
    x1 = width - 1

    def y_of(value: float) -> float:
        return y_bottom + spec.axis.fraction(value) * (y_top - y_bottom)

    for tick, label in zip(spec.axis.ticks, spec.axis.tick_labels, strict=True):
        y = y_of(tick)
        pen.line(x0, y, x1, y, stroke=colour("grid"), width=0.5)
        _text(pen, x0 - 4, y - TICK_SIZE * 0.3, label, size=TICK_SIZE, anchor="end", role="muted")
    pen.line(x0, y_bottom, x1, y_bottom, stroke=colour("axis"), width=0.6)
    labelled = shown_labels(spec, width)
    for i, x in enumerate(xs):    # a tick at every round, its label where there is room for it
        pen.line(x, y_bottom, x, y_bottom - (2.5 if i in labelled else 1.5), stroke=colour("axis"), width=0.6)
    for i in labelled:
        _text(pen, xs[i], y_bottom - 10, spec.periods[i], size=TICK_SIZE, anchor="middle", role="muted")
    _text(pen, 0, y_top + 7, axis_label, size=TICK_SIZE, role="muted")

    def series(values: tuple[float | None, ...]) -> tuple[list[list[tuple[float, float]]], list[tuple[float, float]]]:
        return _segments(xs, [None if v is None or not math.isfinite(v) else y_of(v) for v in values])

    pen.clip(x0, y_bottom - 4, x1 - x0 + 1, y_top - y_bottom + 8)
    for line in spec.practices:
        runs, lone = series(line.values)
        for run in runs:
            pen.polyline(run, stroke=colour("practice"), width=0.6)
        for x, y in lone:
            pen.circle(x, y, 1.3, fill=colour("practice"))
    for values in spec.deciles:
        for run in series(values)[0]:
            pen.polyline(run, stroke=colour("decile"), width=0.8, dash=(2.5, 2))
    for run in series(spec.median)[0]:
        pen.polyline(run, stroke=colour("decile"), width=1.8)
    if spec.own is not None:
        runs, lone = series(spec.own.values)
        for run in runs:   # a black edge under the colour: the own line stands out in greyscale too
            pen.polyline(run, stroke=colour("own_outline"), width=3.4)
            pen.polyline(run, stroke=colour("bar_own"), width=1.8)
        for run in [*runs, *([p] for p in lone)]:
            for x, y in run:
                marker(pen, "own", x, y, 2.8)
    pen.unclip()
    _legend(pen, legend, 0, width, note_h + legend_h - LEGEND_ROW + 2)
    for k, words in enumerate(note):
        _text(pen, 0, 3 + (len(note) - 1 - k) * LEGEND_ROW, words, size=TICK_SIZE, role="muted")
    return pen.flowable()
