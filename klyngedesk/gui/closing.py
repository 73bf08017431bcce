"""What goes with the desk when it closes: every other window it opened, at once and without a question.

Qt quits when the last main window has closed, and drops that quit when a window is shown before it is carried
out; a dialog left open (or asking "discard what you typed?") after the desk has gone keeps the program running
with nothing to bring it back, so the desk's dialogs close as if Cancel were pressed, and its presentation too."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QWidget


def owned_by(widget: QWidget, owner: QWidget) -> bool:
    """True when `owner` is the widget's parent, or its parent's parent, and so on (across windows)."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent is owner:
            return True
        parent = parent.parentWidget()
    return False


def close_owned_windows(owner: QWidget, *also: QWidget | None) -> None:
    """Close every visible window `owner` owns and the windows in `also` (parentless ones it opened): dialogs
    are rejected without their own questions (nothing in them is saved), other windows are closed."""
    extra = [w for w in also if w is not None]
    for widget in QApplication.topLevelWidgets():
        if widget is owner or not widget.isVisible():
            continue
        if not (owned_by(widget, owner) or any(widget is w for w in extra)):
            continue
        if isinstance(widget, QDialog):
            QDialog.reject(widget)  # the dialog's Cancel without a guard's question; a running exec() returns
            widget.hide()  # a dialog whose reject was refused before still goes
        else:
            widget.close()
