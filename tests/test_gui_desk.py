"""The desk's everyday parts, driven as a user would: wizard, clinics, corrections, undo, settings, tasks."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWizard

from klyngedesk.gui.main_window import MainWindow
from klyngedesk.gui.storage_check import storage_warning, sync_service
from klyngedesk.gui.tasks import TaskRunner

CLINICS = ("Lægehuset Ved Åen\t12345\tAnne Kragh, Bo Lind\tXMO\n"
           "Lægerne i Byen\t234567\tCarl Holm\tEG Clinea\n"
           "Lægeklinikken Syd\t345678\tDorte Friis\tNovax\n")


@pytest.fixture
def window(qtbot, app_context) -> MainWindow:
    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.show()
    return w


def _ok(qtbot, buttons: QDialogButtonBox) -> None:
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def make_cluster(qtbot, window: MainWindow, folder: Path, clinics: str = CLINICS,
                 topics: tuple[str, ...] = ("Antibiotika", "Smertebehandling")) -> Path:
    """New cluster through the wizard: type the name, paste the clinics from a spreadsheet, finish."""
    qtbot.mouseClick(window.welcome.new_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    qtbot.keyClicks(wizard.cluster_page.name, "Åby Klynge")
    qtbot.keyClicks(wizard.cluster_page.municipality, "Åby Kommune")
    wizard.cluster_page.folder.setText(str(folder))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    table = wizard.clinics_page.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    QGuiApplication.clipboard().setText(clinics)
    qtbot.keySequence(table, QKeySequence.StandardKey.Paste)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    listing = wizard.topics_page.topics
    for title in topics:  # select the topic, then Space ticks it
        item = listing.findItems(title, Qt.MatchFlag.MatchExactly)[0]
        qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=listing.visualItemRect(item).center())
        qtbot.keyClick(listing, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.project_opened, timeout=5000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    return wizard.created_path


def test_new_cluster_wizard_then_add_and_undo_a_clinic(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = make_cluster(qtbot, window, tmp_path)
    assert path == tmp_path / "Åby Klynge.klynge" and path.exists()
    assert window.windowTitle() == "KlyngeDesk — Åby Klynge"
    assert window.clinics_page.model.rowCount() == 3
    project = window.ctx.holder.project
    assert [c.doctors for c in project.clinics() if c.yder == "12345"] == [("Anne Kragh", "Bo Lind")]
    assert len(project.periods()) == 2 and [t.key for t in project.topics()] == ["antibiotika", "smerter"]

    qtbot.mouseClick(window.clinics_page.add_button, Qt.MouseButton.LeftButton)
    dialog = window.clinics_page.dialog
    dialog.name.setFocus()
    qtbot.keyClicks(dialog.name, "Lægehuset Nord")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)  # Tab follows the form from top to bottom
    assert dialog.focusWidget() is dialog.short_name
    qtbot.keyClick(dialog.short_name, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.yder
    qtbot.keyClick(dialog.yder, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.doctors
    qtbot.keyClicks(dialog.yder, "1234")  # too short: explained inline, OK disabled
    assert "5 eller 6 cifre" in dialog.problem.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClicks(dialog.yder, "5")  # now 12345: taken by another clinic
    assert "allerede" in dialog.problem.text()
    dialog.yder.clear()
    qtbot.keyClicks(dialog.yder, "456789")
    qtbot.keyClicks(dialog.doctors, "Eva Møller")
    first_period = next(iter(dialog.sizes.values()))
    first_period.setValue(3100)
    assert dialog.problem.text() == ""
    _ok(qtbot, dialog.buttons)
    assert window.clinics_page.model.rowCount() == 4
    assert project.list_sizes()["patients"].tolist() == [3100]

    qtbot.keySequence(window, QKeySequence.StandardKey.Undo)
    assert window.clinics_page.model.rowCount() == 3
    qtbot.keySequence(window, QKeySequence.StandardKey.Redo)
    assert window.clinics_page.model.rowCount() == 4


def test_correction_and_note_show_in_the_details_and_undo(qtbot, window: MainWindow, demo_path: Path) -> None:
    assert window.open_project(str(demo_path))
    window.tabs.setCurrentWidget(window.data_page)
    page = window.data_page
    page.topic_box.setCurrentIndex(page.topic_box.findText("Antibiotika"))
    index = page.model.index(0, 0)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = page.details.toPlainText()
    assert "Antibiotikaordinationer" in shown and "demo-generator" in shown, shown
    before = page.model.data(index)

    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()  # a reason is required
    dialog.number.setValue(1.0)
    qtbot.keyClicks(dialog.reason_edit, "klinikken rettede tallet")
    _ok(qtbot, dialog.buttons)
    assert page.model.data(index) != before
    assert "rettet i hånden: klinikken rettede tallet" in page.details.toPlainText()

    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.dialog.edit, "Ny læge i januar")
    _ok(qtbot, page.dialog.buttons)
    assert "Ny læge i januar" in page.details.toPlainText()

    qtbot.keySequence(window, QKeySequence.StandardKey.Undo)  # the note
    qtbot.keySequence(window, QKeySequence.StandardKey.Undo)  # the correction
    assert page.model.data(index) == before
    assert "Ny læge i januar" not in page.details.toPlainText()


def test_settings_are_kept_and_reach_the_project(qtbot, window: MainWindow, demo_path: Path) -> None:
    window.open_project(str(demo_path))
    dialog = window.open_settings()
    dialog.threshold.setValue(10)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    assert dialog.restart_note.isVisibleTo(dialog)
    _ok(qtbot, dialog.buttons)
    assert window.ctx.settings.value("language") == "en"
    assert window.ctx.holder.project.setting("threshold") == 10
    assert window.ctx.threshold() == 10


def test_cloud_and_network_folders_are_recognised() -> None:
    assert sync_service(r"C:\Users\anne\OneDrive - Region Midt\Klynge\Fjordby.klynge") == "OneDrive"
    assert sync_service("/Users/anne/Library/Mobile Documents/com~apple~CloudDocs/k.klynge") == "iCloud"
    assert sync_service("/home/anne/Dropbox/k.klynge") == "Dropbox"
    assert sync_service("G:/My Drive/k.klynge") == "Google Drive"
    assert sync_service("/home/anne/Dokumenter/k.klynge") is None
    assert "netværksdrev" in storage_warning(r"\\server\klynge\k.klynge", "da")
    assert "OneDrive" in storage_warning("/home/a/OneDrive/k.klynge", "da")


def test_opening_from_a_sync_folder_shows_a_warning(qtbot, window: MainWindow, demo_path: Path, tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "k.klynge"
    synced.parent.mkdir()
    demo_path.rename(synced)
    window.open_project(str(synced))
    assert window.banner.isVisible() and "Dropbox" in window.banner.text()


def test_background_task_reports_progress_result_error_and_cancel(qtbot) -> None:
    runner = TaskRunner()
    seen: list[float] = []

    def work(progress, cancelled):
        for i in range(5):
            progress(i / 4, f"step {i}")
        return 42

    results: list = []
    runner.start(work, progressed=lambda f, _m: seen.append(f), succeeded=results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    qtbot.waitUntil(lambda: seen == [0.0, 0.25, 0.5, 0.75, 1.0], timeout=5000)

    errors: list = []
    runner.start(lambda p, c: 1 / 0, failed=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)

    gate = threading.Event()

    def slow(progress, cancelled):
        gate.wait(5)
        progress(0.5)  # raises TaskCancelled once the user pressed Cancel
        return "never"

    stopped: list = []
    slow_task = runner.start(slow, cancelled=lambda: stopped.append(True), succeeded=stopped.append)
    slow_task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: stopped == [True], timeout=5000)
    assert runner.wait(5000) and not runner.busy


def test_an_unexpected_error_is_explained_in_danish(qtbot, monkeypatch) -> None:
    from klyngedesk.gui.error_dialog import error_text, install_excepthook

    assert "uventet fejl" in error_text(ValueError("x"), "da")
    shown: list[str] = []
    monkeypatch.setattr("klyngedesk.gui.error_dialog.show_error", lambda parent, error, lang: shown.append(lang))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    import sys
    old = sys.excepthook
    try:
        install_excepthook("da")
        try:
            raise RuntimeError("boom")
        except RuntimeError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = old
    assert shown == ["da"]


def test_the_qt_binding_keeps_its_references(qapp) -> None:
    """PySide6 6.12.0 under Python 3.11 dropped a reference to None on every void call; the window then
    crashed after a few thousand calls (none_dealloc). pyproject pins below it; this guards the pin."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50


def test_log_file_and_window_state_are_kept(qtbot, app_context, tmp_path: Path) -> None:
    import logging

    from klyngedesk.gui.error_dialog import setup_logging

    path = setup_logging(tmp_path / "data")
    logging.getLogger("klyngedesk.gui.tasks").error("an import failed")
    for handler in logging.getLogger("klyngedesk").handlers:
        handler.flush()
    assert path.name == "klyngedesk.log" and "an import failed" in path.read_text(encoding="utf-8")

    first = MainWindow(app_context)
    qtbot.addWidget(first)
    first.show()
    first.resize(780, 520)
    size = first.size()
    first.close()
    assert app_context.settings.value("window/geometry") is not None
    again = MainWindow(app_context)
    qtbot.addWidget(again)
    assert again.size() == size


def test_a_new_round_is_added_for_the_follow_up(qtbot, window: MainWindow, demo_path: Path) -> None:
    window.open_project(str(demo_path))
    window.tabs.setCurrentWidget(window.data_page)
    before = [p.key for p in window.ctx.holder.project.periods()]
    qtbot.mouseClick(window.data_page.round_button, Qt.MouseButton.LeftButton)
    dialog = window.data_page.dialog
    offered = [dialog.choice.itemData(i) for i in range(dialog.choice.count())]
    assert offered and not set(offered) & set(before)
    chosen = dialog.period()  # proposed: the first round after the latest one (2026H1)
    assert chosen.key > before[-1] and all(k < before[-1] for k in offered if k < chosen.key)
    _ok(qtbot, dialog.buttons)
    after = [p.key for p in window.ctx.holder.project.periods()]
    assert after == [*before, chosen.key]
    assert window.data_page.period_box.currentData() == chosen.key
