"""Foreign files through the import window: read exactly or refused in Danish with row and column, no traceback."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from PySide6.QtCore import Qt

from klyngedesk.gui.main_window import MainWindow

NEW = "2026H2"


def _planned(qtbot, window: MainWindow, paths: list[Path]):
    wizard = window.import_files([str(p) for p in paths])
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    return wizard


def _problems(wizard) -> list[str]:
    return [wizard.preview.problems.item(i).text() for i in range(wizard.preview.problems.count())]


def test_foreign_files_in_the_window(qtbot, import_window: MainWindow, tmp_path: Path) -> None:
    window, project = import_window, import_window.ctx.holder.project
    clinics = cf.demo_clinics(project)
    html = tmp_path / "journal.xls"  # an HTML table saved as .xls, with a totals row
    html.write_text("<html><body><table><tr><th>Ydernummer</th><th>Periode</th><th>morfin_brugere</th></tr>" +
                    "".join(f"<tr><td>{c.yder}</td><td>{NEW}</td><td>{10 + i}</td></tr>" for i, c in
                            enumerate(clinics[:3])) + f"<tr><td>I alt</td><td>{NEW}</td><td>33</td></tr>"
                    "</table></body></html>", encoding="utf-8")
    rows, _ = cf.wide_rows(clinics[3:6], NEW)
    rows[2][5] = 0.1  # the second clinic's kol_rehab typed as 10 %
    percent = cf.write_sheet(tmp_path / "andele.xlsx", rows, percent_cells=frozenset({(2, 5)}))
    short = tmp_path / "kort.csv"
    short.write_text(f"Praksis;Periode;morfin_brugere\nTorvet;{NEW};5\n", encoding="utf-8")
    wizard = _planned(qtbot, window, [html, percent, short])
    assert [f.status for f in wizard.plan.files] == ["ready", "failed", "failed"]
    wizard.files.setCurrentRow(0)
    assert any("Udeladt som totaler" in p and "række 5 (I alt)" in p for p in _problems(wizard)), _problems(wizard)
    wizard.files.setCurrentRow(1)
    assert any("række 3" in p and "kol_rehab" in p and "10 % er en procentdel" in p for p in _problems(wizard)), \
        _problems(wizard)
    wizard.files.setCurrentRow(2)
    assert any("Lægehuset Torvet, Lægeklinikken Torvet" in p and "vælger ikke" in p for p in _problems(wizard))
    assert not wizard.import_button.isEnabled()
    wizard.grab().save(str(tmp_path / "fremmede_filer.png"))  # looked at: the refusal of the short name
    wizard.leave_out_file(2)
    qtbot.waitUntil(lambda: not window.runner.busy and len(wizard.plan.files) == 2, timeout=20000)
    wizard.leave_out_file(1)
    qtbot.waitUntil(lambda: not window.runner.busy and len(wizard.plan.files) == 1 and wizard.plan.ok, timeout=20000)
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    stored = project.values(period=NEW)
    assert {(r.clinic, r.value) for r in stored.itertuples()} == {(c.key, 10.0 + i) for i, c in enumerate(clinics[:3])}
