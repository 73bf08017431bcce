"""Small dialogs on the data tab: correct one stored value (with a reason) and write a note."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.gui.discard_guard import GuardedDialog
from klyngedesk.i18n import tr


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class CorrectionDialog(GuardedDialog):
    """Choose the measure, type the right number and say why; the old value stays in the history."""

    def __init__(self, lang: str, clinic_name: str, measures: list[tuple[str, str]], current: dict[str, float],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correction_dialog")
        self.setWindowTitle(tr("Correct value", lang))
        self.measure_box = QComboBox()
        for key, title in measures:
            self.measure_box.addItem(title, key)
        self.number = QDoubleSpinBox()
        self.number.setObjectName("correction_value")
        self.number.setRange(0, 10_000_000)
        self.number.setDecimals(0)
        self.number.setGroupSeparatorShown(True)
        self._current = current
        self.measure_box.currentIndexChanged.connect(self._show_current)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("correction_reason")
        self.reason_edit.setPlaceholderText(tr("e.g. the clinic sent a corrected count by e-mail", lang))
        self.buttons = _buttons(self)
        self.reason_edit.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow(tr("Clinic", lang), QLabel(clinic_name))
        form.addRow(tr("&Measure", lang), self.measure_box)
        form.addRow(tr("&New value", lang), self.number)
        form.addRow(tr("&Reason", lang), self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("The old value is kept in the history; Edit ▸ Undo takes the correction back.",
                                   lang)))
        layout.addWidget(self.buttons)
        self._show_current()
        self._check()

    def _show_current(self) -> None:
        value = self._current.get(self.measure_box.currentData())
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            self.number.setValue(float(value))

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason_edit.text().strip()))

    def measure(self) -> str:
        return str(self.measure_box.currentData())

    def value(self) -> float:
        return float(self.number.value())

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class NoteDialog(GuardedDialog):
    def __init__(self, lang: str, clinic_name: str, indicator_title: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(tr("Note", lang))
        about = f"{clinic_name} — {indicator_title}" if indicator_title else clinic_name
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("note_text")
        self.edit.setTabChangesFocus(True)
        self.buttons = _buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(about))
        layout.addWidget(self.edit)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        return self.edit.toPlainText().strip()
