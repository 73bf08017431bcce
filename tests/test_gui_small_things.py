"""Small things a well-made program does: the guide under Hjælp, a useful first size that is remembered,
closing the window while the import wizard is open explains why nothing happens."""

from __future__ import annotations

from pathlib import Path

from gui_user import press, show_active
from PySide6.QtCore import QSettings, Qt

from klyngedesk.gui.app import make_context
from klyngedesk.gui.guide_dialog import GuideDialog
from klyngedesk.gui.main_window import MainWindow


def test_f1_opens_the_danish_guide_with_screenshots(qtbot, app_context) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    press(qtbot, Qt.Key.Key_F1)
    guide = window.wizard
    assert isinstance(guide, GuideDialog) and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "Skabeloner til klinikkerne" in text and "Lav mødematerialet" in text and "Ctrl+Tab" in text
    html = guide.browser.toHtml()
    assert html.count("<img") >= 5
    assert "screenshots/da-1024x700-2-data.png" in html


def test_first_size_is_useful_and_the_geometry_is_remembered(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "first.ini"), QSettings.Format.IniFormat)
    ctx = make_context(settings, lang="da")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    assert window.width() >= min(1024, area.width()) and window.height() >= min(700, area.height())
    size = (area.width() - 40, area.height() - 60)  # the user makes it a little smaller
    window.resize(*size)
    window.close()
    again = MainWindow(make_context(settings, lang="da"))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size


def test_closing_with_the_import_wizard_open_says_why(qtbot, app_context, demo_path: Path, tmp_path: Path) -> None:
    window = MainWindow(app_context)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.open_project(str(demo_path))
    f = tmp_path / "a.csv"
    f.write_text("x\n", encoding="utf-8")
    wizard = window.import_files([str(f)])
    qtbot.waitUntil(lambda: wizard.plan is not None and not window.runner.busy, timeout=20000)
    window.close()
    assert window.isVisible() and wizard.isVisible()
    box = window.close_blocked_box
    assert box.isVisible() and "Importguiden er stadig åben" in box.text()
    box.accept()
    wizard.reject()
    window.close()
    assert not window.isVisible()
