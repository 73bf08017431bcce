"""A project file from someone else may carry database code (triggers, views) that KlyngeDesk never writes:
it is refused unopened and unchanged, before a migration could fire it, with a Danish sentence."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from klyngedesk.core.model import Clinic, Cluster, NewValue, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project, ProjectUnreadable
from klyngedesk.core.store.schema import LATEST_VERSION, MIGRATIONS

# Each a piece of SQL a hostile or careless sender could leave in the file; every one would change what
# KlyngeDesk stores or reads without the coordinator seeing it.
FOREIGN = {
    "doubles every value stored": "CREATE TRIGGER t_double AFTER INSERT ON vals BEGIN "
                                  "UPDATE vals SET value = value * 2 WHERE rowid = NEW.rowid; END",
    "throws away the audit log": "CREATE TRIGGER t_forget AFTER INSERT ON audit_log BEGIN "
                                 "DELETE FROM audit_log; END",
    "a view": "CREATE VIEW v_all AS SELECT * FROM clinics",
}


def _project(path: Path) -> None:
    with Project.create(path, Cluster("Testklynge", "Testby Kommune")) as project:
        project.add_clinic(Clinic("A", "Lægehuset Alfa", "111111"))
        project.add_period(Period("P1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30)))
        project.add_topic(builtin_topic("antibiotika"))


def _refused(path: Path, *, readonly: bool = False) -> str:
    before = path.read_bytes()
    with pytest.raises(ProjectUnreadable) as caught:
        Project.open(path, readonly=readonly)
    assert path.read_bytes() == before
    return caught.value.message("da")


@pytest.mark.parametrize("sql", FOREIGN.values(), ids=FOREIGN.keys())
def test_a_file_with_foreign_database_code_is_refused_unchanged(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "fremmed.klynge"
    _project(path)
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    message = _refused(path)
    assert "fremmed.klynge" in message and "databasekode" in message and "sikkerhedskopi" in message
    assert _refused(path, readonly=True) == message
    # The command line says the same sentence, exit 1, no traceback.
    result = subprocess.run([sys.executable, "-m", "klyngedesk", "info", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "databasekode" in result.stderr and "Traceback" not in result.stderr


def test_foreign_code_in_an_old_file_is_refused_before_the_upgrade_runs(tmp_path: Path) -> None:
    path = tmp_path / "gammel.klynge"
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("PRAGMA user_version = 1")
        conn.execute(f"PRAGMA application_id = {0x4B4C594E}")
        conn.execute("CREATE TRIGGER t_evil AFTER INSERT ON clinics BEGIN DELETE FROM clinics; END")
    assert LATEST_VERSION > 1
    _refused(path)
    assert not list(tmp_path.glob("*.backup.klynge"))   # nothing was done to it, not even the backup


def test_an_ordinary_project_still_opens_and_stores(tmp_path: Path) -> None:
    path = tmp_path / "ren.klynge"
    _project(path)
    with Project.open(path) as project:
        project.add_batch("a.csv", "abc", [NewValue("A", "ab_ordinationer", "P1", 400.0)])
        assert project.values()["value"].tolist() == [400.0]
        assert project.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_the_window_says_why_and_opens_nothing(qtbot, app_context, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from klyngedesk.gui.main_window import MainWindow

    path = tmp_path / "fremmed.klynge"
    _project(path)
    with sqlite3.connect(path) as conn:
        conn.execute(FOREIGN["doubles every value stored"])
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a, **k: said.append(f"{title}\n{text}"))
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert not window.open_project(str(path), remember=False)
    assert app_context.holder.project is None
    assert len(said) == 1 and "databasekode" in said[0] and "fremmed.klynge" in said[0], said
