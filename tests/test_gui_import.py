"""The import wizard: refusals in Danish, problems that jump to their cell, a cancelled import leaves nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import clinic_files as cf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

from klyngedesk.gui import import_wizard
from klyngedesk.gui.main_window import MainWindow

NEW = "2026H2"


@pytest.fixture
def window(import_window: MainWindow) -> MainWindow:
    return import_window


def _planned(qtbot, window: MainWindow, paths: list[Path]):
    wizard = window.import_files([str(p) for p in paths])
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    return wizard


def test_refusals_and_problems_are_explained_and_point_at_the_cell(qtbot, window: MainWindow, tmp_path: Path) -> None:
    clinics = cf.demo_clinics(window.ctx.holder.project)
    good = cf.standard_csv(tmp_path, clinics[:2], NEW)
    bad = tmp_path / "rettet_med_fejl.csv"
    lines = good.path.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(";")
    fields[-1] = "ukendt"
    lines[3] = ";".join(fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cpr = cf.cpr_file(tmp_path)
    wizard = _planned(qtbot, window, [bad, cpr])
    statuses = [f.status for f in wizard.plan.files]
    assert statuses == ["failed", "refused"], statuses
    assert not wizard.import_button.isEnabled()

    wizard.files.setCurrentRow(1)  # the CPR file: refused, explained in Danish, nothing stored
    assert "afvist" in wizard.preview.facts.text()
    assert "CPR" in wizard.preview.facts.text() or "cpr" in wizard.preview.facts.text().lower()

    wizard.files.setCurrentRow(0)
    problems = wizard.preview.problems
    item = next(problems.item(i) for i in range(problems.count()) if "ukendt" in problems.item(i).text())
    assert "række 4" in item.text() and "vaerdi" in item.text()
    qtbot.mouseClick(problems.viewport(), Qt.MouseButton.LeftButton, pos=problems.visualItemRect(item).center())
    grid = wizard.preview.grid
    assert grid.currentItem().text() == "ukendt"
    assert grid.verticalHeaderItem(grid.currentRow()).text() == "4"

    # Leaving out the bad files makes the rest importable.
    wizard.leave_out_file(1)
    qtbot.waitUntil(lambda: not window.runner.busy and len(wizard.plan.files) == 1, timeout=20000)
    wizard.reject()


def test_a_cancelled_import_leaves_nothing(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    project = window.ctx.holder.project
    clinics = cf.demo_clinics(project)
    files = [cf.standard_csv(tmp_path, clinics[:3], NEW, name="a.csv"),
             cf.standard_csv(tmp_path, clinics[3:6], NEW, seed=7, name="b.csv")]
    before = len(project.batches())
    first_stored, pressed = threading.Event(), threading.Event()
    real = import_wizard.commit_plan

    def slow_commit(target, plan, **kw):
        progress = kw.pop("progress")

        def after_each_file(fraction: float) -> None:
            first_stored.set()
            pressed.wait(10)  # the user presses Cancel while the second file waits
            progress(fraction)  # the helper notices the Cancel here

        return real(target, plan, progress=after_each_file, **kw)

    monkeypatch.setattr(import_wizard, "commit_plan", slow_commit)
    wizard = _planned(qtbot, window, [f.path for f in files])
    assert wizard.plan.ok
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(first_stored.is_set, timeout=10000)
    qtbot.waitUntil(lambda: len(wizard.findChildren(QProgressDialog, "progress_dialog")) == 1, timeout=5000)
    task_dialog = wizard.findChild(QProgressDialog, "progress_dialog")
    assert task_dialog is not None
    cancel_button = task_dialog.findChild(QPushButton)
    assert cancel_button.text() == "Annullér"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    pressed.set()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert len(project.batches()) == before  # the whole transaction was rolled back
    assert project.values(period=NEW).empty
    assert window.undo_stack.count() == 0
    assert wizard.isVisible()  # the wizard stays open: the user may try again or cancel
    wizard.reject()


def test_choose_the_period_and_confirm_a_fuzzy_clinic_match(qtbot, window: MainWindow, tmp_path: Path) -> None:
    project = window.ctx.holder.project
    f = tmp_path / "kol_fra_praksis.csv"
    f.write_text("Praksis;Måling;Antal\nLægehuset Torvett;kol_patienter;120\nLægehuset Torvett;kol_lfu;80\n",
                 encoding="utf-8")
    wizard = _planned(qtbot, window, [f])
    assert wizard.plan.files[0].status == "failed"
    assert "periode" in wizard.preview.problems.item(0).text().lower()

    wizard.period_box.setCurrentIndex(wizard.period_box.findData(NEW))  # the user picks the round
    qtbot.waitUntil(lambda: not window.runner.busy and wizard.plan.files[0].status == "questions", timeout=20000)
    question = wizard.questions.item(0)
    assert "Lægehuset Torvett" in question.text() and "Lægehuset Torvet?" in question.text()
    assert not wizard.import_button.isEnabled()
    wizard.questions.setCurrentItem(question)
    qtbot.keyClick(wizard.questions, Qt.Key.Key_Space)  # "yes, that is the clinic"
    qtbot.waitUntil(lambda: not window.runner.busy and wizard.plan.ok, timeout=20000)
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    stored = project.values(period=NEW)
    assert set(stored["clinic"]) == {"K04"} and sorted(stored["value"]) == [80.0, 120.0]
