"""Skabeloner til klinikkerne from the window: per clinic or for all, named by clinic name, with the e-mail text."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from klyngedesk.core.templates import read_template_meta
from klyngedesk.core.templates.sending import safe_file_name
from klyngedesk.gui.main_window import MainWindow
from klyngedesk.gui.template_dialog import TemplateDialog

LONG = "Lægepraksis ved Speciallæge i almen medicin Anne-Mette Østergaard-Kristensen og Jens Peter Bøgh-Andersen"


def _dialog(qtbot, app_context, demo_path: Path) -> tuple[MainWindow, TemplateDialog]:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    press(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # Filer > Skabeloner til klinikkerne…
    dialog = window.wizard
    assert isinstance(dialog, TemplateDialog) and dialog.isVisible()
    return window, dialog


def test_one_template_per_clinic_named_by_clinic_with_the_mail_to_copy(qtbot, app_context, demo_path: Path,
                                                                        tmp_path: Path) -> None:
    window, dialog = _dialog(qtbot, app_context, demo_path)
    project = window.ctx.holder.project
    dialog.topic_box.setFocus()
    qtbot.keyClicks(dialog.topic_box, "KOL")
    assert dialog.topic_box.currentText() == "KOL"
    assert dialog.period_box.currentText() == "1. halvår 2026"
    dialog.folder.clear()
    qtbot.keyClicks(dialog.folder, str(tmp_path / "skabeloner"))
    assert "Skriver 14 filer" in dialog.files_label.text()
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    files = sorted((tmp_path / "skabeloner").glob("*.xlsx"))
    names = {c.name for c in project.clinics()}
    assert len(files) == 14
    for f in files:
        assert f.name.startswith("KOL 1. halvår 2026 - ") and not any(c.key in f.name for c in project.clinics())
        meta = read_template_meta(f)
        assert meta["topic"] == "kol" and meta["period"] == "2026H1"
        assert project.clinic(meta["clinic_key"]).name == f.stem.removeprefix("KOL 1. halvår 2026 - ")
    assert {f.stem.removeprefix("KOL 1. halvår 2026 - ") for f in files} == names
    assert "14 skabeloner skrevet" in dialog.status.text() and dialog.open_button.isEnabled()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    mail = QGuiApplication.clipboard().text()
    deadline = (date.today() + timedelta(days=14)).strftime("%d.%m.%Y")
    assert "KOL" in mail and "1. halvår 2026" in mail and f"senest {deadline}" in mail and "CPR" in mail
    assert "din kliniks skabelon" in mail

    # Writing again would replace files a clinic may have filled in: it asks, and No keeps them.
    before = files[0].stat().st_mtime_ns
    files[0].write_bytes(files[0].read_bytes())  # "filled in" by the clinic
    kept = files[0].stat().st_mtime_ns
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    box = dialog.confirm_box
    assert box is not None and box.isVisible() and "14 af filerne findes allerede" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert files[0].stat().st_mtime_ns == kept >= before


def test_one_template_for_all_clinics(qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window, dialog = _dialog(qtbot, app_context, demo_path)
    dialog.folder.setText(str(tmp_path))
    qtbot.mouseClick(dialog.all_radio, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.all_radio.height() // 2))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    [written] = list(tmp_path.glob("*.xlsx"))
    assert written.name == f"{dialog.topic_box.currentText()} 1. halvår 2026 - alle klinikker.xlsx"
    assert read_template_meta(written)["clinic_key"] == ""
    assert "kun rækkerne for din egen klinik" in dialog.mail.toPlainText()


def test_file_names_survive_long_and_odd_clinic_names() -> None:
    name = safe_file_name(f"KOL 1. halvår 2026 - {LONG}")
    assert len(name) <= 100 and name.startswith("KOL 1. halvår 2026 - Lægepraksis ved") and not name.endswith(" ")
    assert safe_file_name('Lægerne A/S: "Nord" <3>') == "Lægerne A S Nord 3"
    assert safe_file_name("CON") == "_CON" and safe_file_name("...") == "skabelon"
