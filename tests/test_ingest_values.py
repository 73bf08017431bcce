"""Cell values as a coordinator reads them: Danish numbers, percentages, suppressed cells, dates, CSV quirks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.cells import CellError, Suppressed, parse_column
from klyngedesk.core.ingest.inspect import cell_json
from klyngedesk.core.ingest.text_reader import decode, sniff_delimiter


def test_danish_numbers_padded_and_with_thousands() -> None:
    col = parse_column([" 66.114.525", "7,6", "  1.234,5 ", "12"])
    assert col.values == [66114525.0, 7.6, 1234.5, 12.0] and col.ctype == "number" and col.ambiguous is None


def test_english_numbers_in_a_column_of_their_own() -> None:
    assert parse_column(["1,234.5", "0.25", "3"]).values == [1234.5, 0.25, 3.0]


def test_suppressed_values_are_neither_zero_nor_missing() -> None:
    col = parse_column(["<5", "< 20", "-", ".", "17", "NA", ""])
    assert col.values[:4] == [Suppressed("<5"), Suppressed("< 20"), Suppressed("-"), Suppressed(".")]
    assert col.values[4] == 17.0 and col.values[5] is None and col.values[6] is None
    assert cell_json(col.values[1]) == {"suppressed": "< 20"} and col.ctype == "number"


def test_percentages_and_counts_with_percent() -> None:
    col = parse_column(["12,5 %", "100 %", "7,25%"])
    assert col.ctype == "percent" and col.values == [12.5, 100.0, 7.25]
    assert parse_column(["1603 (42.95%)", " 169.777 (48)"], "da").values == [1603.0, 169777.0]
    assert parse_column(["120 %", "50 %"]).percent_over_100 == 1


def test_dates_in_danish_and_iso_forms() -> None:
    col = parse_column(["31-12-2025", "01.07.26", "2026-01-15", "01SEP2017"])
    assert col.values == [date(2025, 12, 31), date(2026, 7, 1), date(2026, 1, 15), date(2017, 9, 1)]
    assert col.ctype == "date"


def test_spreadsheet_errors_kept_as_errors() -> None:
    col = parse_column(["#DIV/0!", "4"])
    assert col.values[0] == CellError("#DIV/0!") and cell_json(col.values[0]) == {"error": "#DIV/0!"}


def test_an_ambiguous_column_is_flagged_not_guessed() -> None:
    col = parse_column(["1.234", "2.500"])
    assert col.ambiguous == "open" and col.example in ("1.234", "2.500")
    resolved = parse_column(["1.234", "2.500"], "da")
    assert resolved.ambiguous == "file" and resolved.values == [1234.0, 2500.0]
    assert parse_column(["1.234", "2.500", "1.000.000"]).ambiguous is None  # the column decides


def test_an_ambiguous_value_column_blocks_the_import(tmp_path: Path, demo_project) -> None:
    from klyngedesk.core.ingest import plan_import

    c = demo_project.clinics()[0]
    path = tmp_path / "tvetydig.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Ydernummer", "Måling", "Periode", "Antal"])
    wb.active.append([c.yder, "kol_patienter", "2026H1", "1.234"])
    wb.active.append([c.yder, "kol_lfu", "2026H1", "1.100"])
    wb.save(path)
    plan = plan_import(demo_project, [path], confirm=True)
    assert plan.files[0].status == "failed"
    assert any("1.234" in p.text("en") or "1.100" in p.text("en") for p in plan.files[0].problems)


@pytest.mark.parametrize(("text", "delimiter"), [("a;b;c\n1;2,5;3\n4;5;6\n", ";"), ("a,b\n1,2\n3,4\n", ","),
                                                 ("a\tb\n1,5\t2\n", "\t")])
def test_delimiter_by_consistent_column_counts(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_encodings_bom_then_utf8_then_cp1252() -> None:
    assert decode("æøå".encode("utf-8-sig")) == ("æøå", "utf-8-sig")
    assert decode("Brøndby".encode()) == ("Brøndby", "utf-8")
    assert decode("Brøndby;Hjørring".encode("cp1252")) == ("Brøndby;Hjørring", "cp1252")
    assert decode("København".encode("utf-16")) == ("København", "utf-16")


def test_quoted_line_breaks_and_cr_only_endings(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b'Praksis;Antal\r"L\xe6gehuset\rNord";12\rSyd;<5\r')
    report = inspect_file(path)
    t = report.tables[0]
    assert report.encoding == "cp1252" and t.rows == [["Lægehuset\rNord", 12.0], ["Syd", Suppressed("<5")]]


def test_two_row_merged_header_and_stacked_tables(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Praksis", "KOL", None, "Antibiotika"])
    ws.append([None, "Patienter", "LFU", "Ordinationer"])
    ws.append(["Nord", 10, 8, 300])
    ws.append(["Syd", 12, 9, 310])
    ws.append([])
    ws.append(["Praksis", "Listestørrelse"])
    ws.append(["Nord", 4000])
    ws.append(["I alt", 4000])
    ws.merge_cells("B1:C1")
    path = tmp_path / "to_tabeller.xlsx"
    wb.save(path)
    first, second = inspect_file(path).tables
    assert first.columns == ["Praksis", "KOL Patienter", "KOL LFU", "Antibiotika Ordinationer"]
    assert first.rows[1] == ["Syd", 12.0, 9.0, 310.0]
    assert second.header_row == 6 and second.rows == [["Nord", 4000.0]] and second.excluded == [(8, "total")]


def test_hidden_sheet_is_skipped_unless_chosen(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Synlig"
    wb.active.append(["Praksis", "Antal"])
    wb.active.append(["Nord", 3])
    hidden = wb.create_sheet("Skjult")
    hidden.append(["Praksis", "Antal"])
    hidden.append(["Syd", 7])
    hidden.sheet_state = "hidden"
    path = tmp_path / "skjult.xlsx"
    wb.save(path)
    report = inspect_file(path)
    assert [t.sheet for t in report.tables] == ["Synlig"]
    chosen = inspect_file(path, sheet="Skjult")
    assert chosen.sheet == "Skjult" and chosen.tables[0].rows == [["Syd", 7.0]]
    assert inspect_file(path, sheet="Findes ikke").refusal.kind == "nosheet"


@pytest.mark.parametrize("encoding", ["cp865", "cp850", "cp1252", "utf-8", "utf-16"])
def test_dos_code_pages_from_danish_ehrs_are_recognised(tmp_path: Path, encoding: str) -> None:
    text = "Lægehus;Antal;Andel\nKøbenhavn Ø;12;0,5\nÅrhus;3;1,25\nHjørring;7;2\n"
    path = tmp_path / "dos.csv"
    path.write_bytes(text.encode(encoding))
    report = inspect_file(path)
    t = report.tables[0]
    assert t.columns == ["Lægehus", "Antal", "Andel"]
    assert [r[0] for r in t.rows] == ["København Ø", "Århus", "Hjørring"]
    if encoding in ("cp865", "cp850"):
        assert report.encoding == "cp865"  # the two pages agree on every Danish letter


def test_a_dos_file_is_never_read_with_control_characters(tmp_path: Path) -> None:
    # Ø (0x9D) and Å (0x8F) are undefined in cp1252 and C1 controls in latin-1.
    path = tmp_path / "dos.txt"
    path.write_bytes("Praksis\tÅrets patienter\nØstergade\t5\n".encode("cp865"))
    report = inspect_file(path)
    assert report.encoding == "cp865" and report.tables[0].rows == [["Østergade", 5.0]]
