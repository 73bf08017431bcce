"""Meeting-pack benchmark: 20 clinics x 8 indicators -> group handout + 20 personal handouts + key + print-all.

Run: `.venv/bin/python -m benchmarks.bench_pack` (from the repository root). The cluster is the demo cluster
with 20 clinics; its pain topic gets an eighth indicator (morfin's share of opioid users) so the meeting
has exactly 8 indicators. "pack" is `build_pack` end to end (collation, anonymisation, leak checks, every
PDF, the merged file). Gathering the tables (collate + anonymise) is timed apart. Two floors, measured in the same
run, each the same number of charts (counted while packing) in the same embedded font, three to a page,
spread over the same number of files, with no layout at all: A, reportlab's own bar-chart library
(Drawing + HorizontalBarChart with value labels, plus whisker lines, rendered by renderPDF); B, the bare
minimum, 20 bars with whiskers, labels, values and an axis drawn with plain canvas calls. Best of three.

`--render 20 200 400` times only the rendering (CPU seconds of `_render`: every PDF, its leak check and the
print-all file) at each size, after gathering the tables unaudited (`--audited` to audit them as a pack does),
and prints the rendering's growth exponent. `--gather 20 60 200` times only the audited gathering of the tables
(CPU of `anonymised_meeting` and of the audits in it) and prints its growth exponents.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from benchmarks.cases import counting_charts
from benchmarks.timing import best_of
from klyngedesk.core.demo import build_demo
from klyngedesk.core.model import NewValue
from klyngedesk.core.packages import topic_from_package
from klyngedesk.core.render import pack as pack_module
from klyngedesk.core.render.fonts import REGULAR, register_fonts
from klyngedesk.core.store import Project
from klyngedesk.resources import resource_path

CLINICS, INDICATORS, MEETING = 20, 8, "2026-12"


def make_project(folder: Path, clinics: int = CLINICS) -> Path:
    """The demo cluster with `clinics` clinics whose meeting has 8 indicators (pain topic + morfin share)."""
    path = build_demo(folder / "bench.klynge", clinics=clinics)
    data = json.loads(resource_path("packages", "smerter.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["indicators"].append({"key": "morfin_andel", "title": "Andel morfin blandt opioidbrugere",
                               "numerator": "morfin_brugere", "denominator": "opioid_brugere",
                               "denominator_kind": "measure", "unit": "percent", "group": "opioider"})
    with Project.open(path) as project:
        values = project.values(topic="smerter")
        meeting = project.meeting(MEETING)
        with project.transaction():
            project.remove_topic("smerter")
            project.add_topic(topic_from_package(data))
            project.add_batch("bench", "", [NewValue(r.clinic, r.measure, r.period, r.value)
                                            for r in values.itertuples()], mapping="bench")
            project.save_meeting(replace(meeting, topics=("smerter",)))
        assert sum(len(project.topic(t).indicators) for t in project.meeting(MEETING).topics) == INDICATORS
    return path


def floor_chart(canvas: Canvas, x0: float, y0: float, bars: int = CLINICS) -> None:
    """One ranked-bar chart straight onto the canvas: per bar a label, a bar, a whisker and a value; an axis."""
    canvas.setFont(REGULAR, 7.5)
    for i in range(bars):
        y = y0 + 230 - i * 10.5
        w = 40 + (i * 37) % 380
        canvas.drawRightString(x0 + 30, y, chr(65 + i % 26))
        canvas.rect(x0 + 40, y - 3, w, 7, stroke=0, fill=1)
        canvas.line(x0 + 40 + w * 0.8, y, x0 + 40 + w * 1.1, y)
        canvas.line(x0 + 40 + w * 0.8, y - 2.5, x0 + 40 + w * 0.8, y + 2.5)
        canvas.line(x0 + 40 + w * 1.1, y - 2.5, x0 + 40 + w * 1.1, y + 2.5)
        canvas.drawRightString(x0 + 478, y, f"{w / 10:.1f}")
    for t in range(6):
        canvas.line(x0 + 40 + t * 80, y0 + 10, x0 + 40 + t * 80, y0 + 240)
        canvas.drawCentredString(x0 + 40 + t * 80, y0 + 2, str(t * 10))


def floor(charts: int, files: int) -> None:
    """Floor B: plain canvas calls."""
    register_fonts()
    for count in _per_file(charts, files):
        canvas = Canvas(io.BytesIO(), pagesize=A4)
        for i in range(count):
            floor_chart(canvas, 50, 560 - (i % 3) * 260)
            if i % 3 == 2:
                canvas.showPage()
        canvas.save()


def library_chart(bars: int = CLINICS) -> Drawing:
    """reportlab's own horizontal bar chart: 20 bars with category labels, value labels and whiskers."""
    d = Drawing(480, 250)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 20, 400, 220
    values = [4 + (i * 3.7) % 38 for i in range(bars)]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [chr(65 + i % 26) for i in range(bars)]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.nudge = 8
    d.add(chart)
    for i, v in enumerate(values):
        y = 20 + (bars - i - 0.5) * 220 / bars
        d.add(Line(40 + v * 0.8 * 10, y, 40 + v * 1.1 * 10, y, strokeWidth=0.8))
    return d


def library_floor(charts: int, files: int) -> None:
    """Floor A: the same number of reportlab library charts (Drawing + HorizontalBarChart), no layout."""
    register_fonts()
    for count in _per_file(charts, files):
        canvas = Canvas(io.BytesIO(), pagesize=A4)
        for i in range(count):
            renderPDF.draw(library_chart(), canvas, 50, 560 - (i % 3) * 260)
            if i % 3 == 2:
                canvas.showPage()
        canvas.save()


def _per_file(charts: int, files: int) -> list[int]:
    return [charts // files + (1 if i < charts % files else 0) for i in range(files)]


@contextmanager
def unaudited() -> Iterator[None]:
    """While inside: the pack's tables are suppressed as usual but not audited with the attacker's linear
    program (at a few hundred clinics the audit takes longer than everything else; its speed is measured
    apart), so that the rendering can be timed at any size."""
    from klyngedesk.core.anonymise import build

    audited = build.anonymise_with_disclosure

    def without_audit(table, codes, **options):
        return audited(table, codes, **{**options, "audited": False, "model": True})

    build.anonymise_with_disclosure = without_audit
    try:
        yield
    finally:
        build.anonymise_with_disclosure = audited


def render_only(sizes: list[int], audit: bool) -> None:
    """CPU seconds of the pack's rendering alone (every PDF, its leak check, the print-all file: `_render`),
    the tables gathered first and timed apart, at each size; then the growth exponent of the rendering."""
    from benchmarks.wholeprocess import growth_exponent

    seconds = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-render-") as tmp:
            path = make_project(Path(tmp), size)
            with Project.open(path) as project, (nullcontext() if audit else unaudited()):
                start = time.process_time()
                pack = pack_module._Pack(project, MEETING, "da")
                gather = time.process_time() - start
                start = time.process_time()
                files = pack_module._render(pack, False, lambda: None)[0]
                seconds.append(time.process_time() - start)
        print(f"render {size} clinics ({len(files.personal)} personal handouts): {seconds[-1]:.2f} s CPU "
              f"(tables gathered first in {gather:.2f} s CPU{'' if audit else ', not audited'})", flush=True)
    if len(sizes) > 1:
        print(f"render growth exponent over {sizes}: {growth_exponent(sizes, seconds):.2f} (CPU; 1 = linear)")


def gather_only(sizes: list[int]) -> None:
    """CPU seconds of the audited gathering of the pack's tables (`anonymised_meeting`: collation, suppression,
    the disclosure model, the audit rounds, mending) at each size, of the audits within it, their number, and the
    counts the tables hide; then the growth exponents."""
    import random

    from benchmarks.wholeprocess import growth_exponent
    from klyngedesk.core.anonymise import build, draw_codes

    totals, audits = [], []
    real = build.audit
    spent, calls = [0.0], [0]

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - start
            calls[0] += 1

    for size in sizes:
        spent[0], calls[0] = 0.0, 0
        with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-gather-") as tmp:
            path = make_project(Path(tmp), size)
            with Project.open(path) as project:
                draw_codes(project, MEETING, rng=random.Random(1))
                build.audit = timed
                try:
                    start = time.process_time()
                    tables = build.anonymised_meeting(project, MEETING)
                    totals.append(time.process_time() - start)
                finally:
                    build.audit = real
        audits.append(spent[0])
        hidden = sum(r.suppressed + r.baseline_suppressed for t, _, _ in tables for i in t.indicators for r in i.rows)
        left = sum(len(b) for _, _, b in tables)
        print(f"gather {size} clinics: {totals[-1]:.2f} s CPU, of which {calls[0]} audits {spent[0]:.2f} s; "
              f"{hidden} counts hidden, {left} breaches left", flush=True)
    for i in range(1, len(sizes)):
        pair = sizes[i - 1:i + 1]
        print(f"growth exponent {pair[0]} -> {pair[1]}: gathering {growth_exponent(pair, totals[i - 1:i + 1]):.2f}, "
              f"audits {growth_exponent(pair, audits[i - 1:i + 1]):.2f} (CPU; 1 = linear)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_pack")
    parser.add_argument("--render", type=int, nargs="+", metavar="CLINICS",
                        help="time only the rendering (CPU) at these cluster sizes, e.g. --render 20 200 400")
    parser.add_argument("--audited", action="store_true", help="with --render: audit the tables as a pack does")
    parser.add_argument("--gather", type=int, nargs="+", metavar="CLINICS",
                        help="time only the audited gathering of the tables (CPU) at these sizes, e.g. --gather 20 60 200")
    args = parser.parse_args(argv)
    if args.gather:
        gather_only(args.gather)
        return
    if args.render:
        render_only(args.render, args.audited)
        return
    with tempfile.TemporaryDirectory(prefix="klyngedesk-bench-pack-") as tmp:
        folder = Path(tmp)
        path = make_project(folder)
        with Project.open(path) as project:
            with counting_charts() as counted:
                result = pack_module.build_pack(project, MEETING, folder / "warm")
            charts = counted[0]
            files = 2 + len(result.personal)
            ours = best_of(lambda: pack_module.build_pack(project, MEETING, folder / "out"))
            gather = best_of(lambda: pack_module._Pack(project, MEETING, "da"))
        base = best_of(lambda: floor(charts, files))
        library = best_of(lambda: library_floor(charts, files))
    print(f"meeting pack: {CLINICS} clinics x {INDICATORS} indicators -> group + {CLINICS} personal + key "
          f"+ print-all ({files} PDFs, {charts} charts)")
    print(f"  pack (collate, anonymise, leak checks, layout, charts, merge): {ours:.2f} s")
    print(f"    of which gathering the tables (collate + anonymise):          {gather:.2f} s")
    print(f"  floor A (reportlab's bar-chart library, same charts and files):  {library:.2f} s")
    print(f"  floor B (plain canvas calls, same charts and files):             {base:.2f} s")
    for name, floor_time in (("A", library), ("B", base)):
        ratio = ours / floor_time
        print(f"  ratio pack / floor {name}: {ratio:.2f}x   (aim <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
