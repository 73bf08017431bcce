"""The project file: create, reopen, migrate, refuse newer files, lock, and atomic transactions."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from klyngedesk.core.model import Clinic, Cluster, NewValue, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project, ProjectLocked, ProjectTooNew, ProjectUnreadable
from klyngedesk.core.store.connection import APPLICATION_ID
from klyngedesk.core.store.schema import LATEST_VERSION, MIGRATIONS


def _small_project(path: Path) -> Project:
    project = Project.create(path, Cluster("Testklynge", "Testby Kommune"))
    project.add_clinic(Clinic("A", "Lægehuset Alfa", "111111", doctors=("Ada Alfa",)))
    project.add_clinic(Clinic("B", "Lægerne Beta", "222222"))
    project.add_period(Period("P1", "1. halvår 2026", date(2026, 1, 1), date(2026, 6, 30)))
    project.add_topic(builtin_topic("antibiotika"))
    return project


def test_created_project_reopens_with_everything(tmp_path: Path) -> None:
    path = tmp_path / "t.klynge"
    with _small_project(path) as project:
        project.set_list_sizes([("A", "P1", 2000), ("B", "P1", 3000)])
        project.add_batch("a.csv", "abc", [NewValue("A", "ab_ordinationer", "P1", 400.0)])
    with Project.open(path, readonly=True) as project:
        assert project.cluster().name == "Testklynge"
        assert [c.name for c in project.clinics()] == ["Lægehuset Alfa", "Lægerne Beta"]
        assert project.clinic("A").doctors == ("Ada Alfa",)
        assert project.topic("antibiotika").indicators[0].per_year is True
        assert project.values()["value"].tolist() == [400.0]
        assert project.schema_version() == LATEST_VERSION
        assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "t.klynge"
    _small_project(path).close()
    with pytest.raises(Exception, match="findes allerede"):
        Project.create(path, Cluster("Anden"))


def test_migration_from_first_schema_version_keeps_data_and_backs_up(tmp_path: Path) -> None:
    path = tmp_path / "old.klynge"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO cluster(id, name) VALUES (1, 'Gammel klynge')")
    conn.execute("INSERT INTO clinics(key, name, yder) VALUES ('A', 'Lægehuset Alfa', '111111')")
    conn.execute("INSERT INTO notes(clinic_id, text, created_at) VALUES (1, 'Husk opfølgning', '2025-01-01')")
    conn.commit()
    conn.close()

    with Project.open(path) as project:
        assert project.schema_version() == LATEST_VERSION >= 3
        assert project.cluster().name == "Gammel klynge"
        notes = project.notes()
        assert notes[0]["text"] == "Husk opfølgning" and notes[0]["audience"] == "private"
        project.add_action("A", "Gennemgå tramadol-patienter")
        assert project.actions("A")[0]["text"] == "Gennemgå tramadol-patienter"
    backup = tmp_path / "old.v1.backup.klynge"
    assert backup.exists()
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1


def test_migration_from_version_4_gives_clinics_an_empty_short_name_that_can_be_set(tmp_path: Path) -> None:
    """A project file from before "Kort navn": its clinics open with no short name (the name is shown) and
    a short name set afterwards is kept when the file is reopened."""
    path = tmp_path / "v4.klynge"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.executescript("".join(MIGRATIONS[:4]) + "\nPRAGMA user_version = 4;")
    conn.execute("INSERT INTO cluster(id, name) VALUES (1, 'Gammel klynge')")
    conn.execute("INSERT INTO clinics(key, name, yder) VALUES ('A', 'Lægepraksis ved Anne-Mette Østergaard', '111111')")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.schema_version() == LATEST_VERSION >= 5
        clinic = project.clinic("A")
        assert clinic.short_name == "" and clinic.shown_name == "Lægepraksis ved Anne-Mette Østergaard"
        project.update_clinic(dataclasses.replace(clinic, short_name=" Østergaard "))
    with Project.open(path) as project:
        assert project.clinic("A").short_name == "Østergaard"
        assert project.clinic("A").shown_name == "Østergaard"


def test_file_from_newer_version_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "new.klynge"
    _small_project(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(ProjectTooNew) as caught:
        Project.open(path)
    assert "nyere KlyngeDesk" in caught.value.message("da")
    assert path.read_bytes() == before
    # And from the command line: a message, exit 1, no traceback.
    result = subprocess.run([sys.executable, "-m", "klyngedesk", "info", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "nyere KlyngeDesk" in result.stderr and "Traceback" not in result.stderr


def test_not_a_project_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "fake.klynge"
    path.write_text("ydernummer;praksis\n", encoding="utf-8")
    with pytest.raises(ProjectUnreadable):
        Project.open(path)


def test_second_writer_is_refused_by_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "t.klynge"
    first = _small_project(path)
    try:
        with pytest.raises(ProjectLocked) as caught:
            Project.open(path)
        assert "allerede åbent" in caught.value.message("da")
        code = ("import sys\nfrom klyngedesk.core.store import Project, ProjectLocked\n"
                f"try:\n    Project.open({str(path)!r})\nexcept ProjectLocked:\n    sys.exit(3)\n")
        assert subprocess.run([sys.executable, "-c", code]).returncode == 3
        with Project.open(path, readonly=True) as reader:  # readers are welcome
            assert len(reader.clinics()) == 2
    finally:
        first.close()
    Project.open(path).close()  # free again once the first writer is gone


def test_interrupted_transaction_leaves_no_partial_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.klynge"
    with _small_project(path) as project:
        project.set_list_sizes([("A", "P1", 2000)])
        with pytest.raises(RuntimeError), project.transaction():
            project.add_clinic(Clinic("C", "Lægeklinikken Gamma", "333333"))
            project.add_batch("x.csv", "h", [NewValue("A", "ab_ordinationer", "P1", 10.0)])
            raise RuntimeError("power cut")
        assert [c.key for c in project.clinics()] == ["A", "B"]
        assert project.value_count() == 0 and project.batches() == []


def test_batch_with_unknown_measure_stores_nothing(tmp_path: Path) -> None:
    with _small_project(tmp_path / "t.klynge") as project:
        with pytest.raises(Exception, match="nonsense"):
            project.add_batch("x.csv", "h", [NewValue("A", "ab_ordinationer", "P1", 1.0),
                                             NewValue("A", "nonsense", "P1", 1.0)])
        assert project.value_count() == 0 and project.batches() == []


def test_resent_values_replace_and_undo_restores_history(tmp_path: Path) -> None:
    with _small_project(tmp_path / "t.klynge") as project:
        first = project.add_batch("v1.csv", "h1", [NewValue("A", "ab_ordinationer", "P1", 400.0)])
        second = project.add_batch("v2.csv", "h2", [NewValue("A", "ab_ordinationer", "P1", 380.0)])
        assert project.values()["value"].tolist() == [380.0]
        assert sorted(project.values(history=True)["value"].tolist()) == [380.0, 400.0]
        with pytest.raises(Exception, match="senere import"):
            project.undo_batch(first)
        project.undo_batch(second)
        assert project.values()["value"].tolist() == [400.0]
        assert [b.status for b in project.batches()] == ["committed", "undone"]
        assert project.batch_by_hash("h2") is None and project.batch_by_hash("h1").id == first
