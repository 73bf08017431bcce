"""Charts and tables that go on over pages: split between rows, each page's part headed again "(continued)"."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from reportlab.platypus import Flowable, KeepTogether, Table

from klyngedesk.core.render.chart_pdf import draw_chart, funnel
from klyngedesk.core.render.charts import (
    BeforeAfterChart,
    ChartSpec,
    CompositionChart,
    FunnelChart,
    RankedBarChart,
)
from klyngedesk.core.render.page_template import CONTENT_WIDTH, FRAME_HEIGHT
from klyngedesk.core.render.sections import data_table, p
from klyngedesk.i18n import tr

TAIL = 0.45    # a part that ends a chart or table fills at least this share of its page when it can: a page
               # is never left under 40 % full because the block after the tail did not fit beside it
MIN_ROWS = 4   # never a part of fewer rows than this on a page: the whole chart (or its rest) moves on instead

RowChart = RankedBarChart | BeforeAfterChart | CompositionChart


def _rows(spec: RowChart) -> tuple:
    return spec.rows if isinstance(spec, BeforeAfterChart) else spec.bars


def _with_rows(spec: RowChart, rows: tuple, title: str) -> RowChart:
    if isinstance(spec, BeforeAfterChart):
        return replace(spec, rows=rows, title=title)
    if isinstance(spec, RankedBarChart):
        return replace(spec, bars=rows, title=title)
    return replace(spec, bars=rows, title=title)


def continued_title(title: str, word: str) -> str:
    """'Ordnet: lavere er bedre (fortsat)': the heading of a part on a later page (said once, however many)."""
    suffix = f" ({word})"
    return title if not title or title.endswith(suffix) else title + suffix


class ContinuedChart(Flowable):
    """A row chart (ranked bars, before/after, composition) at a width, whole while it fits a page. Split,
    the first part keeps the rows that fit, a whole chart with the same axis, title and legend; the rest is
    again a ContinuedChart, its title marked as continued. Every row is in exactly one part."""

    def __init__(self, spec: RowChart, width: float, continued: str, first_rows: int = 0) -> None:
        super().__init__()
        self.spec, self.continued, self._first_rows = spec, continued, first_rows
        self._chart = draw_chart(spec, width)
        self.width, self.height = self._chart.width, self._chart.height

    @property
    def texts(self) -> list[str]:
        return self._chart.texts

    @property
    def rows(self) -> tuple:
        return _rows(self.spec)

    def wrap(self, *_: float) -> tuple[float, float]:
        return self.width, self.height

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 (reportlab's name)
        self._chart.drawOn(canvas, x, y, _sW)

    def least_height(self) -> float:
        """The least of the chart a page shows under its heading: its first MIN_ROWS rows (or all when it
        cannot be split)."""
        if len(self.rows) < 2 * MIN_ROWS:
            return self.height
        return self._part(MIN_ROWS).wrap(self.width, FRAME_HEIGHT)[1]

    def _part(self, n: int) -> Flowable:
        return draw_chart(_with_rows(self.spec, self.rows[:n], self.spec.title), self.width)

    def split(self, aW: float, aH: float) -> list[Flowable]:   # noqa: N803 (reportlab's names)
        rows = self.rows
        if len(rows) < 2 * MIN_ROWS:
            return []
        low, high = MIN_ROWS, len(rows) - MIN_ROWS      # the most rows whose part fits the room left
        if self._part(low).wrap(aW, aH)[1] > aH:
            return []
        while low < high:
            mid = (low + high + 1) // 2
            if self._part(mid).wrap(aW, aH)[1] <= aH:
                low = mid
            else:
                high = mid - 1
        rest = ContinuedChart(self._rest(low), self.width, self.continued)
        if rest.height < TAIL * FRAME_HEIGHT:   # a short tail would leave its page
            per_row = self._part(low).height - self._part(low - 1).height   # nearly empty if what follows
            fewer = low - math.ceil((TAIL * FRAME_HEIGHT - rest.height) / per_row)   # does not fit beside it
            if fewer >= MIN_ROWS and FRAME_HEIGHT - aH + self._part(fewer).height >= TAIL * FRAME_HEIGHT:
                low, rest = fewer, ContinuedChart(self._rest(fewer), self.width, self.continued)
        return [self._part(low), rest]

    def _rest(self, n: int) -> RowChart:
        return _with_rows(self.spec, self.rows[n:], continued_title(self.spec.title, self.continued))


def is_row_chart(spec: ChartSpec | None) -> bool:
    return isinstance(spec, RankedBarChart | BeforeAfterChart | CompositionChart)


class ContinuedTable(Flowable):
    """A heading and its table (header row repeated by the table itself): split between rows, each later
    part headed again with the heading marked as continued."""

    def __init__(self, heading: str, style: str, table: Table, continued: str) -> None:
        super().__init__()
        self.heading, self.style, self.table, self.continued = heading, style, table, continued
        self._head = p(heading, style)

    @property
    def texts(self) -> list[str]:
        from klyngedesk.core.render.sections import drawing_texts

        return [self.heading, *drawing_texts(self.table)]

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:   # noqa: N803
        _, h1 = self._head.wrap(aW, aH)
        w2, h2 = self.table.wrap(aW, aH)
        self._heights = (h1 + self._head.getSpaceAfter(), h2)
        return max(aW, w2), sum(self._heights)

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        head_h, table_h = self._heights
        self.table.drawOn(canvas, x, y, _sW)
        self._head.drawOn(canvas, x, y + table_h + head_h - self._head.height, _sW)

    def split(self, aW: float, aH: float) -> list[Flowable]:   # noqa: N803
        self.wrap(aW, aH)
        room = aH - self._heights[0]
        parts = self.table.split(aW, room)
        if len(parts) < 2:
            return []
        tail = parts[-1].wrap(aW, aH)[1] + self._heights[0]
        if tail < TAIL * FRAME_HEIGHT:   # a short tail: give it rows from this page, as ContinuedChart does
            fewer = self.table.split(aW, room - (TAIL * FRAME_HEIGHT - tail))
            if len(fewer) == 2 and FRAME_HEIGHT - aH + self._heights[0] + fewer[0].wrap(aW, aH)[1] >= \
                    TAIL * FRAME_HEIGHT:
                parts = fewer
        return [self._head, parts[0],
                *(ContinuedTable(continued_title(self.heading, self.continued), self.style, part, self.continued)
                  for part in parts[1:])]


MAX_KEY_POINTS = 12   # a funnel's key of more unlabelled points than this becomes a table under the charts
KEY_GROUPS = 4        # code, value and denominator, this many side by side in that table


def funnel_parts(spec: FunnelChart, width: float, lang: str) -> tuple[Flowable, list[Flowable]]:
    """The funnel plot and what goes under the charts: nothing when its key of unlabelled points is short
    (drawn in the plot's box), else that key as a table at the page's width, over pages when long."""
    drawn = funnel(spec, width)
    if len(drawn.unlabelled) <= MAX_KEY_POINTS:
        return drawn, []
    bare = funnel(spec, width, key_inside=False)
    return bare, [key_table(bare.unlabelled, lang)]


def key_table(points: list[tuple[str, str]], lang: str) -> Flowable:
    """The unlabelled points by code, KEY_GROUPS (code, value, denominator) to a row, under its heading."""
    def order(item: tuple[str, str]) -> tuple[int, str]:
        return len(item[0]), item[0]

    cells = []
    for label, detail in sorted(points, key=order):
        value, _, denominator = detail.partition(" · ")
        cells.append([label, value, denominator])
    rows = [sum(cells[i:i + KEY_GROUPS], []) for i in range(0, len(cells), KEY_GROUPS)]
    rows = [row + [""] * (3 * KEY_GROUPS - len(row)) for row in rows]
    header = [tr("Code", lang), tr("Value", lang), tr("Denominator", lang)] * KEY_GROUPS
    group = CONTENT_WIDTH / KEY_GROUPS
    widths = [group * 0.34, group * 0.28, group * 0.38] * KEY_GROUPS
    table = data_table(header, rows, widths, align_right_from=1, size=8.5)
    return ContinuedTable(tr("Funnel plot: the points not labelled in the plot", lang), "h3", table,
                          tr("continued", lang))


MIN_FACTS = 3   # a key-figures table split beside its chart keeps at least this many groups there, and moves as many
FactGroups = list[list[tuple[str, str]]]   # key figures (label, value) in groups that a page break never parts


class FiguresBeside(Flowable):
    """A chart with the key figures beside it (a grid row). When the row does not fit the room left but the
    chart and the first key figures do, the chart stays with those figures and the rest of them go on at the
    page's width on the next page, headed "(continued)": the row no longer jumps a page and leaves half of
    this one blank."""

    def __init__(self, left: Flowable | list[Flowable], heading: str, facts: FactGroups,
                 table_for: Callable[[FactGroups, float], Table], continued_heading: str) -> None:
        from klyngedesk.core.render.sections import grid, half_width

        super().__init__()
        self.left, self.heading, self.facts, self.table_for = left, heading, facts, table_for
        self.continued_heading = continued_heading   # the rest's heading on the next page, naming what it goes on
        self._half = half_width()
        self._whole = grid([left, [p(heading, "h3"), table_for(facts, self._half)]])

    @property
    def texts(self) -> list[str]:
        from klyngedesk.core.render.sections import drawing_texts

        return [*drawing_texts(self._whole), self.continued_heading]

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:   # noqa: N803
        self.width, self.height = self._whole.wrap(aW, aH)
        return self.width, self.height

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        self._whole.drawOn(canvas, x, y, _sW)

    def getSpaceAfter(self) -> float:   # noqa: N802
        return self._whole.getSpaceAfter()

    def split(self, aW: float, aH: float) -> list[Flowable]:   # noqa: N803
        from klyngedesk.core.render.sections import grid

        n = len(self.facts) - MIN_FACTS
        while n >= MIN_FACTS:
            first = grid([self.left, [p(self.heading, "h3"), self.table_for(self.facts[:n], self._half)]])
            if first.wrap(aW, aH)[1] <= aH:
                rest = self.table_for(self.facts[n:], CONTENT_WIDTH)
                return [first, KeepTogether([p(self.continued_heading, "h3"), rest])]
            n -= 1
        return []
