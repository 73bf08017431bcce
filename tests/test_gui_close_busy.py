"""Quitting while the desk is busy: Ctrl+Q while the pack is built leaves no window behind that keeps the program
running, and the project reopens whole (no lock left, no half-written pack, no draw frozen by a cancelled build)."""

from __future__ import annotations

import shutil
from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from klyngedesk.core.store import Project
from klyngedesk.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def visible_windows() -> list[str]:
    """Every window on screen: after the desk has closed, any of them would keep the program running."""
    return [f"{type(w).__name__} {w.objectName()!r}" for w in QApplication.topLevelWidgets() if w.isVisible()]


def _open(qtbot, app_context, source: Path, tmp_path: Path) -> tuple[MainWindow, Path]:
    path = tmp_path / "Lilleklynge.klynge"
    shutil.copy(source, path)
    app_context.settings.setValue("folders/packs", str(tmp_path / "pakker"))
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    show_active(qtbot, window)
    assert window.open_project(str(path))
    return window, path


def _start_the_pack(qtbot, window: MainWindow) -> None:
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
    qtbot.mouseClick(page.pack.build_button, LEFT)
    assert window.runner.busy  # the pack is being built


def _choose_the_meeting_with_codes(qtbot, window: MainWindow) -> None:
    """The newest meeting chosen on the Meetings page and its codes drawn (presentation mode shows codes)."""
    page = window.meetings_page
    window.tabs.setCurrentWidget(page)
    page.meeting_list.setCurrentRow(page.meeting_list.count() - 1)
    qtbot.mouseClick(page.draw_button, LEFT)
    assert window.ctx.holder.project.draw(page.meeting_key()) is not None


def assert_reopens_whole(path: Path, tmp_path: Path, codes_before: dict) -> None:
    """The project opens for writing again (no lock left), the cancelled pack left no file or hidden folder, and
    the meeting's draw is as it was (the build's draw and freeze are one transaction with its files)."""
    with Project.open(path) as project:
        assert project.draw("2026-12") == codes_before  # no draw frozen or made by the cancelled build
        assert not [e for e in project.audit_log() if e["action"] == "pack"]
    out = tmp_path / "pakker"
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) if out.exists() else []
    assert left == []


def test_quitting_while_the_pack_is_built_leaves_no_window_behind(qtbot, app_context, _small_demo_master: Path,
                                                                 tmp_path: Path) -> None:
    """Byg mødematerialet, then Ctrl+Q at once: the build is cancelled, and its progress dialog does not come up
    after the window has gone (a window shown then cancels the program's quit: it used to hang there)."""
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    codes_before = window.ctx.holder.project.draw("2026-12")
    _start_the_pack(qtbot, window)
    press(qtbot, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()
    assert not window.runner.busy
    qtbot.wait(800)  # longer than a progress dialog waits before it shows itself
    assert visible_windows() == []
    assert_reopens_whole(path, tmp_path, codes_before)


def test_quitting_twice_quickly_while_the_pack_is_built_closes_once_and_cleanly(qtbot, app_context,
                                                                               _small_demo_master: Path,
                                                                               tmp_path: Path) -> None:
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    codes_before = window.ctx.holder.project.draw("2026-12")
    _start_the_pack(qtbot, window)
    press(qtbot, Qt.Key.Key_Q, CTRL)
    window.close()  # the second Ctrl+Q (or the window's X) reaches a window that has already closed
    assert not window.isVisible() and window.ctx.holder.project is None
    qtbot.wait(800)
    assert visible_windows() == []
    assert_reopens_whole(path, tmp_path, codes_before)


def test_quitting_while_presentation_mode_prepares_its_slides_leaves_no_window(qtbot, app_context, monkeypatch,
                                                                              _small_demo_master: Path,
                                                                              tmp_path: Path) -> None:
    """F5 on a large project audits the slides on the worker; the desk closed meanwhile: neither its progress
    dialog nor the presentation stays or comes up after the desk has closed."""
    from klyngedesk.gui import main_window

    monkeypatch.setattr(main_window, "small_project", lambda project: False)  # as a region-sized project
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    _choose_the_meeting_with_codes(qtbot, window)
    press(qtbot, Qt.Key.Key_F5)
    assert window.runner.busy  # the slides are being prepared; their progress dialog holds the keyboard
    window.close()  # the system closes the desk (Ctrl+Q waits behind the dialog's Cancel)
    assert not window.isVisible()
    qtbot.wait(800)
    assert visible_windows() == [] and window.presentation is None
    with Project.open(path):  # no lock left
        pass


def test_quitting_the_desk_ends_its_presentation_too(qtbot, app_context, _small_demo_master: Path,
                                                     tmp_path: Path) -> None:
    """The presentation is a window of its own (on the projector): when the desk quits, it goes as well, instead
    of keeping the program running with the project already closed behind it."""
    window, _path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    _choose_the_meeting_with_codes(qtbot, window)
    press(qtbot, Qt.Key.Key_F5)
    show = window.presentation
    assert show is not None and show.isVisible()
    show_active(qtbot, window)  # back on the desk's screen
    press(qtbot, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()
    qtbot.wait(100)
    assert visible_windows() == []


def test_the_desk_closed_by_the_system_while_a_dialog_is_open_leaves_no_window(qtbot, app_context,
                                                                              _small_demo_master: Path,
                                                                              tmp_path: Path) -> None:
    """Settings open (a window-modal dialog: the user cannot reach the desk's Quit), and the system closes the
    desk (logging out): the dialog goes with it, nothing is left on screen."""
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    window.close()
    assert not window.isVisible()
    qtbot.wait(100)
    assert visible_windows() == []
    with Project.open(path):
        pass


def test_the_desk_closed_while_a_dialog_holds_typed_input_asks_nothing_and_stores_nothing(
        qtbot, app_context, _small_demo_master: Path, tmp_path: Path) -> None:
    """A new clinic half typed, and the system closes the desk: no "discard what you typed?" comes up (a question
    shown after the desk has gone would keep the program running, unanswered), and no clinic was added."""
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    clinics_before = [c.key for c in window.ctx.holder.project.clinics()]
    dialog = window.clinics_page.add_clinic()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.keyClicks(dialog.name, "Lægehuset ved Åen")
    assert dialog.typed_input()
    window.close()
    assert not window.isVisible()
    qtbot.wait(100)
    assert visible_windows() == [] and dialog.discard_box is None
    with Project.open(path) as project:
        assert [c.key for c in project.clinics()] == clinics_before


def test_the_desk_closed_while_a_worker_still_writes_keeps_the_lock_until_it_has_ended(
        qtbot, app_context, monkeypatch, _small_demo_master: Path, tmp_path: Path) -> None:
    """A write on the worker that does not stop in time: the desk closes, but the project stays locked until
    the write has ended (a second KlyngeDesk could otherwise write beside it), then it is closed and opens whole."""
    import threading

    from klyngedesk.core.store.connection import ProjectLocked

    monkeypatch.setattr(MainWindow, "CLOSE_WAIT_MS", 100)
    window, path = _open(qtbot, app_context, _small_demo_master, tmp_path)
    project = window.ctx.holder.project
    writing, gate = threading.Event(), threading.Event()

    def work(progress, cancelled):
        with project.transaction() as c:  # one write that ignores Cancel for a while
            c.execute("INSERT INTO audit_log(at, action, detail_json) VALUES ('now', 'slow write', '{}')")
            writing.set()
            gate.wait(20)
        return None

    window.runner.start(work, "slow write")
    assert writing.wait(10)
    window.close()
    assert not window.isVisible()
    try:
        Project.open(path).close()
        opened_beside = True
    except ProjectLocked:
        opened_beside = False
    assert not opened_beside  # still the desk's while its worker writes
    gate.set()
    qtbot.waitUntil(lambda: window.ctx.holder.project is None, timeout=10000)
    with Project.open(path) as again:
        assert [e["action"] for e in again.audit_log()].count("slow write") == 1  # the write whole, once
