"""Print-all as the coordinator prints it: sealed per-clinic sections on whole duplex sheets, a confidential file,
unique handout files per clinic, and passwords only on password sheets kept apart from the files."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pikepdf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.render.leakscan import info_texts, page_texts
from klyngedesk.core.render.pack import build_pack, personal_file_names, safe_file_name
from klyngedesk.core.store import Project
from klyngedesk.i18n import KlyngeError

PASSWORD = re.compile(r"\b[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}\b")


def flat(texts: list[str]) -> list[str]:
    return [" ".join(t.split()) for t in texts]


def test_print_all_is_sealed_per_clinic_on_whole_duplex_sheets(small_demo: Project, tmp_path: Path) -> None:
    result = build_pack(small_demo, "2026-12", tmp_path / "out")
    merged = flat(page_texts(result.merged.read_bytes()))
    assert "FORTROLIGT" in merged[0] and "Udskriv alt" in merged[0]            # a confidential front sheet
    assert "FORTROLIGT" in result.merged.name
    info = " ".join(info_texts(result.merged.read_bytes()))
    assert "FORTROLIGT" in info                                                # ... and in its title/metadata
    group = page_texts(result.group.read_bytes())
    start = 2 + len(group) + len(group) % 2                                    # the group handout, whole sheets
    assert start % 2 == 0
    names = {c.key: c.name for c in small_demo.clinics()}
    for key in sorted(result.personal, key=lambda k: names[k].casefold()):
        handout = flat(page_texts(result.personal[key].read_bytes()))
        assert len(handout) % 2 == 0                                           # padded to whole sheets
        assert all(names[key] in page and "FORTROLIGT" in page for page in handout)   # name on every page
        content = [page for page in handout if "med vilje tom" not in page]
        cover = merged[start]
        assert "FORTROLIGT" in cover and names[key] in cover and f"{len(content)} sider" in cover
        code = small_demo.draw("2026-12")["codes"][key]
        assert f"kode {code}" not in cover                                     # the cover names no code
        assert merged[start + 1:start + 1 + len(content)] == content           # the handout from the cover's back
        section = 1 + len(content) + (1 + len(content)) % 2                   # ... padded as a whole
        assert all(names[key] in page and "FORTROLIGT" in page for page in merged[start:start + section])
        if section > 1 + len(content):
            assert "med vilje tom" in merged[start + section - 1]
        start += section                                                      # the next clinic: a new sheet
    assert start == len(merged)


def test_two_clinics_whose_names_clean_alike_get_a_file_each(small_demo: Project, tmp_path: Path, capsys) -> None:
    for key, name in (("K01", "Lægerne A/S"), ("K02", "Lægerne A:S")):
        small_demo.update_clinic(dataclasses.replace(small_demo.clinic(key), name=name))
    path = small_demo.path
    small_demo.close()
    code = main(["pack", str(path), "--meeting", "2026-12", "--out", str(tmp_path / "out"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    personal = json.loads(captured.out)["personal"]
    assert len(set(personal.values())) == len(personal) == 6                  # `pack --json` paths unique
    assert len(list(Path(personal["K01"]).parent.iterdir())) == 6
    first = " ".join(page_texts(Path(personal["K01"]).read_bytes()))
    second = " ".join(page_texts(Path(personal["K02"]).read_bytes()))
    assert "Lægerne A/S" in first and "Lægerne A:S" in second                  # neither overwrote the other


def test_file_names_are_unique_also_where_keys_differ_only_in_case() -> None:
    names = personal_file_names({"k1": "Lægehuset", "K1": "Lægehuset", "CON": "", "x": "Klinik?*"})
    assert len({n.casefold() for n in names.values()}) == 4
    assert names["CON"] != "CON" and "?" not in names["x"]


def test_with_passwords_no_file_beside_the_handouts_holds_a_password(small_demo: Project, tmp_path: Path) -> None:
    sheets = tmp_path / "usb" / "adgangskoder.pdf"
    result = build_pack(small_demo, "2026-12", tmp_path / "out", encrypt=True, password_sheets=sheets)
    assert result.password_sheets_path == sheets and not sheets.is_relative_to(result.folder)
    printed = flat(page_texts(sheets.read_bytes()))
    names = {c.key: c.name for c in small_demo.clinics()}
    for key, password in result.passwords.items():                            # one sheet per clinic
        page = next(p for p in printed if password in p)
        assert names[key] in page and result.personal[key].name in page
        with pikepdf.open(result.personal[key], password=password):
            pass
    assert result.print_all_password and result.print_all_password in printed[0]
    secrets = {*result.passwords.values(), result.print_all_password}
    for file in result.folder.rglob("*"):
        if file.is_file():
            assert not any(s.encode() in file.read_bytes() for s in secrets), file
    for confidential in (result.key, result.merged):                          # the coordinator's password
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(confidential)
        with pikepdf.open(confidential, password=result.print_all_password) as pdf:
            plain = io.BytesIO()
            pdf.save(plain)
        assert not PASSWORD.search(" ".join(page_texts(plain.getvalue())))


def test_password_sheets_are_refused_inside_the_pack_folder(small_demo: Project, tmp_path: Path) -> None:
    meeting = small_demo.meeting("2026-12")
    folder = tmp_path / "out" / safe_file_name(f"{meeting.date.isoformat()} {meeting.title}")
    with pytest.raises(KlyngeError, match="adskilt|apart"):
        build_pack(small_demo, "2026-12", tmp_path / "out", encrypt=True, password_sheets=folder / "koder.pdf")
    assert not (tmp_path / "out").exists() and small_demo.draw("2026-12") is None


def test_cli_encrypt_needs_a_place_for_the_password_sheets(small_demo: Project, tmp_path: Path, capsys) -> None:
    path = small_demo.path
    small_demo.close()
    assert main(["pack", str(path), "--meeting", "2026-12", "--out", str(tmp_path / "out"), "--encrypt"]) == 1
    assert "--password-sheets" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
