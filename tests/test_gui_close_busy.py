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
