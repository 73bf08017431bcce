"""The project file changes under the open window: deleted, moved or made read-only in the file manager.
Nothing saved is lost, the next change is never silently lost, and the next open says what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import faults
import pytest
from gui_user import show_active
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from klyngedesk.core.model import Clinic
from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, app_context, _small_demo_master: Path, tmp_path: Path) -> MainWindow:
    path = tmp_path / "Klynge" / "Lilleklynge.klynge"
    path.parent.mkdir()
    shutil.copy(_small_demo_master, path)
    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.resize(1024, 640)
    show_active(qtbot, w)
    assert w.open_project(str(path))
    yield w
    w.close_project()


def _add_clinic_typed(qtbot, window: MainWindow, name: str, yder: str):
    page = window.clinics_page
    window.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.add_button, LEFT)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.yder, yder)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
    return dialog


def _clinic_names(path: Path) -> list[str]:
    with Project.open(path, readonly=True) as project:
        return [c.name for c in project.clinics()]


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_the_project_file_deleted_or_moved_while_open(qtbot, window: MainWindow, tmp_path: Path, how: str) -> None:
    path = window.ctx.holder.project.path
    saved = _add_clinic_typed(qtbot, window, "Lægehuset før", "500001")
    assert not saved.isVisible()
    elsewhere = tmp_path / "Andet sted"
    elsewhere.mkdir()
    if how == "deleted":
        path.unlink()
    else:
        path.rename(elsewhere / path.name)

    dialog = _add_clinic_typed(qtbot, window, "Lægehuset efter", "500002")
    box = dialog.not_saved_box  # the change is refused, never stored where nobody sees it again
    assert box is not None and box.isVisible()
    assert f"Projektfilen {path} er flyttet, omdøbt eller slettet" in box.text() and "ikke gemt" in box.text()
    box.accept()
    assert dialog.isVisible() and dialog.name.text() == "Lægehuset efter"

    window.check_project_file()  # as when the window gets the keyboard back (from the box, or the file manager)
    offer = window.moved_box
    assert offer is not None and offer.isVisible() and str(path) in offer.text()
    assert window.save_here_button.isVisible() and window.save_here_button.text() == "Gem den igen her"
    qtbot.mouseClick(window.save_here_button, LEFT)
    qtbot.waitUntil(lambda: window.moved_box is None and path.exists(), timeout=5000)
    assert window.ctx.holder.project is not None and window.ctx.holder.project.path == path
    assert "Lægehuset før" in [c.name for c in window.ctx.holder.project.clinics()]

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)  # the same OK again
    assert not dialog.isVisible()
    window.close_project()
    names = _clinic_names(path)
    assert "Lægehuset før" in names and "Lægehuset efter" in names


def test_save_as_when_the_folder_is_gone(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    project = window.ctx.holder.project
    project.add_clinic(Clinic("K77", "Lægehuset gemt", "500077"))
    path = project.path
    shutil.rmtree(path.parent)  # the whole folder (a USB stick pulled out, a synced folder removed)
    window.check_project_file()
    assert not window.save_here_button.isVisible()  # nowhere to put it back
    target = tmp_path / "Reddet" / "Klynge.klynge"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target.with_suffix("")), ""))
    qtbot.mouseClick(window.save_as_button, LEFT)
    qtbot.waitUntil(lambda: window.ctx.holder.project is not None and window.ctx.holder.project.path == target,
                    timeout=5000)
    assert "Lægehuset gemt" in [c.name for c in window.ctx.holder.project.clinics()]
    assert window.windowTitle().startswith("KlyngeDesk — ")


def test_not_now_asks_again_and_nothing_is_written_meanwhile(qtbot, window: MainWindow) -> None:
    path = window.ctx.holder.project.path
    path.unlink()
    window.check_project_file()
    later = next(b for b in window.moved_box.buttons() if b.text() == "Ikke nu")
    qtbot.mouseClick(later, LEFT)
    assert window.moved_box is None and not path.exists()
    window.check_project_file()
    assert window.moved_box is not None  # asked again next time the window is used
    window.moved_box.reject()


def _answer(qtbot, name: str, button_text: str | None) -> list[str]:
    """Press `button_text` (None: Cancel) in the message box called `name` once it comes up (it blocks); its text is
    returned."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == name:
            seen.append(box.text())
            cancel = box.button(QMessageBox.StandardButton.Cancel)
            (cancel if button_text is None else next(b for b in box.buttons() if b.text() == button_text)).click()
        elif not seen:
            QTimer.singleShot(50, press)

    QTimer.singleShot(50, press)
    return seen


def test_a_project_file_made_read_only_while_open(qtbot, window: MainWindow) -> None:
    """The change after it is still saved through the program's open file (Windows and Linux both allow that),
    and the next open says the file is write-protected and offers to open it to look at."""
    path = window.ctx.holder.project.path
    with faults.read_only(path):
        dialog = _add_clinic_typed(qtbot, window, "Lægehuset skrivebeskyttet", "500003")
        assert dialog.not_saved_box is None and not dialog.isVisible()
        window.close_project()

        seen = _answer(qtbot, "read_only_box", "Åbn skrivebeskyttet")
        assert window.open_project(str(path))
        assert seen and f"{path} er skrivebeskyttet" in seen[0] or "må ikke skrive" in seen[0], seen
        assert window.banner.isVisible() and window.banner.text().startswith("Projektet er åbnet skrivebeskyttet")
        assert "Lægehuset skrivebeskyttet" in [c.name for c in window.ctx.holder.project.clinics()]

        add = window.clinics_page.add_button   # a change cannot be begun: greyed, saying why (test_gui_read_only_desk)
        assert not add.isEnabled() and add.toolTip().startswith("Projektet er åbnet skrivebeskyttet")
        window.close_project()

        seen = _answer(qtbot, "read_only_box", None)  # Cancel: nothing opened, the welcome page stays
        assert not window.open_project(str(path)) and seen
        assert window.ctx.holder.project is None
    assert window.open_project(str(path))  # writable again: opened for writing, no read-only banner
    assert not window.ctx.holder.project.readonly and not window.banner.text().startswith("Projektet er åbnet")


def test_undo_the_file_refuses_leaves_the_edit_menu_true(qtbot, window: MainWindow, monkeypatch) -> None:
    """Ctrl+Z when the file is gone: said, and Edit ▸ Undo still offers the step (Redo offers nothing never undone)."""
    from klyngedesk.gui import error_dialog

    said: list[str] = []
    monkeypatch.setattr(error_dialog.QMessageBox, "exec", lambda box: said.append(box.text()) or 0)
    saved = _add_clinic_typed(qtbot, window, "Lægehuset fortryd", "500005")
    assert not saved.isVisible()
    undo_text = window.undo_action.text()
    assert "Lægehuset fortryd" in undo_text
    path = window.ctx.holder.project.path
    path.rename(path.with_name("flyttet.klynge"))
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert "er flyttet, omdøbt eller slettet" in said[0]
    assert window.undo_action.text() == undo_text and not window.redo_action.isEnabled()
    assert "Lægehuset fortryd" in [c.name for c in window.ctx.holder.project.clinics()]
    if window.moved_box is not None:
        window.moved_box.reject()

    path.with_name("flyttet.klynge").rename(path)  # put back: the same file again, so undo works
    window.undo_action.trigger()
    assert "Lægehuset fortryd" not in [c.name for c in window.ctx.holder.project.clinics()]
    redo_text = window.redo_action.text()
    path.rename(path.with_name("flyttet.klynge"))
    said.clear()
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=3000)
    assert window.redo_action.text() == redo_text and window.redo_action.isEnabled()
    assert "Lægehuset fortryd" not in [c.name for c in window.ctx.holder.project.clinics()]
    if window.moved_box is not None:
        window.moved_box.reject()


def test_a_consent_ticked_in_a_read_only_project_is_not_shown_as_saved(qtbot, window: MainWindow,
                                                                        monkeypatch) -> None:
    from klyngedesk.gui import error_dialog, meetings_page

    said: list[str] = []
    monkeypatch.setattr(meetings_page, "show_error",
                        lambda _parent, error, lang: said.append(error_dialog.error_text(error, lang)))
    path = window.ctx.holder.project.path
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
    qtbot.mouseClick(page.draw_button, LEFT)
    with faults.read_only(path):
        window.close_project()
        _answer(qtbot, "read_only_box", "Åbn skrivebeskyttet")
        assert window.open_project(str(path)) and window.ctx.holder.project.readonly
        window.tabs.setCurrentWidget(page)
        page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
        cell = page.codes.item(0, 2)
        assert cell.checkState() == Qt.CheckState.Unchecked
        cell.setCheckState(Qt.CheckState.Checked)  # what a click on the box does
        qtbot.waitUntil(lambda: bool(said), timeout=3000)
        assert "skrivebeskyttet" in said[0]
        qtbot.waitUntil(lambda: page.codes.item(0, 2).checkState() == Qt.CheckState.Unchecked, timeout=3000)
        page.threshold.setValue(page.threshold.value() + 2)
        qtbot.waitUntil(lambda: len(said) == 2, timeout=3000)
        qtbot.waitUntil(lambda: page.threshold.value() == 5, timeout=3000)
        window.close_project()
