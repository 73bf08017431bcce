"""Number formats judged per column from the whole file: never a number read 1000 times too small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file, plan_import
from klyngedesk.core.ingest.cells import Ambiguous, Duration, parse_column
from klyngedesk.core.ingest.inspect import cell_json
from klyngedesk.core.ingest.number_format import NumberEvidence, header_language
from klyngedesk.i18n import set_language


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _inspect(capsys, *args: str) -> tuple[int, dict]:
    code = main(["--lang", "en", "inspect", *args, "--json", "--values"])
    return code, json.loads(capsys.readouterr().out)["files"][0]


def test_quoted_thousands_in_a_comma_delimited_english_file_is_2500(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, "en.csv", 'Practice,Patients,Visits\nNorth,"2,500",12\nSouth,"1,250",7\nEast,800,3\n')
    code, entry = _inspect(capsys, str(path))
    assert code == 0
    assert [row[1] for row in entry["tables"][0]["values"]] == [2500, 1250, 800]
    [warning] = [p for p in entry["problems"] if p["column"] == "Patients"]
    assert warning["severity"] == "warning" and "1250" in warning["message"]  # says what the value became


def test_danish_semicolon_file_reads_dots_as_thousands(tmp_path: Path) -> None:
    path = _write(tmp_path, "da.csv", "Praksis;Antal patienter;Andel\nNord;2.500;12,5\nSyd;1.100;7,25\n")
    t = inspect_file(path).tables[0]
    assert t.rows == [["Nord", 2500.0, 12.5], ["Syd", 1100.0, 7.25]]


def test_ambiguous_column_is_refused_naming_the_column_and_both_readings(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, "x.txt", "a\tb\n1.234\t5\n2.500\t6\n")
    code, entry = _inspect(capsys, str(path))
    assert code == 1  # a check failed: the CLI does not guess
    [error] = [p for p in entry["problems"] if p["severity"] == "error"]
    assert error["column"] == "a" and "1234" in error["message"] and "1.234" in error["message"]
    assert "does not guess" in error["message"]
    cell = entry["tables"][0]["values"][0][0]
    assert cell == {"ambiguous": "1.234", "readings": [1234, 1.234]}  # never a plain number


def test_each_piece_of_evidence_decides_or_is_too_weak() -> None:
    amb = ["1.234", "2.500"]
    assert parse_column(amb).ambiguous == "open"
    assert parse_column(amb, evidence=NumberEvidence(delimiter=";")).ambiguous == "open"  # one hint is not enough
    two = parse_column(amb, evidence=NumberEvidence(delimiter=";", language="da"))
    assert two.values == [1234.0, 2500.0] and two.reasons == ("delimiter", "language")
    english = parse_column(["1,234", "2,500"], evidence=NumberEvidence(delimiter=",", language="en"))
    assert english.values == [1234.0, 2500.0]
    # The file's other numbers (here: decimal points) outweigh a Danish-looking delimiter.
    assert parse_column(amb, evidence=NumberEvidence(file="en", delimiter=";")).values == [1.234, 2.5]
    # Whole numbers of four digits written without a mark speak against the mark being a thousands separator.
    col = parse_column(["1.234", "2.500", "1500"], evidence=NumberEvidence(language="en"))
    assert col.values == [1.234, 2.5, 1500.0] and col.reasons == ("language", "column")
    # Small whole numbers beside numbers that all have three digits after the mark: the mark groups thousands.
    col = parse_column(["2,500", "800", "1,250"], evidence=NumberEvidence(delimiter=","))
    assert col.values == [2500.0, 800.0, 1250.0] and col.reasons == ("delimiter", "column_groups")
    assert parse_column(["2,500", "800"]).ambiguous == "open"  # alone, that is not enough


def test_shapes_that_cannot_be_thousands_decide_the_column() -> None:
    assert parse_column(["0.500", "1.250"]).values == [0.5, 1.25]  # no grouped number starts with 0
    assert parse_column(["1.2345", "2.500"]).values == [1.2345, 2.5]
    assert parse_column(["1.234", "1,234"], evidence=NumberEvidence(file="da", language="da")).ambiguous == "open"


def test_odd_cell_is_a_cell_problem_not_a_damaged_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "odd.csv", "Practice,Items,Cost\nA,\"1,234\",10.5\nB,3.250.100,2.25\nC,\"2,000,000\",1\n")
    report = inspect_file(path)
    assert report.status == "ok"
    t = report.tables[0]
    assert [r[1] for r in t.rows] == [1234.0, "3.250.100", 2000000.0]  # kept as text, never a guessed number
    [problem] = [p for p in report.problems if p.column == "Items"]
    assert problem.row == 3 and "3.250.100" in problem.text("en")
    assert problem.message("odd.csv", "en").startswith("odd.csv, row 3, column Items")


def test_number_like_text_that_is_no_number_is_reported(tmp_path: Path) -> None:
    col = parse_column(["12", "1.2.3", "7"])
    assert col.values == [12.0, "1.2.3", 7.0] and col.odd == [1]


def test_an_ambiguous_value_column_is_a_question_in_the_window_and_an_error_with_yes(tmp_path: Path,
                                                                                 demo_project) -> None:
    from openpyxl import Workbook

    c = demo_project.clinics()[0]
    wb = Workbook()
    wb.active.title = "Data"
    wb.active.append(["Ydernummer", "Måling", "Periode", "Antal"])
    wb.active.append([c.yder, "kol_patienter", "2026H1", "1.234"])
    wb.active.append([c.yder, "kol_lfu", "2026H1", "1.100"])
    path = tmp_path / "tvetydig.xlsx"
    wb.save(path)
    refused = plan_import(demo_project, [path], confirm=True).files[0]
    assert refused.status == "failed" and not refused.values
    asked = plan_import(demo_project, [path], answers={}).files[0]
    ids = {q.id for q in asked.questions}
    assert ids >= {"numbers:Data:Antal=thousands", "numbers:Data:Antal=decimal"}
    texts = [q.msgid.format(**q.params) for q in asked.questions if q.id.startswith("numbers:")]
    assert any("1100" in t for t in texts) and any("1,1 " in t for t in texts)  # Danish decimal comma
    answered = plan_import(demo_project, [path], answers={"numbers:Data:Antal=thousands": True}).files[0]
    assert sorted(v.value for v in answered.values) == [1100.0, 1234.0]
    decimal = plan_import(demo_project, [path], answers={"numbers:Data:Antal=decimal": True}).files[0]
    assert sorted(v.value for v in decimal.values) == [1.1, 1.234]


def test_import_cli_refuses_an_ambiguous_column_even_with_yes(tmp_path: Path, demo_path: Path, capsys) -> None:
    from klyngedesk.core.store import Project

    with Project.open(demo_path) as project:
        c = project.clinics()[0]
    path = _write(tmp_path, "t.txt", f"Ydernummer\tMåling\tPeriode\tAntal\n{c.yder}\tkol_patienter\t2026H1\t1.234\n")
    try:
        assert main(["--lang", "en", "import", str(demo_path), str(path), "--yes"]) == 1
    finally:
        set_language("da")
    err = capsys.readouterr().err
    assert "1234" in err and "1.234" in err and "Antal" in err


def test_header_language() -> None:
    assert header_language(["Praksis", "Antal patienter"]) == "da"
    assert header_language(["Practice", "Number of patients"]) == "en"
    assert header_language(["a", "b"]) is None


def test_booleans_and_durations_are_values(tmp_path: Path, external: Path) -> None:
    col = parse_column(["TRUE", "false", "SAND"])
    assert col.values == [True, False, True] and [cell_json(v) for v in col.values] == [True, False, True]
    report = inspect_file(external / "lib_calamine_date_1904.xlsx")
    duration = report.tables[0].rows[2][0]
    assert isinstance(duration, Duration) and cell_json(duration)["duration"] == "P10DT15H10M10S"
    t = inspect_file(external / "lib_csvkit_test_skip_lines.xls").tables[0]
    assert [r[3] for r in t.rows[:3]] == [True, True, False]


@pytest.mark.parametrize("lang,expected", [("en", "Column B"), ("da", "Kolonne B")])
def test_unnamed_columns_in_the_chosen_language(tmp_path: Path, lang: str, expected: str) -> None:
    path = _write(tmp_path, "u.csv", "Praksis;;Antal\nNord;4;1\nSyd;5;2\n")
    set_language(lang)
    try:
        assert inspect_file(path).tables[0].columns == ["Praksis", expected, "Antal"]
    finally:
        set_language("da")


def test_ambiguous_cells_keep_both_readings() -> None:
    col = parse_column(["1,234", "5"])
    assert col.values[0] == Ambiguous("1,234", 1234.0, 1.234)
