"""Which rounds have data is read once per state of the project in the window's thread: a page changing
topic reads nothing again, and a value stored since (in the window or by an import on the worker) is seen."""

from __future__ import annotations

import threading
from datetime import date

from klyngedesk.core.model import NewValue, Period
from klyngedesk.gui.change_stamp import change_stamp, topics_with_data
from klyngedesk.gui.round_default import newest_round_with_data

NEW = Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31))


def _scans(project) -> list[str]:
    """Every statement the window's connection runs from now on."""
    seen: list[str] = []
    project.conn.set_trace_callback(seen.append)
    return seen


def test_rounds_with_data_are_read_once_until_the_project_changes(qtbot, demo_project) -> None:
    first = topics_with_data(demo_project)
    seen = _scans(demo_project)
    for _ in range(5):
        assert topics_with_data(demo_project) == first
    assert not [s for s in seen if "DISTINCT" in s]  # no scan of the stored values again
    first["2025H2"].clear()  # what a caller does with the answer does not change the kept one
    assert topics_with_data(demo_project)["2025H2"] == {"kol", "antibiotika", "smerter"}
    demo_project.conn.set_trace_callback(None)


def test_a_value_stored_in_the_window_is_seen_at_once(qtbot, demo_project) -> None:
    assert newest_round_with_data(demo_project, "kol") == "2026H1"
    stamp = change_stamp(demo_project)
    demo_project.add_period(NEW)
    demo_project.add_batch("late.xlsx", "", [NewValue("K01", "kol_patienter", NEW.key, 3.0, "ok")])
    assert change_stamp(demo_project) != stamp
    assert newest_round_with_data(demo_project, "kol") == NEW.key
    assert newest_round_with_data(demo_project, "smerter") == "2026H1"


def test_an_import_committed_by_the_worker_is_seen_by_the_window(qtbot, demo_project) -> None:
    """The import commits through the worker thread's own connection; the window's counters see it."""
    from klyngedesk.core.store.connection import close_thread_connections

    assert newest_round_with_data(demo_project, "antibiotika") == "2026H1"
    measure = next(m.key for m in demo_project.topic("antibiotika").measures)

    def worker() -> None:
        try:
            demo_project.add_period(NEW)
            demo_project.add_batch("region.xlsx", "", [NewValue("K02", measure, NEW.key, 7.0, "ok")])
        finally:
            close_thread_connections()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert newest_round_with_data(demo_project, "antibiotika") == NEW.key


def test_a_renamed_clinic_is_shown_renamed_on_the_clinics_and_meetings_pages(qtbot, app_context, demo_path) -> None:
    """The clinics are read once per state of the project; a rename (here as the clinic dialog stores it) is a
    new state: both pages show the new name when next shown."""
    import dataclasses

    from PySide6.QtCore import Qt

    from klyngedesk.gui.main_window import MainWindow

    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(str(demo_path), remember=False)
    project = window.ctx.holder.project
    window.tabs.setCurrentWidget(window.meetings_page)
    old = project.clinic("K03")
    project.update_clinic(dataclasses.replace(old, name="Lægehuset Nyt Navn", short_name=""))
    window.ctx.holder.data_changed.emit()
    codes = window.meetings_page.codes
    shown = {codes.item(r, 0).data(Qt.ItemDataRole.UserRole): codes.item(r, 0).text() for r in range(codes.rowCount())}
    assert shown["K03"] == "Lægehuset Nyt Navn"
    window.tabs.setCurrentWidget(window.clinics_page)
    model = window.clinics_page.model
    names = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "Lægehuset Nyt Navn" in names and old.name not in names


def test_the_data_page_shows_a_round_read_before_at_once_until_a_value_changes(qtbot, app_context, demo_path,
                                                                               monkeypatch) -> None:
    """Back to a topic shown a moment ago: no read again (a region's read takes seconds); after a correction
    the round is read again and shows the corrected value."""
    from klyngedesk.core.commands import CorrectValue
    from klyngedesk.gui import data_page as module
    from klyngedesk.gui.main_window import MainWindow
    from klyngedesk.gui.undo import push_or_explain

    reads: list[tuple[str, str]] = []
    real = module.read_round

    def counted(project, topic, period, *args, **kwargs):
        reads.append((topic, period))
        return real(project, topic, period, *args, **kwargs)

    monkeypatch.setattr(module, "read_round", counted)
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(str(demo_path), remember=False)
    page = window.data_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not window.reader.busy)
    first, other = page.topic_box.currentIndex(), (page.topic_box.currentIndex() + 1) % page.topic_box.count()
    page.topic_box.setCurrentIndex(other)
    page.topic_box.setCurrentIndex(first)
    assert len(reads) == 2 and page.model.rowCount() > 0  # the first topic was not read again
    before = page.model.text(0, 0)
    ind = page.model.indicator(0)
    clinic, period = page.model.clinic_keys[0], page.period_box.currentData()
    push_or_explain(window.undo_stack, CorrectValue(clinic, ind.numerator, period, 0.0, "test"),
                    window.ctx.holder, "da", window, "correction")
    qtbot.waitUntil(lambda: not window.reader.busy)
    assert len(reads) == 3 and page.model.text(0, 0) != before
