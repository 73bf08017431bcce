"""Keyboard only: Tab leaves every table, every button of every page is reached, listed in a menu and named."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_user import press, show_active
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QMenu, QPushButton, QWidget

from klyngedesk.gui.main_window import MainWindow

PAGES = ["Klinikker", "Data", "Importer", "Diagrammer", "Møder", "Temaer"]


@pytest.fixture
def window(qtbot, app_context, demo_path: Path) -> MainWindow:
    w = MainWindow(app_context)
    qtbot.addWidget(w)
    w.resize(1024, 700)
    show_active(qtbot, w)
    w.open_project(str(demo_path))
    return w


def _reachable(widget: QWidget, page: QWidget) -> bool:
    return widget.isVisibleTo(page) and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus


def _tab_round(qtbot, window: MainWindow, page: QWidget) -> list[QWidget]:
    """Press Tab from the page's tab until the focus is back on the tab bar; the widgets passed on the way."""
    window.tabs.tabBar().setFocus()
    seen: list[QWidget] = []
    for _ in range(120):
        focused = press(qtbot, Qt.Key.Key_Tab) and QApplication.focusWidget()
        if focused is window.tabs.tabBar() or focused in seen:
            break
        seen.append(focused)
    return seen


@pytest.mark.parametrize("n", range(len(PAGES)))
def test_tab_reaches_every_button_and_leaves_every_table(qtbot, window: MainWindow, n: int) -> None:
    press(qtbot, Qt.Key(Qt.Key.Key_1 + n), Qt.KeyboardModifier.ControlModifier)  # Vis > the page
    page = window.pages[n]
    assert window.tabs.tabText(window.tabs.currentIndex()) == PAGES[n]
    if page is window.data_page:  # the value buttons come alive once a value is chosen (arrow keys in the table)
        page.table.setFocus()
        press(qtbot, Qt.Key.Key_Down)
    if page is window.meetings_page:
        page.meeting_list.setFocus()
        press(qtbot, Qt.Key.Key_Down)
    seen = _tab_round(qtbot, window, page)
    wanted = [w for w in page.findChildren(QWidget) if isinstance(w, (QPushButton, QAbstractItemView))
              and _reachable(w, page)]
    missed = [w.accessibleName() or w.objectName() for w in wanted if w not in seen]
    assert not missed, f"{PAGES[n]}: Tab never reaches {missed}"
    for widget in seen:  # every stop has a name a screen reader can say
        assert widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()), widget
    tables = [w for w in seen if isinstance(w, QAbstractItemView)]
    for table in tables:  # Ctrl+Tab leaves a table for the next page
        table.setFocus()
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == (n + 1) % len(PAGES)
        window.tabs.setCurrentIndex(n)


def test_every_page_button_is_in_the_actions_menu(qtbot, window: MainWindow) -> None:
    """The menu as the user opens it (Alt+N) lists every page's buttons, also of pages not shown yet."""
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert QApplication.activePopupWidget() is window.actions_menu
    listed = {a.text(): a for a in window.actions_menu.actions() if not a.isSeparator()}
    qtbot.keyClick(window.actions_menu, Qt.Key.Key_Escape)
    for page in window.pages:
        for button in page.findChildren(QPushButton):
            assert button.text() in listed, f"{button.text()} is not in the Handlinger menu"
            if button.isVisibleTo(page):
                assert listed[button.text()].isEnabled() == button.isEnabled(), button.text()
    assert "Byg mødematerialet" in listed or any("mødemateriale" in t for t in listed)


def test_build_the_pack_from_the_keyboard(qtbot, window: MainWindow) -> None:
    """Alt+N opens Handlinger; the arrows choose the pack entry; Enter builds it."""
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    meetings = window.meetings_page
    meetings.meeting_list.setFocus()
    press(qtbot, Qt.Key.Key_End)  # the newest meeting
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu) and menu is window.actions_menu
    target = next(a for a in menu.actions() if a.objectName() == "menu_build_pack_button")
    for _ in range(len(menu.actions())):
        if menu.activeAction() is target:
            break
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction() is target
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: meetings.pack.result is not None and not window.runner.busy, timeout=240000)
    assert meetings.pack.file_list.count() > 0


def test_shortcut_of_a_page_not_shown_yet_opens_it_and_presses_its_button(qtbot, window: MainWindow) -> None:
    """Ctrl+M (Plan meeting) before the Meetings page was ever shown: the page opens and the dialog with it."""
    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.meetings_page
    dialog = window.meetings_page.dialog
    assert dialog is not None and dialog.isVisible()
    press(qtbot, Qt.Key.Key_Escape)


def test_correct_value_by_shortcut(qtbot, window: MainWindow) -> None:
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    window.data_page.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Ret værdi…
    dialog = window.data_page.dialog
    assert dialog is not None and dialog.isVisible()
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
