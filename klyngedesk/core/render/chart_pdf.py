"""Draws chart specifications as reportlab vector charts (the paper renderer; the GUI has a pyqtgraph one)."""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white

from klyngedesk.core.render.charts import (
    LINE_DASHES,
    ROLE_COLOURS,
    SEGMENT_COLOURS,
    Axis,
    BeforeAfterChart,
    ChartSpec,
    CompositionChart,
    FunnelChart,
    RankedBarChart,
    ReferenceLine,
)
from klyngedesk.core.render.fonts import BOLD, REGULAR, SEMIBOLD, register_fonts, text_width
from klyngedesk.core.render.pdf_pen import ChartFlowable, Pen

TITLE_SIZE, LABEL_SIZE, TICK_SIZE = 9.0, 7.5, 7.0
ROW = 10.5            # height of one clinic row
ROWS_AREA = 580.0     # the most height the rows may take: very large clusters get thinner rows, never a
                      # chart taller than a page
TITLE_H = 16.0        # space for the title
AXIS_H = 24.0         # tick labels + axis label under the plot
LEGEND_ROW = 11.0
_colour_cache: dict[str, HexColor] = {}


def colour(role_or_hex: str) -> HexColor:
    hex_value = ROLE_COLOURS.get(role_or_hex, role_or_hex)
    if hex_value not in _colour_cache:
        _colour_cache[hex_value] = HexColor(hex_value)
    return _colour_cache[hex_value]


def _text(pen: Pen, x: float, y: float, text: str, *, size: float = LABEL_SIZE, font: str = REGULAR,
          anchor: str = "start", role: str = "text") -> None:
    pen.text(x, y, text, font, size, colour(role), anchor)


def _label_column(labels: list[str], width: float) -> float:
    widest = max((text_width(t, BOLD, LABEL_SIZE) for t in labels), default=10.0)
    return min(max(widest + 8, 28.0), width * 0.38)


def _clip_label(text: str, room: float, font: str) -> str:
    if text_width(text, font, LABEL_SIZE) <= room:
        return text
    while text and text_width(text + "…", font, LABEL_SIZE) > room:
        text = text[:-1]
    return text + "…"


def _x_axis(pen: Pen, axis: Axis, x0: float, x1: float, y_bottom: float, y_top: float) -> None:
    """Vertical grid lines with tick labels under the plot and the axis label below them."""
    for tick, label in zip(axis.ticks, axis.tick_labels, strict=True):
        x = x0 + axis.fraction(tick) * (x1 - x0)
        pen.line(x, y_bottom, x, y_top, stroke=colour("grid"), width=0.5)
        _text(pen, x, y_bottom - 9, label, size=TICK_SIZE, anchor="middle", role="muted")
    pen.line(x0, y_bottom, x1, y_bottom, stroke=colour("axis"), width=0.6)
    if axis.label:
        _text(pen, (x0 + x1) / 2, y_bottom - 20, axis.label, size=TICK_SIZE, anchor="middle", role="muted")


def _legend(pen: Pen, items: list[tuple[str, str, str]], x0: float, width: float, y: float) -> float:
    """Legend entries (kind, role/colour, label) laid out in rows from y downwards; returns the height used."""
    x, rows = x0, 1
    for kind, role, label in items:
        item_w = 18 + text_width(label, REGULAR, TICK_SIZE) + 12
        if x + item_w > x0 + width and x > x0:
            x, rows = x0, rows + 1
        yy = y - (rows - 1) * LEGEND_ROW
        if kind == "line":
            pen.line(x, yy + 2.5, x + 14, yy + 2.5, stroke=colour(role), width=1.2,
                       dash=LINE_DASHES.get(role) or None)
        elif kind == "ring":
            pen.circle(x + 7, yy + 2.5, 3, fill=None, stroke=colour(role), width=1.2)
        elif kind == "whisker":
            pen.line(x, yy + 2.5, x + 14, yy + 2.5, stroke=colour(role), width=0.8)
            pen.line(x, yy, x, yy + 5, stroke=colour(role), width=0.8)
            pen.line(x + 14, yy, x + 14, yy + 5, stroke=colour(role), width=0.8)
        elif kind == "dot":
            pen.circle(x + 7, yy + 2.5, 3, fill=colour(role), stroke=None)
        elif kind == "frame":
            pen.rect(x + 1, yy - 1.5, 12, 8, fill=None, stroke=colour(role), width=1.4)
        else:
            pen.rect(x + 2, yy - 0.5, 10, 6, fill=colour(role), stroke=None)
        _text(pen, x + 18, yy, label, size=TICK_SIZE, role="muted")
        x += item_w
    return rows * LEGEND_ROW


def _legend_rows(items: list[tuple[str, str, str]], width: float) -> int:
    x, rows = 0.0, 1
    for _, _, label in items:
        item_w = 18 + text_width(label, REGULAR, TICK_SIZE) + 12
        if x + item_w > width and x > 0:
            x, rows = 0.0, rows + 1
        x += item_w
    return rows


def _reference_lines(pen: Pen, lines: tuple[ReferenceLine, ...], axis: Axis, x0: float, x1: float,
                     y_bottom: float, y_top: float) -> list[tuple[str, str, str]]:
    items = []
    for line in lines:
        if not axis.low <= line.value <= axis.high:
            continue
        x = x0 + axis.fraction(line.value) * (x1 - x0)
        pen.line(x, y_bottom, x, y_top + 3, stroke=colour(line.role), width=1.1,
                   dash=LINE_DASHES.get(line.role) or None)
        items.append(("line", line.role, line.label))
    return items


def _title(pen: Pen, spec_title: str, height: float) -> None:
    if spec_title:
        _text(pen, 0, height - 11, spec_title, size=TITLE_SIZE, font=SEMIBOLD)


def _rows_frame(labels: list[str], legend: list[tuple[str, str, str]], width: float, rows: int,
                value_col: float) -> tuple[float, float, float, float, float]:
    """Geometry shared by the row charts: (height, x0 of plot, x1 of plot, y of the top row, legend height)."""
    label_w = _label_column(labels, width)
    legend_h = _legend_rows(legend, width) * LEGEND_ROW + 4 if legend else 0
    height = TITLE_H + rows * row_height(rows) + AXIS_H + legend_h + 4
    return height, label_w, width - value_col, height - TITLE_H, legend_h


def row_height(rows: int) -> float:
    return ROW if rows * ROW <= ROWS_AREA else max(2.0, ROWS_AREA / rows)


def _row_chart(title: str, axis: Axis, labels: list[str], legend: list[tuple[str, str, str]], width: float,
               value_col: float) -> tuple[Pen, float, float, float, float, float]:
    """A chart of one row per clinic: its pen with title and x axis drawn, and (x0, x1, top, y_bottom, legend_h)."""
    height, x0, x1, top, legend_h = _rows_frame(labels, legend, width, len(labels), value_col)
    pen = Pen(width, height)
    _title(pen, title, height)
    y_bottom = top - len(labels) * row_height(len(labels))
    _x_axis(pen, axis, x0, x1, y_bottom, top)
    return pen, x0, x1, top, y_bottom, legend_h


def _row_label(pen: Pen, x0: float, yc: float, label: str, highlight: bool) -> str:
    """The clinic's label right-aligned before the plot (bold for the reader's own); returns the font used."""
    font = BOLD if highlight else REGULAR
    _text(pen, x0 - 5, yc - 2.6, _clip_label(label, x0 - 6, font), font=font, anchor="end")
    return font


def ranked_bars(spec: RankedBarChart, width: float) -> ChartFlowable:
    register_fonts()
    has_whiskers = spec.interval_label and any(b.low is not None for b in spec.bars)
    legend = [("whisker", "whisker", spec.interval_label)] if has_whiskers else []
    legend += [("line", ln.role, ln.label) for ln in spec.lines if spec.axis.low <= ln.value <= spec.axis.high]
    if spec.own_label and any(b.highlight for b in spec.bars):
        legend.append(("box", "bar_own", spec.own_label))
    if spec.outside_label and any(b.outside for b in spec.bars):
        legend.append(("ring", "outside", spec.outside_label))
    value_col = max((text_width(b.value_text, BOLD, LABEL_SIZE) for b in spec.bars), default=20) + 8
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, [b.label for b in spec.bars], legend,
                                                    width, value_col)
    span, row = x1 - x0, row_height(len(spec.bars))
    for i, bar in enumerate(spec.bars):
        yc = top - (i + 0.5) * row
        font = _row_label(pen, x0, yc, bar.label, bar.highlight)
        _text(pen, width, yc - 2.6, bar.value_text, font=font, anchor="end",
                    role="text" if bar.value is not None else "muted")
        if bar.value is None:
            continue
        w = spec.axis.fraction(bar.value) * span
        pen.rect(x0, yc - row * 0.32, max(w, 0.4), row * 0.64, width=1.2 if bar.outside else 0,
                   fill=colour("bar_own" if bar.highlight else "bar"),
                   stroke=colour("outside") if bar.outside else None)
        if bar.low is not None and bar.high is not None:
            xl, xh = x0 + spec.axis.fraction(bar.low) * span, x0 + spec.axis.fraction(bar.high) * span
            for seg in ((xl, yc, xh, yc), (xl, yc - 2.5, xl, yc + 2.5), (xh, yc - 2.5, xh, yc + 2.5)):
                pen.line(*seg, stroke=colour("whisker"), width=0.8)
        if bar.outside:
            pen.circle(x0 - 3 - text_width(bar.label, font, LABEL_SIZE) - 6, yc, 2.6, fill=None,
                         stroke=colour("outside"), width=1.2)
    _reference_lines(pen, spec.lines, spec.axis, x0, x1, y_bottom, top)
    if legend:
        _legend(pen, legend, 0, width, legend_h - LEGEND_ROW + 2)
    return pen.flowable()


def funnel(spec: FunnelChart, width: float, height: float = 190.0) -> ChartFlowable:
    register_fonts()
    legend = [("line", "pooled", spec.centre_label)] + [
        ("line", "limit95" if lim.level == "95" else "limit998", lim.label) for lim in spec.limits]
    if spec.own_label and any(p.highlight for p in spec.points):
        legend.append(("box", "bar_own", spec.own_label))
    if spec.outside_label and any(p.outside for p in spec.points):
        legend.append(("ring", "outside", spec.outside_label))
    legend_h = _legend_rows(legend, width) * LEGEND_ROW + 4
    total_h = height + legend_h
    pen = Pen(width, total_h)
    _title(pen, spec.title, total_h)
    y_axis_w = max(text_width(t, REGULAR, TICK_SIZE) for t in spec.y_axis.tick_labels) + 16
    x0, x1 = y_axis_w, width - 6
    y_bottom, y_top = legend_h + AXIS_H, total_h - TITLE_H - 10
    _x_axis(pen, spec.x_axis, x0, x1, y_bottom, y_top)
    for tick, label in zip(spec.y_axis.ticks, spec.y_axis.tick_labels, strict=True):
        y = y_bottom + spec.y_axis.fraction(tick) * (y_top - y_bottom)
        pen.line(x0, y, x1, y, stroke=colour("grid"), width=0.5)
        _text(pen, x0 - 4, y - 2.4, label, size=TICK_SIZE, anchor="end", role="muted")
    _text(pen, x0, y_top + 5, spec.y_axis.label, size=TICK_SIZE, role="muted")

    def pt(x: float, y: float) -> tuple[float, float]:
        return (x0 + spec.x_axis.fraction(x) * (x1 - x0), y_bottom + spec.y_axis.fraction(y) * (y_top - y_bottom))

    for lim in spec.limits:
        role = "limit95" if lim.level == "95" else "limit998"
        for ys in (lim.lower, lim.upper):
            points = [pt(x, y) for x, y in zip(lim.x, ys, strict=True)]
            pen.polyline(points, stroke=colour(role), width=0.9,
                           dash=(3, 2) if lim.level == "95" else None)
    cy = pt(spec.x_axis.low, spec.centre)[1]
    pen.line(x0, cy, x1, cy, stroke=colour("pooled"), width=1.0,
               dash=LINE_DASHES["pooled"])
    for p in sorted(spec.points, key=lambda p: p.highlight):
        x, y = pt(p.x, p.y)
        if p.outside:
            pen.circle(x, y, 5.2 if p.highlight else 4.6, fill=None, stroke=colour("outside"),
                         width=1.2)
        pen.circle(x, y, 3.6 if p.highlight else 2.6, width=0.4,
                     fill=colour("bar_own" if p.highlight else "after"), stroke=white)
        _text(pen, x + 4.5, y + 1.5, p.label, size=6.5 if not p.highlight else TICK_SIZE,
                    font=BOLD if p.highlight else REGULAR, role="text" if p.highlight else "muted")
    _legend(pen, legend, 0, width, legend_h - LEGEND_ROW + 2)
    return pen.flowable()


def composition(spec: CompositionChart, width: float) -> ChartFlowable:
    register_fonts()
    legend = [("box", SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)], c) for i, c in enumerate(spec.categories)]
    if spec.own_label and any(b.highlight for b in spec.bars):
        legend.append(("frame", "bar_own", spec.own_label))
    value_col = max((text_width(b.total_text, REGULAR, LABEL_SIZE) for b in spec.bars), default=0) + 8
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, [b.label for b in spec.bars], legend,
                                                    width, value_col)
    row = row_height(len(spec.bars))
    for i, bar in enumerate(spec.bars):
        yc = top - (i + 0.5) * row
        font = _row_label(pen, x0, yc, bar.label, bar.highlight)
        _text(pen, width, yc - 2.6, bar.total_text, font=font, anchor="end", role="muted")
        x = x0
        for j, share in enumerate(bar.shares):
            if share is None:
                continue
            w = spec.axis.fraction(share) * (x1 - x0)
            pen.rect(x, yc - row * 0.32, w, row * 0.64, fill=colour(SEGMENT_COLOURS[j % len(SEGMENT_COLOURS)]),
                       stroke=white, width=0.4)
            x += w
        if bar.highlight:
            pen.rect(x0 - 1, yc - row * 0.45, x1 - x0 + 2, row * 0.9, fill=None,
                       stroke=colour("bar_own"), width=1.4)
    _legend(pen, legend, 0, width, legend_h - LEGEND_ROW + 2)
    return pen.flowable()


def before_after(spec: BeforeAfterChart, width: float) -> ChartFlowable:
    register_fonts()
    legend = [("ring", "before", spec.before_label), ("dot", "after", spec.after_label)]
    legend += [("line", ln.role, ln.label) for ln in spec.lines if spec.axis.low <= ln.value <= spec.axis.high]
    if spec.own_label and any(r.highlight for r in spec.rows):
        legend.append(("dot", "bar_own", spec.own_label))
    pen, x0, x1, top, y_bottom, legend_h = _row_chart(spec.title, spec.axis, [r.label for r in spec.rows], legend,
                                                    width, 6)
    span, step = x1 - x0, row_height(len(spec.rows))
    for i, row in enumerate(spec.rows):
        yc = top - (i + 0.5) * step
        _row_label(pen, x0, yc, row.label, row.highlight)
        xb = x0 + spec.axis.fraction(row.before) * span if row.before is not None else None
        xa = x0 + spec.axis.fraction(row.after) * span if row.after is not None else None
        if xb is not None and xa is not None:
            pen.line(xb, yc, xa, yc, stroke=colour("bar_own" if row.highlight else "before"),
                       width=1.6 if row.highlight else 1.0)
        if xb is not None:
            pen.circle(xb, yc, 2.6, fill=white, stroke=colour("before"), width=1.0)
        if xa is not None:
            pen.circle(xa, yc, 3.2 if row.highlight else 2.8, width=0, stroke=None,
                         fill=colour("bar_own" if row.highlight else "after"))
    _reference_lines(pen, spec.lines, spec.axis, x0, x1, y_bottom, top)
    _legend(pen, legend, 0, width, legend_h - LEGEND_ROW + 2)
    return pen.flowable()


def draw_chart(spec: ChartSpec, width: float) -> ChartFlowable:
    """The chart (a platypus flowable) of any chart spec at the given width in points."""
    if isinstance(spec, RankedBarChart):
        return ranked_bars(spec, width)
    if isinstance(spec, FunnelChart):
        return funnel(spec, width)
    if isinstance(spec, CompositionChart):
        return composition(spec, width)
    if isinstance(spec, BeforeAfterChart):
        return before_after(spec, width)
    raise TypeError(f"no PDF renderer for {type(spec).__name__}")

