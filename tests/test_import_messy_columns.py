"""Messy files clinics send, each with one clear Danish message (or the right values): columns left out, two
columns for one measure, negatives written the accountant's way, dates and several numbers in a count cell, clinic
numbers merged over their rows, a clinic twice, a file of another topic, and spreadsheets saved as templates."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project


def _clinics(project_path: Path) -> list[cf.DemoClinic]:
    with Project.open(project_path, readonly=True) as project:
        return cf.demo_clinics(project)


def _snapshot(path: Path) -> tuple:
    with Project.open(path, readonly=True) as project:
        return project.values(history=True).astype(object).fillna("").to_dict("records"), len(project.batches())


def _import(project_path: Path, path: Path, capsys) -> tuple[int, str]:
    rc = main(["--lang", "da", "import", str(project_path), str(path), "--yes"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "None" not in err, err
    return rc, err


def _stored(project_path: Path, clinics: list[cf.DemoClinic], measures: list[str]) -> dict[tuple[str, str], float]:
    """(clinic, measure) -> the value stored for 2026H1 for these clinics."""
    with Project.open(project_path, readonly=True) as project:
        values = project.values()
    got = values[(values["period"] == "2026H1") & values["measure"].isin(measures) &
                 values["clinic"].isin([c.key for c in clinics])]
    return {(c, m): v for c, m, v in zip(got["clinic"], got["measure"], got["value"], strict=True)}


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line and not line.startswith("Advarsel") and
            "Intet blev importeret" not in line]


@pytest.mark.parametrize("suffix", [".xltx", ".xltm", ".ots"])
def test_a_spreadsheet_saved_as_a_template_is_read_as_the_workbook_it_is(demo_path: Path, tmp_path: Path, capsys,
                                                                        suffix: str) -> None:
    """A clinic that keeps our form as an Excel or LibreOffice template sends the template file: it was refused
    as 'named .xltx but holds xlsx'."""
    clinics = _clinics(demo_path)[:3]
    rows, expected = cf.wide_rows(clinics, "2026H1")
    path = cf.template_sheet(tmp_path / f"skabelon{suffix}", rows)
    rc, err = _import(demo_path, path, capsys)
    assert rc == 0, err
    assert "passer ikke til navnet" not in err, err
    assert _stored(demo_path, clinics, list(cf.KOL)) == {(c, m): v for (c, m, _), v in expected.items()}
