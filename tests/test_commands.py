"""The Qt-free undoable commands: undo gives back what it took, and refuses to remove what was printed."""

from __future__ import annotations

import pytest

from klyngedesk.core.anonymise import draw_codes
from klyngedesk.core.commands import AddClinic, AddNote, EditClinic, UndoRefused, clinic_references
from klyngedesk.core.model import Clinic
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project

NEW = Clinic("K99", "Lægehuset Nyvej", "777777", "Nyvej 1, 8999 Fjordby", doctors=("Bo Nyborg",))


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
    with pytest.raises(UndoRefused) as caught:
        command.undo(small_demo)
    message = caught.value.message("da")
    assert "kan ikke fortrydes" in message and "Lægehuset Nyvej" in message
    assert f"kode {code}" in message and "låste kodetrækning" in message and "samtykke" in message
    assert "cannot undo" in caught.value.message("en").lower()
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
