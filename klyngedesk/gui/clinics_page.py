"""The clinics tab: the cluster's clinics with yder number, doctors and EHR system; add and edit them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from klyngedesk.core.model import Clinic
from klyngedesk.core.store import Project
from klyngedesk.gui.change_stamp import clinics as kept_clinics
from klyngedesk.gui.clinic_table_model import ClinicTableModel
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.error_dialog import error_text
from klyngedesk.gui.latest_fetch import LatestFetch, small_project
from klyngedesk.gui.long_names import CELL_PADDING, cap_name_column, widest_advance
from klyngedesk.gui.read_only import writes
from klyngedesk.gui.tasks import TaskRunner
from klyngedesk.i18n import tr

if TYPE_CHECKING:  # the commands and the dialog are imported when first used (the window starts on this page)
    from klyngedesk.core.commands import AddClinic, EditClinic
    from klyngedesk.gui.clinic_dialog import ClinicDialog


class ClinicsPage(QWidget):
    def __init__(self, ctx: AppContext, reader: TaskRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.fetch = LatestFetch(reader, self)  # a region's clinics are read on the worker (opening shows this page)
        lang = ctx.lang
        self._lang = lang
        self.undo_stack = None  # set by the main window
        self.model = ClinicTableModel(lang)
        self.summary = QLabel()
        self.table = QTableView()
        self.table.setObjectName("clinics_table")
        self.table.setAccessibleName(tr("Clinics", lang))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        # Widths measured once per load from the texts (_fit_columns): resizing to contents asked the model for
        # every cell's size hint on each resize, a quarter of a second at 1,700 clinics.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _index: self.edit_button.click())  # (not on a read-only project)
        self.add_button = QPushButton(tr("Add clinic…", lang))
        self.add_button.setObjectName("add_clinic_button")
        self.edit_button = QPushButton(tr("Edit clinic…", lang))
        self.add_button.clicked.connect(self.add_clinic)
        writes(self.add_button, self.edit_button)
        self.edit_button.clicked.connect(self.edit_clinic)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.dialog: ClinicDialog | None = None

    @property
    def project(self) -> Project:
        assert self.ctx.holder.project is not None
        return self.ctx.holder.project

    def load(self, project: Project) -> None:
        if small_project(project):
            self.fetch.request(lambda: kept_clinics(project), self._show, small=True)
            return
        self.summary.setText(tr("Reading the clinics…", self._lang))

        def read() -> list[Clinic]:
            return kept_clinics(project)  # (a worker reads afresh: the kept list is the window thread's)

        self.fetch.request(read, self._show, self._read_failed, name="clinics")

    def _read_failed(self, error: Exception) -> None:
        self.summary.setText(error_text(error, self._lang))

    def _show(self, clinics: list[Clinic]) -> None:
        self.model.set_clinics(clinics)
        self._fit_columns()
        self.summary.setText(tr("{clinics} clinics, {doctors} doctors", self._lang, clinics=len(clinics),
                                doctors=sum(len(c.doctors) for c in clinics)))
        self.edit_button.setEnabled(bool(clinics))

    def _fit_columns(self) -> None:
        """Each column as wide as its heading or its widest text; the names capped (long ones end in "…")."""
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()
        for column in range(1, self.model.columnCount()):
            widest = widest_advance(self.model.column_texts(column), metrics) + CELL_PADDING
            header.resizeSection(column, max(widest, header.sectionSizeHint(column)))
        cap_name_column(self.table, names=self.model.column_texts(0))

    def _next_key(self) -> str:
        keys = {c.key for c in self.project.clinics()}
        n = len(keys) + 1
        while f"K{n:02d}" in keys:
            n += 1
        return f"K{n:02d}"

    def add_clinic(self) -> ClinicDialog:
        from klyngedesk.core.commands import AddClinic
        from klyngedesk.gui.clinic_dialog import ClinicDialog

        project = self.project
        clinics = project.clinics()
        dialog = ClinicDialog(self._lang, project.periods(), {c.yder for c in clinics if c.yder},
                              new_key=self._next_key(), parent=self, taken_names={c.shown_name for c in clinics})
        dialog.saver = lambda: self._commit(AddClinic(dialog.result_clinic, dialog.result_sizes))
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_clinic(self) -> ClinicDialog | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        from klyngedesk.core.commands import EditClinic, list_sizes_of
        from klyngedesk.gui.clinic_dialog import ClinicDialog

        key = self.model.data(self.model.index(index.row(), 0), Qt.ItemDataRole.UserRole)
        project = self.project
        clinic = project.clinic(key)
        others = [c for c in project.clinics() if c.key != key]
        dialog = ClinicDialog(self._lang, project.periods(), {c.yder for c in others if c.yder}, clinic,
                              list_sizes_of(project, key), parent=self, taken_names={c.shown_name for c in others})
        dialog.saver = lambda: self._commit(EditClinic(dialog.result_clinic, dialog.result_sizes))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _commit(self, command: AddClinic | EditClinic) -> None:
        """Run by the dialog's OK: a refusal raises, and the dialog stays open with what was typed."""
        from klyngedesk.core.commands import AddClinic
        from klyngedesk.gui.undo import push

        name = (command.clinic if isinstance(command, AddClinic) else command.after).shown_name
        text = tr("adding {name}", self._lang, name=name) if isinstance(command, AddClinic) else \
            tr("changes to {name}", self._lang, name=name)
        push(self.undo_stack, command, self.ctx.holder, self._lang, text)
