"""Rows a clinic hid in its spreadsheet are read like the others, but never silently: the import says so."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from openpyxl import Workbook

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project

HEADER = ["ydernummer", "praksis", "maaling", "periode", "vaerdi"]


def _file(path: Path, project_path: Path, hide: tuple[int, ...]) -> Path:
    with Project.open(project_path, readonly=True) as project:
        a = cf.demo_clinics(project)[0]
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER)
    for measure, value in (("kol_patienter", 120), ("kol_lfu", 90), ("kol_rehab", 20)):
        ws.append([a.yder, a.name, measure, "2026H1", value])
    for r in hide:
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


def test_hidden_rows_are_named_in_a_warning(demo_path: Path, tmp_path: Path, capsys) -> None:
    path = _file(tmp_path / "skjulte.xlsx", demo_path, (3, 4))
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes", "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "skjult" in err and "ark Data" in err and "række 3" in err, err


def test_no_warning_without_hidden_rows(demo_path: Path, tmp_path: Path, capsys) -> None:
    path = _file(tmp_path / "synlige.xlsx", demo_path, ())
    assert main(["--lang", "da", "import", str(demo_path), str(path), "--yes", "--dry-run"]) == 0
    assert "skjult" not in capsys.readouterr().err
