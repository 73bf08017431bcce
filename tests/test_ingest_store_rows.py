"""A file's values stored a hundred rows per INSERT: every row in its place, in the file's order, whatever the
count (a partial last hundred, mixed statuses and sources, a replacing batch and its undo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store_bulk import PERIODS, _indexes, _region

from klyngedesk.core.model import NewValue
from klyngedesk.i18n import KlyngeError


def _rows(project) -> list[tuple]:
    return project.conn.execute(
        "SELECT c.key, m.key, p.key, v.value, v.status, v.source_text, v.sheet, v.row, v.col, v.active, v.batch_id "
        "FROM vals v JOIN clinics c ON c.id = v.clinic_id JOIN measures m ON m.id = v.measure_id "
        "JOIN periods p ON p.id = v.period_id ORDER BY v.id").fetchall()


def _values(measures: list[str], n: int, mixed: bool, offset: float = 0.0) -> list[NewValue]:
    out = []
    for i in range(n):
        clinic, measure, period = f"K{i // len(measures) % 500:03d}", measures[i % len(measures)], \
            PERIODS[i // (500 * len(measures))]
        if mixed and i % 7 == 3:
            out.append(NewValue(clinic, measure, period, None, "suppressed", "<5", sheet=f"Ark{i % 2}", row=i + 2,
                                col="C"))
        else:
            out.append(NewValue(clinic, measure, period, float(i) + offset, sheet="Data", row=i + 2,
                                col="vaerdi (E)", source_text="12,5" if mixed and i % 5 == 0 else None))
    return out


@pytest.mark.parametrize("n", [1, 99, 100, 101, 250, 10_789])
@pytest.mark.parametrize("mixed", [False, True])
def test_every_value_is_stored_in_the_files_order(tmp_path: Path, n: int, mixed: bool) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        values = _values(measures, n, mixed)
        batch = project.add_batch("region.xlsx", "h1", values, mapping="standard")
        assert [tuple(r) for r in _rows(project)] == [
            (v.clinic, v.measure, v.period, v.value, v.status, v.source_text, v.sheet, v.row, v.col, 1, batch)
            for v in values]


def test_a_replacing_batch_and_its_undo_keep_every_row(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        first = _values(measures, 10_789, True)
        a = project.add_batch("a.xlsx", "h1", first)
        second = _values(measures, 1_234, False, offset=0.5)  # replaces the first 1,234 of them
        b = project.add_batch("b.xlsx", "h2", second)
        rows = _rows(project)
        assert len(rows) == 10_789 + 1_234
        assert sum(r["active"] for r in rows) == 10_789
        assert [r["value"] for r in rows[-1_234:]] == [v.value for v in second]
        assert [r["batch_id"] for r in rows if r["active"]].count(b) == 1_234
        project.undo_batch(b)
        assert [tuple(r)[:9] for r in _rows(project)] == [
            (v.clinic, v.measure, v.period, v.value, v.status, v.source_text, v.sheet, v.row, v.col) for v in first]
        assert {r["batch_id"] for r in _rows(project)} == {a}


def test_a_value_twice_in_one_batch_still_stores_nothing(tmp_path: Path) -> None:
    project, measures = _region(tmp_path / "r.klynge")
    with project:
        schema = _indexes(project)
        values = _values(measures, 10_789, False)
        with pytest.raises(KlyngeError):
            project.add_batch("twice.xlsx", "h1", values + values[100:101])
        assert _rows(project) == [] and _indexes(project) == schema and project.batches() == []
