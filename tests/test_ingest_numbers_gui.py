"""The import window asks how an ambiguous number column is written, and imports what the user chose."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from klyngedesk.gui.main_window import MainWindow

NEW = "2026H2"


@pytest.fixture
def window(import_window: MainWindow) -> MainWindow:
    return import_window


def test_the_user_chooses_the_reading_of_an_ambiguous_column(qtbot, window: MainWindow, tmp_path: Path) -> None:
    project = window.ctx.holder.project
    yder = project.clinics()[0].yder
    path = tmp_path / "udtraek.txt"
    path.write_text(f"Ydernummer\tMåling\tPeriode\tAntal\n{yder}\tkol_patienter\t{NEW}\t1.234\n"
                    f"{yder}\tkol_lfu\t{NEW}\t1.100\n", encoding="utf-8")
    wizard = window.import_files([str(path)])
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    assert wizard.plan.files[0].status == "failed" and not wizard.import_button.isEnabled()
    texts = [wizard.questions.item(i).text() for i in range(wizard.questions.count())]
    assert any("1100" in t and "tusindtalsseparator" in t for t in texts)  # both readings, in Danish
    assert any("1,1 " in t and "decimaltegn" in t for t in texts)
    if os.environ.get("KLYNGEDESK_GRAB"):
        wizard.grab().save(os.environ["KLYNGEDESK_GRAB"])
    thousands = next(wizard.questions.item(i) for i in range(wizard.questions.count())
                     if "tusindtalsseparator" in wizard.questions.item(i).text())
    wizard.questions.setCurrentItem(thousands)
    qtbot.keyClick(wizard.questions, Qt.Key.Key_Space)  # "yes: the dot separates thousands"
    qtbot.waitUntil(lambda: not window.runner.busy and wizard.plan.ok, timeout=20000)
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert sorted(project.values(period=NEW)["value"]) == [1100.0, 1234.0]
