"""Data and Diagrammer open on the newest round that has data, say so, and then keep the round the user picks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import Qt
from test_gui_desk import make_cluster

from klyngedesk.core.model import Period
from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow


def _with_empty_new_round(path: Path) -> Path:
    project = Project.open(path)
    project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
    project.close()
    return path


def test_pages_open_on_the_newest_round_with_data_and_say_so(qtbot, app_context, demo_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(_with_empty_new_round(demo_path)))
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Vis > Data
    page = window.data_page
    assert window.tabs.currentWidget() is page
    assert page.period_box.currentText() == "1. halvår 2026"
    assert page.round_note.isVisible()
    assert page.round_note.text() == "Viser 1. halvår 2026, den nyeste runde med data (2. halvår 2026 har endnu ingen data)."
    cells = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert cells and all(c != "–" for c in cells)

    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Vis > Diagrammer
    charts = window.charts_page
    assert charts.period_box.currentText() == "1. halvår 2026"
    assert charts.compare_box.currentText() == "2. halvår 2025"
    assert "den nyeste runde med data" in charts.round_note.text()
    assert charts.chart.spec is not None

    # The user picks the empty round with the keyboard: the page says it is empty and keeps it after a reload.
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page.period_box.setFocus()
    qtbot.keyClick(page.period_box, Qt.Key.Key_Down)
    assert page.period_box.currentText() == "2. halvår 2026"
    assert page.round_note.text().startswith("2. halvår 2026 har endnu ingen data for dette tema")
    window.reload_pages()
    assert page.period_box.currentText() == "2. halvår 2026"


def test_a_new_cluster_says_no_round_has_data(qtbot, app_context, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    make_cluster(qtbot, window, tmp_path)
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    note = window.data_page.round_note
    assert note.isVisible() and note.text() == "Ingen runde har data for dette tema endnu: importér klinikkernes filer."
