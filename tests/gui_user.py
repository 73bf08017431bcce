"""Test helpers that act as the user: an active window, keys pressed where the keyboard focus is."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


def show_active(qtbot, window: QWidget) -> QWidget:
    """Show the window and wait until it has the keyboard (shortcuts only reach the active window)."""
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget:
    """Press a key where the focus is (as a keyboard does); returns the widget that had the focus."""
    modal = QApplication.activePopupWidget() or QApplication.activeModalWidget()
    if modal is not None:  # a dialog or menu just opened has the keyboard even before the window system says so
        focus = modal.focusWidget()
        target = focus if focus is not None and focus.window() is modal.window() else modal
    else:
        target = QApplication.focusWidget() or QApplication.activeWindow()
    if target is None:  # a dialog just closed: the window system gives the keyboard back to the main window
        mains = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        if mains:
            show_active(qtbot, mains[0])
            target = QApplication.focusWidget() or mains[0]
    assert target is not None, "no window has the keyboard"
    qtbot.keyClick(target, key, modifier)
    return target


def click_import(qtbot, wizard) -> None:
    """Press the import wizard's Importer button and wait until the values are stored."""
    with qtbot.waitSignal(wizard.committed, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)


def drop(target: QWidget, paths: list[Path]) -> None:
    """What the widget receives when files or folders are dragged from the file manager and let go."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(target.width() // 2, target.height() // 2)
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with warnings.catch_warnings():  # the QPoint overload is the one PySide6 offers for drag-enter
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(pos, *args)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the drag was refused: the user sees a no-entry cursor and nothing else"
    QApplication.sendEvent(target, QDropEvent(QPointF(pos), *args))
