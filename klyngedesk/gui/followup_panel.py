"""The follow-up view: every clinic's planned action between rounds with its re-measure date and status."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.actions import follow_up
from klyngedesk.core.formatting import format_date
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import DisplayNames
from klyngedesk.gui.panes import button_row
from klyngedesk.gui.topic_dialogs import ActionDialog
from klyngedesk.i18n import tr


def status_text(status: str, lang: str) -> str:
    return {"no_date": tr("No date", lang), "planned": tr("Planned", lang), "due": tr("Due: measure again", lang),
            "measured": tr("Measured again", lang)}.get(status, status)


class FollowUpPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("follow_up_table")
        self.table.setAccessibleName(tr("Planned actions", lang))
        self.table.setHorizontalHeaderLabels([tr("Clinic", lang), tr("Indicator", lang), tr("Action", lang),
                                              tr("Measure again", lang), tr("Status", lang)])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.plan_button = QPushButton(tr("Plan action…", lang))
        self.plan_button.setObjectName("plan_action_button")
        self.plan_button.clicked.connect(self.plan)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addLayout(button_row(self.plan_button))
        self.dialog: ActionDialog | None = None

    def load(self, project: Project) -> None:
        self._project = project
        rows = follow_up(project)
        names = DisplayNames.of(project)
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            cells = [names.clinic(f.clinic), f.indicator_title or "–", f.text,
                     format_date(f.remeasure_on, self._lang) if f.remeasure_on else "–", status_text(f.status, self._lang)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(names.clinic_tooltip(f.clinic) if c == 0 else text)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for col in range(self.table.columnCount()):
            self.table.setColumnWidth(col, self.table.columnWidth(col) + 12)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def plan(self) -> ActionDialog | None:
        if self._project is None:
            return None
        dialog = ActionDialog(self._project, self._lang, self)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self) -> None:
        self.ctx.holder.data_changed.emit()
        if self._project is not None:
            self.load(self._project)
