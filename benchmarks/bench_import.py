"""Import benchmark: (a) 20 typical clinic files, (b) a 100,000-row standard-format xlsx, as ratios to pandas.

Run: `.venv/bin/python -m benchmarks.bench_import` (from the repository root). Each figure is our time divided
by a bare `pandas.read_excel(engine="calamine")` (or `pandas.read_csv`) of the same files, measured in the
same run, best of three. "read" = read, find the table, parse every cell, refuse patient data (what `inspect`
does); "plan" = read + map + match clinics + check (what `import --dry-run` does); "store" = the full import
into a project file.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import clinic_files as cf  # noqa: E402

from benchmarks.timing import best_of, paired  # noqa: E402
from klyngedesk.core.demo import build_demo  # noqa: E402
from klyngedesk.core.ingest import ImportPlan, commit_plan, inspect_file, plan_import  # noqa: E402
from klyngedesk.core.model import Clinic, Cluster, Period  # noqa: E402
from klyngedesk.core.packages import builtin_topic  # noqa: E402
from klyngedesk.core.store import Project  # noqa: E402


def pandas_floor(paths: list[Path]) -> None:
    for p in paths:
        if p.suffix == ".csv":
            pd.read_csv(p, sep=None, engine="python", encoding="latin-1", header=None, on_bad_lines="skip")
        else:
            pd.read_excel(p, engine="calamine", sheet_name=None)


ROUNDS = (("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)),
          ("2027H1", "1. halvår 2027", date(2027, 1, 1), date(2027, 6, 30)),
          ("2027H2", "2. halvår 2027", date(2027, 7, 1), date(2027, 12, 31)),
          ("2028H1", "1. halvår 2028", date(2028, 1, 1), date(2028, 6, 30)))


def add_rounds(project: Project) -> None:
    """The rounds the typical files are for (the demo's own rounds already hold values and list sizes)."""
    for key, label, start, end in ROUNDS:
        project.add_period(Period(key, label, start, end))


def typical_files(folder: Path, project: Project) -> list[Path]:
    """20 files in the shapes clinics send: templates, EHR exports, Ordiprax, region extracts, standard CSV.

    One import of all of them must be storable: no value is in two files (the importer refuses that, as it
    cannot know which file is right), so the region extracts and standard files are for later rounds."""
    clinics = cf.demo_clinics(project)
    (first, label, _, _), *later = ROUNDS
    files = [cf.filled_template(folder, c, first, seed=i).path for i, c in enumerate(clinics[:8])]
    for i, c in enumerate(clinics[8:14]):
        sub = folder / f"ehr{i}"
        sub.mkdir()
        files.append(cf.ehr_export(sub, c, label, first, seed=i).path)
    for i, (key, label, _, _) in enumerate(ROUNDS[:3]):
        sub = folder / f"region{i}"
        sub.mkdir()
        files.append(cf.region_extract(sub, clinics, label, key, seed=i).path)
    for i, (key, _, _, _) in enumerate(later):
        files.append(cf.standard_csv(folder, clinics, key, seed=i, name=f"standard{i}.csv").path)
    return files


def storable(project: Project, files: list[Path]) -> ImportPlan:
    """The plan of one import of `files`; a benchmark of a refused plan would time the wrong thing."""
    plan = plan_import(project, files, confirm=True)
    if not plan.ok:
        raise SystemExit("bench_import: the typical files do not import: " +
                         "; ".join(f.message("en") or f.status for f in plan.files if f.status != "ready"))
    return plan


def big_project(path: Path, clinics: int = 2000) -> Project:
    project = Project.create(path, Cluster("Benchmarkklynge"))
    with project.transaction():
        for i in range(clinics):
            project.add_clinic(Clinic(f"B{i:04d}", f"Lægehuset nr. {i}", str(100000 + i)))
        for year in range(2010, 2020):
            project.add_period(Period(f"{year}H1", f"1. halvår {year}", date(year, 1, 1), date(year, 6, 30)))
        for topic in ("kol", "antibiotika"):
            project.add_topic(builtin_topic(topic))
    return project


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-") as tmp:
        folder = Path(tmp)
        demo = build_demo(folder / "demo.klynge")
        (folder / "files").mkdir()
        with Project.open(demo) as project:
            add_rounds(project)
            files = typical_files(folder / "files", project)
            storable(project, files)
        floor, ours_read = paired(lambda: pandas_floor(files), lambda: [inspect_file(p) for p in files])
        with Project.open(demo) as project:
            ours_plan = best_of(lambda: plan_import(project, files, confirm=True), 5)

        def store() -> None:
            target = folder / "store.klynge"
            shutil.copy(demo, target)
            with Project.open(target) as p:
                commit_plan(p, storable(p, files))
            target.unlink()

        ours_store = best_of(store, 2)
        print(f"(a) {len(files)} typical clinic files: pandas {floor * 1000:.0f} ms")
        print(f"    read {ours_read * 1000:.0f} ms = {ours_read / floor:.2f}x   plan {ours_plan * 1000:.0f} ms = "
              f"{ours_plan / floor:.2f}x   full import {ours_store * 1000:.0f} ms = {ours_store / floor:.2f}x")

        big = cf.big_standard_xlsx(folder / "region_100k.xlsx")
        floor, ours_read = paired(lambda: pd.read_excel(big, engine="calamine"), lambda: inspect_file(big))
        project = big_project(folder / "big.klynge")
        try:
            ours_plan = best_of(lambda: plan_import(project, [big], confirm=True), 3)
            start = time.perf_counter()
            commit_plan(project, storable(project, [big]))
            ours_store = time.perf_counter() - start
        finally:
            project.close()
        print(f"(b) 100,000-row standard-format xlsx: pandas.read_excel(engine='calamine') {floor * 1000:.0f} ms")
        print(f"    read {ours_read * 1000:.0f} ms = {ours_read / floor:.2f}x   plan {ours_plan * 1000:.0f} ms = "
              f"{ours_plan / floor:.2f}x   full import {ours_store * 1000:.0f} ms = {ours_store / floor:.2f}x")


if __name__ == "__main__":
    main()
