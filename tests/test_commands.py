"""The Qt-free undoable commands: undo gives back what it took, and refuses to remove what was printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.commands import (
    AddClinic,
    AddNote,
    CommitImport,
    CorrectValue,
    EditClinic,
    UndoBatch,
    UndoRefused,
    clinic_references,
    list_sizes_of,
)
from klyngedesk.core.model import Clinic, NewValue
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project

NEW = Clinic("K99", "Lægehuset Nyvej", "777777", "Nyvej 1, 8999 Fjordby", doctors=("Bo Nyborg",))


def _print_the_pack(project: Project, folder: Path) -> None:
    """The December meeting's codes drawn and its pack printed: what the pack shows is now on paper."""
    draw_codes(project, "2026-12")
    build_pack(project, "2026-12", folder / "out")


def _refused(undo: Callable[[Project], object], project: Project) -> UndoRefused:
    """The refusal that `undo(project)` raises (the test fails if it goes through)."""
    with pytest.raises(UndoRefused) as caught:
        undo(project)
    return caught.value


def test_undo_adding_a_clinic_before_anything_refers_to_it_removes_it(small_demo: Project) -> None:
    command = AddClinic(NEW, {"2026H1": 2100})
    command.do(small_demo)
    assert small_demo.clinic("K99").name == "Lægehuset Nyvej"
    command.undo(small_demo)
    assert "K99" not in {c.key for c in small_demo.clinics()}
    command.do(small_demo)                                        # redo
    assert small_demo.clinic("K99").yder == "777777"


def test_undo_adding_a_clinic_whose_code_was_frozen_and_consent_recorded_is_refused(small_demo: Project,
                                                                                   tmp_path) -> None:
    command = AddClinic(NEW, {"2026H1": 2100})
    command.do(small_demo)
    draw_codes(small_demo, "2026-12")
    small_demo.set_consent("2026-12", "K99", True)
    build_pack(small_demo, "2026-12", tmp_path / "out")           # printed: the draw is frozen
    code = small_demo.draw("2026-12")["codes"]["K99"]
    refusal = _refused(command.undo, small_demo)
    message = refusal.message("da")
    assert "kan ikke fortrydes" in message and "Lægehuset Nyvej" in message
    assert f"kode {code}" in message and "låste kodetrækning" in message and "samtykke" in message
    assert "cannot undo" in refusal.message("en").lower()
    assert small_demo.clinic("K99").name == "Lægehuset Nyvej"      # nothing was removed ...
    assert small_demo.draw("2026-12")["codes"]["K99"] == code       # ... the printed key still matches
    assert "K99" in small_demo.consents("2026-12")


def test_a_consent_alone_is_enough_to_refuse(small_demo: Project) -> None:
    command = AddClinic(NEW)
    command.do(small_demo)
    small_demo.set_consent("2026-12", "K99", True)
    with pytest.raises(UndoRefused):
        command.undo(small_demo)
    small_demo.set_consent("2026-12", "K99", False)                # consent taken back: now it may go
    assert clinic_references(small_demo, "K99") == []
    command.undo(small_demo)
    assert "K99" not in {c.key for c in small_demo.clinics()}


def test_an_unfrozen_draw_does_not_block_undo(small_demo: Project) -> None:
    command = AddClinic(NEW)
    command.do(small_demo)
    draw_codes(small_demo, "2026-12")                              # drawn, not printed: may be drawn again
    command.undo(small_demo)
    assert "K99" not in {c.key for c in small_demo.clinics()}


def test_edit_and_note_undo_give_back_the_old_state(small_demo: Project) -> None:
    before = small_demo.clinic("K01")
    edit = EditClinic(Clinic(**{**before.__dict__, "name": "Nyt navn"}))
    edit.do(small_demo)
    assert small_demo.clinic("K01").name == "Nyt navn"
    edit.undo(small_demo)
    assert small_demo.clinic("K01") == before
    note = AddNote("Husk listen", clinic="K01")
    note.do(small_demo)
    note.undo(small_demo)
    assert not [n for n in small_demo.notes("K01") if n["text"] == "Husk listen"]


def test_the_edit_menu_explains_a_refused_undo_and_keeps_the_clinic(qtbot, app_context, small_demo: Project,
                                                                    tmp_path, monkeypatch) -> None:
    """Through the QUndoStack: the refusal is shown in Danish and the step is dropped, not half-undone."""
    from PySide6.QtGui import QUndoStack

    from klyngedesk.gui import undo

    shown: list[str] = []
    monkeypatch.setattr(undo, "show_error", lambda parent, error, lang: shown.append(error.message(lang)))
    path = small_demo.path
    small_demo.close()
    app_context.holder.set_project(Project.open(path))
    project = app_context.holder.project
    stack = QUndoStack()
    undo.push(stack, AddClinic(NEW), app_context.holder, "da")
    project.set_consent("2026-12", "K99", True)
    stack.undo()
    assert shown and "kan ikke fortrydes" in shown[0]
    assert project.clinic("K99").name == "Lægehuset Nyvej"
    assert stack.count() == 0 and not stack.canRedo()


def _import_lfu(project: Project, value: float) -> CommitImport:
    """A new import of one clinic's spirometry count for the meeting's period, through the undo command."""
    def commit(p: Project) -> list[int]:
        return [p.add_batch("K01-lfu.xlsx", "abc", [NewValue("K01", "kol_lfu", "2026H1", value, "ok")])]
    command = CommitImport(["K01-lfu.xlsx"], commit)
    command.do(project)
    return command


def _lfu(project: Project) -> float:
    v = project.values(period="2026H1", topic="kol")
    return float(v[(v.clinic == "K01") & (v.measure == "kol_lfu")]["value"].iloc[0])


def test_undo_of_an_import_whose_values_were_printed_is_refused_in_danish(small_demo: Project, tmp_path) -> None:
    command = _import_lfu(small_demo, 31)
    _print_the_pack(small_demo, tmp_path)                          # the members now have 31 on paper
    refusal = _refused(command.undo, small_demo)
    da = refusal.message("da")
    assert "kan ikke fortrydes" in da and "K01-lfu.xlsx" in da and "pakken udskrevet til mødet" in da
    assert "Opfølgning: smerter, KOL og antibiotika" in da
    assert "cannot undo" in refusal.message("en").lower()
    assert _lfu(small_demo) == 31                                   # nothing was taken back


def test_undo_of_an_import_made_after_printing_is_allowed(small_demo: Project, tmp_path) -> None:
    _print_the_pack(small_demo, tmp_path)
    printed = _lfu(small_demo)
    command = _import_lfu(small_demo, printed + 7)                 # a later fix, never printed
    command.undo(small_demo)
    assert _lfu(small_demo) == printed                             # back to what is on paper


def test_undo_of_a_correction_that_was_printed_is_refused(small_demo: Project, tmp_path) -> None:
    correction = CorrectValue("K01", "kol_lfu", "2026H1", 29, "tastefejl i filen")
    correction.do(small_demo)
    _print_the_pack(small_demo, tmp_path)
    refusal = _refused(correction.undo, small_demo)
    assert "kan ikke fortrydes" in refusal.message("da")
    assert _lfu(small_demo) == 29
    later = CorrectValue("K01", "kol_lfu", "2026H1", 30, "ny opgørelse")   # after printing: undo is fine
    later.do(small_demo)
    later.undo(small_demo)
    assert _lfu(small_demo) == 29


def test_taking_a_printed_import_back_needs_a_reason_that_the_log_keeps(small_demo: Project, tmp_path) -> None:
    command = _import_lfu(small_demo, 31)
    _print_the_pack(small_demo, tmp_path)
    refusal = _refused(UndoBatch(command.batch_ids[0]).do, small_demo)
    assert "begrundelse" in refusal.message("da") and "K01-lfu.xlsx" in refusal.message("da")
    assert _lfu(small_demo) == 31
    UndoBatch(command.batch_ids[0], reason="Filen var fra den forkerte klinik").do(small_demo)
    assert _lfu(small_demo) != 31
    logged = [e for e in small_demo.audit_log() if e["action"] == "printed_batch_undone"]
    assert logged and logged[-1]["detail"]["reason"] == "Filen var fra den forkerte klinik"


def test_undo_of_a_list_size_change_that_was_printed_is_refused(small_demo: Project, tmp_path) -> None:
    before = small_demo.clinic("K01")
    edit = EditClinic(before, {"2026H1": 1234})
    edit.do(small_demo)
    _print_the_pack(small_demo, tmp_path)
    refusal = _refused(edit.undo, small_demo)
    assert "listestørrelse" in refusal.message("da")
    assert list_sizes_of(small_demo, "K01")["2026H1"] == 1234


def test_ctrl_z_in_the_window_explains_why_a_printed_import_stays(qtbot, app_context, small_demo: Project,
                                                                 tmp_path) -> None:
    from gui_user import press, show_active
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from klyngedesk.gui import undo
    from klyngedesk.gui.main_window import MainWindow

    path = small_demo.path
    small_demo.close()
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    assert window.open_project(str(path), remember=False)
    project = app_context.holder.project
    command = _import_lfu(project, 31)
    undo.push_done(window.undo_stack, command, app_context.holder, "da", "Import K01-lfu.xlsx")
    _print_the_pack(project, tmp_path)
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(100, read_and_close)

    QTimer.singleShot(100, read_and_close)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)     # Rediger ▸ Fortryd
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "kan ikke fortrydes" in seen[0] and "K01-lfu.xlsx" in seen[0] and "udskrevet" in seen[0]
    assert _lfu(project) == 31
    assert window.undo_stack.count() == 0                          # the step is dropped, not half-undone


def test_undo_of_an_import_whose_list_sizes_were_printed_is_refused(small_demo: Project, tmp_path) -> None:
    """An import that also brought list sizes (a region extract): the pack printed them (as bands, and in
    every rate), so taking the import back is refused even though its values were not printed."""
    old = list_sizes_of(small_demo, "K01")["2026H1"]

    def commit(p: Project) -> list[int]:
        p.set_list_sizes([("K01", "2026H1", 1234)])
        return [p.add_batch("region.xlsx", "def", [], details={"list_sizes": {
            "new": [["K01", "2026H1", 1234]], "previous": [["K01", "2026H1", old]]}})]

    command = CommitImport(["region.xlsx"], commit)
    command.do(small_demo)
    _print_the_pack(small_demo, tmp_path)
    refusal = _refused(command.undo, small_demo)
    assert "region.xlsx" in refusal.message("da")
    assert list_sizes_of(small_demo, "K01")["2026H1"] == 1234
