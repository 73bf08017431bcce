"""Text files other programs write: UTF-16, an Excel sep= line, cp1252 letters, masked small numbers, odd spaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.inspect import cell_json

HEADER = "ydernummer;praksis;maaling;periode;vaerdi\n"
ROWS = ("012345;Lægehuset Øster;kol_patienter;2026H1;1\u00a0234\n"
        "012346;Klinik Å;kol_patienter;2026H1;\u200b57\n"
        "012347;Ærø Lægehus;kol_patienter;2026H1;\u22123\n"
        "012348;D;kol_patienter;2026H1;*\n"
        "012349;E;kol_patienter;2026H1;<5\n")
EXPECTED = [[12345, "Lægehuset Øster", "kol_patienter", "2026H1", 1234],
            [12346, "Klinik Å", "kol_patienter", "2026H1", 57],
            [12347, "Ærø Lægehus", "kol_patienter", "2026H1", -3],
            [12348, "D", "kol_patienter", "2026H1", {"suppressed": "*"}],
            [12349, "E", "kol_patienter", "2026H1", {"suppressed": "<5"}]]


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-16", ""), ("utf-8-sig", "sep=;\n"), ("utf-8", "sep=;\r\n")])
def test_exact_values_whatever_the_encoding(tmp_path: Path, encoding: str, prefix: str):
    path = tmp_path / "eksport.csv"
    path.write_bytes((prefix + HEADER + ROWS).encode(encoding))
    report = inspect_file(path)
    assert not report.refused, report.refusal and report.refusal.message("da")
    (table,) = report.tables
    assert table.columns == ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]
    assert [[cell_json(v) for v in row] for row in table.rows] == EXPECTED  # '*' and '<5' never 0 or 5


def test_cp1252_letters_without_unicode_minus(tmp_path: Path):
    path = tmp_path / "eksport.csv"
    text = HEADER + ROWS.replace("\u22123", "-3").replace("\u00a0", " ").replace("\u200b", "")
    path.write_bytes(text.encode("cp1252"))
    report = inspect_file(path)
    assert report.encoding == "cp1252"
    assert [[cell_json(v) for v in row] for row in report.tables[0].rows] == EXPECTED


def _xlsx(path: Path, rows: list[list], epoch_1904: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    if epoch_1904:
        wb.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_error_cells_booleans_and_masked_counts(tmp_path: Path):
    path = _xlsx(tmp_path / "e.xlsx", [["ydernummer", "praksis", "maaling", "periode", "vaerdi", "aktiv"],
                                       ["012345", "A", "kol_patienter", "2026H1", "#DIV/0!", True],
                                       ["012346", "B", "kol_patienter", "2026H1", "#N/A", False],
                                       ["012347", "C", "kol_patienter", "2026H1", "<5", True],
                                       ["012348", "D", "kol_patienter", "2026H1", 41, False]])
    report = inspect_file(path)
    assert not report.refused
    assert [[cell_json(v) for v in row[4:]] for row in report.tables[0].rows] == [
        [{"error": "#DIV/0!"}, True], [{"error": "#N/A"}, False], [{"suppressed": "<5"}, True], [41, False]]


def test_xlsx_formula_never_calculated_is_refused_naming_its_cell(tmp_path: Path):
    path = _xlsx(tmp_path / "f.xlsx", [["ydernummer", "praksis", "maaling", "periode", "vaerdi"],
                                       ["012345", "A", "kol_patienter", "2026H1", 12],
                                       ["012346", "B", "kol_patienter", "2026H1", "=E2*2"]])
    report = inspect_file(path)
    assert report.refused and report.refusal.kind == "formula"
    assert "E3" in report.refusal.message("da")


def test_xlsx_1904_date_system_reads_the_same_day(tmp_path: Path):
    from datetime import date

    path = _xlsx(tmp_path / "mac.xlsx", [["ydernummer", "praksis", "maaling", "dato", "vaerdi"],
                                         ["012345", "A", "kol_patienter", date(2026, 7, 1), 12]], epoch_1904=True)
    report = inspect_file(path)
    assert [cell_json(v) for v in report.tables[0].rows[0]][3:] == ["2026-07-01", 12]
