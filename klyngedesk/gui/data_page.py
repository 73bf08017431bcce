"""The data tab: clinic x indicator per topic and period, where each value came from, notes, corrections."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from klyngedesk.core.collate.inputs import indicator_inputs
from klyngedesk.core.commands import AddNote, CorrectValue
from klyngedesk.core.model import Period
from klyngedesk.core.period_names import period_label
from klyngedesk.core.store import Project
from klyngedesk.gui.context import AppContext
from klyngedesk.gui.correction_dialog import CorrectionDialog, NoteDialog
from klyngedesk.gui.error_dialog import show_error
from klyngedesk.gui.indicator_table_model import IndicatorTableModel
from klyngedesk.gui.long_names import cap_row_header
from klyngedesk.gui.round_default import RoundChooser
from klyngedesk.gui.round_dialog import RoundDialog
from klyngedesk.gui.undo import push_or_explain
from klyngedesk.gui.value_details import details_html, hint_html, measure_rows, tooltip_text
from klyngedesk.i18n import KlyngeError, tr


class DataPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lang = self._lang = ctx.lang
        self.undo_stack = None  # set by the main window
        self._project: Project | None = None
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName(tr("Topic", lang))
        self.period_box = QComboBox()
        self.period_box.setAccessibleName(tr("Period", lang))
        self.model = IndicatorTableModel(lang)
        self.table = QTableView()
        self.table.setObjectName("indicator_table")
        self.table.setAccessibleName(tr("Values per clinic and indicator", lang))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        cap_row_header(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QTextBrowser()
        self.details.setObjectName("value_details")
        self.details.setAccessibleName(tr("Where the value came from", lang))
        self.details.setHtml(hint_html(tr("Click a value to see where it came from.", lang)))
        self.correct_button = QPushButton(tr("Correct value…", lang))
        self.note_button = QPushButton(tr("Note on this value…", lang))
        self.clinic_note_button = QPushButton(tr("Note on the clinic…", lang))
        self.correct_button.setObjectName("correct_value_button")
        self.note_button.setObjectName("value_note_button")
        self.clinic_note_button.setObjectName("clinic_note_button")
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            b.setEnabled(False)
        self.correct_button.clicked.connect(self.correct_value)
        self.note_button.clicked.connect(lambda: self.add_note(on_value=True))
        self.clinic_note_button.clicked.connect(lambda: self.add_note(on_value=False))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details, 1)
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            side_layout.addWidget(b)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        bar = QHBoxLayout()
        topic_label, period_label = QLabel(tr("Topic", lang)), QLabel(tr("Period", lang))
        topic_label.setBuddy(self.topic_box)
        period_label.setBuddy(self.period_box)
        for w in (topic_label, self.topic_box, period_label, self.period_box):
            bar.addWidget(w)
        self.round_note = QLabel()
        self.rounds = RoundChooser(self.period_box, self.round_note)
        bar.addWidget(self.round_note, 1)
        self.round_button = QPushButton(tr("New round…", lang))
        self.round_button.setObjectName("new_round_button")
        self.round_button.clicked.connect(self.add_round)
        bar.addWidget(self.round_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split)
        self.topic_box.currentIndexChanged.connect(self._topic_changed)
        self.period_box.currentIndexChanged.connect(self.refresh)
        self.table.selectionModel().currentChanged.connect(lambda cur, _prev: self.show_details(cur))
        self.dialog: CorrectionDialog | NoteDialog | None = None

    def load(self, project: Project) -> None:
        same = self._project is project
        self._project = project
        if not same:
            self.rounds.forget()
        kept = (self.topic_box.currentData(), self.period_box.currentData()) if same else (None, None)
        for box in (self.topic_box, self.period_box):
            box.blockSignals(True)
            box.clear()
        for topic in project.topics():
            self.topic_box.addItem(topic.title, topic.key)
        for period in project.periods():
            self.period_box.addItem(period_label(period.label, self._lang), period.key)
        self.period_box.setCurrentIndex(self.period_box.count() - 1)
        for box, key in zip((self.topic_box, self.period_box), kept, strict=True):
            if key is not None and box.findData(key) >= 0:
                box.setCurrentIndex(box.findData(key))
        self.rounds.choose(project, self.topic_box.currentData())
        for box in (self.topic_box, self.period_box):
            box.blockSignals(False)
        self.refresh()

    def _topic_changed(self) -> None:
        if self._project is not None:
            self.period_box.blockSignals(True)
            self.rounds.choose(self._project, self.topic_box.currentData())
            self.period_box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        project = self._project
        topic, period = self.topic_box.currentData(), self.period_box.currentData()
        self.rounds.update_note(project, topic, self._lang)
        if project is None or topic is None or period is None:
            return
        current = self.table.currentIndex()
        clinics = project.clinics()
        indicators = list(project.topic(topic).indicators)
        self.model.set_data({c.key: c.shown_name for c in clinics}, indicators, indicator_inputs(project, topic, period),
                            {c.key: c.name for c in clinics})
        self._values = project.values(period=period, topic=topic)
        self._titles = {m.key: m.title for m in project.topic(topic).measures}
        for r, key in enumerate(self.model.clinic_keys):
            for c, ind in enumerate(indicators):
                rows = measure_rows(self._values, key, ind)
                if rows:
                    self.model.tooltips[(r, c)] = tooltip_text(rows, self._titles, self._lang)
        self.table.resizeRowsToContents()
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
            self.show_details(self.table.currentIndex())

    def _selected(self) -> tuple[str, int] | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.clinic_keys[index.row()], index.column()

    def show_details(self, index: QModelIndex) -> None:
        if self._project is None or not index.isValid():
            return
        clinic, ind = self.model.clinic_keys[index.row()], self.model.indicator(index.column())
        notes = [n for n in self._project.notes(clinic)
                 if n["measure"] in (None, ind.numerator, ind.denominator)
                 and n["period"] in (None, self.period_box.currentData())]
        name = self._project.clinic(clinic).shown_name
        sizes = self._project.list_sizes(self.period_box.currentData())
        size = sizes.loc[sizes["clinic"] == clinic, "patients"]
        self.details.setHtml(details_html(name, ind, measure_rows(self._values, clinic, ind), self._titles, notes,
                                          self._lang, int(size.iloc[0]) if len(size) else None))
        for b in (self.correct_button, self.note_button, self.clinic_note_button):
            b.setEnabled(True)

    def correct_value(self) -> CorrectionDialog | None:
        chosen = self._selected()
        if chosen is None or self._project is None:
            return None
        clinic, col = chosen
        ind = self.model.indicator(col)
        measures = [(m, self._titles.get(m, m)) for m in (ind.numerator, ind.denominator) if m]
        current = {r["measure"]: r["value"] for r in measure_rows(self._values, clinic, ind)}
        dialog = CorrectionDialog(self._lang, self._project.clinic(clinic).shown_name, measures, current, parent=self)
        period = self.period_box.currentData()
        dialog.accepted.connect(lambda: self._push(CorrectValue(clinic, dialog.measure(), period, dialog.value(),
                                                                dialog.reason())))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_note(self, on_value: bool) -> NoteDialog | None:
        chosen = self._selected()
        if chosen is None or self._project is None:
            return None
        clinic, col = chosen
        ind = self.model.indicator(col)
        dialog = NoteDialog(self._lang, self._project.clinic(clinic).shown_name, ind.title if on_value else None, self)
        measure = ind.numerator if on_value else None
        period = self.period_box.currentData() if on_value else None
        dialog.accepted.connect(lambda: self._push(AddNote(dialog.text(), clinic, measure, period)))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_round(self) -> RoundDialog | None:
        if self._project is None:
            return None
        dialog = RoundDialog(self._lang, self._project.periods(), self)
        dialog.accepted.connect(lambda: self._add_period(dialog.period()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _add_period(self, period: Period) -> None:
        try:
            self._project.add_period(period)
        except KlyngeError as error:
            show_error(self, error, self._lang)
            return
        self.rounds.pick(period.key)
        self.ctx.holder.data_changed.emit()
        self.period_box.setCurrentIndex(self.period_box.findData(period.key))

    def _push(self, command: CorrectValue | AddNote) -> None:
        clinic = self._project.clinic(command.clinic).shown_name if command.clinic else ""
        if isinstance(command, CorrectValue):
            text = tr("correction of {measure} for {clinic}", self._lang,
                      measure=self._titles.get(command.measure, command.measure), clinic=clinic)
        else:
            text = tr("note on {clinic}", self._lang, clinic=clinic) if clinic else tr("note", self._lang)
        push_or_explain(self.undo_stack, command, self.ctx.holder, self._lang, self, text)
