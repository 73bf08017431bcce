"""A short name per clinic ("Kort navn"), typed into the clinic dialog: every table, chart and list of the
window shows it, the whole name stays in the tooltip, undo takes it back, and two clinics cannot look alike."""

from __future__ import annotations

from pathlib import Path

from gui_user import press
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from test_gui_long_names import LONG, open_with_long_name

from klyngedesk.gui.main_window import MainWindow

SHORT = "Østergaard & Bøgh"


def _row_of(table, text: str) -> int:
    model = table.model()
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == text)


def _type_short_name(qtbot, window: MainWindow, shown: str, short: str):
    """Klinikker: select the clinic, "Ret klinik…", type the short name; returns the open dialog."""
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    table = window.clinics_page.table
    row = _row_of(table, shown)
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(window.clinics_page.edit_button, Qt.MouseButton.LeftButton)
    dialog = window.clinics_page.dialog
    qtbot.waitUntil(dialog.isVisible)
    field = dialog.short_name
    assert dialog.findChild(type(field), "clinic_short_name") is field
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    qtbot.keyClicks(field, short)
    return dialog


def test_a_short_name_typed_in_the_dialog_is_shown_everywhere_with_the_whole_name_in_the_tooltip(
        qtbot, open_window, demo_path: Path) -> None:
    window, key = open_with_long_name(open_window, demo_path)
    dialog = _type_short_name(qtbot, window, LONG, SHORT)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    clinics = window.clinics_page.table
    row = _row_of(clinics, SHORT)
    assert clinics.model().index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == LONG
    stored = window.ctx.holder.project.clinic(key)
    assert stored.short_name == SHORT and stored.name == LONG

    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)       # Data: the row header
    model = window.data_page.table.model()
    heads = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    tips = [model.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    assert SHORT in heads and LONG not in heads and tips[heads.index(SHORT)] == LONG

    press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)       # Diagrammer: the whole short name
    chart = window.charts_page.chart
    qtbot.waitUntil(lambda: bool(chart.plot.getAxis("left")._tickLevels))
    labels = [label for _, label in chart.plot.getAxis("left")._tickLevels[0]]
    assert SHORT in labels and not any(label.startswith("Lægepraksis ved") for label in labels)
    assert chart.row_tooltip(SHORT) == LONG
    n = len(labels)
    y = next(v for v, label in chart.plot.getAxis("left")._tickLevels[0] if label == SHORT)
    assert 0 <= n - 1 - int(round(y)) < n
    scene = chart.plot.getPlotItem().vb.mapViewToScene(QPointF(0, y))
    chart.plot.scene().sigMouseMoved.emit(scene)                          # the pointer rests on the row
    assert chart.plot.toolTip() == LONG

    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)       # Møder: the consent table
    codes = window.meetings_page.codes
    names = [codes.item(r, 0).text() for r in range(codes.rowCount())]
    assert SHORT in names and codes.item(names.index(SHORT), 0).toolTip() == LONG

    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)       # Temaer ▸ Opfølgning: the clinic list
    follow_up = window.topics_page.follow_up
    window.topics_page.sections.setCurrentWidget(follow_up)
    qtbot.mouseClick(follow_up.plan_button, Qt.MouseButton.LeftButton)
    action = follow_up.dialog
    box = action.clinic
    entries = [box.itemText(i) for i in range(box.count())]
    assert SHORT in entries and LONG not in entries
    assert box.itemData(entries.index(SHORT), Qt.ItemDataRole.ToolTipRole) == LONG
    action.done(0)

    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)       # undo takes the short name back
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert _row_of(window.clinics_page.table, LONG) >= 0


def test_a_short_name_another_clinic_is_shown_by_is_refused(qtbot, open_window, demo_path: Path) -> None:
    window, key = open_with_long_name(open_window, demo_path)
    other = next(c for c in window.ctx.holder.project.clinics() if c.key != key)
    dialog = _type_short_name(qtbot, window, LONG, other.name.upper())
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert "vises allerede" in dialog.problem.text()
    dialog.short_name.selectAll()
    qtbot.keyClicks(dialog.short_name, SHORT)
    assert ok.isEnabled()
    dialog.short_name.selectAll()
    qtbot.keyClicks(dialog.short_name, "x" * 80)                        # a short name stays short
    assert len(dialog.short_name.text()) <= 30
    press(qtbot, Qt.Key.Key_Escape)                                     # typed input: it asks first
    qtbot.waitUntil(lambda: dialog.discard_box is not None and dialog.discard_box.isVisible())
    qtbot.mouseClick(dialog.discard_box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.ctx.holder.project.clinic(key).short_name == ""
