"""Finding tables in a grid: title rows, the header row (one or two rows), data rows, totals and notes excluded."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from operator import add, itemgetter
from typing import Any

from klyngedesk.core.ingest.cells import (
    CellError,
    ParsedColumn,
    column_evidence,
    normalise_text,
    parse_column,
)
from klyngedesk.core.ingest.number_format import NumberEvidence, header_language, number_shape
from klyngedesk.core.ingest.units import is_unit_row
from klyngedesk.i18n import tr

HEADER_SEARCH_ROWS = 40
_TOTAL_WORDS = {"i alt", "ialt", "total", "totalt", "totals", "sum", "summa", "hele landet", "alle", "all",
                "samlet", "landsgennemsnit", "grand total", "region i alt",
                "hovedtotal", "hovedsum", "subtotal", "delsum", "samlet sum", "total sum"}  # a pivot table's
_TOTAL_PREFIX = re.compile(r"^(i alt|total|totalt|hele landet|sum)\b[\s:,(-]", re.I)
# Aggregates of the cluster or region that are rows of their own, but only as a row's first filled cell (as a
# unit or measure word further right, 'gennemsnit' is data): 'Klyngen', 'Gennemsnit', 'Region Nord i alt'.
_AGGREGATE_FIRST = {"klyngen", "klynge", "hele klyngen", "klyngegennemsnit", "klyngens gennemsnit", "gennemsnit",
                    "gns", "gns.", "median", "middelværdi", "middel", "regionen", "hele regionen", "region",
                    "regionsgennemsnit", "landsplan", "alle praksis", "alle klinikker", "alle praksisser",
                    "average", "mean", "overall", "cluster", "region total"}
_TOTAL_SUFFIX = re.compile(r"\s(i alt|ialt|total|totalt|samlet)$", re.I)
_NOTE_PREFIX = re.compile(r"^(\*|note|noter|anm|anmærkning|kilde|source|fodnote|bemærk|obs)\b", re.I)


def col_letter(index: int) -> str:
    """0 -> A, 26 -> AA: the sheet column of a 0-based index (without openpyxl, which is slow to import)."""
    letters, n = "", index + 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_empty(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def is_label(value) -> bool:
    """A cell that reads like a heading or a name (text with letters, not a number)."""
    if not isinstance(value, str):
        return False
    s = normalise_text(value)
    return bool(s) and number_shape(s) is False and any(ch.isalpha() for ch in s) and \
        s.upper() not in ("NA", "N/A")


@dataclass
class Table:
    """One table found in a sheet: named columns, parsed data rows, what was left out and why."""

    sheet: str | None
    header_row: int  # 1-based; 0 when the table has no header row
    columns: list[str]
    letters: list[str]  # the sheet column of each column (provenance)
    row_numbers: list[int]  # 1-based sheet row of each data row
    excluded: list[tuple[int, str]] = field(default_factory=list)
    parsed: dict[str, ParsedColumn] = field(default_factory=dict)
    unnamed: set[str] = field(default_factory=set)  # columns named after their letter (no heading in the file)
    title: list[str] = field(default_factory=list)  # title, unit and filter lines above the table
    sub_headings: dict[str, str] = field(default_factory=dict)  # a two-row heading -> its lower row's text
    total_labels: dict[int, str] = field(default_factory=dict)  # sheet row of each totals row left out -> label
    units: dict[str, str] = field(default_factory=dict)  # a column -> the unit written under its heading ('%')
    # a text file's data rows with more fields than its heading row (sheet row, the cell that seems split): a
    # delimiter inside a cell ('12; 14') moves every value after it one column to the right
    overlong: list[tuple[int, str | None]] = field(default_factory=list)
    # the heading and letter of the column the split cell is in, or of the first and last it may be in
    overlong_columns: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self) -> list[list]:
        """Parsed cells row by row (built on demand; large files are handled column by column)."""
        if not self.row_numbers:
            return []
        return [list(t) for t in zip(*(self.parsed[c].values for c in self.columns), strict=True)]

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)

    @property
    def column_types(self) -> dict[str, str]:
        return {c: self.parsed[c].ctype for c in self.columns}

    def column(self, name: str) -> list:
        return self.parsed[name].values

    def spilled(self) -> set[str]:
        """Columns without a heading whose only values are in the overlong rows: made by a split cell."""
        if not self.overlong:
            return set()
        rows = {row for row, _ in self.overlong}
        return {name for name in self.unnamed
                if all(is_empty(v) or n in rows for v, n in zip(self.column(name), self.row_numbers, strict=True))}


def _row_width(row: list) -> int:
    return sum(1 for v in row if not is_empty(v))


@dataclass
class _Grid:
    """What find_tables asks of every row, worked out column by column (each column's distinct values judged
    once, the rows counted in C): cells filled per row, where each column is filled, whether any cell is a
    totals label. A 100,000-row sheet is judged in a few passes over its columns, not cell by cell."""

    widths: list[int]
    used: list[list[bool] | bool]  # per column: True all filled, False all empty, else a flag per row
    any_total: bool
    columns: list[list]  # the rows' cells column by column, for the tables built from a run of these rows

    @classmethod
    def of(cls, rows: list[list]) -> _Grid:
        widths: list[int] | None = None  # from the columns filled in some rows only
        full = 0  # columns filled in every row
        used: list[list[bool] | bool] = []
        any_total = False
        columns = _columns(rows, max(map(len, rows), default=0))
        for col in columns:
            try:
                distinct = set(col)
            except TypeError:  # an unhashable cell (never from the readers): judge cell by cell
                flags = [not is_empty(v) for v in col]
                any_total = any_total or any(isinstance(v, str) and _total_word(v) for v in col)
            else:
                empties = {v for v in distinct if is_empty(v)}
                any_total = any_total or any(v.__class__ is str and _total_word(v) for v in distinct)
                if not empties:
                    used.append(True)
                    full += 1
                    continue
                if len(empties) == len(distinct):
                    used.append(False)
                    continue
                flags = [not e for e in map(empties.__contains__, col)]
            used.append(flags)
            widths = list(map(add, widths, flags)) if widths is not None else list(map(int, flags))
        if widths is None:
            return cls([full] * len(rows), used, any_total, columns)
        return cls([w + full for w in widths] if full else widths, used, any_total, columns)

    def filled(self) -> list[bool]:
        return [w > 0 for w in self.widths]

    def column_used(self, c: int, first: int, last: int) -> bool:
        """Whether column c has a filled cell in rows first..last."""
        flags = self.used[c] if c < len(self.used) else False
        return flags if isinstance(flags, bool) else any(flags[first:last + 1])


def _blocks(filled: list[bool]) -> list[tuple[int, int]]:
    """Runs of non-empty rows as (first, last) indexes."""
    blocks, start = [], None
    for i, row_filled in enumerate(filled):
        if row_filled:
            if start is None:
                start = i
        elif start is not None:
            blocks.append((start, i - 1))
            start = None
    if start is not None:
        blocks.append((start, len(filled) - 1))
    return blocks


_YEAR_TEXT = re.compile(r"^(19|20)\d{2}(?:\s*[-/]\s*(?:\d{2}|\d{4}))?$")
_RULE = re.compile(r"^\s*([*=_~#-])\1{2,}\s*$")
_KEY_VALUE = re.compile(r"^\s*[^\W\d][\w .()/-]{0,40}?\s*:\s*\S")


def _year_cell(value) -> bool:
    """A year used as a heading: 2008 as a number, or '2008', '2019/20' as text."""
    if value.__class__ is float:
        return value.is_integer() and 1900 <= value <= 2100
    return isinstance(value, str) and bool(_YEAR_TEXT.match(value.strip()))


def _header_like(row: list) -> bool:
    """Mostly labels (years and dates count as labels when no other number is in the row)."""
    cells = [v for v in row if not is_empty(v)]
    if not cells:
        return False
    labels = sum(1 for v in cells if is_label(v))
    stamps = [v for v in cells if _year_cell(v) or isinstance(v, date)]
    others = len(cells) - labels - len(stamps)
    if stamps and not others and (len(stamps) >= 2 or labels >= 1):
        return len(set(stamps)) == len(stamps)  # each year or month once: a heading, not data
    return labels * 2 >= len(cells) and labels >= 1


def _has_data_number(row: list) -> bool:
    """A number that is not a year: a data row, not a heading."""
    for v in row:
        if isinstance(v, bool) or is_empty(v) or _year_cell(v):
            continue
        if isinstance(v, (int, float)) or isinstance(v, str) and number_shape(normalise_text(v)) is not False:
            return True
    return False


def _is_rule(row: list) -> bool:
    cells = [v for v in row if not is_empty(v)]
    return len(cells) == 1 and isinstance(cells[0], str) and bool(_RULE.match(cells[0]))


def _is_preamble(row: list, left: int) -> bool:
    """A title, unit or filter line above a header: one text in the leftmost column, or 'Label: value'."""
    cells = [(i, v) for i, v in enumerate(row) if not is_empty(v)]
    if not cells or len(cells) > 3 or not isinstance(cells[0][1], str):
        return False
    first = normalise_text(cells[0][1]).replace("：", ":")
    if len(cells) == 1:
        return cells[0][0] <= left and not _year_cell(first) or bool(_KEY_VALUE.match(first))
    return first.endswith(":") and len(cells) <= 3


def _left(rows: list[list], first: int, last: int) -> int:
    """The leftmost column used in a block."""
    return min((next(i for i, v in enumerate(rows[r]) if not is_empty(v)) for r in range(first, last + 1)
                if any(not is_empty(v) for v in rows[r])), default=0)


def _super_header(above: list, header: list) -> bool:
    """Group labels over some of the header's columns (the top row of a two-row header)."""
    used = [i for i, v in enumerate(header) if not is_empty(v)]
    over = [i for i, v in enumerate(above) if not is_empty(v)]
    return bool(over) and len(over) < len(used) and used[0] <= over[0] and over[-1] <= used[-1] and \
        all(is_label(above[i]) or _year_cell(above[i]) for i in over)


def _find_header(rows: list[list], first: int, last: int) -> tuple[int | None, int]:
    """(header row or None, first row after the title/filter/unit lines) in a block.

    The header is wide enough compared with the rows under it and mostly labels; an empty first cell and
    years as labels are allowed. A header-like row right above it is the top row of a two-row header.
    """
    scan_end = min(last, first + HEADER_SEARCH_ROWS)
    left = _left(rows, first, scan_end)
    body = first
    if max(_row_width(rows[i]) for i in range(first, scan_end + 1)) > 1:  # a one-column table has no title lines
        while body <= scan_end and _is_preamble(rows[body], left):
            body += 1
    if body > scan_end:
        return None, body
    widest = max(_row_width(rows[i]) for i in range(body, scan_end + 1))
    for i in range(body, scan_end + 1):
        width = _row_width(rows[i])
        if width >= max(2, (widest + 1) // 2) or widest == 1:
            if not _header_like(rows[i]):
                return None, body
            if i > body and _super_header(rows[i - 1], rows[i]):
                return i - 1, body  # a super-header (merged group labels) above the header
            return i, body
    return None, body


_TOTAL_MEMO: dict[str, bool] = {}


def _total_word(value: str) -> bool:
    hit = _TOTAL_MEMO.get(value)
    if hit is None:
        s = normalise_text(value).lower().rstrip(":")
        hit = s in _TOTAL_WORDS or bool(_TOTAL_PREFIX.match(s + " ")) or s in _AGGREGATE_FIRST or \
            bool(_TOTAL_SUFFIX.search(s))
        if len(_TOTAL_MEMO) < 100_000:
            _TOTAL_MEMO[value] = hit
    return hit


def _columns(rows: list[list], width: int) -> list[list]:
    """The rows' cells column by column (None where a short row has no cell)."""
    shortest = min(map(len, rows), default=0)
    return [list(map(itemgetter(c), rows)) if c < shortest else [r[c] if c < len(r) else None for r in rows]
            for c in range(width)]


def _total_rows(raws: list[list], counts: list[Counter]) -> set[int]:
    """Indexes of rows labelled as totals, found column by column: a cell that is a totals word ("I alt",
    "Hele landet", "ALL" ...) wherever it is, and a text that only starts with one ("Sum af …", "I alt for
    regionen") when it is the row's first filled cell. Beside a yder number such a text is a practice's name
    ("Sum Lægehus"): left out as a total its values would be lost without a word."""
    hits: set[int] = set()
    for c, (raw, count) in enumerate(zip(raws, counts, strict=True)):
        words = {v for v in count if isinstance(v, str) and _total_word(v)}
        if not words:
            continue
        exact = {v for v in words if normalise_text(v).lower().rstrip(":") in _TOTAL_WORDS}
        hits.update(i for i, v in enumerate(raw) if v in exact or
                    (v in words and all(is_empty(left[i]) for left in raws[:c])))
    return hits


def _is_note(row: list, ncols: int) -> bool:
    cells = [v for v in row if not is_empty(v)]
    if len(cells) != 1 or not isinstance(cells[0], str):
        return False
    text = normalise_text(cells[0])
    return bool(_NOTE_PREFIX.match(text)) or (ncols >= 2 and len(text) > 25 and is_label(text))


def _is_title_block(rows: list[list], first: int, last: int) -> bool:
    """Lines above the first table: titles, or 'Key: value' lines (a few rows, at most two cells each)."""
    if last - first >= 6:
        return False
    for i in range(first, last + 1):
        cell = _first_cell(rows[i])
        if _row_width(rows[i]) > 2 or not is_label(cell):
            return False
        if _row_width(rows[i]) == 2 and not normalise_text(cell).replace("：", ":").endswith(":"):
            return False
    return True


def _first_cell(row: list):
    return next((v for v in row if not is_empty(v)), None)


def _notes_block(rows: list[list], grid: _Grid, first: int, last: int, table_width: int) -> bool:
    """A block under a table that holds notes, sources or a footer rule rather than data."""
    if _is_rule(rows[first]):
        return True
    widths = grid.widths[first:last + 1]
    if table_width >= 2 and max(widths) <= 1:
        return True
    if any(not isinstance(v, str) or number_shape(normalise_text(v)) is not False
           for i in range(first, last + 1) for v in rows[i] if not is_empty(v)):
        return False  # numbers: data
    return max(widths) <= 2 and any(_is_note([_first_cell(rows[i])], 2) for i in range(first, last + 1))


def _side_by_side(rows: list[list], grid: _Grid, first: int, last: int) -> list[tuple[int, int]]:
    """Column ranges [lo, hi) of tables standing side by side in a block (split at columns empty in it)."""
    width = max(map(len, rows[first:last + 1]))
    used = [grid.column_used(c, first, last) for c in range(width)]
    parts, lo = [], None
    for c, u in enumerate(used + [False]):
        if u and lo is None:
            lo = c
        elif not u and lo is not None:
            parts.append((lo, c))
            lo = None
    if len(parts) < 2 or any(hi - lo < 2 for lo, hi in parts):
        return [(0, width)]
    heads = [_find_header([r[lo:hi] for r in rows[first:last + 1]], 0, last - first)[0] for lo, hi in parts]
    if any(h is None for h in heads):
        return [(0, width)]
    return parts


def _stacked_splits(rows: list[list], grid: _Grid, start: int, end: int) -> list[int]:
    """Rows inside a block where a new table starts: a header-like row right after a totals row."""
    out: list[int] = []
    if not grid.any_total:  # no totals label anywhere in the sheet: no row follows one
        return out
    after_total = False
    for i in range(start, end + 1):
        cell = _first_cell(rows[i])
        if cell is None:
            continue
        if after_total and _header_like(rows[i]) and not _has_data_number(rows[i]):  # '77' in a csv is data
            out.append(i)
        after_total = isinstance(cell, str) and _total_word(cell)
    return out


def find_tables(rows: list[list], sheet: str | None = None, file_convention: str | None = None,
                known_convention: str | None = None, delimiter: str | None = None) -> list[Table]:
    """Every table in a sheet, the main (largest) one first; notes, footers and empty tables left out.

    Title, unit and filter lines above a table become its `title`; a block that continues the table above
    after a blank line is joined to it; tables side by side or stacked with their own totals stay apart.
    """
    evidence = NumberEvidence(file_convention, delimiter)
    grid = _Grid.of(rows)
    filled = grid.filled()
    spans: list[dict[str, Any]] = []
    title: list[str] = []
    for first, last in _blocks(filled):
        parts = _side_by_side(rows, grid, first, last)
        if len(parts) > 1:
            for lo, hi in parts:
                part: list[list] = [[] for _ in range(first)] + [r[lo:hi] for r in rows[first:last + 1]]
                for t in find_tables(part, sheet, file_convention, known_convention, delimiter):
                    t.letters = [col_letter(lo + _col_index(x)) for x in t.letters]
                    t.title = title + t.title
                    spans.append({"table": t})
            title = []
            continue
        prev = spans[-1] if spans and "table" not in spans[-1] else None
        if prev is not None and not title and _notes_block(rows, grid, first, last, prev["width"]):
            prev["notes"].append((first, last))
            continue
        if not spans and _is_title_block(rows, first, last) and any(filled[last + 1:]):
            title += [_name(v) for i in range(first, last + 1) for v in rows[i] if not is_empty(v)]
            continue
        header, body = _find_header(rows, first, last)
        title += [_name(v) for i in range(first, body if header is None else header) for v in rows[i]
                  if not is_empty(v)]
        if body > last:
            continue  # only title lines
        if prev is not None and body == first and not prev["closed"] and \
                (header is None or first == last or _has_data_number(rows[header]) or
                 _label_seen_above(rows, prev, rows[header])) and grid.widths[first] <= prev["width"]:
            prev["end"] = last  # the table going on after a gap
            _footer_rule(rows, grid, prev, first)
            continue
        start = header + 1 if header is not None else body
        cuts = _stacked_splits(rows, grid, start, last) if header is not None else []
        for top, bottom in zip([header, *cuts], [*(c - 1 for c in cuts), last], strict=True):
            span: dict[str, Any] = {"header": top, "start": top + 1 if top is not None else body, "end": bottom, "notes": [],
                    "title": title, "width": max(grid.widths[first:last + 1]),
                    "closed": False}
            _footer_rule(rows, grid, span, span["start"])
            spans.append(span)
            title = []
        last_cell = _first_cell(rows[spans[-1]["end"]]) if "end" in spans[-1] else None
        if isinstance(last_cell, str) and _total_word(last_cell):
            spans[-1]["closed"] = True  # a table that ends with its own totals is complete
    tables: list[Table] = []
    for span in spans:
        if "table" in span:
            tables.append(span["table"])
            continue
        table = _build_table(rows, grid, filled, sheet, span["header"], span["start"], span["end"], evidence,
                             known_convention)
        if table is None or not table.n_rows:
            continue
        table.title = span["title"]
        for lo, hi in span["notes"]:
            table.excluded += [(i + 1, "note") for i in range(lo, hi + 1) if filled[i]]
        table.excluded.sort()
        tables.append(table)
    return sorted(tables, key=lambda t: -t.n_rows * len(t.columns))


def _footer_rule(rows: list[list], grid: _Grid, span: dict, lo: int) -> None:
    """A rule (****) under the data from row `lo` on: the rest of the span is a footer, and the table ends."""
    widths = grid.widths
    rule = next((i for i in range(lo, span["end"] + 1) if widths[i] == 1 and _is_rule(rows[i])), None)
    if rule is not None:
        span["notes"].append((rule, span["end"]))
        span["end"], span["closed"] = rule - 1, True


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _header_names(rows: list[list], header: int | None, width: int, start: int) \
        -> tuple[list[str], int, dict[str, str], dict[str, str]]:
    """Column names from the header row, joined with a second header row under a merged top row; each
    joined name's lower part ('KOL-opfølgning Patienter med KOL' -> 'Patienter med KOL'), so that a measure
    named only in the lower row is still found; and the units of a row of units under the header ('%')."""
    if header is None:
        return [""] * width, start, {}, {}
    top = list(rows[header]) + [""] * (width - len(rows[header]))
    names = [_name(v) for v in top[:width]]
    nxt = rows[start] if start < len(rows) else []
    below = rows[start + 1] if start + 1 < len(rows) else []
    sub = [_name(v) for v in list(nxt) + [""] * (width - len(nxt))][:width]
    sub = [s if s != n else "" for s, n in zip(sub, names, strict=True)]  # a heading merged down over both rows
    under_gap = any(not names[i] and sub[i] for i in range(width)) and any(names)
    if nxt and under_gap and _header_like(nxt) and \
            all(is_label(v) or _year_cell(v) for v in nxt if not is_empty(v)) and \
            _has_data_number(below):  # numbers under it (also '1.204' as text in a csv or an HTML page)
        filled, last, subs = [], "", {}
        for i in range(width):
            last = names[i] or (last if sub[i] else "")
            filled.append(" ".join(p for p in (last, sub[i]) if p))
            if last and sub[i]:
                subs[filled[-1]] = sub[i]
        return filled, start + 1, subs, {}
    if nxt and is_unit_row(nxt) and _has_data_number(below):  # 'antal', '%' under the headings: not data
        return names, start + 1, {}, {names[i]: sub[i] for i in range(width) if names[i] and sub[i]}
    return names, start, {}, {}


def _name(value) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, CellError):
        return value.code
    return " ".join(str(value).split())


STANDARD_COLUMNS = ("ydernummer", "praksis", "maaling", "periode", "vaerdi")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


def fold(name: str) -> str:
    """A header or label folded for comparison: lower case, æøå spelled out, single spaces."""
    return " ".join(str(name).lower().translate(_FOLD).replace("_", " ").split())


def is_standard(columns: list[str]) -> bool:
    """The KlyngeDesk standard format: ydernummer, (praksis), maaling, periode, vaerdi."""
    folded = {fold(c) for c in columns}
    return {"ydernummer", "maaling", "periode", "vaerdi"} <= folded


def _fill_down(raws: list[list], names: list[str]) -> None:
    """Row labels written once per group (StatBank: 'Hele landet', then blanks under it) fill the blanks, in
    the leading text columns that have no heading; a blank under a named column stays blank (unknown)."""
    for c, raw in enumerate(raws):
        if names[c] or not raw or is_empty(raw[0]):
            return
        if not all(is_label(v) for v in raw if not is_empty(v)):
            return
        last = raw[0]
        for i, v in enumerate(raw):
            if is_empty(v):
                raw[i] = last
            else:
                last = v


def _build_table(rows: list[list], grid: _Grid, filled: list[bool], sheet: str | None, header: int | None,
                 start: int, end: int, evidence: NumberEvidence, known_convention: str | None) -> Table | None:
    width = max(map(len, rows[header if header is not None else start:end + 1]), default=0)
    names, start, sub_names, unit_names = _header_names(rows, header, width, start)
    known_reason = None
    if is_standard(names) and evidence.delimiter != ",":
        known_convention, known_reason = "da", "standard"  # the standard format is defined with decimal comma; a
        # ','-delimited copy (saved by an English Excel) quotes its commas, and "1,234" there is judged like any
        # other column's numbers
    header_key = [n.lower() for n in names]
    head_first = rows[header][0] if header is not None and rows[header] else None
    indexes = [i for i in range(start, end + 1) if filled[i]]
    cand_rows = [rows[i] for i in indexes]
    if indexes and indexes[-1] - indexes[0] + 1 == len(indexes) and width <= len(grid.columns):
        raws = [col[indexes[0]:indexes[-1] + 1] for col in grid.columns[:width]]  # a run of rows: the grid's
    else:                                                                        # columns, cut to it
        raws = _columns(cand_rows, width)
    if header is not None:
        _fill_down(raws, names)
    counts = [Counter(raw) for raw in raws]  # one pass per column serves totals, privacy and parsing
    skip = dict.fromkeys(_total_rows(raws, counts), "total")
    if head_first is not None and counts and head_first in counts[0]:
        skip.update((k, "repeated header") for k, r in enumerate(cand_rows) if r and r[0] == head_first and
                    [_name(v).lower() for v in r[:width]] == header_key)
    kept = [k for k in range(len(cand_rows)) if k not in skip] if skip else list(range(len(cand_rows)))
    numbers = [indexes[k] + 1 for k in kept]
    excluded = [(indexes[k] + 1, why) for k, why in skip.items()]
    while kept and _is_note(cand_rows[kept[-1]], width):  # notes and sources under the table
        excluded.append((numbers.pop(), "note"))
        kept.pop()
    excluded.sort()
    if len(kept) != len(cand_rows):
        raws = [[raw[k] for k in kept] for raw in raws]
        counts = [Counter(raw) for raw in raws]
    keep = [c for c in range(width) if names[c] or any(not is_empty(v) for v in counts[c])]
    if not keep or (not kept and header is None):
        return None
    columns = _unique([names[c] or tr("Column {letter}", letter=col_letter(c)) for c in keep])
    evidence = NumberEvidence(evidence.file, evidence.delimiter, header_language(names))
    parsed = {name: parse_column(raws[c], known_convention=known_convention, counts=counts[c], evidence=evidence,
                                 known_reason=known_reason)
              for name, c in zip(columns, keep, strict=True)}
    unnamed = {name for name, c in zip(columns, keep, strict=True) if not names[c]}
    overlong, split_in = _overlong(rows[header], [cand_rows[k] for k in kept], [indexes[k] + 1 for k in kept],
                                   evidence.delimiter) if header is not None and evidence.delimiter else ([], [])
    split_columns = [(names[c] or tr("Column {letter}", letter=col_letter(c)), col_letter(c)) for c in split_in]
    totals = {indexes[k] + 1: _name(_first_cell(cand_rows[k])) for k, why in skip.items() if why == "total"}
    subs = {name: sub_names[name] for name in columns if name in sub_names}
    units = {name: unit_names[name] for name in columns if name in unit_names}
    return Table(sheet, header + 1 if header is not None else 0, columns, [col_letter(c) for c in keep], numbers,
                 excluded, parsed, unnamed, total_labels=totals, sub_headings=subs, units=units, overlong=overlong,
                 overlong_columns=split_columns)


def _overlong(header: list, data: list[list], numbers: list[int], delimiter: str) \
        -> tuple[list[tuple[int, str | None]], list[int]]:
    """Data rows of a text file with a filled field beyond the heading row's last heading, each with the cell
    that seems split by a delimiter inside it ('12; 14' read as '12' and ' 14'), and the column (index) that
    cell is in, or the first and last it may be in. Every row reaching past the headings is refused too: a
    column without a heading cannot be told from a cell split in every row (a decimal comma in a ',' file, a
    name with the delimiter), which would move the values after it under the next heading."""
    width = _filled_width(header)
    found = [(n, r) for n, r in zip(numbers, data, strict=True) if len(r) > width and _filled_width(r) > width]
    if not found:
        return [], []
    long_rows = {n for n, _ in found}
    kinds = _field_kinds([r for n, r in zip(numbers, data, strict=True) if n not in long_rows], width)
    candidates = [c for _, r in found for c in _split_candidates(r, width, kinds)]
    where = sorted({min(candidates), max(candidates)}) if candidates else []
    return [(n, _split_cell(r, delimiter)) for n, r in found], where


def _spaced_fields(row: list) -> list[int]:
    """The fields after the first written after a space: where a '12; 14' was split."""
    return [j for j in range(1, len(row)) if isinstance(row[j], str) and row[j][:1].isspace() and row[j].strip()]


def _split_candidates(row: list, width: int, kinds: list[bool | None]) -> list[int]:
    """The columns (under the headings) whose cell the row's extra field may have been split from: the one a
    spaced field shows ('12', ' 14'), else each that, joined again with the field after it, leaves every other
    field a number where the other rows have numbers and a text where they have texts (all, if none does)."""
    spaced = _spaced_fields(row)
    if len(spaced) == 1 and spaced[0] - 1 < width:
        return [spaced[0] - 1]
    possible = [c for c in range(width) if not (is_empty(row[c]) and is_empty(row[c + 1]))]
    fitting = [c for c in possible if _fits([*row[:c], None, *row[c + 2:]], kinds, skip=c)]
    return fitting or possible


def _numeric(value) -> bool:
    return isinstance(value, int | float) or bool(re.fullmatch(r"\s*[-+−]?[\d.,\s]*\d[\d.,\s]*%?\s*", str(value)))


def _field_kinds(rows: list[list], width: int) -> list[bool | None]:
    """Per column under the headings: True where every filled field of `rows` is a number, False where none is,
    None where they are mixed or there are none."""
    kinds: list[bool | None] = []
    for c in range(width):
        seen = {_numeric(r[c]) for r in rows if c < len(r) and not is_empty(r[c])}
        kinds.append(seen.pop() if len(seen) == 1 else None)
    return kinds


def _fits(row: list, kinds: list[bool | None], skip: int) -> bool:
    return all(kind is None or j == skip or j >= len(row) or is_empty(row[j]) or _numeric(row[j]) == kind
               for j, kind in enumerate(kinds))


def _filled_width(row: list) -> int:
    """Fields up to the last one that is not empty (a trailing delimiter adds nothing)."""
    width = len(row)
    while width and is_empty(row[width - 1]):
        width -= 1
    return width


def _split_cell(row: list, delimiter: str) -> str | None:
    """The cell a delimiter seems to have split: the one field of the row written after a space ('12', ' 14'
    from '12; 14'), with the field before it; None when nothing in the row shows it (or every field is padded)."""
    spaced = _spaced_fields(row)
    if len(spaced) != 1:
        return None
    before, after = row[spaced[0] - 1], row[spaced[0]]
    if not isinstance(before, str) or not before.strip() or before[-1:].isspace():
        return None
    return f"{before.strip()}{delimiter} {after.strip()}"[:40]


def _label_seen_above(rows: list[list], span: dict[str, Any], row: list) -> bool:
    """A row after a gap that starts with a label of the table's data rows above ('Lægehuset Nord;1900', the
    number a year only by its look) goes on with the data; a new table's heading repeats no clinic's name."""
    label = row[0] if row else None
    if not isinstance(label, str) or not label.strip():
        return False
    return any(r and r[0] == label for r in rows[span["start"]:span.get("end", span["start"]) + 1])


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def file_convention(grids: list[list[list]]) -> str | None:
    """The number convention the file's unambiguous numbers show (1.234.567 or 2,5: 'da'), if they agree."""
    da = en = 0
    for rows in grids:
        sample = rows[:2000]
        width = max((len(r) for r in sample), default=0)
        for c in range(width):
            d, e = column_evidence([r[c] for r in sample if c < len(r)])
            da, en = da + d, en + e
    if da > 2 * en:
        return "da"
    if en > 2 * da:
        return "en"
    return None
