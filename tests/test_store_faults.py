"""Faults around the project file: each is a Danish sentence naming the file and what to do, data intact."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import clinic_files as cf
import pytest
from faults import fill, read_only, tiny_disk

from klyngedesk.cli.main import main
from klyngedesk.core.model import Period
from klyngedesk.core.packages import read_package
from klyngedesk.core.store import Project
from klyngedesk.core.store import connection as store_connection
from klyngedesk.i18n import KlyngeError

NEW = "2026H2"
ENGLISH = ("No space", "Permission denied", "Read-only file system", "database", "disk is full", "Errno",
           "Traceback", "malformed", "Expecting", "rollback", "not a directory", "File exists", "unable to open")


def _sentence(capsys, *danish: str, name: str | None = None) -> str:
    """stderr is one or more Danish sentences, naming the file, without the system's English."""
    err = capsys.readouterr().err
    for word in danish:
        assert word in err, err
    if name is not None:
        assert name in err, err
    for english in ENGLISH:
        assert english not in err, err
    return err


def _state(path: Path) -> tuple:
    """What must survive a failure unchanged: integrity, values, batches, draws (read without writing)."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT COUNT(*), TOTAL(value) FROM vals").fetchone(),
                conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0],
                conn.execute("SELECT COUNT(*), COUNT(frozen_at) FROM code_draws").fetchone())
    finally:
        conn.close()


@pytest.fixture
def round_path(demo_path: Path) -> Path:
    """The demo cluster with a new round to import into."""
    with Project.open(demo_path) as project:
        project.add_period(Period(NEW, "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    return demo_path


def _new_round_file(project_path: Path, folder: Path) -> Path:
    with Project.open(project_path, readonly=True) as project:
        clinics = cf.demo_clinics(project)
    return cf.standard_csv(folder, clinics, NEW).path


# --- disk full ----------------------------------------------------------------------------------
def test_disk_full_during_import_simulated(round_path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """SQLite's own SQLITE_FULL (the file may not grow by one page), not a hidden 'cannot rollback'."""
    source = _new_round_file(round_path, tmp_path)
    before = _state(round_path)
    real = store_connection._connect

    def no_room(uri: str) -> sqlite3.Connection:
        conn = real(uri)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(store_connection, "_connect", no_room)
    assert main(["import", str(round_path), str(source)]) == 1
    _sentence(capsys, "er fuld", "Frigør plads", name=round_path.name)
    monkeypatch.undo()
    assert _state(round_path) == before


def test_disk_full_during_import_on_a_tiny_disk(round_path: Path, tmp_path: Path, capsys) -> None:
    source = _new_round_file(round_path, tmp_path)
    with tiny_disk(tmp_path / "disk", "2m") as disk:
        project = disk / round_path.name
        shutil.copy(round_path, project)
        before = _state(project)
        fill(disk)
        assert main(["import", str(project), str(source)]) == 1
        _sentence(capsys, "er fuld", "Frigør plads", name=project.name)
        (disk / "fyld.bin").unlink()
        assert _state(project) == before


def test_disk_full_during_pack_simulated(demo_path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    before = _state(demo_path)
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if ".partial" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "ud"
    out.mkdir()
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 1
    _sentence(capsys, "er fuld", name="ud")
    assert list(out.iterdir()) == []  # no half pack, no hidden .partial folder
    assert _state(demo_path) == before  # no new draw, nothing frozen


def test_disk_full_during_pack_on_a_tiny_disk(demo_path: Path, tmp_path: Path, capsys) -> None:
    before = _state(demo_path)
    with tiny_disk(tmp_path / "disk", "96k") as disk:
        assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(disk)]) == 1
        _sentence(capsys, "er fuld", name="disk")
        assert [p.name for p in disk.iterdir()] == []
    assert _state(demo_path) == before


# --- rights and read-only places ----------------------------------------------------------------
def test_write_protected_project_file(round_path: Path, tmp_path: Path, capsys) -> None:
    source = _new_round_file(round_path, tmp_path)
    before = _state(round_path)
    with read_only(round_path):
        assert main(["import", str(round_path), str(source)]) == 1
        _sentence(capsys, "skrivebeskyttet", name=round_path.name)
        assert main(["info", str(round_path)]) == 0  # reading still works
        capsys.readouterr()
    assert _state(round_path) == before


def test_read_only_folder_is_read_but_never_called_damaged(demo_path: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "skrivebeskyttet mappe"
    folder.mkdir()
    project = folder / demo_path.name
    shutil.copy(demo_path, project)
    before = _state(project)
    with read_only(folder):
        assert main(["info", str(project)]) == 0, capsys.readouterr().err
        out = capsys.readouterr()
        assert out.err == "" and "Fjordby Klynge" in out.out
        assert main(["pack", str(project), "--meeting", "2026-12", "--out", str(tmp_path / "ud")]) == 1
        _sentence(capsys, "må ikke skrive i mappen", name="skrivebeskyttet mappe")
    assert _state(project) == before


def test_pack_into_a_read_only_folder(demo_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "låst"
    out.mkdir()
    before = _state(demo_path)
    with read_only(out):
        assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 1
        _sentence(capsys, "må ikke skrive i mappen", name="låst")
    assert _state(demo_path) == before


def test_pack_onto_a_file(demo_path: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "pakke.pdf"
    target.write_bytes(b"%PDF-1.4 not a folder")
    before = _state(demo_path)
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(target)]) == 1
    _sentence(capsys, "er en fil, ikke en mappe", name="pakke.pdf")
    assert target.read_bytes() == b"%PDF-1.4 not a folder"
    assert _state(demo_path) == before


# --- damaged or odd files -----------------------------------------------------------------------
def test_corrupt_page_is_named_with_what_to_do(demo_path: Path, capsys) -> None:
    data = bytearray(demo_path.read_bytes())
    page = 4096
    for at in range(2 * page, len(data) - page, page):  # every page after the first two: header kept
        data[at:at + 64] = b"\xde\xad\xbe\xef" * 16
    demo_path.write_bytes(bytes(data))
    assert main(["info", str(demo_path)]) == 1
    _sentence(capsys, "beskadiget", "sikkerhedskopi", name=demo_path.name)


def test_lock_that_is_a_folder(demo_path: Path, capsys) -> None:
    (demo_path.parent / (demo_path.name + ".lock")).unlink(missing_ok=True)
    (demo_path.parent / (demo_path.name + ".lock")).mkdir()
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(demo_path.parent / "ud")]) == 1
    _sentence(capsys, "låsefil", name=demo_path.name + ".lock")


def test_demo_into_a_missing_folder(tmp_path: Path, capsys) -> None:
    assert main(["demo", str(tmp_path / "findes ikke" / "Ny.klynge")]) == 1
    _sentence(capsys, "findes ikke", name="findes ikke")
    assert not (tmp_path / "findes ikke").exists()


def test_newline_in_a_file_name_stays_on_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "Ny\nklynge.klynge"
    assert main(["demo", str(path), "--clinics", "2", "--periods", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Ny\\nklynge.klynge" in err
    assert main(["demo", str(path)]) == 1  # exists: refused, on one line too
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Ny\\nklynge.klynge" in err


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="these file systems refuse non-UTF-8 names")
def test_file_name_that_is_not_utf8(round_path: Path, tmp_path: Path, capsys) -> None:
    source = _new_round_file(round_path, tmp_path)
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/kl\xe6nik \xf8st.csv"))
    source.rename(odd)
    code = main(["import", str(round_path), str(odd)])
    err = capsys.readouterr().err
    assert code in (0, 1) and "\\xe6" in err and "Traceback" not in err
    project = Path(os.fsdecode(bytes(tmp_path) + b"/Klynge \xf8.klynge"))
    assert main(["demo", str(project), "--clinics", "2", "--periods", "1"]) == 0
    assert "Klynge \\xf8.klynge" in capsys.readouterr().err
    with Project.open(project) as p:
        assert len(p.clinics()) == 2


def test_json_errors_are_danish(tmp_path: Path) -> None:
    broken = tmp_path / "pakke.json"
    broken.write_text('{"format": "klyngedesk-package",\n  "topic": }', encoding="utf-8")
    with pytest.raises(KlyngeError) as caught:
        read_package(broken)
    text = caught.value.message("da")
    assert "pakke.json" in text and "linje 2" in text and "Expecting" not in text
    broken.write_bytes(b"\xff\xfe{")
    with pytest.raises(KlyngeError) as caught:
        read_package(broken)
    assert "UTF-8" in caught.value.message("da")


# --- a killed pack --------------------------------------------------------------------------------
KILL_DURING_PACK = """
import os, signal, sys
from klyngedesk.core.render.pack import build_pack
from klyngedesk.core.store import Project
project = Project.open(sys.argv[1])
build_pack(project, "2026-12", sys.argv[2], progress=lambda f: os.kill(os.getpid(), signal.SIGKILL))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_during_pack_leaves_a_partial_folder_that_the_next_open_removes(demo_path: Path,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "ud"
    out.mkdir()
    before = _state(demo_path)
    run = subprocess.run([sys.executable, "-c", KILL_DURING_PACK, str(demo_path), str(out)], capture_output=True)
    assert run.returncode == -9, run.stderr.decode(errors="replace")
    partials = [p for p in out.iterdir() if p.name.endswith(".partial")]
    assert partials and all(p.name.startswith(".") for p in partials)  # what a kill -9 leaves behind
    with Project.open(demo_path):
        assert list(out.iterdir()) == []  # cleaned on open
    assert _state(demo_path) == before
