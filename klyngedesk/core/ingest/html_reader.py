"""HTML tables (what some journal systems save as .xls) into plain grids of the texts the cells show."""

from __future__ import annotations

from html.parser import HTMLParser

MAX_SPAN = 1000  # a colspan or rowspan larger than any real table is cut here (the cell limits apply after)


class _Tables(HTMLParser):
    """Every table's rows, in document order, a blank row between tables; what lies outside the cells (title,
    comments, attributes) is kept apart so it can be searched for CPR numbers too."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.outside: list[str] = []
        self.depth = 0  # nested tables: their cells are text inside the outer cell
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1
        self.below: dict[int, int] = {}  # column -> rows still covered by a rowspan above
        self.skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.outside += [v for _, v in attrs if v]
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1 and self.rows and self.rows[-1]:
                self.rows.append([])
        elif self.depth != 1:
            if tag == "br" and self.cell is not None:
                self.cell.append(" ")
        elif tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            if self.row is None:
                self.row = []
            self._end_cell()
            while len(self.row) in self.below:  # a cell merged down from a row above stays empty, as in Excel
                self._covered(len(self.row))
            values = dict(attrs)
            self.span = _span(values.get("colspan"))
            down = _span(values.get("rowspan"))
            if down > 1:
                for c in range(len(self.row), len(self.row) + self.span):
                    self.below[c] = down - 1
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def _covered(self, column: int) -> None:
        assert self.row is not None
        self.row.append("")
        self.below[column] -= 1
        if not self.below[column]:
            del self.below[column]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif tag == "table":
            if self.depth == 1:
                self._end_row()
                self.below = {}
            self.depth = max(self.depth - 1, 0)
        elif self.depth != 1:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self.skip:
            self.outside.append(data)
        elif self.cell is not None:
            self.cell.append(data)
        elif data.strip():
            self.outside.append(data)

    def handle_comment(self, data: str) -> None:
        self.outside.append(data)

    def _end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        text = " ".join("".join(self.cell).split())
        self.row += [text] + [""] * (self.span - 1)  # a merged cell's value stands in its first column only
        self.cell, self.span = None, 1

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None:
            while len(self.row) in self.below:
                self._covered(len(self.row))
            self.rows.append(self.row)
        self.row = None


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


def read_html(text: str) -> tuple[list[list[str]], str]:
    """(rows of every table's cell texts, the text outside the cells) of an HTML document."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    parser._end_row()
    rows = parser.rows
    while rows and not rows[-1]:
        rows.pop()
    return rows, "\n".join(parser.outside)
