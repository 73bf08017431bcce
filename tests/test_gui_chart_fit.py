"""What a chart shows stays inside it: at 800×800 (and on a projector's 1280×720) every slide's plot, key, value
texts and first tick fit the window and no label is cut; a chart whose every value is hidden says so in words, in either
language, instead of showing an empty plot."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel

from klyngedesk.core.render.charts import (
    Axis,
    BeforeAfterChart,
    BeforeAfterRow,
    CompositionBar,
    CompositionChart,
    FunnelChart,
    RankedBar,
    RankedBarChart,
)
from klyngedesk.core.store import Project
from klyngedesk.gui.chart_view import ChartView, TrendChart
from klyngedesk.gui.presentation import PresentationWindow, slides_for
from klyngedesk.i18n import tr

EMPTY = "Every value here is hidden (a small number, or hidden to protect another clinic): there is nothing to draw."


@pytest.fixture(scope="module")
def _slides(_demo_master: Path) -> dict[str, list]:
    with Project.open(_demo_master, readonly=True) as project:
        return {lang: slides_for(project, "2026-03", lang=lang) for lang in ("da", "en")}


def _outside(show: PresentationWindow) -> list[str]:
    """What of the slide on screen is cut: the plot past the chart's view, a value text past the plot's edge,
    a label whose wrapped text is taller than its room."""
    plot = show.chart.plot
    view = plot.mapToScene(plot.viewport().rect()).boundingRect()
    vb = plot.getPlotItem().vb
    area = vb.sceneBoundingRect()
    cut = []
    if plot.getPlotItem().sceneBoundingRect().right() > view.right() + 1:
        cut.append("the plot is wider than its view")
    for item in vb.addedItems:
        if isinstance(item, pg.TextItem) and item.isVisible():
            box = item.sceneBoundingRect()
            if box.right() > area.right() + 1 or box.left() < area.left() - 1:
                cut.append(f"value text {item.toPlainText()!r}")
    first = show.chart.first_tick
    if first is not None:   # the axis draws the first tick's label only with half its width left of the tick
        font = QFont()
        font.setPointSize(show.chart.font_size)
        half = QFontMetrics(font).horizontalAdvance(first[1]) / 2
        if vb.mapViewToScene(QPointF(first[0], 0)).x() - area.left() < half:
            cut.append(f"the first tick {first[1]!r}")
    for label in show.findChildren(QLabel):
        if label.isVisible() and label.text() and label.wordWrap() and \
                label.heightForWidth(label.contentsRect().width()) > label.contentsRect().height() + 1:
            cut.append(f"label {label.text()[:40]!r}")
    return cut


@pytest.mark.parametrize("size", [(800, 800), (1280, 720)])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_slide_fits_its_window(qtbot, _slides, lang: str, size: tuple[int, int]) -> None:
    show = PresentationWindow(_slides[lang], lang, "Fjordby Klynge",
                              notice=tr("Changed since the pack was printed ({when}): {reasons}. The slides are "
                                        "audited again, so they may differ from the printed pack.", lang,
                                        when="2026-12-02 13:36", reasons=tr("consents were changed", lang)))
    qtbot.addWidget(show)
    show.resize(*size)
    show.show()
    qtbot.waitExposed(show)
    cut = []
    for i in range(len(show.slides)):
        show.show_slide(i)
        qtbot.wait(30)   # the chart is drawn in the next turn of the event loop, the plot laid out after it
        cut += [f"slide {i + 1}: {c}" for c in _outside(show)]
    assert not cut, cut
    show.close()


AXIS = Axis("andel (%)", 0.0, 100.0, (0.0, 50.0, 100.0), ("0", "50", "100"))
ALL_HIDDEN = {
    "ranked": RankedBarChart("Ordnet", AXIS, tuple(RankedBar(c, None, value_text="skjult") for c in "ABCDE")),
    "composition": CompositionChart("Sammensætning", ("Ibuprofen", "Andre"), AXIS,
                                    tuple(CompositionBar(c, (None, None)) for c in "ABCDE")),
    "funnel": FunnelChart("Tragt", AXIS, AXIS, 50.0, "Klyngen", (), ()),
    "before/after": BeforeAfterChart("Før og nu", "Før", "Nu", AXIS, tuple(BeforeAfterRow(c, None, None)
                                                                          for c in "ABCDE")),
    "trend": TrendChart("Udvikling", ("H1 2025", "H2 2025", "H1 2026"), (("Klyngen", (None, None, None), "pooled"),),
                        AXIS),
}


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("kind", list(ALL_HIDDEN))
def test_a_chart_with_every_value_hidden_says_so(qtbot, kind: str, lang: str) -> None:
    view = ChartView(lang=lang)
    qtbot.addWidget(view)
    view.resize(640, 420)
    view.show()
    view.show_spec(ALL_HIDDEN[kind])
    words = tr(EMPTY, lang)
    assert words in view.texts()
    shown = [i for i in view.plot.getPlotItem().vb.addedItems if isinstance(i, pg.TextItem) and i.toPlainText() == words]
    assert len(shown) == 1 and shown[0].isVisible()
    (x0, x1), (y0, y1) = view.plot.getPlotItem().vb.viewRange()
    assert x0 < shown[0].pos().x() < x1 and y0 < shown[0].pos().y() < y1   # in the middle of the plot
    if lang == "da":
        assert "skjult" in words and "intet at tegne" in words
    # One value shown: the chart draws it and says nothing of the kind.
    view.show_spec(RankedBarChart("Ordnet", AXIS, (RankedBar("A", 40.0, value_text="40"),
                                                   RankedBar("B", None, value_text="skjult"))))
    assert words not in view.texts()


def test_english_slides_say_hidden_in_english(qtbot, _slides) -> None:
    """A count hidden to protect another reads "hidden" on English slides, as the English pack prints it."""
    show = PresentationWindow(_slides["en"], "en", "Fjordby Klynge")
    qtbot.addWidget(show)
    show.show()
    texts = []
    for i in range(len(show.slides)):
        show.show_slide(i)
        texts += show.chart.texts()
    assert "hidden" in texts and "skjult" not in texts
    show.close()
