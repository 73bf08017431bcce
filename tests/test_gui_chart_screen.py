"""Charts on screen: the key below the plot (never over a bar), the dashed pooled line dashed in the key too,
a 0 tick on ranked bars, clinics by name in the coordinator's view, the change sentence under a comparison."""

from __future__ import annotations

import re
from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import Qt

from klyngedesk.gui.main_window import MainWindow


def _charts(qtbot, app_context, demo_path: Path, kind: str):
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = window.charts_page
    page.kind_box.setFocus()
    index = page.kind_box.findData(kind)
    while page.kind_box.currentIndex() != index:  # the user steps through the chart kinds with the arrows
        press(qtbot, Qt.Key.Key_Down if page.kind_box.currentIndex() < index else Qt.Key.Key_Up)
    legend = page.chart.plot.getPlotItem().legend
    if legend is not None:  # the plot lays out its key when it next paints
        qtbot.waitUntil(lambda: legend.sceneBoundingRect().top() > 0, timeout=3000)
    return window, page


def test_key_below_the_plot_and_names_without_keys(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "ranked")
    plot = page.chart.plot.getPlotItem()
    legend = plot.legend
    assert legend is not None
    assert not legend.sceneBoundingRect().intersects(plot.vb.sceneBoundingRect())  # covers no bar
    labels = [label for _, label in page.chart.plot.getAxis("left")._tickLevels[0]]
    assert labels and not any(re.search(r"\bK\d\d\b", t) for t in labels), labels
    ticks = page.chart.plot.getAxis("bottom")._tickLevels[0]
    assert ticks[0] == (0.0, "0") or ticks[0][1] == "0"


def test_funnel_key_draws_the_pooled_line_dashed(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "funnel")
    legend = page.chart.plot.getPlotItem().legend
    pooled = [sample.item for sample, label in legend.items if label.text == page.chart.spec.centre_label]
    assert pooled and pooled[0].opts["pen"].dashPattern(), "the key shows the dashed line solid"
    assert not legend.sceneBoundingRect().intersects(page.chart.plot.getPlotItem().vb.sceneBoundingRect())


def test_before_and_after_says_how_much_the_cluster_changed(qtbot, app_context, demo_path: Path) -> None:
    _, page = _charts(qtbot, app_context, demo_path, "before_after")
    assert page.compare_box.currentText() == "2. halvår 2025"
    text = page.change_note.text()
    assert page.change_note.isVisible() and "Ændring" in text and "KI" in text and "2. halvår 2025" in text
