"""Small dialogs of the topics tab: type in a reference value, plan an action between rounds."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from klyngedesk.core.actions import plan_action
from klyngedesk.core.model import Topic
from klyngedesk.core.period_names import period_label
from klyngedesk.core.references import add_reference_value
from klyngedesk.core.store import Project
from klyngedesk.gui.discard_guard import GuardedDialog
from klyngedesk.gui.display_names import date_format, indicator_shown, topic_shown
from klyngedesk.gui.screen_fit import keep_rows_whole
from klyngedesk.i18n import tr


class _FormDialog(GuardedDialog):
    """A form with OK/Cancel; OK runs `save()`, a refusal is explained and the dialog stays open (GuardedDialog)."""

    saved = Signal()

    def __init__(self, title: str, lang: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.saver = self._save_and_tell

    def _finish(self) -> None:
        self.form.addRow(self.buttons)
        keep_rows_whole(self, 460)

    def _save_and_tell(self) -> None:
        self.save()
        self.saved.emit()

    def save(self) -> None:
        raise NotImplementedError


class ReferenceDialog(_FormDialog):
    """A region or national value for one of the topic's indicators, with its source and optional period."""

    def __init__(self, project: Project, topic: Topic, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("Add reference value", lang), lang, parent)
        self.setObjectName("reference_dialog")
        self.project = project
        self.indicator = QComboBox()
        for ind in topic.indicators:
            self.indicator.addItem(indicator_shown(topic, ind, lang), ind.key)
        self.scope = QComboBox()
        self.scope.addItem(tr("Region", lang), "region")
        self.scope.addItem(tr("National", lang), "national")
        self.value = QLineEdit()
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("Who published the value, e.g. Sundhedsdatastyrelsen 2025", lang))
        self.period = QComboBox()
        self.period.addItem(tr("(any period)", lang), None)
        for p in project.periods():
            self.period.addItem(period_label(p.label, lang), p.key)
        self.form.addRow(tr("&Indicator", lang), self.indicator)
        self.form.addRow(tr("&Level", lang), self.scope)
        self.form.addRow(tr("&Value", lang), self.value)
        self.form.addRow(tr("&Source", lang), self.source)
        self.form.addRow(tr("&Period", lang), self.period)
        self._finish()

    def save(self) -> None:
        add_reference_value(self.project, self.indicator.currentData(), self.scope.currentData(), self.value.text(),
                            self.source.text(), period=self.period.currentData())


class ActionDialog(_FormDialog):
    """A clinic's planned action on an indicator and when to measure again."""

    def __init__(self, project: Project, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("Plan action", lang), lang, parent)
        self.setObjectName("action_dialog")
        self.project = project
        self.clinic = QComboBox()
        for c in project.clinics():
            self.clinic.addItem(c.shown_name, c.key)
            self.clinic.setItemData(self.clinic.count() - 1, c.name, Qt.ItemDataRole.ToolTipRole)
        self.indicator = QComboBox()
        self.indicator.addItem(tr("(no particular indicator)", lang), None)
        for t in project.topics():
            for ind in t.indicators:
                self.indicator.addItem(f"{topic_shown(t, lang)}: {indicator_shown(t, ind, lang)}", ind.key)
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(80)
        self.has_date = QCheckBox(tr("Measure again on", lang))
        self.has_date.setChecked(True)
        self.date = QDateEdit(QDate.currentDate().addMonths(6))
        self.date.setDisplayFormat(date_format(lang))
        self.date.setCalendarPopup(True)
        self.has_date.toggled.connect(self.date.setEnabled)
        self.form.addRow(tr("&Clinic", lang), self.clinic)
        self.form.addRow(tr("&Indicator", lang), self.indicator)
        self.form.addRow(tr("&Action", lang), self.text)
        self.form.addRow(self.has_date, self.date)
        self._finish()

    def remeasure_on(self) -> date | None:
        return self.date.date().toPython() if self.has_date.isChecked() else None

    def save(self) -> None:
        plan_action(self.project, self.clinic.currentData(), self.text.toPlainText(),
                    indicator=self.indicator.currentData(), remeasure_on=self.remeasure_on())
