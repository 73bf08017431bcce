"""Flowable building blocks shared by the handouts: cover, definition box, chart rows, tables, lists."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from klyngedesk.core.formatting import format_date, format_time_range
from klyngedesk.core.model import Meeting
from klyngedesk.core.render.chart_pdf import draw_chart
from klyngedesk.core.render.charts import ChartSpec
from klyngedesk.core.render.fonts import text_width
from klyngedesk.core.render.page_template import CONTENT_WIDTH, FRAME_HEIGHT, MUTED, RULE, STYLES
from klyngedesk.core.render.pdf_pen import ChartFlowable
from klyngedesk.i18n import tr

GAP = 14.0   # between two charts side by side
ZEBRA = HexColor("#F4F6F8")
HEAD_BG = HexColor("#E8EDF2")


def _keep_percent(text: str) -> str:
    """'12,5 %' and '95 %-KI' never break before the percent sign (a non-breaking space)."""
    return text.replace(" %", "\u00a0%")


class _Paragraph(Paragraph):
    """A paragraph that keeps its lines while it is asked to wrap again at the width it was broken for (a
    table measures its cells' paragraphs when it is kept together, when it is placed and when it is drawn;
    a frame's width comes back a rounding error apart)."""

    _broken_for: float | None = None
    _key: tuple[str, str] | None = None   # (markup, style) of a paragraph made by `_paragraph`: its lines shared
    # what reportlab's breaking sets on the paragraph (declared for the type checker)
    _width_max: float
    _splitLongWordCount: int
    _hyphenations: int
    frags: list

    def breakLines(self, width: list[float]) -> object:
        """The paragraph's lines at these widths, broken once per markup, style and widths for every paragraph
        that prints the same (`_BROKEN`): a pack's handouts repeat their headings, labels and sentences."""
        if self._key is None or not isinstance(width, list):
            return super().breakLines(width)
        key = (*self._key, *width)
        broken = _BROKEN.get(key)
        if broken is None:   # breaking sets these on the paragraph, may turn its frags into words, and
            lines = super().breakLines(width)   # narrows the widths for a bullet: all kept to be set again
            broken = _BROKEN[key] = (lines, self._width_max, self._splitLongWordCount, self._hyphenations,
                                     self.frags, list(width))
            if len(_BROKEN) > 16384:
                _BROKEN.pop(next(iter(_BROKEN)))
        lines, self._width_max, self._splitLongWordCount, self._hyphenations, frags, widths = broken
        self.frags = list(frags)
        width[:] = widths
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._broken_for is not None and abs(availWidth - self._broken_for) < 1e-9:
            return self.width, self.height
        self._broken_for = None
        size = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            self._broken_for = availWidth
        return size

    def split(self, availWidth: float, availHeight: float) -> list:
        self._broken_for = None   # splitting breaks it again and may leave it in another state
        return super().split(availWidth, availHeight)


# (markup, style, widths...) -> a paragraph's broken lines and what breaking them set on it (see breakLines)
_BROKEN: dict[tuple, tuple[object, float, int, int, list, list[float]]] = {}


@lru_cache(maxsize=8192)
def _parsed(markup: str, style: str) -> tuple[str, ParagraphStyle, list, object]:
    """The markup parsed in a style (its cleaned text, the style as the parser left it, its fragments and
    bullet), parsed once: a pack prints the same titles, headings and labels in every clinic's handout."""
    first = Paragraph(markup, STYLES[style])
    return first.text, first.style, first.frags, first.bulletText


def _paragraph(markup: str, style: str) -> Paragraph:
    text, parsed_style, frags, bullet = _parsed(markup, style)
    paragraph = _Paragraph(text, parsed_style, bulletText=bullet, frags=list(frags))
    paragraph._key = (markup, style)
    return paragraph


def p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: names with & or < print as written)."""
    return _paragraph(_keep_percent(escape(text)), style)


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph with reportlab markup the caller built from escaped parts."""
    return _paragraph(_keep_percent(markup), style)


def cover(cluster_name: str, meeting: Meeting, lang: str, kind: str,
          extra: Sequence[tuple[str, str]] = ()) -> list[Flowable]:
    """Cluster, meeting title, date, time, place, agenda and speakers with their organisation."""
    story: list[Flowable] = [Spacer(1, 40), p(cluster_name.upper(), "label"), p(meeting.title, "title"),
                             p(kind, "subtitle")]
    facts = [(tr("Date", lang), format_date(meeting.date, lang))]
    if meeting.time:
        facts.append((tr("Time", lang), format_time_range(meeting.time, lang)))
    if meeting.place:
        facts.append((tr("Place", lang), meeting.place))
    story.append(facts_table([*facts, *extra]))
    if meeting.agenda:
        story += [p(tr("Agenda", lang), "h3"), numbered(meeting.agenda)]
    if meeting.speakers:
        story.append(p(tr("Speakers", lang), "h3"))
        for s in meeting.speakers:
            org = f" — {escape(s.organisation)}" if s.organisation else ""
            story.append(rich(f"<b>{escape(s.name)}</b>{org}"))
            if s.problem_statement:
                story.append(p(s.problem_statement, "small"))
    if meeting.questions:
        story += [p(tr("Questions for the meeting", lang), "h3"), bullets(meeting.questions)]
    return story


def fit(text: str, style: str, room: float) -> str | Paragraph:
    """A table cell: the plain string when it fits on one line (fast), else a wrapping paragraph."""
    st = STYLES[style]
    if text_width(text, st.fontName, st.fontSize) <= room and not set(text) & set("<>&\n"):
        return text
    return p(text, style)


def _column_font(col: int, style: str) -> list[tuple]:
    st = STYLES[style]
    return [("FONT", (col, 0), (col, -1), st.fontName, st.fontSize, st.leading),
            ("TEXTCOLOR", (col, 0), (col, -1), st.textColor)]


def facts_table(facts: Sequence[tuple[str, str]], label_width: float = 90, width: float = CONTENT_WIDTH,
                style: str = "body") -> Table:
    """Label and value pairs without a box (the cover's facts, the key figures)."""
    pad = 6
    rows = [[fit(label, "label", label_width - pad), fit(value, style, width - label_width - pad)]
            for label, value in facts]
    table = Table(rows, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               *_column_font(0, "label"), *_column_font(1, style)]))
    return table


def definition_box(lines: Sequence[tuple[str, str]]) -> Table:
    """The plain-language definition as a light box: numerator, denominator, unit, source, period."""
    label_width, pad = 72, 6
    rows = [[fit(label, "label", label_width - 2 * pad), fit(text, "cell", CONTENT_WIDTH - label_width - 2 * pad)]
            for label, text in lines]
    table = Table(rows, colWidths=[label_width, CONTENT_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ZEBRA), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
        *_column_font(0, "label"), *_column_font(1, "cell")]))
    return table


def numbered(items: Iterable[str]) -> ListFlowable:
    return ListFlowable([ListItem(p(t), leftIndent=14) for t in items], bulletType="1", bulletFontSize=9.5,
                        bulletFontName=STYLES["body"].fontName, leftIndent=14)


def bullets(items: Iterable[str], style: str = "body") -> ListFlowable:
    return ListFlowable([ListItem(p(t, style), leftIndent=12, value="•") for t in items], bulletType="bullet",
                        start="•", bulletFontSize=9, bulletFontName=STYLES["body"].fontName, leftIndent=12)


def chart(spec: ChartSpec | None, width: float = CONTENT_WIDTH, compact: bool = False) -> ChartFlowable | None:
    return draw_chart(spec, width, compact) if spec is not None else None


def half_width() -> float:
    return (CONTENT_WIDTH - GAP) / 2


def grid(cells: Sequence[Flowable | list[Flowable]], pad: float = 10) -> Flowable:
    """Half-width cells two by two (a row per pair); a single cell is returned as it is."""
    if len(cells) == 1 and not isinstance(cells[0], list):
        return cells[0]
    half = half_width()
    rows = [list(cells[i:i + 2]) + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[half + GAP, half], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               # the gap belongs to the left column: its text wraps short of the right one
                               ("RIGHTPADDING", (0, 0), (0, -1), GAP),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]))
    return table


TABLE_TAIL = 0.2   # a table's last part fills at least this share of its page when it can (not a row or two spilled)


class _Table(Table):
    """A table that, split over pages, leaves its last page more than a stray row or two: it then carries
    rows over from the page before (the summary's thirteenth indicator alone on a page read as forgotten)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:   # noqa: N803
        parts = super().split(aW, aH)
        if len(parts) != 2:
            return parts
        short = TABLE_TAIL * FRAME_HEIGHT - parts[1].wrap(aW, FRAME_HEIGHT)[1]
        if short <= 0:
            return parts
        fewer = super().split(aW, aH - short)
        if len(fewer) == 2:   # the rest on the next page (the frame would fill this one's room with it again)
            return [fewer[0], PageBreak(), fewer[1]]
        # no room for fewer rows here: the whole table goes on over the page (on a fresh page it splits anyhow)
        return [] if aH < FRAME_HEIGHT - 1 and self.wrap(aW, FRAME_HEIGHT)[1] <= FRAME_HEIGHT else parts


def data_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
               bold_rows: Iterable[int] = (), align_right_from: int = 1, wrap_cols: Iterable[int] = (),
               size: float = 9, strong_cols: Iterable[int] = (), fit_content: bool = False,
               headings: Iterable[int] = ()) -> Table:
    """A compact zebra table; columns from `align_right_from` are numbers (right-aligned).

    A row in `headings` (a topic's title over its indicators) is never left at the foot of a page: the table
    splits above it rather than between it and the row under it.

    Body cells are plain strings set by the table style (fast: a pack has thousands of them); only the
    header and the `wrap_cols` columns are paragraphs that wrap. With `fit_content` the widths are the
    content's (`fitted_widths`): the asked ones only give the total.
    """
    wrap = set(wrap_cols)
    bold = set(bold_rows)
    fitted = fitted_widths(header, rows, sum(widths), wrap, bold, size) if fit_content else None
    widths = fitted or column_widths(header, rows, widths, wrap, bold, size)
    head = [p(h, "label") for h in header]
    for k, cell in enumerate(head):
        cell.style = _whole_words(_right(cell.style) if k >= align_right_from else cell.style)
    def wrapped(text: str, bold_row: bool, right: bool) -> Paragraph:   # aligned as the column's heading is
        cell = p(text, "cell_bold" if bold_row else "cell")
        if right:
            cell.style = _right(cell.style)
        return cell

    body = [[wrapped(c, i in bold, j >= align_right_from) if j in wrap else c for j, c in enumerate(row)]
            for i, row in enumerate(rows)]
    last = len(body)
    style = [("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
             ("FONT", (0, 1), (-1, -1), STYLES["cell"].fontName, size, size + 2),
             ("TEXTCOLOR", (0, 1), (-1, -1), STYLES["cell"].textColor),
             ("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"),
             ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE)]
    style += [("FONT", (0, i + 1), (-1, i + 1), STYLES["cell_bold"].fontName, size, size + 2)
              for i in sorted(bold) if i < last]
    style += [("FONT", (j, 1), (j, -1), STYLES["h3"].fontName, size, size + 2) for j in strong_cols]
    style += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, last + 1, 2)]
    style += [("NOSPLIT", (0, i + 1), (-1, i + 2)) for i in sorted(set(headings)) if i + 1 < last]
    table = _Table([head, *body], colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


CELL_PAD = 8.0   # a data table cell's left and right padding together
SHORT = 44.0     # a wrapping cell's text at most this wide is kept on one line


def _longest_word(text: str, font: str, size: float) -> float:
    return max((text_width(w, font, size) for w in re.split(r"[\s\u00a0]+", text) if w), default=0.0)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
                  wrap: set[int], bold: set[int], size: float) -> list[float]:
    """The widths asked for, each column widened to what it cannot break: a heading's longest word (headings
    wrap only between words), a plain cell's whole text (it prints on one line), a wrapping cell's longest
    word. The room is taken from the columns with room to spare, widest spare first; the total stays."""
    label = STYLES["label"]
    need = [_longest_word(h, label.fontName, label.fontSize) + CELL_PAD for h in header]
    for i, row in enumerate(rows):
        font = STYLES["cell_bold" if i in bold else "cell"].fontName
        for j, cell in enumerate(row):
            if isinstance(cell, str):
                whole = text_width(cell, font, size)   # a short phrase ("inden for") is not broken either
                room = max(_longest_word(cell, font, size), whole if whole <= SHORT else 0.0) if j in wrap \
                    else whole
            else:
                room = float(getattr(cell, "width", 0.0) or 0.0)
            need[j] = max(need[j], room + CELL_PAD)
    out = [max(w, n) for w, n in zip(widths, need, strict=True)]
    excess = sum(out) - sum(widths)
    while excess > 0.01:
        spare = [(w - n, j) for j, (w, n) in enumerate(zip(out, need, strict=True)) if w - n > 0.01]
        if not spare:
            break                       # nothing can give: the table is wider than asked (never mid-word)
        share = min(excess / len(spare), min(s for s, _ in spare))
        for _, j in spare:
            out[j] -= share
        excess -= share * len(spare)
    return out


MOST_LINES = 3   # a wrapping cell beside the first column takes at most this many lines (fewer when room)
FIRST_LINES = 6  # the first column's (the titles') cells at most this many


def fitted_widths(header: Sequence[str], rows: Sequence[Sequence[object]], total: float, wrap: set[int],
                  bold: set[int], size: float) -> list[float] | None:
    """Column widths that fit the content, the table as low as it can be within `total` (None when no such
    widths fit): each wrapping column beside the first is tried at the width its cells need for one, two
    or three lines (headings at most two), the first column (the titles) takes the rest, and of these the
    widths with the fewest lines down the table are taken."""
    label = STYLES["label"]
    count = len(header)
    base = [_least_for_lines(_words(h, label.fontName, label.fontSize), 2) for h in header]
    cells: list[list[tuple[float, ...]]] = [[] for _ in rows]   # per row, per column: the cell's thresholds
    for i, row in enumerate(rows):
        font = STYLES["cell_bold" if i in bold else "cell"].fontName
        for j, cell in enumerate(row):
            if isinstance(cell, str) and j in wrap and text_width(cell, font, size) > SHORT:
                cells[i].append(_text_thresholds(cell, font, size))   # a short phrase ("inden for") is not broken
                continue
            thresholds = getattr(cell, "thresholds", None)   # a flowable that may take a second line (DirectionMark)
            if thresholds:
                cells[i].append(thresholds)
                continue
            width = text_width(cell, font, size) if isinstance(cell, str) else float(getattr(cell, "width", 0) or 0)
            base[j] = max(base[j], width)
            cells[i].append(())
    head_lines = [_text_thresholds(h, label.fontName, label.fontSize) for h in header]
    options: list[list[float]] = []
    for j in range(1, count):
        found = {max([base[j], *(r[j][k - 1] for r in cells if r[j])]) for k in range(1, MOST_LINES + 1)}
        options.append(sorted(found))
    least_first = max([base[0], *(r[0][FIRST_LINES - 1] for r in cells if r[0])])
    kinds = Counter(tuple(r) for r in cells)   # rows alike in every cell's thresholds count once, times their number
    best: tuple[tuple[float, int], list[float]] | None = None
    for choice in itertools.product(*options):
        first = total - sum(choice) - CELL_PAD * count
        if first < least_first:
            continue
        widths = [first, *choice]
        height = max(_lines_at(t, w) for t, w in zip(head_lines, widths, strict=True))
        height += sum(n * max(_lines_at(t, w) if t else 1 for t, w in zip(r, widths, strict=True))
                      for r, n in kinds.items())
        if best is not None and height > best[0][0]:
            continue
        # of equally low tables, the one whose cells beside the titles break least ("lavere bedre" kept whole)
        broken = sum(n * _lines_at(t, w) for r, n in kinds.items() for t, w in zip(r[1:], widths[1:], strict=True)
                     if t)
        if best is None or (height, broken) < best[0]:
            best = ((height, broken), widths)
    return None if best is None else [w + CELL_PAD for w in best[1]]


def _words(text: str, font: str, size: float) -> tuple[tuple[float, ...], float]:
    """A text's word widths and its space's width."""
    # split where a paragraph breaks a line: at spaces, never at a no-break space ("95 %-KI", "12 %")
    return (tuple(text_width(w, font, size) for w in re.split(r"[ \t\r\n]+", _keep_percent(text)) if w),
            text_width(" ", font, size))


@lru_cache(maxsize=4096)
def _text_thresholds(text: str, font: str, size: float) -> tuple[float, ...]:
    """A wrapping text's `_thresholds` (cached: every personal handout's table has the same titles)."""
    return _thresholds(_words(text, font, size))


def _thresholds(words: tuple[tuple[float, ...], float], most: int = FIRST_LINES) -> tuple[float, ...]:
    """The least width for at most 1, 2, ... `most` lines, as a paragraph fills its lines word by word."""
    return tuple(_least_for_lines(words, k) for k in range(1, most + 1))


def _least_for_lines(words: tuple[tuple[float, ...], float], k: int) -> float:
    """The least width at which the words take at most k lines: always the width of some run of words."""
    widths, space = words
    if not widths:
        return 0.0
    runs = sorted({sum(widths[a:b]) + space * (b - a - 1) for a in range(len(widths))
                   for b in range(a + 1, len(widths) + 1)})
    runs = [r for r in runs if r >= max(widths)]
    low, high = 0, len(runs) - 1      # the last run (the whole text) always fits on one line
    while low < high:
        mid = (low + high) // 2
        if _lines(widths, space, runs[mid] + 0.01) <= k:
            high = mid
        else:
            low = mid + 1
    return runs[low] + 0.5   # a touch of room: the paragraph's own measure may round the other way


def _lines_at(thresholds: tuple[float, ...], width: float) -> int:
    return next((k for k, t in enumerate(thresholds, 1) if t <= width), len(thresholds) + 1)


def _lines(widths: tuple[float, ...], space: float, room: float) -> int:
    lines, used = 1, widths[0]
    for w in widths[1:]:
        if used + space + w <= room:
            used += space + w
        else:
            lines, used = lines + 1, w
    return lines


def _whole_words(style):
    """A heading style that never breaks a word (reportlab splits a long word by default)."""
    from reportlab.lib.styles import ParagraphStyle

    name = style.name + "_whole"
    if name not in _RIGHT_CACHE:
        _RIGHT_CACHE[name] = ParagraphStyle(name, parent=style, splitLongWords=0)
    return _RIGHT_CACHE[name]


_RIGHT_CACHE: dict[str, object] = {}


def _right(style):
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    if style.name not in _RIGHT_CACHE:
        _RIGHT_CACHE[style.name] = ParagraphStyle(style.name + "_r", parent=style, alignment=TA_RIGHT)
    return _RIGHT_CACHE[style.name]


def keep(*flowables: Flowable | None) -> KeepTogether:
    return KeepTogether([f for f in flowables if f is not None])


def drawing_texts(flowable: object) -> Iterable[str]:
    """Every text string inside a flowable tree (paragraphs, tables, drawings): for the leak check."""
    if isinstance(flowable, Paragraph):
        yield flowable.text
    elif isinstance(flowable, ChartFlowable) or hasattr(flowable, "texts"):   # charts, continued.py's parts
        yield from flowable.texts
    elif isinstance(flowable, Table):
        for row in flowable._cellvalues:
            for cell in row:
                yield from drawing_texts(cell)
    elif isinstance(flowable, list | tuple):
        for item in flowable:
            yield from drawing_texts(item)
    elif isinstance(flowable, str):
        yield flowable
    else:
        for attr in ("_content", "_flowables", "_cellvalues"):
            inner = getattr(flowable, attr, None)
            if inner is not None:
                yield from drawing_texts(inner)
        title = getattr(flowable, "title", None)
        if isinstance(title, str):
            yield title



class DirectionMark(Flowable):
    """The summary's direction marker: a drawn arrow (up: higher is better, down: lower is better) and its
    words; without a direction only the words. Drawn, because the embedded font has no arrow glyphs. In a
    narrow column the words take two lines ("lavere" over "bedre"), the arrow beside the first."""

    def __init__(self, direction: str | None, words: str, size: float = 9.0) -> None:
        super().__init__()
        self.direction, self.words, self.size = direction, words, size
        self.arrow = 7.0 if direction in ("max", "min") else 0.0
        self.indent = self.arrow + (3 if self.arrow else 0)
        self.width = self.indent + self._text_width(words)
        cuts = [k for k, ch in enumerate(words) if ch == " "]
        cut = min(cuts, key=lambda k: max(self._text_width(words[:k]), self._text_width(words[k + 1:])), default=0)
        self.two = (words[:cut], words[cut + 1:]) if cut else (words,)   # the break giving the narrowest lines
        narrow = self.indent + max(self._text_width(part) for part in self.two)
        # the least width for at most 1, 2, ... lines, as data_table's column fitting reads a wrapping cell's
        self.thresholds = (self.width + 0.5, *[narrow + 0.5] * (FIRST_LINES - 1))
        self.lines: tuple[str, ...] = (words,)
        self.height = size * 1.25

    def _text_width(self, text: str) -> float:
        return text_width(text, STYLES["cell"].fontName, self.size)

    def wrap(self, avail_width: float, *_: float) -> tuple[float, float]:
        self.lines = (self.words,) if avail_width + 0.5 >= self.width else self.two
        leading = self.size + 2
        width = self.indent + max(self._text_width(line) for line in self.lines)
        return width, self.size * 1.25 + leading * (len(self.lines) - 1)

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(STYLES["cell"].textColor)
        c.setStrokeColor(STYLES["cell"].textColor)
        base = self.size * 0.25 + (self.size + 2) * (len(self.lines) - 1)   # the first line's baseline
        if self.arrow:
            up = self.direction == "max"
            x, low, high = 3.0, base - 0.5, base + self.size * 0.72
            tip, tail = (high, low) if up else (low, high)
            c.setLineWidth(1.1)
            c.line(x, tail, x, tip - (2.2 if up else -2.2))
            path = c.beginPath()
            path.moveTo(x - 2.6, tip - (3.2 if up else -3.2))
            path.lineTo(x + 2.6, tip - (3.2 if up else -3.2))
            path.lineTo(x, tip)
            path.close()
            c.drawPath(path, stroke=0, fill=1)
        c.setFont(STYLES["cell"].fontName, self.size)
        for k, line in enumerate(self.lines):
            c.drawString(self.indent, base - (self.size + 2) * k, line)
        c.restoreState()
