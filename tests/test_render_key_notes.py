"""A chart key's note (the values' rounding, which clinics have no interval) is its own item: it never sits on
a line after another entry, where "Klyngen samlet 4,8 praksisser afrundet…" reads as "4,8 praksisser"."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from klyngedesk.core.render.chart_pdf import draw_chart, legend_strip
from klyngedesk.core.render.charts import Axis, RankedBar, RankedBarChart, ReferenceLine
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.sections import half_width

NOTE = "Praksisser afrundet til nærmeste 0,5"
AXIS = Axis("pr. 1.000 listede patienter", 0.0, 10.0, (0.0, 5.0, 10.0), ("0", "5", "10"))


def key_lines(flowable) -> list[str]:
    """The printed lines of a drawn chart as the project's reader (pdfium) reads them, top to bottom."""
    out = io.BytesIO()
    canvas = Canvas(out)
    _, h = flowable.wrap(500, 800)
    flowable.drawOn(canvas, 40, 800 - h)
    canvas.save()
    return page_texts(out.getvalue())[0].splitlines()


def ranked(note: str) -> RankedBarChart:
    bars = tuple(RankedBar(code, 2.0 + k, 1.0 + k, 3.0 + k, f"{2 + k},0") for k, code in enumerate("ABCD"))
    return RankedBarChart("Morfinbrugere", AXIS, bars, (ReferenceLine("pooled", 4.8, "Klyngen samlet 4,8"),),
                          interval_label="95 %-KI", note=note)


@pytest.mark.parametrize("note", [NOTE, f"{NOTE}; intet 95 %-KI for K", f"{NOTE}; intet 95 %-KI for K; de andres "
                                  "95 %-KI bredt, hvor diagrammet siger det, og ellers slet ikke vist"])
@pytest.mark.parametrize("width", [half_width(), 2 * half_width()])
@pytest.mark.parametrize("compact", [False, True])
def test_a_ranked_keys_note_starts_a_line_of_its_own(note, width, compact) -> None:
    lines = key_lines(draw_chart(ranked(note), width, compact=compact))
    holding = [line for line in lines if "afrundet" in line]
    assert holding, lines
    assert all(line.startswith("Praksisser afrundet") for line in holding), holding


def test_the_shared_keys_note_starts_a_line_of_its_own() -> None:
    lines = key_lines(legend_strip("95 %-KI", "Jeres praksis (G)", "uden for 99,8 %-grænsen", 2 * half_width(),
                                   note="Ændringer siden 2. halvår 2025"))
    assert [line for line in lines if line.startswith("Ændringer siden")], lines
