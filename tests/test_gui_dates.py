"""Dates and times are written one way everywhere: the window's tables and labels and the printed key use the
same helper (Danish "1. december 2026 kl. 13.05" / "01.12.2026", English style in English)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from gui_user import press, show_active
from PySide6.QtCore import QSettings, Qt

from klyngedesk.core.formatting import format_date_time, format_short_date
from klyngedesk.core.model import Meeting
from klyngedesk.core.render.key_document import KeyMaterial, KeyRow, key_pdf
from klyngedesk.core.render.leakscan import page_texts
from klyngedesk.gui.app import make_context
from klyngedesk.gui.main_window import MainWindow
from klyngedesk.gui.meeting_dialog import MeetingDialog

SHORT_DA = re.compile(r"^\d{2}\.\d{2}\.\d{4} kl\. \d{2}\.\d{2}$")
SHORT_EN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@pytest.mark.parametrize("lang, long, short", [
    ("da", "1. december 2026 kl. 13.05", "01.12.2026 kl. 13.05"),
    ("en", "1 December 2026, 13:05", "2026-12-01 13:05"),
])
def test_one_way_to_write_a_moment(lang: str, long: str, short: str) -> None:
    assert format_date_time("2026-12-01T13:05:41", lang) == long
    assert format_date_time(datetime(2026, 12, 1, 13, 5), lang, short=True) == short
    assert format_date_time("not a time", lang) == "not a time"
    assert short.startswith(format_short_date(date(2026, 12, 1), lang))


def test_a_stored_time_with_its_offset_is_shown_in_local_time() -> None:
    stamp = "2026-12-01T12:05:00+00:00"
    local = datetime.fromisoformat(stamp).astimezone()
    assert format_date_time(stamp, "da").endswith(f"kl. {local:%H.%M}")


def test_the_printed_key_writes_the_draw_time_as_the_window_does() -> None:
    material = KeyMaterial((KeyRow("A", "Lægehuset Alfa", "012345", False),), "2026-11-20T09:07:00",
                           "letters", "2026-12-01T13:05:00")
    text = " ".join(" ".join(page_texts(key_pdf(material, Meeting("m", date(2026, 12, 3), "Møde"), "Klynge",
                                                "da"))).split())
    assert "20. november 2026 kl. 09.07" in text and "1. december 2026 kl. 13.05" in text
    assert "13:05" not in text and "2026-12-01" not in text


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_window_writes_import_and_draw_times_one_way(qtbot, qapp, tmp_path: Path, demo_path: Path,
                                                          lang: str) -> None:
    ctx = make_context(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), lang=lang)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    pattern = SHORT_DA if lang == "da" else SHORT_EN
    try:
        press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)    # Importer: when each file came in
        table = window.history_page.table
        assert table.rowCount() > 0
        column = next(c for c in range(table.columnCount())
                      if table.horizontalHeaderItem(c).text() in ("Importeret", "Imported"))
        for row in range(table.rowCount()):
            assert pattern.match(table.item(row, column).text()), table.item(row, column).text()

        press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)    # Møder: when the codes were drawn
        page = window.meetings_page
        qtbot.mouseClick(page.draw_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.ctx.holder.project.draw(page.meeting_key()) is not None, timeout=5000)
        drawn = window.ctx.holder.project.draw(page.meeting_key())["drawn_at"]
        assert format_date_time(drawn, lang, short=True) in page.draw_state.text()

        project = window.ctx.holder.project
        dialog = MeetingDialog(lang, project.topics(), project.periods())      # a date field writes it so too
        qtbot.addWidget(dialog)
        assert dialog.date.text() == format_short_date(dialog.date.date().toPython(), lang)
    finally:
        ctx.holder.set_project(None)
