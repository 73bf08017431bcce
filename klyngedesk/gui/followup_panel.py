"""The follow-up view: every clinic's planned action between rounds with its re-measure date and status."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.actions import FollowUp, follow_up
from klyngedesk.core.formatting import format_date
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.display_names import DisplayNames
from klyngedesk.gui.error_dialog import error_text
from klyngedesk.gui.latest_fetch import LatestFetch, small_project
from klyngedesk.gui.panes import button_row
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.gui.topic_dialogs import ActionDialog
from klyngedesk.i18n import tr


def status_text(status: str, lang: str) -> str:
    return {"no_date": tr("No date", lang), "planned": tr("Planned", lang), "due": tr("Due: measure again", lang),
            "measured": tr("Measured again", lang)}.get(status, status)


class FollowUpPanel(QWidget):
    """The planned actions; for a large project read on the worker (`reader`) while the panel says so."""

    def __init__(self, ctx: AppContext, reader: TaskRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self._project: Project | None = None
        self.fetch = LatestFetch(reader, self)
        self.state = QLabel()
        self.state.setObjectName("follow_up_state")
        self.state.setVisible(False)
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
        writes(self.plan_button)
        box = QVBoxLayout(self)
        box.addWidget(self.state)
        box.addWidget(self.table, 1)
        box.addLayout(button_row(self.plan_button))
        self.dialog: ActionDialog | None = None

    def load(self, project: Project) -> None:
        if project is not self._project:
            self.fetch.forget()
        self._project = project
        small = small_project(project)
        if not small:
            self.state.setText(tr("Reading the figures…", self._lang))
            self.state.setVisible(True)

        def work() -> tuple[list[FollowUp], DisplayNames]:
            return follow_up(project), DisplayNames.of(project)

        self.fetch.request(work, lambda read: self._show(*read), self._failed, small=small, name="follow-up")

    def _show(self, rows: list[FollowUp], names: DisplayNames) -> None:
        self.state.setVisible(False)
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            cells = [names.clinic(f.clinic), f.indicator_title or "–", f.text,
                     format_date(f.remeasure_on, self._lang) if f.remeasure_on else "–", status_text(f.status, self._lang)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(names.clinic_tooltip(f.clinic) if c == 0 else text)
                self.table.setItem(r, c, item)
        self.table.setUpdatesEnabled(True)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)  # widths from the first 200 rows, not every planned action
        self.table.resizeColumnsToContents()
        for col in range(self.table.columnCount()):
            self.table.setColumnWidth(col, self.table.columnWidth(col) + 12)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _failed(self, error: Exception) -> None:
        self.state.setText(error_text(error, self._lang))
        self.state.setVisible(True)

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
