"""The desk's dead ends, met as a user meets them: drops that did nothing, refusals that said the wrong thing."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf
from gui_user import drop
from PySide6.QtCore import Qt

from klyngedesk.gui.main_window import MainWindow

NEW = "2026H2"


def _wizard_after_drop(qtbot, window: MainWindow, paths: list[Path]):
    drop(window, paths)
    wizard = window.import_wizard
    assert wizard is not None and wizard.isVisible(), "the drop opened no import"
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    return wizard


def _listed(wizard) -> list[str]:
    return [wizard.files.item(i).text() for i in range(wizard.files.count())]


def test_a_dropped_folder_brings_the_clinic_files_in_it(qtbot, import_window: MainWindow, tmp_path: Path) -> None:
    clinics = cf.demo_clinics(import_window.ctx.holder.project)
    incoming = tmp_path / "Indkomne filer"
    (incoming / "Lægehuset").mkdir(parents=True)
    first = cf.standard_csv(incoming, clinics[:2], NEW).path
    second = cf.filled_template(incoming / "Lægehuset", clinics[3], NEW).path
    (incoming / "~$skabelon.xlsx").write_bytes(b"lock")  # Excel's lock file while a book is open
    (incoming / ".DS_Store").write_bytes(b"\0")
    (incoming / "Følgebrev.pdf").write_bytes(b"%PDF-1.4\n")  # not a clinic file: not in a folder's import
    wizard = _wizard_after_drop(qtbot, import_window, [incoming])
    listed = _listed(wizard)
    assert len(listed) == 2, listed
    assert first.name in listed[0] and second.name in listed[1]
    assert wizard.import_button.isEnabled() and wizard.import_button.text() == "Importér 2 filer"
    wizard.reject()


def test_a_file_that_is_no_spreadsheet_is_refused_with_its_reason(qtbot, import_window: MainWindow,
                                                                  tmp_path: Path) -> None:
    letter = tmp_path / "Referat fra mødet.pdf"
    letter.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n")
    wizard = _wizard_after_drop(qtbot, import_window, [letter])
    assert "Referat fra mødet.pdf" in _listed(wizard)[0] and "afvist" in _listed(wizard)[0]
    summary = wizard.summary.text()
    assert summary.startswith("1 afvist. Intet kan importeres endnu.")
    assert "hverken et regneark eller en tekstfil" in summary
    assert "Besvar spørgsmålene" not in summary
    assert wizard.import_button.text() == "Intet at importere" and not wizard.import_button.isEnabled()
    assert wizard.cancel_button.text() == "Luk"
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def test_every_file_refused_says_so_and_never_asks_a_question(qtbot, import_window: MainWindow,
                                                              tmp_path: Path) -> None:
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    cpr = cf.cpr_file(tmp_path)
    empty_folder = tmp_path / "Tom mappe"
    empty_folder.mkdir()
    wizard = _wizard_after_drop(qtbot, import_window, [empty, cpr, empty_folder])
    assert len(_listed(wizard)) == 3 and all("afvist" in t for t in _listed(wizard))
    summary = wizard.summary.text()
    assert summary == ("3 afvist. Intet kan importeres endnu: vælg en fil for at se hvorfor, og hvad du kan gøre, "
                       "eller tryk Luk."), summary
    assert "0" not in wizard.import_button.text()
    wizard.files.setCurrentRow(2)
    assert "mappe" in wizard.preview.facts.text()
    wizard.reject()


def test_files_dropped_on_the_open_wizard_join_the_import(qtbot, import_window: MainWindow, tmp_path: Path) -> None:
    clinics = cf.demo_clinics(import_window.ctx.holder.project)
    letter = tmp_path / "noter.docx"
    letter.write_bytes(b"PK\x03\x04 not really")
    wizard = _wizard_after_drop(qtbot, import_window, [letter])
    good = cf.standard_csv(tmp_path, clinics[:2], NEW).path
    drop(wizard, [good])
    qtbot.waitUntil(lambda: len(wizard.plan.files) == 2 and not import_window.runner.busy, timeout=20000)
    assert good.name in _listed(wizard)[1]
    assert wizard.summary.text().startswith("1 klar til import, 1 afvist. Udelad de filer")
    wizard.files.setCurrentRow(0)
    qtbot.mouseClick(wizard.leave_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(wizard.plan.files) == 1 and not import_window.runner.busy, timeout=20000)
    assert wizard.import_button.text() == "Importér 1 fil" and wizard.import_button.isEnabled()
    wizard.reject()


def test_clinic_files_dropped_with_no_project_open_say_what_to_do(qtbot, app_context, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    data = tmp_path / "data.csv"
    data.write_text("a;b\n1;2\n", encoding="utf-8")
    drop(window, [data, tmp_path])
    qtbot.waitUntil(lambda: window.drop_box.isVisible(), timeout=3000)
    assert "Der er intet projekt åbent" in window.drop_box.text() and ".klynge" in window.drop_box.text()
    window.drop_box.accept()
    assert window.import_wizard is None


# --- the clinic dialog keeps what was typed until it is saved ------------------------------------------------

def _type_new_clinic(qtbot, window: MainWindow, yder: str):
    page = window.clinics_page
    window.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.keyClicks(dialog.name, "Lægehuset Nørrebro")
    qtbot.keyClicks(dialog.yder, yder)
    qtbot.keyClicks(dialog.doctors, "Hanne Vig")
    dialog.sizes[next(iter(dialog.sizes))].setValue(1800)
    return page, dialog


def _press_ok(qtbot, dialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def _still_typed(dialog, yder: str) -> None:
    assert dialog.isVisible(), "the dialog closed and took what was typed with it"
    assert dialog.name.text() == "Lægehuset Nørrebro" and dialog.yder.text() == yder
    assert dialog.doctors.toPlainText() == "Hanne Vig" and dialog.sizes[next(iter(dialog.sizes))].value() == 1800


def test_a_yder_number_taken_meanwhile_keeps_the_dialog_open(qtbot, import_window: MainWindow) -> None:
    from klyngedesk.core.model import Clinic

    project = import_window.ctx.holder.project
    before = len(project.clinics())
    page, dialog = _type_new_clinic(qtbot, import_window, "654321")
    project.add_clinic(Clinic("K99", "Lægehuset i Byen", "654321"))  # the file changed under the open dialog
    _press_ok(qtbot, dialog)
    box = dialog.not_saved_box
    assert box is not None and box.isVisible()
    assert "654321" in box.text() and "findes allerede" in box.text() and "står stadig i vinduet" in box.text()
    box.accept()
    _still_typed(dialog, "654321")
    dialog.yder.clear()
    qtbot.keyClicks(dialog.yder, "654322")
    _press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    names = [c.name for c in project.clinics()]
    assert len(names) == before + 2 and "Lægehuset Nørrebro" in names
    assert "Lægehuset Nørrebro" in import_window.undo_action.text()  # Edit ▸ Undo takes it back


def test_a_full_disk_while_the_clinic_is_saved_loses_nothing_and_stores_no_half(qtbot, import_window: MainWindow,
                                                                                 monkeypatch) -> None:
    import sqlite3

    project = import_window.ctx.holder.project
    before = [c.key for c in project.clinics()]
    page, dialog = _type_new_clinic(qtbot, import_window, "765432")

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(project, "set_list_sizes", full)  # the clinic's row fits, its list size does not
    _press_ok(qtbot, dialog)
    box = dialog.not_saved_box
    assert box is not None and "er fuld" in box.text() and str(project.path) in box.text()
    box.accept()
    _still_typed(dialog, "765432")
    assert [c.key for c in project.clinics()] == before  # no clinic without its list size
    assert "Nørrebro" not in import_window.undo_action.text()  # nothing to undo that was not done
    monkeypatch.undo()
    _press_ok(qtbot, dialog)  # room again: the same OK saves what is still typed
    assert not dialog.isVisible() and "Lægehuset Nørrebro" in [c.name for c in project.clinics()]


def test_a_project_file_busy_in_another_program_keeps_the_dialog_open(qtbot, import_window: MainWindow) -> None:
    import sqlite3

    project = import_window.ctx.holder.project
    page, dialog = _type_new_clinic(qtbot, import_window, "876543")
    other = sqlite3.connect(str(project.path), isolation_level=None)  # e.g. a backup or sync program writing
    other.execute("BEGIN IMMEDIATE")
    try:
        _press_ok(qtbot, dialog)
        box = dialog.not_saved_box
        assert box is not None and "optaget i et andet program" in box.text()
        box.accept()
        _still_typed(dialog, "876543")
    finally:
        other.execute("ROLLBACK")
        other.close()
    _press_ok(qtbot, dialog)
    assert not dialog.isVisible() and "Lægehuset Nørrebro" in [c.name for c in project.clinics()]


# --- nothing cut off on a small screen -----------------------------------------------------------------------

def test_settings_rows_are_whole_in_both_languages(qtbot, app_context, demo_path: Path) -> None:
    from klyngedesk.gui.settings_dialog import SettingsDialog

    for lang in ("da", "en"):
        app_context.lang = lang
        dialog = SettingsDialog(app_context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        box = dialog.overdispersion
        assert box.width() >= box.sizeHint().width(), (lang, box.text(), box.width(), box.sizeHint().width())
        dialog.reject()
    app_context.lang = "da"


def test_the_import_wizard_fits_the_screen_it_opens_on(qtbot, import_window: MainWindow, tmp_path: Path) -> None:
    letter = tmp_path / "brev.pdf"
    letter.write_bytes(b"%PDF-1.4\n")
    wizard = _wizard_after_drop(qtbot, import_window, [letter])
    area = import_window.screen().availableGeometry()
    assert wizard.width() <= area.width() and wizard.height() <= area.height()
    buttons = (wizard.import_button, wizard.cancel_button)
    assert all(wizard.rect().contains(b.geometry().translated(b.parentWidget().mapTo(wizard, b.pos()) - b.pos()))
               for b in buttons)
    wizard.reject()


def test_a_project_dropped_with_clinic_files_says_the_files_wait(qtbot, app_context, demo_path: Path,
                                                                 tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    data = tmp_path / "data.csv"
    data.write_text("a;b\n1;2\n", encoding="utf-8")
    named = tmp_path / "070761-4285 Lægehuset.csv"  # a CPR number in a file's name is never shown
    named.write_text("a;b\n1;2\n", encoding="utf-8")
    with qtbot.waitSignal(window.project_opened, timeout=5000):
        drop(window, [data, demo_path, named])
    qtbot.waitUntil(lambda: window.drop_box.isVisible(), timeout=3000)
    assert "ikke importeret" in window.drop_box.text() and "data.csv" in window.drop_box.text()
    assert "070761-4285" not in window.drop_box.text() and "Lægehuset.csv" in window.drop_box.text()
    window.drop_box.accept()
    window.close_project()


def test_a_new_cluster_in_a_read_only_folder_keeps_the_wizard_filled(qtbot, app_context, tmp_path: Path,
                                                                       monkeypatch) -> None:
    import faults
    from PySide6.QtGui import QGuiApplication, QKeySequence
    from PySide6.QtWidgets import QWizard

    from klyngedesk.gui import error_dialog

    said: list[str] = []
    monkeypatch.setattr(error_dialog.QMessageBox, "exec", lambda box: said.append(box.text()) or 0)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    shelf = tmp_path / "Fællesdrev"
    shelf.mkdir()
    qtbot.mouseClick(window.welcome.new_button, Qt.MouseButton.LeftButton)
    wizard = window.wizard
    qtbot.keyClicks(wizard.cluster_page.name, "Åby Klynge")
    qtbot.keyClicks(wizard.cluster_page.municipality, "Åby Kommune")
    wizard.cluster_page.folder.setText(str(shelf / "Klynger"))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    table = wizard.clinics_page.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    QGuiApplication.clipboard().setText("Lægehuset Øst\t12345\nLægerne Vest\t23456\n")
    qtbot.keySequence(table, QKeySequence.StandardKey.Paste)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    with faults.read_only(shelf):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
        assert said and "KlyngeDesk må ikke skrive i mappen" in said[0] and str(shelf) in said[0], said
        assert wizard.isVisible() and window.ctx.holder.project is None
        assert table.item(0, 0).text() == "Lægehuset Øst" and table.item(1, 1).text() == "23456"
    with qtbot.waitSignal(window.project_opened, timeout=5000):  # writable again: the same Finish works
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert [c.name for c in window.ctx.holder.project.clinics()] == ["Lægehuset Øst", "Lægerne Vest"]
    window.close_project()


def test_files_dropped_on_the_imports_page_table_reach_the_import(qtbot, import_window: MainWindow,
                                                                  tmp_path: Path) -> None:
    page = import_window.history_page
    import_window.tabs.setCurrentWidget(page)
    letter = tmp_path / "brev.docx"
    letter.write_bytes(b"PK\x03\x04")
    drop(page.table.viewport(), [letter])
    wizard = import_window.import_wizard
    assert wizard is not None and wizard.isVisible()
    qtbot.waitUntil(lambda: wizard.plan is not None and not import_window.runner.busy, timeout=20000)
    assert "brev.docx" in _listed(wizard)[0]
    wizard.reject()
