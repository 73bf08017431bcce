"""Dialogs that ask before throwing away what the user typed (Cancel, Esc or the window's close button)."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
)

from klyngedesk.i18n import current_language, tr


def input_state(dialog: QDialog) -> list:
    """What the user can change in the dialog, as plain values (compared to see whether anything was typed)."""
    state: list = []
    for w in dialog.findChildren(QLineEdit):
        if not isinstance(w.parent(), QAbstractSpinBox | QComboBox):  # their own editors are read below
            state.append(w.text())
    state += [w.toPlainText() for w in dialog.findChildren(QPlainTextEdit) if not w.isReadOnly()]
    state += [w.toPlainText() for w in dialog.findChildren(QTextEdit) if not w.isReadOnly()]
    state += [w.date().toString() if isinstance(w, QDateEdit) else w.text()
              for w in dialog.findChildren(QAbstractSpinBox)]
    state += [w.currentIndex() for w in dialog.findChildren(QComboBox)]
    state += [w.isChecked() for w in dialog.findChildren(QAbstractButton) if w.isCheckable()]
    for table in dialog.findChildren(QTableWidget):
        state += [table.item(r, c).text() if table.item(r, c) else ""
                  for r in range(table.rowCount()) for c in range(table.columnCount())]
    return state


class GuardedDialog(QDialog):
    """A dialog whose Cancel asks "discard what you typed?" once something differs from how it opened."""

    discard_box: QMessageBox | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if not hasattr(self, "_opened_with"):
            self._opened_with = input_state(self)

    def typed_input(self) -> bool:
        return hasattr(self, "_opened_with") and input_state(self) != self._opened_with

    def reject(self) -> None:
        if not self.typed_input() or getattr(self, "_discarding", False):
            super().reject()
            return
        lang = getattr(self, "_lang", None) or current_language()
        box = QMessageBox(QMessageBox.Icon.Question, tr("Discard what you typed?", lang),
                          tr("You have typed something in this window. Close it and discard what you typed?", lang),
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setObjectName("discard_box")
        box.finished.connect(self._discard_answered)
        self.discard_box = box
        box.open()

    def _discard_answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Discard:
            self._discarding = True
            QDialog.reject(self)
