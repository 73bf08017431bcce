"""Draws chart specifications as reportlab vector charts (the paper renderer; the GUI has a pyqtgraph one)."""

from __future__ import annotations

import itertools
import operator
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import HexColor, white
from reportlab.lib.rl_accel import fp_str

from klyngedesk.core.render.charts import (
    LIMIT_DASHES,
    LINE_DASHES,
    ROLE_COLOURS,
    SEGMENT_COLOURS,
    Axis,
    BeforeAfterChart,
    ChartSpec,
    CompositionChart,
    FunnelChart,
    RankedBar,
    RankedBarChart,
    ReferenceLine,
)
from klyngedesk.core.render.fonts import BOLD, REGULAR, SEMIBOLD, register_fonts, text_width
from klyngedesk.core.render.label_placement import LabelRequest, place_labels, priority_order
from klyngedesk.core.render.pdf_pen import ChartFlowable, Pen

TITLE_SIZE, LABEL_SIZE, TICK_SIZE, POINT_SIZE = 9.5, 8.5, 8.0, 8.0   # print: nothing under 8 pt
ROW = 11.5            # height of one clinic row
COMPACT_ROW = 8.0     # rows of the small charts in a personal handout (labels stay 8.5 pt, codes have no descenders)
COMPACT_AREA = 460.0  # the most height a compact chart's rows take (a personal handout's small charts sit two
                      # side by side): more clinics get thinner, unlabelled rows with only the reader's own
                      # labelled. A full chart keeps its rows and goes on over pages instead (continued.py).
TITLE_H = 18.0        # space for the title
AXIS_H = 27.0         # tick labels + axis label under the plot
AXIS_BARE = 15.0      # tick labels only
LEGEND_ROW = 12.5
COMPACT_AXIS = 10.0   # a compact chart's tick labels (digits: nothing under their baseline), the key close under
COMPACT_KEY_ROW = 11.0  # a compact chart's key lines: 8 pt text set as a paragraph's lines, not a legend's
_colour_cache: dict[str, HexColor] = {}


def colour(role_or_hex: str) -> HexColor:
    hex_value = ROLE_COLOURS.get(role_or_hex, role_or_hex)
    if hex_value not in _colour_cache:
        _colour_cache[hex_value] = HexColor(hex_value)
    return _colour_cache[hex_value]


def _text(pen: Pen, x: float, y: float, text: str, *, size: float = LABEL_SIZE, font: str = REGULAR,
          anchor: str = "start", role: str = "text") -> None:
    pen.text(x, y, text, font, size, colour(role), anchor)


def marker(pen: Pen, kind: str, x: float, y: float, size: float = 3.0) -> None:
    """A point marked by shape as well as colour: 'own' a square, 'above'/'below' a triangle pointing that
    way, 'own_above'/'own_below' an own-coloured triangle; every one with a black outline."""
    black = colour("own_outline")
    if kind == "own":
        pen.rect(x - size, y - size, 2 * size, 2 * size, fill=colour("bar_own"), stroke=black, width=0.9)
        return
    up = kind.endswith("above")
    fill = colour("bar_own") if kind.startswith("own") else colour("outside")
    s = size * 1.25
    tip, base = (y + s, y - s * 0.75) if up else (y - s, y + s * 0.75)
    pen.polygon([(x - s, base), (x + s, base), (x, tip)], fill=fill, stroke=black, width=0.7)


def _label_column(labels: list[str], width: float) -> float:
    return _label_room(max((text_width(t, BOLD, LABEL_SIZE) for t in labels), default=10.0), width)


def _label_room(widest: float, width: float) -> float:
    """The label column's width for labels at most `widest` wide."""
    return min(max(widest + 8, 28.0), width * 0.38)


def _clip_label(text: str, room: float, font: str) -> str:
    """The label cut to `room` with "…"; a consenting clinic's "name (code)" keeps its code: names sharing a
    long beginning ("Lægefællesskabet Søndre …") cut to the same words told no one which row was whose."""
    if text_width(text, font, LABEL_SIZE) <= room:
        return text
    name, code = text, ""
    if text.endswith(")") and " (" in text:
        name, code = text[:text.rindex(" (")], text[text.rindex(" ("):]
        if text_width(name[:3] + "…" + code, font, LABEL_SIZE) > room:   # no room for a name: the code alone
            return code.strip(" ()")
    while name and text_width(name + "…" + code, font, LABEL_SIZE) > room:
        name = name[:-1]
    return name.rstrip() + "…" + code


def _x_axis(pen: Pen, axis: Axis, x0: float, x1: float, y_bottom: float, y_top: float) -> None:
    """Vertical grid lines with tick labels under the plot and the axis label below them; on a plot too
    narrow for every label, only every second (third, ...) is printed, so that none run together."""
    xs = [x0 + axis.fraction(tick) * (x1 - x0) for tick in axis.ticks]
    for x in xs:
        pen.line(x, y_bottom, x, y_top, stroke=colour("grid"), width=0.5)
    for k in _tick_labels_shown(xs, axis.tick_labels):
        _text(pen, xs[k], y_bottom - 10, axis.tick_labels[k], size=TICK_SIZE, anchor="middle", role="muted")
    pen.line(x0, y_bottom, x1, y_bottom, stroke=colour("axis"), width=0.6)
    if axis.label:
        _text(pen, (x0 + x1) / 2, y_bottom - 22, axis.label, size=TICK_SIZE, anchor="middle", role="muted")


TICK_GAP = 3.0   # the least room between two tick labels


def _tick_labels_shown(xs: list[float], labels: tuple[str, ...] | list[str]) -> list[int]:
    """The indices of the tick labels to print: every `stride`-th from the first, the smallest stride at
    which no two printed labels come closer than TICK_GAP."""
    half = [text_width(label, REGULAR, TICK_SIZE) / 2 for label in labels]
    shown: list[int] = []
    for stride in range(1, max(len(xs), 1) + 1):
        shown = list(range(0, len(xs), stride))
        if all(xs[b] - half[b] - (xs[a] + half[a]) >= TICK_GAP for a, b in itertools.pairwise(shown)):
            return shown
    return shown[:1]


def _legend(pen: Pen, items: list[tuple[str, str, str]], x0: float, width: float, y: float,
            pitch: float = LEGEND_ROW) -> float:
    """Legend entries (kind, role/colour, label) laid out in rows `pitch` apart from y downwards (see
    `_legend_places`); returns the height used."""
    places, rows = _legend_places(items, width)
    for kind, role, label, at, row in places:
        x, yy = x0 + at, y - row * pitch
        if kind == "line":
            pen.line(x, yy + 2.5, x + 14, yy + 2.5, stroke=colour(role), width=1.2,
                       dash=LINE_DASHES.get(role) or LIMIT_DASHES.get(role) or None)
        elif kind == "marker":
            marker(pen, role, x + 7, yy + 2.8, 3.0)
        elif kind == "outside":
            kinds = role.split("+")
            for k, which in enumerate(kinds):
                marker(pen, which, x + (7 if len(kinds) == 1 else 3.5 + 7 * k), yy + 2.8, 2.6)
        elif kind == "ring":
            pen.circle(x + 7, yy + 2.5, 3, fill=white, stroke=colour(role), width=1.0)
        elif kind == "whisker":
            pen.line(x, yy + 2.5, x + 14, yy + 2.5, stroke=colour(role), width=0.8)
            pen.line(x, yy, x, yy + 5, stroke=colour(role), width=0.8)
            pen.line(x + 14, yy, x + 14, yy + 5, stroke=colour(role), width=0.8)
        elif kind == "dot":
            pen.circle(x + 7, yy + 2.5, 3, fill=colour(role), stroke=None)
        elif kind == "frame":
            pen.rect(x + 1, yy - 1.5, 12, 8, fill=None, stroke=colour(role), width=1.4)
        elif kind == "note":   # text only, where a symbol would stand
            _text(pen, x, yy, label, size=TICK_SIZE, role="muted")
            continue
        elif kind == "own_box":
            pen.rect(x + 2, yy - 0.5, 10, 6, fill=colour("bar_own"), stroke=colour("own_outline"), width=0.9)
        else:
            pen.rect(x + 2, yy - 0.5, 10, 6, fill=colour(role), stroke=colour("axis"), width=0.3)
        _text(pen, x + 18, yy, label, size=TICK_SIZE, role="muted")
    return rows * pitch


def _entry_width(kind: str, label: str) -> float:
    return (0 if kind == "note" else 18) + text_width(label, REGULAR, TICK_SIZE) + 12


def _legend_places(items: list[tuple[str, str, str]], width: float
                   ) -> tuple[list[tuple[str, str, str, float, int]], int]:
    """Where each legend entry goes, (kind, role, label, x, row), and the rows used. Entries follow each other
    in rows, one that does not fit going to the next; a note starts a row of its own (after an entry's label it
    would read as that label's continuation: "Klyngen samlet 4,8 praksisser afrundet…"), and one too long for a
    whole row is broken between words onto the next, as a sentence is."""
    places: list[tuple[str, str, str, float, int]] = []
    x, row = 0.0, 0
    for kind, role, label in items:
        if kind == "note" and x > 0:
            x, row = 0.0, row + 1
        if kind == "note" and _entry_width(kind, label) > width:
            line = ""
            for word in label.split(" "):
                wider = f"{line} {word}" if line else word
                if x + _entry_width(kind, wider) > width and (line or x > 0):
                    if line:
                        places.append((kind, role, line, x, row))
                    x, row, line = 0.0, row + 1, word
                else:
                    line = wider
            places.append((kind, role, line, x, row))
            x += _entry_width(kind, line)
            continue
        if x + _entry_width(kind, label) > width and x > 0:
            x, row = 0.0, row + 1
        places.append((kind, role, label, x, row))
        x += _entry_width(kind, label)
    return places, row + 1


def _legend_rows(items: list[tuple[str, str, str]], width: float) -> int:
    return _legend_places(items, width)[1]


def _reference_lines(pen: Pen, lines: tuple[ReferenceLine, ...], axis: Axis, x0: float, x1: float,
                     y_bottom: float, y_top: float, gaps: list[tuple[float, float, float]] | None = None
                     ) -> list[tuple[str, str, str]]:
    """The reference lines across the plot, each broken where words lie over it (`gaps`: left end, bottom
    and top of each run of words)."""
    items: list[tuple[str, str, str]] = []
    for line in lines:
        if not axis.low <= line.value <= axis.high:
            continue
        x = x0 + axis.fraction(line.value) * (x1 - x0)
        cuts = sorted((lo, hi) for left, lo, hi in gaps or () if x >= left)
        y = y_bottom
        for lo, hi in [*cuts, (y_top + 3, y_top + 3)]:
            if lo > y:
                pen.line(x, y, x, lo, stroke=colour(line.role), width=1.1, dash=LINE_DASHES.get(line.role) or None)
            y = max(y, hi)
        items.append(("line", line.role, line.label))
    return items


TITLE_LINE = 12.0     # each further line of a title that wraps


def title_lines(title: str, width: float) -> list[str]:
    """The chart title broken into lines that fit the chart's width (never printed past its edge)."""
    lines, line = [], ""
    for word in title.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, SEMIBOLD, TITLE_SIZE) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else []


def title_height(title: str, width: float) -> float:
    if not title:   # the page says it above the chart (a compact chart in the personal handout)
        return 4.0
    return TITLE_H + TITLE_LINE * max(len(title_lines(title, width)) - 1, 0)


def _title(pen: Pen, spec_title: str, height: float) -> None:
    for k, line in enumerate(title_lines(spec_title, pen.width)):
        _text(pen, 0, height - 11 - k * TITLE_LINE, line, size=TITLE_SIZE, font=SEMIBOLD)


def _rows_frame(label_w: float, legend: list[tuple[str, str, str]], width: float, rows: int,
                value_col: float, base: float = ROW, extra_top: float = 0.0, title: str = "", axis_h: float = AXIS_H,
                pitch: float = LEGEND_ROW) -> tuple[float, float, float, float, float]:
    """Geometry shared by the row charts: (height, x0 of plot, x1 of plot, y of the top row, legend height)."""
    legend_h = _legend_rows(legend, width) * pitch + 4 if legend else 0
    head = title_height(title, width) + extra_top
    height = head + rows * row_height(rows, base) + axis_h + legend_h + 4
    return height, label_w, width - value_col, height - head, legend_h


def row_height(rows: int, base: float = ROW) -> float:
    return base if base != COMPACT_ROW or rows * base <= COMPACT_AREA else COMPACT_AREA / rows


def labelled(row: float) -> bool:
    """Whether rows this high carry their labels (thinner compact rows label only the reader's own)."""
    return row >= COMPACT_ROW - 1e-9


def _row_chart(title: str, axis: Axis, labels: list[str] | tuple[float, int], legend: list[tuple[str, str, str]],
               width: float, value_col: float, base: float = ROW, extra_top: float = 0.0, compact: bool = False
               ) -> tuple[Pen, float, float, float, float, float]:
    """A chart of one row per clinic: its pen with title and x axis drawn, and (x0, x1, top, y_bottom, legend_h).
    `labels`: the rows' labels, or (the label column's width, the number of rows). An axis without a label
    (the title above names the unit) takes only the tick labels' height; `compact` (small charts side by
    side) sets the key close under them in lines `COMPACT_KEY_ROW` apart (see `_key_y`)."""
    label_w, rows = labels if isinstance(labels, tuple) else (_label_column(labels, width), len(labels))
    axis_h = AXIS_H if axis.label else COMPACT_AXIS if compact else AXIS_BARE
    height, x0, x1, top, legend_h = _rows_frame(label_w, legend, width, rows, value_col, base, extra_top,
                                                title, axis_h, key_pitch(compact))
    pen = Pen(width, height)
    _title(pen, title, height)
    y_bottom = top - rows * row_height(rows, base)
    _x_axis(pen, axis, x0, x1, y_bottom, top)
    return pen, x0, x1, top, y_bottom, legend_h


def key_pitch(compact: bool) -> float:
    """The distance between the lines of a row chart's key."""
    return COMPACT_KEY_ROW if compact else LEGEND_ROW


def _key_y(legend_h: float, compact: bool = False) -> float:
    """The baseline of a row chart's first key line, `legend_h` the key's height from the chart's foot."""
    return legend_h - key_pitch(compact) + 2


def _row_label(pen: Pen, x0: float, yc: float, label: str, highlight: bool, room: float | None = None) -> str:
    """The clinic's label right-aligned before the plot (bold for the reader's own); returns the font used."""
    font = BOLD if highlight else REGULAR
    _text(pen, x0 - 5, yc - LABEL_SIZE * 0.3, _clip_label(label, room if room is not None else x0 - 6, font),
          font=font, anchor="end")
    return font


def _note_items(note: str) -> list[tuple[str, str, str]]:
    """A chart's note as key items under it, each line its own item (what it leaves out, its rounding, ...)."""
    return [("note", "", part) for part in note.split("\n")] if note else []


def _outside_items(flags: list[str | None], label: str) -> list[tuple[str, str, str]]:
    """The legend entry for the triangles drawn: pointing up above the 99.8 % limit, down below it."""
    kinds = [k for k in ("above", "below") if k in flags]
    return [("outside", "+".join(kinds), label)] if kinds else []


class _Over:
    """A measure's largest value (or whether any bar has it) over a ranked chart's bars. For bars that are
    the shared ones with the reader's own put in, the shared bars' two largest are found once for every
    reader (kept with them) and only the reader's own bar is measured."""

    def __init__(self, spec: RankedBarChart) -> None:
        self.spec = spec
        shared = spec.shared
        self.shared = shared if shared is not None and _is_shared(spec.bars, shared.bars, spec.replaced,
                                                                   spec.own_at) else None

    def largest(self, name: str, measure: Callable[[RankedBar], float], default: float) -> float:
        """The largest `measure` of a bar (`name` says which measure, for the shared bars' record)."""
        if self.shared is None:
            return max((measure(b) for b in self.spec.bars), default=default)
        top = self.shared.drawn.get(("largest", name))
        if not isinstance(top, list):
            top = sorted(((measure(b), i) for i, b in enumerate(self.shared.bars)), reverse=True)[:2]
            self.shared.drawn[("largest", name)] = top
        values = [value for value, i in top if i != self.spec.replaced][:1]
        if self.spec.own_at >= 0:
            values.append(measure(self.spec.bars[self.spec.own_at]))
        return max(values, default=default)

    def any(self, name: str, test: Callable[[RankedBar], bool]) -> bool:
        return self.largest(name, lambda b: float(test(b)), 0.0) > 0


def ranked_bars(spec: RankedBarChart, width: float, compact: bool = False) -> ChartFlowable:
    register_fonts()
    over = _Over(spec)
    # compact (a page of small charts): only the lines, whose values differ per chart; whiskers, the own bar
    # and the triangles are explained once for the page (legend_strip)
    whiskers = not compact and spec.interval_label and over.any("interval", lambda b: b.low is not None)
    legend = [("whisker", "whisker", spec.interval_label)] if whiskers else []
    legend += [("line", ln.role, ln.label) for ln in spec.lines if spec.axis.low <= ln.value <= spec.axis.high]
    if not compact and spec.own_label and any(b.highlight for b in spec.bars):
        legend.append(("own_box", "bar_own", spec.own_label))   # compact: the bar's label says "(you)"
    if spec.outside_label and not compact:
        legend += _outside_items([b.outside for b in spec.bars], spec.outside_label)
    legend += _note_items(spec.note)   # e.g. the values' rounding step, said once under the chart
    # The value and any extra columns at the right, each right-aligned at its own edge.
    n_cols = 1 + int(over.largest("columns", lambda b: len(b.extra), 0))

    def cell_width(k: int) -> Callable[[RankedBar], float]:
        return lambda b: text_width(b.value_text if k == 0 else (b.extra[k - 1] if len(b.extra) >= k else ""),
                                    BOLD, LABEL_SIZE)

    col_w = [max(over.largest(f"column {k}", cell_width(k), 0.0),
                 text_width(spec.columns[k], REGULAR, TICK_SIZE) if len(spec.columns) > k else 0.0)
             for k in range(n_cols)]
    marks = over.any("outside", lambda b: bool(b.outside))   # room for the triangle left of the labels
    widest = over.largest("label" + " MM" * marks, lambda b: text_width(b.label + "MM" * marks, BOLD, LABEL_SIZE),
                          10.0)
    col_w[0] = _value_column(spec, over, col_w[0], width - sum(w + 7 for w in col_w[1:]),
                             _label_room(widest, width))
    edges: list[float] = []
    right = width
    for k in reversed(range(n_cols)):
        edges.insert(0, right)
        right -= col_w[k] + 7
    value_col = width - right + 1
    base = COMPACT_ROW if compact else ROW
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, (_label_room(widest, width),
                                                                              len(spec.bars)), legend, width,
                                                      value_col, base, 12.0 if spec.columns else 0.0, compact)
    span, row = x1 - x0, row_height(len(spec.bars), base)
    # thin rows: the reader's own drawn last, over its neighbours
    shared = None if labelled(row) or over.shared is None else shared_thin_rows(spec, x0, span, top, row)
    if shared is not None:   # the other clinics' thin bars, made once for every reader's copy of the chart
        pen.raw(shared)
        order = [spec.own_at] if spec.own_at >= 0 else []
    else:
        order = sorted(range(len(spec.bars)), key=lambda k: spec.bars[k].highlight and not labelled(row))
    gaps: list[tuple[float, float, float]] = []   # (left end, bottom, top) of the words over a row's plot
    for i in order:
        bar = spec.bars[i]
        yc = top - (i + 0.5) * row
        room = x0 - 6 - (12 if marks else 0)
        if not (labelled(row) or bar.highlight):   # a thin row among hundreds: the bar alone
            if bar.value is not None:
                pen.rect(x0, yc - row * 0.4, max(spec.axis.fraction(bar.value) * span, 0.4), row * 0.8,
                         fill=colour("bar"))
            continue
        font = _row_label(pen, x0, yc, bar.label, bar.highlight, room)
        overhang = text_width(bar.value_text, font, LABEL_SIZE) - (edges[0] - x1 - 1)
        if bar.value is None and overhang > 0:   # words in the row's empty plot ("fewer than 5 cases"), over
            gap = (x1 - overhang - 3, yc - row * 0.4, yc + row * 0.4)   # its grid and reference lines
            pen.rect(gap[0], gap[1], x1 - gap[0], gap[2] - gap[1], fill=white)
            gaps.append(gap)
        for k, text in enumerate((bar.value_text, *bar.extra)):
            _text(pen, edges[k], yc - LABEL_SIZE * 0.3, text, font=font, anchor="end",
                  role="text" if bar.value is not None or k else "muted")
        if bar.outside:
            shown = _clip_label(bar.label, room, font)
            kind = ("own_" if bar.highlight else "") + bar.outside
            marker(pen, kind, x0 - 5 - text_width(shown, font, LABEL_SIZE) - 6, yc, 2.6)
        if bar.value is None:
            continue
        w = spec.axis.fraction(bar.value) * span
        if not labelled(row):   # the reader's own among thin rows: a bar one label high, drawn on top
            row_h = COMPACT_ROW * 0.64
            pen.rect(x0, yc - row_h / 2, max(w, 0.4), row_h, fill=colour("bar_own"), stroke=colour("own_outline"),
                     width=0.9)
            continue
        pen.rect(x0, yc - row * 0.32, max(w, 0.4), row * 0.64,
                 fill=colour("bar_own" if bar.highlight else "bar"),
                 stroke=colour("own_outline") if bar.highlight else None, width=0.9 if bar.highlight else 0)
        if bar.low is not None and bar.high is not None:
            xl, xh = x0 + spec.axis.fraction(bar.low) * span, x0 + spec.axis.fraction(bar.high) * span
            tick = min(2.5, row * 0.25)
            for seg in ((xl, yc, xh, yc), (xl, yc - tick, xl, yc + tick), (xh, yc - tick, xh, yc + tick)):
                pen.line(*seg, stroke=colour("whisker"), width=0.8)
    _reference_lines(pen, spec.lines, spec.axis, x0, x1, y_bottom, top, gaps)
    for k, heading in enumerate(spec.columns):
        _text(pen, edges[k], top + 3, heading, size=TICK_SIZE, font=SEMIBOLD, anchor="end", role="muted")
    if legend:
        _legend(pen, legend, 0, width, _key_y(legend_h, compact), key_pitch(compact))
    return pen.flowable()


def _value_column(spec: RankedBarChart, over: _Over, widest: float, right: float, label_w: float) -> float:
    """The value column's width: as wide as the values and the heading need. The words of a row without a
    value ("fewer than 5 cases", "hidden") reach left into that row's plot, where it has no bar, over its grid
    and reference lines, as far as they stay clear of the label column; only words that would not fit even so
    widen the column (the plot is not squeezed for them: a half-page chart's plot squeezed to a few points ran
    its tick labels together, "0 255075100")."""
    words = over.largest("no value", lambda b: text_width(b.value_text, BOLD, LABEL_SIZE) if b.value is None
                         else 0.0, 0.0)
    valued = over.largest("valued", lambda b: text_width(b.value_text, BOLD, LABEL_SIZE) if b.value is not None
                          else 0.0, 0.0)
    heading = text_width(spec.columns[0], REGULAR, TICK_SIZE) if spec.columns else 0.0
    need = max(valued, heading)
    if words <= need or right - words < label_w + 6:
        return widest
    return need


MIN_BAR = 0.4   # the narrowest bar drawn (a value of zero still shows)


@dataclass(frozen=True)
class _ThinRows:
    """The thin rows of a ranked chart's shared bars as PDF path pieces in value units across (x = the value,
    y in points), one per bar in the shared order, made once for every reader's copy of the chart."""

    pieces: tuple[str, ...]
    widths: tuple[float, ...]      # value - axis low of the bars that have a value, ascending
    by_width: tuple[int, ...]      # their indices in the shared order, in that order
    low: float                     # the smallest and largest value among the bars
    high: float
    bottoms: tuple[float, ...]     # each bar's lower edge in points


def _thin_rows(spec: RankedBarChart, top: float, row: float) -> _ThinRows | None:
    assert spec.shared is not None
    key = ("thin", spec.axis.low, top, row)
    made = spec.shared.drawn.get(key)
    if made is None:
        bars = spec.shared.bars
        if any(b.highlight for b in bars):
            return None
        bottoms = tuple(top - (i + 0.5) * row - row * 0.4 for i in range(len(bars)))
        low = spec.axis.low
        pieces = tuple("" if b.value is None else f"{fp_str(low, y, b.value - low, row * 0.8)} re\n"
                       for b, y in zip(bars, bottoms, strict=True))
        valued = sorted((b.value - low, i) for i, b in enumerate(bars) if b.value is not None)
        values = [b.value for b in bars if b.value is not None]
        made = _ThinRows(pieces, tuple(w for w, _ in valued), tuple(i for _, i in valued),
                         min(values, default=low), max(values, default=low), bottoms)
        spec.shared.drawn[key] = made
    return made if isinstance(made, _ThinRows) else None


def shared_thin_rows(spec: RankedBarChart, x0: float, span: float, top: float, row: float) -> str | None:
    """The thin rows of every clinic but the reader's (`spec.shared`, whose bars the spec's must be with the
    reader's own put in) as one piece of page content, the same marks `ranked_bars` draws one by one: made
    once for all readers, each reader's copy only moves the rows between the place its own bar left and the
    place it took by one row, and scales the values to its axis. None where the axis would clip a bar."""
    shared, k, at = spec.shared, spec.replaced, spec.own_at
    if shared is None:
        return None
    rows = _thin_rows(spec, top, row)
    axis = spec.axis
    if rows is None or rows.low < axis.low or rows.high > axis.high:
        return None   # a bar the axis would clip
    scale = span / (axis.high - axis.low or 1.0)
    n = len(shared.bars)
    if k < 0:
        ranges = [(0, n, 0.0)]
    elif at <= k:   # the own bar went up: the rows from its place down to where it was move down a row
        ranges = [(0, at, 0.0), (at, k, -row), (k + 1, n, 0.0)]
    else:           # it went down: the rows it passed move up a row
        ranges = [(0, k, 0.0), (k + 1, at + 1, row), (at + 1, n, 0.0)]
    narrow: dict[int, list[str]] = {}   # bars narrower than MIN_BAR get a MIN_BAR wide one over them
    for i in rows.by_width[:bisect_left(rows.widths, MIN_BAR / scale)]:
        if i != k:
            narrow.setdefault(next(r for r, (a, b, _) in enumerate(ranges) if a <= i < b), []).append(
                f"{fp_str(axis.low, rows.bottoms[i], MIN_BAR / scale, row * 0.8)} re\n")
    fill = colour("bar")
    out = [f"q\n{fp_str(fill.red, fill.green, fill.blue)} rg\n{fp_str(scale, 0, 0, 1, x0 - axis.low * scale, 0)} cm\n"]
    for r, (a, b, shift) in enumerate(ranges):
        path = "".join(rows.pieces[a:b]) + "".join(narrow.get(r, ()))
        if path:
            out.append(f"q 1 0 0 1 0 {fp_str(shift)} cm\n{path}f\nQ\n" if shift else f"{path}f\n")
    out.append("Q\n")
    return "".join(out)


def _is_shared(bars: tuple, shared: tuple, replaced: int, own_at: int) -> bool:
    """Whether `bars` are `shared` with the one at `replaced` taken out and the reader's put in at `own_at`."""
    if replaced < 0:
        return bars is shared or (len(bars) == len(shared) and all(map(operator.is_, bars, shared)))
    if len(bars) != len(shared) or not 0 <= own_at < len(bars) or not 0 <= replaced < len(shared):
        return False
    return all(map(operator.is_, bars[:own_at] + bars[own_at + 1:], shared[:replaced] + shared[replaced + 1:]))


def _key_rows(entries: list[str], width: float) -> list[str]:
    """The unlabelled points' key as lines of text that fit the width."""
    lines, line = [], ""
    for entry in entries:
        candidate = f"{line}   {entry}" if line else entry
        if line and text_width(candidate, REGULAR, TICK_SIZE) > width:
            lines.append(line)
            candidate = entry
        line = candidate
    return [*lines, line] if line else lines


def funnel(spec: FunnelChart, width: float, height: float = 185.0, key_inside: bool = True) -> ChartFlowable:
    """The funnel plot. Points whose label finds no room are listed in a key under the plot; without
    `key_inside` the key is left to the caller (a large cluster's key as a table over pages): the flowable's
    `unlabelled` holds those points' (label, detail) either way."""
    register_fonts()
    legend = [("line", "pooled", spec.centre_label)] + [
        ("line", lim.role, lim.label) for lim in spec.limits]
    if spec.own_label and any(p.highlight for p in spec.points):
        legend.append(("marker", "own", spec.own_label))
    if spec.outside_label:
        legend += _outside_items([p.outside for p in spec.points], spec.outside_label)
    legend += _note_items(spec.note)
    legend_h = _legend_rows(legend, width) * LEGEND_ROW + 4
    y_axis_w = max(text_width(t, REGULAR, TICK_SIZE) for t in spec.y_axis.tick_labels) + 16
    # the last tick label is centred on the axis's end: room for its half, inside the chart's width
    x1 = width - max(6.0, text_width(spec.x_axis.tick_labels[-1], REGULAR, TICK_SIZE) / 2 + 1)         if spec.x_axis.tick_labels else width - 6
    x0 = y_axis_w

    # Where the points go is known before the height is (the key under the plot depends on the labels).
    def frame(key_h: float) -> tuple[float, float, float]:
        total = height + legend_h + key_h + title_height(spec.title, width) - TITLE_H
        bottom = legend_h + key_h + AXIS_H
        return total, bottom, total - title_height(spec.title, width) - 15

    def layout(key_h: float):
        total, y_bottom, y_top = frame(key_h)

        def pt(x: float, y: float) -> tuple[float, float]:
            return (x0 + spec.x_axis.fraction(x) * (x1 - x0),
                    y_bottom + spec.y_axis.fraction(y) * (y_top - y_bottom))

        xy = [pt(p.x, p.y) for p in spec.points]
        requests = [LabelRequest(x, y, _point_radius(p), text_width(p.label, BOLD if p.highlight else REGULAR,
                                                                     POINT_SIZE), POINT_SIZE)
                    for p, (x, y) in zip(spec.points, xy, strict=True)]
        order = priority_order(xy, [p.highlight for p in spec.points], [p.outside is not None for p in spec.points])
        placed = place_labels(requests, (x0 + 1, y_bottom + 1, x1 - 1, y_top - 1), order)
        return total, y_bottom, y_top, pt, placed

    total, y_bottom, y_top, pt, placed = layout(0.0)
    missing = [f"{p.label}: {p.detail}" for p, where in zip(spec.points, placed, strict=True) if where is None]
    key_lines: list[str] = []
    if missing and key_inside:
        key_lines = _key_rows(missing, width - 4)
        total, y_bottom, y_top, pt, placed = layout((len(key_lines) + 1) * LEGEND_ROW + 2)
        missing = [f"{p.label}: {p.detail}" for p, where in zip(spec.points, placed, strict=True) if where is None]
        key_lines = _key_rows(missing, width - 4)
    unlabelled = [(p.label, p.detail) for p, where in zip(spec.points, placed, strict=True) if where is None]
    pen = Pen(width, total)
    _title(pen, spec.title, total)
    _x_axis(pen, spec.x_axis, x0, x1, y_bottom, y_top)
    for tick, label in zip(spec.y_axis.ticks, spec.y_axis.tick_labels, strict=True):
        y = y_bottom + spec.y_axis.fraction(tick) * (y_top - y_bottom)
        pen.line(x0, y, x1, y, stroke=colour("grid"), width=0.5)
        _text(pen, x0 - 4, y - TICK_SIZE * 0.3, label, size=TICK_SIZE, anchor="end", role="muted")
    axis_label = spec.y_axis.label + (f" · {spec.better_label}" if spec.better_label else "")
    _text(pen, 0, y_top + 7, axis_label, size=TICK_SIZE, role="muted")
    pen.clip(x0, y_bottom, x1 - x0, y_top - y_bottom)
    for lim in spec.limits:
        for ys in (lim.lower, lim.upper):
            pen.polyline([pt(x, y) for x, y in zip(lim.x, ys, strict=True)], stroke=colour(lim.role),
                         width=0.7 if lim.unadjusted else 0.9, dash=LIMIT_DASHES[lim.role] or None)
    cy = pt(spec.x_axis.low, spec.centre)[1]
    pen.line(x0, cy, x1, cy, stroke=colour("pooled"), width=1.0, dash=LINE_DASHES["pooled"])
    pen.unclip()
    for where in placed:
        if where is not None and where.leader is not None:
            lx1, ly1, lx2, ly2 = where.leader
            pen.line(lx1, ly1, lx2, ly2, stroke=colour("muted"), width=0.4)
    for p in sorted(spec.points, key=lambda p: (p.highlight, p.outside is not None)):
        x, y = pt(p.x, p.y)
        if p.outside:
            marker(pen, ("own_" if p.highlight else "") + p.outside, x, y, 3.4 if p.highlight else 2.9)
        elif p.highlight:
            marker(pen, "own", x, y, 3.3)
        else:
            pen.circle(x, y, 2.6, width=0.5, fill=colour("after"), stroke=white)
    for p, where in zip(spec.points, placed, strict=True):
        if where is not None:
            _text(pen, where.x, where.y, p.label, size=POINT_SIZE, font=BOLD if p.highlight else REGULAR,
                  role="text")
    legend_top = legend_h - LEGEND_ROW + 2
    if key_lines:
        base = legend_h + (len(key_lines) + 1) * LEGEND_ROW - LEGEND_ROW + 2
        _text(pen, 0, base, spec.unlabelled_label, size=TICK_SIZE, font=SEMIBOLD, role="muted")
        for k, line in enumerate(key_lines):
            _text(pen, 0, base - (k + 1) * LEGEND_ROW, line, size=TICK_SIZE, role="muted")
    _legend(pen, legend, 0, width, legend_top)
    drawn = pen.flowable()
    drawn.unlabelled = unlabelled
    return drawn


def _point_radius(p) -> float:
    if p.outside:
        return 3.4 * 1.25 if p.highlight else 2.9 * 1.25
    return 3.3 if p.highlight else 2.6


def composition(spec: CompositionChart, width: float) -> ChartFlowable:
    register_fonts()
    legend = [("box", SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)], c) for i, c in enumerate(spec.categories)]
    if spec.own_label and any(b.highlight for b in spec.bars):
        legend.append(("frame", "own_outline", spec.own_label))
    legend += _note_items(spec.note)
    value_col = max((text_width(b.total_text, REGULAR, LABEL_SIZE) for b in spec.bars), default=0) + 8
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, [b.label for b in spec.bars], legend,
                                                      width, value_col)
    row = row_height(len(spec.bars))
    for i, bar in enumerate(spec.bars):
        yc = top - (i + 0.5) * row
        font = _row_label(pen, x0, yc, bar.label, bar.highlight or i == 0)
        _text(pen, width, yc - LABEL_SIZE * 0.3, bar.total_text, font=font, anchor="end", role="muted")
        x = x0
        for j, share in enumerate(bar.shares):
            if share is None:
                continue
            w = spec.axis.fraction(share) * (x1 - x0)
            pen.rect(x, yc - row * 0.32, w, row * 0.64, fill=colour(SEGMENT_COLOURS[j % len(SEGMENT_COLOURS)]),
                     stroke=white, width=0.6)
            x += w
        if bar.highlight:
            pen.rect(x0 - 1, yc - row * 0.45, x1 - x0 + 2, row * 0.9, fill=None,
                     stroke=colour("own_outline"), width=1.3)
    _legend(pen, legend, 0, width, _key_y(legend_h))
    return pen.flowable()


def before_after(spec: BeforeAfterChart, width: float) -> ChartFlowable:
    register_fonts()
    legend = [("ring", "before", spec.before_label), ("dot", "after", spec.after_label)]
    legend += [("line", ln.role, ln.label) for ln in spec.lines if spec.axis.low <= ln.value <= spec.axis.high]
    if spec.own_label and any(r.highlight for r in spec.rows):
        legend.append(("marker", "own", spec.own_label))
    legend += _note_items(spec.note)
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, [r.label for r in spec.rows], legend,
                                                      width, 8)
    span, step = x1 - x0, row_height(len(spec.rows))
    for i, row in enumerate(spec.rows):
        yc = top - (i + 0.5) * step
        _row_label(pen, x0, yc, row.label, row.highlight)
        xb = x0 + spec.axis.fraction(row.before) * span if row.before is not None else None
        xa = x0 + spec.axis.fraction(row.after) * span if row.after is not None else None
        if xb is not None and xa is not None:
            pen.line(xb, yc, xa, yc, stroke=colour("own_outline" if row.highlight else "before"),
                     width=1.4 if row.highlight else 1.0)
        if xb is not None:
            pen.circle(xb, yc, 2.6, fill=white, stroke=colour("before"), width=1.0)
        if xa is not None:
            if row.highlight:
                marker(pen, "own", xa, yc, 3.1)
            else:
                pen.circle(xa, yc, 2.8, width=0, stroke=None, fill=colour("after"))
    _reference_lines(pen, spec.lines, spec.axis, x0, x1, y_bottom, top)
    _legend(pen, legend, 0, width, _key_y(legend_h))
    return pen.flowable()


def legend_strip(interval: str, own: str, outside: str, width: float, note: str = "") -> ChartFlowable:
    """The legend a page of compact charts shares: the interval whisker, the own bar and the triangles, and
    a short note after them (e.g. since when the changes are)."""
    register_fonts()
    items = [("whisker", "whisker", interval), ("own_box", "bar_own", own), ("outside", "above+below", outside)]
    if note:
        items.append(("note", "", note))
    height = _legend_rows(items, width) * LEGEND_ROW + 2
    pen = Pen(width, height)
    _legend(pen, items, 0, width, height - LEGEND_ROW + 2)
    return pen.flowable()


def draw_chart(spec: ChartSpec, width: float, compact: bool = False) -> ChartFlowable:
    """The chart (a platypus flowable) of any chart spec at the given width in points (`compact`: thinner rows)."""
    if isinstance(spec, RankedBarChart):
        return ranked_bars(spec, width, compact)
    if isinstance(spec, FunnelChart):
        return funnel(spec, width)
    if isinstance(spec, CompositionChart):
        return composition(spec, width)
    if isinstance(spec, BeforeAfterChart):
        return before_after(spec, width)
    raise TypeError(f"no PDF renderer for {type(spec).__name__}")
