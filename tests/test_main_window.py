"""The first window, driven as a user would: drop a project, read the tables, open About."""

from __future__ import annotations

from pathlib import Path

from gui_user import drop
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from klyngedesk.gui.main_window import MainWindow


def _drop_file(window: MainWindow, path: Path) -> None:
    """What the window receives when a file is dragged from the file manager and let go."""
    drop(window, [path])


def test_drop_project_shows_clinics_and_danish_values(qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.project_opened, timeout=5000):
        _drop_file(window, demo_path)
    assert window.windowTitle() == "KlyngeDesk — Fjordby Klynge"
    assert window.clinics_page.model.rowCount() == 14
    assert "14 klinikker" in window.clinics_page.summary.text()

    window.tabs.setCurrentWidget(window.data_page)
    page = window.data_page
    page.topic_box.setCurrentIndex(page.topic_box.findText("Antibiotika"))
    model = page.model
    assert model.columnCount() == 2 and model.rowCount() == 14
    texts = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert all(t.endswith(" %") and "," in t for t in texts), texts  # "30,4 %"
    assert page.period_box.currentText() == "1. halvår 2026"
    window.grab().save(str(tmp_path / "main_window.png"))

    # The recent list remembers the project for next time.
    window.close_project()
    assert app_context.recent_files() == [str(demo_path.resolve())]
    assert window.welcome.recent_list.count() == 1


def test_demo_button_and_about_box(qtbot, app_context) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.project_opened, timeout=10000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.clinics_page.model.rowCount() == 14

    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    QTimer.singleShot(200, read_and_close)
    window.about_action.trigger()
    assert seen and "KlyngeDesk" in seen[0] and "pandas" in seen[0]


def test_opening_a_broken_file_explains_in_danish(qtbot, app_context, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "broken.klynge"
    bad.write_bytes(b"not a database at all")
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(title + ": " + text))
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    assert window.open_project(str(bad)) is False
    assert messages and "kunne ikke åbnes" in messages[0].lower()
    assert window.stack.currentWidget() is window.welcome
