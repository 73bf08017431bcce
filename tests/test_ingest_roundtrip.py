"""Round trip: a known table written messily (titles, footers, number styles, delimiters, encodings, formats)
comes back from `inspect` with the same header, rows and values, or with a refusal naming the ambiguity."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.cells import Ambiguous

# Number styles: (thousands separators used, decimal mark).
STYLES = {"da": ((".", " "), ","), "de": ((".",), ","), "nl": ((".",), ","), "en": ((",",), ".")}
HEADERS = {"da": ["Praksis", "Antal patienter", "Andel", "Besøg", "Ordinationer", "Listestørrelse"],
           "de": ["Praxis", "Patienten", "Anteil", "Besuche", "Verordnungen", "Listengröße"],
           "nl": ["Praktijk", "Patiënten", "Aandeel", "Bezoeken", "Voorschriften", "Lijstgrootte"],
           "en": ["Practice", "Patients", "Share", "Visits", "Prescriptions", "List size"]}
TITLES = {"da": ("Antal patienter pr. praksis, 2024", "Enhed: antal", "Region: Nordjylland"),
          "de": ("Patienten je Praxis, 2024", "Einheit: Anzahl", "Region: Nord"),
          "nl": ("Patiënten per praktijk, 2024", "Eenheid: aantal", "Regio: Noord"),
          "en": ("Patients per practice, 2024", "Unit: count", "Region: North")}
NAMES = ["Lægehuset Nord", "Øster Praksis", "Åbyhøj Lægerne", "Praksis Syd", "Klinik Vest", "Dr. Hansen",
         "Lægerne i Vejle", "Sundhedshuset"]
FOOTERS = ([], ["", "Kilde: Sundhedsdatastyrelsen"], ["****", "Note: foreløbige tal"],
           ["", "* Tal under 5 vises ikke.", "Opdateret 3. januar 2025"])
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "cp865", "utf-16")


@dataclass
class Column:
    decimals: int  # 0 for whole numbers
    values: list[int]  # the value times 10**decimals, so the text is exact


@dataclass
class Layout:
    lang: str
    grouping: str | None  # the thousands separator, or None for none
    preamble: list[str]
    blank_after_preamble: bool
    footer: list[str]
    gap: bool = False  # a blank line in the middle of the data rows


@st.composite
def tables(draw) -> tuple[list[str], list[str], list[Column]]:
    n_rows = draw(st.integers(1, 8))
    n_cols = draw(st.integers(1, 4))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=n_rows, max_size=n_rows))
    columns = []
    for _ in range(n_cols):
        decimals = draw(st.sampled_from([0, 0, 1, 2, 3]))
        top = draw(st.sampled_from([999, 99_999, 10_000_000]))
        columns.append(Column(decimals, draw(st.lists(st.integers(0, top * 10**decimals), min_size=n_rows,
                                                      max_size=n_rows))))
    return names, list(range(n_cols)), columns


@st.composite
def layouts(draw) -> Layout:
    lang = draw(st.sampled_from(sorted(STYLES)))
    grouping = draw(st.sampled_from([None, *STYLES[lang][0]]))
    title, unit, filter_line = TITLES[lang]
    preamble = draw(st.sampled_from([[], [title], [title, unit], [title, filter_line], [unit, filter_line]]))
    return Layout(lang, grouping, preamble, draw(st.booleans()) and bool(preamble), draw(st.sampled_from(FOOTERS)),
                  draw(st.booleans()))


def number_text(scaled: int, decimals: int, lang: str, grouping: str | None) -> str:
    digits = str(scaled).rjust(decimals + 1, "0")
    whole, frac = (digits[:-decimals], digits[-decimals:]) if decimals else (digits, "")
    if grouping:
        head = len(whole) % 3 or 3
        whole = grouping.join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    return whole + (STYLES[lang][1] + frac if decimals else "")


def _grid(header: list[str], names: list[str], columns: list[Column], layout: Layout,
          as_text: bool) -> tuple[list[list], int]:
    """The rows as written and the 1-based row of the header."""
    grid: list[list] = [[line] for line in layout.preamble]
    if layout.blank_after_preamble:
        grid.append([])
    header_row = len(grid) + 1
    grid.append(header)
    for i, name in enumerate(names):
        if layout.gap and i == len(names) // 2 and i:
            grid.append([])  # the table goes on after a blank line
        row: list = [name]
        for col in columns:
            v = col.values[i]
            row.append(number_text(v, col.decimals, layout.lang, layout.grouping) if as_text else
                       v / 10**col.decimals)
        grid.append(row)
    grid += [[line] if line else [] for line in layout.footer]
    return grid, header_row


def _write_csv(path: Path, grid: list[list], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid:
        writer.writerow(row)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _write_xlsx(path: Path, grid: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for row in grid:
        wb.active.append(row)
    wb.save(path)


def _write_ods(path: Path, grid: list[list]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Ark1")
    for row in grid:
        tr = TableRow()
        for v in row:
            if isinstance(v, float):
                cell = TableCell(valuetype="float", value=repr(v))
                cell.addElement(P(text=repr(v)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _write_xls(path: Path, grid: list[list]) -> None:
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Ark1")
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.save(str(path))


SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@SETTINGS
@given(table=tables(), layout=layouts(), delimiter=st.sampled_from([";", ",", "\t"]),
       encoding=st.sampled_from(ENCODINGS))
def test_csv_round_trip(tmp_path: Path, table, layout: Layout, delimiter: str, encoding: str) -> None:
    names, _, columns = table
    header = HEADERS[layout.lang][: len(columns) + 1]
    grid, header_row = _grid(header, names, columns, layout, as_text=True)
    path = tmp_path / "rundtur.csv"
    _write_csv(path, grid, delimiter, encoding)
    event("a column refused as ambiguous" if _check_all(path, header, names, columns, header_row, layout.footer,
                                                                   gaps=int(layout.gap and len(names) > 1))
          else "every column read")


@SETTINGS
@given(table=tables(), layout=layouts(), as_text=st.booleans(), fmt=st.sampled_from(["xlsx", "ods", "xls"]))
def test_spreadsheet_round_trip(tmp_path: Path, table, layout: Layout, as_text: bool, fmt: str) -> None:
    names, _, columns = table
    header = HEADERS[layout.lang][: len(columns) + 1]
    grid, header_row = _grid(header, names, columns, layout, as_text=as_text)
    path = tmp_path / f"rundtur.{fmt}"
    {"xlsx": _write_xlsx, "ods": _write_ods, "xls": _write_xls}[fmt](path, grid)
    event("a column refused as ambiguous" if _check_all(path, header, names, columns, header_row, layout.footer,
                                                                   gaps=int(layout.gap and len(names) > 1))
          else "every column read")


def _check_all(path: Path, header: list[str], names: list[str], columns: list[Column], header_row: int,
               footer: list[str], gaps: int = 0) -> int:
    """Assert the round trip; the number of columns refused as ambiguous."""
    asked = 0
    report = inspect_file(path)
    assert report.status == "ok", report.refusal and report.refusal.message("en")
    [t] = report.tables
    assert t.columns == header and t.header_row == header_row
    assert [r[0] for r in t.rows] == names
    for c, col in enumerate(columns, start=1):
        refused = [p for p in report.problems if p.severity == "error" and p.column == header[c]]
        asked += bool(refused)
        for i, scaled in enumerate(col.values):
            expected = scaled / 10**col.decimals
            got = t.rows[i][c]
            if isinstance(got, Ambiguous):  # only with a refusal naming the column, and one reading is right
                assert refused and expected in (got.thousands, got.decimal), (header[c], got)
            else:
                assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), (header[c], got, expected)
    notes = [r for r, why in t.excluded if why == "note"]
    first_footer = header_row + len(names) + gaps + 1
    assert notes == [first_footer + k for k, line in enumerate(footer) if line]
    return asked


def test_clear_styles_read_without_a_question(tmp_path: Path) -> None:
    """The evidence decides where a person would not hesitate: no refusal for these."""
    cases = [("da", ";", "utf-8", [Column(0, [2500, 1_250_000]), Column(1, [125, 5])]),
             ("en", ",", "utf-8", [Column(0, [2500, 1250]), Column(2, [1250, 5])]),
             ("da", ";", "cp865", [Column(0, [2500, 1100])])]
    for lang, delimiter, encoding, columns in cases:
        header = HEADERS[lang][: len(columns) + 1]
        layout = Layout(lang, STYLES[lang][0][0], [TITLES[lang][0]], True, [])
        grid, header_row = _grid(header, NAMES[:2], columns, layout, as_text=True)
        path = tmp_path / f"klar_{lang}_{encoding}.csv"
        _write_csv(path, grid, delimiter, encoding)
        report = inspect_file(path)
        assert not [p for p in report.problems if p.severity == "error"], (lang, delimiter)
        _check_all(path, header, NAMES[:2], columns, header_row, [])
