"""Red team: a CPR number typed into the meeting (title, place, agenda, questions, speakers), a clinic's details,
the cluster, a note or a planned action is refused when it is saved, not only when a pack is printed.

The store itself refuses it (the window and the command line both save through it), in Danish, naming the
field and never the number, and nothing of the text reaches the project file. Every written form the page
scan knows is tried, in every field; numbers that only look long (times, phone numbers, yder numbers, postal
codes, dates with a four-digit year) are still saved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from test_redteam_printed_text import CPR_FORMS

from klyngedesk.core.commands import AddClinic, AddNote, CorrectValue, EditClinic
from klyngedesk.core.cpr import CprInTypedText
from klyngedesk.core.model import Clinic, Cluster, Speaker
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError, catalog


def _meeting(project: Project, **change: object) -> None:
    project.save_meeting(dataclasses.replace(project.meeting("2026-12"), **change))


def _clinic(project: Project, **change: object) -> None:
    clinic = project.clinics()[0]
    EditClinic(dataclasses.replace(clinic, **change)).do(project)


FIELDS: dict[str, Callable[[Project, str], object]] = {
    "agenda": lambda p, t: _meeting(p, agenda=(*p.meeting("2026-12").agenda, t)),
    "question": lambda p, t: _meeting(p, questions=(f"Hvad gør vi med {t}?",)),
    "place": lambda p, t: _meeting(p, place=f"Lokale hos {t}"),
    "title": lambda p, t: _meeting(p, title=f"Møde {t}"),
    "time": lambda p, t: _meeting(p, time=t),
    "speaker": lambda p, t: _meeting(p, speakers=(Speaker("Anna Test", "Apoteket", f"Sagen {t}"),)),
    "new meeting": lambda p, t: p.save_meeting(dataclasses.replace(p.meeting("2026-12"), key="ny",
                                                                   agenda=(t,))),
    "clinic name": lambda p, t: _clinic(p, name=f"Lægehuset {t}"),
    "short name": lambda p, t: _clinic(p, short_name=t),
    "address": lambda p, t: _clinic(p, address=f"Testvej 2, {t}"),
    "e-mail": lambda p, t: _clinic(p, email=f"{t}@example.invalid"),
    "doctor": lambda p, t: _clinic(p, doctors=(f"Læge {t}",)),
    "new clinic": lambda p, t: AddClinic(Clinic("K99", "Lægehuset Nyvej", "999999", address=t)).do(p),
    "cluster": lambda p, t: p.set_cluster(dataclasses.replace(p.cluster(), municipality=t)),
    "note": lambda p, t: AddNote(f"Ring om {t}", p.clinics()[0].key).do(p),
    "group note": lambda p, t: p.add_note(f"Se {t}", audience="group"),
    "action": lambda p, t: p.add_action(p.clinics()[0].key, f"Følg op på {t}"),
    "action edited": lambda p, t: p.update_action(p.add_action(p.clinics()[0].key, "Følg op"), text=t),
    "correction": lambda p, t: CorrectValue(p.clinics()[0].key, "kol_patienter", p.periods()[0].key, 5.0,
                                            f"Patient {t}").do(p),
}


def _file_bytes(project: Project) -> bytes:
    project.close()
    return b"".join(p.read_bytes() for p in project.path.parent.glob(project.path.name + "*") if p.is_file())


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_cpr_number_typed_anywhere_is_refused_when_saved(small_demo: Project, field: str) -> None:
    before = (small_demo.meetings(), small_demo.clinics(), small_demo.cluster(), small_demo.notes(),
              small_demo.actions())
    for form in CPR_FORMS:
        with pytest.raises(CprInTypedText) as caught:
            FIELDS[field](small_demo, form)
        for lang in ("da", "en"):
            message = caught.value.message(lang)
            assert "CPR" in message and "1234" not in message and "4321" not in message and "010170" not in message
        danish = caught.value.message("da")
        assert "indeholder et CPR-nummer" in danish and "Intet er gemt" in danish, danish
        assert caught.value.where in catalog("da"), caught.value.where   # the field named in Danish too
    actions = [a for a in small_demo.actions() if a["text"] != "Følg op"]   # the edited one's first text
    assert (small_demo.meetings(), small_demo.clinics(), small_demo.cluster(), small_demo.notes(),
            actions) == before
    data = _file_bytes(small_demo)
    for form in CPR_FORMS:
        digits = "".join(ch for ch in form if ch.isdigit())
        assert form.encode() not in data and digits.encode() not in data, form


@pytest.mark.parametrize("text", [
    "Kl. 10.00-12.00, lokale 2.14",
    "Telefon 86 12 34 56, ydernr. 123456",
    "Skovvej 12, 8000 Aarhus C",
    "Drøft tallene fra 01.12.2026 og 1.234 patienter",
    "Lise Hansen, 2. sal",
])
def test_ordinary_numbers_typed_are_saved(small_demo: Project, text: str) -> None:
    for field in ("agenda", "place", "address", "note", "action"):
        FIELDS[field](small_demo, text)
    assert any(text in item for item in small_demo.meeting("2026-12").agenda)


def test_a_new_project_with_a_cpr_number_in_its_name_is_not_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "ny.klynge"
    with pytest.raises(KlyngeError):
        Project.create(path, Cluster("Klynge 010170-1234", "Testby"))
    assert not path.exists()



def test_the_dialogs_refuse_it_and_keep_what_was_typed(qtbot, small_demo: Project) -> None:
    """The meeting and clinic dialogs ask the same question before they close, so the window never loses
    what was typed to a refusal after the dialog is gone."""
    from klyngedesk.gui.change_stamp import topics_with_data
    from klyngedesk.gui.clinic_dialog import ClinicDialog
    from klyngedesk.gui.meeting_dialog import MeetingDialog

    meeting = small_demo.meeting("2026-12")
    dialog = MeetingDialog("da", small_demo.topics(), small_demo.periods(), meeting,
                           {m.key for m in small_demo.meetings()}, None, data=topics_with_data(small_demo))
    qtbot.addWidget(dialog)
    dialog.agenda.setPlainText("Velkomst\nPatient 010170-1234 er taget ud")
    dialog.accept()
    assert dialog.result_meeting is None and dialog.result() != dialog.DialogCode.Accepted
    assert "Et punkt på dagsordenen indeholder et CPR-nummer" in dialog.problem.text()
    assert "1234" not in dialog.problem.text() and "010170-1234" in dialog.agenda.toPlainText()
    dialog.agenda.setPlainText("Velkomst")
    dialog.accept()
    assert dialog.result_meeting is not None and dialog.result_meeting.agenda == ("Velkomst",)

    clinic = small_demo.clinics()[0]
    box = ClinicDialog("da", small_demo.periods(), set(), clinic)
    qtbot.addWidget(box)
    box.address.setText("Testvej 2, 0101701234")
    box.accept()
    assert box.result_clinic is None and "Klinikkens adresse" in box.problem.text()
    assert "0101701234" in box.address.text()
