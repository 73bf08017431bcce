"""Each personal handout's ranked charts are made from the other clinics' bars built once for the whole pack:
every reader's chart must be the one built for that reader alone, and the thin rows of a large cluster,
drawn once and moved for each reader, must look as when drawn bar by bar."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from klyngedesk.core.anonymise import anonymise
from klyngedesk.core.anonymise.codes import new_codes
from klyngedesk.core.collate import collate
from klyngedesk.core.demo import build_demo
from klyngedesk.core.render.chart_builder import ChartContext, OwnFigures, RankedForReaders, ranked_chart
from klyngedesk.core.render.chart_pdf import draw_chart
from klyngedesk.core.render.indicator_pages import indicator_meta
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.core.render.pack import _own_figures, shown_indicators
from klyngedesk.core.render.sections import half_width
from klyngedesk.core.store import Project


def cluster(folder: Path, clinics: int):
    """A demo cluster's pain topic collated and anonymised (no audit: the charts are what is tested)."""
    path = build_demo(folder / "demo.klynge", clinics=clinics)
    with Project.open(path, readonly=True) as project:
        topic = project.topic("smerter")
        table = collate(project, "smerter", "2026H1", "2025H2")
    codes = new_codes(sorted(r.clinic for r in table.indicators[0].rows))
    anonymised = anonymise(table, codes, meeting="2026-12", audited=False)
    return topic, table, anonymised, codes


def readers(table, anonymised, codes) -> dict[str, dict[str, OwnFigures]]:
    shown = shown_indicators(anonymised)
    return {codes[c]: _own_figures(table, shown, c, codes[c]) for c in codes}


def with_oddities(ind):
    """The indicator with a few clinics at zero (bars narrower than the narrowest drawn), ties among them."""
    rows = list(ind.rows)
    for i in range(0, len(rows), 7):
        rows[i] = replace(rows[i], value=0.0, ci_low=None, ci_high=None)
    return replace(ind, rows=tuple(rows))


@pytest.fixture(scope="module", params=[9, 70])
def built(request, tmp_path_factory):
    return cluster(tmp_path_factory.mktemp("shared"), request.param)


def contexts(lang: str) -> ChartContext:
    return ChartContext(lang, show_names=False, suppressed_text="<5", hidden_text="skjult")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_readers_chart_is_the_one_made_for_that_reader_alone(built, lang) -> None:
    topic, table, anonymised, codes = built
    own = readers(table, anonymised, codes)
    for ind in (*anonymised.indicators, with_oddities(anonymised.indicators[0])):
        meta = indicator_meta(topic, ind.key)
        shared = RankedForReaders(ind, meta, contexts(lang))
        extremes = {"Q9": None}   # a reader without a row in the chart
        for code, figures in own.items():
            mine = figures.get(ind.key)
            alone = ranked_chart(ind, meta, replace(contexts(lang), own_code=code, own=mine))
            assert shared.spec(code, mine) == alone, (ind.key, code)
            if mine is not None and mine.value is not None:   # far above every other clinic: a longer axis
                extremes[code] = replace(mine, value=mine.value * 40, ci_low=None, ci_high=None)
        for code, mine in extremes.items():
            alone = ranked_chart(ind, meta, replace(contexts(lang), own_code=code, own=mine))
            assert shared.spec(code, mine) == alone, (ind.key, code)


def raster(chart) -> tuple[np.ndarray, str]:
    """The chart drawn on a page, as pixels (greyscale, 150 dpi) and as the text a reader extracts."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    chart.wrapOn(canvas, chart.width, chart.height)
    chart.drawOn(canvas, 40, A4[1] - 40 - chart.height)
    canvas.showPage()
    canvas.save()
    document = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        image = document[0].render(scale=150 / 72, grayscale=True).to_numpy()
    finally:
        document.close()
    return image.astype(int), page_texts(buffer.getvalue())[0]


def test_thin_rows_drawn_once_look_as_drawn_bar_by_bar(built) -> None:
    """70 clinics: thin rows, drawn once for all readers; 9: labelled rows, each drawn (the same layout)."""
    topic, table, anonymised, codes = built
    own = readers(table, anonymised, codes)
    picked = sorted(own)[::9] + ["Q9"]
    thin = len(codes) > 57
    for ind in (anonymised.indicators[0], with_oddities(anonymised.indicators[1])):
        meta = indicator_meta(topic, ind.key)
        shared = RankedForReaders(ind, meta, contexts("da"))
        for code in picked:
            spec = shared.spec(code, own.get(code, {}).get(ind.key))
            assert spec.shared is not None
            fast = draw_chart(spec, half_width(), compact=True)
            assert any(op[0] == "X" for op in fast.ops) == thin, "thin rows are drawn once, labelled ones each"
            one_by_one = draw_chart(replace(spec, shared=None), half_width(), compact=True)
            assert not any(op[0] == "X" for op in one_by_one.ops)
            # the same geometry: every text (tick labels, the own row) at the same place, the same size
            assert [op for op in fast.ops if op[0] == "T"] == [op for op in one_by_one.ops if op[0] == "T"]
            assert (fast.width, fast.height) == (one_by_one.width, one_by_one.height)
            (a, text_a), (b, text_b) = raster(fast), raster(one_by_one)
            assert text_a == text_b
            # the same bars in the same places: only the edges' anti-aliasing may differ (by less than a bar's
            # contrast against the paper, ~55 grey levels); a bar one row off or a point too long shows in the
            # mean of a 6 x 6 pixel block (a point is 2 pixels here)
            assert np.abs(a - b).max() < 55, (ind.key, code)
            assert np.abs(blocks(a) - blocks(b)).max() < 12, (ind.key, code)


def blocks(image: np.ndarray, n: int = 6) -> np.ndarray:
    """The image's mean grey in blocks of n x n pixels."""
    h, w = image.shape[0] // n * n, image.shape[1] // n * n
    return image[:h, :w].reshape(h // n, n, w // n, n).mean(axis=(1, 3))
