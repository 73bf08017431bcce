"""Meetings and pack: a topic without data is named before the pack is built, a written pack is listed again
after the project is reopened, the empty page shows the project's threshold."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from gui_user import show_active
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_gui_desk import make_cluster

from klyngedesk.core.model import Period
from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def _window(qtbot, app_context) -> MainWindow:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    return window


def test_empty_meetings_page_shows_the_threshold(qtbot, app_context, tmp_path: Path) -> None:
    window = _window(qtbot, app_context)
    make_cluster(qtbot, window, tmp_path)
    window.tabs.setCurrentWidget(window.meetings_page)
    assert window.meetings_page.threshold.value() == 5


def test_topic_without_data_is_named_and_the_pack_is_listed_after_reopening(qtbot, app_context, demo_path: Path,
                                                                          tmp_path: Path) -> None:
    with Project.open(demo_path) as project:
        project.add_period(Period("2026H2", "2. halvår 2026", date(2026, 7, 1), date(2026, 12, 31)))
        meeting = dataclasses.replace(project.meeting("2026-12"), key="2027-03", date=date(2027, 3, 4),
                                      period="2026H2", baseline_period="2026H1", topics=("kol",))
        project.save_meeting(meeting)
    window = _window(qtbot, app_context)
    window.ctx.settings.setValue("folders/packs", str(tmp_path / "pakker"))
    window.open_project(str(demo_path))
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
    assert page.meeting_key() == "2027-03"
    qtbot.mouseClick(page.draw_button, LEFT)
    qtbot.mouseClick(page.pack.build_button, LEFT)
    box = page.pack.confirm_box
    assert box is not None and box.isVisible() and "KOL har ingen data" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), LEFT)
    assert page.pack.result is None and not (tmp_path / "pakker").exists() or not any((tmp_path / "pakker").iterdir())

    page.meeting_list.setCurrentRow(page.meeting_list.count() - 2)  # the meeting that has its data
    assert page.meeting_key() == "2026-12"
    with qtbot.waitSignal(page.pack.pack_written, timeout=120000):
        qtbot.mouseClick(page.pack.build_button, LEFT)
    listed = page.pack.file_list.count()
    assert listed > 2

    window.close_project()
    window.open_project(str(demo_path))
    window.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 2)
    assert page.pack.file_list.count() == listed  # still listed, and the folder opens
    assert page.pack.open_button.isEnabled()
    page.pack.file_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: page.pack.pages_shown() >= 1, timeout=30000)   # rendered on the worker
    window.close_project()   # the preview's pages and the project go while this test's window still lives
    qtbot.wait(100)


def test_progress_dialog_has_room_for_its_title(qtbot) -> None:
    import threading

    from PySide6.QtWidgets import QLabel, QWidget

    from klyngedesk.gui.progress import run_with_progress
    from klyngedesk.gui.tasks import TaskRunner

    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)  # owned by the window, as in the program (a parentless runner dies with the test)
    release = threading.Event()
    done: list = []
    title = "Mødematerialet laves: gruppens oplæg, personlige ark og nøglen…"
    task = run_with_progress(parent, runner, title, lambda progress, cancelled: release.wait(5), "da", done.append)
    dialog = task.dialog
    assert dialog.minimumWidth() >= dialog.fontMetrics().horizontalAdvance(title)
    assert dialog.findChild(QLabel).wordWrap()
    release.set()
    qtbot.waitUntil(lambda: done == [True], timeout=5000)
    assert runner.wait(5000)


def test_esc_on_a_progress_dialog_cancels_its_task_even_when_the_window_behind_is_active(qtbot) -> None:
    """Esc reaches a progress dialog that is not the active window as a reject, which only hides it: the task
    must stop all the same, not go on unseen and put its result up later."""
    import threading

    from PySide6.QtWidgets import QApplication, QWidget

    from klyngedesk.gui.progress import run_with_progress
    from klyngedesk.gui.tasks import TaskRunner

    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)
    show_active(qtbot, parent)
    release = threading.Event()
    done: list = []
    stopped: list = []

    def work(progress, cancelled):
        while not cancelled() and not release.wait(0.02):
            pass
        return True

    task = run_with_progress(parent, runner, "Mødematerialet laves", work, "da", done.append,
                             on_cancel=lambda: stopped.append(True))
    dialog = task.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    parent.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parent, timeout=5000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    release.set()
    assert stopped == [True] and done == []
    assert runner.wait(5000)
