"""The charts tab: names for the coordinator, codes for the meeting, a clicked bar's details, PNG/SVG export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog

from klyngedesk.gui.main_window import MainWindow


def _click_row(qtbot, chart, row_from_top: int) -> None:
    """Click in the middle of a bar, where the user would."""
    n = len(chart._row_labels)
    vb = chart.plot.getPlotItem().vb
    (x0, x1), _ = vb.viewRange()
    scene = vb.mapViewToScene(QPointF(x0 + (x1 - x0) * 0.05, n - 1 - row_from_top))
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.plot.mapFromScene(scene))


def test_names_or_codes_click_and_export(qtbot, app_context, demo_path: Path, tmp_path: Path, monkeypatch) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    window.open_project(str(demo_path))
    project = window.ctx.holder.project
    window.tabs.setCurrentWidget(window.charts_page)
    page = window.charts_page
    page.topic_box.setCurrentIndex(page.topic_box.findData("antibiotika"))
    page.period_box.setCurrentIndex(page.period_box.findData("2025H2"))
    page.meeting_box.setCurrentIndex(page.meeting_box.findData("2026-03"))
    names = {c.key: c.name for c in project.clinics()}

    # The coordinator's view names every clinic; a click on the top bar shows that clinic's figures.
    texts = " ".join(page.chart.texts())
    assert all(name in texts for name in names.values())
    top = page.chart._row_labels[0]
    _click_row(qtbot, page.chart, 0)
    assert top.split(" (")[0] in page.details.toPlainText()
    assert "95 %-interval" in page.details.toPlainText()

    # The anonymised view is the meeting's table: codes, and names only for the two consenting clinics.
    qtbot.mouseClick(page.codes_radio, Qt.MouseButton.LeftButton)
    texts = " ".join(page.chart.texts())
    shown = {k for k, name in names.items() if name in texts}
    assert shown == {"K04", "K05"} == project.consents("2026-03")
    _click_row(qtbot, page.chart, 0)
    details = page.details.toPlainText()
    assert not any(name in details for k, name in names.items() if k not in shown)

    # Every chart kind draws (or says why not) without taking the window down.
    for i in range(page.kind_box.count()):
        page.kind_box.setCurrentIndex(i)
        assert page.chart.title.text()

    page.kind_box.setCurrentIndex(0)
    qtbot.wait(300)  # the user looks at the chart before exporting it
    for kind in ("png", "svg"):
        target = tmp_path / f"chart.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t.with_suffix("")), ""))
        qtbot.mouseClick(page.png_button if kind == "png" else page.svg_button, Qt.MouseButton.LeftButton)
        assert target.exists() and target.stat().st_size > 1000
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert "<svg" in svg[:2000] and names["K04"] in svg  # the anonymised chart, with its consenting name
    assert not any(name in svg for k, name in names.items() if k not in shown)
