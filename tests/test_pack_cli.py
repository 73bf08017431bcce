"""`klyngedesk pack` as CLI.md promises: flags, JSON keys on stdout, exit codes, nothing written on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project


def test_pack_command_writes_the_pack_and_prints_the_json_shape(demo_path: Path, tmp_path: Path, capsys) -> None:
    code = main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(tmp_path / "out"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert {"group", "key", "personal", "merged"} <= set(data)
    with Project.open(demo_path, readonly=True) as project:
        assert set(data["personal"]) == {c.key for c in project.clinics()}
        assert project.draw("2026-12")["frozen_at"]
    for path in [data["group"], data["key"], data["merged"], *data["personal"].values()]:
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) >= 1
    assert "Fællesmateriale" in Path(data["group"]).name
    assert "låst" in captured.err                                # told, in Danish, that the codes are frozen


def test_pack_command_in_english_with_passwords(demo_path: Path, tmp_path: Path, capsys) -> None:
    sheets = tmp_path / "sheets" / "passwords.pdf"
    code = main(["pack", str(demo_path), "--meeting", "2026-03", "--out", str(tmp_path / "out"), "--lang", "en",
                 "--encrypt", "--password-sheets", str(sheets), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert Path(data["group"]).name == "Group handout.pdf"
    assert data["encrypted"] and data["password_sheets"] == str(sheets) and sheets.exists()
    assert "password sheets" in captured.err                     # told where the passwords are
    for path in data["personal"].values():
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(path)


def test_unknown_meeting_is_refused_with_exit_1_and_nothing_written(demo_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["--lang", "en", "pack", str(demo_path), "--meeting", "1999-01", "--out", str(out)])
    assert code == 1
    assert "Unknown meeting 1999-01" in capsys.readouterr().err
    assert not out.exists()


def test_missing_flags_are_a_usage_error(demo_path: Path) -> None:
    assert main(["pack", str(demo_path), "--meeting", "2026-12"]) == 2
