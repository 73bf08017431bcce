"""Draws the shared, renderer-neutral chart specs with pyqtgraph, so the screen shows what the paper shows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsTextItem, QLabel, QVBoxLayout, QWidget

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
from klyngedesk.core.render.label_placement import ASCENT, DESCENT, LabelRequest, place_labels, priority_order
from klyngedesk.gui.long_names import NAME_WIDTH, elided
from klyngedesk.i18n import tr

BAR_HEIGHT = 0.66
WHISKER_WIDTH = 2          # pixels, whatever the bar's length or the window's size
MARKER_SIZE = 11           # pixels across a point's symbol
FUNNEL_LABEL_WIDTH = 130   # pixels: a longer clinic name in the funnel ends in "…" (whole name in the tooltip)
PLOT_MIN_HEIGHT = 160      # pixels: the key under the chart never squeezes the plot away
LABELLED_POINTS = 120      # funnel points whose label is tried at most (the plot has room for fewer)
LISTED_UNLABELLED = 40     # funnel points without a label listed by name under the chart at most


@dataclass(frozen=True)
class TrendChart:
    """A line per series over the periods (the cluster's pooled value, the median, one clinic)."""

    title: str
    periods: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...], str], ...]  # (label, values, colour role)
    axis: Axis


def drawn_values(spec: ChartSpec | TrendChart) -> bool:
    """Whether the chart has any value to draw (not every one hidden or missing)."""
    if isinstance(spec, RankedBarChart):
        return any(b.value is not None for b in spec.bars)
    if isinstance(spec, CompositionChart):
        return any(share is not None for b in spec.bars for share in b.shares)
    if isinstance(spec, FunnelChart):
        return bool(spec.points)
    if isinstance(spec, BeforeAfterChart):
        return any(r.before is not None or r.after is not None for r in spec.rows)
    return any(v is not None for _, values, _ in spec.series for v in values)


def _pen(role: str, width: float = 1.5, dash: tuple = ()) -> QPen:
    pen = pg.mkPen(QColor(ROLE_COLOURS.get(role, role)), width=width)
    if dash:
        pen.setDashPattern([float(d) for d in dash])
    return pen


def _brushes() -> dict[bool, QBrush]:
    """The fill of a point: the reader's own clinic (True) or another. Shared objects: a scatter item draws
    each distinct brush's symbol once, so one brush object per point would draw 1,700 symbols."""
    return {True: pg.mkBrush(ROLE_COLOURS["bar_own"]), False: pg.mkBrush(ROLE_COLOURS["after"])}


class ChartView(QWidget):
    """One chart: title, the plot and a note. `bar_clicked(label)` fires when a clinic's mark is clicked."""

    bar_clicked = Signal(str)

    def __init__(self, font_size: int = 10, parent: QWidget | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.font_size = font_size
        self.lang = lang  # of the words the view adds itself (None: the program's language)
        self.title = QLabel()
        self.title.setObjectName("chart_title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"font-size: {font_size + 3}pt; font-weight: 600;")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("chart_plot")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(PLOT_MIN_HEIGHT)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.spec: ChartSpec | TrendChart | None = None
        self._row_labels: list[str] = []
        self._row_keep: set[int] = set()
        self._texts: list[str] = []
        self.full_names: dict[str, str] = {}  # a row's label (a short or elided name) -> the whole name
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._hovered)
        self._funnel_state()
        self._measure = QGraphicsTextItem()   # a label's size, measured before (and without) drawing it
        self._sizes: dict[tuple[str, bool, int], tuple[float, float]] = {}
        # Funnel labels are placed once the plot has its size, and again only when its size or range changes.
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(0)
        self._place_timer.timeout.connect(self._place_point_labels)
        self.plot.getPlotItem().vb.sigResized.connect(self._place_timer.start)
        self.plot.getPlotItem().vb.sigResized.connect(self._fit_x)

    def _funnel_state(self) -> None:
        """A funnel's labels: the points tried (point, shown text, font), every point's marker in the view's
        coordinates (the tried first), the text items drawn, and the plot geometry they were placed for."""
        self._labelled: list[tuple[object, str, QFont]] = []
        self._markers = np.zeros((0, 2))
        self._crowd: list = []             # funnel points whose label is not tried (past LABELLED_POINTS)
        self._unplaced: list[tuple[object, str]] = []   # tried labels that found no free place
        self._label_items: list[pg.TextItem] = []
        self._leaders: pg.PlotDataItem | None = None
        self._placed_for: tuple | None = None
        self._right_texts: list[tuple[float, str]] = []   # texts drawn right of x (a bar's value, a total)
        self._x_fit: tuple[float, float] | None = None    # the value axis' left end and least right end
        self._empty: pg.TextItem | None = None             # "every value is hidden" in the middle of the plot
        self.first_tick: tuple[float, str] | None = None   # the value axis' first tick (its label must have room)

    # --- public ---------------------------------------------------------------------------
    def show_spec(self, spec: ChartSpec | TrendChart | None, empty_text: str = "") -> None:
        self.spec = spec
        self.plot.clear()
        self._row_labels, self._texts = [], []
        self._funnel_state()
        self.note.setMinimumHeight(0)
        item = self.plot.getPlotItem()
        if item.legend is not None:
            item.layout.removeItem(item.legend)
            item.legend.scene().removeItem(item.legend)
            item.legend = None
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTicks(None)
            self.plot.getAxis(axis).setLabel("")
        self.plot.setVisible(spec is not None)
        if spec is None:
            self.title.setText(empty_text)
            self.note.setText("")
            return
        self.title.setText(spec.title)
        self.note.setText(getattr(spec, "note", ""))
        self._texts += [spec.title, getattr(spec, "note", "")]
        font = QFont()
        font.setPointSize(self.font_size)
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTickFont(font)
            self.plot.getAxis(axis).setTextPen(pg.mkPen(ROLE_COLOURS["text"]))
            self.plot.getAxis(axis).setPen(pg.mkPen(ROLE_COLOURS["axis"]))
        {RankedBarChart: self._ranked, FunnelChart: self._funnel, CompositionChart: self._composition,
         BeforeAfterChart: self._before_after, TrendChart: self._trend}[type(spec)](spec)
        self._fit_legend()
        if not drawn_values(spec):
            self._say_empty()

    def _say_empty(self) -> None:
        """A chart with no value to draw (every one hidden) says so in words in the middle of its plot."""
        text = tr("Every value here is hidden (a small number, or hidden to protect another clinic): there is "
                  "nothing to draw.", self.lang)
        font = QFont()
        font.setPointSize(self.font_size)
        self._empty = pg.TextItem(text, color=ROLE_COLOURS["text"], anchor=(0.5, 0.5), fill=pg.mkBrush("w"),
                                  border=pg.mkPen(ROLE_COLOURS["axis"]))
        self._empty.setZValue(10)   # above the reference lines
        self._empty.setFont(font)
        self._empty.setTextWidth(max(160.0, self.plot.width() * 0.6))
        self.plot.addItem(self._empty)
        self._texts.append(text)
        self._centre_empty()

    def _centre_empty(self) -> None:
        if self._empty is not None:
            (x0, x1), (y0, y1) = self.plot.getPlotItem().vb.viewRange()
            self._empty.setPos((x0 + x1) / 2, (y0 + y1) / 2)

    def _fit_x(self) -> None:
        """The value axis wide enough that the text right of the widest bar is not cut at the plot's edge (in a
        small window or in large type the fixed margin was not: the top bar's value was clipped)."""
        if self._x_fit is None:
            return
        low, high = self._x_fit
        width = self.plot.getPlotItem().vb.width()
        if width > 50:
            font = QFont()
            font.setPointSize(max(8, self.font_size - 1))
            for x, text in self._right_texts:
                room = (self._label_size(text, font)[0] + 6) / width  # the text's share of the plot's width
                if room < 0.5:
                    high = max(high, low + (x - low) / (1 - room))
            first = self.first_tick
            if first is not None:   # the first tick's label needs half its width left of it, or the axis drops it
                tick_font = QFont()
                tick_font.setPointSize(self.font_size)
                room = (self._label_size(str(first[1]), tick_font)[0] / 2 + 4) / width
                if room < 0.25 and first[0] - low < room * (high - low):
                    low = first[0] - room * (high - first[0]) / (1 - room)
        self.plot.setXRange(low, high, padding=0)
        self._centre_empty()

    def texts(self) -> list[str]:
        """Every text the chart shows: title, tick and row labels, value texts, line labels, legend."""
        return [t for t in self._texts if t]

    def export(self, path: str, scale: int = 2) -> None:
        """The chart with its title and key as PNG (twice the screen resolution) or SVG (vector)."""
        self._labels_now()
        size = self.size()
        if path.lower().endswith(".svg"):
            generator = QSvgGenerator()
            generator.setFileName(path)
            generator.setSize(size)
            generator.setViewBox(QRect(QPoint(0, 0), size))
            generator.setTitle(self.title.text())
            painter = QPainter(generator)
            self.render(painter, QPoint(0, 0))
            painter.end()
            return
        image = QImage(size * scale, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.scale(scale, scale)
        self.render(painter, QPoint(0, 0))
        painter.end()
        image.save(path)

    def row_at(self, y: float) -> str | None:
        n = len(self._row_labels)
        index = n - 1 - int(round(y))
        return self._row_labels[index] if 0 <= index < n else None

    # --- drawing --------------------------------------------------------------------------
    def _legend(self, corner: str = "top") -> pg.LegendItem:
        """The key sits below the x axis, in the plot's own layout, so it never covers a bar or a point."""
        del corner  # (kept for callers: the key no longer floats inside the plot)
        item = self.plot.getPlotItem()
        if item.legend is not None:
            return item.legend
        legend = pg.LegendItem(colCount=3, labelTextColor=ROLE_COLOURS["text"],
                               labelTextSize=f"{self.font_size - 1}pt", frame=False)
        item.layout.addItem(legend, 4, 1)
        item.legend = legend
        return legend

    def _fit_legend(self) -> None:
        """As many key columns as fit the chart's width (at most 3): a wide key must not push the plot past
        the window's edge (a long key entry in a small window or at 150 % scaling)."""
        legend = self.plot.getPlotItem().legend
        if legend is None or not legend.items:
            return
        widths = [sample.boundingRect().width() + label.boundingRect().width() + 24 for sample, label in legend.items]
        # The key sits under the plot area, right of the row labels: a key wider than that area widened the
        # plot past the window's edge (its right end, the top bar's value with it, was cut off).
        room = max(self.plot.width() - self.plot.getAxis("left").width(), 200) * 0.95
        columns = 1
        for n in (3, 2):
            if n <= len(widths) and sum(max(widths[i::n]) for i in range(n)) <= room:
                columns = n
                break
        legend.setColumnCount(columns)

    def _text(self, text: str, x: float, y: float, anchor: tuple[float, float], role: str = "muted") -> None:
        item = pg.TextItem(text, color=ROLE_COLOURS[role], anchor=anchor)
        font = QFont()
        font.setPointSize(max(8, self.font_size - 1))
        item.setFont(font)
        item.setPos(x, y)
        self.plot.addItem(item)
        self._texts.append(text)
        if anchor[0] == 0:
            self._right_texts.append((x, text))

    def _value_axis(self, axis: Axis, side: str = "bottom") -> None:
        ticks = list(zip(axis.ticks, axis.tick_labels, strict=True))
        if axis.low == 0 and ticks and all(t > 0 for t, _ in ticks):  # bars start at zero: say so on the axis
            ticks.insert(0, (0.0, "0"))
        self.plot.getAxis(side).setTicks([ticks])
        if side == "bottom":
            self.first_tick = min(ticks, default=None)
        self.plot.setLabel(side, axis.label, **{"font-size": f"{self.font_size}pt"})
        self._texts += [axis.label, *axis.tick_labels]

    def _row_axis(self, labels: list[str], keep: set[int] | None = None) -> None:
        """A label per row while the rows have room; when crowded every k-th row's label (and always the
        rows in `keep`, e.g. the clinic's own), so that the labels never overprint one another."""
        n = len(labels)
        self._row_labels = labels
        self._row_keep = set(keep or set())
        self._texts += [labels[i] for i in self._row_ticks()]
        self.plot.setYRange(-0.7, n - 0.3, padding=0)

    def _row_ticks(self) -> list[int]:
        """Row labels elided to at most NAME_WIDTH and to 30 % of the chart's width: a long clinic name must
        not take the plot's room (in a small window or at 150 % scaling either)."""
        labels, n = self._row_labels, len(self._row_labels)
        font = QFont()
        font.setPointSize(self.font_size)
        width = max(90, min(NAME_WIDTH, int(0.3 * self.width())))
        step = -(-n // self._rows_with_room())
        chosen = [i for i in range(n) if i % step == 0 or i in self._row_keep]
        self.plot.getAxis("left").setTicks([[(n - 1 - i, elided(labels[i], font, width)) for i in chosen]])
        return chosen

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().resizeEvent(event)
        if self._row_labels:
            self._row_ticks()
        self._fit_legend()

    def _lines(self, lines: tuple[ReferenceLine, ...]) -> None:
        legend = self._legend("bottom")
        for line in lines:
            pen = _pen(line.role, 2, LINE_DASHES.get(line.role, ()))
            self.plot.addItem(pg.InfiniteLine(line.value, angle=90, pen=pen))
            legend.addItem(pg.PlotDataItem(pen=pen), line.label)
            self._texts.append(line.label)

    def _ranked(self, spec: RankedBarChart) -> None:
        """All bars as one item and all whiskers as another, so that 1,700 clinics draw as fast as 17; the
        value beside each bar only while every row has room for its text."""
        n = len(spec.bars)
        labels = [b.label for b in spec.bars]
        shown = [(n - 1 - i, bar) for i, bar in enumerate(spec.bars) if bar.value is not None]
        # One item per look (own or not, outlined as outside the limit or not), each with one brush and one
        # pen: pyqtgraph draws such an item with one call, where a pen and a brush per bar cost a Python
        # call per bar at every paint (and a colour made per bar when the item is built).
        looks: dict[tuple[bool, bool], tuple[list[float], list[float]]] = {}
        for y, bar in shown:
            ys, widths = looks.setdefault((bool(bar.outside), bool(bar.highlight)), ([], []))
            ys.append(y)
            widths.append(bar.value - spec.axis.low)
        for (outside, own), (ys, widths) in sorted(looks.items()):  # the outlined bars drawn last, on top
            self.plot.addItem(pg.BarGraphItem(
                x0=np.full(len(ys), spec.axis.low), y=np.asarray(ys), height=BAR_HEIGHT, width=np.asarray(widths),
                brush=ROLE_COLOURS["bar_own" if own else "bar"],
                pen=_pen("outside", 2.5) if outside else pg.mkPen(None)))
        self._whiskers([(bar.low, bar.high, y) for y, bar in shown if bar.low is not None and bar.high is not None])
        if n <= self._rows_with_room():
            for i, bar in enumerate(spec.bars):
                x = bar.high if bar.high is not None else (bar.value if bar.value is not None else spec.axis.low)
                self._text(bar.value_text, x, n - 1 - i, (0, 0.5))
        self._texts += [spec.interval_label, spec.outside_label, spec.own_label]
        keys = [f"├─┤ {spec.interval_label}" if spec.interval_label else "",
                f"▭ {spec.outside_label}" if spec.outside_label and any(b.outside for b in spec.bars) else ""]
        self.note.setText("   ·   ".join(k for k in keys + [spec.note] if k))
        self._row_axis(labels, {i for i, b in enumerate(spec.bars) if b.highlight})
        self._value_axis(spec.axis)
        span = spec.axis.high - spec.axis.low  # a sliver left of zero, so the 0 tick label has room
        self._x_fit = (spec.axis.low - 0.015 * span, spec.axis.high * 1.08)
        self._fit_x()
        self._lines(spec.lines)

    def _rows_with_room(self) -> int:
        """How many rows of text the plot's height holds at the chart's font size."""
        font = QFont()
        font.setPointSize(self.font_size)
        height = self.plot.height() if self.plot.height() > 100 else 600
        return max(1, int(height / (QFontMetrics(font).height() * 1.1)))

    def _whiskers(self, intervals: list[tuple[float, float, float]]) -> None:
        """Every (low, high, y) interval of the chart as one item: lines with end caps, in pairs of points."""
        if not intervals:
            return
        xs = [x for low, high, _ in intervals for x in (low, high, low, low, high, high)]
        ys = [v for _, _, y in intervals for v in (y, y, y - 0.15, y + 0.15, y - 0.15, y + 0.15)]
        self.plot.plot(xs, ys, pen=_pen("whisker", WHISKER_WIDTH), connect="pairs", antialias=False)

    def _whisker(self, low: float, high: float, y: float) -> None:
        """A 95 % interval: a line with end caps, drawn without anti-aliasing so that every whisker of the
        chart is exactly WHISKER_WIDTH pixels thick, wherever it falls between two pixel rows."""
        self._whiskers([(low, high, y)])

    def whisker_pens(self) -> list[QPen]:
        """The pens of the chart's interval whiskers (one per interval)."""
        whisker = QColor(ROLE_COLOURS["whisker"])
        return [item.opts["pen"] for item in self.plot.getPlotItem().listDataItems()
                if isinstance(item.opts.get("pen"), QPen) and item.opts["pen"].color() == whisker
                and item.opts.get("connect") == "pairs"
                for _ in range(len(item.xData) // 6)]   # each interval: its line and two end caps

    def _before_after(self, spec: BeforeAfterChart) -> None:
        """Whiskers, before-to-after lines, before points and after points each drawn as one item, so that
        1,700 clinics draw (and clear) as fast as 17."""
        n = len(spec.rows)
        intervals, line_x, line_y, before_x, before_y, after_x, after_y, after_brushes = [], [], [], [], [], [], [], []
        brushes = _brushes()
        for i, row in enumerate(spec.rows):
            y = n - 1 - i
            if row.low is not None and row.high is not None:
                intervals.append((row.low, row.high, y))
            if row.before is not None and row.after is not None:
                line_x += [row.before, row.after]
                line_y += [y, y]
            if row.before is not None:
                before_x.append(row.before)
                before_y.append(y)
            if row.after is not None:
                after_x.append(row.after)
                after_y.append(y)
                after_brushes.append(brushes[row.highlight])
        self._whiskers(intervals)
        if line_x:
            self.plot.plot(line_x, line_y, pen=_pen("before", 2), connect="pairs", antialias=False)
        if before_x:
            self.plot.addItem(pg.ScatterPlotItem(x=before_x, y=before_y, symbol="o", size=MARKER_SIZE,
                                                 brush=pg.mkBrush("w"), pen=_pen("before", 2)))
        if after_x:
            self.plot.addItem(pg.ScatterPlotItem(x=after_x, y=after_y, symbol="o", size=MARKER_SIZE,
                                                 brush=after_brushes, pen=_pen("after", 1)))
        self._row_axis([r.label for r in spec.rows])
        self._value_axis(spec.axis)
        self.plot.setXRange(spec.axis.low, spec.axis.high, padding=0.02)
        legend = self._legend("bottom")
        legend.addItem(pg.ScatterPlotItem(symbol="o", brush="w", pen=_pen("before", 2)), spec.before_label)
        legend.addItem(pg.ScatterPlotItem(symbol="o", brush=ROLE_COLOURS["after"]), spec.after_label)
        self._texts += [spec.before_label, spec.after_label, spec.own_label]
        if spec.interval_label and any(r.low is not None for r in spec.rows):
            self.note.setText("   ·   ".join(t for t in (f"├─┤ {spec.interval_label}", spec.note) if t))
            self._texts.append(spec.interval_label)
        for line in spec.lines:
            self.plot.addItem(pg.InfiniteLine(line.value, angle=90, pen=_pen(line.role, 2, LINE_DASHES[line.role])))
            legend.addItem(pg.PlotDataItem(pen=_pen(line.role, 2)), line.label)
            self._texts.append(line.label)

    def _composition(self, spec: CompositionChart) -> None:
        n = len(spec.bars)
        legend = self._legend()
        for c, category in enumerate(spec.categories):
            colour = SEGMENT_COLOURS[c % len(SEGMENT_COLOURS)]
            legend.addItem(pg.BarGraphItem(x=[0], height=[1], width=1, brush=colour), category)
        self._texts += list(spec.categories)
        # One item per category and outline (the reader's own bar outlined): every bar's segment in it, so
        # that 1,700 bars draw as fast as 17.
        segments: dict[tuple[int, bool], tuple[list[float], list[float], list[float]]] = {}
        totals = n <= self._rows_with_room()   # a total beside each bar only while every row has room for it
        for i, bar in enumerate(spec.bars):
            y, left = n - 1 - i, 0.0
            for c, share in enumerate(bar.shares):
                if share is None:
                    continue
                x0s, ys, widths = segments.setdefault((c, bar.highlight), ([], [], []))
                x0s.append(left)
                ys.append(y)
                widths.append(share)
                left += share
            if bar.total_text and totals:
                self._text(bar.total_text, left, y, (0, 0.5))
        for (c, own), (x0s, ys, widths) in sorted(segments.items(), key=lambda kv: kv[0][1]):
            self.plot.addItem(pg.BarGraphItem(x0=x0s, y=ys, height=BAR_HEIGHT, width=widths,
                                              brush=SEGMENT_COLOURS[c % len(SEGMENT_COLOURS)],
                                              pen=_pen("text", 2) if own else pg.mkPen("w")))
        self._row_axis([b.label for b in spec.bars])
        self._value_axis(spec.axis)
        self._x_fit = (-2.0, 102 + 8 * max(1, max(len(c) for c in spec.categories) // 4))
        self._fit_x()

    def _funnel(self, spec: FunnelChart) -> None:
        legend = self._legend()
        for limit in spec.limits:
            dash = {"limit95": (4, 3), "limit_plain": (1, 2)}.get(limit.role, ())
            width = 1.0 if limit.unadjusted else 1.5
            self.plot.plot(limit.x, limit.upper, pen=_pen(limit.role, width, dash), name=limit.label)
            self.plot.plot(limit.x, limit.lower, pen=_pen(limit.role, width, dash))
            self._texts.append(limit.label)
        centre = pg.InfiniteLine(spec.centre, angle=0, pen=_pen("pooled", 1.5, LINE_DASHES["pooled"]))
        self.plot.addItem(centre)
        legend.addItem(pg.PlotDataItem(pen=_pen("pooled", 1.5, LINE_DASHES["pooled"])), spec.centre_label)
        self._texts.append(spec.centre_label)
        legend.setColumnCount(len(spec.limits) + 1)   # one row also with the unadjusted limit beside the adjusted
        if spec.points:   # every point in one item (1,700 items would take seconds to draw and to clear)
            outside, plain, brushes = _pen("outside", 2.5), pg.mkPen("w"), _brushes()
            self.plot.addItem(pg.ScatterPlotItem(
                x=[p.x for p in spec.points], y=[p.y for p in spec.points], symbol="o", size=MARKER_SIZE,
                brush=[brushes[p.highlight] for p in spec.points],
                pen=[outside if p.outside else plain for p in spec.points]))
        fonts = {}
        for highlight in (False, True):
            fonts[highlight] = QFont()
            fonts[highlight].setPointSize(max(8, self.font_size - 1))
            fonts[highlight].setBold(highlight)
        # Labels are tried for the clinics the funnel is about first (the reader's own, those outside the
        # limits), at most LABELLED_POINTS of them: a plot has room for far fewer. Every point's marker keeps
        # the labels off it; a text item is made only for a label that found room.
        ranked = sorted(spec.points, key=lambda p: (not p.highlight, p.outside is None))
        self._crowd = ranked[LABELLED_POINTS:]
        self._labelled = [(p, elided(p.label, fonts[p.highlight], FUNNEL_LABEL_WIDTH), fonts[p.highlight])
                          for p in ranked[:LABELLED_POINTS]]
        self._markers = np.array([(p.x, p.y) for p in ranked], dtype=float).reshape(-1, 2)
        self._texts += [p.label for p in ranked[:LABELLED_POINTS]]
        self._value_axis(spec.x_axis, "bottom")
        self._value_axis(spec.y_axis, "left")
        self.plot.setXRange(spec.x_axis.low, spec.x_axis.high, padding=0.02)
        self.plot.setYRange(spec.y_axis.low, spec.y_axis.high, padding=0.02)
        self._texts += [spec.outside_label, spec.own_label]
        self._place_timer.start()   # the chart is drawn now, its labels as soon as the plot has its size

    def _label_size(self, text: str, font: QFont) -> tuple[float, float]:
        """The box a label's text item takes (its document's margins included), measured once per text."""
        key = (text, font.bold(), font.pointSize())
        if key not in self._sizes:
            self._measure.setFont(font)
            self._measure.setPlainText(text)
            box = self._measure.boundingRect()
            self._sizes[key] = (box.width(), box.height())
        return self._sizes[key]

    def _place_point_labels(self) -> None:
        """Funnel labels placed in the plot's pixels by the printed pack's label placement: none overlaps
        another label or any point, none leaves the plot; a label without room is listed under the chart.
        Placed once for each size and range of the plot (a resize to the same size places nothing)."""
        spec = self.spec
        if not isinstance(spec, FunnelChart) or not self._labelled:
            return
        vb = self.plot.getPlotItem().vb
        area = vb.sceneBoundingRect()
        to_scene = vb.childTransform() * vb.sceneTransform()   # the view's coordinates -> the scene's
        geometry = (area.getRect(), to_scene.m11(), to_scene.m12(), to_scene.m21(), to_scene.m22(),
                    to_scene.dx(), to_scene.dy())
        if geometry == self._placed_for:
            return
        self._placed_for = geometry
        if area.width() < 20 or area.height() < 20:   # no room for a label (until the plot grows)
            for label in self._label_items:
                label.hide()
            self._draw_leaders([])
            return
        view_x, view_y = self._markers[:, 0], self._markers[:, 1]
        xs = (to_scene.m11() * view_x + to_scene.m21() * view_y + to_scene.dx() - area.left()).tolist()
        ys = (area.bottom() - (to_scene.m12() * view_x + to_scene.m22() * view_y + to_scene.dy())).tolist()
        n, radius = len(self._labelled), MARKER_SIZE / 2    # y upwards, as the placement counts
        requests = []
        for (_, text, font), x, y in zip(self._labelled, xs, ys, strict=False):
            width, height = self._label_size(text, font)
            requests.append(LabelRequest(x, y, radius, width, height / (ASCENT + DESCENT)))
        others = [(x - radius, y - radius, x + radius, y + radius) for x, y in zip(xs[n:], ys[n:], strict=True)]
        order = priority_order(list(zip(xs[:n], ys[:n], strict=True)), [p.highlight for p, _, _ in self._labelled],
                               [p.outside is not None for p, _, _ in self._labelled])
        placed = place_labels(requests, (1, 1, area.width() - 1, area.height() - 1), order, others)
        self._unplaced, shown, leaders = [], 0, []
        for (point, text, font), where, req in zip(self._labelled, placed, requests, strict=True):
            if where is None:
                self._unplaced.append((point, text))
                continue
            label = self._label_item(shown)
            shown += 1
            label.setText(text)
            label.setFont(font)
            label.setToolTip(self.row_tooltip(point.label))
            top_left = QPointF(area.left() + where.x, area.bottom() - (where.y + ASCENT * req.size))
            label.setPos(vb.mapSceneToView(top_left))
            label.show()
            label.updateTransform(force=True)   # where it is drawn now, not at the next paint
            if where.leader is not None:
                x1, y1, x2, y2 = where.leader
                leaders += [vb.mapSceneToView(QPointF(area.left() + x, area.bottom() - y)) for x, y in ((x1, y1), (x2, y2))]
        for label in self._label_items[shown:]:
            label.hide()
        self._draw_leaders(leaders)
        self._funnel_note(spec)

    def _labels_now(self) -> None:
        """The funnel's labels placed now if their placement is still to come (they are asked for)."""
        if self._place_timer.isActive():
            self._place_timer.stop()
            self._place_point_labels()

    def labels_placed(self) -> bool:
        """Whether the funnel's labels are where the plot's present size puts them (True: no funnel shown)."""
        return not self._labelled or (self._placed_for is not None and not self._place_timer.isActive())

    def _label_item(self, index: int) -> pg.TextItem:
        """The chart's index-th label text item, made when first needed (kept for the next placement)."""
        while len(self._label_items) <= index:
            label = pg.TextItem("", color=ROLE_COLOURS["text"], anchor=(0, 0))
            self.plot.addItem(label, ignoreBounds=True)
            self._label_items.append(label)
        return self._label_items[index]

    def _draw_leaders(self, ends: list[QPointF]) -> None:
        """Every leader line of the funnel's labels as one item (pairs of points)."""
        if self._leaders is None:
            self._leaders = self.plot.plot([], [], pen=_pen("muted", 1), connect="pairs")
        self._leaders.setData([e.x() for e in ends], [e.y() for e in ends], connect="pairs")

    @property
    def unlabelled(self) -> list[str]:
        """The funnel points without a label in the plot (no free place, or not tried), as the note names them."""
        self._labels_now()
        font = QFont()
        font.setPointSize(max(8, self.font_size - 1))
        entries = [(p, text) for p, text in self._unplaced] + [(p, elided(p.label, font, FUNNEL_LABEL_WIDTH))
                                                               for p in self._crowd]
        return [f"{name}: {p.detail}" if p.detail else name for p, name in entries]

    def _funnel_note(self, spec: FunnelChart) -> None:
        """The note under the funnel: the points without a label, by name while they are few, else counted."""
        notes = [getattr(spec, "note", "")]
        missing = len(self._unplaced) + len(self._crowd)
        if missing > LISTED_UNLABELLED:   # a region's clinics are not listed one by one
            notes.append(f"{spec.unlabelled_label}: " + tr("{n} clinics (point at a clinic in the Ranked bars "
                                                           "chart to see its name)", n=missing))
        elif missing:
            notes.append(f"{spec.unlabelled_label}: " + "; ".join(self.unlabelled))
        text = "   ·   ".join(n for n in notes if n)
        if text != self.note.text():
            self.note.setText(text)
            # The key's height only grows while this chart is shown: the plot it takes room from shrinks
            # step by step to a layout where the labels and the key agree (never back and forth).
            needed = self.note.heightForWidth(max(self.note.width(), 1))
            self.note.setMinimumHeight(max(self.note.minimumHeight(), needed))

    def point_label_rects(self) -> list[tuple[str, QRectF]]:
        """(text, rectangle in the scene) of every funnel label shown in the plot."""
        self._labels_now()
        return [(label.textItem.toPlainText(), label.sceneBoundingRect()) for label in self._label_items
                if label.isVisible()]

    def _trend(self, spec: TrendChart) -> None:
        legend = self._legend()
        xs = list(range(len(spec.periods)))
        for label, values, role in spec.series:
            points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            if not points:
                continue
            item = self.plot.plot([p[0] for p in points], [p[1] for p in points], pen=_pen(role, 2.5),
                                  symbol="o", symbolBrush=ROLE_COLOURS.get(role, role), symbolSize=9)
            legend.addItem(item, label)
            self._texts.append(label)
        self.plot.getAxis("bottom").setTicks([list(enumerate(spec.periods))])
        self._texts += list(spec.periods)
        self._value_axis(spec.axis, "left")
        self.plot.setXRange(-0.3, max(len(xs) - 0.7, 0.3), padding=0)
        self.plot.setYRange(spec.axis.low, spec.axis.high, padding=0.02)

    # --- pointer --------------------------------------------------------------------------
    def row_tooltip(self, label: str | None) -> str:
        """The whole name of the clinic in a row, shown when the pointer rests on the row or its label."""
        return self.full_names.get(label, label) if label else ""

    def _hovered(self, scene_pos: QPointF) -> None:
        if not self._row_labels:
            self.plot.setToolTip("")
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(scene_pos)
        self.plot.setToolTip(self.row_tooltip(self.row_at(point.y())))

    # --- clicks ---------------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if not isinstance(self.spec, RankedBarChart | BeforeAfterChart | CompositionChart):
            return
        point: QPointF = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        label = self.row_at(point.y())
        if label is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bar_clicked.emit(label)
