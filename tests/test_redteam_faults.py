"""Red team: faults at the worst moment of printing. The pack's files may be complete while the project file
cannot record what was printed (the project on a full USB stick or network drive, the pack folder on the
desktop): then the members would hold a pack the next audit does not know about, under codes the project
forgot. Nothing may be left behind, and the coordinator is told in Danish."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from klyngedesk.cli.main import main
from klyngedesk.core.store import Project
from klyngedesk.core.store import connection as store_connection

ENGLISH = ("No space", "disk is full", "Errno", "Traceback", "database or disk", "rollback")


def _state(path: Path) -> tuple:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT COUNT(*), COUNT(frozen_at) FROM code_draws").fetchone(),
                conn.execute("SELECT COUNT(*) FROM published").fetchone()[0])
    finally:
        conn.close()


def _no_room_for_the_project(monkeypatch) -> None:
    """The project file may not grow by one page (SQLite's own SQLITE_FULL); the pack folder has room."""
    real = store_connection._connect

    def no_room(uri: str) -> sqlite3.Connection:
        conn = real(uri)
        conn.execute("VACUUM")   # no free pages left inside the file either
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(store_connection, "_connect", no_room)


def _disk_full_error() -> sqlite3.OperationalError:
    """SQLite's own SQLITE_FULL, as a write to a file on a full disk raises it."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE t(x)")
        conn.execute("PRAGMA max_page_count = 2")
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite did not report a full database")


def test_a_pack_the_project_cannot_record_is_not_left_in_the_folder(demo_path: Path, tmp_path: Path,
                                                                   monkeypatch, capsys) -> None:
    before = _state(demo_path)
    out = tmp_path / "ud"
    out.mkdir()
    _no_room_for_the_project(monkeypatch)
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "fuld" in err and demo_path.name in err, err
    assert not any(english in err for english in ENGLISH), err
    monkeypatch.undo()
    assert list(out.iterdir()) == []          # no pack that the project does not know was printed
    assert _state(demo_path) == before        # no draw frozen, nothing recorded


def test_reprinting_keeps_the_earlier_pack_when_the_project_cannot_record(demo_path: Path, tmp_path: Path,
                                                                           monkeypatch, capsys) -> None:
    out = tmp_path / "ud"
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 0
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")}
    capsys.readouterr()
    before = _state(demo_path)
    full = _disk_full_error()
    real = Project.audit

    def audit(self, action: str, **detail) -> None:   # the project's last write of the pack meets a full disk
        if action == "pack":
            raise full
        real(self, action, **detail)

    monkeypatch.setattr(Project, "audit", audit)
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "fuld" in err and not any(english in err for english in ENGLISH), err
    monkeypatch.undo()
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")} == first   # the printed one stays
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert _state(demo_path) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_fault_while_the_pack_folder_is_put_in_place_leaves_the_project_unchanged(
        demo_path: Path, tmp_path: Path, monkeypatch, capsys, code: int) -> None:
    before = _state(demo_path)
    out = tmp_path / "ud"
    out.mkdir()
    real = Path.rename

    def refused(self: Path, target):
        if self.name.endswith(".partial"):
            raise OSError(code, "refused", str(self))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", refused)
    assert main(["pack", str(demo_path), "--meeting", "2026-12", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ud" in err and not any(english in err for english in ("Errno", "Traceback", "refused")), err
    monkeypatch.undo()
    assert list(out.iterdir()) == []
    assert _state(demo_path) == before
    with Project.open(demo_path, readonly=True) as project:
        assert project.draw("2026-12") is None or not project.draw("2026-12").frozen
