"""Workbooks whose formulas were never calculated (written by a script, not Excel): refused, never stored as missing."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
import pytest
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.ingest import inspect_file
from klyngedesk.core.store import Project

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return project.values(history=True).to_dict("records"), len(project.batches())


def _workbook(path: Path, project_path: Path, lfu: object, sheet: str = "Data") -> Path:
    """One clinic's three KOL values; kol_lfu is `lfu` (a formula string is stored without a cached result)."""
    with Project.open(project_path, readonly=True) as project:
        clinic = cf.demo_clinics(project)[0]
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADER)
    for measure, value in (("kol_patienter", 120), ("kol_lfu", lfu), ("kol_rehab", 20)):
        ws.append([clinic.yder, clinic.name, measure, "2026H1", value])
    wb.save(path)
    return path


@pytest.mark.parametrize("formula", ["=B2*0+90", "=SUM(E2:E2)-30"])
def test_uncalculated_formula_among_numbers_is_refused_not_stored_as_missing(
        formula: str, demo_path: Path, tmp_path: Path, capsys) -> None:
    path = _workbook(tmp_path / "kol_beregnet.xlsx", demo_path, formula, sheet="KOL 2026")
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "formel" in err and "Ark KOL 2026" in err and "E3" in err, err
    assert "Excel" in err  # says how to repair it
    assert _snapshot(demo_path) == before  # nothing half-written: no value, no batch


def test_inspect_names_the_uncalculated_cell(demo_path: Path, tmp_path: Path) -> None:
    report = inspect_file(_workbook(tmp_path / "k.xlsx", demo_path, "=1+1"))
    assert report.refused and report.refusal is not None and report.refusal.kind == "formula"
    assert "E3" in report.refusal.message("da") and "formel" in report.refusal.message("da")


def test_cpr_in_the_sheet_name_wins_over_the_formula_and_is_never_echoed(demo_path: Path, tmp_path: Path,
                                                                         capsys) -> None:
    path = _workbook(tmp_path / "k.xlsx", demo_path, "=1+1", sheet="010170-1234")
    before = _snapshot(demo_path)
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "CPR-nummer" in err and "010170" not in err and "0101701234" not in err
    assert _snapshot(demo_path) == before


def test_calculated_formulas_import_with_their_cached_value(demo_path: Path, tmp_path: Path, capsys) -> None:
    """A formula Excel did calculate (cached <v>) is read as its value, as before."""
    path = _workbook(tmp_path / "k.xlsx", demo_path, 90)
    import zipfile

    fixed = tmp_path / "beregnet.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="E3" t="n"><v>90</v></c>', b'<c r="E3"><f>E2-30</f><v>90</v></c>')
                assert b"<f>E2-30</f>" in data
            dst.writestr(info, data)
    assert main(["--lang", "da", "import", str(demo_path), str(fixed), "--yes"]) == 0, capsys.readouterr().err
    with Project.open(demo_path, readonly=True) as project:
        values = project.values()
        row = values[(values["measure"] == "kol_lfu") & (values["period"] == "2026H1")]
        assert 90.0 in set(row["value"])
