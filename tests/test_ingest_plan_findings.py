"""What the user confirms before an import: empty cells counted (never skipped silently), what inspect warned
about carried into the plan, and dates or months in the period column put in the project's half-year."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.core.model import Clinic, Cluster, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project

CLINICS = [Clinic(f"K{i}", f"Lægehuset {i}", str(200000 + i)) for i in range(4)]


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "klynge.klynge"
    project = Project.create(path, Cluster("Testklynge"))
    try:
        with project.transaction():
            for c in CLINICS:
                project.add_clinic(c)
            project.add_period(Period("2026H1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30)))
            project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
            project.add_topic(builtin_topic("kol"))
    finally:
        project.close()
    return path


def _last_json(capsys, project: Path, file: Path) -> dict:
    capsys.readouterr()
    main(["import", str(project), str(file), "--dry-run", "--json"])
    out = capsys.readouterr().out
    return json.loads(out[out.index("{"):])


def _standard_csv(path: Path, rows: list[tuple]) -> Path:
    lines = ["ydernummer;praksis;maaling;periode;vaerdi"] + [";".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_empty_value_cells_are_counted_in_the_plan_not_skipped_silently(project_path: Path, tmp_path: Path,
                                                                         capsys) -> None:
    blanks = iter(["", "NA", "null", "nan", " "])
    empty = {("K0", "kol_lfu"), ("K1", "kol_lfu"), ("K1", "kol_rehab"), ("K2", "kol_rehab"), ("K3", "kol_rehab")}
    rows = [(c.yder, c.name, m, "2026H1", next(blanks) if (c.key, m) in empty else 40)
            for c in CLINICS for m in ("kol_patienter", "kol_lfu", "kol_rehab")]
    path = _standard_csv(tmp_path / "tomme.csv", rows)
    [entry] = _last_json(capsys, project_path, path)["files"]
    warnings = [p["message"] for p in entry["problems"] if p["severity"] == "warning"]
    assert any("5 celler i kolonnen er tomme (blanke, NA, null eller NaN); der er ikke gemt noget for dem" in w
               and "kolonne vaerdi" in w for w in warnings), warnings
    assert entry["values"] == len(rows) - 5


def test_inspect_warnings_are_in_the_plan_the_user_confirms(project_path: Path, tmp_path: Path, capsys) -> None:
    """A file with NUL characters and a column whose '1.075' the file's own evidence reads as 1075."""
    lines = ["Ydernummer;Praksis;Periode;Antal KOL-patienter"]
    lines += [f"{c.yder};{c.name};2026H1;{v}" for c, v in zip(CLINICS, ["1.250", "2.100", "1.075", "980"],
                                                                strict=True)]
    path = tmp_path / "region.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8").replace(b"980", b"98\x000"))
    [entry] = _last_json(capsys, project_path, path)["files"]
    warnings = [p["message"] for p in entry["problems"] if p["severity"] == "warning"]
    assert any("NUL" in w for w in warnings), warnings
    assert any("1.075" in w and "1075" in w for w in warnings), warnings  # the example is the smallest


def _dated_rows(tmp_path: Path, cell) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
    for c in CLINICS:
        ws.append([c.yder, c.name, "kol_patienter", cell, 120])
    path = tmp_path / "datoer.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("cell", [date(2026, 7, 1), datetime(2026, 7, 1, 0, 0), "01-07-2026", "31.12.2026",
                                  date(2026, 12, 31)])
def test_a_first_or_last_day_in_the_period_column_names_its_half_year(project_path: Path, tmp_path: Path,
                                                                      cell) -> None:
    path = _dated_rows(tmp_path, cell)
    with Project.open(project_path) as project:
        plan = plan_import(project, [path], confirm=True)
        assert plan.ok, plan.files[0].message("da")
        commit_plan(project, plan)
        stored = project.values()
    assert set(stored.period) == {"2026H2"} and len(stored) == len(CLINICS)


@pytest.mark.parametrize("cell", [date(2026, 8, 1), "2026-07", "15.09.2026", "07/2026", datetime(2026, 10, 3)])
def test_a_month_or_a_day_inside_the_half_year_is_not_the_half_year(project_path: Path, tmp_path: Path,
                                                                    cell) -> None:
    """A month's count stored as the half year's would be a wrong number: refused, saying which period holds it."""
    path = _dated_rows(tmp_path, cell)
    with Project.open(project_path) as project:
        plan = plan_import(project, [path], confirm=True)
    message = plan.files[0].message("da") or ""
    assert not plan.ok and "række 2" in message and "inden for 2026H2, ikke hele perioden" in message, message


def test_a_date_outside_every_period_is_still_an_unknown_period(project_path: Path, tmp_path: Path) -> None:
    path = _standard_csv(tmp_path / "gammel.csv", [(c.yder, c.name, "kol_patienter", "01-07-2031", 50)
                                                   for c in CLINICS])
    with Project.open(project_path) as project:
        plan = plan_import(project, [path], confirm=True)
    assert not plan.ok
    assert "Ukendt periode 2031-07-01" in (plan.files[0].message("da") or "") or \
        "01-07-2031" in (plan.files[0].message("da") or "")
