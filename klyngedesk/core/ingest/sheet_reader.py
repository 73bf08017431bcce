"""Spreadsheets (xlsx/xlsm, xls, ods) into plain grids with python-calamine; cached formula errors kept."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from klyngedesk.core.ingest.cells import CellError, MonthDate, Percent, PercentFraction, YearDate
from klyngedesk.core.ingest.isolated import Parse
from klyngedesk.core.ingest.percent_cells import (
    MONTH,
    PARENTHESES,
    PERCENT,
    PERCENT_SIGN,
    YEAR,
    percent_cells,
)
from klyngedesk.core.ingest.problems import FileRefused

_ERROR_CELL = re.compile(rb'<c\b([^>]*)\bt="e"([^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:c, x:f), as some writers use
# a non-empty cell with a formula in it: (its attributes, its content)
_FORMULA_CELL = re.compile(rb"<" + _NS + rb"c\b((?:[^>]*[^/>])?)>((?:(?!</).)*?<" + _NS + rb"f[\s>/]"
                           rb"(?:(?!</" + _NS + rb"c>).)*?)</" + _NS + rb"c>", re.S)
_CACHED = re.compile(rb"<" + _NS + rb"v>[^<]|\bt=\"(?:str|s|b|e|inlineStr)\"")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_HIDDEN_ROW = re.compile(rb"<" + _NS + rb'row\b[^>]*\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN_COL = re.compile(rb"<" + _NS + rb'col\b[^>]*\bhidden="(?:1|true)"[^>]*>')
_COL_MIN = re.compile(rb'\bmin="(\d{1,5})"')
_COL_MAX = re.compile(rb'\bmax="(\d{1,5})"')
_SHEET = re.compile(rb'<sheet\b[^>]*\bname="([^"]*)"[^>]*\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*\bId="([^"]*)"[^>]*\bTarget="([^"]*)"|'
                  rb'<Relationship\b[^>]*\bTarget="([^"]*)"[^>]*\bId="([^"]*)"', re.S)


@dataclass
class Sheet:
    name: str
    hidden: bool
    rows: list[list] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    uncalculated: str | None = None  # the first formula cell without a cached result (calamine reads it as empty)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based numbers of the rows hidden in the spreadsheet
    hidden_columns: list[int] = field(default_factory=list)  # 0-based indexes of the columns hidden in it


def read_workbook(data: bytes, fmt: str, sheet_xml: dict[str, bytes] | None = None,
                  parsing: Parse | None = None) -> list[Sheet]:
    """Every sheet of the workbook (hidden ones flagged, chart sheets left out) as rows from row 1.
    `sheet_xml`: sheets' XML already read from the zip (member name -> bytes), not inflated again;
    `parsing`: calamine's parse of `data` already under way (else it is started here). The scans of the XML
    run while the child parses; its refusal (damaged, encrypted) comes before theirs, as it always did."""
    if parsing is None:
        with Parse(data, fmt) as started:
            return read_workbook(data, fmt, sheet_xml, started)
    scanned: FileRefused | None = None
    errors: dict[str, dict[tuple[int, int], str]] = {}
    uncalculated: dict[str, str] = {}
    hidden: dict[str, list[int]] = {}
    hidden_columns: dict[str, list[int]] = {}
    percents: dict[str, dict[tuple[int, int], str]] = {}
    try:
        if fmt == "xlsx":
            errors, uncalculated, hidden, hidden_columns = _xlsx_error_cells(data, sheet_xml or {})
        percents = percent_cells(data, fmt, sheet_xml)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError):
        scanned = FileRefused("The file is damaged or incomplete and cannot be read as {format}. Ask the clinic "
                              "to send it again.", kind="corrupt", format=fmt)
    parsed = parsing.result()
    if scanned is not None:
        raise scanned
    sheets: list[Sheet] = []
    for name, hidden_sheet, rows, merged in parsed:
        sheet = Sheet(name, hidden_sheet)
        sheet.rows = rows
        sheet.merged = list(merged)
        sheet.uncalculated = uncalculated.get(name)
        sheet.hidden_rows = hidden.get(name, [])
        sheet.hidden_columns = [c for c in hidden_columns.get(name, [])
                                if any(c < len(row) and row[c] not in (None, "") for row in sheet.rows)]
        _mark_percentages(sheet.rows, percents.get(name, {}))
        for (r, c), code in errors.get(name, {}).items():
            while len(sheet.rows) <= r:
                sheet.rows.append([])
            row: list[Any] = sheet.rows[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = CellError(code)
        _fill_merged_down(sheet.rows, sheet.merged)
        sheets.append(sheet)
    return sheets


def _fill_merged_down(rows: list[list], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A cell merged down over rows (a clinic's name over its measure rows) stands in each row it covers, as
    Excel shows it; only in rows that hold something else, so a title merged over empty rows stays one line.
    Only a text or a date: a number merged over two clinics' rows is not each clinic's count."""
    for (r0, c0), (r1, c1) in merged:
        if r1 <= r0 or c1 != c0 or r0 >= len(rows) or c0 >= len(rows[r0]) or rows[r0][c0] in (None, "") or \
                not (isinstance(rows[r0][c0], (str, date)) or _under_yder_heading(rows, r0, c0)):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c0 < len(row) and row[c0] not in (None, ""):
                continue
            if any(v not in (None, "") for v in row):
                row.extend([""] * (c0 + 1 - len(row)))
                row[c0] = rows[r0][c0]


def _under_yder_heading(rows: list[list], r0: int, c0: int) -> bool:
    """A number in a column headed as yder numbers (the nearest text above it): a clinic's number merged over
    its rows names the clinic of each row, unlike a count merged over two clinics' rows."""
    from klyngedesk.core.ingest.context import squash
    from klyngedesk.core.ingest.mapping import YDER_HEADERS

    if not isinstance(rows[r0][c0], (int, float)) or isinstance(rows[r0][c0], bool):
        return False
    for r in range(r0 - 1, -1, -1):
        above = rows[r][c0] if c0 < len(rows[r]) else None
        if isinstance(above, str) and above.strip():
            return squash(above) in YDER_HEADERS
    return False


def _mark_percentages(rows: list[list], places: dict[tuple[int, int], str]) -> None:
    """Numbers the sheet shows as percentages (0.25 as 25 %, or 55 with a '%' sign after it) are kept apart
    from counts: never read as the count 0.25 or 55; a date shown as a month ('jul. 2026') or a year names
    that month or year, not its first day."""
    for (r, c), kind in places.items():
        if r < len(rows) and c < len(rows[r]):
            value = rows[r][c]
            if value.__class__ is float or value.__class__ is int:
                if kind == PERCENT:
                    rows[r][c] = PercentFraction(value)
                elif kind == PERCENT_SIGN:
                    rows[r][c] = Percent(value)
                elif kind == PARENTHESES and value < 0:   # read as the clinic sees it, and refused quoting it
                    rows[r][c] = f"({_plain(-value)})"
            elif isinstance(value, date) and kind in (MONTH, YEAR):
                rows[r][c] = (MonthDate if kind == MONTH else YearDate)(value.year, value.month, value.day)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip part) of every sheet the workbook lists, in its order."""
    names = {n.replace("\\", "/"): n for n in archive.namelist()}
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return []
    rels = {}
    for m in _REL.finditer(archive.read(names["xl/_rels/workbook.xml.rels"])):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        rels[rid] = target.decode("utf-8", "replace").lstrip("/").removeprefix("xl/")
    out = []
    for m in _SHEET.finditer(archive.read(names["xl/workbook.xml"])):
        part = names.get("xl/" + rels.get(m.group(2), ""))
        if part is not None:
            out.append((_unescape(m.group(1).decode("utf-8", "replace")), part))
    return out


def _xlsx_error_cells(data: bytes, sheet_xml: dict[str, bytes]) \
        -> tuple[dict[str, dict[tuple[int, int], str]], dict[str, str], dict[str, list[int]], dict[str, list[int]]]:
    """Cells whose cached value is a spreadsheet error (#DIV/0! ...), which calamine reads as empty; per sheet
    the first formula cell that has no cached result at all; and per sheet its hidden rows and columns
    (calamine reads them like the others)."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    uncalculated: dict[str, str] = {}
    hidden: dict[str, list[int]] = {}
    hidden_columns: dict[str, list[int]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in sheet_parts(archive):
            xml = sheet_xml[part] if part in sheet_xml else archive.read(part)
            if b"f>" in xml and (first := _first_uncalculated(xml)):  # </f> or </x:f>: one C-speed probe first
                uncalculated[name] = first
            if b'hidden="' in xml:
                rows = [_ROW_NUMBER.search(m.group(0)) for m in _HIDDEN_ROW.finditer(xml)]
                hidden[name] = [int(r.group(1)) for r in rows if r]
                hidden_columns[name] = _hidden_columns(xml)
            if b't="e"' not in xml:
                continue
            cells = {}
            for cell in _ERROR_CELL.finditer(xml):
                ref = _REF.search(cell.group(1) + cell.group(2))
                value = _VALUE.search(cell.group(3))
                if ref and value:
                    cells[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = value.group(1).decode()
            out[name] = cells
    return out, uncalculated, hidden, hidden_columns


def _hidden_columns(xml: bytes) -> list[int]:
    """0-based indexes of the columns a sheet's <cols> hides (min..max, 1-based, at most Excel's 16,384)."""
    out: set[int] = set()
    for m in _HIDDEN_COL.finditer(xml):
        low, high = _COL_MIN.search(m.group(0)), _COL_MAX.search(m.group(0))
        if low and high:
            out.update(range(int(low.group(1)) - 1, min(int(high.group(1)), 16384)))
    return sorted(out)


def _first_uncalculated(xml: bytes) -> str | None:
    """The reference of the first formula cell without a cached result (saved by a program that never
    calculates), or None."""
    for cell in _FORMULA_CELL.finditer(xml):
        if not _CACHED.search(cell.group(1) + cell.group(2).split(b"</f>")[-1]):
            ref = _REF.search(cell.group(1))
            return (ref.group(1) + ref.group(2)).decode() if ref else "?"
    return None


def refuse_uncalculated(sheet: Sheet) -> None:
    """Refuse a file whose read sheet holds a formula never calculated: its value would silently be lost."""
    if sheet.uncalculated:
        raise FileRefused("Sheet {sheet}, cell {cell}: the cell holds a formula whose result was never "
                          "calculated (the file was saved by a program that does not calculate formulas), so "
                          "its value is unknown. Open the file in Excel or LibreOffice, save it, and import it "
                          "again.", kind="formula", sheet=sheet.name, cell=sheet.uncalculated)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


def excel_date(serial: float, epoch_1904: bool = False) -> date:
    """An Excel serial day number as a date (1900 system with its leap-year bug, or 1904)."""
    base = datetime(1904, 1, 1) if epoch_1904 else datetime(1899, 12, 30)
    return (base + timedelta(days=serial)).date()
