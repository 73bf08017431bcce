"""Start-up of `klyngedesk import`: a spreadsheet import loads only what reading and storing it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook
from startup_probe import modules_loaded, small_demo

# Libraries an import of a standard file never uses: the PDF and xlsx writers, pandas (the import reads plain
# rows), the GUI,
# importlib.metadata (the version lookup, a tenth of a second of every run, needed only by --version), and
# rapidfuzz (only for a clinic name or a heading that matches nothing exactly).
UNNEEDED = ("pandas", "numpy", "openpyxl", "reportlab", "PySide6", "pyqtgraph", "importlib.metadata", "rapidfuzz")


def _run(*argv: str) -> dict:
    return modules_loaded(UNNEEDED, *argv)


def test_an_xlsx_import_loads_no_writer_pandas_or_version_lookup(tmp_path: Path) -> None:
    from klyngedesk.core.store import Project

    project, clinic, period, measure = small_demo(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
    ws.append([clinic.yder, clinic.name, measure, period, 7])
    data = tmp_path / "data.xlsx"
    wb.save(data)
    assert _run("import", str(project), str(data), "--yes") == {"code": 0, "loaded": []}
    with Project.open(project, readonly=True) as p:
        stored = p.values(period)
    row = stored[(stored["clinic"] == clinic.key) & (stored["measure"] == measure)]
    assert list(row["value"]) == [7.0]


def test_the_version_is_still_printed_and_importable() -> None:
    import klyngedesk

    for argv in (["--version"], ["--lang", "en", "--version"]):
        proc = subprocess.run([sys.executable, "-c", "import sys\nfrom klyngedesk.cli.main import main\n"
                               f"sys.exit(main({argv!r}))"], capture_output=True, text=True)
        assert proc.returncode == 0
        assert proc.stdout.strip() == f"KlyngeDesk {klyngedesk.__version__}"
    assert klyngedesk.__version__ == klyngedesk.version() != ""
