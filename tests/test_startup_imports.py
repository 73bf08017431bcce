"""Start-up: a command loads only the libraries it needs (a whole-process run pays for every import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from startup_probe import modules_loaded, small_demo

HEAVY = ("reportlab", "openpyxl", "pikepdf", "pypdfium2", "highspy", "PySide6", "pyqtgraph")


def _run(*argv: str) -> dict:
    return modules_loaded(HEAVY, *argv)


def test_import_of_a_csv_loads_no_pdf_or_spreadsheet_writer(tmp_path: Path) -> None:
    from klyngedesk.core.store import Project

    project, clinic, period, measure = small_demo(tmp_path)
    data = tmp_path / "data.csv"
    data.write_text(f"ydernummer;praksis;maaling;periode;vaerdi\n{clinic.yder};{clinic.name};{measure};{period};7\n",
                    encoding="utf-8")
    result = _run("import", str(project), str(data), "--yes")
    assert result == {"code": 0, "loaded": []}
    with Project.open(project, readonly=True) as p:
        stored = p.values(period)
    row = stored[(stored["clinic"] == clinic.key) & (stored["measure"] == measure)]
    assert list(row["value"]) == [7.0]


def test_help_still_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-c", "from klyngedesk.cli.main import main; main(['--help'])"],
                         capture_output=True, text=True).stdout
    for command in ("demo", "info", "template", "inspect", "import", "survey", "pack", "package", "collate",
                    "reference"):
        assert command in out


def test_an_unknown_command_names_the_known_ones() -> None:
    proc = subprocess.run([sys.executable, "-c", "import sys\nfrom klyngedesk.cli.main import main\n"
                           "sys.exit(main(['bogus']))"], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "import" in proc.stderr and "pack" in proc.stderr
