"""The member who measures the charts: reads the drawing of a group handout, not only its text.

A ranked chart prints each clinic's value rounded beside its bar, but the bar's end, the whisker's ends and
the reference lines are drawn at positions a PDF keeps to four decimals of a point, far finer than the
printed number. This reader takes every page's objects from pdfium (paths with their transformation, text
runs with their boxes), finds each ranked chart by its grid (vertical lines with a number printed under
each), maps positions to values through those ticks, and gives per chart and clinic row the value its bar
ends at and the ends of its whisker, with the reference lines, to the drawing's precision. Which indicator
a chart belongs to is the title printed above it (or on the page before, for a chart continued).

`drawn(pdf, topics)` -> {indicator: DrawnChart}; `DrawnChart.rows` maps a row's label to its DrawnRow.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from attacker_pdf import NUMBER, _metas, _plain, number

TICK = re.compile(rf"^{NUMBER}$")


@dataclass
class DrawnRow:
    label: str
    value: float | None = None              # where the bar ends
    low: float | None = None                # the whisker's ends
    high: float | None = None
    y: float = 0.0


@dataclass
class DrawnChart:
    key: str
    per_point: float                        # value units per point along the axis (the drawing's resolution)
    low: float = 0.0                        # the axis's value where the bars start
    rows: dict[str, DrawnRow] = field(default_factory=dict)
    lines: list[float] = field(default_factory=list)   # the vertical reference lines' values
    wide: bool = False                      # the key says the whiskers are wide intervals, not exact ones


@dataclass
class _Path:
    points: list[tuple[float, float]]
    filled: bool
    stroked: bool


@dataclass
class _Text:
    text: str
    box: tuple[float, float, float, float]

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


def _text_of(obj, textpage) -> str:
    n = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = ctypes.create_string_buffer(n)
    raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), n)
    return buffer.raw[:max(n - 2, 0)].decode("utf-16-le")


def _path_of(obj) -> _Path:
    a, b, c, d, e, f = obj.get_matrix().get()
    points = []
    for i in range(raw.FPDFPath_CountSegments(obj.raw)):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, i)
        x, y = ctypes.c_float(), ctypes.c_float()
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        points.append((a * x.value + c * y.value + e, b * x.value + d * y.value + f))
    mode, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, mode, stroke)
    return _Path(points, mode.value != 0, bool(stroke.value))


def _objects(page) -> tuple[list[_Text], list[_Path]]:
    textpage = page.get_textpage()
    texts, paths = [], []
    for obj in page.get_objects(max_depth=4):
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            text = _text_of(obj, textpage).strip()
            if text:
                texts.append(_Text(text, tuple(obj.get_bounds())))
        elif obj.type == raw.FPDF_PAGEOBJ_PATH:
            paths.append(_path_of(obj))
    return texts, paths


def _vertical(p: _Path) -> tuple[float, float, float] | None:
    if len(p.points) == 2 and abs(p.points[0][0] - p.points[1][0]) < 1e-3:
        y0, y1 = sorted((p.points[0][1], p.points[1][1]))
        return p.points[0][0], y0, y1
    return None


def _horizontal(p: _Path) -> tuple[float, float, float] | None:
    if len(p.points) == 2 and abs(p.points[0][1] - p.points[1][1]) < 1e-3:
        x0, x1 = sorted((p.points[0][0], p.points[1][0]))
        return x0, x1, p.points[0][1]
    return None


def _rect(p: _Path) -> tuple[float, float, float, float] | None:
    if p.filled and len(p.points) in (4, 5):
        xs, ys = [x for x, _ in p.points], [y for _, y in p.points]
        return min(xs), min(ys), max(xs), max(ys)
    return None


def _charts(texts: list[_Text], paths: list[_Path]) -> list[tuple[list[tuple[float, float]], float, float]]:
    """Each ranked chart's grid: its ticks (x, value), its plot's bottom and top."""
    grids: dict[tuple[float, float], list[float]] = {}
    for p in paths:
        v = _vertical(p)
        if v and v[2] - v[1] > 10:
            grids.setdefault((round(v[1], 2), round(v[2], 2)), []).append(v[0])
    out = []
    for (bottom, top), xs in grids.items():
        ticks = []
        for x in xs:
            under = [t for t in texts if TICK.match(t.text) and abs(t.cx - x) < 1.5 and bottom - 14 < t.box[3] <= bottom]
            if len(under) == 1:
                ticks.append((x, number(under[0].text)))
        if len(ticks) >= 2:
            out.append((sorted(ticks), bottom, top))
    return out


def _titles(texts: list[_Text], topics) -> list[tuple[float, str]]:
    titles = {_plain(ind.title): key for key, ind in _metas(topics).items()}
    return sorted(((t.cy, titles[_plain(t.text)]) for t in texts if _plain(t.text) in titles), reverse=True)


def drawn(pdf: bytes, topics) -> dict[str, DrawnChart]:
    """Every ranked chart of the handout as drawn: per indicator, its rows' bar ends and whisker ends."""
    found: dict[str, DrawnChart] = {}
    last_title: str | None = None
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            texts, paths = _objects(page)
            titles = _titles(texts, topics)
            grids = _charts(texts, paths)
            ranked = []   # a ranked chart's title says its order: the leftmost grid under it is its plot
            for title in (t for t in texts if t.text.startswith("Ordnet")):
                under = [g for g in grids if g[2] < title.cy < g[2] + 45]
                if under:
                    ranked.append(min(under, key=lambda g: g[0][0][0]))
            for ticks, bottom, top in sorted(ranked, key=lambda c: -c[2]):
                above = [key for y, key in titles if y > top]
                key = above[-1] if above else last_title
                if key is None:
                    continue
                (xa, va), (xb, vb) = ticks[0], ticks[-1]
                per_point = (vb - va) / (xb - xa)

                def value(x: float, xa: float = xa, va: float = va, per_point: float = per_point) -> float:
                    return va + (x - xa) * per_point

                chart = found.setdefault(key, DrawnChart(key, per_point, va))
                x_low = ticks[0][0]
                axis = [h for h in map(_horizontal, paths) if h and abs(h[2] - bottom) < 0.7 and abs(h[0] - x_low) < 0.05]
                x_high = max((h[1] for h in axis), default=ticks[-1][0]) + 0.05
                labels = [t for t in texts if bottom < t.cy < top and x_low - 260 < t.box[2] < x_low + 1
                          and not TICK.match(t.text)]
                rows = [DrawnRow(t.text, y=t.cy) for t in labels]
                for p in paths:
                    r = _rect(p)
                    if r and bottom < (r[1] + r[3]) / 2 < top and abs(r[0] - x_low) < 0.05 and r[3] - r[1] > 1:
                        row = _nearest(rows, (r[1] + r[3]) / 2)
                        if row is not None:
                            row.value = value(r[2])
                    h = _horizontal(p)
                    if h and bottom + 0.5 < h[2] < top - 0.5 and x_low - 0.05 <= h[0] and h[1] <= x_high:
                        row = _nearest(rows, h[2])
                        if row is not None:
                            row.low, row.high = value(h[0]), value(h[1])
                    v = _vertical(p)
                    # a reference line's top piece (it is broken where words lie over it)
                    if v and x_low - 0.05 <= v[0] <= x_high and bottom - 0.05 < v[1] < top and top + 1 < v[2] < top + 5:
                        chart.lines.append(value(v[0]))
                legend = " ".join(t.text for t in texts if bottom - 60 < t.cy < bottom - 14)
                chart.wide = chart.wide or "bredt" in legend
                for row in rows:
                    chart.rows[row.label] = row
            if titles:
                last_title = titles[-1][1]
    finally:
        document.close()
    return found


def _nearest(rows: list[DrawnRow], y: float) -> DrawnRow | None:
    best = min(rows, key=lambda r: abs(r.y - y), default=None)
    return best if best is not None and abs(best.y - y) < 4.0 else None


MIN_BAR = 0.4   # pt: the narrowest bar drawn, so that a value at the axis's start still shows


def thinnest(chart: DrawnChart, value: float) -> bool:
    """Whether a bar is drawn at the narrowest width: it says only that its value is at most that far along."""
    return value <= chart.low + MIN_BAR * abs(chart.per_point) + resolution(chart)


def resolution(chart: DrawnChart) -> float:
    """How far a drawn value may lie from the number it was drawn from: positions are kept to 1e-4 pt."""
    return 3e-4 * abs(chart.per_point) + 1e-9



@dataclass
class DrawnComposition:
    heading: str                            # the text after "Sammensætning: " above the chart
    parts: list[str]                        # the key's part titles, in the order the segments are drawn
    rows: dict[str, list[float]] = field(default_factory=dict)   # a row's label -> its segments' shares (%)
    texts: dict[str, str] = field(default_factory=dict)          # a row's label -> the text at its right end


COMPOSITION_TITLES = ("Fordeling pr. praksis", "Alle praksissers andele er skjult")


def drawn_compositions(pdf: bytes) -> list[DrawnComposition]:
    """Every composition chart of the handout as drawn: per row, each coloured segment's length as a share of the
    axis from 0 to 100 %, to the drawing's precision (what a reader with a ruler, or a PDF parser, measures)."""
    found: list[DrawnComposition] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            texts, paths = _objects(page)
            grids = _charts(texts, paths)
            headings = [t for t in texts if t.text.startswith("Sammensætning: ")]
            for title in (t for t in texts if t.text.startswith(COMPOSITION_TITLES)):
                under = [g for g in grids if g[2] < title.cy < g[2] + 45]
                if not under:
                    continue
                ticks, bottom, top = min(under, key=lambda g: g[0][0][0])
                (xa, va), (xb, vb) = ticks[0], ticks[-1]
                if (va, vb) != (0.0, 100.0):
                    continue
                above = [h for h in headings if h.cy > title.cy]
                heading = min(above, key=lambda h: h.cy).text.removeprefix("Sammensætning: ") if above else ""
                labels = [t for t in texts if bottom < t.cy < top and t.box[2] < xa + 1 and not TICK.match(t.text)]
                rows = [DrawnRow(t.text, y=t.cy) for t in labels]
                segments: dict[str, list[tuple[float, float]]] = {r.label: [] for r in rows}
                for p in paths:
                    r = _rect(p)
                    if r and bottom < (r[1] + r[3]) / 2 < top and r[0] >= xa - 0.05 and r[2] <= xb + 0.05 \
                            and r[3] - r[1] > 1:
                        row = _nearest(rows, (r[1] + r[3]) / 2)
                        if row is not None:
                            segments[row.label].append((r[0], (r[2] - r[0]) / (xb - xa) * 100.0))
                key = [t for t in texts if bottom - 60 < t.cy < bottom - 14 and not TICK.match(t.text)
                       and not t.text.endswith("(%)")]   # the key under the axis's title
                chart = DrawnComposition(heading, [t.text for t in sorted(key, key=lambda t: (-t.cy, t.box[0]))])
                for row in rows:
                    chart.rows[row.label] = [w for _, w in sorted(segments[row.label])]
                    right = [t.text for t in texts if abs(t.cy - row.y) < 4 and t.box[0] > xb]
                    chart.texts[row.label] = " ".join(right)
                found.append(chart)
    finally:
        document.close()
    return found
