"""A region's whole file as one batch: stored, replaced in part, refused whole and undone as a small one is."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from klyngedesk.core.model import Clinic, Cluster, NewValue, Period
from klyngedesk.core.packages import builtin_topic
from klyngedesk.core.store import Project

CLINICS = 500
PERIODS = [f"{year}H{half}" for year in range(2020, 2026) for half in (1, 2)]


def _region(path: Path) -> tuple[Project, list[str]]:
    project = Project.create(path, Cluster("Regionsklynge"))
    with project.transaction():
        for i in range(CLINICS):
            project.add_clinic(Clinic(f"K{i:03d}", f"Lægehuset nr. {i}", str(100000 + i)))
        for key in PERIODS:
            year, half = int(key[:4]), int(key[-1])
            project.add_period(Period(key, f"{half}. halvår {year}", date(year, 1 + 6 * (half - 1), 1),
                                      date(year, 6 * half, 30)))
        project.add_topic(builtin_topic("antibiotika"))
    measures = sorted({m for ind in project.topic("antibiotika").indicators
                       for m in (ind.numerator, ind.denominator) if m})
    return project, measures


def _values(measures: list[str], periods: list[str], offset: float, clinics: range = range(CLINICS)) \
        -> list[NewValue]:
    rows = [(f"K{c:03d}", m, p, float(c + j) + offset) for p in periods for c in clinics for j, m in enumerate(measures)]
    return [NewValue(*r, sheet="Data", row=2 + i, col="vaerdi (E)") for i, r in enumerate(rows)]


def _indexes(project: Project) -> dict[str, str]:
    return {name: sql for name, sql in project.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'vals'")}


def test_a_large_first_batch_keeps_every_value_its_provenance_and_the_schema(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        schema = _indexes(project)
        values = _values(measures, PERIODS, 0.0)
        assert len(values) >= 10_000   # the size at which the store builds its indexes after the rows
        batch = project.add_batch("region.xlsx", "h1", values, mapping="standard")
        assert _indexes(project) == schema   # the indexes are there again, exactly as the schema made them
        stored = project.values()
        assert len(stored) == len(values) and project.value_count() == len(values)
        first = stored.iloc[0]
        assert (first["clinic"], first["period"], first["sheet"], int(first["row"]), first["col"]) == \
            ("K000", "2020H1", "Data", 2, "vaerdi (E)")
        assert set(stored["batch_id"]) == {batch}
        # The unique index of active values holds again: a second active copy of a value cannot be written.
        with pytest.raises(sqlite3.IntegrityError):
            project.conn.execute("INSERT INTO vals(clinic_id, measure_id, period_id, value, batch_id) "
                                 "SELECT clinic_id, measure_id, period_id, 1, batch_id FROM vals LIMIT 1")


def test_a_resent_large_batch_replaces_keeps_history_and_undoes(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        first = project.add_batch("v1.xlsx", "h1", _values(measures, PERIODS, 0.0))
        n = project.value_count()
        resent = _values(measures, ["2025H2"], 1000.0, range(0, CLINICS, 2))   # half the clinics, one period
        second = project.add_batch("v2.xlsx", "h2", resent)
        now = project.values(period="2025H2").set_index(["clinic", "measure"])["value"]
        assert now[("K000", measures[0])] == 1000.0 and now[("K001", measures[0])] == 1.0
        assert project.value_count() == n   # replaced, not added
        assert len(project.values(history=True)) == n + len(resent)
        with pytest.raises(Exception, match="senere import"):
            project.undo_batch(first)
        project.undo_batch(second)
        again = project.values(period="2025H2").set_index(["clinic", "measure"])["value"]
        assert again[("K000", measures[0])] == 0.0 and project.value_count() == n
        project.undo_batch(first)
        assert project.value_count() == 0


def test_a_large_batch_naming_a_value_twice_stores_nothing(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        schema = _indexes(project)
        values = _values(measures, PERIODS, 0.0)
        values.append(values[17])
        with pytest.raises(Exception, match="to gange|twice"):
            project.add_batch("dobbelt.xlsx", "h", values)
        assert project.value_count() == 0 and project.batches() == [] and _indexes(project) == schema


def test_the_reference_checks_are_back_after_an_import_and_after_a_failed_one(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        with project.transaction(foreign_keys=False):
            project.add_batch("region.xlsx", "h1", _values(measures, PERIODS[:1], 0.0))
        with pytest.raises(RuntimeError), project.transaction(foreign_keys=False):
            project.add_batch("region2.xlsx", "h2", _values(measures, PERIODS[1:2], 0.0))
            raise RuntimeError("the disk is full")
        assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert project.value_count() == CLINICS * len(measures) and len(project.batches()) == 1
        with pytest.raises(sqlite3.IntegrityError):   # a value of a clinic that does not exist
            project.conn.execute("INSERT INTO vals(clinic_id, measure_id, period_id, value) VALUES (99999, 1, 1, 1)")
        with project.transaction(), project.transaction(foreign_keys=False):   # nested: the checks stay on
            assert project.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
