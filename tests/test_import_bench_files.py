"""The benchmark's 20 typical clinic files import in one go, and store exactly what each file says."""

from __future__ import annotations

from pathlib import Path

import clinic_files as cf

from benchmarks.bench_import import add_rounds, storable, typical_files
from klyngedesk.core.ingest import commit_plan
from klyngedesk.core.store import Project


def test_the_typical_files_of_the_benchmark_are_one_storable_import(demo_project, tmp_path: Path) -> None:
    add_rounds(demo_project)
    (tmp_path / "files").mkdir()
    files = typical_files(tmp_path / "files", demo_project)
    plan = storable(demo_project, files)  # raises SystemExit with the files' messages otherwise
    assert len(files) == 20 and all(fp.status == "ready" for fp in plan.files)
    batches = commit_plan(demo_project, plan)
    assert len(batches) == 20
    stored = demo_project.values()
    assert len(stored[stored.batch_id.isin(batches)]) == sum(len(fp.values) for fp in plan.files)


def test_a_refused_plan_stops_the_benchmark_with_the_reason(demo_project: Project, tmp_path: Path) -> None:
    import pytest

    f = cf.standard_csv(tmp_path, cf.demo_clinics(demo_project), "2031H1")  # a round the project lacks
    with pytest.raises(SystemExit, match="2031H1"):
        storable(demo_project, [f.path])
