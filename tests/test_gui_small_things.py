"""Small things a well-made program does: the guide under Hjælp, a useful first size that is remembered,
closing the window while the import wizard is open explains why nothing happens."""

from __future__ import annotations

from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import QSettings, Qt

from klyngedesk.gui.app import make_context
from klyngedesk.gui.guide_dialog import GuideDialog
from klyngedesk.gui.main_window import MainWindow


def test_f1_opens_the_danish_guide_with_screenshots(qtbot, app_context) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    press(qtbot, Qt.Key.Key_F1)
    guide = window.wizard
    assert isinstance(guide, GuideDialog) and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "Skabeloner til klinikkerne" in text and "Lav mødematerialet" in text and "Ctrl+Tab" in text
    html = guide.browser.toHtml()
    assert html.count("<img") >= 5
    assert "screenshots/da-1024x700-2-data.png" in html


def test_first_size_is_useful_and_the_geometry_is_remembered(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "first.ini"), QSettings.Format.IniFormat)
    ctx = make_context(settings, lang="da")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    assert window.width() >= min(1024, area.width()) and window.height() >= min(700, area.height())
    size = (area.width() - 40, area.height() - 60)  # the user makes it a little smaller
    window.resize(*size)
    window.close()
    again = MainWindow(make_context(settings, lang="da"))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size


def test_closing_with_the_import_wizard_open_says_why(qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    f = tmp_path / "a.csv"
    f.write_text("x\n", encoding="utf-8")
    wizard = window.import_files([str(f)])
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    window.close()
    assert window.isVisible() and wizard.isVisible()
    box = window.close_blocked_box
    assert box.isVisible() and "Importguiden er stadig åben" in box.text()
    box.accept()
    wizard.reject()
    window.close()
    assert not window.isVisible()


def test_a_dialog_with_typed_input_asks_before_discarding(qtbot, app_context, demo_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.data_page
    page.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    press(qtbot, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dialog.isVisible()

    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.edit, "Ring til klinikken om tallene")
    press(qtbot, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and box.isVisible() and dialog.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.edit.toPlainText() == "Ring til klinikken om tallene"
    dialog.reject()  # the Cancel button / the window's close button
    qtbot.mouseClick(dialog.discard_box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert not window.ctx.holder.project.notes()


def test_settings_keep_their_layout_when_the_restart_note_appears(qtbot, app_context) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible)
    before = {w: w.geometry() for w in (dialog.language, dialog.buttons)}
    dialog.language.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # another language
    qtbot.waitUntil(dialog.restart_note.isVisible)
    assert {w: w.geometry() for w in before} == before  # nothing moved or was squeezed
    note = dialog.restart_note.geometry()
    assert note.height() >= dialog.restart_note.heightForWidth(note.width()) - 1
    assert dialog.buttons.geometry().top() >= note.bottom()
    dialog.reject()
