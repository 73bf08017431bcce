"""One benchmark case per process: `python -m benchmarks.cases CASE ARGS` (ours, or a floor) and the data set-up."""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def floor_read(path: Path) -> None:
    """Floor for the import: a bare calamine read of the file into a frame."""
    import pandas as pd

    pd.read_excel(path, engine="calamine")


def floor_pack(charts: int, files: int, bars: int) -> None:
    """Floor for the pack: the same number of ranked-bar charts drawn with plain reportlab canvas calls."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from klyngedesk.core.render.fonts import REGULAR, register_fonts

    register_fonts()
    per_file = [charts // files + (1 if i < charts % files else 0) for i in range(files)]
    for count in per_file:
        canvas = Canvas(io.BytesIO(), pagesize=A4)
        for i in range(count):
            _chart(canvas, REGULAR, 50, 560 - (i % 3) * 260, bars)
            if i % 3 == 2:
                canvas.showPage()
        canvas.save()


def _chart(canvas, font: str, x0: float, y0: float, bars: int) -> None:
    """One ranked-bar chart: per clinic a label, a bar, a whisker and a value; an axis with ticks."""
    canvas.setFont(font, 7.5)
    step = 230 / max(bars, 1)
    for i in range(bars):
        y = y0 + 230 - i * step
        w = 40 + (i * 37) % 380
        canvas.drawRightString(x0 + 30, y, chr(65 + i % 26))
        canvas.rect(x0 + 40, y - 3, w, min(7, step * 0.7), stroke=0, fill=1)
        canvas.line(x0 + 40 + w * 0.8, y, x0 + 40 + w * 1.1, y)
        canvas.line(x0 + 40 + w * 0.8, y - 2.5, x0 + 40 + w * 0.8, y + 2.5)
        canvas.line(x0 + 40 + w * 1.1, y - 2.5, x0 + 40 + w * 1.1, y + 2.5)
        canvas.drawRightString(x0 + 478, y, f"{w / 10:.1f}")
    for t in range(6):
        canvas.line(x0 + 40 + t * 80, y0 + 10, x0 + 40 + t * 80, y0 + 240)
        canvas.drawCentredString(x0 + 40 + t * 80, y0 + 2, str(t * 10))


def _rounds(project) -> list[tuple[str, str, str | None]]:
    """Every (topic, period, previous period) of the project, oldest period first."""
    periods = [p.key for p in project.periods()]
    return [(t.key, p, periods[i - 1] if i else None) for t in project.topics() for i, p in enumerate(periods)]


def collate_rounds(path: Path) -> None:
    """Ours, one query set per round: `collate` for every topic x period against the period before."""
    from klyngedesk.core.collate import collate
    from klyngedesk.core.store import Project

    with Project.open(path, readonly=True) as project:
        for topic, period, previous in _rounds(project):
            collate(project, topic, period, previous)


def collate_all(path: Path) -> None:
    """Ours at national scale: every topic x period against the period before, from one fetch."""
    from klyngedesk.core.collate import collate_many
    from klyngedesk.core.store import Project

    with Project.open(path, readonly=True) as project:
        collate_many(project, _rounds(project))


def collate_floor(path: Path) -> None:
    """Floor for the collation: one fetch of all values, then the project's own compute per indicator and
    period (values, intervals, funnel limits, flags, ranks, summary) and the change to the period before."""
    import numpy as np

    from klyngedesk.core.collate.compute import compute
    from klyngedesk.core.collate.inputs import UNIT_SCALE
    from klyngedesk.core.stats.change import change_arrays
    from klyngedesk.core.store import Project

    with Project.open(path, readonly=True) as project:
        values = project.values()
        lists = project.list_sizes()
        topics = project.topics()
    clinics = sorted(set(values["clinic"]) | set(lists["clinic"]))
    periods = sorted(set(values["period"]))
    ok = values[values["status"] == "ok"]
    cube = ok.pivot_table(index=["measure", "period"], columns="clinic", values="value", aggfunc="first")
    cube = cube.reindex(columns=clinics)
    lcube = lists.pivot_table(index="period", columns="clinic", values="patients").reindex(index=periods,
                                                                                         columns=clinics)

    def grid(measure: str) -> np.ndarray:
        try:
            return cube.xs(measure, level="measure").reindex(periods).to_numpy(float)
        except KeyError:
            return np.full((len(periods), len(clinics)), np.nan)

    for topic in topics:
        for ind in topic.indicators:
            num = grid(ind.numerator)
            den = (lcube.to_numpy(float) if ind.denominator_kind == "list_size" else grid(ind.denominator)
                   if ind.denominator else np.full(num.shape, np.nan))
            compute(num, den, unit=ind.unit, scale=UNIT_SCALE[ind.unit])
            if ind.denominator_kind != "none" and len(periods) > 1:
                change_arrays(num[1:], den[1:], num[:-1], den[:-1], proportion=ind.unit == "percent")


def setup_import(project: Path, empty: Path, files: dict[int, Path]) -> None:
    """From a demo project: an empty project with its clinics, periods and topics, and standard-format xlsx
    files (ydernummer, praksis, maaling, periode, vaerdi) holding the first N of its stored values."""
    from openpyxl import Workbook

    from klyngedesk.core.store import Project

    with Project.open(project, readonly=True) as src:
        clinics, periods, topics, cluster = src.clinics(), src.periods(), src.topics(), src.cluster()
        values = src.values()
    values = values[values["status"] == "ok"]
    yder = {c.key: c.yder for c in clinics}
    name = {c.key: c.name for c in clinics}
    target = Project.create(empty, cluster)
    try:
        with target.transaction():
            for c in clinics:
                target.add_clinic(c)
            for p in periods:
                target.add_period(p)
            for t in topics:
                target.add_topic(t)
    finally:
        target.close()
    rows = list(zip(values["clinic"], values["measure"], values["period"], values["value"], strict=True))
    for n, path in files.items():
        if n > len(rows):
            raise SystemExit(f"the demo has only {len(rows)} values; {n} asked for")
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Data")
        ws.append(["ydernummer", "praksis", "maaling", "periode", "vaerdi"])
        for clinic, measure, period, value in rows[:n]:
            ws.append([yder[clinic], name[clinic], measure, period, int(value) if float(value).is_integer()
                       else float(value)])
        wb.save(path)


def import_ours(empty: Path, file: Path) -> None:
    """Ours: `klyngedesk import` of the file into a fresh copy of the empty project (the copy is included)."""
    from klyngedesk.cli.main import main

    with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-") as tmp:
        target = Path(tmp) / "project.klynge"
        shutil.copy(empty, target)
        code = main(["import", str(target), str(file), "--yes"])
    if code:
        raise SystemExit(code)


@contextmanager
def counting_charts() -> Iterator[list[int]]:
    """While inside: every chart the handouts draw through `sections` (the charts a pack prints) is counted in
    the yielded one-item list; the drawing functions are put back on leaving."""
    from klyngedesk.core.render import sections

    counted = [0]
    originals = {name: getattr(sections, name) for name in CHART_DRAWERS}

    def counting(draw):
        def counted_draw(*args, **kwargs):
            counted[0] += 1
            return draw(*args, **kwargs)
        return counted_draw

    for name, draw in originals.items():
        setattr(sections, name, counting(draw))
    try:
        yield counted
    finally:
        for name, draw in originals.items():
            setattr(sections, name, draw)


CHART_DRAWERS = ("draw_chart",)   # the functions in klyngedesk.core.render.sections that draw one chart each


def count_pack(project: Path, meeting: str, out: Path) -> tuple[int, int]:
    """(charts drawn, PDF files written) by one pack of the meeting, counted while packing."""
    from klyngedesk.core.render import pack as pack_module
    from klyngedesk.core.store import Project

    with counting_charts() as counted, Project.open(project) as p:
        result = pack_module.build_pack(p, meeting, out)
    return counted[0], 2 + len(result.personal)


def pack_counted(project: Path, meeting: str, out: Path, counts: Path) -> int:
    """Ours for the scaling run: `klyngedesk pack` (the CLI's own main) into a fresh folder under `out`, the
    charts counted while packing and the PDFs written, saved to `counts` for the floor run after it."""
    import json

    from klyngedesk.cli.main import main as cli

    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="pack-", dir=out))
    with counting_charts() as counted:
        code = cli(["pack", str(project), "--meeting", meeting, "--out", str(folder)])
    files = len(list(folder.rglob("*.pdf")))
    shutil.rmtree(folder, ignore_errors=True)
    counts.write_text(json.dumps({"charts": counted[0], "files": files}), encoding="utf-8")
    return code


def floor_pack_from(counts: Path, bars: int) -> None:
    """The pack floor with the charts and files the last counted pack printed."""
    import json

    got = json.loads(counts.read_text(encoding="utf-8"))
    floor_pack(got["charts"], max(got["files"], 1), bars)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cases")
    sub = p.add_subparsers(dest="case", required=True)
    sub.add_parser("floor-read").add_argument("file", type=Path)
    fp = sub.add_parser("floor-pack")
    for a in ("charts", "files", "bars"):
        fp.add_argument(a, type=int)
    for case in ("collate-rounds", "collate-all", "collate-floor"):
        sub.add_parser(case).add_argument("project", type=Path)
    pc = sub.add_parser("pack-counted")
    for a in ("project", "meeting", "out", "counts"):
        pc.add_argument(a, type=str if a == "meeting" else Path)
    fc = sub.add_parser("floor-pack-from")
    fc.add_argument("counts", type=Path)
    fc.add_argument("bars", type=int)
    ip = sub.add_parser("import")
    ip.add_argument("empty", type=Path)
    ip.add_argument("file", type=Path)
    args = p.parse_args(argv)
    if args.case == "floor-read":
        floor_read(args.file)
    elif args.case == "floor-pack":
        floor_pack(args.charts, args.files, args.bars)
    elif args.case == "collate-rounds":
        collate_rounds(args.project)
    elif args.case == "collate-all":
        collate_all(args.project)
    elif args.case == "collate-floor":
        collate_floor(args.project)
    elif args.case == "import":
        import_ours(args.empty, args.file)
    elif args.case == "pack-counted":
        return pack_counted(args.project, args.meeting, args.out, args.counts)
    elif args.case == "floor-pack-from":
        floor_pack_from(args.counts, args.bars)
    return 0


if __name__ == "__main__":
    sys.exit(main())
