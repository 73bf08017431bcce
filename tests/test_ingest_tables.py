"""Finding tables as a person sees them: title, unit and filter lines, footers, side-by-side and stacked tables."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.inspect import cell_json


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list], name: str = "t.xlsx") -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_statbank_download_title_unit_and_empty_first_header_cells(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["Lægebesøg efter område, køn og tid"],
        ["Enhed: antal"],
        [None, None, "2023", "2024"],
        ["Hele landet", "Mænd", 1200500, 1250000],
        [None, "Kvinder", 1300000, 1310250],
        ["Region Nordjylland", "Mænd", 120000, 125000],
        [None, "Kvinder", 130000, 131000],
        [],
        ["Kilde: Danmarks Statistik"],
    ])
    report = inspect_file(path)
    [t] = report.tables
    assert t.header_row == 3 and t.columns == ["Kolonne A", "Kolonne B", "2023", "2024"]
    assert t.title == ["Lægebesøg efter område, køn og tid", "Enhed: antal"]  # kept as metadata
    # "Hele landet" is written once for its group: both its rows are national totals, and the region's
    # name fills the blank under it.
    assert t.row_numbers == [6, 7] and t.excluded == [(4, "total"), (5, "total"), (9, "note")]
    assert [cell_json(v) for v in t.rows[1]] == ["Region Nordjylland", "Kvinder", 130000, 131000]
    assert report.metadata.get("enhed") == "antal"


def test_filter_lines_above_a_header_of_years(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["Region:", "Hovedstaden"],
        ["Køn: alle"],
        ["Praksis", 2021, 2022, 2023],
        ["Nord", 10, 11, 12],
        ["Syd", 20, 21, 22],
    ])
    [t] = inspect_file(path).tables
    assert t.header_row == 3 and t.columns == ["Praksis", "2021", "2022", "2023"]
    assert t.rows == [["Nord", 10.0, 11.0, 12.0], ["Syd", 20.0, 21.0, 22.0]]


def test_a_header_of_years_only(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Antal KOL-patienter\n;2022;2023;2024\nNord;10;11;12\nSyd;20;21;22\n")
    [t] = inspect_file(path).tables
    assert t.header_row == 2 and t.columns[1:] == ["2022", "2023", "2024"] and len(t.rows) == 2


def test_two_row_header_with_years_over_measures(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["Oversigt"],
        [None, 2023, None, 2024, None],
        ["Praksis", "Antal", "Andel", "Antal", "Andel"],
        ["Nord", 10, 0.5, 11, 0.55],
    ])
    [t] = inspect_file(path).tables
    assert t.header_row == 2
    assert t.columns == ["Praksis", "2023 Antal", "2023 Andel", "2024 Antal", "2024 Andel"]


def test_footer_after_a_rule_and_after_a_blank_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Praksis;Antal\nNord;3\nSyd;4\n****\nTal for 2024;foreløbige\n\n"
                          "1) Opgjort pr. 1. januar\nOpdateret 2025-01-03\n")
    [t] = inspect_file(path).tables
    assert t.rows == [["Nord", 3.0], ["Syd", 4.0]]
    assert t.excluded == [(4, "note"), (5, "note"), (7, "note"), (8, "note")]


def test_side_by_side_tables_are_each_their_own(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["Praksis", "KOL", "Astma", None, "Praksis", "Listestørrelse"],
        ["Nord", 10, 4, None, "Nord", 4000],
        ["Syd", 12, 5, None, "Syd", 4100],
        ["Øst", 13, 6, None, None, None],
    ])
    main_table, side = inspect_file(path).tables  # the main (larger) one first
    assert main_table.columns == ["Praksis", "KOL", "Astma"] and main_table.letters == ["A", "B", "C"]
    assert side.columns == ["Praksis", "Listestørrelse"] and side.letters == ["E", "F"]
    assert side.rows == [["Nord", 4000.0], ["Syd", 4100.0]] and side.row_numbers == [2, 3]


def test_a_table_below_two_side_by_side_tables_is_found_too(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [
        ["Praksis", "KOL", "Astma", None, "Praksis", "Listestørrelse"],
        ["Nord", 10, 4, None, "Nord", 4000],
        ["Syd", 12, 5, None, "Syd", 4100],
        [None] * 6,
        ["Praksis", "Diabetes", "Hjertesvigt", "Demens", None, None],
        ["Nord", 30, 2, 5, None, None],
        ["Syd", 31, 3, 6, None, None],
        ["Øst", 32, 4, 7, None, None],
        ["Vest", 33, 5, 8, None, None],
    ])
    tables = inspect_file(path).tables
    assert [t.columns for t in tables] == [["Praksis", "Diabetes", "Hjertesvigt", "Demens"],
                                           ["Praksis", "KOL", "Astma"], ["Praksis", "Listestørrelse"]]
    assert tables[0].row_numbers == [6, 7, 8, 9] and tables[0].rows[-1] == ["Vest", 33.0, 5.0, 8.0]


def test_stacked_tables_with_their_own_totals_stay_apart(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Praksis;KOL\nNord;3\nSyd;4\nI alt;7\nPraksis;Astma;Diabetes\nNord;1;2\nSyd;3;4\n"
                          "Øst;5;6\nI alt;9;12\n")
    first, second = inspect_file(path).tables
    assert first.columns == ["Praksis", "Astma", "Diabetes"] and first.header_row == 5
    assert first.excluded == [(9, "total")] and len(first.rows) == 3
    assert second.columns == ["Praksis", "KOL"] and second.rows == [["Nord", 3.0], ["Syd", 4.0]]
    assert second.excluded == [(4, "total")]


def test_stacked_blocks_after_a_blank_line_and_a_title(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Region Nord\nPraksis;KOL\nA;3\nB;4\nI alt;7\n\nRegion Syd\nPraksis;KOL\nC;5\nD;6\nE;1\n"
                          "I alt;12\n")
    first, second = inspect_file(path).tables
    assert first.title == ["Region Syd"] and first.header_row == 8 and len(first.rows) == 3
    assert second.title == ["Region Nord"] and second.header_row == 2 and len(second.rows) == 2


def test_no_table_without_rows_and_a_table_going_on_after_a_gap(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Overskrift;Mere\n\nPraksis;Antal\nNord;3\n\nSyd;4\n")
    [t] = inspect_file(path).tables
    assert t.header_row == 3 and t.rows == [["Nord", 3.0], ["Syd", 4.0]]


def test_header_row_is_null_without_a_header(tmp_path: Path, capsys) -> None:
    path = _csv(tmp_path, "1;2\n3;4\n")
    assert main(["inspect", str(path), "--json"]) == 0
    table = json.loads(capsys.readouterr().out)["files"][0]["tables"][0]
    assert table["header_row"] is None and table["rows"] == 2


def test_a_blank_under_a_named_column_stays_blank(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Region;Antal\nNord;3\n;4\nSyd;5\n")  # a blank region is unknown, not "Nord"
    assert [r[0] for r in inspect_file(path).tables[0].rows] == ["Nord", None, "Syd"]


def test_a_column_filled_only_far_down_does_not_split_the_table(tmp_path: Path) -> None:
    rows = [["Praksis", "KOL", None, "Noter"]] + [[f"P{i}", i, None, "x"] for i in range(300)]
    rows[250][2] = 7
    t = inspect_file(_xlsx(tmp_path, rows)).tables
    assert len(t) == 1 and t[0].letters == ["A", "B", "C", "D"] and t[0].rows[249][2] == 7.0
