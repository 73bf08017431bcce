"""The log: operations and the kind of each failure, never a value, a clinic or a person."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import clinic_files as cf

from klyngedesk.core.ingest import commit_plan, plan_import
from klyngedesk.core.logsetup import setup_logging
from klyngedesk.core.model import Period
from klyngedesk.core.store import Project


def _flushed(path: Path) -> str:
    for handler in logging.getLogger("klyngedesk").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_operations_are_logged_without_contents(demo_path: Path, tmp_path: Path) -> None:
    log = setup_logging(tmp_path / "data")
    with Project.open(demo_path) as project:
        project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
        clinics = cf.demo_clinics(project)
        f = cf.standard_csv(tmp_path, clinics, "2026H2")
        commit_plan(project, plan_import(project, [f.path]))
        values = project.values(period="2026H2")
    text = _flushed(log)
    assert f"opened {demo_path.name}" in text and f"closed {demo_path.name}" in text
    assert "import" in text
    for clinic in clinics:
        assert clinic.name not in text and clinic.yder not in text
    numbers = {str(int(v)) for v in values["value"].dropna() if v >= 100}
    assert not [n for n in numbers if f" {n}" in text]  # no stored count appears in the log


def test_a_failed_write_is_logged_by_its_kind(demo_path: Path, tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    from klyngedesk.core.model import Clinic
    from klyngedesk.core.store import connection
    from klyngedesk.i18n import KlyngeError

    log = setup_logging(tmp_path / "data")
    real = connection._connect

    def no_room(uri: str) -> sqlite3.Connection:
        conn = real(uri)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(connection, "_connect", no_room)
    with Project.open(demo_path) as project:
        try:
            with project.transaction():
                for i in range(2000):
                    project.add_clinic(Clinic(f"X{i}", f"Lægehuset Hemmelig {i}", f"9{i:05d}"))
        except KlyngeError:
            pass
    text = _flushed(log)
    assert "rolled back: SQLITE_FULL" in text and "Hemmelig" not in text and "Traceback" not in text


def test_the_error_dialog_names_the_log_file(tmp_path: Path) -> None:
    from klyngedesk.gui.error_dialog import error_text

    log = setup_logging(tmp_path / "data")
    assert str(log) in error_text(ValueError("celle B7: 123"), "da") and "123" not in error_text(ValueError("x"), "da")
