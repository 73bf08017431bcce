"""Every externally written test file goes through `inspect`: a table or a clear refusal, with real values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.ingest.inspect import OVERLONG_ROWS, cell_json
from klyngedesk.i18n import set_language

REQUIRED_FILE_KEYS = {"path", "status", "message", "format", "encoding", "delimiter", "sheet", "tables", "problems"}
REQUIRED_TABLE_KEYS = {"header_row", "columns", "rows", "excluded_rows", "column_types"}


def _inspect_json(capsys, *paths: Path, values: bool = True) -> list[dict]:
    args = ["inspect", *map(str, paths), "--json"] + (["--values"] if values else [])
    code = main(args)
    files = json.loads(capsys.readouterr().out)["files"]
    assert code == (1 if any(f["status"] == "refused" for f in files) else 0)  # 1: a file was refused
    return files


def _table(external: Path, name: str, index: int = 0):
    report = inspect_file(external / name)
    assert report.status == "ok", report.refusal and report.refusal.message("en")
    return report, report.tables[index]


def test_every_external_file_yields_a_table_or_a_clear_refusal(external: Path, capsys) -> None:
    files = sorted(p for p in external.iterdir() if p.name != "SOURCES.md")
    assert len(files) >= 30
    out = _inspect_json(capsys, *files)
    assert len(out) == len(files)
    for entry in out:
        assert entry.keys() >= REQUIRED_FILE_KEYS
        if entry["status"] == "ok":
            assert entry["tables"], entry["path"]
            for table in entry["tables"]:
                assert table.keys() >= REQUIRED_TABLE_KEYS
                assert len(table["values"]) == table["rows"]
                assert set(table["column_types"].values()) <= {"number", "percent", "date", "text", "empty"}
        else:
            assert entry["status"] == "refused" and entry["message"], entry["path"]


def test_password_protected_workbook_is_refused_as_such(external: Path, capsys) -> None:
    [entry] = _inspect_json(capsys, external / "lib_calamine_pass_protected.xlsx")
    assert entry["status"] == "refused" and entry["refusal"] == "encrypted"
    assert "adgangskode" in entry["message"]  # Danish by default
    try:
        assert main(["--lang", "en", "inspect", str(external / "lib_calamine_pass_protected.xlsx")]) == 1
        assert "password" in capsys.readouterr().out
    finally:
        set_language("da")


def test_count_with_percent_cells_and_the_totals_row(external: Path) -> None:
    _, t = _table(external, "dk_ssi_Cases_by_sex.csv")
    assert t.header_row == 1 and len(t.rows) == 10
    assert t.columns[:2] == ["Aldersgruppe", "Kvinder_(procent)"]
    assert [cell_json(v) for v in t.rows[0]] == ["0-9", 169777, 180280, 350057]  # " 169.777 (48)"
    assert t.excluded == [(12, "total")]  # "I alt;1.773.821 (52);..."


def test_thousands_dot_next_to_decimal_comma(external: Path) -> None:
    report, t = _table(external, "dk_ssi_Cases_by_age.csv")
    assert report.encoding == "utf-8-sig" and report.delimiter == ";"
    assert [cell_json(v) for v in t.rows[0]] == ["0-9", 328523, 542136, 60.6]
    assert t.column_types["Procent_positive"] == "number" and t.excluded == [(12, "total")]


def test_totals_row_with_empty_week_and_padded_numbers(external: Path) -> None:
    report, t = _table(external, "dk_ssi_plejehjem_ugeoversigt.csv")
    assert report.encoding == "utf-8" and t.columns[0] == "År"
    assert len(t.rows) == 152 and t.excluded == [(154, "total")]
    weeks = {(r[0], r[1]): r for r in t.rows}
    assert weeks[(2020.0, 14.0)][5] == 1135  # "  1.135"


def test_rate_column_that_looks_like_thousands_is_flagged(external: Path) -> None:
    report, t = _table(external, "dk_ssi_Municipality_test_pos.csv")
    assert len(t.rows) == 99 and not t.excluded
    first = [cell_json(v) for v in t.rows[0]]
    assert first == [101, "København", 608802, 335468, 642242, 52234]
    flagged = {p.column for p in report.problems if p.severity == "warning"}
    assert "Kumulativ_incidens_(per_100000)" in flagged


def test_full_precision_decimal_comma_and_iso_dates(external: Path) -> None:
    _, t = _table(external, "dk_ssi_Antigentests_pr_dag.csv")
    assert len(t.rows) == 656 and t.column_types["Dato"] == "date"
    row = next(r for r in t.rows if cell_json(r[0]) == "2021-05-30")
    assert row[6] == pytest.approx(7.69230769230769)  # "7,69230769230769"
    assert row[4] == pytest.approx(92.3076923076923)


def test_fraction_with_decimal_comma_stays_a_fraction(external: Path) -> None:
    _, t = _table(external, "dk_ssi_figurtendensalderdata.csv")
    assert t.rows[0][3] == pytest.approx(0.4598)
    assert t.rows[1][1] == "Indlæggelse, hvor covid-19 kan have spillet en rolle"


def test_cp1252_file_is_decoded_as_danish(external: Path) -> None:
    report, t = _table(external, "dk_kommunerne_latin1.csv")
    assert report.encoding == "cp1252" and report.delimiter == ","
    assert t.rows[0] == ["København", "Hovedstaden"] and len(t.rows) == 97


def test_header_row_far_down_and_table_mid_sheet(external: Path) -> None:
    _, t = _table(external, "lib_calamine_header-row.xlsx")
    assert t.header_row == 9 and t.columns == ["Columns", "Column A", "Column B", "Column C"]
    assert [cell_json(v) for v in t.rows[0]] == ["put data here", 1, 2, 3]
    _, t = _table(external, "lib_calamine_temperature-in-middle.xlsx")
    assert t.header_row == 4 and t.columns == ["label", "value"] and t.letters == ["B", "C"]
    assert t.rows[0] == ["celsius", pytest.approx(22.2222)]


def test_1904_dates_and_cached_errors(external: Path) -> None:
    _, t = _table(external, "lib_calamine_date_1904.xlsx")
    assert cell_json(t.rows[0][0]) == "2021-01-01"
    _, t = _table(external, "lib_calamine_errors.xlsx")
    assert [cell_json(r[0]) for r in t.rows] == [{"error": e} for e in
                                                 ("#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A")]


def test_hidden_sheets_skipped_and_note_excluded(external: Path) -> None:
    report, t = _table(external, "lib_calamine_any_sheets.xlsx")
    assert [s["name"] for s in report.sheets if s["hidden"]] == ["Hidden", "VeryHidden"]
    assert {x.sheet for x in report.tables} == {"Visible"}
    assert [cell_json(v) for v in t.rows[2]] == [5, 6] and t.excluded == [(5, "note")]


def test_legacy_xls_float_fidelity_and_blank_rows_above_header(external: Path) -> None:
    _, t = _table(external, "lib_calamine_xls_wrong_decimals.xls")
    assert t.rows[0][0] == 0.525625
    _, t = _table(external, "lib_csvkit_test_skip_lines.xls")
    assert t.header_row == 4 and t.columns[:3] == ["text", "date", "integer"] and len(t.rows) == 5


def test_metadata_rows_above_an_offset_header(external: Path) -> None:
    _, t = _table(external, "lib_calamine_issue_530.xlsx")
    assert t.header_row == 4 and t.columns[0] == "领域" and len(t.rows) == 1


def test_text_encodings_and_line_endings(external: Path) -> None:
    report, t = _table(external, "lib_csvkit_test_utf16_little.csv")
    assert report.encoding == "utf-16" and t.columns == ["a", "b", "c"]
    _, t = _table(external, "lib_csvkit_mac_newlines.csv")
    assert t.rows[1][0] == "Once upon\ra time" and t.rows[1][1] == 5
    _, t = _table(external, "lib_csvkit_test_locale.csv")
    assert t.rows[0][:2] == [1.7, 200000000.0]


def test_zero_padded_numbers_and_padded_headers(external: Path) -> None:
    _, t = _table(external, "uk_openprescribing_hscic_prescribing_sample.csv")
    assert t.columns[0] == "SHA" and t.columns[4] == "BNF NAME" and t.columns[-1] == "PERIOD"  # no empty column
    assert t.rows[2][5:7] == [40.0, 113.31]


def test_totals_rows_among_detail_rows(external: Path) -> None:
    _, t = _table(external, "uk_openprescribing_gp-reg-pat-prac-quin-age.csv")
    assert t.excluded[0] == (2, "total") and all(r != "ALL" for row in t.rows for r in row[6:8])
    assert cell_json(t.rows[0][1]) == "2017-09-01"


def test_region_workbook_with_empty_extra_sheets(external: Path) -> None:
    report, t = _table(external, "dk_regiondk_Med_use.xlsx")
    assert t.columns == ["ATC", "Region", "2008", "2013"]  # trailing space trimmed, years as names
    assert (2, "total") in t.excluded  # "Hele landet"
    assert t.rows[0][2] == pytest.approx(735.53)
    assert [s["empty"] for s in report.sheets] == [False, True, True]


def test_day_first_dates_and_a_blank_region(external: Path) -> None:
    report, t = _table(external, "dk_ssi_regionalt_12_noegletal_pr_region_pr_aldersgruppe.csv")
    assert t.columns[2] == "Bekræftede tilfælde" and t.column_types["Dato"] == "date"
    assert [cell_json(v) for v in t.rows[0]] == [None, "0-9", 2, 0, 0, 0, "2021-04-03"]  # 03/04/2021


def test_national_rows_left_out_and_empty_used_column_dropped(external: Path) -> None:
    _, t = _table(external, "dk_regiondk_GP.xlsx")
    assert t.columns == ["Region", "AgeCat", "TotalGPContacts2008", "TotalGPContacts2013"]
    assert len(t.excluded) == 10 and all(why == "total" for _, why in t.excluded)
    assert all(row[0] != "Hele landet" for row in t.rows) and len(t.rows) == 50
    _, t = _table(external, "dk_regiondk_AdmissionOutPatient.xlsx")
    assert t.rows[0][:3] == ["Ambulante patienter (pr. 1000 indbyggere)", "Region Hovedstaden", 245.0]


# Every external file: (table index, sheet, header row or None, data rows, excluded rows, {(row, column): cell}).
# Rows and columns of the cells are 0-based positions in the table; values are as `inspect --json` gives them.
_TOTALS_GP = [(r, "total") for r in range(2, 12)]
EXPECTED: dict[str, tuple] = {
    "dk_kommunerne_latin1.csv": (0, None, 1, 97, [], {(0, 0): "København", (96, 1): "Sjælland"}),
    "dk_regiondk_AdmissionOutPatient.xlsx": (0, "INDAMP02", 1, 25, [(r, "total") for r in (2, 8, 14, 20, 26)],
                                             {(0, 2): 245, (24, 0): "Sengedage (pr. 1000 indbyggere)",
                                              (24, 3): 748}),
    "dk_regiondk_GP.xlsx": (0, "SYGK", 1, 50, _TOTALS_GP, {(0, 2): 983775, (49, 1): "90 + år", (49, 3): 102888}),
    "dk_regiondk_Med_use.xlsx": (0, "Ark1", 1, 35, [(r, "total") for r in (2, 8, 14, 20, 26, 32, 38)],
                                 {(0, 2): 735.53, (34, 0): "R", (34, 3): 168.21}),
    "dk_ssi_Antigentests_pr_dag.csv": (0, None, 1, 656, [], {(0, 1): 5742, (1, 4): 55.5555555555556,
                                                             (655, 4): None, (655, 0): "2022-11-18"}),
    "dk_ssi_Cases_by_age.csv": (0, None, 1, 10, [(12, "total")], {(0, 1): 328523, (9, 0): "90+", (9, 1): 10285}),
    "dk_ssi_Cases_by_sex.csv": (0, None, 1, 10, [(12, "total")], {(0, 1): 169777, (9, 3): 15182}),
    "dk_ssi_Municipality_test_pos.csv": (0, None, 1, 99, [], {(0, 5): 52234, (98, 1): "Hjørring",
                                                              (98, 2): 61481}),
    "dk_ssi_figurtendensalderdata.csv": (0, None, 1, 27, [], {(0, 3): 0.4598, (26, 2): 3055, (26, 3): 0.1988}),
    "dk_ssi_gennembrudsinfektioner_table2_incidence_alle.csv": (0, None, 1, 13, [(15, "total")],
                                                                {(0, 1): 41.5, (12, 0): "12+", (12, 1): 171.8}),
    "dk_ssi_plejehjem_ugeoversigt.csv": (0, None, 1, 152, [(154, "total")], {(0, 0): 2020, (0, 5): 119,
                                                                            (151, 5): 1845}),
    "dk_ssi_regionalt_12_noegletal_pr_region_pr_aldersgruppe.csv": (0, None, 1, 56, [],
                                                                    {(1, 2): 283, (55, 0): "Syddanmark",
                                                                     (55, 6): "2021-04-03"}),
    "lib_calamine_any_sheets.xlsx": (0, "Visible", None, 3, [(5, "note")], {(0, 0): 1, (2, 1): 6}),
    "lib_calamine_date_1904.xlsx": (0, "Sheet1", None, 3, [], {(1, 0): "2021-01-02", (2, 1): 17,
                                                               (2, 0): {"duration": "P10DT15H10M10S",
                                                                        "seconds": 918610.0}}),
    "lib_calamine_errors.xlsx": (0, "Feuil1", None, 7, [], {(0, 0): {"error": "#DIV/0!"}, (6, 0): {"error": "#N/A"}}),
    "lib_calamine_header-row.xlsx": (0, "Sheet1", 9, 1, [], {(0, 0): "put data here", (0, 3): 3}),
    "lib_calamine_issue_261.xlsx": (0, "Some Sheet", 10, 41, [], {(1, 1): "String Value 20", (1, 3): 903}),
    "lib_calamine_issue_530.xlsx": (0, "出勤分类组织汇总表", 4, 1, [], {(0, 0): "集团IT平台", (0, 5): 9}),
    "lib_calamine_merged_cells.ods": (0, "Sheet1", 1, 1, [(2, "repeated header")], {(0, 2): "C", (0, 0): None}),
    "lib_calamine_merged_range.xlsx": (0, "Sheet1", 3, 1, [], {(0, 0): "E4", (0, 3): "H4"}),
    "lib_calamine_number_rows_repeated.ods": (0, "Sheet1", 1, 4, [], {(0, 0): "C", (3, 1): "D"}),
    "lib_calamine_temperature-in-middle.xlsx": (0, "Sheet1", 4, 2, [], {(0, 1): 22.2222, (1, 0): "fahrenheit"}),
    "lib_calamine_xls_wrong_decimals.xls": (0, "Sheet1", None, 1, [], {(0, 0): 0.525625}),
    "lib_csvkit_bad.csv": (0, None, 1, 3, [], {(0, 3): "I'm too long!", (1, 1): "I'm too short!", (2, 2): 17}),
    "lib_csvkit_mac_newlines.csv": (0, None, 1, 2, [], {(0, 2): 3, (1, 0): "Once upon\ra time"}),
    "lib_csvkit_null_byte.csv": (0, None, 1, 1, [], {(0, 0): None, (0, 2): 3}),
    "lib_csvkit_test_latin1.csv": (0, None, 1, 2, [], {(1, 2): "©", (1, 0): 4}),
    "lib_csvkit_test_locale.csv": (0, None, 1, 1, [], {(0, 0): 1.7, (0, 1): 200000000}),
    "lib_csvkit_test_skip_lines.xls": (0, "testfixed_converted.csv", 4, 5, [],
                                       {(0, 3): True, (2, 3): False, (2, 4): 41800000.01, (4, 0): "Unicode! Σ"}),
    "lib_csvkit_test_utf16_little.csv": (0, None, 1, 2, [], {(0, 0): 1, (1, 2): "ʤ"}),
    "uk_openprescribing_gp-reg-pat-prac-quin-age.csv": (0, None, 1, 160, [(r, "total") for r in (
        2, 23, 44, 45, 66, 87, 88, 109, 130, 131, 152, 173)], {(0, 8): 212, (159, 3): "L84073", (159, 7): "95+"}),
    "uk_openprescribing_hscic_prescribing_sample.csv": (0, None, 1, 51, [], {(2, 5): 40, (2, 6): 113.31,
                                                                            (0, 9): 201410}),
    "uk_openprescribing_qof_prevalencebyprac.csv": (0, None, 1, 96, [], {(0, 4): 4178, (0, 5): 4.0689325036}),
}
REFUSED = {"lib_calamine_pass_protected.xlsx": "encrypted"}
ERRORS = {"lib_csvkit_bad.csv": [(OVERLONG_ROWS, 2)]}


def test_every_external_file_has_an_expectation(external: Path) -> None:
    names = {p.name for p in external.iterdir() if p.name != "SOURCES.md"}
    assert names == set(EXPECTED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_external_file_header_rows_excluded_rows_and_cells(external: Path, name: str) -> None:
    index, sheet, header_row, n_rows, excluded, cells = EXPECTED[name]
    report, t = _table(external, name, index)
    assert (t.sheet, t.header_row or None, t.n_rows) == (sheet, header_row, n_rows)
    assert t.excluded == excluded
    assert {pos: cell_json(t.rows[pos[0]][pos[1]]) for pos in cells} == cells
    assert all(t.n_rows for t in report.tables)  # no table without data rows
    # every number read, none guessed; csvkit's ragged file has a row longer than its headings, which is said
    assert [(p.msgid, p.row) for p in report.problems if p.severity == "error"] == ERRORS.get(name, [])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_external_file_refused_as_such(external: Path, name: str) -> None:
    report = inspect_file(external / name)
    assert report.refused and report.refusal.kind == REFUSED[name] and not report.tables


def test_every_external_file_imported_is_refused_in_danish_and_changes_nothing(external: Path, demo_path: Path,
                                                                              capsys) -> None:
    """None of these files is a clinic's file: each import is refused with a Danish reason, no traceback, and
    the project file keeps every byte. A file full of numbers under headings that are no measure of the topic
    says that no table could be matched (it said 'the file contains no values' when a column warning was shown)."""
    import hashlib

    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()
    for path in sorted(p for p in external.iterdir() if p.name != "SOURCES.md"):
        code = main(["--lang", "da", "import", str(demo_path), str(path), "--yes"])
        out = capsys.readouterr()
        text = out.out + out.err
        assert code == 1 and "Traceback" not in text and "Intet blev importeret" in text, (path.name, text[-400:])
        assert "ingen værdier at importere" not in text, (path.name, text[-400:])
        assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before, path.name
