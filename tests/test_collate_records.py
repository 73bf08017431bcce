"""Collation builds its rows without the frozen dataclasses' slow __init__: the rows are the same objects."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from klyngedesk.core.collate import collate, collate_many
from klyngedesk.core.collate.table import Change, ClinicRow, Funnel
from klyngedesk.core.demo import build_demo
from klyngedesk.core.records import bulk, record
from klyngedesk.core.store import Project


def _rebuilt(obj):
    """The same record made through its class's own __init__ (nested records too)."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    values = {k: _rebuilt(v) if dataclasses.is_dataclass(v) else v for k, v in values.items()}
    return type(obj)(**values)


def test_every_row_and_change_equals_one_made_by_its_class(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.klynge", clinics=9, periods=3)
    with Project.open(path, readonly=True) as project:
        tables = collate_many(project)
        topic, period = project.topics()[0].key, project.periods()[-1].key
        single = collate(project, topic, period, project.periods()[-2].key)
    rows = [r for t in [*tables.values(), single] for ind in t.indicators for r in ind.rows]
    assert rows and any(r.change is not None for r in rows) and any(r.funnel is not None for r in rows)
    for row in rows:
        again = _rebuilt(row)
        assert again == row and hash(again) == hash(row) and repr(again) == repr(row)
        assert dataclasses.asdict(again) == dataclasses.asdict(row)
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.value = 1.0  # type: ignore[misc]


def test_a_record_missing_a_field_goes_through_the_class() -> None:
    with pytest.raises(TypeError):
        record(Funnel, {"l95": 1.0, "u95": 2.0, "l998": 0.5})
    change = record(Change, {"baseline_value": 1.0, "value": 2.0, "absolute": 1.0, "ratio": 2.0, "ratio_low": 1.0,
                             "ratio_high": 3.0, "relative": 1.0, "relative_low": 0.0, "relative_high": 2.0})
    assert change == Change(1.0, 2.0, 1.0, 2.0, 1.0, 3.0, 1.0, 0.0, 2.0) and change.method == ""
    with pytest.raises(TypeError):
        record(ClinicRow, {"clinic": "K1", "colour": "red"})


def test_bulk_pauses_the_collector_and_restores_it() -> None:
    import gc

    assert gc.isenabled()
    with bulk():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk():
            pass
        assert not gc.isenabled()   # left as the caller had it
    finally:
        gc.enable()
