"""A realistic long clinic name: elided with the whole name in the tooltip; values and bars stay visible at
1024 x 700."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gui_user import press
from PySide6.QtCore import Qt

from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow

LONG = "Lægepraksis ved Speciallæge i almen medicin Anne-Mette Østergaard-Kristensen og Jens Peter Bøgh-Andersen"


def open_with_long_name(open_window, demo_path: Path) -> tuple[MainWindow, str]:
    """The demo with its first clinic renamed to LONG, open in a window of 1024 x 700; returns the window and
    that clinic's key."""
    with Project.open(demo_path) as project:
        first = sorted(project.clinics(), key=lambda c: c.key)[0]
        project.update_clinic(dataclasses.replace(first, name=LONG))
    return open_window(demo_path, (1024, 700)), first.key


def test_long_names_leave_room_for_values_and_bars(qtbot, open_window, demo_path: Path) -> None:
    window, _key = open_with_long_name(open_window, demo_path)

    clinics = window.clinics_page.table
    assert clinics.columnWidth(0) <= 270 and clinics.columnWidth(1) > 0
    row = next(r for r in range(clinics.model().rowCount()) if clinics.model().index(r, 0).data() == LONG)
    assert clinics.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == LONG

    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    data = window.data_page.table
    qtbot.waitUntil(lambda: data.viewport().width() > 0)
    assert data.verticalHeader().width() <= 270
    assert data.columnViewportPosition(0) < data.viewport().width() // 2  # the values are on screen
    model = data.model()
    tips = [model.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    assert LONG in tips  # the whole name on hover

    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    chart = window.charts_page.chart
    labels = [label for _, label in chart.plot.getAxis("left")._tickLevels[0]]
    assert LONG not in labels and any(label.endswith("…") for label in labels)
    qtbot.waitUntil(lambda: chart.plot.getAxis("left").width() > 0)
    assert chart.plot.getAxis("left").width() < chart.plot.width() * 0.4  # the plot keeps most of the width


def test_the_widest_name_is_found_exactly_from_a_few_measurements(qtbot) -> None:
    """1,700 clinic names of every shape (wide and narrow letters, kerning pairs, æøå, one long name among short
    ones, many of the same length): the widest is measured as Qt measures the whole string."""
    import random

    from PySide6.QtGui import QFont, QFontMetrics

    from klyngedesk.gui.long_names import widest_advance

    rng = random.Random(17)
    parts = ["Læge", "huset", "klinikken", "centret", "Wa", "To", "AV", "ill", "WWW", "iii", "Fjord", "Ø", "Å",
             "gården", " ved ", " & ", "-", "Yy", "fi", "ffl", "Skanderborg", "Lille", "Store", "1", "77"]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(2, 6))) for _ in range(1700)]
    names += ["i" * 40, "W" * 14, "Lægeklinikken Bakkegården 10"]
    for family_metrics in (QFontMetrics(QFont()), QFontMetrics(QFont("Serif", 13)), QFontMetrics(QFont("Mono", 9))):
        for sample in (names, names[:9], names[::7], [n for n in names if len(n) == 20], ["x"]):
            assert widest_advance(sample, family_metrics) == max(family_metrics.horizontalAdvance(n) for n in sample)
    assert widest_advance([], QFontMetrics(QFont())) == 0
