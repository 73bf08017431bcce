"""The meeting pack as the coordinator gets it: folder, files, pages, outline, header, encryption, frozen codes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2
import pytest

from klyngedesk.core.anonymise import anonymised_table, draw_codes
from klyngedesk.core.collate import collate
from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.group_handout import render_group
from klyngedesk.core.render.indicator_pages import TopicMaterial
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError


def page_texts(path: Path, password: str = "") -> list[str]:
    """The text of every page; an encrypted file is opened with its password by pikepdf first."""
    source: Path | io.BytesIO = path
    if password:
        source = io.BytesIO()
        with pikepdf.open(path, password=password) as pdf:
            pdf.save(source)
        source.seek(0)
    reader = pypdf.PdfReader(source if password else str(path))
    return [page.extract_text() or "" for page in reader.pages]


def outline_titles(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)
    walk(reader.outline)
    return titles


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory):
    """The demo cluster's December pack in Danish (codes drawn by the pack), built once for these tests."""
    folder = tmp_path_factory.mktemp("pack-da")
    path = build_demo(folder / "demo.klynge")
    with Project.open(path) as project:
        project.add_action("K03", "Gennemgå alle tramadolbrugere over 75 år", indicator="tramadol_pr1000")
        project.add_note("Morfin er talt fra journalen i juni.", clinic="K03", measure="morfin_brugere")
        project.add_note("Listestørrelsen er talt 1. juli.", clinic="K05", measure="tramadol_brugere",
                         audience="group")
        project.add_note("Alle tal er trukket fra Ordiprax i august.", audience="group")
        result = build_pack(project, "2026-12", folder / "out")
    return path, result


@pytest.fixture(scope="module")
def packed_en_encrypted(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pack-en")
    path = build_demo(folder / "demo.klynge")
    with Project.open(path) as project:
        result = build_pack(project, "2026-03", folder / "out", lang="en", encrypt=True)
    return path, result


def test_pack_writes_one_folder_per_meeting_with_every_file(packed) -> None:
    path, result = packed
    with Project.open(path, readonly=True) as project:
        clinics = {c.key: c.name for c in project.clinics()}
    assert result.folder.is_dir() and result.folder.parent.name == "out"
    assert result.group.parent == result.folder and result.key.parent == result.folder
    assert set(result.personal) == set(clinics)
    for key, file in result.personal.items():
        assert file.name == f"{key} {clinics[key]}.pdf"     # keyed by the clinic, named after it, ready to e-mail
    assert result.merged is not None and result.merged.exists()
    assert {"group", "key", "merged", "personal"} <= set(result.to_json())
    assert not list(result.folder.parent.glob(".*partial"))


def test_every_pdf_opens_with_pikepdf_and_pdfium(packed) -> None:
    _, result = packed
    for file in [result.group, result.key, result.merged, *result.personal.values()]:
        with pikepdf.open(file) as pdf:
            assert len(pdf.pages) >= 1 and not pdf.is_encrypted
        doc = pypdfium2.PdfDocument(str(file))
        assert len(doc) >= 1
        doc[0].render(scale=0.3)
        doc.close()


def test_group_handout_has_header_page_totals_metadata_and_an_outline_per_indicator(packed) -> None:
    path, result = packed
    texts = page_texts(result.group)
    total = len(texts)
    assert total >= 10
    flat = [" ".join(t.split()) for t in texts]
    assert "Fjordby Klynge · Møde 3. december 2026 · side 3 af" in flat[2] and f"side 3 af {total}" in flat[2]
    assert "Fællesmateriale" in flat[0] and "Dagsorden" in flat[0] and "Niels Dalsgaard" in flat[0]
    with Project.open(path, readonly=True) as project:
        indicators = [i.title.replace("pr. 1000", "pr. 1.000")   # Danish number style in print
                      for t in ("smerter", "kol", "antibiotika") for i in project.topic(t).indicators]
    titles = outline_titles(result.group)
    assert all(title in titles for title in indicators)
    info = pypdf.PdfReader(str(result.group)).metadata
    assert "Opfølgning" in info.title and info.author == "Fjordby Klynge"
    with pikepdf.open(result.group) as pdf:   # the font travels inside the file
        fonts = {str(f.get("/BaseFont")) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("KD-Regular" in f or "OpenSans" in f or "+" in f for f in fonts)


def test_group_shows_small_counts_as_suppressed_and_the_personal_handout_shows_them(packed) -> None:
    _, result = packed
    group = " ".join(page_texts(result.group))
    assert "<5" in group
    own = " ".join(" ".join(page_texts(result.personal["K01"])).split())
    assert "Jeres praksis har kode" in own
    assert "Jeres tal:" in own and " af " in own


def test_personal_handout_carries_code_actions_and_notes(packed) -> None:
    path, result = packed
    with Project.open(path, readonly=True) as project:
        code = project.draw("2026-12")["codes"]["K03"]
    text = " ".join(" ".join(page_texts(result.personal["K03"])).split())
    assert f"Jeres praksis har kode {code} i dagens materiale" in text
    assert "Gennemgå alle tramadolbrugere over 75 år" in text
    assert "Morfin er talt fra journalen i juni." in text
    assert f"{code} (jer)" in text                          # its own bar is labelled in the charts


def test_group_notes_appear_with_the_clinic_by_code_and_private_notes_do_not(packed) -> None:
    path, result = packed
    with Project.open(path, readonly=True) as project:
        code = project.draw("2026-12")["codes"]["K05"]
    pages = [" ".join(t.split()) for t in page_texts(result.group)]
    assert "Alle tal er trukket fra Ordiprax i august." in pages[0]          # a general note: on the cover
    assert any(f"Praksis {code}: Listestørrelsen er talt 1. juli." in t for t in pages)
    assert not any("Morfin er talt fra journalen i juni." in t for t in pages)


def test_key_lists_every_code_and_clinic(packed) -> None:
    path, result = packed
    text = " ".join(" ".join(page_texts(result.key)).split())
    assert "FORTROLIGT — kun til koordinator" in text
    with Project.open(path, readonly=True) as project:
        codes = project.draw("2026-12")["codes"]
        for clinic in project.clinics():
            assert clinic.name in text and f"{codes[clinic.key]} {clinic.name}" in text


def test_printing_freezes_the_codes(packed) -> None:
    path, _ = packed
    with Project.open(path) as project:
        assert project.draw("2026-12")["frozen_at"]
        with pytest.raises(KlyngeError):
            draw_codes(project, "2026-12")


def test_merged_file_holds_the_group_pages_then_every_personal_handout(packed) -> None:
    """A confidential front sheet, the group handout on whole sheets, then per clinic a cover page with its
    handout beginning on the cover's back, on whole sheets."""
    _, result = packed
    group_pages = len(pypdf.PdfReader(str(result.group)).pages)
    personal_pages = 0
    for file in result.personal.values():
        content = [t for t in page_texts(file) if "med vilje tom" not in t]   # without the file's own padding
        personal_pages += 1 + len(content) + (1 + len(content)) % 2
    merged = page_texts(result.merged)
    assert len(merged) == 2 + group_pages + group_pages % 2 + personal_pages
    assert merged[2:2 + group_pages] == page_texts(result.group)


def test_english_pack_with_passwords_opens_only_with_the_password(packed_en_encrypted) -> None:
    _, result = packed_en_encrypted
    assert set(result.passwords) == set(result.personal)
    for clinic, file in result.personal.items():
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(file)
        with pikepdf.open(file, password=result.passwords[clinic]) as pdf:
            assert pdf.is_encrypted and pdf.encryption.R == 6 and len(pdf.pages) > 1
        text = " ".join(page_texts(file, result.passwords[clinic]))
        assert "Your clinic has code" in " ".join(text.split())
    for confidential in (result.merged, result.key):       # the coordinator's password opens these
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(confidential)
    key = " ".join(" ".join(page_texts(result.key, result.print_all_password)).split())
    assert "CONFIDENTIAL — for the coordinator only" in key
    assert not any(pw in key for pw in result.passwords.values())   # passwords only on the password sheets
    group = [" ".join(t.split()) for t in page_texts(result.group)]
    assert "Group handout" in group[0] and "page 2 of" in group[1] and "Meeting 12 March 2026" in group[1]


def test_a_refused_pack_leaves_nothing_behind(tmp_path: Path, demo_path: Path) -> None:
    with Project.open(demo_path) as project:
        victim = project.clinic("K07")
        project.add_note(f"Tal fra {victim.name} kom sent.", measure="morfin_brugere", audience="group")
        with pytest.raises(KlyngeError):
            build_pack(project, "2026-12", tmp_path / "out")
        assert not (project.draw("2026-12") or {}).get("frozen_at")
    assert not (tmp_path / "out").exists()


def test_group_renderer_refuses_the_identified_table(demo_project) -> None:
    identified = collate(demo_project, "smerter", "2026H1", "2025H2")
    topic = demo_project.topic("smerter")
    with pytest.raises(TypeError):
        render_group(io.BytesIO(), [TopicMaterial(identified, topic)], demo_project.meeting("2026-12"),
                     "Fjordby Klynge", "da")
    anonymised = anonymised_table(demo_project, "2026-03", "smerter")
    out = io.BytesIO()
    render_group(out, [TopicMaterial(anonymised, topic)], demo_project.meeting("2026-03"), "Fjordby Klynge", "da")
    assert out.getvalue().startswith(b"%PDF")


def test_unknown_meeting_is_refused(tmp_path: Path, demo_project) -> None:
    with pytest.raises(KlyngeError):
        build_pack(demo_project, "1999-01", tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)
