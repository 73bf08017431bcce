"""Keyboard reach: Tab leaves tables, every page button is also a menu entry, widgets carry accessible names."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# Shortcuts for the actions used most (the rest are reached through the Actions menu or Tab).
SHORTCUTS = {"correct_value_button": "Ctrl+R", "build_pack_button": "Ctrl+B", "plan_meeting_button": "Ctrl+M",
             "draw_codes_button": "Ctrl+D", "new_round_button": "Ctrl+Shift+R"}


def free_tab_key(root: QWidget) -> None:
    """Tab and Shift+Tab move on from tables and lists (arrow keys still move inside them)."""
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)
    for edit in root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        edit.setTabChangesFocus(True)


def name_for_screen_readers(root: QWidget) -> None:
    """Give every focusable widget without an accessible name the text of its label (buddy) or its own text."""
    buddies = {id(label.buddy()): label.text().replace("&", "") for label in root.findChildren(QLabel)
               if label.buddy() is not None}
    kinds = (QAbstractItemView, QComboBox, QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractButton)
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or widget.accessibleName():
            continue
        text = buddies.get(id(widget)) or (widget.text().replace("&", "") if isinstance(widget, QAbstractButton)
                                           else "")
        if not text and isinstance(widget, QLineEdit):
            text = widget.placeholderText()
        if not text and widget.toolTip():
            text = widget.toolTip()
        box = widget.parentWidget()
        while not text and box is not None and box is not root:  # a table inside a titled group: its title
            text = box.title() if isinstance(box, QGroupBox) else ""
            box = box.parentWidget()
        if text:
            widget.setAccessibleName(text)


class _Mirror(QObject):
    """Keeps a menu action's enabled and visible state equal to its button's."""

    def __init__(self, button: QPushButton, action: QAction, page: QWidget) -> None:
        super().__init__(button)
        self.button, self.action, self.page = button, action, page
        button.installEventFilter(self)
        self.sync()

    def sync(self) -> None:
        self.action.setEnabled(self.button.isEnabled())
        self.action.setVisible(self.button.isVisibleTo(self.page))
        self.action.setText(self.button.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() in (QEvent.Type.EnabledChange, QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self.sync()
        return False


def page_actions(menu: QMenu, tabs: QTabWidget, pages: list[QWidget], titles: list[str],
                 owner: QWidget) -> list[QAction]:
    """One menu entry per button of each page, grouped under the page title; choosing it opens the page and
    presses the button, so mouse, menu and shortcut do exactly the same."""
    actions: list[QAction] = []
    mirrors: list[_Mirror] = []
    menu.aboutToShow.connect(lambda: [m.sync() for m in mirrors])
    for page, title in zip(pages, titles, strict=True):
        menu.addSection(title)
        for button in page.findChildren(QPushButton):
            action = QAction(button.text(), owner)
            action.setObjectName(f"menu_{button.objectName() or len(actions)}")
            if button.objectName() in SHORTCUTS:
                action.setShortcut(QKeySequence(SHORTCUTS[button.objectName()]))
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                button.setToolTip(f"{button.text().replace('&', '')} ({keys})")
            action.triggered.connect(lambda _=False, p=page, b=button: _press(tabs, p, b))
            mirrors.append(_Mirror(button, action, page))
            menu.addAction(action)
            owner.addAction(action)
            actions.append(action)
    return actions


def _press(tabs: QTabWidget, page: QWidget, button: QPushButton) -> None:
    tabs.setCurrentWidget(page)
    if button.isEnabled() and button.isVisibleTo(page):
        button.setFocus()
        button.click()
