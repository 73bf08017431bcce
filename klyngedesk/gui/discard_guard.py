"""Dialogs that never throw away what the user typed: Cancel asks first, OK closes only once it is saved."""

from __future__ import annotations

from collections.abc import Callable

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

from klyngedesk.gui.error_dialog import error_text
from klyngedesk.i18n import KlyngeError, current_language, tr


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
    """A dialog whose Cancel asks "discard what you typed?" once something differs from how it opened, and whose
    OK runs `saver` (set by the page that opened it) before it closes: when the project, the disk or the file
    refuses (a yder number taken meanwhile, a full disk, a write-protected file), the dialog stays open with
    everything typed and says why, instead of closing first and losing it."""

    discard_box: QMessageBox | None = None
    not_saved_box: QMessageBox | None = None
    saver: Callable[[], None] | None = None

    def accept(self) -> None:
        if self.saver is not None:
            try:
                self.saver()
            except (KlyngeError, OSError) as error:
                self._say_not_saved(error)
                return
        super().accept()

    def _say_not_saved(self, error: BaseException) -> None:
        lang = getattr(self, "_lang", None) or current_language()
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Not saved", lang),
                          error_text(error, lang) + "\n\n" + tr("What you typed is still in the window: correct it "
                                                                 "and press OK again, or Cancel.", lang),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("not_saved_box")
        self.not_saved_box = box
        box.open()

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
