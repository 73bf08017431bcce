"""The leak check on every printed page: group pages name only consenting clinics; each personal handout
names its own clinic and no other."""

from __future__ import annotations

import pypdf
import pytest

from klyngedesk.core.anonymise import LeakChecker
from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project


def pages(path) -> list[str]:
    """Each page's text with line breaks as spaces (a name wrapped over two lines is still one name)."""
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(path)).pages]


@pytest.fixture(scope="module", params=[("2026-03", "da"), ("2026-12", "en")], ids=["march-da", "december-en"])
def printed(request, tmp_path_factory: pytest.TempPathFactory):
    meeting, lang = request.param
    folder = tmp_path_factory.mktemp(f"privacy-{meeting}")
    path = build_demo(folder / "demo.klynge")
    with Project.open(path) as project:
        # Notes for the group that mention a clinic by key get its code; a private note stays private.
        project.add_note("Listestørrelsen er opgjort pr. 1. juli.", clinic="K07", measure="tramadol_brugere",
                         audience="group")
        victim = project.clinic("K08")
        project.add_note(f"Privat: ring til {victim.doctors[0]}", clinic="K08", measure="tramadol_brugere")
        result = build_pack(project, meeting, folder / "out", lang=lang)
        clinics = project.clinics()
        consents = project.consents(meeting)
        speakers = [s.name for s in project.meeting(meeting).speakers]   # named on the agenda by choice
    return result, clinics, consents, speakers


def test_group_pages_carry_no_identity_of_a_non_consenting_clinic(printed) -> None:
    result, clinics, consents, speakers = printed
    checker = LeakChecker(clinics, consents, allowed=speakers)
    group = pages(result.group)
    merged = pages(result.merged)
    for number, text in enumerate(group + merged[:2 + len(group)], start=1):
        assert not checker.find(text), f"page {number}: {checker.find(text)}"
    joined = " ".join(group)
    for clinic in clinics:
        if clinic.key in consents:
            assert clinic.name in joined                   # consenting clinics appear by name
    assert "Privat: ring til" not in joined


def test_each_personal_handout_names_its_own_clinic_and_no_other(printed) -> None:
    result, clinics, _, speakers = printed
    by_key = {c.key: c for c in clinics}
    merged = pages(result.merged)
    group_pages = len(pages(result.group))
    offset = 2 + group_pages + group_pages % 2            # the front sheet, the group handout on whole sheets
    for key, file in result.personal.items():
        own = by_key[key]
        texts = pages(file)
        joined = " ".join(texts)
        assert own.name in joined
        others = LeakChecker(clinics, allowed=speakers, own=key)
        for number, text in enumerate(texts, start=1):
            assert not others.find(text), f"{own.name} page {number}: {others.find(text)}"
            assert own.name in text                            # the clinic's name on every page
        content = [t for t in texts if "med vilje tom" not in t and "intentionally blank" not in t]
        assert merged[offset + 1:offset + 1 + len(content)] == content   # from its cover's back, the same pages
        assert own.name in merged[offset]
        section = 1 + len(content) + (1 + len(content)) % 2              # on whole sheets
        assert all(own.name in page for page in merged[offset:offset + section])
        offset += section


def test_english_pack_labels_the_composition_remainder_in_english(demo_project, tmp_path) -> None:
    """The 'others' part of a drug-group composition follows the pack's language, not the program's."""
    from pypdf import PdfReader

    from klyngedesk.core.render.pack import build_pack

    result = build_pack(demo_project, "2026-12", tmp_path / "out", lang="en")
    text = " ".join(page.extract_text() for page in PdfReader(result.group).pages)
    assert "Others" in text and "Øvrige" not in text
