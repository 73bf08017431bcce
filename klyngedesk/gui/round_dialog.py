"""Add a data round (half-year period) to the project: the follow-up round months after a meeting."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from klyngedesk.core.model import Period
from klyngedesk.core.period_names import period_label
from klyngedesk.gui.new_cluster_wizard import half_years
from klyngedesk.i18n import tr


def next_rounds(existing: list[Period], today: date, count: int = 6) -> list[Period]:
    """Half-years around today that the project does not have yet, oldest first."""
    have = {p.key for p in existing}
    nxt = date(today.year + 1, 12, 31)
    return [p for p in half_years(nxt, count) if p.key not in have]


class RoundDialog(QDialog):
    """After accept, `period()` is the chosen round."""

    def __init__(self, lang: str, existing: list[Period], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("round_dialog")
        self.setWindowTitle(tr("New round", lang))
        self.rounds = next_rounds(existing, date.today())
        self.choice = QComboBox()
        self.choice.setAccessibleName(tr("Round", lang))
        for period in self.rounds:
            self.choice.addItem(period_label(period.label, lang), period.key)
        latest = max((p.end for p in existing), default=None)
        later = [i for i, p in enumerate(self.rounds) if latest is None or p.start > latest]
        self.choice.setCurrentIndex(later[0] if later else 0)  # the round after the latest one
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.rounds))
        hint = QLabel(tr("A round is the half-year the clinics' figures are for. Add it before importing its "
                         "files; list sizes for it are entered per clinic.", lang))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.choice)
        layout.addWidget(self.buttons)

    def period(self) -> Period:
        return self.rounds[self.choice.currentIndex()]
