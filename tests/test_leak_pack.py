"""The leak check on the printed pack: what a colleague could type into any list of the handouts is caught on
the final page text, the coordinator is told where and what kind, and nothing is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from klyngedesk.core.anonymise import IdentityLeak
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project


@pytest.fixture
def project(small_demo: Project) -> Project:
    """The small demo; K02 is 'Lægerne Holm & Bøg' with Dr. Anne Marie Holmgaard, yder 012345."""
    k02 = small_demo.clinic("K02")
    small_demo.update_clinic(dataclasses.replace(k02, name="Lægerne Holm & Bøg", yder="012345",
                                                 address="Havnegade 4, 8999 Fjordby",
                                                 doctors=("Anne Marie Holmgaard",)))
    return small_demo


def refused(project: Project, out: Path) -> IdentityLeak:
    with pytest.raises(IdentityLeak) as caught:
        build_pack(project, "2026-12", out)
    assert not out.exists() or not any(out.iterdir())          # nothing half-written
    assert project.draw("2026-12") is None                      # no draw kept either
    return caught.value


@pytest.mark.parametrize("where, text, kind", [
    ("agenda", "Holms læger fortæller", "en del af en kliniks navn"),
    ("question", "Hvad gør dr. Holmgaard anderledes?", "en læges efternavn"),
    ("question", "Hvorfor er Holm\u00adgaards tal lave?", "en læges efternavn"),
    ("agenda", "Besøg hos Lægerne Holm & Bøg", "en kliniks navn"),
    ("note", "Tal for ydernummer 12345 er rettet", "et ydernummer"),
    ("note", "Lægerne Hol\u200bm & Bøg har rettet tallene", "en kliniks navn"),
])
def test_a_name_in_a_list_of_the_group_handout_stops_the_pack(project: Project, tmp_path: Path, where: str,
                                                               text: str, kind: str) -> None:
    meeting = project.meeting("2026-12")
    if where == "agenda":
        project.save_meeting(dataclasses.replace(meeting, agenda=(*meeting.agenda, text)))
    elif where == "question":
        project.save_meeting(dataclasses.replace(meeting, questions=(*meeting.questions, text)))
    else:
        project.add_note(text, audience="group")
    error = refused(project, tmp_path / "out")
    message = error.message("da")
    assert "Fællesmateriale, side 1" in message and kind in message
    assert text not in message and "Holm" not in message and "12345" not in message
    assert {leak.clinic for leak in error.leaks} == {"K02"}


@pytest.mark.parametrize("note", ["Holmbøg har rettet tallene", "HOLMBØG har rettet tallene",
                                  "Holm\u00adbøg har rettet tallene"])
def test_a_short_name_typed_into_group_notes_stops_the_pack(project: Project, tmp_path: Path, note: str) -> None:
    """The short name the window shows ("Kort navn") identifies the clinic as its name does."""
    project.update_clinic(dataclasses.replace(project.clinic("K02"), short_name="Holmbøg"))
    project.add_note(note, audience="group")
    error = refused(project, tmp_path / "out")
    message = error.message("da")
    assert "Fællesmateriale, side 1" in message and "en kliniks korte navn" in message
    assert "Holmbøg" not in message
    assert {leak.clinic for leak in error.leaks} == {"K02"}


def test_a_consenting_clinics_short_name_prints(project: Project, tmp_path: Path) -> None:
    project.update_clinic(dataclasses.replace(project.clinic("K02"), short_name="Holmbøg"))
    project.save_draw("2026-12", {c.key: code for c, code in zip(project.clinics(), "ABCDEF", strict=True)},
                      "letters")
    project.set_consent("2026-12", "K02", True)
    project.add_note("Holmbøg har rettet tallene", audience="group")
    result = build_pack(project, "2026-12", tmp_path / "out")
    assert "Holmbøg har rettet tallene" in " ".join(" ".join(page_texts(result.group.read_bytes())).split())


@pytest.mark.parametrize("action, note", [
    ("Ring til dr. Holmgaard om henvisninger", ""),
    ("", "Samme mønster som Lægerne Holm & Bøg"),
    ("Sammenlign med ydernr. 012 345", ""),
])
def test_another_clinics_identity_in_a_personal_handout_stops_the_pack(project: Project, tmp_path: Path,
                                                                       action: str, note: str) -> None:
    if action:
        project.add_action("K01", action)
    if note:
        project.add_note(note, clinic="K01")
    error = refused(project, tmp_path / "out")
    assert f"det personlige materiale til {project.clinic('K01').name}, side 1" in error.message("da")
    assert {leak.clinic for leak in error.leaks} == {"K02"}


def test_a_clinics_own_identity_and_a_consenting_name_print(project: Project, tmp_path: Path) -> None:
    """Healthy data is not refused: K02's own handout names it and its doctor; the group handout names the
    clinic that consented, followed by its values, while its address is 'Bøgevej 19'."""
    project.add_action("K02", "Dr. Holmgaard gennemgår KOL-listen for Lægerne Holm & Bøg")
    k03 = project.clinic("K03")
    project.update_clinic(dataclasses.replace(k03, name="Lægeklinikken Bøgevej", address="Bøgevej 19, 8999 Fjordby"))
    project.save_draw("2026-12", {c.key: code for c, code in zip(project.clinics(), "ABCDEF", strict=True)},
                      "letters")
    project.set_consent("2026-12", "K03", True)
    project.add_note("Lægeklinikken Bøgevej 19,2 og 19 er rettet", audience="group")
    result = build_pack(project, "2026-12", tmp_path / "out")
    group = " ".join(page_texts(result.group.read_bytes()))
    assert "Lægeklinikken Bøgevej" in " ".join(group.split())
    own = " ".join(" ".join(page_texts(result.personal["K02"].read_bytes())).split())
    assert "Dr. Holmgaard gennemgår KOL-listen for Lægerne Holm & Bøg" in own
