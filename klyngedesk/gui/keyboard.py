"""Keyboard reach: Tab leaves tables, every page button is also a menu entry, widgets carry accessible names."""

from __future__ import annotations

from collections.abc import Callable

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


class PageActions:
    """The Actions menu: one entry per button of each page, grouped under the page title; choosing it opens the
    page and presses the button, so mouse, menu and shortcut do exactly the same. Pages are built when first
    shown (see page_tabs), so their entries are added as each page is built; opening the menu builds the pages
    not built yet, and a shortcut of a page not built yet builds pages in tab order until its button is there."""

    def __init__(self, menu: QMenu, tabs: QTabWidget, titles: list[str], owner: QWidget,
                 page: Callable[[int], QWidget]) -> None:
        self.menu, self.tabs, self.owner, self._page = menu, tabs, owner, page
        self.actions: list[QAction] = []
        self._mirrors: list[_Mirror] = []
        self._by_name: dict[str, QAction] = {}
        self._sections = [menu.addSection(title) for title in titles]
        self._stand_ins: dict[str, QAction] = {}
        for name, keys in SHORTCUTS.items():
            stand_in = QAction(owner)
            stand_in.setShortcut(QKeySequence(keys))
            stand_in.triggered.connect(lambda _=False, n=name: self._build_and_press(n))
            owner.addAction(stand_in)
            self._stand_ins[name] = stand_in
        menu.aboutToShow.connect(self._fill)

    def add(self, index: int, page: QWidget) -> None:
        """The entries of a page just built, under its title."""
        before = self._sections[index + 1] if index + 1 < len(self._sections) else None
        for button in page.findChildren(QPushButton):
            name = button.objectName()
            action = QAction(button.text(), self.owner)
            action.setObjectName(f"menu_{name or len(self.actions)}")
            if name in SHORTCUTS:
                stand_in = self._stand_ins.pop(name, None)
                if stand_in is not None:
                    self.owner.removeAction(stand_in)
                    stand_in.deleteLater()
                action.setShortcut(QKeySequence(SHORTCUTS[name]))
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                button.setToolTip(f"{button.text().replace('&', '')} ({keys})")
                self._by_name[name] = action
            action.triggered.connect(lambda _=False, p=page, b=button: _press(self.tabs, p, b))
            self._mirrors.append(_Mirror(button, action, page))
            if before is None:
                self.menu.addAction(action)
            else:
                self.menu.insertAction(before, action)
            self.owner.addAction(action)
            self.actions.append(action)

    def _fill(self) -> None:
        for index in range(len(self._sections)):
            self._page(index)
        for mirror in self._mirrors:
            mirror.sync()

    def _build_and_press(self, name: str) -> None:
        for index in range(len(self._sections)):
            if name in self._by_name:
                break
            self._page(index)
        action = self._by_name.get(name)
        if action is not None:
            action.trigger()


def _press(tabs: QTabWidget, page: QWidget, button: QPushButton) -> None:
    tabs.setCurrentWidget(page)
    if button.isEnabled() and button.isVisibleTo(page):
        button.setFocus()
        button.click()
