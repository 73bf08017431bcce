"""A project opened read-only (another KlyngeDesk writes it, or the file is write-protected): every button and
menu entry that would change it is greyed out with a Danish tooltip saying why, clicking it does nothing, and the
file is not touched; opened writable again, the same buttons work as before."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import faults
import pytest
from gui_user import drop, show_active
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
WHY = "Projektet er åbnet skrivebeskyttet"


def _answer_open_read_only() -> list[str]:
    """Press 'Åbn skrivebeskyttet' in the box that offers it, once it comes up (it blocks)."""
    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "read_only_box":
            seen.append(box.text())
            next(b for b in box.buttons() if b.text() == "Åbn skrivebeskyttet").click()
        elif not seen:
            QTimer.singleShot(50, press)

    QTimer.singleShot(50, press)
    return seen


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_controls(window: MainWindow) -> dict[str, object]:
    """Every control of the desk that changes the project, by what the coordinator reads on it."""
    clinics, data, history = window.clinics_page, window.data_page, window.history_page
    meetings, topics = window.meetings_page, window.topics_page
    return {"Tilføj praksis": clinics.add_button, "Ret praksis": clinics.edit_button,
            "Ret værdi": data.correct_button, "Note på værdien": data.note_button,
            "Note på praksis": data.clinic_note_button, "Ny runde": data.round_button,
            "Importér filer (side)": history.import_button, "Fortryd import": history.undo_button,
            "Planlæg møde": meetings.new_button, "Ret møde": meetings.edit_button,
            "Træk koder": meetings.draw_button, "Småtalsgrænse": meetings.threshold,
            "Lav mødematerialet": meetings.pack.build_button,
            "Importér temapakke": topics.topics.import_button, "Tilføj indbygget tema": topics.topics.builtin_button,
            "Tilføj referenceværdi": topics.topics.add_reference_button,
            "Importér referenceværdier": topics.topics.import_references_button,
            "Planlæg handling": topics.follow_up.plan_button, "Gem resultat": topics.survey.save_button,
            "Filer ▸ Importér filer": window.import_action}


def _check_read_only(qtbot, window: MainWindow, path: Path, tmp_path: Path) -> None:
    before = _digest(path)
    project = window.ctx.holder.project
    assert project.readonly and window.banner.text().startswith(WHY)
    controls = _write_controls(window)
    window.meetings_page.meeting_list.setCurrentRow(0)   # a meeting chosen: the page enables its buttons ...
    window.clinics_page.table.selectRow(0)
    for label, control in controls.items():               # ... and every one of them stays grey, saying why
        assert not control.isEnabled(), label
        assert control.toolTip().startswith(WHY) and "åbn projektet igen" in control.toolTip(), label
    menu = {a.text().replace("&", ""): a for a in window.page_actions.actions}
    window.page_actions._fill()
    for text in ("Tilføj klinik…", "Ret værdi…", "Træk koder", "Lav mødematerialet", "Planlæg møde…"):
        assert not menu[text].isEnabled(), text   # the Actions menu's entries too
    for name in ("Ctrl+D", "Ctrl+B", "Ctrl+M", "Ctrl+R"):
        qtbot.keyClick(window, name[-1].lower(), Qt.KeyboardModifier.ControlModifier)
    window.tabs.setCurrentWidget(window.clinics_page)
    qtbot.mouseClick(window.clinics_page.add_button, LEFT)
    index = window.clinics_page.table.model().index(0, 0)
    qtbot.mouseDClick(window.clinics_page.table.viewport(), LEFT,
                      pos=window.clinics_page.table.visualRect(index).center())
    window.tabs.setCurrentWidget(window.meetings_page)
    qtbot.mouseClick(window.meetings_page.draw_button, LEFT)
    qtbot.mouseClick(window.meetings_page.pack.build_button, LEFT)
    codes = window.meetings_page.codes
    qtbot.waitUntil(lambda: codes.item(0, 2) is not None, timeout=5000)
    tick = codes.item(0, 2)
    state = tick.checkState()
    qtbot.mouseClick(codes.viewport(), LEFT, pos=codes.visualItemRect(tick).center())
    assert tick.checkState() == state and tick.toolTip().startswith(WHY)   # a consent cannot be ticked
    qtbot.wait(100)
    assert QApplication.activeModalWidget() is None and not [w for w in QApplication.topLevelWidgets()
                                                              if w.isVisible() and w is not window
                                                              and type(w).__name__ != "QTipLabel"]
    drop(window, [tmp_path / "praksis.xlsx"])   # a clinic's file dropped on the window: said, not imported
    assert window.import_wizard is None and "Intet blev importeret" in window.drop_box.text()
    window.drop_box.accept()
    assert _digest(path) == before


@pytest.fixture
def copy(_small_demo_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "Klynge" / "Lilleklynge.klynge"
    path.parent.mkdir()
    shutil.copy(_small_demo_master, path)
    (tmp_path / "praksis.xlsx").write_bytes(b"PK")
    return path


@pytest.fixture
def window(qtbot, app_context) -> MainWindow:
    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    show_active(qtbot, w)
    yield w
    w.close_project()


def test_held_by_another_klyngedesk_opens_read_only_with_every_change_greyed(qtbot, window, copy, tmp_path) -> None:
    with Project.open(copy):   # another KlyngeDesk has it open for writing
        seen = _answer_open_read_only()
        assert window.open_project(str(copy))
        assert seen and "allerede åbent" in seen[0]
        _check_read_only(qtbot, window, copy, tmp_path)
        window.close_project()
    assert window.open_project(str(copy))   # the other one closed: writable, and the buttons work again
    assert not window.ctx.holder.project.readonly
    controls = _write_controls(window)
    for label in ("Tilføj praksis", "Ny runde", "Planlæg møde", "Småtalsgrænse",
                  "Filer ▸ Importér filer"):
        assert controls[label].isEnabled() and not controls[label].toolTip().startswith(WHY), label
    window.meetings_page.meeting_list.setCurrentRow(0)
    assert window.meetings_page.edit_button.isEnabled()
    assert window.meetings_page.codes.item(0, 2).flags() & Qt.ItemFlag.ItemIsUserCheckable
    qtbot.mouseClick(window.clinics_page.add_button, LEFT)
    qtbot.waitUntil(lambda: window.clinics_page.dialog is not None and window.clinics_page.dialog.isVisible(),
                    timeout=3000)
    window.clinics_page.dialog.reject()


def test_a_write_protected_file_opens_read_only_with_every_change_greyed(qtbot, window, copy, tmp_path) -> None:
    with faults.read_only(copy):
        seen = _answer_open_read_only()
        assert window.open_project(str(copy)) and seen
        _check_read_only(qtbot, window, copy, tmp_path)
