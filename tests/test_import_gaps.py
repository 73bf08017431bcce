"""Known gaps closed: a number read one way because of the file's format is said, never silent; every
number is read exactly as asserted or the file is refused in Danish naming file, sheet, row and column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.cells import Suppressed

HEAD = "ydernummer;maaling;periode;vaerdi\n"


def _csv(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("others", [["<5", "*"], ["7"], ["<5"], ["-", "12"]])
def test_standard_csv_says_how_1_234_was_read_whatever_else_the_column_holds(tmp_path, capsys, others):
    """'1.234' in the standard format is 1234 (it writes decimals with a comma): inspect says so, as it does
    for any column whose reading the file decided, with suppressed cells or without."""
    rows = ["808343;kol_patienter;2026H1;1.234"] + [f"1{i:05d};kol_patienter;2026H1;{v}" for i, v in enumerate(others)]
    path = _csv(tmp_path, "standard.csv", "\n".join(rows) + "\n")
    report = inspect_file(path)
    assert report.status == "ok"
    values = report.tables[0].parsed["vaerdi"].values
    assert values[0] == 1234.0
    for raw, value in zip(others, values[1:], strict=True):
        assert value == Suppressed(raw) if not raw.isdigit() else value == float(raw)
    warnings = [p.message("da") for p in report.problems if p.column == "vaerdi"]
    assert len(warnings) == 1 and "1.234" in warnings[0] and "1234" in warnings[0]
    assert "standardformatet" in warnings[0]
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kolonne vaerdi" in out and "læses som 1234" in out


def test_standard_column_whose_own_numbers_decide_says_nothing_more(tmp_path):
    """'12,5' beside '1.234' already shows the Danish style: nothing to say about the reading."""
    path = _csv(tmp_path, "plain.csv", "808343;kol_patienter;2026H1;1.234\n162550;kol_patienter;2026H1;12,5\n")
    report = inspect_file(path)
    assert report.tables[0].parsed["vaerdi"].values == [1234.0, 12.5]
    assert not [p for p in report.problems if p.column == "vaerdi"]


def test_standard_workbook_text_cells_1_234_and_1_comma_234_are_read_and_said(tmp_path):
    """Text cells of a standard xlsx: '1.234' is 1234, '1,234' is 1.234, the reading is said, and a count of
    1,234 patients is refused by its row and column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "maaling", "periode", "vaerdi"])
    ws.append(["808343", "kol_patienter", "2026H1", "1.234"])
    ws.append(["162550", "kol_patienter", "2026H1", "1,234"])
    path = tmp_path / "tekst.xlsx"
    wb.save(path)
    report = inspect_file(path)
    assert report.tables[0].parsed["vaerdi"].values == [1234.0, 1.234]
    assert any("standardformatet" in p.message("da") for p in report.problems if p.column == "vaerdi")


def test_import_plan_carries_the_reading_and_refuses_a_fractional_count(demo_path, tmp_path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "maaling", "periode", "vaerdi"])
    ws.append(["808343", "kol_patienter", "2026H1", "1.234"])
    ws.append(["162550", "kol_patienter", "2026H1", "1,234"])
    path = tmp_path / "tekst.xlsx"
    wb.save(path)
    assert main(["import", str(demo_path), str(path), "--dry-run"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "tekst.xlsx, ark Data, række 3, kolonne vaerdi (D)" in text and "helt tal" in text
    assert "standardformatet" in text and "Traceback" not in text
