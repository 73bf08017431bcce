"""The data tab: a clinic x indicator table for a chosen topic and period."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from klyngedesk.core.collate.inputs import indicator_inputs
from klyngedesk.core.store import Project
from klyngedesk.gui.indicator_table_model import IndicatorTableModel
from klyngedesk.i18n import tr


class DataPage(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self._project: Project | None = None
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName(tr("Topic", lang))
        self.period_box = QComboBox()
        self.period_box.setAccessibleName(tr("Period", lang))
        self.model = IndicatorTableModel(lang)
        self.table = QTableView()
        self.table.setObjectName("indicator_table")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        bar = QHBoxLayout()
        topic_label, period_label = QLabel(tr("Topic", lang)), QLabel(tr("Period", lang))
        topic_label.setBuddy(self.topic_box)
        period_label.setBuddy(self.period_box)
        for w in (topic_label, self.topic_box, period_label, self.period_box):
            bar.addWidget(w)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.topic_box.currentIndexChanged.connect(self.refresh)
        self.period_box.currentIndexChanged.connect(self.refresh)

    def load(self, project: Project) -> None:
        self._project = project
        for box in (self.topic_box, self.period_box):
            box.blockSignals(True)
            box.clear()
        for topic in project.topics():
            self.topic_box.addItem(topic.title, topic.key)
        for period in project.periods():
            self.period_box.addItem(period.label, period.key)
        self.period_box.setCurrentIndex(self.period_box.count() - 1)
        for box in (self.topic_box, self.period_box):
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        project = self._project
        topic, period = self.topic_box.currentData(), self.period_box.currentData()
        if project is None or topic is None or period is None:
            return
        names = {c.key: c.name for c in project.clinics()}
        self.model.set_data(names, list(project.topic(topic).indicators), indicator_inputs(project, topic, period))
        self.table.resizeRowsToContents()
