"""All whole-process benchmarks: `python -m benchmarks.run_all [--only CASE ...] [--runs N] [--data DIR]`.

Each case starts ours and its floor as separate processes in turn (ours, floor, ours, floor ...; one
uncounted warm-up pair) and prints ours, the floor and the ratio ours / floor pair by pair, as minimum and
median wall seconds. The data are built once per data folder with `klyngedesk demo` (kept for the next run).
Cases: import-100k, import-1200, import-12000, pack-20, collate, and the scaling runs import-scaling (1,200,
12,000, 100,000 rows), collate-scaling and pack-scaling (20, 200, 1,700 clinics), each printing ours, the floor
and the ratio per size and the growth exponent. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.scaling import scaling
from benchmarks.wholeprocess import pair

PY = sys.executable
KLYNGEDESK = str(Path(PY).with_name("klyngedesk"))
CASES = ("import-100k", "import-1200", "import-12000", "pack-20", "collate", "import-scaling", "collate-scaling",
         "pack-scaling")


def demo(data: Path, clinics: int, periods: int) -> Path:
    """The demo project with `clinics` clinics and `periods` half-year periods (built once)."""
    path = data / f"demo-{clinics}x{periods}.klynge"
    if not path.exists():
        print(f"  building {path.name} ...", flush=True)
        subprocess.run([KLYNGEDESK, "demo", str(path), "--clinics", str(clinics), "--periods", str(periods)],
                       check=True, stdout=subprocess.DEVNULL)
    return upgraded(path)


def upgraded(path: Path) -> Path:
    """A kept project opened once for writing, so that a schema upgrade since it was built is applied before
    the timed runs (which open it read-only, or would pay for the upgrade in the first run)."""
    from klyngedesk.core.store import Project

    with Project.open(path):
        pass
    return path


def compiled() -> None:
    """Our package's bytecode written once before the timed runs. The floors' libraries (pandas, reportlab,
    PySide6) were installed with theirs; an editable checkout has none, and with PYTHONDONTWRITEBYTECODE set
    every timed run of ours would compile its modules from source again (a third of a second of CPU)."""
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "klyngedesk"), quiet=1)


def cases_cmd(*args: str) -> list[str]:
    return [PY, "-m", "benchmarks.cases", *args]


def import_files(data: Path) -> tuple[Path, dict[int, Path]]:
    """An empty 1,700-clinic x 12-period project and standard xlsx files of 1,200, 12,000 and 100,000 rows."""
    empty = data / "empty-1700x12.klynge"
    files = {n: data / f"standard-{n}.xlsx" for n in (1200, 12000, 100000)}
    if not empty.exists() or not all(f.exists() for f in files.values()):
        from benchmarks.cases import setup_import

        empty.unlink(missing_ok=True)
        print("  writing the import files ...", flush=True)
        setup_import(demo(data, 1700, 12), empty, files)
    return upgraded(empty), files


def pack_project(data: Path, clinics: int) -> Path:
    """The pack benchmark's project of `clinics` clinics, built once and kept under `data`."""
    from benchmarks.bench_pack import make_project

    folder = data / f"pack-{clinics}"
    project = folder / "bench.klynge"
    if not project.exists():
        print(f"  building the {clinics}-clinic pack project ...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        make_project(folder, clinics)
    return upgraded(project)


def pack_cmds(data: Path, clinics: int, out: Path) -> tuple[list[str], list[str], int, int]:
    """The pack command for the demo with `clinics` clinics and a meeting of 8 indicators, its floor, and
    (charts, files) counted once."""
    from benchmarks.bench_pack import MEETING
    from benchmarks.cases import count_pack

    project = pack_project(data, clinics)
    charts, files = count_pack(project, MEETING, Path(tempfile.mkdtemp(dir=out)))
    ours = [KLYNGEDESK, "pack", str(project), "--meeting", MEETING, "--out", str(out)]
    return ours, cases_cmd("floor-pack", str(charts), str(files), str(clinics)), charts, files


def pack_scaling_cmds(data: Path, clinics: int, out: Path) -> tuple[list[str], list[str], str]:
    """Ours (the counted pack) and its floor at one size; the floor draws what the pack before it counted."""
    from benchmarks.bench_pack import MEETING

    project = pack_project(data, clinics)
    counts = out / f"counts-{clinics}.json"
    return (cases_cmd("pack-counted", str(project), MEETING, str(out), str(counts)),
            cases_cmd("floor-pack-from", str(counts), str(clinics)), "8 indicators, one handout per clinic")


def import_scaling_cmds(data: Path, rows: int) -> tuple[list[str], list[str], str]:
    """Our import of the standard xlsx of `rows` values and the bare calamine read of it."""
    empty, files = import_files(data)
    return (cases_cmd("import", str(empty), str(files[rows])), cases_cmd("floor-read", str(files[rows])),
            "standard xlsx into 1,700 clinics x 12 periods")


def collate_scaling_cmds(data: Path, clinics: int) -> tuple[list[str], list[str], str]:
    """`collate_many` over every topic x 12 periods and its floor at one size."""
    project = demo(data, clinics, 12)
    return (cases_cmd("collate-all", str(project)), cases_cmd("collate-floor", str(project)),
            "3 topics x 12 periods")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run_all")
    p.add_argument("--only", nargs="+", choices=CASES, default=list(CASES))
    p.add_argument("--runs", type=int, default=5, help="counted pairs per case (default 5)")
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "klyngedesk-bench-data",
                   help="folder for the demo projects and files, kept between runs")
    p.add_argument("--scaling", type=int, nargs="+", default=[20, 200, 1700],
                   help="clinic counts for the pack and collate scaling runs (default 20 200 1700)")
    p.add_argument("--scale-runs", type=int, default=3, help="pairs per size in a scaling run (default 3)")
    p.add_argument("--timeout", type=float, default=1800.0,
                   help="seconds one run of a scaling size may take; a run stopped there is a lower bound")
    args = p.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    compiled()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; wall seconds, whole process, "
          f"{args.runs} pairs after one warm-up pair", flush=True)
    with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-out-") as tmp:
        out = Path(tmp)
        for case in args.only:
            if case in ("import-100k", "import-1200", "import-12000"):
                empty, files = import_files(args.data)
                n = {"import-100k": 100000, "import-1200": 1200, "import-12000": 12000}[case]
                pair(f"import {n:,} rows (standard xlsx) vs pandas.read_excel(engine='calamine')",
                     cases_cmd("import", str(empty), str(files[n])), cases_cmd("floor-read", str(files[n])),
                     args.runs)
            elif case == "pack-20":
                ours, floor, charts, files = pack_cmds(args.data, 20, out)
                pair(f"pack 20 clinics ({files} PDFs, {charts} charts) vs plain reportlab canvas, same charts",
                     ours, floor, args.runs)
            elif case == "collate":
                project = demo(args.data, 1700, 12)
                pair("collate all topics x 12 periods at 1,700 clinics vs one fetch + compute",
                     cases_cmd("collate-all", str(project)), cases_cmd("collate-floor", str(project)), args.runs)
            elif case == "pack-scaling":
                scaling("pack", args.scaling, lambda n: pack_scaling_cmds(args.data, n, out), args.scale_runs,
                        args.timeout)
            elif case == "collate-scaling":
                scaling("collate", args.scaling, lambda n: collate_scaling_cmds(args.data, n), args.scale_runs,
                        args.timeout)
            elif case == "import-scaling":
                scaling("import (rows)", [1200, 12000, 100000], lambda n: import_scaling_cmds(args.data, n),
                        args.scale_runs, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
