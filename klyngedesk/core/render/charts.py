"""Renderer-neutral chart specifications (plain dataclasses) drawn by reportlab on paper and pyqtgraph on screen.

A spec holds everything a renderer needs and nothing it must compute: the values, the already
translated and formatted labels, the axis range and ticks, and a colour role per mark. Renderers
map roles to colours with ROLE_COLOURS (Okabe-Ito, colour-blind safe). No role says "good" or
"bad": a clinic is marked only when it lies outside the 99.8 % funnel limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from klyngedesk.core.formatting import step_decimals

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}

# What each mark means -> its colour. Bars are a calm neutral; the clinic's own bar is the only strong one.
ROLE_COLOURS = {
    "bar": "#B8CCE0",            # a pale tint of Okabe-Ito blue (light grey on a greyscale printer)
    "bar_own": OKABE_ITO["orange"],   # always with a black outline and a square marker: not colour alone
    "own_outline": OKABE_ITO["black"],
    "whisker": "#3A4A5A",
    "median": OKABE_ITO["black"],
    "pooled": OKABE_ITO["black"],
    "region": OKABE_ITO["blue"],
    "national": OKABE_ITO["bluish_green"],
    "target": OKABE_ITO["reddish_purple"],
    "outside": OKABE_ITO["vermillion"],   # outside the 99.8 % limit: a triangle (up: above, down: below)
    "limit95": "#7F8C99",
    "limit998": "#3A4A5A",
    "limit_plain": "#5B6770",   # the unadjusted 99.8 % limit beside adjusted ones: thin and dotted
    "before": "#8A9BAD",
    "after": OKABE_ITO["blue"],
    "grid": "#E3E8EE",
    "axis": "#5B6770",
    "text": "#1F2933",
    "muted": "#5B6770",
    "decile": OKABE_ITO["blue"],        # the trend's deciles (dashed) and median (solid, heavier)
    "practice": "#A9B3BD",              # one thin grey line per practice in the trend
}
# Segments of a composition bar, in order: dark to light, so neighbours differ in greyscale as well
# (blue 87, sky blue 158, yellow 213 in luminance), and white borders part the segments.
SEGMENT_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["yellow"], OKABE_ITO["bluish_green"],
                   OKABE_ITO["reddish_purple"], "#BBBBBB")
# How each reference line is drawn: dash pattern in points (empty = solid).
LINE_DASHES = {"median": (), "pooled": (4, 2), "region": (6, 3), "national": (2, 2), "target": (1, 2),
               "decile": (2.5, 2)}
# How each funnel limit is drawn (legend and curve alike): 95 % dashed, 99.8 % solid, unadjusted dotted.
LIMIT_DASHES = {"limit95": (3, 2), "limit998": (), "limit_plain": (0.8, 1.6)}

LineRole = Literal["median", "pooled", "region", "national", "target"]
Outside = Literal["above", "below"] | None


@dataclass(frozen=True)
class Axis:
    """A value axis: its range, tick positions and the formatted tick labels."""

    label: str
    low: float
    high: float
    ticks: tuple[float, ...]
    tick_labels: tuple[str, ...]

    def fraction(self, value: float) -> float:
        """Where a value sits along the axis, 0 at low and 1 at high (clipped)."""
        span = self.high - self.low or 1.0
        return min(1.0, max(0.0, (value - self.low) / span))


@dataclass(frozen=True)
class ReferenceLine:
    role: LineRole
    value: float
    label: str


@dataclass(frozen=True)
class RankedBar:
    """One clinic's bar: value with its interval; value None = suppressed or missing (value_text says which)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    value_text: str = ""
    highlight: bool = False
    outside: Outside = None
    extra: tuple[str, ...] = ()     # further columns after the value (e.g. n and the denominator)


class SharedBars:
    """The bars of one ranked chart as every reader but their own clinic sees them, in the chart's order: each
    personal handout's copy of the chart is these bars with the reader's own one put in (`RankedBarChart.shared`).
    A renderer may draw them once for all the readers and keep what it drew in `drawn`."""

    def __init__(self, bars: tuple[RankedBar, ...]) -> None:
        self.bars = bars
        self.drawn: dict[tuple, object] = {}


@dataclass(frozen=True)
class RankedBarChart:
    """Horizontal bars sorted by value (largest on top), interval whiskers, vertical reference lines."""

    kind: ClassVar[str] = "ranked_bars"
    title: str
    axis: Axis
    bars: tuple[RankedBar, ...]
    lines: tuple[ReferenceLine, ...] = ()
    interval_label: str = ""
    outside_label: str = ""
    own_label: str = ""
    note: str = ""
    better: Literal["higher", "lower"] | None = None    # which way is better (best bars on top)
    columns: tuple[str, ...] = ()   # headings of the value column and the bars' extra columns ("" = none)
    # Where the bars come from, for a renderer's speed only (never part of what the chart shows): `shared`'s
    # bars without the one at `replaced` (-1: none), the reader's own bar put in at `own_at`.
    shared: SharedBars | None = field(default=None, compare=False, repr=False)
    replaced: int = field(default=-1, compare=False, repr=False)
    own_at: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    x: float
    y: float
    highlight: bool = False
    outside: Outside = None
    detail: str = ""     # "23,4 · 412": value and denominator, for the key when the label finds no room


@dataclass(frozen=True)
class FunnelLimit:
    """One control limit drawn as two curves (upper and lower) over the x grid."""

    level: Literal["95", "99.8"]
    label: str
    x: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    unadjusted: bool = False    # the exact limit drawn beside overdispersion-adjusted ones (secondary)

    @property
    def role(self) -> str:
        """The colour/dash role: "limit95", "limit998", or "limit_plain" for an unadjusted one."""
        return "limit_plain" if self.unadjusted else "limit95" if self.level == "95" else "limit998"


@dataclass(frozen=True)
class FunnelChart:
    """Value against denominator with the pooled centre line and 95 % / 99.8 % limits."""

    kind: ClassVar[str] = "funnel"
    title: str
    x_axis: Axis
    y_axis: Axis
    centre: float
    centre_label: str
    limits: tuple[FunnelLimit, ...]
    points: tuple[FunnelPoint, ...]
    outside_label: str = ""
    own_label: str = ""
    note: str = ""
    better_label: str = ""        # e.g. "higher is better", written beside the value axis
    unlabelled_label: str = ""    # heading of the key for points whose label finds no room in the plot


@dataclass(frozen=True)
class CompositionBar:
    """One clinic's stacked bar: shares in percent per category (None where suppressed)."""

    label: str
    shares: tuple[float | None, ...]
    highlight: bool = False
    total_text: str = ""


@dataclass(frozen=True)
class CompositionChart:
    """Stacked horizontal bars of shares (0-100 %) per clinic, one colour per category."""

    kind: ClassVar[str] = "composition"
    title: str
    categories: tuple[str, ...]
    axis: Axis
    bars: tuple[CompositionBar, ...]
    own_label: str = ""
    note: str = ""


@dataclass(frozen=True)
class BeforeAfterRow:
    label: str
    before: float | None
    after: float | None
    highlight: bool = False
    low: float | None = None      # the 95 % interval of the after value (drawn as whiskers on screen)
    high: float | None = None


@dataclass(frozen=True)
class BeforeAfterChart:
    """A dumbbell per clinic: hollow dot before, filled dot after, sorted by the after value."""

    kind: ClassVar[str] = "before_after"
    title: str
    before_label: str
    after_label: str
    axis: Axis
    rows: tuple[BeforeAfterRow, ...]
    lines: tuple[ReferenceLine, ...] = ()
    own_label: str = ""
    note: str = ""
    interval_label: str = ""      # what the whiskers around the after value are ("95% CI")


ChartSpec = RankedBarChart | FunnelChart | CompositionChart | BeforeAfterChart


def nice_step(span: float, max_ticks: int = 6) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most max_ticks intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max_ticks
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def make_axis(label: str, values: Sequence[float | None], fmt: Callable[[float, int], str], *, from_zero: bool = True,
              ceiling: float | None = None, max_ticks: int = 6) -> Axis:
    """An axis covering the values; rates start at zero; `ceiling` caps it (100 for percentages)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    high = max(finite, default=1.0) or 1.0
    low = 0.0 if from_zero else min(finite, default=0.0)
    step = nice_step(high - low, max_ticks)
    low = math.floor(low / step) * step
    if low < 0 <= min(finite, default=0.0):
        low = 0.0
    top = math.ceil(high / step) * step
    if top <= high * 1.0001:
        top += step * (0.5 if top > 0 else 1)
    if ceiling is not None:
        top = min(top, ceiling)
    decimals = step_decimals(step)    # 2,5 is printed 2,5 (never rounded to 2)
    ticks = []
    t = low
    while t <= top + step * 1e-6:
        ticks.append(round(t, 10))
        t += step
    return Axis(label, low, top, tuple(ticks), tuple(fmt(t, decimals) for t in ticks))
