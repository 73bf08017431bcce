"""The clinics tab: the cluster's clinics with yder number, doctors and EHR system."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from klyngedesk.core.store import Project
from klyngedesk.gui.clinic_table_model import ClinicTableModel
from klyngedesk.i18n import tr


class ClinicsPage(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self.model = ClinicTableModel(lang)
        self.summary = QLabel()
        self.table = QTableView()
        self.table.setObjectName("clinics_table")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def load(self, project: Project) -> None:
        clinics = project.clinics()
        self.model.set_clinics(clinics)
        self.summary.setText(tr("{clinics} clinics, {doctors} doctors", self._lang, clinics=len(clinics),
                                doctors=sum(len(c.doctors) for c in clinics)))
